/*
 * tests/run/resplit.c — re-deliver a source dataset differently, for the
 * order-independence property test: every row of every *.parquet below
 * SRC goes, in a random order, to one of K random files, and each file to
 * one of R delivery batches.
 *
 *   resplit SRC OUT K R SEED
 *   -> OUT/batch_<b>/part-<k>.parquet (b < R, k < K; a file may be empty
 *      of rows but is still written), one line per batch on stdout:
 *      "batch_<b> <files>"
 *
 * Columns are copied by name with their values exactly (time as text,
 * value DOUBLE, field, robot_id INT64, run_uuid DOUBLE, sensor_type),
 * nulls kept. Deterministic for a seed (xorshift64*).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/column.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"
#include "pipeline/ingest_discover.h"

#define NCOLS 6
static const kt_pq_field fields[NCOLS] = {
    { "time", KT_PQ_W_STRING, true },     { "value", KT_PQ_W_DOUBLE, true },
    { "field", KT_PQ_W_STRING, true },    { "robot_id", KT_PQ_W_INT64, true },
    { "run_uuid", KT_PQ_W_DOUBLE, true }, { "sensor_type", KT_PQ_W_STRING, true },
};

static uint64_t rng_state;
static uint64_t next_random(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static int die(const char *what, const kt_error *err)
{
    fprintf(stderr, "resplit: %s: %s\n", what, err ? err->msg : "");
    return 1;
}

/* Appends every row of one file to all[]. */
static int load(const char *path, kt_column *all)
{
    kt_error err;
    kt_pq_reader *r;
    if (kt_pq_open(path, &r, &err) != KT_OK) return die(path, &err);
    int idx[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        if ((idx[c] = kt_pq_find_column(r, fields[c].name)) < 0) return die(path, NULL);
    kt_column cols[NCOLS];
    for (int c = 0; c < NCOLS; c++) kt_column_init(&cols[c], all[c].type);
    int rc = 0;
    for (int g = 0; !rc && g < kt_pq_num_row_groups(r); g++) {
        if (kt_pq_read_row_group(r, g, idx, NCOLS, cols, &err) != KT_OK) {
            rc = die(path, &err);
            break;
        }
        for (int c = 0; !rc && c < NCOLS; c++) {
            if (cols[c].type != all[c].type) rc = die("unexpected column type", NULL);
            for (size_t i = 0; !rc && i < cols[c].len; i++)
                if (kt_column_push_from(&all[c], &cols[c], i) != KT_OK) rc = die("out of memory", NULL);
        }
    }
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    kt_pq_close(r);
    return rc;
}

static int write_file(const char *path, const kt_column *all, const size_t *rows, size_t n)
{
    kt_error err;
    kt_column cols[NCOLS];
    for (int c = 0; c < NCOLS; c++) kt_column_init(&cols[c], all[c].type);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        for (int c = 0; c < NCOLS; c++)
            if (kt_column_push_from(&cols[c], &all[c], rows[i]) != KT_OK) rc = die("out of memory", NULL);
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = KT_PQ_CODEC_SNAPPY;
    o.no_fsync = true;
    o.row_group_rows = 4096 + next_random() % 8192; /* several row groups, sizes vary */
    kt_pq_writer *w = NULL;
    if (!rc && (kt_pq_writer_open(path, fields, NCOLS, &o, &w, &err) != KT_OK ||
                (n && kt_pq_writer_write(w, cols, n, &err) != KT_OK) || kt_pq_writer_close(w, &err) != KT_OK))
        rc = die(path, &err);
    kt_pq_writer_free(w);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&cols[c]);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: resplit SRC OUT K R SEED\n");
        return 2;
    }
    size_t K = strtoull(argv[3], NULL, 10), R = strtoull(argv[4], NULL, 10);
    rng_state = strtoull(argv[5], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    if (!K || !R || K > 1000 || R > K) return die("K >= R >= 1 wanted", NULL);
    kt_error err;
    kt_source_list list;
    if (kt_ingest_discover(argv[1], &list, &err) != KT_OK) return die(argv[1], &err);
    kt_column all[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        kt_column_init(&all[c], fields[c].type == KT_PQ_W_STRING ? KT_BYTES
                                : fields[c].type == KT_PQ_W_DOUBLE ? KT_DOUBLE : KT_INT64);
    int rc = 0;
    for (size_t i = 0; !rc && i < list.n; i++) rc = load(list.files[i].path, all);
    size_t n = all[0].len;
    size_t *perm = malloc((n ? n : 1) * sizeof *perm), *part = malloc((n ? n : 1) * sizeof *part);
    size_t *file_of = malloc(n ? n * sizeof *file_of : 1), *batch_of = malloc(K * sizeof *batch_of);
    if (!perm || !part || !file_of || !batch_of) return die("out of memory", NULL);
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = next_random() % i, t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < n; i++) file_of[i] = next_random() % K;
    for (size_t k = 0; k < K; k++) batch_of[k] = k < R ? k : next_random() % R; /* no batch is empty */
    if (mkdir(argv[2], 0755) != 0) return die("cannot create OUT (must not exist)", NULL);
    for (size_t b = 0; !rc && b < R; b++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/batch_%zu", argv[2], b);
        mkdir(dir, 0755);
        size_t files = 0;
        for (size_t k = 0; !rc && k < K; k++) {
            if (batch_of[k] != b) continue;
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (file_of[i] == k) part[m++] = perm[i];
            char path[4200];
            snprintf(path, sizeof path, "%s/part-%03zu.parquet", dir, k);
            rc = write_file(path, all, part, m);
            files++;
        }
        printf("batch_%zu %zu\n", b, files);
    }
    free(perm);
    free(part);
    free(file_of);
    free(batch_of);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&all[c]);
    kt_source_list_free(&list);
    return rc;
}
