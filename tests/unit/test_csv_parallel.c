/*
 * tests/unit/test_csv_parallel.c — CSV rows rendered on two threads
 * (cli/csv_parallel.c) must be byte for byte the single-thread text, and
 * the single-thread direct paths (cli/row_format.c) must agree with the
 * general value renderer cell by cell. Inputs: batches of several chunks
 * with every column type kinetl tables hold — doubles (repeats, -0, NaN,
 * infinities, subnormals), ints, timestamps across days and before 1970
 * and past 9999, strings that need quoting, repeat, are long or invalid
 * UTF-8 — with nulls, in batch sizes around the chunk size.
 */
#define _GNU_SOURCE   /* open_memstream: in-memory output */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../src/cli/row_format.c"
#include "../../src/cli/csv_parallel.c"

enum { NCOLS = 7 };

static const char *const NAMES[NCOLS] = { "run", "time", "a", "b", "mask", "note", "big" };
static const kt_render_type TYPES[NCOLS] = {
    { .kind = KT_R_STRING }, { .kind = KT_R_TIMESTAMP, .digits = 6, .utc = true }, { .kind = KT_R_DOUBLE },
    { .kind = KT_R_DOUBLE }, { .kind = KT_R_INT }, { .kind = KT_R_STRING }, { .kind = KT_R_INT },
};
static const kt_type COLUMN_TYPES[NCOLS] = { KT_BYTES, KT_INT64, KT_DOUBLE, KT_DOUBLE, KT_INT32, KT_BYTES, KT_INT64 };

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double odd_double(uint64_t r)
{
    static const double SPECIAL[] = { 0.0, -0.0, 1.0, 5e-324, 1e300, -2.5e-7 };
    switch (r % 16) {
    case 0: return NAN;
    case 1: return r & 16 ? INFINITY : -INFINITY;
    case 2: return SPECIAL[(r >> 8) % 6];
    default: {
        double d;
        uint64_t bits = (r >> 4) | (1ULL << 62);
        memcpy(&d, &bits, sizeof d);
        return isfinite(d) ? d : 1.5;
    }
    }
}

static void fill(kt_column *cols, size_t rows, uint64_t seed)
{
    static const char *const NOTES[] = { "plain", "with,comma", "with \"quote\"", "", "line\nbreak",
                                         "bad \xff utf8", "a string longer than the forty-eight bytes a memo keeps" };
    uint64_t s = seed;
    for (int c = 0; c < NCOLS; c++) kt_column_init(&cols[c], COLUMN_TYPES[c]);
    double held = 123.456;
    for (size_t r = 0; r < rows; r++) {
        uint64_t x = rng_next(&s);
        const char *run = r < rows / 2 ? "7582293080991470000" : "905";
        kt_column_push_bytes(&cols[0], run, strlen(run));
        int64_t t = (int64_t)r * 27377011 - 3 * 86400000000LL + (r % 5000 == 7 ? 400000000000000000LL : 0);
        if (x % 97 == 0) kt_column_push_null(&cols[1]);
        else kt_column_push_i64(&cols[1], t);
        if (x % 13 == 0) held = odd_double(rng_next(&s));
        kt_column_push_double(&cols[2], held);
        if (x % 11 == 0) kt_column_push_null(&cols[3]);
        else kt_column_push_double(&cols[3], (x & 1) ? odd_double(x >> 1) : (double)(x % 100000) / 7.0);
        kt_column_push_i32(&cols[4], (int32_t)(x >> 40) - (1 << 23));
        const char *note = NOTES[(x >> 20) % 7];
        if (x % 5 == 0) kt_column_push_null(&cols[5]);
        else kt_column_push_bytes(&cols[5], note, strlen(note));
        kt_column_push_i64(&cols[6], (int64_t)x);
    }
}

/* The CSV of cols in batches of `batch` rows with `threads` threads. */
static char *render_csv(const kt_column *cols, size_t rows, size_t batch, int threads, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    kt_row_writer w;
    kt_error err = { 0 };
    bool ok = f && kt_row_writer_init(&w, KT_TEXT_CSV, NAMES, TYPES, NCOLS, f, "memory") == KT_OK;
    if (ok) {
        w.threads = threads;
        ok = kt_row_writer_header(&w, &err) == KT_OK;
        for (size_t from = 0; ok && from < rows; from += batch)
            ok = kt_row_writer_rows(&w, cols, from, from + batch < rows ? batch : rows - from, &err) == KT_OK;
        ok = ok && kt_row_writer_flush(&w, &err) == KT_OK;
        kt_row_writer_free(&w);
    }
    if (f) fclose(f);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* The same rows through the general renderer, cell by cell. */
static char *render_reference(const kt_column *cols, size_t rows)
{
    kt_buf b;
    kt_buf_init(&b);
    for (int c = 0; c < NCOLS; c++) {
        if (c) kt_buf_append_byte(&b, ',');
        kt_buf_append_str(&b, NAMES[c]);
    }
    kt_buf_append_byte(&b, '\n');
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < NCOLS; c++) {
            if (c) kt_buf_append_byte(&b, ',');
            if (!kt_column_is_valid(&cols[c], r)) continue;
            kt_scalar v = kt_scalar_from_column(&cols[c], r);
            kt_render_scalar(&b, &TYPES[c], &v, KT_TEXT_CSV);
        }
        kt_buf_append_byte(&b, '\n');
    }
    kt_buf_append_byte(&b, 0);
    return (char *)b.data;
}

static void free_cols(kt_column *cols)
{
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
}

TEST(direct_paths_match_general_renderer)
{
    kt_column cols[NCOLS];
    size_t rows = 3 * KT_CSV_CHUNK_ROWS + 17;
    fill(cols, rows, 1);
    size_t len;
    char *serial = render_csv(cols, rows, rows, 1, &len);
    char *ref = render_reference(cols, rows);
    CHECK(serial && ref);
    size_t i = 0;
    while (serial[i] && serial[i] == ref[i]) i++;
    CHECK_MSG(serial[i] == ref[i], "texts differ at byte %zu: '%.40s' vs '%.40s'", i, serial + i, ref + i);
    free(serial);
    free(ref);
    free_cols(cols);
}

TEST(two_threads_write_the_same_bytes)
{
    kt_column cols[NCOLS];
    size_t rows = 9 * KT_CSV_CHUNK_ROWS + 1234;
    fill(cols, rows, 2);
    size_t batches[] = { rows, 2 * KT_CSV_CHUNK_ROWS, 2 * KT_CSV_CHUNK_ROWS + 1, 5 * KT_CSV_CHUNK_ROWS - 3, 1000 };
    size_t len1;
    char *one = render_csv(cols, rows, rows, 1, &len1);
    CHECK(one != NULL);
    for (size_t k = 0; k < sizeof batches / sizeof batches[0]; k++) {
        size_t len2;
        char *two = render_csv(cols, rows, batches[k], 2, &len2);
        CHECK(two != NULL);
        bool same = len1 == len2 && !memcmp(one, two, len1);
        free(two);
        CHECK_MSG(same, "batch %zu: %zu vs %zu bytes", batches[k], len1, len2);
    }
    free(one);
    free_cols(cols);
}

/* A write error (the stream refuses bytes) stops both threads and is reported. */
TEST(write_error_reported)
{
    kt_column cols[NCOLS];
    size_t rows = 6 * KT_CSV_CHUNK_ROWS;
    fill(cols, rows, 3);
    char small[64];
    FILE *f = fmemopen(small, sizeof small, "w");
    CHECK(f != NULL);
    setvbuf(f, NULL, _IONBF, 0);
    kt_row_writer w;
    kt_error err = { 0 };
    CHECK(kt_row_writer_init(&w, KT_TEXT_CSV, NAMES, TYPES, NCOLS, f, "small") == KT_OK);
    w.threads = 2;
    kt_status st = kt_row_writer_header(&w, &err);
    if (st == KT_OK) st = kt_row_writer_rows(&w, cols, 0, rows, &err);
    kt_row_writer_free(&w);
    fclose(f);
    free_cols(cols);
    CHECK_EQ_INT(st, KT_ERR_IO);
    CHECK(strstr(err.msg, "small") != NULL);
}

int main(void)
{
    kt_test_ctx ctx = { .suite = "csv_parallel" };
    RUN(&ctx, direct_paths_match_general_renderer);
    RUN(&ctx, two_threads_write_the_same_bytes);
    RUN(&ctx, write_error_reported);
    return ctx.total_failed ? 1 : 0;
}
