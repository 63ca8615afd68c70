/*
 * pipeline/run_stats.h — the one-row summary of a run (SPEC §2 `run_stats`,
 * §4 quality columns): the struct, the column table the Delta schema is
 * built from, and the computations.
 *
 * Contract:
 *  - kt_run_stats_schema() is THE list of run_stats columns, in table
 *    order: name, type, nullability, and who fills it. Fields marked
 *    KT_STAT_CALLER (run_uuid, quarantined_rows, input_fingerprint,
 *    processed_at) are left zero/empty by the transform; config_hash is
 *    filled by the transform from its config and may be overwritten.
 *  - kt_run_stats_append() adds one row to columns initialised by
 *    kt_run_stats_columns_init(), so many runs can be written in one batch.
 *  - Definitions (docs/TRANSFORM.md has the reasoning):
 *    start/stop: first/last valid sample of any channel; runtime_s =
 *    (stop - start) / 1e6. All stats below count valid samples, i.e. after
 *    duplicates, conflicts and spikes are resolved.
 *    A stream's sample times are the distinct times of its three channels.
 *    Its intervals are start->first, between consecutive samples, and
 *    last->stop; gaps_<stream> counts those longer than max_gap,
 *    longest_gap_<stream>_s is the longest (null when the stream has no
 *    samples); median_period_<stream>_s is the median of the
 *    between-sample intervals (null below 2 samples).
 *    coverage_r: total length of the encoder_r between-sample intervals
 *    <= max_gap, divided by stop - start (1 or 0 if stop == start).
 *    Force stats: f_r = |(fx, fy, fz)| at load_cell_r sample times, each
 *    axis read with kt_series_at (null if any axis is null).
 *    distance_r_mm: sum over consecutive aligned rows, both with x_r y_r
 *    z_r non-null and at most max_gap apart, of the Euclidean step; null
 *    when no such pair exists.
 *    status "complete" iff all 12 channels have samples and none has an
 *    interval (same three kinds as for streams) longer than max_gap;
 *    otherwise "partial" with status_reason such as
 *    "missing fx_2 fy_2; gaps in y_2".
 */
#ifndef KT_PIPELINE_RUN_STATS_H
#define KT_PIPELINE_RUN_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "pipeline/align.h"
#include "pipeline/channels.h"
#include "pipeline/run_readings.h"
#include "pipeline/transform_config.h"

#define KT_RUN_STATS_ID_MAX 128
#define KT_RUN_STATS_REASON_MAX 256

typedef struct kt_run_stats {
    char run_uuid[KT_RUN_STATS_ID_MAX];          /* caller */
    bool has_time;                               /* false: no valid reading at all */
    int64_t start_time_us, stop_time_us;
    double runtime_s;
    bool has_distance[KT_ROBOTS];
    double distance_mm[KT_ROBOTS];
    char status[16];                             /* "complete" | "partial" */
    char status_reason[KT_RUN_STATS_REASON_MAX]; /* "" when complete */
    char channels_missing[KT_CHANNELS * 6];      /* "fx_2 fy_2", "" when none */
    int32_t channels_present_mask;               /* bit i: channel i has samples */
    int64_t readings;                            /* input readings, copies included */
    int64_t aligned_rows;
    int64_t rows[KT_CHANNELS];                   /* valid samples per channel */
    bool has_median_period[KT_STREAMS];
    double median_period_s[KT_STREAMS];
    bool has_stream[KT_STREAMS];
    int64_t gap_count[KT_STREAMS];
    double longest_gap_s[KT_STREAMS];
    double coverage[KT_ROBOTS];                  /* null iff !has_time */
    int64_t spikes_removed;
    int64_t duplicate_readings;
    int64_t conflicting_readings;
    int64_t quarantined_rows;                    /* caller */
    bool has_force[KT_ROBOTS];
    double max_force_n[KT_ROBOTS], mean_force_n[KT_ROBOTS];
    bool has_max_speed[KT_ROBOTS];
    double max_speed_mm_s[KT_ROBOTS];
    char input_fingerprint[KT_RUN_STATS_ID_MAX]; /* caller */
    char config_hash[17];                        /* 16 hex digits */
    int64_t processed_at_us;                     /* caller */
} kt_run_stats;

typedef enum kt_stat_owner { KT_STAT_TRANSFORM, KT_STAT_CALLER } kt_stat_owner;

typedef struct kt_stat_column {
    const char *name;
    kt_type type;          /* KT_INT32, KT_INT64, KT_DOUBLE or KT_BYTES (UTF-8 text) */
    bool timestamp;        /* KT_INT64 holding UTC µs */
    bool nullable;
    kt_stat_owner owner;
    size_t offset;         /* of the value in kt_run_stats (a char array for KT_BYTES) */
    ptrdiff_t has_offset;  /* of the bool saying the value is present; -1 if never null */
} kt_stat_column;

#define KT_RUN_STATS_COLUMNS 51

/* The table of KT_RUN_STATS_COLUMNS columns. */
const kt_stat_column *kt_run_stats_schema(void);

void kt_run_stats_columns_init(kt_column cols[KT_RUN_STATS_COLUMNS]);
void kt_run_stats_columns_free(kt_column cols[KT_RUN_STATS_COLUMNS]);
kt_status kt_run_stats_append(const kt_run_stats *s, kt_column cols[KT_RUN_STATS_COLUMNS], kt_error *err);

/* Scratch bytes for kt_run_stats_from_samples. */
size_t kt_run_stats_scratch_bytes(const kt_run_samples *samples);

/* Everything that depends on the samples only (all but distance, aligned_rows, max speed). */
void kt_run_stats_from_samples(const kt_run_samples *samples, const kt_transform_config *cfg, void *scratch,
                               kt_run_stats *s);

/* distance_r_mm and aligned_rows come from kt_run_series_scan (pipeline/run_rows.h). */

#endif
