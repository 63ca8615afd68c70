/*
 * tests/fuzz/parquet_read_harness.h — one input through the whole reader:
 * open from memory, read every row group with every column, fetch every
 * statistic, and check the invariants a caller relies on (errors name the
 * file, columns have exactly the row group's rows, validity and offsets
 * are consistent). Shared by the libFuzzer target and the unit test that
 * replays tests/fuzz/regressions/. Returns 0, or aborts on a violation.
 */
#ifndef KT_TESTS_PARQUET_READ_HARNESS_H
#define KT_TESTS_PARQUET_READ_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/reader.h"

#define KT_HARNESS_NAME "fuzz.parquet"

static void kt_harness_violation(const char *what, const char *detail)
{
    fprintf(stderr, "parquet read harness: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void kt_harness_check_error(kt_status st, const kt_error *err)
{
    if (st == KT_OK) return;
    if (strncmp(err->msg, KT_HARNESS_NAME ": ", strlen(KT_HARNESS_NAME) + 2) != 0)
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

static int kt_harness_run(const uint8_t *data, size_t size)
{
    kt_error err;
    kt_pq_reader *r = NULL;
    kt_status st = kt_pq_open_memory(data, size, KT_HARNESS_NAME, &r, &err);
    kt_harness_check_error(st, &err);
    if (st != KT_OK) return 0;
    kt_pq_set_memory_limit(r, (size_t)64 << 20);
    int nc = kt_pq_num_columns(r);
    int *cols = malloc(sizeof(int) * (size_t)(nc + 1));
    kt_column *out = calloc((size_t)nc + 1, sizeof *out);
    if (!cols || !out) abort();
    for (int c = 0; c < nc; c++) {
        cols[c] = c;
        kt_column_init(&out[c], KT_INT64);
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
        kt_harness_check_error(st, &err);
        if (st != KT_OK) continue;
        for (int c = 0; c < nc; c++) {
            if (out[c].type != kt_pq_column(r, c)->value_type) kt_harness_violation("column has the wrong type", NULL);
            kt_harness_check_column(&out[c], kt_pq_row_group_rows(r, g));
        }
    }
    for (int c = 0; c < nc; c++) kt_column_free(&out[c]);
    free(out);
    free(cols);
    kt_pq_close(r);
    return 0;
}

#endif
