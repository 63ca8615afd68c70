/*
 * pipeline/ingest_stage.h — rows on their way into one Delta table during
 * an ingest batch, with per-source-file all-or-nothing and bounded memory.
 *
 * Contract:
 *  - A stage belongs to one open transaction (txn) of one table. Rows are
 *    appended per partition value (NULL for an unpartitioned table) into
 *    in-memory column buffers: kt_ingest_stage_buffer() gives the buffer
 *    (the table's non-partition fields, in schema order) to push rows into.
 *  - Rows belong to the current source file until kt_ingest_stage_file_done();
 *    kt_ingest_stage_file_abort() drops every row (and file) of the current
 *    source file, so a file that fails half-way leaves nothing staged.
 *  - kt_ingest_stage_check() keeps buffers under memory_limit bytes of rows:
 *    rows of finished source files are written as data files and added to
 *    the txn (add.stats: numRecords, nullCount, min/max of numbers and short
 *    strings); if the current file alone still exceeds half the limit, its
 *    rows are written to complete data files that are only added to the
 *    txn by file_done (abort deletes them).
 *  - kt_ingest_stage_finish() writes what is left. Nothing is visible to
 *    readers until the caller commits the txn; freeing the txn without
 *    commit deletes every file the stage added to it.
 */
#ifndef KT_PIPELINE_INGEST_STAGE_H
#define KT_PIPELINE_INGEST_STAGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "lake/delta/delta.h"

typedef struct kt_ingest_stage kt_ingest_stage;

typedef struct kt_ingest_stage_options {
    size_t memory_limit;    /* bytes of buffered rows; 0 = 16 MiB */
    /* Per table field (NULL: none): a STRING field buffered as KT_INT32
     * codes into the stage's dictionary of that column (kt_ingest_stage_code)
     * and written as such (format/parquet/writer.h, write_coded): for
     * low-cardinality strings, 4 bytes a row instead of the text. */
    const bool *coded;
    /* Held around every call on the txn, so stages of several threads can
     * share one transaction; NULL when one thread owns it. Data files are
     * encoded and written outside the lock. */
    pthread_mutex_t *txn_lock;
} kt_ingest_stage_options;

/* fields/nfields: the table schema; partition: index of the partition field or -1.
 * table_dir: the table's directory (spill files are written under it). */
kt_status kt_ingest_stage_new(kt_delta_txn *txn, const char *table_dir, const kt_delta_field *fields,
                              size_t nfields, int partition, const kt_ingest_stage_options *opts,
                              kt_ingest_stage **out, kt_error *err);
void kt_ingest_stage_free(kt_ingest_stage *s);

/* The buffer of a partition value (value/len ignored when unpartitioned). */
kt_status kt_ingest_stage_buffer(kt_ingest_stage *s, const char *value, size_t len, kt_column **cols,
                                 kt_error *err);
/* The code of text in the dictionary of coded column col (a buffer column
 * index), added when new; codes are stable for the stage's lifetime. */
kt_status kt_ingest_stage_code(kt_ingest_stage *s, size_t col, const char *text, size_t len, int32_t *code,
                               kt_error *err);
kt_status kt_ingest_stage_check(kt_ingest_stage *s, kt_error *err);
kt_status kt_ingest_stage_file_done(kt_ingest_stage *s, kt_error *err);
void kt_ingest_stage_file_abort(kt_ingest_stage *s);
kt_status kt_ingest_stage_finish(kt_ingest_stage *s, kt_error *err);

/* Partition values that received rows (handed to the txn) so far, and how many. */
size_t kt_ingest_stage_num_partitions(const kt_ingest_stage *s);
const char *kt_ingest_stage_partition(const kt_ingest_stage *s, size_t i, int64_t *rows);

/* Bytes held by the buffers now; data files and rows handed to the txn so far. */
size_t kt_ingest_stage_bytes(const kt_ingest_stage *s);
int64_t kt_ingest_stage_files(const kt_ingest_stage *s);
int64_t kt_ingest_stage_rows(const kt_ingest_stage *s);

#endif
