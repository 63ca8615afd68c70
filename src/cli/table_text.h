/*
 * cli/table_text.h — rows as an aligned text table for a terminal (the
 * `table` format of `kinetl cat`).
 *
 * Contract: the first `sample_rows` rows (100 by default) are held back
 * to size the columns: a column is as wide as its header and its widest
 * sampled value, but values count at most `max_width` (40) characters;
 * the header and those rows are then printed, and every later row with
 * the same widths. A value wider than its column is cut and ends in "…".
 * Numbers are right-aligned, everything else left-aligned; columns are
 * separated by two spaces; a dashed line follows the header; a null shows
 * as "∅" (an empty string as nothing). Values render as KT_TEXT_PLAIN
 * (row_format.h). Width is counted in code points (wide CJK characters
 * count one). Memory: the sampled rows' text, then one output buffer.
 */
#ifndef KT_CLI_TABLE_TEXT_H
#define KT_CLI_TABLE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/row_format.h"
#include "core/buf.h"
#include "core/column.h"
#include "core/error.h"

#define KT_TABLE_SAMPLE_ROWS 100
#define KT_TABLE_MAX_WIDTH 40

typedef struct kt_table_writer {
    size_t ncols;
    const char *const *names;
    const kt_render_type *types;
    FILE *out;
    const char *out_name;
    size_t sample_rows, max_width;
    bool sized;              /* widths fixed, header printed */
    kt_buf sample;           /* text of the held-back cells, back to back */
    size_t *sample_end;      /* end offset in `sample` of each held cell */
    uint8_t *sample_null;    /* held cell is null */
    size_t held;             /* rows held back */
    size_t *width;           /* per column, in code points */
    bool *right;             /* per column: right-aligned */
    kt_buf line;             /* output buffer */
    kt_buf cell;             /* scratch for one value */
} kt_table_writer;

/* names and types must outlive the writer. */
kt_status kt_table_writer_init(kt_table_writer *w, const char *const *names,
                               const kt_render_type *types, size_t ncols, FILE *out,
                               const char *out_name);
/* Rows [from, from + count) of cols[0..ncols). */
kt_status kt_table_writer_rows(kt_table_writer *w, const kt_column *cols, size_t from, size_t count,
                               kt_error *err);
/* Prints what is held back (the header at least) and flushes the stream. */
kt_status kt_table_writer_flush(kt_table_writer *w, kt_error *err);
void kt_table_writer_free(kt_table_writer *w);

/* Display width of UTF-8 text, in code points. */
size_t kt_text_width(const char *s, size_t len);

#endif
