/*
 * format/parquet/value_convert.c — physical values to the reader's output
 * types: UINT32 widened to int64, DECIMAL scaled to double, INT96 to
 * nanoseconds since the Unix epoch.
 */
#include <math.h>
#include <string.h>

#include "format/parquet/decode.h"

__extension__ typedef __int128 kt_i128;

#define JULIAN_DAY_OF_UNIX_EPOCH 2440588
#define NANOS_PER_DAY 86400000000000LL

double kt_pq_pow10(int k)
{
    static const double exact[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    if (k >= 0 && k <= 22) return exact[k];
    return pow(10.0, k);
}

void kt_pq_widen_u32(const int32_t *src, int64_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = (int64_t)(uint32_t)src[i];
}

void kt_pq_decimal_i32(const int32_t *src, double *dst, size_t n, int scale)
{
    const double div = kt_pq_pow10(scale);
    for (size_t i = 0; i < n; i++) dst[i] = (double)src[i] / div;
}

void kt_pq_decimal_i64(const int64_t *src, double *dst, size_t n, int scale)
{
    const double div = kt_pq_pow10(scale);
    for (size_t i = 0; i < n; i++) dst[i] = (double)src[i] / div;
}

double kt_pq_decimal_be(const uint8_t *p, size_t len, int scale)
{
    if (len == 0) return 0.0;
    bool negative = p[0] & 0x80;
    double v;
    if (len <= 16) {
        kt_i128 x = negative ? -1 : 0;
        for (size_t i = 0; i < len; i++) x = (kt_i128)((unsigned __int128)x << 8 | p[i]);
        v = (double)x;
    } else {
        /* Beyond 128 bits: accumulate the magnitude (for negatives, of the
         * complement, then -(m + 1)) in floating point. */
        double m = 0;
        for (size_t i = 0; i < len; i++) m = m * 256.0 + (double)(negative ? (uint8_t)~p[i] : p[i]);
        v = negative ? -(m + 1.0) : m;
    }
    return v / kt_pq_pow10(scale);
}

kt_status kt_pq_decimal_bytes(const kt_column *src, double *dst, int scale, kt_error *err)
{
    (void)err;
    for (size_t i = 0; i < src->len; i++) {
        size_t len;
        const char *p = kt_column_bytes_at(src, i, &len);
        dst[i] = kt_pq_decimal_be((const uint8_t *)p, len, scale);
    }
    return KT_OK;
}

bool kt_pq_int96_nanos(const uint8_t *p, int64_t *out)
{
    uint64_t nanos = kt_pq_le64(p);
    uint32_t julian = kt_pq_le32(p + 8);
    int64_t days = (int64_t)julian - JULIAN_DAY_OF_UNIX_EPOCH, ns;
    if (nanos > (uint64_t)INT64_MAX) return false;
    if (__builtin_mul_overflow(days, NANOS_PER_DAY, &ns)) return false;
    if (__builtin_add_overflow(ns, (int64_t)nanos, &ns)) return false;
    *out = ns;
    return true;
}
