/*
 * cli/table_text.c — the aligned text table (see table_text.h).
 */
#include "cli/table_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_FLUSH_AT (1u << 16)        /* a terminal reader wants rows soon */
static const char NULL_MARK[] = "\xe2\x88\x85";   /* ∅ */
static const char ELLIPSIS[] = "\xe2\x80\xa6";    /* … */

size_t kt_text_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

/* Byte length of the first `n` code points of s. */
static size_t prefix_bytes(const char *s, size_t len, size_t n)
{
    size_t i = 0, seen = 0;
    for (; i < len; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (seen == n) break;
            seen++;
        }
    }
    return i;
}

static bool is_numeric(kt_render_kind k)
{
    return k == KT_R_INT || k == KT_R_UINT || k == KT_R_FLOAT || k == KT_R_DOUBLE ||
           k == KT_R_DECIMAL || k == KT_R_FLOAT16;
}

kt_status kt_table_writer_init(kt_table_writer *w, const char *const *names,
                               const kt_render_type *types, size_t ncols, FILE *out,
                               const char *out_name)
{
    memset(w, 0, sizeof *w);
    w->ncols = ncols;
    w->names = names;
    w->types = types;
    w->out = out;
    w->out_name = out_name;
    w->sample_rows = KT_TABLE_SAMPLE_ROWS;
    w->max_width = KT_TABLE_MAX_WIDTH;
    kt_buf_init(&w->sample);
    kt_buf_init(&w->line);
    kt_buf_init(&w->cell);
    size_t n = ncols ? ncols : 1;
    w->sample_end = calloc(n * w->sample_rows, sizeof *w->sample_end);
    w->sample_null = calloc(n * w->sample_rows, 1);
    w->width = calloc(n, sizeof *w->width);
    w->right = calloc(n, sizeof *w->right);
    if (!w->sample_end || !w->sample_null || !w->width || !w->right) return KT_ERR_NOMEM;
    for (size_t c = 0; c < ncols; c++) {
        w->right[c] = is_numeric(types[c].kind);
        w->width[c] = kt_text_width(names[c], strlen(names[c]));
    }
    return KT_OK;
}

/* Renders a value into w->cell; *is_null when it is null. */
static kt_status render_cell(kt_table_writer *w, const kt_column *col, size_t c, size_t row, bool *is_null)
{
    kt_buf_clear(&w->cell);
    *is_null = !kt_column_is_valid(col, row);
    if (*is_null) return KT_OK;
    kt_scalar v = kt_scalar_from_column(col, row);
    return kt_render_scalar(&w->cell, &w->types[c], &v, KT_TEXT_PLAIN);
}

/* Appends text padded or cut to the column's width. */
static kt_status put_cell(kt_table_writer *w, size_t c, const char *s, size_t len, bool last)
{
    size_t width = kt_text_width(s, len);
    if (w->width[c] == 0) return KT_OK;
    if (width > w->width[c]) {
        KT_TRY(kt_buf_append(&w->line, s, prefix_bytes(s, len, w->width[c] - 1)));
        return kt_buf_append_str(&w->line, ELLIPSIS);
    }
    size_t pad = w->width[c] - width;
    if (w->right[c])
        for (size_t i = 0; i < pad; i++) KT_TRY(kt_buf_append_byte(&w->line, ' '));
    KT_TRY(kt_buf_append(&w->line, s, len));
    if (!w->right[c] && !last)
        for (size_t i = 0; i < pad; i++) KT_TRY(kt_buf_append_byte(&w->line, ' '));
    return KT_OK;
}

static kt_status put_separator(kt_table_writer *w, size_t c)
{
    return c ? kt_buf_append(&w->line, "  ", 2) : KT_OK;
}

static kt_status table_drain(kt_table_writer *w, kt_error *err)
{
    if (w->line.len && fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", w->out_name);
    kt_buf_clear(&w->line);
    return KT_OK;
}

/* Fixes the widths from the held rows, prints header, rule and held rows. */
static kt_status print_held(kt_table_writer *w)
{
    for (size_t r = 0; r < w->held; r++) {
        for (size_t c = 0; c < w->ncols; c++) {
            size_t k = r * w->ncols + c, start = k ? w->sample_end[k - 1] : 0;
            size_t cw = w->sample_null[k] ? 1 : kt_text_width((char *)w->sample.data + start, w->sample_end[k] - start);
            if (cw > w->max_width) cw = w->max_width;
            if (cw > w->width[c]) w->width[c] = cw;
        }
    }
    w->sized = true;
    for (size_t c = 0; c < w->ncols; c++) {
        KT_TRY(put_separator(w, c));
        KT_TRY(put_cell(w, c, w->names[c], strlen(w->names[c]), c + 1 == w->ncols));
    }
    KT_TRY(kt_buf_append_byte(&w->line, '\n'));
    for (size_t c = 0; c < w->ncols; c++) {
        KT_TRY(put_separator(w, c));
        for (size_t i = 0; i < w->width[c]; i++) KT_TRY(kt_buf_append_byte(&w->line, '-'));
    }
    KT_TRY(kt_buf_append_byte(&w->line, '\n'));
    for (size_t r = 0; r < w->held; r++) {
        for (size_t c = 0; c < w->ncols; c++) {
            size_t k = r * w->ncols + c, start = k ? w->sample_end[k - 1] : 0;
            KT_TRY(put_separator(w, c));
            if (w->sample_null[k]) KT_TRY(put_cell(w, c, NULL_MARK, strlen(NULL_MARK), c + 1 == w->ncols));
            else KT_TRY(put_cell(w, c, (char *)w->sample.data + start, w->sample_end[k] - start, c + 1 == w->ncols));
        }
        KT_TRY(kt_buf_append_byte(&w->line, '\n'));
    }
    kt_buf_free(&w->sample);
    w->held = 0;
    return KT_OK;
}

static kt_status hold_row(kt_table_writer *w, const kt_column *cols, size_t row)
{
    for (size_t c = 0; c < w->ncols; c++) {
        size_t k = w->held * w->ncols + c;
        bool is_null;
        KT_TRY(render_cell(w, &cols[c], c, row, &is_null));
        w->sample_null[k] = is_null;
        KT_TRY(kt_buf_append(&w->sample, w->cell.data, w->cell.len));
        w->sample_end[k] = w->sample.len;
    }
    w->held++;
    return KT_OK;
}

static kt_status print_row(kt_table_writer *w, const kt_column *cols, size_t row)
{
    for (size_t c = 0; c < w->ncols; c++) {
        bool is_null, last = c + 1 == w->ncols;
        KT_TRY(put_separator(w, c));
        KT_TRY(render_cell(w, &cols[c], c, row, &is_null));
        if (is_null) KT_TRY(put_cell(w, c, NULL_MARK, strlen(NULL_MARK), last));
        else KT_TRY(put_cell(w, c, (char *)w->cell.data, w->cell.len, last));
    }
    return kt_buf_append_byte(&w->line, '\n');
}

kt_status kt_table_writer_rows(kt_table_writer *w, const kt_column *cols, size_t from, size_t count,
                               kt_error *err)
{
    for (size_t r = from; r < from + count; r++) {
        kt_status st;
        if (!w->sized) {
            st = hold_row(w, cols, r);
            if (st == KT_OK && w->held == w->sample_rows) st = print_held(w);
        } else {
            st = print_row(w, cols, r);
        }
        if (st != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory formatting row %zu", w->out_name, r);
        if (w->line.len >= TABLE_FLUSH_AT) KT_TRY(table_drain(w, err));
    }
    return KT_OK;
}

kt_status kt_table_writer_flush(kt_table_writer *w, kt_error *err)
{
    if (!w->sized && print_held(w) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory formatting the table", w->out_name);
    KT_TRY(table_drain(w, err));
    if (fflush(w->out) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", w->out_name);
    return KT_OK;
}

void kt_table_writer_free(kt_table_writer *w)
{
    kt_buf_free(&w->sample);
    kt_buf_free(&w->line);
    kt_buf_free(&w->cell);
    free(w->sample_end);
    free(w->sample_null);
    free(w->width);
    free(w->right);
    memset(w, 0, sizeof *w);
}
