/*
 * pipeline/key_sort.c — the radix sort behind a run's reading order.
 * One pass counts every digit; then each non-trivial digit scatters.
 * Input that is already in order (files usually are, per stream) costs a
 * single comparison pass.
 */
#include "pipeline/key_sort.h"

#include <string.h>

#define RADIX ((size_t)1 << KT_KEY_SORT_DIGIT_BITS)
#define DIGIT_MASK (RADIX - 1)

static int passes_for(uint64_t max_key)
{
    int bits = 0;
    while (bits < 64 && (max_key >> bits) != 0) bits++;
    return (bits + KT_KEY_SORT_DIGIT_BITS - 1) / KT_KEY_SORT_DIGIT_BITS;
}

static int is_sorted(const kt_key_pair *p, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (p[i].key < p[i - 1].key) return 0;
    return 1;
}

kt_key_pair *kt_key_sort(kt_key_pair *pairs, kt_key_pair *tmp, size_t n, uint64_t max_key, size_t *hist)
{
    if (n < 2 || is_sorted(pairs, n)) return pairs;
    int passes = passes_for(max_key);
    memset(hist, 0, (size_t)passes * RADIX * sizeof *hist);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = pairs[i].key;
        for (int p = 0; p < passes; p++)
            hist[(size_t)p * RADIX + ((k >> (p * KT_KEY_SORT_DIGIT_BITS)) & DIGIT_MASK)]++;
    }
    kt_key_pair *src = pairs, *dst = tmp;
    for (int p = 0; p < passes; p++) {
        size_t *h = hist + (size_t)p * RADIX;
        int shift = p * KT_KEY_SORT_DIGIT_BITS;
        if (h[(src[0].key >> shift) & DIGIT_MASK] == n) continue; /* every key shares this digit */
        size_t sum = 0;
        for (size_t d = 0; d < RADIX; d++) {
            size_t c = h[d];
            h[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[h[(src[i].key >> shift) & DIGIT_MASK]++] = src[i];
        kt_key_pair *swap = src;
        src = dst;
        dst = swap;
    }
    return src;
}
