/*
 * pipeline/run_rows.c — output rows a slice at a time (see run_rows.h).
 *
 * Each of the 24 series keeps the cursor position at the slice's first
 * row (base) and, once walked, after its last (end): a column is placed
 * by walking from base, so a series can be read several times in one
 * slice (a channel for its column, its mask bits and a norm) and the next
 * slice starts where this one ended.
 */
#include "pipeline/run_rows.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_TIME = 0,
    COL_CHANNEL = 1,                          /* fx_1 .. z_2 */
    COL_MASK = COL_CHANNEL + KT_CHANNELS,     /* measured, interpolated, held */
    COL_MOTION = COL_MASK + 3,                /* vx_1 .. az_2: series KT_RUN_SERIES_VELOCITY.. */
    COL_NORM = COL_MOTION + 2 * KT_ROBOTS * KT_AXES, /* v1 v2 a1 a2 f1 f2 */
};

/* ---- the timeline ------------------------------------------------------- */

typedef struct timeline {
    const kt_run_series *src;
    kt_merge_iter merge;
    size_t next;   /* rows walked */
} timeline;

static void timeline_start(timeline *tl, const kt_run_series *src)
{
    tl->src = src;
    tl->next = 0;
    kt_merge_iter_init(&tl->merge, src->series, KT_CHANNELS);
}

static bool timeline_next(timeline *tl, int64_t *tau)
{
    const kt_run_series *s = tl->src;
    if (s->grid) {
        if (tl->next >= s->rows) return false;
        *tau = s->grid_start_us + (int64_t)tl->next * s->grid_period_us;
    } else if (!kt_merge_iter_next(&tl->merge, tau)) {
        return false;
    }
    tl->next++;
    return true;
}

/* ---- scan: row count and distances -------------------------------------- */

typedef struct robot_path {
    kt_series_cursor axis[KT_AXES];
    double prev[KT_AXES];
    bool prev_ok, counted;
    double total;
} robot_path;

static void path_start(robot_path *p, const kt_run_series *src, int robot)
{
    memset(p, 0, sizeof *p);
    for (int k = 0; k < KT_AXES; k++)
        p->axis[k] = kt_series_cursor_make(src->series[kt_channel_of((kt_field)(KT_FIELD_X + k), robot)],
                                           src->max_gap_us);
}

/* One row: a step is counted when this row and the previous both have all three axes. */
static void path_row(robot_path *p, int64_t tau, int64_t prev_tau, int64_t max_gap)
{
    double x[KT_AXES];
    bool ok = true;
    for (int k = 0; k < KT_AXES; k++) {
        x[k] = 0;
        if (kt_series_at(&p->axis[k], tau, &x[k]) == KT_CELL_NULL) ok = false;
    }
    if (ok && p->prev_ok && tau - prev_tau <= max_gap) {
        double sq = 0;
        for (int k = 0; k < KT_AXES; k++) {
            double d = x[k] - p->prev[k];
            sq += d * d;
        }
        p->total += sqrt(sq);
        p->counted = true;
    }
    p->prev_ok = ok;
    memcpy(p->prev, x, sizeof x);
}

static bool has_samples(const kt_run_series *src)
{
    for (int c = 0; c < KT_CHANNELS; c++)
        if (src->series[c].n) return true;
    return false;
}

kt_status kt_run_series_scan(kt_run_series *src, size_t max_rows, kt_run_distances *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    src->times_kept = false;
    if (!has_samples(src)) {
        src->rows = 0;
        return KT_OK;
    }
    if (src->grid && src->rows > max_rows)
        return kt_fail(err, KT_ERR_USAGE, "aligned: grid:%" PRId64 "us gives %zu rows, more than max_rows %zu",
                       src->grid_period_us, src->rows, max_rows);
    robot_path path[KT_ROBOTS];
    for (int r = 0; r < KT_ROBOTS; r++) path_start(&path[r], src, r + 1);
    timeline tl;
    timeline_start(&tl, src);
    int64_t tau, prev = 0;
    bool keep = !src->grid && src->times;
    while (timeline_next(&tl, &tau)) {
        for (int r = 0; r < KT_ROBOTS; r++) path_row(&path[r], tau, prev, src->max_gap_us);
        prev = tau;
        if (keep && tl.next <= src->times_cap) src->times[tl.next - 1] = tau;
    }
    src->times_kept = keep && tl.next <= src->times_cap;
    if (tl.next > max_rows)
        return kt_fail(err, KT_ERR_USAGE, "aligned: %zu distinct timestamps exceed max_rows %zu", tl.next,
                       max_rows);
    src->rows = tl.next;
    for (int r = 0; r < KT_ROBOTS; r++) {
        out->has[r] = path[r].counted;
        out->mm[r] = path[r].counted ? path[r].total : 0;
    }
    return KT_OK;
}

/* ---- slices --------------------------------------------------------------- */

void kt_run_rows_init(kt_run_rows *rr)
{
    memset(rr, 0, sizeof *rr);
}

static void drop_buffers(kt_run_rows *rr)
{
    if (rr->own) {
        free(rr->time);
        for (int m = 0; m < 3; m++) free(rr->mask[m]);
        free(rr->value);
        free(rr->valid);
    }
    rr->time = NULL;
    rr->mask[0] = rr->mask[1] = rr->mask[2] = NULL;
    rr->value = NULL;
    rr->valid = NULL;
    for (int i = 0; i < 6; i++) {
        rr->norm_sum[i] = NULL;
        rr->norm_ok[i] = NULL;
    }
    rr->cap = 0;
    rr->own = false;
}

void kt_run_rows_free(kt_run_rows *rr)
{
    drop_buffers(rr);
    kt_run_rows_init(rr);
}

size_t kt_run_rows_bytes(const kt_run_rows *rr)
{
    return rr->own ? rr->cap * KT_RUN_ROWS_ROW_BYTES : 0;
}

void kt_run_rows_lend(kt_run_rows *rr, void *buf, size_t bytes)
{
    if (!rr->own) drop_buffers(rr);   /* pointers into the previous loan */
    rr->lent = buf;
    rr->lent_bytes = buf ? bytes : 0;
}

static void rewind_rows(kt_run_rows *rr)
{
    kt_merge_iter_init(&rr->merge, rr->src->series, KT_CHANNELS);
    rr->first = rr->rows = 0;
    rr->masked = rr->walked = 0;
    memset(rr->base, 0, sizeof rr->base);
}

void kt_run_rows_start(kt_run_rows *rr, const kt_run_series *src)
{
    rr->src = src;
    rewind_rows(rr);
}

/* Carves a slice of `rows` out of the lent buffer: 8-byte items first, then 4-byte, then bytes. */
static bool use_lent(kt_run_rows *rr, size_t rows)
{
    if (!rr->lent || rows > rr->lent_bytes / KT_RUN_ROWS_ROW_BYTES) return false;
    drop_buffers(rr);
    char *p = rr->lent;
    rr->time = (int64_t *)(void *)p;
    rr->value = (double *)(void *)(p + rows * sizeof(int64_t));
    p += rows * (sizeof(int64_t) + sizeof(double));
    for (int m = 0; m < 3; m++) rr->mask[m] = (int32_t *)(void *)(p + (size_t)m * rows * sizeof(int32_t));
    rr->valid = (uint8_t *)(p + 3 * rows * sizeof(int32_t));
    rr->cap = rows;
    /* room left for the norm sums? */
    size_t norm_bytes = 6 * rows * (sizeof(double) + 1);
    if (rr->lent_bytes - rows * KT_RUN_ROWS_ROW_BYTES >= norm_bytes + 16) {
        char *q = (char *)(((uintptr_t)(rr->valid + rows) + 15) & ~(uintptr_t)15);
        for (int i = 0; i < 6; i++) rr->norm_sum[i] = (double *)(void *)(q + (size_t)i * rows * sizeof(double));
        q += 6 * rows * sizeof(double);
        for (int i = 0; i < 6; i++) rr->norm_ok[i] = (uint8_t *)q + (size_t)i * rows;
    }
    return true;
}

static kt_status reserve(kt_run_rows *rr, size_t rows, kt_error *err)
{
    if (!rr->own && rows <= rr->cap) return KT_OK;   /* carved from the loan already */
    if (use_lent(rr, rows)) return KT_OK;          /* preferred to buffers of its own */
    if (rr->own && rows <= rr->cap) return KT_OK;
    drop_buffers(rr);
    rr->own = true;
    rr->time = malloc(rows * sizeof *rr->time);
    for (int m = 0; m < 3; m++) rr->mask[m] = malloc(rows * sizeof *rr->mask[m]);
    rr->value = malloc(rows * sizeof *rr->value);
    rr->valid = malloc(rows);
    rr->cap = rows;
    if (rr->time && rr->mask[0] && rr->mask[1] && rr->mask[2] && rr->value && rr->valid) return KT_OK;
    drop_buffers(rr);
    return kt_fail(err, KT_ERR_NOMEM, "output rows: no memory for a slice of %zu rows", rows);
}

/* Moves to the slice [first, first + rows): the next one, or row 0. */
static kt_status seek(kt_run_rows *rr, size_t first, size_t rows, kt_error *err)
{
    if (first == rr->first && rows == rr->rows && (rows || first)) return KT_OK;
    if (first == 0 && rr->first + rr->rows != 0) rewind_rows(rr);
    if (first != rr->first + rr->rows || first + rows > rr->src->rows || first + rows < first)
        return kt_fail(err, KT_ERR_USAGE, "output rows: slice [%zu, %zu) asked after [%zu, %zu) of %zu rows", first,
                       first + rows, rr->first, rr->first + rr->rows, rr->src->rows);
    KT_TRY(reserve(rr, rows ? rows : 1, err));
    for (int k = 0; k < KT_RUN_SERIES; k++)
        if (rr->walked & (1u << k)) rr->base[k] = rr->end[k];
    rr->walked = rr->masked = 0;
    rr->t = rr->time;
    if (rr->src->times_kept) {
        rr->t = rr->src->times + first;
    } else {
        timeline tl = { rr->src, rr->merge, first };
        for (size_t i = 0; i < rows; i++)
            if (!timeline_next(&tl, &rr->time[i]))
                return kt_fail(err, KT_ERR_INTERNAL, "output rows: timeline ended at row %zu of %zu", first + i,
                               rr->src->rows);
        rr->merge = tl.merge;
    }
    for (int m = 0; m < 3; m++) memset(rr->mask[m], 0, rows * sizeof *rr->mask[m]);
    memset(rr->norm_axes, 0, sizeof rr->norm_axes);
    rr->first = first;
    rr->rows = rows;
    return KT_OK;
}

static kt_series_cursor cursor_at_base(const kt_run_rows *rr, int k)
{
    kt_series_cursor c = kt_series_cursor_make(rr->src->series[k], rr->src->max_gap_us);
    c.next = rr->base[k];
    return c;
}

static void walked(kt_run_rows *rr, int k, const kt_series_cursor *c)
{
    rr->end[k] = c->next;
    rr->walked |= 1u << k;
}

/* The norm (v1 v2 a1 a2 f1 f2 = 0..5) series k is an axis of, -1 if none; its axis. */
static int norm_of(int k, int *axis)
{
    if (k < KT_CHANNELS) {
        kt_field f = kt_channel_field(k);
        if (f > KT_FIELD_FZ) return -1;
        *axis = (int)(f - KT_FIELD_FX);
        return 4 + kt_channel_robot(k) - 1;
    }
    int i = (k - KT_CHANNELS) % (KT_ROBOTS * KT_AXES), kind = (k - KT_CHANNELS) / (KT_ROBOTS * KT_AXES);
    *axis = i % KT_AXES;
    return 2 * kind + i / KT_AXES;
}

/* Adds the just-placed series k to its norm's sums when its axes arrive in order. */
static void sum_norm(kt_run_rows *rr, int k)
{
    int axis, nm = norm_of(k, &axis);
    if (nm < 0 || !rr->norm_sum[nm]) return;
    if (rr->norm_axes[nm] != (1u << axis) - 1) {   /* again, or out of order: read the axes instead */
        rr->norm_axes[nm] |= 8;
        return;
    }
    rr->norm_axes[nm] |= (uint8_t)(1u << axis);
    double *sum = rr->norm_sum[nm];
    uint8_t *ok = rr->norm_ok[nm];
    if (axis == 0) {
        for (size_t r = 0; r < rr->rows; r++) {
            sum[r] = 0;
            ok[r] = 1;
        }
    }
    for (size_t r = 0; r < rr->rows; r++) {
        if (!ok[r]) continue;
        if (!rr->valid[r]) ok[r] = 0;
        else sum[r] += rr->value[r] * rr->value[r];
    }
}

/* Series k at the slice's times into value/valid; channel bits into the masks once per slice. */
static size_t place(kt_run_rows *rr, int k)
{
    kt_series_cursor cur = cursor_at_base(rr, k);
    bool masks = k < KT_CHANNELS && !(rr->masked & (1u << k));
    int32_t flag = (int32_t)(1u << (k < KT_CHANNELS ? k : 0));
    size_t nulls = 0;
    for (size_t r = 0; r < rr->rows; r++) {
        double x = 0;
        kt_cell cell = kt_series_at(&cur, rr->t[r], &x);
        rr->value[r] = cell == KT_CELL_NULL ? 0.0 : x;
        rr->valid[r] = cell != KT_CELL_NULL;
        nulls += cell == KT_CELL_NULL;
        if (masks && cell != KT_CELL_NULL) rr->mask[cell - KT_CELL_MEASURED][r] |= flag;
    }
    if (masks) rr->masked |= 1u << k;
    walked(rr, k, &cur);
    sum_norm(rr, k);
    return nulls;
}

/* Euclidean norm of three series on the slice's rows; null where an axis is. */
static size_t place_norm(kt_run_rows *rr, size_t which, const int k[KT_AXES])
{
    if (rr->norm_sum[which] && rr->norm_axes[which] == 7) {   /* summed while the axes were placed */
        size_t nulls = 0;
        for (size_t r = 0; r < rr->rows; r++) {
            bool ok = rr->norm_ok[which][r];
            rr->value[r] = ok ? sqrt(rr->norm_sum[which][r]) : 0.0;
            rr->valid[r] = ok;
            nulls += !ok;
        }
        return nulls;
    }
    kt_series_cursor cur[KT_AXES];
    for (int a = 0; a < KT_AXES; a++) cur[a] = cursor_at_base(rr, k[a]);
    size_t nulls = 0;
    for (size_t r = 0; r < rr->rows; r++) {
        double sum = 0;
        bool ok = true;
        for (int a = 0; a < KT_AXES; a++) {
            double x = 0;
            if (kt_series_at(&cur[a], rr->t[r], &x) == KT_CELL_NULL) {
                ok = false;
                break;
            }
            sum += x * x;
        }
        rr->value[r] = ok ? sqrt(sum) : 0.0;
        rr->valid[r] = ok;
        nulls += !ok;
    }
    return nulls;   /* cursors that broke off early are not recorded: base[] moves by full walks only */
}

static void norm_series(size_t which, int k[KT_AXES])
{
    int robot = (int)(which % KT_ROBOTS) + 1;
    size_t kind = which / KT_ROBOTS; /* 0 velocity, 1 acceleration, 2 force */
    for (int a = 0; a < KT_AXES; a++) {
        if (kind == 2) k[a] = kt_channel_of((kt_field)(KT_FIELD_FX + a), robot);
        else k[a] = (kind == 0 ? KT_RUN_SERIES_VELOCITY : KT_RUN_SERIES_ACCELERATION) + (robot - 1) * KT_AXES + a;
    }
}

static const kt_column *view(kt_run_rows *rr, kt_type type, void *values, uint8_t *valid, size_t nulls)
{
    rr->out = (kt_column){ .type = type, .len = rr->rows, .cap = rr->cap, .values = values,
                           .valid = valid, .null_count = nulls };
    return &rr->out;
}

kt_status kt_run_rows_column(kt_run_rows *rr, size_t first, size_t rows, size_t col, const kt_column **out,
                             kt_error *err)
{
    *out = NULL;
    if (!rr->src) return kt_fail(err, KT_ERR_USAGE, "output rows: not started");
    if (col >= KT_RUN_ROWS_COLUMNS) return kt_fail(err, KT_ERR_USAGE, "output rows: no column %zu", col);
    KT_TRY(seek(rr, first, rows, err));
    if (col == COL_TIME) {
        *out = view(rr, KT_INT64, (void *)rr->t, NULL, 0);
    } else if (col < COL_MASK) {
        *out = view(rr, KT_DOUBLE, rr->value, rr->valid, place(rr, (int)(col - COL_CHANNEL)));
    } else if (col < COL_MOTION) {
        for (int c = 0; c < KT_CHANNELS; c++)
            if (!(rr->masked & (1u << c))) place(rr, c);
        *out = view(rr, KT_INT32, rr->mask[col - COL_MASK], NULL, 0);
    } else if (col < COL_NORM) {
        *out = view(rr, KT_DOUBLE, rr->value, rr->valid, place(rr, KT_CHANNELS + (int)(col - COL_MOTION)));
    } else {
        int k[KT_AXES];
        norm_series(col - COL_NORM, k);
        *out = view(rr, KT_DOUBLE, rr->value, rr->valid, place_norm(rr, col - COL_NORM, k));
    }
    return KT_OK;
}
