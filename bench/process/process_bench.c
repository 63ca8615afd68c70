/*
 * bench/process/process_bench.c — per-run processing throughput on an
 * ingested lake: every run of raw processed by one context on one thread
 * (kt_process_run), repeated; prints one JSON object with the best repeat's
 * CPU and wall seconds split into read (raw -> readings), transform and
 * write (three Delta commits), readings/s, rows, memory per run, peak RSS.
 * Memory per run: the heap high-water mark while the run is processed,
 * counted by a malloc replacement (tests/unit/heap_peak.h: every
 * allocation, zstd's and the writer's included), above what the context
 * held before its first run, over the run's decoded readings (24 B each);
 * the worst run of the best repeat. Also the context's own accounting.
 *
 * usage: process_bench LAKE [--repeat N] [--align union|grid:10ms]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tests/unit/heap_peak.h"
#include "pipeline/process_run.h"

typedef struct totals {
    double read_cpu, transform_cpu, write_cpu, read_wall, transform_wall, write_wall;
    long long readings, rows;
    double worst_ratio;    /* max over runs of the heap peak / decoded readings */
    double worst_accounted; /* max over runs and phases of the context's accounted bytes / decoded */
} totals;

static double max_d(double a, double b)
{
    return a > b ? a : b;
}

static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kib;
}

/* baseline: heap live once the context was opened, before any run */
static int one_pass(kt_process_ctx *ctx, char **runs, size_t n, const kt_transform_config *cfg, long long baseline,
                    totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        kt_process_result r;
        kt_error err = { 0 };
        heap_peak_reset();
        kt_status st = kt_process_run(ctx, runs[i], cfg, &r, &err);
        double peak = (double)(heap_peak_bytes() - baseline);
        if (st != KT_OK) {
            fprintf(stderr, "process_bench: %s\n", err.msg);
            return 1;
        }
        t->read_cpu += r.read_cpu_s;
        t->transform_cpu += r.transform_cpu_s;
        t->write_cpu += r.write_cpu_s;
        t->read_wall += r.read_s;
        t->transform_wall += r.transform_s;
        t->write_wall += r.write_s;
        t->readings += r.readings;
        t->rows += r.rows;
        double decoded = (double)r.readings * sizeof(kt_reading);
        double held = (double)r.readings_bytes +
                      max_d((double)r.reader_peak_bytes, (double)(r.scratch_bytes + r.output_bytes));
        if (decoded > 0) {
            t->worst_ratio = max_d(t->worst_ratio, peak / decoded);
            t->worst_accounted = max_d(t->worst_accounted, held / decoded);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: process_bench LAKE [--repeat N] [--align union|grid:10ms]\n");
        return 2;
    }
    int repeat = 3;
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_error err = { 0 };
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--align") && kt_transform_config_set(&cfg, "align", argv[i + 1], &err) != KT_OK) {
            fprintf(stderr, "process_bench: %s\n", err.msg);
            return 2;
        }
    }
    kt_process_options o = { 0 };
    kt_process_ctx *ctx;
    char **runs = NULL;
    size_t n = 0;
    if (kt_process_ctx_new(argv[1], &o, &ctx, &err) != KT_OK || kt_process_list_runs(ctx, &runs, &n, &err) != KT_OK) {
        fprintf(stderr, "process_bench: %s\n", err.msg);
        return 1;
    }
    long long baseline = heap_peak_live();
    totals best = { 0 }, t;
    for (int k = 0; k < (repeat > 0 ? repeat : 1); k++) {
        if (one_pass(ctx, runs, n, &cfg, baseline, &t)) return 1;
        double total = t.read_cpu + t.transform_cpu + t.write_cpu;
        if (k == 0 || total < best.read_cpu + best.transform_cpu + best.write_cpu) best = t;
    }
    double total = best.read_cpu + best.transform_cpu + best.write_cpu;
    printf("{\"runs\": %zu, \"readings\": %lld, \"rows\": %lld, \"repeat\": %d,\n"
           " \"cpu_s\": {\"read\": %.4f, \"transform\": %.4f, \"write\": %.4f, \"total\": %.4f},\n"
           " \"wall_s\": {\"read\": %.4f, \"transform\": %.4f, \"write\": %.4f},\n"
           " \"readings_per_cpu_s\": {\"read\": %.0f, \"transform\": %.0f, \"total\": %.0f},\n"
           " \"memory_per_run_ratio\": %.3f, \"memory_per_run_accounted_ratio\": %.3f, \"peak_rss_kib\": %ld}\n",
           n, best.readings, best.rows, repeat, best.read_cpu, best.transform_cpu, best.write_cpu, total,
           best.read_wall, best.transform_wall, best.write_wall, best.readings / best.read_cpu,
           best.readings / best.transform_cpu, best.readings / total, best.worst_ratio, best.worst_accounted,
           peak_rss_kib());
    kt_process_free_runs(runs, n);
    kt_process_ctx_free(ctx);
    return 0;
}
