// A small generic API over the protobuf-c code generated from the schemas
// (see README.md). Everything works from `ProtobufCMessageDescriptor`s alone:
// there is no per-type code. Used by the interop tests to check the Swift
// codecs against protobuf-c, an independent implementation.
#ifndef SCHEMA_C_H
#define SCHEMA_C_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How many message types protobuf-c knows (nested messages, map entries and
/// the well-known Timestamp and Duration included).
size_t schema_c_count(void);

/// The full proto name (`conformance.v1.AllTypes`) of type `index`, in
/// ascending byte order of names; NULL when `index >= schema_c_count()`.
const char *schema_c_name(size_t index);

/// The descriptor of the message type with this full proto name, or NULL.
const ProtobufCMessageDescriptor *schema_c_find(const char *full_name);

/// 1 when the type is the synthetic entry message of a `map<K, V>` field
/// (`Parent.FooEntry` with `key` = 1, `value` = 2), 0 otherwise or when unknown.
int schema_c_is_map_entry(const char *full_name);

/// Unpacks `in` as `type` with protobuf-c and packs it again into `*out`
/// (`*out_n` bytes, free with `schema_c_free`; non-NULL even when empty).
/// Returns 0 on success, 1 when the type is unknown, 2 when protobuf-c
/// refuses the input, 3 when out of memory.
int schema_c_repack(const char *type, const uint8_t *in, size_t n, uint8_t **out, size_t *out_n);

/// Builds a pseudo-random message of `type` field by field from its
/// descriptor (deterministic for a given seed), packs it with protobuf-c into
/// `*bytes` / `*n`, and writes the same value as canonical proto3 JSON
/// (original proto field names as keys, NUL-terminated) into `*json`.
/// Free both with `schema_c_free`. Returns 0 on success, 1 when the type is
/// unknown, 3 when out of memory.
int schema_c_random(const char *type, uint64_t seed, uint8_t **bytes, size_t *n, char **json);

/// Frees memory returned by this API.
void schema_c_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
