/*
 * lake/delta/log.c — the _delta_log directory: listing commits, reading
 * and splitting them into actions, and creating a new commit
 * put-if-absent. A commit is written whole to a temp file, fsynced, then
 * hard-linked to its final name: link(2) never replaces an existing name,
 * so two writers racing for one version cannot both win, and a reader
 * never sees a partial commit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lake/delta/internal.h"

const char *kt_json_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool kt_json_int(json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v)) return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

/* "<20 digits>.json" -> version; -1 otherwise. */
static int64_t commit_version_of(const char *name)
{
    if (strlen(name) != 25 || strcmp(name + 20, ".json") != 0) return -1;
    int64_t v = 0;
    for (int i = 0; i < 20; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        if (v > (INT64_MAX - 9) / 10) return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

static bool is_checkpoint_name(const char *name)
{
    return strcmp(name, "_last_checkpoint") == 0 || strstr(name, ".checkpoint.") != NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static kt_status push_version(kt_delta_listing *l, size_t *cap, int64_t v)
{
    if (l->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        int64_t *nv = realloc(l->versions, ncap * sizeof *nv);
        if (!nv) return KT_ERR_NOMEM;
        l->versions = nv;
        *cap = ncap;
    }
    l->versions[l->count++] = v;
    return KT_OK;
}

static kt_status check_contiguous(const kt_delta_table *t, const kt_delta_listing *l,
                                  kt_error *err)
{
    if (l->count && l->versions[0] != 0)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: the log starts at version %lld (older "
                       "commits were cleaned up behind a checkpoint); kinetl reads complete "
                       "JSON logs only", t->dir, (long long)l->versions[0]);
    for (size_t i = 0; i < l->count; i++)
        if (l->versions[i] != (int64_t)i)
            return kt_fail(err, KT_ERR_FORMAT, "%s: commit %zu is missing from %s (found %lld)",
                           t->dir, i, t->log_dir, (long long)l->versions[i]);
    return KT_OK;
}

kt_status kt_delta_list_log(const kt_delta_table *t, kt_delta_listing *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(t->log_dir);
    if (!d) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot list the log", t->log_dir);
    }
    size_t cap = 0;
    kt_status st = KT_OK;
    struct dirent *e;
    while (st == KT_OK && (e = readdir(d))) {
        int64_t v = commit_version_of(e->d_name);
        if (v >= 0)
            st = push_version(out, &cap, v);
        else if (is_checkpoint_name(e->d_name))
            st = kt_fail(err, KT_ERR_UNSUPPORTED, "%s: the log holds a checkpoint (%s), written "
                         "by another engine; kinetl does not read checkpoints", t->dir,
                         e->d_name);
        if (st == KT_ERR_NOMEM) kt_fail(err, st, "%s: listing the log", t->dir);
    }
    closedir(d);
    if (st == KT_OK) {
        qsort(out->versions, out->count, sizeof *out->versions, cmp_i64);
        st = check_contiguous(t, out, err);
    }
    if (st != KT_OK) kt_delta_listing_free(out);
    return st;
}

void kt_delta_listing_free(kt_delta_listing *l)
{
    free(l->versions);
    memset(l, 0, sizeof *l);
}

static kt_status read_all(int fd, size_t size, kt_buf *out, const char *path, kt_error *err)
{
    kt_buf_clear(out);
    if (kt_buf_reserve(out, size + 1) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: %zu bytes", path, size);
    for (;;) {
        if (out->cap - out->len < 4096 && kt_buf_reserve(out, 65536) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "%s: reading", path);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: read", path);
        if (n == 0) return KT_OK;
        out->len += (size_t)n;
        if (out->len > KT_DELTA_MAX_COMMIT_BYTES)
            return kt_fail(err, KT_ERR_NOMEM, "%s: commit is over %zu bytes", path,
                           KT_DELTA_MAX_COMMIT_BYTES);
    }
}

kt_status kt_delta_read_commit(const kt_delta_table *t, int64_t version, kt_buf *out,
                               int64_t *mtime_ms, kt_error *err)
{
    char name[32], path[KT_DELTA_PATH_MAX];
    kt_delta_commit_name(name, version);
    snprintf(path, sizeof path, "%s/%s", t->log_dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return kt_fail(err, KT_ERR_NOT_FOUND, "%s: version %lld does not exist", t->dir,
                           (long long)version);
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: open", path);
    }
    struct stat st;
    kt_status s = KT_OK;
    if (fstat(fd, &st) != 0)
        s = kt_fail_errno(err, KT_ERR_IO, errno, "%s: stat", path);
    else if ((uint64_t)st.st_size > KT_DELTA_MAX_COMMIT_BYTES)
        s = kt_fail(err, KT_ERR_NOMEM, "%s: commit is over %zu bytes", path,
                    KT_DELTA_MAX_COMMIT_BYTES);
    else {
        if (mtime_ms) *mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        s = read_all(fd, (size_t)st.st_size, out, path, err);
    }
    close(fd);
    return s;
}

static kt_status push_line(kt_delta_parsed *out, json_t *obj, size_t line_no)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 8;
        kt_delta_parsed_line *nl = realloc(out->lines, cap * sizeof *nl);
        if (!nl) return KT_ERR_NOMEM;
        out->lines = nl;
        out->cap = cap;
    }
    out->lines[out->n++] = (kt_delta_parsed_line){ obj, line_no };
    return KT_OK;
}

static bool starts_with_kind(const char *line, const char *end, const char *kind)
{
    size_t n = strlen(kind);
    return (size_t)(end - line) > n + 4 && line[0] == '{' && line[1] == '"' &&
           memcmp(line + 2, kind, n) == 0 && line[2 + n] == '"' && line[3 + n] == ':';
}

kt_status kt_delta_parse_lines(const kt_delta_table *t, int64_t version, const uint8_t *data,
                               size_t len, const char *skip_kind, kt_delta_parsed *out,
                               kt_error *err)
{
    const char *p = (const char *)data, *end = p + len;
    size_t line_no = 0;
    out->version = version;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        line_no++;
        const char *q = p;
        while (q < line_end && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
        if (q < line_end && !(skip_kind && starts_with_kind(q, line_end, skip_kind))) {
            json_error_t jerr;
            json_t *obj = json_loadb(p, (size_t)(line_end - p), 0, &jerr);
            if (!obj || !json_is_object(obj)) {
                json_decref(obj);
                return kt_fail(err, KT_ERR_FORMAT, "%s: commit %lld line %zu is not a JSON "
                               "object%s%s", t->dir, (long long)version, line_no,
                               obj ? "" : ": ", obj ? "" : jerr.text);
            }
            if (push_line(out, obj, line_no) != KT_OK) {
                json_decref(obj);
                return kt_fail(err, KT_ERR_NOMEM, "%s: commit %lld", t->dir, (long long)version);
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (line_no == 0)
        return kt_fail(err, KT_ERR_FORMAT, "%s: commit %lld is empty", t->dir, (long long)version);
    return KT_OK;
}

void kt_delta_parsed_clear(kt_delta_parsed *p)
{
    for (size_t i = 0; i < p->n; i++) json_decref(p->lines[i].obj);
    p->n = 0;
}

void kt_delta_parsed_free(kt_delta_parsed *p)
{
    kt_delta_parsed_clear(p);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

kt_status kt_delta_apply_parsed(const kt_delta_table *t, const kt_delta_parsed *p,
                                kt_delta_action_fn fn, void *ctx, kt_error *err)
{
    for (size_t i = 0; i < p->n; i++) {
        kt_status st = KT_OK;
        const char *key;
        json_t *value;
        json_object_foreach(p->lines[i].obj, key, value) {
            st = fn(ctx, key, value, err);
            if (st != KT_OK) break;
        }
        if (st != KT_OK) {
            kt_error_prefix(err, "%s: commit %lld line %zu", t->dir, (long long)p->version,
                            p->lines[i].line_no);
            return st;
        }
    }
    return KT_OK;
}

kt_status kt_delta_parse_commit(const kt_delta_table *t, int64_t version, const uint8_t *data,
                                size_t len, const char *skip_kind, kt_delta_action_fn fn,
                                void *ctx, kt_error *err)
{
    kt_delta_parsed p = { 0 };
    kt_status st = kt_delta_parse_lines(t, version, data, len, skip_kind, &p, err);
    if (st == KT_OK) st = kt_delta_apply_parsed(t, &p, fn, ctx, err);
    kt_delta_parsed_free(&p);
    return st;
}

static kt_status write_all(int fd, const uint8_t *p, size_t n, const char *path, kt_error *err)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write", path);
        p += w;
        n -= (size_t)w;
    }
    return KT_OK;
}

static kt_status write_temp(const kt_delta_table *t, const kt_buf *data, char *tmp, size_t cap,
                            kt_error *err)
{
    char uuid[37];
    KT_TRY(kt_delta_uuid4(uuid, err));
    snprintf(tmp, cap, "%s/" KT_DELTA_TMP_PREFIX "%s" KT_DELTA_TMP_SUFFIX, t->log_dir, uuid);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
        KT_TRY(kt_delta_mkdirs(t->log_dir, err));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    }
    if (fd < 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: create", tmp);
    kt_status st = write_all(fd, data->data, data->len, tmp, err);
    if (st == KT_OK && !t->opts.no_fsync && fsync(fd) != 0)
        st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: fsync", tmp);
    if (close(fd) != 0 && st == KT_OK) st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: close", tmp);
    if (st != KT_OK) unlink(tmp);
    return st;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

kt_status kt_delta_stage_commit(const kt_delta_table *t, const kt_buf *data, char *tmp, size_t cap,
                                kt_error *err)
{
    return write_temp(t, data, tmp, cap, err);
}

kt_status kt_delta_link_commit(const kt_delta_table *t, const char *tmp, int64_t version, bool *lost,
                               kt_error *err)
{
    char final[KT_DELTA_PATH_MAX], name[32];
    *lost = false;
    kt_delta_commit_name(name, version);
    snprintf(final, sizeof final, "%s/%s", t->log_dir, name);
    if (link(tmp, final) == 0) return KT_OK;
    if (errno == EEXIST) {
        *lost = true;
        return KT_OK;
    }
    return kt_fail_errno(err, KT_ERR_IO, errno, "%s: link to %s", tmp, name);
}

void kt_delta_unstage_commit(const kt_delta_table *t, const char *tmp, bool committed)
{
    unlink(tmp);
    if (committed && !t->opts.no_fsync) fsync_dir(t->log_dir);
}

kt_status kt_delta_put_commit(const kt_delta_table *t, int64_t version, const kt_buf *data,
                              bool *lost, kt_error *err)
{
    char tmp[KT_DELTA_PATH_MAX];
    *lost = false;
    KT_TRY(kt_delta_stage_commit(t, data, tmp, sizeof tmp, err));
    kt_status st = kt_delta_link_commit(t, tmp, version, lost, err);
    kt_delta_unstage_commit(t, tmp, st == KT_OK && !*lost);
    return st;
}

kt_status kt_delta_commit_times(const kt_delta_table *t, size_t count, int64_t *times,
                                kt_error *err)
{
    int64_t ts = 0;
    for (size_t v = 0; v < count; v++) {
        char name[32], path[KT_DELTA_PATH_MAX];
        kt_delta_commit_name(name, (int64_t)v);
        snprintf(path, sizeof path, "%s/%s", t->log_dir, name);
        struct stat sb;
        if (stat(path, &sb) != 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: stat", path);
        int64_t mtime = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
        times[v] = ts = kt_delta_commit_time(mtime, ts, (int64_t)v);
    }
    return KT_OK;
}
