/*
 * lake/delta/datafile.c — writing a transaction's rows as Parquet data
 * files: one ZSTD file per partition value combination, partition
 * columns left out of the file (they live in the path and in
 * add.partitionValues, per the protocol), statistics gathered from the
 * writer into add.stats. Files are complete when added and are fsynced
 * (with their directories) by the commit, before it writes the log entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/writer.h"
#include "lake/delta/stats.h"
#include "lake/delta/write_type.h"
#include "lake/delta/txn_internal.h"

static bool is_partition(const kt_delta_txn *x, const char *name)
{
    for (size_t c = 0; c < x->npart; c++)
        if (strcmp(x->part_cols[c], name) == 0) return true;
    return false;
}

static kt_status check_column(const kt_delta_txn *x, const kt_delta_field *f, const kt_column *c,
                              size_t nrows, kt_error *err)
{
    if (c->type != kt_delta_type_column(f->type))
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' is %s in memory, the table wants %s",
                       x->t->dir, f->name, kt_type_name(c->type), kt_delta_type_name(f->type));
    if (c->len < nrows)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' has %zu values, %zu rows written",
                       x->t->dir, f->name, c->len, nrows);
    for (size_t r = 0; !f->nullable && c->valid && r < nrows; r++)
        if (!c->valid[r])
            return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' is not nullable but row %zu is null",
                           x->t->dir, f->name, r);
    return KT_OK;
}

typedef struct file_schema {
    kt_pq_field *pq;
    kt_delta_field *delta;
    size_t n;
} file_schema;

static kt_status data_schema(kt_delta_txn *x, file_schema *fs, kt_error *err)
{
    fs->n = 0;
    fs->pq = kt_arena_calloc(&x->arena, x->nfields, sizeof *fs->pq);
    fs->delta = kt_arena_calloc(&x->arena, x->nfields, sizeof *fs->delta);
    if (!fs->pq || !fs->delta) return kt_fail(err, KT_ERR_NOMEM, "%s: schema", x->t->dir);
    for (size_t i = 0; i < x->nfields; i++) {
        if (is_partition(x, x->fields[i].name)) continue;
        fs->delta[fs->n] = x->fields[i];
        fs->pq[fs->n] = (kt_pq_field){ x->fields[i].name, kt_delta_type_writer(x->fields[i].type),
                                       x->fields[i].nullable };
        fs->n++;
    }
    return KT_OK;
}

void kt_delta_txn_file_options(const kt_delta_txn *x, kt_pq_write_options *o)
{
    kt_pq_write_options_default(o);
    o->codec = KT_PQ_CODEC_ZSTD;
    o->no_fsync = x->t->opts.no_fsync;
    o->defer_sync = true;        /* made durable by the commit, with the txn's other files */
    o->byte_stream_split = true; /* docs/TABLES.md: doubles compress better, readers from 2019 on */
    if (x->t->opts.compression_level) o->compression_level = x->t->opts.compression_level;
    if (x->t->opts.row_group_rows) o->row_group_rows = x->t->opts.row_group_rows;
}

static kt_status open_writer(kt_delta_txn *x, const char *abs, const file_schema *fs,
                             kt_pq_writer **w, kt_error *err)
{
    kt_pq_write_options o;
    kt_delta_txn_file_options(x, &o);
    kt_status st = kt_pq_writer_open(abs, fs->pq, fs->n, &o, w, err);
    if (st == KT_ERR_IO) {
        /* a concurrent vacuum may have removed the (then empty) partition directory */
        char dir[KT_DELTA_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", abs);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        if (kt_delta_mkdirs(dir, NULL) == KT_OK) st = kt_pq_writer_open(abs, fs->pq, fs->n, &o, w, err);
    }
    return st;
}

/* What goes into a file between open and close. */
typedef kt_status (*fill_fn)(kt_pq_writer *w, const void *arg, kt_error *err);

typedef struct whole_rows {
    const kt_column *cols;
    size_t nrows;
} whole_rows;

static kt_status fill_whole(kt_pq_writer *w, const void *arg, kt_error *err)
{
    const whole_rows *a = arg;
    return kt_pq_writer_write(w, a->cols, a->nrows, err);
}

/* One data file of a transaction being written. */
typedef struct open_file {
    kt_delta_txn *x;
    const char *const *pv;
    const file_schema *fs;
    char rel[KT_DELTA_PATH_MAX];
    kt_pq_writer *w;
} open_file;

static kt_status file_open(kt_delta_txn *x, const char *const *pv, const file_schema *fs, open_file *f,
                           kt_error *err)
{
    char abs[KT_DELTA_PATH_MAX + 8];
    f->x = x;
    f->pv = pv;
    f->fs = fs;
    f->w = NULL;
    KT_TRY(kt_delta_txn_new_file_path(x, pv, f->rel, sizeof f->rel, err));
    snprintf(abs, sizeof abs, "%s/%s", x->t->dir, f->rel);
    return open_writer(x, abs, fs, &f->w, err);
}

/* Closes the file (if st is KT_OK) and stages its add with statistics; frees the writer either way. */
static kt_status file_finish(open_file *f, kt_status st, kt_error *err)
{
    kt_delta_txn *x = f->x;
    const file_schema *fs = f->fs;
    const char *rel = f->rel;
    const char *const *pv = f->pv;
    kt_pq_writer *w = f->w;
    f->w = NULL;
    if (st == KT_OK) st = kt_pq_writer_close(w, err);
    kt_buf stats;
    kt_buf_init(&stats);
    if (st == KT_OK) {
        const kt_pq_column_summary **sums = calloc(fs->n ? fs->n : 1, sizeof *sums);
        for (size_t c = 0; sums && c < fs->n; c++) sums[c] = kt_pq_writer_summary(w, c);
        st = sums ? kt_delta_stats_json(&stats, fs->delta, sums, fs->n, kt_pq_writer_rows(w))
                  : KT_ERR_NOMEM;
        if (st == KT_OK) st = kt_buf_append_byte(&stats, 0);
        if (st != KT_OK) kt_fail(err, st, "%s: statistics of %s", x->t->dir, rel);
        free(sums);
    }
    int64_t rows = w ? kt_pq_writer_rows(w) : 0;
    kt_pq_writer_free(w);
    if (st == KT_OK) st = kt_delta_txn_add_file_unsynced(x, rel, pv, (const char *)stats.data, err);
    if (st == KT_OK) x->adds[x->nadds - 1].records = rows;
    kt_buf_free(&stats);
    return st;
}

static kt_status write_file(kt_delta_txn *x, const char *const *pv, const file_schema *fs, fill_fn fill,
                            const void *arg, kt_error *err)
{
    open_file f;
    kt_status st = file_open(x, pv, fs, &f, err);
    if (st == KT_OK) st = fill(f.w, arg, err);
    return file_finish(&f, st, err);
}

/* The data-file schema of a still-open transaction, checked against the
 * caller's column count. */
static kt_status writable_schema(kt_delta_txn *x, size_t ncols, file_schema *fs, kt_error *err)
{
    if (x->committed)
        return kt_fail(err, KT_ERR_USAGE, "%s: transaction already committed", x->t->dir);
    KT_TRY(data_schema(x, fs, err));
    if (ncols != fs->n)
        return kt_fail(err, KT_ERR_USAGE, "%s: %zu columns given, the data files have %zu "
                       "(the schema without partition columns)", x->t->dir, ncols, fs->n);
    return KT_OK;
}

kt_status kt_delta_txn_write_partition(kt_delta_txn *x, const char *const *partition_values,
                                       const kt_column *cols, size_t ncols, size_t nrows,
                                       kt_error *err)
{
    file_schema fs;
    KT_TRY(writable_schema(x, ncols, &fs, err));
    for (size_t c = 0; c < ncols; c++) KT_TRY(check_column(x, &fs.delta[c], &cols[c], nrows, err));
    if (nrows == 0) return KT_OK;
    whole_rows arg = { cols, nrows };
    return write_file(x, partition_values, &fs, fill_whole, &arg, err);
}

/* ---- one file, column chunk by column chunk ---------------------------- */

typedef struct chunked_rows {
    kt_delta_txn *x;
    const file_schema *fs;
    size_t nrows, group_rows;
    kt_delta_chunk_fn produce;
    void *ctx;
} chunked_rows;

static kt_status fill_chunked(kt_pq_writer *w, const void *arg, kt_error *err)
{
    const chunked_rows *a = arg;
    for (size_t first = 0; first < a->nrows; first += a->group_rows) {
        size_t rows = a->nrows - first < a->group_rows ? a->nrows - first : a->group_rows;
        KT_TRY(kt_pq_writer_begin_row_group(w, rows, err));
        for (size_t c = 0; c < a->fs->n; c++) {
            const kt_column *col = NULL;
            KT_TRY(a->produce(a->ctx, first, rows, c, &col, err));
            if (!col)
                return kt_fail(err, KT_ERR_INTERNAL, "%s: no values for column '%s'", a->x->t->dir,
                               a->fs->delta[c].name);
            KT_TRY(check_column(a->x, &a->fs->delta[c], col, rows, err));
            KT_TRY(kt_pq_writer_write_chunk(w, c, col, err));
        }
        KT_TRY(kt_pq_writer_end_row_group(w, err));
    }
    return KT_OK;
}

kt_status kt_delta_txn_write_partition_chunks(kt_delta_txn *x, const char *const *partition_values,
                                              size_t ncols, size_t nrows, kt_delta_chunk_fn produce,
                                              void *ctx, kt_error *err)
{
    file_schema fs;
    KT_TRY(writable_schema(x, ncols, &fs, err));
    if (nrows == 0) return KT_OK;
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    chunked_rows arg = { x, &fs, nrows, x->t->opts.row_group_rows ? x->t->opts.row_group_rows : o.row_group_rows,
                         produce, ctx };
    return write_file(x, partition_values, &fs, fill_chunked, &arg, err);
}

/* ---- splitting rows by partition -------------------------------------- */

/* Text of a partition value (Delta partition value serialization); NULL for null. */
static const char *partition_text(const kt_column *c, size_t row, char *buf, size_t cap)
{
    if (!kt_column_is_valid(c, row)) return NULL;
    size_t len;
    const char *s;
    switch (c->type) {
    case KT_BYTES:
        s = kt_column_bytes_at(c, row, &len);
        if (len == 0 || len >= cap || memchr(s, 0, len)) return len == 0 ? NULL : "\x01";
        memcpy(buf, s, len);
        buf[len] = 0;
        return buf;
    case KT_INT64: snprintf(buf, cap, "%lld", (long long)KT_COL_I64(c)[row]); return buf;
    case KT_INT32: snprintf(buf, cap, "%d", KT_COL_I32(c)[row]); return buf;
    case KT_BOOL: return KT_COL_BOOL(c)[row] ? "true" : "false";
    default: return "\x01";
    }
}

typedef struct group {
    char *key;                  /* values joined by '\x1f', null as '\x1e' */
    size_t *rows, nrows, cap;
} group;

static const char *group_key(const void *ctx, uint32_t i) { return ((const group *)ctx)[i].key; }

typedef struct splitter {
    kt_strmap map;
    group *groups;
    size_t ngroups, cap;
    int *part_index;            /* column index of each partition column */
} splitter;

static kt_status add_row(splitter *sp, const char *key, size_t row)
{
    uint64_t h = kt_strmap_hash(key);
    int64_t g = kt_strmap_find(&sp->map, key, h, group_key, sp->groups);
    if (g < 0) {
        if (sp->ngroups == sp->cap) {
            size_t cap = sp->cap ? sp->cap * 2 : 8;
            group *ng = realloc(sp->groups, cap * sizeof *ng);
            if (!ng) return KT_ERR_NOMEM;
            sp->groups = ng;
            sp->cap = cap;
        }
        g = (int64_t)sp->ngroups;
        sp->groups[g] = (group){ .key = strdup(key) };
        if (!sp->groups[g].key || kt_strmap_insert(&sp->map, h, (uint32_t)g) != KT_OK)
            return KT_ERR_NOMEM;
        sp->ngroups++;
    }
    group *gr = &sp->groups[g];
    if (gr->nrows == gr->cap) {
        size_t cap = gr->cap ? gr->cap * 2 : 256;
        size_t *nr = realloc(gr->rows, cap * sizeof *nr);
        if (!nr) return KT_ERR_NOMEM;
        gr->rows = nr;
        gr->cap = cap;
    }
    gr->rows[gr->nrows++] = row;
    return KT_OK;
}

static void splitter_free(splitter *sp)
{
    for (size_t g = 0; g < sp->ngroups; g++) {
        free(sp->groups[g].key);
        free(sp->groups[g].rows);
    }
    free(sp->groups);
    free(sp->part_index);
    kt_strmap_free(&sp->map);
}

static kt_status split_rows(kt_delta_txn *x, const kt_column *cols, size_t nrows, splitter *sp,
                            kt_error *err)
{
    kt_buf key;
    kt_buf_init(&key);
    kt_status st = KT_OK;
    for (size_t r = 0; st == KT_OK && r < nrows; r++) {
        kt_buf_clear(&key);
        for (size_t c = 0; st == KT_OK && c < x->npart; c++) {
            char buf[512];
            const char *v = partition_text(&cols[sp->part_index[c]], r, buf, sizeof buf);
            if (v && v[0] == '\x01')
                st = kt_fail(err, KT_ERR_USAGE, "%s: row %zu: partition value of '%s' is too "
                             "long or holds a NUL byte", x->t->dir, r, x->part_cols[c]);
            else if (c) st = kt_buf_append_byte(&key, 0x1f);
            if (st == KT_OK) st = v ? kt_buf_append_str(&key, v) : kt_buf_append_byte(&key, 0x1e);
        }
        if (st == KT_OK) st = kt_buf_append_byte(&key, 0);
        if (st == KT_OK) st = add_row(sp, (const char *)key.data, r);
        if (st == KT_ERR_NOMEM) kt_fail(err, st, "%s: splitting rows by partition", x->t->dir);
    }
    kt_buf_free(&key);
    return st;
}

/* Partition values of a group, from its key. */
static void group_values(char *key, size_t npart, const char **values)
{
    char *p = key;
    for (size_t c = 0; c < npart; c++) {
        char *end = strchr(p, 0x1f);
        if (end) *end = 0;
        values[c] = p[0] == 0x1e && p[1] == 0 ? NULL : p;
        p = end ? end + 1 : p + strlen(p);
    }
}

static kt_status write_group(kt_delta_txn *x, const kt_column *cols, const size_t *data_cols,
                             size_t ndata, group *g, bool whole, kt_error *err)
{
    const char *values[64];
    group_values(g->key, x->npart, values);
    kt_column *sub = calloc(ndata ? ndata : 1, sizeof *sub);
    if (!sub) return kt_fail(err, KT_ERR_NOMEM, "%s: partition rows", x->t->dir);
    kt_status st = KT_OK;
    if (whole) {   /* every row is in this group: shallow views, no copy */
        for (size_t c = 0; c < ndata; c++) sub[c] = cols[data_cols[c]];
        st = kt_delta_txn_write_partition(x, values, sub, ndata, g->nrows, err);
        free(sub);
        return st;
    }
    for (size_t c = 0; c < ndata; c++) kt_column_init(&sub[c], cols[data_cols[c]].type);
    for (size_t c = 0; st == KT_OK && c < ndata; c++)
        for (size_t r = 0; st == KT_OK && r < g->nrows; r++)
            st = kt_column_push_from(&sub[c], &cols[data_cols[c]], g->rows[r]);
    if (st != KT_OK) kt_fail(err, st, "%s: gathering partition rows", x->t->dir);
    else st = kt_delta_txn_write_partition(x, values, sub, ndata, g->nrows, err);
    for (size_t c = 0; c < ndata; c++) kt_column_free(&sub[c]);
    free(sub);
    return st;
}

kt_status kt_delta_txn_write(kt_delta_txn *x, const kt_column *cols, size_t ncols, size_t nrows,
                             kt_error *err)
{
    if (ncols != x->nfields)
        return kt_fail(err, KT_ERR_USAGE, "%s: %zu columns given, the table has %zu", x->t->dir,
                       ncols, x->nfields);
    if (x->npart > 64)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: over 64 partition columns", x->t->dir);
    for (size_t c = 0; c < ncols; c++) KT_TRY(check_column(x, &x->fields[c], &cols[c], nrows, err));
    splitter sp = { 0 };
    size_t *data_cols = calloc(ncols, sizeof *data_cols), ndata = 0;
    sp.part_index = calloc(x->npart ? x->npart : 1, sizeof *sp.part_index);
    kt_status st = data_cols && sp.part_index ? KT_OK : KT_ERR_NOMEM;
    for (size_t i = 0; st == KT_OK && i < ncols; i++) {
        size_t c = 0;
        while (c < x->npart && strcmp(x->part_cols[c], x->fields[i].name) != 0) c++;
        if (c < x->npart) sp.part_index[c] = (int)i;
        else data_cols[ndata++] = i;
    }
    if (st != KT_OK) kt_fail(err, st, "%s: write", x->t->dir);
    if (st == KT_OK) st = split_rows(x, cols, nrows, &sp, err);
    for (size_t g = 0; st == KT_OK && g < sp.ngroups; g++)
        st = write_group(x, cols, data_cols, ndata, &sp.groups[g], sp.ngroups == 1, err);
    splitter_free(&sp);
    free(data_cols);
    return st;
}

/* ---- two files sharing their first columns, in one pass ------------------ */

typedef struct paired_rows {
    open_file *a, *b;
    size_t shared, nrows, group_rows;
    kt_delta_chunk_fn produce;
    void *ctx;
} paired_rows;

static kt_status fill_paired(const paired_rows *p, kt_error *err)
{
    kt_pq_writer *wa = p->a->w, *wb = p->b->w;
    KT_TRY(kt_pq_writer_pair(wa, wb, err));
    for (size_t first = 0; first < p->nrows; first += p->group_rows) {
        size_t rows = p->nrows - first < p->group_rows ? p->nrows - first : p->group_rows;
        KT_TRY(kt_pq_writer_begin_row_group(wa, rows, err));
        KT_TRY(kt_pq_writer_begin_row_group(wb, rows, err));
        for (size_t c = 0; c < p->b->fs->n; c++) {
            const kt_column *col = NULL;
            KT_TRY(p->produce(p->ctx, first, rows, c, &col, err));
            if (!col)
                return kt_fail(err, KT_ERR_INTERNAL, "%s: no values for column '%s'", p->b->x->t->dir,
                               p->b->fs->delta[c].name);
            KT_TRY(check_column(p->b->x, &p->b->fs->delta[c], col, rows, err));
            if (c < p->shared) KT_TRY(kt_pq_writer_write_chunk_twin(wa, wb, c, col, err));
            else KT_TRY(kt_pq_writer_write_chunk(wb, c, col, err));
        }
        KT_TRY(kt_pq_writer_end_row_group(wa, err));
        KT_TRY(kt_pq_writer_end_row_group(wb, err));
    }
    return KT_OK;
}

static bool same_field(const kt_delta_field *a, const kt_delta_field *b)
{
    return strcmp(a->name, b->name) == 0 && a->type == b->type && a->nullable == b->nullable;
}

kt_status kt_delta_txn_write_partition_chunks_pair(kt_delta_txn *a, const char *const *pv_a, size_t ncols_a,
                                                   kt_delta_txn *b, const char *const *pv_b, size_t ncols_b,
                                                   size_t nrows, kt_delta_chunk_fn produce, void *ctx,
                                                   kt_error *err)
{
    if (a->committed || b->committed)
        return kt_fail(err, KT_ERR_USAGE, "%s: transaction already committed", (a->committed ? a : b)->t->dir);
    file_schema fa, fb;
    KT_TRY(data_schema(a, &fa, err));
    KT_TRY(data_schema(b, &fb, err));
    if (ncols_a != fa.n || ncols_b != fb.n || ncols_a > ncols_b)
        return kt_fail(err, KT_ERR_USAGE, "%s, %s: %zu and %zu columns given, the data files have %zu and %zu",
                       a->t->dir, b->t->dir, ncols_a, ncols_b, fa.n, fb.n);
    for (size_t c = 0; c < ncols_a; c++)
        if (!same_field(&fa.delta[c], &fb.delta[c]))
            return kt_fail(err, KT_ERR_USAGE, "%s, %s: column %zu ('%s') differs", a->t->dir, b->t->dir, c,
                           fa.delta[c].name);
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    size_t ga = a->t->opts.row_group_rows ? a->t->opts.row_group_rows : o.row_group_rows;
    size_t gb = b->t->opts.row_group_rows ? b->t->opts.row_group_rows : o.row_group_rows;
    if (ga != gb || a->t->opts.compression_level != b->t->opts.compression_level)
        return kt_fail(err, KT_ERR_USAGE, "%s, %s: different row group sizes or compression", a->t->dir,
                       b->t->dir);
    if (nrows == 0) return KT_OK;
    open_file f_a, f_b;
    kt_status st = file_open(a, pv_a, &fa, &f_a, err);
    if (st != KT_OK) return file_finish(&f_a, st, err);
    st = file_open(b, pv_b, &fb, &f_b, err);
    if (st == KT_OK) {
        paired_rows p = { &f_a, &f_b, ncols_a, nrows, ga, produce, ctx };
        st = fill_paired(&p, err);
    }
    /* b borrows a's buffers and compressor: b is finished first */
    kt_status sb = file_finish(&f_b, st, err);
    kt_status sa = file_finish(&f_a, sb, err);
    return sa;
}
