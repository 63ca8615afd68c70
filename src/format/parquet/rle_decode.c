/*
 * format/parquet/rle_decode.c — the RLE / bit-packed hybrid (dictionary
 * indices, definition levels, v2 booleans) and the deprecated MSB-first
 * BIT_PACKED levels.
 *
 * A hybrid stream is a sequence of runs: an RLE run repeats one value, a
 * bit-packed run holds groups of 8 packed values. The last bit-packed run
 * may be cut short by the writer: only the bytes for the values actually
 * needed are required.
 */
#include <string.h>

#include "format/parquet/decode.h"

typedef struct run {
    bool packed;
    uint64_t count;         /* values in the run */
    uint32_t value;         /* RLE runs */
    size_t data_bytes;      /* packed runs: bytes present for the run */
} run;

static kt_status truncated(kt_error *err, size_t done, size_t n)
{
    return kt_fail(err, KT_ERR_FORMAT, "RLE/bit-packed data ends after %zu of %zu values", done, n);
}

/* Reads a run header at src[*pos]; advances *pos past the header and, for
 * RLE runs, the repeated value. */
static kt_status next_run(const uint8_t *src, size_t len, size_t *pos, int width, run *r,
                          size_t done, size_t n, kt_error *err)
{
    uint64_t header = 0;
    size_t p = *pos;
    for (int shift = 0;; shift += 7) {
        if (p >= len) return truncated(err, done, n);
        if (shift > 28) return kt_fail(err, KT_ERR_FORMAT, "RLE run header varint is too long");
        uint8_t b = src[p++];
        header |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    if (header & 1) {
        r->packed = true;
        r->count = (header >> 1) * 8;
        uint64_t bytes = (header >> 1) * (uint64_t)width;
        r->data_bytes = bytes < len - p ? (size_t)bytes : len - p;
    } else {
        r->packed = false;
        r->count = header >> 1;
        size_t value_bytes = ((size_t)width + 7) / 8;
        if (value_bytes > len - p) return truncated(err, done, n);
        uint32_t v = 0;
        for (size_t i = 0; i < value_bytes; i++) v |= (uint32_t)src[p + i] << (8 * i);
        p += value_bytes;
        if (width < 32 && v >> width)
            return kt_fail(err, KT_ERR_FORMAT, "RLE run value %u does not fit in %d bits", v, width);
        r->value = v;
    }
    *pos = p;
    return KT_OK;
}

/* Values a packed run can deliver from the bytes present. */
static size_t packed_available(const run *r, int width)
{
    if (width == 0) return r->count;
    uint64_t fit = (uint64_t)r->data_bytes * 8 / (uint64_t)width;
    return fit < r->count ? (size_t)fit : (size_t)r->count;
}

void kt_pq_rle_init(kt_pq_rle *r, const uint8_t *src, size_t len, int width)
{
    memset(r, 0, sizeof *r);
    r->src = src;
    r->len = len;
    r->width = width;
}

/* Makes the run at r->pos current. */
static kt_status load_run(kt_pq_rle *r, size_t done, size_t n, kt_error *err)
{
    run x;
    KT_TRY(next_run(r->src, r->len, &r->pos, r->width, &x, done, n, err));
    r->packed = x.packed;
    r->left = x.count;
    r->value = x.value;
    if (x.packed) {
        r->data_pos = r->pos;
        r->data_left = x.data_bytes;
        r->pos += x.data_bytes;
    }
    return KT_OK;
}

/* RLE runs shorter than this are written out, together with the short
 * RLE runs after them, as one batch of explicit values: a writer that
 * encodes every little run (DuckDB: runs of 6) would otherwise cost a
 * call and a header parse per handful of values. */
#define SHORT_RUN 16

typedef uint32_t kt_u32x4_rle __attribute__((vector_size(16)));

static kt_status expand_short_runs(kt_pq_rle *r, uint32_t *out, size_t max, size_t *got, size_t done,
                                   size_t n, kt_error *err)
{
    size_t k = 0;
    const uint8_t *src = r->src;
    while (k < max) {
        if (r->left == 0) {
            /* fast path: a one-byte RLE header and a one-byte value */
            size_t p = r->pos;
            if (r->width <= 8 && p + 2 <= r->len && src[p] < 0x80 && !(src[p] & 1) &&
                (src[p] >> 1) < SHORT_RUN && (r->width == 8 || src[p + 1] >> r->width == 0) && r->width > 0) {
                r->packed = false;
                r->left = src[p] >> 1;
                r->value = src[p + 1];
                r->pos = p + 2;
                continue;
            }
            KT_TRY(load_run(r, done + k, n, err));   /* these values are needed: max <= what is left */
            if (r->packed || r->left >= SHORT_RUN) break;   /* for the next call, as usual */
            continue;
        }
        size_t take = r->left < max - k ? (size_t)r->left : max - k;
        uint32_t v = r->value;
        if (max - k >= SHORT_RUN) {
            /* take < SHORT_RUN (16): four fixed 4-value stores, no loop;
             * the excess is overwritten by the next run or left unused */
            const kt_u32x4_rle v4 = { v, v, v, v };
            memcpy(out + k, &v4, sizeof v4);
            memcpy(out + k + 4, &v4, sizeof v4);
            memcpy(out + k + 8, &v4, sizeof v4);
            memcpy(out + k + 12, &v4, sizeof v4);
        } else {
            for (size_t i = 0; i < take; i++) out[k + i] = v;
        }
        k += take;
        r->left -= take;
    }
    *got = k;
    return KT_OK;
}

size_t kt_pq_rle_short_runs(kt_pq_rle *r, size_t max, uint32_t *values, uint8_t *counts, size_t max_runs,
                            size_t *nvalues)
{
    size_t k = 0, runs = 0;
    const uint8_t *src = r->src;
    const size_t len = r->len;
    const int width = r->width;
    if (width <= 0 || width > 8 || r->packed || r->left >= SHORT_RUN) {
        *nvalues = 0;
        return 0;
    }
    if (r->left) {                       /* the rest of the current run */
        size_t take = r->left < max ? (size_t)r->left : max;
        values[runs] = r->value;
        counts[runs++] = (uint8_t)take;
        r->left -= take;
        k += take;
    }
    size_t p = r->pos;
    while (runs < max_runs && k < max && p + 2 <= len) {
        /* a one-byte RLE header of a short run and its one-byte value */
        uint8_t h = src[p], v = src[p + 1];
        if (h >= 0x80 || (h & 1) || (h >> 1) >= SHORT_RUN || (width < 8 && v >> width)) break;
        size_t count = h >> 1, take = count < max - k ? count : max - k;
        values[runs] = v;
        counts[runs++] = (uint8_t)take;
        k += take;
        p += 2;
        if (take < count) {              /* the batch ends inside this run */
            r->value = v;
            r->left = count - take;
        }
    }
    r->pos = p;
    *nvalues = k;
    return runs;
}

kt_status kt_pq_rle_batch(kt_pq_rle *r, uint32_t *out, size_t max, size_t *got, bool *repeated,
                          size_t done, size_t n, kt_error *err)
{
    while (r->left == 0) KT_TRY(load_run(r, done, n, err));
    if (!r->packed && r->left < SHORT_RUN && max > r->left) {
        *repeated = false;
        return expand_short_runs(r, out, max, got, done, n, err);
    }
    size_t take = r->left < max ? (size_t)r->left : max;
    r->left -= take;
    *got = take;
    *repeated = !r->packed;
    if (!r->packed) {
        out[0] = r->value;
        return KT_OK;
    }
    if (r->width == 0) {
        memset(out, 0, take * sizeof *out);
        return KT_OK;
    }
    if ((uint64_t)r->data_left * 8 / (uint64_t)r->width < take) return truncated(err, done, n);
    kt_pq_unpack32(r->src + r->data_pos, r->data_left, r->width, out, take);
    size_t used = take * (size_t)r->width / 8;   /* whole groups except in a final batch */
    if (used > r->data_left) used = r->data_left;
    r->data_pos += used;
    r->data_left -= used;
    return KT_OK;
}

kt_status kt_pq_rle_decode32(const uint8_t *src, size_t len, int width, uint32_t *dst, size_t n,
                             kt_error *err)
{
    if (width < 0 || width > 32)
        return kt_fail(err, KT_ERR_FORMAT, "RLE bit width %d is out of range (0..32)", width);
    kt_pq_rle r;
    kt_pq_rle_init(&r, src, len, width);
    size_t done = 0;
    while (done < n) {
        size_t got;
        bool repeated;
        KT_TRY(kt_pq_rle_batch(&r, dst + done, n - done, &got, &repeated, done, n, err));
        if (repeated)
            for (size_t i = 1; i < got; i++) dst[done + i] = dst[done];
        done += got;
    }
    return KT_OK;
}

/* Bit i of b into byte i of the result. */
static inline uint64_t spread_bits(uint64_t b)
{
    b = (b | b << 28) & 0x0000000F0000000Full;
    b = (b | b << 14) & 0x0003000300030003ull;
    b = (b | b << 7) & 0x0101010101010101ull;
    return b;
}

void kt_pq_unpack_bools(const uint8_t *src, uint8_t *dst, size_t n)
{
    size_t full = n / 8;
    for (size_t i = 0; i < full; i++) {
        uint64_t v = spread_bits(src[i]);
        memcpy(dst + i * 8, &v, 8);
    }
    for (size_t i = full * 8; i < n; i++) dst[i] = (uint8_t)(src[i / 8] >> (i % 8) & 1);
}

static void unpack_narrow(const uint8_t *src, size_t len, int width, uint8_t *dst, size_t n)
{
    if (width == 1) {
        kt_pq_unpack_bools(src, dst, n);
        return;
    }
    uint32_t tmp[256];
    size_t done = 0;
    while (done < n) {
        size_t take = n - done < 256 ? n - done : 256;
        size_t byte = done / 8 * (size_t)width;   /* done is a multiple of 8 here */
        kt_pq_unpack32(src + byte, len - byte, width, tmp, take);
        for (size_t i = 0; i < take; i++) dst[done + i] = (uint8_t)tmp[i];
        done += take;
    }
}

kt_status kt_pq_rle_decode8(const uint8_t *src, size_t len, int width, uint8_t *dst, size_t n,
                            kt_error *err)
{
    if (width < 0 || width > 8)
        return kt_fail(err, KT_ERR_FORMAT, "RLE bit width %d is out of range (0..8)", width);
    size_t pos = 0, done = 0;
    while (done < n) {
        run r;
        KT_TRY(next_run(src, len, &pos, width, &r, done, n, err));
        size_t want = n - done;
        size_t take = r.count < want ? (size_t)r.count : want;
        if (r.packed) {
            if (packed_available(&r, width) < take) return truncated(err, done, n);
            if (width == 0)
                memset(dst + done, 0, take);
            else
                unpack_narrow(src + pos, r.data_bytes, width, dst + done, take);
            pos += r.data_bytes;
        } else {
            memset(dst + done, (int)r.value, take);
        }
        done += take;
    }
    return KT_OK;
}

static size_t popcount_bits(const uint8_t *bits, size_t n)
{
    size_t c = 0, full = n / 8;
    for (size_t i = 0; i < full; i++) c += (size_t)__builtin_popcount(bits[i]);
    if (n % 8) c += (size_t)__builtin_popcount(bits[full] & ((1u << (n % 8)) - 1));
    return c;
}

kt_status kt_pq_def_levels(const uint8_t *src, size_t len, uint8_t *dst, size_t n, size_t *present,
                           kt_error *err)
{
    size_t pos = 0, done = 0, count = 0;
    while (done < n) {
        run r;
        KT_TRY(next_run(src, len, &pos, 1, &r, done, n, err));
        size_t want = n - done;
        size_t take = r.count < want ? (size_t)r.count : want;
        if (r.packed) {
            if (packed_available(&r, 1) < take) return truncated(err, done, n);
            kt_pq_unpack_bools(src + pos, dst + done, take);
            count += popcount_bits(src + pos, take);
            pos += r.data_bytes;
        } else if (done == 0 && take == n && r.value == 1) {
            *present = n;             /* all present: the levels are not needed */
            return KT_OK;
        } else {
            memset(dst + done, (int)r.value, take);
            count += r.value ? take : 0;
        }
        done += take;
    }
    *present = count;
    return KT_OK;
}

kt_status kt_pq_bit_packed_levels(const uint8_t *src, size_t len, int width, uint8_t *dst,
                                  size_t n, size_t *consumed, kt_error *err)
{
    if (width < 0 || width > 8)
        return kt_fail(err, KT_ERR_FORMAT, "BIT_PACKED level width %d is out of range", width);
    uint64_t bits = (uint64_t)n * (uint64_t)width;
    size_t bytes = (size_t)((bits + 7) / 8);
    if (bytes > len)
        return kt_fail(err, KT_ERR_FORMAT, "BIT_PACKED levels need %zu bytes, page has %zu", bytes, len);
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int b = 0; b < width; b++) {
            size_t bit = i * (size_t)width + (size_t)b;
            v = v << 1 | (unsigned)(src[bit / 8] >> (7 - bit % 8) & 1);
        }
        dst[i] = (uint8_t)v;
    }
    *consumed = bytes;
    return KT_OK;
}
