/*
 * format/parquet/dictionary_decode.c — turning dictionary indices into
 * values. The dictionary is kept already converted to the output type, so
 * a data page is one range check over its indices and one gather; byte
 * values are summed first so the payload is reserved once per page, and
 * short strings are moved with one fixed 16-byte copy (both the
 * dictionary and the output keep KT_PQ_COPY_SLACK spare bytes).
 */
#include <string.h>

#include "format/parquet/decode.h"

kt_status kt_pq_dict_pad(kt_column *dict)
{
    if (kt_column_reserve(dict, 0, KT_PQ_COPY_SLACK) != KT_OK)
        return KT_ERR_NOMEM;
    return KT_OK;
}

static uint32_t max_index(const uint32_t *idx, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++) m = idx[i] > m ? idx[i] : m;
    return m;
}

#define GATHER(T)                                                        \
    do {                                                                 \
        const T *d = (const T *)dict->values;                            \
        T *o = (T *)out->values + out->len;                              \
        for (size_t i = 0; i < n; i++) o[i] = d[idx[i]];                 \
    } while (0)

static kt_status gather_bytes(const kt_column *dict, const uint32_t *idx, size_t n,
                              kt_column *out, size_t max_bytes, kt_error *err)
{
    const int64_t *doff = dict->offsets;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
    size_t used = (size_t)out->offsets[out->len];
    if (total > max_bytes || used > max_bytes - total)
        return kt_fail(err, KT_ERR_NOMEM, "decoded strings exceed the %zu-byte limit", max_bytes);
    if (kt_column_reserve(out, n, total + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu bytes of strings", total);
    const char *dbytes = dict->bytes;
    char *bytes = out->bytes;
    int64_t *off = out->offsets + out->len;
    int64_t end = off[0];
    for (size_t i = 0; i < n; i++) {
        int64_t s = doff[idx[i]], l = doff[idx[i] + 1] - s;
        if (l <= KT_PQ_COPY_SLACK)
            memcpy(bytes + end, dbytes + s, KT_PQ_COPY_SLACK);
        else
            memcpy(bytes + end, dbytes + s, (size_t)l);
        end += l;
        off[i + 1] = end;
    }
    return KT_OK;
}

kt_status kt_pq_dict_gather(const kt_column *dict, const uint32_t *idx, size_t n, kt_column *out,
                            size_t max_bytes, kt_error *err)
{
    if (n == 0) return KT_OK;
    uint32_t m = max_index(idx, n);
    if (m >= dict->len)
        return kt_fail(err, KT_ERR_FORMAT, "dictionary index %u is out of range (dictionary has %zu values)",
                       m, dict->len);
    if (dict->type == KT_BYTES) {
        KT_TRY(gather_bytes(dict, idx, n, out, max_bytes, err));
    } else {
        if (kt_column_reserve(out, n, 0) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu values", n);
        switch (kt_type_width(dict->type)) {
        case 1: GATHER(uint8_t); break;
        case 4: GATHER(uint32_t); break;
        case 8: GATHER(uint64_t); break;
        default: return kt_fail(err, KT_ERR_INTERNAL, "dictionary of unexpected type %s",
                                kt_type_name(dict->type));
        }
    }
    out->len += n;
    return KT_OK;
}
