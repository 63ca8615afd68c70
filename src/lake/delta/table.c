/*
 * lake/delta/table.c — table handles, table creation (version 0) and the
 * list of tables in a lake. Creation is a put-if-absent commit like any
 * other, so two processes creating the same table agree on one version 0.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lake/delta/commit_json.h"
#include "lake/delta/internal.h"

kt_status kt_delta_open(const char *dir, const kt_delta_options *opts, kt_delta_table **out,
                        kt_error *err)
{
    *out = NULL;
    size_t n = dir ? strlen(dir) : 0;
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n + sizeof(KT_DELTA_LOG_DIR) + 64 > KT_DELTA_PATH_MAX)
        return kt_fail(err, KT_ERR_USAGE, "table directory '%.64s' is empty or too long",
                       dir ? dir : "");
    kt_delta_table *t = calloc(1, sizeof *t);
    if (t) t->dir = malloc(n + 1);
    if (t && t->dir) t->log_dir = malloc(n + sizeof(KT_DELTA_LOG_DIR) + 1);
    if (!t || !t->dir || !t->log_dir) {
        kt_delta_close(t);
        return kt_fail(err, KT_ERR_NOMEM, "%s: table handle", dir);
    }
    memcpy(t->dir, dir, n);
    t->dir[n] = '\0';
    sprintf(t->log_dir, "%s/%s", t->dir, KT_DELTA_LOG_DIR);
    const char *slash = strrchr(t->dir, '/');
    t->name = slash && slash[1] ? slash + 1 : t->dir;
    if (opts) t->opts = *opts;
    if (t->opts.max_commit_attempts <= 0) t->opts.max_commit_attempts = 1000;
    *out = t;
    return KT_OK;
}

kt_status kt_delta_open_in_lake(const char *lake, const char *name, const kt_delta_options *opts,
                                kt_delta_table **out, kt_error *err)
{
    if (!name || !name[0] || strchr(name, '/') || name[0] == '.' || name[0] == '_')
        return kt_fail(err, KT_ERR_USAGE, "'%s' is not a valid table name", name ? name : "");
    char dir[KT_DELTA_PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s/%s", lake, name);
    if (n < 0 || (size_t)n >= sizeof dir)
        return kt_fail(err, KT_ERR_USAGE, "table path under '%.64s' is too long", lake);
    return kt_delta_open(dir, opts, out, err);
}

void kt_delta_close(kt_delta_table *t)
{
    if (!t) return;
    free(t->dir);
    free(t->log_dir);
    free(t);
}

const char *kt_delta_dir(const kt_delta_table *t) { return t->dir; }
const char *kt_delta_name(const kt_delta_table *t) { return t->name; }

bool kt_delta_exists(const kt_delta_table *t)
{
    char path[KT_DELTA_PATH_MAX], name[32];
    kt_delta_commit_name(name, 0);
    snprintf(path, sizeof path, "%s/%s", t->log_dir, name);
    return access(path, F_OK) == 0;
}

/* ---- create ----------------------------------------------------------- */

static kt_status check_partition_columns(const kt_delta_field *fields, size_t nfields,
                                         const char *const *cols, size_t ncols, kt_error *err)
{
    for (size_t c = 0; c < ncols; c++) {
        size_t f = 0;
        while (f < nfields && (!cols[c] || strcmp(fields[f].name, cols[c]) != 0)) f++;
        if (f == nfields)
            return kt_fail(err, KT_ERR_USAGE, "partition column '%s' is not in the schema",
                           cols[c] ? cols[c] : "(null)");
        kt_delta_type ty = fields[f].type;
        if (ty == KT_DELTA_DOUBLE || ty == KT_DELTA_TIMESTAMP)
            return kt_fail(err, KT_ERR_USAGE, "partition column '%s' has type %s; use string, "
                           "long, integer or boolean", cols[c], kt_delta_type_name(ty));
        for (size_t d = 0; d < c; d++)
            if (strcmp(cols[d], cols[c]) == 0)
                return kt_fail(err, KT_ERR_USAGE, "partition column '%s' is listed twice",
                               cols[c]);
    }
    if (ncols >= nfields)
        return kt_fail(err, KT_ERR_USAGE, "every column is a partition column; data files "
                       "need at least one");
    return KT_OK;
}

/* KT_OK if the existing table has exactly this schema and partitioning. */
static kt_status compare_existing(kt_delta_table *t, const kt_delta_field *fields, size_t n,
                                  const char *const *cols, size_t ncols, kt_error *err)
{
    kt_delta_snapshot *s;
    KT_TRY(kt_delta_snapshot_load(t, -1, &s, err));
    bool same = kt_delta_snapshot_num_fields(s) == n &&
                kt_delta_snapshot_num_partition_columns(s) == ncols;
    for (size_t i = 0; same && i < n; i++) {
        const kt_delta_field *f = kt_delta_snapshot_field(s, i);
        same = strcmp(f->name, fields[i].name) == 0 && f->type == fields[i].type &&
               f->nullable == fields[i].nullable;
    }
    for (size_t c = 0; same && c < ncols; c++)
        same = strcmp(kt_delta_snapshot_partition_column(s, c), cols[c]) == 0;
    kt_delta_snapshot_free(s);
    if (!same)
        return kt_fail(err, KT_ERR_CONFLICT, "%s: table exists with a different schema or "
                       "partitioning", t->dir);
    return KT_OK;
}

kt_status kt_delta_create(kt_delta_table *t, const kt_delta_field *fields, size_t nfields,
                          const char *const *partition_columns, size_t npartition_columns,
                          bool *created, kt_error *err)
{
    if (created) *created = false;
    kt_status st = kt_delta_schema_validate(fields, nfields, err);
    if (st == KT_OK)
        st = check_partition_columns(fields, nfields, partition_columns, npartition_columns, err);
    if (st != KT_OK) {
        kt_error_prefix(err, "%s", t->dir);
        return st;
    }
    if (kt_delta_exists(t))
        return compare_existing(t, fields, nfields, partition_columns, npartition_columns, err);
    kt_buf commit;
    kt_buf_init(&commit);
    st = kt_delta_create_commit_json(&commit, fields, nfields, partition_columns,
                                     npartition_columns, err);
    bool lost = false;
    if (st == KT_OK) st = kt_delta_put_commit(t, 0, &commit, &lost, err);
    kt_buf_free(&commit);
    if (st != KT_OK) return st;
    if (lost)
        return compare_existing(t, fields, nfields, partition_columns, npartition_columns, err);
    if (created) *created = true;
    return KT_OK;
}

/* ---- lake listing ----------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_log(const char *lake, const char *name)
{
    char path[KT_DELTA_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s/%s", lake, name, KT_DELTA_LOG_DIR);
    struct stat sb;
    return n > 0 && (size_t)n < sizeof path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

kt_status kt_delta_list_tables(const char *lake, char ***names, size_t *count, kt_error *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(lake);
    if (!d) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot list the lake", lake);
    }
    size_t cap = 0;
    kt_status st = KT_OK;
    struct dirent *e;
    while (st == KT_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_' || !has_log(lake, e->d_name)) continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (!nn) { st = KT_ERR_NOMEM; break; }
            *names = nn;
        }
        if (!((*names)[*count] = strdup(e->d_name))) { st = KT_ERR_NOMEM; break; }
        (*count)++;
    }
    closedir(d);
    if (st != KT_OK) {
        kt_delta_free_names(*names, *count);
        *names = NULL;
        *count = 0;
        return kt_fail(err, st, "%s: listing tables", lake);
    }
    if (*count) qsort(*names, *count, sizeof **names, cmp_str);
    return KT_OK;
}

void kt_delta_free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++) free(names[i]);
    free(names);
}
