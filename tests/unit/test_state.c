/* tests/unit/test_state.c — state.db: schema and migrations, manifest verdicts, history, run state and dirty queries, rebuild, threads, crashes. */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/clock.h"
#include "orchestrate/state.h"

/* ---- fixtures -------------------------------------------------------------- */

typedef struct lake {
    char dir[64];
    char db[128];
} lake;

static int lake_make(lake *l)
{
    snprintf(l->dir, sizeof l->dir, "/tmp/kt_state_XXXXXX");
    if (!mkdtemp(l->dir)) return -1;
    snprintf(l->db, sizeof l->db, "%s/_kinetl/state.db", l->dir);
    return 0;
}

static void lake_remove(const lake *l)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", l->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", l->dir);
}

/* Raw SQLite access for inspecting what the API wrote (tests only). */
static long long raw_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    long long v = -999;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW) v = sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
        }
    }
    sqlite3_close(db);
    return v;
}

static int raw_text(const char *db_path, const char *sql, char *out, size_t cap)
{
    sqlite3 *db;
    int ok = -1;
    out[0] = '\0';
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
            size_t used = 0;
            while (sqlite3_step(q) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(q, 0);
                int n = snprintf(out + used, cap - used, "%s\n", t ? t : "NULL");
                if (n > 0 && (size_t)n < cap - used) used += (size_t)n;
            }
            ok = 0;
            sqlite3_finalize(q);
        }
    }
    sqlite3_close(db);
    return ok;
}

static int raw_exec(const char *db_path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static kt_file_record file_rec(const char *path, int64_t size, uint64_t hash,
                               kt_file_status status)
{
    kt_file_record r = { .path = path, .size = size, .hash = hash, .status = status,
                         .raw_version = KT_STATE_NO_VERSION,
                         .quarantine_version = KT_STATE_NO_VERSION };
    return r;
}

static int64_t iso(const char *text)
{
    int64_t us = 0;
    kt_time_parse_iso(text, &us, NULL);
    return us;
}

/* ---- schema and opening ---------------------------------------------------- */

TEST(create_makes_directories_wal_and_schema)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    char nested[128];
    snprintf(nested, sizeof nested, "%s/deep/lake", l.dir);
    kt_state *st;
    kt_error err;
    kt_status s = kt_state_open(nested, KT_STATE_CREATE, &st, &err);
    int version = s == KT_OK ? kt_state_schema_version(st) : -1;
    char path[256] = "";
    if (s == KT_OK) snprintf(path, sizeof path, "%s", kt_state_db_path(st));
    kt_state_close(st);
    char mode[64], tables[512];
    raw_text(path, "PRAGMA journal_mode", mode, sizeof mode);
    raw_text(path, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                   "'sqlite_%' ORDER BY name", tables, sizeof tables);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(version, KT_STATE_SCHEMA_VERSION);
    CHECK(strstr(path, "/deep/lake/_kinetl/state.db") != NULL);
    CHECK_EQ_STR(mode, "wal\n");
    CHECK_EQ_STR(tables, "manifest\npipeline_runs\nrun_state\ntask_runs\n");
}

TEST(reopening_migrates_nothing_and_keeps_data)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record f = file_rec("a.parquet", 10, 0xabc, KT_FILE_INGESTED);
    kt_status s = kt_state_file_put(st, &f, &err);
    kt_state_close(st);
    CHECK_OK(s, &err);
    char before[8192], after[8192];
    raw_text(l.db, "SELECT sql FROM sqlite_schema ORDER BY name", before, sizeof before);
    long long changes_before = raw_int(l.db, "PRAGMA schema_version");
    for (int mode = KT_STATE_CREATE; mode <= KT_STATE_READ_ONLY; mode++) {
        s = kt_state_open(l.dir, (kt_state_mode)mode, &st, &err);
        if (s != KT_OK) break;
        kt_arena a;
        kt_arena_init(&a, 0);
        kt_file_record got;
        bool found = false;
        s = kt_state_file_get(st, "a.parquet", &a, &got, &found, &err);
        kt_arena_free(&a);
        kt_state_close(st);
        if (s != KT_OK || !found) { s = s ? s : KT_ERR_NOT_FOUND; break; }
    }
    raw_text(l.db, "SELECT sql FROM sqlite_schema ORDER BY name", after, sizeof after);
    long long changes_after = raw_int(l.db, "PRAGMA schema_version");
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK(before[0] != '\0');
    CHECK_EQ_STR(before, after);
    CHECK_EQ_INT(changes_before, changes_after); /* no DDL ran on reopen */
}

TEST(an_empty_version_zero_database_is_migrated)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/_kinetl", l.dir);
    CHECK(mkdir(dir, 0755) == 0);
    CHECK(raw_exec(l.db, "CREATE TABLE unrelated (x)") == SQLITE_OK); /* user_version 0 */
    kt_state *st;
    kt_error err;
    kt_status ro = kt_state_open(l.dir, KT_STATE_READ_ONLY, &st, &err);
    char ro_msg[KT_ERROR_MSG_MAX];
    snprintf(ro_msg, sizeof ro_msg, "%s", err.msg);
    kt_status s = kt_state_open(l.dir, KT_STATE_EXISTING, &st, &err);
    int version = s == KT_OK ? kt_state_schema_version(st) : -1;
    kt_state_close(st);
    long long tables = raw_int(l.db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
    lake_remove(&l);
    CHECK_EQ_INT(ro, KT_ERR_STATE);
    CHECK_MSG(strstr(ro_msg, "older") && strstr(ro_msg, "state.db"), "%s", ro_msg);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(version, KT_STATE_SCHEMA_VERSION);
    CHECK(tables >= 5);
}

TEST(a_newer_schema_is_refused)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_state_close(st);
    CHECK(raw_exec(l.db, "PRAGMA user_version = 99") == SQLITE_OK);
    kt_status s = kt_state_open(l.dir, KT_STATE_CREATE, &st, &err);
    lake_remove(&l);
    CHECK_EQ_INT(s, KT_ERR_STATE);
    CHECK_MSG(strstr(err.msg, "schema version 99 is newer") && strstr(err.msg, l.db), "%s",
              err.msg);
}

TEST(garbage_and_missing_files_are_clear_errors)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st = NULL;
    kt_error err;
    kt_status missing = kt_state_open(l.dir, KT_STATE_READ_ONLY, &st, &err);
    char missing_msg[KT_ERROR_MSG_MAX];
    snprintf(missing_msg, sizeof missing_msg, "%s", err.msg);
    kt_status missing2 = kt_state_open(l.dir, KT_STATE_EXISTING, &st, &err);
    struct stat sb;
    int meta_exists = stat(l.db, &sb) == 0;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/_kinetl", l.dir);
    mkdir(dir, 0755);
    FILE *f = fopen(l.db, "w");
    if (f) {
        for (int i = 0; i < 200; i++) fputs("this is not a database at all. ", f);
        fclose(f);
    }
    kt_status garbage = kt_state_open(l.dir, KT_STATE_CREATE, &st, &err);
    lake_remove(&l);
    CHECK_EQ_INT(missing, KT_ERR_NOT_FOUND);
    CHECK(strstr(missing_msg, "no state database at") != NULL);
    CHECK_EQ_INT(missing2, KT_ERR_NOT_FOUND);
    CHECK(!meta_exists);
    CHECK_EQ_INT(garbage, KT_ERR_STATE);
    CHECK_MSG(strstr(err.msg, "is not a kinetl state database"), "%s", err.msg);
    CHECK(st == NULL);
}

TEST(processes_opening_a_fresh_lake_at_once_all_succeed)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    enum { NPROC = 6 };
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t pids[NPROC];
    for (int i = 0; i < NPROC; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 0) _exit(9); /* wait for the pipe to close */
            kt_state *st;
            kt_error cerr;
            if (kt_state_open(l.dir, KT_STATE_CREATE, &st, &cerr) != KT_OK) {
                fprintf(stderr, "child %d: %s\n", i, cerr.msg);
                _exit(1);
            }
            char path[32];
            snprintf(path, sizeof path, "p%d.parquet", i);
            kt_file_record f = file_rec(path, i, (uint64_t)i, KT_FILE_INGESTED);
            kt_status s = kt_state_file_put(st, &f, &cerr);
            if (s != KT_OK) fprintf(stderr, "child %d: %s\n", i, cerr.msg);
            kt_state_close(st);
            _exit(s == KT_OK ? 0 : 2);
        }
    }
    close(go[0]);
    close(go[1]); /* all children start together */
    int failures = 0;
    for (int i = 0; i < NPROC; i++) {
        int ws;
        waitpid(pids[i], &ws, 0);
        if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) failures++;
    }
    long long rows = raw_int(l.db, "SELECT count(*) FROM manifest");
    long long version = raw_int(l.db, "PRAGMA user_version");
    lake_remove(&l);
    CHECK_EQ_INT(failures, 0);
    CHECK_EQ_INT(rows, NPROC);
    CHECK_EQ_INT(version, KT_STATE_SCHEMA_VERSION);
}

/* ---- manifest -------------------------------------------------------------- */

TEST(manifest_round_trips_every_field)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record f = {
        .path = "delivery_date=20221123/part-00001.parquet", .size = 123456789,
        .hash = 0xfedcba9876543210ULL, .mtime_ns = 1700000000123456789LL,
        .status = KT_FILE_INGESTED, .rows_accepted = 400000, .rows_rejected = 12,
        .rows_duplicate = 3, .raw_version = 7, .quarantine_version = KT_STATE_NO_VERSION,
        .error = NULL, .first_seen_us = iso("2026-11-21T10:00:00.000001Z"),
        .ingested_at_us = iso("2026-11-21T10:00:05.5Z"),
    };
    kt_status s = kt_state_file_put(st, &f, &err);
    kt_file_record again = f; /* an upsert keeps the first first_seen */
    again.first_seen_us = iso("2030-01-01T00:00:00Z");
    again.rows_accepted = 400001;
    if (s == KT_OK) s = kt_state_file_put(st, &again, &err);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_file_record g;
    bool found = false;
    if (s == KT_OK) s = kt_state_file_get(st, f.path, &a, &g, &found, &err);
    bool missing_found = true;
    kt_file_record m;
    if (s == KT_OK) s = kt_state_file_get(st, "nope", &a, &m, &missing_found, &err);
    char hash_text[64];
    raw_text(l.db, "SELECT hash FROM manifest", hash_text, sizeof hash_text);
    kt_state_close(st);
    lake_remove(&l);
    if (s != KT_OK || !found) kt_arena_free(&a);
    CHECK_OK(s, &err);
    CHECK(found && !missing_found);
    CHECK_EQ_STR(g.path, f.path);
    CHECK_EQ_INT(g.size, 123456789);
    CHECK(g.hash == 0xfedcba9876543210ULL);
    CHECK_EQ_STR(hash_text, "fedcba9876543210\n");
    CHECK_EQ_INT(g.mtime_ns, f.mtime_ns);
    CHECK_EQ_INT(g.status, KT_FILE_INGESTED);
    CHECK_EQ_INT(g.rows_accepted, 400001);
    CHECK_EQ_INT(g.rows_rejected, 12);
    CHECK_EQ_INT(g.rows_duplicate, 3);
    CHECK_EQ_INT(g.raw_version, 7);
    CHECK_EQ_INT(g.quarantine_version, KT_STATE_NO_VERSION);
    CHECK(g.error == NULL);
    CHECK_EQ_INT(g.first_seen_us, f.first_seen_us);
    CHECK_EQ_INT(g.ingested_at_us, f.ingested_at_us);
    CHECK_EQ_INT(g.changed_size, 0);
    kt_arena_free(&a);
}

typedef struct verdict_case {
    const char *path;
    int64_t size;
    uint64_t hash;
    kt_file_verdict want;
    const char *known_path; /* NULL: no known row */
} verdict_case;

TEST(file_verdicts_follow_identity_and_path)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record rows[] = {
        file_rec("d1/a.parquet", 100, 0x1111, KT_FILE_INGESTED),
        file_rec("d1/b.parquet", 200, 0x2222, KT_FILE_FAILED),
        file_rec("d1/c.parquet", 300, 0x3333, KT_FILE_INGESTED),
    };
    rows[1].error = "not a Parquet file";
    kt_status s = KT_OK;
    for (size_t i = 0; s == KT_OK && i < 3; i++) s = kt_state_file_put(st, &rows[i], &err);
    const verdict_case cases[] = {
        { "d2/new.parquet", 1, 0x9999, KT_FILE_NEW, NULL },
        { "d1/a.parquet", 100, 0x1111, KT_FILE_ALREADY, "d1/a.parquet" },
        { "d1/a.parquet", 100, 0x1112, KT_FILE_CONTENT_CHANGED, "d1/a.parquet" },
        { "d1/a.parquet", 101, 0x1111, KT_FILE_CONTENT_CHANGED, "d1/a.parquet" },
        { "d2/a-copy.parquet", 100, 0x1111, KT_FILE_COPY, "d1/a.parquet" },
        { "d2/a-same-hash-other-size.parquet", 99, 0x1111, KT_FILE_NEW, NULL },
        { "d1/b.parquet", 200, 0x2222, KT_FILE_STILL_FAILED, "d1/b.parquet" },
        { "d1/b.parquet", 250, 0x2223, KT_FILE_RETRY, "d1/b.parquet" },
        { "d1/b.parquet", 300, 0x3333, KT_FILE_COPY, "d1/c.parquet" },
    };
    kt_arena a;
    kt_arena_init(&a, 0);
    char bad[256] = "";
    for (size_t i = 0; s == KT_OK && i < sizeof cases / sizeof cases[0]; i++) {
        kt_file_verdict v;
        kt_file_record known;
        bool found;
        s = kt_state_file_classify(st, cases[i].path, cases[i].size, cases[i].hash, &a, &v,
                                   &known, &found, &err);
        bool path_ok = cases[i].known_path ? found && !strcmp(known.path, cases[i].known_path)
                                           : !found;
        if (s == KT_OK && (v != cases[i].want || !path_ok) && !bad[0])
            snprintf(bad, sizeof bad, "case %zu (%s): got %s, want %s", i, cases[i].path,
                     kt_file_verdict_name(v), kt_file_verdict_name(cases[i].want));
    }
    kt_arena_free(&a);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_MSG(!bad[0], "%s", bad);
}

TEST(changed_files_are_recorded_and_never_look_new)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record f = file_rec("d1/a.parquet", 100, 0x1111, KT_FILE_INGESTED);
    f.rows_accepted = 50;
    f.raw_version = 3;
    kt_status s = kt_state_file_put(st, &f, &err);
    int64_t seen = iso("2026-11-22T08:00:00Z");
    if (s == KT_OK) s = kt_state_file_mark_changed(st, "d1/a.parquet", 120, 0x1212, seen, &err);
    kt_status unknown = kt_state_file_mark_changed(st, "d1/none.parquet", 1, 1, 0, NULL);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_file_record g = { 0 };
    bool found = false;
    if (s == KT_OK) s = kt_state_file_get(st, "d1/a.parquet", &a, &g, &found, &err);
    kt_file_verdict v_new = KT_FILE_NEW, v_orig = KT_FILE_NEW, v_other = KT_FILE_NEW;
    if (s == KT_OK) s = kt_state_file_classify(st, "d1/a.parquet", 120, 0x1212, &a, &v_new, NULL, NULL, &err);
    if (s == KT_OK) s = kt_state_file_classify(st, "d1/a.parquet", 100, 0x1111, &a, &v_orig, NULL, NULL, &err);
    if (s == KT_OK) s = kt_state_file_classify(st, "d1/a.parquet", 7, 0x7, &a, &v_other, NULL, NULL, &err);
    kt_file_counts counts = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &counts, &err);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(unknown, KT_ERR_NOT_FOUND);
    CHECK(found && g.status == KT_FILE_CHANGED);
    CHECK(g.size == 100 && g.hash == 0x1111); /* the ingested identity stays */
    CHECK(g.changed_size == 120 && g.changed_hash == 0x1212 && g.changed_seen_us == seen);
    CHECK_EQ_INT(g.rows_accepted, 50);
    CHECK_EQ_INT(g.raw_version, 3);
    CHECK_EQ_INT(v_new, KT_FILE_CONTENT_CHANGED);
    CHECK_EQ_INT(v_orig, KT_FILE_ALREADY); /* content back to what was ingested */
    CHECK_EQ_INT(v_other, KT_FILE_CONTENT_CHANGED);
    CHECK(counts.ingested == 0 && counts.changed == 1 && counts.failed == 0);
    CHECK_EQ_INT(counts.rows_accepted, 50);
    kt_arena_free(&a);
}

TEST(file_lists_and_counts_by_status)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_status s = KT_OK;
    for (int i = 0; s == KT_OK && i < 10; i++) {
        char path[32];
        snprintf(path, sizeof path, "f%02d.parquet", 9 - i);
        kt_file_record f = file_rec(path, i, (uint64_t)i, i % 3 == 0 ? KT_FILE_FAILED : KT_FILE_INGESTED);
        f.rows_accepted = i * 10;
        f.rows_rejected = i;
        f.error = i % 3 == 0 ? "cannot read" : NULL;
        s = kt_state_file_put(st, &f, &err);
    }
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_file_record *failed = NULL, *all = NULL, *none = NULL;
    size_t nfailed = 0, nall = 0, nnone = 9;
    if (s == KT_OK) s = kt_state_files_failed(st, &a, &failed, &nfailed, &err);
    if (s == KT_OK)
        s = kt_state_files_list(st, KT_FILE_MASK(KT_FILE_FAILED) | KT_FILE_MASK(KT_FILE_INGESTED),
                                &a, &all, &nall, &err);
    if (s == KT_OK) s = kt_state_files_list(st, KT_FILE_MASK(KT_FILE_CHANGED), &a, &none, &nnone, &err);
    kt_file_counts c = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &c, &err);
    kt_state_close(st);
    lake_remove(&l);
    if (s != KT_OK) kt_arena_free(&a);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(nfailed, 4); /* i = 0, 3, 6, 9 */
    CHECK_EQ_STR(failed[0].path, "f00.parquet");
    CHECK_EQ_STR(failed[3].path, "f09.parquet");
    CHECK_EQ_STR(failed[1].error, "cannot read");
    CHECK_EQ_INT(nall, 10);
    for (size_t i = 1; i < nall; i++) CHECK(strcmp(all[i - 1].path, all[i].path) < 0);
    CHECK(nnone == 0 && none == NULL);
    CHECK(c.ingested == 6 && c.failed == 4 && c.changed == 0);
    CHECK_EQ_INT(c.rows_accepted, (1 + 2 + 4 + 5 + 7 + 8) * 10);
    CHECK_EQ_INT(c.rows_rejected, 1 + 2 + 4 + 5 + 7 + 8);
    kt_arena_free(&a);
}

/* ---- history --------------------------------------------------------------- */

TEST(pipeline_runs_and_tasks_are_recorded)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    int64_t ids[4] = { 0 };
    kt_status s = KT_OK;
    for (int i = 0; s == KT_OK && i < 4; i++)
        s = kt_state_pipeline_start(st, i == 3 ? "watch" : "run",
                                    iso("2026-11-21T10:00:00Z") + i * 1000000LL, &ids[i], &err);
    kt_run_counts c = { 3, 1, 1000, 7, 2, 1 };
    if (s == KT_OK)
        s = kt_state_pipeline_finish(st, ids[0], KT_PIPELINE_PARTIAL, &c,
                                     iso("2026-11-21T10:01:00Z"), "1 file failed", &err);
    if (s == KT_OK) s = kt_state_pipeline_finish(st, ids[1], KT_PIPELINE_OK, NULL, 0, NULL, &err);
    kt_status bad_id = kt_state_pipeline_finish(st, 9999, KT_PIPELINE_OK, NULL, 0, NULL, NULL);
    kt_task_record t1 = { .pipeline_run_id = ids[0], .task = KT_TASK_INGEST, .path = "a.parquet",
                          .status = KT_TASK_OK, .started_us = iso("2026-11-21T10:00:01Z"),
                          .ended_us = iso("2026-11-21T10:00:02Z"), .rows_in = 10, .rows_out = 9 };
    kt_task_record t2 = { .pipeline_run_id = ids[0], .task = KT_TASK_PROCESS, .run_uuid = "42",
                          .status = KT_TASK_FAILED, .error = "too many rows" };
    kt_task_record orphan = t1;
    orphan.pipeline_run_id = 12345;
    int64_t tid1 = 0, tid2 = 0;
    if (s == KT_OK) s = kt_state_task_record(st, &t1, &tid1, &err);
    if (s == KT_OK) s = kt_state_task_record(st, &t2, &tid2, &err);
    kt_error orphan_err;
    kt_status orphan_s = kt_state_task_record(st, &orphan, NULL, &orphan_err);
    int64_t closed = 0;
    if (s == KT_OK) s = kt_state_pipeline_close_abandoned(st, iso("2026-11-21T11:00:00Z"), &closed, &err);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_pipeline_run *recent = NULL;
    size_t nrecent = 0;
    if (s == KT_OK) s = kt_state_pipeline_recent(st, 3, &a, &recent, &nrecent, &err);
    kt_pipeline_run first;
    bool found = false;
    if (s == KT_OK) s = kt_state_pipeline_get(st, ids[0], &a, &first, &found, &err);
    kt_task_record *tasks = NULL;
    size_t ntasks = 0;
    if (s == KT_OK) s = kt_state_tasks_of(st, ids[0], &a, &tasks, &ntasks, &err);
    kt_state_close(st);
    lake_remove(&l);
    if (s != KT_OK) kt_arena_free(&a);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(bad_id, KT_ERR_NOT_FOUND);
    CHECK_MSG(orphan_s != KT_OK && strstr(orphan_err.msg, "FOREIGN KEY"), "%s", orphan_err.msg);
    CHECK(ids[0] > 0 && ids[1] > ids[0] && ids[3] > ids[2]);
    CHECK_EQ_INT(closed, 2);
    CHECK_EQ_INT(nrecent, 3);
    CHECK_EQ_INT(recent[0].id, ids[3]);
    CHECK_EQ_INT(recent[2].id, ids[1]);
    CHECK_EQ_STR(recent[0].command, "watch");
    CHECK_EQ_INT(recent[0].status, KT_PIPELINE_INTERRUPTED);
    CHECK(recent[0].error && strstr(recent[0].error, "without finishing"));
    CHECK_EQ_INT(recent[0].ended_us, iso("2026-11-21T11:00:00Z"));
    CHECK_EQ_INT(recent[2].status, KT_PIPELINE_OK);
    CHECK(recent[2].ended_us > 0 && recent[2].error == NULL);
    CHECK(found && first.status == KT_PIPELINE_PARTIAL);
    CHECK(memcmp(&first.counts, &c, sizeof c) == 0);
    CHECK_EQ_STR(first.error, "1 file failed");
    CHECK_EQ_INT(first.started_us, iso("2026-11-21T10:00:00Z"));
    CHECK_EQ_INT(first.ended_us, iso("2026-11-21T10:01:00Z"));
    CHECK_EQ_INT(ntasks, 2);
    CHECK(tasks[0].id == tid1 && tasks[1].id == tid2);
    CHECK(tasks[0].task == KT_TASK_INGEST && tasks[0].run_uuid == NULL);
    CHECK_EQ_STR(tasks[0].path, "a.parquet");
    CHECK(tasks[0].rows_in == 10 && tasks[0].rows_out == 9 && tasks[0].status == KT_TASK_OK);
    CHECK_EQ_INT(tasks[0].ended_us - tasks[0].started_us, 1000000);
    CHECK(tasks[1].task == KT_TASK_PROCESS && tasks[1].status == KT_TASK_FAILED);
    CHECK_EQ_STR(tasks[1].run_uuid, "42");
    CHECK_EQ_STR(tasks[1].error, "too many rows");
    CHECK(tasks[1].started_us == 0);
    kt_arena_free(&a);
}

/* ---- run state ------------------------------------------------------------- */

static kt_run_record ok_run(const char *uuid, const char *fp, const char *cfg, int64_t seen)
{
    kt_run_record r = { .run_uuid = uuid, .input_fingerprint = fp, .config_hash = cfg,
                        .raw_version_latest = KT_STATE_NO_VERSION, .raw_version_seen = seen,
                        .aligned_version = seen + 1, .features_version = seen + 2,
                        .run_stats_version = seen + 3, .status = KT_RUN_OK };
    return r;
}

/* Formats dirty runs as "uuid:reason," for compact comparison. */
static void dirty_text(const kt_dirty_run *d, size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + used, cap - used, "%s:%s,", d[i].run_uuid,
                         kt_dirty_reason_name(d[i].reason));
        if (w > 0 && (size_t)w < cap - used) used += (size_t)w;
    }
}

TEST(run_state_follows_input_and_processing)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_status s = kt_state_run_note_input(st, "12405186538561671000", 5, &err);
    if (s == KT_OK) s = kt_state_run_note_input(st, "12405186538561671000", 3, &err); /* older: kept 5 */
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_run_record r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
    bool found = false;
    if (s == KT_OK) s = kt_state_run_get(st, "12405186538561671000", &a, &r1, &found, &err);
    kt_run_record done = ok_run("12405186538561671000", "fp1", "cfgA", 5);
    if (s == KT_OK) s = kt_state_run_finish(st, &done, &err);
    if (s == KT_OK) s = kt_state_run_get(st, "12405186538561671000", &a, &r2, &found, &err);
    kt_run_record fail = { .run_uuid = "12405186538561671000", .status = KT_RUN_FAILED,
                           .error = "alignment exceeded max_rows" };
    if (s == KT_OK) s = kt_state_run_finish(st, &fail, &err);
    if (s == KT_OK) s = kt_state_run_get(st, "12405186538561671000", &a, &r3, &found, &err);
    kt_status mark_failed = kt_state_run_mark_current(st, "12405186538561671000", 9, NULL);
    kt_state_close(st);
    lake_remove(&l);
    if (s != KT_OK) kt_arena_free(&a);
    CHECK_OK(s, &err);
    CHECK(r1.status == KT_RUN_PENDING && r1.raw_version_latest == 5);
    CHECK(r1.raw_version_seen == KT_STATE_NO_VERSION && r1.input_fingerprint == NULL);
    CHECK_EQ_INT(r1.attempts, 0);
    CHECK(r2.status == KT_RUN_OK && r2.attempts == 1 && r2.error == NULL);
    CHECK_EQ_STR(r2.input_fingerprint, "fp1");
    CHECK_EQ_STR(r2.config_hash, "cfgA");
    CHECK(r2.raw_version_seen == 5 && r2.aligned_version == 6 && r2.features_version == 7 &&
          r2.run_stats_version == 8 && r2.raw_version_latest == 5);
    CHECK(r2.processed_at_us > 0);
    CHECK(r3.status == KT_RUN_FAILED && r3.attempts == 2);
    CHECK_EQ_STR(r3.error, "alignment exceeded max_rows");
    CHECK_EQ_STR(r3.input_fingerprint, "fp1"); /* last good processing is kept */
    CHECK(r3.aligned_version == 6);
    CHECK_EQ_INT(mark_failed, KT_ERR_NOT_FOUND);
    kt_arena_free(&a);
}

TEST(dirty_runs_from_recorded_state)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_status s = KT_OK;
    /* r1 up to date; r2 got new input after processing; r3 pending; r4 failed;
     * r5 processed with another config; r6 caught up by mark_current. */
    const char *uuids[] = { "r1", "r2", "r3", "r4", "r5", "r6" };
    for (int i = 0; s == KT_OK && i < 6; i++) s = kt_state_run_note_input(st, uuids[i], 10, &err);
    kt_run_record r1 = ok_run("r1", "f", "cfgA", 10), r2 = ok_run("r2", "f", "cfgA", 10),
                  r5 = ok_run("r5", "f", "cfgB", 10), r6 = ok_run("r6", "f", "cfgA", 10),
                  r4 = { .run_uuid = "r4", .status = KT_RUN_FAILED, .error = "boom" };
    if (s == KT_OK) s = kt_state_run_finish(st, &r1, &err);
    if (s == KT_OK) s = kt_state_run_finish(st, &r2, &err);
    if (s == KT_OK) s = kt_state_run_finish(st, &r4, &err);
    if (s == KT_OK) s = kt_state_run_finish(st, &r5, &err);
    if (s == KT_OK) s = kt_state_run_finish(st, &r6, &err);
    if (s == KT_OK) s = kt_state_run_note_input(st, "r2", 11, &err);
    if (s == KT_OK) s = kt_state_run_note_input(st, "r6", 12, &err);
    if (s == KT_OK) s = kt_state_run_mark_current(st, "r6", 12, &err);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_dirty_run *d1 = NULL, *d2 = NULL;
    size_t n1 = 0, n2 = 0;
    if (s == KT_OK) s = kt_state_runs_dirty(st, NULL, &a, &d1, &n1, &err);
    if (s == KT_OK) s = kt_state_runs_dirty(st, "cfgA", &a, &d2, &n2, &err);
    char t1[512] = "", t2[512] = "";
    if (s == KT_OK) {
        dirty_text(d1, n1, t1, sizeof t1);
        dirty_text(d2, n2, t2, sizeof t2);
    }
    kt_arena_free(&a);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_EQ_STR(t1, "r2:new input,r3:never processed,r4:failed,");
    CHECK_EQ_STR(t2, "r2:new input,r3:never processed,r4:failed,r5:config changed,");
}

TEST(dirty_runs_against_current_fingerprints)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_run_record same = ok_run("a", "fpA", "cfg1", 1), moved = ok_run("b", "fpB", "cfg1", 1),
                  other_cfg = ok_run("c", "fpC", "cfg0", 1),
                  failed = { .run_uuid = "d", .status = KT_RUN_FAILED, .error = "x" },
                  not_in_inputs = ok_run("z", "old", "cfg0", 1);
    kt_status s = KT_OK;
    const kt_run_record *all[] = { &same, &moved, &other_cfg, &failed, &not_in_inputs };
    for (int i = 0; s == KT_OK && i < 5; i++) s = kt_state_run_finish(st, all[i], &err);
    const kt_run_input inputs[] = {
        { "e", "fpE" }, { "d", "fpD" }, { "c", "fpC" }, { "b", "fpB2" }, { "a", "fpA" },
        { "a", "fpA" },
    };
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_dirty_run *d = NULL, *d_nocfg = NULL, *d_none = NULL;
    size_t n = 0, n_nocfg = 0, n_none = 5;
    if (s == KT_OK) s = kt_state_runs_dirty_against(st, inputs, 6, "cfg1", &a, &d, &n, &err);
    if (s == KT_OK) s = kt_state_runs_dirty_against(st, inputs, 6, NULL, &a, &d_nocfg, &n_nocfg, &err);
    if (s == KT_OK) s = kt_state_runs_dirty_against(st, NULL, 0, "cfg1", &a, &d_none, &n_none, &err);
    char t[512] = "", t_nocfg[512] = "";
    if (s == KT_OK) {
        dirty_text(d, n, t, sizeof t);
        dirty_text(d_nocfg, n_nocfg, t_nocfg, sizeof t_nocfg);
    }
    kt_arena_free(&a);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_EQ_STR(t, "b:input changed,c:config changed,d:failed,e:never processed,");
    CHECK_EQ_STR(t_nocfg, "b:input changed,d:failed,e:never processed,");
    CHECK_EQ_INT(n_none, 0);
}

/* ---- rebuild ---------------------------------------------------------------- */

TEST(rebuild_replaces_or_merges_all_or_nothing)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record old = file_rec("old.parquet", 1, 1, KT_FILE_FAILED);
    kt_status s = kt_state_file_put(st, &old, &err);
    if (s == KT_OK) s = kt_state_run_note_input(st, "old-run", 1, &err);
    int64_t pid = 0;
    if (s == KT_OK) s = kt_state_pipeline_start(st, "run", 0, &pid, &err);
    kt_file_record facts[] = { file_rec("a.parquet", 10, 0xa, KT_FILE_INGESTED),
                               file_rec("b.parquet", 20, 0xb, KT_FILE_INGESTED) };
    facts[0].raw_version = 1;
    facts[1].raw_version = 2;
    kt_run_record runs[] = { ok_run("r1", "fp", "cfg", 2) };
    if (s == KT_OK) s = kt_state_rebuild(st, KT_REBUILD_REPLACE, facts, 2, runs, 1, &err);
    kt_file_counts c1 = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &c1, &err);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_run_record *rl = NULL;
    size_t nrl = 0;
    if (s == KT_OK) s = kt_state_runs_list(st, &a, &rl, &nrl, &err);
    /* A merge whose second record is invalid changes nothing. */
    kt_file_record bad[] = { file_rec("c.parquet", 30, 0xc, KT_FILE_INGESTED),
                             file_rec("", 1, 1, KT_FILE_INGESTED) };
    kt_error bad_err;
    kt_status bad_s = kt_state_rebuild(st, KT_REBUILD_MERGE, bad, 2, NULL, 0, &bad_err);
    kt_file_counts c2 = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &c2, &err);
    kt_file_record merge[] = { file_rec("c.parquet", 30, 0xc, KT_FILE_INGESTED),
                               file_rec("a.parquet", 10, 0xa, KT_FILE_INGESTED) };
    merge[1].raw_version = 9;
    if (s == KT_OK) s = kt_state_rebuild(st, KT_REBUILD_MERGE, merge, 2, NULL, 0, &err);
    kt_file_counts c3 = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &c3, &err);
    kt_file_record ga = { 0 };
    bool found = false;
    if (s == KT_OK) s = kt_state_file_get(st, "a.parquet", &a, &ga, &found, &err);
    kt_pipeline_run p = { 0 };
    bool pfound = false;
    if (s == KT_OK) s = kt_state_pipeline_get(st, pid, &a, &p, &pfound, &err);
    kt_state_close(st);
    lake_remove(&l);
    if (s != KT_OK) kt_arena_free(&a);
    CHECK_OK(s, &err);
    CHECK(c1.ingested == 2 && c1.failed == 0);
    CHECK(nrl == 1 && !strcmp(rl[0].run_uuid, "r1") && rl[0].raw_version_seen == 2);
    CHECK_EQ_INT(bad_s, KT_ERR_USAGE);
    CHECK_MSG(strstr(bad_err.msg, "rebuilding the state"), "%s", bad_err.msg);
    CHECK_EQ_INT(c2.ingested, 2); /* c.parquet was rolled back */
    CHECK_EQ_INT(c3.ingested, 3);
    CHECK(found && ga.raw_version == 9);
    CHECK(pfound); /* history survives a rebuild */
    kt_arena_free(&a);
}

/* ---- transactions and threads ------------------------------------------------- */

TEST(transactions_commit_roll_back_and_refuse_nesting)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record a = file_rec("a", 1, 1, KT_FILE_INGESTED), b = file_rec("b", 2, 2, KT_FILE_INGESTED);
    kt_status s = kt_state_begin(st, &err);
    if (s == KT_OK) s = kt_state_file_put(st, &a, &err);
    kt_status nested = kt_state_begin(st, NULL);
    kt_state_rollback(st);
    if (s == KT_OK) s = kt_state_begin(st, &err);
    if (s == KT_OK) s = kt_state_file_put(st, &b, &err);
    /* a rebuild inside the caller's transaction uses a savepoint */
    kt_file_record c = file_rec("c", 3, 3, KT_FILE_INGESTED);
    if (s == KT_OK) s = kt_state_rebuild(st, KT_REBUILD_MERGE, &c, 1, NULL, 0, &err);
    if (s == KT_OK) s = kt_state_commit(st, &err);
    kt_status stray_commit = kt_state_commit(st, NULL);
    kt_state_rollback(st); /* harmless without a transaction */
    kt_file_counts counts = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &counts, &err);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(nested, KT_ERR_USAGE);
    CHECK_EQ_INT(stray_commit, KT_ERR_USAGE);
    CHECK_EQ_INT(counts.ingested, 2); /* b and c; a was rolled back */
}

typedef struct writer_arg {
    const char *lake;
    kt_state *shared; /* NULL: open an own handle */
    int id;
    int failures;
    char msg[KT_ERROR_MSG_MAX];
} writer_arg;

enum { WRITES = 120, BATCH = 6 };

static void *writer_main(void *p)
{
    writer_arg *w = p;
    kt_error err;
    kt_state *st = w->shared;
    if (!st && kt_state_open(w->lake, KT_STATE_CREATE, &st, &err) != KT_OK) {
        w->failures = WRITES;
        snprintf(w->msg, sizeof w->msg, "%s", err.msg);
        return NULL;
    }
    for (int i = 0; i < WRITES; i += BATCH) {
        kt_status s = kt_state_begin(st, &err);
        for (int j = i; s == KT_OK && j < i + BATCH; j++) {
            char path[64];
            snprintf(path, sizeof path, "w%d/f%04d", w->id, j);
            kt_file_record f = file_rec(path, j, (uint64_t)(w->id * 100000 + j), KT_FILE_INGESTED);
            s = kt_state_file_put(st, &f, &err);
            if (s == KT_OK) {
                char uuid[32];
                snprintf(uuid, sizeof uuid, "%d", j);
                s = kt_state_run_note_input(st, uuid, w->id * 1000 + j, &err);
            }
        }
        if (s == KT_OK) s = kt_state_commit(st, &err);
        else kt_state_rollback(st);
        if (s != KT_OK) {
            w->failures++;
            snprintf(w->msg, sizeof w->msg, "%s", err.msg);
        }
    }
    if (!w->shared) kt_state_close(st);
    return NULL;
}

TEST(concurrent_writers_with_own_and_shared_handles)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *shared;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &shared, &err), &err);
    enum { NT = 8 };
    writer_arg args[NT];
    pthread_t th[NT];
    for (int i = 0; i < NT; i++) {
        args[i] = (writer_arg){ .lake = l.dir, .shared = i % 2 ? shared : NULL, .id = i };
        pthread_create(&th[i], NULL, writer_main, &args[i]);
    }
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    kt_file_counts c = { 0 };
    kt_status s = kt_state_file_counts(shared, &c, &err);
    kt_state_close(shared);
    long long runs = raw_int(l.db, "SELECT count(*) FROM run_state");
    long long max_latest = raw_int(l.db, "SELECT raw_version_latest FROM run_state WHERE run_uuid = '5'");
    lake_remove(&l);
    CHECK_OK(s, &err);
    for (int i = 0; i < NT; i++) CHECK_MSG(args[i].failures == 0, "writer %d: %s", i, args[i].msg);
    CHECK_EQ_INT(c.ingested, NT * WRITES);
    CHECK_EQ_INT(runs, WRITES);
    CHECK_EQ_INT(max_latest, (NT - 1) * 1000 + 5); /* the max over writers, whatever the order */
}

typedef struct blocked_arg {
    kt_state *st;
    kt_status s;
    kt_error err;
} blocked_arg;

static void *put_while_other_txn(void *p)
{
    blocked_arg *b = p;
    kt_file_record f = file_rec("from-thread-b", 1, 1, KT_FILE_INGESTED);
    b->s = kt_state_file_put(b->st, &f, &b->err);
    return NULL;
}

TEST(a_shared_handle_keeps_other_threads_out_of_a_transaction)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_status s = kt_state_begin(st, &err);
    kt_file_record mine = file_rec("from-thread-a", 2, 2, KT_FILE_INGESTED);
    if (s == KT_OK) s = kt_state_file_put(st, &mine, &err);
    blocked_arg b = { .st = st };
    pthread_t th;
    pthread_create(&th, NULL, put_while_other_txn, &b);
    struct timespec pause_ts = { 0, 50 * 1000 * 1000 };
    nanosleep(&pause_ts, NULL); /* B is now waiting on the handle */
    kt_state_rollback(st);      /* must not take B's write with it */
    pthread_join(th, NULL);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_file_record g;
    bool found_a = true, found_b = false;
    if (s == KT_OK) s = kt_state_file_get(st, "from-thread-a", &a, &g, &found_a, &err);
    if (s == KT_OK) s = kt_state_file_get(st, "from-thread-b", &a, &g, &found_b, &err);
    kt_arena_free(&a);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_OK(b.s, &b.err);
    CHECK(!found_a && found_b);
}

/* ---- crashes ------------------------------------------------------------------ */

TEST(a_killed_open_transaction_leaves_nothing)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_file_record keep = file_rec("committed", 1, 1, KT_FILE_INGESTED);
    kt_status s = kt_state_file_put(st, &keep, &err);
    kt_state_close(st);
    CHECK_OK(s, &err);
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        kt_state *cst;
        if (kt_state_open(l.dir, KT_STATE_EXISTING, &cst, NULL) != KT_OK) _exit(1);
        if (kt_state_begin(cst, NULL) != KT_OK) _exit(2);
        for (int i = 0; i < 2000; i++) {
            char path[32];
            snprintf(path, sizeof path, "uncommitted-%d", i);
            kt_file_record f = file_rec(path, i, (uint64_t)i, KT_FILE_INGESTED);
            if (kt_state_file_put(cst, &f, NULL) != KT_OK) _exit(3);
        }
        if (write(ready[1], "r", 1) != 1) _exit(4);
        for (;;) pause();
    }
    close(ready[1]);
    char c = 0;
    ssize_t got = read(ready[0], &c, 1);
    close(ready[0]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    kt_file_counts counts = { 0 };
    s = kt_state_open(l.dir, KT_STATE_EXISTING, &st, &err);
    if (s == KT_OK) s = kt_state_file_counts(st, &counts, &err);
    kt_state_close(st);
    char check[64];
    raw_text(l.db, "PRAGMA integrity_check", check, sizeof check);
    lake_remove(&l);
    CHECK(got == 1);
    CHECK_OK(s, &err);
    CHECK_EQ_INT(counts.ingested, 1);
    CHECK_EQ_STR(check, "ok\n");
}

TEST(killing_a_committing_writer_keeps_whole_transactions)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_state_close(st);
    enum { PER_TXN = 7 };
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        kt_state *cst;
        if (kt_state_open(l.dir, KT_STATE_EXISTING, &cst, NULL) != KT_OK) _exit(1);
        for (int t = 0; ; t++) {
            if (kt_state_begin(cst, NULL) != KT_OK) _exit(2);
            for (int i = 0; i < PER_TXN; i++) {
                char path[48];
                snprintf(path, sizeof path, "t%06d-%d", t, i);
                kt_file_record f = file_rec(path, i, (uint64_t)t, KT_FILE_INGESTED);
                if (kt_state_file_put(cst, &f, NULL) != KT_OK) _exit(3);
            }
            if (kt_state_commit(cst, NULL) != KT_OK) _exit(4);
            if (t == 20 && write(ready[1], "r", 1) != 1) _exit(5);
        }
    }
    close(ready[1]);
    char c = 0;
    ssize_t got = read(ready[0], &c, 1);
    close(ready[0]);
    struct timespec ts = { 0, 30 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int ws;
    waitpid(pid, &ws, 0);
    kt_status s = kt_state_open(l.dir, KT_STATE_EXISTING, &st, &err);
    kt_file_counts counts = { 0 };
    if (s == KT_OK) s = kt_state_file_counts(st, &counts, &err);
    kt_state_close(st);
    char check[64];
    raw_text(l.db, "PRAGMA integrity_check", check, sizeof check);
    lake_remove(&l);
    CHECK(got == 1);
    CHECK(WIFSIGNALED(ws));
    CHECK_OK(s, &err);
    CHECK_MSG(counts.ingested >= 21 * PER_TXN && counts.ingested % PER_TXN == 0,
              "%lld rows", (long long)counts.ingested);
    CHECK_EQ_STR(check, "ok\n");
}

TEST(read_only_handles_read_and_refuse_writes)
{
    lake l;
    CHECK(lake_make(&l) == 0);
    kt_state *st;
    kt_error err;
    CHECK_OK(kt_state_open(l.dir, KT_STATE_CREATE, &st, &err), &err);
    kt_status s = kt_state_run_note_input(st, "r1", 1, &err);
    kt_state_close(st);
    CHECK_OK(s, &err);
    s = kt_state_open(l.dir, KT_STATE_READ_ONLY, &st, &err);
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_dirty_run *d = NULL;
    size_t n = 0;
    kt_run_input in = { "r1", "fp" };
    kt_status write_s = KT_OK, against_s = KT_ERR_INTERNAL;
    kt_error werr;
    if (s == KT_OK) {
        s = kt_state_runs_dirty(st, NULL, &a, &d, &n, &err);
        against_s = kt_state_runs_dirty_against(st, &in, 1, NULL, &a, &d, &n, &err);
        write_s = kt_state_run_note_input(st, "r2", 1, &werr);
    }
    kt_arena_free(&a);
    kt_state_close(st);
    lake_remove(&l);
    CHECK_OK(s, &err);
    CHECK_OK(against_s, &err);
    CHECK_EQ_INT(n, 1);
    CHECK(write_s != KT_OK);
    CHECK_MSG(strstr(werr.msg, "readonly") || strstr(werr.msg, "read-only") ||
              strstr(werr.msg, "read only"), "%s", werr.msg);
}

TEST_MAIN_BEGIN("state")
    RUN(ctx, create_makes_directories_wal_and_schema);
    RUN(ctx, reopening_migrates_nothing_and_keeps_data);
    RUN(ctx, an_empty_version_zero_database_is_migrated);
    RUN(ctx, a_newer_schema_is_refused);
    RUN(ctx, garbage_and_missing_files_are_clear_errors);
    RUN(ctx, processes_opening_a_fresh_lake_at_once_all_succeed);
    RUN(ctx, manifest_round_trips_every_field);
    RUN(ctx, file_verdicts_follow_identity_and_path);
    RUN(ctx, changed_files_are_recorded_and_never_look_new);
    RUN(ctx, file_lists_and_counts_by_status);
    RUN(ctx, pipeline_runs_and_tasks_are_recorded);
    RUN(ctx, run_state_follows_input_and_processing);
    RUN(ctx, dirty_runs_from_recorded_state);
    RUN(ctx, dirty_runs_against_current_fingerprints);
    RUN(ctx, rebuild_replaces_or_merges_all_or_nothing);
    RUN(ctx, transactions_commit_roll_back_and_refuse_nesting);
    RUN(ctx, concurrent_writers_with_own_and_shared_handles);
    RUN(ctx, a_shared_handle_keeps_other_threads_out_of_a_transaction);
    RUN(ctx, a_killed_open_transaction_leaves_nothing);
    RUN(ctx, killing_a_committing_writer_keeps_whole_transactions);
    RUN(ctx, read_only_handles_read_and_refuse_writes);
TEST_MAIN_END()
