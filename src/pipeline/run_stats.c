/*
 * pipeline/run_stats.c — the run_stats column table and the computations
 * behind each column (definitions in run_stats.h).
 */
#include "pipeline/run_stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/series.h"

#define US_TO_S 1e-6

#define NEVER ((ptrdiff_t)-1)
#define HAS(field) ((ptrdiff_t)offsetof(kt_run_stats, field))
#define COL(name, type, ts, owner, field, has) \
    { name, type, ts, (has) != NEVER, owner, offsetof(kt_run_stats, field), has }
#define T KT_STAT_TRANSFORM
#define C KT_STAT_CALLER

static const kt_stat_column schema[] = {
    COL("run_uuid", KT_BYTES, false, C, run_uuid, NEVER),
    COL("start_time", KT_INT64, true, T, start_time_us, HAS(has_time)),
    COL("stop_time", KT_INT64, true, T, stop_time_us, HAS(has_time)),
    COL("runtime_s", KT_DOUBLE, false, T, runtime_s, HAS(has_time)),
    COL("distance_1_mm", KT_DOUBLE, false, T, distance_mm[0], HAS(has_distance[0])),
    COL("distance_2_mm", KT_DOUBLE, false, T, distance_mm[1], HAS(has_distance[1])),
    COL("status", KT_BYTES, false, T, status, NEVER),
    COL("status_reason", KT_BYTES, false, T, status_reason, NEVER),
    COL("channels_missing", KT_BYTES, false, T, channels_missing, NEVER),
    COL("channels_present_mask", KT_INT32, false, T, channels_present_mask, NEVER),
    COL("readings", KT_INT64, false, T, readings, NEVER),
    COL("aligned_rows", KT_INT64, false, T, aligned_rows, NEVER),
    COL("rows_fx_1", KT_INT64, false, T, rows[0], NEVER),
    COL("rows_fx_2", KT_INT64, false, T, rows[1], NEVER),
    COL("rows_fy_1", KT_INT64, false, T, rows[2], NEVER),
    COL("rows_fy_2", KT_INT64, false, T, rows[3], NEVER),
    COL("rows_fz_1", KT_INT64, false, T, rows[4], NEVER),
    COL("rows_fz_2", KT_INT64, false, T, rows[5], NEVER),
    COL("rows_x_1", KT_INT64, false, T, rows[6], NEVER),
    COL("rows_x_2", KT_INT64, false, T, rows[7], NEVER),
    COL("rows_y_1", KT_INT64, false, T, rows[8], NEVER),
    COL("rows_y_2", KT_INT64, false, T, rows[9], NEVER),
    COL("rows_z_1", KT_INT64, false, T, rows[10], NEVER),
    COL("rows_z_2", KT_INT64, false, T, rows[11], NEVER),
    COL("median_period_encoder_1_s", KT_DOUBLE, false, T, median_period_s[0], HAS(has_median_period[0])),
    COL("median_period_encoder_2_s", KT_DOUBLE, false, T, median_period_s[1], HAS(has_median_period[1])),
    COL("median_period_load_cell_1_s", KT_DOUBLE, false, T, median_period_s[2], HAS(has_median_period[2])),
    COL("median_period_load_cell_2_s", KT_DOUBLE, false, T, median_period_s[3], HAS(has_median_period[3])),
    COL("gaps_encoder_1", KT_INT64, false, T, gap_count[0], HAS(has_stream[0])),
    COL("gaps_encoder_2", KT_INT64, false, T, gap_count[1], HAS(has_stream[1])),
    COL("gaps_load_cell_1", KT_INT64, false, T, gap_count[2], HAS(has_stream[2])),
    COL("gaps_load_cell_2", KT_INT64, false, T, gap_count[3], HAS(has_stream[3])),
    COL("longest_gap_encoder_1_s", KT_DOUBLE, false, T, longest_gap_s[0], HAS(has_stream[0])),
    COL("longest_gap_encoder_2_s", KT_DOUBLE, false, T, longest_gap_s[1], HAS(has_stream[1])),
    COL("longest_gap_load_cell_1_s", KT_DOUBLE, false, T, longest_gap_s[2], HAS(has_stream[2])),
    COL("longest_gap_load_cell_2_s", KT_DOUBLE, false, T, longest_gap_s[3], HAS(has_stream[3])),
    COL("coverage_1", KT_DOUBLE, false, T, coverage[0], HAS(has_time)),
    COL("coverage_2", KT_DOUBLE, false, T, coverage[1], HAS(has_time)),
    COL("spikes_removed", KT_INT64, false, T, spikes_removed, NEVER),
    COL("duplicate_readings", KT_INT64, false, T, duplicate_readings, NEVER),
    COL("conflicting_readings", KT_INT64, false, T, conflicting_readings, NEVER),
    COL("quarantined_rows", KT_INT64, false, C, quarantined_rows, NEVER),
    COL("max_force_1_n", KT_DOUBLE, false, T, max_force_n[0], HAS(has_force[0])),
    COL("mean_force_1_n", KT_DOUBLE, false, T, mean_force_n[0], HAS(has_force[0])),
    COL("max_force_2_n", KT_DOUBLE, false, T, max_force_n[1], HAS(has_force[1])),
    COL("mean_force_2_n", KT_DOUBLE, false, T, mean_force_n[1], HAS(has_force[1])),
    COL("max_speed_1_mm_s", KT_DOUBLE, false, T, max_speed_mm_s[0], HAS(has_max_speed[0])),
    COL("max_speed_2_mm_s", KT_DOUBLE, false, T, max_speed_mm_s[1], HAS(has_max_speed[1])),
    COL("input_fingerprint", KT_BYTES, false, C, input_fingerprint, NEVER),
    COL("config_hash", KT_BYTES, false, T, config_hash, NEVER),
    COL("processed_at", KT_INT64, true, C, processed_at_us, NEVER),
};

static_assert(sizeof schema / sizeof schema[0] == KT_RUN_STATS_COLUMNS, "KT_RUN_STATS_COLUMNS is the schema size");

const kt_stat_column *kt_run_stats_schema(void)
{
    return schema;
}

void kt_run_stats_columns_init(kt_column cols[KT_RUN_STATS_COLUMNS])
{
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++) kt_column_init(&cols[i], schema[i].type);
}

void kt_run_stats_columns_free(kt_column cols[KT_RUN_STATS_COLUMNS])
{
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++) kt_column_free(&cols[i]);
}

static kt_status append_cell(const kt_stat_column *col, const kt_run_stats *s, kt_column *dst)
{
    const char *base = (const char *)s;
    if (col->has_offset != NEVER && !*(const bool *)(base + col->has_offset)) return kt_column_push_null(dst);
    const void *p = base + col->offset;
    switch (col->type) {
    case KT_INT32: return kt_column_push_i32(dst, *(const int32_t *)p);
    case KT_INT64: return kt_column_push_i64(dst, *(const int64_t *)p);
    case KT_DOUBLE: return kt_column_push_double(dst, *(const double *)p);
    case KT_BYTES: return kt_column_push_bytes(dst, p, strlen(p));
    default: return KT_ERR_INTERNAL;
    }
}

kt_status kt_run_stats_append(const kt_run_stats *s, kt_column cols[KT_RUN_STATS_COLUMNS], kt_error *err)
{
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++) {
        kt_status st = append_cell(&schema[i], s, &cols[i]);
        if (st != KT_OK) return kt_fail(err, st, "run_stats: cannot append column %s", schema[i].name);
    }
    return KT_OK;
}

/* ---- statistics from the samples ---- */

size_t kt_run_stats_scratch_bytes(const kt_run_samples *samples)
{
    size_t worst = 0;
    for (int st = 0; st < KT_STREAMS; st++) {
        int ch[KT_AXES];
        kt_stream_channels((kt_stream)st, ch);
        size_t total = 0;
        for (int a = 0; a < KT_AXES; a++) total += samples->len[ch[a]];
        if (total > worst) worst = total;
    }
    return worst * sizeof(int64_t) + 16;
}

static void swap_i64(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

/* Reorders v so that v[k] is the k-th smallest. Three-way partitioning,
 * because sampling periods repeat a handful of values many times. */
static void select_kth(int64_t *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
    while (lo < hi) {
        int64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
        int64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t lt = lo, i = lo, gt = hi;
        while (i <= gt) {
            if (v[i] < pivot) swap_i64(&v[lt++], &v[i++]);
            else if (v[i] > pivot) swap_i64(&v[i], &v[gt--]);
            else i++;
        }
        if (want < lt) hi = lt - 1;
        else if (want > gt) lo = gt + 1;
        else return;
    }
}

/* Median of v[0..n), n >= 1; reorders v. */
static double median_i64(int64_t *v, size_t n)
{
    size_t k = n / 2;
    select_kth(v, n, k);
    if (n % 2) return (double)v[k];
    int64_t lower = v[0];
    for (size_t i = 1; i < k; i++)
        if (v[i] > lower) lower = v[i];
    return ((double)lower + (double)v[k]) / 2;
}

typedef struct interval_summary {
    int64_t gaps;      /* intervals > max_gap, edges included */
    int64_t longest;   /* longest interval, edges included */
    int64_t covered;   /* sum of between-sample intervals <= max_gap */
} interval_summary;

static interval_summary summarise_intervals(const int64_t *t, size_t n, int64_t start, int64_t stop, int64_t max_gap)
{
    interval_summary sum = { 0, 0, 0 };
    int64_t lead = t[0] - start, trail = stop - t[n - 1];
    sum.longest = lead > trail ? lead : trail;
    sum.gaps = (lead > max_gap) + (trail > max_gap);
    for (size_t i = 1; i < n; i++) {
        int64_t d = t[i] - t[i - 1];
        if (d > sum.longest) sum.longest = d;
        if (d > max_gap) sum.gaps++;
        else sum.covered += d;
    }
    return sum;
}

static void stream_stats(const kt_run_samples *samples, const kt_transform_config *cfg, kt_stream st,
                         int64_t *scratch, kt_run_stats *s)
{
    int ch[KT_AXES];
    kt_stream_channels(st, ch);
    kt_series axes[KT_AXES];
    for (int a = 0; a < KT_AXES; a++) axes[a] = kt_run_samples_series(samples, ch[a]);
    size_t n = kt_series_merge_times(axes, KT_AXES, scratch);
    s->has_stream[st] = n > 0;
    s->has_median_period[st] = n > 1;
    if (n == 0) return;
    interval_summary sum = summarise_intervals(scratch, n, s->start_time_us, s->stop_time_us, cfg->max_gap_us);
    s->gap_count[st] = sum.gaps;
    s->longest_gap_s[st] = (double)sum.longest * US_TO_S;
    if (st == KT_STREAM_ENCODER_1 || st == KT_STREAM_ENCODER_2) {
        int64_t span = s->stop_time_us - s->start_time_us;
        s->coverage[kt_stream_robot(st) - 1] = span > 0 ? (double)sum.covered / (double)span : 1.0;
    }
    if (n > 1) {
        for (size_t i = 0; i + 1 < n; i++) scratch[i] = scratch[i + 1] - scratch[i];
        s->median_period_s[st] = median_i64(scratch, n - 1) * US_TO_S;
    }
}

static void force_stats(const kt_run_samples *samples, const kt_transform_config *cfg, int robot, kt_run_stats *s)
{
    int ch[KT_AXES];
    kt_stream_channels(robot == 1 ? KT_STREAM_LOAD_CELL_1 : KT_STREAM_LOAD_CELL_2, ch);
    kt_series axes[KT_AXES];
    kt_series_cursor cur[KT_AXES];
    for (int a = 0; a < KT_AXES; a++) {
        axes[a] = kt_run_samples_series(samples, ch[a]);
        cur[a] = kt_series_cursor_make(axes[a], cfg->max_gap_us);
    }
    kt_merge_iter it;
    kt_merge_iter_init(&it, axes, KT_AXES);
    double max = 0, total = 0;
    size_t count = 0;
    int64_t tau;
    while (kt_merge_iter_next(&it, &tau)) {
        double sq = 0, x = 0;
        bool ok = true;
        for (int a = 0; a < KT_AXES; a++) {
            if (kt_series_at(&cur[a], tau, &x) == KT_CELL_NULL) ok = false;
            else sq += x * x;
        }
        if (!ok) continue;
        double f = sqrt(sq);
        if (count == 0 || f > max) max = f;
        total += f;
        count++;
    }
    int r = robot - 1;
    s->has_force[r] = count > 0;
    s->max_force_n[r] = count ? max : 0;
    s->mean_force_n[r] = count ? total / (double)count : 0;
}

static void append_word(char *buf, size_t size, const char *word)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", len ? " " : "", word);
}

static void channel_status(const kt_run_samples *samples, const kt_transform_config *cfg, kt_run_stats *s)
{
    char missing[sizeof s->channels_missing] = "", gappy[KT_CHANNELS * 6] = "";
    s->channels_present_mask = 0;
    for (int c = 0; c < KT_CHANNELS; c++) {
        kt_series ser = kt_run_samples_series(samples, c);
        s->rows[c] = (int64_t)ser.n;
        if (ser.n == 0) {
            append_word(missing, sizeof missing, kt_channel_name(c));
            continue;
        }
        s->channels_present_mask |= (int32_t)(1u << c);
        interval_summary sum = summarise_intervals(ser.t, ser.n, s->start_time_us, s->stop_time_us, cfg->max_gap_us);
        if (sum.gaps) append_word(gappy, sizeof gappy, kt_channel_name(c));
    }
    snprintf(s->channels_missing, sizeof s->channels_missing, "%s", missing);
    s->status_reason[0] = 0;
    if (!s->has_time) {
        snprintf(s->status_reason, sizeof s->status_reason, "no valid readings");
    } else {
        if (missing[0]) snprintf(s->status_reason, sizeof s->status_reason, "missing %s", missing);
        if (gappy[0]) {
            size_t len = strlen(s->status_reason);
            snprintf(s->status_reason + len, sizeof s->status_reason - len, "%sgaps in %s", len ? "; " : "", gappy);
        }
    }
    snprintf(s->status, sizeof s->status, "%s", s->status_reason[0] ? "partial" : "complete");
}

static void run_span(const kt_run_samples *samples, kt_run_stats *s)
{
    s->has_time = false;
    for (int c = 0; c < KT_CHANNELS; c++) {
        kt_series ser = kt_run_samples_series(samples, c);
        if (ser.n == 0) continue;
        if (!s->has_time || ser.t[0] < s->start_time_us) s->start_time_us = ser.t[0];
        if (!s->has_time || ser.t[ser.n - 1] > s->stop_time_us) s->stop_time_us = ser.t[ser.n - 1];
        s->has_time = true;
    }
    if (!s->has_time) s->start_time_us = s->stop_time_us = 0;
    s->runtime_s = (double)(s->stop_time_us - s->start_time_us) / 1e6;
}

void kt_run_stats_from_samples(const kt_run_samples *samples, const kt_transform_config *cfg, void *scratch,
                               kt_run_stats *s)
{
    run_span(samples, s);
    channel_status(samples, cfg, s);
    for (int st = 0; st < KT_STREAMS; st++) stream_stats(samples, cfg, (kt_stream)st, scratch, s);
    for (int robot = 1; robot <= KT_ROBOTS; robot++) force_stats(samples, cfg, robot, s);
    s->duplicate_readings = (int64_t)samples->duplicate_readings;
    s->conflicting_readings = (int64_t)samples->conflicting_readings;
    kt_transform_config_hash_hex(cfg, s->config_hash);
}
