/*
 * pipeline/ingest_batch.c — one ingest batch: decide per file from the
 * tables' marks, read and stage what is needed, commit quarantine then raw,
 * retry from fresh snapshots when a concurrent ingest wins a race.
 * docs/INGEST.md gives the exactly-once argument this code implements.
 */
#include "pipeline/ingest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One attempt's open objects. */
typedef struct attempt {
    kt_delta_snapshot *snap_q, *snap_r;
    kt_delta_txn *txn_q, *txn_r;
    kt_ingest_stage *stage_q, *stage_r;
    size_t marks_q, marks_r;
} attempt;

static void attempt_free(attempt *a)
{
    kt_ingest_stage_free(a->stage_q);
    kt_ingest_stage_free(a->stage_r);
    kt_delta_txn_free(a->txn_q); /* uncommitted: deletes the files it staged */
    kt_delta_txn_free(a->txn_r);
    kt_delta_snapshot_free(a->snap_q);
    kt_delta_snapshot_free(a->snap_r);
    memset(a, 0, sizeof *a);
}

static kt_status attempt_open(const kt_ingest_tables *t, const kt_ingest_options *o, attempt *a, kt_error *err)
{
    kt_ingest_stage_options so = { .memory_limit = o->memory_limit, .no_fsync = o->no_fsync };
    KT_TRY(kt_delta_snapshot_load(t->quarantine, -1, &a->snap_q, err));
    KT_TRY(kt_delta_snapshot_load(t->raw, -1, &a->snap_r, err));
    KT_TRY(kt_delta_txn_begin(t->quarantine, a->snap_q, &a->txn_q, err));
    KT_TRY(kt_delta_txn_begin(t->raw, a->snap_r, &a->txn_r, err));
    KT_TRY(kt_ingest_stage_new(a->txn_q, kt_delta_dir(t->quarantine), kt_ingest_quarantine_fields(), KT_QT_FIELDS,
                               -1, &so, &a->stage_q, err));
    return kt_ingest_stage_new(a->txn_r, kt_delta_dir(t->raw), kt_ingest_raw_fields(), KT_RAW_FIELDS,
                               KT_RAW_RUN_UUID, &so, &a->stage_r, err);
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

/* Reads one needed file into the stages and records its marks; a file fault fails only the file. */
static kt_status ingest_one(kt_ingest_cleaner *cleaner, attempt *a, const kt_ingest_source *src, bool need_q,
                            bool need_r, int64_t expect_quarantined, int64_t ingested_at, kt_ingest_result *res,
                            kt_error *err)
{
    kt_ingest_file_out out = { .raw = need_r ? a->stage_r : NULL, .quarantine = need_q ? a->stage_q : NULL,
                               .ingested_at_us = ingested_at };
    kt_error ferr;
    kt_error_clear(&ferr);
    bool file_fault = false;
    kt_status st = kt_ingest_read_file(cleaner, src->path, src->source_file, &out, &res->stats, &file_fault, &ferr);
    if (st != KT_OK && !file_fault) {
        *err = ferr;
        return st;
    }
    if (st == KT_OK && !need_q && res->stats.counts.quarantined != expect_quarantined) {
        kt_fail(&ferr, KT_ERR_STATE,
                "%s: quarantine already holds %" PRId64 " rows of this file from an interrupted ingest, but it "
                "now rejects %" PRId64 ": the limits changed since; restore them to complete it",
                src->source_file, expect_quarantined, res->stats.counts.quarantined);
        st = KT_ERR_STATE;
    }
    if (st != KT_OK) {
        if (out.raw) kt_ingest_stage_file_abort(out.raw);
        if (out.quarantine) kt_ingest_stage_file_abort(out.quarantine);
        fail_file(res, &ferr);
        return KT_OK;
    }
    char mark[KT_INGEST_MARK_MAX];
    kt_ingest_mark(src->hash, src->size, mark);
    if (need_q) {
        KT_TRY(kt_ingest_stage_file_done(a->stage_q, err));
        KT_TRY(kt_delta_txn_set_app_version(a->txn_q, mark, res->stats.counts.quarantined, err));
        a->marks_q++;
    }
    if (need_r) {
        KT_TRY(kt_ingest_stage_file_done(a->stage_r, err));
        KT_TRY(kt_delta_txn_set_app_version(a->txn_r, mark, res->stats.counts.accepted, err));
        a->marks_r++;
    }
    res->outcome = KT_INGEST_INGESTED;
    res->completed = !need_q;
    return KT_OK;
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

/* The runs that received raw rows in this batch. */
static kt_status collect_runs(const kt_ingest_stage *stage, kt_ingest_summary *sum, kt_error *err)
{
    size_t n = kt_ingest_stage_num_partitions(stage);
    sum->runs = calloc(n ? n : 1, sizeof *sum->runs);
    if (!sum->runs) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    for (size_t i = 0; i < n; i++) {
        int64_t rows;
        const char *id = kt_ingest_stage_partition(stage, i, &rows);
        if (rows <= 0 || !id) continue;
        if (!(sum->runs[sum->nruns] = strdup(id))) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
        sum->nruns++;
    }
    if (sum->nruns > 1) qsort(sum->runs, sum->nruns, sizeof *sum->runs, by_string);
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

/* One attempt over all files; KT_ERR_CONFLICT means "try again from fresh snapshots". */
static kt_status run_attempt(const kt_ingest_tables *t, const kt_ingest_options *o, kt_ingest_cleaner *cleaner,
                             const kt_ingest_source *files, size_t n, kt_ingest_result *results,
                             kt_ingest_summary *sum, kt_error *err)
{
    attempt a = { 0 };
    int64_t ingested_at = o->now_us ? o->now_us : now_us();
    kt_dict seen; /* identities met in this batch: the same content under two paths is read once */
    kt_dict_init(&seen);
    kt_status st = attempt_open(t, o, &a, err);
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        kt_ingest_result *r = &results[i];
        memset(r, 0, sizeof *r);
        r->raw_version = r->quarantine_version = -1;
        char mark[KT_INGEST_MARK_MAX];
        size_t mlen = kt_ingest_mark(files[i].hash, files[i].size, mark);
        int32_t first = kt_dict_find(&seen, mark, mlen), id;
        if (first < 0 && kt_dict_intern(&seen, mark, mlen, &id) != KT_OK) {
            st = kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
            break;
        }
        int64_t vq = 0, vr = 0;
        bool has_q = kt_delta_snapshot_app_version(a.snap_q, mark, &vq);
        bool has_r = kt_delta_snapshot_app_version(a.snap_r, mark, &vr);
        if (first >= 0) {
            r->outcome = KT_INGEST_ALREADY;
            r->stats.counts.rows = -1;
            snprintf(r->error, sizeof r->error, "same content as another file of this batch");
        } else if (has_q && has_r) {
            already(&files[i], vr, vq, r);
        } else {
            st = ingest_one(cleaner, &a, &files[i], !has_q, !has_r, vq, ingested_at, r, err);
        }
        if (st == KT_OK && o->on_file) o->on_file(o->ctx, i, r);
    }
    if (st == KT_OK) st = kt_ingest_stage_finish(a.stage_q, err);
    if (st == KT_OK) st = kt_ingest_stage_finish(a.stage_r, err);
    int64_t vq = -1, vr = -1;
    if (st == KT_OK && a.marks_q) {
        st = kt_delta_txn_commit(a.txn_q, &vq, err);
        if (st == KT_OK && o->on_commit) o->on_commit(o->ctx, KT_INGEST_QUARANTINE_TABLE, vq);
    }
    if (st == KT_OK && a.marks_r) {
        st = kt_delta_txn_commit(a.txn_r, &vr, err);
        if (st == KT_OK && o->on_commit) o->on_commit(o->ctx, KT_INGEST_RAW_TABLE, vr);
    }
    if (st == KT_OK) {
        memset(sum, 0, sizeof *sum);
        sum->quarantine_version = vq;
        sum->raw_version = vr;
        sum->quarantine_files = a.marks_q ? kt_ingest_stage_files(a.stage_q) : 0;
        sum->raw_files = a.marks_r ? kt_ingest_stage_files(a.stage_r) : 0;
        for (size_t i = 0; i < n; i++) {
            if (results[i].outcome != KT_INGEST_INGESTED) continue;
            if (!results[i].completed) results[i].quarantine_version = vq;
            results[i].raw_version = vr;
        }
        summarise(results, n, sum);
        if (a.marks_r) st = collect_runs(a.stage_r, sum, err);
    }
    kt_dict_free(&seen);
    attempt_free(&a);
    return st;
}

kt_status kt_ingest_batch(const char *lake, const kt_ingest_options *o, const kt_ingest_source *files, size_t n,
                          kt_ingest_result *results, kt_ingest_summary *summary, kt_error *err)
{
    kt_delta_options dopts = { .no_fsync = o->no_fsync };
    kt_ingest_tables t;
    KT_TRY(kt_ingest_open_tables(lake, &dopts, &t, err));
    kt_ingest_cleaner *cleaner = kt_ingest_cleaner_new(&o->config);
    if (!cleaner) {
        kt_ingest_close_tables(&t);
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    }
    int max_attempts = o->max_attempts > 0 ? o->max_attempts : 5;
    kt_status st = KT_ERR_CONFLICT;
    int attempt_no = 0;
    memset(summary, 0, sizeof *summary);
    while (st == KT_ERR_CONFLICT && attempt_no < max_attempts) {
        attempt_no++;
        kt_error_clear(err);
        kt_ingest_summary_free(summary);
        st = run_attempt(&t, o, cleaner, files, n, results, summary, err);
    }
    if (st == KT_OK) summary->attempts = attempt_no;
    else kt_ingest_summary_free(summary);
    kt_ingest_cleaner_free(cleaner);
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
