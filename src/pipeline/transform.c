/*
 * pipeline/transform.c — the per-run pipeline and its memory plan.
 *
 * Memory plan for n readings, one arena block:
 *   samples: time[n] + value[n]                         16n bytes, whole run
 *   phase:   the largest of the per-step scratch needs, sized from the
 *            readings' per-channel counts before anything is sorted:
 *     sort   (key, value) pairs + radix buffer           32n + 96 KiB, or
 *            16n + 96 KiB when the pairs may overwrite the readings
 *            (kt_transform_prepare);
 *     later  spike flags, stream statistics, and the velocity and
 *            acceleration samples (24 B per encoder sample), which stay
 *            there while the output rows are produced.
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

/* Upper bound of phase_bytes_after_sort from the readings (copies make lengths shorter, never longer). */
static size_t phase_bytes_bound(const kt_reading *r, size_t n, const kt_transform_config *cfg)
{
    kt_run_samples bound;
    memset(&bound, 0, sizeof bound);
    for (size_t i = 0; i < n; i++)
        if ((r[i].robot == 1 || r[i].robot == 2) && r[i].field < KT_FIELD_COUNT)
            bound.len[kt_channel_of((kt_field)r[i].field, r[i].robot)]++;
    return phase_bytes_after_sort(&bound, cfg);
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

/* Where the samples, the later steps' scratch and the spare memory live. */
typedef struct layout {
    kt_run_samples s;
    char *phase;          /* spikes, statistics, then the motion series */
    size_t phase_bytes;
    char *spare_y;        /* after the samples, if their region has room left */
    size_t spare_y_bytes;
} layout;

/* Samples, then the phase, in the arena block (readings kept). */
static kt_status build_copying(const kt_reading *readings, size_t n, char *block, size_t block_bytes, layout *l,
                               kt_error *err)
{
    size_t sample_bytes = n * (sizeof(int64_t) + sizeof(double));
    l->s.time = (int64_t *)(void *)block;
    l->s.value = (double *)(void *)(block + n * sizeof(int64_t));
    l->phase = block + sample_bytes;
    l->phase_bytes = block_bytes - sample_bytes;
    l->spare_y = NULL;
    l->spare_y_bytes = 0;
    return kt_run_samples_build(readings, n, l->phase, &l->s, err);
}

/* The readings' array and the block take turns (run_readings.h): no samples region of its own. */
static kt_status build_in_place(kt_reading *readings, size_t n, char *block, size_t block_bytes, layout *l,
                                kt_error *err)
{
    void *spare;
    KT_TRY(kt_run_samples_build_in_place(readings, n, block, &l->s, &spare, err));
    size_t reading_bytes = n * sizeof(kt_reading), sample_bytes = n * (sizeof(int64_t) + sizeof(double));
    bool phase_in_readings = spare == (void *)readings;
    l->phase = spare;
    l->phase_bytes = phase_in_readings ? reading_bytes : block_bytes;
    l->spare_y = (phase_in_readings ? block : (char *)readings) + sample_bytes;
    l->spare_y_bytes = (phase_in_readings ? block_bytes : reading_bytes) - sample_bytes;
    return KT_OK;
}

/* Offers the spare memory to the scan for the union timeline, keeping room
 * for a slice of output rows (so slices need not merge the times again). */
static void keep_timeline_in_spare(kt_run_output *o, const kt_run_samples *s)
{
    size_t bound = 0;
    for (int c = 0; c < KT_CHANNELS; c++) bound += s->len[c];
    size_t slice = (bound < KT_RUN_ROWS_SLICE_HINT ? bound : KT_RUN_ROWS_SLICE_HINT) * KT_RUN_ROWS_ROW_BYTES + 16;
    o->series.times = NULL;
    o->series.times_cap = 0;
    if (o->series.grid || slice >= o->spare_bytes) return;
    o->series.times = o->spare;
    o->series.times_cap = (o->spare_bytes - slice) / sizeof(int64_t);
}

/* in_place: the readings' array, which the sort may overwrite (NULL: keep them). */
static kt_status prepare(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings,
                         kt_reading *in_place, size_t n, kt_error *err)
{
    kt_run_output *o = &t->out;
    o->aligned.rows = 0;
    o->rows = 0;
    o->spare = NULL;
    o->spare_bytes = 0;
    if (n > SIZE_MAX / 64) return kt_fail(err, KT_ERR_NOMEM, "transform: %zu readings are too many for one run", n);
    size_t sample_bytes = n * (sizeof(int64_t) + sizeof(double));
    size_t later = phase_bytes_bound(readings, n, cfg);
    /* in place only when the later steps fit in the readings' array whichever region they get */
    if (later > n * sizeof(kt_reading)) in_place = NULL;
    size_t block_bytes = in_place ? max_size(max_size(kt_run_samples_in_place_scratch_bytes(n), later), sample_bytes)
                                  : sample_bytes + max_size(kt_run_samples_scratch_bytes(n), later);
    char *block = reserve_scratch(&t->arena, block_bytes);
    if (!block)
        return kt_fail(err, KT_ERR_NOMEM, "transform: %zu readings need %zu bytes of scratch, over the limit %zu",
                       n, block_bytes, t->arena.limit);
    o->scratch_bytes = kt_arena_reserved(&t->arena);
    o->input_bytes = n * sizeof(kt_reading);

    layout l;
    KT_TRY(in_place ? build_in_place(in_place, n, block, block_bytes, &l, err)
                    : build_copying(readings, n, block, block_bytes, &l, err));
    kt_run_samples *s = &l.s;
    if (phase_bytes_after_sort(s, cfg) > l.phase_bytes)
        return kt_fail(err, KT_ERR_INTERNAL, "transform: scratch plan too small for %zu readings", n);

    kt_run_stats *st = &o->stats;
    memset(st, 0, sizeof *st);
    st->readings = (int64_t)n;
    st->spikes_removed = (int64_t)remove_spikes(s, cfg, l.phase);
    kt_run_stats_from_samples(s, cfg, l.phase, st);
    /* from here on the phase region holds the motion series, read while rows are produced */
    kt_run_series *src = &o->series;
    KT_TRY(plan_rows(s, cfg, st, src, err));
    kt_features_series(s, cfg, l.phase, &src->series[KT_RUN_SERIES_VELOCITY],
                       &src->series[KT_RUN_SERIES_ACCELERATION], st->max_speed_mm_s, st->has_max_speed);
    size_t motion = (kt_features_scratch_bytes(s) + 15) & ~(size_t)15;
    o->spare = l.phase + motion;
    o->spare_bytes = l.phase_bytes > motion ? l.phase_bytes - motion : 0;
    if (l.spare_y_bytes > o->spare_bytes) {
        o->spare = l.spare_y;
        o->spare_bytes = l.spare_y_bytes;
    }
    keep_timeline_in_spare(o, s);
    kt_run_distances d;
    KT_TRY(kt_run_series_scan(src, cfg->max_rows, &d, err));
    if (src->times_kept) {   /* the rest of the spare follows the kept timeline */
        size_t used = (src->rows * sizeof(int64_t) + 15) & ~(size_t)15;
        o->spare = (char *)o->spare + used;
        o->spare_bytes -= used;
    }
    o->rows = src->rows;
    st->aligned_rows = (int64_t)src->rows;
    for (int r = 0; r < KT_ROBOTS; r++) {
        st->has_distance[r] = d.has[r];
        st->distance_mm[r] = d.mm[r];
    }
    return KT_OK;
}

static kt_status prepare_checked(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings,
                                 kt_reading *in_place, size_t n, const kt_run_output **out, kt_error *err)
{
    *out = NULL;
    KT_TRY(kt_transform_config_validate(cfg, err));
    if (n && !readings) return kt_fail(err, KT_ERR_USAGE, "transform: %zu readings but no array", n);
    KT_TRY(prepare(t, cfg, readings, in_place, n, err));
    *out = &t->out;
    return KT_OK;
}

kt_status kt_transform_prepare(kt_transform *t, const kt_transform_config *cfg, kt_reading *readings, size_t n,
                               const kt_run_output **out, kt_error *err)
{
    return prepare_checked(t, cfg, readings, readings, n, out, err);
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
    KT_TRY(prepare_checked(t, cfg, readings, NULL, n, &o, err));
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
