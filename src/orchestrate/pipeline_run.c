/*
 * orchestrate/pipeline_run.c — the run loop: lock → state → ingest →
 * dirty runs → pool → record → counts.
 */
#include "orchestrate/pipeline_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "orchestrate/ingest_step.h"
#include "orchestrate/lake_config.h"
#include "orchestrate/process_step.h"
#include "orchestrate/progress.h"
#include "orchestrate/worker_pool.h"
#include "pipeline/ingest_discover.h"

struct kt_pipeline_session {
    kt_pipeline_options o;
    kt_lake_lock *lock;
    kt_state *st;
    kt_pool *pool;
};

void kt_pipeline_close(kt_pipeline_session *s)
{
    if (!s) return;
    kt_pool_free(s->pool);
    kt_state_close(s->st);
    kt_lake_lock_release(s->lock);
    free(s);
}

size_t kt_pipeline_threads(const kt_pipeline_session *s)
{
    return kt_pool_threads(s->pool);
}

kt_status kt_pipeline_open(const kt_pipeline_options *o, kt_pipeline_session **out, kt_lock_holder *stale,
                           kt_error *err)
{
    *out = NULL;
    kt_pipeline_session *s = calloc(1, sizeof *s);
    if (!s) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    s->o = *o;
    kt_lock_holder dead = { 0 };
    kt_status st = kt_lake_lock_acquire(o->lake, o->command, &s->lock, &dead, err);
    if (st == KT_OK && dead.known)
        kt_log_msg(o->log, KT_LOG_WARN, "kinetl %s (pid %ld) ended without releasing the lake lock; taking it over",
                   dead.command, dead.pid);
    if (stale) *stale = dead;
    if (st == KT_OK) st = kt_state_open(o->lake, KT_STATE_CREATE, &s->st, err);
    int64_t closed = 0;
    if (st == KT_OK) st = kt_state_pipeline_close_abandoned(s->st, 0, &closed, err);
    if (st == KT_OK && closed)
        kt_log_msg(o->log, KT_LOG_WARN, "%" PRId64 " earlier pipeline run(s) ended without finishing; "
                   "their work is completed now", closed);
    kt_pool_config pc = { .threads = o->threads, .cancel = o->cancel };
    if (st == KT_OK) st = kt_pool_new(&pc, &s->pool, err);
    if (st != KT_OK) {
        kt_pipeline_close(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

/* ---- ingest phase ---------------------------------------------------------------- */

typedef struct ingest_watch {
    kt_progress *progress;
    kt_log *log;
} ingest_watch;

/* Every file a batch looked at (pipeline/ingest.h on_file). */
static void on_file_read(void *ctx, size_t index, const kt_ingest_result *r)
{
    (void)index;
    ingest_watch *w = ctx;
    if (r->outcome == KT_INGEST_INGESTED)
        kt_progress_file_done(w->progress, true, r->stats.counts.accepted, r->stats.counts.quarantined);
    else if (r->outcome == KT_INGEST_FAILED)
        kt_progress_file_done(w->progress, false, 0, 0);
    else
        kt_progress_item_skipped(w->progress);
}

/* Every file the step decided about (orchestrate/ingest_step.h on_file). */
static void on_file_decided(void *ctx, const kt_ingest_step_file *f)
{
    ingest_watch *w = ctx;
    if (f->result) {
        const kt_ingest_result *r = f->result;
        if (r->outcome == KT_INGEST_FAILED)
            kt_log_msg(w->log, KT_LOG_WARN, "file %s failed: %s", f->rel, r->error);
        else if (r->outcome == KT_INGEST_INGESTED)
            kt_log_msg(w->log, KT_LOG_DEBUG,
                       "file %s: %" PRId64 " readings accepted, %" PRId64 " quarantined in %.3f s (%.3f s CPU)",
                       f->rel, r->stats.counts.accepted, r->stats.counts.quarantined, r->stats.seconds,
                       r->stats.cpu_seconds);
        return; /* counted when read */
    }
    /* decided without a batch: known, changed, failed before, or unreadable for hashing */
    if (f->verdict == KT_FILE_ALREADY || f->verdict == KT_FILE_COPY) {
        if (f->note) kt_log_msg(w->log, KT_LOG_DEBUG, "file %s: %s", f->rel, f->note);
        kt_progress_item_skipped(w->progress);
    } else if (f->verdict == KT_FILE_CONTENT_CHANGED || f->verdict == KT_FILE_STILL_FAILED) {
        kt_log_msg(w->log, f->verdict == KT_FILE_CONTENT_CHANGED ? KT_LOG_WARN : KT_LOG_DEBUG, "file %s: %s",
                   f->rel, f->note ? f->note : kt_file_verdict_name(f->verdict));
        kt_progress_item_skipped(w->progress);
    } else {
        kt_log_msg(w->log, KT_LOG_WARN, "file %s failed: %s", f->rel, f->note ? f->note : "unreadable");
        kt_progress_file_done(w->progress, false, 0, 0);
    }
}

static kt_status count_sources(const char *dir, size_t *n, kt_error *err)
{
    kt_source_list list;
    KT_TRY(kt_ingest_discover(dir, &list, err));
    *n = list.n;
    kt_source_list_free(&list);
    return KT_OK;
}

static kt_status ingest_phase(kt_pipeline_session *s, int64_t run_id, kt_progress *progress,
                              kt_pipeline_outcome *out, kt_error *err)
{
    const kt_pipeline_options *o = &s->o;
    kt_ingest_step_options io;
    kt_ingest_step_options_default(&io);
    KT_TRY(kt_lake_ingest_config(o->lake, &io.ingest.config, NULL, err));
    size_t total = 0;
    KT_TRY(count_sources(o->source_dir, &total, err));
    ingest_watch w = { .progress = progress, .log = o->log };
    io.source_dir = o->source_dir;
    io.retry_failed = o->retry_failed;
    io.pipeline_run_id = run_id;
    /* Files of a batch are read in parallel; the bar advances once per batch,
     * so batches stay small enough to show progress (16 files per thread). */
    size_t threads = kt_pool_threads(s->pool);
    io.ingest.threads = (int)threads;
    io.batch_files = threads * 16 < 256 ? threads * 16 : 256;
    io.ingest.no_fsync = o->no_fsync;
    io.ingest.on_file = on_file_read;
    io.ingest.ctx = &w;
    io.on_file = on_file_decided;
    io.ctx = &w;
    kt_progress_phase(progress, KT_PHASE_INGEST, (int64_t)total);
    kt_ingest_step_result r;
    int64_t t0 = kt_clock_mono_ns();
    kt_status st = kt_ingest_step(o->lake, s->st, &io, &r, err);
    kt_log_debug(o->log, "ingest: %zu files found, %zu ingested, %zu already, %zu failed in %.2f s", r.discovered,
                 r.ingested, r.already, r.failed + r.still_failed, (double)(kt_clock_mono_ns() - t0) * 1e-9);
    out->files_discovered = r.discovered;
    out->files_already = r.already;
    out->files_changed = r.changed;
    out->files_still_failed = r.still_failed;
    out->counts.files_ingested = (int64_t)r.ingested;
    out->counts.files_failed = (int64_t)(r.failed + r.still_failed);
    out->counts.readings_accepted = r.accepted;
    out->counts.readings_quarantined = r.quarantined;
    return st;
}

/* ---- process phase ---------------------------------------------------------------- */

static kt_status process_phase(kt_pipeline_session *s, int64_t run_id, kt_progress *progress,
                               kt_pipeline_outcome *out, kt_error *err)
{
    const kt_pipeline_options *o = &s->o;
    kt_transform_config cfg;
    KT_TRY(kt_lake_process_config(o->lake, &cfg, NULL, err));
    char config_hash[17];
    kt_transform_config_hash_hex(&cfg, config_hash);
    kt_delta_options delta = { .no_fsync = o->no_fsync };
    kt_process_plan plan;
    KT_TRY(kt_process_plan_dirty(o->lake, s->st, config_hash, &delta, &plan, err));
    out->runs_in_raw = plan.runs_in_raw;
    out->runs_planned = plan.count;
    kt_process_step_options po = {
        .lake = o->lake, .st = s->st, .pool = s->pool, .cfg = &cfg, .delta = delta,
        .pipeline_run_id = run_id, .progress = progress, .log = o->log,
    };
    kt_process_step_result r;
    int64_t t0 = kt_clock_mono_ns();
    kt_status st = kt_process_step(&po, &plan, &r, err);
    kt_log_debug(o->log, "process: %zu runs in raw, %zu dirty: %zu processed, %zu current, %zu failed in %.2f s",
                 plan.runs_in_raw, plan.count, r.processed, r.reconciled, r.failed,
                 (double)(kt_clock_mono_ns() - t0) * 1e-9);
    kt_process_plan_free(&plan);
    out->runs_reconciled = r.reconciled;
    out->runs_interrupted = r.interrupted;
    out->counts.runs_processed = (int64_t)r.processed;
    out->counts.runs_failed = (int64_t)r.failed;
    return st;
}

/* ---- the cycle ---------------------------------------------------------------------- */

static void describe_problem(kt_pipeline_outcome *out)
{
    const kt_run_counts *c = &out->counts;
    char *p = out->problem;
    size_t cap = sizeof out->problem, n = 0;
    p[0] = 0;
    if (c->files_failed)
        n += (size_t)snprintf(p + n, cap - n, "%" PRId64 " file%s", c->files_failed, c->files_failed == 1 ? "" : "s");
    if (c->runs_failed && n < cap)
        n += (size_t)snprintf(p + n, cap - n, "%s%" PRId64 " run%s", n ? " and " : "", c->runs_failed,
                              c->runs_failed == 1 ? "" : "s");
    if (n && n < cap) n += (size_t)snprintf(p + n, cap - n, " failed");
    if (out->files_changed && n < cap)
        snprintf(p + n, cap - n, "%s%zu file%s changed since ingested", n ? "; " : "", out->files_changed,
                 out->files_changed == 1 ? "" : "s");
}

/* completed: every phase ran to its end (cancellation may still have come late). */
static void settle(kt_pipeline_outcome *out, bool completed)
{
    const kt_run_counts *c = &out->counts;
    describe_problem(out);
    if (!completed) out->status = KT_PIPELINE_INTERRUPTED;
    else if (out->problem[0]) out->status = KT_PIPELINE_PARTIAL;
    else out->status = KT_PIPELINE_OK;
    out->up_to_date = completed && c->files_ingested == 0 && c->files_failed == 0 && c->runs_processed == 0 &&
                      c->runs_failed == 0 && out->files_changed == 0;
}

kt_status kt_pipeline_cycle(kt_pipeline_session *s, kt_pipeline_outcome *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    int64_t t0 = kt_clock_mono_ns();
    KT_TRY(kt_state_pipeline_start(s->st, s->o.command, 0, &out->pipeline_run_id, err));
    kt_progress_config pc = { .log = s->o.log, .enabled = s->o.progress && s->o.log };
    kt_progress *progress = kt_progress_new(&pc);
    kt_status st = KT_OK;
    bool completed = false;
    if (s->o.source_dir && !kt_cancel_requested(s->o.cancel))
        st = ingest_phase(s, out->pipeline_run_id, progress, out, err);
    if (st == KT_OK && !kt_cancel_requested(s->o.cancel)) {
        st = process_phase(s, out->pipeline_run_id, progress, out, err);
        completed = out->runs_interrupted == 0;
    }
    kt_progress_free(progress);
    out->seconds = (double)(kt_clock_mono_ns() - t0) * 1e-9;
    settle(out, completed);
    if (st != KT_OK) out->status = KT_PIPELINE_FAILED;
    kt_error ferr;
    kt_status fs = kt_state_pipeline_finish(s->st, out->pipeline_run_id, out->status, &out->counts, 0,
                                            st != KT_OK ? err->msg : out->problem[0] ? out->problem : NULL, &ferr);
    if (st == KT_OK && fs != KT_OK) {
        *err = ferr;
        st = fs;
    }
    return st;
}
