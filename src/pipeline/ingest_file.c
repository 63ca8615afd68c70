/*
 * pipeline/ingest_file.c — streaming one source file: reader -> cleaner ->
 * stages, a row group at a time, with the file's rows rolled back from the
 * stages if anything fails before its end.
 */
#include "pipeline/ingest_file.h"

#include <stdlib.h>
#include <string.h>

#include "format/parquet/reader.h"
#include "pipeline/channels.h"
#include "pipeline/ingest_names.h"
#include "pipeline/ingest_tables.h"

/* Raw stage buffer columns (raw fields minus the partition column). */
enum { R_TIME, R_ROBOT, R_SENSOR, R_FIELD, R_VALUE, R_SOURCE, R_COLS };
/* Quarantine stage columns: the quarantine fields in table order. */

typedef struct file_ctx {
    kt_ingest_cleaner *cleaner;
    const char *path, *source_file;
    const kt_ingest_file_out *out;
    kt_ingest_accepted acc;
    kt_ingest_rejected rej;
    kt_column cols[KT_ROLES];
    kt_column **run_cols;    /* stage buffer by cleaner run index, per row group */
    size_t *run_rows;        /* accepted rows by run index, per row group */
    size_t run_cols_cap;
    /* the raw stage's codes of this file's name and of each field and its sensor */
    bool coded;
    int32_t source_code, field_code[KT_FIELD_COUNT], sensor_code[KT_FIELD_COUNT];
} file_ctx;

static kt_status out_of_memory(kt_error *err, const char *source_file)
{
    return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory staging rows", source_file);
}

/* The raw stage's codes for this file's name, the fields and their sensors (once per file). */
static kt_status raw_codes(file_ctx *f, kt_error *err)
{
    if (f->coded) return KT_OK;
    kt_ingest_stage *st = f->out->raw;
    KT_TRY(kt_ingest_stage_code(st, R_SOURCE, f->source_file, strlen(f->source_file), &f->source_code, err));
    for (int k = 0; k < KT_FIELD_COUNT; k++) {
        const char *field = kt_field_name((kt_field)k);
        const char *sensor = kt_sensor_name(kt_field_sensor((kt_field)k));
        KT_TRY(kt_ingest_stage_code(st, R_FIELD, field, strlen(field), &f->field_code[k], err));
        KT_TRY(kt_ingest_stage_code(st, R_SENSOR, sensor, strlen(sensor), &f->sensor_code[k], err));
    }
    f->coded = true;
    return KT_OK;
}

/* Accepted rows into the raw stage: rows are counted per run first so each
 * partition's buffers are reserved once, then filled without checks. */
static kt_status stage_raw(file_ctx *f, kt_error *err)
{
    size_t nruns = kt_ingest_cleaner_num_runs(f->cleaner);
    if (nruns > f->run_cols_cap) {
        kt_column **p = realloc(f->run_cols, nruns * sizeof *p);
        size_t *n = realloc(f->run_rows, nruns * sizeof *n);
        if (p) f->run_cols = p;
        if (n) f->run_rows = n;
        if (!p || !n) return out_of_memory(err, f->source_file);
        f->run_cols_cap = nruns;
    }
    KT_TRY(raw_codes(f, err));
    memset(f->run_rows, 0, nruns * sizeof *f->run_rows);
    for (size_t i = 0; i < f->acc.len; i++) f->run_rows[f->acc.rows[i].run]++;
    for (size_t r = 0; r < nruns; r++) {
        f->run_cols[r] = NULL;
        size_t n = f->run_rows[r];
        if (!n) continue;
        size_t len;
        const char *id = kt_ingest_cleaner_run(f->cleaner, (uint32_t)r, &len);
        kt_column *c;
        KT_TRY(kt_ingest_stage_buffer(f->out->raw, id, len, &c, err));
        for (int k = 0; k < R_COLS; k++)
            if (kt_column_reserve(&c[k], n, 0) != KT_OK) return out_of_memory(err, f->source_file);
        f->run_cols[r] = c;
    }
    for (size_t i = 0; i < f->acc.len; i++) {
        const kt_ingest_row *row = &f->acc.rows[i];
        kt_column *c = f->run_cols[row->run];
        KT_COL_I64(&c[R_TIME])[c[R_TIME].len++] = row->time_us;
        KT_COL_I32(&c[R_ROBOT])[c[R_ROBOT].len++] = row->robot;
        KT_COL_DOUBLE(&c[R_VALUE])[c[R_VALUE].len++] = row->value;
        KT_COL_I32(&c[R_SENSOR])[c[R_SENSOR].len++] = f->sensor_code[row->field];
        KT_COL_I32(&c[R_FIELD])[c[R_FIELD].len++] = f->field_code[row->field];
        KT_COL_I32(&c[R_SOURCE])[c[R_SOURCE].len++] = f->source_code;
    }
    return kt_ingest_stage_check(f->out->raw, err);
}

/* kt_ingest_rejected column feeding each quarantine table column (-1: filled here). */
static const int FROM_REJ[KT_QT_FIELDS] = {
    [KT_QT_SOURCE_FILE] = -1,          [KT_QT_ROW_NUMBER] = KT_Q_ROW_NUMBER,
    [KT_QT_REASON] = KT_Q_REASON,      [KT_QT_DETAIL] = KT_Q_DETAIL,
    [KT_QT_TIME_TEXT] = KT_Q_TIME_TEXT, [KT_QT_VALUE_TEXT] = KT_Q_VALUE_TEXT,
    [KT_QT_FIELD_TEXT] = KT_Q_FIELD_TEXT, [KT_QT_ROBOT_ID_TEXT] = KT_Q_ROBOT_ID_TEXT,
    [KT_QT_RUN_UUID_TEXT] = KT_Q_RUN_UUID_TEXT, [KT_QT_SENSOR_TYPE_TEXT] = KT_Q_SENSOR_TYPE_TEXT,
    [KT_QT_INGESTED_AT] = -1,
};

static kt_status stage_quarantine(file_ctx *f, kt_error *err)
{
    size_t n = kt_ingest_rejected_len(&f->rej);
    if (!n) return KT_OK;
    kt_column *c;
    KT_TRY(kt_ingest_stage_buffer(f->out->quarantine, NULL, 0, &c, err));
    size_t src_len = strlen(f->source_file);
    for (size_t i = 0; i < n; i++) {
        for (int q = 0; q < KT_QT_FIELDS; q++) {
            kt_status st;
            if (q == KT_QT_SOURCE_FILE) st = kt_column_push_bytes(&c[q], f->source_file, src_len);
            else if (q == KT_QT_INGESTED_AT) st = kt_column_push_i64(&c[q], f->out->ingested_at_us);
            else st = kt_column_push_from(&c[q], &f->rej.col[FROM_REJ[q]], i);
            if (st != KT_OK) return out_of_memory(err, f->source_file);
        }
    }
    return kt_ingest_stage_check(f->out->quarantine, err);
}

static kt_status open_and_resolve(const char *path, const char *source_file, kt_pq_reader **r,
                                  kt_ingest_schema *schema, kt_error *err)
{
    KT_TRY(kt_pq_open(path, r, err));
    int n = kt_pq_num_columns(*r);
    kt_pq_column_info *infos = calloc(n > 0 ? (size_t)n : 1, sizeof *infos);
    if (!infos) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", source_file);
    for (int i = 0; i < n; i++) infos[i] = *kt_pq_column(*r, i);
    kt_status st = kt_ingest_schema_resolve(infos, n, path, schema, err);
    free(infos);
    return st;
}

/* The file's rows into the stages; *file_fault false when an output step failed. */
static kt_status read_all(file_ctx *f, kt_ingest_file_stats *stats, bool *file_fault, kt_error *err)
{
    kt_pq_reader *r = NULL;
    kt_ingest_schema schema;
    *file_fault = true;
    kt_status st = open_and_resolve(f->path, f->source_file, &r, &schema, err);
    if (st != KT_OK) {
        kt_pq_close(r);
        return st;
    }
    stats->nextra = schema.nextra;
    memcpy(stats->extra, schema.extra, sizeof stats->extra);
    int proj[KT_ROLES];
    for (int k = 0; k < KT_ROLES; k++) proj[k] = schema.role[k].column;
    kt_ingest_cleaner_expect_rows(f->cleaner, kt_pq_num_rows(r));
    /* Strings come as dictionary codes where the file has them: names are
     * then classified once per distinct value, not per row (a file with
     * plain-encoded strings reads as before). */
    kt_pq_set_dictionary_codes(r, true);
    int groups = kt_pq_num_row_groups(r);
    int64_t first_row = 0;
    for (int g = 0; st == KT_OK && g < groups; g++) {
        *file_fault = true;
        st = kt_pq_read_row_group(r, g, proj, KT_ROLES, f->cols, err);
        if (st != KT_OK) break;
        size_t nrows = f->cols[0].len;
        const kt_column *dicts[KT_ROLES];
        for (int k = 0; k < KT_ROLES; k++) dicts[k] = kt_pq_dictionary(r, k);
        st = kt_ingest_clean_coded(f->cleaner, &schema, f->cols, dicts, nrows, first_row, &f->acc, &f->rej,
                                   &stats->counts, err);
        if (st != KT_OK) {
            kt_error_prefix(err, "%s: row group %d", f->path, g);
            break;
        }
        first_row += (int64_t)nrows;
        stats->row_groups++;
        *file_fault = false;
        if (f->out->raw) st = stage_raw(f, err);
        if (st == KT_OK && f->out->quarantine) st = stage_quarantine(f, err);
        f->acc.len = 0;
        kt_ingest_rejected_clear(&f->rej);
    }
    kt_pq_close(r);
    return st;
}

kt_status kt_ingest_read_file(kt_ingest_cleaner *c, const char *path, const char *source_file,
                              const kt_ingest_file_out *out, kt_ingest_file_stats *stats, bool *file_fault,
                              kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    file_ctx f = { .cleaner = c, .path = path, .source_file = source_file, .out = out };
    kt_ingest_accepted_init(&f.acc);
    kt_ingest_rejected_init(&f.rej);
    for (int k = 0; k < KT_ROLES; k++) kt_column_init(&f.cols[k], KT_BYTES);
    kt_ingest_cleaner_begin_file(c);
    kt_status st = read_all(&f, stats, file_fault, err);
    if (st != KT_OK) {
        if (out->raw) kt_ingest_stage_file_abort(out->raw);
        if (out->quarantine) kt_ingest_stage_file_abort(out->quarantine);
    }
    stats->dedup_resets = kt_ingest_cleaner_dedup_resets(c);
    kt_ingest_accepted_free(&f.acc);
    kt_ingest_rejected_free(&f.rej);
    for (int k = 0; k < KT_ROLES; k++) kt_column_free(&f.cols[k]);
    free(f.run_cols);
    free(f.run_rows);
    return st;
}
