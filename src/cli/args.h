/*
 * cli/args.h — declarative option parsing shared by every command.
 *
 * Contract: a command describes its options in a kt_args_spec and calls
 * kt_args_parse() on its argv (argv[0] = its name). Options are GNU-style
 * long options: `--name VALUE`, `--name=VALUE`, flags without a value;
 * `--` ends the options; everything else is a positional argument, in
 * order. Values are checked here (counts are non-negative integers,
 * choices are from the list), so a command only reads its variables.
 * On a usage error, one line "kinetl <command>: <problem> (see kinetl
 * <command> --help)" goes to stderr; on --help/-h the help goes to stdout.
 * Nothing is allocated: string values point into argv.
 */
#ifndef KT_CLI_ARGS_H
#define KT_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum kt_opt_kind {
    KT_OPT_FLAG,    /* dest: bool *, set to true */
    KT_OPT_STRING,  /* dest: const char **, non-empty */
    KT_OPT_COUNT,   /* dest: int64_t *, a non-negative decimal integer */
    KT_OPT_CHOICE,  /* dest: int *, index into `choices` */
    KT_OPT_LIST,    /* dest: kt_opt_list *, each occurrence appended (non-empty values) */
} kt_opt_kind;

/* A repeatable option's values; the caller provides items[cap] (argc
 * entries always suffice). */
typedef struct kt_opt_list {
    const char **items;
    size_t count, cap;
} kt_opt_list;

typedef struct kt_opt {
    const char *name;               /* "--limit" */
    kt_opt_kind kind;
    void *dest;
    const char *metavar;            /* "N", "FILE"; NULL for flags */
    const char *help;               /* one line */
    const char *const *choices;     /* KT_OPT_CHOICE: NULL-terminated list */
} kt_opt;

typedef struct kt_args_spec {
    const char *command;            /* "parquet cat": used in messages and help */
    const char *usage;              /* after the command: "FILE [options]" */
    const char *description;        /* paragraph(s) printed by --help */
    const kt_opt *opts;
    size_t nopts;
    size_t min_positional, max_positional;
    const char *positional_name;    /* "FILE", for "missing FILE" */
} kt_args_spec;

typedef enum kt_args_result {
    KT_ARGS_OK,     /* continue: options and positionals are filled */
    KT_ARGS_HELP,   /* help was printed: exit 0 */
    KT_ARGS_USAGE,  /* a usage error was printed: exit 2 */
} kt_args_result;

/* Parses argv[1..argc); positional[0..*npositional) receive the operands
 * (positional must have room for spec->max_positional entries). */
kt_args_result kt_args_parse(const kt_args_spec *spec, int argc, char **argv,
                             const char **positional, size_t *npositional);

void kt_args_print_help(const kt_args_spec *spec, FILE *out);

/* Prints one usage-error line for spec's command (printf-style); returns KT_ARGS_USAGE. */
kt_args_result kt_args_usage_error(const kt_args_spec *spec, const char *fmt, ...) KT_PRINTF(2, 3);

/* Exit code for a parse result: 0 for help, 2 for a usage error. */
int kt_args_exit_code(kt_args_result r);

#endif
