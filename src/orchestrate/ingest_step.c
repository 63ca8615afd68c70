/*
 * orchestrate/ingest_step.c — discovery, manifest verdicts, batching and
 * the state.db bookkeeping around kt_ingest_batch.
 */
#include "orchestrate/ingest_step.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "orchestrate/hash_files.h"
#include "pipeline/ingest_discover.h"

void kt_ingest_step_options_default(kt_ingest_step_options *o)
{
    memset(o, 0, sizeof *o);
    kt_ingest_options_default(&o->ingest);
}

/* A discovered file on its way through the step. */
typedef struct candidate {
    const kt_source_file *src;
    uint64_t hash;
    kt_file_verdict verdict;
    bool known;              /* state.db has a row for the path */
    const kt_file_hash *read; /* hashed in this step (NULL: state.db's hash); valid during triage */
} candidate;

static void report(const kt_ingest_step_options *o, const candidate *c, const kt_ingest_result *r, const char *note)
{
    if (!o->on_file) return;
    kt_ingest_step_file f = { .rel = c->src->rel, .verdict = c->verdict, .result = r, .note = note };
    o->on_file(o->ctx, &f);
}

/* The hash state.db remembers for f, when its path, size and mtime still
 * match an ingested row (and --rehash was not asked for). */
static kt_status cached_hash(kt_state *st, const kt_ingest_step_options *o, const kt_source_file *f, kt_arena *arena,
                             candidate *c, bool *cached, kt_error *err)
{
    c->src = f;
    kt_file_record rec;
    bool found = false;
    KT_TRY(kt_state_file_get(st, f->rel, arena, &rec, &found, err));
    c->known = found;
    *cached = found && !o->rehash && rec.status == KT_FILE_INGESTED && rec.size == f->size &&
              rec.mtime_ns == f->mtime_ns && rec.mtime_ns != 0;
    if (*cached) c->hash = rec.hash;
    return KT_OK;
}

/* Every candidate's hash: cached ones from state.db, the others read on
 * the ingest threads at once into fresh[] (c->read says whether the file
 * could be read). */
static kt_status hash_all(kt_state *st, const kt_ingest_step_options *o, const kt_source_list *list,
                          candidate *cands, kt_file_hash *fresh, kt_error *err)
{
    const char **paths = calloc(list->n ? list->n : 1, sizeof *paths);
    if (!paths) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    kt_status s = KT_OK;
    kt_arena arena;
    kt_arena_init(&arena, 0);
    size_t m = 0;
    for (size_t i = 0; s == KT_OK && i < list->n; i++) {
        bool cached;
        kt_arena_reset(&arena);
        s = cached_hash(st, o, &list->files[i], &arena, &cands[i], &cached, err);
        if (s == KT_OK && !cached) {
            paths[m] = list->files[i].path;
            cands[i].read = &fresh[m++];
        }
    }
    kt_arena_free(&arena);
    if (s == KT_OK) kt_hash_files(paths, m, o->ingest.threads > 1 ? (size_t)o->ingest.threads : 1, fresh);
    for (size_t i = 0; s == KT_OK && i < list->n; i++)
        if (cands[i].read) cands[i].hash = cands[i].read->hash;
    free(paths);
    return s;
}

static kt_file_record record_of(const candidate *c, const kt_ingest_result *r, int64_t now)
{
    kt_file_record rec = {
        .path = c->src->rel, .size = c->src->size, .hash = c->hash, .mtime_ns = c->src->mtime_ns,
        .raw_version = r->raw_version, .quarantine_version = r->quarantine_version,
    };
    if (r->outcome == KT_INGEST_FAILED) {
        rec.status = KT_FILE_FAILED;
        rec.error = r->error;
        rec.raw_version = rec.quarantine_version = KT_STATE_NO_VERSION;
    } else {
        rec.status = KT_FILE_INGESTED;
        rec.rows_accepted = r->stats.counts.accepted;
        rec.rows_rejected = r->stats.counts.quarantined;
        rec.rows_duplicate = r->stats.counts.duplicates > 0 ? r->stats.counts.duplicates : 0;
        rec.ingested_at_us = now;
    }
    return rec;
}

/* The state.db side of one committed batch, in one transaction. */
static kt_status record_batch(kt_state *st, const kt_ingest_step_options *o, const candidate *cands,
                              const kt_ingest_result *results, size_t n, const kt_ingest_summary *sum,
                              int64_t started, kt_error *err)
{
    int64_t now = kt_clock_wall_us();
    KT_TRY(kt_state_begin(st, err));
    kt_status s = KT_OK;
    for (size_t i = 0; s == KT_OK && i < n; i++) {
        const kt_ingest_result *r = &results[i];
        const candidate *c = &cands[i];
        if (r->outcome == KT_INGEST_ALREADY && r->error[0]) continue; /* a copy inside this batch */
        kt_file_record rec = record_of(c, r, now);
        s = kt_state_file_put(st, &rec, err);
        if (s != KT_OK || r->outcome == KT_INGEST_ALREADY || !o->pipeline_run_id) continue;
        kt_task_record task = {
            .pipeline_run_id = o->pipeline_run_id, .task = KT_TASK_INGEST, .path = c->src->rel,
            .status = r->outcome == KT_INGEST_FAILED ? KT_TASK_FAILED : KT_TASK_OK, .started_us = started,
            .ended_us = now, .rows_in = r->stats.counts.rows,
            .rows_out = r->stats.counts.accepted + r->stats.counts.quarantined,
            .error = r->outcome == KT_INGEST_FAILED ? r->error : NULL,
        };
        s = kt_state_task_record(st, &task, NULL, err);
    }
    for (size_t i = 0; s == KT_OK && i < sum->nruns; i++)
        s = kt_state_run_note_input(st, sum->runs[i], sum->raw_version, err);
    if (s != KT_OK) {
        kt_state_rollback(st);
        return s;
    }
    return kt_state_commit(st, err);
}

static void tally(const kt_ingest_result *results, size_t n, const kt_ingest_summary *sum, kt_ingest_step_result *res)
{
    for (size_t i = 0; i < n; i++) {
        if (results[i].outcome == KT_INGEST_INGESTED) res->ingested++;
        else if (results[i].outcome == KT_INGEST_FAILED) res->failed++;
        else res->already++;
    }
    res->rows += sum->rows;
    res->accepted += sum->accepted;
    res->quarantined += sum->quarantined;
    res->duplicates += sum->duplicates;
    if (sum->raw_version > res->raw_version) res->raw_version = sum->raw_version;
    res->runs_touched += sum->nruns;
    res->batches++;
}

static kt_status run_batch(const char *lake, kt_state *st, const kt_ingest_step_options *o, const candidate *cands,
                           size_t n, kt_ingest_step_result *res, kt_error *err)
{
    kt_ingest_source *files = calloc(n, sizeof *files);
    kt_ingest_result *results = calloc(n, sizeof *results);
    if (!files || !results) {
        free(files);
        free(results);
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        files[i] = (kt_ingest_source){ .path = cands[i].src->path, .source_file = cands[i].src->rel,
                                       .hash = cands[i].hash, .size = cands[i].src->size,
                                       .count_if_already = !cands[i].known };
    int64_t started = kt_clock_wall_us();
    kt_ingest_summary sum;
    kt_status s = kt_ingest_batch(lake, &o->ingest, files, n, results, &sum, err);
    if (s == KT_OK) {
        s = record_batch(st, o, cands, results, n, &sum, started, err);
        tally(results, n, &sum, res);
        for (size_t i = 0; i < n; i++) report(o, &cands[i], &results[i], results[i].error[0] ? results[i].error : NULL);
        kt_ingest_summary_free(&sum);
    }
    free(files);
    free(results);
    return s;
}

/* A file that vanished or cannot be read for hashing: a failed file, not a failed step. */
static kt_status unreadable(kt_state *st, const kt_ingest_step_options *o, candidate *c, const kt_error *why,
                            kt_ingest_step_result *res, kt_error *err)
{
    kt_file_record rec = { .path = c->src->rel, .size = c->src->size, .status = KT_FILE_FAILED, .error = why->msg,
                           .raw_version = KT_STATE_NO_VERSION, .quarantine_version = KT_STATE_NO_VERSION };
    res->failed++;
    report(o, c, NULL, why->msg);
    return kt_state_file_put(st, &rec, err);
}

/* Files to give to batches, in discovery order; verdicts that end here are reported. */
static kt_status triage(kt_state *st, const kt_ingest_step_options *o, const kt_source_list *list, candidate *cands,
                        size_t *ncands, kt_ingest_step_result *res, kt_error *err)
{
    *ncands = 0;
    kt_file_hash *fresh = calloc(list->n ? list->n : 1, sizeof *fresh);
    if (!fresh) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    kt_status s = hash_all(st, o, list, cands, fresh, err);
    kt_arena arena;
    kt_arena_init(&arena, 0);
    for (size_t i = 0; s == KT_OK && i < list->n; i++) {
        candidate c = cands[i];
        kt_arena_reset(&arena);
        if (c.read && c.read->status != KT_OK) {
            s = unreadable(st, o, &c, &c.read->error, res, err);
            continue;
        }
        s = kt_state_file_classify(st, c.src->rel, c.src->size, c.hash, &arena, &c.verdict, NULL, NULL, err);
        if (s != KT_OK) break;
        if (c.verdict == KT_FILE_CONTENT_CHANGED) {
            res->changed++;
            s = kt_state_file_mark_changed(st, c.src->rel, c.src->size, c.hash, kt_clock_wall_us(), err);
            report(o, &c, NULL, "content changed since it was ingested: not ingested again");
            continue;
        }
        if (c.verdict == KT_FILE_STILL_FAILED && !o->retry_failed) {
            res->still_failed++;
            report(o, &c, NULL, "failed before with this content: skipped (--retry-failed to try again)");
            continue;
        }
        if (c.verdict == KT_FILE_ALREADY || c.verdict == KT_FILE_COPY) {
            /* state.db saw this content ingested; its marks are in the tables */
            res->already++;
            report(o, &c, NULL, c.verdict == KT_FILE_COPY ? "same content as an ingested file: skipped" : NULL);
            continue;
        }
        cands[(*ncands)++] = c;
    }
    kt_arena_free(&arena);
    free(fresh);
    return s;
}

kt_status kt_ingest_step(const char *lake, kt_state *st, const kt_ingest_step_options *o, kt_ingest_step_result *res,
                         kt_error *err)
{
    memset(res, 0, sizeof *res);
    res->raw_version = -1;
    kt_source_list list;
    KT_TRY(kt_ingest_discover(o->source_dir, &list, err));
    res->discovered = list.n;
    candidate *cands = calloc(list.n ? list.n : 1, sizeof *cands);
    if (!cands) {
        kt_source_list_free(&list);
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    }
    size_t ncands;
    kt_status s = triage(st, o, &list, cands, &ncands, res, err);
    size_t max_files = o->batch_files ? o->batch_files : 256;
    int64_t max_bytes = o->batch_bytes ? o->batch_bytes : (int64_t)2 << 30;
    for (size_t start = 0; s == KT_OK && start < ncands;) {
        size_t end = start;
        int64_t bytes = 0;
        while (end < ncands && end - start < max_files && (end == start || bytes + cands[end].src->size <= max_bytes))
            bytes += cands[end++].src->size;
        s = run_batch(lake, st, o, cands + start, end - start, res, err);
        start = end;
    }
    free(cands);
    kt_source_list_free(&list);
    return s;
}
