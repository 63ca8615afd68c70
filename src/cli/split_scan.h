/*
 * cli/split_scan.h — a table scan whose columns are decoded by two scans
 * on two threads, for `cat --format csv`, whose formatting also runs on two
 * threads (cli/csv_parallel.h): reading a row group (decompression, page
 * faults on fresh column memory) is the part of `cat` that would otherwise
 * run on one thread while the other waits.
 *
 * Contract: the rows and columns are exactly those of one kt_scan with the
 * same options (lake/scan/table_scan.h), in the same order: the first half
 * of the selected columns is read by a scan on the calling thread, the
 * second half by a scan on a helper thread started per row group, both
 * over the same snapshot with the same filter, so both see the same files,
 * row groups and rows (a difference is reported as KT_ERR_INTERNAL). Memory
 * is that of the single scan plus one more reader. Fewer than two columns:
 * one scan, no thread.
 */
#ifndef KT_CLI_SPLIT_SCAN_H
#define KT_CLI_SPLIT_SCAN_H

#include "cli/row_sink.h"
#include "lake/scan/table_scan.h"

typedef struct kt_split_scan kt_split_scan;

kt_status kt_split_scan_open(const kt_delta_table *t, const kt_delta_snapshot *snap, const kt_scan_options *o,
                             kt_split_scan **out, kt_error *err);
size_t kt_split_scan_num_columns(const kt_split_scan *s);
/* Sink columns of the scan's columns, in output order (kt_split_scan_num_columns entries). */
void kt_split_scan_sink_columns(const kt_split_scan *s, kt_sink_column *out);
/* Like kt_scan_copy (cli/lake_read.h). */
kt_status kt_split_scan_copy(kt_split_scan *s, kt_sink *sink, int64_t limit, int64_t *rows, kt_error *err);
void kt_split_scan_free(kt_split_scan *s);

#endif
