/*
 * tests/unit/test_process.c — per-run processing against real Delta tables
 * (raw built with the Delta API in ingest's schema): outputs equal the
 * transform's on the same readings, SPEC column order, input-order and
 * file-split independence, idempotent reprocessing, one run_stats row per
 * run under replacement (also from a foreign mixed file), txn sequence and
 * currency, concurrent workers, damaged input, memory per run.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "heap_peak.h"
#include "delta_fixture.h"
#include "pipeline/process_run.h"
#include "pipeline/process_tables.h"
#include "pipeline/transform.h"
#include "format/parquet/writer.h"
#include "lake/delta/write_type.h"
#include "pipeline/ingest_tables.h"
#include "process_fixture.h"
#include "transform_fixture.h"

static void shuffle(kt_reading *r, size_t n, uint64_t seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(tf_rand(&seed) % i);
        kt_reading t = r[i - 1];
        r[i - 1] = r[j];
        r[j] = t;
    }
}

/* Writes run's readings (shuffled with seed) into `files` raw commits of uneven sizes. */
static kt_status put_run(kt_delta_table *raw, const char *run, const kt_reading *src, size_t n, int files,
                         uint64_t seed, kt_error *err)
{
    kt_reading *r = malloc(n * sizeof *r);
    if (!r) return KT_ERR_NOMEM;
    memcpy(r, src, n * sizeof *r);
    shuffle(r, n, seed);
    size_t at = 0;
    kt_status st = KT_OK;
    for (int f = 0; st == KT_OK && f < files; f++) {
        size_t part = f == files - 1 ? n - at : (n - at) * (size_t)(f + 1) / (size_t)(files + 2);
        char source[64];
        snprintf(source, sizeof source, "delivery/%d-%llu.parquet", f, (unsigned long long)seed);
        st = pf_append_raw(raw, run, r + at, part, source, err);
        at += part;
    }
    free(r);
    return st;
}

static kt_process_options test_opts(void)
{
    kt_process_options o = { .delta = { .no_fsync = true } };
    return o;
}

typedef struct lake {
    char *dir;
    kt_delta_table *raw;
} lake;

static kt_status lake_new(lake *l, const char *tag, kt_error *err)
{
    l->dir = fx_tempdir(tag);
    return l->dir ? pf_create_raw(l->dir, &l->raw, err) : KT_ERR_IO;
}

static void lake_free(lake *l)
{
    kt_delta_close(l->raw);
    fx_rmrf(l->dir);
    free(l->dir);
}

static kt_status process_one(const char *dir, const char *run, const kt_transform_config *cfg,
                             kt_process_result *res, kt_error *err)
{
    kt_process_options o = test_opts();
    kt_process_ctx *ctx;
    KT_TRY(kt_process_ctx_new(dir, &o, &ctx, err));
    kt_status st = kt_process_run(ctx, run, cfg, res, err);
    kt_process_ctx_free(ctx);
    return st;
}

/* Every column of a's rows equals b's, except the columns named in skip. */
static bool rows_equal(const pf_rows *a, const pf_rows *b, const char *skip)
{
    if (a->ncols != b->ncols || a->rows != b->rows) return false;
    for (int c = 0; c < a->ncols; c++) {
        if (strcmp(a->names[c], b->names[c]) != 0) return false;
        if (skip && strcmp(a->names[c], skip) == 0) continue;
        if (!pf_column_equal(&a->cols[c], &b->cols[c])) return false;
    }
    return true;
}

/* ---- tables -------------------------------------------------------------- */

TEST(tables_have_the_spec_columns_in_order)
{
    kt_error err = { 0 };
    char *dir = fx_tempdir("ptab");
    kt_delta_options o = { .no_fsync = true };
    CHECK_OK(kt_process_create_tables(dir, &o, &err), &err);
    CHECK_OK(kt_process_create_tables(dir, &o, &err), &err);   /* idempotent */
    static const char *const aligned[] = { "run_uuid", "time", "fx_1", "fx_2", "fy_1", "fy_2", "fz_1", "fz_2",
                                           "x_1", "x_2", "y_1", "y_2", "z_1", "z_2", "measured_mask",
                                           "interpolated_mask", "held_mask" };
    static const char *const extra[] = { "vx_1", "vy_1", "vz_1", "vx_2", "vy_2", "vz_2", "ax_1", "ay_1", "az_1",
                                         "ax_2", "ay_2", "az_2", "v1", "v2", "a1", "a2", "f1", "f2" };
    const char *tables[] = { "aligned", "features", "run_stats" };
    for (int k = 0; k < 3; k++) {
        kt_delta_table *t;
        kt_delta_snapshot *s;
        CHECK_OK(kt_delta_open_in_lake(dir, tables[k], NULL, &t, &err), &err);
        CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
        size_t n = kt_delta_snapshot_num_fields(s);
        if (k < 2) {
            CHECK_EQ_INT(n, k == 0 ? 17 : 35);
            CHECK_EQ_INT(kt_delta_snapshot_num_partition_columns(s), 1);
            CHECK_EQ_STR(kt_delta_snapshot_partition_column(s, 0), "run_uuid");
            for (size_t i = 0; i < n; i++) {
                const kt_delta_field *f = kt_delta_snapshot_field(s, i);
                CHECK_EQ_STR(f->name, i < 17 ? aligned[i] : extra[i - 17]);
                kt_delta_type want = i == 0 ? KT_DELTA_STRING : i == 1 ? KT_DELTA_TIMESTAMP
                                     : (i >= 14 && i <= 16) ? KT_DELTA_INTEGER : KT_DELTA_DOUBLE;
                CHECK_EQ_INT(f->type, want);
                CHECK_EQ_INT(f->nullable, want == KT_DELTA_DOUBLE);
            }
        } else {
            CHECK_EQ_INT(n, KT_RUN_STATS_COLUMNS);
            CHECK_EQ_INT(kt_delta_snapshot_num_partition_columns(s), 0);
            CHECK_EQ_STR(kt_delta_snapshot_field(s, 0)->name, "run_uuid");
            CHECK_EQ_STR(kt_delta_snapshot_field(s, 4)->name, "distance_1_mm");
            CHECK_EQ_INT(kt_delta_snapshot_field(s, 1)->type, KT_DELTA_TIMESTAMP);
        }
        kt_delta_snapshot_free(s);
        kt_delta_close(t);
    }
    fx_rmrf(dir);
    free(dir);
}

/* ---- outputs -------------------------------------------------------------- */

TEST(outputs_equal_the_transform_on_the_same_readings)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 20.0, 7) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pout", &err), &err);
    CHECK_OK(put_run(l.raw, "7582293080991470000", run.r, run.n, 3, 11, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result res;
    CHECK_OK(process_one(l.dir, "7582293080991470000", &cfg, &res, &err), &err);
    CHECK_EQ_INT(res.readings, run.n);
    CHECK_EQ_INT(res.raw_files, 3);
    CHECK(!res.skipped && res.attempts == 1);

    kt_transform *tr = kt_transform_new(0);
    const kt_run_output *want;
    CHECK_OK(kt_transform_run(tr, &cfg, run.r, run.n, &want, &err), &err);
    CHECK_EQ_INT(res.rows, want->aligned.rows);
    kt_named_column named[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    const char *tables[] = { "aligned", "features" };
    for (int k = 0; k < 2; k++) {
        size_t n = k == 0 ? kt_aligned_named_columns(&want->aligned, named)
                          : kt_features_named_columns(&want->aligned, &want->features, named);
        pf_rows got;
        CHECK_OK(pf_read_table(l.dir, tables[k], "7582293080991470000", &got, &err), &err);
        CHECK_EQ_INT(got.files, 1);
        CHECK_EQ_INT(got.ncols, n);   /* run_uuid is the partition: not in the files */
        for (size_t c = 0; c < n; c++) {
            CHECK_EQ_STR(got.names[c], named[c].name);
            CHECK_MSG(pf_column_equal(&got.cols[c], named[c].column), "%s.%s differs", tables[k], named[c].name);
        }
        pf_rows_free(&got);
    }
    pf_rows st;
    CHECK_OK(pf_read_table(l.dir, "run_stats", NULL, &st, &err), &err);
    CHECK_EQ_INT(st.rows, 1);
    CHECK_EQ_INT(st.ncols, KT_RUN_STATS_COLUMNS);
    size_t len;
    const char *id = kt_column_bytes_at(&st.cols[pf_col(&st, "run_uuid")], 0, &len);
    CHECK(len == 19 && memcmp(id, "7582293080991470000", 19) == 0);
    double d1 = KT_COL_DOUBLE(&st.cols[pf_col(&st, "distance_1_mm")])[0];
    CHECK(memcmp(&d1, &want->stats.distance_mm[0], 8) == 0);
    CHECK_EQ_INT(KT_COL_I64(&st.cols[pf_col(&st, "readings")])[0], run.n);
    CHECK_EQ_INT(KT_COL_I64(&st.cols[pf_col(&st, "aligned_rows")])[0], want->aligned.rows);
    const char *fp = kt_column_bytes_at(&st.cols[pf_col(&st, "input_fingerprint")], 0, &len);
    CHECK(len == 32 && memcmp(fp, res.input_fingerprint, 32) == 0);
    const char *hash = kt_column_bytes_at(&st.cols[pf_col(&st, "config_hash")], 0, &len);
    char want_hash[17];
    kt_transform_config_hash_hex(&cfg, want_hash);
    CHECK(len == 16 && memcmp(hash, want_hash, 16) == 0);
    CHECK(KT_COL_I64(&st.cols[pf_col(&st, "processed_at")])[0] > TF_T0);
    pf_rows_free(&st);
    kt_transform_free(tr);
    tf_run_free(&run);
    lake_free(&l);
}

/* The same readings split and shuffled differently in two lakes. */
TEST(contents_do_not_depend_on_files_or_order)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 15.0, 3) == 0);
    /* a conflict, a duplicate and a spike make the statistics non-trivial */
    CHECK(tf_push(&run, run.r[10].time_us, run.r[10].robot, run.r[10].field, run.r[10].value + 5) == 0);
    CHECK(tf_push(&run, run.r[20].time_us, run.r[20].robot, run.r[20].field, run.r[20].value) == 0);
    lake a, b;
    CHECK_OK(lake_new(&a, "porda", &err), &err);
    CHECK_OK(lake_new(&b, "pordb", &err), &err);
    CHECK_OK(put_run(a.raw, "r1", run.r, run.n, 1, 1, &err), &err);
    CHECK_OK(put_run(b.raw, "r1", run.r, run.n, 4, 99, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result ra, rb;
    CHECK_OK(process_one(a.dir, "r1", &cfg, &ra, &err), &err);
    CHECK_OK(process_one(b.dir, "r1", &cfg, &rb, &err), &err);
    CHECK_EQ_STR(ra.input_fingerprint, rb.input_fingerprint);
    CHECK(strcmp(ra.files_fingerprint, rb.files_fingerprint) != 0);   /* files differ */
    CHECK_EQ_INT(ra.stats.conflicting_readings, 2);
    CHECK_EQ_INT(ra.stats.duplicate_readings, 1);
    const char *tables[] = { "aligned", "features", "run_stats" };
    for (int k = 0; k < 3; k++) {
        pf_rows x, y;
        CHECK_OK(pf_read_table(a.dir, tables[k], NULL, &x, &err), &err);
        CHECK_OK(pf_read_table(b.dir, tables[k], NULL, &y, &err), &err);
        bool same = rows_equal(&x, &y, "processed_at");
        pf_rows_free(&x);
        pf_rows_free(&y);
        CHECK_MSG(same, "%s differs between the two lakes", tables[k]);
    }
    /* one reading changed: the content fingerprint changes */
    lake c;
    CHECK_OK(lake_new(&c, "pordc", &err), &err);
    run.r[5].value += 1e-9;
    CHECK_OK(put_run(c.raw, "r1", run.r, run.n, 2, 5, &err), &err);
    kt_process_result rc;
    CHECK_OK(process_one(c.dir, "r1", &cfg, &rc, &err), &err);
    CHECK(strcmp(rc.input_fingerprint, ra.input_fingerprint) != 0);
    lake_free(&a);
    lake_free(&b);
    lake_free(&c);
    tf_run_free(&run);
}

static int64_t app_version(const char *dir, const char *table, const char *run)
{
    kt_delta_table *t;
    kt_delta_snapshot *s;
    int64_t v = -1;
    char app[256];
    snprintf(app, sizeof app, "kinetl-process/%s", run);
    if (kt_delta_open_in_lake(dir, table, NULL, &t, NULL) != KT_OK) return -2;
    if (kt_delta_snapshot_load(t, -1, &s, NULL) == KT_OK) {
        if (!kt_delta_snapshot_app_version(s, app, &v)) v = -1;
        kt_delta_snapshot_free(s);
    }
    kt_delta_close(t);
    return v;
}

static size_t active_files(const char *dir, const char *table)
{
    kt_delta_table *t;
    kt_delta_snapshot *s;
    size_t n = 0;
    if (kt_delta_open_in_lake(dir, table, NULL, &t, NULL) != KT_OK) return 0;
    if (kt_delta_snapshot_load(t, -1, &s, NULL) == KT_OK) {
        n = kt_delta_snapshot_num_files(s);
        kt_delta_snapshot_free(s);
    }
    kt_delta_close(t);
    return n;
}

TEST(reprocessing_rewrites_identical_rows_with_a_new_sequence)
{
    kt_error err = { 0 };
    tf_run r1 = { 0 }, r2 = { 0 };
    CHECK(tf_clean_run(&r1, 5.0, 1) == 0);
    CHECK(tf_clean_run(&r2, 6.0, 2) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "prep", &err), &err);
    CHECK_OK(put_run(l.raw, "a", r1.r, r1.n, 2, 1, &err), &err);
    CHECK_OK(put_run(l.raw, "b", r2.r, r2.n, 2, 2, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_options o = test_opts();
    kt_process_ctx *ctx;
    CHECK_OK(kt_process_ctx_new(l.dir, &o, &ctx, &err), &err);
    char **runs;
    size_t nruns;
    CHECK_OK(kt_process_list_runs(ctx, &runs, &nruns, &err), &err);
    CHECK(nruns == 2 && !strcmp(runs[0], "a") && !strcmp(runs[1], "b"));
    kt_process_free_runs(runs, nruns);
    kt_process_result first, second, other;
    CHECK_OK(kt_process_run(ctx, "a", &cfg, &first, &err), &err);
    CHECK_OK(kt_process_run(ctx, "b", &cfg, &other, &err), &err);
    pf_rows before[3];
    const char *tables[] = { "aligned", "features", "run_stats" };
    for (int k = 0; k < 3; k++) CHECK_OK(pf_read_table(l.dir, tables[k], NULL, &before[k], &err), &err);
    CHECK_OK(kt_process_run(ctx, "a", &cfg, &second, &err), &err);
    CHECK(second.txn_version > first.txn_version);
    CHECK_EQ_INT(first.txn_version >> KT_PROCESS_TXN_SHIFT, first.raw_version);
    CHECK_EQ_INT(second.txn_version >> KT_PROCESS_TXN_SHIFT, first.raw_version);   /* raw unchanged */
    CHECK_EQ_INT(second.txn_version, first.txn_version + 1);
    for (int k = 0; k < 3; k++) {
        CHECK_EQ_INT(app_version(l.dir, tables[k], "a"), second.txn_version);
        CHECK_EQ_INT(app_version(l.dir, tables[k], "b"), other.txn_version);
    }
    CHECK_EQ_INT(active_files(l.dir, "run_stats"), 2);   /* one file per run */
    CHECK_EQ_INT(active_files(l.dir, "aligned"), 2);
    for (int k = 0; k < 3; k++) {
        pf_rows after;
        CHECK_OK(pf_read_table(l.dir, tables[k], NULL, &after, &err), &err);
        CHECK_EQ_INT(after.rows, before[k].rows);
        /* run_stats files are in path order (random names): compare by run */
        bool same = true;
        if (k < 2) {
            same = rows_equal(&after, &before[k], NULL);
        } else {
            int id = pf_col(&after, "run_uuid");
            for (size_t i = 0; i < after.rows && same; i++) {
                size_t li, lj, j = 0;
                const char *x = kt_column_bytes_at(&after.cols[id], i, &li);
                for (; j < before[k].rows; j++) {
                    const char *y = kt_column_bytes_at(&before[k].cols[id], j, &lj);
                    if (li == lj && !memcmp(x, y, li)) break;
                }
                for (int c = 0; c < after.ncols && same; c++) {
                    if (!strcmp(after.names[c], "processed_at")) continue;
                    kt_column one_a, one_b;
                    kt_column_init(&one_a, after.cols[c].type);
                    kt_column_init(&one_b, after.cols[c].type);
                    kt_column_push_from(&one_a, &after.cols[c], i);
                    kt_column_push_from(&one_b, &before[k].cols[c], j);
                    same = pf_column_equal(&one_a, &one_b);
                    kt_column_free(&one_a);
                    kt_column_free(&one_b);
                }
            }
        }
        pf_rows_free(&after);
        CHECK_MSG(same, "%s changed on reprocessing", tables[k]);
    }
    for (int k = 0; k < 3; k++) pf_rows_free(&before[k]);
    kt_process_ctx_free(ctx);
    lake_free(&l);
    tf_run_free(&r1);
    tf_run_free(&r2);
}

TEST(currency_follows_input_config_and_unfinished_processing)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 5.0, 4) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pcur", &err), &err);
    size_t half = run.n / 2;
    CHECK_OK(put_run(l.raw, "x", run.r, half, 1, 1, &err), &err);
    kt_transform_config cfg, grid;
    kt_transform_config_default(&cfg);
    kt_transform_config_default(&grid);
    CHECK_OK(kt_transform_config_set(&grid, "align", "grid:10ms", &err), &err);
    kt_process_options o = test_opts();
    o.skip_current = true;
    kt_process_ctx *ctx;
    CHECK_OK(kt_process_ctx_new(l.dir, &o, &ctx, &err), &err);
    kt_process_currency c;
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(!c.current && !strcmp(c.why, "never processed"));
    kt_process_result res;
    CHECK_OK(kt_process_run(ctx, "x", &cfg, &res, &err), &err);
    CHECK(!res.skipped);
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(c.current);
    CHECK_OK(kt_process_run(ctx, "x", &cfg, &res, &err), &err);
    CHECK(res.skipped && res.aligned_version == -1);
    CHECK_OK(kt_process_run_current(ctx, "x", &grid, &c, &err), &err);
    CHECK(!c.current && !strcmp(c.why, "config changed"));
    /* another run's input does not make x stale */
    CHECK_OK(put_run(l.raw, "y", run.r, half, 1, 2, &err), &err);
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(c.current);
    /* new readings of x do */
    CHECK_OK(put_run(l.raw, "x", run.r + half, run.n - half, 1, 3, &err), &err);
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(!c.current && !strcmp(c.why, "new input"));
    CHECK_OK(kt_process_run(ctx, "x", &cfg, &res, &err), &err);
    CHECK(!res.skipped && res.readings == (int64_t)run.n);
    /* a crash after the aligned commit: the sequence numbers disagree */
    kt_delta_table *t;
    CHECK_OK(kt_delta_open_in_lake(l.dir, "aligned", NULL, &t, &err), &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_set_app_version(x, "kinetl-process/x", res.txn_version + 1, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    kt_delta_close(t);
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(!c.current && !strcmp(c.why, "an earlier processing did not finish"));
    CHECK_OK(kt_process_run(ctx, "x", &cfg, &res, &err), &err);
    CHECK_EQ_INT(res.txn_version, c.txn_version[0] + 1);   /* above every recorded N */
    CHECK_OK(kt_process_run_current(ctx, "x", &cfg, &c, &err), &err);
    CHECK(c.current);
    /* unknown run */
    CHECK_EQ_INT(kt_process_run(ctx, "nope", &cfg, &res, &err), KT_ERR_NOT_FOUND);
    CHECK_EQ_STR(err.msg, "run nope has no readings in raw");
    kt_process_ctx_free(ctx);
    lake_free(&l);
    tf_run_free(&run);
}

/* One commit of n rows (cols: the table's ncols fields) to a lake table. */
static kt_status commit_rows(const char *dir, const char *table, const kt_column *cols, size_t ncols, size_t n,
                             kt_error *err)
{
    kt_delta_options o = { .no_fsync = true };
    kt_delta_table *t = NULL;
    kt_delta_txn *x = NULL;
    kt_status st = kt_delta_open_in_lake(dir, table, &o, &t, err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &x, err);
    if (st == KT_OK) st = kt_delta_txn_write(x, cols, ncols, n, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    kt_delta_close(t);
    return st;
}

/* Writes one run_stats file (another engine's) holding rows of runs[0..n),
 * each with readings = 12345. */
static kt_status put_mixed_run_stats(const char *dir, const char *const *runs, size_t n, kt_error *err)
{
    kt_delta_options dopt = { .no_fsync = true };
    KT_TRY(kt_process_create_tables(dir, &dopt, err));
    kt_column cols[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(cols);
    kt_run_stats s;
    memset(&s, 0, sizeof s);
    strcpy(s.status, "partial");
    strcpy(s.config_hash, "0000000000000000");
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        snprintf(s.run_uuid, sizeof s.run_uuid, "%s", runs[i]);
        s.readings = 12345;
        st = kt_run_stats_append(&s, cols, err);
    }
    if (st == KT_OK) st = commit_rows(dir, "run_stats", cols, KT_RUN_STATS_COLUMNS, n, err);
    kt_run_stats_columns_free(cols);
    return st;
}

/* A run_stats file written by another engine holding two runs' rows. */
TEST(a_mixed_run_stats_file_keeps_the_other_runs_row)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 3.0, 5) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pmix", &err), &err);
    CHECK_OK(put_run(l.raw, "a", run.r, run.n, 1, 1, &err), &err);
    const char *mixed[] = { "a", "zz-other" };
    CHECK_OK(put_mixed_run_stats(l.dir, mixed, 2, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result res;
    CHECK_OK(process_one(l.dir, "a", &cfg, &res, &err), &err);
    pf_rows st;
    CHECK_OK(pf_read_table(l.dir, "run_stats", NULL, &st, &err), &err);
    CHECK_EQ_INT(st.rows, 2);
    int id = pf_col(&st, "run_uuid"), readings = pf_col(&st, "readings");
    bool saw_a = false, saw_other = false;
    for (size_t i = 0; i < st.rows; i++) {
        size_t len;
        const char *v = kt_column_bytes_at(&st.cols[id], i, &len);
        if (len == 1 && v[0] == 'a') saw_a = KT_COL_I64(&st.cols[readings])[i] == (int64_t)run.n;
        if (len == 8 && !memcmp(v, "zz-other", 8)) saw_other = KT_COL_I64(&st.cols[readings])[i] == 12345;
    }
    pf_rows_free(&st);
    CHECK(saw_a && saw_other);
    lake_free(&l);
    tf_run_free(&run);
}

/* ---- group commit ------------------------------------------------------------- */

static size_t parquet_files_in(const char *dir, const char *table, const char *run)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/run_uuid=%s", dir, table, run);
    DIR *d = opendir(path);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strstr(e->d_name, ".parquet") != NULL;
    if (d) closedir(d);
    return n;
}

/* readings column of run's run_stats rows: how many rows, the last value. */
static size_t run_stats_rows_of(const pf_rows *st, const char *run, int64_t *readings)
{
    int id = pf_col(st, "run_uuid"), r = pf_col(st, "readings");
    size_t n = 0;
    for (size_t i = 0; i < st->rows; i++) {
        size_t len;
        const char *v = kt_column_bytes_at(&st->cols[id], i, &len);
        if (len == strlen(run) && !memcmp(v, run, len)) {
            n++;
            *readings = KT_COL_I64(&st->cols[r])[i];
        }
    }
    return n;
}

TEST(a_group_commit_equals_committing_each_run)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 4.0, 7) == 0);
    const char *runs[] = { "a", "b", "c" };
    lake each, grouped;
    CHECK_OK(lake_new(&each, "pgrp1", &err), &err);
    CHECK_OK(lake_new(&grouped, "pgrp2", &err), &err);
    for (int k = 0; k < 3; k++) {
        size_t n = run.n - 100 * (size_t)k;   /* three different runs */
        CHECK_OK(put_run(each.raw, runs[k], run.r, n, 2, 1 + (uint64_t)k, &err), &err);
        CHECK_OK(put_run(grouped.raw, runs[k], run.r, n, 1, 9 + (uint64_t)k, &err), &err);
    }
    /* another engine's file mixes two of the runs and one not processed here */
    const char *mixed[] = { "a", "b", "zz-other" };
    CHECK_OK(put_mixed_run_stats(grouped.dir, mixed, 3, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result res;
    for (int k = 0; k < 3; k++) CHECK_OK(process_one(each.dir, runs[k], &cfg, &res, &err), &err);

    kt_process_options o = test_opts();
    o.group_commit = true;
    kt_process_ctx *ctx;
    CHECK_OK(kt_process_ctx_new(grouped.dir, &o, &ctx, &err), &err);
    for (int k = 0; k < 3; k++) {
        CHECK_OK(kt_process_run(ctx, runs[k], &cfg, &res, &err), &err);
        CHECK(res.staged && res.aligned_version == -1 && res.run_stats_version == -1);
        CHECK_EQ_INT(kt_process_group_size(ctx), (size_t)k + 1);
    }
    CHECK_EQ_INT(app_version(grouped.dir, "aligned", "a"), -1);   /* nothing committed yet */
    CHECK_EQ_INT(active_files(grouped.dir, "aligned"), 0);
    CHECK_EQ_INT(kt_process_run(ctx, "b", &cfg, &res, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "staged twice"));
    kt_process_group_versions v;
    CHECK_OK(kt_process_group_commit(ctx, &v, &err), &err);
    CHECK_EQ_INT(kt_process_group_size(ctx), 0);
    CHECK_EQ_INT(v.aligned, 1);     /* version 0 created the table: one commit for three runs */
    CHECK_EQ_INT(v.features, 1);
    CHECK_EQ_INT(v.run_stats, 2);   /* after the creation and the other engine's file */
    for (int k = 0; k < 3; k++) {
        kt_process_currency c;
        CHECK_OK(kt_process_run_current(ctx, runs[k], &cfg, &c, &err), &err);
        CHECK_MSG(c.current, "run %s not current after the group commit: %s", runs[k], c.why);
        for (int i = 0; i < 2; i++) {
            const char *table = i ? "features" : "aligned";
            pf_rows x, y;
            CHECK_OK(pf_read_table(each.dir, table, runs[k], &x, &err), &err);
            CHECK_OK(pf_read_table(grouped.dir, table, runs[k], &y, &err), &err);
            bool same = x.rows > 0 && rows_equal(&x, &y, "processed_at");
            pf_rows_free(&x);
            pf_rows_free(&y);
            CHECK_MSG(same, "%s of run %s differs from committing it alone", table, runs[k]);
        }
    }
    pf_rows st;
    CHECK_OK(pf_read_table(grouped.dir, "run_stats", NULL, &st, &err), &err);
    CHECK_EQ_INT(st.rows, 4);
    int64_t readings = 0;
    for (int k = 0; k < 3; k++) {
        CHECK_EQ_INT(run_stats_rows_of(&st, runs[k], &readings), 1);
        CHECK_EQ_INT(readings, (int64_t)(run.n - 100 * (size_t)k));
    }
    CHECK_EQ_INT(run_stats_rows_of(&st, "zz-other", &readings), 1);
    CHECK_EQ_INT(readings, 12345);
    pf_rows_free(&st);

    /* a context dropped with a staged run leaves neither commits nor files */
    CHECK_OK(kt_process_run(ctx, "c", &cfg, &res, &err), &err);
    CHECK(res.staged);
    CHECK_EQ_INT(parquet_files_in(grouped.dir, "aligned", "c"), 2);   /* committed + staged */
    kt_process_ctx_free(ctx);
    CHECK_EQ_INT(parquet_files_in(grouped.dir, "aligned", "c"), 1);
    CHECK_EQ_INT(parquet_files_in(grouped.dir, "features", "c"), 1);
    lake_free(&each);
    lake_free(&grouped);
    tf_run_free(&run);
}

/* ---- quarantined rows -------------------------------------------------------- */

/* Appends quarantine rows whose run_uuid_text are texts[] (NULL = null). */
static kt_status put_quarantine(const char *dir, const char *const *texts, size_t n, kt_error *err)
{
    const kt_delta_field *f = kt_ingest_quarantine_fields();
    kt_column cols[KT_QT_FIELDS];
    for (int c = 0; c < KT_QT_FIELDS; c++) kt_column_init(&cols[c], kt_delta_type_column(f[c].type));
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++)
        for (int c = 0; st == KT_OK && c < KT_QT_FIELDS; c++) {
            if (c == KT_QT_ROW_NUMBER || c == KT_QT_INGESTED_AT) st = kt_column_push_i64(&cols[c], (int64_t)i);
            else if (c == KT_QT_RUN_UUID_TEXT && !texts[i]) st = kt_column_push_null(&cols[c]);
            else if (c == KT_QT_RUN_UUID_TEXT) st = kt_column_push_bytes(&cols[c], texts[i], strlen(texts[i]));
            else st = kt_column_push_bytes(&cols[c], "x", 1);
        }
    if (st == KT_OK) st = commit_rows(dir, "quarantine", cols, KT_QT_FIELDS, n, err);
    for (int c = 0; c < KT_QT_FIELDS; c++) kt_column_free(&cols[c]);
    return st;
}

TEST(quarantined_rows_are_counted_by_canonical_run_id)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 1.0, 10) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pquar", &err), &err);
    const char *const runs[] = { "7582293080991470000", "r1", "1.5", "5" };
    for (int i = 0; i < 4; i++) CHECK_OK(put_run(l.raw, runs[i], run.r, run.n, 1, 1, &err), &err);
    /* a DOUBLE id as quarantine shows it, the same id as an integer, a string
     * id with blanks, a string id that looks like a number, a small double
     * id in decimal form, a null id, an id of no run in raw */
    const char *const texts[] = { "7.58229308099147e+18", "7582293080991470000", " r1 ", "r1", "1.5",
                                  "5", "5e0", NULL, "other" };
    CHECK_OK(put_quarantine(l.dir, texts, 9, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_options o = test_opts();
    kt_process_ctx *ctx;
    CHECK_OK(kt_process_ctx_new(l.dir, &o, &ctx, &err), &err);
    const int64_t want[] = { 2, 2, 1, 2 };
    kt_process_result res;
    for (int i = 0; i < 4; i++) {
        CHECK_OK(kt_process_run(ctx, runs[i], &cfg, &res, &err), &err);
        CHECK_MSG(res.stats.quarantined_rows == want[i], "run %s: %lld quarantined, want %lld", runs[i],
                  (long long)res.stats.quarantined_rows, (long long)want[i]);
    }
    /* a later quarantine commit is seen (the cache follows the table version) */
    const char *const more[] = { "r1" };
    CHECK_OK(put_quarantine(l.dir, more, 1, &err), &err);
    CHECK_OK(kt_process_run(ctx, "r1", &cfg, &res, &err), &err);
    CHECK_EQ_INT(res.stats.quarantined_rows, 3);
    kt_process_ctx_free(ctx);
    lake_free(&l);
    tf_run_free(&run);
}

/* ---- concurrency ------------------------------------------------------------ */

typedef struct worker {
    const char *lake;
    const char *const *runs;
    size_t nruns;
    kt_status st;
    kt_error err;
    int attempts;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    kt_process_options o = test_opts();
    kt_process_ctx *ctx;
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    w->st = kt_process_ctx_new(w->lake, &o, &ctx, &w->err);
    for (size_t i = 0; w->st == KT_OK && i < w->nruns; i++) {
        kt_process_result res;
        w->st = kt_process_run(ctx, w->runs[i], &cfg, &res, &w->err);
        w->attempts += res.attempts;
    }
    kt_process_ctx_free(ctx);
    return NULL;
}

TEST(concurrent_workers_commit_different_and_same_runs)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 2.0, 6) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pconc", &err), &err);
    static const char *const ids[] = { "r0", "r1", "r2", "r3", "r4", "r5" };
    for (int i = 0; i < 6; i++) CHECK_OK(put_run(l.raw, ids[i], run.r, run.n, 1, (uint64_t)i, &err), &err);
    kt_delta_options dopt = { .no_fsync = true };
    CHECK_OK(kt_process_create_tables(l.dir, &dopt, &err), &err);
    /* three workers: two split the runs, the third processes them all again */
    worker w[3] = { { l.dir, ids, 3, KT_OK, { 0 }, 0 }, { l.dir, ids + 3, 3, KT_OK, { 0 }, 0 },
                    { l.dir, ids, 6, KT_OK, { 0 }, 0 } };
    pthread_t th[3];
    for (int i = 0; i < 3; i++) CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++) CHECK_OK(w[i].st, &w[i].err);
    printf("# concurrency: attempts %d %d %d for 3+3+6 runs\n", w[0].attempts, w[1].attempts, w[2].attempts);
    /* disjoint runs never conflict: two workers, every run committed at the first attempt */
    worker d[2] = { { l.dir, ids, 3, KT_OK, { 0 }, 0 }, { l.dir, ids + 3, 3, KT_OK, { 0 }, 0 } };
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&th[i], NULL, work, &d[i]) == 0);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) CHECK_OK(d[i].st, &d[i].err);
    CHECK_EQ_INT(d[0].attempts + d[1].attempts, 6);
    CHECK_EQ_INT(active_files(l.dir, "run_stats"), 6);
    CHECK_EQ_INT(active_files(l.dir, "aligned"), 6);
    CHECK_EQ_INT(active_files(l.dir, "features"), 6);
    const char *tables[] = { "aligned", "features", "run_stats" };
    for (int i = 0; i < 6; i++) {
        int64_t v = app_version(l.dir, "aligned", ids[i]);
        CHECK(v > 0);
        for (int k = 1; k < 3; k++) CHECK_EQ_INT(app_version(l.dir, tables[k], ids[i]), v);
    }
    pf_rows st;
    CHECK_OK(pf_read_table(l.dir, "run_stats", NULL, &st, &err), &err);
    CHECK_EQ_INT(st.rows, 6);
    pf_rows_free(&st);
    lake_free(&l);
    tf_run_free(&run);
}

/* ---- damaged input and memory ---------------------------------------------- */

TEST(a_damaged_raw_file_is_named_and_nothing_is_written)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 1.0, 8) == 0);
    run.r[17].robot = 3;
    lake l;
    CHECK_OK(lake_new(&l, "pbad", &err), &err);
    CHECK_OK(pf_append_raw(l.raw, "r", run.r, run.n, "s.parquet", &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result res;
    CHECK_EQ_INT(process_one(l.dir, "r", &cfg, &res, &err), KT_ERR_FORMAT);
    CHECK(strstr(err.msg, "run_uuid=r/part-") && strstr(err.msg, "row group 0") &&
          strstr(err.msg, "'robot_id'") && strstr(err.msg, "row 17") && strstr(err.msg, "not 1 or 2"));
    CHECK_EQ_INT(active_files(l.dir, "aligned"), 0);
    CHECK_EQ_INT(active_files(l.dir, "run_stats"), 0);
    lake_free(&l);
    tf_run_free(&run);
}

/* One raw file of run written directly (dictionary pages or PLAIN strings),
 * with `field` replaced by bad_name at row bad_row (SIZE_MAX: none). */
static kt_status put_raw_file(kt_delta_table *raw, const char *run, const kt_reading *r, size_t n, bool dictionary,
                              size_t bad_row, const char *bad_name, kt_error *err)
{
    const kt_delta_field *df = kt_ingest_raw_fields();
    kt_pq_field fields[KT_RAW_FIELDS - 1];
    for (int i = 1; i < KT_RAW_FIELDS; i++)
        fields[i - 1] = (kt_pq_field){ df[i].name, kt_delta_type_writer(df[i].type), df[i].nullable };
    kt_column c[KT_RAW_FIELDS - 1];
    const kt_type types[KT_RAW_FIELDS - 1] = { KT_INT64, KT_INT32, KT_BYTES, KT_BYTES, KT_DOUBLE, KT_BYTES };
    for (int i = 0; i < KT_RAW_FIELDS - 1; i++) kt_column_init(&c[i], types[i]);
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        st = pf_push_raw_row(c, &r[i], i == bad_row ? bad_name : kt_field_name((kt_field)r[i].field), "s.parquet");
    }
    kt_delta_txn *x = NULL;
    const char *pv[1] = { run };
    char rel[1024], abs[2048];
    if (st == KT_OK) st = kt_delta_txn_begin(raw, NULL, &x, err);
    if (st == KT_OK) st = kt_delta_txn_new_file_path(x, pv, rel, sizeof rel, err);
    if (st == KT_OK) {
        snprintf(abs, sizeof abs, "%s/%s", kt_delta_dir(raw), rel);
        kt_pq_write_options o;
        kt_pq_write_options_default(&o);
        o.dictionary = dictionary;
        o.no_fsync = true;
        kt_pq_writer *w = NULL;
        st = kt_pq_writer_open(abs, fields, KT_RAW_FIELDS - 1, &o, &w, err);
        if (st == KT_OK) st = kt_pq_writer_write(w, c, n, err);
        if (st == KT_OK) st = kt_pq_writer_close(w, err);
        kt_pq_writer_free(w);
    }
    if (st == KT_OK) st = kt_delta_txn_add_file(x, rel, pv, NULL, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    for (int i = 0; i < KT_RAW_FIELDS - 1; i++) kt_column_free(&c[i]);
    return st;
}

/* raw_load classifies `field` once per dictionary entry when the file is
 * dictionary-encoded, per row otherwise: both must give the same tables. */
TEST(field_names_from_dictionary_and_plain_pages_process_alike)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 3.0, 21) == 0);
    lake a, b;
    CHECK_OK(lake_new(&a, "pdict", &err), &err);
    CHECK_OK(lake_new(&b, "pplain", &err), &err);
    CHECK_OK(put_raw_file(a.raw, "r", run.r, run.n, true, SIZE_MAX, NULL, &err), &err);
    CHECK_OK(put_raw_file(b.raw, "r", run.r, run.n, false, SIZE_MAX, NULL, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_result ra, rb;
    CHECK_OK(process_one(a.dir, "r", &cfg, &ra, &err), &err);
    CHECK_OK(process_one(b.dir, "r", &cfg, &rb, &err), &err);
    CHECK_EQ_INT(ra.readings, (int64_t)run.n);
    CHECK_EQ_INT(rb.readings, (int64_t)run.n);
    const char *tables[] = { "aligned", "features" };
    for (int t = 0; t < 2; t++) {
        pf_rows x = { 0 }, y = { 0 };
        CHECK_OK(pf_read_table(a.dir, tables[t], "r", &x, &err), &err);
        CHECK_OK(pf_read_table(b.dir, tables[t], "r", &y, &err), &err);
        CHECK(x.rows > 0);
        CHECK_MSG(rows_equal(&x, &y, "processed_at"), "%s differs between dictionary and plain raw", tables[t]);
        pf_rows_free(&x);
        pf_rows_free(&y);
    }
    lake_free(&a);
    lake_free(&b);
    tf_run_free(&run);
}

TEST(an_unknown_field_name_is_named_with_its_row_in_either_encoding)
{
    for (int dictionary = 0; dictionary < 2; dictionary++) {
        kt_error err = { 0 };
        tf_run run = { 0 };
        CHECK(tf_clean_run(&run, 1.0, 8) == 0);
        lake l;
        CHECK_OK(lake_new(&l, "pfield", &err), &err);
        CHECK_OK(put_raw_file(l.raw, "r", run.r, run.n, dictionary, 23, "fq", &err), &err);
        kt_transform_config cfg;
        kt_transform_config_default(&cfg);
        kt_process_result res;
        CHECK_EQ_INT(process_one(l.dir, "r", &cfg, &res, &err), KT_ERR_FORMAT);
        CHECK_MSG(strstr(err.msg, "'field'") && strstr(err.msg, "row 23") && strstr(err.msg, "not one of"),
                  "dictionary %d: %s", dictionary, err.msg);
        CHECK_EQ_INT(active_files(l.dir, "aligned"), 0);
        lake_free(&l);
        tf_run_free(&run);
    }
}

/*
 * Memory per run against the decoded readings (24 bytes each: kt_reading),
 * measured two ways on runs of 30 s, 2 min and 10 min:
 *  - the whole process's heap high-water mark while kt_process_run reads,
 *    transforms and writes the run (heap_peak.h counts every allocation,
 *    the Parquet writer's, zstd's and the Delta log's included), minus
 *    what was live before; fresh context, so nothing of an earlier run is
 *    reused. Release build only (ASan owns malloc).
 *  - the context's own accounting (kt_process_result), both builds.
 * Both must stay within 3x the decoded readings; materialising the output
 * tables again (~4.7x) fails this test. The heap peak also contains costs
 * that do not grow with the run — zstd contexts, the Parquet writer's one
 * column chunk (up to 32,768 rows), footers, the Delta log — allowed as
 * FIXED_BYTES; from 2-minute runs on the peak is within 3x without it.
 */
#define FIXED_BYTES (2.0 * 1024 * 1024)
static void check_memory(kt_test_ctx *t_, double seconds, uint64_t seed)
{
    kt_error err = { 0 };
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, seconds, seed) == 0);
    lake l;
    CHECK_OK(lake_new(&l, "pmem", &err), &err);
    CHECK_OK(put_run(l.raw, "m", run.r, run.n, 2, 4, &err), &err);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_process_options o = test_opts();
    kt_process_ctx *ctx;
    CHECK_OK(kt_process_ctx_new(l.dir, &o, &ctx, &err), &err);
    kt_process_result res;
    long long before = heap_peak_live();
    heap_peak_reset();
    CHECK_OK(kt_process_run(ctx, "m", &cfg, &res, &err), &err);
    long long peak = heap_peak_bytes() - before;
    kt_process_ctx_free(ctx);
    double decoded = (double)res.readings * sizeof(kt_reading);
    double loading = (double)(res.readings_bytes + res.reader_peak_bytes);
    double transforming = (double)(res.readings_bytes + res.scratch_bytes);
    double writing = (double)(res.readings_bytes + res.scratch_bytes + res.output_bytes);
    printf("# memory, %.0f s run: %lld readings = %.2f MB decoded, %lld rows; heap peak %.2f MB = %.2fx; "
           "accounted: loading %.2fx, transforming %.2fx, writing %.2fx (own slice %.2f MB)\n",
           seconds, (long long)res.readings, decoded / 1e6, (long long)res.rows, (double)peak / 1e6,
           (double)peak / decoded, loading / decoded, transforming / decoded, writing / decoded,
           (double)res.output_bytes / 1e6);
    printf("# time: read %.3f s, transform %.3f s, write %.3f s (CPU)\n", res.read_cpu_s, res.transform_cpu_s,
           res.write_cpu_s);
    CHECK(res.readings > (int64_t)(seconds * 1000));
    CHECK_MSG(loading <= 3 * decoded, "loading holds %.2fx the readings", loading / decoded);
    CHECK_MSG(transforming <= 3 * decoded, "transforming holds %.2fx", transforming / decoded);
    CHECK_MSG(writing <= 3 * decoded, "writing holds %.2fx", writing / decoded);
#if HEAP_PEAK_ENABLED
    CHECK_MSG(peak > 0 && (double)peak <= 3 * decoded + FIXED_BYTES,
              "the run's heap peak is %.2fx its decoded readings + %.2f MB", (double)peak / decoded,
              ((double)peak - 3 * decoded) / 1e6);
    if (seconds >= 120)
        CHECK_MSG((double)peak <= 3 * decoded, "the run's heap peak is %.2fx its decoded readings",
                  (double)peak / decoded);
#endif
    lake_free(&l);
    tf_run_free(&run);
}

TEST(memory_per_run_is_at_most_three_times_the_readings)
{
    check_memory(t_, 30.0, 9);
    if (t_->failed) return;
    check_memory(t_, 120.0, 10);
    if (t_->failed) return;
    check_memory(t_, 600.0, 11);
}

TEST_MAIN_BEGIN("process")
    RUN(ctx, tables_have_the_spec_columns_in_order);
    RUN(ctx, outputs_equal_the_transform_on_the_same_readings);
    RUN(ctx, contents_do_not_depend_on_files_or_order);
    RUN(ctx, reprocessing_rewrites_identical_rows_with_a_new_sequence);
    RUN(ctx, currency_follows_input_config_and_unfinished_processing);
    RUN(ctx, a_mixed_run_stats_file_keeps_the_other_runs_row);
    RUN(ctx, a_group_commit_equals_committing_each_run);
    RUN(ctx, quarantined_rows_are_counted_by_canonical_run_id);
    RUN(ctx, concurrent_workers_commit_different_and_same_runs);
    RUN(ctx, a_damaged_raw_file_is_named_and_nothing_is_written);
    RUN(ctx, field_names_from_dictionary_and_plain_pages_process_alike);
    RUN(ctx, an_unknown_field_name_is_named_with_its_row_in_either_encoding);
    RUN(ctx, memory_per_run_is_at_most_three_times_the_readings);
TEST_MAIN_END()
