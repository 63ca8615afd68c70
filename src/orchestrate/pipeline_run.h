/*
 * orchestrate/pipeline_run.h — one scheduler session on a lake and its
 * pipeline cycles: the engine of `kinetl run` (one cycle) and `kinetl
 * watch` (a cycle every interval until a signal).
 *
 * Contract:
 *  - kt_pipeline_open takes the lake lock (one scheduler per lake: a second
 *    one gets KT_ERR_CONFLICT naming the holder; the lock of a dead
 *    holder is taken over with a warning), opens state.db (creating it),
 *    closes pipeline runs a dead process left `running`, and starts the
 *    worker pool. Call it after kt_signal_watch_start (it starts threads).
 *  - kt_pipeline_cycle records one pipeline run in state.db and does:
 *    ingest every new source file (orchestrate/ingest_step.h), plan the
 *    dirty runs (process_step.h), process them on the pool, finish the
 *    pipeline run with its counts and status. Config files are re-read
 *    every cycle (lake_config.h). A cycle with nothing new makes no Delta
 *    commit and reports up_to_date.
 *  - Cancellation (the flag given): no new file batch or run starts;
 *    commits in progress finish; the pipeline run ends `interrupted`.
 *  - Returns KT_OK when the cycle ran to its end, whatever failed inside
 *    (see outcome->status: ok, partial, interrupted); an error when the
 *    lake or state.db could not be written (the pipeline run is then
 *    recorded failed when possible).
 */
#ifndef KT_ORCHESTRATE_PIPELINE_RUN_H
#define KT_ORCHESTRATE_PIPELINE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/log.h"
#include "orchestrate/cancel.h"
#include "orchestrate/lake_lock.h"
#include "orchestrate/run_counts.h"
#include "orchestrate/state.h"

typedef struct kt_pipeline_options {
    const char *lake;
    const char *source_dir;     /* NULL: no ingest, process dirty runs only */
    const char *command;        /* recorded in state.db and the lock: "run", "watch" */
    size_t threads;             /* worker threads; 0 = online processors */
    kt_cancel_flag *cancel;     /* may be NULL */
    kt_log *log;                /* may be NULL */
    bool progress;              /* draw the progress bar (a terminal) */
    bool retry_failed;          /* ingest files that failed before with the same content */
    bool no_fsync;              /* tests and scratch lakes only */
} kt_pipeline_options;

typedef struct kt_pipeline_session kt_pipeline_session;

/* stale (optional): the record a dead holder of the lock left behind. */
kt_status kt_pipeline_open(const kt_pipeline_options *o, kt_pipeline_session **out, kt_lock_holder *stale,
                           kt_error *err);
void kt_pipeline_close(kt_pipeline_session *s);
size_t kt_pipeline_threads(const kt_pipeline_session *s);

typedef struct kt_pipeline_outcome {
    int64_t pipeline_run_id;
    kt_pipeline_status status;   /* OK, PARTIAL, INTERRUPTED (FAILED with an error return) */
    kt_run_counts counts;
    size_t files_discovered, files_already, files_changed, files_still_failed;
    size_t runs_in_raw, runs_planned, runs_reconciled, runs_interrupted;
    bool up_to_date;             /* nothing ingested, processed, failed or changed */
    double seconds;
    char problem[256];           /* PARTIAL: e.g. "1 file and 2 runs failed" */
} kt_pipeline_outcome;

kt_status kt_pipeline_cycle(kt_pipeline_session *s, kt_pipeline_outcome *out, kt_error *err);

#endif
