/*
 * orchestrate/summary.h — the end-of-run summary of `kinetl run`,
 * `ingest`, `process` and each `watch` cycle.
 *
 * Contract: text goes to the given stream as a few aligned lines
 * (counts with thousands separators); the JSON form is one object on one
 * line with the keys command, status, seconds and the kt_run_counts field
 * names, for --json.
 */
#ifndef KT_ORCHESTRATE_SUMMARY_H
#define KT_ORCHESTRATE_SUMMARY_H

#include <stdio.h>

#include "orchestrate/run_counts.h"

/* e.g.
 *   kinetl run: partial in 12.3 s
 *     files      12 ingested, 1 failed
 *     readings   1,234,567 accepted, 12 quarantined
 *     runs       4 processed, 0 failed
 */
void kt_summary_print(FILE *out, const char *command, const char *status,
                      const kt_run_counts *counts, double seconds);
void kt_summary_print_json(FILE *out, const char *command, const char *status,
                           const kt_run_counts *counts, double seconds);

/* 1234567 -> "1,234,567"; out needs 27 bytes for any int64. */
void kt_format_count(int64_t n, char *out, size_t cap);

#endif
