/*
 * gen/model.h — what the generator produces, as data: the runs (ids,
 * start, duration, sensor streams, toolpaths and force models), how their
 * readings are spread over delivery days and files, and the anomaly plan.
 *
 * Contract: every reading is a pure function of the model and its
 * coordinates (run, stream, slot, index): its time (kt_gen_time_ms), its
 * value (kt_gen_value) and its destination file (kt_gen_route). Any part
 * of the output can therefore be produced on its own, by any thread, and
 * the files do not depend on the number of threads.
 *
 * Streams: 0 = encoder of robot 1, 1 = encoder of robot 2, 2 = load cell
 * of robot 1, 3 = load cell of robot 2. Slot 0..2 is the stream's field:
 * x y z for encoders, fx fy fz for load cells. A series is one
 * (run, stream, slot): the readings of one channel.
 */
#ifndef KT_GEN_MODEL_H
#define KT_GEN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gen/forces.h"
#include "gen/toolpath.h"

enum { KT_GEN_STREAMS = 4, KT_GEN_SLOTS = 3 };

static inline int kt_gen_stream_robot(int stream) { return stream % 2 + 1; }
static inline bool kt_gen_stream_is_encoder(int stream) { return stream < 2; }
/* Field name of a slot of a stream: "x" .. "fz". */
const char *kt_gen_field_name(int stream, int slot);
const char *kt_gen_sensor_name(int stream);

typedef struct kt_gen_stream {
    int64_t phase_ms;   /* first sample, after the run's start */
    int32_t period_ms;  /* nominal sampling period */
    int32_t jitter_ms;  /* each sample after the first is moved by up to +-jitter */
    int64_t count;      /* samples; 0 = the sensor did not report in this run */
    uint8_t slots;      /* bit j set: slot j reported */
    uint64_t key;       /* hash key of the stream */
} kt_gen_stream;

/* A channel that stops following the signal and reads a constant (a stuck sensor). */
typedef struct kt_gen_flat {
    bool on;
    int stream, slot;
    int64_t from_ms;    /* after the run's start */
    double value;
} kt_gen_flat;

typedef struct kt_gen_run {
    uint64_t id;               /* the 64-bit id before storage rounded it */
    double id_double;          /* run_uuid as stored in the files */
    char id_text[24];          /* canonical run id (SPEC §1) */
    int64_t start_ms;          /* time of the run's first reading */
    int64_t duration_ms;       /* nominal length; readings stay within it */
    kt_gen_stream streams[KT_GEN_STREAMS];
    kt_gen_toolpath path[2];   /* per robot */
    kt_gen_force_model force[2];
    kt_gen_flat flat;
    int home_day;              /* delivery day index where most rows land */
    uint64_t key;
} kt_gen_run;

typedef enum kt_gen_profile { KT_GEN_PROFILE_SAMPLE, KT_GEN_PROFILE_SCALE } kt_gen_profile;

typedef struct kt_gen_anomaly kt_gen_anomaly;

typedef struct kt_gen_model {
    kt_gen_profile profile;
    uint64_t seed;
    double noise_mm, noise_n;  /* sigma of encoder and load-cell noise */
    kt_gen_run *runs;
    size_t nruns;
    /* delivery layout: day index d is folder delivery_date=<first_day + d> */
    int64_t first_day;         /* days since 1970-01-01 */
    int ndays;                 /* normal delivery days */
    int files_per_day;
    int spread;                /* a run's rows land on its home day .. home day + spread - 1 */
    double spread_cdf[4];      /* cumulative share of rows per day offset */
    int block;                 /* consecutive samples of a series routed together */
    bool route_by_stream;      /* x, y, z (fx, fy, fz) of a block go to one file together */
    /* late delivery: rows of one run in a time window go to a later day */
    bool has_late;
    size_t late_run;
    int64_t late_from_ms, late_to_ms;  /* after the run's start, [from, to) */
    /* anomaly plan (sample profile) */
    kt_gen_anomaly *anomalies;
    size_t nanomalies;
} kt_gen_model;

/* Files (jobs): day-major, then file; the late file, if any, is last. */
static inline int kt_gen_num_jobs(const kt_gen_model *m)
{
    return m->ndays * m->files_per_day + (m->has_late ? 1 : 0);
}
static inline int kt_gen_late_job(const kt_gen_model *m) { return m->ndays * m->files_per_day; }
/* Day index of a job (the late job's day is ndays). */
static inline int kt_gen_job_day(const kt_gen_model *m, int job) { return job / m->files_per_day; }
/* Relative path "delivery_date=YYYYMMDD/part-NNNNN.parquet" of a job's file. */
kt_status kt_gen_job_path(const kt_gen_model *m, int job, char *out, size_t cap);

/* Time of sample `index` of a stream, ms since the epoch. Strictly increasing in index. */
static inline int64_t kt_gen_time_ms(const kt_gen_run *r, int stream, int64_t index);
/* Value of a reading (noise included, stuck sensor applied). */
double kt_gen_value(const kt_gen_model *m, const kt_gen_run *r, int stream, int slot,
                    int64_t index, int64_t t_ms);
/* Values of all three slots of sample `index` of a stream at once (the hot path: one
 * toolpath evaluation for x, y and z); slot j equals kt_gen_value(..., j, ...).
 * noise_keys from kt_gen_noise_keys. */
void kt_gen_sample(const kt_gen_model *m, const kt_gen_run *r, int stream, int64_t index, int64_t t_ms,
                   const uint64_t noise_keys[KT_GEN_SLOTS], double out[KT_GEN_SLOTS]);
void kt_gen_noise_keys(const kt_gen_run *r, int stream, uint64_t keys[KT_GEN_SLOTS]);
/* Noise-free signal of a stream's three slots at time t (mm or N), ignoring stuck sensors. */
void kt_gen_signal(const kt_gen_run *r, int stream, int64_t t_ms, double out[KT_GEN_SLOTS]);
/* Job (file) that receives block `block` of a series, ignoring late delivery. */
int kt_gen_route(const kt_gen_model *m, size_t run, int stream, int slot, int64_t block);
/* The same in two steps, the key computed once per series (the writer's scan loop). */
uint64_t kt_gen_route_key(const kt_gen_model *m, const kt_gen_run *r, int stream, int slot);
int kt_gen_route_keyed(const kt_gen_model *m, const kt_gen_run *r, uint64_t route_key, int64_t block);
/* Like kt_gen_route, with late delivery applied: the job that writes reading `index`. */
int kt_gen_destination(const kt_gen_model *m, size_t run, int stream, int slot, int64_t index);
/* Series key (noise and routing hashes derive from it). */
uint64_t kt_gen_series_key(const kt_gen_run *r, int stream, int slot);
/* Time of the run's last reading (its stop), ms since the epoch. */
int64_t kt_gen_run_stop_ms(const kt_gen_run *r);

/* Canonical run id of a double (SPEC §1): the decimal integer of its
 * shortest round-trip representation. out must hold 24 bytes. */
void kt_gen_run_id_text(double id, char out[24]);

void kt_gen_model_free(kt_gen_model *m);

/* ---- inline definitions ---- */
#include "gen/rng.h"

static inline int64_t kt_gen_time_ms(const kt_gen_run *r, int stream, int64_t index)
{
    const kt_gen_stream *s = &r->streams[stream];
    int64_t t = r->start_ms + s->phase_ms + (int64_t)s->period_ms * index;
    if (s->jitter_ms && index > 0) {
        uint64_t span = 2 * (uint64_t)s->jitter_ms + 1;
        t += (int64_t)(kt_gen_hash_at(s->key, (uint64_t)index) % span) - s->jitter_ms;
    }
    return t;
}

#endif
