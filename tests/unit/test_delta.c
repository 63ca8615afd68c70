/* tests/unit/test_delta.c — the Delta log layer: path escaping, commit
 * JSON against PROTOCOL.md, replay, overwrites, time travel, txn markers,
 * schema evolution, conflicts, refusal of unsupported tables, history,
 * vacuum. Data files here are opaque placeholders (the log never reads them). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "delta_fixture.h"
#include "lake/delta/internal.h"
#include "lake/delta/stats.h"

#define SETUP(tag) \
    kt_error err = { 0 }; \
    char *dir = fx_tempdir(tag); \
    CHECK(dir); \
    kt_delta_table *t = NULL; \
    CHECK_OK(fx_create(dir, &t, &err), &err)
#define TEARDOWN() do { kt_delta_close(t); fx_rmrf(dir); free(dir); } while (0)

/* Reads commit v of table dir as an array of action objects. */
static json_t *commit_actions(const char *dir, int64_t v)
{
    char path[600];
    fx_commit_path(path, sizeof path, dir, v);
    char *text = fx_read_file(path);
    if (!text) return NULL;
    json_t *all = json_array();
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *j = json_loads(line, 0, NULL);
        if (!j) { json_decref(all); all = NULL; break; }
        json_array_append_new(all, j);
    }
    free(text);
    return all;
}

/* The first action of `kind` in a commit (borrowed from actions). */
static json_t *find_action(json_t *actions, const char *kind, size_t nth)
{
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a) {
        json_t *v = json_object_get(a, kind);
        if (v && nth-- == 0) return v;
    }
    return NULL;
}

static size_t count_actions(json_t *actions, const char *kind)
{
    size_t n = 0, i;
    json_t *a;
    json_array_foreach(actions, i, a) n += json_object_get(a, kind) != NULL;
    return n;
}

/* Appends one placeholder file to partition `run` and commits; returns version. */
static int64_t append_one(kt_delta_table *t, const char *dir, const char *run, const char *content,
                          kt_error *err)
{
    kt_delta_txn *x;
    int64_t v = -1;
    if (kt_delta_txn_begin(t, NULL, &x, err) != KT_OK) return -1;
    char stats[128];
    snprintf(stats, sizeof stats, "{\"numRecords\":%zu}", strlen(content));
    if (fx_stage(x, dir, run, content, stats, NULL, err) == KT_OK) kt_delta_txn_commit(x, &v, err);
    kt_delta_txn_free(x);
    return v;
}

/* Concatenated contents of the active files of partition run (sorted by path). */
static size_t files_in(const kt_delta_snapshot *s, const char *run)
{
    size_t n = 0;
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++) {
        const char *pv = kt_delta_snapshot_file(s, i)->partition_values[0];
        n += (pv == NULL && run == NULL) || (pv && run && strcmp(pv, run) == 0);
    }
    return n;
}

TEST(hive_escaping_and_uri_encoding)
{
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_delta_hive_escape(&b, "a/b:c=d%e f\x01#"), NULL);
    kt_buf_append_byte(&b, 0);
    CHECK_EQ_STR((char *)b.data, "a%2Fb%3Ac%3Dd%25e f%01%23");
    kt_buf_clear(&b);
    CHECK_OK(kt_delta_uri_encode(&b, "run_uuid=a%2Fb/part 1\xc3\xa9.parquet"), NULL);
    kt_buf_append_byte(&b, 0);
    CHECK_EQ_STR((char *)b.data, "run_uuid=a%252Fb/part%201%C3%A9.parquet");
    kt_buf_clear(&b);
    kt_error err;
    CHECK_OK(kt_delta_uri_decode(&b, "run_uuid=a%252Fb/part%201%c3%A9.parquet", &err), &err);
    kt_buf_append_byte(&b, 0);
    CHECK_EQ_STR((char *)b.data, "run_uuid=a%2Fb/part 1\xc3\xa9.parquet");
    kt_buf_clear(&b);
    CHECK_EQ_INT(kt_delta_uri_decode(&b, "bad%2", &err), KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_delta_uri_decode(&b, "bad%zz", &err), KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_delta_uri_decode(&b, "nul%00", &err), KT_ERR_FORMAT);
    kt_buf_free(&b);
    CHECK(kt_delta_path_is_safe_relative("run_uuid=1/part-0.parquet"));
    CHECK(!kt_delta_path_is_safe_relative("/etc/passwd"));
    CHECK(!kt_delta_path_is_safe_relative("file:///etc/passwd"));
    CHECK(!kt_delta_path_is_safe_relative("s3://bucket/x.parquet"));
    CHECK(!kt_delta_path_is_safe_relative("a/../../x"));
    CHECK(!kt_delta_path_is_safe_relative("a//x"));
    CHECK(!kt_delta_path_is_safe_relative(""));
    char u1[37], u2[37];
    CHECK_OK(kt_delta_uuid4(u1, NULL), NULL);
    CHECK_OK(kt_delta_uuid4(u2, NULL), NULL);
    CHECK_EQ_INT(strlen(u1), 36);
    CHECK(u1[14] == '4' && strchr("89ab", u1[19]));
    CHECK(strcmp(u1, u2) != 0);
}

TEST(create_writes_protocol_metadata_commitinfo)
{
    SETUP("create");
    json_t *acts = commit_actions(dir, 0);
    CHECK(acts);
    json_t *p = find_action(acts, "protocol", 0), *m = find_action(acts, "metaData", 0),
           *ci = find_action(acts, "commitInfo", 0);
    CHECK(p && m && ci);
    CHECK(json_object_get(json_array_get(acts, 0), "commitInfo"));   /* commitInfo first */
    CHECK_EQ_INT(json_integer_value(json_object_get(p, "minReaderVersion")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(p, "minWriterVersion")), 2);
    CHECK_EQ_INT(strlen(json_string_value(json_object_get(m, "id"))), 36);
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(m, "format"), "provider")),
                 "parquet");
    CHECK(json_is_object(json_object_get(m, "configuration")));
    CHECK(json_is_integer(json_object_get(m, "createdTime")));
    json_t *pc = json_object_get(m, "partitionColumns");
    CHECK(json_array_size(pc) == 1 && !strcmp(json_string_value(json_array_get(pc, 0)), "run_uuid"));
    json_t *schema = json_loads(json_string_value(json_object_get(m, "schemaString")), 0, NULL);
    CHECK(schema);
    CHECK_EQ_STR(json_string_value(json_object_get(schema, "type")), "struct");
    json_t *f1 = json_array_get(json_object_get(schema, "fields"), 1);
    CHECK_EQ_STR(json_string_value(json_object_get(f1, "name")), "time");
    CHECK_EQ_STR(json_string_value(json_object_get(f1, "type")), "timestamp");
    CHECK(json_is_false(json_object_get(f1, "nullable")));
    CHECK(json_is_object(json_object_get(f1, "metadata")));
    json_decref(schema);
    CHECK_EQ_STR(json_string_value(json_object_get(ci, "operation")), "CREATE TABLE");
    CHECK_EQ_STR(json_string_value(json_object_get(ci, "engineInfo")), "kinetl/" KT_VERSION);
    CHECK(json_is_integer(json_object_get(ci, "timestamp")));
    json_decref(acts);

    bool created = true;
    CHECK_OK(kt_delta_create(t, fx_fields, 3, fx_partition, 1, &created, &err), &err);
    CHECK(!created);   /* same schema again: fine, nothing written */
    kt_delta_field other[] = { { "run_uuid", KT_DELTA_STRING, true }, { "x", KT_DELTA_LONG, true } };
    CHECK_EQ_INT(kt_delta_create(t, other, 2, fx_partition, 1, NULL, &err), KT_ERR_CONFLICT);
    kt_delta_field dup[] = { { "a", KT_DELTA_LONG, true }, { "A", KT_DELTA_LONG, true } };
    kt_delta_table *t2;
    char d2[600];
    snprintf(d2, sizeof d2, "%s/other", dir);
    CHECK_OK(kt_delta_open(d2, NULL, &t2, &err), &err);
    CHECK_EQ_INT(kt_delta_create(t2, dup, 2, NULL, 0, NULL, &err), KT_ERR_USAGE);
    const char *bad_part[] = { "nope" };
    CHECK_EQ_INT(kt_delta_create(t2, fx_fields, 3, bad_part, 1, NULL, &err), KT_ERR_USAGE);
    CHECK(!kt_delta_exists(t2));
    kt_delta_field strict[] = { { "p", KT_DELTA_STRING, false }, { "x", KT_DELTA_LONG, true } };
    const char *strict_part[] = { "p" };
    CHECK_OK(kt_delta_create(t2, strict, 2, strict_part, 1, NULL, &err), &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t2, NULL, &x, &err), &err);
    CHECK_EQ_INT(fx_stage(x, d2, NULL, "n", NULL, NULL, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "not nullable"));
    CHECK_OK(fx_stage(x, d2, "v", "n", NULL, NULL, &err), &err);
    kt_delta_txn_free(x);
    kt_delta_close(t2);
    TEARDOWN();
}

TEST(append_replay_lists_files_with_partitions_and_stats)
{
    SETUP("append");
    CHECK_EQ_INT(append_one(t, dir, "7582293080991470000", "aaa", &err), 1);
    CHECK_EQ_INT(append_one(t, dir, "7582293080991470000", "bbbb", &err), 2);
    CHECK_EQ_INT(append_one(t, dir, "a/b:c", "cc", &err), 3);
    CHECK_EQ_INT(append_one(t, dir, NULL, "n", &err), 4);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_version(s), 4);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 4);
    CHECK_EQ_INT(files_in(s, "7582293080991470000"), 2);
    CHECK_EQ_INT(files_in(s, "a/b:c"), 1);
    CHECK_EQ_INT(files_in(s, NULL), 1);
    CHECK_EQ_INT(kt_delta_snapshot_num_records(s), 3 + 4 + 2 + 1);
    for (size_t i = 0; i < 4; i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        char abs[1200];
        snprintf(abs, sizeof abs, "%s/%s", dir, f->path);
        struct stat sb;
        CHECK_MSG(stat(abs, &sb) == 0, "active file %s missing", f->path);
        CHECK_EQ_INT(sb.st_size, f->size);
        CHECK(f->modification_time > 0);
        if (i) CHECK(strcmp(kt_delta_snapshot_file(s, i - 1)->path, f->path) < 0);
        if (f->partition_values[0] && !strcmp(f->partition_values[0], "a/b:c")) {
            CHECK(!strncmp(f->path, "run_uuid=a%2Fb%3Ac/part-", 24));        /* hive-escaped dir */
            CHECK(!strncmp(f->log_path, "run_uuid=a%252Fb%253Ac/part-", 28)); /* URI in the log */
        }
        if (!f->partition_values[0])
            CHECK(!strncmp(f->path, "run_uuid=__HIVE_DEFAULT_PARTITION__/", 36));
    }
    kt_delta_snapshot_free(s);
    json_t *acts = commit_actions(dir, 3);
    json_t *add = find_action(acts, "add", 0), *ci = find_action(acts, "commitInfo", 0);
    CHECK(add && ci);
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(add, "partitionValues"),
                                                   "run_uuid")), "a/b:c");
    CHECK(json_is_true(json_object_get(add, "dataChange")));
    CHECK(json_is_integer(json_object_get(add, "size")));
    CHECK(json_is_integer(json_object_get(add, "modificationTime")));
    CHECK_EQ_STR(json_string_value(json_object_get(add, "stats")), "{\"numRecords\":2}");
    CHECK_EQ_STR(json_string_value(json_object_get(ci, "operation")), "WRITE");
    CHECK_EQ_INT(json_integer_value(json_object_get(ci, "readVersion")), 2);
    CHECK(json_is_true(json_object_get(ci, "isBlindAppend")));
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(ci, "operationParameters"),
                                                   "mode")), "Append");
    json_decref(acts);
    acts = commit_actions(dir, 4);
    add = find_action(acts, "add", 0);
    CHECK(json_is_null(json_object_get(json_object_get(add, "partitionValues"), "run_uuid")));
    json_decref(acts);
    TEARDOWN();
}

TEST(partition_overwrite_removes_only_its_partitions)
{
    SETUP("overwrite");
    append_one(t, dir, "1", "a", &err);
    append_one(t, dir, "1", "b", &err);
    append_one(t, dir, "2", "c", &err);
    CHECK_EQ_INT(append_one(t, dir, "3", "d", &err), 4);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *runs[] = { "1", "3" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", runs, 2, &err), &err);
    CHECK_OK(fx_stage(x, dir, "1", "new1", NULL, NULL, &err), &err);
    int64_t v;
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    kt_delta_txn_free(x);
    CHECK_EQ_INT(v, 5);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(files_in(s, "1"), 1);
    CHECK_EQ_INT(files_in(s, "2"), 1);
    CHECK_EQ_INT(files_in(s, "3"), 0);
    CHECK_EQ_INT(kt_delta_snapshot_num_tombstones(s), 3);
    CHECK(kt_delta_snapshot_num_records(s) < 0);   /* the new file has no stats */
    kt_delta_snapshot_free(s);

    json_t *acts = commit_actions(dir, 5);
    CHECK_EQ_INT(count_actions(acts, "remove"), 3);
    CHECK_EQ_INT(count_actions(acts, "add"), 1);
    json_t *rm = find_action(acts, "remove", 0), *ci = find_action(acts, "commitInfo", 0);
    CHECK(json_is_integer(json_object_get(rm, "deletionTimestamp")));
    CHECK(json_is_true(json_object_get(rm, "dataChange")));
    CHECK(json_is_true(json_object_get(rm, "extendedFileMetadata")));
    CHECK(json_is_integer(json_object_get(rm, "size")));
    CHECK(json_is_object(json_object_get(rm, "partitionValues")));
    json_t *params = json_object_get(ci, "operationParameters");
    CHECK_EQ_STR(json_string_value(json_object_get(params, "mode")), "Overwrite");
    CHECK_EQ_STR(json_string_value(json_object_get(params, "predicate")),
                 "[\"run_uuid IN ('1', '3')\"]");
    CHECK(json_is_false(json_object_get(ci, "isBlindAppend")));
    json_decref(acts);

    /* data outside the replaced partitions is refused */
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", runs, 1, &err), &err);
    char rel[1024];
    CHECK_OK(fx_stage(x, dir, "2", "stray", NULL, rel, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_commit(x, NULL, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "outside the partitions"));
    CHECK_EQ_INT(kt_delta_txn_replace_all(x, &err), KT_ERR_USAGE);   /* one overwrite per txn */
    kt_delta_txn_free(x);
    char abs[1200];
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    CHECK_MSG(access(abs, F_OK) != 0, "aborted txn left its data file %s", rel);

    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_replace_all(x, &err), &err);
    CHECK_OK(fx_stage(x, dir, "9", "all", NULL, NULL, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    kt_delta_txn_free(x);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 1);
    CHECK_EQ_INT(files_in(s, "9"), 1);
    kt_delta_snapshot_free(s);
    TEARDOWN();
}

TEST(replacing_partitions_in_several_calls_accumulates)
{
    SETUP("accumulate");
    append_one(t, dir, "1", "a", &err);
    append_one(t, dir, "2", "b", &err);
    CHECK_EQ_INT(append_one(t, dir, "3", "c", &err), 3);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *one[] = { "1" }, *two_and_one[] = { "2", "1" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", one, 1, &err), &err);
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", two_and_one, 2, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_replace_partitions(x, "nope", one, 1, &err), KT_ERR_USAGE);
    CHECK_OK(fx_stage(x, dir, "1", "new1", NULL, NULL, &err), &err);
    CHECK_OK(fx_stage(x, dir, "2", "new2", NULL, NULL, &err), &err);
    int64_t v;
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    kt_delta_txn_free(x);
    json_t *acts = commit_actions(dir, v);
    CHECK_EQ_INT(count_actions(acts, "remove"), 2);   /* "1" asked twice, removed once */
    CHECK_EQ_INT(count_actions(acts, "add"), 2);
    json_t *params = json_object_get(find_action(acts, "commitInfo", 0), "operationParameters");
    CHECK_EQ_STR(json_string_value(json_object_get(params, "predicate")), "[\"run_uuid IN ('1', '2')\"]");
    json_decref(acts);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(files_in(s, "1"), 1);
    CHECK_EQ_INT(files_in(s, "2"), 1);
    CHECK_EQ_INT(files_in(s, "3"), 1);
    CHECK_EQ_INT(kt_delta_snapshot_num_tombstones(s), 2);
    kt_delta_snapshot_free(s);
    TEARDOWN();
}

/* A txn on snapshot s replacing partition run with one new file and txn(app, 7). */
static kt_status staged_run(kt_delta_table *t, kt_delta_snapshot *s, const char *dir, const char *run,
                            kt_delta_txn **x, char *rel, kt_error *err)
{
    KT_TRY(kt_delta_txn_begin(t, s, x, err));
    const char *pv[] = { run };
    char app[64];
    snprintf(app, sizeof app, "app/%s", run);
    KT_TRY(kt_delta_txn_replace_partitions(*x, "run_uuid", pv, 1, err));
    KT_TRY(fx_stage(*x, dir, run, run, NULL, rel, err));
    return kt_delta_txn_set_app_version(*x, app, 7, err);
}

static bool exists_in(const char *dir, const char *rel)
{
    char abs[1200];
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    return access(abs, F_OK) == 0;
}

TEST(absorbed_transactions_commit_as_one)
{
    SETUP("absorb");
    append_one(t, dir, "1", "a", &err);
    append_one(t, dir, "2", "b", &err);
    CHECK_EQ_INT(append_one(t, dir, "3", "c", &err), 3);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    kt_delta_txn *x1 = NULL, *x2 = NULL, *group = NULL, *other = NULL;
    char rel1[1024], rel2[1024];
    CHECK_OK(staged_run(t, s, dir, "1", &x1, rel1, &err), &err);
    CHECK_OK(staged_run(t, s, dir, "2", &x2, rel2, &err), &err);
    CHECK_OK(kt_delta_txn_begin(t, s, &group, &err), &err);
    CHECK_OK(kt_delta_txn_absorb(group, x1, &err), &err);
    CHECK_OK(kt_delta_txn_absorb(group, x2, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_absorb(group, x2, &err), KT_ERR_USAGE);   /* spent */
    kt_delta_txn_free(x1);
    kt_delta_txn_free(x2);
    CHECK_MSG(exists_in(dir, rel1) && exists_in(dir, rel2), "freeing an absorbed txn deleted its files");
    CHECK_OK(kt_delta_txn_begin(t, NULL, &other, &err), &err);   /* another snapshot object */
    CHECK_EQ_INT(kt_delta_txn_absorb(group, other, &err), KT_ERR_USAGE);
    kt_delta_txn_free(other);
    int64_t v;
    CHECK_OK(kt_delta_txn_commit(group, &v, &err), &err);
    kt_delta_txn_free(group);
    CHECK_EQ_INT(v, 4);
    json_t *acts = commit_actions(dir, v);
    CHECK_EQ_INT(count_actions(acts, "remove"), 2);
    CHECK_EQ_INT(count_actions(acts, "add"), 2);
    CHECK_EQ_INT(count_actions(acts, "txn"), 2);
    json_decref(acts);
    kt_delta_snapshot *after;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &after, &err), &err);
    int64_t a1 = -1, a2 = -1;
    CHECK(kt_delta_snapshot_app_version(after, "app/1", &a1) && a1 == 7);
    CHECK(kt_delta_snapshot_app_version(after, "app/2", &a2) && a2 == 7);
    CHECK_EQ_INT(files_in(after, "1"), 1);
    CHECK_EQ_INT(files_in(after, "2"), 1);
    CHECK_EQ_INT(files_in(after, "3"), 1);
    kt_delta_snapshot_free(after);

    /* a group dropped before its commit deletes what it absorbed */
    CHECK_OK(kt_delta_snapshot_update(s, &err), &err);
    CHECK_OK(staged_run(t, s, dir, "3", &x1, rel1, &err), &err);
    CHECK_OK(kt_delta_txn_begin(t, s, &group, &err), &err);
    CHECK_OK(kt_delta_txn_absorb(group, x1, &err), &err);
    kt_delta_txn_free(x1);
    CHECK(exists_in(dir, rel1));
    kt_delta_txn_free(group);
    CHECK_MSG(!exists_in(dir, rel1), "a dropped group left %s", rel1);
    kt_delta_snapshot_free(s);
    TEARDOWN();
}

TEST(time_travel_by_version_and_timestamp)
{
    SETUP("travel");
    for (int i = 0; i < 4; i++) append_one(t, dir, "r", "x", &err);
    int64_t base = 1600000000000LL;
    int64_t mt[5] = { base, base + 1000, base + 2000, base + 1500 /* clock went back */, base + 5000 };
    for (int v = 0; v < 5; v++) {
        char p[600];
        fx_commit_path(p, sizeof p, dir, v);
        CHECK(fx_set_mtime(p, mt[v]) == 0);
    }
    kt_delta_snapshot *s;
    for (int v = 0; v <= 4; v++) {
        CHECK_OK(kt_delta_snapshot_load(t, v, &s, &err), &err);
        CHECK_EQ_INT(kt_delta_snapshot_version(s), v);
        CHECK_EQ_INT(kt_delta_snapshot_num_files(s), v);
        kt_delta_snapshot_free(s);
    }
    CHECK_EQ_INT(kt_delta_snapshot_load(t, 5, &s, &err), KT_ERR_NOT_FOUND);
    struct { int64_t at; int64_t want; } cases[] = {
        { base, 0 }, { base + 999, 0 }, { base + 1000, 1 }, { base + 2000, 2 },
        { base + 2001, 3 },   /* v3's mtime is made v2 + 1 ms */
        { base + 4999, 3 }, { base + 5000, 4 }, { base + 99999, 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_OK(kt_delta_snapshot_at_time(t, cases[i].at, &s, &err), &err);
        CHECK_MSG(kt_delta_snapshot_version(s) == cases[i].want, "at %lld: got v%lld want v%lld",
                  (long long)(cases[i].at - base), (long long)kt_delta_snapshot_version(s),
                  (long long)cases[i].want);
        if (cases[i].want == 3) CHECK_EQ_INT(kt_delta_snapshot_timestamp(s), base + 2001);
        kt_delta_snapshot_free(s);
    }
    CHECK_EQ_INT(kt_delta_snapshot_at_time(t, base - 1, &s, &err), KT_ERR_NOT_FOUND);
    kt_delta_history *h;
    CHECK_OK(kt_delta_history_load(t, 0, &h, &err), &err);
    for (size_t i = 1; i < kt_delta_history_count(h); i++)
        CHECK(kt_delta_history_at(h, i)->file_time < kt_delta_history_at(h, i - 1)->file_time);
    kt_delta_history_free(h);
    TEARDOWN();
}

TEST(incremental_update_equals_full_load)
{
    SETUP("update");
    kt_delta_snapshot *s, *full;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    for (int i = 0; i < 5; i++) append_one(t, dir, i % 2 ? "a" : "b", "x", &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *a[] = { "a" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", a, 1, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    CHECK_OK(kt_delta_snapshot_update(s, &err), &err);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &full, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_version(s), 6);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), kt_delta_snapshot_num_files(full));
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 3);
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++)
        CHECK_EQ_STR(kt_delta_snapshot_file(s, i)->path, kt_delta_snapshot_file(full, i)->path);
    CHECK_EQ_INT(kt_delta_snapshot_num_tombstones(s), 2);
    kt_delta_snapshot_free(s);
    kt_delta_snapshot_free(full);
    /* stepping: update_to a version equals loading it */
    CHECK_OK(kt_delta_snapshot_load(t, 0, &s, &err), &err);
    for (int64_t v = 1; v <= 6; v++) {
        CHECK_OK(kt_delta_snapshot_update_to(s, v, &err), &err);
        CHECK_OK(kt_delta_snapshot_load(t, v, &full, &err), &err);
        CHECK_EQ_INT(kt_delta_snapshot_version(s), v);
        CHECK_EQ_INT(kt_delta_snapshot_num_files(s), kt_delta_snapshot_num_files(full));
        CHECK_EQ_INT(kt_delta_snapshot_num_tombstones(s), kt_delta_snapshot_num_tombstones(full));
        kt_delta_snapshot_free(full);
    }
    CHECK_EQ_INT(kt_delta_snapshot_update_to(s, 2, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_delta_snapshot_update_to(s, 6, &err), KT_OK);
    kt_delta_snapshot_free(s);
    CHECK_OK(kt_delta_snapshot_load(t, 0, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_update_to(s, 99, &err), KT_ERR_NOT_FOUND);
    kt_delta_snapshot_free(s);
    TEARDOWN();
}

TEST(txn_app_versions_and_schema_evolution)
{
    SETUP("txnapp");
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_set_app_version(x, "ingest", 7, &err), &err);
    CHECK_OK(kt_delta_txn_set_app_version(x, "other", 1, &err), &err);
    CHECK_OK(fx_stage(x, dir, "r", "x", NULL, NULL, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_commit(x, NULL, &err), KT_ERR_USAGE);   /* commits once */
    kt_delta_txn_free(x);
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_set_app_version(x, "ingest", 8, &err), &err);
    kt_delta_field add[] = { { "extra", KT_DELTA_LONG, true }, { "flag", KT_DELTA_BOOLEAN, true } };
    kt_delta_field bad[] = { { "strict", KT_DELTA_LONG, false } };
    kt_delta_field clash[] = { { "VALUE", KT_DELTA_LONG, true } };
    CHECK_EQ_INT(kt_delta_txn_add_columns(x, bad, 1, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_delta_txn_add_columns(x, clash, 1, &err), KT_ERR_USAGE);
    CHECK_OK(kt_delta_txn_add_columns(x, add, 2, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    int64_t v = -1;
    CHECK(kt_delta_snapshot_app_version(s, "ingest", &v));
    CHECK_EQ_INT(v, 8);
    CHECK(kt_delta_snapshot_app_version(s, "other", &v));
    CHECK_EQ_INT(v, 1);
    CHECK(!kt_delta_snapshot_app_version(s, "nobody", &v));
    CHECK_EQ_INT(kt_delta_snapshot_num_fields(s), 5);
    CHECK_EQ_STR(kt_delta_snapshot_field(s, 3)->name, "extra");
    CHECK(kt_delta_snapshot_field(s, 4)->type == KT_DELTA_BOOLEAN);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 1);
    kt_delta_snapshot_free(s);
    CHECK_OK(kt_delta_snapshot_load(t, 1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_fields(s), 3);   /* old version, old schema */
    CHECK(kt_delta_snapshot_app_version(s, "ingest", &v) && v == 7);
    kt_delta_snapshot_free(s);
    json_t *acts = commit_actions(dir, 2);
    json_t *txn = find_action(acts, "txn", 0), *ci = find_action(acts, "commitInfo", 0);
    CHECK(find_action(acts, "metaData", 0));
    CHECK_EQ_STR(json_string_value(json_object_get(txn, "appId")), "ingest");
    CHECK(json_is_integer(json_object_get(txn, "lastUpdated")));
    CHECK_EQ_STR(json_string_value(json_object_get(ci, "operation")), "ADD COLUMNS");
    json_decref(acts);
    TEARDOWN();
}

/* Two transactions read the same version; the first commits; what does the second get? */
typedef kt_status (*stage_fn)(kt_delta_txn *x, const char *dir, kt_error *err);

static kt_status st_append_a(kt_delta_txn *x, const char *dir, kt_error *err)
{ return fx_stage(x, dir, "a", "x", NULL, NULL, err); }
static kt_status st_append_b(kt_delta_txn *x, const char *dir, kt_error *err)
{ return fx_stage(x, dir, "b", "x", NULL, NULL, err); }
static kt_status st_replace_a(kt_delta_txn *x, const char *dir, kt_error *err)
{
    const char *v[] = { "a" };
    KT_TRY(kt_delta_txn_replace_partitions(x, "run_uuid", v, 1, err));
    return fx_stage(x, dir, "a", "y", NULL, NULL, err);
}
static kt_status st_replace_b(kt_delta_txn *x, const char *dir, kt_error *err)
{
    const char *v[] = { "b" };
    KT_TRY(kt_delta_txn_replace_partitions(x, "run_uuid", v, 1, err));
    return fx_stage(x, dir, "b", "y", NULL, NULL, err);
}
static kt_status st_replace_all(kt_delta_txn *x, const char *dir, kt_error *err)
{
    KT_TRY(kt_delta_txn_replace_all(x, err));
    return fx_stage(x, dir, "c", "z", NULL, NULL, err);
}
static kt_status st_add_column(kt_delta_txn *x, const char *dir, kt_error *err)
{
    (void)dir;
    kt_delta_field f[] = { { "more", KT_DELTA_STRING, true } };
    return kt_delta_txn_add_columns(x, f, 1, err);
}
static kt_status st_app_1(kt_delta_txn *x, const char *dir, kt_error *err)
{
    KT_TRY(kt_delta_txn_set_app_version(x, "app-1", 1, err));
    return fx_stage(x, dir, "b", "x", NULL, NULL, err);
}
static kt_status st_app_2(kt_delta_txn *x, const char *dir, kt_error *err)
{
    KT_TRY(kt_delta_txn_set_app_version(x, "app-2", 1, err));
    return fx_stage(x, dir, "b", "x", NULL, NULL, err);
}

/* Temp commit files left in the table's _delta_log (there must be none). */
static int temp_commits_left(const char *dir)
{
    char log[4096];
    snprintf(log, sizeof log, "%s/_delta_log", dir);
    DIR *d = opendir(log);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strncmp(e->d_name, KT_DELTA_TMP_PREFIX, strlen(KT_DELTA_TMP_PREFIX)) == 0;
    if (d) closedir(d);
    return n;
}

static kt_status race(stage_fn winner, stage_fn loser, const char *tag, kt_error *err)
{
    char *dir = fx_tempdir(tag);
    kt_delta_table *t;
    kt_status st = fx_create(dir, &t, err);
    if (st == KT_OK) st = append_one(t, dir, "a", "seed-a", err) == 1 ? KT_OK : KT_ERR_INTERNAL;
    if (st == KT_OK) st = append_one(t, dir, "b", "seed-b", err) == 2 ? KT_OK : KT_ERR_INTERNAL;
    kt_delta_txn *w = NULL, *l = NULL;
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &w, err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &l, err);
    if (st == KT_OK) st = winner(w, dir, err);
    if (st == KT_OK) st = loser(l, dir, err);
    if (st == KT_OK) st = kt_delta_txn_commit(w, NULL, err);
    int64_t v = -1;
    if (st == KT_OK) {
        st = kt_delta_txn_commit(l, &v, err);
        if (st == KT_OK && v != 4) st = kt_fail(err, KT_ERR_INTERNAL, "loser got version %lld", (long long)v);
    }
    if (temp_commits_left(dir)) st = kt_fail(err, KT_ERR_INTERNAL, "a temp commit file was left behind");
    kt_delta_txn_free(w);
    kt_delta_txn_free(l);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
    return st;
}

TEST(conflicts_follow_write_serializable_rules)
{
    kt_error err;
    /* no conflict: the loser lands at the next version */
    CHECK_OK(race(st_append_a, st_append_a, "c1", &err), &err);
    CHECK_OK(race(st_append_b, st_replace_a, "c2", &err), &err);
    CHECK_OK(race(st_replace_b, st_replace_a, "c3", &err), &err);
    CHECK_OK(race(st_replace_a, st_append_a, "c4", &err), &err);   /* blind append */
    CHECK_OK(race(st_app_1, st_app_2, "c5", &err), &err);
    CHECK_OK(race(st_append_a, st_add_column, "c6", &err), &err);
    /* conflicts */
    CHECK_EQ_INT(race(st_append_a, st_replace_a, "c7", &err), KT_ERR_CONFLICT);
    CHECK(strstr(err.msg, "concurrent commit 3") && strstr(err.msg, "read at version 2") &&
          strstr(err.msg, "run_uuid=a"));
    CHECK_EQ_INT(race(st_replace_a, st_replace_a, "c8", &err), KT_ERR_CONFLICT);
    CHECK_EQ_INT(race(st_append_b, st_replace_all, "c9", &err), KT_ERR_CONFLICT);
    CHECK_EQ_INT(race(st_add_column, st_append_a, "c10", &err), KT_ERR_CONFLICT);
    CHECK(strstr(err.msg, "metaData"));
    CHECK_EQ_INT(race(st_app_1, st_app_1, "c11", &err), KT_ERR_CONFLICT);
    CHECK(strstr(err.msg, "app-1"));
}

/* A writer that loses several races in a row retries with the commit it
 * staged once: each lands whole at the next free version, with its own
 * actions, and no temp file is left in the log. */
TEST(losers_retry_their_staged_commit_at_the_next_versions)
{
    kt_error err;
    char *dir = fx_tempdir("losers");
    kt_delta_table *t;
    CHECK_OK(fx_create(dir, &t, &err), &err);
    enum { N = 4 };
    kt_delta_txn *x[N];
    for (int i = 0; i < N; i++) CHECK_OK(kt_delta_txn_begin(t, NULL, &x[i], &err), &err);
    static const char *const runs[N] = { "a", "b", "c", "d" };
    for (int i = 0; i < N; i++) CHECK_OK(fx_stage(x[i], dir, runs[i], runs[i], NULL, NULL, &err), &err);
    for (int i = 0; i < N; i++) { /* all read version 0: txn i loses i races */
        int64_t v = -1;
        CHECK_OK(kt_delta_txn_commit(x[i], &v, &err), &err);
        CHECK_EQ_INT(v, i + 1);
        json_t *actions = commit_actions(dir, v);
        CHECK_EQ_INT(count_actions(actions, "add"), 1);
        json_t *add = find_action(actions, "add", 0);
        const char *run = json_string_value(json_object_get(json_object_get(add, "partitionValues"), "run_uuid"));
        CHECK(run && !strcmp(run, runs[i]));
        json_decref(actions);
    }
    CHECK_EQ_INT(temp_commits_left(dir), 0);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), N);
    kt_delta_snapshot_free(s);
    for (int i = 0; i < N; i++) kt_delta_txn_free(x[i]);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

TEST(winner_remove_without_partition_values_is_resolved_from_the_snapshot)
{
    SETUP("rmnopv");
    append_one(t, dir, "a", "x", &err);
    append_one(t, dir, "b", "y", &err);
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    const char *path_b = NULL, *path_a = NULL;
    for (size_t i = 0; i < 2; i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        if (!strcmp(f->partition_values[0], "b")) path_b = f->log_path; else path_a = f->log_path;
    }
    CHECK(path_a && path_b);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, s, &x, &err), &err);
    const char *a[] = { "a" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", a, 1, &err), &err);
    /* another engine removes b's file without extendedFileMetadata: no conflict */
    char line[1500];
    snprintf(line, sizeof line, "{\"remove\":{\"path\":\"%s\",\"dataChange\":true}}\n", path_b);
    CHECK(fx_write_commit(dir, 3, line) == 0);
    int64_t v;
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    CHECK_EQ_INT(v, 4);
    kt_delta_txn_free(x);
    /* ...but removing a's file would have conflicted */
    kt_delta_snapshot_free(s);
    append_one(t, dir, "a", "z", &err);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_OK(kt_delta_txn_begin(t, s, &x, &err), &err);
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", a, 1, &err), &err);
    snprintf(line, sizeof line, "{\"remove\":{\"path\":\"%s\",\"dataChange\":true}}\n",
             kt_delta_snapshot_file(s, 0)->log_path);
    CHECK(fx_write_commit(dir, 6, line) == 0);
    CHECK_EQ_INT(kt_delta_txn_commit(x, NULL, &err), KT_ERR_CONFLICT);
    kt_delta_txn_free(x);
    kt_delta_snapshot_free(s);
    TEARDOWN();
}

/* ---- tables kinetl must refuse or tolerate --------------------------- */

#define SCHEMA_ONE "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"long\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}"
#define META_ONE "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" SCHEMA_ONE "\",\"partitionColumns\":[],\"configuration\":{}}}\n"

static kt_status load_hand_table(const char *const *commits, size_t n, kt_delta_snapshot **s,
                                 const char *extra_file, kt_error *err, char **dir_out)
{
    char *dir = fx_tempdir("hand");
    for (size_t i = 0; i < n; i++) fx_write_commit(dir, (int64_t)i, commits[i]);
    if (extra_file) {
        char p[600];
        snprintf(p, sizeof p, "%s/_delta_log/%s", dir, extra_file);
        fx_write_file(p, "{}");
    }
    kt_delta_table *t;
    kt_delta_open(dir, NULL, &t, err);
    *s = NULL;
    kt_status st = kt_delta_snapshot_load(t, -1, s, err);
    kt_delta_close(t);
    if (dir_out) *dir_out = dir;
    else { fx_rmrf(dir); free(dir); }
    return st;
}

static kt_status try_table(const char *c0, const char *c1, const char *extra, kt_error *err)
{
    const char *commits[2] = { c0, c1 };
    kt_delta_snapshot *s;
    kt_status st = load_hand_table(commits, c1 ? 2 : 1, &s, extra, err, NULL);
    kt_delta_snapshot_free(s);
    return st;
}

TEST(unsupported_tables_are_refused_with_the_feature_named)
{
    kt_error err;
    const char *p12 = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n";
    CHECK_OK(try_table("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n" META_ONE,
                       NULL, NULL, &err), &err);
    CHECK_EQ_INT(try_table("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                           "\"readerFeatures\":[\"deletionVectors\"],\"writerFeatures\":"
                           "[\"deletionVectors\"]}}\n" META_ONE, NULL, NULL, &err),
                 KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "deletionVectors"));
    CHECK_EQ_INT(try_table("{\"protocol\":{\"minReaderVersion\":4,\"minWriterVersion\":7}}\n"
                           META_ONE, NULL, NULL, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "reader version 4"));
    const char *mapping = "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n"
        "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":\""
        SCHEMA_ONE "\",\"partitionColumns\":[],\"configuration\":{\"delta.columnMapping.mode\":"
        "\"name\"}}}\n";
    CHECK_EQ_INT(try_table(mapping, NULL, NULL, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "column mapping"));
    const char *dv_add = "{\"add\":{\"path\":\"f.parquet\",\"partitionValues\":{},\"size\":1,"
        "\"modificationTime\":1,\"dataChange\":true,\"deletionVector\":{\"storageType\":\"u\","
        "\"pathOrInlineDv\":\"ab\",\"offset\":1,\"sizeInBytes\":3,\"cardinality\":1}}}\n";
    char c0[2048];
    snprintf(c0, sizeof c0, "%s%s", p12, META_ONE);
    CHECK_EQ_INT(try_table(c0, dv_add, NULL, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "deletion vector") && strstr(err.msg, "commit 1"));
    CHECK_EQ_INT(try_table(c0, NULL, "00000000000000000000.checkpoint.parquet", &err),
                 KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "checkpoint"));
    CHECK_EQ_INT(try_table(c0, NULL, "_last_checkpoint", &err), KT_ERR_UNSUPPORTED);
    const char *abs_add = "{\"add\":{\"path\":\"file:///etc/passwd\",\"partitionValues\":{},"
        "\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n";
    CHECK_EQ_INT(try_table(c0, abs_add, NULL, &err), KT_ERR_UNSUPPORTED);
    const char *nested = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
        "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":"
        "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"s\\\",\\\"type\\\":"
        "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]},\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\","
        "\"partitionColumns\":[],\"configuration\":{}}}\n";
    CHECK_EQ_INT(try_table(nested, NULL, NULL, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "nested"));
    const char *decimal = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
        "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":"
        "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"d\\\",\\\"type\\\":"
        "\\\"decimal(10,2)\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\","
        "\"partitionColumns\":[],\"configuration\":{}}}\n";
    CHECK_EQ_INT(try_table(decimal, NULL, NULL, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "decimal(10,2)"));
    CHECK_EQ_INT(try_table(META_ONE, NULL, NULL, &err), KT_ERR_FORMAT);   /* no protocol */
    CHECK_EQ_INT(try_table(c0, "{\"add\":{\"path\":\"x\"", NULL, &err), KT_ERR_FORMAT);
    CHECK(strstr(err.msg, "commit 1 line 1"));
}

TEST(unknown_fields_and_actions_are_tolerated)
{
    kt_error err;
    const char *c0 = "{\"commitInfo\":{\"timestamp\":1,\"anything\":[1,2,{\"x\":null}]}}\n"
        "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2,\"future\":true}}\n"
        "\n" META_ONE "{\"someFutureAction\":{\"x\":1}}\n";
    const char *c1 = "{\"add\":{\"path\":\"p%20q.parquet\",\"partitionValues\":{},\"size\":5,"
        "\"modificationTime\":2,\"dataChange\":true,\"tags\":{\"k\":\"v\"},\"newField\":1,"
        "\"stats\":\"{\\\"numRecords\\\":12,\\\"minValues\\\":{\\\"a\\\":1}}\"}}\r\n"
        "{\"cdc\":{\"path\":\"_change_data/x.parquet\",\"partitionValues\":{},\"size\":1,"
        "\"dataChange\":false}}";
    const char *commits[2] = { c0, c1 };
    kt_delta_snapshot *s;
    char *dir;
    CHECK_OK(load_hand_table(commits, 2, &s, NULL, &err, &dir), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 1);
    CHECK_EQ_STR(kt_delta_snapshot_file(s, 0)->path, "p q.parquet");
    CHECK_EQ_INT(kt_delta_snapshot_file(s, 0)->num_records, 12);
    kt_delta_snapshot_free(s);
    /* A writer-version-7 table may be read but not written. */
    fx_write_commit(dir, 2, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,"
                            "\"writerFeatures\":[\"identityColumns\"]}}\n");
    kt_delta_table *t;
    CHECK_OK(kt_delta_open(dir, NULL, &t, &err), &err);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    kt_delta_snapshot_free(s);
    kt_delta_txn *x;
    CHECK_EQ_INT(kt_delta_txn_begin(t, NULL, &x, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "writer version 7"));
    /* a gap in the log is corruption */
    fx_write_commit(dir, 4, "{\"commitInfo\":{}}\n");
    CHECK_EQ_INT(kt_delta_snapshot_load(t, -1, &s, &err), KT_ERR_FORMAT);
    CHECK(strstr(err.msg, "commit 3 is missing"));
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

TEST(append_only_and_invariants_restrict_writes)
{
    kt_error err;
    char *dir = fx_tempdir("aonly");
    fx_write_commit(dir, 0, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
        "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":\""
        SCHEMA_ONE "\",\"partitionColumns\":[],\"configuration\":{\"delta.appendOnly\":\"true\"}}}\n");
    kt_delta_table *t;
    CHECK_OK(kt_delta_open(dir, NULL, &t, &err), &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_replace_all(x, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "append-only"));
    kt_delta_txn_free(x);
    fx_write_commit(dir, 1, "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},"
        "\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\","
        "\\\"type\\\":\\\"long\\\",\\\"nullable\\\":true,\\\"metadata\\\":{\\\"delta.invariants\\\":"
        "\\\"a > 0\\\"}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n");
    CHECK_EQ_INT(kt_delta_txn_begin(t, NULL, &x, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "invariants"));
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

TEST(missing_table_and_bad_names)
{
    kt_error err;
    char *dir = fx_tempdir("missing");
    kt_delta_table *t;
    CHECK_OK(kt_delta_open_in_lake(dir, "nothing", NULL, &t, &err), &err);
    CHECK(!kt_delta_exists(t));
    kt_delta_snapshot *s;
    CHECK_EQ_INT(kt_delta_snapshot_load(t, -1, &s, &err), KT_ERR_NOT_FOUND);
    kt_delta_history *h;
    CHECK_EQ_INT(kt_delta_history_load(t, 0, &h, &err), KT_ERR_NOT_FOUND);
    kt_delta_close(t);
    CHECK_EQ_INT(kt_delta_open_in_lake(dir, "../x", NULL, &t, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_delta_open_in_lake(dir, "_kinetl", NULL, &t, &err), KT_ERR_USAGE);
    char **names;
    size_t n;
    CHECK_OK(kt_delta_list_tables(dir, &names, &n, &err), &err);
    CHECK_EQ_INT(n, 0);
    kt_delta_free_names(names, n);
    char sub[600];
    const char *tables[] = { "zeta", "alpha" };
    for (int i = 0; i < 2; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, tables[i]);
        CHECK_OK(fx_create(sub, &t, &err), &err);
        kt_delta_close(t);
    }
    snprintf(sub, sizeof sub, "%s/_kinetl", dir);
    mkdir(sub, 0777);
    CHECK_OK(kt_delta_list_tables(dir, &names, &n, &err), &err);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_STR(names[0], "alpha");
    CHECK_EQ_STR(names[1], "zeta");
    kt_delta_free_names(names, n);
    fx_rmrf(dir);
    free(dir);
}

TEST(history_newest_first_with_operations)
{
    SETUP("history");
    append_one(t, dir, "a", "x", &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *a[] = { "a" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", a, 1, &err), &err);
    CHECK_OK(fx_stage(x, dir, "a", "yy", "{\"numRecords\":2}", NULL, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    kt_delta_history *h;
    CHECK_OK(kt_delta_history_load(t, 0, &h, &err), &err);
    CHECK_EQ_INT(kt_delta_history_count(h), 3);
    const kt_delta_commit *c = kt_delta_history_at(h, 0);
    CHECK_EQ_INT(c->version, 2);
    CHECK_EQ_STR(c->operation, "WRITE");
    CHECK(strstr(c->operation_parameters, "\"mode\":\"Overwrite\""));
    CHECK_EQ_INT(c->read_version, 1);
    CHECK_EQ_INT(c->is_blind_append, 0);
    CHECK_EQ_INT(c->num_add, 1);
    CHECK_EQ_INT(c->num_remove, 1);
    CHECK_EQ_INT(c->add_bytes, 2);
    CHECK_EQ_INT(c->add_records, 2);
    CHECK_EQ_STR(c->engine_info, "kinetl/" KT_VERSION);
    c = kt_delta_history_at(h, 2);
    CHECK_EQ_INT(c->version, 0);
    CHECK_EQ_STR(c->operation, "CREATE TABLE");
    CHECK(c->has_metadata && c->has_protocol);
    kt_delta_history_free(h);
    CHECK_OK(kt_delta_history_load(t, 1, &h, &err), &err);
    CHECK_EQ_INT(kt_delta_history_count(h), 1);
    kt_delta_history_free(h);
    TEARDOWN();
}

/* ---- vacuum ------------------------------------------------------------ */

typedef struct listed { char paths[16][256]; size_t n; } listed;
static void on_file(void *ctx, const char *rel, int64_t size)
{
    (void)size;
    listed *l = ctx;
    if (l->n < 16) snprintf(l->paths[l->n++], 256, "%s", rel);
}

static bool exists_rel(const char *dir, const char *rel)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return access(p, F_OK) == 0;
}

TEST(vacuum_respects_retention_tombstones_and_dry_run)
{
    SETUP("vacuum");
    int64_t day = 24LL * 3600 * 1000, now = kt_delta_now_ms();
    /* v1: keep (active); v2: old file, removed in v3 (tombstone at "now") */
    char active[1024], removed[1024], orphan_old[1024], orphan_new[1024];
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    CHECK_OK(fx_stage(x, dir, "a", "keep", NULL, active, &err), &err);
    CHECK_OK(fx_stage(x, dir, "b", "gone", NULL, removed, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    const char *b[] = { "b" };
    CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", b, 1, &err), &err);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
    kt_delta_txn_free(x);
    /* orphans: as a crashed writer leaves them (never committed) */
    snprintf(orphan_old, sizeof orphan_old, "run_uuid=c/part-00000-orphan-old.c000.zstd.parquet");
    snprintf(orphan_new, sizeof orphan_new, "run_uuid=a/part-00000-x.parquet.tmp-123-0");
    char p[1200];
    snprintf(p, sizeof p, "%s/run_uuid=c", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/%s", dir, orphan_old);
    CHECK(fx_write_file(p, "orphan") == 0);
    CHECK(fx_set_mtime(p, now - 10 * day) == 0);
    snprintf(p, sizeof p, "%s/%s", dir, orphan_new);
    CHECK(fx_write_file(p, "tmp") == 0);
    snprintf(p, sizeof p, "%s/%s", dir, active);
    CHECK(fx_set_mtime(p, now - 30 * day) == 0);
    snprintf(p, sizeof p, "%s/%s", dir, removed);
    CHECK(fx_set_mtime(p, now - 30 * day) == 0);
    snprintf(p, sizeof p, "%s/_delta_log/.kinetl-dead.json.tmp", dir);
    CHECK(fx_write_file(p, "{") == 0);
    CHECK(fx_set_mtime(p, now - 8 * day) == 0);
    snprintf(p, sizeof p, "%s/_delta_log/00000000000000000000.json", dir);
    CHECK(fx_set_mtime(p, now - 300 * day) == 0);

    /* dry run with the default 7 days: the old orphan and the log temp, nothing deleted */
    listed l = { .n = 0 };
    kt_delta_vacuum_options o = { .retention_ms = -1, .dry_run = true, .on_file = on_file, .ctx = &l };
    kt_delta_vacuum_result r;
    CHECK_OK(kt_delta_vacuum(t, &o, &r, &err), &err);
    CHECK_EQ_INT(r.files, 2);
    CHECK_EQ_INT(r.bytes, 6 + 1);
    CHECK(exists_rel(dir, orphan_old));
    CHECK(exists_rel(dir, "_delta_log/.kinetl-dead.json.tmp"));
    CHECK((!strcmp(l.paths[0], orphan_old) && !strcmp(l.paths[1], "_delta_log/.kinetl-dead.json.tmp")));

    /* for real: the tombstoned file is protected (deleted just now), the new temp is young */
    o.dry_run = false;
    CHECK_OK(kt_delta_vacuum(t, &o, &r, &err), &err);
    CHECK_EQ_INT(r.files, 2);
    CHECK(!exists_rel(dir, orphan_old));
    CHECK(exists_rel(dir, "run_uuid=c"));    /* emptied just now: too young to go yet */
    CHECK(exists_rel(dir, removed) && exists_rel(dir, active) && exists_rel(dir, orphan_new));
    CHECK(exists_rel(dir, "_delta_log/00000000000000000000.json"));

    /* eight days later the tombstone has expired */
    o.now_ms = now + 8 * day;
    CHECK_OK(kt_delta_vacuum(t, &o, &r, &err), &err);
    CHECK(!exists_rel(dir, removed) && !exists_rel(dir, orphan_new));
    CHECK(exists_rel(dir, active));
    CHECK(!exists_rel(dir, "run_uuid=b"));    /* empty partition directories removed */
    CHECK(!exists_rel(dir, "run_uuid=c"));
    CHECK(exists_rel(dir, "run_uuid=a"));
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), 1);
    kt_delta_snapshot_free(s);
    for (int v = 0; v <= 2; v++) {
        char cp[600];
        fx_commit_path(cp, sizeof cp, dir, v);
        CHECK(access(cp, F_OK) == 0);
    }
    TEARDOWN();
}

TEST(stats_json_follows_the_protocol)
{
    kt_delta_field f[] = { { "n", KT_DELTA_LONG, true }, { "d", KT_DELTA_DOUBLE, true },
                           { "t", KT_DELTA_TIMESTAMP, false }, { "s", KT_DELTA_STRING, true },
                           { "b", KT_DELTA_BOOLEAN, true }, { "e", KT_DELTA_DOUBLE, true },
                           { "i", KT_DELTA_DOUBLE, true } };
    const char *longest = "0123456789012345678901234567890123456789";   /* 40 chars */
    kt_pq_column_summary sn = { .null_count = 1, .has_min_max = true, .min_i = -5, .max_i = 7 };
    kt_pq_column_summary sd = { .has_min_max = true, .min_d = -0.1, .max_d = 1e300 };
    kt_pq_column_summary st = { .has_min_max = true, .min_i = -1, .max_i = 1669236000444999LL };
    kt_pq_column_summary ss = { .null_count = 2, .has_min_max = true, .min_s = "a\"b\xc3\xa9",
                                .min_len = 5, .max_s = longest, .max_len = 40 };
    kt_pq_column_summary sb = { .has_min_max = true, .min_i = 0, .max_i = 1 };
    kt_pq_column_summary se = { .null_count = 3, .has_min_max = false };
    kt_pq_column_summary si = { .has_min_max = true, .min_d = -INFINITY, .max_d = 2.5 };
    const kt_pq_column_summary *sums[] = { &sn, &sd, &st, &ss, &sb, &se, &si };
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_delta_stats_json(&b, f, sums, 7, 3), NULL);
    kt_buf_append_byte(&b, 0);
    json_t *j = json_loads((char *)b.data, 0, NULL);
    CHECK_MSG(j, "not JSON: %s", (char *)b.data);
    json_t *mn = json_object_get(j, "minValues"), *mx = json_object_get(j, "maxValues"),
           *nc = json_object_get(j, "nullCount");
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "numRecords")), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(mn, "n")), -5);
    CHECK_EQ_INT(json_integer_value(json_object_get(mx, "n")), 7);
    CHECK(json_real_value(json_object_get(mn, "d")) == -0.1);
    CHECK(json_real_value(json_object_get(mx, "d")) == 1e300);
    CHECK(strstr((char *)b.data, "\"d\":-0.1,"));    /* shortest form, not -0.10000000000000001 */
    CHECK_EQ_STR(json_string_value(json_object_get(mn, "t")), "1969-12-31T23:59:59.999Z");
    CHECK_EQ_STR(json_string_value(json_object_get(mx, "t")), "2022-11-23T20:40:00.444Z");
    CHECK_EQ_STR(json_string_value(json_object_get(mn, "s")), "a\"b\xc3\xa9");
    CHECK(!json_object_get(mx, "s"));   /* a cut maximum would be wrong: left out */
    CHECK(!json_object_get(mn, "b") && !json_object_get(mx, "b"));
    CHECK(!json_object_get(mn, "e") && !json_object_get(mx, "e"));
    CHECK(!json_object_get(mn, "i"));   /* -Infinity has no JSON form */
    CHECK(json_real_value(json_object_get(mx, "i")) == 2.5);
    CHECK_EQ_INT(json_integer_value(json_object_get(nc, "n")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(nc, "s")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(nc, "e")), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(nc, "t")), 0);
    json_decref(j);
    /* a long minimum keeps its first 32 characters */
    kt_pq_column_summary slong = { .has_min_max = true, .min_s = longest, .min_len = 40,
                                   .max_s = "9", .max_len = 1 };
    const kt_pq_column_summary *one[] = { &slong };
    kt_buf_clear(&b);
    CHECK_OK(kt_delta_stats_json(&b, &f[3], one, 1, 1), NULL);
    kt_buf_append_byte(&b, 0);
    j = json_loads((char *)b.data, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(j, "minValues"), "s")),
                 "01234567890123456789012345678901");
    json_decref(j);
    kt_buf_free(&b);
    char ts[32];
    CHECK(kt_delta_format_timestamp_ms(0, ts));
    CHECK_EQ_STR(ts, "1970-01-01T00:00:00.000Z");
    CHECK(kt_delta_format_timestamp_ms(-1000, ts));
    CHECK_EQ_STR(ts, "1969-12-31T23:59:59.999Z");
    CHECK(kt_delta_format_timestamp_ms(-1001, ts));
    CHECK_EQ_STR(ts, "1969-12-31T23:59:59.998Z");
}

static bool same_files(const kt_delta_snapshot *a, const kt_delta_snapshot *b)
{
    if (kt_delta_snapshot_version(a) != kt_delta_snapshot_version(b) ||
        kt_delta_snapshot_num_files(a) != kt_delta_snapshot_num_files(b) ||
        kt_delta_snapshot_num_tombstones(a) != kt_delta_snapshot_num_tombstones(b) ||
        kt_delta_snapshot_timestamp(a) != kt_delta_snapshot_timestamp(b))
        return false;
    for (size_t i = 0; i < kt_delta_snapshot_num_files(a); i++)
        if (strcmp(kt_delta_snapshot_file(a, i)->path, kt_delta_snapshot_file(b, i)->path) ||
            kt_delta_snapshot_file(a, i)->version != kt_delta_snapshot_file(b, i)->version)
            return false;
    return true;
}

TEST(threaded_replay_equals_sequential_replay)
{
    SETUP("threads");
    for (int i = 0; i < 150; i++) {
        kt_delta_txn *x;
        char run[8];
        snprintf(run, sizeof run, "r%d", i % 7);
        CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
        if (i % 5 == 4) {
            const char *v[] = { run };
            CHECK_OK(kt_delta_txn_replace_partitions(x, "run_uuid", v, 1, &err), &err);
        }
        CHECK_OK(fx_stage(x, dir, run, "x", "{\"numRecords\":1}", NULL, &err), &err);
        CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
        kt_delta_txn_free(x);
    }
    kt_delta_options one = { .replay_threads = 1 }, four = { .replay_threads = 4 };
    kt_delta_table *t1, *t4;
    CHECK_OK(kt_delta_open(dir, &one, &t1, &err), &err);
    CHECK_OK(kt_delta_open(dir, &four, &t4, &err), &err);
    kt_delta_snapshot *a, *b;
    for (int64_t v = 70; v <= 150; v += 40) {
        CHECK_OK(kt_delta_snapshot_load(t1, v, &a, &err), &err);
        CHECK_OK(kt_delta_snapshot_load(t4, v, &b, &err), &err);
        CHECK_MSG(same_files(a, b), "version %lld differs", (long long)v);
        kt_delta_snapshot_free(a);
        kt_delta_snapshot_free(b);
    }
    /* a corrupt commit is reported identically, whichever thread parsed it */
    char p[600];
    fx_commit_path(p, sizeof p, dir, 120);
    CHECK(fx_write_file(p, "{\"add\":{\"path\":\"ok.parquet\",\"size\":1}}\n{oops\n") == 0);
    kt_error e1, e4;
    CHECK_EQ_INT(kt_delta_snapshot_load(t1, -1, &a, &e1), KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_delta_snapshot_load(t4, -1, &b, &e4), KT_ERR_FORMAT);
    CHECK_EQ_STR(e1.msg, e4.msg);
    CHECK(strstr(e4.msg, "commit 120 line 2"));
    /* a semantic error too */
    CHECK(fx_write_file(p, "{\"add\":{\"path\":\"ok.parquet\"}}\n") == 0);
    CHECK_EQ_INT(kt_delta_snapshot_load(t1, -1, &a, &e1), KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_delta_snapshot_load(t4, -1, &b, &e4), KT_ERR_FORMAT);
    CHECK_EQ_STR(e1.msg, e4.msg);
    CHECK(strstr(e4.msg, "commit 120 line 1") && strstr(e4.msg, "size"));
    kt_delta_close(t1);
    kt_delta_close(t4);
    TEARDOWN();
}

/* Files added unsynced are made durable by the commit, before its log
 * entry: one that vanished before the commit fails it, naming the file, and
 * no log entry refers to it. (Durability itself needs a power cut to see;
 * the order is what the code can be held to.) */
TEST(unsynced_adds_are_synced_by_the_commit_and_a_lost_one_fails_it)
{
    SETUP("unsynced");
    kt_delta_table *durable = NULL;
    kt_delta_options o = { .no_fsync = false };
    CHECK_OK(kt_delta_open(dir, &o, &durable, &err), &err);
    const char *pv[1] = { "r1" };
    char rel[1024], abs[2048];
    kt_delta_txn *x = NULL;
    CHECK_OK(kt_delta_txn_begin(durable, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_new_file_path(x, pv, rel, sizeof rel, &err), &err);
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    CHECK(fx_write_file(abs, "one") == 0);
    CHECK_OK(kt_delta_txn_add_file_unsynced(x, rel, pv, NULL, &err), &err);
    int64_t v = -1;
    CHECK_OK(kt_delta_txn_commit(x, &v, &err), &err);
    CHECK_EQ_INT(v, 1);
    kt_delta_txn_free(x);
    kt_delta_snapshot *s = NULL;
    CHECK_OK(kt_delta_snapshot_load(durable, -1, &s, &err), &err);
    CHECK_EQ_INT(files_in(s, "r1"), 1);
    kt_delta_snapshot_free(s);

    CHECK_OK(kt_delta_txn_begin(durable, NULL, &x, &err), &err);
    CHECK_OK(kt_delta_txn_new_file_path(x, pv, rel, sizeof rel, &err), &err);
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    CHECK(fx_write_file(abs, "two") == 0);
    CHECK_OK(kt_delta_txn_add_file_unsynced(x, rel, pv, NULL, &err), &err);
    CHECK(unlink(abs) == 0);
    kt_error cerr = { 0 };
    CHECK_EQ_INT(kt_delta_txn_commit(x, &v, &cerr), KT_ERR_IO);
    CHECK_MSG(strstr(cerr.msg, rel) != NULL, "error names the file: %s", cerr.msg);
    kt_delta_txn_free(x);
    char next[600];
    fx_commit_path(next, sizeof next, dir, 2);
    CHECK(access(next, F_OK) != 0);
    kt_delta_close(durable);
    TEARDOWN();
}

/* mkdirs: creates what is missing, accepts what exists, refuses a file in the way. */
TEST(mkdirs_creates_missing_levels_and_accepts_existing_ones)
{
    kt_error err = { 0 };
    char *dir = fx_tempdir("mkdirs");
    CHECK(dir);
    char deep[600], file[600], below_file[700];
    snprintf(deep, sizeof deep, "%s/a/b=1/c", dir);
    CHECK_OK(kt_delta_mkdirs(deep, &err), &err);
    struct stat sb;
    CHECK(stat(deep, &sb) == 0 && S_ISDIR(sb.st_mode));
    CHECK_OK(kt_delta_mkdirs(deep, &err), &err);
    snprintf(deep, sizeof deep, "%s/a/b=2", dir);
    CHECK_OK(kt_delta_mkdirs(deep, &err), &err);
    CHECK(stat(deep, &sb) == 0 && S_ISDIR(sb.st_mode));
    snprintf(file, sizeof file, "%s/a/plain", dir);
    CHECK(fx_write_file(file, "x") == 0);
    snprintf(below_file, sizeof below_file, "%s/below", file);
    CHECK(kt_delta_mkdirs(below_file, &err) != KT_OK);
    fx_rmrf(dir);
    free(dir);
}

TEST_MAIN_BEGIN("delta")
    RUN(ctx, threaded_replay_equals_sequential_replay);
    RUN(ctx, stats_json_follows_the_protocol);
    RUN(ctx, hive_escaping_and_uri_encoding);
    RUN(ctx, create_writes_protocol_metadata_commitinfo);
    RUN(ctx, append_replay_lists_files_with_partitions_and_stats);
    RUN(ctx, partition_overwrite_removes_only_its_partitions);
    RUN(ctx, replacing_partitions_in_several_calls_accumulates);
    RUN(ctx, absorbed_transactions_commit_as_one);
    RUN(ctx, time_travel_by_version_and_timestamp);
    RUN(ctx, incremental_update_equals_full_load);
    RUN(ctx, txn_app_versions_and_schema_evolution);
    RUN(ctx, conflicts_follow_write_serializable_rules);
    RUN(ctx, losers_retry_their_staged_commit_at_the_next_versions);
    RUN(ctx, winner_remove_without_partition_values_is_resolved_from_the_snapshot);
    RUN(ctx, unsupported_tables_are_refused_with_the_feature_named);
    RUN(ctx, unknown_fields_and_actions_are_tolerated);
    RUN(ctx, append_only_and_invariants_restrict_writes);
    RUN(ctx, missing_table_and_bad_names);
    RUN(ctx, history_newest_first_with_operations);
    RUN(ctx, vacuum_respects_retention_tombstones_and_dry_run);
    RUN(ctx, unsynced_adds_are_synced_by_the_commit_and_a_lost_one_fails_it);
    RUN(ctx, mkdirs_creates_missing_levels_and_accepts_existing_ones);
TEST_MAIN_END()
