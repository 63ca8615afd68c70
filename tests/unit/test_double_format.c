/*
 * tests/unit/test_double_format.c — core/double_format: the Ryu-based
 * formatter must write byte for byte what the printf/strtod reference
 * writes, and every text must read back to the same bits. Inputs: a
 * million random bit patterns over all doubles and 300,000 over the
 * magnitudes %g prints without an exponent, short decimals like sensor
 * readings, interpolation-like values (full 17 digits), every power of
 * two, every power of ten times 1..9 with neighbours, exact binary ties at
 * the 15th-18th digit, integers, subnormals, zeros and the extremes. The
 * integer logarithms are checked exactly against big-integer powers.
 * Longer: `build/tests/test_double_format --campaign N [SEED]`.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "../../src/core/double_format.c"

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

TEST(random_bits_fixed_notation_range)
{
    uint64_t s = 1;
    for (int i = 0; i < 300000; i++) {
        /* exponent uniform over [1e-4, 1e15), where %g prints fixed notation: biased 1009..1073 */
        uint64_t e = 1009 + rng_next(&s) % 65;
        uint64_t bits = (e << 52) | (rng_next(&s) & ((1ULL << 52) - 1));
        if (i & 1) bits |= 1ULL << 63;
        COMPARE(from_bits(bits));
    }
}

TEST(random_bits_everywhere)
{
    uint64_t s = 2;
    for (int i = 0; i < 1000000; i++) {
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

/* Exact powers of two: every one of them (their interval is lopsided). */
TEST(every_power_of_two)
{
    for (int e = -1074; e <= 1023; e++) {
        double p = ldexp(1.0, e);
        COMPARE(p);
        COMPARE(-p);
        COMPARE(nextafter(p, 0));
        COMPARE(nextafter(p, INFINITY));
    }
}

/* Every power of ten the format can hold, its neighbours and its
 * multiples by 1..9: the edges of the digit count and of the layout. */
TEST(powers_of_ten_everywhere)
{
    for (int e = -323; e <= 308; e++) {
        char text[32];
        snprintf(text, sizeof text, "1e%d", e);
        double p = strtod(text, NULL);
        for (int m = 1; m <= 9; m++) {
            double q = p * m;
            if (!isfinite(q)) continue;
            COMPARE(q);
            COMPARE(nextafter(q, 0));
            COMPARE(nextafter(q, INFINITY));
        }
    }
    COMPARE(1e22);
    COMPARE(1e23);
    COMPARE(9007199254740993.0);
    COMPARE(9007199254740992.0);
    COMPARE(0.1);
    COMPARE(0.3);
    COMPARE(2.2250738585072009e-308);   /* the largest subnormal */
    COMPARE(2.2250738585072014e-308);
}

/* Integers, which %g prints without a point up to the precision. */
TEST(integers)
{
    uint64_t s = 6;
    for (int i = 0; i < 200000; i++) {
        uint64_t m = rng_next(&s) >> (rng_next(&s) % 64);
        COMPARE((double)m);
        COMPARE(-(double)(m >> 11));
    }
    for (int64_t k = 0; k < 100000; k++) COMPARE((double)k);
}

/* Subnormals: shortest forms from one digit. */
TEST(random_subnormals)
{
    uint64_t s = 7;
    for (int i = 0; i < 100000; i++) COMPARE(from_bits(rng_next(&s) & ((1ULL << 52) - 1)));
    for (uint64_t b = 1; b < 5000; b++) COMPARE(from_bits(b));
}

TEST(short_buffer_like_snprintf)
{
    char small[4];
    int n = kt_format_double(small, sizeof small, 1234.5678);
    CHECK_EQ_INT(n, 9);
    CHECK_EQ_STR(small, "123");
    n = kt_format_double(NULL, 0, -0.25);
    CHECK_EQ_INT(n, 5);
    char one[1] = { 'x' };
    n = kt_format_double(one, 1, 1e300);
    CHECK_EQ_INT(n, 6);
    CHECK_EQ_INT(one[0], 0);
}

/* The shortest digits as numbers, against values known by hand. */
TEST(shortest_decimal_by_hand)
{
    struct { double v; uint64_t digits; int exp10; } cases[] = {
        { 1.0, 1, 0 }, { 0.1, 1, -1 }, { 1e23, 1, 23 }, { 5e-324, 5, -324 },
        { 1.7976931348623157e308, 17976931348623157ULL, 292 }, { 123456.0, 123456, 0 },
        { 0.3, 3, -1 }, { 2.0 / 3.0, 6666666666666666ULL, -16 }, { 9007199254740993.0, 9007199254740992ULL, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kt_shortest_decimal d = kt_double_shortest_decimal(cases[i].v);
        CHECK_MSG(d.digits == cases[i].digits && d.exp10 == cases[i].exp10, "%.17g: %llu e%d", cases[i].v,
                  (unsigned long long)d.digits, d.exp10);
    }
}

/* ---- exact checks of the integer logarithms and the digit helpers */

/* Big unsigned integer in base 10^9 limbs, little end first: enough for 5^2620. */
typedef struct big10 { uint32_t limb[700]; int n; } big10;

static void big10_mul(big10 *b, uint32_t k)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t x = (uint64_t)b->limb[i] * k + carry;
        b->limb[i] = (uint32_t)(x % 1000000000);
        carry = x / 1000000000;
    }
    if (carry) b->limb[b->n++] = (uint32_t)carry;
}

/* floor(log10(b)) of b >= 1. */
static int big10_log10(const big10 *b)
{
    int top = 0;
    for (uint32_t x = b->limb[b->n - 1]; x >= 10; x /= 10) top++;
    return 9 * (b->n - 1) + top;
}

TEST(integer_logarithms_exact)
{
    static big10 two, five;
    two = (big10){ { 1 }, 1 };
    five = (big10){ { 1 }, 1 };
    for (int e = 0; e <= 1650; e++) {
        CHECK_EQ_INT(log10_pow2(e), big10_log10(&two));
        big10_mul(&two, 2);
    }
    double log2_5 = log2(5.0);
    for (int e = 0; e <= 2620; e++) {
        CHECK_EQ_INT(log10_pow5(e), big10_log10(&five));
        /* ceil(e log2 5): e log2 5 is irrational for e > 0, never within 1e-9 of an integer here */
        if (e > 0) CHECK_EQ_INT(pow5_bits(e), (int)ceil(e * log2_5));
        big10_mul(&five, 5);
    }
}

TEST(digit_helpers)
{
    for (int k = 0; k < 20; k++) {
        uint64_t p = POW10[k];
        CHECK_EQ_INT(decimal_length(p), k + 1);
        if (p > 1) CHECK_EQ_INT(decimal_length(p - 1), k);
        if (k < 19) CHECK_EQ_INT(decimal_length(p * 9), k + 1);
    }
    CHECK_EQ_INT(decimal_length(UINT64_MAX), 20);
    for (uint64_t n = 0; n < 10000; n++) CHECK_EQ_INT(n * 10486 >> 20, n / 100);
    for (uint64_t n = 0; n < 100; n++) CHECK_EQ_INT(n * 103 >> 10, n / 10);
    char d[9] = { 0 }, want[9];
    for (uint32_t v = 0; v <= 100000000; v += 9973) {
        uint32_t x = v < 100000000 ? v : 99999999;
        uint64_t w = ascii8(x);
        for (int i = 0; i < 8; i++) d[i] = (char)(w >> (8 * i));
        snprintf(want, sizeof want, "%08u", x);
        CHECK_EQ_STR(d, want);
    }
#if defined(__SSE2__) && defined(__x86_64__)
    char d16[17] = { 0 }, want16[17];
    for (uint32_t v = 0; v <= 100000000; v += 7919) {   /* the SSE2 path: 16 digits of two halves */
        uint32_t a = v < 100000000 ? v : 99999999, b = 99999999 - a;
        uint64_t lo, hi;
        ascii16(a, b, &lo, &hi);
        for (int i = 0; i < 8; i++) d16[i] = (char)(lo >> (8 * i)), d16[8 + i] = (char)(hi >> (8 * i));
        snprintf(want16, sizeof want16, "%08u%08u", a, b);
        CHECK_EQ_STR(d16, want16);
    }
#endif
}

/* Opt-in: `test_double_format --campaign N [SEED]` compares N random bit
 * patterns (and N values near sensor magnitudes) with the reference. */
static int campaign(long long n, uint64_t seed)
{
    long long bad = 0;
    uint64_t s = seed;
    for (long long i = 0; i < n; i++) {
        char why[256];
        double v = from_bits(rng_next(&s));
        if (isfinite(v) && compare_one(v, why, sizeof why) && bad++ < 20) printf("FAIL %s\n", why);
        uint64_t e = 1000 + rng_next(&s) % 80;
        v = from_bits(e << 52 | (rng_next(&s) & ((1ULL << 52) - 1)));
        if (compare_one(v, why, sizeof why) && bad++ < 20) printf("FAIL %s\n", why);
    }
    printf("%s double_format/campaign: %lld x 2 values, %lld mismatches (seed %llu)\n", bad ? "FAIL" : "PASS",
           n, bad, (unsigned long long)seed);
    return bad != 0;
}

/* Opt-in: `test_double_format --bench CSV [ROUNDS]` times kt_format_double
 * (and the digits alone) over every number with a '.' or an 'e' in a CSV
 * file, e.g. `kinetl cat features --run ID --format csv` output; checks
 * each against the reference once first. Prints ns per double. */
static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU time: the machine is shared */
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_csv(const char *path, int rounds)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    size_t cap = 1 << 20, n = 0;
    double *vals = malloc(cap * sizeof *vals);
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n")) {
            if (!strpbrk(tok, ".e") || strpbrk(tok, "TZ")) continue;
            char *end;
            double v = strtod(tok, &end);
            if (end == tok) continue;
            if (n == cap) vals = realloc(vals, (cap *= 2) * sizeof *vals);
            vals[n++] = v;
        }
    }
    fclose(f);
    if (getenv("KT_BENCH_SORT")) qsort(vals, n, sizeof *vals, cmp_double);
    long long bad = 0;
    for (size_t i = 0; i < n; i++) {
        char why[256];
        if (compare_one(vals[i], why, sizeof why) && bad++ < 5) printf("FAIL %s\n", why);
    }
    char buf[96];   /* the room cat's renderers give it: the direct path */
    size_t sink = 0;
    double best = 1e30, best_digits = 1e30;
    for (int r = 0; r < rounds; r++) {
        double t0 = seconds_now();
        for (size_t i = 0; i < n; i++) sink += (size_t)kt_format_double(buf, sizeof buf, vals[i]) + (unsigned char)buf[0];
        double t1 = seconds_now();
        for (size_t i = 0; i < n; i++) sink += kt_double_shortest_decimal(vals[i]).digits;
        double t2 = seconds_now();
        if (t1 - t0 < best) best = t1 - t0;
        if (t2 - t1 < best_digits) best_digits = t2 - t1;
    }
    printf("%s double_format/bench: %zu doubles, %.1f ns/double (digits alone %.1f ns), %lld mismatches [%zu]\n",
           bad ? "FAIL" : "PASS", n, best * 1e9 / (double)n, best_digits * 1e9 / (double)n, bad, sink & 1);
    free(vals);
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--campaign"))
        return campaign(atoll(argv[2]), argc >= 4 ? strtoull(argv[3], NULL, 10) : 42);
    if (argc >= 3 && !strcmp(argv[1], "--bench")) return bench_csv(argv[2], argc >= 4 ? atoi(argv[3]) : 5);
    kt_test_ctx ctx = { .suite = "double_format" };
    RUN(&ctx, digit_helpers);
    RUN(&ctx, integer_logarithms_exact);
    RUN(&ctx, shortest_decimal_by_hand);
    RUN(&ctx, every_power_of_two);
    RUN(&ctx, powers_of_ten_everywhere);
    RUN(&ctx, integers);
    RUN(&ctx, random_subnormals);
    RUN(&ctx, random_bits_fixed_notation_range);
    RUN(&ctx, random_bits_everywhere);
    RUN(&ctx, short_decimals);
    RUN(&ctx, interpolation_like_values);
    RUN(&ctx, powers_and_neighbours);
    RUN(&ctx, exact_ties);
    RUN(&ctx, zeros_subnormals_extremes);
    RUN(&ctx, short_buffer_like_snprintf);
    return ctx.total_failed ? 1 : 0;
}
