/* tests/unit/test_delta_replace_files.c — kt_delta_txn_replace_files: an
 * unpartitioned table's files replaced by name in one commit (what
 * run_stats needs), the commit it writes, and its conflict rules against
 * concurrent winners (delete-delete conflicts, adds and other removes do not). */
#include <stdlib.h>

#include "check.h"
#include "delta_fixture.h"

static const kt_delta_field flat_fields[] = {
    { "run_uuid", KT_DELTA_STRING, false },
    { "value", KT_DELTA_DOUBLE, true },
};

static kt_status flat_create(const char *dir, kt_delta_table **t, kt_error *err)
{
    kt_delta_options o = { .no_fsync = true };
    kt_status st = kt_delta_open(dir, &o, t, err);
    if (st == KT_OK) st = kt_delta_create(*t, flat_fields, 2, NULL, 0, NULL, err);
    return st;
}

/* Appends one placeholder file; its relative path goes to rel. */
static kt_status flat_append(kt_delta_table *t, const char *dir, const char *content, char *rel,
                             kt_error *err)
{
    kt_delta_txn *x;
    KT_TRY(kt_delta_txn_begin(t, NULL, &x, err));
    kt_status st = fx_stage(x, dir, NULL, content, "{\"numRecords\":1}", rel, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    return st;
}

static bool active(const kt_delta_snapshot *s, const char *rel)
{
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++)
        if (strcmp(kt_delta_snapshot_file(s, i)->path, rel) == 0) return true;
    return false;
}

TEST(replaced_files_are_removed_and_the_commit_says_overwrite)
{
    kt_error err = { 0 };
    char *dir = fx_tempdir("rf");
    kt_delta_table *t;
    CHECK_OK(flat_create(dir, &t, &err), &err);
    char a[1024], b[1024], a2[1024];
    CHECK_OK(flat_append(t, dir, "a", a, &err), &err);
    CHECK_OK(flat_append(t, dir, "b", b, &err), &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *paths[] = { a, a };   /* listed twice: removed once */
    CHECK_OK(kt_delta_txn_replace_files(x, paths, 2, "run_uuid = 'a'", &err), &err);
    CHECK_OK(fx_stage(x, dir, NULL, "a2", "{\"numRecords\":1}", a2, &err), &err);
    CHECK_OK(kt_delta_txn_set_app_version(x, "p/a", 7, &err), &err);
    int64_t v;
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    kt_delta_txn_free(x);
    CHECK_EQ_INT(v, 3);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 2);
    CHECK(!active(s, a) && active(s, b) && active(s, a2));
    int64_t app;
    CHECK(kt_delta_snapshot_app_version(s, "p/a", &app) && app == 7);
    kt_delta_snapshot_free(s);

    char path[600];
    fx_commit_path(path, sizeof path, dir, 3);
    char *text = fx_read_file(path);
    CHECK(text);
    bool ok = strstr(text, "\"operation\":\"WRITE\"") && strstr(text, "Overwrite") &&
              strstr(text, "run_uuid = 'a'") && strstr(text, "\"isBlindAppend\":false") &&
              strstr(text, "\"remove\"");
    size_t removes = 0;
    for (const char *p = text; (p = strstr(p, "\"remove\"")); p++) removes++;
    free(text);
    CHECK(ok);
    CHECK_EQ_INT(removes, 1);

    /* a path that is not active */
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *gone[] = { a };
    CHECK_EQ_INT(kt_delta_txn_replace_files(x, gone, 1, NULL, &err), KT_ERR_NOT_FOUND);
    CHECK(strstr(err.msg, "not an active file"));
    kt_delta_txn_free(x);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

/* Two transactions read the same version; `first` commits, then `second`. */
typedef kt_status (*stage_fn)(kt_delta_txn *x, const char *dir, const char *f1, const char *f2,
                              kt_error *err);

static kt_status stage_replace_f1(kt_delta_txn *x, const char *dir, const char *f1, const char *f2,
                                  kt_error *err)
{
    const char *p[] = { f1 };
    KT_TRY(kt_delta_txn_replace_files(x, p, 1, NULL, err));
    return fx_stage(x, dir, NULL, "new1", NULL, NULL, err);
}

static kt_status stage_replace_f2(kt_delta_txn *x, const char *dir, const char *f1, const char *f2,
                                  kt_error *err)
{
    const char *p[] = { f2 };
    KT_TRY(kt_delta_txn_replace_files(x, p, 1, NULL, err));
    return fx_stage(x, dir, NULL, "new2", NULL, NULL, err);
}

static kt_status stage_append(kt_delta_txn *x, const char *dir, const char *f1, const char *f2,
                              kt_error *err)
{
    return fx_stage(x, dir, NULL, "appended", NULL, NULL, err);
}

static kt_status stage_replace_all(kt_delta_txn *x, const char *dir, const char *f1, const char *f2,
                                   kt_error *err)
{
    return kt_delta_txn_replace_all(x, err);
}

static kt_status race(stage_fn first, stage_fn second, kt_error *err)
{
    char *dir = fx_tempdir("rfrace");
    kt_delta_table *t = NULL;
    char f1[1024], f2[1024];
    kt_status st = flat_create(dir, &t, err);
    if (st == KT_OK) st = flat_append(t, dir, "1", f1, err);
    if (st == KT_OK) st = flat_append(t, dir, "2", f2, err);
    kt_delta_snapshot *s = NULL;
    kt_delta_txn *x1 = NULL, *x2 = NULL;
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &s, err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, s, &x1, err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, s, &x2, err);
    if (st == KT_OK) st = first(x1, dir, f1, f2, err);
    if (st == KT_OK) st = second(x2, dir, f1, f2, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x1, NULL, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x2, NULL, err);
    kt_delta_txn_free(x1);
    kt_delta_txn_free(x2);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
    return st;
}

TEST(replacing_other_files_does_not_conflict_replacing_the_same_does)
{
    kt_error err = { 0 };
    CHECK_OK(race(stage_replace_f1, stage_replace_f2, &err), &err);
    CHECK_OK(race(stage_append, stage_replace_f2, &err), &err);
    CHECK_OK(race(stage_replace_f2, stage_append, &err), &err);
    CHECK_EQ_INT(race(stage_replace_f1, stage_replace_f1, &err), KT_ERR_CONFLICT);
    CHECK(strstr(err.msg, "which this transaction replaces"));
    CHECK_EQ_INT(race(stage_replace_all, stage_replace_f2, &err), KT_ERR_CONFLICT);
    CHECK_EQ_INT(race(stage_replace_f1, stage_replace_all, &err), KT_ERR_CONFLICT);
}

TEST_MAIN_BEGIN("delta_replace_files")
    RUN(ctx, replaced_files_are_removed_and_the_commit_says_overwrite);
    RUN(ctx, replacing_other_files_does_not_conflict_replacing_the_same_does);
TEST_MAIN_END()
