/*
 * pipeline/key_sort.h — stable LSD radix sort of (key, value) pairs on
 * 64-bit keys, 11 bits per pass, skipping passes whose digit is the same
 * for every key. Sorting a run's readings is O(n) this way.
 *
 * Contract: kt_key_sort orders pairs[0..n) by key ascending, stably, using
 * tmp (room for n pairs) and hist (KT_KEY_SORT_HIST_WORDS size_t words);
 * it returns whichever of pairs/tmp holds the result. max_key bounds the
 * keys (only the digits below its highest set bit are sorted).
 */
#ifndef KT_PIPELINE_KEY_SORT_H
#define KT_PIPELINE_KEY_SORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct kt_key_pair {
    uint64_t key;
    double value;
} kt_key_pair;

#define KT_KEY_SORT_DIGIT_BITS 11
#define KT_KEY_SORT_PASSES 6 /* ceil(64 / 11) */
#define KT_KEY_SORT_HIST_WORDS (KT_KEY_SORT_PASSES << KT_KEY_SORT_DIGIT_BITS)

kt_key_pair *kt_key_sort(kt_key_pair *pairs, kt_key_pair *tmp, size_t n, uint64_t max_key, size_t *hist);

#endif
