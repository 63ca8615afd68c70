/*
 * tests/parquet/bench_writer.c — write-speed benchmark for the Parquet
 * writer (not part of `make test`). Builds 10M rows of the source schema
 * (time STRING, value DOUBLE, field STRING, robot_id INT64, run_uuid
 * DOUBLE, sensor_type STRING) or a 30-DOUBLE-column table in memory,
 * then times writing them.
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc tests/parquet/bench_writer.c build/libkinetl.a \
 *      -lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -lxxhash -lm -o /tmp/bench_writer
 *   /tmp/bench_writer OUT.parquet [source|wide] [zstd|snappy|none] [rows]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/parquet/writer.h"

enum { BATCH = 65536 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* "2022-11-23T20:40:00.444Z" with trailing zeros of the fraction trimmed. */
static int format_time(char *buf, int64_t ms)
{
    int64_t s = ms / 1000, frac = ms % 1000;
    int h = (int)(s / 3600 % 24), m = (int)(s / 60 % 60), sec = (int)(s % 60);
    int n = snprintf(buf, 40, "2022-11-23T%02d:%02d:%02d", h, m, sec);
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, "%03d", (int)frac);
        int len = 3;
        while (f[len - 1] == '0') len--;
        n += snprintf(buf + n, 40 - (size_t)n, ".%.*s", len, f);
    }
    buf[n++] = 'Z';
    buf[n] = 0;
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    const char *kind = argc > 2 ? argv[2] : "source";
    const char *codec = argc > 3 ? argv[3] : "zstd";
    long rows = argc > 4 ? atol(argv[4]) : 10000000;
    bool wide = strcmp(kind, "wide") == 0;
    size_t ncols = wide ? 30 : 6;
    kt_pq_field fields[30];
    char names[30][8];
    static const char *fields6[] = { "x", "y", "z", "fx", "fy", "fz" };
    static const char *sensor[] = { "encoder", "load_cell" };
    static const double runs[] = { 7.58229308099147e18, 1.2405186538561671e19, 3.1e18, 5.5e18 };
    if (wide) {
        for (int c = 0; c < 30; c++) {
            snprintf(names[c], sizeof names[c], "c%d", c);
            fields[c] = (kt_pq_field){ names[c], KT_PQ_W_DOUBLE, false };
        }
    } else {
        kt_pq_field src[] = { { "time", KT_PQ_W_STRING, false }, { "value", KT_PQ_W_DOUBLE, false },
                              { "field", KT_PQ_W_STRING, false }, { "robot_id", KT_PQ_W_INT64, false },
                              { "run_uuid", KT_PQ_W_DOUBLE, false }, { "sensor_type", KT_PQ_W_STRING, false } };
        memcpy(fields, src, sizeof src);
    }
    size_t nbatches = (size_t)(rows + BATCH - 1) / BATCH;
    kt_column(*batches)[30] = calloc(nbatches, sizeof *batches);
    uint64_t seed = 88172645463325252ull;
    double walk = 1000;
    for (size_t b = 0; b < nbatches; b++) {
        size_t n = b + 1 < nbatches ? BATCH : (size_t)(rows - (long)b * BATCH);
        for (size_t c = 0; c < ncols; c++)
            kt_column_init(&batches[b][c], fields[c].type == KT_PQ_W_STRING ? KT_BYTES :
                                          fields[c].type == KT_PQ_W_DOUBLE ? KT_DOUBLE : KT_INT64);
        for (size_t r = 0; r < n; r++) {
            int64_t i = (int64_t)(b * BATCH + r);
            uint64_t x = rng(&seed);
            walk += (double)(x % 2001) / 1000.0 - 1.0;
            if (wide) {
                for (size_t c = 0; c < 30; c++) kt_column_push_double(&batches[b][c], walk + (double)c * 0.25);
                continue;
            }
            char t[40];
            int tl = format_time(t, 74400000 + i * 10 / 6 + (int64_t)(x >> 60));
            int f = (int)((x >> 8) % 6);
            kt_column_push_bytes(&batches[b][0], t, (size_t)tl);
            kt_column_push_double(&batches[b][1], walk);
            kt_column_push_bytes(&batches[b][2], fields6[f], strlen(fields6[f]));
            kt_column_push_i64(&batches[b][3], 1 + (int64_t)((x >> 20) & 1));
            kt_column_push_double(&batches[b][4], runs[i / 2600000 % 4]);
            kt_column_push_bytes(&batches[b][5], sensor[f >= 3], strlen(sensor[f >= 3]));
        }
    }
    fprintf(stderr, "generated\n");
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = strcmp(codec, "snappy") == 0 ? KT_PQ_CODEC_SNAPPY
              : strcmp(codec, "none") == 0 ? KT_PQ_CODEC_UNCOMPRESSED : KT_PQ_CODEC_ZSTD;
    o.no_fsync = getenv("NO_FSYNC") != NULL;
    kt_error err = { 0 };
    kt_pq_writer *w;
    for (int rep = getenv("REPEAT") ? atoi(getenv("REPEAT")) : 0; rep > 0; rep--) {
        kt_pq_writer_open(argv[1], fields, ncols, &o, &w, &err);
        for (size_t b = 0; b < nbatches; b++) kt_pq_writer_write(w, batches[b], batches[b][0].len, &err);
        kt_pq_writer_close(w, &err);
        kt_pq_writer_free(w);
    }
    double t0 = now(), c0 = cpu();
    kt_status s = kt_pq_writer_open(argv[1], fields, ncols, &o, &w, &err);
    for (size_t b = 0; b < nbatches && s == KT_OK; b++)
        s = kt_pq_writer_write(w, batches[b], batches[b][0].len, &err);
    if (s == KT_OK) s = kt_pq_writer_close(w, &err);
    double t1 = now(), c1 = cpu();
    if (s != KT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double mb = (double)kt_pq_writer_file_size(w) / 1e6;
    printf("%s %s rows=%ld cpu=%.3fs time=%.3fs rows/s=%.0f file=%.1fMB (%.1f MB/s of output)\n", kind, codec, rows,
           c1 - c0, t1 - t0, (double)rows / (t1 - t0), mb, mb / (t1 - t0));
    kt_pq_writer_free(w);
    return 0;
}
