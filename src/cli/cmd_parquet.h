/*
 * cli/cmd_parquet.h — the subcommands of `kinetl parquet`, each taking its
 * own argv (argv[0] = "schema", "meta" or "cat") and returning an exit
 * code (cli/commands.h). Data errors print one line
 * "kinetl parquet: <file>: <problem>".
 */
#ifndef KT_CLI_CMD_PARQUET_H
#define KT_CLI_CMD_PARQUET_H

int kt_parquet_schema_main(int argc, char **argv);
int kt_parquet_meta_main(int argc, char **argv);
int kt_parquet_cat_main(int argc, char **argv);

/* Prints "kinetl parquet: <msg>" for a failed status; returns KT_EXIT_ERROR. */
int kt_parquet_fail(const char *msg);

#endif
