/*
 * cli/cmd_tables.c — `kinetl tables [--json]`: the Delta tables of the
 * lake with their version, active files, rows, bytes, partitioning and
 * last commit time. --json prints one JSON object per table per line.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_time.h"
#include "cli/commands.h"
#include "lake/delta/delta.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: kinetl [--lake DIR] tables [--json]\n"
                 "Lists the Delta tables under the lake: version, active files, rows, size,\n"
                 "partition columns and last commit time (UTC).\n"
                 "  --json   one JSON object per table per line\n");
}

typedef struct table_row {
    int64_t version, files, rows, bytes, updated;
    char partitioned_by[256];
} table_row;

static void describe(const kt_delta_snapshot *s, table_row *r)
{
    r->version = kt_delta_snapshot_version(s);
    r->files = (int64_t)kt_delta_snapshot_num_files(s);
    r->rows = kt_delta_snapshot_num_records(s);
    r->bytes = 0;
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++)
        r->bytes += kt_delta_snapshot_file(s, i)->size;
    r->updated = kt_delta_snapshot_timestamp(s);
    r->partitioned_by[0] = 0;
    size_t used = 0;
    for (size_t c = 0; c < kt_delta_snapshot_num_partition_columns(s); c++) {
        int n = snprintf(r->partitioned_by + used, sizeof r->partitioned_by - used, "%s%s",
                         c ? "," : "", kt_delta_snapshot_partition_column(s, c));
        if (n < 0 || (size_t)n >= sizeof r->partitioned_by - used) break;
        used += (size_t)n;
    }
}

static void print_json(const char *name, const table_row *r)
{
    char when[32];
    kt_cli_format_ms(r->updated, when);
    json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:I, s:s, s:s}", "table", name, "version",
                          (json_int_t)r->version, "files", (json_int_t)r->files, "rows",
                          r->rows >= 0 ? json_integer(r->rows) : json_null(), "bytes",
                          (json_int_t)r->bytes, "partitioned_by", r->partitioned_by, "updated",
                          when);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text) puts(text);
    free(text);
    json_decref(o);
}

static void print_text(const char *name, const table_row *r)
{
    char when[32], rows[32];
    kt_cli_format_ms(r->updated, when);
    if (r->rows >= 0) snprintf(rows, sizeof rows, "%lld", (long long)r->rows);
    else snprintf(rows, sizeof rows, "?");
    printf("%-12s %8lld %8lld %12s %14lld  %-24s %s\n", name, (long long)r->version,
           (long long)r->files, rows, (long long)r->bytes,
           r->partitioned_by[0] ? r->partitioned_by : "-", when);
}

int kt_cmd_tables(const kt_cli_globals *g, int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return KT_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else {
            fprintf(stderr, "kinetl tables: unexpected argument '%s' (see kinetl tables --help)\n",
                    argv[i]);
            return KT_EXIT_USAGE;
        }
    }
    kt_error err = { 0 };
    char **names;
    size_t n;
    if (kt_delta_list_tables(g->lake, &names, &n, &err) != KT_OK) {
        fprintf(stderr, "kinetl tables: %s\n", err.msg);
        return KT_EXIT_ERROR;
    }
    if (!json)
        printf("%-12s %8s %8s %12s %14s  %-24s %s\n", "TABLE", "VERSION", "FILES", "ROWS",
               "BYTES", "PARTITIONED BY", "UPDATED (UTC)");
    int rc = KT_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        kt_delta_table *t = NULL;
        kt_delta_snapshot *s = NULL;
        if (kt_delta_open_in_lake(g->lake, names[i], NULL, &t, &err) != KT_OK ||
            kt_delta_snapshot_load(t, -1, &s, &err) != KT_OK) {
            fprintf(stderr, "kinetl tables: %s\n", err.msg);
            rc = KT_EXIT_ERROR;
        } else {
            table_row r;
            describe(s, &r);
            json ? print_json(names[i], &r) : print_text(names[i], &r);
        }
        kt_delta_snapshot_free(s);
        kt_delta_close(t);
    }
    kt_delta_free_names(names, n);
    return rc;
}
