/*
 * gen/gen.c — `kinetl gen` as a library call: prepare the output
 * directory, build the model, write the files, the manifest and the truth.
 */
#include "gen/gen.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen/anomaly.h"
#include "gen/emit.h"
#include "gen/manifest.h"
#include "gen/sink.h"
#include "gen/truth.h"

#define MANIFEST_NAME "_anomalies.json"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static kt_status mkdir_p(const char *dir, kt_error *err)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (!n || n >= sizeof buf) return kt_fail(err, KT_ERR_USAGE, "output directory name is empty or too long");
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != 0) continue;
        char c = buf[i];
        buf[i] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot create directory", buf);
        buf[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return kt_fail(err, KT_ERR_IO, "%s: not a directory", dir);
    return KT_OK;
}

/* The output must be new or empty, unless forced: stale files from another seed would mix in. */
static kt_status prepare_dir(const char *dir, bool force, kt_error *err)
{
    KT_TRY(mkdir_p(dir, err));
    if (force) return KT_OK;
    DIR *d = opendir(dir);
    if (!d) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot list", dir);
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = false;
    closedir(d);
    if (!empty)
        return kt_fail(err, KT_ERR_USAGE, "%s: directory is not empty (use --force to write into it)", dir);
    return KT_OK;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

kt_status kt_gen_generate(const kt_gen_options *opts, kt_gen_result *res, kt_error *err)
{
    double t0 = now_s();
    memset(res, 0, sizeof *res);
    if (!opts->out_dir) return kt_fail(err, KT_ERR_USAGE, "no output directory");
    kt_gen_model m;
    KT_TRY(kt_gen_build_model(opts, &m, err));
    kt_status s = prepare_dir(opts->out_dir, opts->force, err);
    int njobs = kt_gen_num_jobs(&m);
    int64_t *rows = s == KT_OK ? calloc((size_t)njobs, sizeof *rows) : NULL;
    if (s == KT_OK && !rows) s = kt_fail(err, KT_ERR_NOMEM, "gen: out of memory");
    if (s == KT_OK) {
        kt_gen_parquet_sink ctx = { .dir = opts->out_dir, .row_group_rows = opts->row_group_rows
                                                                                ? opts->row_group_rows : 262144 };
        kt_gen_sink sink;
        kt_gen_parquet_sink_init(&sink, &ctx);
        s = kt_gen_emit(&m, &sink, opts->threads ? opts->threads : default_threads(), opts->window_rows,
                        rows, err);
    }
    if (s == KT_OK) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", opts->out_dir, MANIFEST_NAME);
        s = kt_gen_write_manifest(&m, rows, path, err);
    }
    if (s == KT_OK && opts->truth_path) s = kt_gen_write_truth_json(&m, opts->truth_path, err);
    if (s == KT_OK && opts->truth_samples_path) s = kt_gen_write_truth_samples(&m, opts->truth_samples_path, err);
    if (s == KT_OK) {
        for (int j = 0; j < njobs; j++) {
            res->rows += rows[j];
            res->files += rows[j] > 0;
        }
        res->runs = m.nruns;
        for (size_t i = 0; i < m.nanomalies; i++)
            res->anomalies += m.anomalies[i].kind != KT_GEN_A_DUPLICATE_ORIGINAL;
        res->seconds = now_s() - t0;
    }
    free(rows);
    kt_gen_model_free(&m);
    return s;
}
