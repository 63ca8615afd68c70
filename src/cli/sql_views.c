/*
 * cli/sql_views.c — DuckDB views over a snapshot's exact files (see
 * sql_views.h).
 */
#include "cli/sql_views.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *kt_sql_type(kt_delta_type t)
{
    switch (t) {
    case KT_DELTA_STRING: return "VARCHAR";
    case KT_DELTA_LONG: return "BIGINT";
    case KT_DELTA_INTEGER: return "INTEGER";
    case KT_DELTA_DOUBLE: return "DOUBLE";
    case KT_DELTA_BOOLEAN: return "BOOLEAN";
    case KT_DELTA_TIMESTAMP: return "TIMESTAMPTZ";
    }
    return "VARCHAR";
}

/* 'text' with quotes doubled. */
static kt_status put_literal(kt_buf *out, const char *s)
{
    KT_TRY(kt_buf_append_byte(out, '\''));
    for (; *s; s++) {
        if (*s == '\'') KT_TRY(kt_buf_append_byte(out, '\''));
        KT_TRY(kt_buf_append_byte(out, (uint8_t)*s));
    }
    return kt_buf_append_byte(out, '\'');
}

/* "name" with quotes doubled. */
static kt_status put_ident(kt_buf *out, const char *s)
{
    KT_TRY(kt_buf_append_byte(out, '"'));
    for (; *s; s++) {
        if (*s == '"') KT_TRY(kt_buf_append_byte(out, '"'));
        KT_TRY(kt_buf_append_byte(out, (uint8_t)*s));
    }
    return kt_buf_append_byte(out, '"');
}

static const kt_delta_field *partition_field(const kt_delta_snapshot *s, size_t p)
{
    int i = kt_delta_snapshot_find_field(s, kt_delta_snapshot_partition_column(s, p));
    return i < 0 ? NULL : kt_delta_snapshot_field(s, (size_t)i);
}

static kt_status put_typed_empty(kt_buf *out, const kt_delta_snapshot *s)
{
    KT_TRY(kt_buf_append_str(out, "SELECT * FROM (SELECT"));
    for (size_t i = 0; i < kt_delta_snapshot_num_fields(s); i++) {
        const kt_delta_field *f = kt_delta_snapshot_field(s, i);
        KT_TRY(kt_buf_printf(out, "%s\n    NULL::%s AS ", i ? "," : "", kt_sql_type(f->type)));
        KT_TRY(put_ident(out, f->name));
    }
    return kt_buf_append_str(out, "\n  WHERE false)");
}

static kt_status put_path(kt_buf *out, const char *table_dir, const kt_delta_file *f, bool first)
{
    KT_TRY(kt_buf_append_str(out, first ? "\n    " : ",\n    "));
    size_t n = strlen(table_dir) + strlen(f->path) + 2;
    char *path = malloc(n);
    if (!path) return KT_ERR_NOMEM;
    snprintf(path, n, "%s/%s", table_dir, f->path);
    kt_status st = put_literal(out, path);
    free(path);
    return st;
}

/* One read_parquet over every file, partition values from the directory names. */
static kt_status put_hive_read(kt_buf *out, const char *table_dir, const kt_delta_snapshot *s)
{
    size_t nparts = kt_delta_snapshot_num_partition_columns(s);
    KT_TRY(kt_buf_append_str(out, "\nUNION ALL BY NAME\nSELECT * FROM read_parquet(["));
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++)
        KT_TRY(put_path(out, table_dir, kt_delta_snapshot_file(s, i), i == 0));
    KT_TRY(kt_buf_printf(out, "\n  ], hive_partitioning = %s", nparts ? "true" : "false"));
    if (nparts) {
        KT_TRY(kt_buf_append_str(out, ", hive_types = {"));
        for (size_t p = 0; p < nparts; p++) {
            const kt_delta_field *f = partition_field(s, p);
            KT_TRY(kt_buf_append_str(out, p ? ", " : ""));
            KT_TRY(put_literal(out, kt_delta_snapshot_partition_column(s, p)));
            KT_TRY(kt_buf_printf(out, ": %s", kt_sql_type(f ? f->type : KT_DELTA_STRING)));
        }
        KT_TRY(kt_buf_append_str(out, "}"));
    }
    return kt_buf_append_str(out, ", union_by_name = true)");
}

/* Partition values in order, null last; 0 when every value is equal. */
static int compare_partitions(const kt_delta_file *a, const kt_delta_file *b, size_t nparts)
{
    for (size_t p = 0; p < nparts; p++) {
        const char *x = a->partition_values[p], *y = b->partition_values[p];
        int c = (!x || !y) ? (x == NULL) - (y == NULL) : strcmp(x, y);
        if (c) return c;
    }
    return 0;
}

/* qsort has no context argument: each entry carries the partition count. */
typedef struct part_file {
    const kt_delta_file *f;
    size_t nparts;
} part_file;

static int by_partition(const void *pa, const void *pb)
{
    const part_file *a = pa, *b = pb;
    int c = compare_partitions(a->f, b->f, a->nparts);
    return c ? c : strcmp(a->f->path, b->f->path);
}

/* One read_parquet per partition, its values as typed literals. */
static kt_status put_literal_reads(kt_buf *out, const char *table_dir, const kt_delta_snapshot *s)
{
    size_t n = kt_delta_snapshot_num_files(s), nparts = kt_delta_snapshot_num_partition_columns(s);
    part_file *files = malloc((n ? n : 1) * sizeof *files);
    if (!files) return KT_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) files[i] = (part_file){ kt_delta_snapshot_file(s, i), nparts };
    qsort(files, n, sizeof *files, by_partition);
    kt_status st = KT_OK;
    for (size_t i = 0; i < n && st == KT_OK;) {
        st = kt_buf_append_str(out, "\nUNION ALL BY NAME\nSELECT");
        for (size_t p = 0; p < nparts && st == KT_OK; p++) {
            const kt_delta_field *f = partition_field(s, p);
            const char *v = files[i].f->partition_values[p];
            st = kt_buf_append_str(out, p ? ", " : " ");
            if (st == KT_OK && v) st = put_literal(out, v);
            if (st == KT_OK) st = kt_buf_printf(out, "%s::%s AS ", v ? "" : "NULL",
                                                kt_sql_type(f ? f->type : KT_DELTA_STRING));
            if (st == KT_OK) st = put_ident(out, kt_delta_snapshot_partition_column(s, p));
        }
        if (st == KT_OK) st = kt_buf_append_str(out, ", * FROM read_parquet([");
        size_t j = i;
        for (; j < n && st == KT_OK && !compare_partitions(files[i].f, files[j].f, nparts); j++)
            st = put_path(out, table_dir, files[j].f, j == i);
        if (st == KT_OK) st = kt_buf_append_str(out, "\n  ], hive_partitioning = false, union_by_name = true)");
        i = j;
    }
    free(files);
    return st;
}

/* True when some directory name of the path holds '=' (DuckDB would read it as a partition). */
static bool path_has_key_value(const char *dir)
{
    for (const char *p = dir; *p; p++)
        if (*p == '=') return true;
    return false;
}

kt_status kt_sql_view(kt_buf *out, const char *view_name, const char *table_dir,
                      const kt_delta_snapshot *s, kt_error *err)
{
    kt_status st = kt_buf_printf(out, "-- %s: version %lld, %zu active files\nCREATE OR REPLACE VIEW ", view_name,
                                 (long long)kt_delta_snapshot_version(s), kt_delta_snapshot_num_files(s));
    if (st == KT_OK) st = put_ident(out, view_name);
    if (st == KT_OK) st = kt_buf_append_str(out, " AS\n");
    if (st == KT_OK) st = put_typed_empty(out, s);
    if (st == KT_OK && kt_delta_snapshot_num_files(s)) {
        bool literal = kt_delta_snapshot_num_partition_columns(s) && path_has_key_value(table_dir);
        st = literal ? put_literal_reads(out, table_dir, s) : put_hive_read(out, table_dir, s);
    }
    if (st == KT_OK) st = kt_buf_append_str(out, ";\n\n");
    if (st != KT_OK) return kt_fail(err, st, "%s: out of memory writing its view", view_name);
    return KT_OK;
}
