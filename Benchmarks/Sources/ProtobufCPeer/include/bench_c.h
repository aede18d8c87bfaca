#ifndef BENCH_C_H
#define BENCH_C_H

#include <stddef.h>
#include <stdint.h>

/* protobuf-c, driven the way a C program would: unpack, walk, pack. */

/* Opaque handles to the two subjects' descriptors. */
const void *bench_c_complaint_type(void);
const void *bench_c_complaint_page_type(void);

/* Unpacks `len` bytes as `type`; NULL when protobuf-c refuses them. */
void *bench_c_unpack(const void *type, const uint8_t *data, size_t len);
void bench_c_free(void *message);

/* Packs into a new buffer of the exact size (as a caller must); returns the size. */
size_t bench_c_encode(const void *message, uint8_t **out);

/* Unpack, read every present field into a checksum, free. Returns the checksum. */
uint64_t bench_c_decode_checksum(const void *type, const uint8_t *data, size_t len);

/* Reads every present field of a message into a checksum. */
uint64_t bench_c_checksum(const void *message);

#endif
