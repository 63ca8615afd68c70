/*
 * orchestrate/ingest_step.h — the ingest step of `kinetl ingest` and
 * `kinetl run`: discover the source files, decide each against the
 * manifest in state.db, ingest the new ones in bounded batches
 * (pipeline/ingest.h) and record the outcome in state.db.
 *
 * Contract:
 *  - The Delta tables decide what is ingested (their file marks); state.db
 *    only caches facts: a file's hash is re-used when its path, size and
 *    mtime match an ingested manifest row (unless opts->rehash), and the
 *    manifest supplies the verdicts the tables cannot: content changed at
 *    an ingested path (reported via kt_state_file_mark_changed, never
 *    ingested), and "failed before with this very content" (skipped unless
 *    retry_failed), and "this path with this content (or this content
 *    elsewhere) is ingested" (skipped without touching the tables). Files
 *    new to state.db go to kt_ingest_batch, which skips those whose marks
 *    the tables already carry — so a deleted or stale state.db never causes
 *    a second ingest, and files found in the tables but unknown to state.db
 *    are recorded as ingested (the manifest is rebuilt as files are found).
 *  - Batches hold at most batch_files files and batch_bytes bytes of files
 *    to read; each batch is one commit per table, then one state.db
 *    transaction (manifest rows, one task row per file read, run inputs).
 *    A crash between the two is repaired by the next run (the tables win).
 *  - Returns KT_OK when every batch committed (individual files may have
 *    failed: res counts them); an error stops at the failing batch.
 */
#ifndef KT_ORCHESTRATE_INGEST_STEP_H
#define KT_ORCHESTRATE_INGEST_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "orchestrate/state.h"
#include "pipeline/ingest.h"

typedef struct kt_ingest_step_file {
    const char *rel;                /* path relative to the source directory */
    kt_file_verdict verdict;        /* the manifest's */
    const kt_ingest_result *result; /* NULL when not given to a batch */
    const char *note;               /* one line for the user, or NULL */
} kt_ingest_step_file;

typedef struct kt_ingest_step_options {
    const char *source_dir;
    kt_ingest_options ingest;
    size_t batch_files;             /* 0 = 256 */
    int64_t batch_bytes;            /* 0 = 2 GiB of source files to read */
    bool retry_failed;
    bool rehash;
    int64_t pipeline_run_id;        /* task rows reference it; 0 = none recorded */
    void (*on_file)(void *ctx, const kt_ingest_step_file *f);
    void *ctx;
} kt_ingest_step_options;

void kt_ingest_step_options_default(kt_ingest_step_options *o);

typedef struct kt_ingest_step_result {
    size_t discovered;
    size_t ingested;        /* read and committed by this step (incl. completed halves) */
    size_t already;         /* in the tables already (same path, a copy, or unknown to state.db) */
    size_t failed;          /* failed in this step */
    size_t still_failed;    /* skipped: failed before with the same content */
    size_t changed;         /* content changed at an ingested path: reported */
    size_t batches;
    int64_t rows, accepted, quarantined, duplicates;
    int64_t raw_version;    /* newest raw version committed, -1 none */
    size_t runs_touched;    /* distinct runs that got raw rows (summed over batches) */
} kt_ingest_step_result;

kt_status kt_ingest_step(const char *lake, kt_state *st, const kt_ingest_step_options *o, kt_ingest_step_result *res,
                         kt_error *err);

#endif
