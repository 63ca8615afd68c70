/*
 * tests/unit/test_parquet_write_oracle.c — writes Parquet files from a
 * deterministic row formula for tests/parquet/test_writer_oracles.mjs,
 * which recomputes the formula independently and reads the files with
 * DuckDB, Polars and parquet-wasm.
 *
 * With KT_PQ_ORACLE_DIR set the files are written there and kept; without
 * it they go to a temporary directory that is removed afterwards (the
 * test then only checks that every file was produced and is framed by
 * "PAR1"). Keep the formula in sync with rowValue() in the .mjs.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/column.h"
#include "format/parquet/writer.h"

enum { COL_B, COL_I32, COL_I64, COL_D, COL_S, COL_TS, COL_U, NCOLS };

static const kt_pq_field FIELDS[NCOLS] = {
    { "b", KT_PQ_W_BOOL, true },       { "i32", KT_PQ_W_INT32, false },
    { "i64", KT_PQ_W_INT64, true },    { "d", KT_PQ_W_DOUBLE, true },
    { "s", KT_PQ_W_STRING, true },     { "ts", KT_PQ_W_TIMESTAMP_US, false },
    { "u", KT_PQ_W_STRING, false },
};

/* The row formula (mirrored in test_writer_oracles.mjs). */
static kt_status push_row(kt_column *c, int64_t i)
{
    char s[64];
    KT_TRY(i % 7 == 3 ? kt_column_push_null(&c[COL_B]) : kt_column_push_bool(&c[COL_B], i % 3 == 0));
    KT_TRY(kt_column_push_i32(&c[COL_I32], (int32_t)((i * 7919) % 20001 - 10000)));
    if (i % 11 == 5) KT_TRY(kt_column_push_null(&c[COL_I64]));
    else if (i == 1) KT_TRY(kt_column_push_i64(&c[COL_I64], INT64_MAX));
    else if (i == 2) KT_TRY(kt_column_push_i64(&c[COL_I64], INT64_MIN));
    else KT_TRY(kt_column_push_i64(&c[COL_I64], (i * 1000000007 - 3000000000000) * (i % 2 ? -1 : 1)));
    if (i % 13 == 7) KT_TRY(kt_column_push_null(&c[COL_D]));
    else if (i % 97 == 5) KT_TRY(kt_column_push_double(&c[COL_D], NAN));
    else if (i == 10) KT_TRY(kt_column_push_double(&c[COL_D], -0.0));
    else KT_TRY(kt_column_push_double(&c[COL_D], (double)i * 0.37 - (double)(i % 17) * 123.456 + 1.0 / (double)(i + 1)));
    if (i % 5 == 4) KT_TRY(kt_column_push_null(&c[COL_S]));
    else {
        int n = i % 37 == 0 ? 0 : snprintf(s, sizeof s, "v%d", (int)(i % 37));
        KT_TRY(kt_column_push_bytes(&c[COL_S], s, (size_t)n));
    }
    KT_TRY(kt_column_push_i64(&c[COL_TS], i == 3 ? -1000001 : 1669236000444000 + i * 10000 + i % 3));
    int n = i % 50 == 0 ? snprintf(s, sizeof s, "\xc3\xbc" "n" "\xc3\xaf" "c" "\xc3\xb8" "d" "\xc3\xa9" "-%lld", (long long)i)
                        : snprintf(s, sizeof s, "row-%lld-%.*s", (long long)i, (int)(i % 5), "xxxxx");
    return kt_column_push_bytes(&c[COL_U], s, (size_t)n);
}

static kt_status write_formula_file(const char *path, int64_t nrows, size_t batch,
                                    const kt_pq_write_options *o, kt_error *err)
{
    kt_pq_writer *w;
    KT_TRY(kt_pq_writer_open(path, FIELDS, NCOLS, o, &w, err));
    kt_column cols[NCOLS];
    for (int c = 0; c < NCOLS; c++) kt_column_init(&cols[c], c == COL_S || c == COL_U ? KT_BYTES :
                                                   c == COL_B ? KT_BOOL : c == COL_I32 ? KT_INT32 :
                                                   c == COL_D ? KT_DOUBLE : KT_INT64);
    kt_status s = KT_OK;
    for (int64_t i = 0; i < nrows && s == KT_OK; i++) {
        s = push_row(cols, i);
        if (s == KT_OK && (cols[0].len == batch || i == nrows - 1)) {
            s = kt_pq_writer_write(w, cols, cols[0].len, err);
            for (int c = 0; c < NCOLS; c++) kt_column_clear(&cols[c]);
        }
    }
    if (s == KT_OK) s = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    return s;
}

/* Edge cases for statistics: 4 rows, one column per case. */
static kt_status write_stats_file(const char *path, kt_error *err)
{
    static const kt_pq_field f[] = {
        { "nan_only", KT_PQ_W_DOUBLE, true }, { "zero_min", KT_PQ_W_DOUBLE, false },
        { "zero_max", KT_PQ_W_DOUBLE, false }, { "all_null", KT_PQ_W_INT64, true },
        { "neg_i32", KT_PQ_W_INT32, false },   { "strs", KT_PQ_W_STRING, false },
        { "bools", KT_PQ_W_BOOL, false },      { "all_true", KT_PQ_W_BOOL, false },
        { "null_str", KT_PQ_W_STRING, true },
    };
    enum { N = sizeof f / sizeof f[0] };
    kt_column c[N];
    const kt_type types[N] = { KT_DOUBLE, KT_DOUBLE, KT_DOUBLE, KT_INT64, KT_INT32, KT_BYTES, KT_BOOL, KT_BOOL, KT_BYTES };
    for (int k = 0; k < N; k++) kt_column_init(&c[k], types[k]);
    const double nan_only[4] = { NAN, 0, NAN, NAN };
    const double zero_min[4] = { 0.0, 1.0, -0.0, 2.0 };
    const double zero_max[4] = { -1.0, 0.0, -0.0, -2.0 };
    const int32_t neg[4] = { -5, -100, 7, INT32_MIN };
    const char *strs[4] = { "z", "", "\xc3\xa9", "a" };
    const bool bools[4] = { true, false, true, true };
    kt_status s = KT_OK;
    for (int r = 0; r < 4 && s == KT_OK; r++) {
        s = r == 1 ? kt_column_push_null(&c[0]) : kt_column_push_double(&c[0], nan_only[r]);
        if (s == KT_OK) s = kt_column_push_double(&c[1], zero_min[r]);
        if (s == KT_OK) s = kt_column_push_double(&c[2], zero_max[r]);
        if (s == KT_OK) s = kt_column_push_null(&c[3]);
        if (s == KT_OK) s = kt_column_push_i32(&c[4], neg[r]);
        if (s == KT_OK) s = kt_column_push_bytes(&c[5], strs[r], strlen(strs[r]));
        if (s == KT_OK) s = kt_column_push_bool(&c[6], bools[r]);
        if (s == KT_OK) s = kt_column_push_bool(&c[7], true);
        if (s == KT_OK) s = kt_column_push_null(&c[8]);
    }
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    kt_pq_writer *w = NULL;
    if (s == KT_OK) s = kt_pq_writer_open(path, f, N, &o, &w, err);
    if (s == KT_OK) s = kt_pq_writer_write(w, c, 4, err);
    if (s == KT_OK) s = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    for (int k = 0; k < N; k++) kt_column_free(&c[k]);
    return s;
}

static kt_status write_empty_file(const char *path, kt_error *err)
{
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    kt_pq_writer *w;
    KT_TRY(kt_pq_writer_open(path, FIELDS, NCOLS, &o, &w, err));
    kt_status s = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    return s;
}

static const struct { const char *name; kt_pq_codec codec; } CODECS[] = {
    { "zstd", KT_PQ_CODEC_ZSTD }, { "snappy", KT_PQ_CODEC_SNAPPY },
    { "none", KT_PQ_CODEC_UNCOMPRESSED }, { "gzip", KT_PQ_CODEC_GZIP },
    { "lz4_raw", KT_PQ_CODEC_LZ4_RAW }, { "brotli", KT_PQ_CODEC_BROTLI },
};

static bool framed_by_magic(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char head[4], tail[4];
    bool ok = fread(head, 1, 4, f) == 4 && fseek(f, -4, SEEK_END) == 0 && fread(tail, 1, 4, f) == 4 &&
              memcmp(head, "PAR1", 4) == 0 && memcmp(tail, "PAR1", 4) == 0;
    fclose(f);
    return ok;
}

TEST(writes_oracle_files)
{
    const char *keep = getenv("KT_PQ_ORACLE_DIR");
    char tmp[] = "/tmp/kt_pq_oracle_XXXXXX";
    const char *dir = keep ? keep : mkdtemp(tmp);
    CHECK(dir != NULL);
    kt_error err = { 0 };
    char path[4096];
    static const kt_pq_key_value kv[] = { { "kinetl.test", "hello" }, { "kinetl.novalue", NULL } };
    for (size_t k = 0; k < sizeof CODECS / sizeof CODECS[0]; k++) {
        kt_pq_write_options o;
        kt_pq_write_options_default(&o);
        o.codec = CODECS[k].codec;
        o.row_group_rows = 12000;
        o.page_bytes = 4096;
        o.dict_max_bytes = 2048;
        o.kv = kv;
        o.num_kv = 2;
        o.no_fsync = true;
        snprintf(path, sizeof path, "%s/types_%s.parquet", dir, CODECS[k].name);
        CHECK_OK(write_formula_file(path, 30000, 7001, &o, &err), &err);
        CHECK_MSG(framed_by_magic(path), "%s not framed by PAR1", path);
    }
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    o.row_group_rows = 12000;
    o.page_bytes = 4096;
    o.dict_max_bytes = 2048;
    o.byte_stream_split = true;
    snprintf(path, sizeof path, "%s/bss.parquet", dir);
    CHECK_OK(write_formula_file(path, 30000, 7001, &o, &err), &err);
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    snprintf(path, sizeof path, "%s/defaults.parquet", dir);
    CHECK_OK(write_formula_file(path, 100000, 65536, &o, &err), &err);
    o.dictionary = false;
    snprintf(path, sizeof path, "%s/nodict.parquet", dir);
    CHECK_OK(write_formula_file(path, 5000, 5000, &o, &err), &err);
    snprintf(path, sizeof path, "%s/stats.parquet", dir);
    CHECK_OK(write_stats_file(path, &err), &err);
    snprintf(path, sizeof path, "%s/empty.parquet", dir);
    CHECK_OK(write_empty_file(path, &err), &err);
    CHECK(framed_by_magic(path));
    if (!keep) {
        DIR *d = opendir(dir);
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (de->d_name[0] != '.') {
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                unlink(path);
            }
        if (d) closedir(d);
        rmdir(dir);
    }
}

TEST_MAIN_BEGIN("parquet_write_oracle")
    RUN(ctx, writes_oracle_files);
TEST_MAIN_END()
