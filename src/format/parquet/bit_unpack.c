/*
 * format/parquet/bit_unpack.c — LSB-first bit unpacking, the inner loop of
 * dictionary indices, levels and delta miniblocks.
 *
 * Values come in groups of 8, which occupy exactly `width` bytes. Each
 * width has its own unrolled routine (the width is a compile-time
 * constant, so every shift is too); a routine reads 8 bytes at a time and
 * may look up to 8 bytes past its group, so groups near the end of the
 * input are unpacked from a zero-padded copy instead.
 */
#include <string.h>

#include "format/parquet/decode.h"

/* The loops over a group's 8 values are unrolled explicitly: at -O2 GCC
 * kept them as loops with a variable shift count (7 instructions a value
 * for width 3, the `field` column's dictionary indices). */
static inline void unpack8(const uint8_t *in, uint32_t *out, const int w)
{
    const uint64_t mask = w == 32 ? 0xffffffffull : ((1ull << w) - 1);
    if (w <= 8) {                       /* the group is one 64-bit word */
        const uint64_t x = kt_pq_le64(in);
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) out[i] = (uint32_t)((x >> (i * w)) & mask);
    } else if (w <= 16) {               /* two words */
        const uint64_t lo = kt_pq_le64(in), hi = kt_pq_le64(in + 8);
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) {
            const int bit = i * w;
            uint64_t v = bit >= 64 ? hi >> (bit - 64)
                       : bit + w <= 64 ? lo >> bit
                       : (lo >> bit) | (hi << (64 - bit));
            out[i] = (uint32_t)(v & mask);
        }
    } else {
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) {
            const int bit = i * w;
            out[i] = (uint32_t)((kt_pq_le64(in + (bit >> 3)) >> (bit & 7)) & mask);
        }
    }
}

typedef void unpack_groups_fn(const uint8_t *in, uint32_t *out, size_t groups);

#define DEFINE_UNPACK(W)                                                          \
    static void unpack_w##W(const uint8_t *in, uint32_t *out, size_t groups)     \
    {                                                                             \
        for (size_t g = 0; g < groups; g++, in += (W), out += 8) unpack8(in, out, (W)); \
    }
DEFINE_UNPACK(1) DEFINE_UNPACK(2) DEFINE_UNPACK(3) DEFINE_UNPACK(4) DEFINE_UNPACK(5)
DEFINE_UNPACK(6) DEFINE_UNPACK(7) DEFINE_UNPACK(8) DEFINE_UNPACK(9) DEFINE_UNPACK(10)
DEFINE_UNPACK(11) DEFINE_UNPACK(12) DEFINE_UNPACK(13) DEFINE_UNPACK(14) DEFINE_UNPACK(15)
DEFINE_UNPACK(16) DEFINE_UNPACK(17) DEFINE_UNPACK(18) DEFINE_UNPACK(19) DEFINE_UNPACK(20)
DEFINE_UNPACK(21) DEFINE_UNPACK(22) DEFINE_UNPACK(23) DEFINE_UNPACK(24) DEFINE_UNPACK(25)
DEFINE_UNPACK(26) DEFINE_UNPACK(27) DEFINE_UNPACK(28) DEFINE_UNPACK(29) DEFINE_UNPACK(30)
DEFINE_UNPACK(31) DEFINE_UNPACK(32)

static unpack_groups_fn *const unpackers[33] = {
    NULL, unpack_w1, unpack_w2, unpack_w3, unpack_w4, unpack_w5, unpack_w6, unpack_w7,
    unpack_w8, unpack_w9, unpack_w10, unpack_w11, unpack_w12, unpack_w13, unpack_w14,
    unpack_w15, unpack_w16, unpack_w17, unpack_w18, unpack_w19, unpack_w20, unpack_w21,
    unpack_w22, unpack_w23, unpack_w24, unpack_w25, unpack_w26, unpack_w27, unpack_w28,
    unpack_w29, unpack_w30, unpack_w31, unpack_w32,
};

void kt_pq_unpack32(const uint8_t *src, size_t len, int width, uint32_t *dst, size_t n)
{
    if (width <= 0) {
        memset(dst, 0, n * sizeof *dst);
        return;
    }
    unpack_groups_fn *fn = unpackers[width];
    const size_t w = (size_t)width;
    size_t groups = n / 8;
    size_t safe = len >= w + 8 ? (len - w - 8) / w + 1 : 0;
    if (safe > groups) safe = groups;
    fn(src, dst, safe);
    size_t done = safe * 8, at = safe * w;
    while (done < n) {
        uint8_t tmp[32 + 8] = { 0 };
        size_t avail = at < len ? len - at : 0;
        memcpy(tmp, src + (at < len ? at : len), avail < w ? avail : w);
        uint32_t vals[8];
        fn(tmp, vals, 1);
        size_t take = n - done < 8 ? n - done : 8;
        memcpy(dst + done, vals, take * sizeof *vals);
        done += take;
        at += w;
    }
}

static inline uint64_t load64_at(const uint8_t *src, size_t len, size_t byte)
{
    if (byte + 8 <= len) return kt_pq_le64(src + byte);
    uint8_t tmp[8] = { 0 };
    if (byte < len) memcpy(tmp, src + byte, len - byte);
    return kt_pq_le64(tmp);
}

void kt_pq_unpack64(const uint8_t *src, size_t len, int width, uint64_t *dst, size_t n)
{
    if (width <= 0) {
        memset(dst, 0, n * sizeof *dst);
        return;
    }
    const uint64_t mask = width == 64 ? ~0ull : ((1ull << width) - 1);
    for (size_t i = 0; i < n; i++) {
        size_t bit = i * (size_t)width;
        size_t byte = bit >> 3;
        unsigned shift = (unsigned)(bit & 7);
        uint64_t v = load64_at(src, len, byte) >> shift;
        if (shift + (unsigned)width > 64 && byte + 8 < len) v |= (uint64_t)src[byte + 8] << (64 - shift);
        dst[i] = v & mask;
    }
}
