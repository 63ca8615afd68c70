/*
 * cli/parquet_columns.h — how the `kinetl parquet` commands describe and
 * render a Parquet leaf column: its logical type as text
 * ("TIMESTAMP(MICROS,UTC)", "INT(8,false)", "DECIMAL(10,2)") and the
 * kt_render_type its values print with.
 */
#ifndef KT_CLI_PARQUET_COLUMNS_H
#define KT_CLI_PARQUET_COLUMNS_H

#include <stddef.h>

#include "cli/row_format.h"
#include "format/parquet/reader.h"

/* How values of this column print (cli/row_format.h). */
kt_render_type kt_parquet_render_type(const kt_pq_column_info *c);

/* The logical type as text, or "-" when the column has none. */
void kt_parquet_logical_name(const kt_pq_column_info *c, char *out, size_t size);

/* The physical type as text: "INT64", "FIXED_LEN_BYTE_ARRAY(16)". */
void kt_parquet_physical_name(const kt_pq_column_info *c, char *out, size_t size);

#endif
