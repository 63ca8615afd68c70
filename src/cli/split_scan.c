/*
 * cli/split_scan.c — one table scan's columns decoded by two scans on two
 * threads (see split_scan.h).
 */
#include "cli/split_scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lake_read.h"

struct kt_split_scan {
    kt_scan *first, *second;   /* second: NULL when there is one scan */
    size_t nfirst, ncols;
    kt_column *merged;         /* ncols column views handed to the sink */
};

/* Bytes a value of a field costs to read: partition columns are not read. */
static size_t read_width(const kt_delta_snapshot *snap, size_t field)
{
    const kt_delta_field *f = kt_delta_snapshot_field(snap, field);
    for (size_t p = 0; p < kt_delta_snapshot_num_partition_columns(snap); p++)
        if (!strcmp(kt_delta_snapshot_partition_column(snap, p), f->name)) return 0;
    switch (f->type) {
    case KT_DELTA_BOOLEAN: return 1;
    case KT_DELTA_INTEGER: return 4;
    case KT_DELTA_STRING: return 16;
    default: return 8;
    }
}

/* Columns of the first scan: about half the bytes to read, at least one column each. */
static size_t half_by_width(const kt_delta_snapshot *snap, const size_t *fields, size_t n)
{
    if (n < 2) return n;
    size_t total = 0, sum = 0, k = 0;
    for (size_t i = 0; i < n; i++) total += read_width(snap, fields[i]);
    while (k < n - 1 && 2 * sum + read_width(snap, fields[k]) <= total)   /* its middle is in the first half */
        sum += read_width(snap, fields[k++]);
    return k ? k : 1;
}

kt_status kt_split_scan_open(const kt_delta_table *t, const kt_delta_snapshot *snap, const kt_scan_options *o,
                             kt_split_scan **out, kt_error *err)
{
    *out = NULL;
    size_t n = o->fields ? o->nfields : kt_delta_snapshot_num_fields(snap);
    kt_split_scan *s = calloc(1, sizeof *s);
    size_t *fields = calloc(n ? n : 1, sizeof *fields);
    if (!s || !fields) {
        free(s);
        free(fields);
        return kt_fail(err, KT_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) fields[i] = o->fields ? o->fields[i] : i;
    s->ncols = n;
    s->nfirst = half_by_width(snap, fields, n);
    kt_scan_options a = *o, b = *o;
    a.fields = fields, a.nfields = s->nfirst;
    b.fields = fields + s->nfirst, b.nfields = n - s->nfirst;
    kt_status st = kt_scan_open(t, snap, &a, &s->first, err);
    if (st == KT_OK && b.nfields) st = kt_scan_open(t, snap, &b, &s->second, err);
    free(fields);
    if (st == KT_OK && !(s->merged = calloc(n ? n : 1, sizeof *s->merged)))
        st = kt_fail(err, KT_ERR_NOMEM, "out of memory");
    if (st != KT_OK) {
        kt_split_scan_free(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

size_t kt_split_scan_num_columns(const kt_split_scan *s) { return s->ncols; }

void kt_split_scan_sink_columns(const kt_split_scan *s, kt_sink_column *out)
{
    kt_scan_sink_columns(s->first, out);
    if (s->second) kt_scan_sink_columns(s->second, out + s->nfirst);
}

typedef struct next_call {
    kt_scan *scan;
    const kt_column *cols;
    size_t n;
    kt_error err;
    kt_status st;
} next_call;

static void *next_on_helper(void *arg)
{
    next_call *c = arg;
    c->st = kt_scan_next(c->scan, &c->cols, &c->n, &c->err);
    return NULL;
}

/* The next row group of both halves, read side by side. */
static kt_status next_both(kt_split_scan *s, size_t *nrows, kt_error *err)
{
    next_call second = { .scan = s->second };
    pthread_t t;
    bool started = pthread_create(&t, NULL, next_on_helper, &second) == 0;
    const kt_column *cols;
    kt_status st = kt_scan_next(s->first, &cols, nrows, err);
    if (started) pthread_join(t, NULL);
    else next_on_helper(&second);   /* no thread: read it here */
    if (st != KT_OK) return st;
    if (second.st != KT_OK) {
        *err = second.err;
        return second.st;
    }
    if (second.n != *nrows)
        return kt_fail(err, KT_ERR_INTERNAL, "split scan: halves read %zu and %zu rows", *nrows, second.n);
    memcpy(s->merged, cols, s->nfirst * sizeof *cols);
    memcpy(s->merged + s->nfirst, second.cols, (s->ncols - s->nfirst) * sizeof *cols);
    return KT_OK;
}

kt_status kt_split_scan_copy(kt_split_scan *s, kt_sink *sink, int64_t limit, int64_t *rows, kt_error *err)
{
    if (!s->second) return kt_scan_copy(s->first, sink, limit, rows, err);
    *rows = 0;
    while (limit < 0 || *rows < limit) {
        size_t n;
        KT_TRY(next_both(s, &n, err));
        if (n == 0) break;
        if (limit >= 0 && (int64_t)n > limit - *rows) n = (size_t)(limit - *rows);
        KT_TRY(kt_sink_write(sink, s->merged, n, *rows, err));
        *rows += (int64_t)n;
    }
    return KT_OK;
}

void kt_split_scan_free(kt_split_scan *s)
{
    if (!s) return;
    kt_scan_free(s->first);
    kt_scan_free(s->second);
    free(s->merged);
    free(s);
}
