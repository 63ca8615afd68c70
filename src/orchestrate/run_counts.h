/*
 * orchestrate/run_counts.h — the totals of one pipeline run (`kinetl run`,
 * `ingest`, `process`, one cycle of `watch`): what the progress bar shows,
 * the end-of-run summary prints and state.db's pipeline_runs records.
 */
#ifndef KT_ORCHESTRATE_RUN_COUNTS_H
#define KT_ORCHESTRATE_RUN_COUNTS_H

#include <stdint.h>

typedef struct kt_run_counts {
    int64_t files_ingested;
    int64_t files_failed;
    int64_t readings_accepted;
    int64_t readings_quarantined;
    int64_t runs_processed;
    int64_t runs_failed;
} kt_run_counts;

#endif
