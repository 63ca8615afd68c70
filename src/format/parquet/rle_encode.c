/*
 * format/parquet/rle_encode.c — hybrid runs: scan for runs of equal
 * values; a run of 8 or more is emitted as RLE once the pending literals
 * have been rounded up to whole groups of 8 (borrowing from the run),
 * the rest is bit-packed 8 values at a time into bit_width bytes.
 */
#include "format/parquet/rle_encode.h"

#include <string.h>

enum { MIN_RLE_RUN = 8, MAX_PACKED_RUN = 63 * 8 };

int kt_pq_bit_width(uint32_t max_value)
{
    int w = 0;
    while (max_value) {
        w++;
        max_value >>= 1;
    }
    return w;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static void store_le(uint8_t *p, uint64_t v, int nbytes)
{
    for (int i = 0; i < nbytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static kt_status emit_rle(uint32_t value, size_t count, int bit_width, kt_buf *out)
{
    KT_TRY(kt_buf_reserve(out, 10 + 4));
    uint8_t *p = out->data + out->len;
    size_t n = put_varint(p, (uint64_t)count << 1);
    store_le(p + n, value, (bit_width + 7) / 8);
    out->len += n + (size_t)(bit_width + 7) / 8;
    return KT_OK;
}

/* Packs 8 values of bit_width bits into exactly bit_width bytes at dst. */
#define DEFINE_PACK8(name, T)                                                      \
    static void name(const T *v, int w, uint64_t mask, uint8_t *dst)               \
    {                                                                              \
        if (w <= 8) {                                                              \
            uint64_t acc = 0;                                                      \
            for (int k = 0; k < 8; k++) acc |= ((uint64_t)v[k] & mask) << (k * w); \
            store_le(dst, acc, w);                                                 \
            return;                                                                \
        }                                                                          \
        uint64_t acc = 0;                                                          \
        int bits = 0;                                                              \
        for (int k = 0; k < 8; k++) {                                              \
            acc |= ((uint64_t)v[k] & mask) << bits;                                \
            bits += w;                                                             \
            while (bits >= 8) {                                                    \
                *dst++ = (uint8_t)acc;                                             \
                acc >>= 8;                                                         \
                bits -= 8;                                                         \
            }                                                                      \
        }                                                                          \
    }

/* Emits values[0..n) as bit-packed runs of at most 63 groups (a one-byte
 * header, as parquet-mr and Arrow write: some readers allocate a buffer per
 * run); a partial last group is zero-padded. */
#define DEFINE_EMIT_PACKED(name, T, pack8)                                         \
    static kt_status name##_run(const T *v, size_t n, int w, kt_buf *out)          \
    {                                                                              \
        size_t groups = (n + 7) / 8;                                               \
        KT_TRY(kt_buf_reserve(out, 10 + groups * (size_t)w));                      \
        uint8_t *p = out->data + out->len;                                         \
        p += put_varint(p, (uint64_t)groups << 1 | 1);                             \
        uint64_t mask = w >= 32 ? 0xffffffffu : ((uint64_t)1 << w) - 1;            \
        size_t full = n / 8;                                                       \
        for (size_t g = 0; g < full; g++, p += w) pack8(v + 8 * g, w, mask, p);    \
        if (n % 8) {                                                               \
            T last[8] = { 0 };                                                     \
            memcpy(last, v + 8 * full, (n % 8) * sizeof(T));                       \
            pack8(last, w, mask, p);                                               \
            p += w;                                                                \
        }                                                                          \
        out->len = (size_t)(p - out->data);                                        \
        return KT_OK;                                                              \
    }                                                                              \
    static kt_status name(const T *v, size_t n, int w, kt_buf *out)                \
    {                                                                              \
        for (size_t k = 0; k < n; k += MAX_PACKED_RUN)                             \
            KT_TRY(name##_run(v + k, n - k < MAX_PACKED_RUN ? n - k : MAX_PACKED_RUN, w, out)); \
        return KT_OK;                                                              \
    }

#define DEFINE_HYBRID(name, T, emit_packed)                                        \
    kt_status name(const T *v, size_t n, int w, kt_buf *out)                       \
    {                                                                              \
        if (w < 1 || w > 32) return KT_ERR_INTERNAL;                               \
        size_t lit = 0, i = 0;                                                     \
        while (i < n) {                                                            \
            size_t r = 1;                                                          \
            while (i + r < n && v[i + r] == v[i]) r++;                             \
            if (r >= MIN_RLE_RUN) {                                                \
                size_t pending = i - lit;                                          \
                size_t pad = (8 - pending % 8) % 8;                                \
                if (r - pad >= MIN_RLE_RUN) {                                      \
                    if (pending + pad) KT_TRY(emit_packed(v + lit, pending + pad, w, out)); \
                    KT_TRY(emit_rle(v[i], r - pad, w, out));                       \
                    i += r;                                                        \
                    lit = i;                                                       \
                    continue;                                                      \
                }                                                                  \
            }                                                                      \
            i += r;                                                                \
        }                                                                          \
        if (n > lit) KT_TRY(emit_packed(v + lit, n - lit, w, out));                \
        return KT_OK;                                                              \
    }

DEFINE_PACK8(pack8_u32, uint32_t)
DEFINE_PACK8(pack8_u8, uint8_t)
DEFINE_EMIT_PACKED(emit_packed_u32, uint32_t, pack8_u32)
DEFINE_EMIT_PACKED(emit_packed_u8, uint8_t, pack8_u8)
DEFINE_HYBRID(kt_pq_rle_encode_u32, uint32_t, emit_packed_u32)
DEFINE_HYBRID(kt_pq_rle_encode_u8, uint8_t, emit_packed_u8)

kt_status kt_pq_pack_bools(const uint8_t *v, size_t n, kt_buf *out)
{
    uint8_t *p = kt_buf_extend(out, (n + 7) / 8);
    if (!p) return KT_ERR_NOMEM;
    size_t full = n / 8;
    for (size_t g = 0; g < full; g++) {
        const uint8_t *b = v + 8 * g;
        p[g] = (uint8_t)((b[0] != 0) | (b[1] != 0) << 1 | (b[2] != 0) << 2 | (b[3] != 0) << 3 |
                         (b[4] != 0) << 4 | (b[5] != 0) << 5 | (b[6] != 0) << 6 | (b[7] != 0) << 7);
    }
    for (size_t i = full * 8; i < n; i++) p[full] |= (uint8_t)((v[i] != 0) << (i % 8));
    return KT_OK;
}
