/*
 * cli/cli_common.c — the one-line error messages and the option-value
 * matcher shared by the commands (cli/cli_common.h).
 */
#include "cli/cli_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

int kt_cli_fail(const char *command, const char *msg)
{
    fprintf(stderr, "kinetl %s: %s\n", command, msg);
    return KT_EXIT_ERROR;
}

int kt_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kinetl %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see kinetl %s --help)\n", command);
    va_end(ap);
    return KT_EXIT_USAGE;
}

const char *kt_cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != 0) return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

bool kt_cli_unsafe_no_fsync(void)
{
    const char *unsafe = getenv("KINETL_UNSAFE_NO_FSYNC");
    return unsafe && !strcmp(unsafe, "1");
}
