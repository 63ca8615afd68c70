/*
 * tests/unit/test_parquet_read_codes.c — the reader's opt-in dictionary
 * codes (kt_pq_set_dictionary_codes): dictionary-encoded string chunks
 * come out as codes + dictionary whose materialised bytes equal what the
 * default read gives, nulls stay nulls, a chunk whose writer fell back to
 * PLAIN midway comes out as bytes (and the column's next chunks are read
 * as bytes from the start), other columns are untouched, and
 * kt_pq_materialize checks its inputs. Files are written by kinetl's
 * writer; expected strings are recomputed from the generator below.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

#define ROWS 50000
#define GROUP_ROWS 20000

/* few distinct values (dictionary), many (the writer falls back), and a number */
static int gen(int col, size_t row, char *buf)
{
    if (col == 0) return snprintf(buf, 32, "field_%zu", row % 6);
    if (col == 1) return snprintf(buf, 32, "time-%zu-%zu", row, row * 7919 % 1000);
    return 0;
}

static bool gen_null(int col, size_t row)
{
    return col == 0 && row % 11 == 3;
}

static kt_status write_file(const char *path, kt_error *err)
{
    kt_pq_field fields[3] = {
        { "field", KT_PQ_W_STRING, true }, { "time", KT_PQ_W_STRING, false }, { "value", KT_PQ_W_DOUBLE, false },
    };
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = KT_PQ_CODEC_SNAPPY;
    o.row_group_rows = GROUP_ROWS;
    o.page_bytes = 16 << 10;
    o.dict_max_bytes = 4096;   /* "time" outgrows it: dictionary pages, then PLAIN */
    o.no_fsync = true;
    kt_column cols[3];
    kt_column_init(&cols[0], KT_BYTES);
    kt_column_init(&cols[1], KT_BYTES);
    kt_column_init(&cols[2], KT_DOUBLE);
    char buf[32];
    kt_status st = KT_OK;
    for (size_t i = 0; i < ROWS && st == KT_OK; i++) {
        for (int c = 0; c < 2 && st == KT_OK; c++) {
            int n = gen(c, i, buf);
            st = gen_null(c, i) ? kt_column_push_null(&cols[c]) : kt_column_push_bytes(&cols[c], buf, (size_t)n);
        }
        if (st == KT_OK) st = kt_column_push_double(&cols[2], (double)i * 0.5);
    }
    kt_pq_writer *w = NULL;
    if (st == KT_OK) st = kt_pq_writer_open(path, fields, 3, &o, &w, err);
    if (st == KT_OK) st = kt_pq_writer_write(w, cols, ROWS, err);
    if (st == KT_OK) st = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    for (int c = 0; c < 3; c++) kt_column_free(&cols[c]);
    return st;
}

/* Checks a KT_BYTES column against the generator from row `first`. */
static bool bytes_match(const kt_column *c, int col, size_t first, char *why, size_t why_len)
{
    char buf[32];
    for (size_t i = 0; i < c->len; i++) {
        size_t row = first + i;
        if (kt_column_is_valid(c, i) == gen_null(col, row)) {
            snprintf(why, why_len, "column %d row %zu: validity", col, row);
            return false;
        }
        if (gen_null(col, row)) {
            if (c->offsets[i + 1] != c->offsets[i]) {
                snprintf(why, why_len, "column %d row %zu: null holds bytes", col, row);
                return false;
            }
            continue;
        }
        int n = gen(col, row, buf);
        size_t len;
        const char *v = kt_column_bytes_at(c, i, &len);
        if (len != (size_t)n || memcmp(v, buf, len) != 0) {
            snprintf(why, why_len, "column %d row %zu: '%.*s' vs '%s'", col, row, (int)len, v, buf);
            return false;
        }
    }
    return true;
}

static char path[64];

static void make_file(void)
{
    snprintf(path, sizeof path, "/tmp/kt_codes_%d.parquet", (int)getpid());
}

TEST(codes_materialise_to_the_default_read)
{
    make_file();
    kt_error err;
    CHECK_OK(write_file(path, &err), &err);
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open(path, &r, &err), &err);
    kt_pq_set_dictionary_codes(r, true);
    int idx[4] = { 0, 1, 2, 0 };   /* "field" twice: each slot has its dictionary */
    kt_column out[4], bytes;
    for (int i = 0; i < 4; i++) kt_column_init(&out[i], KT_BYTES);
    kt_column_init(&bytes, KT_BYTES);
    char why[256];
    size_t first = 0;
    int time_codes = 0;
    for (int g = 0; g < kt_pq_num_row_groups(r); g++) {
        CHECK_OK(kt_pq_read_row_group(r, g, idx, 4, out, &err), &err);
        for (int s = 0; s < 4; s += 3) {
            const kt_column *dict = kt_pq_dictionary(r, s);
            CHECK_MSG(dict != NULL, "row group %d slot %d: no dictionary", g, s);
            CHECK_EQ_INT(out[s].type, KT_INT32);
            CHECK(dict->type == KT_BYTES && dict->len == 6 && dict->null_count == 0);
            for (size_t i = 0; i < out[s].len; i++)
                if (!kt_column_is_valid(&out[s], i)) CHECK_EQ_INT(KT_COL_I32(&out[s])[i], 0);
            CHECK_OK(kt_pq_materialize(&out[s], dict, &bytes, &err), &err);
            CHECK_MSG(bytes_match(&bytes, 0, first, why, sizeof why), "%s", why);
            CHECK_EQ_INT(bytes.null_count, out[s].null_count);
        }
        /* "time" outgrows the writer's dictionary: bytes, no dictionary */
        if (kt_pq_dictionary(r, 1)) time_codes++;
        else CHECK_EQ_INT(out[1].type, KT_BYTES);
        if (out[1].type == KT_BYTES) CHECK_MSG(bytes_match(&out[1], 1, first, why, sizeof why), "%s", why);
        CHECK(kt_pq_dictionary(r, 2) == NULL && out[2].type == KT_DOUBLE);
        for (size_t i = 0; i < out[2].len; i++) CHECK(KT_COL_DOUBLE(&out[2])[i] == (double)(first + i) * 0.5);
        first += out[0].len;
    }
    CHECK_EQ_INT(first, ROWS);
    CHECK_EQ_INT(time_codes, 0);
    for (int i = 0; i < 4; i++) kt_column_free(&out[i]);
    kt_column_free(&bytes);
    kt_pq_close(r);
    unlink(path);
}

TEST(codes_off_reads_bytes_as_before)
{
    make_file();
    kt_error err;
    CHECK_OK(write_file(path, &err), &err);
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open(path, &r, &err), &err);
    int idx[2] = { 0, 1 };
    kt_column out[2];
    kt_column_init(&out[0], KT_BYTES);
    kt_column_init(&out[1], KT_BYTES);
    char why[256];
    size_t first = 0;
    for (int g = 0; g < kt_pq_num_row_groups(r); g++) {
        CHECK_OK(kt_pq_read_row_group(r, g, idx, 2, out, &err), &err);
        CHECK(kt_pq_dictionary(r, 0) == NULL && kt_pq_dictionary(r, 1) == NULL);
        for (int c = 0; c < 2; c++) {
            CHECK_EQ_INT(out[c].type, KT_BYTES);
            CHECK_MSG(bytes_match(&out[c], c, first, why, sizeof why), "%s", why);
        }
        first += out[0].len;
    }
    kt_column_free(&out[0]);
    kt_column_free(&out[1]);
    kt_pq_close(r);
    unlink(path);
}

TEST(materialize_checks_its_inputs)
{
    kt_column codes, dict, out;
    kt_column_init(&codes, KT_INT32);
    kt_column_init(&dict, KT_BYTES);
    kt_column_init(&out, KT_BYTES);
    kt_error err;
    CHECK_OK(kt_column_push_bytes(&dict, "ab", 2), NULL);
    CHECK_OK(kt_column_push_bytes(&dict, "", 0), NULL);
    CHECK_OK(kt_column_push_bytes(&dict, "xyz", 3), NULL);
    int32_t k[] = { 2, 0, 1, 2 };
    for (int i = 0; i < 4; i++) CHECK_OK(kt_column_push_i32(&codes, k[i]), NULL);
    CHECK_OK(kt_column_push_null(&codes), NULL);
    CHECK_OK(kt_pq_materialize(&codes, &dict, &out, &err), &err);
    CHECK_EQ_INT(out.len, 5);
    CHECK_EQ_INT(out.null_count, 1);
    CHECK(!kt_column_is_valid(&out, 4));
    CHECK_EQ_INT(out.offsets[5], 8);
    CHECK(memcmp(out.bytes, "xyzabxyz", 8) == 0);
    KT_COL_I32(&codes)[1] = 3;   /* outside the dictionary */
    CHECK_EQ_INT(kt_pq_materialize(&codes, &dict, &out, &err), KT_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, "outside the dictionary") != NULL, "%s", err.msg);
    KT_COL_I32(&codes)[1] = -1;
    CHECK_EQ_INT(kt_pq_materialize(&codes, &dict, &out, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_pq_materialize(&dict, &dict, &out, &err), KT_ERR_USAGE);
    kt_column_free(&codes);
    kt_column_free(&dict);
    kt_column_free(&out);
}

TEST_MAIN_BEGIN("parquet_read_codes")
RUN(ctx, codes_materialise_to_the_default_read);
RUN(ctx, codes_off_reads_bytes_as_before);
RUN(ctx, materialize_checks_its_inputs);
TEST_MAIN_END()
