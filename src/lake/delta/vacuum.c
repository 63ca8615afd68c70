/*
 * lake/delta/vacuum.c — deletes what no reader can need any more: files
 * in the table directory that the latest snapshot does not reference,
 * that no unexpired tombstone protects (time travel within the
 * retention), and that are older than the retention (so files being
 * written by a live writer survive). Empty partition directories older
 * than the retention go too, and so do kinetl's stale commit temp files.
 * Commit files are never touched. Hidden names ('.', '_') are skipped,
 * as Delta's VACUUM does, except partition directories ("_x=1").
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lake/delta/internal.h"

#define MAX_DEPTH 64

typedef struct vacuum_ctx {
    const kt_delta_table *t;
    const kt_delta_snapshot *s;
    const kt_delta_vacuum_options *o;
    int64_t cutoff;
    kt_delta_vacuum_result *res;
    kt_error *err;
} vacuum_ctx;

static int64_t mtime_ms(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}

static bool is_protected(const vacuum_ctx *v, const char *rel)
{
    const kt_delta_entry *e = kt_delta_snapshot_entry(v->s, rel);
    return e && (e->active || e->deletion_timestamp > v->cutoff);
}

static kt_status delete_file(vacuum_ctx *v, const char *abs, const char *rel, int64_t size)
{
    if (!v->o->dry_run && unlink(abs) != 0 && errno != ENOENT)
        return kt_fail_errno(v->err, KT_ERR_IO, errno, "vacuum: cannot delete %s", abs);
    v->res->files++;
    v->res->bytes += size;
    if (v->o->on_file) v->o->on_file(v->o->ctx, rel, size);
    return KT_OK;
}

static bool hidden(const char *name)
{
    return (name[0] == '.' || name[0] == '_') && !strchr(name, '=');
}

static kt_status walk(vacuum_ctx *v, const char *abs, const char *rel, int depth, bool *empty);

static kt_status visit(vacuum_ctx *v, const char *abs, const char *rel, int depth, bool *kept)
{
    struct stat sb;
    if (lstat(abs, &sb) != 0) {
        if (errno == ENOENT) return KT_OK;   /* deleted under us */
        return kt_fail_errno(v->err, KT_ERR_IO, errno, "vacuum: stat %s", abs);
    }
    if (S_ISDIR(sb.st_mode)) {
        bool empty = false;
        KT_TRY(walk(v, abs, rel, depth + 1, &empty));
        if (empty && mtime_ms(&sb) <= v->cutoff) {
            if (!v->o->dry_run && rmdir(abs) == 0) v->res->dirs++;
            *kept = v->o->dry_run;
        } else {
            *kept = true;
        }
        return KT_OK;
    }
    if (!S_ISREG(sb.st_mode) || is_protected(v, rel) || mtime_ms(&sb) > v->cutoff) {
        *kept = true;
        return KT_OK;
    }
    *kept = v->o->dry_run;
    return delete_file(v, abs, rel, (int64_t)sb.st_size);
}

static kt_status walk(vacuum_ctx *v, const char *abs, const char *rel, int depth, bool *empty)
{
    if (depth > MAX_DEPTH)
        return kt_fail(v->err, KT_ERR_UNSUPPORTED, "vacuum: %s is nested over %d levels deep",
                       abs, MAX_DEPTH);
    DIR *d = opendir(abs);
    if (!d) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(v->err, KT_ERR_IO, errno, "vacuum: cannot list %s", abs);
    }
    kt_status st = KT_OK;
    bool any_kept = false;
    struct dirent *e;
    while (st == KT_OK && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (hidden(e->d_name)) {
            any_kept = true;
            continue;
        }
        char cabs[KT_DELTA_PATH_MAX], crel[KT_DELTA_PATH_MAX];
        int n1 = snprintf(cabs, sizeof cabs, "%s/%s", abs, e->d_name);
        int n2 = snprintf(crel, sizeof crel, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof cabs || (size_t)n2 >= sizeof crel) {
            any_kept = true;
            continue;
        }
        bool kept = false;
        st = visit(v, cabs, crel, depth, &kept);
        any_kept |= kept;
    }
    closedir(d);
    *empty = !any_kept;
    return st;
}

/* Commit temp files left by writers killed between write and link. */
static kt_status sweep_log_temps(vacuum_ctx *v)
{
    DIR *d = opendir(v->t->log_dir);
    if (!d) return KT_OK;
    kt_status st = KT_OK;
    struct dirent *e;
    size_t pl = strlen(KT_DELTA_TMP_PREFIX), sl = strlen(KT_DELTA_TMP_SUFFIX);
    while (st == KT_OK && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n <= pl + sl || strncmp(e->d_name, KT_DELTA_TMP_PREFIX, pl) != 0 ||
            strcmp(e->d_name + n - sl, KT_DELTA_TMP_SUFFIX) != 0)
            continue;
        char abs[KT_DELTA_PATH_MAX], rel[KT_DELTA_PATH_MAX];
        snprintf(abs, sizeof abs, "%s/%s", v->t->log_dir, e->d_name);
        snprintf(rel, sizeof rel, "%s/%s", KT_DELTA_LOG_DIR, e->d_name);
        struct stat sb;
        if (lstat(abs, &sb) == 0 && S_ISREG(sb.st_mode) && mtime_ms(&sb) <= v->cutoff)
            st = delete_file(v, abs, rel, (int64_t)sb.st_size);
    }
    closedir(d);
    return st;
}

kt_status kt_delta_vacuum(kt_delta_table *t, const kt_delta_vacuum_options *opts,
                          kt_delta_vacuum_result *res, kt_error *err)
{
    kt_delta_vacuum_options defaults = { .retention_ms = -1 };
    kt_delta_vacuum_result local;
    if (!opts) opts = &defaults;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    kt_delta_snapshot *s;
    KT_TRY(kt_delta_snapshot_load(t, -1, &s, err));
    int64_t retention = opts->retention_ms < 0 ? KT_DELTA_DEFAULT_RETENTION_MS : opts->retention_ms;
    int64_t now = opts->now_ms ? opts->now_ms : kt_delta_now_ms();
    vacuum_ctx v = { t, s, opts, now - retention, res, err };
    bool empty = false;
    kt_status st = walk(&v, t->dir, "", 0, &empty);
    if (st == KT_OK) st = sweep_log_temps(&v);
    kt_delta_snapshot_free(s);
    return st;
}
