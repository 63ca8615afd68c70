/*
 * tests/unit/test_parquet_read_errors.c — the reader on hostile input:
 * non-Parquet files, encrypted footers, nested schemas, each broken file in
 * tests/data/parquet/bad/ (exact error line from errors.json), every
 * truncation point of a real file, thousands of bit flips, the memory
 * limit, and every input in tests/fuzz/regressions/ (past fuzzer
 * crashes). Hostile inputs go through the fuzz harness, which aborts on a
 * broken invariant, so a bug fails loudly in the ASan build.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/parquet_read_harness.h"
#include "check.h"
#include "format/parquet/reader.h"

#define DATA_DIR "tests/data/parquet"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static const char *temp_file(const void *data, size_t len, char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/kt-pqerr-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    if (len && write(fd, data, len) != (ssize_t)len) {
        close(fd);
        return NULL;
    }
    close(fd);
    return path;
}

static bool one_line_named(const kt_error *err, const char *name)
{
    size_t n = strlen(name);
    return strncmp(err->msg, name, n) == 0 && strncmp(err->msg + n, ": ", 2) == 0 && !strchr(err->msg, '\n');
}

TEST(not_parquet_is_one_clear_line)
{
    char path[128], want[256];
    const char text[] = "time,value\n2022-11-23T20:40:00.444Z,1.5\n";
    CHECK(temp_file(text, sizeof text - 1, path, sizeof path));
    kt_error err;
    kt_pq_reader *r = NULL;
    CHECK_EQ_INT(kt_pq_open(path, &r, &err), KT_ERR_FORMAT);
    CHECK(r == NULL);
    snprintf(want, sizeof want, "%s: not a Parquet file (no PAR1 magic)", path);
    CHECK_EQ_STR(err.msg, want);
    unlink(path);

    CHECK(temp_file("", 0, path, sizeof path));
    CHECK_EQ_INT(kt_pq_open(path, &r, &err), KT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s: not a Parquet file (0 bytes, no PAR1 magic)", path);
    CHECK_EQ_STR(err.msg, want);
    unlink(path);

    CHECK(temp_file("PAR1PAR1", 8, path, sizeof path));
    CHECK_EQ_INT(kt_pq_open(path, &r, &err), KT_ERR_FORMAT);
    snprintf(want, sizeof want, "%s: truncated Parquet file (8 bytes)", path);
    CHECK_EQ_STR(err.msg, want);
    unlink(path);

    CHECK_EQ_INT(kt_pq_open("/nonexistent/x.parquet", &r, &err), KT_ERR_NOT_FOUND);
    CHECK_EQ_STR(err.msg, "/nonexistent/x.parquet: cannot open: No such file or directory");
    CHECK_EQ_INT(kt_pq_open("/tmp", &r, &err), KT_ERR_USAGE);
    CHECK_EQ_STR(err.msg, "/tmp: not a regular file");
}

TEST(encrypted_footer_is_unsupported)
{
    size_t len;
    uint8_t *b = slurp(DATA_DIR "/handmade_v2.parquet", &len);
    CHECK(b && len > 12);
    kt_error err;
    kt_pq_reader *r = NULL;
    memcpy(b + len - 4, "PARE", 4);
    CHECK_EQ_INT(kt_pq_open_memory(b, len, "enc.parquet", &r, &err), KT_ERR_UNSUPPORTED);
    CHECK_EQ_STR(err.msg, "enc.parquet: encrypted Parquet footer (PARE) is not supported");
    memcpy(b, "PARE", 4);
    CHECK_EQ_INT(kt_pq_open_memory(b, len, "enc.parquet", &r, &err), KT_ERR_UNSUPPORTED);
    CHECK_EQ_STR(err.msg, "enc.parquet: encrypted Parquet files (PARE) are not supported");
    free(b);
}

TEST(nested_schema_is_refused)
{
    kt_error err;
    kt_pq_reader *r = NULL;
    CHECK_EQ_INT(kt_pq_open(DATA_DIR "/nested.parquet", &r, &err), KT_ERR_UNSUPPORTED);
    CHECK(r == NULL);
    CHECK_EQ_STR(err.msg, DATA_DIR "/nested.parquet: nested schema: field 'l' is a group "
                          "(only flat schemas are supported)");
}

/* Opens and reads everything; returns the first failure. */
static kt_status read_all(const char *path, kt_error *err)
{
    kt_pq_reader *r;
    KT_TRY(kt_pq_open(path, &r, err));
    int nc = kt_pq_num_columns(r);
    kt_status st = KT_OK;
    for (int g = 0; g < kt_pq_num_row_groups(r) && st == KT_OK; g++)
        for (int c = 0; c < nc && st == KT_OK; c++) {
            kt_column col;
            kt_column_init(&col, KT_INT32);
            st = kt_pq_read_row_group(r, g, &c, 1, &col, err);
            kt_column_free(&col);
        }
    kt_pq_close(r);
    return st;
}

TEST(each_broken_file_gives_its_exact_line)
{
    json_error_t jerr;
    json_t *errors = json_load_file(DATA_DIR "/bad/errors.json", 0, &jerr);
    CHECK_MSG(errors != NULL, "errors.json: %s", jerr.text);
    const char *file;
    json_t *msg;
    int n = 0;
    json_object_foreach(errors, file, msg) {
        char path[256], want[1024];
        snprintf(path, sizeof path, DATA_DIR "/bad/%s", file);
        snprintf(want, sizeof want, "%s: %s", path, json_string_value(msg));
        kt_error err;
        kt_status st = read_all(path, &err);
        if (st == KT_OK || strcmp(err.msg, want) != 0) json_decref(errors);
        CHECK_MSG(st == KT_ERR_FORMAT, "%s read with status %s", file, kt_strerror(st));
        CHECK_EQ_STR(err.msg, want);
        n++;
    }
    json_decref(errors);
    CHECK(n >= 6);
}

TEST(every_truncation_fails_cleanly)
{
    static const char *const files[] = { "handmade_legacy.parquet", "duckdb_types_v2.parquet",
                                         "arrowrs_encodings_v2.parquet" };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[256];
        snprintf(path, sizeof path, DATA_DIR "/%s", files[f]);
        size_t len;
        uint8_t *b = slurp(path, &len);
        CHECK(b != NULL);
        size_t step = len / 300 + 1;
        for (size_t cut = 0; cut < len; cut += (cut < 64 || len - cut < 64) ? 1 : step) {
            uint8_t *copy = malloc(cut ? cut : 1);   /* exact size: ASan sees any overread */
            memcpy(copy, b, cut);
            kt_error err;
            kt_pq_reader *r = NULL;
            kt_status st = kt_pq_open_memory(copy, cut, "cut.parquet", &r, &err);
            free(copy);
            if (st == KT_OK) kt_pq_close(r);
            if (st != KT_ERR_FORMAT || !one_line_named(&err, "cut.parquet")) free(b);
            CHECK_MSG(st == KT_ERR_FORMAT, "%s cut at %zu opened with status %s", files[f], cut, kt_strerror(st));
            CHECK_MSG(one_line_named(&err, "cut.parquet"), "bad message: %s", err.msg);
        }
        free(b);
    }
}

/* Data region shortened under an intact footer: chunks point past it. */
TEST(missing_data_under_a_valid_footer)
{
    size_t len;
    uint8_t *b = slurp(DATA_DIR "/handmade_legacy.parquet", &len);
    CHECK(b != NULL);
    uint32_t footer = (uint32_t)b[len - 8] | (uint32_t)b[len - 7] << 8 | (uint32_t)b[len - 6] << 16 |
                      (uint32_t)b[len - 5] << 24;
    size_t tail = footer + 8, keep = 1000;
    uint8_t *cut = malloc(keep + tail);
    memcpy(cut, b, keep);
    memcpy(cut + keep, b + len - tail, tail);
    kt_error err;
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open_memory(cut, keep + tail, "short.parquet", &r, &err), &err);
    kt_column col;
    kt_column_init(&col, KT_INT64);
    int c = 0;
    kt_status st = kt_pq_read_row_group(r, 0, &c, 1, &col, &err);
    kt_column_free(&col);
    kt_pq_close(r);
    free(cut);
    free(b);
    CHECK_EQ_INT(st, KT_ERR_FORMAT);
    CHECK_MSG(strncmp(err.msg, "short.parquet: row group 0 column 'ts96': column chunk at offset 4 with ", 71) == 0 &&
              strstr(err.msg, "lies outside the data region (footer starts at 1000)"), "%s", err.msg);
}

TEST(bit_flips_never_crash)
{
    static const char *const files[] = { "handmade_legacy.parquet", "handmade_v2.parquet",
                                         "duckdb_lz4.parquet", "arrowrs_lz4.parquet", "arrowrs_zstd.parquet" };
    uint64_t seed = 0x243F6A8885A308D3ull;
    int failures = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[256];
        snprintf(path, sizeof path, DATA_DIR "/%s", files[f]);
        size_t len;
        uint8_t *b = slurp(path, &len);
        CHECK(b != NULL);
        for (int k = 0; k < 400; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % len;
            uint8_t bit = (uint8_t)(1u << ((seed >> 20) & 7));
            b[at] ^= bit;
            kt_harness_run(b, len);   /* aborts on a broken invariant */
            kt_error err;
            kt_pq_reader *r = NULL;
            kt_status st = kt_pq_open_memory(b, len, KT_HARNESS_NAME, &r, &err);
            if (st == KT_OK) kt_pq_close(r);
            else if (!one_line_named(&err, KT_HARNESS_NAME)) failures++;
            b[at] ^= bit;
        }
        free(b);
    }
    CHECK_EQ_INT(failures, 0);
}

TEST(memory_limit_bounds_decoding)
{
    kt_error err;
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open(DATA_DIR "/source_schema.parquet", &r, &err), &err);
    kt_pq_set_memory_limit(r, 4096);
    kt_column col;
    kt_column_init(&col, KT_BYTES);
    int c = 0;
    CHECK_EQ_INT(kt_pq_read_row_group(r, 0, &c, 1, &col, &err), KT_ERR_NOMEM);
    CHECK_MSG(strstr(err.msg, "source_schema.parquet: row group 0 column 'time': ") == err.msg + strlen(DATA_DIR) + 1 &&
              strstr(err.msg, "4096-byte memory limit"), "%s", err.msg);
    CHECK_EQ_INT(col.len, 0);
    kt_pq_set_memory_limit(r, 0);
    CHECK_OK(kt_pq_read_row_group(r, 0, &c, 1, &col, &err), &err);
    CHECK_EQ_INT(col.len, kt_pq_row_group_rows(r, 0));
    kt_column_free(&col);
    kt_pq_close(r);
}

TEST(fuzz_regressions_replay)
{
    DIR *d = opendir("tests/fuzz/regressions");
    CHECK(d != NULL);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regressions/%s", e->d_name);
        size_t len;
        uint8_t *b = slurp(path, &len);
        if (!b) continue;
        kt_harness_run(b, len);
        free(b);
        n++;
    }
    closedir(d);
    CHECK(n >= 1);
}

TEST_MAIN_BEGIN("parquet_read_errors")
    RUN(ctx, not_parquet_is_one_clear_line);
    RUN(ctx, encrypted_footer_is_unsupported);
    RUN(ctx, nested_schema_is_refused);
    RUN(ctx, each_broken_file_gives_its_exact_line);
    RUN(ctx, every_truncation_fails_cleanly);
    RUN(ctx, missing_data_under_a_valid_footer);
    RUN(ctx, bit_flips_never_crash);
    RUN(ctx, memory_limit_bounds_decoding);
    RUN(ctx, fuzz_regressions_replay);
TEST_MAIN_END()
