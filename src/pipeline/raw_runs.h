/*
 * pipeline/raw_runs.h — the runs of the `raw` table as its snapshot lists
 * them: which active files hold each run's readings (its run_uuid
 * partition), and a fingerprint of those files for dirty detection.
 *
 * Contract:
 *  - Works on the snapshot alone (no data file is opened). The raw table
 *    must be partitioned by run_uuid; otherwise KT_ERR_FORMAT naming it.
 *  - kt_raw_runs_list: every run with at least one active file, sorted by
 *    run id (strcmp order), with its files (in path order), summed
 *    records (-1 if a file lacks stats) and bytes, and the newest commit
 *    that added one of its files (max_add_version). Pointers borrow from
 *    the snapshot: valid until it is updated or freed.
 *  - kt_process_run_fingerprint: 32 lower-case hex digits, xxh3-128 over
 *    the run's active file paths and sizes in path order. It changes
 *    whenever a file of the run is added or removed (ingest only ever
 *    adds), and not when other runs change; it is specific to the lake
 *    (file names are random). The run_stats input_fingerprint is a
 *    different, content-based hash (process_run.h).
 */
#ifndef KT_PIPELINE_RAW_RUNS_H
#define KT_PIPELINE_RAW_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "lake/delta/delta.h"

#define KT_FINGERPRINT_HEX 33 /* 32 hex digits + NUL */

typedef struct kt_raw_run {
    const char *run_uuid;
    const kt_delta_file **files; /* nfiles, path order */
    size_t nfiles;
    int64_t records;             /* -1 if some file has no numRecords */
    int64_t bytes;
    int64_t max_add_version;
} kt_raw_run;

typedef struct kt_raw_runs {
    kt_raw_run *runs;
    size_t count;
    const kt_delta_file **file_slots; /* storage behind runs[].files */
} kt_raw_runs;

kt_status kt_raw_runs_list(const kt_delta_snapshot *raw, kt_raw_runs *out, kt_error *err);
void kt_raw_runs_free(kt_raw_runs *r);
/* The run with this id, NULL if absent (binary search). */
const kt_raw_run *kt_raw_runs_find(const kt_raw_runs *r, const char *run_uuid);

/* Fills one run's entry (files allocated with malloc; free with
 * kt_raw_run_release). *found false when the run has no active file. */
kt_status kt_raw_run_get(const kt_delta_snapshot *raw, const char *run_uuid, kt_raw_run *out,
                         bool *found, kt_error *err);
void kt_raw_run_release(kt_raw_run *run);

void kt_raw_run_files_fingerprint(const kt_raw_run *run, char out[KT_FINGERPRINT_HEX]);

/* Dirty detection for the orchestrator: the fingerprint of run_uuid's raw
 * files in this snapshot. KT_ERR_NOT_FOUND when the run has no readings. */
kt_status kt_process_run_fingerprint(const kt_delta_snapshot *raw, const char *run_uuid,
                                     char out[KT_FINGERPRINT_HEX], kt_error *err);

#endif
