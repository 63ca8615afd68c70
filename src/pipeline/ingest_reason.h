/*
 * pipeline/ingest_reason.h — the quarantine reason codes of SPEC §3 and
 * their precedence.
 *
 * Contract: a rejected row carries exactly one code: the first that
 * applies in enum order. The order checks the reading's identity first
 * (when, which run, which arm, which channel) and its value last:
 *   null_time, bad_time, null_run_uuid, bad_robot_id, unknown_field,
 *   sensor_field_mismatch, null_value, non_finite_value, out_of_range.
 */
#ifndef KT_PIPELINE_INGEST_REASON_H
#define KT_PIPELINE_INGEST_REASON_H

typedef enum kt_reason {
    KT_REASON_NULL_TIME,
    KT_REASON_BAD_TIME,
    KT_REASON_NULL_RUN_UUID,
    KT_REASON_BAD_ROBOT_ID,
    KT_REASON_UNKNOWN_FIELD,
    KT_REASON_SENSOR_FIELD_MISMATCH,
    KT_REASON_NULL_VALUE,
    KT_REASON_NON_FINITE_VALUE,
    KT_REASON_OUT_OF_RANGE,
    KT_REASON_COUNT
} kt_reason;

/* "null_time" ... "out_of_range"; "?" outside the enum. */
const char *kt_reason_name(kt_reason r);
/* The code of a name, or -1. */
int kt_reason_parse(const char *name);

#endif
