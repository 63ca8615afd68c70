/*
 * pipeline/raw_load.c — one run's raw files to kt_readings: projection,
 * type checks, per-value validation, unit conversion and the content
 * fingerprint (a sum of per-reading 128-bit hashes: order-independent).
 */
#include "pipeline/raw_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "format/parquet/reader.h"
#include "pipeline/channels.h"
#include "pipeline/code_classes.h"

enum { COL_TIME, COL_ROBOT, COL_FIELD, COL_VALUE, NCOLS };
static const char *const col_names[NCOLS] = { "time", "robot_id", "field", "value" };

struct kt_raw_loader {
    kt_reading *readings;
    size_t cap;
    kt_column cols[NCOLS];
    kt_code_classes field_of_code; /* the row group's `field` dictionary, classified once */
    uint64_t sum_lo, sum_hi; /* fingerprint lanes */
};

kt_raw_loader *kt_raw_loader_new(void)
{
    return calloc(1, sizeof(kt_raw_loader));
}

void kt_raw_loader_free(kt_raw_loader *l)
{
    if (!l) return;
    free(l->readings);
    kt_code_classes_free(&l->field_of_code);
    for (int c = 0; c < NCOLS; c++) kt_column_free(&l->cols[c]);
    free(l);
}

kt_reading *kt_raw_loader_buffer(kt_raw_loader *l, size_t *bytes)
{
    *bytes = l->readings ? l->cap * sizeof *l->readings : 0;
    return l->readings;
}

/* Room for `need` readings in total; keeps the array unless far too big. */
static kt_status reserve(kt_raw_loader *l, size_t need, size_t keep, size_t max, const char *run,
                         kt_error *err)
{
    if (max && need > max)
        return kt_fail(err, KT_ERR_NOMEM, "raw: run %s has more than %zu readings (the limit)", run, max);
    if (need <= l->cap && (keep || l->cap <= 4 * need + 65536)) return KT_OK;
    if (need > SIZE_MAX / sizeof(kt_reading))
        return kt_fail(err, KT_ERR_NOMEM, "raw: run %s: %zu readings overflow memory", run, need);
    kt_reading *r = realloc(keep ? l->readings : NULL, (need ? need : 1) * sizeof *r);
    if (!r) return kt_fail(err, KT_ERR_NOMEM, "raw: run %s: cannot hold %zu readings", run, need);
    if (!keep) free(l->readings);
    l->readings = r;
    l->cap = need;
    return KT_OK;
}

static size_t column_bytes(const kt_column *c)
{
    size_t b = c->cap * kt_type_width(c->type) + (c->valid ? c->cap : 0) + c->bytes_cap;
    if (c->offsets) b += (c->cap + 1) * sizeof(int64_t);
    return b;
}

typedef struct file_cols {
    int index[NCOLS];
    int64_t time_mul, time_div; /* to µs */
} file_cols;

static kt_status bad_type(const kt_pq_reader *r, const char *col, const char *want, kt_error *err)
{
    return kt_fail(err, KT_ERR_FORMAT, "%s: raw column '%s' is not %s", kt_pq_path(r), col, want);
}

static kt_status resolve_columns(const kt_pq_reader *r, file_cols *fc, kt_error *err)
{
    for (int c = 0; c < NCOLS; c++) {
        fc->index[c] = kt_pq_find_column(r, col_names[c]);
        if (fc->index[c] < 0)
            return kt_fail(err, KT_ERR_FORMAT, "%s: raw file has no column '%s'", kt_pq_path(r),
                           col_names[c]);
    }
    const kt_pq_column_info *t = kt_pq_column(r, fc->index[COL_TIME]);
    if (t->value_type != KT_INT64 || !t->is_timestamp) return bad_type(r, "time", "a timestamp", err);
    fc->time_mul = t->unit == KT_PQ_UNIT_MILLIS ? 1000 : 1;
    fc->time_div = t->unit == KT_PQ_UNIT_NANOS ? 1000 : 1;
    kt_type robot = kt_pq_column(r, fc->index[COL_ROBOT])->value_type;
    if (robot != KT_INT32 && robot != KT_INT64) return bad_type(r, "robot_id", "an integer", err);
    if (kt_pq_column(r, fc->index[COL_FIELD])->value_type != KT_BYTES)
        return bad_type(r, "field", "a string", err);
    kt_type value = kt_pq_column(r, fc->index[COL_VALUE])->value_type;
    if (value != KT_DOUBLE && value != KT_FLOAT) return bad_type(r, "value", "a floating-point number", err);
    return KT_OK;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

typedef struct where {
    const char *path;
    int row_group;
} where;

static kt_status bad_row(const where *w, int col, size_t row, const char *what, kt_error *err)
{
    return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d, column '%s', row %zu: %s", w->path,
                   w->row_group, col_names[col], row, what);
}

/* `field` of the row group in hand: dictionary codes classified once (fields
 * non-NULL, ncodes entries, -1 = not a field name), or strings parsed per row. */
typedef struct field_lookup {
    const int8_t *fields;
    size_t ncodes;
} field_lookup;

static bool field_at(const kt_column *col, const field_lookup *fl, size_t i, kt_field *field)
{
    if (fl->fields) {
        int32_t code = KT_COL_I32(col)[i];
        if (code < 0 || (size_t)code >= fl->ncodes || fl->fields[code] < 0) return false;
        *field = (kt_field)fl->fields[code];
        return true;
    }
    size_t len;
    const char *name = kt_column_bytes_at(col, i, &len);
    return kt_field_parse(name, len, field);
}

static kt_status field_class(void *ctx, const char *name, size_t len, int *cls)
{
    (void)ctx;
    kt_field f;
    *cls = kt_field_parse(name, len, &f) ? (int)f : -1;
    return KT_OK;
}

/* Raw files are written dictionary-encoded: six names classified per row
 * group instead of a string copied and compared per reading. */
static kt_status classify_field_codes(kt_raw_loader *l, const kt_pq_reader *r, field_lookup *fl, kt_error *err)
{
    const kt_column *dict = kt_pq_dictionary(r, COL_FIELD);
    *fl = (field_lookup){ NULL, 0 };
    if (!dict) return KT_OK;
    if (kt_code_classes_fill(&l->field_of_code, dict, field_class, NULL) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory for the field dictionary", kt_pq_path(r));
    *fl = (field_lookup){ l->field_of_code.of, dict->len };
    return KT_OK;
}

static kt_status convert_row(const kt_column *cols, const file_cols *fc, const field_lookup *fl, size_t i,
                             const where *w, kt_reading *out, kt_error *err)
{
    for (int c = 0; c < NCOLS; c++)
        if (!kt_column_is_valid(&cols[c], i)) return bad_row(w, c, i, "null", err);
    int64_t t = KT_COL_I64(&cols[COL_TIME])[i];
    if (fc->time_mul > 1) t = (t > INT64_MAX / 1000 || t < INT64_MIN / 1000) ? INT64_MAX : t * 1000;
    if (fc->time_div > 1) t = floor_div(t, fc->time_div);
    if (t < KT_TIME_MIN_US || t > KT_TIME_MAX_US) return bad_row(w, COL_TIME, i, "outside years 0001..9999", err);
    int64_t robot = cols[COL_ROBOT].type == KT_INT32 ? KT_COL_I32(&cols[COL_ROBOT])[i]
                                                      : KT_COL_I64(&cols[COL_ROBOT])[i];
    if (robot != 1 && robot != 2) return bad_row(w, COL_ROBOT, i, "not 1 or 2", err);
    kt_field field;
    if (!field_at(&cols[COL_FIELD], fl, i, &field)) return bad_row(w, COL_FIELD, i, "not one of fx fy fz x y z", err);
    double v = cols[COL_VALUE].type == KT_DOUBLE ? KT_COL_DOUBLE(&cols[COL_VALUE])[i]
                                                 : (double)KT_COL_FLOAT(&cols[COL_VALUE])[i];
    if (!isfinite(v)) return bad_row(w, COL_VALUE, i, "not finite", err);
    *out = (kt_reading){ .time_us = t, .value = v, .robot = (uint8_t)robot, .field = (uint8_t)field };
    return KT_OK;
}

/* The reading's identity as hashed: packed, so padding never leaks in. */
static void fingerprint_add(kt_raw_loader *l, const kt_reading *r)
{
    uint8_t key[18];
    memcpy(key, &r->time_us, 8);
    memcpy(key + 8, &r->value, 8);
    key[16] = r->robot;
    key[17] = r->field;
    XXH128_hash_t h = XXH3_128bits(key, sizeof key);
    l->sum_lo += h.low64;
    l->sum_hi += h.high64;
}

/* Upper bound of the reader's own buffers for this row group: the largest
 * projected chunk, compressed and decompressed. */
static size_t reader_buffer_bound(const kt_pq_reader *r, int rg, const file_cols *fc)
{
    const kt_pq_file_meta *m = kt_pq_file_metadata(r);
    size_t most = 0;
    for (int c = 0; c < NCOLS; c++) {
        const kt_pq_column_meta *cm = &m->row_groups[rg].columns[fc->index[c]].meta_data;
        size_t b = (size_t)(cm->total_compressed_size > 0 ? cm->total_compressed_size : 0) +
                   (size_t)(cm->total_uncompressed_size > 0 ? cm->total_uncompressed_size : 0);
        if (b > most) most = b;
    }
    return most;
}

static kt_status load_file(kt_raw_loader *l, const char *path, size_t *n, size_t max, const char *run,
                           kt_raw_load_info *info, kt_error *err)
{
    kt_pq_reader *r;
    KT_TRY(kt_pq_open(path, &r, err));
    kt_pq_set_dictionary_codes(r, true);
    file_cols fc;
    kt_status st = resolve_columns(r, &fc, err);
    int64_t rows = kt_pq_num_rows(r);
    if (st == KT_OK && (rows < 0 || (uint64_t)rows > SIZE_MAX - *n))
        st = kt_fail(err, KT_ERR_FORMAT, "%s: bad row count %lld", path, (long long)rows);
    if (st == KT_OK && *n + (size_t)rows > l->cap)   /* stats under-counted: grow exactly */
        st = reserve(l, *n + (size_t)rows, 1, max, run, err);
    for (int rg = 0; st == KT_OK && rg < kt_pq_num_row_groups(r); rg++) {
        st = kt_pq_read_row_group(r, rg, fc.index, NCOLS, l->cols, err);
        size_t got = l->cols[0].len;
        if (st == KT_OK && got > l->cap - *n)
            st = kt_fail(err, KT_ERR_FORMAT, "%s: row groups hold more rows than the footer says", path);
        where w = { path, rg };
        field_lookup fl;
        if (st == KT_OK) st = classify_field_codes(l, r, &fl, err);
        for (size_t i = 0; st == KT_OK && i < got; i++) {
            st = convert_row(l->cols, &fc, &fl, i, &w, &l->readings[*n + i], err);
            if (st == KT_OK) fingerprint_add(l, &l->readings[*n + i]);
        }
        if (st != KT_OK) break;
        *n += got;
        info->row_groups++;
        size_t held = reader_buffer_bound(r, rg, &fc);
        for (int c = 0; c < NCOLS; c++) held += column_bytes(&l->cols[c]);
        if (held > info->reader_peak_bytes) info->reader_peak_bytes = held;
    }
    kt_pq_close(r);
    return st;
}

kt_status kt_raw_load_run(kt_raw_loader *l, const char *table_dir, const kt_raw_run *run,
                          size_t max_readings, const kt_reading **readings, kt_raw_load_info *info,
                          kt_error *err)
{
    memset(info, 0, sizeof *info);
    *readings = NULL;
    size_t hint = run->records > 0 ? (size_t)run->records : 0;
    KT_TRY(reserve(l, hint, 0, max_readings, run->run_uuid, err));
    l->sum_lo = l->sum_hi = 0;
    size_t n = 0;
    kt_status st = KT_OK;
    for (size_t f = 0; st == KT_OK && f < run->nfiles; f++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", table_dir, run->files[f]->path);
        if (len < 0 || (size_t)len >= sizeof path)
            st = kt_fail(err, KT_ERR_USAGE, "raw: path of '%s' is too long", run->files[f]->path);
        else
            st = load_file(l, path, &n, max_readings, run->run_uuid, info, err);
        info->files++;
    }
    for (int c = 0; c < NCOLS; c++) kt_column_free(&l->cols[c]);   /* not held during the transform */
    if (st != KT_OK) return st;
    uint64_t tail[3] = { (uint64_t)n, l->sum_lo, l->sum_hi };
    XXH128_hash_t h = XXH3_128bits(tail, sizeof tail);
    snprintf(info->content_fingerprint, sizeof info->content_fingerprint, "%016llx%016llx",
             (unsigned long long)h.high64, (unsigned long long)h.low64);
    info->readings = n;
    info->readings_bytes = l->cap * sizeof(kt_reading);
    *readings = l->readings;
    return KT_OK;
}
