/* cli/cmd_parquet.c — `kinetl parquet schema|meta|cat FILE` (placeholder until the reader lands). */
#include <stdio.h>

#include "cli/commands.h"

int kt_cmd_parquet(const kt_cli_globals *g, int argc, char **argv)
{
    (void)g; (void)argc; (void)argv;
    fprintf(stderr, "kinetl parquet: not built yet\n");
    return KT_EXIT_ERROR;
}
