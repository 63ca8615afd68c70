/*
 * format/parquet/plain_encode.c — PLAIN gathering. The common case (no
 * nulls, little-endian host) is one memcpy; with nulls, present elements
 * are compacted by a copy loop specialised per width.
 */
#include "format/parquet/plain_encode.h"

#include <stdbool.h>
#include <string.h>

#include "format/parquet/byte_transpose.h"

static bool host_is_little_endian(void)
{
    const uint16_t probe = 1;
    uint8_t b;
    memcpy(&b, &probe, 1);
    return b == 1;
}

static void store_le(uint8_t *d, const uint8_t *s, size_t width)
{
    for (size_t k = 0; k < width; k++) d[k] = s[width - 1 - k];
}

kt_status kt_pq_plain_encode_fixed(const void *values, const uint8_t *valid, size_t n,
                                   size_t width, kt_buf *out, size_t *appended)
{
    KT_TRY(kt_buf_reserve(out, n * width));
    const uint8_t *src = values;
    uint8_t *dst = out->data + out->len;
    size_t k = 0;
    if (width == 1) {
        for (size_t i = 0; i < n; i++) {
            dst[k] = src[i] != 0;
            k += !valid || valid[i];
        }
    } else if (!host_is_little_endian()) {
        for (size_t i = 0; i < n; i++)
            if (!valid || valid[i]) store_le(dst + width * k++, src + width * i, width);
    } else if (!valid) {
        memcpy(dst, src, n * width);
        k = n;
    } else if (width == 8) {
        for (size_t i = 0; i < n; i++) {
            memcpy(dst + 8 * k, src + 8 * i, 8);
            k += valid[i] != 0;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            if (valid[i]) memcpy(dst + width * k++, src + width * i, width);
    }
    out->len += k * width;
    *appended = k;
    return KT_OK;
}

kt_status kt_pq_byte_stream_split_encode(const uint8_t *values, size_t n, size_t width, kt_buf *out)
{
    KT_TRY(kt_buf_reserve(out, n));
    size_t count = width ? n / width : 0;
    uint8_t *dst = out->data + out->len;
    if (width == 8) kt_pq_split8(values, count, dst, count);
    else
        for (size_t i = 0; i < count; i++) /* one pass over the values, a store into each plane */
            for (size_t k = 0; k < width; k++) dst[k * count + i] = values[i * width + k];
    out->len += count * width;
    return KT_OK;
}
