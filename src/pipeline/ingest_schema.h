/*
 * pipeline/ingest_schema.h — which file column plays which role (time,
 * value, field, robot_id, run_uuid, sensor_type) and how each is coerced
 * (SPEC §1: "the same data with other reasonable physical types").
 *
 * Contract:
 *  - Columns are matched by name, ASCII case-insensitive, surrounding
 *    blanks ignored. A missing role, a role matched by two columns, or a
 *    type that cannot hold the role fails with KT_ERR_FORMAT and one line
 *    naming the file, the column and its type.
 *  - Accepted types (as the reader decodes them, reader.h):
 *      time        BYTE_ARRAY text (ISO-8601) or a TIMESTAMP / INT96
 *      value       DOUBLE, FLOAT, INT32/INT64 (signed or unsigned), DECIMAL
 *      robot_id    any integer, DOUBLE, FLOAT (integral values)
 *      run_uuid    DOUBLE, FLOAT, DECIMAL, any integer, BYTE_ARRAY text
 *      field, sensor_type   BYTE_ARRAY text
 *    Timestamps are never accepted for value/robot_id/run_uuid.
 *  - Other columns are ignored; `extra` lists them ("a, b, c", truncated
 *    with "..." when long) and nextra counts them.
 */
#ifndef KT_PIPELINE_INGEST_SCHEMA_H
#define KT_PIPELINE_INGEST_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/column.h"
#include "core/error.h"
#include "format/parquet/reader.h"

typedef enum kt_ingest_role {
    KT_ROLE_TIME,
    KT_ROLE_VALUE,
    KT_ROLE_FIELD,
    KT_ROLE_ROBOT,
    KT_ROLE_RUN,
    KT_ROLE_SENSOR,
    KT_ROLES
} kt_ingest_role;

/* "time", "value", "field", "robot_id", "run_uuid", "sensor_type". */
const char *kt_ingest_role_name(kt_ingest_role role);

typedef struct kt_ingest_source_column {
    int column;              /* leaf index in the file */
    kt_type type;            /* what the reader decodes it to */
    bool is_unsigned;        /* KT_INT64 holding uint64 bits */
    bool is_timestamp;
    kt_pq_time_unit unit;    /* timestamps */
} kt_ingest_source_column;

typedef struct kt_ingest_schema {
    kt_ingest_source_column role[KT_ROLES];
    int nextra;
    char extra[256];
} kt_ingest_schema;

/* file: used in messages only. */
kt_status kt_ingest_schema_resolve(const kt_pq_column_info *columns, int ncolumns, const char *file,
                                   kt_ingest_schema *out, kt_error *err);

#endif
