/*
 * tests/unit/delta_fixture.h — helpers shared by the Delta tests: scratch
 * directories, placeholder data files (opaque bytes: the log layer never
 * reads data files), hand-written commits for tables kinetl must refuse,
 * and setting commit times. Header-only so each test binary stays one file.
 */
#ifndef KT_TEST_DELTA_FIXTURE_H
#define KT_TEST_DELTA_FIXTURE_H

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lake/delta/delta.h"

static inline char *fx_tempdir(const char *tag)
{
    char tmpl[256];
    const char *base = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/kt-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void fx_rmrf(const char *dir)
{
    if (!dir || strncmp(dir, "/tmp/", 5) != 0) return;   /* guard against accidents */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static inline int fx_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* The whole file, NUL-terminated (malloc'd; NULL if unreadable); its size
 * in *len when len is not NULL. */
static inline char *fx_read_file_len(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    if (buf) buf[n] = 0;
    fclose(f);
    if (len) *len = (size_t)n;
    return buf;
}

static inline char *fx_read_file(const char *path)
{
    return fx_read_file_len(path, NULL);
}

static inline int fx_set_mtime(const char *path, int64_t ms)
{
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = ms / 1000;
    ts[0].tv_nsec = ts[1].tv_nsec = (ms % 1000) * 1000000;
    return utimensat(AT_FDCWD, path, ts, 0);
}

static inline void fx_commit_path(char *out, size_t cap, const char *table, int64_t v)
{
    snprintf(out, cap, "%s/_delta_log/%020lld.json", table, (long long)v);
}

/* Writes a commit file by hand (for tables kinetl did not write). */
static inline int fx_write_commit(const char *table, int64_t v, const char *lines)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/_delta_log", table);
    mkdir(table, 0777);
    mkdir(dir, 0777);
    fx_commit_path(path, sizeof path, table, v);
    return fx_write_file(path, lines);
}

/* Stages a placeholder data file holding `content` in the given partition. */
static inline kt_status fx_stage(kt_delta_txn *x, const char *table_dir, const char *partition,
                                 const char *content, const char *stats, char *rel_out,
                                 kt_error *err)
{
    const char *pv[1] = { partition };
    char rel[1024], abs[2048];
    kt_status st = kt_delta_txn_new_file_path(x, pv, rel, sizeof rel, err);
    if (st != KT_OK) return st;
    snprintf(abs, sizeof abs, "%s/%s", table_dir, rel);
    if (fx_write_file(abs, content) != 0) return kt_fail(err, KT_ERR_IO, "write %s", abs);
    if (rel_out) strcpy(rel_out, rel);
    return kt_delta_txn_add_file(x, rel, pv, stats, err);
}

/* The standard test schema: partitioned by run_uuid. */
static const kt_delta_field fx_fields[] = {
    { "run_uuid", KT_DELTA_STRING, true },   /* nullable: tests write the null partition */
    { "time", KT_DELTA_TIMESTAMP, false },
    { "value", KT_DELTA_DOUBLE, true },
};
static const char *const fx_partition[] = { "run_uuid" };

static inline kt_status fx_create(const char *dir, kt_delta_table **t, kt_error *err)
{
    kt_delta_options o = { .no_fsync = true };
    kt_status st = kt_delta_open(dir, &o, t, err);
    if (st == KT_OK) st = kt_delta_create(*t, fx_fields, 3, fx_partition, 1, NULL, err);
    return st;
}

#endif
