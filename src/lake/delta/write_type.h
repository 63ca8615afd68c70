/*
 * lake/delta/write_type.h — the Parquet writer type a Delta column type is
 * stored as in a data file. One mapping shared by the transaction's data
 * file writer (lake/delta/datafile.c) and the ingest staging files
 * (pipeline/ingest_stage.c), so both write the same physical types.
 *
 * Contract: total over kt_delta_type; an out-of-range value maps to INT64
 * (as LONG does). Pure, thread-safe.
 */
#ifndef KT_LAKE_DELTA_WRITE_TYPE_H
#define KT_LAKE_DELTA_WRITE_TYPE_H

#include "format/parquet/writer.h"
#include "lake/delta/delta.h"

kt_pq_wtype kt_delta_type_writer(kt_delta_type type);

#endif
