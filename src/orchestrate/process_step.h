/*
 * orchestrate/process_step.h — the processing phase of `kinetl run` and
 * `watch`: decide which runs are dirty, process them on the worker pool
 * (pipeline/process_run.h, one context per worker), record every attempt
 * in state.db (kt_process_record: also `kinetl process`, which commits
 * each run on its own and prints a line as each one finishes).
 *
 * Contract:
 *  - Planning (kt_process_plan_dirty) lists the runs of the `raw` table's
 *    latest snapshot and compares each with state.db's run_state
 *    (kt_state_runs_dirty_against): a run is dirty when state.db has no
 *    successful processing of exactly its current input (fingerprint: the
 *    run's raw files plus its quarantined-row count, see
 *    kt_process_input_fingerprint) with the current config hash, or when
 *    its last attempt failed. Other runs are left alone: no commit.
 *  - State.db is a cache, the tables decide: a dirty run whose raw input or
 *    config (not merely its quarantine count) may already be processed in
 *    the tables — state.db lost or behind after a crash — is first checked
 *    with kt_process_run_current; if the tables are current the run is
 *    recorded as up to date ("reconciled") without any commit. The tables'
 *    currency check does not look at quarantine, so a run whose run_stats
 *    row counts other quarantined rows than now is processed instead.
 *  - Group commit: a worker stages the runs it processes (pipeline/
 *    process_run.h) and commits them together, one commit per table, when
 *    it holds KT_PROCESS_GROUP_RUNS runs, when its oldest staged run waited
 *    KT_PROCESS_GROUP_SECONDS, and at the end of the step. Every commit
 *    makes its files durable with a round of fsyncs, and on one disk
 *    those rounds, not the CPU, were what a second worker waited for
 *    (docs/ORCHESTRATE.md, "Ninth pass"). A crash loses at most the
 *    staged runs' work: they stay dirty and are processed again.
 *  - Each attempt is recorded after its commits in state.db: run_state (ok
 *    with fingerprint, config hash and versions; or failed with the error)
 *    and a task_runs row, a group's runs in one transaction. A failed run,
 *    or a failed group commit (its runs fail), does not stop the others.
 *  - Cancellation (the pool's flag): runs not started are left dirty and
 *    counted as interrupted; runs in progress finish their commits.
 *  - Returns KT_OK when every attempt could be recorded (runs may have
 *    failed: see the result); an error when state.db could not be written
 *    or the tables could not be opened.
 */
#ifndef KT_ORCHESTRATE_PROCESS_STEP_H
#define KT_ORCHESTRATE_PROCESS_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/log.h"
#include "lake/delta/delta.h"
#include "orchestrate/progress.h"
#include "orchestrate/state.h"
#include "orchestrate/worker_pool.h"
#include "pipeline/process_run.h"
#include "pipeline/transform_config.h"

/* A worker commits its staged runs when it holds this many, or when the
 * first of them waited this long (and at the end of the step). */
#define KT_PROCESS_GROUP_RUNS 16
#define KT_PROCESS_GROUP_SECONDS 5

/* files fingerprint (32 hex) + "-q" + decimal count + NUL */
#define KT_INPUT_FINGERPRINT_MAX 64

/* "<raw files fingerprint>-q<quarantined rows>": what a run's outputs are
 * computed from, as state.db records it. */
void kt_process_input_fingerprint(const char *files_fingerprint, int64_t quarantined, char *out,
                                  size_t cap);

typedef struct kt_plan_run {
    char *run_uuid;
    kt_dirty_reason reason;
    bool may_be_current;  /* check the tables before processing */
    char fingerprint[KT_INPUT_FINGERPRINT_MAX]; /* input now ("" when not computed) */
    int64_t quarantined;  /* its quarantined rows now */
    int64_t bytes;        /* raw bytes of its input (0 unknown): the step starts larger runs first */
} kt_plan_run;

typedef struct kt_process_plan {
    kt_plan_run *runs;    /* dirty runs, by run_uuid */
    size_t count;
    size_t runs_in_raw;   /* every run of the raw table */
    int64_t raw_version;  /* raw snapshot planned from; -1 when no raw table */
} kt_process_plan;

/* Dirty runs of the lake (see the contract). A lake without a raw table
 * gives an empty plan. */
kt_status kt_process_plan_dirty(const char *lake, kt_state *st, const char *config_hash,
                                const kt_delta_options *delta, kt_process_plan *plan, kt_error *err);
/* The given runs, all processed whatever their state (`kinetl process --run`). */
kt_status kt_process_plan_runs(const char *const *run_uuids, size_t n, kt_process_plan *plan,
                               kt_error *err);
void kt_process_plan_free(kt_process_plan *plan);

typedef struct kt_process_step_options {
    const char *lake;
    kt_state *st;
    kt_pool *pool;
    const kt_transform_config *cfg;
    kt_delta_options delta;
    int64_t pipeline_run_id;   /* task rows reference it; 0 = none recorded */
    kt_progress *progress;     /* may be NULL */
    kt_log *log;               /* may be NULL */
} kt_process_step_options;

typedef struct kt_process_step_result {
    size_t planned;
    size_t processed;     /* committed new outputs */
    size_t reconciled;    /* found current in the tables: recorded, nothing written */
    size_t failed;
    size_t interrupted;   /* not started: cancellation */
    int64_t readings, rows;
} kt_process_step_result;

kt_status kt_process_step(const kt_process_step_options *o, const kt_process_plan *plan,
                          kt_process_step_result *res, kt_error *err);

/*
 * Records one processing attempt of run_uuid as the step does, in one
 * state.db transaction (for `kinetl process`, which runs its own threads):
 * status KT_OK -> run_state ok with the input fingerprint of what res read
 * (kt_process_input_fingerprint of res->files_fingerprint and
 * res->stats.quarantined_rows), res->config_hash and versions; otherwise
 * failed with `error` — except KT_ERR_NOT_FOUND (no readings: not a run),
 * which leaves run_state alone. A task_runs row is added when
 * pipeline_run_id != 0.
 * res must not be a skipped result (nothing was read to record).
 */
kt_status kt_process_record(kt_state *st, int64_t pipeline_run_id, const char *run_uuid, kt_status status,
                            const char *error, const kt_process_result *res, int64_t started_us, kt_error *err);

#endif
