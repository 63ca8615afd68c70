/*
 * format/parquet/reader_stats.c — row-group statistics decoded to the
 * column's output type.
 *
 * min_value/max_value (ordered by the column's ColumnOrder) are preferred.
 * The deprecated min/max were ordered by signed comparison, so they are
 * used only where that order is the type's order (BOOLEAN, signed
 * INT32/INT64 including DATE/TIMESTAMP/DECIMAL, FLOAT, DOUBLE), or where
 * min == max (then every order agrees). INT96 statistics are ignored, as
 * parquet.thrift asks for TYPE_ORDER files. A NaN bound makes min/max
 * unusable.
 */
#include <math.h>
#include <string.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

static bool legacy_order_is_signed(const kt_pq_column_info *c)
{
    switch (c->physical) {
    case KT_PQ_BOOLEAN: case KT_PQ_FLOAT: case KT_PQ_DOUBLE: return true;
    case KT_PQ_INT32: case KT_PQ_INT64: return c->is_signed;
    default: return false;
    }
}

/* Decodes one PLAIN-encoded bound; false if its size is wrong. */
static bool decode_bound(const kt_pq_column_info *c, const kt_pq_leaf *leaf, const uint8_t *p,
                         uint32_t len, int64_t *i, double *d)
{
    switch (c->physical) {
    case KT_PQ_BOOLEAN:
        if (len != 1) return false;
        *i = p[0] & 1;
        return true;
    case KT_PQ_INT32: {
        if (len != 4) return false;
        int32_t v = (int32_t)kt_pq_le32(p);
        if (leaf->conversion == KT_PQ_CONV_DECIMAL) *d = (double)v / kt_pq_pow10(leaf->scale);
        else if (leaf->conversion == KT_PQ_CONV_WIDEN_U32) *i = (int64_t)(uint32_t)v;
        else *i = v;
        return true;
    }
    case KT_PQ_INT64: {
        if (len != 8) return false;
        int64_t v = (int64_t)kt_pq_le64(p);
        if (leaf->conversion == KT_PQ_CONV_DECIMAL) *d = (double)v / kt_pq_pow10(leaf->scale);
        else *i = v;
        return true;
    }
    case KT_PQ_FLOAT: {
        if (len != 4) return false;
        float f;
        memcpy(&f, p, 4);
        *d = f;
        return !isnan(*d);
    }
    case KT_PQ_DOUBLE:
        if (len != 8) return false;
        memcpy(d, p, 8);
        return !isnan(*d);
    case KT_PQ_BYTE_ARRAY: case KT_PQ_FIXED_LEN_BYTE_ARRAY:
        if (c->physical == KT_PQ_FIXED_LEN_BYTE_ARRAY && len != (uint32_t)c->type_length) return false;
        if (leaf->conversion == KT_PQ_CONV_DECIMAL) *d = kt_pq_decimal_be(p, len, leaf->scale);
        return true;
    default:
        return false;
    }
}

kt_status kt_pq_column_stats_get(const kt_pq_reader *r, int row_group, int column,
                                 kt_pq_column_stats *out)
{
    memset(out, 0, sizeof *out);
    if (row_group < 0 || row_group >= r->meta.num_row_groups || column < 0 || column >= r->ncols)
        return KT_ERR_USAGE;
    const kt_pq_column_meta *m = &r->meta.row_groups[row_group].columns[column].meta_data;
    if (!m->has_statistics) return KT_OK;
    const kt_pq_statistics *s = &m->statistics;
    const kt_pq_column_info *c = &r->cols[column];
    const kt_pq_leaf *leaf = &r->leaves[column];
    if (s->has_null_count && s->null_count >= 0) {
        out->has_null_count = true;
        out->null_count = s->null_count;
    }
    if (c->physical == KT_PQ_INT96) return KT_OK;
    const uint8_t *lo = NULL, *hi = NULL;
    uint32_t lo_len = 0, hi_len = 0;
    if (s->has_min_value && s->has_max_value) {
        lo = s->min_value, lo_len = s->min_len;
        hi = s->max_value, hi_len = s->max_len;
    } else if (s->has_legacy_min && s->has_legacy_max) {
        bool same = s->legacy_min_len == s->legacy_max_len &&
                    memcmp(s->legacy_min, s->legacy_max, s->legacy_min_len) == 0;
        if (!legacy_order_is_signed(c) && !same) return KT_OK;
        lo = s->legacy_min, lo_len = s->legacy_min_len;
        hi = s->legacy_max, hi_len = s->legacy_max_len;
    } else {
        return KT_OK;
    }
    if (!decode_bound(c, leaf, lo, lo_len, &out->min_i, &out->min_d) ||
        !decode_bound(c, leaf, hi, hi_len, &out->max_i, &out->max_d))
        return KT_OK;
    if (c->value_type == KT_BYTES) {
        out->min_bytes = lo, out->min_len = lo_len;
        out->max_bytes = hi, out->max_len = hi_len;
    }
    out->has_min_max = true;
    return KT_OK;
}
