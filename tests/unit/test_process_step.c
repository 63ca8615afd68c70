/*
 * tests/unit/test_process_step.c — the orchestrator's processing phase on
 * real Delta tables and a real state.db: dirty planning (never processed,
 * new input for one run only, quarantine-only change, lost state), the
 * parallel step recording every attempt (ok, failed with its error,
 * reconciled from the tables without a commit, not reconciled when
 * run_stats counts other quarantined rows), and the lake config files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "delta_fixture.h"
#include "orchestrate/lake_config.h"
#include "orchestrate/lake_dir.h"
#include "orchestrate/process_step.h"
#include "pipeline/run_stats_table.h"
#include "process_fixture.h"
#include "transform_fixture.h"

typedef struct fixture {
    char *dir;
    kt_delta_table *raw;
    kt_state *st;
    kt_pool *pool;
    kt_transform_config cfg;
    char config_hash[17];
    int64_t pipeline_run_id; /* task rows go here when set */
} fixture;

static kt_status fixture_new(fixture *f, const char *tag, kt_error *err)
{
    memset(f, 0, sizeof *f);
    f->dir = fx_tempdir(tag);
    if (!f->dir) return KT_ERR_IO;
    kt_transform_config_default(&f->cfg);
    kt_transform_config_hash_hex(&f->cfg, f->config_hash);
    KT_TRY(pf_create_raw(f->dir, &f->raw, err));
    KT_TRY(kt_state_open(f->dir, KT_STATE_CREATE, &f->st, err));
    kt_pool_config pc = { .threads = 2 };
    return kt_pool_new(&pc, &f->pool, err);
}

static void fixture_free(fixture *f)
{
    kt_pool_free(f->pool);
    kt_state_close(f->st);
    kt_delta_close(f->raw);
    fx_rmrf(f->dir);
    free(f->dir);
}

/* A clean run of `seconds`, shifted by `offset_s`, as one raw file of `run`. */
static kt_status add_run(fixture *f, const char *run, double seconds, double offset_s, uint64_t seed, kt_error *err)
{
    tf_run r = { 0 };
    if (tf_clean_run(&r, seconds, seed) != 0) return kt_fail(err, KT_ERR_NOMEM, "fixture");
    for (size_t i = 0; i < r.n; i++) r.r[i].time_us += (int64_t)(offset_s * 1e6);
    kt_status st = pf_append_raw(f->raw, run, r.r, r.n, "src.parquet", err);
    tf_run_free(&r);
    return st;
}

static kt_status plan(fixture *f, kt_process_plan *p, kt_error *err)
{
    kt_delta_options d = { .no_fsync = true };
    return kt_process_plan_dirty(f->dir, f->st, f->config_hash, &d, p, err);
}

static kt_status step(fixture *f, const kt_process_plan *p, kt_process_step_result *r, kt_error *err)
{
    kt_process_step_options o = { .lake = f->dir, .st = f->st, .pool = f->pool, .cfg = &f->cfg,
                                   .delta = { .no_fsync = true }, .pipeline_run_id = f->pipeline_run_id };
    return kt_process_step(&o, p, r, err);
}

static int64_t table_version(const char *lake, const char *name)
{
    kt_error err;
    kt_delta_table *t;
    kt_delta_snapshot *s;
    if (kt_delta_open_in_lake(lake, name, NULL, &t, &err) != KT_OK) return -2;
    int64_t v = kt_delta_snapshot_load(t, -1, &s, &err) == KT_OK ? kt_delta_snapshot_version(s) : -1;
    if (v >= 0) kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return v;
}

TEST(empty_lake_plans_nothing)
{
    kt_error err;
    char *dir = fx_tempdir("pstep-empty");
    kt_state *st;
    CHECK_OK(kt_state_open(dir, KT_STATE_CREATE, &st, &err), &err);
    kt_process_plan p;
    kt_status s = kt_process_plan_dirty(dir, st, "0123456789abcdef", NULL, &p, &err);
    kt_state_close(st);
    fx_rmrf(dir);
    free(dir);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(p.count, 0);
    CHECK_EQ_INT(p.raw_version, -1);
    kt_process_plan_free(&p);
}

TEST(plan_process_then_clean)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-plan", &err), &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r;
    kt_status s = add_run(&f, "100", 3, 0, 1, &err);
    if (s == KT_OK) s = add_run(&f, "200", 2, 10, 2, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    bool planned = s == KT_OK && p.count == 2 && p.runs_in_raw == 2 && !strcmp(p.runs[0].run_uuid, "100") &&
                   p.runs[0].reason == KT_DIRTY_NEVER_PROCESSED && p.runs[0].may_be_current &&
                   strlen(p.runs[0].fingerprint) == 35 && !strcmp(p.runs[0].fingerprint + 32, "-q0");
    bool planned_q = s == KT_OK && p.count == 2 && strstr(p.runs[1].fingerprint, "-q0") != NULL;
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_run_record rec;
    bool found = false;
    kt_arena arena;
    kt_arena_init(&arena, 0);
    if (s == KT_OK) s = kt_state_run_get(f.st, "200", &arena, &rec, &found, &err);
    bool recorded = found && rec.status == KT_RUN_OK && !strcmp(rec.input_fingerprint, p.runs[1].fingerprint) &&
                    !strcmp(rec.config_hash, f.config_hash) && rec.aligned_version >= 0 && rec.attempts == 1;
    kt_process_plan_free(&p);
    kt_process_plan again = { 0 };
    if (s == KT_OK) s = plan(&f, &again, &err);
    size_t dirty_after = again.count;
    kt_process_plan_free(&again);
    kt_arena_free(&arena);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK(planned);
    CHECK(planned_q);
    CHECK_EQ_INT(r.processed, 2);
    CHECK_EQ_INT(r.failed, 0);
    CHECK_EQ_INT(r.reconciled, 0);
    CHECK(r.rows > 0 && r.readings > r.rows);
    CHECK(recorded);
    CHECK_EQ_INT(dirty_after, 0);
}

TEST(new_input_dirties_only_its_run)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-new", &err), &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r;
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    if (s == KT_OK) s = add_run(&f, "200", 2, 10, 2, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    int64_t other_before = table_version(f.dir, "aligned");
    if (s == KT_OK) s = add_run(&f, "200", 1, 20, 3, &err); /* later readings of run 200 */
    if (s == KT_OK) s = plan(&f, &p, &err);
    bool only_200 = s == KT_OK && p.count == 1 && !strcmp(p.runs[0].run_uuid, "200") &&
                    p.runs[0].reason == KT_DIRTY_INPUT_CHANGED && p.runs[0].may_be_current;
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    int64_t after = table_version(f.dir, "aligned");
    kt_process_plan_free(&p);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK(only_200);
    CHECK_EQ_INT(r.processed, 1);
    CHECK_EQ_INT(after, other_before + 1); /* one aligned commit: run 200's */
}

TEST(lost_state_reconciles_without_commit)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-lost", &err), &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r;
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    if (s == KT_OK) s = add_run(&f, "200", 2, 10, 2, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    int64_t versions[3] = { table_version(f.dir, "aligned"), table_version(f.dir, "features"),
                            table_version(f.dir, "run_stats") };
    /* state.db deleted: a fresh one on the same lake */
    char path[4096];
    kt_state_close(f.st);
    f.st = NULL;
    if (s == KT_OK) s = kt_lake_meta_path(f.dir, KT_STATE_FILE, false, path, sizeof path, &err);
    if (s == KT_OK) remove(path);
    if (s == KT_OK) s = kt_state_open(f.dir, KT_STATE_CREATE, &f.st, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    size_t planned = p.count;
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    bool unchanged = versions[0] == table_version(f.dir, "aligned") &&
                     versions[1] == table_version(f.dir, "features") &&
                     versions[2] == table_version(f.dir, "run_stats");
    kt_process_plan again = { 0 };
    if (s == KT_OK) s = plan(&f, &again, &err);
    size_t dirty_after = again.count;
    kt_process_plan_free(&again);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(planned, 2);
    CHECK_EQ_INT(r.reconciled, 2);
    CHECK_EQ_INT(r.processed, 0);
    CHECK(unchanged);
    CHECK_EQ_INT(dirty_after, 0);
}

TEST(quarantine_only_change_is_processed_not_reconciled)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-q", &err), &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r;
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    char fp[KT_INPUT_FINGERPRINT_MAX];
    snprintf(fp, sizeof fp, "%s", p.count ? p.runs[0].fingerprint : "");
    kt_process_plan_free(&p);
    /* state.db says the run was processed when it had 5 quarantined rows */
    char *q = strstr(fp, "-q");
    if (q) snprintf(q, sizeof fp - (size_t)(q - fp), "-q5");
    kt_run_record rec = { .run_uuid = "100", .input_fingerprint = fp, .config_hash = f.config_hash,
                          .status = KT_RUN_OK, .raw_version_latest = 1, .raw_version_seen = 1,
                          .aligned_version = 1, .features_version = 1, .run_stats_version = 1 };
    if (s == KT_OK) s = kt_state_run_put(f.st, &rec, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    bool forced = s == KT_OK && p.count == 1 && p.runs[0].reason == KT_DIRTY_INPUT_CHANGED &&
                  !p.runs[0].may_be_current;
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK(q != NULL);
    CHECK(forced);
    CHECK_EQ_INT(r.processed, 1);
    CHECK_EQ_INT(r.reconciled, 0);
}

/* Cuts the first active raw file of run to 100 bytes. */
static kt_status damage_run(fixture *f, const char *run, kt_error *err)
{
    kt_delta_snapshot *snap;
    KT_TRY(kt_delta_snapshot_load(f->raw, -1, &snap, err));
    kt_status s = kt_fail(err, KT_ERR_NOT_FOUND, "no file of run %s", run);
    for (size_t i = 0; i < kt_delta_snapshot_num_files(snap); i++) {
        const kt_delta_file *df = kt_delta_snapshot_file(snap, i);
        if (!df->partition_values[0] || strcmp(df->partition_values[0], run) != 0) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", kt_delta_dir(f->raw), df->path);
        s = truncate(path, 100) == 0 ? KT_OK : kt_fail(err, KT_ERR_IO, "truncate %s", path);
        break;
    }
    kt_delta_snapshot_free(snap);
    return s;
}

/* state.db lost, and the run_stats row counts 5 quarantined rows where the
 * lake has 0 now: the tables' currency check alone would call the run
 * current; the plan must send it to processing instead. */
TEST(stale_quarantine_count_in_run_stats_is_processed)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-qrow", &err), &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r;
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    /* rewrite the run's run_stats row with another count, same txn sequence */
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_run_stats_index *ix = kt_run_stats_index_new();
    int64_t n = -1, v;
    if (s == KT_OK) s = kt_delta_open_in_lake(f.dir, "run_stats", NULL, &t, &err);
    if (s == KT_OK) s = kt_delta_snapshot_load(t, -1, &snap, &err);
    if (s == KT_OK && !kt_delta_snapshot_app_version(snap, "kinetl-process/100", &n)) s = KT_ERR_NOT_FOUND;
    kt_run_stats row = { .run_uuid = "100", .quarantined_rows = 5, .status = "partial" };
    snprintf(row.config_hash, sizeof row.config_hash, "%s", f.config_hash);
    if (s == KT_OK) s = kt_run_stats_table_replace(ix, t, snap, &row, "kinetl-process/100", n, &v, &err);
    kt_run_stats_index_free(ix);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    char path[4096];
    kt_state_close(f.st);
    f.st = NULL;
    if (s == KT_OK) s = kt_lake_meta_path(f.dir, KT_STATE_FILE, false, path, sizeof path, &err);
    if (s == KT_OK) remove(path);
    if (s == KT_OK) s = kt_state_open(f.dir, KT_STATE_CREATE, &f.st, &err);
    if (s == KT_OK) s = plan(&f, &p, &err);
    bool forced = s == KT_OK && p.count == 1 && !p.runs[0].may_be_current && p.runs[0].quarantined == 0;
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK(forced);
    CHECK_EQ_INT(r.processed, 1);
    CHECK_EQ_INT(r.reconciled, 0);
}

TEST(failing_run_is_recorded_and_others_proceed)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-fail", &err), &err);
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    if (s == KT_OK) s = add_run(&f, "300", 2, 10, 2, &err);
    if (s == KT_OK) s = damage_run(&f, "300", &err);
    static const char *const runs[] = { "100", "300", "404" };
    kt_process_plan p = { 0 };
    kt_process_step_result r = { 0 };
    if (s == KT_OK) s = kt_process_plan_runs(runs, 3, &p, &err);
    if (s == KT_OK) s = kt_state_pipeline_start(f.st, "process", 0, &f.pipeline_run_id, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    kt_arena arena;
    kt_arena_init(&arena, 0);
    kt_run_record rec, ok, none;
    bool found = false, ok_found = false, none_found = true;
    if (s == KT_OK) s = kt_state_run_get(f.st, "300", &arena, &rec, &found, &err);
    bool failed = found && rec.status == KT_RUN_FAILED && rec.error && strstr(rec.error, "raw");
    if (s == KT_OK) s = kt_state_run_get(f.st, "100", &arena, &ok, &ok_found, &err);
    if (s == KT_OK) s = kt_state_run_get(f.st, "404", &arena, &none, &none_found, &err);
    kt_task_record *tasks = NULL;
    size_t ntasks = 0;
    if (s == KT_OK) s = kt_state_tasks_of(f.st, f.pipeline_run_id, &arena, &tasks, &ntasks, &err);
    size_t failed_tasks = 0;
    bool unknown_task = false;
    for (size_t i = 0; i < ntasks; i++) {
        if (tasks[i].status == KT_TASK_FAILED) failed_tasks++;
        if (!strcmp(tasks[i].run_uuid, "404") && tasks[i].error && strstr(tasks[i].error, "no readings"))
            unknown_task = true;
    }
    kt_arena_free(&arena);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(r.processed, 1);
    CHECK_EQ_INT(r.failed, 2);
    CHECK_MSG(failed, "run 300: %s", found && rec.error ? rec.error : "(no error)");
    CHECK(ok_found && ok.status == KT_RUN_OK);
    CHECK(!none_found);          /* no readings: not a run */
    CHECK_EQ_INT(ntasks, 3);
    CHECK_EQ_INT(failed_tasks, 2);
    CHECK(unknown_task);
}

TEST(a_worker_commits_its_runs_in_groups)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-group", &err), &err);
    kt_pool_free(f.pool);
    kt_pool_config pc = { .threads = 1 };   /* one worker: which runs share a commit is then known */
    kt_status s = kt_pool_new(&pc, &f.pool, &err);
    enum { RUNS = KT_PROCESS_GROUP_RUNS + 3 };
    char names[RUNS][16];
    for (int i = 0; s == KT_OK && i < RUNS; i++) {
        snprintf(names[i], sizeof names[i], "%d", 1000 + i);
        s = add_run(&f, names[i], 0.3, 10.0 * i, 1 + (uint64_t)i, &err);
    }
    kt_process_plan p = { 0 };
    kt_process_step_result r = { 0 };
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    size_t in_first = 0, in_second = 0, ok = 0;
    kt_arena arena;
    kt_arena_init(&arena, 0);
    for (int i = 0; s == KT_OK && i < RUNS; i++) {
        kt_run_record rec;
        bool found = false;
        s = kt_state_run_get(f.st, names[i], &arena, &rec, &found, &err);
        if (!found || rec.status != KT_RUN_OK) continue;
        ok++;
        bool same = rec.aligned_version == rec.features_version && rec.run_stats_version == rec.aligned_version;
        in_first += same && rec.aligned_version == 1;
        in_second += same && rec.aligned_version == 2;
    }
    int64_t aligned = table_version(f.dir, "aligned"), stats = table_version(f.dir, "run_stats");
    kt_arena_free(&arena);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(r.processed, RUNS);
    CHECK_EQ_INT(ok, RUNS);
    CHECK_EQ_INT(aligned, 2);   /* created, then two commits for all the runs */
    CHECK_EQ_INT(stats, 2);
    CHECK_EQ_INT(in_first, KT_PROCESS_GROUP_RUNS);
    CHECK_EQ_INT(in_second, RUNS - KT_PROCESS_GROUP_RUNS);
}

TEST(cancelled_step_starts_nothing)
{
    kt_error err;
    fixture f;
    CHECK_OK(fixture_new(&f, "pstep-cancel", &err), &err);
    kt_status s = add_run(&f, "100", 2, 0, 1, &err);
    kt_cancel_flag cancel;
    atomic_init(&cancel, 15);
    kt_pool_free(f.pool);
    kt_pool_config pc = { .threads = 2, .cancel = &cancel };
    if (s == KT_OK) s = kt_pool_new(&pc, &f.pool, &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r = { 0 };
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    kt_process_plan_free(&p);
    int64_t aligned = table_version(f.dir, "aligned");
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(r.interrupted, 1);
    CHECK_EQ_INT(r.processed, 0);
    CHECK(aligned <= 0); /* created at most, never written */
}

TEST(process_conf_parsing)
{
    kt_error err;
    char *dir = fx_tempdir("pstep-conf");
    char path[4096], conf[4200];
    kt_transform_config cfg, def;
    kt_transform_config_default(&def);
    bool found = true;
    kt_status s = kt_lake_process_config(dir, &cfg, &found, &err);
    bool defaults = s == KT_OK && !found && kt_transform_config_hash(&cfg) == kt_transform_config_hash(&def);
    kt_lake_meta_path(dir, "", true, path, sizeof path, &err);
    snprintf(conf, sizeof conf, "%s/%s", path, KT_LAKE_PROCESS_CONF);
    fx_write_file(conf, "# processing\n\nmax_gap = 250ms   # tighter\n  hampel_window=7\nalign = grid:20ms\n");
    s = kt_lake_process_config(dir, &cfg, &found, &err);
    bool read = s == KT_OK && found && cfg.max_gap_us == 250000 && cfg.hampel_half_window == 7 &&
                cfg.align == KT_ALIGN_GRID && cfg.grid_period_us == 20000 &&
                kt_transform_config_hash(&cfg) != kt_transform_config_hash(&def);
    fx_write_file(conf, "max_gap = 1s\nwobble = 3\n");
    s = kt_lake_process_config(dir, &cfg, &found, &err);
    bool unknown = s == KT_ERR_USAGE && strstr(err.msg, "process.conf:2") && strstr(err.msg, "wobble");
    fx_write_file(conf, "max_gap\n");
    s = kt_lake_process_config(dir, &cfg, &found, &err);
    bool no_eq = s == KT_ERR_USAGE && strstr(err.msg, "process.conf:1") && strstr(err.msg, "key = value");
    fx_rmrf(dir);
    free(dir);
    CHECK(defaults);
    CHECK(read);
    CHECK_MSG(unknown, "%s", err.msg);
    CHECK(no_eq);
}

/* Larger runs start first (one worker: tasks are recorded in the order
 * they ran), whatever their order by run id; equal work is unchanged. */
TEST(larger_runs_start_first)
{
    kt_error err;
    fixture f;
    kt_status s = fixture_new(&f, "largefirst", &err);
    kt_pool_free(f.pool);
    f.pool = NULL;
    kt_pool_config pc = { .threads = 1 };
    if (s == KT_OK) s = kt_pool_new(&pc, &f.pool, &err);
    if (s == KT_OK) s = add_run(&f, "100", 10, 0, 1, &err);
    if (s == KT_OK) s = add_run(&f, "200", 60, 100, 2, &err);
    if (s == KT_OK) s = add_run(&f, "300", 30, 200, 3, &err);
    kt_process_plan p = { 0 };
    kt_process_step_result r = { 0 };
    if (s == KT_OK) s = plan(&f, &p, &err);
    if (s == KT_OK) s = kt_state_pipeline_start(f.st, "process", 0, &f.pipeline_run_id, &err);
    if (s == KT_OK) s = step(&f, &p, &r, &err);
    bool sized = p.count == 3 && p.runs[0].bytes > 0 && p.runs[1].bytes > p.runs[2].bytes &&
                 p.runs[2].bytes > p.runs[0].bytes;
    kt_process_plan_free(&p);
    kt_arena arena;
    kt_arena_init(&arena, 0);
    kt_task_record *tasks = NULL;
    size_t ntasks = 0;
    if (s == KT_OK) s = kt_state_tasks_of(f.st, f.pipeline_run_id, &arena, &tasks, &ntasks, &err);
    char order[32] = "";
    for (size_t i = 0; s == KT_OK && i < ntasks; i++) {
        strncat(order, tasks[i].run_uuid, sizeof order - strlen(order) - 1);
        strncat(order, " ", sizeof order - strlen(order) - 1);
    }
    kt_arena_free(&arena);
    fixture_free(&f);
    CHECK_OK(s, &err);
    CHECK(sized);
    CHECK_EQ_INT(r.processed, 3);
    CHECK_MSG(strcmp(order, "200 300 100 ") == 0, "tasks ran in the order %s", order);
}

TEST_MAIN_BEGIN("process_step")
RUN(ctx, empty_lake_plans_nothing);
RUN(ctx, plan_process_then_clean);
RUN(ctx, new_input_dirties_only_its_run);
RUN(ctx, lost_state_reconciles_without_commit);
RUN(ctx, quarantine_only_change_is_processed_not_reconciled);
RUN(ctx, stale_quarantine_count_in_run_stats_is_processed);
RUN(ctx, failing_run_is_recorded_and_others_proceed);
RUN(ctx, a_worker_commits_its_runs_in_groups);
RUN(ctx, cancelled_step_starts_nothing);
RUN(ctx, larger_runs_start_first);
RUN(ctx, process_conf_parsing);
TEST_MAIN_END()
