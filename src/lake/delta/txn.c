/*
 * lake/delta/txn.c — a write transaction: staged adds, removes derived
 * from an overwrite predicate, schema evolution, txn(appId) markers, and
 * the optimistic commit loop. On a lost put-if-absent race the winner's
 * commit is checked for a logical conflict (conflict.c); if there is
 * none the same actions are tried at the next version: at once after a
 * first loss, after a short randomised backoff after further ones.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lake/delta/commit_json.h"
#include "lake/delta/txn_internal.h"

static char *adup(kt_arena *a, const char *s)
{
    return s ? kt_arena_strndup(a, s, strlen(s)) : NULL;
}

#define NOMEM(x, err) kt_fail(err, KT_ERR_NOMEM, "%s: out of memory in a transaction", \
                              (x)->t->dir)

static kt_status copy_schema(kt_delta_txn *x, kt_error *err)
{
    const kt_delta_snapshot *s = x->snap;
    x->nfields = kt_delta_snapshot_num_fields(s);
    x->fields = kt_arena_calloc(&x->arena, x->nfields, sizeof *x->fields);
    x->npart = kt_delta_snapshot_num_partition_columns(s);
    x->part_cols = kt_arena_calloc(&x->arena, x->npart ? x->npart : 1, sizeof(char *));
    if (!x->fields || !x->part_cols) return NOMEM(x, err);
    for (size_t i = 0; i < x->nfields; i++) {
        x->fields[i] = *kt_delta_snapshot_field(s, i);
        if (!(x->fields[i].name = adup(&x->arena, x->fields[i].name))) return NOMEM(x, err);
    }
    for (size_t c = 0; c < x->npart; c++)
        if (!(x->part_cols[c] = adup(&x->arena, kt_delta_snapshot_partition_column(s, c))))
            return NOMEM(x, err);
    return KT_OK;
}

kt_status kt_delta_txn_begin(kt_delta_table *t, kt_delta_snapshot *snap, kt_delta_txn **out,
                             kt_error *err)
{
    *out = NULL;
    kt_delta_txn *x = calloc(1, sizeof *x);
    if (!x) return kt_fail(err, KT_ERR_NOMEM, "%s: transaction", t->dir);
    x->t = t;
    kt_arena_init(&x->arena, 0);
    kt_status st = KT_OK;
    if (snap) {
        x->snap = snap;
    } else {
        st = kt_delta_snapshot_load(t, -1, &x->snap, err);
        x->owns_snap = true;
    }
    if (st == KT_OK)
        st = kt_delta_check_writable(t, x->snap->min_writer, x->snap->schema.has_invariants, err);
    if (st == KT_OK) st = copy_schema(x, err);
    if (st != KT_OK) {
        kt_delta_txn_free(x);
        return st;
    }
    x->read_version = kt_delta_snapshot_version(x->snap);
    x->rng = kt_delta_random64() | 1;
    *out = x;
    return KT_OK;
}

const kt_delta_snapshot *kt_delta_txn_snapshot(const kt_delta_txn *x) { return x->snap; }

static kt_status usable(const kt_delta_txn *x, kt_error *err)
{
    if (x->committed)
        return kt_fail(err, KT_ERR_USAGE, "%s: transaction already committed", x->t->dir);
    return KT_OK;
}

/* ---- data files ------------------------------------------------------- */

kt_status kt_delta_txn_new_file_path(kt_delta_txn *x, const char *const *partition_values,
                                     char *out, size_t cap, kt_error *err)
{
    KT_TRY(usable(x, err));
    kt_buf rel;
    kt_buf_init(&rel);
    kt_status st = KT_OK;
    for (size_t c = 0; st == KT_OK && c < x->npart; c++) {
        const char *v = partition_values ? partition_values[c] : NULL;
        st = kt_delta_hive_escape(&rel, x->part_cols[c]);
        if (st == KT_OK) st = kt_buf_append_byte(&rel, '=');
        if (st == KT_OK)
            st = v && v[0] ? kt_delta_hive_escape(&rel, v)
                           : kt_buf_append_str(&rel, "__HIVE_DEFAULT_PARTITION__");
        if (st == KT_OK) st = kt_buf_append_byte(&rel, '/');
    }
    char uuid[37];
    if (st == KT_OK) st = kt_delta_uuid4(uuid, err);
    if (st == KT_OK) st = kt_buf_printf(&rel, "part-00000-%s.c000.zstd.parquet", uuid);
    if (st == KT_OK) st = kt_buf_append_byte(&rel, 0);
    if (st == KT_OK && rel.len > cap)
        st = kt_fail(err, KT_ERR_USAGE, "%s: data file path needs %zu bytes, buffer has %zu",
                     x->t->dir, rel.len, cap);
    if (st == KT_OK) {
        memcpy(out, rel.data, rel.len);
        char dir[KT_DELTA_PATH_MAX];
        const char *slash = strrchr(out, '/');
        int n = snprintf(dir, sizeof dir, "%s/%.*s", x->t->dir, slash ? (int)(slash - out) : 0,
                         out);
        if (n < 0 || (size_t)n >= sizeof dir)
            st = kt_fail(err, KT_ERR_USAGE, "%s: partition path too long", x->t->dir);
        else
            st = kt_delta_mkdirs(dir, err);
    } else if (st == KT_ERR_NOMEM) {
        NOMEM(x, err);
    }
    kt_buf_free(&rel);
    return st;
}

static bool path_taken(const kt_delta_txn *x, const char *path)
{
    const kt_delta_entry *e = kt_delta_snapshot_entry(x->snap, path);
    if (e && e->active) return true;
    for (size_t i = 0; i < x->nadds; i++)
        if (strcmp(x->adds[i].path, path) == 0) return true;
    return false;
}

static kt_status push_add(kt_delta_txn *x, kt_delta_pending_add *a, kt_error *err)
{
    if (x->nadds == x->adds_cap) {
        size_t cap = x->adds_cap ? x->adds_cap * 2 : 16;
        kt_delta_pending_add *na = realloc(x->adds, cap * sizeof *na);
        if (!na) return NOMEM(x, err);
        x->adds = na;
        x->adds_cap = cap;
    }
    x->adds[x->nadds++] = *a;
    return KT_OK;
}

/* Stages an add with a's sizes and flags, its strings copied into x's
 * arena (pv may be NULL: every value null; "" = null). */
static kt_status push_add_copy(kt_delta_txn *x, const kt_delta_pending_add *a, const char *path,
                               const char *const *pv, const char *stats, kt_error *err)
{
    kt_delta_pending_add b = *a;
    b.path = adup(&x->arena, path);
    b.stats = adup(&x->arena, stats);
    b.pv = kt_arena_calloc(&x->arena, x->npart ? x->npart : 1, sizeof(char *));
    if (!b.path || !b.pv || (stats && !b.stats)) return NOMEM(x, err);
    for (size_t c = 0; c < x->npart; c++) {
        const char *v = pv ? pv[c] : NULL;
        if (v && v[0] && !(b.pv[c] = adup(&x->arena, v))) return NOMEM(x, err);
    }
    return push_add(x, &b, err);
}

static kt_status add_file(kt_delta_txn *x, const char *rel_path, const char *const *partition_values,
                          const char *stats_json, bool unsynced, kt_error *err)
{
    KT_TRY(usable(x, err));
    if (!rel_path || !kt_delta_path_is_safe_relative(rel_path) || rel_path[0] == '_' ||
        rel_path[0] == '.')
        return kt_fail(err, KT_ERR_USAGE, "%s: '%s' is not a data file path inside the table",
                       x->t->dir, rel_path ? rel_path : "");
    if (path_taken(x, rel_path))
        return kt_fail(err, KT_ERR_USAGE, "%s: data file '%s' is already in the table; data "
                       "files are never overwritten", x->t->dir, rel_path);
    char abs[KT_DELTA_PATH_MAX];
    snprintf(abs, sizeof abs, "%s/%s", x->t->dir, rel_path);
    struct stat sb;
    if (stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode))
        return kt_fail_errno(err, KT_ERR_NOT_FOUND, errno, "%s: data file", abs);
    for (size_t c = 0; c < x->npart; c++) {
        const char *v = partition_values ? partition_values[c] : NULL;
        for (size_t f = 0; (!v || !v[0]) && f < x->nfields; f++)
            if (!x->fields[f].nullable && strcmp(x->fields[f].name, x->part_cols[c]) == 0)
                return kt_fail(err, KT_ERR_USAGE, "%s: partition column '%s' is not nullable; "
                               "'%s' has no value for it", x->t->dir, x->part_cols[c], rel_path);
    }
    kt_delta_pending_add a = { .size = (int64_t)sb.st_size, .records = -1, .unsynced = unsynced };
    a.mtime = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
    return push_add_copy(x, &a, rel_path, partition_values, stats_json, err);
}

kt_status kt_delta_txn_add_file(kt_delta_txn *x, const char *rel_path,
                                const char *const *partition_values, const char *stats_json,
                                kt_error *err)
{
    return add_file(x, rel_path, partition_values, stats_json, false, err);
}

kt_status kt_delta_txn_add_file_unsynced(kt_delta_txn *x, const char *rel_path,
                                         const char *const *partition_values, const char *stats_json,
                                         kt_error *err)
{
    return add_file(x, rel_path, partition_values, stats_json, true, err);
}

/* ---- overwrite, schema, txn markers ----------------------------------- */

static kt_status push_remove(kt_delta_txn *x, const kt_delta_file *f, kt_error *err)
{
    if (x->nremoves == x->removes_cap) {
        size_t cap = x->removes_cap ? x->removes_cap * 2 : 16;
        kt_delta_pending_remove *nr = realloc(x->removes, cap * sizeof *nr);
        if (!nr) return NOMEM(x, err);
        x->removes = nr;
        x->removes_cap = cap;
    }
    /* The borrowed snapshot outlives the txn and is not updated meanwhile. */
    x->removes[x->nremoves++] = (kt_delta_pending_remove){ f->path, f->log_path,
                                                           f->partition_values, f->size };
    return KT_OK;
}

static kt_status set_mode(kt_delta_txn *x, kt_delta_txn_mode mode, kt_error *err)
{
    KT_TRY(usable(x, err));
    if (x->mode != KT_TXN_APPEND)
        return kt_fail(err, KT_ERR_USAGE, "%s: a transaction overwrites at most once",
                       x->t->dir);
    const char *append_only = kt_delta_snapshot_config(x->snap, "delta.appendOnly");
    if (append_only && strcasecmp(append_only, "true") == 0)
        return kt_fail(err, KT_ERR_USAGE, "%s: table is append-only (delta.appendOnly); "
                       "overwrites are refused", x->t->dir);
    x->mode = mode;
    return KT_OK;
}

/* Is value ("" = the null partition) among replace_values[first..]? */
static bool replaced_from(const kt_delta_txn *x, size_t first, const char *value)
{
    if (value && !value[0]) value = NULL;
    for (size_t i = first; i < x->nreplace; i++) {
        const char *r = x->replace_values[i];
        if (r == value || (r && value && strcmp(r, value) == 0)) return true;
    }
    return false;
}

bool kt_delta_txn_value_replaced(const kt_delta_txn *x, const char *value)
{
    return replaced_from(x, 0, value);
}

/* The mode of an overwrite; calls of the same kind accumulate. */
static kt_status set_or_keep_mode(kt_delta_txn *x, kt_delta_txn_mode mode, kt_error *err)
{
    KT_TRY(usable(x, err));
    return x->mode == mode ? KT_OK : set_mode(x, mode, err);
}

kt_status kt_delta_txn_replace_partitions(kt_delta_txn *x, const char *column,
                                          const char *const *values, size_t nvalues,
                                          kt_error *err)
{
    size_t c = 0;
    while (c < x->npart && (!column || strcmp(x->part_cols[c], column) != 0)) c++;
    if (c == x->npart)
        return kt_fail(err, KT_ERR_USAGE, "%s: '%s' is not a partition column", x->t->dir,
                       column ? column : "(null)");
    if (x->mode == KT_TXN_REPLACE_PARTITIONS && x->replace_col != c)
        return kt_fail(err, KT_ERR_USAGE, "%s: a transaction replaces partitions of one column only",
                       x->t->dir);
    KT_TRY(set_or_keep_mode(x, KT_TXN_REPLACE_PARTITIONS, err));
    x->replace_col = c;
    const char **all = kt_arena_calloc(&x->arena, x->nreplace + nvalues + 1, sizeof(char *));
    if (!all) return NOMEM(x, err);
    if (x->nreplace) memcpy(all, x->replace_values, x->nreplace * sizeof *all);
    size_t first_new = x->nreplace, n = x->nreplace;
    x->replace_values = all;
    for (size_t i = 0; i < nvalues; i++) {
        const char *v = values[i] && values[i][0] ? values[i] : NULL;
        if (kt_delta_txn_value_replaced(x, v)) continue;
        if (v && !(v = adup(&x->arena, v))) return NOMEM(x, err);
        all[n] = v;
        x->nreplace = ++n;
    }
    for (size_t i = 0; first_new < n && i < kt_delta_snapshot_num_files(x->snap); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(x->snap, i);
        if (replaced_from(x, first_new, f->partition_values[c])) KT_TRY(push_remove(x, f, err));
    }
    return KT_OK;
}

kt_status kt_delta_txn_replace_all(kt_delta_txn *x, kt_error *err)
{
    KT_TRY(set_mode(x, KT_TXN_REPLACE_ALL, err));
    for (size_t i = 0; i < kt_delta_snapshot_num_files(x->snap); i++)
        KT_TRY(push_remove(x, kt_delta_snapshot_file(x->snap, i), err));
    return KT_OK;
}

bool kt_delta_txn_removes_path(const kt_delta_txn *x, const char *path)
{
    for (size_t i = 0; path && i < x->nremoves; i++)
        if (strcmp(x->removes[i].path, path) == 0) return true;
    return false;
}

static const kt_delta_file *find_active(const kt_delta_snapshot *s, const char *path)
{
    size_t lo = 0, hi = kt_delta_snapshot_num_files(s);   /* sorted by path */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const kt_delta_file *f = kt_delta_snapshot_file(s, mid);
        int c = strcmp(f->path, path);
        if (c == 0) return f;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Two predicates of one transaction's removes: "(a) OR (b)". */
static kt_status join_predicate(kt_delta_txn *x, const char *predicate, kt_error *err)
{
    if (!predicate) return KT_OK;
    if (!x->replace_predicate) {
        if (!(x->replace_predicate = adup(&x->arena, predicate))) return NOMEM(x, err);
        return KT_OK;
    }
    size_t n = strlen(x->replace_predicate) + strlen(predicate) + 12;
    char *joined = kt_arena_alloc(&x->arena, n);
    if (!joined) return NOMEM(x, err);
    snprintf(joined, n, "(%s) OR (%s)", x->replace_predicate, predicate);
    x->replace_predicate = joined;
    return KT_OK;
}

kt_status kt_delta_txn_replace_files(kt_delta_txn *x, const char *const *paths, size_t npaths,
                                     const char *predicate, kt_error *err)
{
    for (size_t i = 0; i < npaths; i++)
        if (!paths[i] || !find_active(x->snap, paths[i]))
            return kt_fail(err, KT_ERR_NOT_FOUND, "%s: cannot replace '%s': not an active file "
                           "at version %lld", x->t->dir, paths[i] ? paths[i] : "(null)",
                           (long long)x->read_version);
    KT_TRY(set_or_keep_mode(x, KT_TXN_REPLACE_FILES, err));
    KT_TRY(join_predicate(x, predicate, err));
    for (size_t i = 0; i < npaths; i++)
        if (!kt_delta_txn_removes_path(x, paths[i]))
            KT_TRY(push_remove(x, find_active(x->snap, paths[i]), err));
    return KT_OK;
}

kt_status kt_delta_txn_add_columns(kt_delta_txn *x, const kt_delta_field *fields, size_t n,
                                   kt_error *err)
{
    KT_TRY(usable(x, err));
    for (size_t i = 0; i < n; i++)
        if (!fields[i].nullable)
            return kt_fail(err, KT_ERR_USAGE, "%s: added column '%s' must be nullable (existing "
                           "rows have no value)", x->t->dir, fields[i].name ? fields[i].name : "");
    size_t total = x->nfields + n;
    kt_delta_field *all = kt_arena_calloc(&x->arena, total ? total : 1, sizeof *all);
    if (!all) return NOMEM(x, err);
    memcpy(all, x->fields, x->nfields * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        all[x->nfields + i] = fields[i];
        if (fields[i].name && !(all[x->nfields + i].name = adup(&x->arena, fields[i].name)))
            return NOMEM(x, err);
    }
    kt_status st = kt_delta_schema_validate(all, total, err);
    if (st != KT_OK) {
        kt_error_prefix(err, "%s: adding columns", x->t->dir);
        return st;
    }
    x->fields = all;
    x->nfields = total;
    x->schema_changed = true;
    return KT_OK;
}

kt_status kt_delta_txn_set_app_version(kt_delta_txn *x, const char *app_id, int64_t version,
                                       kt_error *err)
{
    KT_TRY(usable(x, err));
    if (!app_id || !app_id[0])
        return kt_fail(err, KT_ERR_USAGE, "%s: txn appId is empty", x->t->dir);
    for (size_t i = 0; i < x->napps; i++)
        if (strcmp(x->apps[i].app_id, app_id) == 0) {
            x->apps[i].version = version;
            return KT_OK;
        }
    kt_delta_app *na = realloc(x->apps, (x->napps + 1) * sizeof *na);
    if (!na) return NOMEM(x, err);
    x->apps = na;
    x->apps[x->napps].app_id = adup(&x->arena, app_id);
    x->apps[x->napps].version = version;
    if (!x->apps[x->napps].app_id) return NOMEM(x, err);
    x->napps++;
    return KT_OK;
}

/* ---- combining transactions ----------------------------------------- */

static kt_status absorb_removes(kt_delta_txn *into, const kt_delta_txn *from, kt_error *err)
{
    switch (from->mode) {
    case KT_TXN_APPEND:
        return KT_OK;
    case KT_TXN_REPLACE_ALL:
        return kt_delta_txn_replace_all(into, err);
    case KT_TXN_REPLACE_PARTITIONS:
        return kt_delta_txn_replace_partitions(into, from->part_cols[from->replace_col],
                                               from->replace_values, from->nreplace, err);
    case KT_TXN_REPLACE_FILES:
        break;
    }
    const char **paths = calloc(from->nremoves ? from->nremoves : 1, sizeof *paths);
    if (!paths) return NOMEM(into, err);
    for (size_t i = 0; i < from->nremoves; i++) paths[i] = from->removes[i].path;
    kt_status st = kt_delta_txn_replace_files(into, paths, from->nremoves, from->replace_predicate, err);
    free(paths);
    return st;
}

static kt_status absorb_add(kt_delta_txn *into, const kt_delta_pending_add *a, kt_error *err)
{
    if (path_taken(into, a->path))
        return kt_fail(err, KT_ERR_USAGE, "%s: data file '%s' is staged twice", into->t->dir, a->path);
    return push_add_copy(into, a, a->path, (const char *const *)a->pv, a->stats, err);
}

kt_status kt_delta_txn_absorb(kt_delta_txn *into, kt_delta_txn *from, kt_error *err)
{
    KT_TRY(usable(into, err));
    KT_TRY(usable(from, err));
    if (into->t != from->t || into->snap != from->snap || from->schema_changed)
        return kt_fail(err, KT_ERR_USAGE, "%s: only transactions reading the same snapshot of one "
                       "table, without schema changes, can be combined", into->t->dir);
    KT_TRY(absorb_removes(into, from, err));
    for (size_t i = 0; i < from->nadds; i++) KT_TRY(absorb_add(into, &from->adds[i], err));
    for (size_t i = 0; i < from->napps; i++)
        KT_TRY(kt_delta_txn_set_app_version(into, from->apps[i].app_id, from->apps[i].version, err));
    from->nadds = 0;        /* its files are into's now */
    from->committed = true; /* spent */
    return KT_OK;
}

/* ---- commit ----------------------------------------------------------- */

static kt_status validate_for_commit(kt_delta_txn *x, kt_error *err)
{
    if (x->mode != KT_TXN_REPLACE_PARTITIONS) return KT_OK;
    for (size_t i = 0; i < x->nadds; i++)
        if (!kt_delta_txn_value_replaced(x, x->adds[i].pv[x->replace_col]))
            return kt_fail(err, KT_ERR_USAGE, "%s: data file '%s' has %s=%s, outside the "
                           "partitions this transaction replaces", x->t->dir, x->adds[i].path,
                           x->part_cols[x->replace_col],
                           x->adds[i].pv[x->replace_col] ? x->adds[i].pv[x->replace_col] : "null");
    return KT_OK;
}

static kt_status open_to_sync(const char *path, int flags, int *fd, kt_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC | flags);
    return *fd >= 0 ? KT_OK : kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open to sync it", path);
}

static kt_status fsync_fd(int fd, const char *path, kt_error *err)
{
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    return rc == 0 ? KT_OK : kt_fail_errno(err, KT_ERR_IO, e, "%s: fsync failed", path);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum { SYNC_BATCH = 64 }; /* files open at once while syncing */

/* fsyncs files [0, n): all of a batch start writing back first, so the disk
 * takes their tails together and each fsync then finds little left. */
static kt_status sync_files(char **paths, size_t n, kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t b = 0; st == KT_OK && b < n; b += SYNC_BATCH) {
        size_t m = n - b < SYNC_BATCH ? n - b : SYNC_BATCH, opened = 0;
        int fds[SYNC_BATCH];
        for (; st == KT_OK && opened < m; opened++) {
            if ((st = open_to_sync(paths[b + opened], 0, &fds[opened], err)) != KT_OK) break;
#ifdef SYNC_FILE_RANGE_WRITE
            sync_file_range(fds[opened], 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint: errors surface at the fsync */
#endif
        }
        for (size_t i = 0; i < opened; i++) {
            if (st == KT_OK) st = fsync_fd(fds[i], paths[b + i], err);
            else close(fds[i]);
        }
    }
    return st;
}

/* Files added unsynced become durable, then their directory entries (each
 * directory once), before the log can refer to them. Files first: on a
 * journalling file system the first fsync commits the others' metadata
 * too, and the directories then find nothing left to do. */
static kt_status sync_unsynced_adds(kt_delta_txn *x, kt_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < x->nadds; i++) n += x->adds[i].unsynced;
    if (n == 0) return KT_OK;
    if (x->t->opts.no_fsync) {
        for (size_t i = 0; i < x->nadds; i++) x->adds[i].unsynced = false;
        return KT_OK;
    }
    char **files = calloc(n, sizeof *files), **dirs = calloc(n, sizeof *dirs);
    kt_status st = files && dirs ? KT_OK : NOMEM(x, err);
    size_t nf = 0;
    for (size_t i = 0; st == KT_OK && i < x->nadds; i++) {
        if (!x->adds[i].unsynced) continue;
        char abs[KT_DELTA_PATH_MAX];
        snprintf(abs, sizeof abs, "%s/%s", x->t->dir, x->adds[i].path);
        char *slash = strrchr(abs, '/');
        if (!(files[nf] = strdup(abs))) st = NOMEM(x, err);
        if (slash) *slash = '\0';
        if (st == KT_OK && !(dirs[nf] = strdup(abs))) st = NOMEM(x, err);
        nf++;
    }
    if (st == KT_OK) st = sync_files(files, nf, err);
    if (st == KT_OK) qsort(dirs, nf, sizeof *dirs, by_string);
    for (size_t i = 0; st == KT_OK && i < nf; i++) {
        if (i > 0 && strcmp(dirs[i], dirs[i - 1]) == 0) continue;
        int fd;
        st = open_to_sync(dirs[i], O_DIRECTORY, &fd, err);
        if (st == KT_OK) st = fsync_fd(fd, dirs[i], err);
    }
    for (size_t i = 0; i < nf; i++) {
        free(files[i]);
        free(dirs[i]);
    }
    free(files);
    free(dirs);
    for (size_t i = 0; st == KT_OK && i < x->nadds; i++) x->adds[i].unsynced = false;
    return st;
}

static void backoff(kt_delta_txn *x, int lost_in_a_row)
{
    x->rng ^= x->rng << 13;
    x->rng ^= x->rng >> 7;
    x->rng ^= x->rng << 17;
    int shift = lost_in_a_row < 7 ? lost_in_a_row : 7;
    long max_us = 100L << shift;                     /* 200 µs .. 12.8 ms */
    long us = (long)(x->rng % (uint64_t)max_us);
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&ts, NULL);
}

kt_status kt_delta_txn_commit(kt_delta_txn *x, int64_t *version, kt_error *err)
{
    KT_TRY(usable(x, err));
    KT_TRY(validate_for_commit(x, err));
    KT_TRY(sync_unsynced_adds(x, err));
    kt_buf commit;
    kt_buf_init(&commit);
    char tmp[KT_DELTA_PATH_MAX];
    kt_status st = kt_delta_txn_build_commit(x, &commit, err);
    /* the commit's bytes do not depend on its version: written and synced once */
    bool staged = false, won = false;
    if (st == KT_OK) staged = (st = kt_delta_stage_commit(x->t, &commit, tmp, sizeof tmp, err)) == KT_OK;
    int64_t v = x->read_version + 1;
    int lost_in_a_row = 0;
    for (int attempt = 0; st == KT_OK; attempt++) {
        if (attempt == x->t->opts.max_commit_attempts) {
            st = kt_fail(err, KT_ERR_CONFLICT, "%s: gave up after losing %d commit races "
                         "(read at version %lld, last tried %lld)", x->t->dir, attempt,
                         (long long)x->read_version, (long long)(v - 1));
            break;
        }
        bool lost = false;
        st = kt_delta_link_commit(x->t, tmp, v, &lost, err);
        if (st != KT_OK || (won = !lost)) break;
        st = kt_delta_txn_check_winner(x, v, err);
        v++;
        /* The first loss retries at once: the winner has just finished,
         * so the next version is almost always free. Only a writer that
         * keeps losing (many writers at once) backs off. */
        if (st == KT_OK && ++lost_in_a_row > 1) backoff(x, lost_in_a_row - 1);
    }
    if (staged) kt_delta_unstage_commit(x->t, tmp, won);
    kt_buf_free(&commit);
    if (st != KT_OK) return st;
    x->committed = true;
    if (version) *version = v;
    return KT_OK;
}

void kt_delta_txn_free(kt_delta_txn *x)
{
    if (!x) return;
    if (!x->committed) {
        /* Files this txn wrote or adopted are referenced by no commit: remove them. */
        for (size_t i = 0; i < x->nadds; i++) {
            char abs[KT_DELTA_PATH_MAX];
            snprintf(abs, sizeof abs, "%s/%s", x->t->dir, x->adds[i].path);
            unlink(abs);
        }
    }
    if (x->owns_snap) kt_delta_snapshot_free(x->snap);
    free(x->adds);
    free(x->removes);
    free(x->apps);
    kt_arena_free(&x->arena);
    free(x);
}
