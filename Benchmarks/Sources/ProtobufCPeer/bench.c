#include "bench_c.h"

#include <stdlib.h>
#include <string.h>
#include <protobuf-c/protobuf-c.h>

#include "protection/v1/integrity.pb-c.h"

const void *bench_c_complaint_type(void) { return &protection__v1__complaint__descriptor; }
const void *bench_c_complaint_page_type(void) { return &protection__v1__list_complaints_response__descriptor; }

void *bench_c_unpack(const void *type, const uint8_t *data, size_t len) {
    return protobuf_c_message_unpack((const ProtobufCMessageDescriptor *)type, NULL, len, data);
}

void bench_c_free(void *message) { protobuf_c_message_free_unpacked((ProtobufCMessage *)message, NULL); }

size_t bench_c_encode(const void *message, uint8_t **out) {
    const ProtobufCMessage *m = (const ProtobufCMessage *)message;
    size_t size = protobuf_c_message_get_packed_size(m);
    *out = malloc(size ? size : 1);
    return protobuf_c_message_pack(m, *out);
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

static uint64_t value_checksum(const ProtobufCFieldDescriptor *f, const void *p) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
        return *(const uint32_t *)p;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return *(const uint64_t *)p;
    case PROTOBUF_C_TYPE_FLOAT:
        return *(const uint32_t *)p;
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *)p;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        return s ? strlen(s) + (uint8_t)s[0] : 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = (const ProtobufCBinaryData *)p;
        return b->len + (b->len ? b->data[0] : 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
        return m ? bench_c_checksum(m) : 0;
    }
    }
    return 0;
}

static size_t value_size(const ProtobufCFieldDescriptor *f) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    default: return 4;
    }
}

uint64_t bench_c_checksum(const void *message) {
    const ProtobufCMessage *m = (const ProtobufCMessage *)message;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            const char *arr = *(char *const *)base;
            for (size_t j = 0; j < n; j++) h = mix(h, value_checksum(f, arr + j * value_size(f)));
        } else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (*(const uint32_t *)((const char *)m + f->quantifier_offset) == f->id) h = mix(h, value_checksum(f, base));
        } else {
            h = mix(h, value_checksum(f, base));
        }
    }
    return h;
}

uint64_t bench_c_decode_checksum(const void *type, const uint8_t *data, size_t len) {
    void *m = bench_c_unpack(type, data, len);
    if (!m) return 0;
    uint64_t h = bench_c_checksum(m);
    bench_c_free(m);
    return h;
}
