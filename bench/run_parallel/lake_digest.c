/*
 * bench/run_parallel/lake_digest.c — an order-independent digest of a
 * Delta table's current contents, for the parallel-run benchmark (the
 * -j 1 and -j 2 lakes must agree): two tables holding the same multiset
 * of rows (in any files, any order) print the same line.
 *
 *   lake_digest LAKE TABLE [COLUMN_TO_EXCLUDE ...]
 *   -> "TABLE rows=N digest=HEX"  (exit 0), or an error line (exit 1)
 *
 * Each row is hashed over its columns in schema order (name, null flag and
 * exact value bytes; partition values as their text); the digest is the
 * sum mod 2^64 of the row hashes under two seeds, which is a multiset hash.
 * Compiled by bench/run_parallel/run.sh against build/libkinetl.a; it
 * reads the table through kinetl's Delta snapshot and Parquet reader
 * directly (quicker than `kinetl cat` on benchmark-sized tables).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/column.h"
#include "core/hash.h"
#include "format/parquet/reader.h"
#include "lake/delta/delta.h"

#define MAX_COLS 128

typedef struct digest {
    uint64_t a, b;
    int64_t rows;
} digest;

typedef struct layout {
    const char *name[MAX_COLS];
    int part_index[MAX_COLS]; /* >= 0: a partition column (index into partition_values) */
    size_t n;
} layout;

static bool excluded(const char *name, char **ex, int nex)
{
    for (int i = 0; i < nex; i++)
        if (!strcmp(name, ex[i])) return true;
    return false;
}

static void put(kt_hasher *h, const void *p, size_t n)
{
    kt_hasher_update(h, p, n);
}

static void hash_cell(kt_hasher *h, const kt_column *c, size_t row)
{
    uint8_t valid = kt_column_is_valid(c, row);
    put(h, &valid, 1);
    if (!valid) return;
    if (c->type == KT_BYTES) {
        size_t len;
        const char *s = kt_column_bytes_at(c, row, &len);
        uint64_t l = len;
        put(h, &l, sizeof l);
        put(h, s, len);
    } else {
        put(h, (const char *)c->values + row * kt_type_width(c->type), kt_type_width(c->type));
    }
}

static int digest_file(const char *dir, const kt_delta_file *f, const layout *L, digest *d)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    kt_error err;
    kt_pq_reader *r;
    if (kt_pq_open(path, &r, &err) != KT_OK) {
        fprintf(stderr, "lake_digest: %s\n", err.msg);
        return 1;
    }
    int idx[MAX_COLS], nidx = 0, map[MAX_COLS];
    for (size_t i = 0; i < L->n; i++) {
        map[i] = -1;
        if (L->part_index[i] >= 0) continue;
        int c = kt_pq_find_column(r, L->name[i]);
        if (c < 0) {
            fprintf(stderr, "lake_digest: %s lacks column %s\n", path, L->name[i]);
            kt_pq_close(r);
            return 1;
        }
        map[i] = nidx;
        idx[nidx++] = c;
    }
    kt_column cols[MAX_COLS];
    for (int i = 0; i < nidx; i++) kt_column_init(&cols[i], KT_INT64);
    int rc = 0;
    for (int g = 0; !rc && g < kt_pq_num_row_groups(r); g++) {
        if (kt_pq_read_row_group(r, g, idx, nidx, cols, &err) != KT_OK) {
            fprintf(stderr, "lake_digest: %s\n", err.msg);
            rc = 1;
            break;
        }
        size_t rows = (size_t)kt_pq_row_group_rows(r, g);
        for (size_t row = 0; row < rows; row++) {
            kt_hasher *h = kt_hasher_new(0);
            for (size_t i = 0; i < L->n; i++) {
                put(h, L->name[i], strlen(L->name[i]) + 1);
                if (L->part_index[i] >= 0) {
                    const char *v = f->partition_values[L->part_index[i]];
                    uint8_t present = v != NULL;
                    put(h, &present, 1);
                    if (v) put(h, v, strlen(v) + 1);
                } else {
                    hash_cell(h, &cols[map[i]], row);
                }
            }
            uint64_t x = kt_hasher_digest(h);
            kt_hasher_free(h);
            d->a += x;
            d->b += x * 0x9E3779B97F4A7C15ull ^ (x >> 29);
            d->rows++;
        }
    }
    for (int i = 0; i < nidx; i++) kt_column_free(&cols[i]);
    kt_pq_close(r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: lake_digest LAKE TABLE [EXCLUDED_COLUMN ...]\n");
        return 2;
    }
    kt_error err;
    kt_delta_table *t;
    kt_delta_snapshot *s;
    if (kt_delta_open_in_lake(argv[1], argv[2], NULL, &t, &err) != KT_OK ||
        kt_delta_snapshot_load(t, -1, &s, &err) != KT_OK) {
        fprintf(stderr, "lake_digest: %s\n", err.msg);
        return 1;
    }
    layout L = { .n = 0 };
    for (size_t i = 0; i < kt_delta_snapshot_num_fields(s) && L.n < MAX_COLS; i++) {
        const char *name = kt_delta_snapshot_field(s, i)->name;
        if (excluded(name, argv + 3, argc - 3)) continue;
        L.name[L.n] = name;
        L.part_index[L.n] = -1;
        for (size_t p = 0; p < kt_delta_snapshot_num_partition_columns(s); p++)
            if (!strcmp(kt_delta_snapshot_partition_column(s, p), name)) L.part_index[L.n] = (int)p;
        L.n++;
    }
    digest d = { 0, 0, 0 };
    int rc = 0;
    for (size_t i = 0; !rc && i < kt_delta_snapshot_num_files(s); i++)
        rc = digest_file(kt_delta_dir(t), kt_delta_snapshot_file(s, i), &L, &d);
    if (!rc) printf("%s rows=%" PRId64 " digest=%016" PRIx64 "%016" PRIx64 "\n", argv[2], d.rows, d.a, d.b);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    return rc;
}
