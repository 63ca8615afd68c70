/*
 * lake/scan/table_scan.c — ordered, pruned, projected reading of a Delta
 * snapshot's rows, one row group at a time (contract in table_scan.h).
 */
#include "lake/scan/table_scan.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/reader.h"

/* Where an output column's values come from in the current file. */
typedef enum col_source {
    SRC_READ,       /* a Parquet column as it is */
    SRC_WIDEN_I32,  /* INT32 in the file, long in the schema */
    SRC_WIDEN_F32,  /* FLOAT in the file, double in the schema */
    SRC_TS_MS,      /* timestamp in ms in the file */
    SRC_TS_NS,      /* timestamp in ns in the file (INT96 included) */
    SRC_MISSING,    /* not in the file: nulls */
    SRC_PARTITION,  /* from partitionValues */
} col_source;

/* A column holding one value (or null) repeated, grown on demand and shown
 * with the length a batch needs. */
typedef struct repeated_col {
    kt_column col;
    bool built;
    bool is_null;
    const char *text;         /* the partition value it holds (snapshot string) */
} repeated_col;

struct kt_scan {
    const kt_delta_table *table;
    const kt_delta_snapshot *snap;
    size_t ncols;
    size_t *fields;              /* schema index per output column */
    int *part_of;                /* partition column index per output column, -1 for data */
    const kt_delta_file **files;
    size_t nfiles, next_file;
    /* filter */
    bool has_filter;
    int filter_field, filter_part;   /* filter_part >= 0: a partition column */
    const char *const *values;
    size_t nvalues;
    /* current file */
    kt_pq_reader *reader;
    const kt_delta_file *file;
    int row_group;
    int *read_list;              /* Parquet column per read slot */
    int nread;
    int *slot_of;                /* read slot per output column (-1: none) */
    int filter_slot;             /* read slot of the filter column, -1 without a data filter */
    col_source *source;          /* per output column */
    kt_column *read_cols;        /* nread */
    kt_column *converted;        /* per output column */
    repeated_col *repeated;      /* per output column: partition values or nulls */
    kt_column *view;             /* what kt_scan_next returns */
    kt_column *filtered;         /* per output column, when rows are filtered */
    char path[PATH_MAX];
};

/* ------------------------------------------------------------ ordering */

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

int kt_scan_compare_values(const char *a, const char *b)
{
    if (!a || !b) return (a == NULL) - (b == NULL);   /* null last */
    bool da = all_digits(a), db = all_digits(b);
    if (da != db) return da ? -1 : 1;
    if (da) {
        while (*a == '0' && a[1]) a++;
        while (*b == '0' && b[1]) b++;
        size_t la = strlen(a), lb = strlen(b);
        if (la != lb) return la < lb ? -1 : 1;
    }
    int c = strcmp(a, b);
    return (c > 0) - (c < 0);
}

/* qsort has no context argument: the partition column count travels in
 * the files themselves via this wrapper. */
typedef struct ordered_file {
    const kt_delta_file *f;
    size_t nparts;
} ordered_file;

static int compare_files(const void *pa, const void *pb)
{
    const ordered_file *a = pa, *b = pb;
    for (size_t i = 0; i < a->nparts; i++) {
        int c = kt_scan_compare_values(a->f->partition_values[i], b->f->partition_values[i]);
        if (c) return c;
    }
    if (a->f->version != b->f->version) return a->f->version < b->f->version ? -1 : 1;
    return strcmp(a->f->path, b->f->path);
}

/* ------------------------------------------------------------ pruning */

static bool value_wanted(const kt_scan *s, const char *v, size_t len)
{
    for (size_t i = 0; i < s->nvalues; i++)
        if (strlen(s->values[i]) == len && memcmp(s->values[i], v, len) == 0) return true;
    return false;
}

static int compare_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* True when some wanted value may lie in [min, max] (NULL bound = unknown). */
static bool range_may_match(const kt_scan *s, const void *min, size_t min_len, const void *max,
                            size_t max_len)
{
    for (size_t i = 0; i < s->nvalues; i++) {
        size_t len = strlen(s->values[i]);
        if (min && compare_bytes(s->values[i], len, min, min_len) < 0) continue;
        if (max && compare_bytes(s->values[i], len, max, max_len) > 0) continue;
        return true;
    }
    return false;
}

/* File-level pruning of a data-column filter with add.stats. */
static bool stats_may_match(const kt_scan *s, const kt_delta_file *f)
{
    if (!f->stats) return true;
    json_t *root = json_loads(f->stats, 0, NULL);
    if (!root) return true;
    const char *name = kt_delta_snapshot_field(s->snap, (size_t)s->filter_field)->name;
    bool may = true;
    json_t *nulls = json_object_get(json_object_get(root, "nullCount"), name);
    json_t *records = json_object_get(root, "numRecords");
    if (json_is_integer(nulls) && json_is_integer(records) &&
        json_integer_value(nulls) == json_integer_value(records))
        may = false;
    json_t *min = json_object_get(json_object_get(root, "minValues"), name);
    json_t *max = json_object_get(json_object_get(root, "maxValues"), name);
    if (may && (json_is_string(min) || json_is_string(max)))
        may = range_may_match(s, json_is_string(min) ? json_string_value(min) : NULL,
                              json_is_string(min) ? json_string_length(min) : 0,
                              json_is_string(max) ? json_string_value(max) : NULL,
                              json_is_string(max) ? json_string_length(max) : 0);
    json_decref(root);
    return may;
}

static bool file_selected(const kt_scan *s, const kt_delta_file *f)
{
    if (!s->has_filter) return true;
    if (s->filter_part >= 0) {
        const char *v = f->partition_values[s->filter_part];
        return v && value_wanted(s, v, strlen(v));
    }
    return stats_may_match(s, f);
}

static bool row_group_may_match(const kt_scan *s, int rg)
{
    if (s->filter_slot < 0) return true;
    kt_pq_column_stats st;
    if (kt_pq_column_stats_get(s->reader, rg, s->read_list[s->filter_slot], &st) != KT_OK)
        return true;
    if (st.has_null_count && st.null_count >= kt_pq_row_group_rows(s->reader, rg)) return false;
    if (!st.has_min_max) return true;
    return range_may_match(s, st.min_bytes, st.min_len, st.max_bytes, st.max_len);
}

/* ------------------------------------------------------------ open */

static kt_status resolve_filter(kt_scan *s, const kt_scan_filter *f, kt_error *err)
{
    const char *table = kt_delta_name(s->table);
    int field = kt_delta_snapshot_find_field(s->snap, f->column);
    if (field < 0)
        return kt_fail(err, KT_ERR_USAGE, "table %s has no column %s", table, f->column);
    s->has_filter = true;
    s->filter_field = field;
    s->filter_part = -1;
    s->values = f->values;
    s->nvalues = f->nvalues;
    for (size_t p = 0; p < kt_delta_snapshot_num_partition_columns(s->snap); p++)
        if (!strcmp(kt_delta_snapshot_partition_column(s->snap, p), f->column)) s->filter_part = (int)p;
    if (s->filter_part < 0 && kt_delta_snapshot_field(s->snap, (size_t)field)->type != KT_DELTA_STRING)
        return kt_fail(err, KT_ERR_USAGE, "table %s: column %s is not a string column", table,
                       f->column);
    return KT_OK;
}

static kt_status select_files(kt_scan *s, kt_error *err)
{
    size_t n = kt_delta_snapshot_num_files(s->snap);
    size_t nparts = kt_delta_snapshot_num_partition_columns(s->snap);
    ordered_file *order = calloc(n ? n : 1, sizeof *order);
    s->files = calloc(n ? n : 1, sizeof *s->files);
    if (!order || !s->files) {
        free(order);
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory listing files", kt_delta_name(s->table));
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s->snap, i);
        if (file_selected(s, f)) order[kept++] = (ordered_file){ f, nparts };
    }
    qsort(order, kept, sizeof *order, compare_files);
    for (size_t i = 0; i < kept; i++) s->files[i] = order[i].f;
    s->nfiles = kept;
    free(order);
    return KT_OK;
}

static kt_status alloc_columns(kt_scan *s, kt_error *err)
{
    size_t n = s->ncols ? s->ncols : 1;
    s->part_of = calloc(n, sizeof *s->part_of);
    s->read_list = calloc(n + 1, sizeof *s->read_list);
    s->slot_of = calloc(n, sizeof *s->slot_of);
    s->source = calloc(n, sizeof *s->source);
    s->read_cols = calloc(n + 1, sizeof *s->read_cols);
    s->converted = calloc(n, sizeof *s->converted);
    s->repeated = calloc(n, sizeof *s->repeated);
    s->view = calloc(n, sizeof *s->view);
    s->filtered = calloc(n, sizeof *s->filtered);
    if (!s->part_of || !s->read_list || !s->slot_of || !s->source || !s->read_cols ||
        !s->converted || !s->repeated || !s->view || !s->filtered)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    size_t nparts = kt_delta_snapshot_num_partition_columns(s->snap);
    for (size_t c = 0; c < s->ncols; c++) {
        const kt_delta_field *f = kt_delta_snapshot_field(s->snap, s->fields[c]);
        kt_type type = kt_delta_type_column(f->type);
        kt_column_init(&s->converted[c], type);
        kt_column_init(&s->repeated[c].col, type);
        kt_column_init(&s->filtered[c], type);
        s->part_of[c] = -1;
        for (size_t p = 0; p < nparts; p++)
            if (!strcmp(kt_delta_snapshot_partition_column(s->snap, p), f->name)) s->part_of[c] = (int)p;
    }
    for (size_t i = 0; i <= s->ncols; i++) kt_column_init(&s->read_cols[i], KT_INT64);
    return KT_OK;
}

kt_status kt_scan_open(const kt_delta_table *t, const kt_delta_snapshot *snap,
                       const kt_scan_options *o, kt_scan **out, kt_error *err)
{
    *out = NULL;
    kt_scan *s = calloc(1, sizeof *s);
    if (!s) return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    s->table = t;
    s->snap = snap;
    s->filter_slot = -1;
    s->filter_part = -1;
    size_t nfields = kt_delta_snapshot_num_fields(snap);
    s->ncols = o && o->fields ? o->nfields : nfields;
    s->fields = calloc(s->ncols ? s->ncols : 1, sizeof *s->fields);
    kt_status st = s->fields ? KT_OK : kt_fail(err, KT_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < s->ncols && st == KT_OK; c++) {
        s->fields[c] = o && o->fields ? o->fields[c] : c;
        if (s->fields[c] >= nfields)
            st = kt_fail(err, KT_ERR_USAGE, "table %s has no field %zu", kt_delta_name(t), s->fields[c]);
    }
    if (st == KT_OK) st = alloc_columns(s, err);
    if (st == KT_OK && o && o->filter) st = resolve_filter(s, o->filter, err);
    if (st == KT_OK) st = select_files(s, err);
    if (st != KT_OK) {
        kt_scan_free(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

size_t kt_scan_num_columns(const kt_scan *s) { return s->ncols; }

const kt_delta_field *kt_scan_column(const kt_scan *s, size_t i)
{
    return kt_delta_snapshot_field(s->snap, s->fields[i]);
}

size_t kt_scan_num_files(const kt_scan *s) { return s->nfiles; }
const kt_delta_file *kt_scan_file(const kt_scan *s, size_t i) { return s->files[i]; }

/* ------------------------------------------------------------ per file */

static kt_status plan_column(kt_scan *s, const kt_delta_field *f, int pq, col_source *src,
                             kt_error *err)
{
    const kt_pq_column_info *info = kt_pq_column(s->reader, pq);
    kt_type want = kt_delta_type_column(f->type);
    *src = SRC_READ;
    if (info->value_type == want) {
        if (f->type == KT_DELTA_TIMESTAMP && info->is_timestamp && info->unit == KT_PQ_UNIT_MILLIS)
            *src = SRC_TS_MS;
        else if (f->type == KT_DELTA_TIMESTAMP && info->is_timestamp && info->unit == KT_PQ_UNIT_NANOS)
            *src = SRC_TS_NS;
        return KT_OK;
    }
    if (want == KT_INT64 && info->value_type == KT_INT32) *src = SRC_WIDEN_I32;
    else if (want == KT_DOUBLE && info->value_type == KT_FLOAT) *src = SRC_WIDEN_F32;
    else
        return kt_fail(err, KT_ERR_FORMAT, "%s: column %s holds %s values, the table schema says %s",
                       s->path, f->name, kt_type_name(info->value_type), kt_delta_type_name(f->type));
    return KT_OK;
}

/* Finds the file's columns; *skip when the data filter column is absent
 * (all its values null: no row can match). */
static kt_status plan_file(kt_scan *s, bool *skip, kt_error *err)
{
    *skip = false;
    s->nread = 0;
    s->filter_slot = -1;
    for (size_t c = 0; c < s->ncols; c++) {
        s->slot_of[c] = -1;
        if (s->part_of[c] >= 0) {
            s->source[c] = SRC_PARTITION;
            continue;
        }
        const kt_delta_field *f = kt_scan_column(s, c);
        int pq = kt_pq_find_column(s->reader, f->name);
        if (pq < 0) {
            s->source[c] = SRC_MISSING;
            continue;
        }
        KT_TRY(plan_column(s, f, pq, &s->source[c], err));
        s->slot_of[c] = s->nread;
        s->read_list[s->nread++] = pq;
    }
    if (s->has_filter && s->filter_part < 0) {
        const kt_delta_field *f = kt_delta_snapshot_field(s->snap, (size_t)s->filter_field);
        int pq = kt_pq_find_column(s->reader, f->name);
        if (pq < 0) {
            *skip = true;
            return KT_OK;
        }
        if (kt_pq_column(s->reader, pq)->value_type != KT_BYTES)
            return kt_fail(err, KT_ERR_FORMAT, "%s: column %s is not a string column", s->path, f->name);
        for (int k = 0; k < s->nread && s->filter_slot < 0; k++)
            if (s->read_list[k] == pq) s->filter_slot = k;
        if (s->filter_slot < 0) {
            s->filter_slot = s->nread;
            s->read_list[s->nread++] = pq;
        }
    }
    return KT_OK;
}

static void close_file(kt_scan *s)
{
    kt_pq_close(s->reader);
    s->reader = NULL;
    s->file = NULL;
}

/* Opens the next selected file; false when there is none. */
static kt_status open_next_file(kt_scan *s, bool *opened, kt_error *err)
{
    *opened = false;
    while (s->next_file < s->nfiles) {
        const kt_delta_file *f = s->files[s->next_file++];
        int n = snprintf(s->path, sizeof s->path, "%s/%s", kt_delta_dir(s->table), f->path);
        if (n < 0 || (size_t)n >= sizeof s->path)
            return kt_fail(err, KT_ERR_USAGE, "%s/%s: path too long", kt_delta_dir(s->table), f->path);
        KT_TRY(kt_pq_open(s->path, &s->reader, err));
        s->file = f;
        s->row_group = 0;
        bool skip;
        kt_status st = plan_file(s, &skip, err);
        if (st != KT_OK || skip) {
            close_file(s);
            if (st != KT_OK) return st;
            continue;
        }
        *opened = true;
        return KT_OK;
    }
    return KT_OK;
}

/* ------------------------------------------------------------ batches */

static kt_status parse_partition_value(const kt_delta_field *f, const char *text, kt_column *c,
                                       size_t rows, const char *where, kt_error *err)
{
    char *end = NULL;
    errno = 0;
    switch (f->type) {
    case KT_DELTA_STRING: {
        size_t len = strlen(text);
        KT_TRY(kt_column_reserve(c, rows, rows * len));
        for (size_t r = 0; r < rows; r++) KT_TRY(kt_column_push_bytes(c, text, len));
        return KT_OK;
    }
    case KT_DELTA_BOOLEAN:
        if (strcmp(text, "true") && strcmp(text, "false")) break;
        for (size_t r = 0; r < rows; r++) KT_TRY(kt_column_push_bool(c, text[0] == 't'));
        return KT_OK;
    case KT_DELTA_INTEGER:
    case KT_DELTA_LONG: {
        long long v = strtoll(text, &end, 10);
        if (errno || !*text || *end) break;
        if (f->type == KT_DELTA_INTEGER && (v < INT32_MIN || v > INT32_MAX)) break;
        for (size_t r = 0; r < rows; r++)
            KT_TRY(f->type == KT_DELTA_LONG ? kt_column_push_i64(c, v) : kt_column_push_i32(c, (int32_t)v));
        return KT_OK;
    }
    default:
        break;
    }
    return kt_fail(err, KT_ERR_FORMAT, "%s: partition value '%s' of %s is not a valid %s", where, text,
                   f->name, kt_delta_type_name(f->type));
}

/* A column of `rows` copies of `text` (NULL: nulls), reusing what was built. */
static kt_status repeated_view(kt_scan *s, size_t c, const char *text, size_t rows, kt_error *err)
{
    repeated_col *rc = &s->repeated[c];
    bool same = rc->built && rc->is_null == (text == NULL) &&
                (text == NULL || rc->text == text || !strcmp(rc->text, text));
    if (!same || rc->col.len < rows) {
        kt_column_clear(&rc->col);
        rc->built = false;
        kt_status st;
        if (text) {
            st = parse_partition_value(kt_scan_column(s, c), text, &rc->col, rows, s->path, err);
        } else {
            st = kt_column_reserve(&rc->col, rows, 0);
            for (size_t r = 0; r < rows && st == KT_OK; r++) st = kt_column_push_null(&rc->col);
            if (st != KT_OK) st = kt_fail(err, st, "out of memory");
        }
        if (st != KT_OK) return st;
        rc->built = true;
        rc->is_null = text == NULL;
        rc->text = text;
    }
    s->view[c] = rc->col;
    s->view[c].len = rows;
    return KT_OK;
}

static kt_status convert(col_source src, const kt_column *in, size_t rows, kt_column *out)
{
    kt_column_clear(out);
    KT_TRY(kt_column_reserve(out, rows, 0));
    for (size_t r = 0; r < rows; r++) {
        if (!kt_column_is_valid(in, r)) {
            KT_TRY(kt_column_push_null(out));
            continue;
        }
        switch (src) {
        case SRC_WIDEN_I32: KT_TRY(kt_column_push_i64(out, KT_COL_I32(in)[r])); break;
        case SRC_WIDEN_F32: KT_TRY(kt_column_push_double(out, KT_COL_FLOAT(in)[r])); break;
        case SRC_TS_MS: {
            int64_t us;
            if (__builtin_mul_overflow(KT_COL_I64(in)[r], 1000, &us)) return KT_ERR_FORMAT;
            KT_TRY(kt_column_push_i64(out, us));
            break;
        }
        case SRC_TS_NS: {
            int64_t ns = KT_COL_I64(in)[r];
            int64_t us = ns / 1000 - (ns % 1000 < 0);
            KT_TRY(kt_column_push_i64(out, us));
            break;
        }
        default: return KT_ERR_INTERNAL;
        }
    }
    return KT_OK;
}

static kt_status build_view(kt_scan *s, size_t rows, kt_error *err)
{
    for (size_t c = 0; c < s->ncols; c++) {
        switch (s->source[c]) {
        case SRC_READ:
            s->view[c] = s->read_cols[s->slot_of[c]];
            break;
        case SRC_PARTITION:
            KT_TRY(repeated_view(s, c, s->file->partition_values[s->part_of[c]], rows, err));
            break;
        case SRC_MISSING:
            KT_TRY(repeated_view(s, c, NULL, rows, err));
            break;
        default: {
            kt_status st = convert(s->source[c], &s->read_cols[s->slot_of[c]], rows, &s->converted[c]);
            if (st != KT_OK)
                return kt_fail(err, st, "%s: row group %d, column %s: %s", s->path, s->row_group - 1,
                               kt_scan_column(s, c)->name,
                               st == KT_ERR_FORMAT ? "timestamp out of range" : kt_strerror(st));
            s->view[c] = s->converted[c];
        }
        }
    }
    return KT_OK;
}

static bool row_wanted(const kt_scan *s, const kt_column *key, size_t r)
{
    size_t len;
    if (!kt_column_is_valid(key, r)) return false;
    const char *v = kt_column_bytes_at(key, r, &len);
    return value_wanted(s, v, len);
}

/* Keeps the rows whose filter value is wanted; *rows becomes their count.
 * A batch where every row matches is passed through without a copy. */
static kt_status filter_rows(kt_scan *s, size_t *rows, kt_error *err)
{
    const kt_column *key = &s->read_cols[s->filter_slot];
    size_t r = 0;
    while (r < *rows && row_wanted(s, key, r)) r++;
    if (r == *rows) return KT_OK;
    size_t kept = 0;
    for (size_t c = 0; c < s->ncols; c++) kt_column_clear(&s->filtered[c]);
    for (r = 0; r < *rows; r++) {
        if (!row_wanted(s, key, r)) continue;
        kept++;
        for (size_t c = 0; c < s->ncols; c++)
            if (kt_column_push_from(&s->filtered[c], &s->view[c], r) != KT_OK)
                return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory filtering rows", s->path);
    }
    for (size_t c = 0; c < s->ncols; c++) s->view[c] = s->filtered[c];
    *rows = kept;
    return KT_OK;
}

kt_status kt_scan_next(kt_scan *s, const kt_column **cols, size_t *nrows, kt_error *err)
{
    *cols = s->view;
    *nrows = 0;
    for (;;) {
        if (!s->reader) {
            bool opened;
            KT_TRY(open_next_file(s, &opened, err));
            if (!opened) return KT_OK;
        }
        if (s->row_group >= kt_pq_num_row_groups(s->reader)) {
            close_file(s);
            continue;
        }
        int rg = s->row_group++;
        int64_t rows = kt_pq_row_group_rows(s->reader, rg);
        if (rows <= 0 || !row_group_may_match(s, rg)) continue;
        KT_TRY(kt_pq_read_row_group(s->reader, rg, s->read_list, s->nread, s->read_cols, err));
        size_t n = (size_t)rows;
        KT_TRY(build_view(s, n, err));
        if (s->filter_slot >= 0) KT_TRY(filter_rows(s, &n, err));
        if (n == 0) continue;
        *nrows = n;
        return KT_OK;
    }
}

void kt_scan_free(kt_scan *s)
{
    if (!s) return;
    kt_pq_close(s->reader);
    for (size_t c = 0; s->converted && c < s->ncols; c++) {
        kt_column_free(&s->converted[c]);
        kt_column_free(&s->repeated[c].col);
        kt_column_free(&s->filtered[c]);
    }
    for (size_t i = 0; s->read_cols && i <= s->ncols; i++) kt_column_free(&s->read_cols[i]);
    free(s->fields);
    free(s->part_of);
    free(s->files);
    free(s->read_list);
    free(s->slot_of);
    free(s->source);
    free(s->read_cols);
    free(s->converted);
    free(s->repeated);
    free(s->view);
    free(s->filtered);
    free(s);
}
