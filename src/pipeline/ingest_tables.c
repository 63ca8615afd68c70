/*
 * pipeline/ingest_tables.c — schemas of raw and quarantine, opening them,
 * and the text of file marks.
 */
#include "pipeline/ingest_tables.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const kt_delta_field RAW[KT_RAW_FIELDS] = {
    [KT_RAW_RUN_UUID] = { "run_uuid", KT_DELTA_STRING, false },
    [KT_RAW_TIME] = { "time", KT_DELTA_TIMESTAMP, false },
    [KT_RAW_ROBOT_ID] = { "robot_id", KT_DELTA_INTEGER, false },
    [KT_RAW_SENSOR_TYPE] = { "sensor_type", KT_DELTA_STRING, false },
    [KT_RAW_FIELD] = { "field", KT_DELTA_STRING, false },
    [KT_RAW_VALUE] = { "value", KT_DELTA_DOUBLE, false },
    [KT_RAW_SOURCE_FILE] = { "source_file", KT_DELTA_STRING, false },
};

static const kt_delta_field QUARANTINE[KT_QT_FIELDS] = {
    [KT_QT_SOURCE_FILE] = { "source_file", KT_DELTA_STRING, false },
    [KT_QT_ROW_NUMBER] = { "row_number", KT_DELTA_LONG, false },
    [KT_QT_REASON] = { "reason", KT_DELTA_STRING, false },
    [KT_QT_DETAIL] = { "detail", KT_DELTA_STRING, false },
    [KT_QT_TIME_TEXT] = { "time_text", KT_DELTA_STRING, true },
    [KT_QT_VALUE_TEXT] = { "value_text", KT_DELTA_STRING, true },
    [KT_QT_FIELD_TEXT] = { "field_text", KT_DELTA_STRING, true },
    [KT_QT_ROBOT_ID_TEXT] = { "robot_id_text", KT_DELTA_STRING, true },
    [KT_QT_RUN_UUID_TEXT] = { "run_uuid_text", KT_DELTA_STRING, true },
    [KT_QT_SENSOR_TYPE_TEXT] = { "sensor_type_text", KT_DELTA_STRING, true },
    [KT_QT_INGESTED_AT] = { "ingested_at", KT_DELTA_TIMESTAMP, false },
};

const kt_delta_field *kt_ingest_raw_fields(void) { return RAW; }
const kt_delta_field *kt_ingest_quarantine_fields(void) { return QUARANTINE; }

static kt_status open_one(const char *lake, const char *name, const kt_delta_field *fields, size_t n,
                          const char *partition, const kt_delta_options *opts, kt_delta_table **out,
                          kt_error *err)
{
    KT_TRY(kt_delta_open_in_lake(lake, name, opts, out, err));
    const char *parts[1] = { partition };
    kt_status st = kt_delta_create(*out, fields, n, parts, partition ? 1 : 0, NULL, err);
    if (st != KT_OK) {
        kt_delta_close(*out);
        *out = NULL;
    }
    return st;
}

kt_status kt_ingest_open_tables(const char *lake, const kt_delta_options *opts, kt_ingest_tables *out,
                                kt_error *err)
{
    memset(out, 0, sizeof *out);
    KT_TRY(open_one(lake, KT_INGEST_QUARANTINE_TABLE, QUARANTINE, KT_QT_FIELDS, NULL, opts, &out->quarantine, err));
    kt_status st = open_one(lake, KT_INGEST_RAW_TABLE, RAW, KT_RAW_FIELDS, "run_uuid", opts, &out->raw, err);
    if (st != KT_OK) kt_ingest_close_tables(out);
    return st;
}

void kt_ingest_close_tables(kt_ingest_tables *t)
{
    kt_delta_close(t->raw);
    kt_delta_close(t->quarantine);
    t->raw = t->quarantine = NULL;
}

size_t kt_ingest_mark(uint64_t hash, int64_t size, char out[KT_INGEST_MARK_MAX])
{
    return (size_t)snprintf(out, KT_INGEST_MARK_MAX, KT_INGEST_MARK_PREFIX "%016" PRIx64 "-%" PRId64, hash, size);
}

bool kt_ingest_mark_parse(const char *app_id, uint64_t *hash, int64_t *size)
{
    size_t plen = strlen(KT_INGEST_MARK_PREFIX);
    if (strncmp(app_id, KT_INGEST_MARK_PREFIX, plen) != 0) return false;
    const char *h = app_id + plen;
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = h[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
        if (d > 15) return false;
        v = v << 4 | d;
    }
    if (h[16] != '-' || h[17] < '0' || h[17] > '9') return false;
    char *end;
    long long s = strtoll(h + 17, &end, 10);
    if (*end || s < 0) return false;
    *hash = v;
    *size = s;
    return true;
}
