/*
 * format/parquet/rle_encode.h — the RLE/bit-packed hybrid encoding
 * (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid") used for
 * definition levels and dictionary indices, and plain bit-packing for
 * BOOLEAN values.
 *
 * Contract: the hybrid encoders append runs only (no length prefix and no
 * bit-width byte: callers add those as the page layout requires). A value
 * repeated at least 8 times becomes an RLE run; everything else goes into
 * bit-packed groups of 8, the last group zero-padded. Values must fit in
 * bit_width bits (1..32); higher bits are masked off. Failures are
 * KT_ERR_NOMEM only, leaving `out` possibly extended.
 */
#ifndef KT_FORMAT_PARQUET_RLE_ENCODE_H
#define KT_FORMAT_PARQUET_RLE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

/* Bits needed to store max_value (0 for 0). */
int kt_pq_bit_width(uint32_t max_value);

kt_status kt_pq_rle_encode_u32(const uint32_t *values, size_t n, int bit_width, kt_buf *out);
/* Same encoding for byte-sized values such as definition levels. */
kt_status kt_pq_rle_encode_u8(const uint8_t *values, size_t n, int bit_width, kt_buf *out);

/* PLAIN BOOLEAN: one bit per value, least significant bit first; nonzero
 * bytes are true. Appends ceil(n / 8) bytes. */
kt_status kt_pq_pack_bools(const uint8_t *values, size_t n, kt_buf *out);

#endif
