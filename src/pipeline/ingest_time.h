/*
 * pipeline/ingest_time.h — source timestamps to UTC microseconds: the
 * ISO-8601 text the real data and its producers write, and TIMESTAMP /
 * INT96 column values in their unit.
 *
 * Contract (docs/INGEST.md "Time"):
 *  - Text: optional surrounding ASCII blanks, then
 *      YYYY-MM-DD('T'|'t'|' ')HH:MM:SS[('.'|',')F{1..9}][zone]
 *    zone: 'Z' | 'z' | ±HH:MM | ±HHMM | ±HH, absent = UTC. Years 0001..9999,
 *    real calendar (leap years), hours 00..23, minutes/seconds 00..59 (no
 *    leap second, no 24:00), zone offsets up to ±23:59. Digits beyond the
 *    microsecond are truncated, which is flooring toward −∞ (the fraction
 *    always adds to the second), so ordering is never inverted.
 *  - The result, after the zone, must lie in KT_TIME_MIN_US..KT_TIME_MAX_US
 *    (run_readings.h); otherwise the text is bad.
 *  - kt_ingest_parse_time returns true and sets *us, or false and sets *why
 *    to a static phrase ("month 13 out of range") for the quarantine detail.
 *    A blank text (empty or only blanks) is reported via *blank so callers
 *    can class it as null_time rather than bad_time.
 *  - kt_ingest_time_from_unit converts a TIMESTAMP value in ms/µs/ns (INT96 comes
 *    as ns) with floor division and the same range check.
 * Pure functions, no allocation, thread-safe.
 */
#ifndef KT_PIPELINE_INGEST_TIME_H
#define KT_PIPELINE_INGEST_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/parquet/metadata.h"

bool kt_ingest_parse_time(const char *s, size_t n, int64_t *us, bool *blank, const char **why);

/* The same, remembering the last valid date ("YYYY-MM-DD") and its day
 * number: rows of a file share a handful of dates, and the calendar check
 * and arithmetic are the costly part. Results are identical. */
typedef struct kt_ingest_time_cache {
    char date[10];
    int64_t days;
    int valid;
} kt_ingest_time_cache;

bool kt_ingest_parse_time_cached(kt_ingest_time_cache *cache, const char *s, size_t n, int64_t *us, bool *blank,
                                 const char **why);

bool kt_ingest_time_from_unit(int64_t v, kt_pq_time_unit unit, int64_t *us, const char **why);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t kt_ingest_days_from_civil(int64_t year, int month, int day);

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 chars + NUL) of a µs timestamp within
 * the supported range; returns the length, 0 when out of range. */
size_t kt_ingest_format_time(int64_t us, char out[32]);

#endif
