/*
 * pipeline/run_stats_table.c — one run's run_stats row replaced in one
 * commit: locate the files holding it (cached add.stats bounds), carry
 * over other runs' rows found in them, add the new row.
 */
#include "pipeline/run_stats_table.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/dict.h"
#include "format/parquet/reader.h"

typedef struct bounds {
    const char *min, *max; /* of run_uuid; NULL = unknown */
} bounds;

struct kt_run_stats_index {
    kt_dict paths;         /* path -> id into b */
    bounds *b;
    size_t cap;
    kt_arena strings;
};

kt_run_stats_index *kt_run_stats_index_new(void)
{
    kt_run_stats_index *ix = calloc(1, sizeof *ix);
    if (!ix) return NULL;
    kt_dict_init(&ix->paths);
    kt_arena_init(&ix->strings, 0);
    return ix;
}

void kt_run_stats_index_free(kt_run_stats_index *ix)
{
    if (!ix) return;
    kt_dict_free(&ix->paths);
    kt_arena_free(&ix->strings);
    free(ix->b);
    free(ix);
}

static const char *bound_of(kt_arena *a, json_t *stats, const char *which)
{
    json_t *v = json_object_get(json_object_get(stats, which), "run_uuid");
    return json_is_string(v) ? kt_arena_strndup(a, json_string_value(v), json_string_length(v)) : NULL;
}

static kt_status bounds_of(kt_run_stats_index *ix, const kt_delta_file *f, bounds *out, kt_error *err)
{
    int32_t id = kt_dict_find(&ix->paths, f->path, strlen(f->path));
    if (id >= 0) {
        *out = ix->b[id];
        return KT_OK;
    }
    bounds b = { NULL, NULL };
    json_t *stats = f->stats ? json_loads(f->stats, 0, NULL) : NULL;
    if (stats) {
        b.min = bound_of(&ix->strings, stats, "minValues");
        b.max = bound_of(&ix->strings, stats, "maxValues");
        json_decref(stats);
    }
    if (kt_dict_intern(&ix->paths, f->path, strlen(f->path), &id) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "run_stats: file index");
    if ((size_t)id >= ix->cap) {
        size_t cap = ix->cap ? 2 * ix->cap : 256;
        bounds *nb = realloc(ix->b, cap * sizeof *nb);
        if (!nb) return kt_fail(err, KT_ERR_NOMEM, "run_stats: file index");
        ix->b = nb;
        ix->cap = cap;
    }
    ix->b[id] = b;
    *out = b;
    return KT_OK;
}

/* Paths of removed files stay in the cache; start afresh when they dominate. */
static void trim_cache(kt_run_stats_index *ix, size_t active)
{
    if (kt_dict_count(&ix->paths) <= 4 * active + 1024) return;
    kt_dict_clear(&ix->paths);
    kt_arena_reset(&ix->strings);
}

/* May file f hold rows of any of runs[0..n)? *only_runs: all its rows are
 * one of theirs (its bounds are equal and name that run). */
static kt_status may_hold(kt_run_stats_index *ix, const kt_delta_file *f, const char *const *runs, size_t n,
                          bool *may, bool *only_runs, kt_error *err)
{
    bounds b = { NULL, NULL };
    KT_TRY(bounds_of(ix, f, &b, err));
    bool single = b.min && b.max && strcmp(b.min, b.max) == 0;
    *may = *only_runs = false;
    for (size_t i = 0; i < n && !*only_runs; i++) {
        bool m = !(b.max && strcmp(runs[i], b.max) > 0) && !(b.min && strcmp(runs[i], b.min) < 0);
        *may |= m;
        *only_runs = m && single;
    }
    return KT_OK;
}

/* ---- reading a run_stats file ------------------------------------------ */

static kt_status check_schema(const kt_delta_snapshot *snap, kt_error *err)
{
    const kt_stat_column *s = kt_run_stats_schema();
    bool same = kt_delta_snapshot_num_fields(snap) == KT_RUN_STATS_COLUMNS;
    for (size_t i = 0; same && i < KT_RUN_STATS_COLUMNS; i++)
        same = strcmp(kt_delta_snapshot_field(snap, i)->name, s[i].name) == 0;
    return same ? KT_OK
                : kt_fail(err, KT_ERR_CONFLICT, "run_stats: the table's columns are not the %d "
                          "kinetl writes (run_uuid .. processed_at)", KT_RUN_STATS_COLUMNS);
}

typedef struct scan {
    const char *const *runs;     /* the runs looked for */
    size_t nruns;
    kt_column *others;           /* KT_RUN_STATS_COLUMNS; receives rows of other runs (may be NULL) */
    kt_run_stats_found *found;   /* may be NULL */
    size_t run_rows;
} scan;

static bool text_is(const kt_column *c, size_t row, const char *s)
{
    size_t len;
    const char *v = kt_column_bytes_at(c, row, &len);
    return kt_column_is_valid(c, row) && len == strlen(s) && memcmp(v, s, len) == 0;
}

static void copy_text(const kt_column *c, size_t row, char *out, size_t cap)
{
    size_t len;
    const char *v = kt_column_bytes_at(c, row, &len);
    if (!kt_column_is_valid(c, row)) len = 0;
    if (len >= cap) len = cap - 1;
    memcpy(out, v, len);
    out[len] = 0;
}

static int find_stat(const char *name)
{
    for (int i = 0; i < KT_RUN_STATS_COLUMNS; i++)
        if (strcmp(kt_run_stats_schema()[i].name, name) == 0) return i;
    return -1;
}

static bool is_looked_for(const scan *s, const kt_column *run_uuid, size_t row)
{
    for (size_t i = 0; i < s->nruns; i++)
        if (text_is(run_uuid, row, s->runs[i])) return true;
    return false;
}

static kt_status scan_rows(kt_column *cols, const int *index, size_t rows, scan *s, kt_error *err)
{
    int hash = find_stat("config_hash"), fp = find_stat("input_fingerprint");
    for (size_t r = 0; r < rows; r++) {
        if (is_looked_for(s, &cols[0], r)) {
            s->run_rows++;
            if (s->found) {
                s->found->rows++;
                copy_text(&cols[hash], r, s->found->config_hash, sizeof s->found->config_hash);
                copy_text(&cols[fp], r, s->found->input_fingerprint, sizeof s->found->input_fingerprint);
            }
            continue;
        }
        for (int c = 0; s->others && c < KT_RUN_STATS_COLUMNS; c++) {
            kt_status st = index[c] >= 0 ? kt_column_push_from(&s->others[c], &cols[c], r)
                                         : kt_column_push_null(&s->others[c]);
            if (st != KT_OK) return kt_fail(err, st, "run_stats: keeping another run's row");
        }
    }
    return KT_OK;
}

static kt_status resolve(const kt_pq_reader *r, int *index, kt_error *err)
{
    const kt_stat_column *s = kt_run_stats_schema();
    for (int c = 0; c < KT_RUN_STATS_COLUMNS; c++) {
        index[c] = kt_pq_find_column(r, s[c].name);
        if (index[c] < 0) {
            if (!s[c].nullable)
                return kt_fail(err, KT_ERR_FORMAT, "%s: run_stats file has no column '%s'", kt_pq_path(r),
                               s[c].name);
            continue;
        }
        const kt_pq_column_info *ci = kt_pq_column(r, index[c]);
        bool ok = ci->value_type == s[c].type &&
                  (!s[c].timestamp || (ci->is_timestamp && ci->unit == KT_PQ_UNIT_MICROS));
        if (!ok)
            return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: run_stats column '%s' is not stored as kinetl "
                           "writes it (%s)", kt_pq_path(r), s[c].name, kt_type_name(s[c].type));
    }
    return KT_OK;
}

static kt_status scan_file(const char *table_dir, const kt_delta_file *f, scan *s, kt_error *err)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", table_dir, f->path);
    if (len < 0 || (size_t)len >= sizeof path)
        return kt_fail(err, KT_ERR_USAGE, "run_stats: path of '%s' is too long", f->path);
    kt_pq_reader *r;
    KT_TRY(kt_pq_open(path, &r, err));
    int index[KT_RUN_STATS_COLUMNS], present[KT_RUN_STATS_COLUMNS], np = 0;
    kt_column cols[KT_RUN_STATS_COLUMNS], got[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(cols);
    for (int c = 0; c < KT_RUN_STATS_COLUMNS; c++) kt_column_init(&got[c], KT_BOOL);
    kt_status st = resolve(r, index, err);
    for (int c = 0; st == KT_OK && c < KT_RUN_STATS_COLUMNS; c++)
        if (index[c] >= 0) present[np++] = index[c];
    for (int rg = 0; st == KT_OK && rg < kt_pq_num_row_groups(r); rg++) {
        st = kt_pq_read_row_group(r, rg, present, np, got, err);
        for (int c = 0, k = 0; st == KT_OK && c < KT_RUN_STATS_COLUMNS; c++)
            if (index[c] >= 0) {   /* move into schema position */
                kt_column_free(&cols[c]);
                cols[c] = got[k];
                kt_column_init(&got[k++], KT_BOOL);
            }
        if (st == KT_OK) st = scan_rows(cols, index, cols[0].len, s, err);
    }
    kt_run_stats_columns_free(cols);
    for (int c = 0; c < KT_RUN_STATS_COLUMNS; c++) kt_column_free(&got[c]);
    kt_pq_close(r);
    return st;
}

/* ---- replace and lookup ------------------------------------------------- */

/* "run_uuid = 'a'", or "run_uuid IN ('a', 'b')" for several runs. */
static kt_status predicate_of(const kt_run_stats *rows, size_t n, kt_buf *out)
{
    KT_TRY(kt_buf_append_str(out, n == 1 ? "run_uuid = " : "run_uuid IN ("));
    for (size_t i = 0; i < n; i++) {
        KT_TRY(kt_buf_append_str(out, i ? ", '" : "'"));
        for (const char *c = rows[i].run_uuid; *c; c++)
            KT_TRY(*c == '\'' ? kt_buf_append_str(out, "''") : kt_buf_append_byte(out, (uint8_t)*c));
        KT_TRY(kt_buf_append_str(out, "'"));
    }
    if (n != 1) KT_TRY(kt_buf_append_str(out, ")"));
    return kt_buf_append_byte(out, 0);
}

/* Files to remove, and other runs' rows (into others) from mixed files. */
static kt_status collect(kt_run_stats_index *ix, kt_delta_table *t, const kt_delta_snapshot *snap,
                         const char *const *runs, size_t nruns, const char ***paths, size_t *npaths,
                         kt_column *others, kt_run_stats_found *found, kt_error *err)
{
    size_t n = kt_delta_snapshot_num_files(snap);
    trim_cache(ix, n);
    if (paths) {
        *npaths = 0;
        *paths = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(snap, i);
        bool may, only;
        KT_TRY(may_hold(ix, f, runs, nruns, &may, &only, err));
        if (!may) continue;
        scan s = { runs, nruns, others, found, 0 };
        if (!only || found) KT_TRY(scan_file(kt_delta_dir(t), f, &s, err));
        if ((only || s.run_rows) && paths) {
            const char **np = realloc(*paths, (*npaths + 1) * sizeof *np);
            if (!np) return kt_fail(err, KT_ERR_NOMEM, "run_stats: files to replace");
            *paths = np;
            (*paths)[(*npaths)++] = f->path;
        }
    }
    return KT_OK;
}

/* One file per run: its row, after the rows carried over when it is the first. */
static kt_status write_rows(kt_delta_txn *x, const kt_run_stats *rows, size_t n, kt_column *carried,
                            kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        kt_column own[KT_RUN_STATS_COLUMNS];
        kt_column *cols = i == 0 ? carried : own;
        if (i > 0) kt_run_stats_columns_init(own);
        st = kt_run_stats_append(&rows[i], cols, err);
        if (st == KT_OK) st = kt_delta_txn_write(x, cols, KT_RUN_STATS_COLUMNS, cols[0].len, err);
        if (i > 0) kt_run_stats_columns_free(own);
    }
    return st;
}

static kt_status check_distinct(const kt_run_stats *rows, size_t n, kt_error *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[i].run_uuid, rows[j].run_uuid) == 0)
                return kt_fail(err, KT_ERR_USAGE, "run_stats: run %s given twice in one commit", rows[i].run_uuid);
    return KT_OK;
}

kt_status kt_run_stats_table_replace_many(kt_run_stats_index *ix, kt_delta_table *t, kt_delta_snapshot *snap,
                                          const kt_run_stats *rows, const char *const *app_ids,
                                          const int64_t *app_versions, size_t n, int64_t *version, kt_error *err)
{
    if (n == 0) return kt_fail(err, KT_ERR_USAGE, "run_stats: no rows to replace");
    KT_TRY(check_schema(snap, err));
    KT_TRY(check_distinct(rows, n, err));
    const char **runs = calloc(n, sizeof *runs);
    if (!runs) return kt_fail(err, KT_ERR_NOMEM, "run_stats: runs to replace");
    for (size_t i = 0; i < n; i++) runs[i] = rows[i].run_uuid;
    kt_column cols[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(cols);
    const char **paths = NULL;
    size_t npaths = 0;
    kt_delta_txn *x = NULL;
    kt_buf predicate;
    kt_buf_init(&predicate);
    kt_status st = collect(ix, t, snap, runs, n, &paths, &npaths, cols, NULL, err);
    if (st == KT_OK) st = kt_delta_txn_begin(t, snap, &x, err);
    if (st == KT_OK && npaths) {
        st = predicate_of(rows, n, &predicate);
        if (st == KT_OK)
            st = kt_delta_txn_replace_files(x, paths, npaths, (const char *)predicate.data, err);
        else
            kt_fail(err, st, "run_stats: predicate");
    }
    if (st == KT_OK) st = write_rows(x, rows, n, cols, err);
    for (size_t i = 0; st == KT_OK && i < n; i++) st = kt_delta_txn_set_app_version(x, app_ids[i], app_versions[i], err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, version, err);
    kt_delta_txn_free(x);
    kt_buf_free(&predicate);
    free(paths);
    free(runs);
    kt_run_stats_columns_free(cols);
    return st;
}

kt_status kt_run_stats_table_replace(kt_run_stats_index *ix, kt_delta_table *t, kt_delta_snapshot *snap,
                                     const kt_run_stats *row, const char *app_id, int64_t app_version,
                                     int64_t *version, kt_error *err)
{
    return kt_run_stats_table_replace_many(ix, t, snap, row, &app_id, &app_version, 1, version, err);
}

kt_status kt_run_stats_table_lookup(kt_run_stats_index *ix, kt_delta_table *t, const kt_delta_snapshot *snap,
                                    const char *run_uuid, kt_run_stats_found *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    KT_TRY(check_schema(snap, err));
    return collect(ix, t, snap, &run_uuid, 1, NULL, NULL, NULL, out, err);
}
