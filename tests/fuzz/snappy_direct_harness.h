/*
 * tests/fuzz/snappy_direct_harness.h — differential harness for the
 * reader's direct page path (src/format/parquet/reader_direct.c): a page
 * body is decoded straight into a split output buffer from memory, from
 * a file, or from a file whose window already holds part of the page.
 * libsnappy is the oracle: whenever the direct decoder accepts a stream,
 * libsnappy must accept it too with the same bytes; a stored page must
 * come back byte for byte; and kinetl's own SNAPPY decompressor must give
 * libsnappy's verdict and bytes on every stream. Shared by the libFuzzer target
 * fuzz_snappy_direct.c and tests/unit/test_parquet_read_direct.c, which
 * also replays tests/fuzz/regressions/ through it. Aborts on a violation.
 */
#ifndef KT_TESTS_SNAPPY_DIRECT_HARNESS_H
#define KT_TESTS_SNAPPY_DIRECT_HARNESS_H

#include <snappy-c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

enum { FROM_MEMORY, FROM_FILE, FROM_FILE_WINDOWED, MODES };
#define PAD 7   /* the page starts PAD bytes into the chunk and the file */

typedef struct direct_run {
    kt_status st;
    bool done;
    uint8_t *out;   /* usize bytes, head and dst joined; the caller frees */
    char msg[256];
} direct_run;

static void direct_violation(const char *what)
{
    fprintf(stderr, "snappy direct harness: %s\n", what);
    abort();
}

/* Decodes page[0..csize) into usize bytes (the first head_len to their
 * own buffer) with stored or snappy semantics; the page sits PAD bytes
 * into the chunk, with PAD bytes of junk either side. */
static direct_run direct_decode(const uint8_t *page, size_t csize, size_t usize, size_t head_len, int mode,
                                bool stored)
{
    direct_run res = { .st = KT_ERR_INTERNAL };
    size_t flen = csize + 2 * PAD;
    uint8_t *file = malloc(flen);
    if (!file) direct_violation("out of memory");
    memset(file, 0xEE, flen);
    if (csize) memcpy(file + PAD, page, csize);
    kt_pq_reader r;
    memset(&r, 0, sizeof r);
    r.fd = -1;
    r.file_size = flen;
    kt_buf_init(&r.chunk);
    kt_error err = { 0 };
    kt_pq_chunk c = { .r = &r, .start = 0, .len = flen, .err = &err };
    FILE *tmp = NULL;
    if (mode == FROM_MEMORY) {
        r.mem = file;
    } else {
        tmp = tmpfile();
        if (!tmp || fwrite(file, 1, flen, tmp) != flen || fflush(tmp) != 0) direct_violation("cannot write a temporary file");
        r.fd = fileno(tmp);
        if (mode == FROM_FILE_WINDOWED) {   /* what a page-header probe left in the window */
            size_t w = PAD + (csize / 3 < 70000 ? csize / 3 : 70000);
            if (kt_buf_reserve(&r.chunk, w) != KT_OK) direct_violation("out of memory");
            memcpy(r.chunk.data, file, w);
            c.win_off = 0;
            c.win_len = w;
        }
    }
    uint8_t *head = malloc(head_len ? head_len : 1);
    uint8_t *dst = malloc(usize - head_len ? usize - head_len : 1);
    res.out = malloc(usize ? usize : 1);
    if (!head || !dst || !res.out) direct_violation("out of memory");
    res.st = stored ? kt_pq_direct_stored(&c, PAD, csize, usize, head, head_len, dst, &res.done)
                    : kt_pq_direct_snappy(&c, PAD, csize, usize, head, head_len, dst, &res.done);
    if (res.done) {
        memcpy(res.out, head, head_len);
        memcpy(res.out + head_len, dst, usize - head_len);
    }
    snprintf(res.msg, sizeof res.msg, "%s", err.msg);
    free(head);
    free(dst);
    if (tmp) fclose(tmp);
    kt_buf_free(&r.chunk);
    free(file);
    return res;
}

/* libsnappy's verdict: true, with out filled, if the stream is valid and
 * holds exactly usize bytes. */
static bool direct_oracle(const uint8_t *page, size_t csize, size_t usize, uint8_t *out)
{
    size_t len;
    if (snappy_uncompressed_length((const char *)page, csize, &len) != SNAPPY_OK || len != usize) return false;
    return snappy_uncompress((const char *)page, csize, (char *)out, &len) == SNAPPY_OK && len == usize;
}

/* kinetl's own SNAPPY decompressor (kt_pq_snappy_decompress) must agree
 * with libsnappy exactly: the same verdict, the same bytes. */
static void snappy_agrees(const uint8_t *page, size_t csize, size_t usize)
{
    uint8_t *want = malloc(usize ? usize : 1), *got = malloc(usize ? usize : 1);
    if (!want || !got) direct_violation("out of memory");
    bool valid = direct_oracle(page, csize, usize, want);
    kt_error err = { 0 };
    kt_status st = kt_pq_snappy_decompress(page, csize, got, usize, &err);
    if ((st == KT_OK) != valid) direct_violation(valid ? "kt_pq_snappy_decompress rejects a valid stream"
                                                       : "kt_pq_snappy_decompress accepts an invalid stream");
    if (valid && usize && memcmp(want, got, usize) != 0) direct_violation("kt_pq_snappy_decompress differs from libsnappy");
    free(want);
    free(got);
}

/* One decode checked against the oracle; returns whether it was accepted.
 * A failure status is a violation: with the file intact only a read can
 * fail, and none does. */
static bool direct_check(const uint8_t *page, size_t csize, size_t usize, size_t head_len, int mode, bool stored)
{
    direct_run r = direct_decode(page, csize, usize, head_len, mode, stored);
    if (r.st != KT_OK) direct_violation(r.msg);
    if (r.done) {
        uint8_t *want = malloc(usize ? usize : 1);
        if (!want) direct_violation("out of memory");
        bool valid = stored ? (csize == usize && (memcpy(want, page, usize), true))
                            : direct_oracle(page, csize, usize, want);
        if (!valid) direct_violation("accepted a page the oracle rejects");
        if (memcmp(want, r.out, usize) != 0) direct_violation("output differs from the oracle");
        free(want);
    }
    free(r.out);
    return r.done;
}

/* ---- recipes: inputs that build long streams ----
 * Fuzz inputs are short, but the guessed 64 KiB literals need long
 * streams: a recipe is a list of ops that builds one. */

typedef struct recipe {
    uint8_t *b;
    size_t n, cap, out;   /* stream bytes; output bytes the ops declare */
} recipe;

static void recipe_put(recipe *r, const void *p, size_t n)
{
    if (n == 0) return;
    if (r->n + n > r->cap) {
        r->cap = (r->n + n) * 2;
        r->b = realloc(r->b, r->cap);
        if (!r->b) direct_violation("out of memory");
    }
    memcpy(r->b + r->n, p, n);
    r->n += n;
}

static void recipe_literal(recipe *r, size_t len, uint32_t seed)
{
    size_t l = len - 1, nb = 0;
    uint8_t tag[5];
    if (l < 60) tag[0] = (uint8_t)(l << 2);
    else {
        for (size_t v = l; v; v >>= 8) tag[1 + nb++] = (uint8_t)v;
        tag[0] = (uint8_t)((59 + nb) << 2);
    }
    recipe_put(r, tag, 1 + nb);
    static uint8_t noise[65536];
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (uint8_t)(seed >> 16);
    }
    recipe_put(r, noise, len);
    r->out += len;
}

/* ops: 0 a 64 KiB literal, 1 a short literal, 2 a copy (any form, any
 * offset), 3 raw bytes; then the preamble declares the ops' output +/- 1. */
static int direct_recipe_run(const uint8_t *data, size_t size, int mode, size_t head_len)
{
    recipe body = { 0 };
    size_t i = 0;
    while (i < size && body.n < ((size_t)320 << 10)) {
        uint8_t op = data[i++];
        uint8_t a = i < size ? data[i] : 0, b = i + 1 < size ? data[i + 1] : 0, c = i + 2 < size ? data[i + 2] : 0;
        switch (op % 4) {
        case 0: recipe_literal(&body, 65536, op); break;
        case 1: recipe_literal(&body, (size_t)a + 1, op); i += 1; break;
        case 2: {
            int form = 1 + a % 3;
            size_t off = (size_t)b | (size_t)(c & 7) << 8, len = (size_t)(a >> 2) % 64 + 1;
            uint8_t t[5] = { 0 };
            if (form == 1) {
                len = 4 + len % 8;
                t[0] = (uint8_t)(1 | (len - 4) << 2 | (off >> 8) << 5);
                t[1] = (uint8_t)off;
            } else {
                t[0] = (uint8_t)((form == 2 ? 2 : 3) | (len - 1) << 2);
                t[1] = (uint8_t)off;
                t[2] = (uint8_t)(off >> 8);
            }
            recipe_put(&body, t, form == 1 ? 2 : form == 2 ? 3 : 5);
            body.out += len;
            i += 3;
            break;
        }
        default: {
            size_t n = a % 8;
            i += 1;
            n = n < size - (i < size ? i : size) ? n : size - (i < size ? i : size);
            recipe_put(&body, data + i, n);
            i += n;
            break;
        }
        }
    }
    recipe page = { 0 };
    size_t declared = body.out + (size % 3) - 1 + (body.out == 0);
    uint32_t v = (uint32_t)declared;
    do {
        uint8_t byte = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) byte |= 0x80;
        recipe_put(&page, &byte, 1);
    } while (v);
    if (body.n) recipe_put(&page, body.b, body.n);
    if (head_len > declared) head_len = declared;
    direct_check(page.b, page.n, declared, head_len, mode, false);
    snappy_agrees(page.b, page.n, declared);
    free(body.b);
    free(page.b);
    return 0;
}

/* Fuzz input: [mode][split][flags][page or recipe...]. A page's output
 * size is its declared one when plausible, else the page's size (+ flags). */
static int direct_harness_run(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    int mode = data[0] % MODES;
    size_t head_len = data[1] % 72;
    if (data[2] & 2) return direct_recipe_run(data + 3, size - 3, mode, head_len);
    bool stored = data[2] & 1;
    const uint8_t *page = data + 3;
    size_t csize = size - 3, usize;
    if (stored || snappy_uncompressed_length((const char *)page, csize, &usize) != SNAPPY_OK ||
        usize > ((size_t)4 << 20))
        usize = csize + (data[2] >> 1) % 3;
    if (head_len > usize) head_len = usize;
    direct_check(page, csize, usize, head_len, mode, stored);
    if (!stored) snappy_agrees(page, csize, usize);
    return 0;
}

#endif
