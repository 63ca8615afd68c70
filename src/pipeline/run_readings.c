/*
 * pipeline/run_readings.c — validate, sort, deduplicate.
 *
 * Readings become (key, value) pairs with key = channel * (span + 1) +
 * (time - t_min): channel-major, then time. That key is as narrow as the
 * run's time span allows (~33 bits for a 10-minute run), so the radix
 * sort needs three passes. Equal keys form a cell; the cell's values are
 * sorted by bit pattern to count distinct ones, which makes the outcome
 * independent of the order copies arrived in.
 */
#include "pipeline/run_readings.h"

#include <math.h>
#include <string.h>

#include "pipeline/key_sort.h"

size_t kt_run_samples_scratch_bytes(size_t n)
{
    size_t hist = KT_KEY_SORT_HIST_WORDS * sizeof(size_t);
    if (n > (SIZE_MAX - hist) / (2 * sizeof(kt_key_pair))) return 0;
    return 2 * n * sizeof(kt_key_pair) + hist;
}

static kt_status validate(const kt_reading *r, size_t n, int64_t *t_min, int64_t *t_max, kt_error *err)
{
    int64_t lo = KT_TIME_MAX_US, hi = KT_TIME_MIN_US;
    for (size_t i = 0; i < n; i++) {
        if (r[i].robot != 1 && r[i].robot != 2)
            return kt_fail(err, KT_ERR_USAGE, "reading %zu: robot %u is not 1 or 2", i, (unsigned)r[i].robot);
        if (r[i].field >= KT_FIELD_COUNT)
            return kt_fail(err, KT_ERR_USAGE, "reading %zu: field code %u is not a known field", i,
                           (unsigned)r[i].field);
        if (!isfinite(r[i].value))
            return kt_fail(err, KT_ERR_USAGE, "reading %zu: value is not finite", i);
        if (r[i].time_us < KT_TIME_MIN_US || r[i].time_us > KT_TIME_MAX_US)
            return kt_fail(err, KT_ERR_USAGE, "reading %zu: time %lld us is outside years 0001..9999", i,
                           (long long)r[i].time_us);
        if (r[i].time_us < lo) lo = r[i].time_us;
        if (r[i].time_us > hi) hi = r[i].time_us;
    }
    *t_min = lo;
    *t_max = hi;
    return KT_OK;
}

static inline uint64_t value_bits(double v)
{
    if (v == 0) v = 0.0; /* -0.0 and +0.0 are the same reading */
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* Sorts a cell's few values by bit pattern and returns how many are distinct. */
static size_t distinct_values(kt_key_pair *cell, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        kt_key_pair x = cell[i];
        uint64_t xb = value_bits(x.value);
        size_t j = i;
        while (j > 0 && value_bits(cell[j - 1].value) > xb) {
            cell[j] = cell[j - 1];
            j--;
        }
        cell[j] = x;
    }
    size_t distinct = 1;
    for (size_t i = 1; i < len; i++)
        if (value_bits(cell[i].value) != value_bits(cell[i - 1].value)) distinct++;
    return distinct;
}

static void collect_samples(kt_key_pair *sorted, size_t n, uint64_t stride, int64_t t_min, kt_run_samples *out)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && sorted[j].key == sorted[i].key) j++;
        size_t copies = j - i;
        size_t distinct = copies == 1 ? 1 : distinct_values(sorted + i, copies);
        int channel = (int)(sorted[i].key / stride);
        if (distinct == 1) {
            out->duplicate_readings += copies - 1;
            size_t at = out->start[channel] + out->len[channel]++;
            out->time[at] = t_min + (int64_t)(sorted[i].key % stride);
            out->value[at] = sorted[i].value == 0 ? 0.0 : sorted[i].value;
        } else {
            out->duplicate_readings += copies - distinct;
            out->conflicting_readings += distinct;
            out->conflicting_cells++;
        }
        i = j;
    }
}

/* Sorts pairs[0..n) (tmp: room for n more, then the histogram); returns the sorted array. */
static kt_key_pair *sort_pairs(kt_key_pair *pairs, kt_key_pair *tmp, size_t n, uint64_t stride,
                               const size_t per_channel[KT_CHANNELS], kt_run_samples *out)
{
    size_t at = 0;
    for (int c = 0; c < KT_CHANNELS; c++) {
        out->start[c] = at;
        at += per_channel[c];
    }
    return kt_key_sort(pairs, tmp, n, KT_CHANNELS * stride - 1, (size_t *)(tmp + n));
}

static kt_status begin_build(const kt_reading *readings, size_t n, kt_run_samples *out, int64_t *t_min,
                             uint64_t *stride, kt_error *err)
{
    int64_t t_max = 0;
    *t_min = 0;
    KT_TRY(validate(readings, n, t_min, &t_max, err));
    out->duplicate_readings = out->conflicting_readings = out->conflicting_cells = 0;
    memset(out->len, 0, sizeof out->len);
    memset(out->start, 0, sizeof out->start);
    /* The time range is < 2^59 µs, so 12 * (span + 1) fits in 64 bits. */
    *stride = (uint64_t)(t_max - *t_min) + 1;
    return KT_OK;
}

/* Pair i of reading i; in place, pair i (16 bytes at 16i) overwrites only readings <= i, already read. */
static void make_pairs(const kt_reading *readings, kt_key_pair *pairs, size_t n, int64_t t_min, uint64_t stride,
                       size_t per_channel[KT_CHANNELS])
{
    for (size_t i = 0; i < n; i++) {
        kt_reading r = readings[i];
        int channel = kt_channel_of((kt_field)r.field, r.robot);
        per_channel[channel]++;
        pairs[i].key = (uint64_t)channel * stride + (uint64_t)(r.time_us - t_min);
        pairs[i].value = r.value;
    }
}

kt_status kt_run_samples_build(const kt_reading *readings, size_t n, void *scratch, kt_run_samples *out,
                               kt_error *err)
{
    int64_t t_min;
    uint64_t stride;
    KT_TRY(begin_build(readings, n, out, &t_min, &stride, err));
    if (n == 0) return KT_OK;
    kt_key_pair *pairs = scratch;
    size_t per_channel[KT_CHANNELS] = { 0 };
    make_pairs(readings, pairs, n, t_min, stride, per_channel);
    kt_key_pair *sorted = sort_pairs(pairs, pairs + n, n, stride, per_channel, out);
    collect_samples(sorted, n, stride, t_min, out);
    return KT_OK;
}

size_t kt_run_samples_in_place_scratch_bytes(size_t n)
{
    size_t hist = KT_KEY_SORT_HIST_WORDS * sizeof(size_t);
    if (n > (SIZE_MAX - hist) / sizeof(kt_key_pair)) return 0;
    return n * sizeof(kt_key_pair) + hist;
}

kt_status kt_run_samples_build_in_place(kt_reading *readings, size_t n, void *scratch, kt_run_samples *out,
                                        void **spare, kt_error *err)
{
    int64_t t_min;
    uint64_t stride;
    *spare = readings;
    out->time = scratch;
    out->value = (double *)((char *)scratch + n * sizeof(int64_t));
    KT_TRY(begin_build(readings, n, out, &t_min, &stride, err));
    if (n == 0) return KT_OK;
    kt_key_pair *pairs = (kt_key_pair *)(void *)readings;
    size_t per_channel[KT_CHANNELS] = { 0 };
    make_pairs(readings, pairs, n, t_min, stride, per_channel);
    kt_key_pair *sorted = sort_pairs(pairs, scratch, n, stride, per_channel, out);
    /* the samples go to whichever array does not hold the sorted pairs */
    char *dst = sorted == pairs ? (char *)scratch : (char *)readings;
    out->time = (int64_t *)(void *)dst;
    out->value = (double *)(void *)(dst + n * sizeof(int64_t));
    collect_samples(sorted, n, stride, t_min, out);
    *spare = sorted;
    return KT_OK;
}
