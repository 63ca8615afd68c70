/*
 * gen/anomaly.c — the sample profile's anomaly plan: one or two of each
 * kind, spread over the runs at times far apart, each built from a real
 * reading of the model so the manifest can say what it replaced.
 */
#include "gen/anomaly.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen/isotime.h"
#include "gen/model.h"

typedef struct kind_info {
    const char *name, *rule, *outcome;
} kind_info;

static const kind_info KINDS[KT_GEN_A_KIND_COUNT] = {
    [KT_GEN_A_NAN_VALUE] = { "nan_value", "non_finite_value", "quarantine" },
    [KT_GEN_A_INF_VALUE] = { "inf_value", "non_finite_value", "quarantine" },
    [KT_GEN_A_NULL_VALUE] = { "null_value", "null_value", "quarantine" },
    [KT_GEN_A_NULL_TIME] = { "null_time", "null_time", "quarantine" },
    [KT_GEN_A_BAD_TIME] = { "bad_time", "bad_time", "quarantine" },
    [KT_GEN_A_NULL_RUN_UUID] = { "null_run_uuid", "null_run_uuid", "quarantine" },
    [KT_GEN_A_UNKNOWN_FIELD] = { "unknown_field", "unknown_field", "quarantine" },
    [KT_GEN_A_BAD_ROBOT_ID] = { "bad_robot_id", "bad_robot_id", "quarantine" },
    [KT_GEN_A_SENSOR_FIELD_MISMATCH] = { "sensor_field_mismatch", "sensor_field_mismatch", "quarantine" },
    [KT_GEN_A_OUT_OF_RANGE] = { "out_of_range", "out_of_range", "quarantine" },
    [KT_GEN_A_TIME_WITHOUT_FRACTION] = { "time_without_fraction", "time_without_fraction", "accepted" },
    [KT_GEN_A_UNNORMALISED_NAMES] = { "unnormalised_names", "normalised_names", "accepted" },
    [KT_GEN_A_SPIKE] = { "spike", "spike", "accepted" },
    [KT_GEN_A_EXACT_DUPLICATE] = { "exact_duplicate", "exact_duplicate", "accepted" },
    [KT_GEN_A_EXACT_DUPLICATE_IN_FILE] = { "exact_duplicate_in_file", "exact_duplicate_in_file", "dropped" },
    [KT_GEN_A_CONFLICTING_DUPLICATE] = { "conflicting_duplicate", "conflicting_duplicate", "accepted" },
    [KT_GEN_A_LATE_DELIVERY] = { "late_delivery", "late_delivery", "accepted" },
    [KT_GEN_A_DUPLICATE_ORIGINAL] = { "duplicate_original", "duplicate_original", "accepted" },
};

const char *kt_gen_anomaly_kind_name(kt_gen_anomaly_kind k)
{
    return (unsigned)k < KT_GEN_A_KIND_COUNT ? KINDS[k].name : "?";
}

const char *kt_gen_anomaly_rule(kt_gen_anomaly_kind k)
{
    return (unsigned)k < KT_GEN_A_KIND_COUNT ? KINDS[k].rule : "?";
}

const char *kt_gen_anomaly_outcome(kt_gen_anomaly_kind k)
{
    return (unsigned)k < KT_GEN_A_KIND_COUNT ? KINDS[k].outcome : "?";
}

void kt_gen_anomalies_free(kt_gen_anomaly *a, size_t n)
{
    (void)n;
    free(a);
}

/* Where an anomaly goes: run index (0..3 of the sample), stream, slot, seconds into the run. */
typedef struct placement {
    kt_gen_anomaly_kind kind;
    int run, stream, slot;
    double at_s;
} placement;

enum { ENC1, ENC2, LC1, LC2 };
enum { SX, SY, SZ };

static const placement PLAN[] = {
    { KT_GEN_A_NAN_VALUE, 0, ENC1, SX, 31 },
    { KT_GEN_A_INF_VALUE, 0, LC2, SZ, 47 },
    { KT_GEN_A_NULL_VALUE, 0, LC1, SY, 63 },
    { KT_GEN_A_NULL_TIME, 0, ENC2, SY, 79 },
    { KT_GEN_A_BAD_TIME, 0, ENC1, SZ, 95 },
    { KT_GEN_A_BAD_TIME, 1, LC1, SX, 111 },
    { KT_GEN_A_NULL_RUN_UUID, 1, ENC1, SX, 127 },
    { KT_GEN_A_UNKNOWN_FIELD, 0, ENC1, SY, 143 },
    { KT_GEN_A_BAD_ROBOT_ID, 0, LC2, SX, 159 },
    { KT_GEN_A_SENSOR_FIELD_MISMATCH, 3, ENC1, SX, 175 },
    { KT_GEN_A_OUT_OF_RANGE, 0, ENC2, SX, 191 },
    { KT_GEN_A_OUT_OF_RANGE, 1, LC2, SZ, 207 },
    { KT_GEN_A_SPIKE, 0, ENC1, SY, 223 },
    { KT_GEN_A_SPIKE, 3, ENC2, SZ, 239 },
    { KT_GEN_A_UNNORMALISED_NAMES, 0, LC1, SZ, 255 },
    { KT_GEN_A_TIME_WITHOUT_FRACTION, 0, ENC1, SX, 271 },
    { KT_GEN_A_TIME_WITHOUT_FRACTION, 3, ENC2, SY, 30 },
    { KT_GEN_A_EXACT_DUPLICATE, 0, ENC1, SZ, 287 },
    { KT_GEN_A_EXACT_DUPLICATE, 1, LC1, SX, 303 },
    { KT_GEN_A_EXACT_DUPLICATE_IN_FILE, 0, LC1, SX, 319 },
    { KT_GEN_A_CONFLICTING_DUPLICATE, 0, ENC2, SZ, 335 },
    { KT_GEN_A_CONFLICTING_DUPLICATE, 1, ENC1, SY, 351 },
    { KT_GEN_A_NAN_VALUE, 2, LC1, SX, 40 },
};
enum { NPLAN = sizeof PLAN / sizeof PLAN[0] };

/* First sample of a stream at or after `at_ms` into the run (count if none). */
static int64_t sample_at(const kt_gen_run *r, int stream, int64_t at_ms)
{
    const kt_gen_stream *s = &r->streams[stream];
    int64_t i = (at_ms - s->phase_ms) / s->period_ms - 1;
    if (i < 0) i = 0;
    while (i < s->count && kt_gen_time_ms(r, stream, i) - r->start_ms < at_ms) i++;
    return i;
}

static int64_t whole_second_sample(const kt_gen_run *r, int stream, int64_t from)
{
    for (int64_t i = from; i < r->streams[stream].count; i++)
        if (kt_gen_time_ms(r, stream, i) % 1000 == 0) return i;
    return -1;
}

/* A job other than `not_this` on a normal delivery day (duplicates go "in another file"). */
static int other_job(const kt_gen_model *m, int not_this, uint64_t h)
{
    int normal = m->ndays * m->files_per_day;
    int j = (int)(h % (uint64_t)(normal - 1));
    return j >= not_this ? j + 1 : j;
}

static void fill_overrides(kt_gen_anomaly *a, const kt_gen_model *m)
{
    const kt_gen_run *r = &m->runs[a->run];
    double v = kt_gen_value(m, r, a->stream, a->slot, a->index, a->t_ms);
    switch (a->kind) {
    case KT_GEN_A_NAN_VALUE: a->overrides = KT_GEN_OV_VALUE; a->value = NAN; break;
    case KT_GEN_A_INF_VALUE: a->overrides = KT_GEN_OV_VALUE; a->value = INFINITY; break;
    case KT_GEN_A_NULL_VALUE: a->overrides = KT_GEN_OV_VALUE_NULL; break;
    case KT_GEN_A_NULL_TIME: a->overrides = KT_GEN_OV_TIME_NULL; break;
    case KT_GEN_A_BAD_TIME:
        a->overrides = KT_GEN_OV_TIME_TEXT;
        if (a->run == 0) {
            /* the true time with a letter in the minutes: looks like a time, is not one */
            size_t n = kt_gen_format_ms(a->t_ms, a->time_text);
            a->time_text[n] = 0;
            a->time_text[15] = 'x';
        } else {
            strcpy(a->time_text, "not a time");
        }
        break;
    case KT_GEN_A_NULL_RUN_UUID: a->overrides = KT_GEN_OV_RUN_NULL; break;
    case KT_GEN_A_UNKNOWN_FIELD: a->overrides = KT_GEN_OV_FIELD; a->field_text = "w"; break;
    case KT_GEN_A_BAD_ROBOT_ID: a->overrides = KT_GEN_OV_ROBOT; a->robot_id = 3; break;
    case KT_GEN_A_SENSOR_FIELD_MISMATCH:
        a->overrides = KT_GEN_OV_FIELD;
        a->field_text = kt_gen_stream_is_encoder(a->stream) ? "fx" : "x";
        break;
    case KT_GEN_A_OUT_OF_RANGE:
        a->overrides = KT_GEN_OV_VALUE;
        a->value = kt_gen_stream_is_encoder(a->stream) ? 12345.5 : -75000.0;
        break;
    case KT_GEN_A_SPIKE:
        /* far from the neighbours (tens of mm), well inside the physical limits */
        a->overrides = KT_GEN_OV_VALUE;
        a->value = v + (a->slot == SZ ? -60.0 : 75.0);
        break;
    case KT_GEN_A_UNNORMALISED_NAMES:
        a->overrides = KT_GEN_OV_FIELD | KT_GEN_OV_SENSOR;
        a->field_text = kt_gen_stream_is_encoder(a->stream) ? " X " : " FZ";
        a->sensor_text = kt_gen_stream_is_encoder(a->stream) ? "Encoder" : "LOAD_CELL ";
        break;
    case KT_GEN_A_CONFLICTING_DUPLICATE:
        a->overrides = KT_GEN_OV_VALUE;
        a->value = v + (kt_gen_stream_is_encoder(a->stream) ? 2.5 : 40.0);
        break;
    default: break;  /* duplicates, whole-second times, originals: the reading as it is */
    }
}

static bool is_duplicate(kt_gen_anomaly_kind k)
{
    return k == KT_GEN_A_EXACT_DUPLICATE || k == KT_GEN_A_EXACT_DUPLICATE_IN_FILE ||
           k == KT_GEN_A_CONFLICTING_DUPLICATE;
}

static kt_status plan_one(kt_gen_model *m, const placement *p, size_t *n, kt_error *err)
{
    kt_gen_anomaly *a = &m->anomalies[*n];
    memset(a, 0, sizeof *a);
    a->kind = p->kind;
    a->run = (size_t)p->run;
    a->stream = p->stream;
    a->slot = p->slot;
    a->job = -1;
    a->original = -1;
    a->out_job = -1;
    const kt_gen_run *r = &m->runs[a->run];
    const kt_gen_stream *st = &r->streams[p->stream];
    if (!st->count || !(st->slots & (1u << p->slot)))
        return kt_fail(err, KT_ERR_INTERNAL, "anomaly plan: %s placed on a channel run %d lacks",
                       kt_gen_anomaly_kind_name(p->kind), p->run + 1);
    a->index = sample_at(r, p->stream, (int64_t)(p->at_s * 1000));
    if (p->kind == KT_GEN_A_TIME_WITHOUT_FRACTION)
        a->index = whole_second_sample(r, p->stream, a->index);
    if (a->index < 0 || a->index >= st->count)
        return kt_fail(err, KT_ERR_INTERNAL, "anomaly plan: no reading for %s in run %d",
                       kt_gen_anomaly_kind_name(p->kind), p->run + 1);
    a->t_ms = kt_gen_time_ms(r, p->stream, a->index);
    fill_overrides(a, m);
    (*n)++;
    if (!is_duplicate(p->kind)) return KT_OK;

    /* the original keeps its place; the copy goes to another file (or the same, or the late one) */
    kt_gen_anomaly *orig = &m->anomalies[*n];
    *orig = *a;
    orig->kind = KT_GEN_A_DUPLICATE_ORIGINAL;
    orig->overrides = 0;
    int home = kt_gen_destination(m, a->run, a->stream, a->slot, a->index);
    uint64_t h = kt_gen_hash_at(m->seed ^ 0x6475706c69636174ULL, *n);
    if (p->kind == KT_GEN_A_EXACT_DUPLICATE_IN_FILE) a->job = home;
    else if (p->run == 1 && m->has_late) a->job = kt_gen_late_job(m);  /* arrives days later */
    else a->job = other_job(m, home, h);
    a->original = (int)*n;
    (*n)++;
    return KT_OK;
}

kt_status kt_gen_plan_anomalies(kt_gen_model *m, kt_error *err)
{
    if (m->nruns < 4 || m->ndays * m->files_per_day < 2)
        return kt_fail(err, KT_ERR_USAGE, "anomalies need the sample's four runs and at least two files");
    size_t cap = 2 * NPLAN + 1;
    m->anomalies = calloc(cap, sizeof *m->anomalies);
    if (!m->anomalies) return kt_fail(err, KT_ERR_NOMEM, "anomaly plan: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < NPLAN; i++) {
        kt_status s = plan_one(m, &PLAN[i], &n, err);
        if (s != KT_OK) return s;
    }
    if (m->has_late) {
        kt_gen_anomaly *a = &m->anomalies[n++];
        memset(a, 0, sizeof *a);
        a->kind = KT_GEN_A_LATE_DELIVERY;
        a->run = m->late_run;
        a->stream = -1;
        a->slot = -1;
        a->index = -1;
        a->t_ms = m->runs[m->late_run].start_ms + m->late_from_ms;
        a->job = kt_gen_late_job(m);
        a->original = -1;
        a->out_job = a->job;
    }
    m->nanomalies = n;
    return KT_OK;
}
