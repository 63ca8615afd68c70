/*
 * pipeline/process_tables.c — Delta schemas of aligned, features and
 * run_stats, derived from the transform's column lists so the tables can
 * never drift from what the transform produces.
 */
#include "pipeline/process_tables.h"

#include <string.h>

/* A transform column as a Delta field: doubles are the nullable cells;
 * time and the provenance masks are never null. */
static kt_delta_field field_of(const kt_named_column *c)
{
    kt_delta_field f = { c->name, KT_DELTA_DOUBLE, true };
    if (c->timestamp) f.type = KT_DELTA_TIMESTAMP;
    else if (c->column->type == KT_INT32) f.type = KT_DELTA_INTEGER;
    else if (c->column->type == KT_INT64) f.type = KT_DELTA_LONG;
    f.nullable = c->column->type == KT_DOUBLE;
    return f;
}

static size_t named_to_fields(const kt_named_column *cols, size_t n, kt_delta_field *out)
{
    out[0] = (kt_delta_field){ KT_PROCESS_PARTITION_COLUMN, KT_DELTA_STRING, false };
    for (size_t i = 0; i < n; i++) out[1 + i] = field_of(&cols[i]);
    return 1 + n;
}

void kt_process_aligned_fields(kt_delta_field out[KT_PROCESS_ALIGNED_FIELDS])
{
    kt_aligned a;
    kt_aligned_init(&a);   /* empty columns: only names and types are read */
    kt_named_column cols[KT_ALIGNED_COLUMNS];
    named_to_fields(cols, kt_aligned_named_columns(&a, cols), out);
    kt_aligned_free(&a);
}

void kt_process_features_fields(kt_delta_field out[KT_PROCESS_FEATURES_FIELDS])
{
    kt_aligned a;
    kt_features f;
    kt_aligned_init(&a);
    kt_features_init(&f);
    kt_named_column cols[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    named_to_fields(cols, kt_features_named_columns(&a, &f, cols), out);
    kt_features_free(&f);
    kt_aligned_free(&a);
}

void kt_process_run_stats_fields(kt_delta_field out[KT_RUN_STATS_COLUMNS])
{
    const kt_stat_column *s = kt_run_stats_schema();
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++) {
        kt_delta_type type = KT_DELTA_STRING;
        if (s[i].timestamp) type = KT_DELTA_TIMESTAMP;
        else if (s[i].type == KT_INT32) type = KT_DELTA_INTEGER;
        else if (s[i].type == KT_INT64) type = KT_DELTA_LONG;
        else if (s[i].type == KT_DOUBLE) type = KT_DELTA_DOUBLE;
        out[i] = (kt_delta_field){ s[i].name, type, s[i].nullable };
    }
}

static kt_status create_one(const char *lake, const char *name, const kt_delta_options *opts,
                            const kt_delta_field *fields, size_t n, bool partitioned, kt_error *err)
{
    kt_delta_table *t = NULL;
    static const char *const partition[] = { KT_PROCESS_PARTITION_COLUMN };
    kt_status st = kt_delta_open_in_lake(lake, name, opts, &t, err);
    if (st == KT_OK)
        st = kt_delta_create(t, fields, n, partitioned ? partition : NULL, partitioned ? 1 : 0, NULL,
                             err);
    kt_delta_close(t);
    return st;
}

kt_status kt_process_create_tables(const char *lake, const kt_delta_options *opts, kt_error *err)
{
    kt_delta_field aligned[KT_PROCESS_ALIGNED_FIELDS], features[KT_PROCESS_FEATURES_FIELDS],
        stats[KT_RUN_STATS_COLUMNS];
    kt_process_aligned_fields(aligned);
    kt_process_features_fields(features);
    kt_process_run_stats_fields(stats);
    KT_TRY(create_one(lake, KT_PROCESS_ALIGNED_TABLE, opts, aligned, KT_PROCESS_ALIGNED_FIELDS, true,
                      err));
    KT_TRY(create_one(lake, KT_PROCESS_FEATURES_TABLE, opts, features, KT_PROCESS_FEATURES_FIELDS,
                      true, err));
    return create_one(lake, KT_PROCESS_RUN_STATS_TABLE, opts, stats, KT_RUN_STATS_COLUMNS, false,
                      err);
}
