/*
 * pipeline/ingest_run_id.c — canonical run ids from doubles, integers and
 * text. The double path finds the fewest significant digits whose "%.*e"
 * text reads back as the same double, then shifts the decimal point in the
 * text itself, so ids above 2^63 never pass through an integer type.
 */
#include "pipeline/ingest_run_id.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t non_finite(double v, char out[40])
{
    return (size_t)snprintf(out, 40, isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
}

/* Fewest significant digits (1..max) whose "%.*e" text reads back as v.
 * Reading back is monotonic in the digit count (p digits round-trip, so do
 * p + 1), so a binary search needs ~5 conversions instead of up to 17. */
static size_t shortest_digits(double v, char out[40], int max, bool as_float)
{
    int lo = 1, hi = max;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(out, 40, "%.*e", mid - 1, v);
        bool back = as_float ? strtof(out, NULL) == (float)v : strtod(out, NULL) == v;
        if (back) hi = mid;
        else lo = mid + 1;
    }
    return (size_t)snprintf(out, 40, "%.*e", lo - 1, v);
}

static size_t shortest_e(double v, char out[40]) { return shortest_digits(v, out, 17, false); }

/* The shortest digits in plain notation when the exponent is moderate,
 * scientific otherwise: 12345.5, 0.001, -75000, 7.58229308099147e+18. */
static size_t natural(double v, char out[40], size_t (*digits_e)(double, char *))
{
    char e[40];
    digits_e(v, e);
    const char *x = strchr(e, 'e');
    int exp10 = x ? atoi(x + 1) : 0;
    int p = 0;
    for (const char *c = e; c < x; c++) p += *c >= '0' && *c <= '9';
    if (exp10 < -5 || exp10 >= 16) return (size_t)snprintf(out, 40, "%s", e);
    int decimals = p - 1 - exp10;
    return (size_t)snprintf(out, 40, "%.*f", decimals > 0 ? decimals : 0, v);
}

static size_t shortest_e_float(double v, char *out) { return shortest_digits(v, out, 9, true); }

static size_t shortest_e_double(double v, char *out) { return shortest_e(v, out); }

size_t kt_double_shortest(double v, char out[40])
{
    if (!isfinite(v)) return non_finite(v, out);
    return natural(v, out, shortest_e_double);
}

size_t kt_float_shortest(float v, char out[40])
{
    if (!isfinite(v)) return non_finite(v, out);
    return natural(v, out, shortest_e_float);
}

/* Significant digits and decimal exponent of a "%.*e" text: value = 0.D * 10^(exp+1). */
static size_t split_scientific(const char *text, char digits[24], int *exp10)
{
    size_t nd = 0;
    const char *p = text;
    if (*p == '-') p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && nd < 23) digits[nd++] = *p;
    digits[nd] = 0;
    *exp10 = *p == 'e' ? atoi(p + 1) : 0;
    return nd;
}

size_t kt_run_id_from_double(double v, char out[KT_RUN_ID_MAX], const char **why)
{
    if (!isfinite(v)) {
        *why = "run_uuid is not a finite number";
        return 0;
    }
    if (v < 0) {
        *why = "run_uuid is negative";
        return 0;
    }
    if (v >= 18446744073709551616.0) {
        *why = "run_uuid is not below 2^64";
        return 0;
    }
    if (v == 0) {
        out[0] = '0';
        out[1] = 0;
        return 1;
    }
    char text[40], digits[24];
    shortest_e(v, text);
    int exp10;
    size_t nd = split_scientific(text, digits, &exp10);
    while (nd > 1 && digits[nd - 1] == '0') digits[--nd] = 0;
    /* value = digits * 10^(exp10 - (nd - 1)); integral iff that power is >= 0 */
    int zeros = exp10 - (int)(nd - 1);
    if (zeros < 0 || exp10 < 0) {
        *why = "run_uuid is not an integer";
        return 0;
    }
    if (nd + (size_t)zeros >= KT_RUN_ID_MAX) {
        *why = "run_uuid has too many digits";
        return 0;
    }
    memcpy(out, digits, nd);
    memset(out + nd, '0', (size_t)zeros);
    out[nd + (size_t)zeros] = 0;
    return nd + (size_t)zeros;
}

/* Decimal digits of v into out (room for 21 bytes), NUL-terminated. */
static size_t u64_digits(uint64_t v, char *out)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

size_t kt_run_id_from_uint64(uint64_t v, char out[KT_RUN_ID_MAX])
{
    return u64_digits(v, out);
}

size_t kt_run_id_from_int64(int64_t v, char out[KT_RUN_ID_MAX])
{
    if (v >= 0) return u64_digits((uint64_t)v, out);
    out[0] = '-';
    /* magnitude in unsigned arithmetic: defined for INT64_MIN too */
    return 1 + u64_digits(0 - (uint64_t)v, out + 1);
}

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool kt_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
        else return false;
        if (n - i < len) return false;
        unsigned cp = c & (0x3F >> (len - 1));
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

size_t kt_run_id_from_text(const char *s, size_t n, char out[KT_RUN_ID_MAX], const char **why)
{
    while (n > 0 && is_blank(s[n - 1])) n--;
    while (n > 0 && is_blank(*s)) s++, n--;
    if (n == 0) {
        *why = "run_uuid is empty";
        return 0;
    }
    if (n >= KT_RUN_ID_MAX) {
        *why = "run_uuid is longer than 127 bytes";
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) {
            *why = "run_uuid holds a control character";
            return 0;
        }
    }
    if (!kt_utf8_valid(s, n)) {
        *why = "run_uuid is not valid UTF-8";
        return 0;
    }
    memcpy(out, s, n);
    out[n] = 0;
    return n;
}
