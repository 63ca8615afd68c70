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

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "pipeline/spikes.h"

struct kt_transform {
    kt_arena arena;
    kt_run_output out;
};

kt_transform *kt_transform_new(size_t scratch_limit)
{
    kt_transform *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    kt_arena_init(&t->arena, scratch_limit);
    kt_aligned_init(&t->out.aligned);
    kt_features_init(&t->out.features);
    return t;
}

void kt_transform_free(kt_transform *t)
{
    if (!t) return;
    kt_arena_free(&t->arena);
    kt_aligned_free(&t->out.aligned);
    kt_features_free(&t->out.features);
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

static kt_status process(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings, size_t n,
                         kt_error *err)
{
    kt_run_output *o = &t->out;
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
    KT_TRY(kt_align(&s, cfg, st->start_time_us, st->stop_time_us, &o->aligned, err));
    KT_TRY(kt_features_build(&s, &o->aligned, cfg, phase, &o->features, st->max_speed_mm_s, st->has_max_speed, err));
    kt_run_stats_distances(&o->aligned, cfg->max_gap_us, st);
    return KT_OK;
}

kt_status kt_transform_run(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings, size_t n,
                           const kt_run_output **out, kt_error *err)
{
    *out = NULL;
    KT_TRY(kt_transform_config_validate(cfg, err));
    if (n && !readings) return kt_fail(err, KT_ERR_USAGE, "transform: %zu readings but no array", n);
    kt_status s = process(t, cfg, readings, n, err);
    if (s != KT_OK) return s;
    *out = &t->out;
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
