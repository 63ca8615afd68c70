/*
 * tests/unit/process_fixture.h — building `raw` tables directly with the
 * Delta API (created by ingest's own kt_ingest_open_tables), so tests control
 * how readings are split into files and ordered, and
 * reading a table's rows back with the Parquet reader, for the process
 * tests. Header-only so each test binary stays one file.
 */
#ifndef KT_TEST_PROCESS_FIXTURE_H
#define KT_TEST_PROCESS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/reader.h"
#include "lake/delta/delta.h"
#include "pipeline/channels.h"
#include "pipeline/ingest_tables.h"
#include "pipeline/run_readings.h"

/* The raw table exactly as ingest creates it. */
static inline kt_status pf_create_raw(const char *lake, kt_delta_table **t, kt_error *err)
{
    kt_delta_options o = { .no_fsync = true };
    kt_ingest_tables tables;
    kt_status st = kt_ingest_open_tables(lake, &o, &tables, err);
    if (st != KT_OK) return st;
    kt_delta_close(tables.quarantine);
    *t = tables.raw;
    return KT_OK;
}

/* Appends one reading to the six non-partition raw columns, `field` as the given text. */
static inline kt_status pf_push_raw_row(kt_column c[6], const kt_reading *r, const char *field, const char *source)
{
    const char *sensor = r->field >= KT_FIELD_X ? "encoder" : "load_cell";
    kt_status st = kt_column_push_i64(&c[0], r->time_us);
    if (st == KT_OK) st = kt_column_push_i32(&c[1], r->robot);
    if (st == KT_OK) st = kt_column_push_bytes(&c[2], sensor, strlen(sensor));
    if (st == KT_OK) st = kt_column_push_bytes(&c[3], field, strlen(field));
    if (st == KT_OK) st = kt_column_push_double(&c[4], r->value);
    if (st == KT_OK) st = kt_column_push_bytes(&c[5], source, strlen(source));
    return st;
}

/* One commit adding, as one file of partition run, the readings r[0..n)
 * (robot_id written as given); with `window`, only those whose time is in
 * (after_us, until_us]. */
static inline kt_status pf_append_raw_window(kt_delta_table *t, const char *run, const kt_reading *r, size_t n,
                                             bool window, int64_t after_us, int64_t until_us,
                                             const char *source, kt_error *err)
{
    kt_column c[6];
    kt_column_init(&c[0], KT_INT64);
    kt_column_init(&c[1], KT_INT32);
    kt_column_init(&c[2], KT_BYTES);
    kt_column_init(&c[3], KT_BYTES);
    kt_column_init(&c[4], KT_DOUBLE);
    kt_column_init(&c[5], KT_BYTES);
    kt_status st = KT_OK;
    size_t rows = 0;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        if (window && (r[i].time_us <= after_us || r[i].time_us > until_us)) continue;
        st = pf_push_raw_row(c, &r[i], kt_field_name((kt_field)r[i].field), source);
        rows++;
    }
    kt_delta_txn *x = NULL;
    const char *pv[1] = { run };
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &x, err);
    if (st == KT_OK) st = kt_delta_txn_write_partition(x, pv, c, 6, rows, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    for (int i = 0; i < 6; i++) kt_column_free(&c[i]);
    return st;
}

/* One commit adding readings r[0..n) of run as one file (robot_id written as given). */
static inline kt_status pf_append_raw(kt_delta_table *t, const char *run, const kt_reading *r, size_t n,
                                      const char *source, kt_error *err)
{
    return pf_append_raw_window(t, run, r, n, false, 0, 0, source, err);
}

/* Rows of a table's active files (all of them, or those of partition run),
 * concatenated in path order, columns in file order. */
typedef struct pf_rows {
    kt_column *cols;
    char **names;
    int ncols;
    size_t rows;
    size_t files;
} pf_rows;

static inline void pf_rows_free(pf_rows *r)
{
    for (int c = 0; c < r->ncols; c++) {
        kt_column_free(&r->cols[c]);
        free(r->names[c]);
    }
    free(r->cols);
    free(r->names);
    memset(r, 0, sizeof *r);
}

static inline kt_status pf_read_file(const char *path, pf_rows *out, kt_error *err)
{
    kt_pq_reader *rd;
    kt_status st = kt_pq_open(path, &rd, err);
    if (st != KT_OK) return st;
    int n = kt_pq_num_columns(rd);
    if (n <= 0) {
        kt_pq_close(rd);
        return kt_fail(err, KT_ERR_FORMAT, "%s: no columns", path);
    }
    if (!out->cols) {
        out->ncols = n;
        out->cols = calloc((size_t)n, sizeof *out->cols);
        out->names = calloc((size_t)n, sizeof *out->names);
        for (int c = 0; c < n; c++) {
            kt_column_init(&out->cols[c], kt_pq_column(rd, c)->value_type);
            out->names[c] = strdup(kt_pq_column(rd, c)->name);
        }
    }
    if (n != out->ncols) st = kt_fail(err, KT_ERR_FORMAT, "%s: column count differs", path);
    int *idx = calloc((size_t)n, sizeof *idx);
    kt_column *tmp = calloc((size_t)n, sizeof *tmp);
    for (int c = 0; c < n; c++) {
        idx[c] = c;
        kt_column_init(&tmp[c], KT_BOOL);
    }
    for (int g = 0; st == KT_OK && g < kt_pq_num_row_groups(rd); g++) {
        st = kt_pq_read_row_group(rd, g, idx, n, tmp, err);
        for (int c = 0; st == KT_OK && c < n; c++)
            for (size_t i = 0; st == KT_OK && i < tmp[c].len; i++) st = kt_column_push_from(&out->cols[c], &tmp[c], i);
        if (st == KT_OK) out->rows += tmp[0].len;
    }
    for (int c = 0; c < n; c++) kt_column_free(&tmp[c]);
    free(tmp);
    free(idx);
    kt_pq_close(rd);
    out->files++;
    return st;
}

static inline kt_status pf_read_table(const char *lake, const char *table, const char *run, pf_rows *out,
                                      kt_error *err)
{
    memset(out, 0, sizeof *out);
    kt_delta_table *t;
    kt_delta_snapshot *s = NULL;
    kt_status st = kt_delta_open_in_lake(lake, table, NULL, &t, err);
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &s, err);
    for (size_t i = 0; st == KT_OK && i < kt_delta_snapshot_num_files(s); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        if (run && (!f->partition_values[0] || strcmp(f->partition_values[0], run) != 0)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", kt_delta_dir(t), f->path);
        st = pf_read_file(path, out, err);
    }
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return st;
}

static inline int pf_col(const pf_rows *r, const char *name)
{
    for (int c = 0; c < r->ncols; c++)
        if (strcmp(r->names[c], name) == 0) return c;
    return -1;
}

/* Same value and validity in every cell (doubles bit for bit). */
static inline bool pf_column_equal(const kt_column *a, const kt_column *b)
{
    if (a->type != b->type || a->len != b->len) return false;
    for (size_t i = 0; i < a->len; i++) {
        bool va = kt_column_is_valid(a, i), vb = kt_column_is_valid(b, i);
        if (va != vb) return false;
        if (!va) continue;
        if (a->type == KT_BYTES) {
            size_t la, lb;
            const char *x = kt_column_bytes_at(a, i, &la), *y = kt_column_bytes_at(b, i, &lb);
            if (la != lb || memcmp(x, y, la) != 0) return false;
        } else {
            size_t w = kt_type_width(a->type);
            if (memcmp((const char *)a->values + i * w, (const char *)b->values + i * w, w) != 0) return false;
        }
    }
    return true;
}

#endif
