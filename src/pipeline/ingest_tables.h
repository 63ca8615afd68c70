/*
 * pipeline/ingest_tables.h — the two tables ingest writes (SPEC §2 `raw`
 * and `quarantine`; docs/TABLES.md) and the per-file marks that make
 * ingest exactly-once (docs/INGEST.md).
 *
 * Contract:
 *  - kt_ingest_raw_fields / kt_ingest_quarantine_fields are THE column
 *    lists, in table order. raw is partitioned by run_uuid; quarantine is
 *    not partitioned.
 *  - kt_ingest_open_tables opens (creating when missing) both tables under
 *    the lake. An existing table with another schema is KT_ERR_CONFLICT.
 *  - A source file's identity is (content hash, size). Its mark is the
 *    Delta txn appId "kinetl-ingest/<16 hex digits>-<size>" recorded in the
 *    commit that adds the file's rows to a table; the txn version is the
 *    number of rows the commit added to that table from the file (raw:
 *    accepted, quarantine: rejected).
 */
#ifndef KT_PIPELINE_INGEST_TABLES_H
#define KT_PIPELINE_INGEST_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "lake/delta/delta.h"

#define KT_INGEST_RAW_TABLE "raw"
#define KT_INGEST_QUARANTINE_TABLE "quarantine"
#define KT_INGEST_MARK_PREFIX "kinetl-ingest/"
#define KT_INGEST_MARK_MAX 64

enum {
    KT_RAW_RUN_UUID, KT_RAW_TIME, KT_RAW_ROBOT_ID, KT_RAW_SENSOR_TYPE, KT_RAW_FIELD, KT_RAW_VALUE,
    KT_RAW_SOURCE_FILE, KT_RAW_FIELDS
};

enum {
    KT_QT_SOURCE_FILE, KT_QT_ROW_NUMBER, KT_QT_REASON, KT_QT_DETAIL, KT_QT_TIME_TEXT, KT_QT_VALUE_TEXT,
    KT_QT_FIELD_TEXT, KT_QT_ROBOT_ID_TEXT, KT_QT_RUN_UUID_TEXT, KT_QT_SENSOR_TYPE_TEXT, KT_QT_INGESTED_AT,
    KT_QT_FIELDS
};

const kt_delta_field *kt_ingest_raw_fields(void);        /* KT_RAW_FIELDS entries */
const kt_delta_field *kt_ingest_quarantine_fields(void); /* KT_QT_FIELDS entries */

typedef struct kt_ingest_tables {
    kt_delta_table *raw, *quarantine;
} kt_ingest_tables;

kt_status kt_ingest_open_tables(const char *lake, const kt_delta_options *opts, kt_ingest_tables *out,
                                kt_error *err);
void kt_ingest_close_tables(kt_ingest_tables *t);

/* The appId of a file identity; returns its length. */
size_t kt_ingest_mark(uint64_t hash, int64_t size, char out[KT_INGEST_MARK_MAX]);
/* Parses an appId made by kt_ingest_mark; false for any other text. */
bool kt_ingest_mark_parse(const char *app_id, uint64_t *hash, int64_t *size);

#endif
