/*
 * pipeline/ingest.h — ingest a batch of source files into `raw` and
 * `quarantine` exactly once (SPEC §3 "Cleaning", §2 tables; docs/INGEST.md).
 *
 * Contract:
 *  - The caller names the files (path to read, lineage name, content hash
 *    and size: the file's identity). kt_ingest_batch decides per file from
 *    the tables alone whether each table still needs it: a table needs a
 *    file when its snapshot lacks the file's mark (ingest_tables.h).
 *    Files both tables hold are KT_INGEST_ALREADY and not read.
 *  - Every needed file is read once per attempt (by one of `threads`
 *    readers); its rows are staged in the tables that need it. A file that cannot be read (missing, not
 *    Parquet, truncated, corrupt page, impossible schema) is
 *    KT_INGEST_FAILED with its one-line error and nothing of it is staged;
 *    the other files go on.
 *  - One commit per table per batch: quarantine first, then raw, each with
 *    the marks of the files it took (txn version = rows taken). A file is
 *    ingested once raw carries its mark. Killed between the two commits, a
 *    file is in quarantine only; the next batch finds it so, re-reads it
 *    and adds only its raw rows (checking the re-read quarantines as many
 *    rows as the first time, else the file fails: the limits changed).
 *  - A lost race with a concurrent ingest of the same file (equal marks:
 *    Delta conflict) is retried from fresh snapshots, up to max_attempts.
 *  - Returns KT_OK when the batch is done (some files may have failed:
 *    see results/summary); an error when the tables could not be written,
 *    in which case nothing of this attempt is visible beyond what the
 *    quarantine commit, if it happened, already made durable (and the next
 *    batch completes).
 */
#ifndef KT_PIPELINE_INGEST_H
#define KT_PIPELINE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pipeline/ingest_config.h"
#include "pipeline/ingest_file.h"

typedef struct kt_ingest_source {
    const char *path;        /* where to read it */
    const char *source_file; /* lineage name stored in the tables (e.g. relative to --source) */
    uint64_t hash;           /* xxh3-64 of the content (core/hash.h) */
    int64_t size;            /* bytes */
    bool count_if_already;   /* ALREADY: read the footer for rows (and so duplicates) */
} kt_ingest_source;

typedef enum kt_ingest_outcome {
    KT_INGEST_INGESTED, /* this batch committed its rows */
    KT_INGEST_ALREADY,  /* both tables already held it; not read */
    KT_INGEST_FAILED,   /* could not be read; nothing of it committed */
} kt_ingest_outcome;

const char *kt_ingest_outcome_name(kt_ingest_outcome o); /* "ingested" "already" "failed" */

typedef struct kt_ingest_result {
    kt_ingest_outcome outcome;
    bool completed;              /* INGESTED: only its raw part was missing (an earlier crash) */
    kt_ingest_file_stats stats;  /* ALREADY: counts.accepted / quarantined from the marks; rows and
                                    duplicates from the footer with count_if_already, else -1 */
    int64_t raw_version;         /* commit holding its raw rows; -1 unknown (ALREADY) or none */
    int64_t quarantine_version;  /* likewise for quarantine */
    char error[KT_ERROR_MSG_MAX];/* FAILED: the one-line reason */
} kt_ingest_result;

typedef struct kt_ingest_options {
    kt_ingest_config config;
    size_t memory_limit;  /* staged-row buffers per table; 0 = 16 MiB */
    bool no_fsync;        /* tests and scratch lakes only */
    int max_attempts;     /* batches lost to concurrent ingests; 0 = 5 */
    int threads;          /* files read in parallel; 0 or 1 = the calling thread only.
                             Memory grows with it: each thread has its own dedup set,
                             row group and stages. */
    int64_t now_us;       /* quarantine.ingested_at; 0 = the clock */
    /* Called, in the calling thread, for each file in order once all are
     * read, and after each table commit (table "quarantine" or "raw"):
     * reporting, and tests that crash on purpose. */
    void (*on_file)(void *ctx, size_t index, const kt_ingest_result *r);
    void (*on_commit)(void *ctx, const char *table, int64_t version);
    void *ctx;
} kt_ingest_options;

void kt_ingest_options_default(kt_ingest_options *o);

typedef struct kt_ingest_summary {
    size_t ingested, already, failed;
    int64_t rows, accepted, quarantined, duplicates; /* over files read by the final attempt */
    int64_t raw_version, quarantine_version;         /* committed versions; -1 when no commit */
    int64_t raw_files, quarantine_files;             /* data files added */
    int attempts;
    char **runs;                                     /* run_uuids that got raw rows, sorted */
    size_t nruns;
} kt_ingest_summary;

void kt_ingest_summary_free(kt_ingest_summary *s);

kt_status kt_ingest_batch(const char *lake, const kt_ingest_options *o, const kt_ingest_source *files, size_t n,
                          kt_ingest_result *results, kt_ingest_summary *summary, kt_error *err);

/* What the tables say about one file identity (no file is read). */
typedef struct kt_ingest_marks {
    bool in_raw, in_quarantine;
    int64_t accepted, quarantined;  /* the marks' versions when present */
} kt_ingest_marks;

kt_status kt_ingest_lookup(const char *lake, const uint64_t *hashes, const int64_t *sizes, size_t n,
                           kt_ingest_marks *out, kt_error *err);

#endif
