/*
 * pipeline/ingest_stage.c — per-partition row buffers with a "committed"
 * watermark (rows of finished source files) so a failing source file can
 * be cut off, flushing of finished rows through the Delta transaction,
 * and spill files for source files too large to hold.
 */
#include "pipeline/ingest_stage.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dict.h"
#include "format/parquet/writer.h"
#include "lake/delta/write_type.h"

#define DEFAULT_MEMORY_LIMIT ((size_t)16 << 20)
#define PATH_CAP 4096

typedef struct part {
    char *value;        /* NULL: unpartitioned */
    kt_column *cols;
    size_t committed;   /* rows [0, committed) belong to finished source files */
    int64_t written;    /* rows handed to the txn */
} part;

typedef struct spill {
    char *rel;          /* relative to the table dir */
    char *stats;        /* add.stats JSON */
    size_t part;
    int64_t rows;
} spill;

struct kt_ingest_stage {
    kt_delta_txn *txn;
    char *table_dir;
    kt_pq_field *pq;    /* non-partition fields */
    kt_type *types;
    size_t ncols;
    /* coded columns: their dictionaries (text -> code) and, for the writer,
     * a pointer per column (NULL: the column holds its values) */
    kt_dict *dict_index;
    kt_column *dicts;
    const kt_column **dict_of;
    bool partitioned;
    part *parts;
    size_t nparts, parts_cap;
    kt_dict index;      /* partition value -> part */
    spill *spills;      /* of the current source file */
    size_t nspills, spills_cap;
    kt_ingest_stage_options o;
    int64_t files, rows;
};

kt_status kt_ingest_stage_new(kt_delta_txn *txn, const char *table_dir, const kt_delta_field *fields,
                              size_t nfields, int partition, const kt_ingest_stage_options *opts,
                              kt_ingest_stage **out, kt_error *err)
{
    kt_ingest_stage *s = calloc(1, sizeof *s);
    if (!s) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    s->txn = txn;
    s->partitioned = partition >= 0;
    s->table_dir = strdup(table_dir);
    s->pq = calloc(nfields, sizeof *s->pq);
    s->types = calloc(nfields, sizeof *s->types);
    kt_dict_init(&s->index);
    if (opts) s->o = *opts;
    if (!s->o.memory_limit) s->o.memory_limit = DEFAULT_MEMORY_LIMIT;
    s->dict_index = calloc(nfields, sizeof *s->dict_index);
    s->dicts = calloc(nfields, sizeof *s->dicts);
    s->dict_of = calloc(nfields, sizeof *s->dict_of);
    if (!s->table_dir || !s->pq || !s->types || !s->dict_index || !s->dicts || !s->dict_of) {
        kt_ingest_stage_free(s);
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    }
    for (size_t i = 0; i < nfields; i++) {
        if ((int)i == partition) continue;
        size_t c = s->ncols++;
        s->pq[c] = (kt_pq_field){ fields[i].name, kt_delta_type_writer(fields[i].type), fields[i].nullable };
        s->types[c] = kt_delta_type_column(fields[i].type);
        kt_dict_init(&s->dict_index[c]);
        kt_column_init(&s->dicts[c], KT_BYTES);
        if (s->o.coded && s->o.coded[i] && s->pq[c].type == KT_PQ_W_STRING) {
            s->types[c] = KT_INT32;
            s->dict_of[c] = &s->dicts[c];
        }
    }
    *out = s;
    return KT_OK;
}

static void free_cols(kt_column *cols, size_t n)
{
    if (!cols) return;
    for (size_t i = 0; i < n; i++) kt_column_free(&cols[i]);
    free(cols);
}

static kt_column *new_cols(const kt_ingest_stage *s)
{
    kt_column *cols = calloc(s->ncols, sizeof *cols);
    for (size_t i = 0; cols && i < s->ncols; i++) kt_column_init(&cols[i], s->types[i]);
    return cols;
}

static void drop_spills(kt_ingest_stage *s)
{
    for (size_t i = 0; i < s->nspills; i++) {
        char abs[PATH_CAP];
        snprintf(abs, sizeof abs, "%s/%s", s->table_dir, s->spills[i].rel);
        unlink(abs);
        free(s->spills[i].rel);
        free(s->spills[i].stats);
    }
    s->nspills = 0;
}

void kt_ingest_stage_free(kt_ingest_stage *s)
{
    if (!s) return;
    drop_spills(s);
    for (size_t i = 0; i < s->nparts; i++) {
        free(s->parts[i].value);
        free_cols(s->parts[i].cols, s->ncols);
    }
    free(s->parts);
    free(s->spills);
    kt_dict_free(&s->index);
    for (size_t c = 0; s->dicts && c < s->ncols; c++) {
        kt_dict_free(&s->dict_index[c]);
        kt_column_free(&s->dicts[c]);
    }
    free(s->dict_index);
    free(s->dicts);
    free(s->dict_of);
    free(s->pq);
    free(s->types);
    free(s->table_dir);
    free(s);
}

kt_status kt_ingest_stage_buffer(kt_ingest_stage *s, const char *value, size_t len, kt_column **cols,
                                 kt_error *err)
{
    if (!s->partitioned) value = "", len = 0;
    int32_t id;
    if (kt_dict_intern(&s->index, value, len, &id) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    if ((size_t)id == s->nparts) {
        if (s->nparts == s->parts_cap) {
            size_t cap = s->parts_cap ? s->parts_cap * 2 : 16;
            part *p = realloc(s->parts, cap * sizeof *p);
            if (!p) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
            s->parts = p;
            s->parts_cap = cap;
        }
        part *p = &s->parts[s->nparts];
        memset(p, 0, sizeof *p);
        if (s->partitioned && !(p->value = strndup(value, len)))
            return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
        s->nparts++;
    }
    part *p = &s->parts[id];
    if (!p->cols && !(p->cols = new_cols(s))) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    *cols = p->cols;
    return KT_OK;
}

kt_status kt_ingest_stage_code(kt_ingest_stage *s, size_t col, const char *text, size_t len, int32_t *code,
                               kt_error *err)
{
    if (col >= s->ncols || !s->dict_of[col])
        return kt_fail(err, KT_ERR_INTERNAL, "ingest: stage column %zu is not coded", col);
    size_t before = kt_dict_count(&s->dict_index[col]);
    if (kt_dict_intern(&s->dict_index[col], text, len, code) != KT_OK ||
        (kt_dict_count(&s->dict_index[col]) > before && kt_column_push_bytes(&s->dicts[col], text, len) != KT_OK))
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    return KT_OK;
}

/* Bytes of row data held (what the budget limits). */
static size_t cols_used(const kt_column *cols, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; cols && i < n; i++) {
        const kt_column *c = &cols[i];
        if (c->type == KT_BYTES) total += c->len * sizeof(int64_t) + (c->offsets ? (size_t)c->offsets[c->len] : 0);
        else total += c->len * kt_type_width(c->type);
        if (c->valid) total += c->len;
    }
    return total;
}

/* Bytes allocated (buffers keep their capacity between flushes). */
static size_t cols_reserved(const kt_column *cols, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; cols && i < n; i++) {
        const kt_column *c = &cols[i];
        total += c->cap * (c->type == KT_BYTES ? sizeof(int64_t) : kt_type_width(c->type));
        total += c->bytes_cap + (c->valid ? c->cap : 0);
    }
    return total;
}

size_t kt_ingest_stage_bytes(const kt_ingest_stage *s)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nparts; i++) total += cols_reserved(s->parts[i].cols, s->ncols);
    return total;
}

static size_t stage_used(const kt_ingest_stage *s)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nparts; i++) total += cols_used(s->parts[i].cols, s->ncols);
    return total;
}

size_t kt_ingest_stage_num_partitions(const kt_ingest_stage *s) { return s->nparts; }

const char *kt_ingest_stage_partition(const kt_ingest_stage *s, size_t i, int64_t *rows)
{
    *rows = s->parts[i].written;
    return s->parts[i].value;
}

int64_t kt_ingest_stage_files(const kt_ingest_stage *s) { return s->files; }
int64_t kt_ingest_stage_rows(const kt_ingest_stage *s) { return s->rows; }

static size_t rows_of(const part *p) { return p->cols ? p->cols[0].len : 0; }

/* Removes rows [0, k) of a column, keeping its memory. */
static void drop_prefix(kt_column *c, size_t k)
{
    size_t rest = c->len - k;
    if (c->type == KT_BYTES) {
        int64_t base = c->offsets[k];
        memmove(c->bytes, c->bytes + base, (size_t)(c->offsets[c->len] - base));
        for (size_t i = 0; i <= rest; i++) c->offsets[i] = c->offsets[k + i] - base;
    } else {
        size_t w = kt_type_width(c->type);
        memmove(c->values, (char *)c->values + k * w, rest * w);
    }
    if (c->valid) {
        memmove(c->valid, c->valid + k, rest);
        size_t nulls = 0;
        for (size_t i = 0; i < rest; i++) nulls += !c->valid[i];
        c->null_count = nulls;
    }
    c->len = rest;
}

static void lock_txn(const kt_ingest_stage *s)
{
    if (s->o.txn_lock) pthread_mutex_lock(s->o.txn_lock);
}

static void unlock_txn(const kt_ingest_stage *s)
{
    if (s->o.txn_lock) pthread_mutex_unlock(s->o.txn_lock);
}

/* Delta add.stats of a written file: numRecords, nullCount, and min/max of
 * numbers and of strings short enough to keep whole (timestamps are left
 * out: Delta keeps them at millisecond precision, and a truncated max would
 * be below the data). NULL when out of memory. */
static char *stats_json(const kt_ingest_stage *s, const kt_pq_writer *w, int64_t rows)
{
    json_t *root = json_object(), *mins = json_object(), *maxs = json_object(), *nulls = json_object();
    if (!root || !mins || !maxs || !nulls) {
        json_decref(root), json_decref(mins), json_decref(maxs), json_decref(nulls);
        return NULL;
    }
    for (size_t c = 0; c < s->ncols; c++) {
        const kt_pq_column_summary *sum = kt_pq_writer_summary(w, c);
        const char *name = s->pq[c].name;
        json_object_set_new(nulls, name, json_integer(sum->null_count));
        if (!sum->has_min_max) continue;
        json_t *lo = NULL, *hi = NULL;
        switch (s->pq[c].type) {
        case KT_PQ_W_INT32:
        case KT_PQ_W_INT64: lo = json_integer(sum->min_i), hi = json_integer(sum->max_i); break;
        case KT_PQ_W_DOUBLE: lo = json_real(sum->min_d), hi = json_real(sum->max_d); break;
        case KT_PQ_W_STRING:
            if (sum->min_len <= 32 && sum->max_len <= 32)
                lo = json_stringn(sum->min_s, sum->min_len), hi = json_stringn(sum->max_s, sum->max_len);
            break;
        default: break;
        }
        if (lo && hi) {
            json_object_set_new(mins, name, lo);
            json_object_set_new(maxs, name, hi);
        } else {
            json_decref(lo);
            json_decref(hi);
        }
    }
    json_object_set_new(root, "numRecords", json_integer(rows));
    json_object_set_new(root, "minValues", mins);
    json_object_set_new(root, "maxValues", maxs);
    json_object_set_new(root, "nullCount", nulls);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

/* Writes rows [0, n) of a part to a new complete data file of the table
 * (not yet added to the txn): *rel and *stats are malloc'd. */
static kt_status write_file(kt_ingest_stage *s, const part *p, size_t n, char **rel, char **stats, kt_error *err)
{
    char relbuf[PATH_CAP], abs[PATH_CAP + 1024];
    const char *pv[1] = { p->value };
    lock_txn(s);
    kt_status st = kt_delta_txn_new_file_path(s->txn, s->partitioned ? pv : NULL, relbuf, sizeof relbuf, err);
    unlock_txn(s);
    if (st != KT_OK) return st;
    snprintf(abs, sizeof abs, "%s/%s", s->table_dir, relbuf);
    kt_pq_write_options o;
    kt_delta_txn_file_options(s->txn, &o); /* sync deferred: the raw/quarantine commit makes it durable (adopt) */
    kt_pq_writer *w;
    KT_TRY(kt_pq_writer_open(abs, s->pq, s->ncols, &o, &w, err));
    st = kt_pq_writer_write_coded(w, p->cols, s->dict_of, n, err);
    if (st == KT_OK) st = kt_pq_writer_close(w, err);
    *stats = st == KT_OK ? stats_json(s, w, (int64_t)n) : NULL;
    *rel = st == KT_OK ? strdup(relbuf) : NULL;
    kt_pq_writer_free(w);
    if (st == KT_OK && (!*stats || !*rel)) st = kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
    if (st != KT_OK) {
        free(*stats);
        free(*rel);
        *stats = *rel = NULL;
        unlink(abs);
    }
    return st;
}

/* Hands a written file to the txn (which then owns it); counts its rows. */
static kt_status adopt(kt_ingest_stage *s, size_t index, const char *rel, const char *stats, int64_t rows,
                       kt_error *err)
{
    const char *pv[1] = { s->parts[index].value };
    lock_txn(s);
    kt_status st = kt_delta_txn_add_file_unsynced(s->txn, rel, s->partitioned ? pv : NULL, stats, err);
    unlock_txn(s);
    if (st != KT_OK) return st;
    s->files++;
    s->rows += rows;
    s->parts[index].written += rows;
    return KT_OK;
}

/* Writes rows [0, committed) of a part as one data file of the txn, keeps the rest. */
static kt_status flush_committed(kt_ingest_stage *s, size_t index, kt_error *err)
{
    part *p = &s->parts[index];
    if (!p->committed) return KT_OK;
    char *rel, *stats;
    KT_TRY(write_file(s, p, p->committed, &rel, &stats, err));
    kt_status st = adopt(s, index, rel, stats, (int64_t)p->committed, err);
    if (st != KT_OK) {
        char abs[PATH_CAP + 1024];
        snprintf(abs, sizeof abs, "%s/%s", s->table_dir, rel);
        unlink(abs);
    }
    free(rel);
    free(stats);
    if (st != KT_OK) return st;
    for (size_t c = 0; c < s->ncols; c++) drop_prefix(&p->cols[c], p->committed);
    p->committed = 0;
    return KT_OK;
}

/* Gives memory back when buffers hold far more capacity than rows. */
static void trim_capacity(kt_ingest_stage *s)
{
    if (kt_ingest_stage_bytes(s) <= 2 * s->o.memory_limit) return;
    for (size_t i = 0; i < s->nparts; i++) {
        part *p = &s->parts[i];
        if (p->cols && rows_of(p) == 0) {
            free_cols(p->cols, s->ncols);
            p->cols = NULL;
        }
    }
}

/* Writes all rows of a part (the current source file's) to a complete file, added at file_done. */
static kt_status spill_part(kt_ingest_stage *s, size_t index, kt_error *err)
{
    part *p = &s->parts[index];
    size_t n = rows_of(p);
    if (!n) return KT_OK;
    if (s->nspills == s->spills_cap) {
        size_t cap = s->spills_cap ? s->spills_cap * 2 : 16;
        spill *sp = realloc(s->spills, cap * sizeof *sp);
        if (!sp) return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory");
        s->spills = sp;
        s->spills_cap = cap;
    }
    spill *sp = &s->spills[s->nspills];
    KT_TRY(write_file(s, p, n, &sp->rel, &sp->stats, err));
    sp->part = index;
    sp->rows = (int64_t)n;
    s->nspills++;
    for (size_t c = 0; c < s->ncols; c++) kt_column_clear(&p->cols[c]);
    return KT_OK;
}

kt_status kt_ingest_stage_check(kt_ingest_stage *s, kt_error *err)
{
    if (stage_used(s) <= s->o.memory_limit) return KT_OK;
    for (size_t i = 0; i < s->nparts; i++) KT_TRY(flush_committed(s, i, err));
    if (stage_used(s) > s->o.memory_limit / 2)
        for (size_t i = 0; i < s->nparts; i++) KT_TRY(spill_part(s, i, err));
    trim_capacity(s);
    return KT_OK;
}

kt_status kt_ingest_stage_file_done(kt_ingest_stage *s, kt_error *err)
{
    /* from the end, so the list always holds exactly the files the txn does not own yet */
    while (s->nspills > 0) {
        spill *sp = &s->spills[s->nspills - 1];
        KT_TRY(adopt(s, sp->part, sp->rel, sp->stats, sp->rows, err));
        free(sp->rel);
        free(sp->stats);
        s->nspills--;
    }
    for (size_t i = 0; i < s->nparts; i++) s->parts[i].committed = rows_of(&s->parts[i]);
    /* at a file boundary everything is committed: flushing costs no copies */
    if (stage_used(s) > s->o.memory_limit)
        for (size_t i = 0; i < s->nparts; i++) KT_TRY(flush_committed(s, i, err));
    trim_capacity(s);
    return KT_OK;
}

static void truncate_col(kt_column *c, size_t n)
{
    if (n >= c->len) return;
    c->len = n;
    if (c->valid) {
        size_t nulls = 0;
        for (size_t i = 0; i < n; i++) nulls += !c->valid[i];
        c->null_count = nulls;
    }
}

void kt_ingest_stage_file_abort(kt_ingest_stage *s)
{
    drop_spills(s);
    for (size_t i = 0; i < s->nparts; i++) {
        part *p = &s->parts[i];
        for (size_t c = 0; p->cols && c < s->ncols; c++) truncate_col(&p->cols[c], p->committed);
    }
}

kt_status kt_ingest_stage_finish(kt_ingest_stage *s, kt_error *err)
{
    for (size_t i = 0; i < s->nparts; i++) KT_TRY(flush_committed(s, i, err));
    return KT_OK;
}
