/*
 * lake/delta/write_type.h — how a Delta data file is written: the Parquet
 * writer type a Delta column type is stored as, and the writer options of
 * a table's data files. Shared by the transaction's data file writer
 * (lake/delta/datafile.c) and the ingest staging files
 * (pipeline/ingest_stage.c), so both write the same physical types and
 * encodings.
 *
 * Contract: kt_delta_type_writer is total over kt_delta_type; an
 * out-of-range value maps to INT64 (as LONG does). kt_delta_txn_file_options
 * fills ZSTD, the table's compression level and row group size, DOUBLE
 * pages as BYTE_STREAM_SPLIT (docs/TABLES.md) and a sync deferred to the
 * commit (the file must be added with kt_delta_txn_add_file_unsynced or
 * through the txn's own writers). Pure, thread-safe.
 */
#ifndef KT_LAKE_DELTA_WRITE_TYPE_H
#define KT_LAKE_DELTA_WRITE_TYPE_H

#include "format/parquet/writer.h"
#include "lake/delta/delta.h"

kt_pq_wtype kt_delta_type_writer(kt_delta_type type);
void kt_delta_txn_file_options(const kt_delta_txn *x, kt_pq_write_options *o);

#endif
