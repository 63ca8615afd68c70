/*
 * cli/pipeline_cli.h — what `kinetl run` and `kinetl watch` share: their
 * options, the process setup (logger, signal watcher, scheduler session)
 * and the end-of-cycle report.
 *
 * Contract: kt_pipeline_cli_parse fills the options from argv (usage errors
 * are printed and give KT_EXIT_USAGE; --help gives -1 after printing the
 * help); kt_pipeline_cli_start starts the signal watcher FIRST (before any
 * thread) and then the session; kt_pipeline_cli_report prints one cycle's
 * summary (text or one JSON line on stdout) and returns its exit code.
 */
#ifndef KT_CLI_PIPELINE_CLI_H
#define KT_CLI_PIPELINE_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/commands.h"
#include "orchestrate/cancel.h"
#include "orchestrate/pipeline_run.h"
#include "orchestrate/signals.h"

typedef struct kt_pipeline_cli {
    const char *command;        /* "run" or "watch" */
    const char *source;
    int64_t threads;            /* 0 = cores */
    int64_t interval_ms;        /* watch */
    bool json, quiet, retry_failed, no_progress;
    /* runtime */
    kt_cancel_flag cancel;
    kt_log *log;
    kt_signal_watch *signals;
    kt_pipeline_session *session;
} kt_pipeline_cli;

/* Returns KT_EXIT_OK to go on, KT_EXIT_USAGE, or -1 after --help. */
int kt_pipeline_cli_parse(kt_pipeline_cli *c, const char *command, int argc, char **argv);
/* Logger, signals, session. Returns an exit code (KT_EXIT_OK to go on). */
int kt_pipeline_cli_start(kt_pipeline_cli *c, const kt_cli_globals *g);
void kt_pipeline_cli_stop(kt_pipeline_cli *c);
/* Prints the cycle's summary; returns 0 (ok, up to date), 1 otherwise. */
int kt_pipeline_cli_report(const kt_pipeline_cli *c, const kt_pipeline_outcome *out);

#endif
