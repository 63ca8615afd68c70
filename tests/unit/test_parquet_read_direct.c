/*
 * tests/unit/test_parquet_read_direct.c — the reader's direct page path
 * (reader_direct.c): stored and SNAPPY data page bodies decoded from the
 * file straight into the column. libsnappy is the oracle: whenever the
 * direct decoder accepts a stream, libsnappy must accept it too and give
 * the same bytes; corrupt streams must be declined (never crash, never
 * accepted). Each stream is decoded from memory, from a file, and from a
 * file whose window already holds part of the page, with the output split
 * at several points (a v1 page's level section). End to end, files the
 * writer makes (SNAPPY on incompressible doubles, stored pages, nulls)
 * read back to their generated values through every path. kinetl's own
 * SNAPPY decompressor must agree with libsnappy on every stream here.
 */
#include <dirent.h>
#include <fcntl.h>
#include <snappy-c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/snappy_direct_harness.h"
#include "check.h"
#include "format/parquet/reader.h"
#include "format/parquet/reader_internal.h"
#include "format/parquet/writer.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void random_bytes(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(mix(seed + i) >> 24);
}

/* ---- hand-built snappy streams ---- */

typedef struct stream_buf {
    uint8_t b[1 << 20];
    size_t n;
} stream_buf;

static void put(stream_buf *s, const void *p, size_t n)
{
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static void put_preamble(stream_buf *s, uint32_t v)
{
    do {
        uint8_t byte = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) byte |= 0x80;
        put(s, &byte, 1);
    } while (v);
}

static void put_literal(stream_buf *s, const uint8_t *data, size_t len)
{
    size_t l = len - 1;
    uint8_t tag[5];
    size_t nb = 0;
    if (l < 60) {
        tag[0] = (uint8_t)(l << 2);
    } else {
        for (size_t v = l; v; v >>= 8) tag[1 + nb++] = (uint8_t)v;
        tag[0] = (uint8_t)((59 + nb) << 2);
    }
    put(s, tag, 1 + nb);
    put(s, data, len);
}

/* Copy element of the given tag form (1, 2 or 4 offset bytes). */
static void put_copy(stream_buf *s, int form, size_t offset, size_t len)
{
    uint8_t t[5];
    if (form == 1) {
        t[0] = (uint8_t)(1 | (len - 4) << 2 | (offset >> 8) << 5);
        t[1] = (uint8_t)offset;
        put(s, t, 2);
    } else {
        t[0] = (uint8_t)((form == 2 ? 2 : 3) | (len - 1) << 2);
        for (int i = 0; i < (form == 2 ? 2 : 4); i++) t[1 + i] = (uint8_t)(offset >> (8 * i));
        put(s, t, form == 2 ? 3 : 5);
    }
}

/* What snappy writes for incompressible data: 64 KiB literals. */
static void put_blocks(stream_buf *s, const uint8_t *data, size_t len)
{
    put_preamble(s, (uint32_t)len);
    for (size_t o = 0; o < len; o += 65536) put_literal(s, data + o, len - o < 65536 ? len - o : 65536);
}

/* Every mode and split: accepted output equals libsnappy's; a stream
 * libsnappy rejects is never accepted. Returns how many runs accepted,
 * or -1 (with *why) on a violation. */
static int check_stream(const uint8_t *page, size_t csize, size_t usize, char *why, size_t why_len)
{
    uint8_t *want = malloc(usize ? usize : 1);
    bool valid = direct_oracle(page, csize, usize, want);
    snappy_agrees(page, csize, usize);   /* aborts on disagreement */
    size_t splits[] = { 0, 1, 9, 64 };
    int accepted = 0;
    for (int mode = 0; mode < MODES; mode++) {
        for (size_t k = 0; k < sizeof splits / sizeof splits[0]; k++) {
            if (splits[k] > usize) continue;
            direct_run r = direct_decode(page, csize, usize, splits[k], mode, false);
            const char *bad = NULL;
            if (r.st != KT_OK) bad = r.msg;
            else if (r.done && !valid) bad = "accepted a stream libsnappy rejects";
            else if (r.done && memcmp(r.out, want, usize) != 0) bad = "differs from libsnappy";
            accepted += r.done;
            free(r.out);
            if (bad) {
                snprintf(why, why_len, "mode %d split %zu: %s", mode, splits[k], bad);
                free(want);
                return -1;
            }
        }
    }
    free(want);
    return accepted;
}

#define RUNS_PER_STREAM(usize) (3 * ((usize) >= 64 ? 4 : (usize) >= 9 ? 3 : (usize) >= 1 ? 2 : 1))

TEST(literal_streams_decode_in_place)
{
    static stream_buf s;
    static uint8_t data[3 * 65536 + 17];
    size_t sizes[] = { 1, 59, 60, 61, 255, 256, 65535, 65536, 65537, 131072, 3 * 65536 + 17 };
    char why[256];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        random_bytes(data, sizes[i], i);
        s.n = 0;
        put_blocks(&s, data, sizes[i]);
        int ok = check_stream(s.b, s.n, sizes[i], why, sizeof why);
        CHECK_MSG(ok == RUNS_PER_STREAM(sizes[i]), "size %zu: %d accepted (%s)", sizes[i], ok, ok < 0 ? why : "");
    }
    /* odd literal sizes, every length-byte form */
    s.n = 0;
    size_t lens[] = { 3, 61, 300, 70000, 1, 65536 }, total = 0;
    for (size_t i = 0; i < 6; i++) total += lens[i];
    random_bytes(data, total, 99);
    put_preamble(&s, (uint32_t)total);
    for (size_t i = 0, o = 0; i < 6; o += lens[i++]) put_literal(&s, data + o, lens[i]);
    int ok = check_stream(s.b, s.n, total, why, sizeof why);
    CHECK_MSG(ok == RUNS_PER_STREAM(total), "%d accepted (%s)", ok, ok < 0 ? why : "");
}

TEST(copies_overlap_and_cross_the_split)
{
    static stream_buf s;
    static uint8_t data[70000];
    random_bytes(data, sizeof data, 5);
    s.n = 0;
    put_preamble(&s, 2 + 10 + 11 + 20 + 64 + 70000 + 7);
    put_literal(&s, (const uint8_t *)"ab", 2);
    put_copy(&s, 1, 2, 10);       /* overlapping: ababab... across the 9-byte split */
    put_copy(&s, 1, 1, 11);       /* run of one byte */
    put_copy(&s, 2, 23, 20);
    put_copy(&s, 4, 40, 64);
    put_literal(&s, data, sizeof data);
    put_copy(&s, 2, 65000, 7);
    char why[256];
    int ok = check_stream(s.b, s.n, 2 + 10 + 11 + 20 + 64 + 70000 + 7, why, sizeof why);
    CHECK_MSG(ok == 12, "%d accepted (%s)", ok, ok < 0 ? why : "");
}

TEST(libsnappy_output_round_trips)
{
    size_t n = 500000;
    uint8_t *data = malloc(n);
    char *packed = malloc(snappy_max_compressed_length(n));
    char why[256];
    for (int variant = 0; variant < 3; variant++) {
        random_bytes(data, n, 1000 + (uint64_t)variant);
        /* 1: a repeat now and then (a few copies); 2: mostly repeats */
        if (variant == 1)
            for (size_t o = 10000; o + 64 < n; o += 40000) memcpy(data + o, data + o - 5000, 32);
        if (variant == 2)
            for (size_t o = 0; o < n; o++) data[o] = (uint8_t)(o % 7 == 0 ? data[o] : 'x');
        size_t plen = snappy_max_compressed_length(n);
        CHECK(snappy_compress((const char *)data, n, packed, &plen) == SNAPPY_OK);
        int ok = check_stream((const uint8_t *)packed, plen, n, why, sizeof why);
        CHECK_MSG(ok >= 0, "variant %d: %s", variant, why);
        if (variant < 2) CHECK_MSG(ok == 12, "variant %d: only %d of 12 runs took the direct path", variant, ok);
    }
    free(data);
    free(packed);
}

/* kinetl's SNAPPY decompressor on copies of every length (1..64) at
 * offsets around its 16-byte blocks (1..20, 28..33, 47..49, 63..65, far),
 * in all three tag forms, the last ones close to the output's end (no
 * room for whole blocks): libsnappy's bytes, into an exact-size buffer. */
TEST(copy_lengths_and_offsets_match_libsnappy)
{
    static stream_buf s;
    static const size_t offs[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 20, 28, 31, 32, 33, 47, 48, 49,
                                   63, 64, 65, 100, 1000 };
    uint8_t seed[1000];
    random_bytes(seed, sizeof seed, 77);
    size_t total = sizeof seed;
    s.n = 0;
    /* first pass counts the output, second writes the stream */
    for (int pass = 0; pass < 2; pass++) {
        if (pass) put_preamble(&s, (uint32_t)total);
        if (pass) put_literal(&s, seed, sizeof seed);
        size_t out = sizeof seed;
        for (size_t len = 1; len <= 64; len++)
            for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
                int form = len >= 4 && len <= 11 && k % 3 == 0 ? 1 : k % 3 == 1 ? 4 : 2;
                if (pass) put_copy(&s, form, offs[k], len);
                out += len;
            }
        total = out;
    }
    uint8_t *want = malloc(total), *got = malloc(total);
    size_t want_len = total;
    CHECK(snappy_uncompress((const char *)s.b, s.n, (char *)want, &want_len) == SNAPPY_OK);
    CHECK_EQ_INT((long long)want_len, (long long)total);
    kt_error err;
    CHECK_OK(kt_pq_snappy_decompress(s.b, s.n, got, total, &err), &err);
    size_t bad = 0;
    while (bad < total && got[bad] == want[bad]) bad++;
    CHECK_MSG(bad == total, "byte %zu of %zu differs from libsnappy", bad, total);
    free(want);
    free(got);
}

TEST(corrupt_streams_are_declined)
{
    static stream_buf s, t;
    static uint8_t data[140000];
    random_bytes(data, sizeof data, 7);
    char why[256];
    s.n = 0;
    put_blocks(&s, data, sizeof data);
    /* truncated anywhere near the tags, and a wrong declared size */
    size_t cuts[] = { 0, 1, 2, 3, 4, 5, 65539, 65540, 65541, 131075, 131076, s.n - 1 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        int ok = check_stream(s.b, cuts[i], sizeof data, why, sizeof why);
        CHECK_MSG(ok == 0, "cut at %zu: %d accepted (%s)", cuts[i], ok, ok < 0 ? why : "");
    }
    CHECK_EQ_INT(check_stream(s.b, s.n, sizeof data - 1, why, sizeof why), 0);
    CHECK_EQ_INT(check_stream(s.b, s.n, sizeof data + 1, why, sizeof why), 0);
    /* trailing bytes after a complete stream */
    memcpy(t.b, s.b, s.n);
    t.n = s.n;
    put_literal(&t, data, 1);
    CHECK_EQ_INT(check_stream(t.b, t.n, sizeof data, why, sizeof why), 0);
    /* copies: before any output, offset 0, reaching before the start,
     * running past the declared size */
    struct { bool lit; size_t offset, len, declared; } bad[] = {
        { false, 1, 4, 4 }, { true, 0, 4, 8 }, { true, 5, 4, 8 }, { true, 1, 64, 14 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t.n = 0;
        put_preamble(&t, (uint32_t)bad[i].declared);
        if (bad[i].lit) put_literal(&t, data, 4);
        put_copy(&t, 2, bad[i].offset, bad[i].len);
        CHECK_MSG(check_stream(t.b, t.n, bad[i].declared, why, sizeof why) == 0, "case %zu", i);
    }
    /* a preamble varint longer than 5 bytes, and one above 2^32 */
    uint8_t long_varint[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00 };
    CHECK_EQ_INT(check_stream(long_varint, sizeof long_varint, 0, why, sizeof why), 0);
    uint8_t huge_varint[] = { 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00 };
    CHECK_EQ_INT(check_stream(huge_varint, sizeof huge_varint, 5, why, sizeof why), 0);
    /* more small elements than are worth reading one by one */
    t.n = 0;
    put_preamble(&t, 4 + 100 * 4);
    put_literal(&t, data, 4);
    for (int i = 0; i < 100; i++) put_copy(&t, 1, 4, 4);
    CHECK_EQ_INT(check_stream(t.b, t.n, 4 + 100 * 4, why, sizeof why), 0);
}

TEST(stored_pages_split_and_check_sizes)
{
    static uint8_t data[100000];
    random_bytes(data, sizeof data, 3);
    for (int mode = 0; mode < MODES; mode++) {
        direct_run r = direct_decode(data, sizeof data, sizeof data, 9, mode, true);
        CHECK_OK(r.st, NULL);
        CHECK(r.done);
        CHECK(memcmp(r.out, data, sizeof data) == 0);
        free(r.out);
        r = direct_decode(data, sizeof data, sizeof data - 1, 0, mode, true);   /* sizes disagree */
        CHECK(r.st == KT_OK && !r.done);
        free(r.out);
    }
}

TEST(a_file_that_shrank_is_an_io_error)
{
    static stream_buf s;
    static uint8_t data[200000];
    random_bytes(data, sizeof data, 11);
    s.n = 0;
    put_blocks(&s, data, sizeof data);
    FILE *tmp = tmpfile();
    CHECK(tmp != NULL);
    uint8_t pad[PAD] = { 0 };
    CHECK(fwrite(pad, 1, PAD, tmp) == PAD && fwrite(s.b, 1, s.n, tmp) == s.n && fflush(tmp) == 0);
    int fd = fileno(tmp);
    CHECK(ftruncate(fd, PAD + 100000) == 0);
    kt_pq_reader r;
    memset(&r, 0, sizeof r);
    r.fd = fd;
    r.file_size = s.n + 2 * PAD;
    kt_buf_init(&r.chunk);
    kt_error err = { 0 };
    kt_pq_chunk c = { .r = &r, .len = s.n + 2 * PAD, .err = &err };
    uint8_t *dst = malloc(sizeof data);
    bool done = true;
    kt_status st = kt_pq_direct_snappy(&c, PAD, s.n, sizeof data, NULL, 0, dst, &done);
    fclose(tmp);
    free(dst);
    CHECK_EQ_INT(st, KT_ERR_IO);
    CHECK(!done);
    CHECK_MSG(strstr(err.msg, "file shrank") != NULL, "%s", err.msg);
}

/* ---- end to end through kt_pq_read_row_group ---- */

static double value_at(int col, size_t row)
{
    uint64_t h = mix((uint64_t)col << 40 | row);
    return (double)(int64_t)(h >> 11) * 1e-9 - 4.5e6;   /* noisy: snappy cannot compress it */
}

static bool is_null(int col, size_t row)
{
    return col == 2 && mix(row * 7 + 1) % 5 == 0;
}

#define E2E_ROWS 300000

static kt_status write_e2e(const char *path, kt_pq_codec codec, size_t page_bytes, size_t rg_rows, kt_error *err)
{
    kt_pq_field fields[3] = {
        { "req", KT_PQ_W_DOUBLE, false }, { "opt", KT_PQ_W_DOUBLE, true }, { "nulls", KT_PQ_W_DOUBLE, true },
    };
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = codec;
    o.page_bytes = page_bytes;
    o.row_group_rows = rg_rows;
    o.no_fsync = true;
    kt_column cols[3];
    for (int c = 0; c < 3; c++) {
        kt_column_init(&cols[c], KT_DOUBLE);
        for (size_t i = 0; i < E2E_ROWS; i++) {
            kt_status st = is_null(c, i) ? kt_column_push_null(&cols[c]) : kt_column_push_double(&cols[c], value_at(c, i));
            if (st != KT_OK) return st;
        }
    }
    kt_pq_writer *w = NULL;
    kt_status st = kt_pq_writer_open(path, fields, 3, &o, &w, err);
    if (st == KT_OK) st = kt_pq_writer_write(w, cols, E2E_ROWS, err);
    if (st == KT_OK) st = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    for (int c = 0; c < 3; c++) kt_column_free(&cols[c]);
    return st;
}

static const char *check_e2e(kt_pq_reader *r, size_t window, char *why, size_t why_len)
{
    if (window) r->window = window;
    int idx[3] = { 0, 1, 2 };
    kt_column out[3];
    for (int c = 0; c < 3; c++) kt_column_init(&out[c], KT_DOUBLE);
    kt_error err;
    size_t first = 0;
    const char *fail = NULL;
    for (int g = 0; g < kt_pq_num_row_groups(r) && !fail; g++) {
        if (kt_pq_read_row_group(r, g, idx, 3, out, &err) != KT_OK) {
            snprintf(why, why_len, "%s", err.msg);
            fail = why;
            break;
        }
        for (int c = 0; c < 3 && !fail; c++)
            for (size_t i = 0; i < out[c].len && !fail; i++) {
                size_t row = first + i;
                bool want_null = is_null(c, row);
                if (kt_column_is_valid(&out[c], i) == want_null ||
                    (!want_null && KT_COL_DOUBLE(&out[c])[i] != value_at(c, row))) {
                    snprintf(why, why_len, "column %d row %zu differs", c, row);
                    fail = why;
                }
            }
        first += out[0].len;
    }
    if (!fail && first != E2E_ROWS) {
        snprintf(why, why_len, "%zu rows read", first);
        fail = why;
    }
    for (int c = 0; c < 3; c++) kt_column_free(&out[c]);
    return fail;
}

TEST(written_files_read_back_through_every_path)
{
    char path[64], why[256];
    snprintf(path, sizeof path, "/tmp/kt_direct_e2e_%d.parquet", (int)getpid());
    kt_pq_codec codecs[] = { KT_PQ_CODEC_SNAPPY, KT_PQ_CODEC_UNCOMPRESSED, KT_PQ_CODEC_ZSTD };
    size_t pages[] = { (size_t)1 << 20, 100000, (size_t)8 << 20 };
    for (size_t k = 0; k < 3; k++)
        for (size_t p = 0; p < 3; p++) {
            kt_error err;
            CHECK_OK(write_e2e(path, codecs[k], pages[p], 200000, &err), &err);
            size_t windows[] = { 0, 100, 70000 };
            for (size_t w = 0; w < 3; w++) {
                kt_pq_reader *r;
                CHECK_OK(kt_pq_open(path, &r, &err), &err);
                kt_pq_set_huge_pages(r, w == 0);   /* advice only: same values */
                const char *fail = check_e2e(r, windows[w], why, sizeof why);
                kt_pq_close(r);
                CHECK_MSG(!fail, "codec %d page %zu window %zu: %s", (int)codecs[k], pages[p], windows[w], fail);
            }
            FILE *f = fopen(path, "rb");
            CHECK(f != NULL);
            fseek(f, 0, SEEK_END);
            long size = ftell(f);
            fseek(f, 0, SEEK_SET);
            uint8_t *mem = malloc((size_t)size);
            CHECK(fread(mem, 1, (size_t)size, f) == (size_t)size);
            fclose(f);
            kt_pq_reader *r;
            CHECK_OK(kt_pq_open_memory(mem, (size_t)size, "mem", &r, &err), &err);
            const char *fail = check_e2e(r, 0, why, sizeof why);
            kt_pq_close(r);
            free(mem);
            CHECK_MSG(!fail, "memory, codec %d page %zu: %s", (int)codecs[k], pages[p], fail);
        }
    unlink(path);
}

/* With huge pages on, an empty column's array of 2 MiB or more starts on
 * a 2 MiB boundary (so it can hold whole huge pages), and a column that
 * already has room keeps its own memory; values are the same either way. */
TEST(huge_pages_align_large_arrays_when_on)
{
    char path[64], why[256];
    snprintf(path, sizeof path, "/tmp/kt_direct_huge_%d.parquet", (int)getpid());
    kt_error err;
    const char *fail;
    CHECK_OK(write_e2e(path, KT_PQ_CODEC_SNAPPY, (size_t)1 << 20, E2E_ROWS, &err), &err);
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open(path, &r, &err), &err);
    kt_pq_set_huge_pages(r, true);
    CHECK_EQ_INT(kt_pq_num_row_groups(r), 1);
    int idx[2] = { 0, 1 };
    kt_column out[2];
    for (int c = 0; c < 2; c++) kt_column_init(&out[c], KT_DOUBLE);
    CHECK_OK(kt_pq_read_row_group(r, 0, idx, 2, out, &err), &err);
    for (int c = 0; c < 2; c++) {
        CHECK_EQ_INT((long long)out[c].len, E2E_ROWS);
        CHECK_MSG((uintptr_t)out[c].values % ((uintptr_t)2 << 20) == 0, "column %d not 2 MiB-aligned", c);
    }
    void *kept = out[0].values;
    CHECK_OK(kt_pq_read_row_group(r, 0, idx, 2, out, &err), &err);
    CHECK(out[0].values == kept);   /* refilled in place */
    for (int c = 0; c < 2; c++) kt_column_free(&out[c]);
    kt_pq_close(r);
    CHECK_OK(kt_pq_open(path, &r, &err), &err);
    kt_pq_set_huge_pages(r, true);
    fail = check_e2e(r, 0, why, sizeof why);
    kt_pq_close(r);
    CHECK_MSG(!fail, "huge pages on: %s", fail);
    CHECK_OK(kt_pq_open(path, &r, &err), &err);
    kt_pq_set_huge_pages(r, false);
    fail = check_e2e(r, 0, why, sizeof why);
    kt_pq_close(r);
    CHECK_MSG(!fail, "huge pages off: %s", fail);
    unlink(path);
}

/* Past fuzzer finds of either harness, through the direct one (inputs
 * of the Parquet harness are just more byte strings here). */
TEST(fuzz_regressions_replay)
{
    DIR *d = opendir("tests/fuzz/regressions");
    CHECK_MSG(d != NULL, "cannot open tests/fuzz/regressions (run from the repository root)");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regressions/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static uint8_t b[1 << 20];
        size_t len = fread(b, 1, sizeof b, f);
        fclose(f);
        direct_harness_run(b, len);   /* aborts on a violation */
    }
    closedir(d);
}

TEST_MAIN_BEGIN("parquet_read_direct")
RUN(ctx, literal_streams_decode_in_place);
RUN(ctx, copies_overlap_and_cross_the_split);
RUN(ctx, libsnappy_output_round_trips);
RUN(ctx, copy_lengths_and_offsets_match_libsnappy);
RUN(ctx, corrupt_streams_are_declined);
RUN(ctx, stored_pages_split_and_check_sizes);
RUN(ctx, a_file_that_shrank_is_an_io_error);
RUN(ctx, written_files_read_back_through_every_path);
RUN(ctx, huge_pages_align_large_arrays_when_on);
RUN(ctx, fuzz_regressions_replay);
TEST_MAIN_END()
