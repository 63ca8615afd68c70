/*
 * cli/reencode.h — maps any column kinetl can read onto the few types its
 * Parquet writer produces (`cat --format parquet`; docs/PARQUET.md,
 * "Re-encoding").
 *
 * Contract: kt_reencode_type() names the writer type for a column given
 * how it renders and the kt_type the reader delivers; kt_reencode_column()
 * converts a batch into a column of that writer type, or says it needs no
 * conversion (*same = true: write the source column as it is). Values that
 * cannot be represented (a UINT64 above 2^63 - 1, a date or timestamp
 * beyond the microsecond range) fail with one line naming the column and
 * the row; nothing is rounded silently except nanoseconds, which are
 * truncated toward negative infinity to whole microseconds.
 */
#ifndef KT_CLI_REENCODE_H
#define KT_CLI_REENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/row_format.h"
#include "core/column.h"
#include "core/error.h"
#include "format/parquet/writer.h"

/* KT_OK and *out set, or KT_ERR_UNSUPPORTED for a combination no reader produces. */
kt_status kt_reencode_type(const kt_render_type *r, kt_type type, kt_pq_wtype *out);

/* Converts src rows [0, nrows) into dst (cleared first). first_row is the
 * file row number of src's row 0, for messages; name is the column's. */
kt_status kt_reencode_column(const kt_render_type *r, const kt_column *src, size_t nrows,
                             kt_column *dst, bool *same, const char *name, int64_t first_row,
                             kt_error *err);

/* The kt_type the writer expects for a writer type. */
kt_type kt_reencode_column_type(kt_pq_wtype w);

#endif
