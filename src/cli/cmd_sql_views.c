/*
 * cli/cmd_sql_views.c — `kinetl sql-views [TABLE...] [--out FILE]`: a DuckDB
 * SQL script with one view per table over exactly the active files of its
 * current snapshot (cli/sql_views.h), so DuckDB without the delta
 * extension sees each table as Delta readers do: no removed file counted,
 * no uncommitted file read. Paths are absolute.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/lake_read.h"
#include "cli/sql_views.h"
#include "core/buf.h"

static const char DESCRIPTION[] =
    "Writes a DuckDB SQL script: one view per table (every table of the lake, or\n"
    "those named) over exactly the files of its current snapshot, columns in the\n"
    "table's order and types, partition columns included (run_uuid as VARCHAR).\n"
    "Use:  duckdb -init views.sql   or, in duckdb,  .read views.sql\n"
    "The views are a snapshot: run sql-views again after the lake changes.\n"
    "Exit: 0 ok, 1 unknown table or unreadable lake, 2 usage.";

static kt_status add_view(kt_buf *sql, const char *lake_abs, const char *lake, const char *name,
                          kt_error *err)
{
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_status st = kt_lake_open_table(lake, name, &t, err);
    if (st == KT_OK) st = kt_delta_snapshot_load(t, -1, &snap, err);
    char dir[PATH_MAX + 256];
    snprintf(dir, sizeof dir, "%s/%s", lake_abs, name);
    if (st == KT_OK) st = kt_sql_view(sql, name, dir, snap, err);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    return st;
}

/* Writes text to path via a temporary file and rename: all or nothing. */
static kt_status write_atomically(const char *path, const kt_buf *text, kt_error *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wx");
    kt_status st = KT_OK;
    if (!f) {
        st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot create", path);
    } else {
        bool ok = fwrite(text->data, 1, text->len, f) == text->len && fflush(f) == 0 && fsync(fileno(f)) == 0;
        int e = errno;
        if (fclose(f) != 0 && ok) { ok = false; e = errno; }
        if (ok && rename(tmp, path) != 0) { ok = false; e = errno; }
        if (!ok) st = kt_fail_errno(err, KT_ERR_IO, e, "%s: write failed", path);
    }
    if (st != KT_OK) unlink(tmp);
    free(tmp);
    return st;
}

static kt_status build(const kt_cli_globals *g, const char *const *tables, size_t ntables, kt_buf *sql,
                       kt_error *err)
{
    char lake_abs[PATH_MAX];
    if (!realpath(g->lake, lake_abs)) return kt_fail_errno(err, KT_ERR_NOT_FOUND, errno, "lake %s", g->lake);
    char **names = NULL;
    size_t n = 0;
    if (!ntables) {
        KT_TRY(kt_delta_list_tables(g->lake, &names, &n, err));
        tables = (const char *const *)names;
        ntables = n;
    }
    kt_status st = kt_buf_printf(sql, "-- DuckDB views over the current snapshot of each table of the kinetl lake\n"
                                      "-- %s (kinetl sql-views; docs/ACCESS.md). Regenerate after the lake changes.\n\n",
                                 lake_abs);
    for (size_t i = 0; i < ntables && st == KT_OK; i++) st = add_view(sql, lake_abs, g->lake, tables[i], err);
    kt_delta_free_names(names, n);
    return st;
}

int kt_cmd_sql_views(const kt_cli_globals *g, int argc, char **argv)
{
    const char *out = NULL;
    const kt_opt opts[] = {
        { "--out", KT_OPT_STRING, &out, "FILE", "write the script to FILE (atomically) instead of stdout", NULL },
    };
    const char **pos = calloc((size_t)argc + 1, sizeof *pos);
    if (!pos) return kt_cli_fail("sql-views", "out of memory");
    const kt_args_spec spec = { .command = "sql-views", .usage = "[TABLE...] [--out FILE]",
                                .description = DESCRIPTION, .opts = opts, .nopts = 1, .min_positional = 0,
                                .max_positional = (size_t)argc, .positional_name = "TABLE" };
    size_t npos = 0;
    kt_args_result ar = kt_args_parse(&spec, argc, argv, pos, &npos);
    if (ar != KT_ARGS_OK) {
        free(pos);
        return kt_args_exit_code(ar);
    }
    kt_error err = { 0 };
    kt_buf sql;
    kt_buf_init(&sql);
    kt_status st = build(g, pos, npos, &sql, &err);
    if (st == KT_OK && out) st = write_atomically(out, &sql, &err);
    if (st == KT_OK && !out && (fwrite(sql.data, 1, sql.len, stdout) != sql.len || fflush(stdout) != 0))
        st = kt_fail_errno(&err, KT_ERR_IO, errno, "stdout: write failed");
    kt_buf_free(&sql);
    free(pos);
    return st == KT_OK ? KT_EXIT_OK : kt_cli_fail("sql-views", err.msg);
}
