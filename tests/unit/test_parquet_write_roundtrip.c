/*
 * tests/unit/test_parquet_write_roundtrip.c — random schemas, options and
 * batches written by kt_pq_writer and read back with kt_pq_reader: every
 * value must come back bit for bit, row groups must split where the
 * options say, and each row group's statistics (and the writer's file
 * summary) must equal min/max/null_count recomputed here by brute force
 * with the spec's orders. The oracle test checks the same files against
 * DuckDB, Polars and arrow-rs; this one covers many more shapes cheaply.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/column.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

#define MAX_COLS 8
#define LONG_STRING 300   /* over the writer's 256-byte statistics limit */

typedef struct rng { uint64_t s; } rng;

static uint64_t next(rng *r)
{
    r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t x = r->s;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 32);
}

static uint64_t below(rng *r, uint64_t n) { return n ? next(r) % n : 0; }

static kt_type column_type(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return KT_BOOL;
    case KT_PQ_W_INT32: return KT_INT32;
    case KT_PQ_W_DOUBLE: return KT_DOUBLE;
    case KT_PQ_W_STRING: return KT_BYTES;
    default: return KT_INT64;
    }
}

/* One random value of the field's type; `vocab` picks from a few values
 * (strings for dictionaries, doubles around zero for the signed-zero rule). */
static kt_status push_random(rng *r, kt_column *c, const kt_pq_field *f, int null_pct, bool vocab)
{
    if (f->nullable && (int)below(r, 100) < null_pct) return kt_column_push_null(c);
    switch (f->type) {
    case KT_PQ_W_BOOL: return kt_column_push_bool(c, below(r, 2));
    case KT_PQ_W_INT32: {
        static const int32_t special[] = { INT32_MIN, INT32_MAX, 0, -1, 1 };
        return kt_column_push_i32(c, below(r, 8) == 0 ? special[below(r, 5)] : (int32_t)next(r));
    }
    case KT_PQ_W_DOUBLE: {
        static const double special[] = { NAN, -0.0, 0.0, INFINITY, -INFINITY, 5e-324, -1.5, 1e308 };
        static const double nonpositive[] = { -0.0, 0.0, -1.5, NAN, -2.0 };   /* zero often the max */
        if (vocab) return kt_column_push_double(c, nonpositive[below(r, 5)]);
        if (below(r, 6) == 0) return kt_column_push_double(c, special[below(r, 8)]);
        uint64_t bits = next(r);   /* any bit pattern, NaN payloads included */
        double d;
        memcpy(&d, &bits, 8);
        return kt_column_push_double(c, d);
    }
    case KT_PQ_W_STRING: {
        char buf[LONG_STRING];
        size_t len;
        bool last_present = c->len > 0 && (!c->valid || c->valid[c->len - 1]);
        if (vocab && last_present && below(r, 2) == 0) {
            /* runs of one value: the encoder's repeat shortcut, across
             * pages and a dictionary falling back to PLAIN mid-run */
            len = (size_t)(c->offsets[c->len] - c->offsets[c->len - 1]);
            memcpy(buf, c->bytes + c->offsets[c->len - 1], len);
        } else if (vocab) {
            len = (size_t)snprintf(buf, sizeof buf, "w%d", (int)below(r, 12));
            if (below(r, 20) == 0) len = 0;
        } else {
            len = below(r, 50) == 0 ? LONG_STRING : below(r, 24);
            for (size_t k = 0; k < len; k++) buf[k] = (char)below(r, 256);
        }
        return kt_column_push_bytes(c, buf, len);
    }
    default: {
        static const int64_t special[] = { INT64_MIN, INT64_MAX, 0, -1 };
        return kt_column_push_i64(c, below(r, 8) == 0 ? special[below(r, 4)] : (int64_t)next(r));
    }
    }
}

/* ---- brute-force expected statistics over rows [lo, hi) of a column ---- */

typedef struct expect_stats {
    int64_t nulls;
    bool has;
    int64_t min_i, max_i;
    double min_d, max_d;
    const char *min_s, *max_s;
    size_t min_len, max_len;
} expect_stats;

static int bytes_order(const char *a, size_t al, const char *b, size_t bl)
{
    for (size_t k = 0; k < al && k < bl; k++)
        if ((unsigned char)a[k] != (unsigned char)b[k]) return (unsigned char)a[k] < (unsigned char)b[k] ? -1 : 1;
    return al < bl ? -1 : al > bl ? 1 : 0;
}

static expect_stats brute_stats(const kt_column *c, kt_pq_wtype t, size_t lo, size_t hi)
{
    expect_stats e = { 0 };
    for (size_t i = lo; i < hi; i++) {
        if (!kt_column_is_valid(c, i)) { e.nulls++; continue; }
        if (t == KT_PQ_W_DOUBLE) {
            double d = KT_COL_DOUBLE(c)[i];
            if (isnan(d)) continue;
            if (!e.has || d < e.min_d) e.min_d = d;
            if (!e.has || d > e.max_d) e.max_d = d;
        } else if (t == KT_PQ_W_STRING) {
            size_t len;
            const char *s = kt_column_bytes_at(c, i, &len);
            if (!e.has || bytes_order(s, len, e.min_s, e.min_len) < 0) { e.min_s = s; e.min_len = len; }
            if (!e.has || bytes_order(s, len, e.max_s, e.max_len) > 0) { e.max_s = s; e.max_len = len; }
        } else {
            int64_t v = t == KT_PQ_W_BOOL ? KT_COL_BOOL(c)[i] : t == KT_PQ_W_INT32 ? KT_COL_I32(c)[i] : KT_COL_I64(c)[i];
            if (!e.has || v < e.min_i) e.min_i = v;
            if (!e.has || v > e.max_i) e.max_i = v;
        }
        e.has = true;
    }
    if (e.has && e.min_d == 0) e.min_d = -0.0;
    if (e.has && e.max_d == 0) e.max_d = 0.0;
    return e;
}

static bool same_double(double a, double b) { return memcmp(&a, &b, 8) == 0; }

/* Compares a value of `got` row gi with `want` row wi; both of the same kt_type. */
static bool same_value(const kt_column *got, size_t gi, const kt_column *want, size_t wi)
{
    bool gv = kt_column_is_valid(got, gi), wv = kt_column_is_valid(want, wi);
    if (gv != wv) return false;
    if (!gv) return true;
    switch (want->type) {
    case KT_BOOL: return (KT_COL_BOOL(got)[gi] != 0) == (KT_COL_BOOL(want)[wi] != 0);
    case KT_INT32: return KT_COL_I32(got)[gi] == KT_COL_I32(want)[wi];
    case KT_DOUBLE: return same_double(KT_COL_DOUBLE(got)[gi], KT_COL_DOUBLE(want)[wi]);
    case KT_BYTES: {
        size_t gl, wl;
        const char *g = kt_column_bytes_at(got, gi, &gl), *w = kt_column_bytes_at(want, wi, &wl);
        return gl == wl && (gl == 0 || memcmp(g, w, gl) == 0);
    }
    default: return KT_COL_I64(got)[gi] == KT_COL_I64(want)[wi];
    }
}

typedef struct trial {
    kt_pq_field fields[MAX_COLS];
    char names[MAX_COLS][8];
    int ncols;
    bool vocab[MAX_COLS];
    int null_pct[MAX_COLS];
    kt_pq_write_options opts;
    kt_column all[MAX_COLS];   /* every row written, for comparison */
    size_t rows;
} trial;

static const kt_pq_codec CODECS[] = { KT_PQ_CODEC_ZSTD, KT_PQ_CODEC_SNAPPY, KT_PQ_CODEC_UNCOMPRESSED,
                                      KT_PQ_CODEC_GZIP, KT_PQ_CODEC_LZ4_RAW, KT_PQ_CODEC_BROTLI };

static void make_trial(rng *r, trial *t)
{
    memset(t, 0, sizeof *t);
    t->ncols = 1 + (int)below(r, MAX_COLS);
    for (int c = 0; c < t->ncols; c++) {
        snprintf(t->names[c], sizeof t->names[c], "c%d", c);
        t->fields[c] = (kt_pq_field){ t->names[c], (kt_pq_wtype)below(r, 6), below(r, 3) != 0 };
        t->vocab[c] = below(r, 2);
        static const int pcts[] = { 0, 10, 50, 100 };
        t->null_pct[c] = pcts[below(r, 4)];
        kt_column_init(&t->all[c], column_type(t->fields[c].type));
    }
    kt_pq_write_options_default(&t->opts);
    t->opts.no_fsync = true;
    t->opts.codec = CODECS[below(r, 6)];
    t->opts.row_group_rows = 1 + below(r, 3000);
    t->opts.page_bytes = 64 + below(r, 8192);
    t->opts.dict_max_bytes = 16 + below(r, 2048);
    t->opts.dictionary = below(r, 4) != 0;
}

static kt_status write_trial(rng *r, trial *t, const char *path, kt_pq_writer **out, kt_error *err)
{
    KT_TRY(kt_pq_writer_open(path, t->fields, (size_t)t->ncols, &t->opts, out, err));
    int batches = (int)below(r, 5);
    kt_column batch[MAX_COLS];
    for (int c = 0; c < t->ncols; c++) kt_column_init(&batch[c], column_type(t->fields[c].type));
    kt_status s = KT_OK;
    for (int b = 0; b < batches && s == KT_OK; b++) {
        size_t n = below(r, 4) == 0 ? 0 : below(r, 4000);
        for (int c = 0; c < t->ncols; c++) kt_column_clear(&batch[c]);
        for (size_t i = 0; i < n && s == KT_OK; i++)
            for (int c = 0; c < t->ncols && s == KT_OK; c++) {
                s = push_random(r, &batch[c], &t->fields[c], t->null_pct[c], t->vocab[c]);
                if (s == KT_OK) s = kt_column_push_from(&t->all[c], &batch[c], batch[c].len - 1);
            }
        if (s == KT_OK) s = kt_pq_writer_write(*out, batch, n, err);
        t->rows += n;
    }
    for (int c = 0; c < t->ncols; c++) kt_column_free(&batch[c]);
    if (s == KT_OK) s = kt_pq_writer_close(*out, err);
    return s;
}

/* Reads every row group back; returns a description of the first mismatch or NULL. */
static const char *verify(const trial *t, const char *path, const kt_pq_writer *w, char *why, size_t cap)
{
    kt_error err = { 0 };
    kt_pq_reader *rd;
    if (kt_pq_open(path, &rd, &err) != KT_OK) return snprintf(why, cap, "open: %s", err.msg), why;
    const char *res = NULL;
    int cols[MAX_COLS];
    kt_column got[MAX_COLS];
    for (int c = 0; c < t->ncols; c++) { cols[c] = c; kt_column_init(&got[c], KT_INT64); }
    size_t base = 0;
    int rgs = kt_pq_num_row_groups(rd);
    int want_rgs = (int)((t->rows + t->opts.row_group_rows - 1) / t->opts.row_group_rows);
    if (kt_pq_num_rows(rd) != (int64_t)t->rows || rgs != want_rgs) {
        snprintf(why, cap, "%lld rows in %d row groups, expected %zu in %d", (long long)kt_pq_num_rows(rd), rgs,
                 t->rows, want_rgs);
        res = why;
    }
    for (int g = 0; g < rgs && !res; g++) {
        size_t n = (size_t)kt_pq_row_group_rows(rd, g);
        if (kt_pq_read_row_group(rd, g, cols, t->ncols, got, &err) != KT_OK) {
            snprintf(why, cap, "row group %d: %s", g, err.msg);
            res = why;
            break;
        }
        for (int c = 0; c < t->ncols && !res; c++) {
            for (size_t i = 0; i < n && !res; i++)
                if (!same_value(&got[c], i, &t->all[c], base + i)) {
                    snprintf(why, cap, "row group %d column %d (%d) row %zu differs", g, c, (int)t->fields[c].type,
                             base + i);
                    res = why;
                }
            expect_stats e = brute_stats(&t->all[c], t->fields[c].type, base, base + n);
            if (t->fields[c].type == KT_PQ_W_STRING && (e.min_len > 256 || e.max_len > 256)) e.has = false;
            kt_pq_column_stats s;
            kt_pq_column_stats_get(rd, g, c, &s);
            bool ok = s.has_null_count && s.null_count == e.nulls && s.has_min_max == e.has;
            if (ok && e.has) {
                if (t->fields[c].type == KT_PQ_W_DOUBLE)
                    ok = same_double(s.min_d, e.min_d) && same_double(s.max_d, e.max_d);
                else if (t->fields[c].type == KT_PQ_W_STRING)
                    ok = s.min_len == e.min_len && s.max_len == e.max_len &&
                         (!e.min_len || memcmp(s.min_bytes, e.min_s, e.min_len) == 0) &&
                         (!e.max_len || memcmp(s.max_bytes, e.max_s, e.max_len) == 0);
                else
                    ok = s.min_i == e.min_i && s.max_i == e.max_i;
            }
            if (!ok && !res) {
                snprintf(why, cap, "row group %d column %d (type %d): statistics differ (nulls %lld vs %lld, has %d vs %d)",
                         g, c, (int)t->fields[c].type, (long long)s.null_count, (long long)e.nulls, s.has_min_max, e.has);
                res = why;
            }
        }
        base += n;
    }
    for (int c = 0; c < t->ncols && !res; c++) {
        expect_stats e = brute_stats(&t->all[c], t->fields[c].type, 0, t->rows);
        const kt_pq_column_summary *s = kt_pq_writer_summary(w, (size_t)c);
        bool ok = s && s->null_count == e.nulls && s->has_min_max == e.has;
        if (ok && e.has) {
            if (t->fields[c].type == KT_PQ_W_DOUBLE) ok = same_double(s->min_d, e.min_d) && same_double(s->max_d, e.max_d);
            else if (t->fields[c].type == KT_PQ_W_STRING)
                ok = s->min_len == e.min_len && s->max_len == e.max_len && memcmp(s->min_s, e.min_s, e.min_len) == 0 &&
                     memcmp(s->max_s, e.max_s, e.max_len) == 0 && s->min_s[e.min_len] == 0 && s->max_s[e.max_len] == 0;
            else ok = s->min_i == e.min_i && s->max_i == e.max_i;
        }
        if (!ok) { snprintf(why, cap, "summary of column %d differs", c); res = why; }
    }
    for (int c = 0; c < t->ncols; c++) kt_column_free(&got[c]);
    kt_pq_close(rd);
    return res;
}

TEST(random_files_roundtrip_with_exact_statistics)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/kt_pq_roundtrip_%ld.parquet", (long)getpid());
    for (uint64_t seed = 1; seed <= 60; seed++) {
        rng r = { seed * 0x9E3779B97F4A7C15ull };
        trial t;
        make_trial(&r, &t);
        kt_error err = { 0 };
        kt_pq_writer *w = NULL;
        kt_status s = write_trial(&r, &t, path, &w, &err);
        char why[1200];
        const char *bad = s == KT_OK ? verify(&t, path, w, why, sizeof why) : err.msg;
        kt_pq_writer_free(w);
        for (int c = 0; c < t.ncols; c++) kt_column_free(&t.all[c]);
        unlink(path);
        CHECK_MSG(bad == NULL, "seed %llu (codec %d, rg %zu, page %zu, dict %d/%zu): %s",
                  (unsigned long long)seed, (int)t.opts.codec, t.opts.row_group_rows, t.opts.page_bytes,
                  t.opts.dictionary, t.opts.dict_max_bytes, bad);
    }
}

static int slurp(const char *path, kt_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) kt_buf_append(out, chunk, n);
    fclose(f);
    return 0;
}

/* Strings given as codes into a caller's dictionary (its own order, a
 * string listed twice, entries no row uses) write the same file, byte for
 * byte, as the strings themselves: with and without dictionary encoding,
 * through dictionary fallbacks, with nulls, over several batches and row
 * groups. A code outside its dictionary, or codes for a non-string field,
 * are usage errors. */
TEST(coded_strings_write_the_same_file)
{
    enum { VOCAB = 40 };
    char vocab[VOCAB][LONG_STRING + 8];
    size_t vlen[VOCAB];
    for (int k = 0; k < VOCAB; k++) {
        vlen[k] = k == 0 ? 0 : k == 1 ? LONG_STRING : (size_t)snprintf(vocab[k], sizeof vocab[k], "value-%d-%x", k, k * 7919);
        if (k == 1) memset(vocab[k], 'z', LONG_STRING);
    }
    char a[256], b[256];
    snprintf(a, sizeof a, "/tmp/kt_pq_coded_a_%ld.parquet", (long)getpid());
    snprintf(b, sizeof b, "/tmp/kt_pq_coded_b_%ld.parquet", (long)getpid());
    const kt_pq_field fields[3] = { { "s", KT_PQ_W_STRING, true }, { "n", KT_PQ_W_INT64, false },
                                    { "t", KT_PQ_W_STRING, false } };
    for (uint64_t seed = 1; seed <= 24; seed++) {
        rng r = { seed * 0x2545F4914F6CDD1Dull };
        kt_pq_write_options o;
        kt_pq_write_options_default(&o);
        o.no_fsync = true;
        o.codec = CODECS[below(&r, 6)];
        o.row_group_rows = 1 + below(&r, 2000);
        o.page_bytes = 64 + below(&r, 4096);
        o.dict_max_bytes = 16 + below(&r, 1024);
        o.dictionary = below(&r, 4) != 0;
        kt_column dict; /* vocabulary reversed, entry 5 twice, two unused entries */
        kt_column_init(&dict, KT_BYTES);
        kt_column_push_bytes(&dict, "unused", 6);
        int code_of[VOCAB];
        for (int k = VOCAB; k-- > 0;) {
            code_of[k] = (int)dict.len;
            kt_column_push_bytes(&dict, vocab[k], vlen[k]);
            if (k == 5) kt_column_push_bytes(&dict, vocab[k], vlen[k]); /* rows use either copy */
        }
        kt_column_push_bytes(&dict, "unused too", 10);
        kt_pq_writer *wa = NULL, *wb = NULL;
        kt_error err = { 0 };
        CHECK_OK(kt_pq_writer_open(a, fields, 3, &o, &wa, &err), &err);
        CHECK_OK(kt_pq_writer_open(b, fields, 3, &o, &wb, &err), &err);
        int batches = 1 + (int)below(&r, 4);
        for (int bt = 0; bt < batches; bt++) {
            size_t n = below(&r, 3000);
            kt_column str[3], coded[3];
            kt_column_init(&str[0], KT_BYTES), kt_column_init(&str[1], KT_INT64), kt_column_init(&str[2], KT_BYTES);
            kt_column_init(&coded[0], KT_INT32), kt_column_init(&coded[2], KT_INT32);
            int span = 1 + (int)below(&r, VOCAB); /* how many distinct strings this batch draws from */
            for (size_t i = 0; i < n; i++) {
                for (int c = 0; c < 3; c += 2) {
                    if (c == 0 && below(&r, 5) == 0) {
                        kt_column_push_null(&str[0]);
                        kt_column_push_null(&coded[0]);
                        continue;
                    }
                    int k = (int)below(&r, (uint64_t)span);
                    kt_column_push_bytes(&str[c], vocab[k], vlen[k]);
                    kt_column_push_i32(&coded[c], code_of[k] + (k == 5 && below(&r, 2)));
                }
                kt_column_push_i64(&str[1], (int64_t)i);
            }
            coded[1] = str[1]; /* shared, only read */
            const kt_column *dicts[3] = { &dict, NULL, &dict };
            CHECK_OK(kt_pq_writer_write(wa, str, n, &err), &err);
            CHECK_OK(kt_pq_writer_write_coded(wb, coded, dicts, n, &err), &err);
            kt_column_free(&str[0]), kt_column_free(&str[1]), kt_column_free(&str[2]);
            kt_column_free(&coded[0]), kt_column_free(&coded[2]);
        }
        CHECK_OK(kt_pq_writer_close(wa, &err), &err);
        CHECK_OK(kt_pq_writer_close(wb, &err), &err);
        kt_pq_writer_free(wa);
        kt_pq_writer_free(wb);
        kt_buf fa, fb;
        kt_buf_init(&fa), kt_buf_init(&fb);
        CHECK(slurp(a, &fa) == 0 && slurp(b, &fb) == 0);
        CHECK_MSG(fa.len == fb.len && memcmp(fa.data, fb.data, fa.len) == 0,
                  "seed %llu (dict %d/%zu, page %zu, rg %zu): files differ (%zu vs %zu bytes)",
                  (unsigned long long)seed, o.dictionary, o.dict_max_bytes, o.page_bytes, o.row_group_rows, fa.len,
                  fb.len);
        kt_buf_free(&fa), kt_buf_free(&fb);
        kt_column_free(&dict);
    }
    unlink(a);
    unlink(b);

    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    kt_column dict, codes, n;
    kt_column_init(&dict, KT_BYTES), kt_column_init(&codes, KT_INT32), kt_column_init(&n, KT_INT64);
    kt_column_push_bytes(&dict, "only", 4);
    kt_column_push_i32(&codes, 0), kt_column_push_i32(&codes, 1);
    kt_column_push_i64(&n, 1), kt_column_push_i64(&n, 2);
    kt_column cols[3] = { codes, n, codes };
    const kt_column *dicts[3] = { &dict, NULL, &dict };
    kt_pq_writer *w = NULL;
    kt_error err = { 0 };
    CHECK_OK(kt_pq_writer_open(a, fields, 3, &o, &w, &err), &err);
    CHECK_EQ_INT(kt_pq_writer_write_coded(w, cols, dicts, 2, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "outside its dictionary") != NULL);
    kt_pq_writer_free(w);
    const kt_column *wrong[3] = { NULL, &dict, NULL }; /* codes for the INT64 field */
    kt_column ok_cols[3] = { dict, n, dict };
    CHECK_OK(kt_pq_writer_open(a, fields, 3, &o, &w, &err), &err);
    CHECK_EQ_INT(kt_pq_writer_write_coded(w, ok_cols, wrong, 1, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "dictionary codes need a STRING field") != NULL);
    kt_pq_writer_free(w);
    unlink(a);
    kt_column_free(&dict), kt_column_free(&codes), kt_column_free(&n);
}

TEST(footer_reads_back)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/kt_pq_footer_%ld.parquet", (long)getpid());
    const kt_pq_field f[3] = { { "t", KT_PQ_W_TIMESTAMP_US, false }, { "s", KT_PQ_W_STRING, true },
                               { "n", KT_PQ_W_INT32, true } };
    const kt_pq_key_value kv[2] = { { "a", "1" }, { "b", NULL } };
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.no_fsync = true;
    o.kv = kv;
    o.num_kv = 2;
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, f, 3, &o, &w, &err), &err);
    kt_column c[3];
    kt_column_init(&c[0], KT_INT64);
    kt_column_init(&c[1], KT_BYTES);
    kt_column_init(&c[2], KT_INT32);
    for (int i = 0; i < 100; i++) {
        kt_column_push_i64(&c[0], 1669236000444000 + i);
        kt_column_push_bytes(&c[1], i % 2 ? "odd" : "even", i % 2 ? 3 : 4);
        kt_column_push_null(&c[2]);
    }
    CHECK_OK(kt_pq_writer_write(w, c, 100, &err), &err);
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    kt_pq_writer_free(w);
    for (int i = 0; i < 3; i++) kt_column_free(&c[i]);
    kt_pq_reader *rd;
    CHECK_OK(kt_pq_open(path, &rd, &err), &err);
    const kt_pq_file_meta *m = kt_pq_file_metadata(rd);
    const kt_pq_column_info *t = kt_pq_column(rd, 0), *s = kt_pq_column(rd, 1), *n = kt_pq_column(rd, 2);
    bool ok_meta = m->created_by && strcmp(m->created_by, "kinetl version " KT_VERSION) == 0 && m->has_column_orders &&
                   m->num_kv == 2 && strcmp(m->kv[0].key, "a") == 0 && strcmp(m->kv[0].value, "1") == 0 &&
                   strcmp(m->kv[1].key, "b") == 0 && m->kv[1].value == NULL;
    bool ok_types = t->is_timestamp && t->unit == KT_PQ_UNIT_MICROS && t->utc && !t->nullable &&
                    s->logical.kind == KT_PQ_LT_STRING && s->nullable && n->physical == KT_PQ_INT32;
    const kt_pq_column_meta *sm = &m->row_groups[0].columns[1].meta_data;
    bool has_dict_enc = false;
    for (int i = 0; i < sm->num_encodings; i++) has_dict_enc |= sm->encodings[i] == KT_PQ_ENC_RLE_DICTIONARY;
    bool ok_chunk = sm->has_dictionary_page_offset && has_dict_enc && sm->num_values == 100 && sm->codec == KT_PQ_CODEC_ZSTD;
    kt_pq_close(rd);
    unlink(path);
    CHECK(ok_meta);
    CHECK(ok_types);
    CHECK(ok_chunk);
}

TEST_MAIN_BEGIN("parquet_write_roundtrip")
    RUN(ctx, random_files_roundtrip_with_exact_statistics);
    RUN(ctx, footer_reads_back);
    RUN(ctx, coded_strings_write_the_same_file);
TEST_MAIN_END()
