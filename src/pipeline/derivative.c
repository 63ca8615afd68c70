/*
 * pipeline/derivative.c — three-point derivatives on uneven spacing.
 * With h1 = t1 - t0 and h2 = t2 - t1 (seconds) and f0, f1, f2 the values,
 * the quadratic through the three points has derivative
 *   at t0: -(2h1+h2)/(h1(h1+h2)) f0 + (h1+h2)/(h1 h2) f1 - h1/(h2(h1+h2)) f2
 *   at t1: -h2/(h1(h1+h2)) f0 + (h2-h1)/(h1 h2) f1 + h1/(h2(h1+h2)) f2
 *   at t2:  h2/(h1(h1+h2)) f0 - (h1+h2)/(h1 h2) f1 + (h1+2h2)/(h2(h1+h2)) f2
 * each exact for quadratics, hence second-order accurate.
 */
#include "pipeline/derivative.h"

#define US_TO_S 1e-6

typedef struct triple {
    double h1, h2, f0, f1, f2;
} triple;

static triple triple_at(const int64_t *t, const double *v, size_t i)
{
    triple q = { (double)(t[i + 1] - t[i]) * US_TO_S, (double)(t[i + 2] - t[i + 1]) * US_TO_S,
                 v[i], v[i + 1], v[i + 2] };
    return q;
}

static double slope_first(triple q)
{
    return -(2 * q.h1 + q.h2) / (q.h1 * (q.h1 + q.h2)) * q.f0 + (q.h1 + q.h2) / (q.h1 * q.h2) * q.f1 -
           q.h1 / (q.h2 * (q.h1 + q.h2)) * q.f2;
}

static double slope_middle(triple q)
{
    return -q.h2 / (q.h1 * (q.h1 + q.h2)) * q.f0 + (q.h2 - q.h1) / (q.h1 * q.h2) * q.f1 +
           q.h1 / (q.h2 * (q.h1 + q.h2)) * q.f2;
}

static double slope_last(triple q)
{
    return q.h2 / (q.h1 * (q.h1 + q.h2)) * q.f0 - (q.h1 + q.h2) / (q.h1 * q.h2) * q.f1 +
           (q.h1 + 2 * q.h2) / (q.h2 * (q.h1 + q.h2)) * q.f2;
}

/* Differentiates one segment [s0, s1) of at least 2 samples into out_v[0..). */
static void differentiate_segment(const int64_t *t, const double *v, size_t s0, size_t s1, double *out_v)
{
    size_t len = s1 - s0;
    if (len == 2) {
        double d = (v[s0 + 1] - v[s0]) / ((double)(t[s0 + 1] - t[s0]) * US_TO_S);
        out_v[0] = out_v[1] = d;
        return;
    }
    out_v[0] = slope_first(triple_at(t, v, s0));
    for (size_t i = s0 + 1; i + 1 < s1; i++) out_v[i - s0] = slope_middle(triple_at(t, v, i - 1));
    out_v[len - 1] = slope_last(triple_at(t, v, s1 - 3));
}

size_t kt_derivative(const int64_t *t, const double *v, size_t n, int64_t max_gap_us, int64_t *out_t,
                     double *out_v)
{
    size_t written = 0, s0 = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && t[i] - t[i - 1] <= max_gap_us) continue;
        if (i - s0 >= 2) {
            differentiate_segment(t, v, s0, i, out_v + written);
            for (size_t j = s0; out_t && j < i; j++) out_t[written + j - s0] = t[j];
            written += i - s0;
        }
        s0 = i;
    }
    return written;
}
