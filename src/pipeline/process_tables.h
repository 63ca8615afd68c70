/*
 * pipeline/process_tables.h — the three tables per-run processing writes
 * (SPEC §2 `aligned`, `features`, `run_stats`): their Delta schemas and
 * their creation.
 *
 * Contract:
 *  - aligned and features are partitioned by run_uuid (string, first
 *    column), followed by the transform's own column lists in order
 *    (kt_aligned_named_columns, kt_features_named_columns): time
 *    (timestamp, not null), the 12 channels fx_1 .. z_2 (double, nullable),
 *    measured_mask, interpolated_mask, held_mask (integer, not null), and
 *    for features vx_1 .. f2 (double, nullable).
 *  - run_stats is not partitioned; its columns are kt_run_stats_schema().
 *  - kt_process_create_tables creates the missing ones (idempotent, safe
 *    against a concurrent creator); an existing table with another schema
 *    is KT_ERR_CONFLICT naming it.
 */
#ifndef KT_PIPELINE_PROCESS_TABLES_H
#define KT_PIPELINE_PROCESS_TABLES_H

#include <stddef.h>

#include "core/error.h"
#include "lake/delta/delta.h"
#include "pipeline/align.h"
#include "pipeline/features.h"
#include "pipeline/ingest_tables.h"
#include "pipeline/run_stats.h"

#define KT_PROCESS_RAW_TABLE KT_INGEST_RAW_TABLE
#define KT_PROCESS_QUARANTINE_TABLE KT_INGEST_QUARANTINE_TABLE
#define KT_PROCESS_ALIGNED_TABLE "aligned"
#define KT_PROCESS_FEATURES_TABLE "features"
#define KT_PROCESS_RUN_STATS_TABLE "run_stats"
#define KT_PROCESS_PARTITION_COLUMN "run_uuid"

enum {
    KT_PROCESS_ALIGNED_FIELDS = 1 + KT_ALIGNED_COLUMNS,
    KT_PROCESS_FEATURES_FIELDS = 1 + KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS,
};

/* The Delta schemas, in table order (names are static strings). */
void kt_process_aligned_fields(kt_delta_field out[KT_PROCESS_ALIGNED_FIELDS]);
void kt_process_features_fields(kt_delta_field out[KT_PROCESS_FEATURES_FIELDS]);
void kt_process_run_stats_fields(kt_delta_field out[KT_RUN_STATS_COLUMNS]);

kt_status kt_process_create_tables(const char *lake, const kt_delta_options *opts, kt_error *err);

#endif
