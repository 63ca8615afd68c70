/*
 * pipeline/ingest_batch.c — one ingest batch: decide per file from the
 * tables' marks, read and stage what is needed, commit quarantine then raw,
 * retry from fresh snapshots when a concurrent ingest wins a race.
 * docs/INGEST.md gives the exactly-once argument this code implements.
 */
#include "pipeline/ingest.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/dict.h"
#include "format/parquet/reader.h"
#include "pipeline/ingest_tables.h"

const char *kt_ingest_outcome_name(kt_ingest_outcome o)
{
    switch (o) {
    case KT_INGEST_INGESTED: return "ingested";
    case KT_INGEST_ALREADY: return "already";
    case KT_INGEST_FAILED: return "failed";
    }
    return "?";
}

void kt_ingest_options_default(kt_ingest_options *o)
{
    memset(o, 0, sizeof *o);
    kt_ingest_config_default(&o->config);
}

/* What one file needs in this attempt. */
typedef struct plan_item {
    size_t index;             /* into files/results */
    bool need_q, need_r;
    int64_t expect_quarantined; /* quarantine's mark when only raw is needed */
} plan_item;

/* One reader thread: its cleaner and its stages on the shared txns. */
typedef struct worker {
    struct attempt *a;
    kt_ingest_cleaner *cleaner;
    kt_ingest_stage *stage_q, *stage_r;
    pthread_t thread;
    bool started;
} worker;

/* One attempt's open objects. `lock` guards both txns (stages take it for
 * their calls), the marks counters, `next` and the first failure. */
typedef struct attempt {
    const kt_ingest_options *o;
    const kt_ingest_source *files;
    kt_ingest_result *results;
    int64_t ingested_at;
    kt_delta_snapshot *snap_q, *snap_r;
    kt_delta_txn *txn_q, *txn_r;
    pthread_mutex_t lock;
    worker *workers;
    size_t nworkers;
    plan_item *plan;
    size_t nplan, next;
    size_t marks_q, marks_r;
    kt_status status;
    kt_error err;
} attempt;

static void attempt_free(attempt *a)
{
    for (size_t i = 0; a->workers && i < a->nworkers; i++) {
        kt_ingest_stage_free(a->workers[i].stage_q);
        kt_ingest_stage_free(a->workers[i].stage_r);
        kt_ingest_cleaner_free(a->workers[i].cleaner);
    }
    free(a->workers);
    free(a->plan);
    kt_delta_txn_free(a->txn_q); /* uncommitted: deletes the files it staged */
    kt_delta_txn_free(a->txn_r);
    kt_delta_snapshot_free(a->snap_q);
    kt_delta_snapshot_free(a->snap_r);
    pthread_mutex_destroy(&a->lock);
}

static kt_status attempt_open(const kt_ingest_tables *t, attempt *a, size_t nworkers, kt_error *err)
{
    const kt_ingest_options *o = a->o;
    kt_ingest_stage_options so = { .memory_limit = o->memory_limit, .txn_lock = &a->lock };
    /* raw's low-cardinality strings are staged as codes (ingest_file.c) */
    static const bool RAW_CODED[KT_RAW_FIELDS] = { [KT_RAW_SENSOR_TYPE] = true, [KT_RAW_FIELD] = true,
                                                   [KT_RAW_SOURCE_FILE] = true };
    kt_ingest_stage_options raw_so = so;
    raw_so.coded = RAW_CODED;
    KT_TRY(kt_delta_snapshot_load(t->quarantine, -1, &a->snap_q, err));
    KT_TRY(kt_delta_snapshot_load(t->raw, -1, &a->snap_r, err));
    KT_TRY(kt_delta_txn_begin(t->quarantine, a->snap_q, &a->txn_q, err));
    KT_TRY(kt_delta_txn_begin(t->raw, a->snap_r, &a->txn_r, err));
    a->workers = calloc(nworkers, sizeof *a->workers);
    if (!a->workers) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    a->nworkers = nworkers;
    for (size_t i = 0; i < nworkers; i++) {
        worker *w = &a->workers[i];
        w->a = a;
        if (!(w->cleaner = kt_ingest_cleaner_new(&o->config))) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
        KT_TRY(kt_ingest_stage_new(a->txn_q, kt_delta_dir(t->quarantine), kt_ingest_quarantine_fields(),
                                   KT_QT_FIELDS, -1, &so, &w->stage_q, err));
        KT_TRY(kt_ingest_stage_new(a->txn_r, kt_delta_dir(t->raw), kt_ingest_raw_fields(), KT_RAW_FIELDS,
                                   KT_RAW_RUN_UUID, &raw_so, &w->stage_r, err));
    }
    return KT_OK;
}

/* A file both tables hold: counts from its marks, rows from its footer when asked. */
static void already(const kt_ingest_source *src, int64_t accepted, int64_t quarantined, kt_ingest_result *r)
{
    r->outcome = KT_INGEST_ALREADY;
    r->stats.counts.rows = -1;
    r->stats.counts.duplicates = -1;
    r->stats.counts.accepted = accepted;
    r->stats.counts.quarantined = quarantined;
    kt_pq_reader *rd;
    if (!src->count_if_already || kt_pq_open(src->path, &rd, NULL) != KT_OK) return;
    int64_t rows = kt_pq_num_rows(rd);
    kt_pq_close(rd);
    if (rows >= accepted + quarantined) {
        r->stats.counts.rows = rows;
        r->stats.counts.duplicates = rows - accepted - quarantined;
    }
}

static void fail_file(kt_ingest_result *r, const kt_error *e)
{
    r->outcome = KT_INGEST_FAILED;
    snprintf(r->error, sizeof r->error, "%s", e->msg[0] ? e->msg : kt_strerror(e->status));
}

/* Reads one needed file into a worker's stages and records its marks; a file fault fails only the file. */
static kt_status ingest_one(worker *w, const plan_item *item, kt_error *err)
{
    attempt *a = w->a;
    const kt_ingest_source *src = &a->files[item->index];
    kt_ingest_result *res = &a->results[item->index];
    kt_ingest_file_out out = { .raw = item->need_r ? w->stage_r : NULL,
                               .quarantine = item->need_q ? w->stage_q : NULL, .ingested_at_us = a->ingested_at };
    kt_error ferr;
    kt_error_clear(&ferr);
    bool file_fault = false;
    int64_t t0 = kt_clock_mono_ns(), c0 = kt_clock_thread_cpu_ns();
    kt_status st = kt_ingest_read_file(w->cleaner, src->path, src->source_file, &out, &res->stats, &file_fault, &ferr);
    res->stats.seconds = (double)(kt_clock_mono_ns() - t0) * 1e-9;
    res->stats.cpu_seconds = (double)(kt_clock_thread_cpu_ns() - c0) * 1e-9;
    if (st != KT_OK && !file_fault) {
        *err = ferr;
        return st;
    }
    if (st == KT_OK && !item->need_q && res->stats.counts.quarantined != item->expect_quarantined) {
        kt_fail(&ferr, KT_ERR_STATE,
                "%s: quarantine already holds %" PRId64 " rows of this file from an interrupted ingest, but it "
                "now rejects %" PRId64 ": the limits changed since; restore them to complete it",
                src->source_file, item->expect_quarantined, res->stats.counts.quarantined);
        st = KT_ERR_STATE;
    }
    if (st != KT_OK) {
        if (out.raw) kt_ingest_stage_file_abort(out.raw);
        if (out.quarantine) kt_ingest_stage_file_abort(out.quarantine);
        fail_file(res, &ferr);
        return KT_OK;
    }
    if (out.quarantine) KT_TRY(kt_ingest_stage_file_done(out.quarantine, err));
    if (out.raw) KT_TRY(kt_ingest_stage_file_done(out.raw, err));
    char mark[KT_INGEST_MARK_MAX];
    kt_ingest_mark(src->hash, src->size, mark);
    pthread_mutex_lock(&a->lock);
    if (item->need_q) {
        st = kt_delta_txn_set_app_version(a->txn_q, mark, res->stats.counts.quarantined, err);
        a->marks_q += st == KT_OK;
    }
    if (st == KT_OK && item->need_r) {
        st = kt_delta_txn_set_app_version(a->txn_r, mark, res->stats.counts.accepted, err);
        a->marks_r += st == KT_OK;
    }
    pthread_mutex_unlock(&a->lock);
    KT_TRY(st);
    res->outcome = KT_INGEST_INGESTED;
    res->completed = !item->need_q;
    return KT_OK;
}

/* A reader thread: takes files from the plan until none is left or something failed. */
static void *work(void *arg)
{
    worker *w = arg;
    attempt *a = w->a;
    kt_error err;
    kt_error_clear(&err);
    kt_status st = KT_OK;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        bool stop = a->status != KT_OK || a->next == a->nplan;
        const plan_item *item = stop ? NULL : &a->plan[a->next++];
        pthread_mutex_unlock(&a->lock);
        if (stop) break;
        if ((st = ingest_one(w, item, &err)) != KT_OK) break;
    }
    if (st == KT_OK) st = kt_ingest_stage_finish(w->stage_q, &err);
    if (st == KT_OK) st = kt_ingest_stage_finish(w->stage_r, &err);
    if (st != KT_OK) {
        pthread_mutex_lock(&a->lock);
        if (a->status == KT_OK) {
            a->status = st;
            a->err = err;
        }
        pthread_mutex_unlock(&a->lock);
    }
    return NULL;
}

/* Runs the plan on the workers (the calling thread is the first of them). */
static kt_status run_workers(attempt *a, kt_error *err)
{
    for (size_t i = 1; i < a->nworkers; i++) {
        if (pthread_create(&a->workers[i].thread, NULL, work, &a->workers[i]) != 0) break;
        a->workers[i].started = true;
    }
    work(&a->workers[0]);
    for (size_t i = 1; i < a->nworkers; i++)
        if (a->workers[i].started) pthread_join(a->workers[i].thread, NULL);
    if (a->status != KT_OK && err) *err = a->err;
    return a->status;
}

void kt_ingest_summary_free(kt_ingest_summary *s)
{
    for (size_t i = 0; i < s->nruns; i++) free(s->runs[i]);
    free(s->runs);
    s->runs = NULL;
    s->nruns = 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The runs that received raw rows in this batch, over all workers' stages. */
static kt_status collect_runs(const attempt *a, kt_ingest_summary *sum, kt_error *err)
{
    size_t total = 0;
    for (size_t w = 0; w < a->nworkers; w++) total += kt_ingest_stage_num_partitions(a->workers[w].stage_r);
    sum->runs = calloc(total ? total : 1, sizeof *sum->runs);
    if (!sum->runs) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    for (size_t w = 0; w < a->nworkers; w++) {
        const kt_ingest_stage *stage = a->workers[w].stage_r;
        for (size_t i = 0; i < kt_ingest_stage_num_partitions(stage); i++) {
            int64_t rows;
            const char *id = kt_ingest_stage_partition(stage, i, &rows);
            if (rows <= 0 || !id) continue;
            if (!(sum->runs[sum->nruns] = strdup(id))) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
            sum->nruns++;
        }
    }
    if (sum->nruns > 1) qsort(sum->runs, sum->nruns, sizeof *sum->runs, by_string);
    size_t out = 0; /* one entry per run */
    for (size_t i = 0; i < sum->nruns; i++) {
        if (out && !strcmp(sum->runs[out - 1], sum->runs[i])) free(sum->runs[i]);
        else sum->runs[out++] = sum->runs[i];
    }
    sum->nruns = out;
    return KT_OK;
}

static void summarise(const kt_ingest_result *results, size_t n, kt_ingest_summary *s)
{
    for (size_t i = 0; i < n; i++) {
        const kt_ingest_result *r = &results[i];
        if (r->outcome == KT_INGEST_ALREADY) s->already++;
        else if (r->outcome == KT_INGEST_FAILED) s->failed++;
        else s->ingested++;
        if (r->outcome != KT_INGEST_INGESTED) continue;
        s->rows += r->stats.counts.rows;
        s->accepted += r->stats.counts.accepted;
        s->quarantined += r->stats.counts.quarantined;
        s->duplicates += r->stats.counts.duplicates;
    }
}

/* Decides per file what this attempt must do; fills results of files it will not read. */
static kt_status make_plan(attempt *a, size_t n, kt_error *err)
{
    a->plan = calloc(n ? n : 1, sizeof *a->plan);
    if (!a->plan) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    kt_dict seen; /* identities met in this batch: the same content under two paths is read once */
    kt_dict_init(&seen);
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        kt_ingest_result *r = &a->results[i];
        memset(r, 0, sizeof *r);
        r->raw_version = r->quarantine_version = -1;
        char mark[KT_INGEST_MARK_MAX];
        size_t mlen = kt_ingest_mark(a->files[i].hash, a->files[i].size, mark);
        int32_t first = kt_dict_find(&seen, mark, mlen), id;
        if (first < 0 && kt_dict_intern(&seen, mark, mlen, &id) != KT_OK) {
            st = kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
            break;
        }
        int64_t vq = 0, vr = 0;
        bool has_q = kt_delta_snapshot_app_version(a->snap_q, mark, &vq);
        bool has_r = kt_delta_snapshot_app_version(a->snap_r, mark, &vr);
        if (first >= 0) {
            r->outcome = KT_INGEST_ALREADY;
            r->stats.counts.rows = -1;
            snprintf(r->error, sizeof r->error, "same content as another file of this batch");
        } else if (has_q && has_r) {
            already(&a->files[i], vr, vq, r);
        } else {
            a->plan[a->nplan++] = (plan_item){ .index = i, .need_q = !has_q, .need_r = !has_r,
                                               .expect_quarantined = vq };
        }
    }
    kt_dict_free(&seen);
    return st;
}

static kt_status commit_both(attempt *a, int64_t *vq, int64_t *vr, kt_error *err)
{
    const kt_ingest_options *o = a->o;
    *vq = *vr = -1;
    if (a->marks_q) {
        KT_TRY(kt_delta_txn_commit(a->txn_q, vq, err));
        if (o->on_commit) o->on_commit(o->ctx, KT_INGEST_QUARANTINE_TABLE, *vq);
    }
    if (a->marks_r) {
        KT_TRY(kt_delta_txn_commit(a->txn_r, vr, err));
        if (o->on_commit) o->on_commit(o->ctx, KT_INGEST_RAW_TABLE, *vr);
    }
    return KT_OK;
}

static kt_status summarise_attempt(const attempt *a, size_t n, int64_t vq, int64_t vr, kt_ingest_summary *sum,
                                   kt_error *err)
{
    memset(sum, 0, sizeof *sum);
    sum->quarantine_version = vq;
    sum->raw_version = vr;
    for (size_t w = 0; w < a->nworkers; w++) {
        sum->quarantine_files += a->marks_q ? kt_ingest_stage_files(a->workers[w].stage_q) : 0;
        sum->raw_files += a->marks_r ? kt_ingest_stage_files(a->workers[w].stage_r) : 0;
    }
    for (size_t i = 0; i < n; i++) {
        kt_ingest_result *r = &a->results[i];
        if (r->outcome != KT_INGEST_INGESTED) continue;
        if (!r->completed) r->quarantine_version = vq;
        r->raw_version = vr;
    }
    summarise(a->results, n, sum);
    return a->marks_r ? collect_runs(a, sum, err) : KT_OK;
}

/* One attempt over all files; KT_ERR_CONFLICT means "try again from fresh snapshots". */
static kt_status run_attempt(const kt_ingest_tables *t, const kt_ingest_options *o, const kt_ingest_source *files,
                             size_t n, kt_ingest_result *results, kt_ingest_summary *sum, kt_error *err)
{
    attempt a = { .o = o, .files = files, .results = results, .status = KT_OK };
    a.ingested_at = o->now_us ? o->now_us : kt_clock_wall_us();
    pthread_mutex_init(&a.lock, NULL);
    size_t threads = o->threads > 1 ? (size_t)o->threads : 1;
    if (threads > n) threads = n ? n : 1;
    kt_status st = attempt_open(t, &a, threads, err);
    if (st == KT_OK) st = make_plan(&a, n, err);
    if (st == KT_OK) st = run_workers(&a, err);
    for (size_t i = 0; st == KT_OK && o->on_file && i < n; i++) o->on_file(o->ctx, i, &results[i]);
    int64_t vq = -1, vr = -1;
    if (st == KT_OK) st = commit_both(&a, &vq, &vr, err);
    if (st == KT_OK) st = summarise_attempt(&a, n, vq, vr, sum, err);
    attempt_free(&a);
    return st;
}

kt_status kt_ingest_batch(const char *lake, const kt_ingest_options *o, const kt_ingest_source *files, size_t n,
                          kt_ingest_result *results, kt_ingest_summary *summary, kt_error *err)
{
    kt_delta_options dopts = { .no_fsync = o->no_fsync };
    kt_ingest_tables t;
    KT_TRY(kt_ingest_open_tables(lake, &dopts, &t, err));
    int max_attempts = o->max_attempts > 0 ? o->max_attempts : 5;
    kt_status st = KT_ERR_CONFLICT;
    int attempt_no = 0;
    memset(summary, 0, sizeof *summary);
    while (st == KT_ERR_CONFLICT && attempt_no < max_attempts) {
        attempt_no++;
        kt_error_clear(err);
        kt_ingest_summary_free(summary);
        st = run_attempt(&t, o, files, n, results, summary, err);
    }
    if (st == KT_OK) summary->attempts = attempt_no;
    else kt_ingest_summary_free(summary);
    kt_ingest_close_tables(&t);
    return st;
}

kt_status kt_ingest_lookup(const char *lake, const uint64_t *hashes, const int64_t *sizes, size_t n,
                           kt_ingest_marks *out, kt_error *err)
{
    memset(out, 0, n * sizeof *out);
    kt_delta_table *tq = NULL, *tr = NULL;
    kt_delta_snapshot *sq = NULL, *sr = NULL;
    kt_status st = kt_delta_open_in_lake(lake, KT_INGEST_QUARANTINE_TABLE, NULL, &tq, err);
    if (st == KT_OK) st = kt_delta_open_in_lake(lake, KT_INGEST_RAW_TABLE, NULL, &tr, err);
    if (st == KT_OK && kt_delta_exists(tq)) st = kt_delta_snapshot_load(tq, -1, &sq, err);
    if (st == KT_OK && kt_delta_exists(tr)) st = kt_delta_snapshot_load(tr, -1, &sr, err);
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        char mark[KT_INGEST_MARK_MAX];
        kt_ingest_mark(hashes[i], sizes[i], mark);
        out[i].in_quarantine = sq && kt_delta_snapshot_app_version(sq, mark, &out[i].quarantined);
        out[i].in_raw = sr && kt_delta_snapshot_app_version(sr, mark, &out[i].accepted);
    }
    kt_delta_snapshot_free(sq);
    kt_delta_snapshot_free(sr);
    kt_delta_close(tq);
    kt_delta_close(tr);
    return st;
}
