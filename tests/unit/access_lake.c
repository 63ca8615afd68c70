/*
 * tests/unit/access_lake.c — builds the access tools' test lake (see
 * access_lake.h): synthetic runs -> real transform -> Delta tables.
 */
#include "access_lake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lake/delta/delta.h"
#include "pipeline/channels.h"
#include "pipeline/transform.h"
#include "process_fixture.h"
#include "transform_fixture.h"

#define HOUR_US 3600000000LL
#define MAX_FIELDS 64

static const char *const RUN_IDS[] = {
    "7582293080991470000", "12405186538561671000", "3141592653589793000", "905",
    "18446744073709551615", "42", "9000000000000000000", "271828182845904500",
};

const char *al_run_id(size_t i)
{
    return i < sizeof RUN_IDS / sizeof RUN_IDS[0] ? RUN_IDS[i] : NULL;
}

static double run_seconds(const al_options *o, size_t i) { return o->seconds * (1.0 + (double)i / 4); }

/* ------------------------------------------------------------ schemas */

static const kt_delta_field RAW_FIELDS[] = {
    { "run_uuid", KT_DELTA_STRING, false },  { "time", KT_DELTA_TIMESTAMP, false },
    { "robot_id", KT_DELTA_INTEGER, false }, { "sensor_type", KT_DELTA_STRING, false },
    { "field", KT_DELTA_STRING, false },     { "value", KT_DELTA_DOUBLE, false },
    { "source_file", KT_DELTA_STRING, false },
};

static const kt_delta_field QUARANTINE_FIELDS[] = {
    { "source_file", KT_DELTA_STRING, false },    { "row_number", KT_DELTA_LONG, false },
    { "reason", KT_DELTA_STRING, false },         { "detail", KT_DELTA_STRING, false },
    { "time_text", KT_DELTA_STRING, true },       { "value_text", KT_DELTA_STRING, true },
    { "field_text", KT_DELTA_STRING, true },      { "robot_id_text", KT_DELTA_STRING, true },
    { "run_uuid_text", KT_DELTA_STRING, true },   { "sensor_type_text", KT_DELTA_STRING, true },
    { "ingested_at", KT_DELTA_TIMESTAMP, false },
};

static kt_delta_type delta_type_of(kt_type t, bool timestamp)
{
    if (timestamp) return KT_DELTA_TIMESTAMP;
    switch (t) {
    case KT_INT32: return KT_DELTA_INTEGER;
    case KT_INT64: return KT_DELTA_LONG;
    case KT_DOUBLE: return KT_DELTA_DOUBLE;
    case KT_BOOL: return KT_DELTA_BOOLEAN;
    default: return KT_DELTA_STRING;
    }
}

/* run_uuid + the named columns (nullable iff the column may hold nulls:
 * time and the masks never do). */
static size_t wide_fields(const kt_named_column *named, size_t n, kt_delta_field *out)
{
    out[0] = (kt_delta_field){ "run_uuid", KT_DELTA_STRING, false };
    for (size_t i = 0; i < n; i++) {
        bool never_null = named[i].timestamp || named[i].column->type == KT_INT32;
        out[i + 1] = (kt_delta_field){ named[i].name, delta_type_of(named[i].column->type, named[i].timestamp),
                                       !never_null };
    }
    return n + 1;
}

static size_t stats_fields(kt_delta_field *out)
{
    const kt_stat_column *s = kt_run_stats_schema();
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++)
        out[i] = (kt_delta_field){ s[i].name, delta_type_of(s[i].type, s[i].timestamp), s[i].nullable };
    return KT_RUN_STATS_COLUMNS;
}

/* ------------------------------------------------------------ helpers */

typedef struct lake {
    const char *dir;
    const al_options *o;
    kt_delta_table *raw, *quarantine, *aligned, *features, *run_stats;
    kt_transform *tx;
    kt_transform_config cfg;
} lake;

static kt_status open_table(lake *L, const char *name, const kt_delta_field *f, size_t n,
                            bool partitioned, kt_delta_table **out, kt_error *err)
{
    kt_delta_options opts = { .no_fsync = true, .row_group_rows = L->o->row_group_rows };
    KT_TRY(kt_delta_open_in_lake(L->dir, name, &opts, out, err));
    const char *part = "run_uuid";
    return kt_delta_create(*out, f, n, partitioned ? &part : NULL, partitioned ? 1 : 0, NULL, err);
}

static kt_status run_readings(const al_options *o, size_t i, double extra, tf_run *run)
{
    memset(run, 0, sizeof *run);
    if (tf_clean_run(run, run_seconds(o, i) + extra, 1000 + i)) return KT_ERR_NOMEM;
    for (size_t k = 0; k < run->n; k++) run->r[k].time_us += (int64_t)i * HOUR_US;
    return KT_OK;
}

/* raw rows of the readings whose time is in (after_us, until_us]. */
static kt_status write_raw(lake *L, size_t i, const tf_run *run, int64_t after_us, int64_t until_us,
                           const char *source, kt_error *err)
{
    return pf_append_raw_window(L->raw, al_run_id(i), run->r, run->n, true, after_us, until_us, source, err);
}

static kt_status write_quarantine(lake *L, size_t i, kt_error *err)
{
    kt_column c[11];
    for (int k = 0; k < 11; k++)
        kt_column_init(&c[k], k == 1 || k == 10 ? KT_INT64 : KT_BYTES);
    char source[64], detail[96];
    snprintf(source, sizeof source, "delivery_date=20221123/run-%zu-a.parquet", i);
    kt_status st = KT_OK;
    for (int row = 0; row < 2 && st == KT_OK; row++) {
        const char *reason = row ? "out_of_range" : "null_value";
        snprintf(detail, sizeof detail, row ? "x = 12345.5 outside [-10000, 10000]" : "value is null");
        const char *text[11] = { source, NULL, reason, detail, "2022-11-23T20:40:00.444Z",
                                 row ? "12345.5" : NULL, "x", "1", "7.58229308099147e+18", "encoder", NULL };
        for (int k = 0; k < 11 && st == KT_OK; k++) {
            if (k == 1) st = kt_column_push_i64(&c[k], 17 + row);
            else if (k == 10) st = kt_column_push_i64(&c[k], TF_T0 + (int64_t)i * HOUR_US);
            else if (text[k]) st = kt_column_push_bytes(&c[k], text[k], strlen(text[k]));
            else st = kt_column_push_null(&c[k]);
        }
    }
    kt_delta_txn *x = NULL;
    if (st == KT_OK) st = kt_delta_txn_begin(L->quarantine, NULL, &x, err);
    if (st == KT_OK) st = kt_delta_txn_write(x, c, 11, 2, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    for (int k = 0; k < 11; k++) kt_column_free(&c[k]);
    return st;
}

/* Replaces run i's partition of a wide table with the named columns. */
static kt_status write_wide(kt_delta_table *t, const char *id, const kt_named_column *named, size_t n,
                            size_t rows, kt_error *err)
{
    kt_column cols[MAX_FIELDS];
    for (size_t k = 0; k < n; k++) cols[k] = *named[k].column;
    kt_delta_txn *x = NULL;
    kt_status st = kt_delta_txn_begin(t, NULL, &x, err);
    if (st == KT_OK) st = kt_delta_txn_replace_partitions(x, "run_uuid", &id, 1, err);
    if (st == KT_OK) st = kt_delta_txn_write_partition(x, &id, cols, n, rows, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    return st;
}

/* Transforms run i (with `extra` seconds) and writes aligned, features;
 * appends its stats row to stats_cols. */
static kt_status process_run(lake *L, size_t i, double extra, int64_t processed_at,
                             kt_column *stats_cols, kt_error *err)
{
    tf_run run;
    KT_TRY(run_readings(L->o, i, extra, &run));
    const kt_run_output *out = NULL;
    kt_status st = kt_transform_run(L->tx, &L->cfg, run.r, run.n, &out, err);
    kt_named_column named[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    const char *id = al_run_id(i);
    if (st == KT_OK) {
        size_t n = kt_aligned_named_columns(&out->aligned, named);
        st = write_wide(L->aligned, id, named, n, out->aligned.rows, err);
    }
    if (st == KT_OK) {
        size_t n = kt_features_named_columns(&out->aligned, &out->features, named);
        st = write_wide(L->features, id, named, n, out->aligned.rows, err);
    }
    if (st == KT_OK) {
        kt_run_stats s = out->stats;
        snprintf(s.run_uuid, sizeof s.run_uuid, "%s", id);
        snprintf(s.input_fingerprint, sizeof s.input_fingerprint, "fp-%zu-%zu", i, run.n);
        s.quarantined_rows = 2;
        s.processed_at_us = processed_at;
        st = kt_run_stats_append(&s, stats_cols, err);
    }
    tf_run_free(&run);
    return st;
}

static kt_status write_stats(lake *L, kt_column *cols, bool replace_all, kt_error *err)
{
    kt_delta_txn *x = NULL;
    kt_status st = kt_delta_txn_begin(L->run_stats, NULL, &x, err);
    if (st == KT_OK && replace_all) st = kt_delta_txn_replace_all(x, err);
    /* one file per run: several files make --run pruning by stats observable */
    kt_column one[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(one);
    for (size_t r = 0; r < cols[0].len && st == KT_OK; r++) {
        for (size_t c = 0; c < KT_RUN_STATS_COLUMNS && st == KT_OK; c++) {
            kt_column_clear(&one[c]);
            st = kt_column_push_from(&one[c], &cols[c], r);
        }
        if (st == KT_OK) st = kt_delta_txn_write(x, one, KT_RUN_STATS_COLUMNS, 1, err);
    }
    if (st == KT_OK) st = kt_delta_txn_commit(x, NULL, err);
    kt_delta_txn_free(x);
    kt_run_stats_columns_free(one);
    return st;
}

static kt_status open_lake(lake *L, const char *dir, const al_options *o, kt_error *err)
{
    memset(L, 0, sizeof *L);
    L->dir = dir;
    L->o = o;
    kt_transform_config_default(&L->cfg);
    L->tx = kt_transform_new(0);
    if (!L->tx) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    kt_delta_field wide[MAX_FIELDS], stats[KT_RUN_STATS_COLUMNS];
    kt_aligned a;
    kt_features f;
    kt_aligned_init(&a);
    kt_features_init(&f);
    kt_named_column named[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    kt_status st = open_table(L, "raw", RAW_FIELDS, 7, true, &L->raw, err);
    if (st == KT_OK) st = open_table(L, "quarantine", QUARANTINE_FIELDS, 11, false, &L->quarantine, err);
    if (st == KT_OK) {
        size_t n = wide_fields(named, kt_aligned_named_columns(&a, named), wide);
        st = open_table(L, "aligned", wide, n, true, &L->aligned, err);
    }
    if (st == KT_OK) {
        size_t n = wide_fields(named, kt_features_named_columns(&a, &f, named), wide);
        st = open_table(L, "features", wide, n, true, &L->features, err);
    }
    if (st == KT_OK) st = open_table(L, "run_stats", stats, stats_fields(stats), false, &L->run_stats, err);
    kt_aligned_free(&a);
    kt_features_free(&f);
    return st;
}

static void close_lake(lake *L)
{
    kt_delta_close(L->raw);
    kt_delta_close(L->quarantine);
    kt_delta_close(L->aligned);
    kt_delta_close(L->features);
    kt_delta_close(L->run_stats);
    kt_transform_free(L->tx);
}

kt_status al_make_lake(const char *dir, const al_options *o, kt_error *err)
{
    if (o->runs > sizeof RUN_IDS / sizeof RUN_IDS[0])
        return kt_fail(err, KT_ERR_USAGE, "at most %zu runs", sizeof RUN_IDS / sizeof RUN_IDS[0]);
    lake L;
    kt_column stats[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(stats);
    kt_status st = open_lake(&L, dir, o, err);
    for (size_t i = 0; i < o->runs && st == KT_OK; i++) {
        tf_run run;
        st = run_readings(o, i, 0, &run);
        int64_t start = TF_T0 + (int64_t)i * HOUR_US, mid = start + (int64_t)(run_seconds(o, i) * 5e5);
        if (st == KT_OK) st = write_raw(&L, i, &run, INT64_MIN, mid, "delivery_date=20221123/a.parquet", err);
        if (st == KT_OK) st = write_raw(&L, i, &run, mid, INT64_MAX, "delivery_date=20221124/b.parquet", err);
        tf_run_free(&run);
        if (st == KT_OK) st = write_quarantine(&L, i, err);
        if (st == KT_OK) st = process_run(&L, i, 0, TF_T0 + 86400000000LL, stats, err);
    }
    if (st == KT_OK && o->runs) st = write_stats(&L, stats, false, err);
    kt_run_stats_columns_free(stats);
    close_lake(&L);
    return st;
}

kt_status al_reprocess(const char *dir, const al_options *o, size_t run, kt_error *err)
{
    if (run >= o->runs) return kt_fail(err, KT_ERR_USAGE, "no run %zu", run);
    lake L;
    kt_column stats[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(stats);
    kt_status st = open_lake(&L, dir, o, err);
    tf_run longer;
    if (st == KT_OK) st = run_readings(o, run, 0.5, &longer);
    if (st == KT_OK) {
        int64_t end = TF_T0 + (int64_t)run * HOUR_US + (int64_t)(run_seconds(o, run) * 1e6);
        st = write_raw(&L, run, &longer, end, INT64_MAX, "delivery_date=20221125/c.parquet", err);
        tf_run_free(&longer);
    }
    for (size_t i = 0; i < o->runs && st == KT_OK; i++) {
        int64_t at = TF_T0 + 86400000000LL * (i == run ? 2 : 1);
        if (i == run) {
            st = process_run(&L, i, 0.5, at, stats, err);
            continue;
        }
        /* the other runs' stats rows are unchanged: recompute them without rewriting their tables */
        tf_run r;
        const kt_run_output *out = NULL;
        st = run_readings(o, i, 0, &r);
        if (st == KT_OK) st = kt_transform_run(L.tx, &L.cfg, r.r, r.n, &out, err);
        if (st == KT_OK) {
            kt_run_stats s = out->stats;
            snprintf(s.run_uuid, sizeof s.run_uuid, "%s", al_run_id(i));
            snprintf(s.input_fingerprint, sizeof s.input_fingerprint, "fp-%zu-%zu", i, r.n);
            s.quarantined_rows = 2;
            s.processed_at_us = at;
            st = kt_run_stats_append(&s, stats, err);
        }
        tf_run_free(&r);
    }
    if (st == KT_OK) st = write_stats(&L, stats, true, err);
    kt_run_stats_columns_free(stats);
    close_lake(&L);
    return st;
}
