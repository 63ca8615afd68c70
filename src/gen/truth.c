/*
 * gen/truth.c — the truth summary (JSON) and the truth samples (Parquet).
 */
#include "gen/truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/writer.h"
#include "gen/anomaly.h"
#include "gen/manifest.h"
#include "gen/rng.h"

bool kt_gen_robot_clean(const kt_gen_run *r, int robot, const char **why)
{
    const kt_gen_stream *st = &r->streams[robot - 1];
    const char *reason = NULL;
    if (!st->count) reason = "no encoder data";
    else if (st->slots != 7) reason = "encoder lacks a channel";
    else if (r->flat.on && r->flat.stream == robot - 1) reason = "encoder channel stuck";
    if (why) *why = reason ? reason : "";
    return reason == NULL;
}

static double tau_of(const kt_gen_run *r, int64_t t_ms)
{
    return (double)(t_ms - r->start_ms) / 1000.0;
}

static double norm3(const double v[3])
{
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

static json_t *toolpath_json(const kt_gen_toolpath *p)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "cx", p->cx, "cy", p->cy,
                     "z0", p->z0, "a", p->a, "b", p->b, "c3", p->c3, "omega", p->omega, "theta0", p->theta0,
                     "dz", p->dz, "shrink", p->shrink, "w", p->w);
}

static int encoder_anomalies(const kt_gen_model *m, size_t run, int robot)
{
    int n = 0;
    for (size_t i = 0; i < m->nanomalies; i++) {
        const kt_gen_anomaly *a = &m->anomalies[i];
        if (a->run == run && a->stream == robot - 1 && a->kind != KT_GEN_A_DUPLICATE_ORIGINAL &&
            a->kind != KT_GEN_A_TIME_WITHOUT_FRACTION)
            n++;
    }
    return n;
}

static json_t *robot_json(const kt_gen_model *m, size_t run, int robot)
{
    const kt_gen_run *r = &m->runs[run];
    const kt_gen_toolpath *p = &r->path[robot - 1];
    const kt_gen_stream *st = &r->streams[robot - 1];
    const char *why;
    bool clean = kt_gen_robot_clean(r, robot, &why);
    json_t *o = json_pack("{s:i, s:b, s:o}", "robot_id", robot, "clean", clean, "toolpath", toolpath_json(p));
    if (!clean) json_object_set_new(o, "why", json_string(why));
    if (!st->count) return o;
    int64_t first = kt_gen_time_ms(r, robot - 1, 0), last = kt_gen_time_ms(r, robot - 1, st->count - 1);
    double poly = 0, vmax = 0, prev[3] = { 0, 0, 0 };
    for (int64_t i = 0; i < st->count; i++) {
        kt_gen_kinematics k;
        kt_gen_toolpath_eval(p, tau_of(r, kt_gen_time_ms(r, robot - 1, i)), &k);
        if (i > 0) {
            double d[3] = { k.pos[0] - prev[0], k.pos[1] - prev[1], k.pos[2] - prev[2] };
            poly += norm3(d);
        }
        memcpy(prev, k.pos, sizeof prev);
        double v = norm3(k.vel);
        if (v > vmax) vmax = v;
    }
    json_object_set_new(o, "encoder_samples", json_integer(st->count));
    json_object_set_new(o, "first_time", kt_gen_json_time(first));
    json_object_set_new(o, "last_time", kt_gen_json_time(last));
    json_object_set_new(o, "path_length_mm", json_real(kt_gen_toolpath_length(p, tau_of(r, first), tau_of(r, last))));
    json_object_set_new(o, "polyline_length_mm", json_real(poly));
    json_object_set_new(o, "max_speed_mm_s", json_real(vmax));
    json_object_set_new(o, "anomalies", json_integer(encoder_anomalies(m, run, robot)));
    return o;
}

kt_status kt_gen_write_truth_json(const kt_gen_model *m, const char *path, kt_error *err)
{
    json_t *root = json_object(), *runs = json_array();
    json_object_set_new(root, "format", json_string("kinetl-gen-truth/1"));
    json_object_set_new(root, "profile", json_string(m->profile == KT_GEN_PROFILE_SAMPLE ? "sample" : "scale"));
    json_object_set_new(root, "seed", kt_gen_json_u64(m->seed));
    json_object_set_new(root, "noise", json_pack("{s:f, s:f, s:s, s:f}", "encoder_sigma_mm", m->noise_mm,
                                                 "load_cell_sigma_n", m->noise_n, "distribution",
                                                 "irwin-hall-4", "bound_sigmas", KT_GEN_NOISE_BOUND));
    json_object_set_new(root, "time_origin", json_string("tau = seconds since the run's start_time"));
    for (size_t i = 0; i < m->nruns; i++) {
        const kt_gen_run *r = &m->runs[i];
        json_t *robots = json_array();
        for (int robot = 1; robot <= 2; robot++) json_array_append_new(robots, robot_json(m, i, robot));
        json_array_append_new(runs, json_pack("{s:s, s:f, s:o, s:I, s:o}", "run_uuid", r->id_text,
                                              "run_uuid_double", r->id_double, "start_time",
                                              kt_gen_json_time(r->start_ms), "start_ms",
                                              (json_int_t)r->start_ms, "robots", robots));
    }
    json_object_set_new(root, "runs", runs);
    kt_status s = kt_gen_json_save(root, path, err);
    json_decref(root);
    return s;
}

/* ---- samples ---- */

enum { TS_RUN, TS_ROBOT, TS_TIME, TS_X, TS_ARC = TS_X + 9, TS_NCOLS };
enum { TRUTH_BATCH = 65536 };

static const kt_pq_field TRUTH_FIELDS[TS_NCOLS] = {
    { "run_uuid", KT_PQ_W_DOUBLE, false }, { "robot_id", KT_PQ_W_INT64, false },
    { "time", KT_PQ_W_TIMESTAMP_US, false },
    { "x", KT_PQ_W_DOUBLE, false }, { "y", KT_PQ_W_DOUBLE, false }, { "z", KT_PQ_W_DOUBLE, false },
    { "vx", KT_PQ_W_DOUBLE, false }, { "vy", KT_PQ_W_DOUBLE, false }, { "vz", KT_PQ_W_DOUBLE, false },
    { "ax", KT_PQ_W_DOUBLE, false }, { "ay", KT_PQ_W_DOUBLE, false }, { "az", KT_PQ_W_DOUBLE, false },
    { "arc_mm", KT_PQ_W_DOUBLE, false },
};

static double speed_at(const kt_gen_toolpath *p, double tau)
{
    kt_gen_kinematics k;
    kt_gen_toolpath_eval(p, tau, &k);
    return norm3(k.vel);
}

static kt_status flush_samples(kt_pq_writer *w, kt_column *cols, kt_error *err)
{
    if (!cols[0].len) return KT_OK;
    KT_TRY(kt_pq_writer_write(w, cols, cols[0].len, err));
    for (int c = 0; c < TS_NCOLS; c++) kt_column_clear(&cols[c]);
    return KT_OK;
}

static kt_status robot_samples(const kt_gen_run *r, int robot, kt_pq_writer *w, kt_column *cols,
                               kt_error *err)
{
    const kt_gen_toolpath *p = &r->path[robot - 1];
    const kt_gen_stream *st = &r->streams[robot - 1];
    double arc = 0, prev_tau = 0, prev_speed = 0;
    for (int64_t i = 0; i < st->count; i++) {
        int64_t t = kt_gen_time_ms(r, robot - 1, i);
        double tau = tau_of(r, t);
        kt_gen_kinematics k;
        kt_gen_toolpath_eval(p, tau, &k);
        double speed = norm3(k.vel);
        if (i > 0)  /* Simpson over one sampling interval: error far below 1e-9 mm */
            arc += (tau - prev_tau) / 6 * (prev_speed + 4 * speed_at(p, (tau + prev_tau) / 2) + speed);
        prev_tau = tau;
        prev_speed = speed;
        kt_status s = kt_column_push_double(&cols[TS_RUN], r->id_double);
        if (s == KT_OK) s = kt_column_push_i64(&cols[TS_ROBOT], robot);
        if (s == KT_OK) s = kt_column_push_i64(&cols[TS_TIME], t * 1000);
        for (int c = 0; c < 3 && s == KT_OK; c++) {
            s = kt_column_push_double(&cols[TS_X + c], k.pos[c]);
            if (s == KT_OK) s = kt_column_push_double(&cols[TS_X + 3 + c], k.vel[c]);
            if (s == KT_OK) s = kt_column_push_double(&cols[TS_X + 6 + c], k.acc[c]);
        }
        if (s == KT_OK) s = kt_column_push_double(&cols[TS_ARC], arc);
        if (s != KT_OK) return kt_fail(err, s, "truth samples: out of memory");
        if (cols[0].len >= TRUTH_BATCH) KT_TRY(flush_samples(w, cols, err));
    }
    return KT_OK;
}

kt_status kt_gen_write_truth_samples(const kt_gen_model *m, const char *path, kt_error *err)
{
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    kt_pq_writer *w = NULL;
    KT_TRY(kt_pq_writer_open(path, TRUTH_FIELDS, TS_NCOLS, &o, &w, err));
    kt_column cols[TS_NCOLS];
    for (int c = 0; c < TS_NCOLS; c++) kt_column_init(&cols[c], TRUTH_FIELDS[c].type == KT_PQ_W_DOUBLE ? KT_DOUBLE : KT_INT64);
    kt_status s = KT_OK;
    for (size_t i = 0; i < m->nruns && s == KT_OK; i++)
        for (int robot = 1; robot <= 2 && s == KT_OK; robot++)
            if (kt_gen_robot_clean(&m->runs[i], robot, NULL))
                s = robot_samples(&m->runs[i], robot, w, cols, err);
    if (s == KT_OK) s = flush_samples(w, cols, err);
    if (s == KT_OK) s = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    for (int c = 0; c < TS_NCOLS; c++) kt_column_free(&cols[c]);
    return s;
}
