/*
 * cli/commands.h — the command table's contract. A command receives the
 * global options and its own argv (argv[0] = command name) and returns an
 * exit code: KT_EXIT_OK, KT_EXIT_ERROR (data/runtime) or KT_EXIT_USAGE.
 * Errors go to stderr as one line: "kinetl <cmd>: <message>".
 */
#ifndef KT_CLI_COMMANDS_H
#define KT_CLI_COMMANDS_H

#include "core/log.h"

enum { KT_EXIT_OK = 0, KT_EXIT_ERROR = 1, KT_EXIT_USAGE = 2 };

typedef struct kt_cli_globals {
    const char *lake;
    kt_log_level log_level; /* --log-level / $KINETL_LOG_LEVEL; default info */
} kt_cli_globals;

typedef int (*kt_command_fn)(const kt_cli_globals *g, int argc, char **argv);

typedef struct kt_command {
    const char *name;
    const char *summary;
    kt_command_fn run;
} kt_command;

int kt_cmd_gen(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_parquet(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_ingest(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_tables(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_history(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_vacuum(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_run(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_watch(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_status(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_process(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_cat(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_sql_views(const kt_cli_globals *g, int argc, char **argv);
int kt_cmd_export(const kt_cli_globals *g, int argc, char **argv);

#endif
