/*
 * pipeline/transform.h — per-run processing: readings in, aligned table,
 * features and run statistics out. Pure and in memory: no files, no Delta.
 *
 * Contract:
 *  - A kt_transform is one worker's context (arena + output columns); use
 *    one per thread. Nothing is global.
 *  - kt_transform_run() takes all readings of ONE run (any order, copies
 *    allowed; see run_readings.h) and the config, and produces the run's
 *    outputs, which live in the context until its next run or free. The
 *    outputs depend only on the multiset of readings and the config:
 *    shuffled input gives bit-identical columns and stats.
 *  - Scratch memory is one arena block of at most 48 bytes per reading
 *    (+96 KiB; usually 16 with kt_transform_prepare), sized from the
 *    readings' channel counts, reserved up front and reused run after run; scratch_limit (0 = none)
 *    bounds it, and a run over it fails with KT_ERR_NOMEM. Output columns
 *    are separate (kt_run_output_bytes reports them).
 *  - Steps: resolve duplicates -> remove encoder spikes -> statistics of the
 *    samples -> velocity/acceleration samples -> one walk of the timeline
 *    (row count, distances) -> the columns. Fields of stats owned by the
 *    caller (run_stats.h) are left empty for it to fill.
 *  - kt_transform_prepare() (additive) stops before the columns: the stats
 *    are complete, out->rows is the row count, and out->series is what
 *    kt_run_rows (run_rows.h) computes the rows from, a slice at a time;
 *    aligned/features stay empty. That is how `kinetl process` writes a
 *    run without holding its output tables. It CONSUMES the readings: their
 *    array takes turns with the scratch block (run_readings.h), which then
 *    needs 16 bytes per reading (or what the later steps need, if more)
 *    instead of 48; out->spare is the largest unused part of the two, free
 *    for the caller (the output slices) until the next run.
 *    kt_transform_run() = the same steps on const readings + every row
 *    gathered into aligned/features (same cells, by construction).
 */
#ifndef KT_PIPELINE_TRANSFORM_H
#define KT_PIPELINE_TRANSFORM_H

#include <stddef.h>

#include "core/error.h"
#include "pipeline/align.h"
#include "pipeline/features.h"
#include "pipeline/run_readings.h"
#include "pipeline/run_rows.h"
#include "pipeline/run_stats.h"
#include "pipeline/transform_config.h"

typedef struct kt_run_output {
    kt_aligned aligned;           /* filled by kt_transform_run only */
    kt_features features;         /* likewise */
    kt_run_series series;         /* the rows' source (borrows the context's scratch) */
    size_t rows;                  /* aligned (= features) rows */
    void *spare;                  /* scratch nobody uses until the next run (16-byte aligned) */
    size_t spare_bytes;
    kt_run_stats stats;
    size_t scratch_bytes; /* arena bytes reserved while this run was processed */
    size_t input_bytes;   /* n * sizeof(kt_reading) */
} kt_run_output;

typedef struct kt_transform kt_transform;

kt_transform *kt_transform_new(size_t scratch_limit);
void kt_transform_free(kt_transform *t);

kt_status kt_transform_run(kt_transform *t, const kt_transform_config *cfg, const kt_reading *readings, size_t n,
                           const kt_run_output **out, kt_error *err);

kt_status kt_transform_prepare(kt_transform *t, const kt_transform_config *cfg, kt_reading *readings, size_t n,
                               const kt_run_output **out, kt_error *err);

/* Bytes held by the output columns (capacity, values + validity). */
size_t kt_run_output_bytes(const kt_run_output *out);

#endif
