/*
 * lake/scan/table_scan.h — reading the rows of one Delta table snapshot:
 * the active files in a defined order, pruned by an "IN" filter, projected
 * to chosen columns, delivered one Parquet row group at a time. Shared by
 * `kinetl cat` and `kinetl export`.
 *
 * Contract:
 *  - File order: by partition values (column by column; two values made of
 *    digits only compare as integers, so run ids sort numerically; other
 *    values bytewise; integers before other text; null last), then by the
 *    version that added the file, then by path. Rows keep their order
 *    inside a file. Same snapshot, same options -> same rows, same order.
 *  - Filter "column IN (values)", compared as text. On a partition column
 *    only files whose partition value matches are read. On a data column
 *    (a string field), files are skipped when add.stats min/max (or an
 *    all-null nullCount) exclude every value, row groups likewise by their
 *    Parquet statistics, and the remaining rows are filtered one by one.
 *  - Projection: schema field indexes in output order. Partition columns
 *    are synthesised from partitionValues; a field a file lacks (added
 *    later by schema evolution) reads as nulls. Column types are the
 *    snapshot schema's (kt_delta_type_column); files holding INT32 for a
 *    long, FLOAT for a double or millisecond/nanosecond timestamps are
 *    widened/converted to µs; any other mismatch is KT_ERR_FORMAT naming
 *    the file and the column.
 *  - Memory: one row group of the projected columns (plus the filter
 *    column) at a time, plus one column of repeated partition value.
 *  - The snapshot and table are borrowed and must outlive the scan. One
 *    thread at a time.
 */
#ifndef KT_LAKE_SCAN_TABLE_SCAN_H
#define KT_LAKE_SCAN_TABLE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "lake/delta/delta.h"

typedef struct kt_scan_filter {
    const char *column;           /* schema field name (exact) */
    const char *const *values;    /* rows whose value (as text) is one of these */
    size_t nvalues;
} kt_scan_filter;

typedef struct kt_scan_options {
    const size_t *fields;         /* schema field indexes, output order; NULL = every field */
    size_t nfields;
    const kt_scan_filter *filter; /* NULL = every row */
} kt_scan_options;

typedef struct kt_scan kt_scan;

/* KT_ERR_USAGE for an unknown filter column or a filter on a non-string
 * data column; KT_ERR_NOT_FOUND never (an empty result is zero rows). */
kt_status kt_scan_open(const kt_delta_table *t, const kt_delta_snapshot *snap,
                       const kt_scan_options *o, kt_scan **out, kt_error *err);

size_t kt_scan_num_columns(const kt_scan *s);
const kt_delta_field *kt_scan_column(const kt_scan *s, size_t i);

/* The files that will be read, in reading order (after file pruning). */
size_t kt_scan_num_files(const kt_scan *s);
const kt_delta_file *kt_scan_file(const kt_scan *s, size_t i);

/* Next batch of rows: *cols = kt_scan_num_columns() columns of *nrows rows
 * each (read-only, valid until the next call); *nrows = 0 at the end. */
kt_status kt_scan_next(kt_scan *s, const kt_column **cols, size_t *nrows, kt_error *err);

void kt_scan_free(kt_scan *s);

/* The order of partition values described above (NULL = null); <0, 0, >0. */
int kt_scan_compare_values(const char *a, const char *b);

#endif
