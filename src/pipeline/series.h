/*
 * pipeline/series.h — one channel's samples in time order, and THE rule
 * that reads a value from them at any time (SPEC §3 "Alignment").
 *
 * Contract: a kt_series is n samples with strictly increasing times t[]
 * (UTC µs) and finite values v[]. kt_series_at(cursor, tau) returns the
 * value at tau and how it was obtained:
 *   MEASURED      a sample sits exactly at tau;
 *   INTERPOLATED  tau lies strictly between samples a < b with
 *                 t[b] - t[a] <= max_gap: linear in time;
 *   HELD          tau is before the first sample (or after the last) by at
 *                 most max_gap: that first (last) value;
 *   NULL          anything else: a gap longer than max_gap, too far from
 *                 the ends, or no samples at all.
 * A cursor walks forward: successive taus must not decrease, making a
 * whole column O(rows + samples). Aligned channels, velocities,
 * accelerations and the statistics all read through this one function.
 */
#ifndef KT_PIPELINE_SERIES_H
#define KT_PIPELINE_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum kt_cell {
    KT_CELL_NULL = 0,
    KT_CELL_MEASURED,
    KT_CELL_INTERPOLATED,
    KT_CELL_HELD,
} kt_cell;

typedef struct kt_series {
    const int64_t *t;
    const double *v;
    size_t n;
} kt_series;

typedef struct kt_series_cursor {
    kt_series s;
    size_t next;      /* index of the first sample with t >= the last tau asked */
    int64_t max_gap;  /* µs */
} kt_series_cursor;

static inline kt_series_cursor kt_series_cursor_make(kt_series s, int64_t max_gap_us)
{
    kt_series_cursor c = { s, 0, max_gap_us };
    return c;
}

static inline kt_cell kt_series_at(kt_series_cursor *c, int64_t tau, double *out)
{
    const int64_t *t = c->s.t;
    size_t n = c->s.n, j = c->next;
    while (j < n && t[j] < tau) j++;
    c->next = j;
    if (j < n && t[j] == tau) {
        *out = c->s.v[j];
        return KT_CELL_MEASURED;
    }
    if (j == 0 || j == n) {
        if (n == 0) return KT_CELL_NULL;
        size_t edge = j == 0 ? 0 : n - 1;
        int64_t dist = j == 0 ? t[0] - tau : tau - t[n - 1];
        if (dist > c->max_gap) return KT_CELL_NULL;
        *out = c->s.v[edge];
        return KT_CELL_HELD;
    }
    int64_t span = t[j] - t[j - 1];
    if (span > c->max_gap) return KT_CELL_NULL;
    double w = (double)(tau - t[j - 1]) / (double)span;
    double a = c->s.v[j - 1], b = c->s.v[j];
    *out = a + (b - a) * w;
    return KT_CELL_INTERPOLATED;
}

/* Walks the distinct times of the union of k <= KT_MERGE_MAX series, ascending. */
#define KT_MERGE_MAX 16
typedef struct kt_merge_iter {
    const kt_series *series;
    size_t k;
    size_t pos[KT_MERGE_MAX];
} kt_merge_iter;

void kt_merge_iter_init(kt_merge_iter *it, const kt_series *series, size_t k);
/* Next distinct time into *t; false when all series are exhausted. */
bool kt_merge_iter_next(kt_merge_iter *it, int64_t *t);

/* All distinct times of the union into out (room for the sum of lengths); returns how many. */
size_t kt_series_merge_times(const kt_series *series, size_t k, int64_t *out);

#endif
