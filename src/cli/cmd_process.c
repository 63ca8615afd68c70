/*
 * cli/cmd_process.c — `kinetl process [--run ID ... | --all]`: (re)process
 * runs from raw into aligned, features and run_stats, one line per run.
 * Runs go one after another unless -j N asks for N worker threads (each
 * with its own processing context). A failing run does not stop the others;
 * the exit code is 1 if any failed. Orchestrated, incremental processing is
 * `kinetl run`; this command processes what it is told to, even if current,
 * unless --skip-current. The base config is the lake's process.conf; like
 * every writer it takes the lake lock, and it records the pipeline run, its
 * tasks and each run's state in state.db (docs/ORCHESTRATE.md).
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "orchestrate/lake_config.h"
#include "orchestrate/lake_lock.h"
#include "orchestrate/process_step.h"
#include "orchestrate/state.h"
#include "pipeline/process_run.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kinetl [--lake DIR] process (--run ID [--run ID ...] | --all) [options]\n"
            "Reads each run's readings from raw, aligns them, computes features and run\n"
            "statistics, and replaces the run's rows in aligned, features and run_stats\n"
            "(one atomic commit per table). See docs/PROCESS.md.\n"
            "  --run ID           a run to process (canonical id, as in raw's run_uuid); repeatable\n"
            "  --all              every run with readings in raw\n"
            "  --align STRATEGY   union (default) or grid:<period>, e.g. grid:10ms\n"
            "  --max-gap DURATION interpolate/hold across gaps up to this (default 0.5s)\n"
            "  --skip-current     leave runs alone whose outputs are current (same input, same config)\n"
            "  -j, --jobs N       worker threads (default 1)\n"
            "  --json             one JSON object per run per line on stdout\n");
}

typedef struct options {
    const char **runs;
    size_t nruns;
    bool all, json, skip_current;
    int jobs;
    kt_transform_config cfg;
} options;

static int set_knob(options *o, const char *key, const char *value)
{
    kt_error err = { 0 };
    if (kt_transform_config_set(&o->cfg, key, value, &err) == KT_OK) return KT_EXIT_OK;
    return kt_cli_usage_error("process", "%s", err.msg);
}

static int parse_jobs(const char *text, int *jobs)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || v < 1 || v > 256) return kt_cli_usage_error("process", "-j needs a number of threads from 1 to 256, not '%s'", text);
    *jobs = (int)v;
    return KT_EXIT_OK;
}

/* o->cfg holds the base config; flags adjust it. */
static int parse(int argc, char **argv, options *o)
{
    o->jobs = 1;
    o->runs = calloc((size_t)argc, sizeof *o->runs);
    if (!o->runs) return KT_EXIT_ERROR;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        int rc = KT_EXIT_OK;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(argv[i], "--all")) {
            o->all = true;
        } else if (!strcmp(argv[i], "--json")) {
            o->json = true;
        } else if (!strcmp(argv[i], "--skip-current")) {
            o->skip_current = true;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--run", &missing))) {
            if (!*v) return kt_cli_usage_error("process", "%s", "--run needs a run id");
            o->runs[o->nruns++] = v;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--align", &missing))) {
            rc = set_knob(o, "align", v);
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--max-gap", &missing))) {
            rc = set_knob(o, "max_gap", v);
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--jobs", &missing)) ||
                   (v = kt_cli_option_value(argc, argv, &i, "-j", &missing))) {
            rc = parse_jobs(v, &o->jobs);
        } else if (missing) {
            return kt_cli_usage_error("process", "%s needs a value", argv[i]);
        } else {
            return kt_cli_usage_error("process", "unexpected argument '%s'", argv[i]);
        }
        if (missing) return kt_cli_usage_error("process", "%s needs a value", argv[i]);
        if (rc != KT_EXIT_OK) return rc;
    }
    if (o->all == (o->nruns > 0)) return kt_cli_usage_error("process", "%s", "give --run ID (one or more) or --all");
    return KT_EXIT_OK;
}

/* ---- output ------------------------------------------------------------- */

static void print_text(const kt_process_result *r)
{
    if (r->skipped) {
        printf("run %s: current (sequence %lld), skipped\n", r->run_uuid, (long long)r->txn_version);
        return;
    }
    char status[KT_RUN_STATS_REASON_MAX + 32];
    if (r->stats.status_reason[0]) snprintf(status, sizeof status, "%s (%s)", r->stats.status, r->stats.status_reason);
    else snprintf(status, sizeof status, "%s", r->stats.status);
    printf("run %s: %lld readings in %zu files -> %lld rows, %s; aligned v%lld, features v%lld, "
           "run_stats v%lld; read %.3f s, transform %.3f s, write %.3f s\n",
           r->run_uuid, (long long)r->readings, r->raw_files, (long long)r->rows, status,
           (long long)r->aligned_version, (long long)r->features_version, (long long)r->run_stats_version,
           r->read_s, r->transform_s, r->write_s);
}

static void print_json(const kt_process_result *r, const char *error)
{
    json_t *o = json_pack("{s:s, s:s}", "run_uuid", r->run_uuid, "result",
                          error ? "failed" : r->skipped ? "skipped" : "processed");
    if (!o) return;
    if (error) {
        json_object_set_new(o, "error", json_string(error));
    } else {
        json_object_set_new(o, "raw_version", json_integer(r->raw_version));
        json_object_set_new(o, "txn_version", json_integer(r->txn_version));
        json_object_set_new(o, "files_fingerprint", json_string(r->files_fingerprint));
    }
    if (!error && !r->skipped) {
        json_object_set_new(o, "readings", json_integer(r->readings));
        json_object_set_new(o, "raw_files", json_integer((json_int_t)r->raw_files));
        json_object_set_new(o, "rows", json_integer(r->rows));
        json_object_set_new(o, "status", json_string(r->stats.status));
        json_object_set_new(o, "status_reason", json_string(r->stats.status_reason));
        json_object_set_new(o, "aligned_version", json_integer(r->aligned_version));
        json_object_set_new(o, "features_version", json_integer(r->features_version));
        json_object_set_new(o, "run_stats_version", json_integer(r->run_stats_version));
        json_object_set_new(o, "input_fingerprint", json_string(r->input_fingerprint));
        json_object_set_new(o, "config_hash", json_string(r->config_hash));
        json_object_set_new(o, "read_s", json_real(r->read_s));
        json_object_set_new(o, "transform_s", json_real(r->transform_s));
        json_object_set_new(o, "write_s", json_real(r->write_s));
    }
    char *text = json_dumps(o, JSON_COMPACT);
    if (text) puts(text);
    free(text);
    json_decref(o);
}

/* ---- workers -------------------------------------------------------------- */

typedef struct shared {
    const char *lake;
    const options *o;
    const char *const *runs;
    size_t nruns;
    atomic_size_t next;
    pthread_mutex_t out;   /* one run's lines stay together */
    size_t processed, skipped, failed, unrecorded;
    kt_state *state;       /* every attempt is recorded here */
    int64_t pipeline_run_id;
} shared;

static void report(shared *s, const kt_process_result *r, kt_status st, const kt_error *err, int64_t started_us)
{
    kt_error serr;
    bool recorded = r->skipped ||
                    kt_process_record(s->state, s->pipeline_run_id, r->run_uuid, st, err->msg, r, started_us, &serr) == KT_OK;
    pthread_mutex_lock(&s->out);
    if (!recorded) {
        s->unrecorded++;
        fprintf(stderr, "kinetl process: run %s: %s\n", r->run_uuid, serr.msg);
    }
    if (st != KT_OK) {
        s->failed++;
        fprintf(stderr, "kinetl process: %s\n", err->msg);
        if (s->o->json) print_json(r, err->msg);
    } else {
        r->skipped ? s->skipped++ : s->processed++;
        s->o->json ? print_json(r, NULL) : print_text(r);
    }
    fflush(stdout);
    pthread_mutex_unlock(&s->out);
}

static void *worker(void *arg)
{
    shared *s = arg;
    kt_error err = { 0 };
    kt_process_options po = { .delta.no_fsync = kt_cli_unsafe_no_fsync(), .skip_current = s->o->skip_current };
    kt_process_ctx *ctx = NULL;
    kt_status st = kt_process_ctx_new(s->lake, &po, &ctx, &err);
    for (size_t i; (i = atomic_fetch_add(&s->next, 1)) < s->nruns;) {
        kt_process_result r;
        memset(&r, 0, sizeof r);
        snprintf(r.run_uuid, sizeof r.run_uuid, "%s", s->runs[i]);
        int64_t started = kt_clock_wall_us();
        kt_status rs = st == KT_OK ? kt_process_run(ctx, s->runs[i], &s->o->cfg, &r, &err) : st;
        snprintf(r.run_uuid, sizeof r.run_uuid, "%s", s->runs[i]);
        report(s, &r, rs, &err, started);
    }
    kt_process_ctx_free(ctx);
    return NULL;
}

static int run_all(const char *lake, const options *o, const char *const *runs, size_t nruns, kt_state *state,
                   int64_t pipeline_run_id, kt_run_counts *counts)
{
    shared s = { .lake = lake, .o = o, .runs = runs, .nruns = nruns, .state = state,
                 .pipeline_run_id = pipeline_run_id };
    atomic_init(&s.next, 0);
    pthread_mutex_init(&s.out, NULL);
    int jobs = o->jobs < (int)nruns ? o->jobs : (int)nruns;
    pthread_t th[256];
    int started = 0;
    for (; started < jobs - 1; started++)
        if (pthread_create(&th[started], NULL, worker, &s) != 0) break;
    worker(&s);   /* this thread is a worker too */
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&s.out);
    fprintf(stderr, "kinetl process: %zu processed, %zu skipped, %zu failed\n", s.processed, s.skipped,
            s.failed);
    counts->runs_processed = (int64_t)s.processed;
    counts->runs_failed = (int64_t)s.failed;
    return s.failed || s.unrecorded ? KT_EXIT_ERROR : KT_EXIT_OK;
}

int kt_cmd_process(const kt_cli_globals *g, int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    kt_error err = { 0 };
    kt_status cs = kt_lake_process_config(g->lake, &o.cfg, NULL, &err);
    int rc = parse(argc, argv, &o);
    if (rc != KT_EXIT_OK) {
        free(o.runs);
        return rc < 0 ? KT_EXIT_OK : rc;
    }
    if (cs != KT_OK) {
        fprintf(stderr, "kinetl process: %s\n", err.msg);
        free(o.runs);
        return KT_EXIT_ERROR;
    }
    kt_lake_lock *lock = NULL;
    kt_state *state = NULL;
    int64_t run_id = 0;
    kt_status ls = kt_lake_lock_acquire(g->lake, "process", &lock, NULL, &err);
    if (ls == KT_OK) ls = kt_state_open(g->lake, KT_STATE_CREATE, &state, &err);
    if (ls == KT_OK) ls = kt_state_pipeline_close_abandoned(state, 0, NULL, &err);
    if (ls == KT_OK) ls = kt_state_pipeline_start(state, "process", 0, &run_id, &err);
    if (ls != KT_OK) {
        fprintf(stderr, "kinetl process: %s\n", err.msg);
        kt_state_close(state);
        kt_lake_lock_release(lock);
        free(o.runs);
        return KT_EXIT_ERROR;
    }
    kt_process_options po = { .delta.no_fsync = kt_cli_unsafe_no_fsync(), .skip_current = o.skip_current };
    kt_process_ctx *ctx = NULL;
    char **all = NULL;
    size_t nall = 0;
    /* Open once up front: a lake without raw fails here, once, with one line. */
    kt_status st = kt_process_ctx_new(g->lake, &po, &ctx, &err);
    if (st == KT_OK && o.all) st = kt_process_list_runs(ctx, &all, &nall, &err);
    kt_process_ctx_free(ctx);
    kt_run_counts counts = { 0 };
    if (st != KT_OK) {
        fprintf(stderr, "kinetl process: %s\n", err.msg);
        rc = KT_EXIT_ERROR;
    } else {
        rc = o.all ? run_all(g->lake, &o, (const char *const *)all, nall, state, run_id, &counts)
                   : run_all(g->lake, &o, o.runs, o.nruns, state, run_id, &counts);
    }
    kt_error ferr;
    kt_pipeline_status ps = st != KT_OK ? KT_PIPELINE_FAILED : counts.runs_failed ? KT_PIPELINE_PARTIAL : KT_PIPELINE_OK;
    char problem[64];
    snprintf(problem, sizeof problem, "%lld run(s) failed", (long long)counts.runs_failed);
    kt_state_pipeline_finish(state, run_id, ps, &counts, 0,
                             st != KT_OK ? err.msg : counts.runs_failed ? problem : NULL, &ferr);
    kt_state_close(state);
    kt_lake_lock_release(lock);
    kt_process_free_runs(all, nall);
    free(o.runs);
    return rc;
}
