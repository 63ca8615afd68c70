/*
 * cli/cmd_status.c — `kinetl status [--json]`: what state.db says about a
 * lake — source files (ingested, failed, changed, with errors), runs (up
 * to date, stale, failed, with errors), recent pipeline runs, and whether
 * a scheduler holds the lake now. Read-only: never creates or migrates
 * state.db, takes no lock. --json prints one JSON object (not JSON Lines:
 * status is one document, not a table).
 *
 * Staleness is judged against the lake's processing config
 * (<lake>/_kinetl/process.conf, else the defaults), as `kinetl run` does.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/arena.h"
#include "core/clock.h"
#include "orchestrate/lake_lock.h"
#include "orchestrate/state.h"
#include "orchestrate/summary.h"
#include "orchestrate/lake_config.h"
#include "pipeline/transform_config.h"

#define RECENT_PIPELINE_RUNS 10
#define TEXT_LIST_MAX 20
#define STATUS_ARENA_LIMIT ((size_t)1 << 30)

typedef struct status_report {
    const char *lake;
    bool running;
    kt_lock_holder holder;
    kt_file_counts files;
    kt_file_record *failed, *changed;
    size_t nfailed, nchanged;
    kt_run_record *runs;
    size_t nruns;
    kt_dirty_run *stale; /* dirty for a reason other than failure */
    size_t nstale;
    kt_run_record *failed_runs;
    size_t nfailed_runs;
    int64_t up_to_date;
    kt_pipeline_run *recent;
    size_t nrecent;
} status_report;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kinetl [--lake DIR] status [--json]\n\n"
            "Shows the pipeline state of the lake: source files ingested, failed or changed\n"
            "since ingestion (with errors), runs up to date, stale or failed (with errors),\n"
            "the most recent pipeline runs, and whether a kinetl run holds the lake now.\n\n"
            "options:\n"
            "  --json   one JSON object instead of text\n"
            "  --help   this text\n");
}

/* ---- gathering --------------------------------------------------------------- */

static kt_status split_runs(kt_state *st, status_report *r, kt_arena *arena, kt_error *err)
{
    kt_transform_config cfg;
    KT_TRY(kt_lake_process_config(r->lake, &cfg, NULL, err));
    char config_hash[17];
    kt_transform_config_hash_hex(&cfg, config_hash);
    kt_dirty_run *dirty;
    size_t ndirty;
    KT_TRY(kt_state_runs_list(st, arena, &r->runs, &r->nruns, err));
    KT_TRY(kt_state_runs_dirty(st, config_hash, arena, &dirty, &ndirty, err));
    r->stale = kt_arena_calloc(arena, ndirty + 1, sizeof *r->stale);
    r->failed_runs = kt_arena_calloc(arena, r->nruns + 1, sizeof *r->failed_runs);
    if (!r->stale || !r->failed_runs)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory reading the run state");
    for (size_t i = 0; i < ndirty; i++)
        if (dirty[i].reason != KT_DIRTY_FAILED) r->stale[r->nstale++] = dirty[i];
    for (size_t i = 0; i < r->nruns; i++)
        if (r->runs[i].status == KT_RUN_FAILED) r->failed_runs[r->nfailed_runs++] = r->runs[i];
    r->up_to_date = (int64_t)(r->nruns - r->nstale - r->nfailed_runs);
    return KT_OK;
}

static kt_status gather(kt_state *st, status_report *r, kt_arena *arena, kt_error *err)
{
    KT_TRY(kt_state_file_counts(st, &r->files, err));
    KT_TRY(kt_state_files_failed(st, arena, &r->failed, &r->nfailed, err));
    KT_TRY(kt_state_files_list(st, KT_FILE_MASK(KT_FILE_CHANGED), arena, &r->changed,
                               &r->nchanged, err));
    KT_TRY(split_runs(st, r, arena, err));
    KT_TRY(kt_state_pipeline_recent(st, RECENT_PIPELINE_RUNS, arena, &r->recent, &r->nrecent,
                                    err));
    return kt_lake_lock_probe(r->lake, &r->running, &r->holder, err);
}

/* ---- text ---------------------------------------------------------------------- */

static void iso(int64_t us, char out[KT_ISO_TIME_MAX])
{
    if (us) kt_time_format_iso(us, 0, out);
    else snprintf(out, KT_ISO_TIME_MAX, "-");
}

static void print_more(size_t shown, size_t total)
{
    if (total > shown)
        printf("  ... and %zu more (kinetl status --json lists all)\n", total - shown);
}

static void print_files(const status_report *r)
{
    char a[32], b[32], c[32];
    kt_format_count(r->files.rows_accepted, a, sizeof a);
    kt_format_count(r->files.rows_rejected, b, sizeof b);
    kt_format_count(r->files.rows_duplicate, c, sizeof c);
    printf("files: %" PRId64 " ingested, %" PRId64 " failed, %" PRId64 " changed "
           "(readings: %s accepted, %s rejected, %s duplicate)\n",
           r->files.ingested, r->files.failed, r->files.changed, a, b, c);
    size_t i;
    for (i = 0; i < r->nfailed && i < TEXT_LIST_MAX; i++)
        printf("  failed   %s: %s\n", r->failed[i].path,
               r->failed[i].error ? r->failed[i].error : "(no error recorded)");
    print_more(i, r->nfailed);
    for (i = 0; i < r->nchanged && i < TEXT_LIST_MAX; i++) {
        const kt_file_record *f = &r->changed[i];
        char seen[KT_ISO_TIME_MAX];
        iso(f->changed_seen_us, seen);
        printf("  changed  %s: content changed after ingestion (%" PRId64 " -> %" PRId64
               " bytes, noticed %s); not re-ingested\n", f->path, f->size, f->changed_size, seen);
    }
    print_more(i, r->nchanged);
}

static void print_runs(const status_report *r)
{
    printf("runs: %" PRId64 " up to date, %zu stale, %zu failed\n", r->up_to_date, r->nstale,
           r->nfailed_runs);
    size_t i;
    for (i = 0; i < r->nstale && i < TEXT_LIST_MAX; i++)
        printf("  stale    %s: %s\n", r->stale[i].run_uuid,
               kt_dirty_reason_name(r->stale[i].reason));
    print_more(i, r->nstale);
    for (i = 0; i < r->nfailed_runs && i < TEXT_LIST_MAX; i++)
        printf("  failed   %s: %s (attempt %" PRId64 ")\n", r->failed_runs[i].run_uuid,
               r->failed_runs[i].error ? r->failed_runs[i].error : "(no error recorded)",
               r->failed_runs[i].attempts);
    print_more(i, r->nfailed_runs);
}

/* A RUNNING row while no process holds the lake lock was left by a process that died. */
static bool abandoned(const status_report *r, const kt_pipeline_run *p)
{
    return p->status == KT_PIPELINE_RUNNING && !r->running;
}

static void print_pipeline_runs(const status_report *r)
{
    printf("recent pipeline runs (newest first):\n");
    if (r->nrecent == 0) printf("  none\n");
    for (size_t i = 0; i < r->nrecent; i++) {
        const kt_pipeline_run *p = &r->recent[i];
        char started[KT_ISO_TIME_MAX], accepted[32], quarantined[32];
        iso(p->started_us, started);
        kt_format_count(p->counts.readings_accepted, accepted, sizeof accepted);
        kt_format_count(p->counts.readings_quarantined, quarantined, sizeof quarantined);
        char took[32] = "";
        if (p->ended_us) snprintf(took, sizeof took, "%.1f s", (p->ended_us - p->started_us) / 1e6);
        printf("  #%-4" PRId64 " %-8s %-11s %s %8s  files %" PRId64 " ok %" PRId64
               " failed, readings %s accepted %s quarantined, runs %" PRId64 " ok %" PRId64
               " failed%s%s\n",
               p->id, p->command,
               abandoned(r, p) ? "abandoned" : kt_pipeline_status_name(p->status), started, took,
               p->counts.files_ingested, p->counts.files_failed, accepted, quarantined,
               p->counts.runs_processed, p->counts.runs_failed, p->error ? ": " : "",
               p->error ? p->error : "");
    }
}

static void print_text(const status_report *r)
{
    printf("lake: %s\n", r->lake);
    if (r->running) {
        char started[KT_ISO_TIME_MAX];
        iso(r->holder.started_us, started);
        if (r->holder.known)
            printf("now: kinetl %s (pid %ld, started %s) is working on this lake\n",
                   r->holder.command, r->holder.pid, started);
        else
            printf("now: a kinetl process is working on this lake\n");
    }
    print_files(r);
    print_runs(r);
    print_pipeline_runs(r);
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *json_time(int64_t us)
{
    if (!us) return json_null();
    char text[KT_ISO_TIME_MAX];
    kt_time_format_iso(us, 6, text);
    return json_string(text);
}

static json_t *json_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *json_files(const status_report *r)
{
    json_t *failed = json_array(), *changed = json_array();
    for (size_t i = 0; i < r->nfailed; i++) {
        const kt_file_record *f = &r->failed[i];
        char hash[17];
        snprintf(hash, sizeof hash, "%016" PRIx64, f->hash);
        json_array_append_new(failed, json_pack("{s:s, s:o, s:I, s:s, s:o}", "path", f->path,
                                                "error", json_text(f->error), "size",
                                                (json_int_t)f->size, "hash", hash, "first_seen",
                                                json_time(f->first_seen_us)));
    }
    for (size_t i = 0; i < r->nchanged; i++) {
        const kt_file_record *f = &r->changed[i];
        char hash[17], now_hash[17];
        snprintf(hash, sizeof hash, "%016" PRIx64, f->hash);
        snprintf(now_hash, sizeof now_hash, "%016" PRIx64, f->changed_hash);
        json_array_append_new(changed, json_pack("{s:s, s:I, s:s, s:I, s:s, s:o}", "path", f->path,
                                                 "size", (json_int_t)f->size, "hash", hash,
                                                 "changed_size", (json_int_t)f->changed_size,
                                                 "changed_hash", now_hash, "changed_seen",
                                                 json_time(f->changed_seen_us)));
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
                     "ingested", (json_int_t)r->files.ingested,
                     "failed", (json_int_t)r->files.failed,
                     "changed", (json_int_t)r->files.changed,
                     "rows_accepted", (json_int_t)r->files.rows_accepted,
                     "rows_rejected", (json_int_t)r->files.rows_rejected,
                     "rows_duplicate", (json_int_t)r->files.rows_duplicate,
                     "failed_files", failed, "changed_files", changed);
}

static json_t *json_runs(const status_report *r)
{
    json_t *stale = json_array(), *failed = json_array();
    for (size_t i = 0; i < r->nstale; i++)
        json_array_append_new(stale, json_pack("{s:s, s:s}", "run_uuid", r->stale[i].run_uuid,
                                                "reason", kt_dirty_reason_name(r->stale[i].reason)));
    for (size_t i = 0; i < r->nfailed_runs; i++) {
        const kt_run_record *run = &r->failed_runs[i];
        json_array_append_new(failed, json_pack("{s:s, s:o, s:I, s:o}", "run_uuid", run->run_uuid,
                                                "error", json_text(run->error), "attempts",
                                                (json_int_t)run->attempts, "processed_at",
                                                json_time(run->processed_at_us)));
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "total", (json_int_t)r->nruns,
                     "up_to_date", (json_int_t)r->up_to_date, "stale", (json_int_t)r->nstale,
                     "failed", (json_int_t)r->nfailed_runs, "stale_runs", stale,
                     "failed_runs", failed);
}

static json_t *json_pipeline_runs(const status_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->nrecent; i++) {
        const kt_pipeline_run *p = &r->recent[i];
        json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
                              "id", (json_int_t)p->id, "command", p->command,
                              "status", kt_pipeline_status_name(p->status),
                              "abandoned", abandoned(r, p),
                              "started", json_time(p->started_us), "ended", json_time(p->ended_us),
                              "files_ingested", (json_int_t)p->counts.files_ingested,
                              "files_failed", (json_int_t)p->counts.files_failed,
                              "readings_accepted", (json_int_t)p->counts.readings_accepted,
                              "readings_quarantined", (json_int_t)p->counts.readings_quarantined,
                              "runs_processed", (json_int_t)p->counts.runs_processed,
                              "runs_failed", (json_int_t)p->counts.runs_failed,
                              "error", json_text(p->error));
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *json_running(const status_report *r)
{
    if (!r->running) return json_null();
    if (!r->holder.known) return json_pack("{s:n, s:n, s:n}", "pid", "command", "started");
    return json_pack("{s:I, s:s, s:s, s:o}", "pid", (json_int_t)r->holder.pid, "command",
                     r->holder.command, "host", r->holder.host, "started",
                     json_time(r->holder.started_us));
}

static int print_json(json_t *o)
{
    if (!o) {
        fprintf(stderr, "kinetl status: out of memory building JSON\n");
        return KT_EXIT_ERROR;
    }
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
    return KT_EXIT_OK;
}

static int report_json(const status_report *r)
{
    return print_json(json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "lake", r->lake, "state", "ok",
                                "running", json_running(r), "files", json_files(r), "runs",
                                json_runs(r), "pipeline_runs", json_pipeline_runs(r)));
}

/* ---- the command ------------------------------------------------------------------ */

static int no_state_yet(const char *lake, bool json)
{
    char msg[512];
    snprintf(msg, sizeof msg, "no pipeline has run on lake %s yet", lake);
    if (!json) {
        printf("%s\n", msg);
        return KT_EXIT_OK;
    }
    return print_json(json_pack("{s:s, s:s, s:s}", "lake", lake, "state", "empty", "message", msg));
}

int kt_cmd_status(const kt_cli_globals *g, int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return KT_EXIT_OK;
        } else {
            fprintf(stderr, "kinetl status: unknown option '%s' (see kinetl status --help)\n",
                    argv[i]);
            return KT_EXIT_USAGE;
        }
    }
    kt_state *st;
    kt_error err;
    kt_status s = kt_state_open(g->lake, KT_STATE_READ_ONLY, &st, &err);
    if (s == KT_ERR_NOT_FOUND) return no_state_yet(g->lake, json);
    if (s != KT_OK) {
        fprintf(stderr, "kinetl status: %s\n", err.msg);
        return KT_EXIT_ERROR;
    }
    kt_arena arena;
    kt_arena_init(&arena, STATUS_ARENA_LIMIT);
    status_report r = { .lake = g->lake };
    s = gather(st, &r, &arena, &err);
    int rc = KT_EXIT_OK;
    if (s != KT_OK) {
        fprintf(stderr, "kinetl status: %s\n", err.msg);
        rc = KT_EXIT_ERROR;
    } else if (json) {
        rc = report_json(&r);
    } else {
        print_text(&r);
    }
    kt_arena_free(&arena);
    kt_state_close(st);
    return rc;
}
