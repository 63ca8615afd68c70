/*
 * cli/cmd_export.c — `kinetl export --run ID [--run ID...] [--format
 * csv|json|parquet] --out DIR`: a run's aligned, features and run_stats
 * rows as plain files DIR/<run>/aligned.csv, features.csv, run_stats.csv
 * (.jsonl for JSON Lines, .parquet), for people who want files. Each file
 * appears whole or not at all (cli/row_sink.h); a run found in none of
 * the three tables is an error (exit 1, after the other runs are written)
 * and leaves nothing behind.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/lake_read.h"

static const char *const TABLES[] = { "aligned", "features", "run_stats" };
#define NTABLES (sizeof TABLES / sizeof TABLES[0])
static const char *const FORMATS[] = { "csv", "json", "parquet", NULL };
static const char *const EXTENSIONS[] = { "csv", "jsonl", "parquet" };
static const kt_sink_format SINK_FORMATS[] = { KT_SINK_CSV, KT_SINK_JSON, KT_SINK_PARQUET };

static const char DESCRIPTION[] =
    "Writes each run's aligned, features and run_stats rows as files:\n"
    "  DIR/<run>/aligned.csv  features.csv  run_stats.csv\n"
    "(.jsonl with --format json: JSON Lines; .parquet with --format parquet).\n"
    "Rows are those `kinetl cat TABLE --run ID` prints, from each table's latest\n"
    "snapshot. Existing files of the same name are replaced. A run id with\n"
    "characters other than A-Z a-z 0-9 . _ - is %XX-escaped in the directory name.\n"
    "Exit: 0 ok, 1 unknown run or table, unreadable data, unwritable DIR; 2 usage.";

/* DIR/<escaped run> */
static void run_dir(const char *out, const char *run, char *dir, size_t cap)
{
    size_t n = (size_t)snprintf(dir, cap, "%s/", out);
    for (const char *p = run; *p && n + 4 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-' || (c == '.' && p != run);
        n += plain ? (size_t)snprintf(dir + n, cap - n, "%c", c) : (size_t)snprintf(dir + n, cap - n, "%%%02X", c);
    }
}

static kt_status make_dir(const char *dir, kt_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot create directory", dir);
    return KT_OK;
}

/* Writes one table's rows of `run` to path; *rows receives their count. */
static kt_status export_table(const char *lake, const char *table, const char *run, kt_sink_format format,
                              const char *path, int64_t *rows, kt_error *err)
{
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_scan *scan = NULL;
    kt_sink *sink = NULL;
    kt_sink_column *sc = NULL;
    kt_scan_filter filter = { "run_uuid", &run, 1 };
    kt_scan_options so = { .filter = &filter };
    kt_status st = kt_lake_open_table(lake, table, &t, err);
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &snap, err);
    if (st == KT_OK) st = kt_scan_open(t, snap, &so, &scan, err);
    if (st == KT_OK) {
        sc = calloc(kt_scan_num_columns(scan) + 1, sizeof *sc);
        if (!sc) st = kt_fail(err, KT_ERR_NOMEM, "out of memory");
    }
    if (st == KT_OK) {
        kt_scan_sink_columns(scan, sc);
        kt_sink_options o = { .format = format, .out_path = path, .codec = KT_PQ_CODEC_ZSTD, .source_name = table };
        st = kt_sink_open(&o, sc, kt_scan_num_columns(scan), &sink, err);
    }
    if (st == KT_OK) st = kt_scan_copy(scan, sink, -1, rows, err);
    if (st == KT_OK) st = kt_sink_close(sink, err);
    kt_sink_free(sink);
    free(sc);
    kt_scan_free(scan);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    return st;
}

static int export_run(const kt_cli_globals *g, const char *out, const char *run, int format)
{
    char dir[PATH_MAX], paths[NTABLES][PATH_MAX + 32];
    run_dir(out, run, dir, sizeof dir);
    kt_error err = { 0 };
    bool existed = access(dir, F_OK) == 0;
    kt_status st = make_dir(dir, &err);
    int64_t rows[NTABLES] = { 0 }, total = 0;
    size_t done = 0;
    for (; done < NTABLES && st == KT_OK; done++) {
        snprintf(paths[done], sizeof paths[done], "%s/%s.%s", dir, TABLES[done], EXTENSIONS[format]);
        st = export_table(g->lake, TABLES[done], run, SINK_FORMATS[format], paths[done], &rows[done], &err);
        total += rows[done];
    }
    if (st == KT_OK && total == 0) {
        for (size_t i = 0; i < done; i++) unlink(paths[i]);
        if (!existed) rmdir(dir);
        st = kt_fail(&err, KT_ERR_NOT_FOUND, "no run %s in aligned, features or run_stats of lake %s", run, g->lake);
    }
    if (st != KT_OK) return kt_cli_fail("export", err.msg);
    for (size_t i = 0; i < NTABLES; i++) printf("%s\t%" PRId64 " rows\n", paths[i], rows[i]);
    return KT_EXIT_OK;
}

int kt_cmd_export(const kt_cli_globals *g, int argc, char **argv)
{
    const char **items = calloc((size_t)argc + 1, sizeof *items);
    if (!items) return kt_cli_fail("export", "out of memory");
    kt_opt_list runs = { items, 0, (size_t)argc };
    const char *out = NULL;
    int format = 0;
    const kt_opt opts[] = {
        { "--run", KT_OPT_LIST, &runs, "ID", "the run to export (repeatable)", NULL },
        { "--format", KT_OPT_CHOICE, &format, "FMT", "file format, default csv", FORMATS },
        { "--out", KT_OPT_STRING, &out, "DIR", "directory to write into (created if missing)", NULL },
    };
    const kt_args_spec spec = { .command = "export", .usage = "--run ID --out DIR [--format FMT]",
                                .description = DESCRIPTION, .opts = opts, .nopts = sizeof opts / sizeof opts[0] };
    const char *pos[1];
    size_t npos;
    kt_args_result ar = kt_args_parse(&spec, argc, argv, pos, &npos);
    int rc = KT_EXIT_OK;
    if (ar != KT_ARGS_OK) rc = kt_args_exit_code(ar);
    else if (!runs.count) rc = kt_args_exit_code(kt_args_usage_error(&spec, "which run? (--run ID)"));
    else if (!out) rc = kt_args_exit_code(kt_args_usage_error(&spec, "missing --out DIR"));
    else {
        kt_error err = { 0 };
        if (make_dir(out, &err) != KT_OK) rc = kt_cli_fail("export", err.msg);
        /* every run is tried: one unknown run does not hold back the others */
        for (size_t i = 0; i < runs.count && make_dir(out, &err) == KT_OK; i++)
            if (export_run(g, out, runs.items[i], format) != KT_EXIT_OK) rc = KT_EXIT_ERROR;
    }
    free(items);
    return rc;
}
