/*
 * tests/fuzz/parquet_read_harness.h — one input through the whole reader:
 * open from memory, read every row group with every column, fetch every
 * statistic, and check the invariants a caller relies on (errors name the
 * file, columns have exactly the row group's rows, validity and offsets
 * are consistent), then the same through a file with a small window,
 * which must agree value for value. Shared by the libFuzzer target and
 * the unit test that replays tests/fuzz/regressions/. Returns 0, or
 * aborts on a violation.
 */
#ifndef KT_TESTS_PARQUET_READ_HARNESS_H
#define KT_TESTS_PARQUET_READ_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/reader.h"
#include "format/parquet/reader_internal.h"   /* a small file window */

#define KT_HARNESS_NAME "fuzz.parquet"

static void kt_harness_violation(const char *what, const char *detail)
{
    fprintf(stderr, "parquet read harness: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void kt_harness_check_error(kt_status st, const kt_error *err, const char *name)
{
    if (st == KT_OK) return;
    if (strncmp(err->msg, name, strlen(name)) != 0 || strncmp(err->msg + strlen(name), ": ", 2) != 0)
        kt_harness_violation("error message does not start with the file name", err->msg);
    if (strchr(err->msg, '\n')) kt_harness_violation("error message spans lines", err->msg);
}

static void kt_harness_check_column(const kt_column *c, int64_t rows)
{
    if ((int64_t)c->len != rows) kt_harness_violation("column length differs from the row count", NULL);
    size_t nulls = 0;
    for (size_t i = 0; i < c->len; i++) nulls += !kt_column_is_valid(c, i);
    if (nulls != c->null_count) kt_harness_violation("null_count disagrees with validity", NULL);
    if (c->type == KT_BYTES && c->len) {
        if (c->offsets[0] != 0) kt_harness_violation("offsets do not start at 0", NULL);
        for (size_t i = 0; i < c->len; i++)
            if (c->offsets[i + 1] < c->offsets[i]) kt_harness_violation("offsets decrease", NULL);
        if ((size_t)c->offsets[c->len] > c->bytes_cap) kt_harness_violation("offsets past the payload", NULL);
    }
}

/* The file pass reads the same bytes through a file and a small window,
 * with dictionary codes on, so refills, header retries, the direct page
 * path and codes all run; both passes must agree value for value (codes
 * once materialised). */
static void kt_harness_same_column(const kt_column *a, const kt_column *b)
{
    if (a->type != b->type || a->len != b->len || a->null_count != b->null_count)
        kt_harness_violation("file and memory reads differ", "shape");
    for (size_t i = 0; i < a->len; i++)
        if (kt_column_is_valid(a, i) != kt_column_is_valid(b, i))
            kt_harness_violation("file and memory reads differ", "validity");
    if (a->type == KT_BYTES) {
        if (a->len && (memcmp(a->offsets, b->offsets, (a->len + 1) * sizeof *a->offsets) != 0 ||
                       memcmp(a->bytes, b->bytes, (size_t)a->offsets[a->len]) != 0))
            kt_harness_violation("file and memory reads differ", "bytes");
    } else if (a->len && memcmp(a->values, b->values, a->len * kt_type_width(a->type)) != 0) {
        kt_harness_violation("file and memory reads differ", "values");
    }
}

/* Opens the input as a file (an unlinked temporary, by /proc/self/fd). */
static kt_pq_reader *kt_harness_open_file(const uint8_t *data, size_t size, FILE **tmp, char *name,
                                          size_t name_len)
{
    *tmp = tmpfile();
    if (!*tmp) return NULL;
    if (size && fwrite(data, 1, size, *tmp) != size) return NULL;
    if (fflush(*tmp) != 0) return NULL;
    snprintf(name, name_len, "/proc/self/fd/%d", fileno(*tmp));
    kt_pq_reader *r = NULL;
    kt_error err;
    kt_status st = kt_pq_open(name, &r, &err);
    kt_harness_check_error(st, &err, name);
    if (st != KT_OK) return NULL;
    kt_pq_set_memory_limit(r, (size_t)64 << 20);
    r->window = 64 + size % 4093;
    kt_pq_set_dictionary_codes(r, true);
    kt_pq_set_huge_pages(r, true);
    return r;
}

static int kt_harness_run(const uint8_t *data, size_t size)
{
    kt_error err, ferr;
    kt_pq_reader *r = NULL;
    kt_status st = kt_pq_open_memory(data, size, KT_HARNESS_NAME, &r, &err);
    kt_harness_check_error(st, &err, KT_HARNESS_NAME);
    if (st != KT_OK) return 0;
    kt_pq_set_memory_limit(r, (size_t)64 << 20);
    FILE *tmp = NULL;
    char fname[64];
    kt_pq_reader *fr = kt_harness_open_file(data, size, &tmp, fname, sizeof fname);
    int nc = kt_pq_num_columns(r);
    int *cols = malloc(sizeof(int) * (size_t)(nc + 1));
    kt_column *out = calloc((size_t)nc + 1, sizeof *out);
    kt_column *fout = calloc((size_t)nc + 1, sizeof *fout);
    if (!cols || !out || !fout) abort();
    for (int c = 0; c < nc; c++) {
        cols[c] = c;
        kt_column_init(&out[c], KT_INT64);
        kt_column_init(&fout[c], KT_INT64);
    }
    for (int g = 0; g < kt_pq_num_row_groups(r); g++) {
        for (int c = 0; c < nc; c++) {
            kt_pq_column_stats s;
            if (kt_pq_column_stats_get(r, g, c, &s) != KT_OK) kt_harness_violation("stats_get refused valid indices", NULL);
            if (s.has_min_max && kt_pq_column(r, c)->value_type == KT_BYTES) {
                volatile unsigned sum = 0;   /* ASan checks every byte of both bounds */
                for (size_t i = 0; i < s.min_len; i++) sum += s.min_bytes[i];
                for (size_t i = 0; i < s.max_len; i++) sum += s.max_bytes[i];
            }
        }
        st = kt_pq_read_row_group(r, g, cols, nc, out, &err);
        kt_harness_check_error(st, &err, KT_HARNESS_NAME);
        kt_status fst = st;
        if (fr) {
            fst = kt_pq_read_row_group(fr, g, cols, nc, fout, &ferr);
            kt_harness_check_error(fst, &ferr, fname);
            if ((fst == KT_OK) != (st == KT_OK)) kt_harness_violation("file and memory reads differ", "status");
        }
        if (st != KT_OK) continue;
        for (int c = 0; c < nc; c++) {
            if (out[c].type != kt_pq_column(r, c)->value_type) kt_harness_violation("column has the wrong type", NULL);
            kt_harness_check_column(&out[c], kt_pq_row_group_rows(r, g));
            if (!fr) continue;
            const kt_column *dict = kt_pq_dictionary(fr, c);
            if ((dict != NULL) != (fout[c].type != out[c].type))
                kt_harness_violation("dictionary codes without a dictionary (or the reverse)", NULL);
            if (!dict) {
                kt_harness_same_column(&out[c], &fout[c]);
                continue;
            }
            kt_column m;
            kt_column_init(&m, KT_BYTES);
            if (kt_pq_materialize(&fout[c], dict, &m, &ferr) != KT_OK)
                kt_harness_violation("codes do not materialise", ferr.msg);
            kt_harness_same_column(&out[c], &m);
            kt_column_free(&m);
        }
    }
    for (int c = 0; c < nc; c++) {
        kt_column_free(&out[c]);
        kt_column_free(&fout[c]);
    }
    free(out);
    free(fout);
    free(cols);
    kt_pq_close(r);
    kt_pq_close(fr);
    if (tmp) fclose(tmp);
    return 0;
}

#endif
