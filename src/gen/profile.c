/*
 * gen/profile.c — the two profiles as models: `sample` reproduces the four
 * runs of the real sample (ids, starts, lengths, missing sensors), `scale`
 * lays N clean two-robot runs end to end for benchmarks. Run parameters
 * (toolpath, forces, stream phases) are drawn from the seed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen/anomaly.h"
#include "gen/gen.h"
#include "gen/isotime.h"
#include "gen/rng.h"

#define TWO_PI 6.283185307179586

enum { ENCODER_PERIOD_MS = 12, ENCODER_JITTER_MS = 3, LOAD_CELL_PERIOD_MS = 10 };
enum { SCALE_MAX_RUNS = 100000 };
#define SCALE_ROWS_PER_FILE 2e6
#define SCALE_MAX_MINUTES (24 * 60.0)

void kt_gen_options_default(kt_gen_options *o)
{
    memset(o, 0, sizeof *o);
    o->profile = KT_GEN_PROFILE_SAMPLE;
    o->runs = 10;
    o->minutes = 10;
    o->seed = 1;
    o->noise = 1;
    o->anomalies = true;
}

/* Toolpath and force model of one robot for a run of `duration_s`. */
static void draw_robot(kt_gen_rng *g, int robot, double duration_s, kt_gen_toolpath *p,
                       kt_gen_force_model *f)
{
    p->cx = robot == 0 ? kt_gen_rng_range(g, 1150, 1350) : kt_gen_rng_range(g, 2650, 2850);
    p->cy = kt_gen_rng_range(g, 820, 920);
    p->z0 = robot == 0 ? kt_gen_rng_range(g, -120, -80) : kt_gen_rng_range(g, -650, -600);
    p->a = kt_gen_rng_range(g, 380, 460);
    p->b = kt_gen_rng_range(g, 300, 360);
    p->c3 = kt_gen_rng_range(g, 0.04, 0.10);
    double speed = kt_gen_rng_range(g, 30, 50);              /* mm/s along the first layer */
    p->omega = speed / ((p->a + p->b) / 2);
    p->theta0 = kt_gen_rng_range(g, 0, TWO_PI);
    double layers = p->omega * duration_s / TWO_PI + 1;
    /* deep enough to look like forming, never beyond SPEC's z range or a vanishing contour */
    p->dz = fmin(kt_gen_rng_range(g, 3, 5), 250 / layers);
    p->shrink = fmin(kt_gen_rng_range(g, 0.01, 0.02), 0.45 / layers);
    p->w = kt_gen_rng_range(g, 0.08, 0.15);
    f->gain = robot == 0 ? 1.0 : 0.55;                       /* forming tool vs support tool */
    f->f0 = kt_gen_rng_range(g, 300, 400);
    f->f1 = kt_gen_rng_range(g, 700, 900);
    f->lambda = kt_gen_rng_range(g, 10, 20);
    f->mu = kt_gen_rng_range(g, 0.2, 0.3);
    f->rho = kt_gen_rng_range(g, 0.3, 0.4);
    f->bias[0] = kt_gen_rng_range(g, -300, -150);
    f->bias[1] = kt_gen_rng_range(g, -50, 50);
    f->bias[2] = kt_gen_rng_range(g, -30, 30);
}

static int64_t stream_count(int64_t duration_ms, int64_t phase, int period, int jitter)
{
    int64_t room = duration_ms - phase - jitter;
    return room < 0 ? 0 : room / period + 1;
}

/* Fills a run's streams; `slots[s]` = fields reported by stream s (0 = sensor absent). */
static void init_run(kt_gen_run *r, kt_gen_rng *g, uint64_t seed_key, size_t index,
                     const uint8_t slots[KT_GEN_STREAMS])
{
    r->key = kt_gen_subkey(seed_key, index);
    r->id_double = (double)r->id;
    kt_gen_run_id_text(r->id_double, r->id_text);
    bool first = true;
    for (int s = 0; s < KT_GEN_STREAMS; s++) {
        kt_gen_stream *st = &r->streams[s];
        bool enc = kt_gen_stream_is_encoder(s);
        st->period_ms = enc ? ENCODER_PERIOD_MS : LOAD_CELL_PERIOD_MS;
        st->jitter_ms = enc ? ENCODER_JITTER_MS : 0;
        st->key = kt_gen_subkey(r->key, 100 + (uint64_t)s);
        /* the four streams have their own clocks; the first present one starts the run */
        int64_t phase = (int64_t)kt_gen_rng_below(g, 9) + 1;
        if (slots[s] && first) phase = 0;
        if (slots[s]) first = false;
        st->phase_ms = phase;
        st->slots = slots[s];
        st->count = slots[s] ? stream_count(r->duration_ms, phase, st->period_ms, st->jitter_ms) : 0;
    }
    double dur_s = (double)r->duration_ms / 1000.0;
    for (int robot = 0; robot < 2; robot++)
        draw_robot(g, robot, dur_s, &r->path[robot], &r->force[robot]);
}

typedef struct sample_run {
    uint64_t id;
    int millis;             /* start: 2022-11-23T20:40:00.<millis>Z */
    int64_t duration_ms;
    uint8_t slots[KT_GEN_STREAMS];
} sample_run;

/* The real sample's runs (SPEC §1). */
static const sample_run SAMPLE_RUNS[4] = {
    { 7582293080991470061ULL, 1, 600000, { 7, 7, 7, 7 } },
    { 6176976534744076781ULL, 7, 600000, { 7, 3, 7, 7 } },   /* no z_2; y_2 sticks (below) */
    { 12405186538561671000ULL, 3, 77600, { 0, 0, 1, 0 } },   /* fx of robot 1 only */
    { 8910095844186657261ULL, 5, 600000, { 7, 7, 0, 0 } },   /* encoders only */
};

static kt_status build_sample(const kt_gen_options *o, kt_gen_model *m, kt_error *err)
{
    m->nruns = 4;
    m->runs = calloc(m->nruns, sizeof *m->runs);
    if (!m->runs) return kt_fail(err, KT_ERR_NOMEM, "gen: out of memory");
    uint64_t seed_key = kt_gen_mix64(o->seed ^ 0x73616d706c65ULL);
    for (size_t i = 0; i < m->nruns; i++) {
        kt_gen_run *r = &m->runs[i];
        kt_gen_rng g;
        kt_gen_rng_seed(&g, kt_gen_subkey(seed_key, 1000 + i));
        r->id = SAMPLE_RUNS[i].id;
        r->start_ms = kt_gen_ms_from_utc(2022, 11, 23, 20, 40, 0, SAMPLE_RUNS[i].millis);
        r->duration_ms = SAMPLE_RUNS[i].duration_ms;
        r->home_day = 0;
        init_run(r, &g, seed_key, i, SAMPLE_RUNS[i].slots);
    }
    /* run 2: y_2 goes flat at 0.003 after a third of the run */
    kt_gen_run *r2 = &m->runs[1];
    r2->flat = (kt_gen_flat){ .on = true, .stream = 1, .slot = 1,
                              .from_ms = r2->duration_ms / 3, .value = 0.003 };
    m->first_day = kt_gen_days_from_civil(2022, 11, 23);
    m->ndays = 3;
    m->files_per_day = o->files_per_day ? o->files_per_day : 4;
    m->spread = 3;
    m->spread_cdf[0] = 0.5;
    m->spread_cdf[1] = 0.8;
    m->spread_cdf[2] = 1.0;
    m->block = 1;   /* every reading routed on its own: a run's rows in every file */
    if (!o->anomalies) return KT_OK;
    m->has_late = true;
    m->late_run = 0;
    m->late_from_ms = 400000;
    m->late_to_ms = 420000;
    return kt_gen_plan_anomalies(m, err);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Run ids are random 64-bit integers; stored as doubles they must stay distinct. */
static kt_status draw_scale_ids(kt_gen_model *m, uint64_t seed_key, kt_error *err)
{
    double *sorted = malloc(m->nruns * sizeof *sorted);
    if (!sorted) return kt_fail(err, KT_ERR_NOMEM, "gen: out of memory");
    for (uint64_t attempt = 0;; attempt++) {
        for (size_t i = 0; i < m->nruns; i++) {
            m->runs[i].id = kt_gen_hash_at(seed_key ^ (attempt * KT_GEN_GOLDEN), 2000000 + i);
            sorted[i] = (double)m->runs[i].id;
        }
        qsort(sorted, m->nruns, sizeof *sorted, cmp_double);
        size_t i = 1;
        while (i < m->nruns && sorted[i] != sorted[i - 1]) i++;
        if (i >= m->nruns) break;
    }
    free(sorted);
    return KT_OK;
}

static kt_status build_scale(const kt_gen_options *o, kt_gen_model *m, kt_error *err)
{
    if (o->runs < 1 || o->runs > SCALE_MAX_RUNS)
        return kt_fail(err, KT_ERR_USAGE, "--runs must be between 1 and %d", SCALE_MAX_RUNS);
    if (!(o->minutes >= 0.01 && o->minutes <= SCALE_MAX_MINUTES))
        return kt_fail(err, KT_ERR_USAGE, "--minutes must be between 0.01 and %.0f", SCALE_MAX_MINUTES);
    m->nruns = (size_t)o->runs;
    m->runs = calloc(m->nruns, sizeof *m->runs);
    if (!m->runs) return kt_fail(err, KT_ERR_NOMEM, "gen: out of memory for %zu runs", m->nruns);
    uint64_t seed_key = kt_gen_mix64(o->seed ^ 0x7363616c65ULL);
    KT_TRY(draw_scale_ids(m, seed_key, err));
    static const uint8_t all[KT_GEN_STREAMS] = { 7, 7, 7, 7 };
    int64_t duration = (int64_t)llround(o->minutes * 60000.0);
    int64_t base = kt_gen_ms_from_utc(2022, 11, 24, 6, 0, 0, 0);
    m->first_day = kt_gen_day_of_ms(base);
    int64_t t = base;
    int last_home = 0;
    for (size_t i = 0; i < m->nruns; i++) {
        kt_gen_run *r = &m->runs[i];
        kt_gen_rng g;
        kt_gen_rng_seed(&g, kt_gen_subkey(seed_key, 1000 + i));
        r->start_ms = t + (int64_t)kt_gen_rng_below(&g, 1000);
        r->duration_ms = duration;
        init_run(r, &g, seed_key, i, all);
        /* delivered on the day the run ends, a few rows a day later */
        r->home_day = (int)(kt_gen_day_of_ms(r->start_ms + duration) - m->first_day);
        last_home = r->home_day;
        t = r->start_ms + duration + 60000 + (int64_t)kt_gen_rng_below(&g, 120000);
    }
    m->spread = 2;
    m->spread_cdf[0] = 0.95;
    m->spread_cdf[1] = 1.0;
    m->ndays = last_home + m->spread;
    m->block = 64;
    /* one evaluation of the toolpath feeds x, y and z: keep them in one file (3x less work) */
    m->route_by_stream = true;
    if (o->files_per_day) {
        m->files_per_day = o->files_per_day;
    } else {
        double run_rows = 1100.0 * (double)duration / 1000.0;   /* 6 channels x (83 + 100) Hz */
        double per_day = 86400000.0 / (double)(duration + 120000);
        if (per_day > (double)m->nruns) per_day = (double)m->nruns;
        double k = ceil(per_day * run_rows / SCALE_ROWS_PER_FILE);
        m->files_per_day = k < 1 ? 1 : (int)k;
    }
    return KT_OK;
}

kt_status kt_gen_build_model(const kt_gen_options *o, kt_gen_model *m, kt_error *err)
{
    memset(m, 0, sizeof *m);
    if (o->files_per_day < 0 || o->files_per_day > 10000)
        return kt_fail(err, KT_ERR_USAGE, "--files must be between 1 and 10000");
    if (!(o->noise >= 0 && o->noise <= 1000))
        return kt_fail(err, KT_ERR_USAGE, "--noise must be between 0 and 1000");
    m->profile = o->profile;
    m->seed = o->seed;
    m->noise_mm = KT_GEN_NOISE_MM * o->noise;
    m->noise_n = KT_GEN_NOISE_N * o->noise;
    kt_status s = o->profile == KT_GEN_PROFILE_SAMPLE ? build_sample(o, m, err) : build_scale(o, m, err);
    if (s != KT_OK) kt_gen_model_free(m);
    return s;
}
