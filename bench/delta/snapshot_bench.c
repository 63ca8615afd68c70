/*
 * bench/delta_snapshot_bench.c — how long loading a Delta snapshot takes
 * as the log grows. For each size N it builds a table of N commits through
 * the public lake API (each commit appends FILES_PER_COMMIT files with
 * stats, as kinetl writes them; data files are empty placeholders since
 * replay never opens them), then times kt_delta_snapshot_load from a cold
 * handle (median of REPEATS), single-threaded and with replay threads
 * (one per CPU, 2..4), the CPU time of the single-threaded load, and an incremental
 * update by one commit.
 * Usage: delta_snapshot_bench OUT.json N1 N2 ...   (scratch under $TMPDIR)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lake/delta/delta.h"

#define FILES_PER_COMMIT 2
#define REPEATS 5
#define RUNS 64

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
           ru.ru_stime.tv_usec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const kt_delta_field fields[] = {
    { "run_uuid", KT_DELTA_STRING, false }, { "time", KT_DELTA_TIMESTAMP, false },
    { "robot_id", KT_DELTA_INTEGER, false }, { "field", KT_DELTA_STRING, false },
    { "value", KT_DELTA_DOUBLE, true },
};
static const char *const partition[] = { "run_uuid" };

static int die(const char *what, const kt_error *err)
{
    fprintf(stderr, "delta_snapshot_bench: %s: %s\n", what, err->msg);
    return 1;
}

/* Stats like the writer's for this schema (about 330 bytes). */
static void make_stats(char *out, size_t cap, long i)
{
    snprintf(out, cap, "{\"numRecords\":%ld,\"minValues\":{\"time\":\"2022-11-23T20:40:%02ld.001Z\","
             "\"robot_id\":1,\"field\":\"fx\",\"value\":-1234.5678},\"maxValues\":{\"time\":"
             "\"2022-11-23T20:50:%02ld.999Z\",\"robot_id\":2,\"field\":\"z\",\"value\":3456.789},"
             "\"nullCount\":{\"time\":0,\"robot_id\":0,\"field\":0,\"value\":0}}",
             100000 + i, i % 60, i % 60);
}

static int build(const char *dir, long commits, kt_error *err)
{
    kt_delta_options o = { .no_fsync = true };
    kt_delta_table *t;
    kt_delta_snapshot *s;
    if (kt_delta_open(dir, &o, &t, err) || kt_delta_create(t, fields, 5, partition, 1, NULL, err) ||
        kt_delta_snapshot_load(t, -1, &s, err))
        return die("create", err);
    char stats[512], rel[512], abs[1024], run[32];
    for (long c = 1; c < commits; c++) {
        kt_delta_txn *x;
        if (kt_delta_snapshot_update(s, err) || kt_delta_txn_begin(t, s, &x, err)) return die("begin", err);
        for (int f = 0; f < FILES_PER_COMMIT; f++) {
            snprintf(run, sizeof run, "%ld", 7582293080991470000L + (c * FILES_PER_COMMIT + f) % RUNS);
            const char *pv[1] = { run };
            make_stats(stats, sizeof stats, c);
            if (kt_delta_txn_new_file_path(x, pv, rel, sizeof rel, err)) return die("path", err);
            snprintf(abs, sizeof abs, "%s/%s", dir, rel);
            FILE *fp = fopen(abs, "w");
            if (!fp) return die("placeholder", err);
            fclose(fp);
            if (kt_delta_txn_add_file(x, rel, pv, stats, err)) return die("add", err);
        }
        if (kt_delta_txn_commit(x, NULL, err)) return die("commit", err);
        kt_delta_txn_free(x);
    }
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: delta_snapshot_bench OUT.json N...\n");
        return 2;
    }
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    FILE *out = fopen(argv[1], "w");
    if (!out) return 1;
    fprintf(out, "{\"benchmark\":\"delta_snapshot_load\",\"files_per_commit\":%d,\"points\":[",
            FILES_PER_COMMIT);
    printf("%10s %10s %10s %10s %10s %12s %10s %8s\n", "commits", "active", "load ms", "cpu ms",
           "us/commit", "threaded ms", "update ms", "build s");
    for (int a = 2; a < argc; a++) {
        long n = atol(argv[a]);
        char dir[512];
        snprintf(dir, sizeof dir, "%s/kt-delta-bench-%ld-%d", tmp, n, (int)getpid());
        kt_error err = { 0 };
        double b0 = now_ms();
        if (n < 2 || build(dir, n, &err)) return 1;
        double build_s = (now_ms() - b0) / 1e3;
        double times[REPEATS], cpus[REPEATS], threaded[REPEATS];
        size_t active = 0;
        kt_delta_snapshot *s = NULL;
        for (int r = 0; r < 2 * REPEATS; r++) {
            long cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
            int threads = cpus_online < 2 ? 2 : cpus_online > 4 ? 4 : (int)cpus_online;
            kt_delta_options o = { .replay_threads = r % 2 ? threads : 1 };
            kt_delta_table *t;
            double t0 = now_ms(), c0 = cpu_ms();
            if (kt_delta_open(dir, &o, &t, &err) || kt_delta_snapshot_load(t, -1, &s, &err))
                return die("load", &err);
            if (r % 2) threaded[r / 2] = now_ms() - t0;
            else times[r / 2] = now_ms() - t0, cpus[r / 2] = cpu_ms() - c0;
            active = kt_delta_snapshot_num_files(s);
            if (r < 2 * REPEATS - 1) kt_delta_snapshot_free(s);
            kt_delta_close(t);
        }
        qsort(times, REPEATS, sizeof *times, cmp_double);
        qsort(cpus, REPEATS, sizeof *cpus, cmp_double);
        qsort(threaded, REPEATS, sizeof *threaded, cmp_double);
        double load = times[REPEATS / 2], cpu = cpus[REPEATS / 2], load_t = threaded[REPEATS / 2];
        /* one more commit, then an incremental update */
        char cmd[1100];
        snprintf(cmd, sizeof cmd, "cp %s/_delta_log/%020ld.json %s/_delta_log/%020ld.json", dir,
                 n - 1, dir, n);
        double u0 = now_ms(), update = -1;
        if (system(cmd) == 0) {
            u0 = now_ms();
            if (kt_delta_snapshot_update(s, &err)) return die("update", &err);
            update = now_ms() - u0;
        }
        kt_delta_snapshot_free(s);
        printf("%10ld %10zu %10.1f %10.1f %10.2f %12.1f %10.3f %8.1f\n", n, active, load, cpu,
               load * 1e3 / n, load_t, update, build_s);
        fprintf(out, "%s{\"commits\":%ld,\"active_files\":%zu,\"load_ms\":%.2f,\"load_cpu_ms\":%.2f,"
                "\"us_per_commit\":%.3f,\"load_threaded_ms\":%.2f,\"update_one_commit_ms\":%.3f}",
                a > 2 ? "," : "", n, active, load, cpu, load * 1e3 / n, load_t, update);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(out, "],\"max_rss_mb\":%.1f}\n", ru.ru_maxrss / 1024.0);
    fclose(out);
    return 0;
}
