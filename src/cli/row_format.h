/*
 * cli/row_format.h — how kinetl prints values and rows: the one place that
 * decides the text of a double, a timestamp, a string (`kinetl parquet cat`,
 * `kinetl cat`, statistics in `kinetl parquet meta`).
 *
 * Contract (docs/PARQUET.md, "Value rendering"):
 *  - A kt_render_type says how to read a kt_column's raw values: e.g. a
 *    KT_INT64 column holding microseconds since the epoch, UTC.
 *  - Doubles print in the shortest form that reads back to the same bits
 *    (%.15g, %.16g, %.17g, first that round-trips), floats likewise from
 *    %.6g..%.9g; non-finite values are "NaN", "Infinity", "-Infinity" in JSON
 *    (as strings) and NaN, inf, -inf in CSV.
 *  - Timestamps are ISO-8601 with the unit's digits (ms 3, µs 6, ns 9), "Z"
 *    when UTC-adjusted; dates YYYY-MM-DD; binary base64; UUIDs 8-4-4-4-12.
 *  - Strings: invalid UTF-8 becomes U+FFFD (one per maximal invalid
 *    subpart); JSON escapes '"', '\\' and control characters.
 *  - CSV: header row, RFC 4180 quoting (fields with , " CR LF are quoted,
 *    quotes doubled), empty strings as "" and nulls as empty fields, LF
 *    line ends. JSON: JSON Lines, one object per row, keys in column order.
 * The row writer buffers output and reports write errors (a full disk, a
 * closed pipe) as KT_ERR_IO.
 */
#ifndef KT_CLI_ROW_FORMAT_H
#define KT_CLI_ROW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/column.h"
#include "core/error.h"

typedef enum kt_render_kind {
    KT_R_BOOL,       /* KT_BOOL */
    KT_R_INT,        /* KT_INT32, KT_INT64 */
    KT_R_UINT,       /* KT_INT32, KT_INT64 holding unsigned bits */
    KT_R_FLOAT,      /* KT_FLOAT */
    KT_R_DOUBLE,     /* KT_DOUBLE */
    KT_R_FLOAT16,    /* KT_BYTES, 2 bytes little-endian IEEE half */
    KT_R_DECIMAL,    /* KT_DOUBLE, printed with `digits` fraction digits */
    KT_R_STRING,     /* KT_BYTES, UTF-8 */
    KT_R_BINARY,     /* KT_BYTES, printed base64 */
    KT_R_UUID,       /* KT_BYTES, 16 bytes */
    KT_R_TIMESTAMP,  /* KT_INT64 (or KT_INT32) in units of 10^-digits s since the epoch */
    KT_R_DATE,       /* KT_INT32 days since 1970-01-01 */
    KT_R_TIME,       /* KT_INT32/KT_INT64 in units of 10^-digits s since midnight */
} kt_render_kind;

typedef struct kt_render_type {
    kt_render_kind kind;
    int digits;      /* TIMESTAMP, TIME: 0, 3, 6 or 9; DECIMAL: the scale */
    bool utc;        /* TIMESTAMP: isAdjustedToUTC, printed as a trailing 'Z' */
} kt_render_type;

/* PLAIN is for people (the `table` format): CSV's atoms, strings unquoted
 * with invalid UTF-8 repaired and control characters shown as \n \r \t
 * or \xNN. */
typedef enum kt_text_style { KT_TEXT_CSV, KT_TEXT_JSON, KT_TEXT_PLAIN } kt_text_style;

/* One raw value, as a column or a statistic holds it. */
typedef struct kt_scalar {
    int64_t i;               /* BOOL, INT, UINT, TIMESTAMP, DATE, TIME */
    double d;                /* FLOAT (widened), DOUBLE, DECIMAL */
    const uint8_t *bytes;    /* FLOAT16, STRING, BINARY, UUID */
    size_t len;
} kt_scalar;

/* Row `row` (not null) of col as a scalar. */
kt_scalar kt_scalar_from_column(const kt_column *col, size_t row);

/* Appends the value's text in style: a complete JSON value (quoted when a
 * string) or a complete CSV field (quoted when needed). */
kt_status kt_render_scalar(kt_buf *out, const kt_render_type *t, const kt_scalar *v,
                           kt_text_style style);

/* Appends s[0..len) as a JSON string literal (with quotes), repairing UTF-8. */
kt_status kt_render_json_string(kt_buf *out, const void *s, size_t len);

/* Value of an IEEE 754 half-precision number given its bits. */
double kt_half_to_double(uint16_t bits);

/* Short description of a render type for humans: "timestamp(us,UTC)". */
void kt_render_type_name(const kt_render_type *t, char *out, size_t size);

/* The last text of a floating-point column: telemetry repeats values (ids
 * stored as doubles), and the shortest-form search is the costly part. */
typedef struct kt_float_memo {
    uint64_t bits;
    bool valid;
    uint8_t len;
    char text[40];
} kt_float_memo;

/* What one thread needs to render CSV rows: its text buffer and the last
 * text of every column (row_format.c). */
typedef struct kt_row_cells kt_row_cells;

typedef struct kt_row_writer {
    kt_text_style style;
    size_t ncols;
    const char *const *names;
    const kt_render_type *types;
    FILE *out;
    const char *out_name;     /* for error messages: "stdout" or the file */
    kt_buf buf;
    kt_buf keys;              /* JSON: `"name":` of every column, back to back */
    size_t *key_end;          /* JSON: end offset of column i's key in `keys` */
    kt_float_memo *memo;      /* one per column */
    uint8_t *fast;            /* per column: a direct rendering path, chosen per batch */
    kt_row_cells *cells;      /* CSV rows rendered on the calling thread */
    int threads;              /* CSV: 2 renders batches on two threads (cli/csv_parallel.h) */
    void *parallel_slots;     /* cli/csv_parallel.c's state */
} kt_row_writer;

/* 2 when the machine has more than one CPU online, else 1; the environment
 * variable KINETL_CAT_THREADS=1 forces one thread. */
int kt_row_writer_default_threads(void);

/* names and types must outlive the writer. */
kt_status kt_row_writer_init(kt_row_writer *w, kt_text_style style, const char *const *names,
                        const kt_render_type *types, size_t ncols, FILE *out, const char *out_name);
/* CSV: the header row; JSON: nothing. */
kt_status kt_row_writer_header(kt_row_writer *w, kt_error *err);
/* Rows [from, from + count) of cols[0..ncols). */
kt_status kt_row_writer_rows(kt_row_writer *w, const kt_column *cols, size_t from, size_t count,
                             kt_error *err);
/* CSV, for rendering on several threads: the direct path of every column
 * of this batch (paths[ncols]), then rows [from, to) appended to the
 * cells' buffer (any thread, one kt_row_cells per thread, w read-only);
 * kt_row_writer_write_cells() sends that text out and empties the buffer
 * (kt_row_writer_write() any other buffer). */
kt_row_cells *kt_row_cells_new(size_t ncols);
void kt_row_cells_free(kt_row_cells *cells);
kt_buf *kt_row_cells_buf(kt_row_cells *cells);
kt_status kt_row_writer_write_cells(kt_row_writer *w, kt_row_cells *cells, kt_error *err);
/* Drops the text rendered into cells without writing it. */
void kt_row_cells_reset(kt_row_cells *cells);
void kt_row_writer_csv_paths(const kt_row_writer *w, const kt_column *cols, uint8_t *paths);
kt_status kt_row_writer_csv_chunk(const kt_row_writer *w, kt_row_cells *cells, const kt_column *cols,
                                  const uint8_t *paths, size_t from, size_t to);
kt_status kt_row_writer_write(kt_row_writer *w, kt_buf *text, kt_error *err);
/* Writes out the header and the rows rendered so far, without flushing the stream. */
kt_status kt_row_writer_drain(kt_row_writer *w, kt_error *err);
/* Writes what is buffered and flushes the stream. */
kt_status kt_row_writer_flush(kt_row_writer *w, kt_error *err);
void kt_row_writer_free(kt_row_writer *w);

#endif
