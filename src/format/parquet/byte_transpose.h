/*
 * format/parquet/byte_transpose.h — the byte transposition behind
 * BYTE_STREAM_SPLIT for 8-byte values: byte k of value i <-> plane k,
 * position i. Shared by the encoder and the decoder.
 *
 * Contract: `planes` holds 8 planes, plane k starting at planes + k * stride
 * (stride >= count); `values` holds count values of 8 bytes. The buffers do
 * not overlap. Works on any alignment; 16 values at a time on SSE2.
 */
#ifndef KT_FORMAT_PARQUET_BYTE_TRANSPOSE_H
#define KT_FORMAT_PARQUET_BYTE_TRANSPOSE_H

#include <stddef.h>
#include <stdint.h>

void kt_pq_split8(const uint8_t *values, size_t count, uint8_t *planes, size_t stride);
void kt_pq_join8(const uint8_t *planes, size_t stride, size_t count, uint8_t *values);

#endif
