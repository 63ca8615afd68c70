/*
 * pipeline/ingest_file.h — one source file through the cleaner into the
 * raw and quarantine stages, streamed a row group at a time.
 *
 * Contract:
 *  - kt_ingest_read_file opens the Parquet file, resolves its schema
 *    (ingest_schema.h), and for each row group decodes the six role columns,
 *    cleans them (ingest_clean.h) and appends accepted rows to out->raw
 *    (partitioned by run_uuid) and rejected rows to out->quarantine. A NULL
 *    stage means that table already holds this file: its rows are counted
 *    but not staged.
 *  - On success *stats is filled and the file's rows are staged but still
 *    the current source file's: the caller decides with
 *    kt_ingest_stage_file_done() or _file_abort() on both stages (e.g. after
 *    checking the counts). On failure the stages are rolled back to before
 *    the file (file_abort) and the error names the file; *file_fault tells
 *    whether the file itself is at fault (unreadable, corrupt, impossible
 *    schema: record it as failed and go on) or the output is (a table write
 *    or memory failure: the batch cannot go on).
 *  - Memory: one row group of the six columns, the cleaner's duplicate set
 *    and the stages' bounded buffers.
 */
#ifndef KT_PIPELINE_INGEST_FILE_H
#define KT_PIPELINE_INGEST_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pipeline/ingest_clean.h"
#include "pipeline/ingest_stage.h"

typedef struct kt_ingest_file_out {
    kt_ingest_stage *raw;        /* NULL: do not stage accepted rows */
    kt_ingest_stage *quarantine; /* NULL: do not stage rejected rows */
    int64_t ingested_at_us;      /* quarantine.ingested_at */
} kt_ingest_file_out;

typedef struct kt_ingest_file_stats {
    kt_ingest_counts counts;
    uint64_t dedup_resets;       /* > 0: duplicates were caught only within windows */
    int row_groups;
    int nextra;                  /* columns ignored */
    char extra[256];
    double seconds, cpu_seconds; /* reading, cleaning and staging it: wall, and the reading thread's CPU */
} kt_ingest_file_stats;

/* path: where to read; source_file: the lineage name stored in the tables. */
kt_status kt_ingest_read_file(kt_ingest_cleaner *c, const char *path, const char *source_file,
                              const kt_ingest_file_out *out, kt_ingest_file_stats *stats, bool *file_fault,
                              kt_error *err);

#endif
