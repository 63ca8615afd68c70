/*
 * cli/main.c — the kinetl binary: global options and command dispatch.
 * Exit codes (SPEC §5): 0 ok, 1 data or runtime error, 2 usage error.
 * Each command lives in its own cli/cmd_<name>.c and is listed in
 * cli/commands.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc_policy.h"
#include "cli/commands.h"

static const kt_command commands[] = {
    { "gen", "generate realistic source data and its ground truth", kt_cmd_gen },
    { "parquet", "inspect any Parquet file: schema, meta, cat", kt_cmd_parquet },
    { "ingest", "ingest new source files into raw and quarantine, exactly once", kt_cmd_ingest },
    { "run", "ingest new files and process the dirty runs in parallel", kt_cmd_run },
    { "watch", "run the pipeline every interval until Ctrl-C", kt_cmd_watch },
    { "tables", "list the lake's Delta tables", kt_cmd_tables },
    { "history", "show a table's commits, newest first", kt_cmd_history },
    { "vacuum", "delete files no snapshot within the retention needs", kt_cmd_vacuum },
    { "status", "pipeline state of the lake: files, runs, recent pipeline runs", kt_cmd_status },
    { "process", "(re)process runs: raw -> aligned, features, run_stats", kt_cmd_process },
    { "cat", "print a table's rows: table, csv, json (lines) or parquet", kt_cmd_cat },
    { "export", "a run's aligned, features and run_stats rows as plain files", kt_cmd_export },
    { "sql-views", "DuckDB SQL views over the exact current snapshot of each table", kt_cmd_sql_views },
};

static void usage(FILE *out)
{
    fprintf(out, "kinetl %s — incremental ETL for robotic forming-cell telemetry\n\n"
                 "usage: kinetl [--lake DIR] [--log-level LEVEL] COMMAND [ARGS]\n\ncommands:\n", KT_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nglobal options:\n"
                 "  --lake DIR          lake root (default $KINETL_LAKE or ./lake)\n"
                 "  --log-level LEVEL   error, warn, info or debug, logged to stderr\n"
                 "                      (default $KINETL_LOG_LEVEL or info)\n"
                 "  --version           print the version\n"
                 "  --help              this text; `kinetl COMMAND --help` for a command\n");
}

static int set_log_level(kt_cli_globals *g, const char *name)
{
    kt_error err;
    if (kt_log_level_parse(name, &g->log_level, &err) == KT_OK) return 0;
    fprintf(stderr, "kinetl: %s\n", err.msg);
    return -1;
}

int main(int argc, char **argv)
{
    kt_alloc_policy_apply();
    kt_cli_globals globals = { .lake = getenv("KINETL_LAKE"), .log_level = KT_LOG_INFO };
    if (!globals.lake || !*globals.lake) globals.lake = "lake";
    const char *env_level = getenv("KINETL_LOG_LEVEL");
    if (env_level && *env_level && set_log_level(&globals, env_level) != 0) return KT_EXIT_USAGE;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return KT_EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("kinetl %s\n", KT_VERSION);
            return KT_EXIT_OK;
        } else if (!strcmp(argv[i], "--lake")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kinetl: --lake needs a directory\n");
                return KT_EXIT_USAGE;
            }
            globals.lake = argv[++i];
        } else if (!strncmp(argv[i], "--lake=", 7)) {
            globals.lake = argv[i] + 7;
        } else if (!strcmp(argv[i], "--log-level")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kinetl: --log-level needs error, warn, info or debug\n");
                return KT_EXIT_USAGE;
            }
            if (set_log_level(&globals, argv[++i]) != 0) return KT_EXIT_USAGE;
        } else if (!strncmp(argv[i], "--log-level=", 12)) {
            if (set_log_level(&globals, argv[i] + 12) != 0) return KT_EXIT_USAGE;
        } else {
            fprintf(stderr, "kinetl: unknown option '%s' (see kinetl --help)\n", argv[i]);
            return KT_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return KT_EXIT_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (!strcmp(argv[i], commands[c].name))
            return commands[c].run(&globals, argc - i, argv + i);
    fprintf(stderr, "kinetl: unknown command '%s' (see kinetl --help)\n", argv[i]);
    return KT_EXIT_USAGE;
}
