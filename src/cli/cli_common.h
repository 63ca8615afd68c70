/*
 * cli/cli_common.h — the error lines every kinetl command prints, in one
 * place so they read the same everywhere:
 *   data/runtime error:  "kinetl <command>: <message>"                   -> exit 1
 *   usage error:         "kinetl <command>: <problem> (see kinetl <command> --help)" -> exit 2
 * the "--name VALUE" / "--name=VALUE" matcher of the commands that parse
 * their own argv, and the one environment switch every writing command
 * reads. Lines go to stderr; nothing is allocated.
 */
#ifndef KT_CLI_CLI_COMMON_H
#define KT_CLI_CLI_COMMON_H

#include <stdbool.h>

#include "core/error.h"

/* Prints "kinetl <command>: <msg>"; returns KT_EXIT_ERROR. */
int kt_cli_fail(const char *command, const char *msg);

/* Prints "kinetl <command>: <fmt...> (see kinetl <command> --help)"; returns KT_EXIT_USAGE. */
int kt_cli_usage_error(const char *command, const char *fmt, ...) KT_PRINTF(2, 3);

/* The value of option `name` at argv[*i]: "--name VALUE" (advances *i) or
 * "--name=VALUE"; NULL if argv[*i] is another option, or (with *missing
 * set) if "--name" is the last argument. */
const char *kt_cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* KINETL_UNSAFE_NO_FSYNC=1: no fsync anywhere (tests that kill processes
 * on purpose, benchmarks against peers that never fsync). */
bool kt_cli_unsafe_no_fsync(void);

#endif
