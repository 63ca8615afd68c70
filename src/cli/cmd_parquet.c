/*
 * cli/cmd_parquet.c — `kinetl parquet schema|meta|cat FILE`: dispatch, and
 * `cat`, which streams any flat Parquet file row group by row group as CSV,
 * JSON Lines or a Parquet file re-encoded by kinetl's writer.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli_common.h"
#include "cli/cmd_parquet.h"
#include "cli/commands.h"
#include "cli/parquet_columns.h"
#include "cli/row_sink.h"
#include "format/parquet/reader.h"

#define MAX_PROJECTION 4096

int kt_parquet_fail(const char *msg)
{
    return kt_cli_fail("parquet", msg);
}

/* ------------------------------------------------------------ cat */

static const char *const FORMATS[] = { "csv", "json", "parquet", NULL };
static const char *const CODECS[] = { "zstd", "snappy", "uncompressed", NULL };
static const kt_pq_codec CODEC_VALUES[] = { KT_PQ_CODEC_ZSTD, KT_PQ_CODEC_SNAPPY,
                                            KT_PQ_CODEC_UNCOMPRESSED };

typedef struct cat_args {
    const char *columns;
    int64_t limit;
    bool has_limit;
    int format;
    const char *out;
    int codec;               /* -1 until --compression is given */
} cat_args;

static const char CAT_DESCRIPTION[] =
    "Prints the rows of a Parquet file, one row group at a time (memory stays\n"
    "bounded by one row group of the selected columns).\n"
    "  csv      header row, RFC 4180 quoting, nulls as empty fields (default)\n"
    "  json     JSON Lines: one object per row\n"
    "  parquet  re-encoded with kinetl's writer (needs --out); see docs/PARQUET.md\n"
    "Column names match case-insensitively. Exit: 0 ok, 1 unreadable data, 2 usage.";

/* Splits --columns into leaf indexes; a usage error names the bad entry. */
static kt_args_result resolve_columns(const kt_args_spec *spec, const kt_pq_reader *r,
                                      const char *list, int *idx, int *n)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) { p++; len--; }
        while (len && isspace((unsigned char)p[len - 1])) len--;
        char name[512];
        if (len == 0) return kt_args_usage_error(spec, "--columns has an empty column name");
        if (len >= sizeof name) return kt_args_usage_error(spec, "--columns: name too long");
        memcpy(name, p, len);
        name[len] = '\0';
        int col = kt_pq_find_column(r, name);
        if (col < 0) return kt_args_usage_error(spec, "no column '%s' in %s", name, kt_pq_path(r));
        for (int k = 0; k < *n; k++)
            if (idx[k] == col) return kt_args_usage_error(spec, "column '%s' listed twice", name);
        if (*n >= MAX_PROJECTION) return kt_args_usage_error(spec, "--columns: too many columns");
        idx[(*n)++] = col;
        if (!end) return KT_ARGS_OK;
        p = end + 1;
    }
}

/* Streams the projected columns of every row group into the sink. */
static kt_status copy_rows(kt_pq_reader *r, const int *idx, int n, int64_t limit, kt_sink *sink,
                           kt_error *err)
{
    kt_column *cols = calloc(n ? (size_t)n : 1, sizeof *cols);
    if (!cols) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", kt_pq_path(r));
    for (int c = 0; c < n; c++) kt_column_init(&cols[c], kt_pq_column(r, idx[c])->value_type);
    kt_status st = KT_OK;
    int64_t done = 0;
    for (int rg = 0; rg < kt_pq_num_row_groups(r) && done < limit && st == KT_OK; rg++) {
        if (kt_pq_row_group_rows(r, rg) == 0) continue;
        st = kt_pq_read_row_group(r, rg, idx, n, cols, err);
        if (st != KT_OK) break;
        int64_t rows = n ? (int64_t)cols[0].len : kt_pq_row_group_rows(r, rg);
        if (rows > limit - done) rows = limit - done;
        st = kt_sink_write(sink, cols, (size_t)rows, done, err);
        done += rows;
    }
    for (int c = 0; c < n; c++) kt_column_free(&cols[c]);
    free(cols);
    return st;
}

static int cat_run(const kt_args_spec *spec, const cat_args *a, const char *path)
{
    kt_error err;
    kt_error_clear(&err);
    kt_pq_reader *r = NULL;
    if (kt_pq_open(path, &r, &err) != KT_OK) return kt_parquet_fail(err.msg);

    int *idx = calloc(MAX_PROJECTION, sizeof *idx);
    kt_sink_column *sc = calloc(MAX_PROJECTION, sizeof *sc);
    int n = 0, rc = KT_EXIT_OK;
    if (!idx || !sc) {
        rc = kt_parquet_fail("out of memory");
        goto done;
    }
    if (a->columns) {
        kt_args_result ar = resolve_columns(spec, r, a->columns, idx, &n);
        if (ar != KT_ARGS_OK) { rc = kt_args_exit_code(ar); goto done; }
    } else {
        n = kt_pq_num_columns(r);
        if (n > MAX_PROJECTION) { rc = kt_parquet_fail("too many columns"); goto done; }
        for (int c = 0; c < n; c++) idx[c] = c;
    }
    for (int c = 0; c < n; c++) {
        const kt_pq_column_info *info = kt_pq_column(r, idx[c]);
        sc[c] = (kt_sink_column){ .name = info->name, .type = info->value_type,
                                  .render = kt_parquet_render_type(info), .nullable = info->nullable };
    }
    kt_sink_options so = { .format = (kt_sink_format)a->format, .out_path = a->out,
                           .codec = CODEC_VALUES[a->codec], .source_name = path };
    kt_sink *sink = NULL;
    kt_status st = kt_sink_open(&so, sc, (size_t)n, &sink, &err);
    if (st == KT_OK) st = copy_rows(r, idx, n, a->has_limit ? a->limit : INT64_MAX, sink, &err);
    if (st == KT_OK) st = kt_sink_close(sink, &err);
    kt_sink_free(sink);
    if (st != KT_OK) rc = kt_parquet_fail(err.msg);
done:
    free(idx);
    free(sc);
    kt_pq_close(r);
    return rc;
}

int kt_parquet_cat_main(int argc, char **argv)
{
    cat_args a = { .format = 0, .codec = -1, .limit = -1 };
    const kt_opt opts[] = {
        { "--columns", KT_OPT_STRING, &a.columns, "a,b", "only these columns, in this order", NULL },
        { "--limit", KT_OPT_COUNT, &a.limit, "N", "stop after N rows", NULL },
        { "--format", KT_OPT_CHOICE, &a.format, "FMT", "output format, default csv", FORMATS },
        { "--out", KT_OPT_STRING, &a.out, "FILE", "write to FILE (atomically) instead of stdout", NULL },
        { "--compression", KT_OPT_CHOICE, &a.codec, "CODEC", "codec of --format parquet, default zstd",
          CODECS },
    };
    const kt_args_spec spec = { .command = "parquet cat", .usage = "FILE [options]",
                                .description = CAT_DESCRIPTION, .opts = opts,
                                .nopts = sizeof opts / sizeof opts[0], .min_positional = 1,
                                .max_positional = 1, .positional_name = "FILE" };
    const char *pos[1];
    size_t npos;
    kt_args_result ar = kt_args_parse(&spec, argc, argv, pos, &npos);
    if (ar != KT_ARGS_OK) return kt_args_exit_code(ar);
    a.has_limit = a.limit >= 0;
    bool codec_set = a.codec >= 0;
    if (!codec_set) a.codec = 0;
    if (a.format == KT_SINK_PARQUET && !a.out)
        return kt_args_exit_code(kt_args_usage_error(&spec, "--format parquet needs --out FILE"));
    if (codec_set && a.format != KT_SINK_PARQUET)
        return kt_args_exit_code(kt_args_usage_error(&spec, "--compression applies to --format parquet only"));
    return cat_run(&spec, &a, pos[0]);
}

/* ------------------------------------------------------------ dispatch */

static void parquet_usage(FILE *out)
{
    fprintf(out, "usage: kinetl parquet COMMAND FILE [options]\n\n"
                 "Inspect any flat Parquet file.\n\n"
                 "commands:\n"
                 "  schema FILE [--json]   one line per column: name, physical type, logical type,\n"
                 "                         REQUIRED/OPTIONAL, the kinetl type it reads as\n"
                 "  meta FILE [--json]     footer: rows, row groups, key-value metadata, and per\n"
                 "                         column chunk: encodings, codec, sizes, statistics\n"
                 "  cat FILE [options]     the rows as csv, json (JSON Lines) or parquet\n\n"
                 "`kinetl parquet COMMAND --help` for a command's options.\n");
}

int kt_cmd_parquet(const kt_cli_globals *g, int argc, char **argv)
{
    (void)g;
    if (argc < 2) {
        parquet_usage(stderr);
        return KT_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        parquet_usage(stdout);
        return KT_EXIT_OK;
    }
    if (!strcmp(sub, "schema")) return kt_parquet_schema_main(argc - 1, argv + 1);
    if (!strcmp(sub, "meta")) return kt_parquet_meta_main(argc - 1, argv + 1);
    if (!strcmp(sub, "cat")) return kt_parquet_cat_main(argc - 1, argv + 1);
    fprintf(stderr, "kinetl parquet: unknown command '%s' (see kinetl parquet --help)\n", sub);
    return KT_EXIT_USAGE;
}
