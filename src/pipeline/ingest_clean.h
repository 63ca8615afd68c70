/*
 * pipeline/ingest_clean.h — the cleaning step of ingest, pure and in
 * memory: decoded source columns of one row group in, accepted readings
 * and quarantine rows out (SPEC §3 "Cleaning").
 *
 * Contract:
 *  - A kt_ingest_cleaner is one worker's context, used for one source
 *    file at a time: kt_ingest_cleaner_begin_file() forgets the previous
 *    file's runs and duplicates. Nothing is global.
 *  - kt_ingest_clean() takes the row group's columns by role (schema.h:
 *    cols[KT_ROLE_TIME] ... cols[KT_ROLE_SENSOR], each of the type the
 *    schema says, nrows values) and the file's 0-based index of its first
 *    row. Every row ends in exactly one of: acc (accepted), rej
 *    (quarantined, one reason, reason.h precedence) or counts->duplicates
 *    (an exact duplicate of an accepted reading earlier in the same file;
 *    dedup.h). counts->rows grows by nrows; rows = accepted + quarantined
 *    + duplicates always.
 *  - Accepted readings: time in µs UTC within KT_TIME_MIN_US..MAX_US,
 *    value finite and within the field's limits, robot 1|2, field a
 *    kt_field whose sensor matched, run an index into the cleaner's run
 *    table (kt_ingest_cleaner_run gives the canonical id text).
 *  - Quarantine rows keep the original values as text (NULL stays null):
 *    strings as written (invalid UTF-8 bytes shown as \xNN), numbers in
 *    their shortest round-trip form, timestamps as ISO-8601 µs; plus the
 *    0-based row number, the reason code and a one-line detail.
 *  - Outputs are appended to (never cleared): the caller flushes them.
 *    Errors (KT_ERR_NOMEM, KT_ERR_INTERNAL on a column of the wrong type)
 *    leave outputs partially appended: the caller discards the file.
 */
#ifndef KT_PIPELINE_INGEST_CLEAN_H
#define KT_PIPELINE_INGEST_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "pipeline/ingest_config.h"
#include "pipeline/ingest_reason.h"
#include "pipeline/ingest_schema.h"

typedef struct kt_ingest_row {
    int64_t time_us;
    double value;
    uint32_t run;    /* index into the cleaner's run table */
    uint8_t robot;   /* 1 or 2 */
    uint8_t field;   /* kt_field */
    uint16_t zero;
} kt_ingest_row;

typedef struct kt_ingest_accepted {
    kt_ingest_row *rows;
    size_t len, cap;
} kt_ingest_accepted;

void kt_ingest_accepted_init(kt_ingest_accepted *a);
void kt_ingest_accepted_free(kt_ingest_accepted *a);

/* Quarantine columns, in table order (docs/TABLES.md adds source_file etc.). */
enum {
    KT_Q_TIME_TEXT,
    KT_Q_VALUE_TEXT,
    KT_Q_FIELD_TEXT,
    KT_Q_ROBOT_ID_TEXT,
    KT_Q_RUN_UUID_TEXT,
    KT_Q_SENSOR_TYPE_TEXT,
    KT_Q_ROW_NUMBER, /* KT_INT64 */
    KT_Q_REASON,
    KT_Q_DETAIL,
    KT_Q_COLUMNS
};

typedef struct kt_ingest_rejected {
    kt_column col[KT_Q_COLUMNS];
} kt_ingest_rejected;

void kt_ingest_rejected_init(kt_ingest_rejected *r);
void kt_ingest_rejected_clear(kt_ingest_rejected *r);
void kt_ingest_rejected_free(kt_ingest_rejected *r);
static inline size_t kt_ingest_rejected_len(const kt_ingest_rejected *r) { return r->col[KT_Q_ROW_NUMBER].len; }

typedef struct kt_ingest_counts {
    int64_t rows;
    int64_t accepted;
    int64_t quarantined;
    int64_t duplicates;
    int64_t by_reason[KT_REASON_COUNT];
} kt_ingest_counts;

typedef struct kt_ingest_cleaner kt_ingest_cleaner;

/* cfg is copied. NULL on allocation failure. */
kt_ingest_cleaner *kt_ingest_cleaner_new(const kt_ingest_config *cfg);
void kt_ingest_cleaner_free(kt_ingest_cleaner *c);
void kt_ingest_cleaner_begin_file(kt_ingest_cleaner *c);
/* After begin_file: the file's row count from its footer, to size the
 * duplicate set once (a hint, bounded by the dedup budget). */
void kt_ingest_cleaner_expect_rows(kt_ingest_cleaner *c, int64_t rows);

size_t kt_ingest_cleaner_num_runs(const kt_ingest_cleaner *c);
const char *kt_ingest_cleaner_run(const kt_ingest_cleaner *c, uint32_t run, size_t *len);
/* Times the duplicate set was emptied in this file (0 = dedup was exact). */
uint64_t kt_ingest_cleaner_dedup_resets(const kt_ingest_cleaner *c);

kt_status kt_ingest_clean(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols,
                          size_t nrows, int64_t first_row, kt_ingest_accepted *acc, kt_ingest_rejected *rej,
                          kt_ingest_counts *counts, kt_error *err);

/* The same, for a row group read with dictionary codes (format/parquet/
 * reader.h): where dicts[role] is not NULL, cols[role] of a string role is
 * KT_INT32 codes into dicts[role] instead of the strings. Names (field,
 * sensor_type) are then classified once per dictionary entry instead of
 * once per row; results are identical to kt_ingest_clean on the strings.
 * dicts may be NULL (no role coded). */
kt_status kt_ingest_clean_coded(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols,
                                const kt_column *const *dicts, size_t nrows, int64_t first_row,
                                kt_ingest_accepted *acc, kt_ingest_rejected *rej, kt_ingest_counts *counts,
                                kt_error *err);

#endif
