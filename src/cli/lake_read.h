/*
 * cli/lake_read.h — what the commands that read a lake's tables (`cat`,
 * `export`) share: opening a table by name with the one-line error that
 * lists the lake's tables, choosing a snapshot (latest, --version,
 * --as-of), how Delta types print, and streaming a scan into a sink.
 */
#ifndef KT_CLI_LAKE_READ_H
#define KT_CLI_LAKE_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/row_format.h"
#include "cli/row_sink.h"
#include "core/error.h"
#include "lake/delta/delta.h"
#include "lake/scan/table_scan.h"

/* KT_ERR_NOT_FOUND with "no table 'x' in lake L (tables: a, b)" when the
 * lake has no such table. */
kt_status kt_lake_open_table(const char *lake, const char *name, kt_delta_table **out, kt_error *err);

typedef struct kt_snapshot_choice {
    int64_t version;      /* >= 0: exactly this version */
    bool has_time;        /* else: the latest commit at or before time_ms */
    int64_t time_ms;
} kt_snapshot_choice;

/* KT_ERR_NOT_FOUND with a line naming the version/time and the table's range. */
kt_status kt_lake_load_snapshot(kt_delta_table *t, const kt_snapshot_choice *at,
                                kt_delta_snapshot **out, kt_error *err);

/* Strings as text, long/integer as integers, timestamps ISO-8601 µs UTC. */
kt_render_type kt_delta_render_type(kt_delta_type t);

/* Sink columns (name, type, rendering) of a scan's columns; out has
 * kt_scan_num_columns(s) entries. */
void kt_scan_sink_columns(const kt_scan *s, kt_sink_column *out);

/* Streams at most `limit` rows (< 0: all) of s into sink; *rows = rows written. */
kt_status kt_scan_copy(kt_scan *s, kt_sink *sink, int64_t limit, int64_t *rows, kt_error *err);

#endif
