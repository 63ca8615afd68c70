/*
 * pipeline/series.c — k-way merge of series times. k is at most twelve, so
 * a linear scan of the heads beats a heap; equal heads advance together,
 * which is what makes the output distinct.
 */
#include "pipeline/series.h"

#include <string.h>

void kt_merge_iter_init(kt_merge_iter *it, const kt_series *series, size_t k)
{
    it->series = series;
    it->k = k > KT_MERGE_MAX ? KT_MERGE_MAX : k;
    memset(it->pos, 0, sizeof it->pos);
}

bool kt_merge_iter_next(kt_merge_iter *it, int64_t *t)
{
    int64_t best = 0;
    bool found = false;
    for (size_t i = 0; i < it->k; i++) {
        const kt_series *s = &it->series[i];
        if (it->pos[i] < s->n && (!found || s->t[it->pos[i]] < best)) {
            best = s->t[it->pos[i]];
            found = true;
        }
    }
    if (!found) return false;
    for (size_t i = 0; i < it->k; i++) {
        const kt_series *s = &it->series[i];
        if (it->pos[i] < s->n && s->t[it->pos[i]] == best) it->pos[i]++;
    }
    *t = best;
    return true;
}

size_t kt_series_merge_times(const kt_series *series, size_t k, int64_t *out)
{
    kt_merge_iter it;
    kt_merge_iter_init(&it, series, k);
    size_t n = 0;
    int64_t t;
    while (kt_merge_iter_next(&it, &t)) out[n++] = t;
    return n;
}
