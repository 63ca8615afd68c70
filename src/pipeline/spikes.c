/*
 * pipeline/spikes.c — Hampel filter with a sliding sorted window.
 *
 * The window is kept sorted as it slides (one removal, one insertion per
 * step, O(w)), so the median is read directly. The MAD is needed only
 * when the sample is farther than min_deviation from the median, because
 * the threshold is never below that floor: on smooth signals almost no
 * sample takes the slow path.
 */
#include "pipeline/spikes.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define MAD_TO_SIGMA 1.4826

typedef struct sorted_window {
    double *v;
    size_t len;
} sorted_window;

static void window_insert(sorted_window *w, double x)
{
    size_t i = w->len;
    while (i > 0 && w->v[i - 1] > x) {
        w->v[i] = w->v[i - 1];
        i--;
    }
    w->v[i] = x;
    w->len++;
}

static void window_remove(sorted_window *w, double x)
{
    size_t i = 0;
    while (i < w->len && w->v[i] != x) i++;
    if (i == w->len) return; /* unreachable: x was inserted before */
    memmove(w->v + i, w->v + i + 1, (w->len - i - 1) * sizeof *w->v);
    w->len--;
}

static double median_of_sorted(const double *v, size_t len)
{
    return len % 2 ? v[len / 2] : (v[len / 2 - 1] + v[len / 2]) / 2;
}

static double mad_of(const sorted_window *w, double median, double *dev)
{
    for (size_t i = 0; i < w->len; i++) {
        double d = fabs(w->v[i] - median);
        size_t j = i;
        while (j > 0 && dev[j - 1] > d) {
            dev[j] = dev[j - 1];
            j--;
        }
        dev[j] = d;
    }
    return median_of_sorted(dev, w->len);
}

static void flag_segment(const double *v, size_t s0, size_t s1, const kt_spike_params *p, uint8_t *flag,
                         sorted_window *win, double *dev)
{
    size_t len = s1 - s0, k = (size_t)p->half_window;
    if (len < 3) return;
    size_t w = 2 * k + 1 < len ? 2 * k + 1 : len;
    win->len = 0;
    for (size_t j = s0; j < s0 + w; j++) window_insert(win, v[j]);
    size_t lo = s0;
    for (size_t i = s0; i < s1; i++) {
        size_t want = i >= s0 + k ? i - k : s0;
        if (want > s1 - w) want = s1 - w;
        while (lo < want) {
            window_remove(win, v[lo]);
            window_insert(win, v[lo + w]);
            lo++;
        }
        double median = median_of_sorted(win->v, win->len);
        double dev_i = fabs(v[i] - median);
        if (dev_i <= p->min_deviation) continue;
        double limit = p->threshold * MAD_TO_SIGMA * mad_of(win, median, dev);
        if (limit < p->min_deviation) limit = p->min_deviation;
        if (dev_i > limit) flag[i] = 1;
    }
}

size_t kt_spikes_scratch_bytes(size_t n, int half_window)
{
    size_t w = 2 * (size_t)half_window + 1;
    return n + 2 * w * sizeof(double) + 32;
}

size_t kt_spikes_remove(int64_t *t, double *v, size_t *n, const kt_spike_params *p, void *scratch)
{
    size_t count = *n, w = 2 * (size_t)p->half_window + 1;
    double *win_buf = scratch;
    double *dev = win_buf + w;
    uint8_t *flag = (uint8_t *)(dev + w);
    memset(flag, 0, count);
    sorted_window win = { win_buf, 0 };
    size_t s0 = 0;
    for (size_t i = 1; i <= count; i++) {
        if (i == count || t[i] - t[i - 1] > p->max_gap_us) {
            flag_segment(v, s0, i, p, flag, &win, dev);
            s0 = i;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (flag[i]) continue;
        t[kept] = t[i];
        v[kept] = v[i];
        kept++;
    }
    *n = kept;
    return count - kept;
}
