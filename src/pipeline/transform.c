/*
 * pipeline/transform.c — the per-run pipeline and its memory plan.
 *
 * Memory plan for n readings, one arena block:
 *   samples: time[n] + value[n]                         16n bytes, whole run
 *   phase:   the largest of the per-step scratch needs  32n + 48 KiB (sort)
 * The sort's (key, value) pairs and their radix buffer dominate; the later
 * steps (spike flags, stream statistics, velocity samples) reuse the same
 * phase region, each needing at most 24n.
 */
#include "pipeline/transform.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "pipeline/column_fill.h"
#include "pipeline/spikes.h"

struct kt_transform {
    kt_arena arena;
    kt_run_output out;
    kt_run_rows rows;   /* gathers the columns for kt_transform_run */
};

kt_transform *kt_transform_new(size_t scratch_limit)
{
    kt_transform *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    kt_arena_init(&t->arena, scratch_limit);
    kt_aligned_init(&t->out.aligned);
    kt_features_init(&t->out.features);
    kt_run_rows_init(&t->rows);
    return t;
}

void kt_transform_free(kt_transform *t)
{
    if (!t) return;
    kt_arena_free(&t->arena);
    kt_aligned_free(&t->out.aligned);
    kt_features_free(&t->out.features);
    kt_run_rows_free(&t->rows);
    free(t);
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* One block of `bytes`, reusing the previous run's block when it fits and is not far too big. */
static void *reserve_scratch(kt_arena *a, size_t bytes)
{
    kt_arena_reset(a);
    size_t have = kt_arena_reserved(a);
    if (have < bytes || have > 4 * bytes + ((size_t)1 << 20)) kt_arena_free(a);
    return kt_arena_alloc(a, bytes);
}

static size_t phase_bytes_after_sort(const kt_run_samples *s, const kt_transform_config *cfg)
{
    size_t longest = 0;
    for (int c = 0; c < KT_CHANNELS; c++) longest = max_size(longest, s->len[c]);
    size_t need = kt_spikes_scratch_bytes(longest, cfg->hampel_half_window);
    need = max_size(need, kt_run_stats_scratch_bytes(s));
    return max_size(need, kt_features_scratch_bytes(s));
}

static uint64_t remove_spikes(kt_run_samples *s, const kt_transform_config *cfg, void *phase)
{
    kt_spike_params p = { cfg->hampel_half_window, cfg->hampel_threshold, cfg->hampel_min_deviation,
                          cfg->max_gap_us };
    uint64_t removed = 0;
    for (int c = 0; c < KT_CHANNELS; c++) {
        if (!kt_channel_is_position(c)) continue;
        removed += kt_spikes_remove(s->time + s->start[c], s->value + s->start[c], &s->len[c], &p, phase);
    }
    return removed;
}

/* Where the rows come from: channels, motion series, timeline kind. */
static kt_status plan_rows(const kt_run_samples *s, const kt_transform_config *cfg, const kt_run_stats *st,
                           kt_run_series *src, kt_error *err)
{
    for (int c = 0; c < KT_CHANNELS; c++) src->series[c] = kt_run_samples_series(s, c);
    src->max_gap_us = cfg->max_gap_us;
    src->grid = cfg->align == KT_ALIGN_GRID;
    src->grid_start_us = st->start_time_us;
    src->grid_period_us = cfg->grid_period_us;
    src->rows = 0;
    if (!src->grid || !st->has_time) return KT_OK;
    int64_t start = st->start_time_us, stop = st->stop_time_us;
    uint64_t steps = (uint64_t)(stop - start) / (uint64_t)cfg->grid_period_us;
    if (steps >= cfg->max_rows)
        return kt_fail(err, KT_ERR_USAGE,
                       "aligned: grid:%" PRId64 "us over %.6f s gives %" PRIu64 " rows, more than max_rows %zu",
                       cfg->grid_period_us, (double)(stop - start) / 1e6, steps + 1, cfg->max_rows);
    src->rows = (size_t)steps + 1;
    return KT_OK;
}

static kt_status prepare(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings, size_t n,
                         kt_error *err)
{
    kt_run_output *o = &t->out;
    o->aligned.rows = 0;
    o->rows = 0;
    if (n > SIZE_MAX / 64) return kt_fail(err, KT_ERR_NOMEM, "transform: %zu readings are too many for one run", n);
    size_t sort_bytes = kt_run_samples_scratch_bytes(n);
    size_t sample_bytes = n * (sizeof(int64_t) + sizeof(double));
    /* Every later step needs at most 24 bytes per reading (+ a window), below the sort's 32. */
    size_t phase_bytes = max_size(sort_bytes, 24 * n + kt_spikes_scratch_bytes(0, cfg->hampel_half_window) + 64);
    char *block = reserve_scratch(&t->arena, sample_bytes + phase_bytes);
    if (!block)
        return kt_fail(err, KT_ERR_NOMEM, "transform: %zu readings need %zu bytes of scratch, over the limit %zu",
                       n, sample_bytes + phase_bytes, t->arena.limit);
    o->scratch_bytes = kt_arena_reserved(&t->arena);
    o->input_bytes = n * sizeof(kt_reading);

    kt_run_samples s;
    s.time = (int64_t *)block;
    s.value = (double *)(block + n * sizeof(int64_t));
    void *phase = block + sample_bytes;
    KT_TRY(kt_run_samples_build(readings, n, phase, &s, err));
    if (phase_bytes_after_sort(&s, cfg) > phase_bytes)
        return kt_fail(err, KT_ERR_INTERNAL, "transform: scratch plan too small for %zu readings", n);

    kt_run_stats *st = &o->stats;
    memset(st, 0, sizeof *st);
    st->readings = (int64_t)n;
    st->spikes_removed = (int64_t)remove_spikes(&s, cfg, phase);
    kt_run_stats_from_samples(&s, cfg, phase, st);
    /* from here on the phase region holds the motion series, read while rows are produced */
    kt_run_series *src = &o->series;
    KT_TRY(plan_rows(&s, cfg, st, src, err));
    kt_features_series(&s, cfg, phase, &src->series[KT_RUN_SERIES_VELOCITY],
                       &src->series[KT_RUN_SERIES_ACCELERATION], st->max_speed_mm_s, st->has_max_speed);
    kt_run_distances d;
    KT_TRY(kt_run_series_scan(src, cfg->max_rows, &d, err));
    o->rows = src->rows;
    st->aligned_rows = (int64_t)src->rows;
    for (int r = 0; r < KT_ROBOTS; r++) {
        st->has_distance[r] = d.has[r];
        st->distance_mm[r] = d.mm[r];
    }
    return KT_OK;
}

kt_status kt_transform_prepare(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings,
                               size_t n, const kt_run_output **out, kt_error *err)
{
    *out = NULL;
    KT_TRY(kt_transform_config_validate(cfg, err));
    if (n && !readings) return kt_fail(err, KT_ERR_USAGE, "transform: %zu readings but no array", n);
    KT_TRY(prepare(t, cfg, readings, n, err));
    *out = &t->out;
    return KT_OK;
}

/* Slices of this many rows gather the columns: smaller than the tables' row
 * groups on purpose, so tests comparing both see slicing change nothing. */
#define GATHER_ROWS 10000

static bool nullable_column(size_t i)
{
    return i != 0 && (i < 1 + KT_CHANNELS || i >= KT_ALIGNED_COLUMNS);
}

/* Every row of the prepared run into aligned + features. */
static kt_status gather(kt_transform *t, kt_error *err)
{
    kt_run_output *o = &t->out;
    kt_named_column named[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    size_t ncols = kt_features_named_columns(&o->aligned, &o->features, named);
    kt_column *dst[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    for (size_t i = 0; i < ncols; i++) {
        dst[i] = (kt_column *)named[i].column;   /* the context's own columns */
        if (kt_column_fill_begin(dst[i], o->rows, nullable_column(i)) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "transform: no memory for %zu rows of %s", o->rows, named[i].name);
    }
    kt_run_rows_start(&t->rows, &o->series);
    for (size_t first = 0; first < o->rows; first += GATHER_ROWS) {
        size_t rows = o->rows - first < GATHER_ROWS ? o->rows - first : GATHER_ROWS;
        for (size_t i = 0; i < ncols; i++) {
            const kt_column *c;
            KT_TRY(kt_run_rows_column(&t->rows, first, rows, i, &c, err));
            size_t w = kt_type_width(c->type);
            memcpy((char *)dst[i]->values + first * w, c->values, rows * w);
            if (dst[i]->valid && c->valid) memcpy(dst[i]->valid + first, c->valid, rows);
            else if (dst[i]->valid) memset(dst[i]->valid + first, 1, rows);
        }
    }
    for (size_t i = 0; i < ncols; i++) kt_column_fill_end(dst[i]);
    o->aligned.rows = o->rows;
    return KT_OK;
}

kt_status kt_transform_run(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings, size_t n,
                           const kt_run_output **out, kt_error *err)
{
    const kt_run_output *o;
    *out = NULL;
    KT_TRY(kt_transform_prepare(t, cfg, readings, n, &o, err));
    KT_TRY(gather(t, err));
    *out = o;
    return KT_OK;
}

static size_t column_bytes(const kt_column *c)
{
    return c->cap * kt_type_width(c->type) + (c->valid ? c->cap : 0);
}

size_t kt_run_output_bytes(const kt_run_output *out)
{
    kt_named_column cols[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    size_t n = kt_features_named_columns(&out->aligned, &out->features, cols);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += column_bytes(cols[i].column);
    return total;
}
