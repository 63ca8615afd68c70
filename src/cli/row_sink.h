/*
 * cli/row_sink.h — where `cat` commands send rows: CSV or JSON Lines to
 * stdout or a file, or a Parquet file written by kinetl's writer.
 *
 * Contract: open, write batches of columns (rows [0, nrows) of each), then
 * close to commit. A file output appears only at a successful close (it is
 * written to a temporary name beside it and renamed), so an interrupted or
 * failed command never leaves a partial file under the requested name;
 * kt_sink_free without a successful close removes the temporary file.
 * An existing path that is not a regular file (/dev/null, a FIFO) is
 * written in place instead, never replaced.
 * Parquet output needs a file (no stdout) and re-encodes columns as
 * cli/reencode.h describes.
 */
#ifndef KT_CLI_ROW_SINK_H
#define KT_CLI_ROW_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/row_format.h"
#include "cli/table_text.h"
#include "core/column.h"
#include "core/error.h"
#include "format/parquet/metadata.h"

/* TABLE: an aligned text table for people (cli/table_text.h). */
typedef enum kt_sink_format { KT_SINK_CSV, KT_SINK_JSON, KT_SINK_PARQUET, KT_SINK_TABLE } kt_sink_format;

typedef struct kt_sink_column {
    const char *name;
    kt_type type;             /* type of the kt_columns passed to kt_sink_write */
    kt_render_type render;
    bool nullable;
} kt_sink_column;

typedef struct kt_sink_options {
    kt_sink_format format;
    const char *out_path;     /* NULL: stdout (not for Parquet) */
    kt_pq_codec codec;        /* Parquet: UNCOMPRESSED, SNAPPY or ZSTD */
    const char *source_name;  /* where the rows come from, prefixed to conversion errors */
} kt_sink_options;

typedef struct kt_sink kt_sink;

/* cols are copied (names must outlive the sink). */
kt_status kt_sink_open(const kt_sink_options *o, const kt_sink_column *cols, size_t ncols,
                       kt_sink **out, kt_error *err);
/* first_row: the source row number of cols' row 0, for messages. */
kt_status kt_sink_write(kt_sink *s, const kt_column *cols, size_t nrows, int64_t first_row,
                        kt_error *err);
kt_status kt_sink_close(kt_sink *s, kt_error *err);
void kt_sink_free(kt_sink *s);

#endif
