/*
 * pipeline/ingest_discover.c — recursive listing of *.parquet source files.
 */
#include "pipeline/ingest_discover.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_DEPTH 64

static bool is_parquet_name(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && strcasecmp(name + n - 8, ".parquet") == 0;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    size_t k = la;
    if (la && a[la - 1] != '/') s[k++] = '/';
    memcpy(s + k, b, lb + 1);
    return s;
}

static kt_status add(kt_source_list *l, char *path, char *rel, const struct stat *sb, kt_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        kt_source_file *f = realloc(l->files, cap * sizeof *f);
        if (!f) {
            free(path);
            free(rel);
            return kt_fail(err, KT_ERR_NOMEM, "discover: out of memory");
        }
        l->files = f;
        l->cap = cap;
    }
    l->files[l->n++] = (kt_source_file){ .path = path, .rel = rel, .size = (int64_t)sb->st_size,
                                         .mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec };
    return KT_OK;
}

static kt_status walk(const char *dir, const char *rel, int depth, kt_source_list *l, kt_error *err);

static kt_status visit(const char *dir, const char *rel, const char *name, int depth, kt_source_list *l,
                       kt_error *err)
{
    char *path = join(dir, name);
    char *child_rel = rel[0] ? join(rel, name) : strdup(name);
    if (!path || !child_rel) {
        free(path);
        free(child_rel);
        return kt_fail(err, KT_ERR_NOMEM, "discover: out of memory");
    }
    struct stat lsb, sb;
    kt_status st = KT_OK;
    if (lstat(path, &lsb) != 0 || stat(path, &sb) != 0) {
        /* vanished meanwhile, or a dangling link: not a source file */
    } else if (S_ISDIR(sb.st_mode)) {
        bool skip = S_ISLNK(lsb.st_mode) || !strcmp(name, "_delta_log") || !strcmp(name, "_kinetl");
        if (!skip) st = walk(path, child_rel, depth + 1, l, err);
    } else if (S_ISREG(sb.st_mode) && is_parquet_name(name)) {
        return add(l, path, child_rel, &sb, err);
    }
    free(path);
    free(child_rel);
    return st;
}

static kt_status walk(const char *dir, const char *rel, int depth, kt_source_list *l, kt_error *err)
{
    if (depth > MAX_DEPTH) return kt_fail(err, KT_ERR_USAGE, "%s: directories nested deeper than %d", dir, MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d) return kt_fail_errno(err, errno == ENOENT ? KT_ERR_NOT_FOUND : KT_ERR_IO, errno, "%s: cannot list", dir);
    kt_status st = KT_OK;
    struct dirent *e;
    while (st == KT_OK && (errno = 0, e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        st = visit(dir, rel, e->d_name, depth, l, err);
    }
    if (st == KT_OK && errno) st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: reading the directory", dir);
    closedir(d);
    return st;
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const kt_source_file *)a)->rel, ((const kt_source_file *)b)->rel);
}

kt_status kt_ingest_discover(const char *dir, kt_source_list *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(dir, &sb) != 0) return kt_fail_errno(err, KT_ERR_NOT_FOUND, errno, "%s: source directory", dir);
    if (!S_ISDIR(sb.st_mode)) return kt_fail(err, KT_ERR_USAGE, "%s: not a directory", dir);
    kt_status st = walk(dir, "", 0, out, err);
    if (st != KT_OK) {
        kt_source_list_free(out);
        return st;
    }
    if (out->n) qsort(out->files, out->n, sizeof *out->files, by_rel);
    return KT_OK;
}

void kt_source_list_free(kt_source_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->files[i].path);
        free(l->files[i].rel);
    }
    free(l->files);
    memset(l, 0, sizeof *l);
}
