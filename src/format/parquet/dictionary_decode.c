/*
 * format/parquet/dictionary_decode.c — dictionary-encoded data pages:
 * the index stream is decoded in batches straight into values, so no
 * page-sized index buffer is written and read back. The dictionary is
 * kept already converted to the output type; an RLE run becomes a fill,
 * a bit-packed batch a gather with a (well-predicted) range check per
 * index. Byte values are reserved once per batch and short ones moved
 * in fixed 16-byte blocks (dictionary and output both keep
 * KT_PQ_COPY_SLACK spare bytes).
 */
#include <string.h>

#include "format/parquet/decode.h"

#define BATCH 256

kt_status kt_pq_dict_pad(kt_column *dict, size_t *max_len)
{
    size_t m = 0;
    for (size_t i = 0; i < dict->len; i++) {
        size_t l = (size_t)(dict->offsets[i + 1] - dict->offsets[i]);
        m = l > m ? l : m;
    }
    *max_len = m;
    if (kt_column_reserve(dict, 0, KT_PQ_COPY_SLACK) != KT_OK)
        return KT_ERR_NOMEM;
    return KT_OK;
}

static kt_status out_of_range(kt_error *err, uint32_t index, size_t count)
{
    return kt_fail(err, KT_ERR_FORMAT, "dictionary index %u is out of range (dictionary has %zu values)",
                   index, count);
}

/* Room for rows more values and bytes more payload (plus the copy slack). */
static kt_status ensure(kt_column *out, size_t rows, size_t bytes, size_t max_bytes, kt_error *err)
{
    size_t used = out->type == KT_BYTES && out->offsets ? (size_t)out->offsets[out->len] : 0;
    if (bytes > max_bytes || used > max_bytes - bytes)
        return kt_fail(err, KT_ERR_NOMEM, "decoded strings exceed the %zu-byte limit", max_bytes);
    bool rows_ok = out->len + rows <= out->cap && (out->type != KT_BYTES || out->offsets);
    bool bytes_ok = out->type != KT_BYTES || (out->bytes && used + bytes + KT_PQ_COPY_SLACK <= out->bytes_cap);
    if (rows_ok && bytes_ok) return KT_OK;
    if (kt_column_reserve(out, rows ? rows : 1, bytes + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu dictionary values", rows);
    return KT_OK;
}

static kt_status bytes_batch(const kt_column *dict, size_t max_len, const uint32_t *idx, size_t got,
                             bool repeated, kt_column *out, size_t max_bytes, kt_error *err)
{
    const int64_t *doff = dict->offsets;
    const char *dbytes = dict->bytes;
    const uint32_t count = (uint32_t)dict->len;
    if (repeated) {
        uint32_t k = idx[0];
        if (k >= count) return out_of_range(err, k, count);
        int64_t s = doff[k], l = doff[k + 1] - s;
        if (l && (size_t)l > max_bytes / got)
            return kt_fail(err, KT_ERR_NOMEM, "decoded strings exceed the %zu-byte limit", max_bytes);
        KT_TRY(ensure(out, got, (size_t)l * got, max_bytes, err));
        int64_t *off = out->offsets + out->len;
        int64_t end = off[0];
        for (size_t i = 0; i < got; i++) {
            kt_pq_copy_value(out->bytes + end, dbytes + s, (size_t)l, (size_t)l + KT_PQ_COPY_SLACK);
            end += l;
            off[i + 1] = end;
        }
        out->len += got;
        return KT_OK;
    }
    /* Reserve for the longest value in every slot when that is modest
     * (one pass); otherwise sum the exact lengths first. */
    size_t reserve = max_len * got, used = (size_t)out->offsets[out->len];
    if (max_len > 256 || reserve > max_bytes || used > max_bytes - reserve) {
        reserve = 0;
        for (size_t i = 0; i < got; i++) {
            if (idx[i] >= count) return out_of_range(err, idx[i], count);
            reserve += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
        }
    }
    KT_TRY(ensure(out, got, reserve, max_bytes, err));
    char *bytes = out->bytes;
    int64_t *off = out->offsets + out->len;
    int64_t end = off[0];
    for (size_t i = 0; i < got; i++) {
        if (idx[i] >= count) return out_of_range(err, idx[i], count);
        int64_t s = doff[idx[i]], l = doff[idx[i] + 1] - s;
        kt_pq_copy_value(bytes + end, dbytes + s, (size_t)l, (size_t)l + KT_PQ_COPY_SLACK);
        end += l;
        off[i + 1] = end;
    }
    out->len += got;
    return KT_OK;
}

/* Whether any of n indices is >= count: one pass of 4-wide compares
 * (GCC vector extension, SSE2), so the gathers below need no per-index
 * branch; the rare failing batch is then searched for its first index. */
typedef uint32_t kt_u32x4 __attribute__((vector_size(16)));
static bool any_out_of_range(const uint32_t *idx, size_t n, uint32_t count)
{
    const kt_u32x4 limit = { count, count, count, count };
    kt_u32x4 bad = { 0, 0, 0, 0 };
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        kt_u32x4 x;
        memcpy(&x, idx + i, sizeof x);
        bad |= (kt_u32x4)(x >= limit);
    }
    uint32_t tail = 0;
    for (; i < n; i++) tail |= idx[i] >= count;
    return (bad[0] | bad[1] | bad[2] | bad[3] | tail) != 0;
}

/* Every index of `width` bits is below count: nothing to check. */
static bool width_fits(int width, size_t count)
{
    return width < 32 && ((size_t)1 << width) <= count;
}

static kt_status first_out_of_range(const uint32_t *idx, size_t n, uint32_t count, kt_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (idx[i] >= count) return out_of_range(err, idx[i], count);
    return kt_fail(err, KT_ERR_INTERNAL, "dictionary index check disagrees");
}

/* m is a copy of got: got's address escapes to the run decoder, so a
 * loop bounded by got itself reloads it after every 8-byte store. */
#define FIXED_BATCH(T)                                                                 \
    do {                                                                               \
        const T *d = (const T *)dict->values;                                          \
        T *o = (T *)out->values + out->len;                                            \
        const size_t m = got;                                                          \
        if (repeated) {                                                                \
            if (idx[0] >= count) return out_of_range(err, idx[0], count);              \
            T v = d[idx[0]];                                                           \
            for (size_t i = 0; i < m; i++) o[i] = v;                                   \
        } else {                                                                       \
            if (!fits && any_out_of_range(idx, m, count))                              \
                return first_out_of_range(idx, m, count, err);                         \
            for (size_t i = 0; i < m; i++) o[i] = d[idx[i]];                           \
        }                                                                              \
    } while (0)

#define RUNS_BATCH 64

/* Short RLE runs of fixed-width values (DuckDB writes robot_id as runs of
 * 6) filled straight into the output, without expanding them into
 * indices and gathering. Runs are under 16 values: each is 16 fixed
 * stores when the output's spare room holds them, exact near the end.
 * *got 0 when the stream is not at a short run. */
#define FILL_SHORT_RUNS(T)                                                              \
    do {                                                                                \
        uint32_t v[RUNS_BATCH];                                                         \
        uint8_t cnt[RUNS_BATCH];                                                        \
        size_t values;                                                                  \
        size_t runs = kt_pq_rle_short_runs(r, max, v, cnt, RUNS_BATCH, &values);        \
        const T *d = (const T *)dict->values;                                           \
        T *o = (T *)out->values + out->len;                                             \
        const size_t room = out->cap - out->len;   /* >= values: ensured for the page */ \
        size_t at = 0;                                                                  \
        for (size_t j = 0; j < runs; j++) {                                             \
            if (v[j] >= count) return out_of_range(err, v[j], count);                   \
            const T x = d[v[j]];                                                        \
            if (room - at >= 16) {                                                      \
                for (int i = 0; i < 16; i++) o[at + (size_t)i] = x;                     \
            } else {                                                                    \
                for (size_t i = 0; i < cnt[j]; i++) o[at + i] = x;                      \
            }                                                                           \
            at += cnt[j];                                                               \
        }                                                                               \
        out->len += values;                                                             \
        *got = values;                                                                  \
    } while (0)

static kt_status fill_short_runs(kt_pq_rle *r, size_t max, const kt_column *dict, size_t width_bytes,
                                 kt_column *out, size_t *got, kt_error *err)
{
    const uint32_t count = (uint32_t)dict->len;
    *got = 0;
    if (width_bytes == 8) FILL_SHORT_RUNS(uint64_t);
    else if (width_bytes == 4) FILL_SHORT_RUNS(uint32_t);
    return KT_OK;
}

kt_status kt_pq_dict_decode(const uint8_t *src, size_t len, int width, const kt_column *dict,
                            size_t max_len, kt_column *out, size_t n, size_t max_bytes, kt_error *err)
{
    if (width < 0 || width > 32)
        return kt_fail(err, KT_ERR_FORMAT, "dictionary index bit width %d exceeds 32", width);
    if (n == 0) return KT_OK;
    const size_t width_bytes = kt_type_width(dict->type);
    if (dict->type != KT_BYTES) KT_TRY(ensure(out, n, 0, max_bytes, err));
    const uint32_t count = (uint32_t)dict->len;
    const bool fits = width_fits(width, count);
    kt_pq_rle r;
    kt_pq_rle_init(&r, src, len, width);
    uint32_t idx[BATCH];
    size_t done = 0;
    while (done < n) {
        size_t got;
        bool repeated;
        if (width_bytes >= 4) {
            KT_TRY(fill_short_runs(&r, n - done, dict, width_bytes, out, &got, err));
            done += got;
            if (got) continue;
        }
        size_t max = n - done < BATCH ? n - done : BATCH;
        KT_TRY(kt_pq_rle_batch(&r, idx, max, &got, &repeated, done, n, err));
        switch (width_bytes) {
        case 0: KT_TRY(bytes_batch(dict, max_len, idx, got, repeated, out, max_bytes, err)); break;
        case 1: FIXED_BATCH(uint8_t); out->len += got; break;
        case 4: FIXED_BATCH(uint32_t); out->len += got; break;
        case 8: FIXED_BATCH(uint64_t); out->len += got; break;
        default: return kt_fail(err, KT_ERR_INTERNAL, "dictionary of unexpected type %s",
                                kt_type_name(dict->type));
        }
        done += got;
    }
    return KT_OK;
}

/* Codes batches stay in L1/L2 while they are checked. */
#define CODES_BATCH 4096

kt_status kt_pq_dict_codes(const uint8_t *src, size_t len, int width, size_t count, int32_t *dst, size_t n,
                           kt_error *err)
{
    if (width < 0 || width > 32)
        return kt_fail(err, KT_ERR_FORMAT, "dictionary index bit width %d exceeds 32", width);
    uint32_t *out = (uint32_t *)dst;
    const bool fits = count > UINT32_MAX || width_fits(width, count);
    kt_pq_rle r;
    kt_pq_rle_init(&r, src, len, width);
    size_t done = 0;
    while (done < n) {
        size_t got;
        bool repeated;
        size_t max = n - done < CODES_BATCH ? n - done : CODES_BATCH;
        KT_TRY(kt_pq_rle_batch(&r, out + done, max, &got, &repeated, done, n, err));
        if (repeated) {
            uint32_t v = out[done];
            if (v >= count) return out_of_range(err, v, count);
            for (size_t i = 1; i < got; i++) out[done + i] = v;
        } else if (!fits && any_out_of_range(out + done, got, (uint32_t)count)) {
            return first_out_of_range(out + done, got, (uint32_t)count, err);
        }
        done += got;
    }
    return KT_OK;
}
