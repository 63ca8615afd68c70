/* tests/unit/test_delta_lake.c — builds the sample lake the CLI and
 * interop tests read, through the public lake API with real Parquet data,
 * and checks it.
 *   test_delta_lake                              unit tests (PASS/FAIL lines)
 *   test_delta_lake --make-lake DIR [EXPECTDIR]  writes DIR/{raw,run_stats,empty};
 *       EXPECTDIR/<table>/<version>.jsonl: the rows each version must hold
 *       (from the generator's own model, not from reading the table back)
 *   test_delta_lake --files TABLEDIR VERSION     kinetl's active files at a
 *       version, one JSON object per line (for the independent JS replay)
 * raw: partitioned by run_uuid; appends (one of them split by partition),
 * a partition overwrite, a schema change, txn markers. run_stats:
 * unpartitioned with nulls, then overwritten whole. tags: partition values
 * that need escaping (and the null partition), one of them overwritten.
 * empty: created only. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "delta_fixture.h"

#define MAX_BATCHES 8
#define BASE_US 1669236000000000LL   /* 2022-11-23T20:40:00Z */

static const char *const runs[] = { "7582293080991470000", "12405186538561671000", "42" };
static const char *const axes[] = { "x", "y", "z", "fx", "fy", "fz" };

/* A batch of raw rows: row i of batch (run, seed) is a pure function of i. */
typedef struct batch { const char *run; int rows, seed; bool quality; } batch;

static int64_t row_time(const batch *b, int i) { return BASE_US + b->seed * 1000000LL + i * 10000LL + (i % 3); }
static int32_t row_robot(int i) { return 1 + i % 2; }
static double row_value(const batch *b, int i) { return sin(i * 0.37 + b->seed) * 1000.0 + b->seed / 3.0; }
static const char *row_quality(int i) { return i % 2 ? NULL : "ok"; }

static void source_name(const batch *b, char *out, size_t cap)
{
    snprintf(out, cap, "delivery_date=20221123/part-%d.parquet", b->seed);
}

static const kt_delta_field raw_fields[] = {
    { "run_uuid", KT_DELTA_STRING, false }, { "time", KT_DELTA_TIMESTAMP, false },
    { "robot_id", KT_DELTA_INTEGER, false }, { "field", KT_DELTA_STRING, false },
    { "value", KT_DELTA_DOUBLE, false }, { "source_file", KT_DELTA_STRING, false },
    { "quality", KT_DELTA_STRING, true },
};

/* Columns of batches bs[0..n) in table order (with run_uuid; quality if with_quality). */
static kt_status raw_columns(const batch *bs, size_t n, bool with_run, bool with_quality,
                             kt_column *cols, size_t *ncols)
{
    size_t k = 0;
    if (with_run) kt_column_init(&cols[k++], KT_BYTES);
    kt_column_init(&cols[k++], KT_INT64);
    kt_column_init(&cols[k++], KT_INT32);
    kt_column_init(&cols[k++], KT_BYTES);
    kt_column_init(&cols[k++], KT_DOUBLE);
    kt_column_init(&cols[k++], KT_BYTES);
    if (with_quality) kt_column_init(&cols[k++], KT_BYTES);
    *ncols = k;
    kt_status st = KT_OK;
    for (size_t j = 0; j < n; j++)
        for (int i = 0; st == KT_OK && i < bs[j].rows; i++) {
            char src[64];
            source_name(&bs[j], src, sizeof src);
            size_t c = 0;
            if (with_run) st |= kt_column_push_bytes(&cols[c++], bs[j].run, strlen(bs[j].run));
            st |= kt_column_push_i64(&cols[c++], row_time(&bs[j], i));
            st |= kt_column_push_i32(&cols[c++], row_robot(i));
            st |= kt_column_push_bytes(&cols[c++], axes[i % 6], strlen(axes[i % 6]));
            st |= kt_column_push_double(&cols[c++], row_value(&bs[j], i));
            st |= kt_column_push_bytes(&cols[c++], src, strlen(src));
            if (with_quality) {
                const char *q = row_quality(i);
                st |= q ? kt_column_push_bytes(&cols[c], q, strlen(q)) : kt_column_push_null(&cols[c]);
            }
        }
    return st == KT_OK ? KT_OK : KT_ERR_NOMEM;
}

static void free_columns(kt_column *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) kt_column_free(&cols[i]);
}

/* All columns, rows of several runs mixed: kt_delta_txn_write splits them. */
static kt_status write_mixed(kt_delta_txn *x, const batch *bs, size_t n, bool quality, kt_error *err)
{
    kt_column cols[8];
    size_t ncols;
    size_t rows = 0;
    for (size_t j = 0; j < n; j++) rows += (size_t)bs[j].rows;
    kt_status st = raw_columns(bs, n, true, quality, cols, &ncols);
    if (st == KT_OK) st = kt_delta_txn_write(x, cols, ncols, rows, err);
    else kt_fail(err, st, "building columns");
    free_columns(cols, ncols);
    return st;
}

/* One run's columns without run_uuid: kt_delta_txn_write_partition. */
static kt_status write_one(kt_delta_txn *x, const batch *b, bool quality, kt_error *err)
{
    kt_column cols[8];
    size_t ncols;
    kt_status st = raw_columns(b, 1, false, quality, cols, &ncols);
    const char *pv[1] = { b->run };
    if (st == KT_OK) st = kt_delta_txn_write_partition(x, pv, cols, ncols, (size_t)b->rows, err);
    else kt_fail(err, st, "building columns");
    free_columns(cols, ncols);
    return st;
}

/* The raw table's history and, per version, which batches are live. */
static const batch raw_batches[] = {
    { "7582293080991470000", 100, 1, false }, { "12405186538561671000", 50, 2, false },
    { "7582293080991470000", 30, 3, false },  { "7582293080991470000", 120, 4, false },
    { "42", 7, 5, true },
};
static const char live_at[6][6] = {   /* live_at[v][batch] */
    { 0 }, { 1, 1, 0, 0, 0 }, { 1, 1, 1, 0, 0 }, { 0, 1, 0, 1, 0 }, { 0, 1, 0, 1, 0 }, { 0, 1, 0, 1, 1 },
};

static kt_status commit_raw(kt_delta_table *t, int step, kt_error *err)
{
    kt_delta_txn *x;
    KT_TRY(kt_delta_txn_begin(t, NULL, &x, err));
    kt_status st = KT_OK;
    const char *replace[] = { runs[0] };
    kt_delta_field quality[] = { raw_fields[6] };
    switch (step) {
    case 1:
        st = write_mixed(x, &raw_batches[0], 2, false, err);
        if (st == KT_OK) st = kt_delta_txn_set_app_version(x, "kinetl-ingest", 1, err);
        break;
    case 2:
        st = write_one(x, &raw_batches[2], false, err);
        if (st == KT_OK) st = kt_delta_txn_set_app_version(x, "kinetl-ingest", 2, err);
        break;
    case 3:
        st = kt_delta_txn_replace_partitions(x, "run_uuid", replace, 1, err);
        if (st == KT_OK) st = write_one(x, &raw_batches[3], false, err);
        break;
    case 4: st = kt_delta_txn_add_columns(x, quality, 1, err); break;
    case 5: st = write_mixed(x, &raw_batches[4], 1, true, err); break;
    }
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    return st;
}

/* ---- run_stats --------------------------------------------------------- */

static const kt_delta_field stats_fields[] = {
    { "run_uuid", KT_DELTA_STRING, false }, { "start_time", KT_DELTA_TIMESTAMP, false },
    { "runtime_s", KT_DELTA_DOUBLE, false }, { "distance_1_mm", KT_DELTA_DOUBLE, true },
    { "rows", KT_DELTA_LONG, false }, { "complete", KT_DELTA_BOOLEAN, false },
};
/* version v (1 or 2) holds runs 0..v */
static void stats_row(int v, int r, int64_t *start, double *runtime, double *dist, int64_t *rows,
                      bool *complete)
{
    *start = BASE_US + r * 600000000LL + v;
    *runtime = 77.6 + r * 500.25 + v;
    *dist = r == 1 ? NAN : 1234.5 * (r + 1) + v;   /* NAN = null */
    *rows = 1000000LL * (r + 1) + v;
    *complete = r != 2;
}

static kt_status write_stats(kt_delta_txn *x, int v, kt_error *err)
{
    kt_column cols[6];
    kt_type types[6] = { KT_BYTES, KT_INT64, KT_DOUBLE, KT_DOUBLE, KT_INT64, KT_BOOL };
    for (int c = 0; c < 6; c++) kt_column_init(&cols[c], types[c]);
    kt_status st = KT_OK;
    for (int r = 0; r <= v; r++) {
        int64_t start, rows;
        double runtime, dist;
        bool complete;
        stats_row(v, r, &start, &runtime, &dist, &rows, &complete);
        st |= kt_column_push_bytes(&cols[0], runs[r], strlen(runs[r]));
        st |= kt_column_push_i64(&cols[1], start);
        st |= kt_column_push_double(&cols[2], runtime);
        st |= isnan(dist) ? kt_column_push_null(&cols[3]) : kt_column_push_double(&cols[3], dist);
        st |= kt_column_push_i64(&cols[4], rows);
        st |= kt_column_push_bool(&cols[5], complete);
    }
    st = st == KT_OK ? kt_delta_txn_write(x, cols, 6, (size_t)v + 1, err)
                     : kt_fail(err, KT_ERR_NOMEM, "stats columns");
    free_columns(cols, 6);
    return st;
}

/* ---- tags: partition values that need escaping -------------------------- */

static const kt_delta_field tag_fields[] = {
    { "tag", KT_DELTA_STRING, true }, { "n", KT_DELTA_LONG, false },
    { "note", KT_DELTA_STRING, true },
};
static const char *const tags[] = { "a/b:c d", "100%", "x=y", "\xc3\xa9t\xc3\xa9", NULL,
                                    "quote'\"", "#[]^{}*?\\", "__HIVE_DEFAULT_PARTITION__x" };
#define NTAGS 8
static bool tag_replaced(int i) { return i == 1 || i == 4; }   /* "100%" and null, in v2 */
static int64_t tag_n(int v, int i, int k) { return (v == 2 && tag_replaced(i) ? 1000 : 0) + i * 10 + k; }
static const char *tag_note(int k) { return k == 1 ? NULL : k ? "two" : "zero"; }

static kt_status write_tags(kt_delta_txn *x, int v, kt_error *err)
{
    kt_column cols[3];
    kt_column_init(&cols[0], KT_BYTES);
    kt_column_init(&cols[1], KT_INT64);
    kt_column_init(&cols[2], KT_BYTES);
    kt_status st = KT_OK;
    size_t rows = 0;
    for (int k = 0; k < 3; k++)          /* rows of all tags interleaved */
        for (int i = 0; i < NTAGS; i++) {
            if (v == 2 && !tag_replaced(i)) continue;
            const char *t = tags[i], *note = tag_note(k);
            st |= t ? kt_column_push_bytes(&cols[0], t, strlen(t)) : kt_column_push_null(&cols[0]);
            st |= kt_column_push_i64(&cols[1], tag_n(v, i, k));
            st |= note ? kt_column_push_bytes(&cols[2], note, strlen(note)) : kt_column_push_null(&cols[2]);
            rows++;
        }
    st = st == KT_OK ? kt_delta_txn_write(x, cols, 3, rows, err)
                     : kt_fail(err, KT_ERR_NOMEM, "tag columns");
    free_columns(cols, 3);
    return st;
}

static kt_status make_tags(kt_delta_table *t, kt_error *err)
{
    kt_status st = KT_OK;
    for (int v = 1; st == KT_OK && v <= 2; v++) {
        kt_delta_txn *x;
        const char *replace[] = { tags[1], tags[4] };
        st = kt_delta_txn_begin(t, NULL, &x, err);
        if (st == KT_OK && v == 2) st = kt_delta_txn_replace_partitions(x, "tag", replace, 2, err);
        if (st == KT_OK) st = write_tags(x, v, err);
        if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
        kt_delta_txn_free(x);
    }
    return st;
}

/* ---- expected rows ------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_expected_tags(const char *dir, int v)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/tags/%d.jsonl", dir, v);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int i = 0; v >= 1 && i < NTAGS; i++)
        for (int k = 0; k < 3; k++) {
            fprintf(f, "{\"tag\":");
            json_str(f, tags[i]);
            fprintf(f, ",\"n\":\"%lld\",\"note\":", (long long)tag_n(v, i, k));
            json_str(f, tag_note(k));
            fprintf(f, "}\n");
        }
    return fclose(f);
}

static int write_expected_raw(const char *dir, int v)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/raw/%d.jsonl", dir, v);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int j = 0; j < 5; j++) {
        const batch *b = &raw_batches[j];
        for (int i = 0; live_at[v][j] && i < b->rows; i++) {
            char src[64];
            source_name(b, src, sizeof src);
            fprintf(f, "{\"run_uuid\":");
            json_str(f, b->run);
            fprintf(f, ",\"time\":\"%lld\",\"robot_id\":%d,\"field\":\"%s\",\"value\":%.17g,"
                       "\"source_file\":", (long long)row_time(b, i), row_robot(i), axes[i % 6],
                    row_value(b, i));
            json_str(f, src);
            if (v >= 4) {
                const char *q = b->quality ? row_quality(i) : NULL;
                fprintf(f, ",\"quality\":");
                q ? json_str(f, q) : (void)fputs("null", f);
            }
            fprintf(f, "}\n");
        }
    }
    return fclose(f);
}

static int write_expected_stats(const char *dir, int v)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/run_stats/%d.jsonl", dir, v);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int r = 0; v >= 1 && r <= v; r++) {
        int64_t start, rows;
        double runtime, dist;
        bool complete;
        stats_row(v, r, &start, &runtime, &dist, &rows, &complete);
        fprintf(f, "{\"run_uuid\":\"%s\",\"start_time\":\"%lld\",\"runtime_s\":%.17g,"
                   "\"distance_1_mm\":", runs[r], (long long)start, runtime);
        if (isnan(dist)) fputs("null", f); else fprintf(f, "%.17g", dist);
        fprintf(f, ",\"rows\":\"%lld\",\"complete\":%s}\n", (long long)rows,
                complete ? "true" : "false");
    }
    return fclose(f);
}

static int write_expected(const char *dir)
{
    const char *tables[] = { "raw", "run_stats", "empty", "tags" };
    for (int i = 0; i < 4; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", dir, tables[i]);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) return -1;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
    }
    for (int v = 0; v <= 5; v++)
        if (write_expected_raw(dir, v) != 0) return -1;
    for (int v = 0; v <= 2; v++)
        if (write_expected_stats(dir, v) != 0 || write_expected_tags(dir, v) != 0) return -1;
    char p[1200];
    snprintf(p, sizeof p, "%s/empty/0.jsonl", dir);
    return fx_write_file(p, "");
}

/* ---- the lake ----------------------------------------------------------- */

static kt_status make_table(const char *lake, const char *name, const kt_delta_field *f, size_t n,
                            const char *const *part, size_t npart, kt_delta_table **t, kt_error *err)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", lake, name);
    kt_delta_options o = { .row_group_rows = 64 };   /* several row groups per file */
    KT_TRY(kt_delta_open(dir, &o, t, err));
    return kt_delta_create(*t, f, n, part, npart, NULL, err);
}

static kt_status make_lake(const char *lake, kt_error *err)
{
    if (mkdir(lake, 0777) != 0 && errno != EEXIST)
        return kt_fail_errno(err, KT_ERR_IO, errno, "mkdir %s", lake);
    kt_delta_table *t;
    const char *part[] = { "run_uuid" };
    KT_TRY(make_table(lake, "raw", raw_fields, 6, part, 1, &t, err));
    kt_status st = KT_OK;
    for (int step = 1; st == KT_OK && step <= 5; step++) st = commit_raw(t, step, err);
    kt_delta_close(t);
    if (st != KT_OK) return st;
    KT_TRY(make_table(lake, "run_stats", stats_fields, 6, NULL, 0, &t, err));
    for (int v = 1; st == KT_OK && v <= 2; v++) {
        kt_delta_txn *x;
        st = kt_delta_txn_begin(t, NULL, &x, err);
        if (st == KT_OK && v == 2) st = kt_delta_txn_replace_all(x, err);
        if (st == KT_OK) st = write_stats(x, v, err);
        if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
        kt_delta_txn_free(x);
    }
    kt_delta_close(t);
    if (st != KT_OK) return st;
    const char *tag_part[] = { "tag" };
    KT_TRY(make_table(lake, "tags", tag_fields, 3, tag_part, 1, &t, err));
    st = make_tags(t, err);
    kt_delta_close(t);
    if (st != KT_OK) return st;
    KT_TRY(make_table(lake, "empty", raw_fields, 6, part, 1, &t, err));
    kt_delta_close(t);
    return KT_OK;
}

static int list_files(const char *dir, int64_t version)
{
    kt_error err = { 0 };
    kt_delta_table *t;
    kt_delta_snapshot *s;
    if (kt_delta_open(dir, NULL, &t, &err) || kt_delta_snapshot_load(t, version, &s, &err)) {
        fprintf(stderr, "test_delta_lake: %s\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        json_t *pv = json_object();
        for (size_t c = 0; c < kt_delta_snapshot_num_partition_columns(s); c++)
            json_object_set_new(pv, kt_delta_snapshot_partition_column(s, c),
                                f->partition_values[c] ? json_string(f->partition_values[c])
                                                       : json_null());
        json_t *o = json_pack("{s:s, s:s, s:o, s:I, s:I}", "path", f->path, "log_path",
                              f->log_path, "partitionValues", pv, "size", (json_int_t)f->size,
                              "numRecords", (json_int_t)f->num_records);
        char *text = json_dumps(o, JSON_COMPACT);
        puts(text);
        free(text);
        json_decref(o);
    }
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return 0;
}

TEST(sample_lake_has_the_expected_state)
{
    kt_error err = { 0 };
    char *lake = fx_tempdir("lake");
    CHECK_OK(make_lake(lake, &err), &err);
    kt_delta_table *t;
    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_open_in_lake(lake, "raw", NULL, &t, &err), &err);
    for (int v = 1; v <= 5; v++) {
        CHECK_OK(kt_delta_snapshot_load(t, v, &s, &err), &err);
        int64_t want = 0;
        size_t runs_live = 0;
        for (int j = 0; j < 5; j++) want += live_at[v][j] ? raw_batches[j].rows : 0;
        for (int j = 0; j < 5; j++) runs_live += live_at[v][j];
        CHECK_EQ_INT(kt_delta_snapshot_num_records(s), want);
        CHECK_EQ_INT(kt_delta_snapshot_num_files(s), runs_live);   /* a file per batch */
        kt_delta_snapshot_free(s);
    }
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    int64_t v;
    CHECK(kt_delta_snapshot_app_version(s, "kinetl-ingest", &v) && v == 2);
    CHECK_EQ_INT(kt_delta_snapshot_num_fields(s), 7);
    const kt_delta_file *f = kt_delta_snapshot_file(s, 0);
    CHECK(f->stats && strstr(f->stats, "\"minValues\":{\"time\":\"2022-11-23T"));
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    char **names;
    size_t n;
    CHECK_OK(kt_delta_list_tables(lake, &names, &n, &err), &err);
    CHECK_EQ_INT(n, 4);
    kt_delta_free_names(names, n);
    CHECK_OK(kt_delta_open_in_lake(lake, "tags", NULL, &t, &err), &err);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), NTAGS);
    CHECK_EQ_INT(kt_delta_snapshot_num_records(s), NTAGS * 3);
    CHECK_EQ_INT(kt_delta_snapshot_num_tombstones(s), 2);
    bool saw_null = false, saw_escaped = false;
    for (size_t i = 0; i < NTAGS; i++) {
        f = kt_delta_snapshot_file(s, i);
        saw_null |= f->partition_values[0] == NULL &&
                    !strncmp(f->path, "tag=__HIVE_DEFAULT_PARTITION__/", 31);
        saw_escaped |= f->partition_values[0] && !strcmp(f->partition_values[0], "a/b:c d") &&
                       !strncmp(f->path, "tag=a%2Fb%3Ac d/", 16) &&
                       !strncmp(f->log_path, "tag=a%252Fb%253Ac%20d/", 22);
    }
    CHECK(saw_null && saw_escaped);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    fx_rmrf(lake);
    free(lake);
}

TEST(write_validates_columns)
{
    kt_error err = { 0 };
    char *lake = fx_tempdir("lakev");
    kt_delta_table *t;
    const char *part[] = { "run_uuid" };
    CHECK_OK(make_table(lake, "raw", raw_fields, 6, part, 1, &t, &err), &err);
    kt_delta_txn *x;
    CHECK_OK(kt_delta_txn_begin(t, NULL, &x, &err), &err);
    kt_column cols[8];
    size_t ncols;
    batch b = { "1", 3, 9, false };
    CHECK_OK(raw_columns(&b, 1, true, false, cols, &ncols), NULL);
    CHECK_EQ_INT(kt_delta_txn_write(x, cols, ncols - 1, 3, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_delta_txn_write(x, cols, ncols, 4, &err), KT_ERR_USAGE);    /* too few values */
    kt_column_set_null(&cols[4], 1);                                             /* value is required */
    CHECK_EQ_INT(kt_delta_txn_write(x, cols, ncols, 3, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "'value' is not nullable but row 1 is null"));
    const char *pv[1] = { "1" };
    CHECK_EQ_INT(kt_delta_txn_write_partition(x, pv, cols, ncols, 3, &err), KT_ERR_USAGE);
    free_columns(cols, ncols);
    CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);   /* nothing staged: an empty commit */
    kt_delta_txn_free(x);
    kt_delta_close(t);
    fx_rmrf(lake);
    free(lake);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--make-lake") == 0) {
        kt_error err = { 0 };
        if (make_lake(argv[2], &err) != KT_OK) {
            fprintf(stderr, "test_delta_lake: %s\n", err.msg);
            return 1;
        }
        return argc >= 4 && write_expected(argv[3]) != 0 ? 1 : 0;
    }
    if (argc == 4 && strcmp(argv[1], "--files") == 0) return list_files(argv[2], atoll(argv[3]));
    kt_test_ctx ctx_ = { .suite = "delta_lake" }, *ctx = &ctx_;
    RUN(ctx, sample_lake_has_the_expected_state);
    RUN(ctx, write_validates_columns);
    return ctx->total_failed ? 1 : 0;
}
