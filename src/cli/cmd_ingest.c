/*
 * cli/cmd_ingest.c — `kinetl ingest --source DIR`: every new *.parquet below
 * DIR into `raw` and `quarantine`, exactly once (docs/INGEST.md). Exit 0
 * when every file found was ingested (or already was); 1 when some file
 * failed or changed (partial batch) or the lake could not be written; 2 on
 * a usage error.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "orchestrate/ingest_step.h"
#include "orchestrate/lake_dir.h"
#include "orchestrate/lake_lock.h"
#include "orchestrate/state.h"
#include "pipeline/ingest_reason.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kinetl [--lake DIR] ingest --source DIR [options]\n\n"
            "Ingests every new *.parquet below DIR (recursively) into the lake's `raw` table\n"
            "(typed, normalised, exact in-file duplicates dropped) and `quarantine` table\n"
            "(rejected rows with their reason), each file exactly once even across crashes.\n"
            "Limits are read from <lake>/_kinetl/ingest.conf when it exists.\n\n"
            "options:\n"
            "  --source DIR           directory of source Parquet files (required)\n"
            "  --config FILE          limits file instead of <lake>/_kinetl/ingest.conf\n"
            "  --position-limit MM    x y z must lie within [-MM, MM] (default 10000)\n"
            "  --force-limit N        fx fy fz must lie within [-N, N] (default 50000)\n"
            "  --limit FIELD=MIN:MAX  limits of one field, e.g. --limit z=-1000:0\n"
            "  --batch-files N        at most N files per commit (default 256)\n"
            "  -j, --threads N        read N files in parallel (default 1; memory grows with N)\n"
            "  --retry-failed         try again files that failed before with the same content\n"
            "  --rehash               hash every file even when size and mtime are unchanged\n"
            "  --json                 JSON Lines: one object per file handled, then a summary\n"
            "  --quiet                only errors\n"
            "  --help                 this text\n");
}

typedef struct ingest_args {
    const char *source, *config;
    bool json, quiet;
    kt_ingest_step_options step;
    /* limits given on the command line, applied after the config file */
    const char *keys[64], *values[64];
    char owned[64][96];
    int nlimits;
} ingest_args;

static int add_limit(ingest_args *a, const char *key, const char *value)
{
    if (a->nlimits == 64) return kt_cli_usage_error("ingest", "too many limit options%s", "");
    a->keys[a->nlimits] = key;
    a->values[a->nlimits] = value;
    a->nlimits++;
    return KT_EXIT_OK;
}

/* "--limit z=-1000:0" -> key "limit_z", value "-1000:0". */
static int add_field_limit(ingest_args *a, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) > 8) return kt_cli_usage_error("ingest", "--limit wants FIELD=MIN:MAX, got '%s'", spec);
    if (a->nlimits == 64) return kt_cli_usage_error("ingest", "too many limit options%s", "");
    snprintf(a->owned[a->nlimits], sizeof a->owned[0], "limit_%.*s", (int)(eq - spec), spec);
    return add_limit(a, a->owned[a->nlimits], eq + 1);
}

static int parse_args(int argc, char **argv, ingest_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(arg, "--source") || !strcmp(arg, "--config") || !strcmp(arg, "--position-limit") ||
                     !strcmp(arg, "--force-limit") || !strcmp(arg, "--limit") || !strcmp(arg, "--batch-files") ||
                     !strcmp(arg, "-j") || !strcmp(arg, "--threads");
        if (takes && !next) return kt_cli_usage_error("ingest", "%s needs a value", arg);
        int rc = KT_EXIT_OK;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(arg, "--source")) {
            a->source = next;
        } else if (!strcmp(arg, "--config")) {
            a->config = next;
        } else if (!strcmp(arg, "--position-limit")) {
            rc = add_limit(a, "position_limit", next);
        } else if (!strcmp(arg, "--force-limit")) {
            rc = add_limit(a, "force_limit", next);
        } else if (!strcmp(arg, "--limit")) {
            rc = add_field_limit(a, next);
        } else if (!strcmp(arg, "--batch-files")) {
            char *end;
            long long n = strtoll(next, &end, 10);
            if (*end || n < 1 || n > 1000000) return kt_cli_usage_error("ingest", "--batch-files wants 1..1000000, got '%s'", next);
            a->step.batch_files = (size_t)n;
        } else if (!strcmp(arg, "-j") || !strcmp(arg, "--threads")) {
            char *end;
            long n = strtol(next, &end, 10);
            if (*end || n < 1 || n > 256) return kt_cli_usage_error("ingest", "-j wants 1..256, got '%s'", next);
            a->step.ingest.threads = (int)n;
        } else if (!strcmp(arg, "--retry-failed")) {
            a->step.retry_failed = true;
        } else if (!strcmp(arg, "--rehash")) {
            a->step.rehash = true;
        } else if (!strcmp(arg, "--json")) {
            a->json = true;
        } else if (!strcmp(arg, "--quiet")) {
            a->quiet = true;
        } else {
            return kt_cli_usage_error("ingest", "unknown option '%s'", arg);
        }
        if (rc != KT_EXIT_OK) return rc;
        if (takes) i++;
    }
    if (!a->source) return kt_cli_usage_error("ingest", "--source DIR is required%s", "");
    return KT_EXIT_OK;
}

static kt_status load_config(const char *lake, const ingest_args *a, kt_ingest_config *cfg, kt_error *err)
{
    kt_ingest_config_default(cfg);
    char path[4096];
    const char *file = a->config;
    if (!file) {
        KT_TRY(kt_lake_meta_path(lake, "ingest.conf", false, path, sizeof path, err));
        file = path;
    }
    bool found;
    KT_TRY(kt_ingest_config_load(cfg, file, &found, err));
    if (a->config && !found) return kt_fail(err, KT_ERR_NOT_FOUND, "%s: config file not found", a->config);
    for (int i = 0; i < a->nlimits; i++) KT_TRY(kt_ingest_config_set(cfg, a->keys[i], a->values[i], err));
    return KT_OK;
}

/* A file the step settled without a batch: by its manifest verdict, or a hashing failure. */
static const char *step_outcome(kt_file_verdict v)
{
    switch (v) {
    case KT_FILE_CONTENT_CHANGED: return "changed";
    case KT_FILE_STILL_FAILED: return "still_failed";
    case KT_FILE_ALREADY:
    case KT_FILE_COPY: return "already";
    default: return "failed";
    }
}

static json_t *file_json(const kt_ingest_step_file *f)
{
    const kt_ingest_result *r = f->result;
    const char *outcome = r ? kt_ingest_outcome_name(r->outcome) : step_outcome(f->verdict);
    json_t *o = json_pack("{s:s, s:s, s:s}", "path", f->rel, "outcome", outcome, "verdict",
                          kt_file_verdict_name(f->verdict));
    if (r && r->outcome == KT_INGEST_INGESTED) {
        const kt_ingest_counts *c = &r->stats.counts;
        json_t *reasons = json_object();
        for (int k = 0; k < KT_REASON_COUNT; k++)
            if (c->by_reason[k]) json_object_set_new(reasons, kt_reason_name((kt_reason)k), json_integer(c->by_reason[k]));
        json_object_set_new(o, "rows", json_integer(c->rows));
        json_object_set_new(o, "accepted", json_integer(c->accepted));
        json_object_set_new(o, "quarantined", json_integer(c->quarantined));
        json_object_set_new(o, "duplicates", json_integer(c->duplicates));
        json_object_set_new(o, "reasons", reasons);
        json_object_set_new(o, "raw_version", json_integer(r->raw_version));
        json_object_set_new(o, "completed_interrupted", json_boolean(r->completed));
        json_object_set_new(o, "dedup_exact", json_boolean(r->stats.dedup_resets == 0));
        if (r->stats.nextra) json_object_set_new(o, "ignored_columns", json_string(r->stats.extra));
    }
    if (f->note) json_object_set_new(o, "error", json_string(f->note));
    return o;
}

static void on_file(void *ctx, const kt_ingest_step_file *f)
{
    const ingest_args *a = ctx;
    if (a->json) {
        json_t *o = file_json(f);
        char *text = json_dumps(o, JSON_COMPACT);
        if (text) puts(text);
        free(text);
        json_decref(o);
        return;
    }
    const kt_ingest_result *r = f->result;
    bool problem = r ? r->outcome == KT_INGEST_FAILED : strcmp(step_outcome(f->verdict), "already") != 0;
    if (problem && f->note) fprintf(stderr, "kinetl ingest: %s: %s\n", f->rel, f->note);
    else if (f->note && !a->quiet) printf("  %s: %s\n", f->rel, f->note);
    if (a->quiet || !r || r->outcome != KT_INGEST_INGESTED) return;
    if (r->stats.nextra) printf("  %s: ignored columns: %s\n", f->rel, r->stats.extra);
    if (r->stats.dedup_resets)
        printf("  %s: too many distinct readings for exact duplicate detection; duplicates were caught within "
               "windows only\n", f->rel);
}

static void print_summary(const ingest_args *a, const kt_ingest_step_result *r)
{
    if (a->json) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "summary", "ingest",
                              "discovered", (json_int_t)r->discovered, "ingested", (json_int_t)r->ingested,
                              "already", (json_int_t)r->already, "failed", (json_int_t)r->failed,
                              "still_failed", (json_int_t)r->still_failed, "changed", (json_int_t)r->changed,
                              "rows", (json_int_t)r->rows, "accepted", (json_int_t)r->accepted,
                              "quarantined", (json_int_t)r->quarantined, "duplicates", (json_int_t)r->duplicates,
                              "batches", (json_int_t)r->batches, "raw_version", (json_int_t)r->raw_version);
        char *text = json_dumps(o, JSON_COMPACT);
        if (text) puts(text);
        free(text);
        json_decref(o);
        return;
    }
    if (a->quiet) return;
    printf("ingest: %zu files found: %zu ingested, %zu already in the lake, %zu failed", r->discovered, r->ingested,
           r->already, r->failed + r->still_failed);
    if (r->changed) printf(", %zu changed since ingested", r->changed);
    printf("\n  %" PRId64 " rows: %" PRId64 " accepted, %" PRId64 " quarantined, %" PRId64
           " exact duplicates dropped; %zu batch(es)\n",
           r->rows, r->accepted, r->quarantined, r->duplicates, r->batches);
}

static kt_pipeline_status final_status(const kt_ingest_step_result *r)
{
    return r->failed || r->changed || r->still_failed ? KT_PIPELINE_PARTIAL : KT_PIPELINE_OK;
}

static int run_ingest(const kt_cli_globals *g, ingest_args *a)
{
    kt_error err;
    kt_error_clear(&err);
    kt_lake_lock *lock = NULL;
    kt_state *st = NULL;
    int64_t run_id = 0;
    kt_ingest_step_result res;
    memset(&res, 0, sizeof res);
    /* tests that kill the process on purpose need no durability against power loss */
    a->step.ingest.no_fsync = kt_cli_unsafe_no_fsync();
    kt_status s = load_config(g->lake, a, &a->step.ingest.config, &err);
    if (s != KT_OK) {
        fprintf(stderr, "kinetl ingest: %s\n", err.msg);
        return s == KT_ERR_USAGE ? KT_EXIT_USAGE : KT_EXIT_ERROR;
    }
    s = kt_lake_lock_acquire(g->lake, "ingest", &lock, NULL, &err);
    if (s == KT_OK) s = kt_state_open(g->lake, KT_STATE_CREATE, &st, &err);
    if (s == KT_OK) s = kt_state_pipeline_start(st, "ingest", 0, &run_id, &err);
    if (s == KT_OK) {
        a->step.source_dir = a->source;
        a->step.pipeline_run_id = run_id;
        a->step.on_file = on_file;
        a->step.ctx = a;
        s = kt_ingest_step(g->lake, st, &a->step, &res, &err);
    }
    if (run_id) {
        kt_run_counts counts = { .files_ingested = (int64_t)res.ingested,
                                 .files_failed = (int64_t)(res.failed + res.still_failed),
                                 .readings_accepted = res.accepted, .readings_quarantined = res.quarantined };
        kt_error ferr;
        kt_state_pipeline_finish(st, run_id, s == KT_OK ? final_status(&res) : KT_PIPELINE_FAILED, &counts, 0,
                                 s == KT_OK ? NULL : err.msg, &ferr);
    }
    kt_state_close(st);
    kt_lake_lock_release(lock);
    if (s != KT_OK) {
        fprintf(stderr, "kinetl ingest: %s\n", err.msg);
        return KT_EXIT_ERROR;
    }
    print_summary(a, &res);
    return final_status(&res) == KT_PIPELINE_OK ? KT_EXIT_OK : KT_EXIT_ERROR;
}

int kt_cmd_ingest(const kt_cli_globals *g, int argc, char **argv)
{
    ingest_args a;
    memset(&a, 0, sizeof a);
    kt_ingest_step_options_default(&a.step);
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) return KT_EXIT_OK;
    if (rc != KT_EXIT_OK) return rc;
    return run_ingest(g, &a);
}
