/*
 * cli/cmd_run.c — `kinetl run --source DIR [-j N]`: one pipeline cycle —
 * ingest new files, process the dirty runs in parallel, record it all in
 * state.db, print the summary (docs/ORCHESTRATE.md). Exit 0 ok or up to
 * date, 1 when a file or run failed, the run was interrupted, or another
 * scheduler holds the lake; 2 on a usage error.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/pipeline_cli.h"

int kt_cmd_run(const kt_cli_globals *g, int argc, char **argv)
{
    kt_pipeline_cli c;
    int rc = kt_pipeline_cli_parse(&c, "run", argc, argv);
    if (rc < 0) return KT_EXIT_OK;
    if (rc != KT_EXIT_OK) return rc;
    rc = kt_pipeline_cli_start(&c, g);
    if (rc == KT_EXIT_OK) {
        kt_pipeline_outcome out;
        kt_error err;
        if (kt_pipeline_cycle(c.session, &out, &err) != KT_OK) {
            fprintf(stderr, "kinetl run: %s\n", err.msg);
            rc = KT_EXIT_ERROR;
        } else {
            rc = kt_pipeline_cli_report(&c, &out);
        }
    }
    kt_pipeline_cli_stop(&c);
    return rc;
}
