/*
 * format/parquet/statistics.c — min/max/null_count accumulation. Double
 * min/max use `x < min` comparisons, which are false for NaN, so NaN never
 * enters; "has a value" for doubles is then simply min <= max.
 */
#include "format/parquet/statistics.h"

#include <math.h>
#include <string.h>

void kt_pq_stats_init(kt_pq_stats *s, kt_pq_stat_kind kind)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    kt_buf_init(&s->min_s);
    kt_buf_init(&s->max_s);
    kt_pq_stats_reset(s);
}

void kt_pq_stats_reset(kt_pq_stats *s)
{
    s->null_count = 0;
    s->value_count = 0;
    s->min_i = INT64_MAX;
    s->max_i = INT64_MIN;
    s->min_d = INFINITY;
    s->max_d = -INFINITY;
    kt_buf_clear(&s->min_s);
    kt_buf_clear(&s->max_s);
}

void kt_pq_stats_free(kt_pq_stats *s)
{
    kt_buf_free(&s->min_s);
    kt_buf_free(&s->max_s);
}

bool kt_pq_stats_has_min_max(const kt_pq_stats *s)
{
    if (s->kind == KT_PQ_STAT_DOUBLE) return s->min_d <= s->max_d;
    return s->value_count > 0;
}

void kt_pq_stats_update_bool(kt_pq_stats *s, const uint8_t *v, size_t n)
{
    int64_t mn = s->min_i, mx = s->max_i;
    for (size_t i = 0; i < n; i++) {
        int64_t x = v[i] != 0;
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    s->min_i = mn;
    s->max_i = mx;
    s->value_count += (int64_t)n;
}

void kt_pq_stats_update_i32(kt_pq_stats *s, const void *v, size_t n)
{
    const uint8_t *p = v;
    int32_t mn = s->value_count ? (int32_t)s->min_i : INT32_MAX;
    int32_t mx = s->value_count ? (int32_t)s->max_i : INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        int32_t x;
        memcpy(&x, p + 4 * i, 4);
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    if (n) {
        s->min_i = mn;
        s->max_i = mx;
    }
    s->value_count += (int64_t)n;
}

void kt_pq_stats_update_i64(kt_pq_stats *s, const void *v, size_t n)
{
    const uint8_t *p = v;
    int64_t mn = s->min_i, mx = s->max_i;
    for (size_t i = 0; i < n; i++) {
        int64_t x;
        memcpy(&x, p + 8 * i, 8);
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    s->min_i = mn;
    s->max_i = mx;
    s->value_count += (int64_t)n;
}

void kt_pq_stats_update_double(kt_pq_stats *s, const void *v, size_t n)
{
    const uint8_t *p = v;
    double mn = s->min_d, mx = s->max_d;
    for (size_t i = 0; i < n; i++) {
        double x;
        memcpy(&x, p + 8 * i, 8);
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    s->min_d = mn;
    s->max_d = mx;
    s->value_count += (int64_t)n;
}

static kt_status set_buf(kt_buf *b, const void *p, size_t len)
{
    kt_buf_clear(b);
    return kt_buf_append(b, p, len);
}

kt_status kt_pq_stats_update_bytes(kt_pq_stats *s, const void *p, size_t len)
{
    if (s->value_count++ == 0) {
        KT_TRY(set_buf(&s->min_s, p, len));
        return set_buf(&s->max_s, p, len);
    }
    if (kt_pq_bytes_cmp(p, len, s->min_s.data, s->min_s.len) < 0) KT_TRY(set_buf(&s->min_s, p, len));
    if (kt_pq_bytes_cmp(p, len, s->max_s.data, s->max_s.len) > 0) KT_TRY(set_buf(&s->max_s, p, len));
    return KT_OK;
}

kt_status kt_pq_stats_merge(kt_pq_stats *dst, const kt_pq_stats *src)
{
    dst->null_count += src->null_count;
    if (!kt_pq_stats_has_min_max(src)) {
        dst->value_count += src->value_count;
        return KT_OK;
    }
    switch (dst->kind) {
    case KT_PQ_STAT_DOUBLE:
        dst->min_d = src->min_d < dst->min_d ? src->min_d : dst->min_d;
        dst->max_d = src->max_d > dst->max_d ? src->max_d : dst->max_d;
        break;
    case KT_PQ_STAT_BYTES: {
        bool first = dst->value_count == 0;
        if (first || kt_pq_bytes_cmp(src->min_s.data, src->min_s.len, dst->min_s.data, dst->min_s.len) < 0)
            KT_TRY(set_buf(&dst->min_s, src->min_s.data, src->min_s.len));
        if (first || kt_pq_bytes_cmp(src->max_s.data, src->max_s.len, dst->max_s.data, dst->max_s.len) > 0)
            KT_TRY(set_buf(&dst->max_s, src->max_s.data, src->max_s.len));
        break;
    }
    default:
        dst->min_i = src->min_i < dst->min_i ? src->min_i : dst->min_i;
        dst->max_i = src->max_i > dst->max_i ? src->max_i : dst->max_i;
        break;
    }
    dst->value_count += src->value_count;
    return KT_OK;
}

static void store_le(uint8_t *p, uint64_t v, int nbytes)
{
    for (int i = 0; i < nbytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void encode_double(uint8_t *dst, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, 8);
    store_le(dst, bits, 8);
}

void kt_pq_stats_encode(kt_pq_stats *s, kt_pq_statistics *out)
{
    memset(out, 0, sizeof *out);
    out->has_null_count = true;
    out->null_count = s->null_count;
    if (!kt_pq_stats_has_min_max(s)) return;
    const uint8_t *mn = s->min_enc, *mx = s->max_enc;
    uint32_t len = 0;
    switch (s->kind) {
    case KT_PQ_STAT_BOOL:
        s->min_enc[0] = (uint8_t)s->min_i;
        s->max_enc[0] = (uint8_t)s->max_i;
        len = 1;
        break;
    case KT_PQ_STAT_INT32:
        store_le(s->min_enc, (uint64_t)s->min_i, 4);
        store_le(s->max_enc, (uint64_t)s->max_i, 4);
        len = 4;
        break;
    case KT_PQ_STAT_INT64:
        store_le(s->min_enc, (uint64_t)s->min_i, 8);
        store_le(s->max_enc, (uint64_t)s->max_i, 8);
        len = 8;
        break;
    case KT_PQ_STAT_DOUBLE:
        encode_double(s->min_enc, s->min_d == 0 ? -0.0 : s->min_d);
        encode_double(s->max_enc, s->max_d == 0 ? +0.0 : s->max_d);
        len = 8;
        break;
    case KT_PQ_STAT_BYTES:
        if (s->min_s.len > KT_PQ_STATS_MAX_STRING || s->max_s.len > KT_PQ_STATS_MAX_STRING) return;
        out->min_value = s->min_s.data ? s->min_s.data : s->min_enc;
        out->max_value = s->max_s.data ? s->max_s.data : s->max_enc;
        out->min_len = (uint32_t)s->min_s.len;
        out->max_len = (uint32_t)s->max_s.len;
        out->has_min_value = out->has_max_value = true;
        return;
    }
    out->min_value = mn;
    out->max_value = mx;
    out->min_len = out->max_len = len;
    out->has_min_value = out->has_max_value = true;
}
