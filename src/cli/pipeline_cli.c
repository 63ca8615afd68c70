/*
 * cli/pipeline_cli.c — options, setup and reporting shared by `kinetl run`
 * and `kinetl watch`.
 */
#include "cli/pipeline_cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_common.h"
#include "orchestrate/summary.h"
#include "orchestrate/worker_pool.h"

#define DEFAULT_INTERVAL_MS 30000
#define MAX_INTERVAL_MS (7LL * 24 * 3600 * 1000)

static void usage(const char *command, FILE *out)
{
    bool watch = !strcmp(command, "watch");
    fprintf(out, "usage: kinetl [--lake DIR] %s --source DIR %s[-j N] [options]\n\n", command,
            watch ? "[--interval 30s] " : "");
    if (watch)
        fprintf(out, "Runs the pipeline (see kinetl run --help) every interval until SIGINT or SIGTERM,\n"
                     "then finishes the commits in progress and exits 0. A second signal stops at once\n"
                     "(the lake and state.db are crash-safe). Prints a summary for every cycle that\n"
                     "changed something.\n\n");
    else
        fprintf(out, "Ingests every new *.parquet below DIR into raw and quarantine (each file exactly\n"
                     "once), finds the runs whose input or processing config changed since their last\n"
                     "successful processing, and processes them on N worker threads into aligned,\n"
                     "features and run_stats. With nothing new it changes nothing and says up to date.\n"
                     "One scheduler per lake: a second concurrent run exits with a message.\n"
                     "Exit 0 ok or up to date; 1 when a file or run failed, or when interrupted.\n\n");
    fprintf(out, "options:\n"
                 "  --source DIR        directory of source Parquet files (required)\n");
    if (watch) fprintf(out, "  --interval D        time between cycles: 30s, 500ms, 5m, 1h (default 30s)\n");
    fprintf(out, "  -j, --threads N     worker threads (default: the number of cores)\n"
                 "  --retry-failed      ingest again files that failed before with the same content\n"
                 "  --json              the summary as one JSON line on stdout\n"
                 "  --quiet             no summary unless something failed\n"
                 "  --no-progress       no progress bar even on a terminal\n"
                 "  --help              this text\n"
                 "Limits: <lake>/_kinetl/ingest.conf; processing config: <lake>/_kinetl/process.conf\n"
                 "(docs/ORCHESTRATE.md). Global --log-level debug shows every file and run.\n");
}

static int usage_error(const char *command, const char *fmt, const char *arg)
{
    fprintf(stderr, "kinetl %s: ", command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see kinetl %s --help)\n", command);
    return KT_EXIT_USAGE;
}

/* "30s", "500ms", "5m", "1h", "2.5s"; a bare number is seconds. */
static bool parse_interval(const char *text, int64_t *ms)
{
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (end == text || errno || !isfinite(v) || v < 0) return false;
    double scale;
    if (!*end || !strcmp(end, "s")) scale = 1000;
    else if (!strcmp(end, "ms")) scale = 1;
    else if (!strcmp(end, "m")) scale = 60000;
    else if (!strcmp(end, "h")) scale = 3600000;
    else return false;
    double r = v * scale;
    if (r > (double)MAX_INTERVAL_MS) return false;
    *ms = (int64_t)(r + 0.5);
    return *ms >= 10;
}

static const char *value_of(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (!strcmp(argv[*i], name)) {
        if (*i + 1 >= argc) {
            *missing = true;
            return NULL;
        }
        return argv[++*i];
    }
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=') return argv[*i] + n + 1;
    return NULL;
}

int kt_pipeline_cli_parse(kt_pipeline_cli *c, const char *command, int argc, char **argv)
{
    memset(c, 0, sizeof *c);
    c->command = command;
    c->interval_ms = DEFAULT_INTERVAL_MS;
    bool watch = !strcmp(command, "watch");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(command, stdout);
            return -1;
        } else if ((v = value_of(argc, argv, &i, "--source", &missing))) {
            c->source = v;
        } else if (!missing && ((v = value_of(argc, argv, &i, "--threads", &missing)) ||
                                (!missing && (v = value_of(argc, argv, &i, "-j", &missing))))) {
            char *end;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (*end || errno || n < 1 || n > KT_POOL_MAX_THREADS)
                return usage_error(command, "-j wants a number of threads from 1 to 1024, not '%s'", v);
            c->threads = n;
        } else if (watch && !missing && (v = value_of(argc, argv, &i, "--interval", &missing))) {
            if (!parse_interval(v, &c->interval_ms))
                return usage_error(command, "--interval wants a duration like 30s, 500ms, 5m (10ms..7 days), not '%s'",
                                   v);
        } else if (missing) {
            return usage_error(command, "%s needs a value", a);
        } else if (!strcmp(a, "--json")) {
            c->json = true;
        } else if (!strcmp(a, "--quiet")) {
            c->quiet = true;
        } else if (!strcmp(a, "--retry-failed")) {
            c->retry_failed = true;
        } else if (!strcmp(a, "--no-progress")) {
            c->no_progress = true;
        } else {
            return usage_error(command, "unknown option '%s'", a);
        }
    }
    if (!c->source) return usage_error(command, "--source DIR is required%s", "");
    return KT_EXIT_OK;
}

int kt_pipeline_cli_start(kt_pipeline_cli *c, const kt_cli_globals *g)
{
    kt_error err;
    kt_error_clear(&err);
    atomic_init(&c->cancel, 0);
    c->log = kt_log_new(stderr, g->log_level);
    if (!c->log) {
        fprintf(stderr, "kinetl %s: out of memory\n", c->command);
        return KT_EXIT_ERROR;
    }
    /* before any other thread: the mask is inherited by every thread created later */
    if (kt_signal_watch_start(&c->cancel, c->log, &c->signals, &err) != KT_OK) {
        fprintf(stderr, "kinetl %s: %s\n", c->command, err.msg);
        return KT_EXIT_ERROR;
    }
    kt_pipeline_options o = {
        .lake = g->lake, .source_dir = c->source, .command = c->command, .threads = (size_t)c->threads,
        .cancel = &c->cancel, .log = c->log, .progress = !c->no_progress && kt_log_is_terminal(c->log),
        .retry_failed = c->retry_failed, .no_fsync = kt_cli_unsafe_no_fsync(),
    };
    if (kt_pipeline_open(&o, &c->session, NULL, &err) != KT_OK) {
        fprintf(stderr, "kinetl %s: %s\n", c->command, err.msg);
        return KT_EXIT_ERROR;
    }
    kt_log_debug(c->log, "%s on lake %s with %zu worker thread(s)", c->command, g->lake,
                 kt_pipeline_threads(c->session));
    return KT_EXIT_OK;
}

void kt_pipeline_cli_stop(kt_pipeline_cli *c)
{
    kt_pipeline_close(c->session);
    c->session = NULL;
    kt_signal_watch_stop(c->signals);
    c->signals = NULL;
    kt_log_free(c->log);
    c->log = NULL;
}

static const char *status_word(const kt_pipeline_outcome *out)
{
    if (out->up_to_date) return "up to date";
    return kt_pipeline_status_name(out->status);
}

static void print_json(const kt_pipeline_cli *c, const kt_pipeline_outcome *out)
{
    const kt_run_counts *k = &out->counts;
    json_t *o = json_pack("{s:s, s:s, s:b, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                          "command", c->command, "status", kt_pipeline_status_name(out->status),
                          "up_to_date", out->up_to_date, "seconds", out->seconds,
                          "files_ingested", (json_int_t)k->files_ingested,
                          "files_failed", (json_int_t)k->files_failed,
                          "readings_accepted", (json_int_t)k->readings_accepted,
                          "readings_quarantined", (json_int_t)k->readings_quarantined,
                          "runs_processed", (json_int_t)k->runs_processed,
                          "runs_failed", (json_int_t)k->runs_failed,
                          "files_discovered", (json_int_t)out->files_discovered,
                          "files_changed", (json_int_t)out->files_changed,
                          "runs_total", (json_int_t)out->runs_in_raw,
                          "runs_reconciled", (json_int_t)out->runs_reconciled,
                          "runs_interrupted", (json_int_t)out->runs_interrupted,
                          "pipeline_run_id", (json_int_t)out->pipeline_run_id);
    if (o && out->problem[0]) json_object_set_new(o, "problem", json_string(out->problem));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    printf("%s\n", text ? text : "{\"error\":\"out of memory\"}");
    free(text);
    json_decref(o);
}

int kt_pipeline_cli_report(const kt_pipeline_cli *c, const kt_pipeline_outcome *out)
{
    int rc = out->status == KT_PIPELINE_OK ? KT_EXIT_OK : KT_EXIT_ERROR;
    if (c->json) {
        print_json(c, out);
    } else if (!c->quiet || rc != KT_EXIT_OK) {
        kt_summary_print(stdout, c->command, status_word(out), &out->counts, out->seconds);
        if (out->up_to_date)
            printf("  lake       %zu runs up to date, %zu source files already ingested\n", out->runs_in_raw,
                   out->files_already);
        if (out->runs_reconciled)
            printf("  note       %zu run(s) found current in the tables; state.db updated\n", out->runs_reconciled);
        if (out->runs_interrupted)
            printf("  stopped    %zu run(s) not started; the next run picks them up\n", out->runs_interrupted);
        if (out->problem[0]) printf("  problem    %s (kinetl status shows why)\n", out->problem);
    }
    fflush(stdout);
    return rc;
}
