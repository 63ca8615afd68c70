/*
 * pipeline/process_run.c — one run from raw to aligned, features and
 * run_stats: refresh snapshots, load, transform, three commits carrying
 * the same txn sequence number; redo on a conflict.
 */
#include "pipeline/process_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "pipeline/process_tables.h"
#include "pipeline/quarantine_count.h"
#include "pipeline/raw_load.h"
#include "pipeline/run_rows.h"
#include "pipeline/run_stats_table.h"
#include "pipeline/transform.h"

enum { OUT_ALIGNED, OUT_FEATURES, OUT_STATS, OUTS };
enum { APP_ID_MAX = KT_RUN_STATS_ID_MAX + 32 }; /* KT_PROCESS_APP_PREFIX and a run id */
static const char *const out_names[OUTS] = { KT_PROCESS_ALIGNED_TABLE, KT_PROCESS_FEATURES_TABLE,
                                             KT_PROCESS_RUN_STATS_TABLE };

/* Runs staged for one group commit (opts.group_commit): their aligned and
 * features files in two open transactions, their run_stats rows. While a
 * group is open the output snapshots stay as they were when it opened
 * (the transactions read them). */
typedef struct group {
    kt_delta_txn *x[2];          /* aligned, features; NULL when the group is empty */
    kt_run_stats *rows;
    char (*apps)[APP_ID_MAX];
    int64_t *versions;
    size_t count, cap;
    kt_status broken;            /* staging failed half-way: the group must not commit */
    kt_error broken_err;
} group;

struct kt_process_ctx {
    kt_process_options opts;
    group g;
    kt_delta_table *raw, *quarantine, *out[OUTS];
    kt_delta_snapshot *raw_s, *quarantine_s, *out_s[OUTS];
    kt_transform *transform;
    kt_raw_loader *loader;
    kt_run_stats_index *stats_index;
    kt_quarantine_counter *quarantine_counter;
    kt_run_rows rows;   /* output rows, a slice at a time */
};

/* ---- context ------------------------------------------------------------ */

static void group_reset(group *g)
{
    kt_delta_txn_free(g->x[0]);   /* uncommitted: deletes the staged files */
    kt_delta_txn_free(g->x[1]);
    g->x[0] = g->x[1] = NULL;
    g->count = 0;
    g->broken = KT_OK;
}

void kt_process_ctx_free(kt_process_ctx *ctx)
{
    if (!ctx) return;
    group_reset(&ctx->g);
    free(ctx->g.rows);
    free(ctx->g.apps);
    free(ctx->g.versions);
    kt_delta_snapshot_free(ctx->raw_s);
    kt_delta_snapshot_free(ctx->quarantine_s);
    kt_delta_close(ctx->raw);
    kt_delta_close(ctx->quarantine);
    for (int i = 0; i < OUTS; i++) {
        kt_delta_snapshot_free(ctx->out_s[i]);
        kt_delta_close(ctx->out[i]);
    }
    kt_transform_free(ctx->transform);
    kt_raw_loader_free(ctx->loader);
    kt_run_stats_index_free(ctx->stats_index);
    kt_quarantine_counter_free(ctx->quarantine_counter);
    kt_run_rows_free(&ctx->rows);
    free(ctx);
}

kt_status kt_process_ctx_new(const char *lake, const kt_process_options *opts, kt_process_ctx **out,
                             kt_error *err)
{
    *out = NULL;
    kt_process_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return kt_fail(err, KT_ERR_NOMEM, "process: context");
    kt_run_rows_init(&ctx->rows);
    if (opts) ctx->opts = *opts;
    if (ctx->opts.max_attempts <= 0) ctx->opts.max_attempts = 8;
    const kt_delta_options *d = &ctx->opts.delta;
    kt_status st = kt_delta_open_in_lake(lake, KT_PROCESS_RAW_TABLE, d, &ctx->raw, err);
    if (st == KT_OK && !kt_delta_exists(ctx->raw))
        st = kt_fail(err, KT_ERR_NOT_FOUND, "lake %s has no raw table (nothing ingested yet)", lake);
    if (st == KT_OK) st = kt_delta_open_in_lake(lake, KT_PROCESS_QUARANTINE_TABLE, d, &ctx->quarantine, err);
    if (st == KT_OK) st = kt_process_create_tables(lake, d, err);
    /* Output files get smaller row groups than the writer's default: the writer's
     * buffers then stay small and are reused within a file (write time -40 % and
     * peak RSS -50 % on 10-minute runs, docs/PROCESS.md); readers still get
     * 256 KiB per column chunk. */
    kt_delta_options od = *d;
    if (!od.row_group_rows) od.row_group_rows = KT_PROCESS_ROW_GROUP_ROWS;
    for (int i = 0; st == KT_OK && i < OUTS; i++) st = kt_delta_open_in_lake(lake, out_names[i], &od, &ctx->out[i], err);
    if (st == KT_OK) {
        ctx->transform = kt_transform_new(ctx->opts.scratch_limit);
        ctx->loader = kt_raw_loader_new();
        ctx->stats_index = kt_run_stats_index_new();
        ctx->quarantine_counter = kt_quarantine_counter_new();
        if (!ctx->transform || !ctx->loader || !ctx->stats_index || !ctx->quarantine_counter)
            st = kt_fail(err, KT_ERR_NOMEM, "process: context");
    }
    if (st != KT_OK) {
        kt_process_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return KT_OK;
}

const kt_delta_snapshot *kt_process_raw_snapshot(const kt_process_ctx *ctx)
{
    return ctx->raw_s;
}

/* Loads the latest snapshot, or advances the one held (new commits only). */
static kt_status refresh(kt_delta_table *t, kt_delta_snapshot **s, kt_error *err)
{
    kt_status st = *s ? kt_delta_snapshot_update(*s, err) : kt_delta_snapshot_load(t, -1, s, err);
    if (st != KT_OK) {
        kt_delta_snapshot_free(*s);   /* unusable after a failed update */
        *s = NULL;
    }
    return st;
}

static kt_status refresh_all(kt_process_ctx *ctx, kt_error *err)
{
    KT_TRY(refresh(ctx->raw, &ctx->raw_s, err));
    for (int i = 0; !ctx->g.x[0] && i < OUTS; i++) KT_TRY(refresh(ctx->out[i], &ctx->out_s[i], err));
    if (!ctx->quarantine_s && !kt_delta_exists(ctx->quarantine)) return KT_OK;
    return refresh(ctx->quarantine, &ctx->quarantine_s, err);
}

/* ---- helpers ------------------------------------------------------------ */

typedef struct stopwatch {
    int64_t wall_ns, cpu_ns;
} stopwatch;

static stopwatch start_watch(void)
{
    return (stopwatch){ kt_clock_mono_ns(), kt_clock_thread_cpu_ns() };
}

static void stop_watch(stopwatch w, double *wall, double *cpu)
{
    *wall += (double)(kt_clock_mono_ns() - w.wall_ns) * 1e-9;
    *cpu += (double)(kt_clock_thread_cpu_ns() - w.cpu_ns) * 1e-9;
}

static void app_id_of(const char *run, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", KT_PROCESS_APP_PREFIX, run);
}

static kt_status check_run_id(const char *run, kt_error *err)
{
    if (!run || !run[0]) return kt_fail(err, KT_ERR_USAGE, "process: empty run id");
    if (strlen(run) >= KT_RUN_STATS_ID_MAX)
        return kt_fail(err, KT_ERR_USAGE, "process: run id longer than %d bytes", KT_RUN_STATS_ID_MAX - 1);
    return KT_OK;
}

static void app_versions(const kt_process_ctx *ctx, const char *app, int64_t v[OUTS])
{
    for (int i = 0; i < OUTS; i++)
        if (!kt_delta_snapshot_app_version(ctx->out_s[i], app, &v[i])) v[i] = -1;
}

/* ---- currency ------------------------------------------------------------- */

static kt_status currency(kt_process_ctx *ctx, const kt_raw_run *run, const kt_transform_config *cfg,
                          kt_process_currency *out, kt_error *err)
{
    char app[APP_ID_MAX];
    app_id_of(run->run_uuid, app, sizeof app);
    app_versions(ctx, app, out->txn_version);
    out->raw_max_add_version = run->max_add_version;
    out->current = false;
    int64_t n = out->txn_version[0];
    if (n < 0) {
        out->why = "never processed";
        return KT_OK;
    }
    if (out->txn_version[1] != n || out->txn_version[2] != n) {
        out->why = "an earlier processing did not finish";
        return KT_OK;
    }
    if ((n >> KT_PROCESS_TXN_SHIFT) < run->max_add_version) {
        out->why = "new input";
        return KT_OK;
    }
    kt_run_stats_found found;
    KT_TRY(kt_run_stats_table_lookup(ctx->stats_index, ctx->out[OUT_STATS], ctx->out_s[OUT_STATS],
                                     run->run_uuid, &found, err));
    char hash[17];
    kt_transform_config_hash_hex(cfg, hash);
    if (found.rows != 1) out->why = found.rows ? "several run_stats rows" : "no run_stats row";
    else if (strcmp(found.config_hash, hash) != 0) out->why = "config changed";
    else out->current = true;
    return KT_OK;
}

static kt_status find_run(kt_process_ctx *ctx, const char *run_uuid, kt_raw_run *run, kt_error *err)
{
    bool found;
    KT_TRY(kt_raw_run_get(ctx->raw_s, run_uuid, run, &found, err));
    if (!found) return kt_fail(err, KT_ERR_NOT_FOUND, "run %s has no readings in raw", run_uuid);
    return KT_OK;
}

kt_status kt_process_run_current(kt_process_ctx *ctx, const char *run_uuid, const kt_transform_config *cfg,
                                 kt_process_currency *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    KT_TRY(check_run_id(run_uuid, err));
    KT_TRY(refresh_all(ctx, err));
    kt_raw_run run;
    KT_TRY(find_run(ctx, run_uuid, &run, err));
    kt_status st = currency(ctx, &run, cfg, out, err);
    kt_raw_run_release(&run);
    return st;
}

/* ---- writing -------------------------------------------------------------- */

static kt_status produce_chunk(void *rows, size_t first, size_t n, size_t col, const kt_column **out,
                               kt_error *err)
{
    return kt_run_rows_column(rows, first, n, col, out, err);
}

static kt_status begin_partition(kt_process_ctx *ctx, int table, const char *const *pv, kt_delta_txn **x,
                                 kt_error *err)
{
    KT_TRY(kt_delta_txn_begin(ctx->out[table], ctx->out_s[table], x, err));
    return kt_delta_txn_replace_partitions(*x, KT_PROCESS_PARTITION_COLUMN, pv, 1, err);
}

static kt_status group_reserve(group *g)
{
    if (g->count < g->cap) return KT_OK;
    size_t cap = g->cap ? 2 * g->cap : 8;
    kt_run_stats *rows = realloc(g->rows, cap * sizeof *rows);
    if (rows) g->rows = rows;
    char (*apps)[APP_ID_MAX] = rows ? realloc(g->apps, cap * sizeof *apps) : NULL;
    if (apps) g->apps = apps;
    int64_t *versions = apps ? realloc(g->versions, cap * sizeof *versions) : NULL;
    if (!versions) return KT_ERR_NOMEM;
    g->versions = versions;
    g->cap = cap;
    return KT_OK;
}

/* Hands a run's two partition transactions to the open group (opening it). */
static kt_status group_absorb(kt_process_ctx *ctx, kt_delta_txn *xa, kt_delta_txn *xf, kt_error *err)
{
    group *g = &ctx->g;
    if (group_reserve(g) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "process: out of memory staging a run");
    kt_delta_txn *x[2] = { xa, xf };
    for (int i = 0; i < 2; i++) {
        if (!g->x[i]) KT_TRY(kt_delta_txn_begin(ctx->out[i], ctx->out_s[i], &g->x[i], err));
        KT_TRY(kt_delta_txn_absorb(g->x[i], x[i], err));
    }
    return KT_OK;
}

/* aligned and features: both files written in one pass, a row group and a
 * column at a time from the run's series (never holding the tables; the 16
 * shared columns computed and encoded once), then two commits in order, or
 * both staged into the open group. */
static kt_status commit_partitions(kt_process_ctx *ctx, const char *run, const kt_run_output *out, const char *app,
                                   int64_t n, kt_process_result *res, kt_error *err)
{
    const char *pv[1] = { run };
    kt_delta_txn *xa = NULL, *xf = NULL;
    kt_run_rows_start(&ctx->rows, &out->series);
    kt_status st = begin_partition(ctx, OUT_ALIGNED, pv, &xa, err);
    if (st == KT_OK) st = begin_partition(ctx, OUT_FEATURES, pv, &xf, err);
    if (st == KT_OK && out->rows > 0)
        st = kt_delta_txn_write_partition_chunks_pair(xa, pv, KT_ALIGNED_COLUMNS, xf, pv,
                                                      KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS, out->rows,
                                                      produce_chunk, &ctx->rows, err);
    if (st == KT_OK) st = kt_delta_txn_set_app_version(xa, app, n, err);
    if (st == KT_OK) st = kt_delta_txn_set_app_version(xf, app, n, err);
    if (ctx->opts.group_commit) {
        if (st == KT_OK && (st = group_absorb(ctx, xa, xf, err)) != KT_OK) {
            ctx->g.broken = st;   /* it may hold half this run: its runs fail at the group commit */
            ctx->g.broken_err = *err;
        }
    } else {
        if (st == KT_OK) st = kt_delta_txn_commit(xa, &res->aligned_version, err);
        if (st == KT_OK) st = kt_delta_txn_commit(xf, &res->features_version, err);
    }
    kt_delta_txn_free(xf);
    kt_delta_txn_free(xa);
    return st;
}

static bool group_holds(const group *g, const char *app)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->apps[i], app) == 0) return true;
    return false;
}

static kt_status write_outputs(kt_process_ctx *ctx, const kt_run_output *out, kt_process_result *res,
                               kt_error *err)
{
    const char *run = res->run_uuid;
    char app[APP_ID_MAX];
    app_id_of(run, app, sizeof app);
    if (ctx->opts.group_commit && ctx->g.broken != KT_OK) {
        if (ctx->g.count > 0) {   /* its staged runs fail at the group commit; so do newcomers */
            *err = ctx->g.broken_err;
            return ctx->g.broken;
        }
        group_reset(&ctx->g);     /* nothing staged to protect: start afresh */
    }
    if (ctx->opts.group_commit && group_holds(&ctx->g, app))
        return kt_fail(err, KT_ERR_USAGE, "process: run %s is staged twice for one commit", run);
    int64_t v[OUTS], n = res->raw_version << KT_PROCESS_TXN_SHIFT;
    app_versions(ctx, app, v);
    for (int i = 0; i < OUTS; i++)
        if (v[i] >= n) n = v[i] + 1;
    res->txn_version = n;
    KT_TRY(commit_partitions(ctx, run, out, app, n, res, err));
    res->output_bytes = kt_run_rows_bytes(&ctx->rows);
    if (ctx->opts.group_commit) {
        group *g = &ctx->g;
        g->rows[g->count] = res->stats;
        snprintf(g->apps[g->count], sizeof g->apps[g->count], "%s", app);
        g->versions[g->count++] = n;
        res->staged = true;
        return KT_OK;
    }
    return kt_run_stats_table_replace(ctx->stats_index, ctx->out[OUT_STATS], ctx->out_s[OUT_STATS], &res->stats,
                                      app, n, &res->run_stats_version, err);
}

/* ---- group commit --------------------------------------------------------- */

size_t kt_process_group_size(const kt_process_ctx *ctx)
{
    return ctx->g.count;
}

kt_status kt_process_group_commit(kt_process_ctx *ctx, kt_process_group_versions *v, kt_error *err)
{
    v->aligned = v->features = v->run_stats = -1;
    group *g = &ctx->g;
    if (g->count == 0 && g->broken == KT_OK) return KT_OK;
    kt_status st = g->broken;
    if (st != KT_OK) *err = g->broken_err;
    if (st == KT_OK) st = kt_delta_txn_commit(g->x[0], &v->aligned, err);
    if (st == KT_OK) st = kt_delta_txn_commit(g->x[1], &v->features, err);
    const char **apps = st == KT_OK ? calloc(g->count, sizeof *apps) : NULL;
    if (st == KT_OK && !apps) st = kt_fail(err, KT_ERR_NOMEM, "process: out of memory committing runs");
    for (size_t i = 0; apps && i < g->count; i++) apps[i] = g->apps[i];
    if (st == KT_OK)
        st = kt_run_stats_table_replace_many(ctx->stats_index, ctx->out[OUT_STATS], ctx->out_s[OUT_STATS], g->rows,
                                             apps, g->versions, g->count, &v->run_stats, err);
    free(apps);
    group_reset(g);
    return st;
}

/* ---- one attempt ---------------------------------------------------------- */

static kt_status fill_caller_stats(kt_process_ctx *ctx, kt_process_result *res, kt_error *err)
{
    kt_run_stats *s = &res->stats;
    snprintf(s->run_uuid, sizeof s->run_uuid, "%s", res->run_uuid);
    snprintf(s->input_fingerprint, sizeof s->input_fingerprint, "%s", res->input_fingerprint);
    snprintf(res->config_hash, sizeof res->config_hash, "%s", s->config_hash);
    s->processed_at_us = kt_clock_wall_us();
    return kt_quarantine_count(ctx->quarantine_counter, ctx->quarantine, ctx->quarantine_s, res->run_uuid,
                               &s->quarantined_rows, err);
}

/* True when --skip-current applies and the run's outputs are current. */
static kt_status skip_if_current(kt_process_ctx *ctx, const kt_raw_run *run, const kt_transform_config *cfg,
                                 kt_process_result *res, kt_error *err)
{
    if (!ctx->opts.skip_current) return KT_OK;
    kt_process_currency c;
    KT_TRY(currency(ctx, run, cfg, &c, err));
    res->skipped = c.current;
    if (c.current) res->txn_version = c.txn_version[0];
    return KT_OK;
}

static kt_status read_step(kt_process_ctx *ctx, const kt_raw_run *run, const kt_reading **readings,
                           kt_process_result *res, kt_error *err)
{
    stopwatch w = start_watch();
    kt_raw_load_info info;
    KT_TRY(kt_raw_load_run(ctx->loader, kt_delta_dir(ctx->raw), run, ctx->opts.max_readings, readings, &info,
                           err));
    stop_watch(w, &res->read_s, &res->read_cpu_s);
    res->readings = (int64_t)info.readings;
    res->readings_bytes = info.readings_bytes;
    res->reader_peak_bytes = info.reader_peak_bytes;
    snprintf(res->input_fingerprint, sizeof res->input_fingerprint, "%s", info.content_fingerprint);
    return KT_OK;
}

/* Transforms the loaded readings in their own array (the sort overwrites them),
 * then lends the scratch left unused to the output rows: usually the output
 * stage allocates no slice of its own. */
static kt_status transform_step(kt_process_ctx *ctx, const kt_transform_config *cfg, const kt_run_output **out,
                                kt_process_result *res, kt_error *err)
{
    stopwatch w = start_watch();
    size_t bytes;
    kt_reading *readings = kt_raw_loader_buffer(ctx->loader, &bytes);
    kt_status st = kt_transform_prepare(ctx->transform, cfg, readings, (size_t)res->readings, out, err);
    kt_run_rows_lend(&ctx->rows, st == KT_OK ? (*out)->spare : NULL, st == KT_OK ? (*out)->spare_bytes : 0);
    if (st != KT_OK) {
        kt_error_prefix(err, "run %s", res->run_uuid);
        return st;
    }
    stop_watch(w, &res->transform_s, &res->transform_cpu_s);
    res->stats = (*out)->stats;
    res->rows = (int64_t)(*out)->rows;
    res->scratch_bytes = (*out)->scratch_bytes;
    return fill_caller_stats(ctx, res, err);
}

static kt_status attempt(kt_process_ctx *ctx, const char *run_uuid, const kt_transform_config *cfg,
                         kt_process_result *res, kt_error *err)
{
    KT_TRY(refresh_all(ctx, err));
    kt_raw_run run;
    KT_TRY(find_run(ctx, run_uuid, &run, err));
    res->raw_version = kt_delta_snapshot_version(ctx->raw_s);
    res->raw_files = run.nfiles;
    kt_raw_run_files_fingerprint(&run, res->files_fingerprint);
    const kt_reading *readings = NULL;   /* consumed in place by transform_step */
    kt_status st = skip_if_current(ctx, &run, cfg, res, err);
    if (st == KT_OK && !res->skipped) st = read_step(ctx, &run, &readings, res, err);
    kt_raw_run_release(&run);
    if (st != KT_OK || res->skipped) return st;
    const kt_run_output *out;
    KT_TRY(transform_step(ctx, cfg, &out, res, err));
    stopwatch w = start_watch();
    st = write_outputs(ctx, out, res, err);
    stop_watch(w, &res->write_s, &res->write_cpu_s);
    return st;
}

kt_status kt_process_run(kt_process_ctx *ctx, const char *run_uuid, const kt_transform_config *cfg,
                         kt_process_result *res, kt_error *err)
{
    memset(res, 0, sizeof *res);
    snprintf(res->run_uuid, sizeof res->run_uuid, "%s", run_uuid ? run_uuid : "");
    KT_TRY(check_run_id(run_uuid, err));
    KT_TRY(kt_transform_config_validate(cfg, err));
    kt_status st = KT_OK;
    for (int a = 1; a <= ctx->opts.max_attempts; a++) {
        res->attempts = a;
        res->aligned_version = res->features_version = res->run_stats_version = -1;
        st = attempt(ctx, run_uuid, cfg, res, err);
        if (st != KT_ERR_CONFLICT) break;   /* a concurrent processing of this run: reload, redo */
    }
    return st;
}

/* ---- listing ------------------------------------------------------------- */

void kt_process_free_runs(char **runs, size_t count)
{
    for (size_t i = 0; runs && i < count; i++) free(runs[i]);
    free(runs);
}

kt_status kt_process_list_runs(kt_process_ctx *ctx, char ***runs, size_t *count, kt_error *err)
{
    *runs = NULL;
    *count = 0;
    KT_TRY(refresh(ctx->raw, &ctx->raw_s, err));
    kt_raw_runs list;
    KT_TRY(kt_raw_runs_list(ctx->raw_s, &list, err));
    char **names = calloc(list.count ? list.count : 1, sizeof *names);
    kt_status st = names ? KT_OK : KT_ERR_NOMEM;
    for (size_t i = 0; st == KT_OK && i < list.count; i++)
        if (!(names[i] = strdup(list.runs[i].run_uuid))) st = KT_ERR_NOMEM;
    if (st != KT_OK) {
        kt_process_free_runs(names, list.count);
        kt_raw_runs_free(&list);
        return kt_fail(err, st, "process: listing %zu runs", list.count);
    }
    *runs = names;
    *count = list.count;
    kt_raw_runs_free(&list);
    return KT_OK;
}
