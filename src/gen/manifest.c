/*
 * gen/manifest.c — builds and writes _anomalies.json (files, runs,
 * anomalies) with jansson.
 */
#include "gen/manifest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gen/anomaly.h"
#include "gen/isotime.h"

void kt_gen_channel_name(int stream, int slot, char out[8])
{
    snprintf(out, 8, "%s_%d", kt_gen_field_name(stream, slot), kt_gen_stream_robot(stream));
}

json_t *kt_gen_json_time(int64_t ms)
{
    char buf[KT_GEN_ISO_MAX + 1];
    size_t n = kt_gen_format_ms(ms, buf);
    buf[n] = 0;
    return json_string(buf);
}

json_t *kt_gen_json_u64(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX) return json_integer((json_int_t)v);
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return json_string(buf);
}

kt_status kt_gen_json_save(json_t *root, const char *path, kt_error *err)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) return kt_fail(err, KT_ERR_USAGE, "%s: path too long", path);
    if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(17) | JSON_ENSURE_ASCII) != 0) {
        unlink(tmp);
        return kt_fail(err, KT_ERR_IO, "%s: cannot write JSON", tmp);
    }
    if (rename(tmp, path) != 0) {
        kt_status s = kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot rename into place", path);
        unlink(tmp);
        return s;
    }
    return KT_OK;
}

/* A double as JSON: a number, or null plus a text for NaN and infinities. */
static void set_value(json_t *obj, double v)
{
    if (isfinite(v)) {
        json_object_set_new(obj, "value", json_real(v));
        return;
    }
    json_object_set_new(obj, "value", json_null());
    json_object_set_new(obj, "value_text", json_string(isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"));
}

static json_t *file_ref(const kt_gen_model *m, int job, int64_t row)
{
    char path[96];
    kt_gen_job_path(m, job, path, sizeof path);
    return json_pack("{s:s, s:I}", "file", path, "row", (json_int_t)row);
}

static json_t *reading_json(const kt_gen_model *m, const kt_gen_anomaly *a)
{
    const kt_gen_run *r = &m->runs[a->run];
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:o}", "run_uuid", r->id_text,
                          "robot_id", (json_int_t)kt_gen_stream_robot(a->stream),
                          "sensor_type", kt_gen_sensor_name(a->stream),
                          "field", kt_gen_field_name(a->stream, a->slot), "time", kt_gen_json_time(a->t_ms));
    set_value(o, kt_gen_value(m, r, a->stream, a->slot, a->index, a->t_ms));
    return o;
}

/* What the row in the file holds. */
static json_t *written_json(const kt_gen_model *m, const kt_gen_anomaly *a)
{
    const kt_gen_run *r = &m->runs[a->run];
    unsigned ov = a->overrides;
    json_t *o = json_object();
    json_object_set_new(o, "time", (ov & KT_GEN_OV_TIME_NULL) ? json_null()
                                   : (ov & KT_GEN_OV_TIME_TEXT) ? json_string(a->time_text)
                                                                : kt_gen_json_time(a->t_ms));
    if (ov & KT_GEN_OV_VALUE_NULL) json_object_set_new(o, "value", json_null());
    else set_value(o, (ov & KT_GEN_OV_VALUE) ? a->value
                                             : kt_gen_value(m, r, a->stream, a->slot, a->index, a->t_ms));
    json_object_set_new(o, "field", json_string((ov & KT_GEN_OV_FIELD) ? a->field_text
                                                : kt_gen_field_name(a->stream, a->slot)));
    json_object_set_new(o, "robot_id", json_integer((ov & KT_GEN_OV_ROBOT) ? a->robot_id
                                                    : kt_gen_stream_robot(a->stream)));
    json_object_set_new(o, "run_uuid", (ov & KT_GEN_OV_RUN_NULL) ? json_null() : json_real(r->id_double));
    json_object_set_new(o, "sensor_type", json_string((ov & KT_GEN_OV_SENSOR) ? a->sensor_text
                                                      : kt_gen_sensor_name(a->stream)));
    return o;
}

static json_t *anomaly_json(const kt_gen_model *m, const kt_gen_anomaly *a, const int64_t *rows_per_job)
{
    const kt_gen_run *r = &m->runs[a->run];
    json_t *o = file_ref(m, a->out_job, a->out_row);
    json_object_set_new(o, "kind", json_string(kt_gen_anomaly_kind_name(a->kind)));
    json_object_set_new(o, "rule", json_string(kt_gen_anomaly_rule(a->kind)));
    json_object_set_new(o, "outcome", json_string(kt_gen_anomaly_outcome(a->kind)));
    json_object_set_new(o, "run_uuid", json_string(r->id_text));
    if (a->kind == KT_GEN_A_LATE_DELIVERY) {
        /* every row of the late file except the added duplicates is the late run's */
        int64_t rows = rows_per_job[a->out_job];
        for (size_t i = 0; i < m->nanomalies; i++)
            if (m->anomalies[i].job == a->out_job && m->anomalies[i].kind != KT_GEN_A_LATE_DELIVERY) rows--;
        json_object_set_new(o, "rows", json_integer(rows));
        json_object_set_new(o, "from", kt_gen_json_time(r->start_ms + m->late_from_ms));
        json_object_set_new(o, "to", kt_gen_json_time(r->start_ms + m->late_to_ms));
        return o;
    }
    json_object_set_new(o, "reading", reading_json(m, a));
    json_object_set_new(o, "written", written_json(m, a));
    if (a->original >= 0) {
        const kt_gen_anomaly *orig = &m->anomalies[a->original];
        json_object_set_new(o, "original", file_ref(m, orig->out_job, orig->out_row));
    }
    return o;
}

static json_t *run_json(const kt_gen_model *m, const kt_gen_run *r)
{
    char src[24];
    snprintf(src, sizeof src, "%llu", (unsigned long long)r->id);
    int64_t stop = kt_gen_run_stop_ms(r);
    json_t *o = json_pack("{s:s, s:f, s:s, s:o, s:o, s:f}", "run_uuid", r->id_text,
                          "run_uuid_double", r->id_double, "source_id", src,
                          "start_time", kt_gen_json_time(r->start_ms), "stop_time", kt_gen_json_time(stop),
                          "duration_s", (double)(stop - r->start_ms) / 1000.0);
    json_t *channels = json_object(), *missing = json_array();
    static const int order[KT_GEN_STREAMS * KT_GEN_SLOTS][2] = {
        { 2, 0 }, { 3, 0 }, { 2, 1 }, { 3, 1 }, { 2, 2 }, { 3, 2 },
        { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 0, 2 }, { 1, 2 } };  /* SPEC §2 channel order */
    for (int i = 0; i < KT_GEN_STREAMS * KT_GEN_SLOTS; i++) {
        int s = order[i][0], j = order[i][1];
        char name[8];
        kt_gen_channel_name(s, j, name);
        bool present = r->streams[s].count && (r->streams[s].slots & (1u << j));
        json_object_set_new(channels, name, json_integer(present ? r->streams[s].count : 0));
        if (!present) json_array_append_new(missing, json_string(name));
    }
    json_object_set_new(o, "readings", channels);
    json_object_set_new(o, "missing_channels", missing);
    if (r->flat.on) {
        char name[8];
        kt_gen_channel_name(r->flat.stream, r->flat.slot, name);
        json_object_set_new(o, "stuck", json_pack("{s:s, s:o, s:f}", "channel", name, "from",
                                                  kt_gen_json_time(r->start_ms + r->flat.from_ms),
                                                  "value", r->flat.value));
    }
    return o;
}

kt_status kt_gen_write_manifest(const kt_gen_model *m, const int64_t *rows_per_job,
                                const char *path, kt_error *err)
{
    json_t *root = json_object(), *files = json_array(), *runs = json_array(), *anoms = json_array();
    int64_t total = 0;
    for (int j = 0; j < kt_gen_num_jobs(m); j++) {
        if (!rows_per_job[j]) continue;
        char rel[96], day[9];
        kt_gen_job_path(m, j, rel, sizeof rel);
        kt_gen_format_yyyymmdd(m->first_day + kt_gen_job_day(m, j), day);
        json_array_append_new(files, json_pack("{s:s, s:s, s:I, s:b}", "path", rel, "delivery_date", day,
                                               "rows", (json_int_t)rows_per_job[j],
                                               "late", m->has_late && j == kt_gen_late_job(m)));
        total += rows_per_job[j];
    }
    for (size_t i = 0; i < m->nruns; i++) json_array_append_new(runs, run_json(m, &m->runs[i]));
    for (size_t i = 0; i < m->nanomalies; i++)
        if (m->anomalies[i].kind != KT_GEN_A_DUPLICATE_ORIGINAL)
            json_array_append_new(anoms, anomaly_json(m, &m->anomalies[i], rows_per_job));
    json_object_set_new(root, "format", json_string("kinetl-gen-manifest/1"));
    json_object_set_new(root, "profile", json_string(m->profile == KT_GEN_PROFILE_SAMPLE ? "sample" : "scale"));
    json_object_set_new(root, "seed", kt_gen_json_u64(m->seed));
    json_object_set_new(root, "noise", json_pack("{s:f, s:f}", "encoder_sigma_mm", m->noise_mm,
                                                 "load_cell_sigma_n", m->noise_n));
    json_object_set_new(root, "total_rows", json_integer(total));
    json_object_set_new(root, "files", files);
    json_object_set_new(root, "runs", runs);
    json_object_set_new(root, "anomalies", anoms);
    kt_status s = kt_gen_json_save(root, path, err);
    json_decref(root);
    return s;
}
