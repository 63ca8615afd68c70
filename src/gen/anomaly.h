/*
 * gen/anomaly.h — the anomalies injected into the sample profile: which
 * reading each one starts from, what the written row says instead, and
 * (after writing) the file and row where it ended up.
 *
 * Contract: kt_gen_plan_anomalies fills m->anomalies for the sample
 * profile at fixed places of the four runs (far from each other, so a
 * spike's neighbours are clean readings). Two sorts of entries:
 *  - mutations (job = -1): the reading itself is written differently,
 *    by whichever job its routing sends it to;
 *  - added rows (job >= 0): an extra row written by that job (duplicates).
 * A duplicate's original reading carries an internal DUPLICATE_ORIGINAL
 * tag so its (file, row) is known too. LATE_DELIVERY describes the late
 * file as a whole (row 0, `rows` rows).
 * kind/rule/outcome names are what _anomalies.json says (docs/GEN.md).
 */
#ifndef KT_GEN_ANOMALY_H
#define KT_GEN_ANOMALY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct kt_gen_model;

typedef enum kt_gen_anomaly_kind {
    KT_GEN_A_NAN_VALUE,
    KT_GEN_A_INF_VALUE,
    KT_GEN_A_NULL_VALUE,
    KT_GEN_A_NULL_TIME,
    KT_GEN_A_BAD_TIME,
    KT_GEN_A_NULL_RUN_UUID,
    KT_GEN_A_UNKNOWN_FIELD,
    KT_GEN_A_BAD_ROBOT_ID,
    KT_GEN_A_SENSOR_FIELD_MISMATCH,
    KT_GEN_A_OUT_OF_RANGE,
    KT_GEN_A_TIME_WITHOUT_FRACTION,
    KT_GEN_A_UNNORMALISED_NAMES,
    KT_GEN_A_SPIKE,
    KT_GEN_A_EXACT_DUPLICATE,
    KT_GEN_A_EXACT_DUPLICATE_IN_FILE,
    KT_GEN_A_CONFLICTING_DUPLICATE,
    KT_GEN_A_LATE_DELIVERY,
    KT_GEN_A_DUPLICATE_ORIGINAL,  /* internal: locates a duplicate's original */
    KT_GEN_A_KIND_COUNT
} kt_gen_anomaly_kind;

/* What the written row says instead of the reading. */
enum {
    KT_GEN_OV_TIME_NULL = 1 << 0,
    KT_GEN_OV_TIME_TEXT = 1 << 1,
    KT_GEN_OV_VALUE = 1 << 2,
    KT_GEN_OV_VALUE_NULL = 1 << 3,
    KT_GEN_OV_FIELD = 1 << 4,
    KT_GEN_OV_SENSOR = 1 << 5,
    KT_GEN_OV_ROBOT = 1 << 6,
    KT_GEN_OV_RUN_NULL = 1 << 7,
};

typedef struct kt_gen_anomaly {
    kt_gen_anomaly_kind kind;
    size_t run;
    int stream, slot;
    int64_t index;          /* the reading it is built from */
    int64_t t_ms;           /* that reading's time */
    int job;                /* added rows: the job writing it; mutations: -1 */
    int original;           /* duplicates: index of the original's tag; else -1 */
    unsigned overrides;     /* KT_GEN_OV_* */
    char time_text[32];
    double value;
    const char *field_text, *sensor_text;
    int64_t robot_id;
    /* filled in while writing */
    int out_job;            /* -1 until written */
    int64_t out_row;
    int64_t rows;           /* LATE_DELIVERY: rows in the late file */
} kt_gen_anomaly;

const char *kt_gen_anomaly_kind_name(kt_gen_anomaly_kind k);
/* The SPEC rule or reason code the anomaly exercises. */
const char *kt_gen_anomaly_rule(kt_gen_anomaly_kind k);
/* Where SPEC §3 puts the row: "quarantine", "accepted" or "dropped". */
const char *kt_gen_anomaly_outcome(kt_gen_anomaly_kind k);

kt_status kt_gen_plan_anomalies(struct kt_gen_model *m, kt_error *err);
void kt_gen_anomalies_free(kt_gen_anomaly *a, size_t n);

#endif
