/*
 * cli/double_format.c — shortest round-trip text of doubles, fast path in
 * exact integer arithmetic, reference path with printf (see
 * double_format.h).
 *
 * Why it is exact: a normal double is v = f * 2^-s with f < 2^53. In the
 * fast range, s is 3..66 and the digits needed are at most 20 after the
 * point, so P = f * 10^k (< 2^120) is v * 10^k * 2^s exactly, its top bits
 * (P >> s) are floor(v * 10^k) and its low s bits the remainder: rounding
 * to N significant digits is integer rounding of P by 2^s. The decimal
 * D = q * 10^-k reads back as v iff it lies in v's rounding interval:
 * |q * 2^s - P| < 10^k / 2 (half an ulp, scaled by 2^s * 10^k), a tie going
 * to v when f is even — except below a power of two, where the gap to the
 * predecessor is half as wide (10^k / 4, and a tie goes to v, whose f is
 * even). This is exactly what strtod decides, so the result is the one
 * the printf/strtod search finds.
 */
#include "cli/double_format.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t POW10_U64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL,
};

static u128 pow10_wide(int k) { return k < 20 ? (u128)POW10_U64[k] : (u128)POW10_U64[19] * 10; }

int kt_format_double_printf(char *buf, size_t size, double v)
{
    /* For normal numbers N = 15 is the first worth trying: any double with
     * a decimal of 15 or fewer digits prints as that decimal under %.15g.
     * Subnormals have fewer bits, so shorter forms (5e-324) are searched
     * from N = 1. */
    char tmp[KT_DOUBLE_TEXT_MAX];
    for (int p = fabs(v) < DBL_MIN ? 1 : 15; p < 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (strtod(tmp, NULL) == v) return snprintf(buf, size, "%s", tmp);
    }
    return snprintf(buf, size, "%.17g", v);  /* 17 digits always round-trip */
}

/* Does q * 10^-k read back as f * 2^-s? (see the comment at the top) */
static bool reads_back(u128 q, int s, u128 P, u128 ten_k, uint64_t f, bool narrow_below)
{
    u128 Q = q << s;
    if (Q >= P) {
        u128 d2 = (Q - P) * 2;
        return d2 < ten_k || (d2 == ten_k && !(f & 1));
    }
    u128 d = P - Q;
    if (narrow_below) return d * 4 <= ten_k;
    return d * 2 < ten_k || (d * 2 == ten_k && !(f & 1));
}

/* The 8 decimal digits of v < 10^8 as ASCII, first digit in the lowest
 * byte (memory order on a little-endian machine): two 4-digit lanes, then
 * four 2-digit lanes, then eight digits, each split by multiply-shift
 * (n / 100 = n * 10486 >> 20 for n < 10^4, n / 10 = n * 103 >> 10 for
 * n < 100; lanes are wide enough that no product spills into the next). */
static uint64_t ascii8(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
    uint64_t h = (x * 10486 >> 20) & 0x0000007F0000007FULL;
    x = h | (x - h * 100) << 16;
    uint64_t t = (x * 103 >> 10) & 0x000F000F000F000FULL;
    x = t | (x - t * 10) << 8;
    return x | 0x3030303030303030ULL;
}

/* Trailing '0' characters of the 8 digits ascii8() made (a word, not memory). */
static int trailing_zero_digits(uint64_t ascii)
{
    uint64_t z = ascii ^ 0x3030303030303030ULL;   /* zero bytes where the digit is '0' */
    return z ? __builtin_clzll(z) / 8 : 8;        /* the last digit is the highest byte */
}

/* %g's fixed notation of the n-digit integer `digits` with decimal exponent x
 * (-4 <= x < n), trailing fraction zeros removed, into out[FAST_ROOM].
 * Copies are of constant size (the slack is scratch): no library call. */
#define FAST_ROOM 64
static int emit_fixed(char *out, uint64_t digits, int n, int x)
{
    char all[48];
    uint64_t hi = digits / 100000000;
    uint64_t w[3] = { ascii8((uint32_t)(hi / 100000000)), ascii8((uint32_t)(hi % 100000000)),
                      ascii8((uint32_t)(digits % 100000000)) };
    for (int i = 0; i < 3; i++) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        uint64_t b = __builtin_bswap64(w[i]);
        memcpy(all + 8 * i, &b, 8);
#else
        memcpy(all + 8 * i, &w[i], 8);
#endif
    }
    const char *d = all + 24 - n;
    /* the first digit is not 0, so the zeros end inside the n digits */
    int zeros = trailing_zero_digits(w[2]);
    if (zeros == 8) zeros += trailing_zero_digits(w[1]);
    if (zeros == 16) zeros += trailing_zero_digits(w[0]);
    int last = n - zeros;
    int len;
    if (x >= 0) {
        memcpy(out, d, 24);
        len = x + 1;
        if (last > len) {
            out[len] = '.';
            memcpy(out + len + 1, d + len, 24);
            len = last + 1;
        }
    } else {
        memcpy(out, "0.000", 5);
        len = 1 - x;
        memcpy(out + len, d, 24);
        len += last;
    }
    out[len] = 0;
    return len;
}

/* floor(v * 10^k) = t with the remainder r / 2^s, rounded to 17 - drop
 * digits (half to even), from the 17-digit floor: one multiplication for
 * all three precisions. Constant divisors: no division instruction. */
static uint64_t round_dropping(uint64_t t, u128 r, u128 half, int drop)
{
    if (drop == 0) return t + (r > half || (r == half && (t & 1)));
    uint64_t q, rest, mid;
    if (drop == 1) { q = t / 10; rest = t - q * 10; mid = 5; }
    else { q = t / 100; rest = t - q * 100; mid = 50; }
    return q + (rest > mid || (rest == mid && (r > 0 || (q & 1))));
}

/* Text of a positive double in [1e-4, 1e15), or -1 to use the reference. */
static int format_fast(char *out, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52) & 0x7ff;
    uint64_t frac = bits & ((1ULL << 52) - 1);
    uint64_t f = frac | (1ULL << 52);
    int s = 1075 - biased;
    if (biased == 0 || s < 3 || s > 66) return -1;
    u128 one_s = (u128)1 << s;
    /* decimal exponent x = floor(log10 v) */
    int x;
    uint64_t whole = s >= 64 ? 0 : f >> s;
    if (whole) {
        for (x = 0; x < 18 && whole >= POW10_U64[x + 1]; x++) {}
    } else {
        for (x = -1; (u128)f * POW10_U64[-x] < one_s; x--)
            if (x <= -4) return -1;
    }
    int k = 16 - x;                      /* 17 significant digits */
    if (k < 0 || k > 20) return -1;
    u128 ten_k = pow10_wide(k);
    u128 P = (u128)f * ten_k;
    uint64_t t = (uint64_t)(P >> s);
    u128 r = P & (one_s - 1);
    for (int n = 15; n <= 17; n++) {
        uint64_t q = round_dropping(t, r, one_s >> 1, 17 - n);
        /* the check at the 17-digit scale: q * 10^(17-n) * 10^-k */
        if (n < 17 && !reads_back((u128)q * POW10_U64[17 - n], s, P, ten_k, f, frac == 0)) continue;
        int xo = x;
        if (q == POW10_U64[n]) {   /* 9.99..5 rounded up to 10.0 */
            q = POW10_U64[n - 1];
            xo = x + 1;
            if (xo >= n) return -1;   /* %g would switch to an exponent */
        }
        return emit_fixed(out, q, n, xo);
    }
    return -1;
}

int kt_format_double(char *buf, size_t size, double v)
{
    char tmp[FAST_ROOM + 1];
    int len = -1;
    if (size > FAST_ROOM && v != 0 && fabs(v) >= 1e-4 && fabs(v) < 1e15) {   /* straight into buf */
        buf[0] = '-';
        len = format_fast(buf + (v < 0), fabs(v));
        if (len >= 0) return len + (v < 0);
    }
    double a = fabs(v);
    if (v == 0) {
        len = signbit(v) ? 2 : 1;
        memcpy(tmp, signbit(v) ? "-0" : "0", (size_t)len + 1);
    } else if (a >= 1e-4 && a < 1e15) {
        tmp[0] = '-';
        len = format_fast(tmp + (v < 0), a);
        if (len >= 0) len += v < 0;
    }
    if (len < 0) return kt_format_double_printf(buf, size, v);
    if (len >= KT_DOUBLE_TEXT_MAX) return -1;   /* cannot happen: at most 21 characters */
    if (size) {
        size_t n = (size_t)len < size ? (size_t)len : size - 1;
        memcpy(buf, tmp, n);
        buf[n] = 0;
    }
    return len;
}
