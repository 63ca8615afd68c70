/*
 * tests/unit/test_double_format.c — cli/double_format: the fast formatter
 * must write byte for byte what the printf/strtod reference writes, and
 * every text must read back to the same bits. Inputs: random bit patterns
 * over the whole fast range and beyond, short decimals like sensor
 * readings, interpolation-like values (full 17 digits), powers of two and
 * ten with their neighbours, exact binary ties at the 15th-18th digit,
 * the range edges, zeros and subnormals.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../src/cli/double_format.c"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* 0 when fast == reference and the text reads back; else fills why. */
static int compare_one(double v, char *why, size_t cap)
{
    char fast[KT_DOUBLE_TEXT_MAX], ref[KT_DOUBLE_TEXT_MAX];
    int nf = kt_format_double(fast, sizeof fast, v);
    int nr = kt_format_double_printf(ref, sizeof ref, v);
    if (nf != nr || strcmp(fast, ref) != 0) {
        snprintf(why, cap, "%a: fast '%s' (%d) vs reference '%s' (%d)", v, fast, nf, ref, nr);
        return 1;
    }
    double back = strtod(fast, NULL);
    if (memcmp(&back, &v, sizeof v) != 0 && !(v == 0 && back == 0 && signbit(v) == signbit(back))) {
        snprintf(why, cap, "%a: '%s' reads back as %a", v, fast, back);
        return 1;
    }
    return 0;
}

#define COMPARE(v) do { char why_[256]; if (compare_one((v), why_, sizeof why_)) CHECK_MSG(0, "%s", why_); } while (0)

TEST(random_bits_in_fast_range)
{
    uint64_t s = 1;
    for (int i = 0; i < 300000; i++) {
        /* exponent uniform over [1e-4, 1e15): biased 1009..1073 */
        uint64_t e = 1009 + rng_next(&s) % 65;
        uint64_t bits = (e << 52) | (rng_next(&s) & ((1ULL << 52) - 1));
        if (i & 1) bits |= 1ULL << 63;
        COMPARE(from_bits(bits));
    }
}

TEST(random_bits_everywhere)
{
    uint64_t s = 2;
    for (int i = 0; i < 100000; i++) {
        double v = from_bits(rng_next(&s));
        if (!isfinite(v)) continue;
        COMPARE(v);
    }
}

/* Sensor readings: a few decimals, as delivered. */
TEST(short_decimals)
{
    uint64_t s = 3;
    for (int i = 0; i < 200000; i++) {
        int64_t m = (int64_t)(rng_next(&s) % 100000000) - 50000000;
        int k = (int)(rng_next(&s) % 8);
        static const double P[] = { 1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7 };
        COMPARE((double)m / P[k]);
    }
}

/* Interpolated cells: ratios that need 16 or 17 digits. */
TEST(interpolation_like_values)
{
    uint64_t s = 4;
    for (int i = 0; i < 200000; i++) {
        double a = (double)(rng_next(&s) % 4000000) / 1000.0, b = (double)(rng_next(&s) % 4000000) / 1000.0;
        double t = (double)(rng_next(&s) % 1000003) / 1000003.0;
        COMPARE(a + (b - a) * t);
        COMPARE(sqrt(a * a + b * b));
    }
}

TEST(powers_and_neighbours)
{
    for (int e = -20; e <= 60; e++) {
        double p = ldexp(1.0, e);
        COMPARE(p);
        COMPARE(nextafter(p, 0));
        COMPARE(nextafter(p, INFINITY));
        COMPARE(-p);
    }
    for (int e = -6; e <= 16; e++) {
        double p = pow(10, e);
        double q = p;
        for (int k = 0; k < 40; k++) q = nextafter(q, INFINITY);
        COMPARE(p);
        COMPARE(nextafter(p, 0));
        COMPARE(nextafter(p, INFINITY));
        COMPARE(q);
        COMPARE(p * 9.999999999999999);
        COMPARE(p * 0.99999999999999994);
    }
    COMPARE(1e-4);
    COMPARE(nextafter(1e-4, 0));
    COMPARE(1e15);
    COMPARE(nextafter(1e15, 0));
    COMPARE(999999999999999.9);
    COMPARE(999999999999999.4);
    COMPARE(99999999999999.99);
    COMPARE(0.00009999999999999999);
}

/* Values whose exact binary expansion ends in 5 just past the 15th-17th
 * significant digit: printf's tie rule decides them. */
TEST(exact_ties)
{
    uint64_t s = 5;
    for (int i = 0; i < 200000; i++) {
        int shift = 1 + (int)(rng_next(&s) % 12);           /* few fraction bits: exact short decimals */
        uint64_t m = rng_next(&s) >> (11 + rng_next(&s) % 30);
        double v = ldexp((double)m, -shift);
        if (v < 1e15) COMPARE(v);
    }
    COMPARE(0.5);
    COMPARE(2.5);
    COMPARE(12345678901234.25);
    COMPARE(1234567890123.125);
    COMPARE(123456789012.0625);
    COMPARE(4503599627370495.5);
}

TEST(zeros_subnormals_extremes)
{
    COMPARE(0.0);
    COMPARE(-0.0);
    COMPARE(DBL_MIN);
    COMPARE(DBL_TRUE_MIN);
    COMPARE(-DBL_TRUE_MIN);
    COMPARE(DBL_MAX);
    COMPARE(5e-324);
    COMPARE(1e-5);
    COMPARE(1e16);
    COMPARE(7.58229308099147e18);
    COMPARE(12405186538561671000.0);
}

TEST(short_buffer_like_snprintf)
{
    char small[4];
    int n = kt_format_double(small, sizeof small, 1234.5678);
    CHECK_EQ_INT(n, 9);
    CHECK_EQ_STR(small, "123");
    n = kt_format_double(NULL, 0, -0.25);
    CHECK_EQ_INT(n, 5);
}

/* The multiply-shift divisions the digit conversion relies on, exhaustively. */
TEST(digit_split_identities)
{
    for (uint64_t n = 0; n < 10000; n++) CHECK_EQ_INT(n * 10486 >> 20, n / 100);
    for (uint64_t n = 0; n < 100; n++) CHECK_EQ_INT(n * 103 >> 10, n / 10);
    char d[9] = { 0 }, want[9];
    for (uint32_t v = 0; v <= 100000000; v += 9973) {
        uint32_t x = v < 100000000 ? v : 99999999;
        uint64_t w = ascii8(x);
        for (int i = 0; i < 8; i++) d[i] = (char)(w >> (8 * i));
        snprintf(want, sizeof want, "%08u", x);
        CHECK_EQ_STR(d, want);
        int zeros = 0;
        while (zeros < 8 && want[7 - zeros] == '0') zeros++;
        CHECK_EQ_INT(trailing_zero_digits(w), zeros);
    }
}

int main(void)
{
    kt_test_ctx ctx = { .suite = "double_format" };
    RUN(&ctx, digit_split_identities);
    RUN(&ctx, random_bits_in_fast_range);
    RUN(&ctx, random_bits_everywhere);
    RUN(&ctx, short_decimals);
    RUN(&ctx, interpolation_like_values);
    RUN(&ctx, powers_and_neighbours);
    RUN(&ctx, exact_ties);
    RUN(&ctx, zeros_subnormals_extremes);
    RUN(&ctx, short_buffer_like_snprintf);
    return ctx.total_failed ? 1 : 0;
}
