/*
 * pipeline/run_readings.h — one run's readings as delivered (any order,
 * possibly duplicated) and the per-channel sample sets made from them:
 * sorted by time, duplicates resolved (SPEC §3 "Duplicates").
 *
 * Contract:
 *  - kt_reading is one decoded reading (24 bytes). robot is 1 or 2, field
 *    a kt_field, value finite, time_us within years 0001..9999 UTC; the
 *    build fails with KT_ERR_USAGE naming the first reading that is not.
 *  - A cell is (channel, time). All readings of a cell with the same value
 *    (-0.0 == +0.0) are one sample; the extra copies are counted in
 *    duplicate_readings. A cell with two or more distinct values is a
 *    conflict: it yields no sample; its distinct values are counted in
 *    conflicting_readings (and its repeated copies in duplicate_readings),
 *    the cell in conflicting_cells.
 *  - The result depends only on the multiset of readings, never on their
 *    order.
 */
#ifndef KT_PIPELINE_RUN_READINGS_H
#define KT_PIPELINE_RUN_READINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pipeline/channels.h"
#include "pipeline/series.h"

typedef struct kt_reading {
    int64_t time_us; /* UTC microseconds since 1970-01-01 */
    double value;    /* mm or N */
    uint8_t robot;   /* 1 or 2 */
    uint8_t field;   /* kt_field */
} kt_reading;

#define KT_TIME_MIN_US (-62135596800000000LL) /* 0001-01-01T00:00:00Z */
#define KT_TIME_MAX_US (253402300799999999LL) /* 9999-12-31T23:59:59.999999Z */

typedef struct kt_run_samples {
    int64_t *time;              /* caller-provided, room for n readings */
    double *value;              /* likewise */
    size_t start[KT_CHANNELS];  /* channel c: [start[c], start[c] + len[c]) */
    size_t len[KT_CHANNELS];
    uint64_t duplicate_readings;
    uint64_t conflicting_readings;
    uint64_t conflicting_cells;
} kt_run_samples;

static inline kt_series kt_run_samples_series(const kt_run_samples *s, int channel)
{
    kt_series out = { s->time + s->start[channel], s->value + s->start[channel], s->len[channel] };
    return out;
}

/* Scratch bytes kt_run_samples_build needs for n readings (0 on overflow). */
size_t kt_run_samples_scratch_bytes(size_t n);

/*
 * Fills out (whose time/value arrays have room for n) from readings[0..n).
 * scratch: kt_run_samples_scratch_bytes(n) bytes, 16-byte aligned.
 */
kt_status kt_run_samples_build(const kt_reading *readings, size_t n, void *scratch, kt_run_samples *out,
                               kt_error *err);

/*
 * The same without a copy of the readings (additive): the readings' array
 * (24 bytes per reading, 8-byte aligned) and scratch
 * (kt_run_samples_in_place_scratch_bytes(n) = 16 bytes per reading + the
 * radix histogram) take turns. The sort's pairs overwrite the readings,
 * the radix buffer is scratch, and the samples (out->time/value, set here,
 * 16 bytes per reading) go to whichever of the two does NOT end up holding
 * the sorted pairs; *spare is the other one, free once this returns. The
 * readings are garbage afterwards.
 */
size_t kt_run_samples_in_place_scratch_bytes(size_t n);
kt_status kt_run_samples_build_in_place(kt_reading *readings, size_t n, void *scratch, kt_run_samples *out,
                                        void **spare, kt_error *err);

#endif
