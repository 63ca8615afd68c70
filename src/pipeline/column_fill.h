/*
 * pipeline/column_fill.h — sizing kt_columns for direct, whole-column
 * writes (the transform knows every row count up front, so it fills
 * values[] and valid[] in place instead of pushing cell by cell).
 *
 * Contract: after kt_column_fill_begin(c, rows, nullable) the column has
 * len = rows, uninitialised values, and (if nullable) a valid[] array of
 * all 1s. The filler must write every value (0 for a null slot, as
 * core/column.h requires) and clear valid[i] for nulls, then call
 * kt_column_fill_end(), which recounts null_count and drops valid[] when
 * nothing is null. Capacity is kept between runs.
 */
#ifndef KT_PIPELINE_COLUMN_FILL_H
#define KT_PIPELINE_COLUMN_FILL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/column.h"
#include "core/error.h"

kt_status kt_column_fill_begin(kt_column *c, size_t rows, bool nullable);
void kt_column_fill_end(kt_column *c);

#endif
