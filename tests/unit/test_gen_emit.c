/*
 * tests/unit/test_gen_emit.c — the generator's file jobs, through a sink
 * that keeps every row in memory: each anomaly is at its (file, row) with
 * the stated content, every reading is written exactly once, runs are
 * spread over files and days, rows are out of time order, and the output
 * does not depend on the number of threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "gen/anomaly.h"
#include "gen/emit.h"
#include "gen/gen.h"
#include "gen/isotime.h"
#include "gen/model.h"

typedef struct mem_row {
    char time[25];
    uint8_t nulls;            /* 1 time, 2 value, 4 run_uuid */
    char field[6];
    char sensor[12];
    int16_t robot;
    double value;
    double run;
} mem_row;

typedef struct mem_file {
    mem_row *rows;
    size_t n, cap;
    int opened, closed;
} mem_file;

typedef struct mem_sink {
    mem_file *files;
    int nfiles;
} mem_sink;

static kt_status mem_open(void *ctx, int job, const char *relpath, void **file, kt_error *err)
{
    mem_sink *ms = ctx;
    if (job < 0 || job >= ms->nfiles) return kt_fail(err, KT_ERR_INTERNAL, "job %d out of range", job);
    if (strncmp(relpath, "delivery_date=", 14)) return kt_fail(err, KT_ERR_INTERNAL, "bad path %s", relpath);
    ms->files[job].opened++;
    *file = &ms->files[job];
    return KT_OK;
}

static void copy_bytes(const kt_column *c, size_t i, char *out, size_t cap)
{
    size_t len;
    const char *p = kt_column_bytes_at(c, i, &len);
    if (len >= cap) len = cap - 1;
    memcpy(out, p, len);
    out[len] = 0;
}

static kt_status mem_write(void *ctx, void *file, const kt_column *cols, size_t n, kt_error *err)
{
    (void)ctx;
    mem_file *f = file;
    for (int c = 0; c < KT_GEN_NCOLS; c++)
        if (cols[c].len != n) return kt_fail(err, KT_ERR_INTERNAL, "column %d has %zu rows, not %zu", c, cols[c].len, n);
    if (f->n + n > f->cap) {
        f->cap = (f->n + n) * 2;
        f->rows = realloc(f->rows, f->cap * sizeof *f->rows);
        if (!f->rows) return KT_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        mem_row *r = &f->rows[f->n + i];
        memset(r, 0, sizeof *r);
        if (kt_column_is_valid(&cols[KT_GEN_COL_TIME], i)) copy_bytes(&cols[KT_GEN_COL_TIME], i, r->time, sizeof r->time);
        else r->nulls |= 1;
        if (kt_column_is_valid(&cols[KT_GEN_COL_VALUE], i)) r->value = KT_COL_DOUBLE(&cols[KT_GEN_COL_VALUE])[i];
        else r->nulls |= 2;
        if (kt_column_is_valid(&cols[KT_GEN_COL_RUN], i)) r->run = KT_COL_DOUBLE(&cols[KT_GEN_COL_RUN])[i];
        else r->nulls |= 4;
        copy_bytes(&cols[KT_GEN_COL_FIELD], i, r->field, sizeof r->field);
        copy_bytes(&cols[KT_GEN_COL_SENSOR], i, r->sensor, sizeof r->sensor);
        r->robot = (int16_t)KT_COL_I64(&cols[KT_GEN_COL_ROBOT])[i];
    }
    f->n += n;
    return KT_OK;
}

static kt_status mem_close(void *ctx, void *file, kt_error *err)
{
    (void)ctx;
    (void)err;
    ((mem_file *)file)->closed++;
    return KT_OK;
}

static void mem_discard(void *ctx, void *file)
{
    (void)ctx;
    (void)file;
}

typedef struct generated {
    kt_gen_model m;
    mem_sink ms;
    int64_t *rows;
} generated;

static int generate(const kt_gen_options *o, int threads, generated *g, kt_error *err)
{
    memset(g, 0, sizeof *g);
    if (kt_gen_build_model(o, &g->m, err) != KT_OK) return 0;
    int nj = kt_gen_num_jobs(&g->m);
    g->ms.nfiles = nj;
    g->ms.files = calloc((size_t)nj, sizeof *g->ms.files);
    g->rows = calloc((size_t)nj, sizeof *g->rows);
    kt_gen_sink sink = { &g->ms, mem_open, mem_write, mem_close, mem_discard };
    return kt_gen_emit(&g->m, &sink, threads, o->window_rows, g->rows, err) == KT_OK;
}

static void release(generated *g)
{
    for (int i = 0; i < g->ms.nfiles; i++) free(g->ms.files[i].rows);
    free(g->ms.files);
    free(g->rows);
    kt_gen_model_free(&g->m);
}

static const char *time_of(int64_t ms, char *buf)
{
    buf[kt_gen_format_ms(ms, buf)] = 0;
    return buf;
}

/* The sample is generated once (it is the expensive part) and shared by the tests below. */
static generated SAMPLE;
static kt_gen_options SAMPLE_OPTS;

TEST(sample_generates)
{
    kt_gen_options_default(&SAMPLE_OPTS);
    SAMPLE_OPTS.seed = 11;
    kt_error err;
    CHECK_MSG(generate(&SAMPLE_OPTS, 2, &SAMPLE, &err), "%s", err.msg);
    for (int j = 0; j < SAMPLE.ms.nfiles; j++) {
        CHECK_EQ_INT(SAMPLE.ms.files[j].n, SAMPLE.rows[j]);
        CHECK(SAMPLE.ms.files[j].opened == 1 && SAMPLE.ms.files[j].closed == 1);
    }
    CHECK_EQ_INT(SAMPLE.ms.nfiles, 3 * 4 + 1);
}

TEST(every_anomaly_is_where_the_plan_says)
{
    const kt_gen_model *m = &SAMPLE.m;
    int seen[KT_GEN_A_KIND_COUNT] = { 0 };
    for (size_t i = 0; i < m->nanomalies; i++) {
        const kt_gen_anomaly *a = &m->anomalies[i];
        seen[a->kind]++;
        if (a->kind == KT_GEN_A_LATE_DELIVERY) continue;
        CHECK(a->out_job >= 0 && a->out_job < SAMPLE.ms.nfiles);
        CHECK(a->out_row >= 0 && (size_t)a->out_row < SAMPLE.ms.files[a->out_job].n);
        const mem_row *row = &SAMPLE.ms.files[a->out_job].rows[a->out_row];
        const kt_gen_run *r = &m->runs[a->run];
        char tb[32];
        double truth = kt_gen_value(m, r, a->stream, a->slot, a->index, a->t_ms);
        const char *field = kt_gen_field_name(a->stream, a->slot);
        const char *sensor = kt_gen_sensor_name(a->stream);
        int robot = kt_gen_stream_robot(a->stream);
        /* defaults: the reading as it is */
        int want_time_null = 0, want_value_null = 0, want_run_null = 0;
        const char *want_time = time_of(a->t_ms, tb);
        double want_value = truth;
        switch (a->kind) {
        case KT_GEN_A_NAN_VALUE: CHECK(isnan(row->value)); want_value = row->value; break;
        case KT_GEN_A_INF_VALUE: CHECK(isinf(row->value) && row->value > 0); want_value = row->value; break;
        case KT_GEN_A_NULL_VALUE: want_value_null = 1; break;
        case KT_GEN_A_NULL_TIME: want_time_null = 1; break;
        case KT_GEN_A_BAD_TIME:
            CHECK(strcmp(row->time, want_time) != 0);
            CHECK(strchr(row->time, 'x') || !strcmp(row->time, "not a time"));
            want_time = row->time;
            break;
        case KT_GEN_A_NULL_RUN_UUID: want_run_null = 1; break;
        case KT_GEN_A_UNKNOWN_FIELD: CHECK_EQ_STR(row->field, "w"); field = "w"; break;
        case KT_GEN_A_BAD_ROBOT_ID: robot = 3; break;
        case KT_GEN_A_SENSOR_FIELD_MISMATCH:
            CHECK(!strcmp(row->sensor, "encoder") ? row->field[0] == 'f' : row->field[0] != 'f');
            field = row->field;
            break;
        case KT_GEN_A_OUT_OF_RANGE:
            CHECK(fabs(row->value) > (kt_gen_stream_is_encoder(a->stream) ? 10000 : 50000));
            want_value = row->value;
            break;
        case KT_GEN_A_SPIKE:
            CHECK(fabs(row->value - truth) >= 50 && fabs(row->value) < 10000);
            want_value = row->value;
            break;
        case KT_GEN_A_UNNORMALISED_NAMES:
            CHECK(strcmp(row->field, field) != 0);
            field = row->field;
            sensor = row->sensor;
            break;
        case KT_GEN_A_TIME_WITHOUT_FRACTION: CHECK(a->t_ms % 1000 == 0 && !strchr(want_time, '.')); break;
        case KT_GEN_A_CONFLICTING_DUPLICATE:
            CHECK(row->value != truth);
            want_value = row->value;
            /* fallthrough */
        case KT_GEN_A_EXACT_DUPLICATE:
        case KT_GEN_A_EXACT_DUPLICATE_IN_FILE: {
            CHECK(a->original >= 0);
            const kt_gen_anomaly *o = &m->anomalies[a->original];
            const mem_row *orow = &SAMPLE.ms.files[o->out_job].rows[o->out_row];
            CHECK_EQ_STR(orow->time, row->time);
            CHECK_EQ_STR(orow->field, row->field);
            CHECK(orow->run == row->run && orow->robot == row->robot);
            if (a->kind == KT_GEN_A_EXACT_DUPLICATE_IN_FILE) CHECK(o->out_job == a->out_job);
            else CHECK(o->out_job != a->out_job);
            if (a->kind == KT_GEN_A_CONFLICTING_DUPLICATE) CHECK(orow->value != row->value);
            else CHECK(!memcmp(orow, row, sizeof *row));
            break;
        }
        default: break;
        }
        CHECK_MSG(!!(row->nulls & 1) == want_time_null && (want_time_null || !strcmp(row->time, want_time)),
                  "%s: time %s vs %s", kt_gen_anomaly_kind_name(a->kind), row->time, want_time);
        CHECK_MSG(!!(row->nulls & 2) == want_value_null &&
                  (want_value_null || row->value == want_value || (isnan(want_value) && isnan(row->value))),
                  "%s: value %g vs %g", kt_gen_anomaly_kind_name(a->kind), row->value, want_value);
        CHECK(!!(row->nulls & 4) == want_run_null && (want_run_null || row->run == r->id_double));
        CHECK_EQ_STR(row->field, field);
        CHECK_EQ_STR(row->sensor, sensor);
        CHECK_EQ_INT(row->robot, robot);
    }
    /* the list: every kind is there */
    for (int k = 0; k < KT_GEN_A_KIND_COUNT; k++) CHECK_MSG(seen[k] > 0, "no %s", kt_gen_anomaly_kind_name(k));
}

/* Identity of a plain row: (run, stream, slot), or -1 when the row is not a well-formed reading. */
static int identify(const kt_gen_model *m, const mem_row *row, size_t *run, int *stream, int *slot)
{
    if (row->nulls & 4) return -1;
    for (size_t i = 0; i < m->nruns; i++)
        if (m->runs[i].id_double == row->run) *run = i;
    static const char *names[6] = { "x", "y", "z", "fx", "fy", "fz" };
    int f = -1;
    for (int i = 0; i < 6; i++)
        if (!strcmp(row->field, names[i])) f = i;
    if (f < 0 || row->robot < 1 || row->robot > 2) return -1;
    int enc = !strcmp(row->sensor, "encoder");
    if (enc != (f < 3) || (!enc && strcmp(row->sensor, "load_cell"))) return -1;
    *stream = (f < 3 ? 0 : 2) + row->robot - 1;
    *slot = f % 3;
    return 0;
}

TEST(every_reading_is_written_exactly_once)
{
    const kt_gen_model *m = &SAMPLE.m;
    int64_t counts[4][KT_GEN_STREAMS][KT_GEN_SLOTS] = { { { 0 } } };
    int64_t odd = 0, total = 0;
    for (int j = 0; j < SAMPLE.ms.nfiles; j++)
        for (size_t i = 0; i < SAMPLE.ms.files[j].n; i++) {
            size_t run = 99;
            int s, k;
            total++;
            if (identify(m, &SAMPLE.ms.files[j].rows[i], &run, &s, &k) < 0 || run >= 4) odd++;
            else counts[run][s][k]++;
        }
    /* expected: every generated reading, minus those whose identity an anomaly broke, plus added rows */
    int64_t want[4][KT_GEN_STREAMS][KT_GEN_SLOTS], broken = 0;
    for (size_t r = 0; r < 4; r++)
        for (int s = 0; s < KT_GEN_STREAMS; s++)
            for (int k = 0; k < 3; k++)
                want[r][s][k] = (m->runs[r].streams[s].slots & (1u << k)) ? m->runs[r].streams[s].count : 0;
    for (size_t i = 0; i < m->nanomalies; i++) {
        const kt_gen_anomaly *a = &m->anomalies[i];
        switch (a->kind) {
        case KT_GEN_A_NULL_RUN_UUID: case KT_GEN_A_UNKNOWN_FIELD: case KT_GEN_A_BAD_ROBOT_ID:
        case KT_GEN_A_SENSOR_FIELD_MISMATCH: case KT_GEN_A_UNNORMALISED_NAMES:
            want[a->run][a->stream][a->slot]--;
            broken++;
            break;
        case KT_GEN_A_EXACT_DUPLICATE: case KT_GEN_A_EXACT_DUPLICATE_IN_FILE: case KT_GEN_A_CONFLICTING_DUPLICATE:
            want[a->run][a->stream][a->slot]++;
            break;
        default: break;
        }
    }
    CHECK_EQ_INT(odd, broken);
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < KT_GEN_STREAMS; s++)
            for (int k = 0; k < 3; k++)
                CHECK_MSG(counts[r][s][k] == want[r][s][k], "run %d %s_%d: %lld rows, want %lld", r + 1,
                          kt_gen_field_name(s, k), kt_gen_stream_robot(s), (long long)counts[r][s][k],
                          (long long)want[r][s][k]);
    CHECK_MSG(total > 1550000 && total < 1650000, "%lld rows", (long long)total);
}

TEST(runs_are_spread_over_files_and_days_out_of_order)
{
    const kt_gen_model *m = &SAMPLE.m;
    int late = kt_gen_late_job(m);
    for (size_t r = 0; r < m->nruns; r++) {
        int files = 0, days[8] = { 0 };
        for (int j = 0; j < late; j++) {
            int here = 0;
            for (size_t i = 0; i < SAMPLE.ms.files[j].n && !here; i++)
                here = SAMPLE.ms.files[j].rows[i].run == m->runs[r].id_double;
            files += here;
            if (here) days[kt_gen_job_day(m, j)] = 1;
        }
        CHECK_MSG(files == late, "run %zu in %d of %d files", r + 1, files, late);
        CHECK(days[0] && days[1] && days[2]);
    }
    /* inside a file, time goes backwards often (shuffled), not once per file */
    for (int j = 0; j < late; j++) {
        const mem_file *f = &SAMPLE.ms.files[j];
        size_t back = 0;
        for (size_t i = 1; i < f->n; i++)
            if (!(f->rows[i].nulls & 1) && !(f->rows[i - 1].nulls & 1) &&
                strlen(f->rows[i].time) > 19 && strlen(f->rows[i - 1].time) > 19 &&
                strncmp(f->rows[i].time, f->rows[i - 1].time, 19) < 0)
                back++;
        CHECK_MSG(back > f->n / 4, "file %d: %zu of %zu steps go back in time", j, back, f->n);
    }
}

TEST(late_file_holds_the_late_window)
{
    const kt_gen_model *m = &SAMPLE.m;
    CHECK(m->has_late);
    const mem_file *f = &SAMPLE.ms.files[kt_gen_late_job(m)];
    const kt_gen_run *r = &m->runs[m->late_run];
    char lo[32], hi[32];
    time_of(r->start_ms + m->late_from_ms, lo);
    time_of(r->start_ms + m->late_to_ms, hi);
    size_t in_window = 0;
    for (size_t i = 0; i < f->n; i++) {
        const mem_row *row = &f->rows[i];
        if (row->run == r->id_double && !(row->nulls & 1) && strcmp(row->time, lo) >= 0 && strcmp(row->time, hi) < 0)
            in_window++;
    }
    /* ~20 s of one complete run: 1100 readings a second */
    CHECK_MSG(in_window > 20000 && in_window < 24000, "%zu late rows", in_window);
    CHECK(f->n - in_window <= 4);  /* plus the duplicates sent late */
    CHECK(f->n - in_window >= 1);
}

TEST(output_does_not_depend_on_threads)
{
    generated one;
    kt_error err;
    CHECK_MSG(generate(&SAMPLE_OPTS, 1, &one, &err), "%s", err.msg);
    int same = one.ms.nfiles == SAMPLE.ms.nfiles;
    for (int j = 0; same && j < one.ms.nfiles; j++)
        same = one.ms.files[j].n == SAMPLE.ms.files[j].n &&
               !memcmp(one.ms.files[j].rows, SAMPLE.ms.files[j].rows, one.ms.files[j].n * sizeof(mem_row));
    release(&one);
    CHECK(same);
}

TEST(another_seed_gives_other_data)
{
    kt_gen_options o = SAMPLE_OPTS;
    o.seed = 12;
    kt_gen_model other;
    kt_error err;
    CHECK_OK(kt_gen_build_model(&o, &other, &err), &err);
    /* same runs and starts, different toolpaths, noise and placement */
    const kt_gen_run *a = &other.runs[0], *b = &SAMPLE.m.runs[0];
    CHECK(a->start_ms == b->start_ms && a->id_double == b->id_double);
    CHECK(a->path[0].cx != b->path[0].cx);
    int same_value = 0, same_route = 0;
    for (int64_t i = 0; i < 1000; i++) {
        int64_t t = kt_gen_time_ms(b, 2, i);
        same_value += kt_gen_value(&other, a, 2, 0, i, t) == kt_gen_value(&SAMPLE.m, b, 2, 0, i, t);
        same_route += kt_gen_route(&other, 0, 2, 0, i) == kt_gen_route(&SAMPLE.m, 0, 2, 0, i);
    }
    CHECK(same_value == 0);
    CHECK(same_route < 200);  /* 12 files: ~1 in 12 by chance */
    kt_gen_model_free(&other);
}

TEST(scale_is_clean_complete_and_windowed)
{
    kt_gen_options o;
    kt_gen_options_default(&o);
    o.profile = KT_GEN_PROFILE_SCALE;
    o.runs = 3;
    o.minutes = 0.5;
    o.files_per_day = 3;
    o.window_rows = 1000;  /* many windows per file */
    generated g;
    kt_error err;
    CHECK_MSG(generate(&o, 2, &g, &err), "%s", err.msg);
    int64_t want = 0, got = 0;
    for (size_t r = 0; r < g.m.nruns; r++)
        for (int s = 0; s < 4; s++) want += 3 * g.m.runs[r].streams[s].count;
    for (int j = 0; j < g.ms.nfiles; j++) {
        got += (int64_t)g.ms.files[j].n;
        for (size_t i = 0; i < g.ms.files[j].n; i++) {
            size_t run = 99;
            int s, k;
            const mem_row *row = &g.ms.files[j].rows[i];
            CHECK(identify(&g.m, row, &run, &s, &k) == 0 && run < g.m.nruns);
            CHECK(!row->nulls && isfinite(row->value));
        }
    }
    CHECK_EQ_INT(got, want);
    release(&g);
}

static int cmp_sample_key(const void *pa, const void *pb)
{
    const mem_row *a = pa, *b = pb;
    if (a->run != b->run) return a->run < b->run ? -1 : 1;
    if (a->robot != b->robot) return a->robot - b->robot;
    int c = strcmp(a->sensor, b->sensor);
    return c ? c : strcmp(a->time, b->time);
}

TEST(scale_keeps_a_samples_axes_in_one_file)
{
    kt_gen_options o;
    kt_gen_options_default(&o);
    o.profile = KT_GEN_PROFILE_SCALE;
    o.runs = 2;
    o.minutes = 0.2;
    o.files_per_day = 4;
    generated g;
    kt_error err;
    CHECK_MSG(generate(&o, 1, &g, &err), "%s", err.msg);
    size_t groups = 0;
    for (int j = 0; j < g.ms.nfiles; j++) {
        mem_file *f = &g.ms.files[j];
        qsort(f->rows, f->n, sizeof *f->rows, cmp_sample_key);
        for (size_t i = 0; i < f->n;) {
            size_t k = i;
            while (k < f->n && !cmp_sample_key(&f->rows[i], &f->rows[k])) k++;
            CHECK_MSG(k - i == 3, "file %d: %zu rows for one sample at %s", j, k - i, f->rows[i].time);
            groups++;
            i = k;
        }
    }
    CHECK(groups > 8000);
    release(&g);
}

TEST(scale_row_count_is_exact)
{
    /* 30 s: load cells 3001 or 3000 samples (phase 0..9 ms), encoders 2500 or 2499 */
    kt_gen_options o;
    kt_gen_options_default(&o);
    o.profile = KT_GEN_PROFILE_SCALE;
    o.runs = 1;
    o.minutes = 0.5;
    kt_gen_model m;
    kt_error err;
    CHECK_OK(kt_gen_build_model(&o, &m, &err), &err);
    for (int s = 0; s < 4; s++) {
        int64_t n = m.runs[0].streams[s].count, p = m.runs[0].streams[s].phase_ms;
        if (kt_gen_stream_is_encoder(s)) CHECK_EQ_INT(n, (30000 - p - 3) / 12 + 1);
        else CHECK_EQ_INT(n, (30000 - p) / 10 + 1);
    }
    kt_gen_model_free(&m);
}

TEST_MAIN_BEGIN("gen_emit")
    RUN(ctx, sample_generates);
    if (ctx->total_failed) return 1;
    RUN(ctx, every_anomaly_is_where_the_plan_says);
    RUN(ctx, every_reading_is_written_exactly_once);
    RUN(ctx, runs_are_spread_over_files_and_days_out_of_order);
    RUN(ctx, late_file_holds_the_late_window);
    RUN(ctx, output_does_not_depend_on_threads);
    RUN(ctx, another_seed_gives_other_data);
    RUN(ctx, scale_is_clean_complete_and_windowed);
    RUN(ctx, scale_keeps_a_samples_axes_in_one_file);
    RUN(ctx, scale_row_count_is_exact);
    release(&SAMPLE);
TEST_MAIN_END()
