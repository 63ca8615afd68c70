/*
 * format/parquet/decode.h — internal: the value and level decoders the
 * Parquet reader composes page by page (one .c per encoding).
 *
 * Contract shared by every decoder here:
 *  - input is src[0..len) and every read is checked against it; too few
 *    bytes, bad headers or out-of-range values fail with KT_ERR_FORMAT and
 *    a message naming the encoding and the problem (the reader prefixes
 *    file, row group, column and page offset);
 *  - "append" decoders add exactly n dense (non-null) values at the end of
 *    a kt_column of the physical decode type (INT96 arrives as int64
 *    nanoseconds) after reserving room themselves; fixed-width decoders
 *    write into caller-reserved memory;
 *  - no decoder keeps state between calls; scratch memory is passed in.
 */
#ifndef KT_FORMAT_PARQUET_DECODE_H
#define KT_FORMAT_PARQUET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/column.h"
#include "core/error.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet decoders assume a little-endian host"
#endif

/* Slack kept after decoded byte payloads (and after decompressed pages)
 * so short strings move in fixed 16-byte blocks instead of a libc call. */
#define KT_PQ_COPY_SLACK 32

/* Copies a value of len bytes. The destination must have len +
 * KT_PQ_COPY_SLACK writable bytes; src_room is how many bytes are
 * readable at src (at least len). */
static inline void kt_pq_copy_value(char *dst, const void *src, size_t len, size_t src_room)
{
    if (len <= 16 && src_room >= 16) {
        __builtin_memcpy(dst, src, 16);
    } else if (len <= 32 && src_room >= 32) {
        __builtin_memcpy(dst, src, 16);
        __builtin_memcpy(dst + 16, (const char *)src + 16, 16);
    } else {
        __builtin_memcpy(dst, src, len);
    }
}

static inline uint32_t kt_pq_le32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline uint64_t kt_pq_le64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

/* ---- bit unpacking (bit_unpack.c), LSB-first as in the RLE hybrid ---- */
/* Unpacks n values of `width` bits (0..32) from src; needs
 * ceil(n * width / 8) bytes, which the caller has checked. */
void kt_pq_unpack32(const uint8_t *src, size_t len, int width, uint32_t *dst, size_t n);
/* Same for widths 0..64. */
void kt_pq_unpack64(const uint8_t *src, size_t len, int width, uint64_t *dst, size_t n);

/* ---- RLE / bit-packed hybrid and levels (rle_decode.c) ---- */
/* Decodes exactly n values of `width` (0..32) bits from a hybrid stream
 * without a length prefix. */
kt_status kt_pq_rle_decode32(const uint8_t *src, size_t len, int width, uint32_t *dst, size_t n,
                             kt_error *err);
/* Resumable hybrid decoding in batches: each batch is either a repeated
 * value (*repeated, the value in out[0]) or up to max unpacked values.
 * max must be a multiple of 8 except for the last batch of a stream. */
typedef struct kt_pq_rle {
    const uint8_t *src;
    size_t len, pos;            /* pos: next run header */
    int width;
    uint64_t left;              /* values left in the current run */
    bool packed;
    uint32_t value;             /* RLE run value */
    size_t data_pos, data_left; /* packed run: next group, bytes left */
} kt_pq_rle;
void kt_pq_rle_init(kt_pq_rle *r, const uint8_t *src, size_t len, int width);
/* done/n only label errors ("ends after done of n values"). */
kt_status kt_pq_rle_batch(kt_pq_rle *r, uint32_t *out, size_t max, size_t *got, bool *repeated,
                          size_t done, size_t n, kt_error *err);
/* Short RLE runs (under 16 values, one-byte header and value) taken as
 * runs instead of values: up to max values in up to max_runs runs, run i
 * repeating values[i] counts[i] times; returns the runs, *nvalues their
 * values. Stops (returning what it has, maybe 0) at anything else: the
 * caller goes on with kt_pq_rle_batch. Widths 1..8 only. */
size_t kt_pq_rle_short_runs(kt_pq_rle *r, size_t max, uint32_t *values, uint8_t *counts, size_t max_runs,
                            size_t *nvalues);
/* Definition levels of a flat OPTIONAL column (bit width 1): n bytes 0/1
 * into dst and the number of ones in *present. When every value is
 * present (one RLE run of ones) dst is left untouched. */
kt_status kt_pq_def_levels(const uint8_t *src, size_t len, uint8_t *dst, size_t n, size_t *present,
                           kt_error *err);
/* Same into bytes, for levels and booleans (width 0..8). */
kt_status kt_pq_rle_decode8(const uint8_t *src, size_t len, int width, uint8_t *dst, size_t n,
                            kt_error *err);
/* n LSB-first bits of src (ceil(n / 8) bytes) to one byte each. */
void kt_pq_unpack_bools(const uint8_t *src, uint8_t *dst, size_t n);
/* Deprecated BIT_PACKED levels: MSB-first, ceil(n * width / 8) bytes. */
kt_status kt_pq_bit_packed_levels(const uint8_t *src, size_t len, int width, uint8_t *dst,
                                  size_t n, size_t *consumed, kt_error *err);

/* ---- PLAIN (plain_decode.c) ---- */
/* Fixed-width values copied as they are: INT32, INT64, FLOAT, DOUBLE
 * (src and dst may overlap, for pages decompressed in place). */
kt_status kt_pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t width, void *dst, size_t n,
                            kt_error *err);
kt_status kt_pq_plain_bool(const uint8_t *src, size_t len, uint8_t *dst, size_t n, kt_error *err);
/* INT96 (nanos-of-day LE64, Julian day LE32) to nanoseconds since the epoch. */
kt_status kt_pq_plain_int96(const uint8_t *src, size_t len, int64_t *dst, size_t n, kt_error *err);
kt_status kt_pq_plain_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                 kt_error *err);
/* The same for a page body already in out's payload at byte offset at
 * (at >= the payload's end, len bytes there): values are compacted in
 * place, so the payload must not move (no byte reservation is made). */
kt_status kt_pq_plain_byte_array_in_place(kt_column *out, size_t at, size_t len, size_t n, kt_error *err);
kt_status kt_pq_plain_flba(const uint8_t *src, size_t len, size_t type_length, kt_column *out,
                           size_t n, kt_error *err);

/* ---- DELTA_* (delta_decode.c) ---- */
/* DELTA_BINARY_PACKED: the first n values (the stream may hold more);
 * *consumed = bytes up to the end of the last block needed. */
kt_status kt_pq_delta_i64(const uint8_t *src, size_t len, int64_t *dst, size_t n,
                          size_t *consumed, kt_error *err);
kt_status kt_pq_delta_i32(const uint8_t *src, size_t len, int32_t *dst, size_t n,
                          size_t *consumed, kt_error *err);
/* DELTA_LENGTH_BYTE_ARRAY; scratch holds the lengths. */
kt_status kt_pq_delta_length_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                        kt_buf *scratch, kt_error *err);
/* DELTA_BYTE_ARRAY; type_length > 0 checks every value has that length (FLBA).
 * max_bytes bounds the decoded payload (prefixes can multiply the input). */
kt_status kt_pq_delta_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                 size_t type_length, size_t max_bytes, kt_buf *scratch,
                                 kt_error *err);

/* ---- BYTE_STREAM_SPLIT (byte_stream_split_decode.c) ---- */
/* Reassembles n values of `width` bytes; len must be a multiple of width
 * holding at least n values. */
kt_status kt_pq_byte_stream_split(const uint8_t *src, size_t len, size_t width, uint8_t *dst,
                                  size_t n, kt_error *err);

/* ---- dictionaries (dictionary_decode.c) ---- */
/* Decodes n dictionary indices (hybrid stream of `width` bits) straight
 * into values of dict appended to out (same kt_type), checking each index
 * against dict->len; out's byte payload may total at most max_bytes. max_len
 * is the longest byte value in dict (from kt_pq_dict_pad). */
kt_status kt_pq_dict_decode(const uint8_t *src, size_t len, int width, const kt_column *dict,
                            size_t max_len, kt_column *out, size_t n, size_t max_bytes, kt_error *err);
/* Decodes n dictionary indices into dst (the codes themselves), each
 * checked against count. */
kt_status kt_pq_dict_codes(const uint8_t *src, size_t len, int width, size_t count, int32_t *dst, size_t n,
                           kt_error *err);
/* Readies a byte dictionary: KT_PQ_COPY_SLACK spare payload bytes, and
 * its longest value's length in *max_len. */
kt_status kt_pq_dict_pad(kt_column *dict, size_t *max_len);

/* ---- SNAPPY (snappy_decode.c) ---- */
/* Decompresses a raw snappy block that must hold exactly usize bytes
 * into dst (usize bytes of room). */
kt_status kt_pq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t usize, kt_error *err);
/* Parses a block's preamble from its first n bytes: the uncompressed
 * length (a varint of at most 5 bytes, below 2^32) and the bytes it used;
 * false if it is incomplete or too large. */
bool kt_pq_snappy_preamble(const uint8_t *p, size_t n, uint64_t *value, size_t *used);

/* ---- conversions to the reader's output types (value_convert.c) ---- */
/* Unsigned 32-bit values widened to int64. */
void kt_pq_widen_u32(const int32_t *src, int64_t *dst, size_t n);
/* Scaled integers to doubles: v / 10^scale. */
void kt_pq_decimal_i32(const int32_t *src, double *dst, size_t n, int scale);
void kt_pq_decimal_i64(const int64_t *src, double *dst, size_t n, int scale);
/* Big-endian two's complement byte strings (any length) to doubles. */
kt_status kt_pq_decimal_bytes(const kt_column *src, double *dst, int scale, kt_error *err);
double kt_pq_decimal_be(const uint8_t *p, size_t len, int scale);
/* 10^k for 0 <= k <= 308 (exact up to 22). */
double kt_pq_pow10(int k);
/* INT96 to nanoseconds; false if the instant does not fit in int64. */
bool kt_pq_int96_nanos(const uint8_t *p, int64_t *out);

#endif
