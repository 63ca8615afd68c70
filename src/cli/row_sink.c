/*
 * cli/row_sink.c — CSV/JSON/Parquet output with all-or-nothing files
 * (see row_sink.h).
 */
#define _GNU_SOURCE   /* F_SETPIPE_SZ */
#include "cli/row_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/reencode.h"
#include "format/parquet/writer.h"

struct kt_sink {
    kt_sink_options opts;
    kt_sink_column *cols;
    size_t ncols;
    /* text */
    const char **names;
    kt_render_type *renders;
    kt_row_writer rows;
    bool rows_ready;
    kt_table_writer table;
    bool table_ready;
    FILE *file;               /* the temporary file, or stdout */
    char *tmp_path;           /* NULL for stdout */
    /* parquet */
    kt_pq_writer *pq;
    kt_column *converted;     /* one per column, used when a column needs conversion */
    kt_column *batch;         /* what is handed to the writer */
};

/* A pipe takes rows 1 MiB at a time instead of 64 KiB: 16 times fewer
 * wake-ups of both ends (best effort; the size is capped by the system). */
static void widen_pipe(FILE *f)
{
#ifdef F_SETPIPE_SZ
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISFIFO(st.st_mode)) (void)fcntl(fileno(f), F_SETPIPE_SZ, 1 << 20);
#else
    (void)f;
#endif
}

/* An existing path that is not a regular file (/dev/null, a FIFO, a
 * terminal) is written in place: renaming over it would replace it. */
static bool is_special_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static kt_status open_text(kt_sink *s, kt_error *err)
{
    if (!s->opts.out_path) {
        s->file = stdout;
        widen_pipe(stdout);
    } else if (is_special_file(s->opts.out_path)) {
        s->file = fopen(s->opts.out_path, "w");
        if (!s->file) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open", s->opts.out_path);
        widen_pipe(s->file);
    } else {
        size_t n = strlen(s->opts.out_path) + 64;
        s->tmp_path = malloc(n);
        if (!s->tmp_path) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
        snprintf(s->tmp_path, n, "%s.tmp-%ld", s->opts.out_path, (long)getpid());
        s->file = fopen(s->tmp_path, "wx");
        if (!s->file) {
            kt_status st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot create", s->opts.out_path);
            free(s->tmp_path);
            s->tmp_path = NULL;
            return st;
        }
    }
    s->names = calloc(s->ncols ? s->ncols : 1, sizeof *s->names);
    s->renders = calloc(s->ncols ? s->ncols : 1, sizeof *s->renders);
    if (!s->names || !s->renders) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < s->ncols; c++) {
        s->names[c] = s->cols[c].name;
        s->renders[c] = s->cols[c].render;
    }
    kt_text_style style = s->opts.format == KT_SINK_JSON ? KT_TEXT_JSON : KT_TEXT_CSV;
    const char *shown = s->opts.out_path ? s->opts.out_path : "stdout";
    if (s->opts.format == KT_SINK_TABLE) {
        s->table_ready = true;
        if (kt_table_writer_init(&s->table, s->names, s->renders, s->ncols, s->file, shown) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "out of memory");
        return KT_OK;
    }
    s->rows_ready = true;
    if (kt_row_writer_init(&s->rows, style, s->names, s->renders, s->ncols, s->file, shown) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    return kt_row_writer_header(&s->rows, err);
}

static kt_status open_parquet(kt_sink *s, kt_error *err)
{
    if (!s->opts.out_path)
        return kt_fail(err, KT_ERR_USAGE, "Parquet output needs --out FILE");
    kt_pq_field *fields = calloc(s->ncols ? s->ncols : 1, sizeof *fields);
    s->converted = calloc(s->ncols ? s->ncols : 1, sizeof *s->converted);
    s->batch = calloc(s->ncols ? s->ncols : 1, sizeof *s->batch);
    if (!fields || !s->converted || !s->batch) {
        free(fields);
        return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    }
    kt_status st = KT_OK;
    for (size_t c = 0; c < s->ncols && st == KT_OK; c++) {
        fields[c].name = s->cols[c].name;
        fields[c].nullable = s->cols[c].nullable;
        if (kt_reencode_type(&s->cols[c].render, s->cols[c].type, &fields[c].type) != KT_OK)
            st = kt_fail(err, KT_ERR_UNSUPPORTED, "column %s: no Parquet type to re-encode %s values",
                         s->cols[c].name, kt_type_name(s->cols[c].type));
        kt_column_init(&s->converted[c], kt_reencode_column_type(fields[c].type));
    }
    if (st == KT_OK) {
        kt_pq_write_options wo;
        kt_pq_write_options_default(&wo);
        wo.codec = s->opts.codec;
        st = kt_pq_writer_open(s->opts.out_path, fields, s->ncols, &wo, &s->pq, err);
    }
    free(fields);
    return st;
}

kt_status kt_sink_open(const kt_sink_options *o, const kt_sink_column *cols, size_t ncols,
                       kt_sink **out, kt_error *err)
{
    *out = NULL;
    kt_sink *s = calloc(1, sizeof *s);
    if (!s) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    s->opts = *o;
    s->ncols = ncols;
    s->cols = calloc(ncols ? ncols : 1, sizeof *s->cols);
    if (!s->cols) {
        free(s);
        return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    }
    memcpy(s->cols, cols, ncols * sizeof *cols);
    kt_status st = o->format == KT_SINK_PARQUET ? open_parquet(s, err) : open_text(s, err);
    if (st != KT_OK) {
        kt_sink_free(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

static kt_status write_parquet(kt_sink *s, const kt_column *cols, size_t nrows, int64_t first_row,
                               kt_error *err)
{
    for (size_t c = 0; c < s->ncols; c++) {
        bool same = false;
        kt_status st = kt_reencode_column(&s->cols[c].render, &cols[c], nrows, &s->converted[c],
                                          &same, s->cols[c].name, first_row, err);
        if (st != KT_OK) {
            if (s->opts.source_name) kt_error_prefix(err, "%s", s->opts.source_name);
            return st;
        }
        s->batch[c] = same ? cols[c] : s->converted[c];
    }
    return kt_pq_writer_write(s->pq, s->batch, nrows, err);
}

kt_status kt_sink_write(kt_sink *s, const kt_column *cols, size_t nrows, int64_t first_row,
                        kt_error *err)
{
    if (s->opts.format == KT_SINK_PARQUET) return write_parquet(s, cols, nrows, first_row, err);
    if (s->opts.format == KT_SINK_TABLE) return kt_table_writer_rows(&s->table, cols, 0, nrows, err);
    return kt_row_writer_rows(&s->rows, cols, 0, nrows, err);
}

static kt_status commit_text(kt_sink *s, kt_error *err)
{
    if (s->table_ready) KT_TRY(kt_table_writer_flush(&s->table, err));
    else KT_TRY(kt_row_writer_flush(&s->rows, err));
    if (!s->tmp_path) {
        if (!s->file || s->file == stdout) return KT_OK;
        int rc = fclose(s->file);   /* a special file written in place */
        s->file = NULL;
        return rc == 0 ? KT_OK : kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", s->opts.out_path);
    }
    if (fsync(fileno(s->file)) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: fsync failed", s->opts.out_path);
    int rc = fclose(s->file);
    s->file = NULL;
    if (rc != 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", s->opts.out_path);
    if (rename(s->tmp_path, s->opts.out_path) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot rename into place", s->opts.out_path);
    free(s->tmp_path);
    s->tmp_path = NULL;
    return KT_OK;
}

kt_status kt_sink_close(kt_sink *s, kt_error *err)
{
    return s->opts.format == KT_SINK_PARQUET ? kt_pq_writer_close(s->pq, err) : commit_text(s, err);
}

void kt_sink_free(kt_sink *s)
{
    if (!s) return;
    if (s->pq) kt_pq_writer_free(s->pq);
    if (s->file && s->file != stdout) fclose(s->file);
    if (s->tmp_path) {
        unlink(s->tmp_path);
        free(s->tmp_path);
    }
    if (s->rows_ready) kt_row_writer_free(&s->rows);
    if (s->table_ready) kt_table_writer_free(&s->table);
    if (s->converted)
        for (size_t c = 0; c < s->ncols; c++) kt_column_free(&s->converted[c]);
    free(s->converted);
    free(s->batch);
    free(s->names);
    free(s->renders);
    free(s->cols);
    free(s);
}
