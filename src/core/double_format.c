/*
 * core/double_format.c — shortest round-trip text of doubles (see
 * double_format.h): the Ryu algorithm for the digits, %g's layout rules for
 * the text, printf + strtod as the reference and for the rare fallback.
 *
 * Ryu (U. Adams, PLDI 2018) in brief: with mv = 4 * mantissa and e2 the
 * binary exponent minus 2, the value is mv * 2^e2 and the values that read
 * back to it lie between mm = mv - 2 (mv - 1 just above a power of two,
 * where the gap below is half as wide) and mp = mv + 2, at the same scale.
 * One decimal scale 10^e10 is chosen so that mm, mv, mp * 2^e2 / 10^e10 are
 * integers of at most 17-18 digits: vm, vr, vp, floors computed exactly by
 * a multiplication with a 125-bit power of five (or its inverse) and a
 * shift. Removing decimal digits from all three while vp and vm still
 * differ leaves the shortest digit string in the interval; the last
 * removed digit of vr rounds it to the nearest. Whether each floor was
 * exact (the *_exact flags) decides the interval's closed ends (strtod's
 * ties go to the even mantissa) and exact halfway ties (to an even digit).
 * Unlike the paper's code, exactness is tested for every scale, not only
 * where it was proven to matter: true flags are always correct.
 *
 * Why the shortest digits are what the %.15g/%.16g/%.17g search prints: a
 * normal double's interval is narrower than 1.2e-16 of its value on each
 * side, so any decimal of <= 15 digits inside it is the nearest 15-digit
 * decimal, which %.15g prints (trailing zeros removed). With 16 or 17
 * digits the nearest such decimal (%.16g, %.17g) is inside the interval
 * whenever any is, since the interval is symmetric — except at exact
 * powers of two, which take the reference path then. Subnormals have a
 * symmetric interval too, and the reference searches them from %.1g.
 */
#include "core/double_format.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/double_format_pow5.h"

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

__extension__ typedef unsigned __int128 u128;

#define MANTISSA_BITS 52
#define EXPONENT_BIAS 1023

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

/* ------------------------------------------------------------ Ryu */

/* floor(log10(2^e)), floor(log10(5^e)) and ceil(log2(5^e)) (1 for e = 0) by
 * multiply-shift, exact over the ranges used here (checked by the
 * generator script and the unit test). */
static inline int log10_pow2(int e) { return (int)(((uint32_t)e * 78913) >> 18); }
static inline int log10_pow5(int e) { return (int)(((uint32_t)e * 732923) >> 20); }
static inline int pow5_bits(int e) { return (int)(((uint32_t)e * 1217359) >> 19) + 1; }

static inline bool multiple_of_pow5(uint64_t x, int q)
{
    for (; q > 0; q--, x /= 5)
        if (x % 5) return false;
    return true;
}

static inline bool multiple_of_pow2(uint64_t x, int q) { return q < 64 && (x & ((1ULL << q) - 1)) == 0; }

/* floor(x * mul / 2^j) for x = 4 * m2 + 2 (vp), 4 * m2 (vr) and
 * 4 * m2 - 1 - mm_shift (vm), m2 < 2^53, mul < 2^126, 64 < j < 128, from
 * one 179-bit product m2 * mul (two multiplications instead of six): the
 * three numerators differ from 4 * m2 * mul by 2 * mul and -(1|2) * mul,
 * added exactly in 192 bits (a low word and a 128-bit high part). */
static inline void mul_shift_all(uint64_t m2, const uint64_t mul[2], int j, bool mm_shift,
                                 uint64_t *vp, uint64_t *vr, uint64_t *vm)
{
    u128 a = (u128)m2 * mul[0];
    u128 hi = (a >> 64) + (u128)m2 * mul[1];
    uint64_t lo = (uint64_t)a;
    hi = hi << 2 | lo >> 62;   /* 4 * m2 * mul < 2^181 */
    lo <<= 2;
    int sh = j - 64;
    *vr = (uint64_t)(hi >> sh);
    uint64_t plo = mul[0] << 1;   /* 2 * mul */
    u128 phi = (u128)(mul[1] << 1 | mul[0] >> 63);
    uint64_t up_lo = lo + plo;
    *vp = (uint64_t)((hi + phi + (up_lo < lo)) >> sh);
    uint64_t mlo = mm_shift ? plo : mul[0];   /* (1 + mm_shift) * mul */
    u128 mhi = mm_shift ? phi : (u128)mul[1];
    *vm = (uint64_t)((hi - mhi - (lo < mlo)) >> sh);
}

/* The interval of one double at a decimal scale (see the top comment). */
typedef struct scaled {
    uint64_t vr, vp, vm;
    int e10;
    bool vr_exact, vm_exact;
} scaled;

static scaled scale(uint64_t m2, int e2, bool mm_shift, bool even)
{
    scaled s = { 0 };
    uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - 1 - mm_shift;
    if (e2 >= 0) {
        int q = log10_pow2(e2) - (e2 > 3);
        int j = -e2 + q + KT_POW5_BITS + pow5_bits(q) - 1;
        s.e10 = q;
        mul_shift_all(m2, KT_POW5_INV[q], j, mm_shift, &s.vp, &s.vr, &s.vm);
        /* exact iff 5^q divides (2^e2 >= 2^q divides anyway); at most one
         * of mm, mv, mp is a multiple of 5 */
        if (mv % 5 == 0) s.vr_exact = multiple_of_pow5(mv, q);
        else if (even) s.vm_exact = multiple_of_pow5(mm, q);
        else s.vp -= multiple_of_pow5(mp, q);   /* the open upper end */
        return s;
    }
    int q = log10_pow5(-e2) - (-e2 > 1);
    int i = -e2 - q;
    int j = q - (pow5_bits(i) - KT_POW5_BITS);
    s.e10 = q + e2;
    mul_shift_all(m2, KT_POW5[i], j, mm_shift, &s.vp, &s.vr, &s.vm);
    /* exact iff 2^q divides; mp and mm have at most one factor 2 */
    if (q <= 1) {
        s.vr_exact = true;
        if (even) s.vm_exact = mm_shift;
        else s.vp--;
    } else {
        s.vr_exact = multiple_of_pow2(mv, q);
    }
    return s;
}

/* Digit removal when an end or vr may be exact (rare): ties and closed ends. */
static kt_shortest_decimal remove_digits_exact(scaled s, bool accept_bounds)
{
    int removed = 0;
    unsigned last = 0;
    while (s.vp / 10 > s.vm / 10) {
        s.vm_exact &= s.vm % 10 == 0;
        s.vr_exact &= last == 0;
        last = (unsigned)(s.vr % 10);
        s.vr /= 10, s.vp /= 10, s.vm /= 10, removed++;
    }
    if (s.vm_exact) {
        while (s.vm % 10 == 0) {   /* vm itself is in the interval: go shorter */
            s.vr_exact &= last == 0;
            last = (unsigned)(s.vr % 10);
            s.vr /= 10, s.vp /= 10, s.vm /= 10, removed++;
        }
    }
    if (s.vr_exact && last == 5 && s.vr % 2 == 0) last = 4;   /* exactly halfway: to even */
    bool up = (s.vr == s.vm && (!accept_bounds || !s.vm_exact)) || last >= 5;
    return (kt_shortest_decimal){ s.vr + up, s.e10 + removed };
}

/* Digit removal when nothing is exact (the usual case): no ties, open ends. */
static kt_shortest_decimal remove_digits(scaled s)
{
    int removed = 0;
    bool up = false;
    if (s.vp / 100 > s.vm / 100) {
        up = s.vr % 100 >= 50;
        s.vr /= 100, s.vp /= 100, s.vm /= 100, removed = 2;
    }
    while (s.vp / 10 > s.vm / 10) {
        up = s.vr % 10 >= 5;
        s.vr /= 10, s.vp /= 10, s.vm /= 10, removed++;
    }
    return (kt_shortest_decimal){ s.vr + (s.vr == s.vm || up), s.e10 + removed };
}

static kt_shortest_decimal shortest_bits(uint64_t frac, int biased)
{
    uint64_t m2 = biased ? frac | 1ULL << MANTISSA_BITS : frac;
    int e2 = (biased ? biased : 1) - EXPONENT_BIAS - MANTISSA_BITS - 2;
    bool even = (m2 & 1) == 0;
    scaled s = scale(m2, e2, frac != 0 || biased <= 1, even);
    /* one flag tested, not two bools read back as a word: that read waits
     * for a failed store-to-load forwarding (~35 % of the time here) */
    bool any_exact = s.vr_exact | s.vm_exact;
    kt_shortest_decimal d;
    if (__builtin_expect(any_exact, 0)) d = remove_digits_exact(s, even);
    else d = remove_digits(s);
    while (d.digits % 10 == 0) {   /* a round-up can end in zeros: they are not digits */
        d.digits /= 10;
        d.exp10++;
    }
    return d;
}

kt_shortest_decimal kt_double_shortest_decimal(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return shortest_bits(bits & ((1ULL << MANTISSA_BITS) - 1), (int)(bits >> MANTISSA_BITS) & 0x7ff);
}

/* ------------------------------------------------------------ text */

/* The text is assembled from the 17 digits of digits * 10^(17 - n) held in
 * registers and written with a few word stores at their final places, so
 * nothing is copied through a small buffer (byte stores followed by a wide
 * load stall the store-to-load forwarding of current CPUs). On x86-64 the
 * 16 digits after the first come from SSE2 lanes (ascii16), elsewhere from
 * two scalar ascii8 words: same bytes. */

static const uint64_t POW10[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL,
};

/* Number of decimal digits of v >= 1: floor(log10 v) + 1 from the bit
 * length (1233 / 4096 ~ log10 2), corrected by one comparison. */
static inline int decimal_length(uint64_t v)
{
    int t = (64 - __builtin_clzll(v)) * 1233 >> 12;
    return t + 1 - (v < POW10[t]);
}

/* The 8 decimal digits of v < 10^8 as ASCII, first digit in the lowest
 * byte: two 4-digit lanes, then four 2-digit lanes, then eight digits,
 * each split by multiply-shift (n / 100 = n * 10486 >> 20 for n < 10^4,
 * n / 10 = n * 103 >> 10 for n < 100; the lanes are wide enough that no
 * product spills into the next). */
static inline uint64_t ascii8(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
    uint64_t h = (x * 10486 >> 20) & 0x0000007F0000007FULL;
    x = h | (x - h * 100) << 16;
    uint64_t t = (x * 103 >> 10) & 0x000F000F000F000FULL;
    x = t | (x - t * 10) << 8;
    return x | 0x3030303030303030ULL;
}

/* Stores of words whose lowest byte goes first in memory. */
static inline void store64(char *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    memcpy(p, &w, 8);
}

static inline void store128(char *p, u128 w)
{
    store64(p, (uint64_t)w);
    store64(p + 8, (uint64_t)(w >> 64));
}

/* 17 digits: first, then 1..8 and 9..16 as ascii8 words. */
typedef struct digits17 {
    char first;
    uint64_t mid, last;
} digits17;

#if defined(__SSE2__) && defined(__x86_64__)
/* The 16 digits of two numbers < 10^8 (mid first) with SSE2: each split
 * into 4-digit groups (v / 10^4 = v * 0xd1b71759 >> 45 for 32-bit v),
 * every group into two 2-digit lanes (x / 100 = x * 5243 >> 19 for x <
 * 10^4), every 2-digit lane into two digit bytes (y / 10 = y * 6554 >> 16
 * for y < 100), all lanes at once: a third of the scalar instructions. */
static inline void ascii16(uint32_t mid, uint32_t last, uint64_t *lo, uint64_t *hi)
{
    __m128i v = _mm_set_epi64x((long long)last, (long long)mid);
    __m128i q = _mm_srli_epi64(_mm_mul_epu32(v, _mm_set1_epi64x(0xd1b71759)), 45);
    __m128i r = _mm_sub_epi32(v, _mm_mul_epu32(q, _mm_set1_epi64x(10000)));
    __m128i g = _mm_or_si128(q, _mm_slli_epi64(r, 32));   /* 32-bit lanes: groups 0..3 */
    __m128i x = _mm_or_si128(g, _mm_slli_epi32(g, 16));   /* each group twice */
    __m128i h = _mm_srli_epi16(_mm_mulhi_epu16(x, _mm_set1_epi16(5243)), 3);
    __m128i t = _mm_sub_epi16(x, _mm_mullo_epi16(h, _mm_set1_epi16(100)));
    __m128i even = _mm_set1_epi32(0xFFFF);
    __m128i y = _mm_or_si128(_mm_and_si128(h, even), _mm_andnot_si128(even, t));
    __m128i d = _mm_mulhi_epu16(y, _mm_set1_epi16(6554));
    __m128i e = _mm_sub_epi16(y, _mm_mullo_epi16(d, _mm_set1_epi16(10)));
    __m128i a = _mm_or_si128(_mm_or_si128(d, _mm_slli_epi16(e, 8)), _mm_set1_epi8('0'));
    *lo = (uint64_t)_mm_cvtsi128_si64(a);
    *hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a));
}
#endif

static inline digits17 split_digits(uint64_t v17)
{
    uint64_t first = v17 / 10000000000000000ULL;
    uint64_t rest = v17 - first * 10000000000000000ULL;
    uint32_t mid = (uint32_t)(rest / 100000000);
    uint32_t last = (uint32_t)(rest - (uint64_t)mid * 100000000);
#if defined(__SSE2__) && defined(__x86_64__)
    digits17 d = { (char)('0' + first), 0, 0 };
    ascii16(mid, last, &d.mid, &d.last);
    return d;
#else
    return (digits17){ (char)('0' + first), ascii8(mid), ascii8(last) };
#endif
}

/* d.ddd (n digits) then e±XX, at out; returns the length. */
static int layout_exponent(char *out, digits17 d, int n, int x)
{
    out[0] = d.first;
    out[1] = '.';
    store64(out + 2, d.mid);
    store64(out + 10, d.last);
    int len = n > 1 ? n + 1 : 1;
    out[len++] = 'e';
    out[len++] = x < 0 ? '-' : '+';
    unsigned a = (unsigned)(x < 0 ? -x : x);
    if (a >= 100) {
        out[len++] = (char)('0' + a / 100);
        a %= 100;
    }
    out[len++] = (char)('0' + a / 10);
    out[len++] = (char)('0' + a % 10);
    return len;
}

/* %g's fixed notation (-4 <= x < precision) of n digits, at out. */
static int layout_fixed(char *out, digits17 d, int n, int x)
{
    if (x < 0) {   /* 0.000ddd */
        char *p = out + 1 - x;
        store64(out, 0x3030303030302e30ULL);   /* "0.000000" */
        p[0] = d.first;
        store64(p + 1, d.mid);
        store64(p + 9, d.last);
        return 1 - x + n;
    }
    if (n <= x + 1) {   /* an integer: the scaled digits end in the zeros it needs */
        out[0] = d.first;
        store64(out + 1, d.mid);
        store64(out + 9, d.last);
        return x + 1;
    }
    /* ddd.ddd with x + 1 <= 16 digits before the point: the digits up to
     * the point and the point, then the rest stored over the tail */
    u128 head = (u128)(unsigned char)d.first | (u128)d.mid << 8 | (u128)d.last << 72;   /* digits 0..15 */
    if (x == 15) {   /* 16 digits, the point, the 17th */
        store128(out, head);
        out[16] = '.';
        out[17] = (char)(d.last >> 56);
        return 18;
    }
    int cut = 8 * (x + 1);
    u128 low = ((u128)1 << cut) - 1;
    store128(out, (head & low) | (u128)'.' << cut);
    store128(out + x + 2, head >> cut);
    out[17] = (char)(d.last >> 56);   /* digit 16 lands at 17 */
    return n + 1;
}

/* The text of a finite nonzero double at out (FAST_ROOM bytes of room), or
 * -1 for the reference path. */
#define FAST_ROOM 64
static int format_nonzero(char *out, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> MANTISSA_BITS) & 0x7ff;
    uint64_t frac = bits & ((1ULL << MANTISSA_BITS) - 1);
    kt_shortest_decimal s = shortest_bits(frac, biased);
    int n = decimal_length(s.digits);
    if (frac == 0 && biased > 1 && n > 15) return -1;   /* power of two: see the header */
    int x = s.exp10 + n - 1;
    int precision = biased == 0 || n > 15 ? n : 15;
    int sign = (int)(bits >> 63);
    digits17 d = split_digits(s.digits * POW10[17 - n]);
    out[0] = '-';
    out += sign;
    return sign + (x < -4 || x >= precision ? layout_exponent(out, d, n, x) : layout_fixed(out, d, n, x));
}

int kt_format_double(char *buf, size_t size, double v)
{
    char tmp[FAST_ROOM];
    char *out = size >= FAST_ROOM ? buf : tmp;
    int len;
    if (!isfinite(v)) return kt_format_double_printf(buf, size, v);
    if (v == 0) {
        len = signbit(v) ? 2 : 1;
        memcpy(out, "-0", 2);
        if (len == 1) out[0] = '0';
    } else {
        len = format_nonzero(out, v);
        if (len < 0) return kt_format_double_printf(buf, size, v);
    }
    if (out == buf) {
        buf[len] = 0;
    } else if (size) {
        size_t k = (size_t)len < size ? (size_t)len : size - 1;
        memcpy(buf, tmp, k);
        buf[k] = 0;
    }
    return len;
}
