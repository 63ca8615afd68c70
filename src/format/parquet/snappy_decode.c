/*
 * format/parquet/snappy_decode.c — SNAPPY decompression of a page (the raw
 * block format: a varint length, then literal and copy elements).
 *
 * Why not libsnappy: Debian's build calls memmove through the PLT for
 * every element (its 64-byte copy is not inlined), which on short
 * strings — timestamps, ids — cost a quarter of a string column's read.
 * Here short literals and copies move in fixed 16-byte blocks, inline,
 * while the output has room; near the end, and for overlapping copies
 * closer than 16 bytes, bytes are copied exactly.
 *
 * Every tag, length and offset is checked against the input and the
 * declared output: a copy may not reach before the output's start, nothing
 * is written past usize bytes, and the stream must fill exactly usize.
 * tests/fuzz/fuzz_snappy_direct.c checks it against libsnappy.
 */
#include <string.h>

#include "format/parquet/decode.h"

static kt_status corrupt(kt_error *err)
{
    return kt_fail(err, KT_ERR_FORMAT, "SNAPPY page is corrupt");
}

static inline void copy16(uint8_t *d, const uint8_t *s)
{
    __builtin_memcpy(d, s, 16);
}

static inline uint32_t le_n(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}

bool kt_pq_snappy_preamble(const uint8_t *p, size_t n, uint64_t *value, size_t *used)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 5; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *value = v;
            *used = i + 1;
            return v <= UINT32_MAX;
        }
    }
    return false;
}

/* A copy of len bytes from off back, at op (checked by the caller). */
static inline void copy_back(uint8_t *dst, size_t op, size_t off, size_t len, size_t usize)
{
    uint8_t *d = dst + op;
    const uint8_t *s = d - off;
    if (off >= 16 && usize - op >= 64) {
        /* blocks in order: each reads only bytes already final. Two
         * always (most copies are 17..32 bytes: no length test for them) */
        copy16(d, s);
        copy16(d + 16, s + 16);
        if (len > 32) {
            copy16(d + 32, s + 32);
            copy16(d + 48, s + 48);
        }
    } else if (off >= len) {
        memcpy(d, s, len);
    } else {
        for (size_t i = 0; i < len; i++) d[i] = s[i];   /* a repeating pattern */
    }
}

kt_status kt_pq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t usize, kt_error *err)
{
    uint64_t declared;
    size_t used;
    if (!kt_pq_snappy_preamble(src, n, &declared, &used)) return corrupt(err);
    if (declared != usize)
        return kt_fail(err, KT_ERR_FORMAT, "SNAPPY page decompressed to %llu bytes, header says %zu",
                       (unsigned long long)declared, usize);
    const uint8_t *ip = src + used, *end = src + n;
    size_t op = 0;
    while (ip < end) {
        uint8_t tag = *ip++;
        size_t len, off;
        if ((tag & 3) == 0) {
            len = (size_t)(tag >> 2) + 1;
            if (len > 60) {
                size_t nb = len - 60;
                if ((size_t)(end - ip) < nb) return corrupt(err);
                len = (size_t)le_n(ip, nb) + 1;
                ip += nb;
            }
            size_t in_left = (size_t)(end - ip);
            if (len > in_left || len > usize - op) return corrupt(err);
            if (len <= 16 && in_left >= 16 && usize - op >= 16) copy16(dst + op, ip);
            else memcpy(dst + op, ip, len);
            ip += len;
            op += len;
            continue;
        }
        if ((tag & 3) == 1) {
            if (ip >= end) return corrupt(err);
            len = 4 + ((tag >> 2) & 7);
            off = (size_t)(tag >> 5) << 8 | *ip++;
        } else if ((tag & 3) == 2) {
            /* the common copy: its offset read as two bytes, not through
             * le_n's loop (a variable count compiles to a loop per copy) */
            if ((size_t)(end - ip) < 2) return corrupt(err);
            len = (size_t)(tag >> 2) + 1;
            off = (size_t)ip[0] | (size_t)ip[1] << 8;
            ip += 2;
        } else {
            if ((size_t)(end - ip) < 4) return corrupt(err);
            len = (size_t)(tag >> 2) + 1;
            off = le_n(ip, 4);
            ip += 4;
        }
        if (off == 0 || off > op || len > usize - op) return corrupt(err);
        copy_back(dst, op, off, len, usize);
        op += len;
    }
    if (op != usize) return corrupt(err);
    return KT_OK;
}
