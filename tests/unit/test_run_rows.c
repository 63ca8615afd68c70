/*
 * tests/unit/test_run_rows.c — output rows a slice at a time
 * (pipeline/run_rows.h): whatever the slice size, the order in which a
 * slice's columns are asked, whether the slice lives in a lent buffer (with
 * room for the norm sums or not) or in buffers of its own, every column
 * equals kt_transform_run's whole columns bit for bit — including the
 * masks asked before their channels and norms asked before their axes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/run_rows.h"
#include "pipeline/transform.h"
#include "transform_fixture.h"

#define COLS KT_RUN_ROWS_COLUMNS

/* Column col of want, rows [first, first + n), equals got (values of valid cells and validity). */
static bool same_rows(const kt_column *want, size_t first, const kt_column *got, size_t n)
{
    size_t w = kt_type_width(want->type);
    if (got->type != want->type || got->len != n) return false;
    for (size_t r = 0; r < n; r++) {
        bool vw = kt_column_is_valid(want, first + r), vg = kt_column_is_valid(got, r);
        if (vw != vg) return false;
        if (vw && memcmp((const char *)want->values + (first + r) * w, (const char *)got->values + r * w, w))
            return false;
    }
    return true;
}

typedef enum order { IN_ORDER, REVERSED } order;

/* Every slice of `slice` rows, columns in the given order; false at the first difference. */
static bool slices_match(kt_run_rows *rr, const kt_run_output *whole, const kt_run_series *src, size_t slice,
                         order ord, size_t *bad_col, size_t *bad_first)
{
    kt_named_column named[COLS];
    kt_features_named_columns(&whole->aligned, &whole->features, named);
    kt_run_rows_start(rr, src);
    kt_error err = { 0 };
    for (size_t first = 0; first < whole->rows; first += slice) {
        size_t n = whole->rows - first < slice ? whole->rows - first : slice;
        for (size_t i = 0; i < COLS; i++) {
            size_t col = ord == IN_ORDER ? i : COLS - 1 - i;
            const kt_column *got;
            *bad_col = col;
            *bad_first = first;
            if (kt_run_rows_column(rr, first, n, col, &got, &err) != KT_OK) return false;
            if (!same_rows(named[col].column, first, got, n)) return false;
        }
    }
    return true;
}

TEST(slices_equal_the_whole_columns_in_any_size_and_order)
{
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 90.0, 5) == 0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_error err = { 0 };
    kt_transform *t = kt_transform_new(0);
    const kt_run_output *whole;
    CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &whole, &err), &err);
    CHECK(whole->rows > 20000);
    kt_run_series src = whole->series;   /* borrowed from t, valid until its next run */
    src.times = NULL;                    /* merge the timeline slice by slice */
    src.times_kept = false;
    kt_run_rows rr;
    kt_run_rows_init(&rr);
    size_t col = 0, first = 0;
    static const size_t sizes[] = { 32768, 777, 1 << 20 };
    for (size_t k = 0; k < 3; k++) {
        CHECK_MSG(slices_match(&rr, whole, &src, sizes[k], IN_ORDER, &col, &first),
                  "own buffers, slices of %zu: column %zu differs in the slice at %zu", sizes[k], col, first);
        CHECK_MSG(slices_match(&rr, whole, &src, sizes[k], REVERSED, &col, &first),
                  "own buffers, reversed, slices of %zu: column %zu at %zu", sizes[k], col, first);
    }
    CHECK(kt_run_rows_bytes(&rr) > 0);
    /* lent: first just room for the slice (no norm sums), then room for the sums too */
    size_t slice = 5000;
    size_t lend[2] = { slice * KT_RUN_ROWS_ROW_BYTES, slice * (KT_RUN_ROWS_ROW_BYTES + 54) + 64 };
    for (int k = 0; k < 2; k++) {
        void *buf = aligned_alloc(16, (lend[k] + 15) / 16 * 16);
        CHECK(buf != NULL);
        kt_run_rows_lend(&rr, buf, lend[k]);
        bool ok = slices_match(&rr, whole, &src, slice, IN_ORDER, &col, &first) &&
                  slices_match(&rr, whole, &src, slice, REVERSED, &col, &first);
        size_t own = kt_run_rows_bytes(&rr);
        kt_run_rows_lend(&rr, NULL, 0);
        free(buf);
        CHECK_MSG(ok, "lent %zu bytes: column %zu differs in the slice at %zu", lend[k], col, first);
        CHECK_EQ_INT(own, 0);   /* the slice lived in the loan */
    }
    kt_run_rows_free(&rr);
    kt_transform_free(t);
    tf_run_free(&run);
}

TEST(slices_go_forward_only)
{
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 5.0, 6) == 0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_error err = { 0 };
    kt_transform *t = kt_transform_new(0);
    const kt_run_output *whole;
    CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &whole, &err), &err);
    kt_run_rows rr;
    kt_run_rows_init(&rr);
    kt_run_rows_start(&rr, &whole->series);
    const kt_column *c;
    CHECK_OK(kt_run_rows_column(&rr, 0, 100, 1, &c, &err), &err);
    CHECK_OK(kt_run_rows_column(&rr, 100, 100, 1, &c, &err), &err);
    CHECK_EQ_INT(kt_run_rows_column(&rr, 50, 100, 1, &c, &err), KT_ERR_USAGE);          /* backwards */
    CHECK_EQ_INT(kt_run_rows_column(&rr, 300, 100, 1, &c, &err), KT_ERR_USAGE);         /* a gap */
    CHECK_EQ_INT(kt_run_rows_column(&rr, 200, whole->rows, 1, &c, &err), KT_ERR_USAGE); /* past the end */
    CHECK_EQ_INT(kt_run_rows_column(&rr, 200, 100, COLS, &c, &err), KT_ERR_USAGE);      /* no such column */
    CHECK_OK(kt_run_rows_column(&rr, 0, 100, 0, &c, &err), &err);                       /* rewind */
    kt_run_rows_free(&rr);
    kt_transform_free(t);
    tf_run_free(&run);
}

TEST_MAIN_BEGIN("run_rows")
    RUN(ctx, slices_equal_the_whole_columns_in_any_size_and_order);
    RUN(ctx, slices_go_forward_only);
TEST_MAIN_END()
