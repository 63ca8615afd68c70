/*
 * pipeline/raw_runs.c — grouping raw's active files by run (the run_uuid
 * partition value) and fingerprinting a run's files.
 */
#include "pipeline/raw_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "pipeline/process_tables.h"

static kt_status partition_index(const kt_delta_snapshot *raw, size_t *col, kt_error *err)
{
    for (size_t c = 0; c < kt_delta_snapshot_num_partition_columns(raw); c++)
        if (strcmp(kt_delta_snapshot_partition_column(raw, c), KT_PROCESS_PARTITION_COLUMN) == 0) {
            *col = c;
            return KT_OK;
        }
    return kt_fail(err, KT_ERR_FORMAT, "raw: table is not partitioned by %s",
                   KT_PROCESS_PARTITION_COLUMN);
}

static const char *run_of(const kt_delta_file *f, size_t col)
{
    const char *v = f->partition_values[col];
    return v && v[0] ? v : NULL;   /* ingest never writes a null run; skip one if present */
}

typedef struct keyed_file {
    const char *run;
    const kt_delta_file *file;
} keyed_file;

static int by_run_then_path(const void *a, const void *b)
{
    const keyed_file *x = a, *y = b;
    int c = strcmp(x->run, y->run);
    return c ? c : strcmp(x->file->path, y->file->path);
}

static void add_file(kt_raw_run *r, const kt_delta_file *f)
{
    if (r->nfiles == 0) {
        r->records = 0;
        r->bytes = 0;
        r->max_add_version = -1;
    }
    r->files[r->nfiles++] = f;
    if (f->num_records < 0 || r->records < 0) r->records = -1;
    else r->records += f->num_records;
    r->bytes += f->size;
    if (f->version > r->max_add_version) r->max_add_version = f->version;
}

kt_status kt_raw_runs_list(const kt_delta_snapshot *raw, kt_raw_runs *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    size_t col;
    KT_TRY(partition_index(raw, &col, err));
    size_t n = kt_delta_snapshot_num_files(raw), m = 0;
    keyed_file *k = malloc((n ? n : 1) * sizeof *k);
    out->file_slots = malloc((n ? n : 1) * sizeof *out->file_slots);
    out->runs = malloc((n ? n : 1) * sizeof *out->runs);
    if (!k || !out->file_slots || !out->runs) {
        free(k);
        kt_raw_runs_free(out);
        return kt_fail(err, KT_ERR_NOMEM, "raw: listing runs of %zu files", n);
    }
    for (size_t i = 0; i < n; i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(raw, i);
        if (run_of(f, col)) k[m++] = (keyed_file){ run_of(f, col), f };
    }
    qsort(k, m, sizeof *k, by_run_then_path);
    for (size_t i = 0; i < m; i++) {
        if (i == 0 || strcmp(k[i].run, k[i - 1].run) != 0)
            out->runs[out->count++] = (kt_raw_run){ .run_uuid = k[i].run, .files = out->file_slots + i };
        add_file(&out->runs[out->count - 1], k[i].file);
    }
    free(k);
    return KT_OK;
}

void kt_raw_runs_free(kt_raw_runs *r)
{
    free(r->runs);
    free(r->file_slots);
    memset(r, 0, sizeof *r);
}

const kt_raw_run *kt_raw_runs_find(const kt_raw_runs *r, const char *run_uuid)
{
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->runs[mid].run_uuid, run_uuid);
        if (c == 0) return &r->runs[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

kt_status kt_raw_run_get(const kt_delta_snapshot *raw, const char *run_uuid, kt_raw_run *out,
                         bool *found, kt_error *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    size_t col, n = kt_delta_snapshot_num_files(raw), m = 0;
    KT_TRY(partition_index(raw, &col, err));
    for (size_t i = 0; i < n; i++) {
        const char *r = run_of(kt_delta_snapshot_file(raw, i), col);
        m += r && strcmp(r, run_uuid) == 0;
    }
    if (m == 0) return KT_OK;
    out->files = malloc(m * sizeof *out->files);
    if (!out->files) return kt_fail(err, KT_ERR_NOMEM, "raw: run %s: %zu files", run_uuid, m);
    out->run_uuid = run_uuid;
    for (size_t i = 0; i < n; i++) {   /* snapshot files are in path order already */
        const kt_delta_file *f = kt_delta_snapshot_file(raw, i);
        const char *r = run_of(f, col);
        if (r && strcmp(r, run_uuid) == 0) add_file(out, f);
    }
    *found = true;
    return KT_OK;
}

void kt_raw_run_release(kt_raw_run *run)
{
    free((void *)run->files);
    memset(run, 0, sizeof *run);
}

void kt_raw_run_files_fingerprint(const kt_raw_run *run, char out[KT_FINGERPRINT_HEX])
{
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_128bits_reset(&st);
    for (size_t i = 0; i < run->nfiles; i++) {
        const kt_delta_file *f = run->files[i];
        int64_t size = f->size;
        XXH3_128bits_update(&st, f->path, strlen(f->path) + 1);   /* NUL separates */
        XXH3_128bits_update(&st, &size, sizeof size);
    }
    XXH128_hash_t h = XXH3_128bits_digest(&st);
    snprintf(out, KT_FINGERPRINT_HEX, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}

kt_status kt_process_run_fingerprint(const kt_delta_snapshot *raw, const char *run_uuid,
                                     char out[KT_FINGERPRINT_HEX], kt_error *err)
{
    kt_raw_run run;
    bool found;
    KT_TRY(kt_raw_run_get(raw, run_uuid, &run, &found, err));
    if (!found) return kt_fail(err, KT_ERR_NOT_FOUND, "run %s has no readings in raw", run_uuid);
    kt_raw_run_files_fingerprint(&run, out);
    kt_raw_run_release(&run);
    return KT_OK;
}
