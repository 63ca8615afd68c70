/*
 * gen/emit.c — the generator's engine: a pool of threads, each taking the
 * next output file (job), walking the runs that can send rows there in
 * one-second chunks, keeping the readings routed to it, scattering them
 * into a pre-shuffled window and handing each full window to the sink as
 * the six source columns.
 */
#include "gen/emit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gen/anomaly.h"
#include "gen/isotime.h"
#include "gen/rng.h"

enum { CHUNK_MS = 1000, DEFAULT_WINDOW = 65536 };

typedef struct gen_row {
    int64_t t_ms;
    double value;
    uint32_t run;
    uint8_t stream, slot;
    int32_t tag;            /* anomaly index, -1 = a plain reading */
} gen_row;

/* Recently computed samples of one stream: x, y and z (or fx, fy, fz) of a
 * sample come from one evaluation even when they are emitted apart. */
enum { RING = 256 };
typedef struct sample_ring {
    int64_t index[RING];
    int64_t t[RING];
    double v[RING][KT_GEN_SLOTS];
    uint64_t noise_keys[KT_GEN_SLOTS];
} sample_ring;

/* Per-series walking state inside one run. */
typedef struct series_cursor {
    int64_t next_block, nblocks;
    uint64_t route_key;
    size_t plan[16];        /* mutation/tag anomalies of this series, by reading index */
    size_t nplan, plan_pos;
} series_cursor;

typedef struct job_ctx {
    kt_gen_model *m;
    const kt_gen_sink *sink;
    int job;
    size_t window;
    gen_row *rows;
    uint32_t *order;        /* the window's slot permutation (start_window) */
    size_t nrows;
    kt_column cols[KT_GEN_NCOLS];
    kt_gen_timefmt tf;
    void *file;
    int64_t written;
    uint64_t windows;
    size_t *extras;         /* added rows this job writes, by (run, time) */
    size_t nextras, extra_pos;
    sample_ring *rings;     /* KT_GEN_STREAMS of them */
    char relpath[96];
} job_ctx;

static int cmp_reading(const kt_gen_anomaly *a, const kt_gen_anomaly *b)
{
    if (a->run != b->run) return a->run < b->run ? -1 : 1;
    if (a->t_ms != b->t_ms) return a->t_ms < b->t_ms ? -1 : 1;
    return 0;
}

/* Insertion sort: a handful of entries. */
static void sort_ids(const kt_gen_model *m, size_t *ids, size_t n, int by_index)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = ids[i], j = i;
        while (j > 0) {
            const kt_gen_anomaly *p = &m->anomalies[ids[j - 1]], *q = &m->anomalies[v];
            int after = by_index ? p->index > q->index : cmp_reading(p, q) > 0;
            if (!after) break;
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = v;
    }
}

/* ---- window: shuffle, format, hand to the sink ---- */

/* Appends into capacity reserved beforehand (flush_window reserves the whole window). */
static inline void put_bytes_reserved(kt_column *col, const char *p, size_t n)
{
    int64_t off = col->offsets[col->len];
    for (size_t i = 0; i < n; i++) col->bytes[off + (int64_t)i] = p[i];
    if (col->valid) col->valid[col->len] = 1;
    col->offsets[++col->len] = off + (int64_t)n;
}

static inline void put_fixed_reserved(kt_column *col, const void *v, size_t width)
{
    memcpy((char *)col->values + col->len * width, v, width);
    if (col->valid) col->valid[col->len] = 1;
    col->len++;
}

static const uint8_t NAME_LEN[2][KT_GEN_SLOTS] = { { 1, 1, 1 }, { 2, 2, 2 } };

/* A plain reading: no function calls beyond the time formatter. */
static kt_status put_plain_row(job_ctx *c, const gen_row *row, kt_error *err)
{
    kt_column *col = c->cols;
    kt_column *tc = &col[KT_GEN_COL_TIME];
    int64_t off = tc->offsets[tc->len];
    size_t n = kt_gen_timefmt_format(&c->tf, row->t_ms, tc->bytes + off);
    if (!n) return kt_fail(err, KT_ERR_USAGE, "%s: time %lld ms is outside years 0000..9999",
                           c->relpath, (long long)row->t_ms);
    if (tc->valid) tc->valid[tc->len] = 1;
    tc->offsets[++tc->len] = off + (int64_t)n;
    put_fixed_reserved(&col[KT_GEN_COL_VALUE], &row->value, sizeof(double));
    bool enc = kt_gen_stream_is_encoder(row->stream);
    put_bytes_reserved(&col[KT_GEN_COL_FIELD], kt_gen_field_name(row->stream, row->slot),
                       NAME_LEN[enc ? 0 : 1][row->slot]);
    int64_t robot = kt_gen_stream_robot(row->stream);
    put_fixed_reserved(&col[KT_GEN_COL_ROBOT], &robot, sizeof robot);
    put_fixed_reserved(&col[KT_GEN_COL_RUN], &c->m->runs[row->run].id_double, sizeof(double));
    put_bytes_reserved(&col[KT_GEN_COL_SENSOR], enc ? "encoder" : "load_cell", enc ? 7 : 9);
    return KT_OK;
}

/* A row carrying an anomaly: whatever the plan overrides. */
static kt_status put_row(job_ctx *c, const gen_row *row, kt_error *err)
{
    if (row->tag < 0) return put_plain_row(c, row, err);
    const kt_gen_model *m = c->m;
    const kt_gen_run *r = &m->runs[row->run];
    const kt_gen_anomaly *a = &m->anomalies[row->tag];
    unsigned ov = a->overrides;
    kt_column *col = c->cols;
    kt_status s = KT_OK;
    char tbuf[KT_GEN_ISO_MAX];
    if (ov & KT_GEN_OV_TIME_NULL) {
        s = kt_column_push_null(&col[KT_GEN_COL_TIME]);
    } else if (ov & KT_GEN_OV_TIME_TEXT) {
        s = kt_column_push_bytes(&col[KT_GEN_COL_TIME], a->time_text, strlen(a->time_text));
    } else {
        size_t n = kt_gen_timefmt_format(&c->tf, row->t_ms, tbuf);
        if (!n) return kt_fail(err, KT_ERR_USAGE, "%s: time %lld ms is outside years 0000..9999",
                               c->relpath, (long long)row->t_ms);
        s = kt_column_push_bytes(&col[KT_GEN_COL_TIME], tbuf, n);
    }
    if (s == KT_OK) s = (ov & KT_GEN_OV_VALUE_NULL) ? kt_column_push_null(&col[KT_GEN_COL_VALUE])
                                                    : kt_column_push_double(&col[KT_GEN_COL_VALUE], row->value);
    const char *field = (ov & KT_GEN_OV_FIELD) ? a->field_text : kt_gen_field_name(row->stream, row->slot);
    if (s == KT_OK) s = kt_column_push_bytes(&col[KT_GEN_COL_FIELD], field, strlen(field));
    int64_t robot = (ov & KT_GEN_OV_ROBOT) ? a->robot_id : kt_gen_stream_robot(row->stream);
    if (s == KT_OK) s = kt_column_push_i64(&col[KT_GEN_COL_ROBOT], robot);
    if (s == KT_OK) s = (ov & KT_GEN_OV_RUN_NULL) ? kt_column_push_null(&col[KT_GEN_COL_RUN])
                                                  : kt_column_push_double(&col[KT_GEN_COL_RUN], r->id_double);
    const char *sensor = (ov & KT_GEN_OV_SENSOR) ? a->sensor_text : kt_gen_sensor_name(row->stream);
    if (s == KT_OK) s = kt_column_push_bytes(&col[KT_GEN_COL_SENSOR], sensor, strlen(sensor));
    if (s != KT_OK) return kt_fail(err, s, "%s: out of memory building a batch", c->relpath);
    return KT_OK;
}

enum { HOLE = INT32_MIN };  /* tag of a window slot no row was scattered to */

/* A random permutation of the window's slots, drawn when the window starts: row k of
 * the window is stored at slot order[k]. Scattering on the way in (stores do not stall)
 * and reading slots in order on the way out beats gathering through a shuffled index. */
static void start_window(job_ctx *c)
{
    kt_gen_rng g;
    kt_gen_rng_seed(&g, kt_gen_subkey(kt_gen_subkey(c->m->seed ^ 0x73687566666c65ULL, (uint64_t)c->job),
                                      c->windows++));
    for (size_t i = 0; i < c->window; i++) c->order[i] = (uint32_t)i;
    for (size_t i = c->window - 1; i > 0; i--) {
        size_t j = (size_t)kt_gen_rng_below(&g, i + 1);
        uint32_t t = c->order[i];
        c->order[i] = c->order[j];
        c->order[j] = t;
    }
}

static kt_status flush_window(job_ctx *c, kt_error *err)
{
    size_t n = c->nrows;
    if (!n) return KT_OK;
    /* a partial window (the file's last) has holes: mark them, then skip them */
    for (size_t k = n; k < c->window; k++) c->rows[c->order[k]].tag = HOLE;
    /* room for the whole window up front: plain rows then append without checks
     * (anomaly rows go through the checked pushes; their strings are short) */
    bool ok = true;
    for (int k = 0; k < KT_GEN_NCOLS; k++) {
        kt_column_clear(&c->cols[k]);
        size_t bytes = k == KT_GEN_COL_TIME ? n * KT_GEN_ISO_MAX + 64 : k == KT_GEN_COL_FIELD ? n * 2 + 64
                       : k == KT_GEN_COL_SENSOR ? n * 9 + 64 : 0;
        ok = ok && kt_column_reserve(&c->cols[k], n, bytes) == KT_OK;
    }
    if (!ok) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory building a batch", c->relpath);
    size_t slots = n == c->window ? n : c->window, row = 0;
    for (size_t i = 0; i < slots; i++) {
        const gen_row *r = &c->rows[i];
        if (r->tag == HOLE) continue;
        KT_TRY(put_row(c, r, err));
        if (r->tag >= 0) {
            c->m->anomalies[r->tag].out_job = c->job;
            c->m->anomalies[r->tag].out_row = c->written + (int64_t)row;
        }
        row++;
    }
    if (row != n) return kt_fail(err, KT_ERR_INTERNAL, "%s: window lost rows (%zu of %zu)", c->relpath, row, n);
    if (!c->file) KT_TRY(c->sink->open(c->sink->ctx, c->job, c->relpath, &c->file, err));
    KT_TRY(c->sink->write(c->sink->ctx, c->file, c->cols, n, err));
    c->written += (int64_t)n;
    c->nrows = 0;
    return KT_OK;
}

static inline kt_status push(job_ctx *c, int64_t t, double v, size_t run, int stream, int slot,
                             int32_t tag, kt_error *err)
{
    if (c->nrows == c->window) KT_TRY(flush_window(c, err));
    if (c->nrows == 0) start_window(c);
    c->rows[c->order[c->nrows++]] = (gen_row){ .t_ms = t, .value = v, .run = (uint32_t)run,
                                               .stream = (uint8_t)stream, .slot = (uint8_t)slot, .tag = tag };
    return KT_OK;
}

/* ---- walking a run ---- */

static bool day_reaches(const kt_gen_model *m, const kt_gen_run *r, int job)
{
    if (m->has_late && job == kt_gen_late_job(m)) return false;
    int d = kt_gen_job_day(m, job);
    return d >= r->home_day && d < r->home_day + m->spread;
}

/* Must agree with kt_gen_destination (the anomaly plan uses that one). */
static int block_destination(const job_ctx *c, size_t run, const series_cursor *sc, int64_t block,
                             int64_t block_t)
{
    const kt_gen_model *m = c->m;
    if (m->has_late && run == m->late_run) {
        int64_t at = block_t - m->runs[run].start_ms;
        if (at >= m->late_from_ms && at < m->late_to_ms) return kt_gen_late_job(m);
    }
    return kt_gen_route_keyed(m, &m->runs[run], sc->route_key, block);
}

/* Slot values of sample i of a stream (time t), computed once per ring residency. */
static const double *sample_values(job_ctx *c, const kt_gen_run *r, int stream, int64_t i, int64_t t)
{
    sample_ring *ring = &c->rings[stream];
    size_t k = (size_t)i & (RING - 1);
    if (ring->index[k] != i) {
        kt_gen_sample(c->m, r, stream, i, t, ring->noise_keys, ring->v[k]);
        ring->index[k] = i;
        ring->t[k] = t;
    }
    return ring->v[k];
}

static kt_status emit_block(job_ctx *c, size_t run, int stream, int slot, series_cursor *sc,
                            int64_t block, int64_t first_t, kt_error *err)
{
    const kt_gen_model *m = c->m;
    const kt_gen_run *r = &m->runs[run];
    sample_ring *ring = &c->rings[stream];
    int64_t lo = block * m->block, hi = lo + m->block;
    if (hi > r->streams[stream].count) hi = r->streams[stream].count;
    for (int64_t i = lo; i < hi; i++) {
        size_t k = (size_t)i & (RING - 1);
        int64_t t = i == lo ? first_t : ring->index[k] == i ? ring->t[k] : kt_gen_time_ms(r, stream, i);
        double v = sample_values(c, r, stream, i, t)[slot];
        int32_t tag = -1;
        while (sc->plan_pos < sc->nplan && m->anomalies[sc->plan[sc->plan_pos]].index < i) sc->plan_pos++;
        if (sc->plan_pos < sc->nplan && m->anomalies[sc->plan[sc->plan_pos]].index == i) {
            const kt_gen_anomaly *a = &m->anomalies[sc->plan[sc->plan_pos]];
            tag = (int32_t)sc->plan[sc->plan_pos];
            if (a->overrides & KT_GEN_OV_VALUE) v = a->value;
        }
        KT_TRY(push(c, t, v, run, stream, slot, tag, err));
    }
    return KT_OK;
}

static kt_status emit_extras(job_ctx *c, size_t run, int64_t before, kt_error *err)
{
    const kt_gen_model *m = c->m;
    while (c->extra_pos < c->nextras) {
        size_t id = c->extras[c->extra_pos];
        const kt_gen_anomaly *a = &m->anomalies[id];
        if (a->run != run || a->t_ms >= before) break;
        const kt_gen_run *r = &m->runs[run];
        double v = (a->overrides & KT_GEN_OV_VALUE) ? a->value
                                                    : kt_gen_value(m, r, a->stream, a->slot, a->index, a->t_ms);
        KT_TRY(push(c, a->t_ms, v, run, a->stream, a->slot, (int32_t)id, err));
        c->extra_pos++;
    }
    return KT_OK;
}

static void init_cursors(job_ctx *c, size_t run, series_cursor cur[KT_GEN_STREAMS][KT_GEN_SLOTS])
{
    const kt_gen_model *m = c->m;
    const kt_gen_run *r = &m->runs[run];
    memset(cur, 0, sizeof(series_cursor) * KT_GEN_STREAMS * KT_GEN_SLOTS);
    for (int s = 0; s < KT_GEN_STREAMS; s++) {
        for (size_t k = 0; k < RING; k++) c->rings[s].index[k] = -1;
        kt_gen_noise_keys(r, s, c->rings[s].noise_keys);
    }
    for (int s = 0; s < KT_GEN_STREAMS; s++) {
        for (int j = 0; j < KT_GEN_SLOTS; j++) {
            series_cursor *sc = &cur[s][j];
            if (!r->streams[s].count || !(r->streams[s].slots & (1u << j))) continue;
            sc->nblocks = (r->streams[s].count + m->block - 1) / m->block;
            sc->route_key = kt_gen_route_key(m, r, s, j);
            for (size_t a = 0; a < m->nanomalies && sc->nplan < 16; a++) {
                const kt_gen_anomaly *an = &m->anomalies[a];
                if (an->job < 0 && an->run == run && an->stream == s && an->slot == j)
                    sc->plan[sc->nplan++] = a;
            }
            sort_ids(m, sc->plan, sc->nplan, 1);
        }
    }
}

static bool run_has_extras(const job_ctx *c, size_t run)
{
    for (size_t i = c->extra_pos; i < c->nextras; i++)
        if (c->m->anomalies[c->extras[i]].run == run) return true;
    return false;
}

static kt_status emit_run(job_ctx *c, size_t run, kt_error *err)
{
    const kt_gen_model *m = c->m;
    const kt_gen_run *r = &m->runs[run];
    bool late_here = m->has_late && run == m->late_run && c->job == kt_gen_late_job(m);
    bool readings = day_reaches(m, r, c->job) || late_here;
    if (!readings && !run_has_extras(c, run)) return KT_OK;
    series_cursor cur[KT_GEN_STREAMS][KT_GEN_SLOTS];
    init_cursors(c, run, cur);
    int64_t stop = kt_gen_run_stop_ms(r);
    for (int64_t end = r->start_ms + CHUNK_MS;; end += CHUNK_MS) {
        for (int s = 0; readings && s < KT_GEN_STREAMS; s++) {
            for (int j = 0; j < KT_GEN_SLOTS; j++) {
                series_cursor *sc = &cur[s][j];
                while (sc->next_block < sc->nblocks) {
                    int64_t b = sc->next_block;
                    int64_t bt = kt_gen_time_ms(r, s, b * m->block);
                    if (bt >= end) break;
                    if (block_destination(c, run, sc, b, bt) == c->job)
                        KT_TRY(emit_block(c, run, s, j, sc, b, bt, err));
                    sc->next_block++;
                }
            }
        }
        KT_TRY(emit_extras(c, run, end, err));
        if (end > stop) break;
    }
    return KT_OK;
}

static kt_status run_job(job_ctx *c, kt_error *err)
{
    const kt_gen_model *m = c->m;
    if (kt_gen_job_path(m, c->job, c->relpath, sizeof c->relpath) != KT_OK)
        return kt_fail(err, KT_ERR_USAGE, "delivery day %d is outside years 0000..9999",
                       kt_gen_job_day(m, c->job));
    c->nextras = 0;
    for (size_t a = 0; a < m->nanomalies; a++)
        if (m->anomalies[a].job == c->job && m->anomalies[a].kind != KT_GEN_A_LATE_DELIVERY)
            c->extras[c->nextras++] = a;
    sort_ids(m, c->extras, c->nextras, 0);
    for (size_t run = 0; run < m->nruns; run++) KT_TRY(emit_run(c, run, err));
    KT_TRY(flush_window(c, err));
    if (c->file) {
        void *f = c->file;
        c->file = NULL;
        KT_TRY(c->sink->close(c->sink->ctx, f, err));
    }
    return KT_OK;
}

/* ---- the pool ---- */

typedef struct pool {
    kt_gen_model *m;
    const kt_gen_sink *sink;
    size_t window;
    int njobs;
    atomic_int next;
    atomic_bool failed;
    int64_t *rows_per_job;
} pool;

typedef struct worker {
    pool *p;
    int failed_job;         /* -1 = none */
    kt_error err;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    job_ctx c;
    memset(&c, 0, sizeof c);
    c.m = p->m;
    c.sink = p->sink;
    c.window = p->window;
    c.rows = malloc(p->window * sizeof *c.rows);
    c.order = p->window <= UINT32_MAX ? malloc(p->window * sizeof *c.order) : NULL;
    c.extras = malloc((p->m->nanomalies + 1) * sizeof *c.extras);
    c.rings = malloc(KT_GEN_STREAMS * sizeof *c.rings);
    for (int k = 0; k < KT_GEN_NCOLS; k++)
        kt_column_init(&c.cols[k], k == KT_GEN_COL_VALUE || k == KT_GEN_COL_RUN ? KT_DOUBLE
                                   : k == KT_GEN_COL_ROBOT ? KT_INT64 : KT_BYTES);
    if (!c.rows || !c.order || !c.extras || !c.rings) {
        w->failed_job = 0;
        kt_fail(&w->err, KT_ERR_NOMEM, "gen: out of memory for a %zu-row window", p->window);
        atomic_store(&p->failed, true);
    }
    while (w->failed_job < 0 && !atomic_load(&p->failed)) {
        int job = atomic_fetch_add(&p->next, 1);
        if (job >= p->njobs) break;
        c.job = job;
        c.nrows = 0;
        c.written = 0;
        c.windows = 0;
        c.extra_pos = 0;
        kt_gen_timefmt_init(&c.tf);
        if (run_job(&c, &w->err) != KT_OK) {
            if (c.file) p->sink->discard(p->sink->ctx, c.file);
            c.file = NULL;
            w->failed_job = job;
            atomic_store(&p->failed, true);
            break;
        }
        p->rows_per_job[job] = c.written;
    }
    for (int k = 0; k < KT_GEN_NCOLS; k++) kt_column_free(&c.cols[k]);
    free(c.rows);
    free(c.order);
    free(c.extras);
    free(c.rings);
    return NULL;
}

kt_status kt_gen_emit(kt_gen_model *m, const kt_gen_sink *sink, int threads, size_t window_rows,
                      int64_t *rows_per_job, kt_error *err)
{
    pool p = { .m = m, .sink = sink, .window = window_rows ? window_rows : DEFAULT_WINDOW,
               .njobs = kt_gen_num_jobs(m), .rows_per_job = rows_per_job };
    atomic_init(&p.next, 0);
    atomic_init(&p.failed, false);
    if (threads < 1) threads = 1;
    if (threads > p.njobs) threads = p.njobs;
    for (int j = 0; j < p.njobs; j++) rows_per_job[j] = 0;
    for (size_t a = 0; a < m->nanomalies; a++)
        if (m->anomalies[a].kind != KT_GEN_A_LATE_DELIVERY) m->anomalies[a].out_job = -1;
    worker *ws = calloc((size_t)threads, sizeof *ws);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!ws || !tids) {
        free(ws);
        free(tids);
        return kt_fail(err, KT_ERR_NOMEM, "gen: out of memory starting %d threads", threads);
    }
    int started = 0;
    for (int i = 0; i < threads; i++) {
        ws[i].p = &p;
        ws[i].failed_job = -1;
        if (i > 0 && pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0) break;
        started = i + 1;
    }
    worker_main(&ws[0]);  /* the calling thread works too */
    for (int i = 1; i < started; i++) pthread_join(tids[i], NULL);
    /* report the failure of the lowest job: the same message whatever the scheduling */
    int worst = -1;
    for (int i = 0; i < threads; i++)
        if (ws[i].failed_job >= 0 && (worst < 0 || ws[i].failed_job < ws[worst].failed_job)) worst = i;
    kt_status s = KT_OK;
    if (worst >= 0) {
        s = ws[worst].err.status;
        if (err) *err = ws[worst].err;
    }
    free(ws);
    free(tids);
    if (s != KT_OK) return s;
    for (size_t a = 0; a < m->nanomalies; a++)
        if (m->anomalies[a].out_job < 0)
            return kt_fail(err, KT_ERR_INTERNAL, "gen: anomaly %zu (%s) was never written", a,
                           kt_gen_anomaly_kind_name(m->anomalies[a].kind));
    return KT_OK;
}
