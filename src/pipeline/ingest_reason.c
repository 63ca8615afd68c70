/*
 * pipeline/ingest_reason.c — names of the quarantine reason codes.
 */
#include "pipeline/ingest_reason.h"

#include <string.h>

static const char *const NAMES[KT_REASON_COUNT] = {
    "null_time",     "bad_time",   "null_run_uuid",    "bad_robot_id", "unknown_field",
    "sensor_field_mismatch", "null_value", "non_finite_value", "out_of_range",
};

const char *kt_reason_name(kt_reason r)
{
    return (unsigned)r < KT_REASON_COUNT ? NAMES[r] : "?";
}

int kt_reason_parse(const char *name)
{
    for (int r = 0; r < KT_REASON_COUNT; r++)
        if (!strcmp(NAMES[r], name)) return r;
    return -1;
}
