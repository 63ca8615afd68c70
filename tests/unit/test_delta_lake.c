/* tests/unit/test_delta_lake.c — builds the sample lake the CLI and
 * interop tests read, through the public lake API, and checks it.
 *   test_delta_lake                   unit tests (PASS/FAIL lines)
 *   test_delta_lake --make-lake DIR   writes DIR/{raw,run_stats,empty}
 * raw: partitioned by run_uuid; appends, a partition overwrite, a schema
 * change, txn markers. run_stats: unpartitioned, then overwritten whole.
 * Data files are placeholders until the Parquet writer lands. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "delta_fixture.h"

static const kt_delta_field raw_fields[] = {
    { "run_uuid", KT_DELTA_STRING, false }, { "time", KT_DELTA_TIMESTAMP, false },
    { "robot_id", KT_DELTA_INTEGER, false }, { "field", KT_DELTA_STRING, false },
    { "value", KT_DELTA_DOUBLE, false }, { "source_file", KT_DELTA_STRING, false },
};
static const kt_delta_field stats_fields[] = {
    { "run_uuid", KT_DELTA_STRING, false }, { "runtime_s", KT_DELTA_DOUBLE, false },
    { "distance_1_mm", KT_DELTA_DOUBLE, true }, { "status", KT_DELTA_STRING, false },
};
static const char *const runs[] = { "7582293080991470000", "12405186538561671000", "42" };

/* Placeholder for `rows` rows of one partition. */
static kt_status write_rows(kt_delta_txn *x, const char *dir, const char *run, int rows,
                            kt_error *err)
{
    char content[64], stats[64];
    snprintf(content, sizeof content, "%s:%d", run ? run : "-", rows);
    snprintf(stats, sizeof stats, "{\"numRecords\":%d}", rows);
    const char *pv[1] = { run };
    char rel[1024], abs[2048];
    KT_TRY(kt_delta_txn_new_file_path(x, run ? pv : NULL, rel, sizeof rel, err));
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    if (fx_write_file(abs, content) != 0) return kt_fail(err, KT_ERR_IO, "write %s", abs);
    return kt_delta_txn_add_file(x, rel, run ? pv : NULL, stats, err);
}

static kt_status commit_raw(kt_delta_table *t, const char *dir, int step, kt_error *err)
{
    kt_delta_txn *x;
    KT_TRY(kt_delta_txn_begin(t, NULL, &x, err));
    kt_status st = KT_OK;
    const char *replace[] = { runs[0] };
    kt_delta_field quality[] = { { "quality", KT_DELTA_STRING, true } };
    switch (step) {
    case 1:   /* first delivery: two runs */
        st = write_rows(x, dir, runs[0], 100, err);
        if (st == KT_OK) st = write_rows(x, dir, runs[1], 50, err);
        if (st == KT_OK) st = kt_delta_txn_set_app_version(x, "kinetl-ingest", 1, err);
        break;
    case 2:   /* more of run 0 */
        st = write_rows(x, dir, runs[0], 30, err);
        if (st == KT_OK) st = kt_delta_txn_set_app_version(x, "kinetl-ingest", 2, err);
        break;
    case 3:   /* reprocess run 0 */
        st = kt_delta_txn_replace_partitions(x, "run_uuid", replace, 1, err);
        if (st == KT_OK) st = write_rows(x, dir, runs[0], 120, err);
        break;
    case 4: st = kt_delta_txn_add_columns(x, quality, 1, err); break;
    case 5: st = write_rows(x, dir, runs[2], 7, err); break;
    }
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    return st;
}

static kt_status make_table(const char *lake, const char *name, const kt_delta_field *f, size_t n,
                            const char *const *part, size_t npart, kt_delta_table **t, char *dir,
                            kt_error *err)
{
    snprintf(dir, 1024, "%s/%s", lake, name);
    KT_TRY(kt_delta_open(dir, NULL, t, err));
    return kt_delta_create(*t, f, n, part, npart, NULL, err);
}

static kt_status make_lake(const char *lake, kt_error *err)
{
    if (mkdir(lake, 0777) != 0 && errno != EEXIST) return kt_fail_errno(err, KT_ERR_IO, errno, "mkdir %s", lake);
    kt_delta_table *t;
    char dir[1024];
    const char *part[] = { "run_uuid" };
    KT_TRY(make_table(lake, "raw", raw_fields, 6, part, 1, &t, dir, err));
    kt_status st = KT_OK;
    for (int step = 1; st == KT_OK && step <= 5; step++) st = commit_raw(t, dir, step, err);
    kt_delta_close(t);
    if (st != KT_OK) return st;
    KT_TRY(make_table(lake, "run_stats", stats_fields, 4, NULL, 0, &t, dir, err));
    for (int step = 0; st == KT_OK && step < 2; step++) {
        kt_delta_txn *x;
        st = kt_delta_txn_begin(t, NULL, &x, err);
        if (st == KT_OK && step == 1) st = kt_delta_txn_replace_all(x, err);
        if (st == KT_OK) st = write_rows(x, dir, NULL, step ? 3 : 2, err);
        if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
        kt_delta_txn_free(x);
    }
    kt_delta_close(t);
    if (st != KT_OK) return st;
    KT_TRY(make_table(lake, "empty", raw_fields, 6, part, 1, &t, dir, err));
    kt_delta_close(t);
    return KT_OK;
}

TEST(sample_lake_has_the_expected_state)
{
    kt_error err = { 0 };
    char *lake = fx_tempdir("lake");
    CHECK_OK(make_lake(lake, &err), &err);
    kt_delta_table *t;
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_open_in_lake(lake, "raw", NULL, &t, &err), &err);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_version(s), 5);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 3);
    CHECK_EQ_INT(kt_delta_snapshot_num_records(s), 120 + 50 + 7);
    CHECK_EQ_INT(kt_delta_snapshot_num_fields(s), 7);
    int64_t v;
    CHECK(kt_delta_snapshot_app_version(s, "kinetl-ingest", &v) && v == 2);
    kt_delta_snapshot_free(s);
    CHECK_OK(kt_delta_snapshot_load(t, 2, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_records(s), 100 + 50 + 30);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    char **names;
    size_t n;
    CHECK_OK(kt_delta_list_tables(lake, &names, &n, &err), &err);
    CHECK_EQ_INT(n, 3);
    kt_delta_free_names(names, n);
    fx_rmrf(lake);
    free(lake);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--make-lake") == 0) {
        kt_error err = { 0 };
        if (make_lake(argv[2], &err) != KT_OK) {
            fprintf(stderr, "test_delta_lake: %s\n", err.msg);
            return 1;
        }
        return 0;
    }
    kt_test_ctx ctx_ = { .suite = "delta_lake" }, *ctx = &ctx_;
    RUN(ctx, sample_lake_has_the_expected_state);
    return ctx->total_failed ? 1 : 0;
}
