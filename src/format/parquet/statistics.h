/*
 * format/parquet/statistics.h — writer-side min/max/null_count
 * accumulators with the ordering rules of parquet.thrift's ColumnOrder
 * TYPE_ORDER: signed for INT32/INT64 (and timestamps), false < true for
 * BOOLEAN, IEEE order for DOUBLE with NaN ignored, and unsigned
 * byte-wise for BYTE_ARRAY (a proper prefix sorts first).
 *
 * Contract: update functions take non-null values only; nulls are counted
 * with kt_pq_stats_add_nulls. has_min_max is false until a non-null (and,
 * for doubles, non-NaN) value arrives. When encoded, a zero double min is
 * written as -0.0 and a zero max as +0.0 (the spec's rule, so readers that
 * prune with either zero stay correct). String min/max longer than
 * KT_PQ_STATS_MAX_STRING bytes are not written to the file (the field is
 * simply absent; the accumulator itself still holds the exact values).
 */
#ifndef KT_FORMAT_PARQUET_STATISTICS_H
#define KT_FORMAT_PARQUET_STATISTICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "format/parquet/metadata.h"

#define KT_PQ_STATS_MAX_STRING 256

typedef enum kt_pq_stat_kind {
    KT_PQ_STAT_BOOL, KT_PQ_STAT_INT32, KT_PQ_STAT_INT64, KT_PQ_STAT_DOUBLE, KT_PQ_STAT_BYTES
} kt_pq_stat_kind;

typedef struct kt_pq_stats {
    kt_pq_stat_kind kind;
    int64_t null_count;
    int64_t value_count;      /* non-null values seen (NaN included) */
    int64_t min_i, max_i;     /* BOOL, INT32, INT64 */
    double min_d, max_d;      /* DOUBLE: +inf/-inf until a non-NaN value */
    kt_buf min_s, max_s;      /* BYTES */
    uint8_t min_enc[8], max_enc[8];  /* PLAIN bytes handed out by kt_pq_stats_encode */
} kt_pq_stats;

void kt_pq_stats_init(kt_pq_stats *s, kt_pq_stat_kind kind);
void kt_pq_stats_reset(kt_pq_stats *s);
void kt_pq_stats_free(kt_pq_stats *s);

bool kt_pq_stats_has_min_max(const kt_pq_stats *s);

static inline void kt_pq_stats_add_nulls(kt_pq_stats *s, size_t n) { s->null_count += (int64_t)n; }
/* Values are read unaligned (they may sit anywhere in a page buffer). */
void kt_pq_stats_update_bool(kt_pq_stats *s, const uint8_t *v, size_t n);
void kt_pq_stats_update_i32(kt_pq_stats *s, const void *v, size_t n);
void kt_pq_stats_update_i64(kt_pq_stats *s, const void *v, size_t n);
void kt_pq_stats_update_double(kt_pq_stats *s, const void *v, size_t n);
kt_status kt_pq_stats_update_bytes(kt_pq_stats *s, const void *p, size_t len);

/* Folds src into dst (same kind). */
kt_status kt_pq_stats_merge(kt_pq_stats *dst, const kt_pq_stats *src);

/* Fills out (pointers into s: valid until s changes) with null_count and,
 * when known and representable, min_value/max_value. */
void kt_pq_stats_encode(kt_pq_stats *s, kt_pq_statistics *out);

/* Unsigned byte-wise comparison: <0, 0, >0 (a proper prefix sorts first).
 * Inline and word-at-a-time: it runs for every value of a PLAIN string page. */
static inline int kt_pq_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *x = a, *y = b;
    size_t n = alen < blen ? alen : blen, k = 0;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; k + 8 <= n; k += 8) {
        uint64_t u, v;
        memcpy(&u, x + k, 8);
        memcpy(&v, y + k, 8);
        if (u != v) return __builtin_bswap64(u) < __builtin_bswap64(v) ? -1 : 1;
    }
#endif
    for (; k < n; k++)
        if (x[k] != y[k]) return x[k] < y[k] ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

#endif
