/*
 * format/parquet/writer.h — Parquet writer for flat schemas.
 *
 * Contract:
 *  - Column types: BOOLEAN (KT_BOOL), INT32 (KT_INT32), INT64 (KT_INT64),
 *    DOUBLE (KT_DOUBLE), STRING (KT_BYTES, UTF8 logical type) and
 *    TIMESTAMP(MICROS, UTC) (KT_INT64); each REQUIRED or OPTIONAL.
 *  - Rows are appended in batches of kt_columns; a row group is flushed
 *    when it reaches row_group_rows rows (or row_group_bytes of encoded
 *    data), pages when they reach page_bytes.
 *  - Strings are dictionary-encoded (RLE_DICTIONARY) until the dictionary
 *    exceeds dict_max_bytes in a row group, then fall back to PLAIN for
 *    the rest of that column chunk.
 *  - min/max/null_count statistics follow the spec's ordering rules
 *    (signed for ints, IEEE order for doubles with NaN excluded and -0/+0
 *    widened, unsigned bytewise for strings) and are written as
 *    min_value/max_value with TYPE_ORDER column orders.
 *    String min/max longer than 256 bytes are left out of the file (both of
 *    the pair); the summary keeps exact values.
 *  - The file is written to "<path>.tmp-<pid>-<n>" and renamed onto path
 *    only by kt_pq_writer_close after fsync: readers see a whole file or none.
 *    kt_pq_writer_free without a successful close removes the temp file.
 *  - A rejected batch (wrong type/count/length, null in a REQUIRED column)
 *    leaves the writer usable; after an I/O or memory failure every later
 *    call fails. Distinct writers are independent (thread-safe); one writer
 *    is used by one thread at a time. Details: docs/PARQUET_WRITER.md.
 */
#ifndef KT_FORMAT_PARQUET_WRITER_H
#define KT_FORMAT_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "format/parquet/metadata.h"

typedef enum kt_pq_wtype {
    KT_PQ_W_BOOL,
    KT_PQ_W_INT32,
    KT_PQ_W_INT64,
    KT_PQ_W_DOUBLE,
    KT_PQ_W_STRING,
    KT_PQ_W_TIMESTAMP_US,
} kt_pq_wtype;

typedef struct kt_pq_field {
    const char *name;
    kt_pq_wtype type;
    bool nullable;
} kt_pq_field;

typedef struct kt_pq_write_options {
    kt_pq_codec codec;          /* UNCOMPRESSED, SNAPPY or ZSTD (default) */
    int compression_level;      /* 0 = codec default */
    size_t row_group_rows;      /* default 1,048,576 */
    size_t row_group_bytes;     /* default 128 MiB of encoded data */
    size_t page_bytes;          /* default 1 MiB */
    size_t dict_max_bytes;      /* default 1 MiB */
    bool dictionary;            /* default true: dictionary-encode strings */
    bool byte_stream_split;     /* default false: DOUBLE pages as BYTE_STREAM_SPLIT (the eight
                                   byte planes one after another) instead of PLAIN; measured
                                   sensor doubles then compress 6-25% smaller with ZSTD, and no
                                   slower. Readers need Parquet format 2.8 (2019) or later. */
    const kt_pq_key_value *kv;  /* key-value metadata, copied */
    size_t num_kv;
    bool no_fsync;              /* for tests and scratch files only */
    bool defer_sync;            /* close neither fsyncs the file nor its directory: the caller
                                   makes both durable before anything refers to the file (a
                                   Delta commit does: kt_delta_txn_add_file_unsynced) */
} kt_pq_write_options;

/* Fills defaults (ZSTD, sizes above, dictionary on). */
void kt_pq_write_options_default(kt_pq_write_options *o);

typedef struct kt_pq_writer kt_pq_writer;

/* Summary of one written column, for Delta stats (min/max over all row groups). */
typedef struct kt_pq_column_summary {
    int64_t null_count;
    bool has_min_max;           /* false if every value was null (or NaN) */
    int64_t min_i, max_i;       /* BOOL, INT32, INT64, TIMESTAMP */
    double min_d, max_d;        /* DOUBLE */
    const char *min_s, *max_s;  /* STRING (NUL-terminated copies) */
    size_t min_len, max_len;
} kt_pq_column_summary;

kt_status kt_pq_writer_open(const char *path, const kt_pq_field *fields, size_t nfields,
                            const kt_pq_write_options *opts, kt_pq_writer **out, kt_error *err);
/* Appends nrows rows: cols[i] is field i's values (type per the table above). */
kt_status kt_pq_writer_write(kt_pq_writer *w, const kt_column *cols, size_t nrows, kt_error *err);
/* Same, with the number of columns in cols checked against the schema
 * (added by the writer implementation; write() passes the schema's count). */
kt_status kt_pq_writer_write_columns(kt_pq_writer *w, const kt_column *cols, size_t ncols,
                                     size_t nrows, kt_error *err);
/* Same as write, where dicts[i] (dicts may be NULL, entries NULL) gives a
 * STRING column as KT_INT32 codes into dicts[i] (KT_BYTES): the file is
 * byte for byte the one the strings would give, without hashing each row.
 * A code of a present row outside its dictionary is KT_ERR_USAGE. */
kt_status kt_pq_writer_write_coded(kt_pq_writer *w, const kt_column *cols, const kt_column *const *dicts,
                                   size_t nrows, kt_error *err);
/*
 * Column-at-a-time row groups (additive), for producers that compute one
 * column of a row group at a time: begin_row_group(nrows), then
 * write_chunk for columns 0, 1, ... in schema order (each with nrows
 * values), then end_row_group. Each chunk is encoded, compressed and
 * written to the file at once, and every column borrows the same page
 * buffers, so the writer holds one column chunk instead of a whole row
 * group of every column. The bytes written are those kt_pq_writer_write
 * gives for the same rows when its row groups have the same boundaries.
 * A row group must not be open through kt_pq_writer_write when one is
 * begun (and vice versa).
 */
kt_status kt_pq_writer_begin_row_group(kt_pq_writer *w, size_t nrows, kt_error *err);
kt_status kt_pq_writer_write_chunk(kt_pq_writer *w, size_t col, const kt_column *values, kt_error *err);
kt_status kt_pq_writer_end_row_group(kt_pq_writer *w, kt_error *err);
/*
 * Twin files (additive), for two files whose first columns are the same
 * (`features` repeats `aligned`'s): kt_pq_writer_pair(a, b) makes b use a's
 * page buffers and compressor for its column-at-a-time chunks (a must stay
 * open while b writes; both single-threaded by the same caller), and
 * kt_pq_writer_write_chunk_twin(a, b, col, values) encodes column col once
 * and writes the same chunk bytes to both files (their field col, codec and
 * page options must be identical; both must expect column col). Each file
 * is byte-identical to writing it alone.
 */
kt_status kt_pq_writer_pair(kt_pq_writer *a, kt_pq_writer *b, kt_error *err);
kt_status kt_pq_writer_write_chunk_twin(kt_pq_writer *a, kt_pq_writer *b, size_t col, const kt_column *values,
                                        kt_error *err);
/* Bytes of buffer capacity the writer holds for pages and chunks (accounting). */
size_t kt_pq_writer_buffer_bytes(const kt_pq_writer *w);

/* Flushes, writes the footer, fsyncs and renames into place. */
kt_status kt_pq_writer_close(kt_pq_writer *w, kt_error *err);
/* After close: totals and per-column summaries. */
int64_t kt_pq_writer_rows(const kt_pq_writer *w);
uint64_t kt_pq_writer_file_size(const kt_pq_writer *w);
const kt_pq_column_summary *kt_pq_writer_summary(const kt_pq_writer *w, size_t column);
/* Frees; removes the temp file if close did not succeed. */
void kt_pq_writer_free(kt_pq_writer *w);

#endif
