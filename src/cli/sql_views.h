/*
 * cli/sql_views.h — the DuckDB SQL of one view over exactly the active
 * files of a Delta snapshot (`kinetl sql-views`; docs/ACCESS.md).
 *
 * Contract: appends
 *   CREATE OR REPLACE VIEW "name" AS
 *   SELECT * FROM (SELECT NULL::TYPE AS "col", ... WHERE false)
 *   UNION ALL BY NAME
 *   SELECT * FROM read_parquet(['<abs path>', ...], hive_partitioning = true,
 *                              hive_types = {'run_uuid': VARCHAR}, union_by_name = true);
 * The typed empty SELECT fixes the columns, their order (the Delta
 * schema's) and types whatever the files hold: an empty table is a view
 * with the right columns and no rows, a column missing from older files
 * (schema evolution) reads as NULL. Partition columns come from the
 * directory names with their Delta type (hive_types: DuckDB never guesses
 * a run id is a number). When a directory above the table has '=' in its
 * name (DuckDB would take it for a partition too), partitions are read
 * with hive_partitioning = false and their values written as literals,
 * one read_parquet per partition.
 */
#ifndef KT_CLI_SQL_VIEWS_H
#define KT_CLI_SQL_VIEWS_H

#include "core/buf.h"
#include "core/error.h"
#include "lake/delta/delta.h"

/* table_dir: absolute path of the table directory. */
kt_status kt_sql_view(kt_buf *out, const char *view_name, const char *table_dir,
                      const kt_delta_snapshot *s, kt_error *err);

/* DuckDB type of a Delta type: VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN, TIMESTAMPTZ. */
const char *kt_sql_type(kt_delta_type t);

#endif
