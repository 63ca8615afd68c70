/*
 * cli/cmd_cat.c — `kinetl cat TABLE`: the rows of a lake table (latest
 * snapshot, or --version / --as-of) as an aligned table, CSV, JSON Lines
 * or Parquet, streamed one row group at a time. --run keeps the rows of
 * some runs (partition pruning, or file statistics on run_stats),
 * --columns projects. docs/ACCESS.md documents formats and row order.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/iso_time.h"
#include "cli/lake_read.h"
#include "cli/split_scan.h"

#define RUN_COLUMN "run_uuid"

static const char *const FORMATS[] = { "table", "csv", "json", "parquet", NULL };
enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_PARQUET };
static const char *const CODECS[] = { "zstd", "snappy", "uncompressed", NULL };
static const kt_pq_codec CODEC_VALUES[] = { KT_PQ_CODEC_ZSTD, KT_PQ_CODEC_SNAPPY,
                                            KT_PQ_CODEC_UNCOMPRESSED };

typedef struct cat_args {
    kt_opt_list runs;
    const char *columns;
    int64_t limit;
    int64_t version;
    const char *as_of;
    int format;
    const char *out;
    int codec;
} cat_args;

static const char DESCRIPTION[] =
    "Prints the rows of a lake table, one Parquet row group at a time.\n"
    "  table    aligned columns for reading on a terminal (nulls shown as \xe2\x88\x85)\n"
    "  csv      header row, RFC 4180 quoting, nulls as empty fields\n"
    "  json     JSON Lines: one object per row\n"
    "  parquet  a Parquet file (needs --out)\n"
    "Default format: table when stdout is a terminal, csv otherwise; with --out,\n"
    "from the file's extension (.parquet, .json/.jsonl/.ndjson, else csv).\n"
    "Rows come file by file: by run id (numerically), then commit, then path.\n"
    "--run may be repeated; TIMESTAMP is ISO-8601 (2022-11-23T20:40:00Z; no zone = UTC).\n"
    "Exit: 0 ok, 1 unknown table or unreadable data, 2 usage.";

static kt_sink_format sink_format(int fmt)
{
    switch (fmt) {
    case FMT_TABLE: return KT_SINK_TABLE;
    case FMT_JSON: return KT_SINK_JSON;
    case FMT_PARQUET: return KT_SINK_PARQUET;
    default: return KT_SINK_CSV;
    }
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

/* The format when --format is not given (docs/ACCESS.md, "Formats"). */
static int default_format(const char *out)
{
    if (!out) return isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_CSV;
    if (ends_with(out, ".parquet")) return FMT_PARQUET;
    if (ends_with(out, ".json") || ends_with(out, ".jsonl") || ends_with(out, ".ndjson")) return FMT_JSON;
    return FMT_CSV;
}

static void list_columns(const kt_delta_snapshot *s, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < kt_delta_snapshot_num_fields(s) && used < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", kt_delta_snapshot_field(s, i)->name);
        if (n < 0) break;
        used += (size_t)n;
    }
}

/* --columns a,b -> schema field indexes (case-insensitive names). */
static kt_args_result resolve_columns(const kt_args_spec *spec, const kt_delta_snapshot *s,
                                      const char *table, const char *list, size_t *idx, size_t *n)
{
    *n = 0;
    size_t nfields = kt_delta_snapshot_num_fields(s);
    for (const char *p = list;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) { p++; len--; }
        while (len && isspace((unsigned char)p[len - 1])) len--;
        if (len == 0) return kt_args_usage_error(spec, "--columns has an empty column name");
        size_t found = nfields;
        for (size_t i = 0; i < nfields && found == nfields; i++) {
            const char *name = kt_delta_snapshot_field(s, i)->name;
            if (strlen(name) == len && !strncasecmp(name, p, len)) found = i;
        }
        if (found == nfields) {
            char cols[2048];
            list_columns(s, cols, sizeof cols);
            return kt_args_usage_error(spec, "table %s has no column '%.*s' (columns: %s)", table, (int)len, p,
                                       cols);
        }
        for (size_t k = 0; k < *n; k++)
            if (idx[k] == found) return kt_args_usage_error(spec, "column '%.*s' listed twice", (int)len, p);
        if (*n >= nfields) return kt_args_usage_error(spec, "--columns: too many columns");
        idx[(*n)++] = found;
        if (!end) return KT_ARGS_OK;
        p = end + 1;
    }
}

/* A partitioned table knows its runs without reading data: name those asked for that it lacks. */
static void warn_missing_runs(const kt_delta_snapshot *s, const char *table, const kt_opt_list *runs)
{
    size_t nparts = kt_delta_snapshot_num_partition_columns(s);
    int p = -1;
    for (size_t i = 0; i < nparts; i++)
        if (!strcmp(kt_delta_snapshot_partition_column(s, i), RUN_COLUMN)) p = (int)i;
    if (p < 0) return;
    for (size_t r = 0; r < runs->count; r++) {
        bool found = false;
        for (size_t f = 0; f < kt_delta_snapshot_num_files(s) && !found; f++) {
            const char *v = kt_delta_snapshot_file(s, f)->partition_values[p];
            found = v && !strcmp(v, runs->items[r]);
        }
        if (!found) fprintf(stderr, "kinetl cat: warning: table %s has no run %s\n", table, runs->items[r]);
    }
}

static int cat_table(const kt_cli_globals *g, const kt_args_spec *spec, const cat_args *a, const char *table,
                     const kt_snapshot_choice *at)
{
    kt_error err = { 0 };
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_scan *scan = NULL;
    kt_split_scan *split_scan = NULL;
    kt_sink *sink = NULL;
    size_t *idx = NULL;
    kt_sink_column *sc = NULL;
    int rc = KT_EXIT_OK;
    kt_status st = kt_lake_open_table(g->lake, table, &t, &err);
    if (st == KT_OK) st = kt_lake_load_snapshot(t, at, &snap, &err);
    if (st != KT_OK) {
        rc = kt_cli_fail("cat", err.msg);
        goto done;
    }
    size_t nfields = kt_delta_snapshot_num_fields(snap), ncols = 0;
    idx = calloc(nfields ? nfields : 1, sizeof *idx);
    sc = calloc(nfields ? nfields : 1, sizeof *sc);
    if (!idx || !sc) {
        rc = kt_cli_fail("cat", "out of memory");
        goto done;
    }
    if (a->columns) {
        kt_args_result ar = resolve_columns(spec, snap, table, a->columns, idx, &ncols);
        if (ar != KT_ARGS_OK) {
            rc = kt_args_exit_code(ar);
            goto done;
        }
    }
    kt_scan_filter filter = { RUN_COLUMN, a->runs.items, a->runs.count };
    if (a->runs.count && kt_delta_snapshot_find_field(snap, RUN_COLUMN) < 0) {
        rc = kt_args_exit_code(kt_args_usage_error(spec, "table %s has no %s column: --run does not apply",
                                                   table, RUN_COLUMN));
        goto done;
    }
    if (a->runs.count) warn_missing_runs(snap, table, &a->runs);
    kt_scan_options so = { .fields = a->columns ? idx : NULL, .nfields = ncols,
                           .filter = a->runs.count ? &filter : NULL };
    /* CSV is formatted on two threads when there are two CPUs: decode on two too */
    bool split = a->format == FMT_CSV && kt_row_writer_default_threads() > 1;
    size_t nout = 0;
    if (split) {
        st = kt_split_scan_open(t, snap, &so, &split_scan, &err);
        if (st == KT_OK) kt_split_scan_sink_columns(split_scan, sc), nout = kt_split_scan_num_columns(split_scan);
    } else {
        st = kt_scan_open(t, snap, &so, &scan, &err);
        if (st == KT_OK) kt_scan_sink_columns(scan, sc), nout = kt_scan_num_columns(scan);
    }
    if (st == KT_OK) {
        kt_sink_options o = { .format = sink_format(a->format), .out_path = a->out,
                              .codec = CODEC_VALUES[a->codec < 0 ? 0 : a->codec], .source_name = table };
        st = kt_sink_open(&o, sc, nout, &sink, &err);
    }
    int64_t rows = 0;
    if (st == KT_OK)
        st = split ? kt_split_scan_copy(split_scan, sink, a->limit, &rows, &err)
                   : kt_scan_copy(scan, sink, a->limit, &rows, &err);
    if (st == KT_OK) st = kt_sink_close(sink, &err);
    if (st != KT_OK) rc = st == KT_ERR_USAGE ? KT_EXIT_USAGE : kt_cli_fail("cat", err.msg);
    if (st == KT_ERR_USAGE) fprintf(stderr, "kinetl cat: %s\n", err.msg);
done:
    kt_sink_free(sink);
    kt_scan_free(scan);
    kt_split_scan_free(split_scan);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    free(idx);
    free(sc);
    return rc;
}

int kt_cmd_cat(const kt_cli_globals *g, int argc, char **argv)
{
    const char **run_items = calloc((size_t)argc + 1, sizeof *run_items);
    if (!run_items) return kt_cli_fail("cat", "out of memory");
    cat_args a = { .runs = { run_items, 0, (size_t)argc }, .limit = -1, .version = -1, .format = -1,
                   .codec = -1 };
    const kt_opt opts[] = {
        { "--run", KT_OPT_LIST, &a.runs, "ID", "only the rows of run ID (repeatable)", NULL },
        { "--columns", KT_OPT_STRING, &a.columns, "a,b", "only these columns, in this order", NULL },
        { "--limit", KT_OPT_COUNT, &a.limit, "N", "stop after N rows", NULL },
        { "--version", KT_OPT_COUNT, &a.version, "V", "read the table as of commit version V", NULL },
        { "--as-of", KT_OPT_STRING, &a.as_of, "TIMESTAMP", "read the table as it was at TIMESTAMP", NULL },
        { "--format", KT_OPT_CHOICE, &a.format, "FMT", "output format", FORMATS },
        { "--out", KT_OPT_STRING, &a.out, "FILE", "write to FILE (atomically) instead of stdout", NULL },
        { "--compression", KT_OPT_CHOICE, &a.codec, "CODEC", "codec of --format parquet, default zstd",
          CODECS },
    };
    const kt_args_spec spec = { .command = "cat", .usage = "TABLE [options]", .description = DESCRIPTION,
                                .opts = opts, .nopts = sizeof opts / sizeof opts[0], .min_positional = 1,
                                .max_positional = 1, .positional_name = "TABLE" };
    const char *pos[1];
    size_t npos;
    int rc;
    kt_snapshot_choice at = { .version = -1 };
    kt_args_result ar = kt_args_parse(&spec, argc, argv, pos, &npos);
    if (ar != KT_ARGS_OK) {
        rc = kt_args_exit_code(ar);
    } else if (a.version >= 0 && a.as_of) {
        rc = kt_args_exit_code(kt_args_usage_error(&spec, "--version and --as-of exclude each other"));
    } else {
        kt_error err = { 0 };
        if (a.format < 0) a.format = default_format(a.out);
        at.version = a.version;
        if (a.as_of && kt_parse_iso8601_ms(a.as_of, &at.time_ms, &err) != KT_OK)
            rc = kt_args_exit_code(kt_args_usage_error(&spec, "--as-of: %s", err.msg));
        else if (a.format == FMT_PARQUET && !a.out)
            rc = kt_args_exit_code(kt_args_usage_error(&spec, "--format parquet needs --out FILE"));
        else if (a.codec >= 0 && a.format != FMT_PARQUET)
            rc = kt_args_exit_code(kt_args_usage_error(&spec, "--compression applies to --format parquet only"));
        else {
            at.has_time = a.as_of != NULL;
            rc = cat_table(g, &spec, &a, pos[0], &at);
        }
    }
    free(run_items);
    return rc;
}
