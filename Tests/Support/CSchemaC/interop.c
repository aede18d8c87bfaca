// The generic API of schema_c.h: lookup, repacking and random messages with
// their canonical proto3 JSON, all driven by protobuf-c descriptors.

#include "schema_c.h"

#include <float.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// generated/registry.c (scripts/generate-c.sh): sorted by full name.
extern const ProtobufCMessageDescriptor *const schema_c_registry[];
extern const size_t schema_c_registry_count;

#define MAX_DEPTH 3

// MARK: - Lookup

size_t schema_c_count(void) { return schema_c_registry_count; }

const char *schema_c_name(size_t index) {
    return index < schema_c_registry_count ? schema_c_registry[index]->name : NULL;
}

const ProtobufCMessageDescriptor *schema_c_find(const char *full_name) {
    if (full_name == NULL) return NULL;
    size_t lo = 0, hi = schema_c_registry_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(schema_c_registry[mid]->name, full_name);
        if (c == 0) return schema_c_registry[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

// protoc's name for the entry message of map field `field_name`:
// "m_int32_int32" -> "MInt32Int32Entry".
static int matches_map_entry_name(const char *field_name, const char *short_name) {
    char buf[512];
    size_t k = 0;
    int cap_next = 1;
    for (const char *p = field_name; *p && k + 6 < sizeof buf; p++) {
        if (*p == '_') { cap_next = 1; continue; }
        char c = *p;
        if (cap_next && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        cap_next = 0;
        buf[k++] = c;
    }
    memcpy(buf + k, "Entry", 6);
    return strcmp(buf, short_name) == 0;
}

// protobuf-c does not mark map entries, so recognise protoc's synthetic
// message: a nested `FooEntry` with fields key = 1, value = 2, used by a
// repeated field `foo` of its parent.
static int is_map_entry(const ProtobufCMessageDescriptor *d) {
    if (d->n_fields != 2 || d->fields[0].id != 1 || d->fields[1].id != 2) return 0;
    if (strcmp(d->fields[0].name, "key") != 0 || strcmp(d->fields[1].name, "value") != 0) return 0;
    const char *dot = strrchr(d->name, '.');
    if (dot == NULL) return 0;
    size_t plen = (size_t)(dot - d->name);
    char parent[512];
    if (plen >= sizeof parent) return 0;
    memcpy(parent, d->name, plen);
    parent[plen] = 0;
    const ProtobufCMessageDescriptor *p = schema_c_find(parent);
    if (p == NULL) return 0;
    for (unsigned i = 0; i < p->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &p->fields[i];
        if (f->label == PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE
            && f->descriptor == d && matches_map_entry_name(f->name, d->short_name))
            return 1;
    }
    return 0;
}

int schema_c_is_map_entry(const char *full_name) {
    const ProtobufCMessageDescriptor *d = schema_c_find(full_name);
    return d != NULL && is_map_entry(d);
}

void schema_c_free(void *p) { free(p); }

// MARK: - Repack

static int pack_message(const ProtobufCMessage *m, uint8_t **out, size_t *out_n) {
    size_t size = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL) return 3;
    size_t written = protobuf_c_message_pack(m, buf);
    if (written != size) { free(buf); return 3; }
    *out = buf;
    *out_n = size;
    return 0;
}

int schema_c_repack(const char *type, const uint8_t *in, size_t n, uint8_t **out, size_t *out_n) {
    *out = NULL;
    *out_n = 0;
    const ProtobufCMessageDescriptor *d = schema_c_find(type);
    if (d == NULL) return 1;
    static const uint8_t empty[1] = {0};
    ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, n, in ? in : empty);
    if (m == NULL) return 2;
    int rc = pack_message(m, out, out_n);
    protobuf_c_message_free_unpacked(m, NULL);
    return rc;
}

// MARK: - PRNG (splitmix64)

typedef struct { uint64_t state; int oom; } Rng;

static uint64_t next_u64(Rng *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Uniform in 0..<n (n > 0).
static uint64_t below(Rng *r, uint64_t n) { return next_u64(r) % n; }
static int percent(Rng *r, unsigned p) { return below(r, 100) < p; }

/// Uniform in lo...hi.
static int64_t in_range(Rng *r, int64_t lo, int64_t hi) {
    return (int64_t)((uint64_t)lo + below(r, (uint64_t)hi - (uint64_t)lo + 1));
}

static void *xcalloc(Rng *r, size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) r->oom = 1;
    return p;
}

// MARK: - Random values

static int32_t random_i32(Rng *r) {
    switch (below(r, 10)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return INT32_MIN;
    case 3: return INT32_MAX;
    case 4: return (int32_t)in_range(r, -300, 300);
    case 5: return 127 + (int32_t)below(r, 3);
    default: return (int32_t)(uint32_t)next_u64(r);
    }
}

static uint32_t random_u32(Rng *r) {
    switch (below(r, 8)) {
    case 0: return 0;
    case 1: return UINT32_MAX;
    case 2: return 0x80000000u;
    case 3: return (uint32_t)below(r, 300);
    default: return (uint32_t)next_u64(r);
    }
}

static int64_t random_i64(Rng *r) {
    switch (below(r, 10)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return INT64_MIN;
    case 3: return INT64_MAX;
    case 4: return in_range(r, -300, 300);
    case 5: return (int64_t)INT32_MIN - (int64_t)below(r, 3);
    case 6: return (int64_t)(int32_t)(uint32_t)next_u64(r);
    default: return (int64_t)next_u64(r);
    }
}

static uint64_t random_u64(Rng *r) {
    switch (below(r, 8)) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return 0x8000000000000000ull;
    case 3: return below(r, 300);
    case 4: return 0xFFFFFFFFull + below(r, 3);
    default: return next_u64(r);
    }
}

// Finite values only, and never -0.0 (proto3 treats it as "set" in some
// implementations and as the default in others; JSON "-0" is also read as an
// integer zero by some parsers).
static float random_float(Rng *r) {
    static const float edges[] = {0.0f, 1.0f, -1.0f, 0.5f, -2.25f, 3.14159274f, FLT_MAX, -FLT_MAX,
                                  FLT_MIN, -FLT_MIN, 1e-45f, 16777216.0f, 0.1f, 1e10f};
    if (percent(r, 50)) return edges[below(r, sizeof edges / sizeof edges[0])];
    for (;;) {
        uint32_t bits = (uint32_t)next_u64(r);
        if ((bits & 0x7F800000u) == 0x7F800000u || bits == 0x80000000u) continue;
        float f;
        memcpy(&f, &bits, sizeof f);
        return f;
    }
}

static double random_double(Rng *r) {
    static const double edges[] = {0.0, 1.0, -1.0, 0.5, -2.25, 0.1, 3.141592653589793, DBL_MAX, -DBL_MAX,
                                   DBL_MIN, 4.9406564584124654e-324, 9007199254740993.0, 1e300, -1e-300};
    if (percent(r, 50)) return edges[below(r, sizeof edges / sizeof edges[0])];
    for (;;) {
        uint64_t bits = next_u64(r);
        if ((bits & 0x7FF0000000000000ull) == 0x7FF0000000000000ull || bits == 0x8000000000000000ull) continue;
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
}

// Valid UTF-8 only, never NUL (protobuf-c strings are NUL-terminated).
static char *random_string(Rng *r) {
    static const char *const pieces[] = {
        "a", "hello", " ", "Zürich", "中文字符", "日本語テキスト", "한국어", "😀", "🇨🇭", "\"quoted\"",
        "back\\slash", "line\nbreak", "tab\t", "\x01\x1f", "\x7f", "/", "é", "Ω≈ç√", "\u2028", "<&>",
    };
    size_t count = below(r, 5);
    char buf[256];
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        const char *p;
        char ascii[2] = {0, 0};
        if (percent(r, 30)) {
            ascii[0] = (char)(' ' + below(r, 95));
            p = ascii;
        } else {
            p = pieces[below(r, sizeof pieces / sizeof pieces[0])];
        }
        size_t l = strlen(p);
        if (len + l >= sizeof buf) break;
        memcpy(buf + len, p, l);
        len += l;
    }
    char *s = xcalloc(r, len + 1, 1);
    if (s) memcpy(s, buf, len);
    return s;
}

static ProtobufCBinaryData random_bytes(Rng *r) {
    ProtobufCBinaryData b = {0, NULL};
    size_t len = below(r, 4) == 0 ? 0 : below(r, 24);
    b.data = xcalloc(r, len, 1);
    if (b.data == NULL) return b;
    for (size_t i = 0; i < len; i++) b.data[i] = (uint8_t)next_u64(r);
    b.len = len;
    return b;
}

static size_t element_size(ProtobufCType t) {
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    }
    return 8;
}

static ProtobufCMessage *random_message(Rng *r, const ProtobufCMessageDescriptor *d, int depth);

static const ProtobufCFieldDescriptor *field_named(const ProtobufCMessageDescriptor *d, const char *name) {
    for (unsigned i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i].name, name) == 0) return &d->fields[i];
    return NULL;
}

#define MEMBER(type, msg, offset) (*(type *)((uint8_t *)(msg) + (offset)))

/// Writes one random value of `f`'s type into `slot`.
static void random_value(Rng *r, const ProtobufCFieldDescriptor *f, void *slot, int depth) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        *(int32_t *)slot = random_i32(r); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        *(uint32_t *)slot = random_u32(r); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *)slot = random_i64(r); break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        *(uint64_t *)slot = random_u64(r); break;
    case PROTOBUF_C_TYPE_FLOAT: *(float *)slot = random_float(r); break;
    case PROTOBUF_C_TYPE_DOUBLE: *(double *)slot = random_double(r); break;
    case PROTOBUF_C_TYPE_BOOL: *(protobuf_c_boolean *)slot = (protobuf_c_boolean)below(r, 2); break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        *(int32_t *)slot = e->n_values ? e->values[below(r, e->n_values)].value : 0;
        break;
    }
    case PROTOBUF_C_TYPE_STRING: *(char **)slot = random_string(r); break;
    case PROTOBUF_C_TYPE_BYTES: *(ProtobufCBinaryData *)slot = random_bytes(r); break;
    case PROTOBUF_C_TYPE_MESSAGE:
        *(ProtobufCMessage **)slot = random_message(r, f->descriptor, depth + 1);
        break;
    }
}

// MARK: - Map keys as JSON writes them (also the distinctness test)

typedef struct { char *p; size_t len, cap; int oom; } Buf;

static void buf_put(Buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void buf_str(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_fmt(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_fmt(Buf *b, const char *fmt, ...) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/// The text of a map key: decimal integers, "true"/"false", or the string itself.
static void key_text(Buf *b, const ProtobufCFieldDescriptor *f, const void *slot) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        buf_fmt(b, "%" PRId32, *(const int32_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        buf_fmt(b, "%" PRIu32, *(const uint32_t *)slot); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        buf_fmt(b, "%" PRId64, *(const int64_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        buf_fmt(b, "%" PRIu64, *(const uint64_t *)slot); break;
    case PROTOBUF_C_TYPE_BOOL: buf_str(b, *(const protobuf_c_boolean *)slot ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)slot;
        buf_str(b, s ? s : "");
        break;
    }
    default: buf_str(b, "?"); break;
    }
}

static void free_message(ProtobufCMessage *m) {
    if (m) protobuf_c_message_free_unpacked(m, NULL);
}

/// Entries of a map field with pairwise distinct keys.
static void random_map(Rng *r, const ProtobufCFieldDescriptor *f, void *msg, int depth) {
    const ProtobufCMessageDescriptor *ed = f->descriptor;
    const ProtobufCFieldDescriptor *kf = &ed->fields[0], *vf = &ed->fields[1];
    size_t want = below(r, 5);
    if (vf->type == PROTOBUF_C_TYPE_MESSAGE && depth + 1 >= MAX_DEPTH) want = 0;
    ProtobufCMessage **entries = xcalloc(r, want, sizeof *entries);
    if (entries == NULL) return;
    char **keys = xcalloc(r, want, sizeof *keys);
    if (keys == NULL) { free(entries); return; }
    size_t count = 0;
    for (unsigned attempt = 0; count < want && attempt < 4 * want; attempt++) {
        ProtobufCMessage *e = xcalloc(r, 1, ed->sizeof_message);
        if (e == NULL) break;
        protobuf_c_message_init(ed, e);
        random_value(r, kf, (uint8_t *)e + kf->offset, depth);
        Buf k = {0};
        key_text(&k, kf, (uint8_t *)e + kf->offset);
        int dup = k.oom;
        for (size_t i = 0; i < count && !dup; i++) dup = strcmp(keys[i], k.p ? k.p : "") == 0;
        if (dup) {
            free(k.p);
            free_message(e);
            continue;
        }
        // A message value may be absent from the entry (the map then holds the default message).
        if (vf->type != PROTOBUF_C_TYPE_MESSAGE || !percent(r, 10))
            random_value(r, vf, (uint8_t *)e + vf->offset, depth);
        keys[count] = k.p ? k.p : strdup("");
        entries[count++] = e;
    }
    for (size_t i = 0; i < count; i++) free(keys[i]);
    free(keys);
    MEMBER(size_t, msg, f->quantifier_offset) = count;
    MEMBER(ProtobufCMessage **, msg, f->offset) = entries;
}

// MARK: - Random messages

static int is_named(const ProtobufCMessageDescriptor *d, const char *name) { return strcmp(d->name, name) == 0; }

static int64_t random_nanos(Rng *r) {
    switch (below(r, 4)) {
    case 0: return 0;
    case 1: return (int64_t)below(r, 1000) * 1000000;
    case 2: return (int64_t)below(r, 1000000) * 1000;
    default: return (int64_t)below(r, 1000000000);
    }
}

/// Timestamp: 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999999Z.
/// Duration: |seconds| <= 315576000000, nanos of the same sign, |nanos| < 1e9.
static void random_seconds_nanos(Rng *r, ProtobufCMessage *m, int duration) {
    const ProtobufCFieldDescriptor *sf = field_named(m->descriptor, "seconds");
    const ProtobufCFieldDescriptor *nf = field_named(m->descriptor, "nanos");
    if (sf == NULL || nf == NULL) return;
    int64_t lo = duration ? -315576000000LL : -62135596800LL;
    int64_t hi = duration ? 315576000000LL : 253402300799LL;
    int64_t s;
    switch (below(r, 6)) {
    case 0: s = 0; break;
    case 1: s = lo; break;
    case 2: s = hi; break;
    case 3: s = in_range(r, -100000, 100000); break;
    default: s = in_range(r, lo, hi); break;
    }
    int64_t ns = random_nanos(r);
    if (duration && (s < 0 || (s == 0 && percent(r, 50)))) ns = -ns;
    MEMBER(int64_t, m, sf->offset) = s;
    MEMBER(int32_t, m, nf->offset) = (int32_t)ns;
}

static ProtobufCMessage *random_message(Rng *r, const ProtobufCMessageDescriptor *d, int depth) {
    ProtobufCMessage *m = xcalloc(r, 1, d->sizeof_message);
    if (m == NULL) return NULL;
    protobuf_c_message_init(d, m);
    if (is_named(d, "google.protobuf.Timestamp") || is_named(d, "google.protobuf.Duration")) {
        random_seconds_nanos(r, m, is_named(d, "google.protobuf.Duration"));
        return m;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        int nested = f->type == PROTOBUF_C_TYPE_MESSAGE;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            // Members of one oneof share the case member (quantifier_offset);
            // decide once per oneof, at its first member.
            unsigned first = i;
            for (unsigned j = 0; j < i; j++)
                if ((d->fields[j].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
                    && d->fields[j].quantifier_offset == f->quantifier_offset) { first = j; break; }
            if (first != i) continue;
            unsigned members[64], n = 0;
            for (unsigned j = i; j < d->n_fields && n < 64; j++) {
                const ProtobufCFieldDescriptor *g = &d->fields[j];
                if ((g->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && g->quantifier_offset == f->quantifier_offset
                    && !(g->type == PROTOBUF_C_TYPE_MESSAGE && depth + 1 >= MAX_DEPTH))
                    members[n++] = j;
            }
            if (n == 0 || percent(r, 20)) continue;
            const ProtobufCFieldDescriptor *g = &d->fields[members[below(r, n)]];
            random_value(r, g, (uint8_t *)m + g->offset, depth);
            MEMBER(uint32_t, m, g->quantifier_offset) = g->id;
        } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (nested && is_map_entry(f->descriptor)) {
                if (percent(r, 70)) random_map(r, f, m, depth);
                continue;
            }
            if (nested && depth + 1 >= MAX_DEPTH) continue;
            size_t count = percent(r, 30) ? 0 : 1 + below(r, 4);
            size_t size = element_size(f->type);
            uint8_t *array = xcalloc(r, count, size);
            if (array == NULL) continue;
            for (size_t k = 0; k < count; k++) random_value(r, f, array + k * size, depth);
            MEMBER(size_t, m, f->quantifier_offset) = count;
            MEMBER(void *, m, f->offset) = array;
        } else {
            // LABEL_NONE (proto3 implicit presence; a message field is set when non-NULL),
            // or LABEL_OPTIONAL/REQUIRED from proto2 files, which these schemas don't have.
            if (nested && depth + 1 >= MAX_DEPTH) continue;
            if (percent(r, 30)) continue;
            random_value(r, f, (uint8_t *)m + f->offset, depth);
            if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0 && !nested
                && f->type != PROTOBUF_C_TYPE_STRING)
                MEMBER(protobuf_c_boolean, m, f->quantifier_offset) = 1;
        }
    }
    return m;
}

// MARK: - Canonical proto3 JSON

static void json_string(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    buf_put(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0'; u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = 0;
                esc = u;
            }
        }
        if (esc) {
            buf_put(b, s + start, i - start);
            buf_str(b, esc);
            start = i + 1;
        }
    }
    buf_put(b, s + start, n - start);
    buf_put(b, "\"", 1);
}

static void json_base64(Buf *b, const uint8_t *p, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        char out[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                       i + 1 < n ? alphabet[(v >> 6) & 63] : '=', i + 2 < n ? alphabet[v & 63] : '='};
        buf_put(b, out, 4);
    }
    buf_put(b, "\"", 1);
}

/// 0, 3, 6 or 9 fractional digits, as proto3 JSON writes them.
static void json_fraction(Buf *b, int32_t nanos) {
    if (nanos == 0) return;
    if (nanos % 1000000 == 0) buf_fmt(b, ".%03" PRId32, nanos / 1000000);
    else if (nanos % 1000 == 0) buf_fmt(b, ".%06" PRId32, nanos / 1000);
    else buf_fmt(b, ".%09" PRId32, nanos);
}

static void json_timestamp(Buf *b, int64_t seconds, int32_t nanos) {
    int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    int64_t rem = seconds - days * 86400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    buf_fmt(b, "\"%04" PRId64 "-%02" PRId64 "-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":%02" PRId64, year, month,
            day, rem / 3600, rem / 60 % 60, rem % 60);
    json_fraction(b, nanos);
    buf_str(b, "Z\"");
}

static void json_duration(Buf *b, int64_t seconds, int32_t nanos) {
    int negative = seconds < 0 || nanos < 0;
    uint64_t s = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
    buf_fmt(b, "\"%s%" PRIu64, negative ? "-" : "", s);
    json_fraction(b, nanos < 0 ? -nanos : nanos);
    buf_str(b, "s\"");
}

static void json_message(Buf *b, const ProtobufCMessage *m);

/// "%.9g" round-trips every float, but for +-FLT_MAX it prints 3.40282347e+38,
/// which as a double lies beyond FLT_MAX and strict parsers (Python's
/// json_format, the Swift runtime) reject as out of range. Use the fewest
/// digits from 9 on that read back as the same float and stay in range.
static void json_float(Buf *b, float f) {
    char tmp[64];
    for (int digits = 9; digits <= 17; digits++) {
        snprintf(tmp, sizeof tmp, "%.*g", digits, (double)f);
        double d = strtod(tmp, NULL);
        if (d <= FLT_MAX && d >= -FLT_MAX && (float)d == f) break;
    }
    buf_str(b, tmp);
}

static void json_enum(Buf *b, const ProtobufCEnumDescriptor *e, int32_t v) {
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(e, v);
    if (ev) json_string(b, ev->name, strlen(ev->name));
    else buf_fmt(b, "%" PRId32, v);
}

static void json_value(Buf *b, const ProtobufCFieldDescriptor *f, const void *slot) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        buf_fmt(b, "%" PRId32, *(const int32_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        buf_fmt(b, "%" PRIu32, *(const uint32_t *)slot); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        buf_fmt(b, "\"%" PRId64 "\"", *(const int64_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        buf_fmt(b, "\"%" PRIu64 "\"", *(const uint64_t *)slot); break;
    case PROTOBUF_C_TYPE_FLOAT: json_float(b, *(const float *)slot); break;
    case PROTOBUF_C_TYPE_DOUBLE: buf_fmt(b, "%.17g", *(const double *)slot); break;
    case PROTOBUF_C_TYPE_BOOL: buf_str(b, *(const protobuf_c_boolean *)slot ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_ENUM: json_enum(b, f->descriptor, *(const int32_t *)slot); break;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)slot;
        if (s == NULL) s = "";
        json_string(b, s, strlen(s));
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *d = slot;
        json_base64(b, d->data, d->len);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)slot;
        if (sub) {
            json_message(b, sub);
        } else {
            // An absent map value: the default message.
            ProtobufCMessage *def = calloc(1, ((const ProtobufCMessageDescriptor *)f->descriptor)->sizeof_message);
            if (def == NULL) { b->oom = 1; break; }
            protobuf_c_message_init(f->descriptor, def);
            json_message(b, def);
            free(def);
        }
        break;
    }
    }
}

/// True when an implicit-presence (LABEL_NONE) field holds its default.
static int is_default(const ProtobufCFieldDescriptor *f, const void *slot) {
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
        return *(const uint32_t *)slot == 0;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return *(const uint64_t *)slot == 0;
    case PROTOBUF_C_TYPE_FLOAT: return *(const float *)slot == 0.0f;
    case PROTOBUF_C_TYPE_DOUBLE: return *(const double *)slot == 0.0;
    case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)slot == 0;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)slot;
        return s == NULL || *s == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)slot)->len == 0;
    case PROTOBUF_C_TYPE_MESSAGE: return *(ProtobufCMessage *const *)slot == NULL;
    }
    return 1;
}

static void json_message(Buf *b, const ProtobufCMessage *m) {
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (is_named(d, "google.protobuf.Timestamp") || is_named(d, "google.protobuf.Duration")) {
        const ProtobufCFieldDescriptor *sf = field_named(d, "seconds"), *nf = field_named(d, "nanos");
        int64_t s = sf ? MEMBER(int64_t, m, sf->offset) : 0;
        int32_t ns = nf ? MEMBER(int32_t, m, nf->offset) : 0;
        if (is_named(d, "google.protobuf.Timestamp")) json_timestamp(b, s, ns);
        else json_duration(b, s, ns);
        return;
    }
    buf_str(b, "{");
    int first = 1;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const uint8_t *slot = (const uint8_t *)m + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (MEMBER(uint32_t, m, f->quantifier_offset) != f->id) continue;
            if ((f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
                && *(void *const *)slot == NULL) continue;
        } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (MEMBER(size_t, m, f->quantifier_offset) == 0) continue;
        } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0
                   && f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE) {
            if (!MEMBER(protobuf_c_boolean, m, f->quantifier_offset)) continue;
        } else if (is_default(f, slot)) {
            continue;
        }
        if (!first) buf_str(b, ",");
        first = 0;
        json_string(b, f->name, strlen(f->name));
        buf_str(b, ":");
        if (f->label != PROTOBUF_C_LABEL_REPEATED) {
            json_value(b, f, slot);
            continue;
        }
        size_t count = MEMBER(size_t, m, f->quantifier_offset);
        const uint8_t *array = *(const uint8_t *const *)slot;
        if (f->type == PROTOBUF_C_TYPE_MESSAGE && is_map_entry(f->descriptor)) {
            const ProtobufCMessageDescriptor *ed = f->descriptor;
            const ProtobufCFieldDescriptor *kf = &ed->fields[0], *vf = &ed->fields[1];
            buf_str(b, "{");
            for (size_t k = 0; k < count; k++) {
                const ProtobufCMessage *e = ((ProtobufCMessage *const *)array)[k];
                if (k) buf_str(b, ",");
                Buf key = {0};
                key_text(&key, kf, (const uint8_t *)e + kf->offset);
                if (key.oom) b->oom = 1;
                json_string(b, key.p ? key.p : "", key.len);
                free(key.p);
                buf_str(b, ":");
                json_value(b, vf, (const uint8_t *)e + vf->offset);
            }
            buf_str(b, "}");
        } else {
            size_t size = element_size(f->type);
            buf_str(b, "[");
            for (size_t k = 0; k < count; k++) {
                if (k) buf_str(b, ",");
                json_value(b, f, array + k * size);
            }
            buf_str(b, "]");
        }
    }
    buf_str(b, "}");
}

int schema_c_random(const char *type, uint64_t seed, uint8_t **bytes, size_t *n, char **json) {
    *bytes = NULL;
    *n = 0;
    *json = NULL;
    const ProtobufCMessageDescriptor *d = schema_c_find(type);
    if (d == NULL) return 1;
    Rng r = {seed, 0};
    ProtobufCMessage *m = random_message(&r, d, 0);
    if (m == NULL || r.oom) { free_message(m); return 3; }
    int rc = pack_message(m, bytes, n);
    if (rc == 0) {
        Buf b = {0};
        json_message(&b, m);
        if (b.oom || b.p == NULL) {
            free(b.p);
            free(*bytes);
            *bytes = NULL;
            *n = 0;
            rc = 3;
        } else {
            *json = b.p;
        }
    }
    free_message(m);
    return rc;
}
