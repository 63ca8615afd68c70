/*
 * tests/unit/test_chunk_write.c — column-at-a-time writing: the Parquet
 * writer's begin_row_group / write_chunk / end_row_group and Delta's
 * kt_delta_txn_write_partition_chunks must produce the same bytes as the
 * whole-batch paths for the same rows (every type, nulls, a string column
 * with a dictionary, a short last row group), refuse misuse, and hold one
 * column chunk of buffers instead of one per column.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/column.h"
#include "delta_fixture.h"
#include "format/parquet/writer.h"
#include "lake/delta/delta.h"

enum { NCOLS = 6, ROWS = 25000, GROUP = 10000 };

static const kt_pq_field FIELDS[NCOLS] = {
    { "t", KT_PQ_W_TIMESTAMP_US, false }, { "x", KT_PQ_W_DOUBLE, true }, { "m", KT_PQ_W_INT32, false },
    { "n", KT_PQ_W_INT64, true },         { "s", KT_PQ_W_STRING, true }, { "b", KT_PQ_W_BOOL, false },
};

static uint64_t next_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 17;
}

/* Deterministic columns of every kind, with nulls where nullable. */
static int make_columns(kt_column cols[NCOLS], size_t rows)
{
    static const kt_type types[NCOLS] = { KT_INT64, KT_DOUBLE, KT_INT32, KT_INT64, KT_BYTES, KT_BOOL };
    uint64_t rng = 42;
    for (int c = 0; c < NCOLS; c++) kt_column_init(&cols[c], types[c]);
    for (size_t r = 0; r < rows; r++) {
        uint64_t u = next_rand(&rng);
        char text[16];
        snprintf(text, sizeof text, "k%u", (unsigned)(u % 37));
        if (kt_column_push_i64(&cols[0], 1600000000000000LL + (int64_t)r * 1000) ||
            (u % 7 == 0 ? kt_column_push_null(&cols[1]) : kt_column_push_double(&cols[1], (double)u / 3.0)) ||
            kt_column_push_i32(&cols[2], (int32_t)(u % 4096)) ||
            (u % 5 == 0 ? kt_column_push_null(&cols[3]) : kt_column_push_i64(&cols[3], (int64_t)u - 1000)) ||
            (u % 11 == 0 ? kt_column_push_null(&cols[4]) : kt_column_push_bytes(&cols[4], text, strlen(text))) ||
            kt_column_push_bool(&cols[5], u & 1))
            return -1;
    }
    return 0;
}

/* Rows [first, first + n) of src as a column of its own. */
static int slice_of(const kt_column *src, size_t first, size_t n, kt_column *out)
{
    kt_column_init(out, src->type);
    for (size_t r = first; r < first + n; r++)
        if (kt_column_push_from(out, src, r) != KT_OK) return -1;
    return 0;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *pa = read_all(a, &la), *pb = read_all(b, &lb);
    int same = pa && pb && la == lb && memcmp(pa, pb, la) == 0;
    free(pa);
    free(pb);
    return same;
}

static void options(kt_pq_write_options *o)
{
    kt_pq_write_options_default(o);
    o->row_group_rows = GROUP;
    o->no_fsync = true;
}

TEST(chunked_row_groups_write_the_same_bytes_as_batches)
{
    char *dir = fx_tempdir("chunks");
    CHECK(dir != NULL);
    kt_column cols[NCOLS];
    CHECK(make_columns(cols, ROWS) == 0);
    char whole[512], chunked[512];
    snprintf(whole, sizeof whole, "%s/whole.parquet", dir);
    snprintf(chunked, sizeof chunked, "%s/chunked.parquet", dir);
    kt_pq_write_options o;
    options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(whole, FIELDS, NCOLS, &o, &w, &err), &err);
    CHECK_OK(kt_pq_writer_write(w, cols, ROWS, &err), &err);
    size_t whole_held = kt_pq_writer_buffer_bytes(w);   /* every column keeps its own buffers */
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    kt_pq_writer_free(w);

    CHECK_OK(kt_pq_writer_open(chunked, FIELDS, NCOLS, &o, &w, &err), &err);
    size_t most_held = 0;
    for (size_t first = 0; first < ROWS; first += GROUP) {
        size_t n = ROWS - first < GROUP ? ROWS - first : GROUP;
        CHECK_OK(kt_pq_writer_begin_row_group(w, n, &err), &err);
        for (size_t c = 0; c < NCOLS; c++) {
            kt_column part;
            CHECK(slice_of(&cols[c], first, n, &part) == 0);
            kt_status st = kt_pq_writer_write_chunk(w, c, &part, &err);
            kt_column_free(&part);
            CHECK_OK(st, &err);
            size_t held = kt_pq_writer_buffer_bytes(w);
            if (held > most_held) most_held = held;
        }
        CHECK_OK(kt_pq_writer_end_row_group(w, &err), &err);
    }
    CHECK_EQ_INT(kt_pq_writer_rows(w), ROWS);
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    kt_pq_writer_free(w);
    CHECK_MSG(same_file(whole, chunked), "%s and %s differ", whole, chunked);
    /* one set of page buffers lent to each column in turn, not one set per column */
    printf("# page buffers: %zu bytes chunk by chunk, %zu bytes batch by batch\n", most_held, whole_held);
    CHECK(most_held > 0 && most_held * 2 < whole_held);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    fx_rmrf(dir);
    free(dir);
}

TEST(chunked_row_groups_refuse_misuse)
{
    char *dir = fx_tempdir("chunkbad");
    CHECK(dir != NULL);
    kt_column cols[NCOLS];
    CHECK(make_columns(cols, 10) == 0);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.parquet", dir);
    kt_pq_write_options o;
    options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, FIELDS, NCOLS, &o, &w, &err), &err);
    CHECK_EQ_INT(kt_pq_writer_write_chunk(w, 0, &cols[0], &err), KT_ERR_USAGE);     /* no row group begun */
    CHECK_OK(kt_pq_writer_begin_row_group(w, 10, &err), &err);
    CHECK_EQ_INT(kt_pq_writer_write_chunk(w, 1, &cols[1], &err), KT_ERR_USAGE);     /* column 0 comes first */
    CHECK(strstr(err.msg, "column 0 expected") != NULL);
    CHECK_EQ_INT(kt_pq_writer_write_chunk(w, 0, &cols[1], &err), KT_ERR_USAGE);     /* a DOUBLE column for t */
    CHECK_OK(kt_pq_writer_write_chunk(w, 0, &cols[0], &err), &err);
    CHECK_EQ_INT(kt_pq_writer_write(w, cols, 10, &err), KT_ERR_USAGE);              /* batches while open */
    CHECK_EQ_INT(kt_pq_writer_end_row_group(w, &err), KT_ERR_USAGE);                /* 1 of 6 columns */
    CHECK_EQ_INT(kt_pq_writer_close(w, &err), KT_ERR_USAGE);                        /* inside a row group */
    CHECK(strstr(err.msg, "inside a row group") != NULL);
    for (size_t c = 1; c < NCOLS; c++) CHECK_OK(kt_pq_writer_write_chunk(w, c, &cols[c], &err), &err);
    CHECK_OK(kt_pq_writer_end_row_group(w, &err), &err);
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    CHECK_EQ_INT(kt_pq_writer_rows(w), 10);
    kt_pq_writer_free(w);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    fx_rmrf(dir);
    free(dir);
}

/* Two files, the first's 3 columns a prefix of the second's 6: one pass, shared chunks encoded once. */
TEST(twin_files_equal_files_written_alone)
{
    char *dir = fx_tempdir("twins");
    CHECK(dir != NULL);
    kt_column cols[NCOLS];
    CHECK(make_columns(cols, ROWS) == 0);
    enum { SHARED = 3 };
    char alone_a[512], alone_b[512], twin_a[512], twin_b[512];
    snprintf(alone_a, sizeof alone_a, "%s/alone_a.parquet", dir);
    snprintf(alone_b, sizeof alone_b, "%s/alone_b.parquet", dir);
    snprintf(twin_a, sizeof twin_a, "%s/twin_a.parquet", dir);
    snprintf(twin_b, sizeof twin_b, "%s/twin_b.parquet", dir);
    kt_pq_write_options o;
    options(&o);
    kt_error err = { 0 };
    kt_pq_writer *wa, *wb;
    CHECK_OK(kt_pq_writer_open(alone_a, FIELDS, SHARED, &o, &wa, &err), &err);
    CHECK_OK(kt_pq_writer_write(wa, cols, ROWS, &err), &err);
    CHECK_OK(kt_pq_writer_close(wa, &err), &err);
    kt_pq_writer_free(wa);
    CHECK_OK(kt_pq_writer_open(alone_b, FIELDS, NCOLS, &o, &wb, &err), &err);
    CHECK_OK(kt_pq_writer_write(wb, cols, ROWS, &err), &err);
    CHECK_OK(kt_pq_writer_close(wb, &err), &err);
    kt_pq_writer_free(wb);

    CHECK_OK(kt_pq_writer_open(twin_a, FIELDS, SHARED, &o, &wa, &err), &err);
    CHECK_OK(kt_pq_writer_open(twin_b, FIELDS, NCOLS, &o, &wb, &err), &err);
    CHECK_OK(kt_pq_writer_pair(wa, wb, &err), &err);
    for (size_t first = 0; first < ROWS; first += GROUP) {
        size_t n = ROWS - first < GROUP ? ROWS - first : GROUP;
        CHECK_OK(kt_pq_writer_begin_row_group(wa, n, &err), &err);
        CHECK_OK(kt_pq_writer_begin_row_group(wb, n, &err), &err);
        for (size_t c = 0; c < NCOLS; c++) {
            kt_column part;
            CHECK(slice_of(&cols[c], first, n, &part) == 0);
            kt_status st = c < SHARED ? kt_pq_writer_write_chunk_twin(wa, wb, c, &part, &err)
                                      : kt_pq_writer_write_chunk(wb, c, &part, &err);
            kt_column_free(&part);
            CHECK_OK(st, &err);
        }
        CHECK_EQ_INT(kt_pq_writer_write_chunk_twin(wa, wb, SHARED, &cols[SHARED], &err), KT_ERR_USAGE);
        CHECK_OK(kt_pq_writer_end_row_group(wa, &err), &err);
        CHECK_OK(kt_pq_writer_end_row_group(wb, &err), &err);
    }
    CHECK_OK(kt_pq_writer_close(wb, &err), &err);
    CHECK_OK(kt_pq_writer_close(wa, &err), &err);
    kt_pq_writer_free(wb);
    kt_pq_writer_free(wa);
    CHECK_MSG(same_file(alone_a, twin_a), "%s and %s differ", alone_a, twin_a);
    CHECK_MSG(same_file(alone_b, twin_b), "%s and %s differ", alone_b, twin_b);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    fx_rmrf(dir);
    free(dir);
}

/* ---- Delta: one partition file, produced a column chunk at a time ---- */

typedef struct producer {
    const kt_column *cols;   /* whole columns, data fields only */
    kt_column part;
    size_t calls, last_first, last_col;
    int out_of_order;
} producer;

static kt_status produce(void *ctx, size_t first, size_t rows, size_t col, const kt_column **out, kt_error *err)
{
    producer *p = ctx;
    if (p->calls && !(first == p->last_first ? col == p->last_col + 1 : first > p->last_first && col == 0))
        p->out_of_order = 1;
    p->calls++;
    p->last_first = first;
    p->last_col = col;
    kt_column_free(&p->part);
    if (slice_of(&p->cols[col], first, rows, &p->part) != 0) return kt_fail(err, KT_ERR_NOMEM, "slice");
    *out = &p->part;
    return KT_OK;
}

static const kt_delta_field DELTA_FIELDS[NCOLS + 1] = {
    { "run", KT_DELTA_STRING, true }, { "t", KT_DELTA_TIMESTAMP, false }, { "x", KT_DELTA_DOUBLE, true },
    { "m", KT_DELTA_INTEGER, false }, { "n", KT_DELTA_LONG, true },        { "s", KT_DELTA_STRING, true },
    { "b", KT_DELTA_BOOLEAN, false },
};

static kt_status open_table(const char *dir, size_t nfields, kt_delta_table **t, kt_error *err)
{
    kt_delta_options o = { .no_fsync = true, .row_group_rows = GROUP };
    const char *parts[1] = { "run" };
    KT_TRY(kt_delta_open(dir, &o, t, err));
    bool created;
    kt_status st = kt_delta_create(*t, DELTA_FIELDS, nfields, parts, 1, &created, err);
    if (st != KT_OK) kt_delta_close(*t);
    return st;
}

/* Path of the table's only active file into file. */
static kt_status only_file(kt_delta_table *t, const char *dir, char *file, size_t cap, kt_error *err)
{
    kt_delta_snapshot *s = NULL;
    KT_TRY(kt_delta_snapshot_load(t, -1, &s, err));
    if (kt_delta_snapshot_num_files(s) == 1) snprintf(file, cap, "%s/%s", dir, kt_delta_snapshot_file(s, 0)->path);
    kt_delta_snapshot_free(s);
    return KT_OK;
}

static kt_status write_one(const char *dir, const kt_column *cols, bool chunked, producer *p, char *file,
                           size_t cap, kt_error *err)
{
    kt_delta_table *t;
    KT_TRY(open_table(dir, NCOLS + 1, &t, err));
    kt_delta_txn *x = NULL;
    kt_status st = KT_OK;
    if (st == KT_OK) st = kt_delta_txn_begin(t, NULL, &x, err);
    const char *pv[1] = { "r1" };
    if (st == KT_OK)
        st = chunked ? kt_delta_txn_write_partition_chunks(x, pv, NCOLS, ROWS, produce, p, err)
                     : kt_delta_txn_write_partition(x, pv, cols, NCOLS, ROWS, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    if (x) kt_delta_txn_free(x);
    if (st == KT_OK) st = only_file(t, dir, file, cap, err);
    kt_delta_close(t);
    return st;
}

TEST(delta_chunked_partition_file_equals_the_whole_one)
{
    char *root = fx_tempdir("dchunks");
    CHECK(root != NULL);
    kt_column cols[NCOLS];
    CHECK(make_columns(cols, ROWS) == 0);
    char a_dir[512], b_dir[512], a[1024] = "", b[1024] = "";
    snprintf(a_dir, sizeof a_dir, "%s/a", root);
    snprintf(b_dir, sizeof b_dir, "%s/b", root);
    kt_error err = { 0 };
    producer p = { .cols = cols };
    kt_column_init(&p.part, KT_INT64);
    CHECK_OK(write_one(a_dir, cols, false, NULL, a, sizeof a, &err), &err);
    CHECK_OK(write_one(b_dir, cols, true, &p, b, sizeof b, &err), &err);
    CHECK(a[0] && b[0]);
    CHECK_EQ_INT(p.calls, NCOLS * ((ROWS + GROUP - 1) / GROUP));
    CHECK(!p.out_of_order);
    CHECK_MSG(same_file(a, b), "%s and %s differ", a, b);
    kt_column_free(&p.part);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    fx_rmrf(root);
    free(root);
}

/* aligned/features-like: table a has the first 3 data columns of table b; one pass writes both. */
TEST(delta_paired_files_equal_files_written_alone)
{
    enum { SHARED = 3 };
    char *root = fx_tempdir("dpair");
    CHECK(root != NULL);
    kt_column cols[NCOLS];
    CHECK(make_columns(cols, ROWS) == 0);
    char dirs[4][512], files[4][1024] = { "", "", "", "" };
    for (int i = 0; i < 4; i++) snprintf(dirs[i], sizeof dirs[i], "%s/t%d", root, i);
    kt_error err = { 0 };
    const char *pv[1] = { "r1" };
    kt_delta_table *t[4];
    for (int i = 0; i < 4; i++) CHECK_OK(open_table(dirs[i], i % 2 ? NCOLS + 1 : SHARED + 1, &t[i], &err), &err);
    for (int i = 0; i < 2; i++) {   /* 0 and 1 alone */
        kt_delta_txn *x;
        CHECK_OK(kt_delta_txn_begin(t[i], NULL, &x, &err), &err);
        CHECK_OK(kt_delta_txn_write_partition(x, pv, cols, i ? NCOLS : SHARED, ROWS, &err), &err);
        CHECK_OK(kt_delta_txn_commit(x, NULL, &err), &err);
        kt_delta_txn_free(x);
    }
    producer p = { .cols = cols };
    kt_column_init(&p.part, KT_INT64);
    kt_delta_txn *xa, *xb;
    CHECK_OK(kt_delta_txn_begin(t[2], NULL, &xa, &err), &err);
    CHECK_OK(kt_delta_txn_begin(t[3], NULL, &xb, &err), &err);
    CHECK_EQ_INT(kt_delta_txn_write_partition_chunks_pair(xb, pv, NCOLS, xa, pv, SHARED, ROWS, produce, &p, &err),
                 KT_ERR_USAGE);   /* the longer table must come second */
    CHECK_OK(kt_delta_txn_write_partition_chunks_pair(xa, pv, SHARED, xb, pv, NCOLS, ROWS, produce, &p, &err), &err);
    CHECK_EQ_INT(p.calls, NCOLS * ((ROWS + GROUP - 1) / GROUP));   /* each chunk asked once */
    CHECK(!p.out_of_order);
    CHECK_OK(kt_delta_txn_commit(xa, NULL, &err), &err);
    CHECK_OK(kt_delta_txn_commit(xb, NULL, &err), &err);
    kt_delta_txn_free(xa);
    kt_delta_txn_free(xb);
    for (int i = 0; i < 4; i++) {
        CHECK_OK(only_file(t[i], dirs[i], files[i], sizeof files[i], &err), &err);
        kt_delta_close(t[i]);
    }
    CHECK(files[0][0] && files[1][0] && files[2][0] && files[3][0]);
    CHECK_MSG(same_file(files[0], files[2]), "%s and %s differ", files[0], files[2]);
    CHECK_MSG(same_file(files[1], files[3]), "%s and %s differ", files[1], files[3]);
    kt_column_free(&p.part);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    fx_rmrf(root);
    free(root);
}

TEST_MAIN_BEGIN("chunk_write")
    RUN(ctx, chunked_row_groups_write_the_same_bytes_as_batches);
    RUN(ctx, chunked_row_groups_refuse_misuse);
    RUN(ctx, twin_files_equal_files_written_alone);
    RUN(ctx, delta_chunked_partition_file_equals_the_whole_one);
    RUN(ctx, delta_paired_files_equal_files_written_alone);
TEST_MAIN_END()
