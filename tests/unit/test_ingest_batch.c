/* tests/unit/test_ingest_batch.c — ingest of real Parquet files into real
 * Delta tables: counts against what the test injected, marks, skipping,
 * failing files, per-file rollback with spills, a crash between the two
 * commits, changed limits, concurrent ingests, copies, and the exact real
 * source schema round-tripping through raw. Source files are written with
 * the Parquet writer; results are read back with the reader and the Delta
 * snapshot. */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "delta_fixture.h"
#include "core/hash.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"
#include "lake/delta/delta.h"
#include "pipeline/ingest.h"
#include "pipeline/ingest_discover.h"
#include "pipeline/ingest_tables.h"

#define RUN_A 7.58229308099147e18
#define RUN_B 1.2405186538561671e19
#define RUN_A_ID "7582293080991470000"
#define RUN_B_ID "12405186538561671000"

/* ---- scratch directories ------------------------------------------------ */

static char *tempdir(const char *tag)
{
    char tmpl[256];
    const char *base = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/kt-ingest-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static void rmrf(char *dir)
{
    if (dir && strncmp(dir, "/tmp/", 5) == 0) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    free(dir);
}

/* ---- source files --------------------------------------------------------- */

/* What a generated file holds, counted while generating (the oracle). */
typedef struct expect {
    int64_t rows, accepted, quarantined, duplicates;
    int64_t accepted_a, accepted_b;
    double value_sum; /* of accepted rows */
} expect;

static const kt_pq_field SOURCE[6] = {
    { "time", KT_PQ_W_STRING, true },     { "value", KT_PQ_W_DOUBLE, true },
    { "field", KT_PQ_W_STRING, true },    { "robot_id", KT_PQ_W_INT64, true },
    { "run_uuid", KT_PQ_W_DOUBLE, true }, { "sensor_type", KT_PQ_W_STRING, true },
};

static void format_ms(int64_t ms, char *out)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    int n = (int)strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    int frac = (int)(ms % 1000);
    if (frac) {
        n += snprintf(out + n, 40 - (size_t)n, ".%03d", frac);
        while (out[n - 1] == '0') n--; /* the real source trims trailing zeros */
    }
    out[n++] = 'Z';
    out[n] = 0;
}

/*
 * n readings starting at t0_ms + seed * 1e6 (files never share readings
 * unless asked): every 50th row is quarantined (a rotating defect), every
 * 40th accepted row is followed by an exact copy. Rows per row group: rg.
 */
static int write_source(const char *path, int n, int seed, size_t rg, expect *e)
{
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = KT_PQ_CODEC_SNAPPY;
    o.row_group_rows = rg;
    o.no_fsync = true;
    kt_pq_writer *w;
    kt_error err;
    if (kt_pq_writer_open(path, SOURCE, 6, &o, &w, &err) != KT_OK) return -1;
    kt_column c[6];
    kt_type types[6] = { KT_BYTES, KT_DOUBLE, KT_BYTES, KT_INT64, KT_DOUBLE, KT_BYTES };
    for (int k = 0; k < 6; k++) kt_column_init(&c[k], types[k]);
    static const char *fields[6] = { "x", "y", "z", "fx", "fy", "fz" };
    memset(e, 0, sizeof *e);
    int64_t t0 = 1669236000000LL + (int64_t)seed * 1000000;
    int accepted_since_copy = 0;
    for (int i = 0; i < n; i++) {
        char t[48];
        format_ms(t0 + i, t);
        int f = i % 6;
        double v = f < 3 ? 500.0 + i % 1000 : -100.0 - i % 700;
        bool run_b = (i / 7) % 3 == 0;
        const char *sensor = f < 3 ? "encoder" : "load_cell";
        const char *field = fields[f];
        int64_t robot = 1 + (i / 6) % 2;
        bool null_time = false, null_value = false;
        bool bad = i % 50 == 49;
        if (bad) {
            switch ((i / 50) % 5) {
            case 0: null_time = true; break;
            case 1: null_value = true; break;
            case 2: v = f < 3 ? 20000.0 : -60000.0; break;
            case 3: robot = 3; break;
            default: field = "w"; break;
            }
        }
        for (int copy = 0; copy < 2; copy++) {
            if (null_time) kt_column_push_null(&c[0]);
            else kt_column_push_bytes(&c[0], t, strlen(t));
            if (null_value) kt_column_push_null(&c[1]);
            else kt_column_push_double(&c[1], v);
            kt_column_push_bytes(&c[2], field, strlen(field));
            kt_column_push_i64(&c[3], robot);
            kt_column_push_double(&c[4], run_b ? RUN_B : RUN_A);
            kt_column_push_bytes(&c[5], sensor, strlen(sensor));
            e->rows++;
            if (bad) {
                e->quarantined++;
                break;
            }
            if (copy == 1) {
                e->duplicates++;
                break;
            }
            e->accepted++;
            e->value_sum += v;
            if (run_b) e->accepted_b++;
            else e->accepted_a++;
            if (++accepted_since_copy < 40) break;
            accepted_since_copy = 0; /* and write the same row again */
        }
    }
    kt_status st = kt_pq_writer_write(w, c, c[0].len, &err);
    if (st == KT_OK) st = kt_pq_writer_close(w, &err);
    kt_pq_writer_free(w);
    for (int k = 0; k < 6; k++) kt_column_free(&c[k]);
    if (st != KT_OK) fprintf(stderr, "write_source: %s\n", err.msg);
    return st == KT_OK ? 0 : -1;
}

typedef struct source_set {
    char *dir;
    int n;
    char paths[16][512];
    char names[16][64];
    kt_ingest_source files[16];
    expect e[16];
} source_set;

static void identify(source_set *s, int i)
{
    uint64_t size;
    kt_ingest_source *f = &s->files[i];
    f->path = s->paths[i];
    f->source_file = s->names[i];
    if (kt_hash_file(s->paths[i], &f->hash, &size, NULL) != KT_OK) size = 0;
    f->size = (int64_t)size;
}

/* Adds a generated file; returns its index. */
static int add_source(source_set *s, int rows, int seed, size_t rg)
{
    int i = s->n++;
    char name[64];
    snprintf(name, sizeof name, "day=%d/part-%d.parquet", seed % 3, i);
    memcpy(s->names[i], name, sizeof name);
    snprintf(s->paths[i], sizeof s->paths[i], "%s/%s", s->dir, name);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/day=%d", s->dir, seed % 3);
    mkdir(sub, 0755);
    if (write_source(s->paths[i], rows, seed, rg, &s->e[i]) != 0) return -1;
    identify(s, i);
    return i;
}

/* Adds a file with the given bytes. */
static int add_bytes(source_set *s, const char *name, const void *data, size_t len)
{
    int i = s->n++;
    snprintf(s->names[i], sizeof s->names[i], "%s", name);
    snprintf(s->paths[i], sizeof s->paths[i], "%s/%s", s->dir, name);
    FILE *f = fopen(s->paths[i], "wb");
    if (!f) return -1;
    fwrite(data, 1, len, f);
    fclose(f);
    identify(s, i);
    return i;
}

static kt_ingest_options test_options(void)
{
    kt_ingest_options o;
    kt_ingest_options_default(&o);
    o.no_fsync = true;
    o.now_us = 1700000000000000LL;
    return o;
}

/* ---- reading the tables back ---------------------------------------------- */

typedef struct table_facts {
    int64_t records, files, version;
    bool has_mark;
    int64_t mark;
} table_facts;

static table_facts facts(const char *lake, const char *table, const kt_ingest_source *f)
{
    table_facts t = { -1, -1, -1, false, -1 };
    kt_delta_table *d;
    kt_delta_snapshot *s;
    if (kt_delta_open_in_lake(lake, table, NULL, &d, NULL) != KT_OK) return t;
    if (kt_delta_snapshot_load(d, -1, &s, NULL) == KT_OK) {
        t.records = kt_delta_snapshot_num_records(s);
        t.files = (int64_t)kt_delta_snapshot_num_files(s);
        t.version = kt_delta_snapshot_version(s);
        if (f) {
            char mark[KT_INGEST_MARK_MAX];
            kt_ingest_mark(f->hash, f->size, mark);
            t.has_mark = kt_delta_snapshot_app_version(s, mark, &t.mark);
        }
        kt_delta_snapshot_free(s);
    }
    kt_delta_close(d);
    return t;
}

/* Parquet files under a table dir that the latest snapshot does not reference. */
static int orphans(const char *lake, const char *table)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "find '%s/%s' -name '*.parquet' | wc -l", lake, table);
    FILE *p = popen(cmd, "r");
    int on_disk = -1;
    if (p && fscanf(p, "%d", &on_disk) != 1) on_disk = -1;
    if (p) pclose(p);
    table_facts t = facts(lake, table, NULL);
    return on_disk - (int)t.files;
}

/* Sum of value and count of rows of raw's data files for one run partition. */
static void raw_partition(const char *lake, const char *run, int64_t *rows, double *sum, bool *typed_ok)
{
    *rows = 0;
    *sum = 0;
    *typed_ok = true;
    kt_delta_table *d;
    kt_delta_snapshot *s;
    if (kt_delta_open_in_lake(lake, "raw", NULL, &d, NULL) != KT_OK) return;
    if (kt_delta_snapshot_load(d, -1, &s, NULL) != KT_OK) {
        kt_delta_close(d);
        return;
    }
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        if (!f->partition_values[0] || strcmp(f->partition_values[0], run) != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", kt_delta_dir(d), f->path);
        kt_pq_reader *r;
        if (kt_pq_open(path, &r, NULL) != KT_OK) {
            *typed_ok = false;
            continue;
        }
        int cols[6] = { kt_pq_find_column(r, "time"), kt_pq_find_column(r, "value"),
                        kt_pq_find_column(r, "field"), kt_pq_find_column(r, "robot_id"),
                        kt_pq_find_column(r, "sensor_type"), kt_pq_find_column(r, "source_file") };
        kt_column out[6];
        for (int k = 0; k < 6; k++) kt_column_init(&out[k], KT_BYTES);
        for (int g = 0; g < kt_pq_num_row_groups(r); g++) {
            if (kt_pq_read_row_group(r, g, cols, 6, out, NULL) != KT_OK) {
                *typed_ok = false;
                break;
            }
            *typed_ok &= out[0].type == KT_INT64 && out[1].type == KT_DOUBLE && out[2].type == KT_BYTES &&
                         out[3].type == KT_INT32 && out[4].type == KT_BYTES && out[5].type == KT_BYTES;
            for (size_t k = 0; *typed_ok && k < out[1].len; k++) {
                *sum += KT_COL_DOUBLE(&out[1])[k];
                /* each reading's sensor is its field's, and it names the file it came from */
                size_t fl, sl, nl;
                const char *field = kt_column_bytes_at(&out[2], k, &fl);
                const char *sensor = kt_column_bytes_at(&out[4], k, &sl);
                const char *name = kt_column_bytes_at(&out[5], k, &nl);
                bool force = fl == 2 && field[0] == 'f' && strchr("xyz", field[1]);
                bool pos = fl == 1 && strchr("xyz", field[0]);
                const char *want = force ? "load_cell" : "encoder";
                *typed_ok &= (force || pos) && sl == strlen(want) && memcmp(sensor, want, sl) == 0 && nl > 8 &&
                             memcmp(name + nl - 8, ".parquet", 8) == 0;
            }
            *rows += (int64_t)out[1].len;
        }
        for (int k = 0; k < 6; k++) kt_column_free(&out[k]);
        kt_pq_close(r);
    }
    kt_delta_snapshot_free(s);
    kt_delta_close(d);
}

/* ---- tests ------------------------------------------------------------------ */

TEST(batch_ingests_counts_and_marks)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    for (int i = 0; i < 3; i++) CHECK(add_source(&s, 3000 + 700 * i, i, 1000) == i);
    kt_ingest_options o = test_options();
    kt_ingest_result res[3];
    kt_ingest_summary sum;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 3, res, &sum, &err), &err);
    int64_t acc = 0, q = 0, a_rows = 0, b_rows = 0;
    double vsum = 0;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(res[i].outcome, KT_INGEST_INGESTED);
        CHECK_EQ_INT(res[i].stats.counts.rows, s.e[i].rows);
        CHECK_EQ_INT(res[i].stats.counts.accepted, s.e[i].accepted);
        CHECK_EQ_INT(res[i].stats.counts.quarantined, s.e[i].quarantined);
        CHECK_EQ_INT(res[i].stats.counts.duplicates, s.e[i].duplicates);
        CHECK(s.e[i].duplicates > 0 && s.e[i].quarantined > 0);
        CHECK_EQ_INT(res[i].raw_version, sum.raw_version);
        table_facts r = facts(lake, "raw", &s.files[i]), qt = facts(lake, "quarantine", &s.files[i]);
        CHECK(r.has_mark && qt.has_mark);
        CHECK_EQ_INT(r.mark, s.e[i].accepted);
        CHECK_EQ_INT(qt.mark, s.e[i].quarantined);
        acc += s.e[i].accepted, q += s.e[i].quarantined;
        a_rows += s.e[i].accepted_a, b_rows += s.e[i].accepted_b;
        vsum += s.e[i].value_sum;
    }
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, acc);
    CHECK_EQ_INT(facts(lake, "quarantine", NULL).records, q);
    CHECK_EQ_INT(sum.nruns, 2);
    CHECK_EQ_STR(sum.runs[0], RUN_B_ID); /* sorted as text */
    CHECK_EQ_STR(sum.runs[1], RUN_A_ID);
    int64_t rows_a, rows_b;
    double sum_a, sum_b;
    bool typed_a, typed_b;
    raw_partition(lake, RUN_A_ID, &rows_a, &sum_a, &typed_a);
    raw_partition(lake, RUN_B_ID, &rows_b, &sum_b, &typed_b);
    CHECK(typed_a && typed_b);
    CHECK_EQ_INT(rows_a, a_rows);
    CHECK_EQ_INT(rows_b, b_rows);
    CHECK_NEAR(sum_a + sum_b, vsum, 1e-6 * fabs(vsum));
    kt_ingest_summary_free(&sum);

    /* a second batch finds every mark and commits nothing */
    int64_t v_raw = facts(lake, "raw", NULL).version, v_q = facts(lake, "quarantine", NULL).version;
    for (int i = 0; i < 3; i++) s.files[i].count_if_already = true;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 3, res, &sum, &err), &err);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(res[i].outcome, KT_INGEST_ALREADY);
        CHECK_EQ_INT(res[i].stats.counts.accepted, s.e[i].accepted);
        CHECK_EQ_INT(res[i].stats.counts.quarantined, s.e[i].quarantined);
        CHECK_EQ_INT(res[i].stats.counts.duplicates, s.e[i].duplicates);
    }
    CHECK_EQ_INT(sum.raw_version, -1);
    CHECK_EQ_INT(facts(lake, "raw", NULL).version, v_raw);
    CHECK_EQ_INT(facts(lake, "quarantine", NULL).version, v_q);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(unreadable_files_fail_alone_with_their_error)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    CHECK(add_source(&s, 2000, 1, 500) == 0);
    size_t len;
    char *bytes = fx_read_file_len(s.paths[0], &len);
    CHECK(bytes != NULL);
    CHECK(add_bytes(&s, "truncated.parquet", bytes, len / 2) == 1);
    CHECK(add_bytes(&s, "text.parquet", "time,value\n1,2\n", 15) == 2);
    CHECK(add_bytes(&s, "empty.parquet", "", 0) == 3);
    free(bytes);
    /* a Parquet file without run_uuid */
    s.paths[4][0] = 0;
    {
        int i = s.n++;
        snprintf(s.names[i], sizeof s.names[i], "no_run.parquet");
        snprintf(s.paths[i], sizeof s.paths[i], "%s/no_run.parquet", s.dir);
        kt_pq_field f[2] = { { "time", KT_PQ_W_STRING, false }, { "value", KT_PQ_W_DOUBLE, false } };
        kt_pq_write_options o;
        kt_pq_write_options_default(&o);
        o.no_fsync = true;
        kt_pq_writer *w;
        kt_column c[2];
        kt_column_init(&c[0], KT_BYTES);
        kt_column_init(&c[1], KT_DOUBLE);
        kt_column_push_bytes(&c[0], "2022-11-23T20:40:00Z", 20);
        kt_column_push_double(&c[1], 1);
        CHECK(kt_pq_writer_open(s.paths[i], f, 2, &o, &w, NULL) == KT_OK);
        CHECK(kt_pq_writer_write(w, c, 1, NULL) == KT_OK && kt_pq_writer_close(w, NULL) == KT_OK);
        kt_pq_writer_free(w);
        kt_column_free(&c[0]);
        kt_column_free(&c[1]);
        identify(&s, i);
    }
    strcpy(s.paths[5], "/nonexistent/gone.parquet");
    s.names[5][0] = 0;
    strcpy(s.names[5], "gone.parquet");
    s.files[5] = (kt_ingest_source){ .path = s.paths[5], .source_file = s.names[5], .hash = 42, .size = 7 };
    s.n = 6;
    kt_ingest_options o = test_options();
    kt_ingest_result res[6];
    kt_ingest_summary sum;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 6, res, &sum, &err), &err);
    CHECK_EQ_INT(res[0].outcome, KT_INGEST_INGESTED);
    const char *expect_in_error[6] = { NULL, "truncated.parquet", "text.parquet", "empty.parquet",
                                       "no column named field, robot_id, run_uuid, sensor_type", "gone.parquet" };
    for (int i = 1; i < 6; i++) {
        CHECK_MSG(res[i].outcome == KT_INGEST_FAILED, "file %d: %s", i, kt_ingest_outcome_name(res[i].outcome));
        CHECK_MSG(strstr(res[i].error, expect_in_error[i]) != NULL, "file %d: %s", i, res[i].error);
        CHECK_MSG(!strchr(res[i].error, '\n'), "multi-line error: %s", res[i].error);
        CHECK(!facts(lake, "raw", &s.files[i]).has_mark && !facts(lake, "quarantine", &s.files[i]).has_mark);
    }
    CHECK_EQ_INT(sum.failed, 5);
    CHECK_EQ_INT(sum.ingested, 1);
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, s.e[0].accepted);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

/* Overwrites the page header of row group `g`'s first column chunk with garbage. */
static int corrupt_row_group(const char *path, int g)
{
    kt_pq_reader *r;
    if (kt_pq_open(path, &r, NULL) != KT_OK) return -1;
    const kt_pq_file_meta *m = kt_pq_file_metadata(r);
    int64_t off = g < m->num_row_groups ? m->row_groups[g].columns[1].meta_data.data_page_offset : -1;
    kt_pq_close(r);
    if (off < 0) return -1;
    int fd = open(path, O_WRONLY);
    unsigned char junk[48];
    memset(junk, 0xF7, sizeof junk);
    int ok = fd >= 0 && pwrite(fd, junk, sizeof junk, off) == (ssize_t)sizeof junk;
    if (fd >= 0) close(fd);
    return ok ? 0 : -1;
}

TEST(a_file_failing_mid_way_leaves_nothing_even_after_spills)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    CHECK(add_source(&s, 4000, 1, 1000) == 0);
    CHECK(add_source(&s, 20000, 2, 1000) == 1);
    CHECK(add_source(&s, 3000, 3, 1000) == 2);
    CHECK(corrupt_row_group(s.paths[1], 15) == 0); /* after ~15000 rows: spilled by then */
    identify(&s, 1);
    kt_ingest_options o = test_options();
    o.memory_limit = 64 << 10;
    kt_ingest_result res[3];
    kt_ingest_summary sum;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 3, res, &sum, &err), &err);
    CHECK_EQ_INT(res[0].outcome, KT_INGEST_INGESTED);
    CHECK_EQ_INT(res[1].outcome, KT_INGEST_FAILED);
    CHECK_MSG(strstr(res[1].error, "part-1.parquet") != NULL, "%s", res[1].error);
    CHECK_EQ_INT(res[2].outcome, KT_INGEST_INGESTED);
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, s.e[0].accepted + s.e[2].accepted);
    CHECK_EQ_INT(facts(lake, "quarantine", NULL).records, s.e[0].quarantined + s.e[2].quarantined);
    CHECK(sum.raw_files > 2); /* the small memory limit forced several data files */
    CHECK_EQ_INT(orphans(lake, "raw"), 0);
    CHECK_EQ_INT(orphans(lake, "quarantine"), 0);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(tiny_memory_limit_gives_the_same_rows)
{
    source_set s = { .dir = tempdir("src") };
    char *lake1 = tempdir("lake"), *lake2 = tempdir("lake");
    for (int i = 0; i < 4; i++) CHECK(add_source(&s, 5000, i, 700) == i);
    kt_ingest_options o = test_options();
    kt_ingest_result res[4];
    kt_ingest_summary sum1, sum2;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake1, &o, s.files, 4, res, &sum1, &err), &err);
    o.memory_limit = 16 << 10;
    CHECK_OK(kt_ingest_batch(lake2, &o, s.files, 4, res, &sum2, &err), &err);
    CHECK(sum2.raw_files > sum1.raw_files);
    CHECK_EQ_INT(facts(lake1, "raw", NULL).records, facts(lake2, "raw", NULL).records);
    CHECK_EQ_INT(facts(lake1, "quarantine", NULL).records, facts(lake2, "quarantine", NULL).records);
    for (int run = 0; run < 2; run++) {
        int64_t r1, r2;
        double s1, s2;
        bool t1, t2;
        raw_partition(lake1, run ? RUN_B_ID : RUN_A_ID, &r1, &s1, &t1);
        raw_partition(lake2, run ? RUN_B_ID : RUN_A_ID, &r2, &s2, &t2);
        CHECK(t1 && t2 && r1 == r2 && s1 == s2);
    }
    kt_ingest_summary_free(&sum1);
    kt_ingest_summary_free(&sum2);
    rmrf(lake1);
    rmrf(lake2);
    rmrf(s.dir);
}

TEST(parallel_readers_give_the_same_tables)
{
    source_set s = { .dir = tempdir("src") };
    char *lake1 = tempdir("lake"), *lake3 = tempdir("lake");
    for (int i = 0; i < 7; i++) CHECK(add_source(&s, 3000 + 500 * i, i, 700) == i);
    CHECK(corrupt_row_group(s.paths[4], 3) == 0); /* fails half-way, in whichever thread reads it */
    identify(&s, 4);
    kt_ingest_options o = test_options();
    o.memory_limit = 24 << 10; /* flushes and spills in every thread */
    kt_ingest_result r1[7], r3[7];
    kt_ingest_summary sum1, sum3;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake1, &o, s.files, 7, r1, &sum1, &err), &err);
    o.threads = 3;
    CHECK_OK(kt_ingest_batch(lake3, &o, s.files, 7, r3, &sum3, &err), &err);
    for (int i = 0; i < 7; i++) {
        CHECK_EQ_INT(r3[i].outcome, r1[i].outcome);
        CHECK_EQ_INT(r3[i].stats.counts.accepted, r1[i].stats.counts.accepted);
        CHECK_EQ_INT(r3[i].stats.counts.quarantined, r1[i].stats.counts.quarantined);
        CHECK_EQ_INT(r3[i].stats.counts.duplicates, r1[i].stats.counts.duplicates);
        if (i != 4) CHECK_EQ_INT(facts(lake3, "raw", &s.files[i]).mark, s.e[i].accepted);
    }
    CHECK_EQ_INT(r3[4].outcome, KT_INGEST_FAILED);
    CHECK_EQ_INT(sum3.ingested, 6);
    CHECK_EQ_INT(sum3.nruns, 2);
    CHECK_EQ_INT(facts(lake3, "raw", NULL).records, facts(lake1, "raw", NULL).records);
    CHECK_EQ_INT(facts(lake3, "quarantine", NULL).records, facts(lake1, "quarantine", NULL).records);
    CHECK_EQ_INT(facts(lake3, "raw", NULL).version, 1); /* still one commit per table */
    CHECK_EQ_INT(orphans(lake3, "raw"), 0);
    CHECK_EQ_INT(orphans(lake3, "quarantine"), 0);
    for (int run = 0; run < 2; run++) {
        int64_t n1, n3;
        double v1, v3;
        bool t1, t3;
        raw_partition(lake1, run ? RUN_B_ID : RUN_A_ID, &n1, &v1, &t1);
        raw_partition(lake3, run ? RUN_B_ID : RUN_A_ID, &n3, &v3, &t3);
        CHECK(t1 && t3 && n1 == n3);
        CHECK_NEAR(v1, v3, 1e-9 * fabs(v1));
    }
    kt_ingest_summary_free(&sum1);
    kt_ingest_summary_free(&sum3);
    rmrf(lake1);
    rmrf(lake3);
    rmrf(s.dir);
}

static void exit_after_quarantine(void *ctx, const char *table, int64_t version)
{
    (void)ctx;
    (void)version;
    if (!strcmp(table, "quarantine")) _exit(0);
}

/* Runs a batch in a child that dies right after the quarantine commit. */
static int crash_between_commits(const char *lake, const source_set *s)
{
    pid_t pid = fork();
    if (pid == 0) {
        kt_ingest_options o = test_options();
        o.on_commit = exit_after_quarantine;
        kt_ingest_result res[16];
        kt_ingest_summary sum;
        kt_ingest_batch(lake, &o, s->files, (size_t)s->n, res, &sum, NULL);
        _exit(3); /* the hook did not fire */
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(crash_between_the_two_commits_is_completed_once)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    for (int i = 0; i < 2; i++) CHECK(add_source(&s, 3000, i, 1000) == i);
    CHECK_EQ_INT(crash_between_commits(lake, &s), 0);
    CHECK(facts(lake, "quarantine", &s.files[0]).has_mark);
    CHECK(!facts(lake, "raw", &s.files[0]).has_mark);
    int64_t q_records = facts(lake, "quarantine", NULL).records;
    CHECK_EQ_INT(q_records, s.e[0].quarantined + s.e[1].quarantined);
    kt_ingest_options o = test_options();
    kt_ingest_result res[2];
    kt_ingest_summary sum;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 2, res, &sum, &err), &err);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(res[i].outcome, KT_INGEST_INGESTED);
        CHECK(res[i].completed);
        CHECK_EQ_INT(res[i].stats.counts.accepted, s.e[i].accepted);
        CHECK_EQ_INT(facts(lake, "raw", &s.files[i]).mark, s.e[i].accepted);
    }
    CHECK_EQ_INT(sum.quarantine_version, -1); /* nothing new for quarantine */
    CHECK_EQ_INT(facts(lake, "quarantine", NULL).records, q_records);
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, s.e[0].accepted + s.e[1].accepted);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(changed_limits_cannot_complete_a_half_ingested_file)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    CHECK(add_source(&s, 3000, 0, 1000) == 0);
    CHECK_EQ_INT(crash_between_commits(lake, &s), 0);
    kt_ingest_options o = test_options();
    kt_error err;
    CHECK_OK(kt_ingest_config_set(&o.config, "position_limit", "900", &err), &err); /* rejects more */
    kt_ingest_result res[1];
    kt_ingest_summary sum;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 1, res, &sum, &err), &err);
    CHECK_EQ_INT(res[0].outcome, KT_INGEST_FAILED);
    CHECK_MSG(strstr(res[0].error, "limits changed") != NULL, "%s", res[0].error);
    CHECK(!facts(lake, "raw", &s.files[0]).has_mark);
    kt_ingest_summary_free(&sum);
    /* with the original limits it completes */
    o = test_options();
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 1, res, &sum, &err), &err);
    CHECK_EQ_INT(res[0].outcome, KT_INGEST_INGESTED);
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, s.e[0].accepted);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(concurrent_ingests_of_the_same_files_commit_each_once)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    for (int i = 0; i < 3; i++) CHECK(add_source(&s, 4000, i, 1000) == i);
    /* create the tables first so both processes race on commits, not on creation */
    kt_ingest_tables t;
    kt_delta_options dopts = { .no_fsync = true };
    CHECK_OK(kt_ingest_open_tables(lake, &dopts, &t, NULL), NULL);
    kt_ingest_close_tables(&t);
    enum { PROCS = 3 };
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        if (pids[p] == 0) {
            kt_ingest_options o = test_options();
            o.max_attempts = 20;
            kt_ingest_result res[3];
            kt_ingest_summary sum;
            kt_error err;
            kt_status st = kt_ingest_batch(lake, &o, s.files, 3, res, &sum, &err);
            if (st != KT_OK) fprintf(stderr, "child: %s\n", err.msg);
            _exit(st == KT_OK ? 0 : 1);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int status;
        waitpid(pids[p], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    int64_t acc = 0, q = 0;
    for (int i = 0; i < 3; i++) {
        acc += s.e[i].accepted, q += s.e[i].quarantined;
        CHECK_EQ_INT(facts(lake, "raw", &s.files[i]).mark, s.e[i].accepted);
    }
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, acc);
    CHECK_EQ_INT(facts(lake, "quarantine", NULL).records, q);
    CHECK_EQ_INT(orphans(lake, "raw"), 0);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(the_same_content_under_two_paths_is_ingested_once)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    CHECK(add_source(&s, 2000, 0, 1000) == 0);
    size_t len;
    char *bytes = fx_read_file_len(s.paths[0], &len);
    CHECK(add_bytes(&s, "copy.parquet", bytes, len) == 1);
    free(bytes);
    CHECK(s.files[0].hash == s.files[1].hash);
    kt_ingest_options o = test_options();
    kt_ingest_result res[2];
    kt_ingest_summary sum;
    kt_error err;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 2, res, &sum, &err), &err);
    CHECK_EQ_INT(res[0].outcome, KT_INGEST_INGESTED);
    CHECK_EQ_INT(res[1].outcome, KT_INGEST_ALREADY);
    CHECK_EQ_INT(facts(lake, "raw", NULL).records, s.e[0].accepted);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

TEST(lookup_reads_marks_without_writing)
{
    source_set s = { .dir = tempdir("src") };
    char *lake = tempdir("lake");
    CHECK(add_source(&s, 1000, 0, 1000) == 0);
    uint64_t h = s.files[0].hash;
    int64_t sz = s.files[0].size;
    kt_ingest_marks m;
    kt_error err;
    CHECK_OK(kt_ingest_lookup(lake, &h, &sz, 1, &m, &err), &err);
    CHECK(!m.in_raw && !m.in_quarantine);
    struct stat sb;
    char raw_dir[600];
    snprintf(raw_dir, sizeof raw_dir, "%s/raw", lake);
    CHECK(stat(raw_dir, &sb) != 0); /* nothing created */
    kt_ingest_options o = test_options();
    kt_ingest_result res[1];
    kt_ingest_summary sum;
    CHECK_OK(kt_ingest_batch(lake, &o, s.files, 1, res, &sum, &err), &err);
    CHECK_OK(kt_ingest_lookup(lake, &h, &sz, 1, &m, &err), &err);
    CHECK(m.in_raw && m.in_quarantine && m.accepted == s.e[0].accepted && m.quarantined == s.e[0].quarantined);
    kt_ingest_summary_free(&sum);
    rmrf(lake);
    rmrf(s.dir);
}

static void touch(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs("x", f);
        fclose(f);
    }
}

TEST(discovery_finds_parquet_files_recursively_and_skips_the_rest)
{
    char *dir = tempdir("disc");
    char sub[1024];
    const char *dirs[] = { "day=1", "day=1/deep", ".tmp", "_delta_log", "_kinetl", "day=2" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, dirs[i]);
        CHECK(mkdir(sub, 0755) == 0);
    }
    const char *files[] = { "a.parquet", "day=1/b.PARQUET", "day=1/deep/c.parquet", ".hidden.parquet",
                            "day=1/.part-1.parquet.tmp", ".tmp/d.parquet", "_delta_log/e.parquet",
                            "_kinetl/f.parquet", "day=2/notes.txt", "day=2/parquet", "day=2/g.parquet.bak" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) touch(dir, files[i]);
    char link[1024], target[1024];
    snprintf(link, sizeof link, "%s/day=2/loop", dir);
    CHECK(symlink(dir, link) == 0); /* a directory symlink: not followed */
    snprintf(link, sizeof link, "%s/day=2/h.parquet", dir);
    snprintf(target, sizeof target, "%s/a.parquet", dir);
    CHECK(symlink(target, link) == 0); /* a file symlink: listed */
    kt_source_list l;
    kt_error err;
    CHECK_OK(kt_ingest_discover(dir, &l, &err), &err);
    const char *want[] = { "a.parquet", "day=1/b.PARQUET", "day=1/deep/c.parquet", "day=2/h.parquet" };
    CHECK_EQ_INT(l.n, 4);
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ_STR(l.files[i].rel, want[i]);
        CHECK_EQ_INT(l.files[i].size, 1);
        CHECK(strstr(l.files[i].path, want[i]) != NULL);
    }
    kt_source_list_free(&l);
    CHECK_EQ_INT(kt_ingest_discover("/nonexistent/dir", &l, &err), KT_ERR_NOT_FOUND);
    CHECK_MSG(strstr(err.msg, "/nonexistent/dir") != NULL, "%s", err.msg);
    rmrf(dir);
}

TEST(marks_round_trip)
{
    char mark[KT_INGEST_MARK_MAX];
    kt_ingest_mark(0x0123456789abcdefULL, 98765, mark);
    CHECK_EQ_STR(mark, "kinetl-ingest/0123456789abcdef-98765");
    uint64_t h;
    int64_t size;
    CHECK(kt_ingest_mark_parse(mark, &h, &size) && h == 0x0123456789abcdefULL && size == 98765);
    CHECK(!kt_ingest_mark_parse("kinetl-ingest/0123456789abcdeg-1", &h, &size));
    CHECK(!kt_ingest_mark_parse("kinetl-ingest/0123456789abcdef-", &h, &size));
    CHECK(!kt_ingest_mark_parse("other/0123456789abcdef-1", &h, &size));
    CHECK(!kt_ingest_mark_parse("kinetl-ingest/0123456789abcdef-1x", &h, &size));
}

int main(void)
{
    kt_test_ctx ctx_ = { .suite = "ingest_batch" };
    kt_test_ctx *ctx = &ctx_;
    RUN(ctx, marks_round_trip);
    RUN(ctx, discovery_finds_parquet_files_recursively_and_skips_the_rest);
    RUN(ctx, batch_ingests_counts_and_marks);
    RUN(ctx, unreadable_files_fail_alone_with_their_error);
    RUN(ctx, a_file_failing_mid_way_leaves_nothing_even_after_spills);
    RUN(ctx, tiny_memory_limit_gives_the_same_rows);
    RUN(ctx, parallel_readers_give_the_same_tables);
    RUN(ctx, crash_between_the_two_commits_is_completed_once);
    RUN(ctx, changed_limits_cannot_complete_a_half_ingested_file);
    RUN(ctx, concurrent_ingests_of_the_same_files_commit_each_once);
    RUN(ctx, the_same_content_under_two_paths_is_ingested_once);
    RUN(ctx, lookup_reads_marks_without_writing);
    return ctx->total_failed ? 1 : 0;
}
