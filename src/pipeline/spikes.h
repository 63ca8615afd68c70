/*
 * pipeline/spikes.h — the encoder spike filter: a Hampel test on one
 * position channel's own samples (SPEC §3: spikes are treated as not
 * measured).
 *
 * Contract: the series is cut into segments where consecutive samples are
 * more than max_gap apart; segments of fewer than 3 samples are not
 * tested. Sample i of a segment of L samples is compared with the window
 * of w = min(2k+1, L) samples centred on it, shifted inward at the
 * segment's ends (so every window has w samples). With m the window
 * median (mean of the middle two when w is even) and MAD the median of
 * |window - m|, sample i is a spike iff
 *     |v_i - m| > max(threshold * 1.4826 * MAD, min_deviation).
 * The floor keeps flat or quantised signals (MAD = 0) from being flagged
 * wholesale. All windows see the original samples; the flagged ones are
 * then removed together, compacting t/v in place.
 */
#ifndef KT_PIPELINE_SPIKES_H
#define KT_PIPELINE_SPIKES_H

#include <stddef.h>
#include <stdint.h>

typedef struct kt_spike_params {
    int half_window;      /* k >= 1 */
    double threshold;     /* t > 0 */
    double min_deviation; /* same unit as the values, >= 0 */
    int64_t max_gap_us;   /* segment boundary */
} kt_spike_params;

size_t kt_spikes_scratch_bytes(size_t n, int half_window);

/* Removes the spikes of (t, v, *n) in place; returns how many. */
size_t kt_spikes_remove(int64_t *t, double *v, size_t *n, const kt_spike_params *p, void *scratch);

#endif
