/*
 * format/parquet/plain_encode.h — PLAIN encoding of fixed-width values
 * and byte arrays (Encodings.md: little-endian values back to back; byte
 * arrays as a 4-byte little-endian length and the bytes), and its
 * byte-plane variant BYTE_STREAM_SPLIT for fixed-width values.
 *
 * Contract: only non-null values are encoded (nulls live in definition
 * levels). valid may be NULL (all present). Functions append to out and
 * fail only with KT_ERR_NOMEM.
 */
#ifndef KT_FORMAT_PARQUET_PLAIN_ENCODE_H
#define KT_FORMAT_PARQUET_PLAIN_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"

/* Appends the non-null elements of values[0..n) (width 1, 4 or 8 bytes);
 * *appended = how many were written. Width-1 values are normalised to 0/1
 * (booleans are bit-packed later). */
kt_status kt_pq_plain_encode_fixed(const void *values, const uint8_t *valid, size_t n,
                                   size_t width, kt_buf *out, size_t *appended);

/* Appends one byte-array value; len must be <= UINT32_MAX. */
static inline kt_status kt_pq_plain_encode_byte_array(kt_buf *out, const void *p, size_t len)
{
    KT_TRY(kt_buf_reserve(out, 4 + len));
    uint8_t *d = out->data + out->len;
    d[0] = (uint8_t)len;
    d[1] = (uint8_t)(len >> 8);
    d[2] = (uint8_t)(len >> 16);
    d[3] = (uint8_t)(len >> 24);
    if (len) memcpy(d + 4, p, len);
    out->len += 4 + len;
    return KT_OK;
}

/* Appends n bytes of width-byte values as BYTE_STREAM_SPLIT: byte k of
 * every value, for k = 0 .. width-1 (Encodings.md). n is a multiple of width. */
kt_status kt_pq_byte_stream_split_encode(const uint8_t *values, size_t n, size_t width, kt_buf *out);

#endif
