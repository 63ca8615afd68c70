/*
 * tests/unit/test_table_scan.c — lake/scan/table_scan: file order, pruning
 * by partition and by statistics, projection, synthesised partition
 * columns, schema evolution, bounded batches — checked against the rows
 * the test lake was built from (the transform's own outputs).
 *
 * Also the test lake maker for the script tests:
 *   test_table_scan --make-lake DIR [--runs N] [--seconds S] [--row-group-rows R]
 *   test_table_scan --reprocess DIR RUN_INDEX [same options]
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "access_lake.h"
#include "check.h"
#include "delta_fixture.h"
#include "lake/scan/table_scan.h"
#include "pipeline/transform.h"
#include "transform_fixture.h"

/* ------------------------------------------------------------ fixtures */

typedef struct scan_result {
    size_t rows, batches, max_batch, files;
    kt_column *cols;  /* concatenated */
    size_t ncols;
} scan_result;

static void result_free(scan_result *r)
{
    for (size_t c = 0; c < r->ncols; c++) kt_column_free(&r->cols[c]);
    free(r->cols);
    memset(r, 0, sizeof *r);
}

/* Scans table `name` of lake with o; the rows concatenated in r. */
static kt_status scan_all(const char *lake, const char *name, const kt_scan_options *o, scan_result *r,
                          kt_error *err)
{
    memset(r, 0, sizeof *r);
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_scan *s = NULL;
    kt_status st = kt_delta_open_in_lake(lake, name, NULL, &t, err);
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &snap, err);
    if (st == KT_OK) st = kt_scan_open(t, snap, o, &s, err);
    if (st == KT_OK) {
        r->files = kt_scan_num_files(s);
        r->ncols = kt_scan_num_columns(s);
        r->cols = calloc(r->ncols ? r->ncols : 1, sizeof *r->cols);
        for (size_t c = 0; c < r->ncols; c++)
            kt_column_init(&r->cols[c], kt_delta_type_column(kt_scan_column(s, c)->type));
    }
    while (st == KT_OK) {
        const kt_column *cols;
        size_t n;
        st = kt_scan_next(s, &cols, &n, err);
        if (st != KT_OK || n == 0) break;
        r->batches++;
        if (n > r->max_batch) r->max_batch = n;
        r->rows += n;
        for (size_t c = 0; c < r->ncols && st == KT_OK; c++) {
            if (cols[c].len != n) st = kt_fail(err, KT_ERR_INTERNAL, "column %zu has %zu rows, batch %zu", c,
                                               cols[c].len, n);
            for (size_t k = 0; k < n && st == KT_OK; k++) st = kt_column_push_from(&r->cols[c], &cols[c], k);
        }
    }
    kt_scan_free(s);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    return st;
}

static bool bytes_eq(const kt_column *c, size_t row, const char *s)
{
    size_t len;
    const char *v = kt_column_bytes_at(c, row, &len);
    return len == strlen(s) && memcmp(v, s, len) == 0;
}

static int field_index(const char *lake, const char *table, const char *name)
{
    kt_delta_table *t = NULL;
    kt_delta_snapshot *s = NULL;
    int i = -1;
    if (kt_delta_open_in_lake(lake, table, NULL, &t, NULL) == KT_OK &&
        kt_delta_snapshot_load(t, -1, &s, NULL) == KT_OK)
        i = kt_delta_snapshot_find_field(s, name);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return i;
}

static const al_options LAKE_OPTS = { .runs = 3, .seconds = 4.0, .row_group_rows = 500 };

static char *make_lake(void)
{
    char *dir = fx_tempdir("scan");
    kt_error err = { 0 };
    if (dir && al_make_lake(dir, &LAKE_OPTS, &err) != KT_OK) {
        fprintf(stderr, "make lake: %s\n", err.msg);
        fx_rmrf(dir);
        free(dir);
        return NULL;
    }
    return dir;
}

/* The transform's aligned output for run i, as the lake was built. */
static const kt_run_output *expected_run(kt_transform *tx, size_t i, tf_run *run)
{
    memset(run, 0, sizeof *run);
    if (tf_clean_run(run, LAKE_OPTS.seconds * (1.0 + (double)i / 4), 1000 + i)) return NULL;
    for (size_t k = 0; k < run->n; k++) run->r[k].time_us += (int64_t)i * 3600000000LL;
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    const kt_run_output *out = NULL;
    return kt_transform_run(tx, &cfg, run->r, run->n, &out, NULL) == KT_OK ? out : NULL;
}

/* ------------------------------------------------------------ tests */

TEST(values_order_numeric_then_text_then_null)
{
    CHECK(kt_scan_compare_values("905", "7582293080991470000") < 0);
    CHECK(kt_scan_compare_values("12405186538561671000", "7582293080991470000") > 0);
    CHECK(kt_scan_compare_values("0042", "42") == 0);
    CHECK(kt_scan_compare_values("007", "10") < 0);
    CHECK(kt_scan_compare_values("99", "abc") < 0);
    CHECK(kt_scan_compare_values("abc", "abd") < 0);
    CHECK(kt_scan_compare_values("abc", NULL) < 0);
    CHECK(kt_scan_compare_values(NULL, "1") > 0);
    CHECK(kt_scan_compare_values(NULL, NULL) == 0);
    CHECK(kt_scan_compare_values("-5", "3") > 0);   /* not digits only: text, after numbers */
}

/* Every aligned row, in run-id numeric order, equal to the transform's output. */
TEST(aligned_rows_in_order_equal_transform)
{
    char *lake = make_lake();
    CHECK(lake);
    kt_error err = { 0 };
    scan_result r;
    kt_status st = scan_all(lake, "aligned", NULL, &r, &err);
    CHECK_MSG(st == KT_OK, "%s", err.msg);
    /* numeric order of the ids: 905 (run 3 absent with 3 runs) -> 3141.. (2), 7582.. (0), 12405.. (1) */
    static const size_t order[] = { 2, 0, 1 };
    kt_transform *tx = kt_transform_new(0);
    size_t row = 0;
    int bad = 0;
    for (size_t k = 0; k < 3 && !bad; k++) {
        tf_run run;
        const kt_run_output *out = expected_run(tx, order[k], &run);
        if (!out) { bad = 1; tf_run_free(&run); break; }
        kt_named_column named[KT_ALIGNED_COLUMNS];
        size_t n = kt_aligned_named_columns(&out->aligned, named);
        for (size_t i = 0; i < out->aligned.rows && !bad; i++, row++) {
            if (row >= r.rows || !bytes_eq(&r.cols[0], row, al_run_id(order[k]))) bad = 2;
            for (size_t c = 0; c < n && !bad; c++) {
                const kt_column *want = named[c].column, *got = &r.cols[c + 1];
                if (kt_column_is_valid(want, i) != kt_column_is_valid(got, row)) bad = 3;
                else if (!kt_column_is_valid(want, i)) continue;
                else if (want->type == KT_DOUBLE && memcmp(&KT_COL_DOUBLE(want)[i], &KT_COL_DOUBLE(got)[row], 8)) bad = 4;
                else if (want->type == KT_INT64 && KT_COL_I64(want)[i] != KT_COL_I64(got)[row]) bad = 5;
                else if (want->type == KT_INT32 && KT_COL_I32(want)[i] != KT_COL_I32(got)[row]) bad = 6;
            }
        }
        tf_run_free(&run);
    }
    kt_transform_free(tx);
    size_t rows = r.rows, max_batch = r.max_batch;
    result_free(&r);
    fx_rmrf(lake);
    free(lake);
    CHECK_MSG(!bad, "mismatch kind %d at row %zu", bad, row);
    CHECK_EQ_INT(row, rows);
    CHECK(max_batch <= 500);   /* one row group at a time */
}

TEST(partition_filter_reads_only_that_run)
{
    char *lake = make_lake();
    CHECK(lake);
    kt_error err = { 0 };
    const char *runs[] = { "12405186538561671000" };
    kt_scan_filter f = { "run_uuid", runs, 1 };
    size_t fields[2] = { (size_t)field_index(lake, "raw", "value"), (size_t)field_index(lake, "raw", "run_uuid") };
    kt_scan_options o = { .fields = fields, .nfields = 2, .filter = &f };
    scan_result r;
    kt_status st = scan_all(lake, "raw", &o, &r, &err);
    int all_match = 1;
    for (size_t i = 0; i < r.rows; i++) all_match &= bytes_eq(&r.cols[1], i, runs[0]);
    tf_run run;
    memset(&run, 0, sizeof run);
    tf_clean_run(&run, LAKE_OPTS.seconds * 1.25, 1001);
    size_t want = run.n, files = r.files, rows = r.rows;
    double first = r.rows ? KT_COL_DOUBLE(&r.cols[0])[0] : 0;
    tf_run_free(&run);
    result_free(&r);
    fx_rmrf(lake);
    free(lake);
    CHECK_MSG(st == KT_OK, "%s", err.msg);
    CHECK_EQ_INT(files, 2);    /* the run's two raw commits, no other file opened */
    CHECK_EQ_INT(rows, want);
    CHECK(all_match);
    CHECK(first != 0);
}

/* run_stats is not partitioned: files pruned by add.stats, rows filtered. */
TEST(data_column_filter_prunes_by_stats)
{
    char *lake = make_lake();
    CHECK(lake);
    kt_error err = { 0 };
    const char *runs[] = { "905", "7582293080991470000", "3141592653589793000" };
    kt_scan_filter f = { "run_uuid", runs, 3 };
    size_t fields[1] = { (size_t)field_index(lake, "run_stats", "aligned_rows") };
    kt_scan_options o = { .fields = fields, .nfields = 1, .filter = &f };
    scan_result r;
    kt_status st = scan_all(lake, "run_stats", &o, &r, &err);
    size_t files = r.files, rows = r.rows;
    int64_t a0 = rows ? KT_COL_I64(&r.cols[0])[0] : -1, a1 = rows > 1 ? KT_COL_I64(&r.cols[0])[1] : -1;
    result_free(&r);
    kt_transform *tx = kt_transform_new(0);
    tf_run run2, run0;
    const kt_run_output *o2 = expected_run(tx, 2, &run2);
    int64_t want2 = o2 ? (int64_t)o2->aligned.rows : -2;
    const kt_run_output *o0 = expected_run(tx, 0, &run0);
    int64_t want0 = o0 ? (int64_t)o0->aligned.rows : -2;
    tf_run_free(&run2);
    tf_run_free(&run0);
    kt_transform_free(tx);
    fx_rmrf(lake);
    free(lake);
    CHECK_MSG(st == KT_OK, "%s", err.msg);
    CHECK_EQ_INT(files, 2);    /* 905 has no file; 12405... is pruned */
    CHECK_EQ_INT(rows, 2);
    /* unpartitioned: files of one commit come in path order, so either order */
    CHECK((a0 == want2 && a1 == want0) || (a0 == want0 && a1 == want2));
}

TEST(schema_evolution_missing_column_reads_null)
{
    char *dir = fx_tempdir("scanevo");
    CHECK(dir);
    kt_error err = { 0 };
    kt_delta_table *t = NULL;
    kt_delta_field f1[] = { { "id", KT_DELTA_LONG, false } };
    kt_delta_field added[] = { { "note", KT_DELTA_STRING, true } };
    kt_column c[2];
    kt_column_init(&c[0], KT_INT64);
    kt_column_init(&c[1], KT_BYTES);
    kt_column_push_i64(&c[0], 1);
    kt_delta_txn *x = NULL;
    kt_delta_options opts = { .no_fsync = true };
    kt_status st = kt_delta_open(dir, &opts, &t, &err);
    if (st == KT_OK) st = kt_delta_create(t, f1, 1, NULL, 0, NULL, &err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &x, &err);
    if (st == KT_OK) st = kt_delta_txn_write(x, c, 1, 1, &err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, &err);
    kt_delta_txn_free(x);
    x = NULL;
    kt_column_clear(&c[0]);
    kt_column_push_i64(&c[0], 2);
    kt_column_push_bytes(&c[1], "hello", 5);
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &x, &err);
    if (st == KT_OK) st = kt_delta_txn_add_columns(x, added, 1, &err);
    if (st == KT_OK) st = kt_delta_txn_write(x, c, 2, 1, &err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, &err);
    kt_delta_txn_free(x);
    kt_column_free(&c[0]);
    kt_column_free(&c[1]);
    kt_delta_snapshot *snap = NULL;
    kt_scan *s = NULL;
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &snap, &err);
    size_t order[] = { 1, 0 };
    kt_scan_options o = { .fields = order, .nfields = 2 };
    if (st == KT_OK) st = kt_scan_open(t, snap, &o, &s, &err);
    const kt_column *cols = NULL;
    size_t n1 = 0, n2 = 0, n3 = 9;
    int ok1 = 0, ok2 = 0;
    if (st == KT_OK) st = kt_scan_next(s, &cols, &n1, &err);
    if (st == KT_OK && n1 == 1) ok1 = !kt_column_is_valid(&cols[0], 0) && KT_COL_I64(&cols[1])[0] == 1;
    if (st == KT_OK) st = kt_scan_next(s, &cols, &n2, &err);
    if (st == KT_OK && n2 == 1) ok2 = bytes_eq(&cols[0], 0, "hello") && KT_COL_I64(&cols[1])[0] == 2;
    if (st == KT_OK) st = kt_scan_next(s, &cols, &n3, &err);
    kt_scan_free(s);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
    CHECK_MSG(st == KT_OK, "%s", err.msg);
    CHECK(ok1 && ok2);
    CHECK_EQ_INT(n3, 0);
}

TEST(filter_on_unknown_or_non_string_column_is_usage)
{
    char *lake = make_lake();
    CHECK(lake);
    const char *v[] = { "1" };
    kt_scan_filter f1 = { "nosuch", v, 1 }, f2 = { "aligned_rows", v, 1 };
    kt_scan_options o1 = { .filter = &f1 }, o2 = { .filter = &f2 };
    scan_result r;
    kt_error err = { 0 };
    kt_status s1 = scan_all(lake, "run_stats", &o1, &r, &err);
    result_free(&r);
    kt_status s2 = scan_all(lake, "run_stats", &o2, &r, &err);
    result_free(&r);
    fx_rmrf(lake);
    free(lake);
    CHECK_EQ_INT(s1, KT_ERR_USAGE);
    CHECK_EQ_INT(s2, KT_ERR_USAGE);
}

TEST(empty_table_gives_no_rows)
{
    char *dir = fx_tempdir("scanempty");
    CHECK(dir);
    al_options o = { .runs = 0, .seconds = 1 };
    kt_error err = { 0 };
    kt_status st = al_make_lake(dir, &o, &err);
    scan_result r = { 0 };
    if (st == KT_OK) st = scan_all(dir, "features", NULL, &r, &err);
    size_t rows = r.rows, ncols = r.ncols;
    result_free(&r);
    fx_rmrf(dir);
    free(dir);
    CHECK_MSG(st == KT_OK, "%s", err.msg);
    CHECK_EQ_INT(rows, 0);
    CHECK_EQ_INT(ncols, 1 + KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS);
}

/* ------------------------------------------------------------ maker */

static int maker(int argc, char **argv)
{
    al_options o = { .runs = 4, .seconds = 20 };
    const char *dir = argv[2];
    long run = -1;
    int i = 3;
    if (!strcmp(argv[1], "--reprocess")) {
        if (argc < 4) return 2;
        run = strtol(argv[3], NULL, 10);
        i = 4;
    }
    for (; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--runs")) o.runs = (size_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seconds")) o.seconds = strtod(argv[i + 1], NULL);
        else if (!strcmp(argv[i], "--row-group-rows")) o.row_group_rows = (size_t)strtoul(argv[i + 1], NULL, 10);
        else return 2;
    }
    kt_error err = { 0 };
    kt_status st = run < 0 ? al_make_lake(dir, &o, &err) : al_reprocess(dir, &o, (size_t)run, &err);
    if (st != KT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && (!strcmp(argv[1], "--make-lake") || !strcmp(argv[1], "--reprocess")))
        return maker(argc, argv);
    kt_test_ctx ctx = { .suite = "table_scan" };
    RUN(&ctx, values_order_numeric_then_text_then_null);
    RUN(&ctx, aligned_rows_in_order_equal_transform);
    RUN(&ctx, partition_filter_reads_only_that_run);
    RUN(&ctx, data_column_filter_prunes_by_stats);
    RUN(&ctx, schema_evolution_missing_column_reads_null);
    RUN(&ctx, filter_on_unknown_or_non_string_column_is_usage);
    RUN(&ctx, empty_table_gives_no_rows);
    return ctx.total_failed ? 1 : 0;
}
