/*
 * orchestrate/process_step.c — planning dirty runs against state.db and
 * the raw table, processing them on the pool, recording each attempt.
 */
#include "orchestrate/process_step.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "lake/scan/table_scan.h"
#include "pipeline/process_tables.h"
#include "pipeline/quarantine_count.h"
#include "pipeline/raw_runs.h"

void kt_process_input_fingerprint(const char *files_fingerprint, int64_t quarantined, char *out, size_t cap)
{
    snprintf(out, cap, "%s-q%" PRId64, files_fingerprint, quarantined);
}

/* ---- plans ------------------------------------------------------------------- */

void kt_process_plan_free(kt_process_plan *plan)
{
    for (size_t i = 0; plan->runs && i < plan->count; i++) free(plan->runs[i].run_uuid);
    free(plan->runs);
    memset(plan, 0, sizeof *plan);
    plan->raw_version = -1;
}

kt_status kt_process_plan_runs(const char *const *run_uuids, size_t n, kt_process_plan *plan, kt_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->raw_version = -1;
    plan->runs = calloc(n ? n : 1, sizeof *plan->runs);
    if (!plan->runs) return kt_fail(err, KT_ERR_NOMEM, "process: out of memory planning %zu runs", n);
    for (size_t i = 0; i < n; i++) {
        kt_plan_run *r = &plan->runs[plan->count];
        if (!(r->run_uuid = strdup(run_uuids[i]))) {
            kt_process_plan_free(plan);
            return kt_fail(err, KT_ERR_NOMEM, "process: out of memory planning %zu runs", n);
        }
        r->reason = KT_DIRTY_NEVER_PROCESSED;
        plan->count++;
    }
    return KT_OK;
}

/* What planning reads from the lake: raw runs and quarantine counts. */
typedef struct lake_view {
    kt_delta_table *raw, *quarantine;
    kt_delta_snapshot *raw_s, *quarantine_s;
    kt_raw_runs runs;
    bool have_runs;
    kt_quarantine_counter *counter;
} lake_view;

static void lake_view_free(lake_view *v)
{
    if (v->have_runs) kt_raw_runs_free(&v->runs);
    kt_quarantine_counter_free(v->counter);
    kt_delta_snapshot_free(v->raw_s);
    kt_delta_snapshot_free(v->quarantine_s);
    kt_delta_close(v->raw);
    kt_delta_close(v->quarantine);
}

/* *empty: the lake has no raw table yet. */
static kt_status lake_view_load(const char *lake, const kt_delta_options *delta, lake_view *v, bool *empty,
                                kt_error *err)
{
    memset(v, 0, sizeof *v);
    KT_TRY(kt_delta_open_in_lake(lake, KT_PROCESS_RAW_TABLE, delta, &v->raw, err));
    *empty = !kt_delta_exists(v->raw);
    if (*empty) return KT_OK;
    KT_TRY(kt_delta_snapshot_load(v->raw, -1, &v->raw_s, err));
    KT_TRY(kt_raw_runs_list(v->raw_s, &v->runs, err));
    v->have_runs = true;
    KT_TRY(kt_delta_open_in_lake(lake, KT_PROCESS_QUARANTINE_TABLE, delta, &v->quarantine, err));
    if (kt_delta_exists(v->quarantine)) KT_TRY(kt_delta_snapshot_load(v->quarantine, -1, &v->quarantine_s, err));
    if (!(v->counter = kt_quarantine_counter_new())) return kt_fail(err, KT_ERR_NOMEM, "process: out of memory");
    return KT_OK;
}

/* Only the quarantined-row count differs from the recorded processing: the
 * tables cannot tell (their currency check looks at raw and the config), so
 * the run must be processed, not reconciled. */
static kt_status only_quarantine_changed(kt_state *st, const kt_plan_run *r, const char *config_hash,
                                         kt_arena *arena, bool *out, kt_error *err)
{
    *out = false;
    kt_run_record rec;
    bool found;
    KT_TRY(kt_state_run_get(st, r->run_uuid, arena, &rec, &found, err));
    if (!found || !rec.input_fingerprint || !rec.config_hash || strcmp(rec.config_hash, config_hash) != 0)
        return KT_OK;
    const char *now_q = strstr(r->fingerprint, "-q"), *then_q = strstr(rec.input_fingerprint, "-q");
    if (!now_q || !then_q || now_q - r->fingerprint != then_q - rec.input_fingerprint) return KT_OK;
    size_t raw_len = (size_t)(now_q - r->fingerprint);
    *out = memcmp(r->fingerprint, rec.input_fingerprint, raw_len) == 0 && strcmp(now_q, then_q) != 0;
    return KT_OK;
}

static int64_t quarantined_of(const char *fingerprint)
{
    const char *q = strstr(fingerprint, "-q");
    return q ? strtoll(q + 2, NULL, 10) : 0;
}

static kt_plan_run *plan_find(kt_process_plan *plan, const char *run_uuid, size_t len)
{
    for (size_t i = 0; i < plan->count; i++)
        if (strlen(plan->runs[i].run_uuid) == len && !memcmp(plan->runs[i].run_uuid, run_uuid, len))
            return &plan->runs[i];
    return NULL;
}

/* Runs whose run_stats row counts other quarantined rows than now cannot be
 * current, whatever raw and the config say: they are processed. */
static kt_status check_quarantine_counts(const char *lake, const kt_delta_options *delta, kt_process_plan *plan,
                                         kt_error *err)
{
    kt_delta_table *t = NULL;
    kt_delta_snapshot *snap = NULL;
    kt_scan *scan = NULL;
    KT_TRY(kt_delta_open_in_lake(lake, KT_PROCESS_RUN_STATS_TABLE, delta, &t, err));
    kt_status s = KT_OK;
    if (kt_delta_exists(t)) s = kt_delta_snapshot_load(t, -1, &snap, err);
    int id = snap ? kt_delta_snapshot_find_field(snap, "run_uuid") : -1;
    int q = snap ? kt_delta_snapshot_find_field(snap, "quarantined_rows") : -1;
    if (s == KT_OK && id >= 0 && q >= 0) {
        size_t fields[2] = { (size_t)id, (size_t)q };
        kt_scan_options so = { .fields = fields, .nfields = 2 };
        s = kt_scan_open(t, snap, &so, &scan, err);
    }
    for (;;) {
        const kt_column *cols;
        size_t rows = 0;
        if (s != KT_OK || !scan || (s = kt_scan_next(scan, &cols, &rows, err)) != KT_OK || rows == 0) break;
        for (size_t i = 0; i < rows; i++) {
            if (!kt_column_is_valid(&cols[0], i) || cols[1].type != KT_INT64) continue;
            size_t len;
            const char *run = kt_column_bytes_at(&cols[0], i, &len);
            kt_plan_run *r = plan_find(plan, run, len);
            int64_t counted = kt_column_is_valid(&cols[1], i) ? KT_COL_I64(&cols[1])[i] : -1;
            if (r && r->may_be_current && counted != r->quarantined) r->may_be_current = false;
        }
    }
    kt_scan_free(scan);
    kt_delta_snapshot_free(snap);
    kt_delta_close(t);
    return s;
}

static kt_status plan_from(kt_state *st, lake_view *v, const char *config_hash, kt_process_plan *plan,
                           kt_error *err)
{
    size_t n = v->runs.count;
    kt_run_input *inputs = calloc(n ? n : 1, sizeof *inputs);
    char (*fps)[KT_INPUT_FINGERPRINT_MAX] = calloc(n ? n : 1, sizeof *fps);
    kt_arena arena;
    kt_arena_init(&arena, 0);
    kt_status s = inputs && fps ? KT_OK : kt_fail(err, KT_ERR_NOMEM, "process: out of memory planning");
    for (size_t i = 0; s == KT_OK && i < n; i++) {
        const kt_raw_run *run = &v->runs.runs[i];
        char files[KT_FINGERPRINT_HEX];
        kt_raw_run_files_fingerprint(run, files);
        int64_t quarantined = 0;
        s = kt_quarantine_count(v->counter, v->quarantine, v->quarantine_s, run->run_uuid, &quarantined, err);
        kt_process_input_fingerprint(files, quarantined, fps[i], sizeof fps[i]);
        inputs[i] = (kt_run_input){ .run_uuid = run->run_uuid, .input_fingerprint = fps[i] };
    }
    kt_dirty_run *dirty = NULL;
    size_t ndirty = 0;
    if (s == KT_OK) s = kt_state_runs_dirty_against(st, inputs, n, config_hash, &arena, &dirty, &ndirty, err);
    if (s == KT_OK && !(plan->runs = calloc(ndirty ? ndirty : 1, sizeof *plan->runs)))
        s = kt_fail(err, KT_ERR_NOMEM, "process: out of memory planning");
    for (size_t i = 0; s == KT_OK && i < ndirty; i++) {
        kt_plan_run *r = &plan->runs[plan->count];
        const kt_raw_run *run = kt_raw_runs_find(&v->runs, dirty[i].run_uuid);
        if (!run) continue; /* cannot happen: dirty_against reports inputs only */
        if (!(r->run_uuid = strdup(dirty[i].run_uuid))) {
            s = kt_fail(err, KT_ERR_NOMEM, "process: out of memory planning");
            break;
        }
        plan->count++;
        r->reason = dirty[i].reason;
        r->bytes = run->bytes > 0 ? run->bytes : 0;
        memcpy(r->fingerprint, fps[run - v->runs.runs], sizeof r->fingerprint);
        r->quarantined = quarantined_of(r->fingerprint);
        bool quarantine_only;
        s = only_quarantine_changed(st, r, config_hash, &arena, &quarantine_only, err);
        r->may_be_current = !quarantine_only;
    }
    kt_arena_free(&arena);
    free(inputs);
    free(fps);
    return s;
}

kt_status kt_process_plan_dirty(const char *lake, kt_state *st, const char *config_hash,
                                const kt_delta_options *delta, kt_process_plan *plan, kt_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->raw_version = -1;
    lake_view v;
    bool empty = true;
    kt_status s = lake_view_load(lake, delta, &v, &empty, err);
    if (s == KT_OK && !empty) {
        plan->raw_version = kt_delta_snapshot_version(v.raw_s);
        plan->runs_in_raw = v.runs.count;
        s = plan_from(st, &v, config_hash, plan, err);
        bool any_may_be_current = false;
        for (size_t i = 0; i < plan->count; i++) any_may_be_current |= plan->runs[i].may_be_current;
        if (s == KT_OK && any_may_be_current) s = check_quarantine_counts(lake, delta, plan, err);
    }
    lake_view_free(&v);
    if (s != KT_OK) kt_process_plan_free(plan);
    return s;
}

/* ---- the step ----------------------------------------------------------------- */

/* What happened to one planned run. */
typedef struct run_outcome {
    bool current;              /* reconciled: the tables were current */
    kt_process_result result;  /* processed (or tried) */
    int64_t started_us;
    kt_status commit_status;   /* its group commit (KT_OK when none was needed) */
    kt_error commit_err;
    kt_status state_status;    /* recording it in state.db */
    kt_error state_err;
} run_outcome;

/* A worker's context and the runs it has staged but not committed yet. */
typedef struct worker_slot {
    kt_process_ctx *ctx;
    size_t *staged;            /* plan indices */
    size_t nstaged;
    int64_t oldest_ns;         /* when the first of them was staged */
} worker_slot;

typedef struct step {
    const kt_process_step_options *o;
    const kt_process_plan *plan;
    size_t *order;             /* task k processes plan run order[k] */
    run_outcome *outcomes;
    worker_slot *slots;
    size_t nslots;
    char config_hash[17];
} step;

/* run_state (and a task row) for one attempt, inside the caller's transaction. */
static kt_status record_in_txn(kt_state *st, int64_t pipeline_run_id, const kt_run_record *rec, bool task,
                               kt_status status, const kt_process_result *r, int64_t started_us, kt_error *err)
{
    /* a run id with no readings is no run: its attempt is history, not run state */
    kt_status s = status == KT_ERR_NOT_FOUND ? KT_OK : kt_state_run_finish(st, rec, err);
    if (s == KT_OK && pipeline_run_id && task) {
        kt_task_record t = {
            .pipeline_run_id = pipeline_run_id, .task = KT_TASK_PROCESS, .run_uuid = rec->run_uuid,
            .status = status == KT_OK ? KT_TASK_OK : KT_TASK_FAILED, .started_us = started_us,
            .ended_us = kt_clock_wall_us(), .rows_in = r->readings, .rows_out = r->rows, .error = rec->error,
        };
        s = kt_state_task_record(st, &t, NULL, err);
    }
    return s;
}

/* The same in a transaction of its own. */
static kt_status record(kt_state *st, int64_t pipeline_run_id, const kt_run_record *rec, bool task, kt_status status,
                        const kt_process_result *r, int64_t started_us, kt_error *err)
{
    KT_TRY(kt_state_begin(st, err));
    kt_status s = record_in_txn(st, pipeline_run_id, rec, task, status, r, started_us, err);
    if (s != KT_OK) {
        kt_state_rollback(st);
        return s;
    }
    return kt_state_commit(st, err);
}

static kt_run_record record_of(const char *run_uuid, kt_status status, const char *error,
                               const kt_process_result *r, const char *fingerprint, const char *config_hash)
{
    return (kt_run_record){
        .run_uuid = run_uuid, .input_fingerprint = fingerprint, .config_hash = config_hash,
        .raw_version_seen = r->raw_version, .aligned_version = r->aligned_version,
        .features_version = r->features_version, .run_stats_version = r->run_stats_version,
        .status = status == KT_OK ? KT_RUN_OK : KT_RUN_FAILED, .error = status == KT_OK ? NULL : error,
    };
}

kt_status kt_process_record(kt_state *st, int64_t pipeline_run_id, const char *run_uuid, kt_status status,
                            const char *error, const kt_process_result *res, int64_t started_us, kt_error *err)
{
    char fingerprint[KT_INPUT_FINGERPRINT_MAX];
    kt_process_input_fingerprint(res->files_fingerprint, res->stats.quarantined_rows, fingerprint, sizeof fingerprint);
    kt_run_record rec = record_of(run_uuid, status, error, res, fingerprint, res->config_hash);
    return record(st, pipeline_run_id, &rec, true, status, res, started_us, err);
}

static kt_run_record attempt_record(const step *s, size_t i, kt_status status, const char *error, char *fingerprint,
                                    size_t cap)
{
    const kt_plan_run *p = &s->plan->runs[i];
    const run_outcome *out = &s->outcomes[i];
    const kt_process_result *r = &out->result;
    if (out->current) snprintf(fingerprint, cap, "%s", p->fingerprint);
    else kt_process_input_fingerprint(r->files_fingerprint, r->stats.quarantined_rows, fingerprint, cap);
    return record_of(p->run_uuid, status, error, r, fingerprint, s->config_hash);
}

static kt_status record_attempt(step *s, size_t i, kt_status status, const kt_error *perr, int64_t started)
{
    run_outcome *out = &s->outcomes[i];
    char fingerprint[KT_INPUT_FINGERPRINT_MAX];
    kt_run_record rec = attempt_record(s, i, status, perr->msg, fingerprint, sizeof fingerprint);
    return record(s->o->st, s->o->pipeline_run_id, &rec, !out->current, status, &out->result, started,
                  &out->state_err);
}

/* Records a committed (or failed) group's runs in one state.db transaction. */
static void record_group(step *s, const worker_slot *w)
{
    kt_state *st = s->o->st;
    kt_error err = { 0 };
    kt_status rs = kt_state_begin(st, &err);
    for (size_t k = 0; rs == KT_OK && k < w->nstaged; k++) {
        size_t i = w->staged[k];
        run_outcome *out = &s->outcomes[i];
        char fingerprint[KT_INPUT_FINGERPRINT_MAX];
        kt_run_record rec = attempt_record(s, i, out->commit_status, out->commit_err.msg, fingerprint,
                                           sizeof fingerprint);
        rs = record_in_txn(st, s->o->pipeline_run_id, &rec, true, out->commit_status, &out->result,
                           out->started_us, &err);
    }
    if (rs == KT_OK) rs = kt_state_commit(st, &err);
    else kt_state_rollback(st);
    for (size_t k = 0; k < w->nstaged; k++) {
        s->outcomes[w->staged[k]].state_status = rs;
        s->outcomes[w->staged[k]].state_err = err;
    }
}

/* Commits what worker slot w staged, in one commit per table, and records it. */
static void commit_group(step *s, worker_slot *w)
{
    if (w->nstaged == 0) return;
    kt_process_group_versions v;
    kt_error err = { 0 };
    kt_status st = kt_process_group_commit(w->ctx, &v, &err);
    for (size_t k = 0; k < w->nstaged; k++) {
        run_outcome *out = &s->outcomes[w->staged[k]];
        out->commit_status = st;
        out->commit_err = err;
        out->result.aligned_version = v.aligned;
        out->result.features_version = v.features;
        out->result.run_stats_version = v.run_stats;
        if (st != KT_OK)
            kt_log_msg(s->o->log, KT_LOG_WARN, "run %s failed: %s", s->plan->runs[w->staged[k]].run_uuid, err.msg);
    }
    record_group(s, w);
    w->nstaged = 0;
}

static bool group_is_due(const worker_slot *w)
{
    return w->nstaged >= KT_PROCESS_GROUP_RUNS ||
           kt_clock_mono_ns() - w->oldest_ns >= (int64_t)KT_PROCESS_GROUP_SECONDS * 1000000000;
}

/* The tables already hold the processing of the run's current input? */
static kt_status check_current(step *s, kt_process_ctx *ctx, size_t i, kt_error *err)
{
    run_outcome *out = &s->outcomes[i];
    kt_process_currency c;
    KT_TRY(kt_process_run_current(ctx, s->plan->runs[i].run_uuid, s->o->cfg, &c, err));
    out->current = c.current;
    if (c.current) {
        kt_process_result *r = &out->result;
        r->raw_version = kt_delta_snapshot_version(kt_process_raw_snapshot(ctx));
        r->aligned_version = r->features_version = r->run_stats_version = KT_STATE_NO_VERSION;
    }
    return KT_OK;
}

static void log_attempt(const step *s, size_t i, kt_status status, const kt_error *err, double seconds, double cpu)
{
    const run_outcome *out = &s->outcomes[i];
    const char *run = s->plan->runs[i].run_uuid;
    if (status != KT_OK)
        kt_log_msg(s->o->log, KT_LOG_WARN, "run %s failed: %s", run, err->msg);
    else if (out->current)
        kt_log_msg(s->o->log, KT_LOG_DEBUG, "run %s: the tables are current; recorded", run);
    else
        kt_log_msg(s->o->log, KT_LOG_DEBUG,
                   "run %s (%s): %" PRId64 " readings -> %" PRId64 " rows in %.3f s (%.3f s CPU; read %.3f, "
                   "transform %.3f, write %.3f s CPU)",
                   run, kt_dirty_reason_name(s->plan->runs[i].reason), out->result.readings, out->result.rows, seconds,
                   cpu, out->result.read_cpu_s, out->result.transform_cpu_s, out->result.write_cpu_s);
}

static kt_status process_task(void *worker_ctx, void *shared, size_t task, kt_error *err)
{
    step *s = shared;
    size_t i = s->order[task];
    worker_slot *w = worker_ctx;
    kt_process_ctx *ctx = w->ctx;
    run_outcome *out = &s->outcomes[i];
    const kt_plan_run *p = &s->plan->runs[i];
    int64_t started = kt_clock_wall_us(), t0 = kt_clock_mono_ns(), c0 = kt_clock_thread_cpu_ns();
    out->started_us = started;
    kt_status st = p->may_be_current ? check_current(s, ctx, i, err) : KT_OK;
    if (st == KT_OK && !out->current) st = kt_process_run(ctx, p->run_uuid, s->o->cfg, &out->result, err);
    snprintf(out->result.run_uuid, sizeof out->result.run_uuid, "%s", p->run_uuid);
    if (st == KT_OK && out->result.staged) {
        if (w->nstaged == 0) w->oldest_ns = kt_clock_mono_ns();
        w->staged[w->nstaged++] = i;
    } else {
        out->state_status = record_attempt(s, i, st, err, started);
    }
    log_attempt(s, i, st, err, (double)(kt_clock_mono_ns() - t0) * 1e-9, (double)(kt_clock_thread_cpu_ns() - c0) * 1e-9);
    if (out->current) kt_progress_item_skipped(s->o->progress);
    else kt_progress_run_done(s->o->progress, st == KT_OK);
    if (w->nstaged && group_is_due(w)) commit_group(s, w);
    return st;
}

/* End of the step: each worker's last group, on the pool (the caller commits
 * what the pool did not, e.g. after cancellation: started runs finish). */
static kt_status commit_task(void *worker_ctx, void *shared, size_t task, kt_error *err)
{
    (void)worker_ctx;
    (void)err;
    step *s = shared;
    commit_group(s, &s->slots[task]);
    return KT_OK;
}

static void commit_last_groups(step *s, kt_pool *pool)
{
    kt_task_result *results = calloc(s->nslots, sizeof *results);
    kt_error err = { 0 };
    if (results) kt_pool_run(pool, s->nslots, commit_task, s, NULL, results, NULL, &err);
    for (size_t w = 0; w < s->nslots; w++) commit_group(s, &s->slots[w]);
    free(results);
}

static void free_slots(step *s)
{
    for (size_t w = 0; s->slots && w < s->nslots; w++) {
        kt_process_ctx_free(s->slots[w].ctx);
        free(s->slots[w].staged);
    }
    free(s->slots);
}

static kt_status new_slots(step *s, size_t n, kt_error *err)
{
    s->nslots = n;
    if (!(s->slots = calloc(n, sizeof *s->slots))) return kt_fail(err, KT_ERR_NOMEM, "process: out of memory");
    kt_process_options po = { .delta = s->o->delta, .group_commit = true };
    for (size_t w = 0; w < n; w++) {
        if (!(s->slots[w].staged = calloc(KT_PROCESS_GROUP_RUNS, sizeof *s->slots[w].staged)))
            return kt_fail(err, KT_ERR_NOMEM, "process: out of memory");
        KT_TRY(kt_process_ctx_new(s->o->lake, &po, &s->slots[w].ctx, err));
    }
    return KT_OK;
}

static kt_status tally(const step *s, const kt_task_result *results, kt_process_step_result *res, kt_error *err)
{
    kt_status first_state_error = KT_OK;
    for (size_t i = 0; i < s->plan->count; i++) {
        const run_outcome *out = &s->outcomes[i];
        if (!results[i].ran) {
            res->interrupted++;
            continue;
        }
        if (out->state_status != KT_OK && first_state_error == KT_OK) {
            first_state_error = out->state_status;
            *err = out->state_err;
        }
        if (results[i].status != KT_OK || out->commit_status != KT_OK) res->failed++;
        else if (out->current) res->reconciled++;
        else {
            res->processed++;
            res->readings += out->result.readings;
            res->rows += out->result.rows;
        }
    }
    return first_state_error;
}

/* Larger runs first (ties in plan order): the last runs to start are the
 * short ones, so the workers finish close together instead of one worker
 * processing the longest run alone at the end. Outcomes stay by plan index. */
typedef struct sized_run {
    int64_t bytes;
    size_t index;
} sized_run;

static int larger_first(const void *a, const void *b)
{
    const sized_run *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static kt_status order_larger_first(const kt_process_plan *plan, size_t *order, kt_error *err)
{
    sized_run *runs = calloc(plan->count, sizeof *runs);
    if (!runs) return kt_fail(err, KT_ERR_NOMEM, "process: out of memory");
    for (size_t i = 0; i < plan->count; i++) runs[i] = (sized_run){ plan->runs[i].bytes, i };
    qsort(runs, plan->count, sizeof *runs, larger_first);
    for (size_t k = 0; k < plan->count; k++) order[k] = runs[k].index;
    free(runs);
    return KT_OK;
}

kt_status kt_process_step(const kt_process_step_options *o, const kt_process_plan *plan,
                          kt_process_step_result *res, kt_error *err)
{
    memset(res, 0, sizeof *res);
    res->planned = plan->count;
    if (plan->count == 0) return KT_OK;
    step s = { .o = o, .plan = plan };
    kt_transform_config_hash_hex(o->cfg, s.config_hash);
    size_t nworkers = kt_pool_threads(o->pool);
    s.outcomes = calloc(plan->count, sizeof *s.outcomes);
    kt_task_result *results = calloc(plan->count, sizeof *results);
    kt_task_result *by_task = calloc(plan->count, sizeof *by_task);
    s.order = calloc(plan->count, sizeof *s.order);
    void **worker_ctxs = calloc(nworkers, sizeof *worker_ctxs);
    kt_status st = s.outcomes && results && by_task && s.order && worker_ctxs
                       ? KT_OK : kt_fail(err, KT_ERR_NOMEM, "process: out of memory");
    if (st == KT_OK) st = order_larger_first(plan, s.order, err);
    if (st == KT_OK) st = new_slots(&s, nworkers, err);
    if (st == KT_OK) {
        for (size_t w = 0; w < nworkers; w++) worker_ctxs[w] = &s.slots[w];
        kt_progress_phase(o->progress, KT_PHASE_PROCESS, (int64_t)plan->count);
        st = kt_pool_run(o->pool, plan->count, process_task, &s, worker_ctxs, by_task, NULL, err);
        commit_last_groups(&s, o->pool);
        for (size_t k = 0; k < plan->count; k++) results[s.order[k]] = by_task[k];
        if (st == KT_ERR_INTERRUPTED) st = KT_OK; /* reported through res->interrupted */
        if (st == KT_OK) st = tally(&s, results, res, err);
    }
    free_slots(&s);
    free(worker_ctxs);
    free(by_task);
    free(s.order);
    free(results);
    free(s.outcomes);
    return st;
}
