/*
 * format/parquet/byte_stream_split_decode.c — BYTE_STREAM_SPLIT: byte k of
 * every value lives in stream k; the streams are concatenated and the
 * stream length is the page's value count, so the page's data length must
 * be an exact multiple of the value width.
 */
#include "format/parquet/decode.h"

#include "format/parquet/byte_transpose.h"

static void join4(const uint8_t *src, size_t stride, uint8_t *dst, size_t n)
{
    const uint8_t *s0 = src, *s1 = src + stride, *s2 = src + 2 * stride, *s3 = src + 3 * stride;
    for (size_t i = 0; i < n; i++) {
        dst[4 * i] = s0[i];
        dst[4 * i + 1] = s1[i];
        dst[4 * i + 2] = s2[i];
        dst[4 * i + 3] = s3[i];
    }
}

kt_status kt_pq_byte_stream_split(const uint8_t *src, size_t len, size_t width, uint8_t *dst,
                                  size_t n, kt_error *err)
{
    if (width == 0 || len % width != 0)
        return kt_fail(err, KT_ERR_FORMAT,
                       "BYTE_STREAM_SPLIT data of %zu bytes is not a multiple of the %zu-byte value width",
                       len, width);
    size_t stride = len / width;
    if (stride < n)
        return kt_fail(err, KT_ERR_FORMAT, "BYTE_STREAM_SPLIT data holds %zu values, page needs %zu",
                       stride, n);
    if (width == 4) {
        join4(src, stride, dst, n);
    } else if (width == 8) {
        kt_pq_join8(src, stride, n, dst);
    } else {
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < width; k++) dst[i * width + k] = src[k * stride + i];
    }
    return KT_OK;
}
