/*
 * cli/cmd_watch.c — `kinetl watch --source DIR [--interval 30s]`: a
 * pipeline cycle every interval, under one lake lock, until SIGINT or
 * SIGTERM; then the commits in progress finish and it exits 0. A cycle
 * that fails (the lake cannot be written) is logged and retried at the
 * next interval.
 */
#include <stdio.h>
#include <time.h>

#include "core/alloc_policy.h"
#include "cli/commands.h"
#include "cli/pipeline_cli.h"

#define SLEEP_SLICE_MS 50

/* Sleeps up to ms, waking early when cancellation is requested. */
static void nap(const kt_cancel_flag *cancel, int64_t ms)
{
    while (ms > 0 && !kt_cancel_requested(cancel)) {
        int64_t slice = ms < SLEEP_SLICE_MS ? ms : SLEEP_SLICE_MS;
        struct timespec ts = { .tv_sec = slice / 1000, .tv_nsec = (long)(slice % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

int kt_cmd_watch(const kt_cli_globals *g, int argc, char **argv)
{
    kt_pipeline_cli c;
    int rc = kt_pipeline_cli_parse(&c, "watch", argc, argv);
    if (rc < 0) return KT_EXIT_OK;
    if (rc != KT_EXIT_OK) return rc;
    rc = kt_pipeline_cli_start(&c, g);
    if (rc != KT_EXIT_OK) {
        kt_pipeline_cli_stop(&c);
        return rc;
    }
    kt_log_info(c.log, "watching %s every %.3g s (Ctrl-C to stop)", c.source, (double)c.interval_ms / 1000);
    long cycles = 0;
    while (!kt_cancel_requested(&c.cancel)) {
        kt_pipeline_outcome out;
        kt_error err;
        cycles++;
        if (kt_pipeline_cycle(c.session, &out, &err) != KT_OK)
            kt_log_error(c.log, "cycle %ld failed: %s (retrying in %.3g s)", cycles, err.msg,
                         (double)c.interval_ms / 1000);
        else if (!out.up_to_date)
            kt_pipeline_cli_report(&c, &out);
        else
            kt_log_debug(c.log, "cycle %ld: up to date", cycles);
        kt_alloc_policy_release(); /* the cycle's buffers are freed: give them back while sleeping */
        nap(&c.cancel, c.interval_ms);
    }
    kt_log_info(c.log, "stopped after %ld cycle(s)", cycles);
    kt_pipeline_cli_stop(&c);
    return KT_EXIT_OK;
}
