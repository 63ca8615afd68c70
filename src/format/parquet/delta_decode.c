/*
 * format/parquet/delta_decode.c — DELTA_BINARY_PACKED integers and the two
 * byte-array encodings built on it (DELTA_LENGTH_BYTE_ARRAY and
 * DELTA_BYTE_ARRAY).
 *
 * All arithmetic is unsigned so wrap-around deltas restore the original
 * values (the spec requires two's-complement wrapping); INT32 streams are
 * decoded in 64 bits and truncated, which is exact modulo 2^32.
 */
#include <string.h>

#include "format/parquet/decode.h"

typedef struct dbp_header {
    uint64_t block_size, miniblocks, total, values_per_mini;
    uint64_t first;
} dbp_header;

static kt_status uleb(const uint8_t *src, size_t len, size_t *pos, uint64_t *v, kt_error *err)
{
    uint64_t result = 0;
    size_t p = *pos;
    for (int shift = 0;; shift += 7) {
        if (p >= len) return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED header runs past the page");
        if (shift > 63) return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED varint is too long");
        uint8_t b = src[p++];
        result |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    *v = result;
    *pos = p;
    return KT_OK;
}

static uint64_t unzigzag(uint64_t u)
{
    return (u >> 1) ^ (0 - (u & 1));
}

static kt_status read_header(const uint8_t *src, size_t len, size_t *pos, dbp_header *h,
                             kt_error *err)
{
    uint64_t zz;
    KT_TRY(uleb(src, len, pos, &h->block_size, err));
    KT_TRY(uleb(src, len, pos, &h->miniblocks, err));
    KT_TRY(uleb(src, len, pos, &h->total, err));
    KT_TRY(uleb(src, len, pos, &zz, err));
    h->first = unzigzag(zz);
    if (h->block_size == 0 || h->block_size > (1u << 20) || h->miniblocks == 0 ||
        h->miniblocks > h->block_size || h->block_size % h->miniblocks != 0 ||
        (h->block_size / h->miniblocks) % 8 != 0)
        return kt_fail(err, KT_ERR_FORMAT,
                       "DELTA_BINARY_PACKED block size %llu with %llu miniblocks is invalid",
                       (unsigned long long)h->block_size, (unsigned long long)h->miniblocks);
    h->values_per_mini = h->block_size / h->miniblocks;
    return KT_OK;
}

/* Decodes n values into dst64 or (narrow) dst32. exact: the stream must
 * hold exactly n values (inner streams of the byte-array encodings). */
static kt_status dbp_decode(const uint8_t *src, size_t len, int64_t *dst64, int32_t *dst32,
                            size_t n, bool exact, size_t *consumed, kt_error *err)
{
    size_t pos = 0;
    dbp_header h;
    KT_TRY(read_header(src, len, &pos, &h, err));
    if (h.total < n || (exact && h.total != n))
        return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED holds %llu values, %zu expected",
                       (unsigned long long)h.total, n);
    uint64_t last = h.first;
    size_t i = 0;
    if (n > 0) {
        if (dst64) dst64[0] = (int64_t)last;
        else dst32[0] = (int32_t)(uint32_t)last;
        i = 1;
    }
    uint64_t tmp[256];
    while (i < n) {
        uint64_t zz;
        KT_TRY(uleb(src, len, &pos, &zz, err));
        uint64_t min_delta = unzigzag(zz);
        if (h.miniblocks > len - pos)
            return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED miniblock widths run past the page");
        const uint8_t *widths = src + pos;
        pos += h.miniblocks;
        for (uint64_t m = 0; m < h.miniblocks && i < n; m++) {
            int w = widths[m];
            if (w > 64)
                return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED miniblock bit width %d exceeds 64", w);
            size_t take = n - i < h.values_per_mini ? n - i : (size_t)h.values_per_mini;
            size_t full = (size_t)(h.values_per_mini * (uint64_t)w / 8);
            size_t need = (size_t)((take * (uint64_t)w + 7) / 8);
            size_t have = len - pos;
            if (need > have)
                return kt_fail(err, KT_ERR_FORMAT, "DELTA_BINARY_PACKED miniblock runs past the page");
            size_t avail = full < have ? full : have;
            for (size_t k = 0; k < take; k += 256) {
                size_t chunk = take - k < 256 ? take - k : 256;
                size_t byte = k / 8 * (size_t)w;
                kt_pq_unpack64(src + pos + byte, avail - byte, w, tmp, chunk);
                if (dst64) {
                    for (size_t j = 0; j < chunk; j++) {
                        last += min_delta + tmp[j];
                        dst64[i + k + j] = (int64_t)last;
                    }
                } else {
                    for (size_t j = 0; j < chunk; j++) {
                        last += min_delta + tmp[j];
                        dst32[i + k + j] = (int32_t)(uint32_t)last;
                    }
                }
            }
            pos += avail;
            i += take;
        }
    }
    *consumed = pos;
    return KT_OK;
}

kt_status kt_pq_delta_i64(const uint8_t *src, size_t len, int64_t *dst, size_t n,
                          size_t *consumed, kt_error *err)
{
    return dbp_decode(src, len, dst, NULL, n, false, consumed, err);
}

kt_status kt_pq_delta_i32(const uint8_t *src, size_t len, int32_t *dst, size_t n,
                          size_t *consumed, kt_error *err)
{
    return dbp_decode(src, len, NULL, dst, n, false, consumed, err);
}

static kt_status scratch_i64(kt_buf *scratch, size_t n, int64_t **out, kt_error *err)
{
    kt_buf_clear(scratch);
    if (n > SIZE_MAX / 16 || kt_buf_reserve(scratch, (n ? n : 1) * 2 * sizeof(int64_t)) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu delta lengths", n);
    *out = (int64_t *)(void *)scratch->data;
    return KT_OK;
}

/* Lengths stream plus payload: validates every length and their sum. */
static kt_status dlba_lengths(const uint8_t *src, size_t len, int64_t *lens, size_t n,
                              size_t *data_pos, size_t *total, kt_error *err)
{
    size_t consumed;
    KT_TRY(dbp_decode(src, len, lens, NULL, n, true, &consumed, err));
    size_t left = len - consumed, sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] > left - sum)
            return kt_fail(err, KT_ERR_FORMAT,
                           "DELTA_LENGTH_BYTE_ARRAY: value %zu has length %lld, only %zu bytes left",
                           i, (long long)lens[i], left - sum);
        sum += (size_t)lens[i];
    }
    *data_pos = consumed;
    *total = sum;
    return KT_OK;
}

kt_status kt_pq_delta_length_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                        kt_buf *scratch, kt_error *err)
{
    int64_t *lens = NULL;
    size_t data_pos = 0, total = 0;
    KT_TRY(scratch_i64(scratch, n, &lens, err));
    KT_TRY(dlba_lengths(src, len, lens, n, &data_pos, &total, err));
    if (kt_column_reserve(out, n, total + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu byte-array values", n);
    int64_t *off = out->offsets + out->len;
    int64_t start = off[0];
    if (total) memcpy(out->bytes + start, src + data_pos, total);
    int64_t end = start;
    for (size_t i = 0; i < n; i++) {
        end += lens[i];
        off[i + 1] = end;
    }
    out->len += n;
    return KT_OK;
}

kt_status kt_pq_delta_byte_array(const uint8_t *src, size_t len, kt_column *out, size_t n,
                                 size_t type_length, size_t max_bytes, kt_buf *scratch,
                                 kt_error *err)
{
    int64_t *prefix = NULL;
    KT_TRY(scratch_i64(scratch, n, &prefix, err));
    int64_t *suffix = prefix + (n ? n : 1);
    size_t consumed = 0, data_pos = 0, suffix_total = 0;
    KT_TRY(dbp_decode(src, len, prefix, NULL, n, true, &consumed, err));
    KT_TRY(dlba_lengths(src + consumed, len - consumed, suffix, n, &data_pos, &suffix_total, err));
    const uint8_t *data = src + consumed + data_pos;

    size_t total = 0, prev_len = 0;
    for (size_t i = 0; i < n; i++) {
        if (prefix[i] < 0 || (uint64_t)prefix[i] > prev_len)
            return kt_fail(err, KT_ERR_FORMAT,
                           "DELTA_BYTE_ARRAY: value %zu has prefix length %lld, previous value has %zu bytes",
                           i, (long long)prefix[i], prev_len);
        size_t vlen = (size_t)prefix[i] + (size_t)suffix[i];
        if (type_length && vlen != type_length)
            return kt_fail(err, KT_ERR_FORMAT, "DELTA_BYTE_ARRAY: value %zu has %zu bytes, type length is %zu",
                           i, vlen, type_length);
        if (vlen > max_bytes - total)
            return kt_fail(err, KT_ERR_NOMEM, "DELTA_BYTE_ARRAY: decoded values exceed the %zu-byte limit",
                           max_bytes);
        total += vlen;
        prev_len = vlen;
    }
    if (kt_column_reserve(out, n, total + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu byte-array values", n);
    int64_t *off = out->offsets + out->len;
    char *bytes = out->bytes;
    int64_t end = off[0], prev_start = end;
    for (size_t i = 0; i < n; i++) {
        size_t p = (size_t)prefix[i], s = (size_t)suffix[i];
        if (p) memcpy(bytes + end, bytes + prev_start, p);
        if (s) memcpy(bytes + end + p, data, s);
        data += s;
        prev_start = end;
        end += (int64_t)(p + s);
        off[i + 1] = end;
    }
    out->len += n;
    return KT_OK;
}
