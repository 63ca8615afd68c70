/*
 * format/parquet/plain_decode.c — PLAIN values: fixed-width types are one
 * bulk copy; byte arrays are length-prefixed and copied into the column's
 * payload after a single reservation (the payload can never be larger than
 * the page).
 */
#include <string.h>

#include "format/parquet/decode.h"

static kt_status short_page(kt_error *err, const char *type, size_t n, size_t need, size_t len)
{
    return kt_fail(err, KT_ERR_FORMAT, "PLAIN %s: %zu values need %zu bytes, page has %zu",
                   type, n, need, len);
}

kt_status kt_pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t width, void *dst, size_t n,
                            kt_error *err)
{
    if (n > len / width) return short_page(err, width == 4 ? "4-byte" : "8-byte", n, n * width, len);
    if (n && dst != src) memmove(dst, src, n * width);   /* may overlap: page decompressed in place */
    return KT_OK;
}

kt_status kt_pq_plain_bool(const uint8_t *src, size_t len, uint8_t *dst, size_t n, kt_error *err)
{
    if ((n + 7) / 8 > len) return short_page(err, "BOOLEAN", n, (n + 7) / 8, len);
    kt_pq_unpack_bools(src, dst, n);
    return KT_OK;
}

kt_status kt_pq_plain_int96(const uint8_t *src, size_t len, int64_t *dst, size_t n, kt_error *err)
{
    if (n > len / 12) return short_page(err, "INT96", n, n * 12, len);
    for (size_t i = 0; i < n; i++)
        if (!kt_pq_int96_nanos(src + 12 * i, &dst[i]))
            return kt_fail(err, KT_ERR_FORMAT,
                           "INT96 value %zu is outside the int64 nanosecond range (years 1677..2262)", i);
    return KT_OK;
}

kt_status kt_pq_plain_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                 kt_error *err)
{
    if (n > len / 4) return short_page(err, "BYTE_ARRAY", n, n * 4, len);
    if (kt_column_reserve(out, n, len - 4 * n + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu byte-array values", n);
    int64_t *off = out->offsets + out->len;
    char *bytes = out->bytes;
    int64_t end = off[0];
    /* Invariant: the bytes left cover this value's prefix and every later
     * value's 4-byte prefix, so the payload stays within len - 4n. q walks
     * the prefixes (a chain of one load and one add per value). */
    const uint8_t *q = src;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = kt_pq_le32(q);
        const uint8_t *v = q + 4;
        size_t p = (size_t)(v - src);
        size_t room = len - p - 4 * (n - 1 - i);
        if (l > room)
            return kt_fail(err, KT_ERR_FORMAT,
                           "PLAIN BYTE_ARRAY: value %zu has length %u, only %zu bytes left in the page",
                           i, l, room);
        kt_pq_copy_value(bytes + end, v, l, len - p);
        end += l;
        off[i + 1] = end;
        q = v + l;
    }
    out->len += n;
    return KT_OK;
}

kt_status kt_pq_plain_byte_array_in_place(kt_column *out, size_t at, size_t len, size_t n, kt_error *err)
{
    if (n > len / 4) return short_page(err, "BYTE_ARRAY", n, n * 4, len);
    if (!out->bytes || !out->offsets || at < (size_t)out->offsets[out->len] || at > out->bytes_cap ||
        len > out->bytes_cap - at)
        return kt_fail(err, KT_ERR_INTERNAL, "PLAIN BYTE_ARRAY: page body is not in the payload's tail");
    if (kt_column_reserve(out, n, 0) != KT_OK)   /* offsets only: the payload stays put */
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu byte-array values", n);
    int64_t *off = out->offsets + out->len;
    char *bytes = out->bytes;
    char *dst = bytes + off[0];
    const char *q = bytes + at, *cap_end = bytes + out->bytes_cap;
    /* limit: the offset where this value must end so every later value
     * keeps its 4-byte prefix (the payload stays within len - 4n) */
    size_t limit = at + len - 4 * (n - 1);
    /* Each value's prefix says where the next begins: a chain of loads.
     * q points at the next prefix, so each link is one load from q and
     * one add (no indexed address), the shortest chain. */
    for (size_t i = 0; i < n; i++, limit += 4) {
        uint32_t l = kt_pq_le32((const uint8_t *)q);
        const char *v = q + 4;
        size_t room = limit - (size_t)(v - bytes);
        if (l > room)
            return kt_fail(err, KT_ERR_FORMAT,
                           "PLAIN BYTE_ARRAY: value %zu has length %u, only %zu bytes left in the page",
                           i, l, room);
        /* Values only move down, by at least 4 bytes per value so far: a
         * 32-byte block copy is safe once the gap covers a block. */
        if (l <= 32 && v - dst >= 32 && cap_end - v >= 32) {
            __builtin_memcpy(dst, v, 16);
            __builtin_memcpy(dst + 16, v + 16, 16);
        } else {
            memmove(dst, v, l);
        }
        dst += l;
        off[i + 1] = (int64_t)(dst - bytes);
        q = v + l;
    }
    out->len += n;
    return KT_OK;
}

kt_status kt_pq_plain_flba(const uint8_t *src, size_t len, size_t type_length, kt_column *out,
                           size_t n, kt_error *err)
{
    if (n > len / type_length) return short_page(err, "FIXED_LEN_BYTE_ARRAY", n, n * type_length, len);
    size_t total = n * type_length;
    if (kt_column_reserve(out, n, total + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu fixed-length values", n);
    int64_t *off = out->offsets + out->len;
    int64_t start = off[0];
    if (total) memcpy(out->bytes + start, src, total);
    for (size_t i = 0; i < n; i++) off[i + 1] = start + (int64_t)((i + 1) * type_length);
    out->len += n;
    return KT_OK;
}
