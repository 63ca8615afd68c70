/*
 * format/parquet/writer.c — the Parquet file writer: schema and option
 * validation, the temp-file-then-rename life cycle, row-group flushing and
 * the footer. Page encoding lives in column_encode.c.
 *
 * Layout written: "PAR1", then per row group and column the dictionary
 * page (strings) and data pages, then the thrift footer, its 4-byte
 * length and "PAR1".
 */
#define _GNU_SOURCE /* sync_file_range */
#include "format/parquet/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "format/parquet/column_encode.h"

enum { SLICE_ROWS = 65536, TEMP_ATTEMPTS = 16 };
#define MAX_PAGE_BYTES ((size_t)1 << 30)

struct kt_pq_writer {
    char *path;
    char *tmp_path;
    int fd;
    uint64_t offset;               /* bytes written to the temp file */
    uint64_t written_back;         /* bytes [0, written_back) handed to early writeback */
    kt_pq_write_options o;
    kt_arena meta;                 /* names, kv copies, footer structures, summaries */
    kt_pq_field *fields;
    size_t nfields;
    kt_pq_col_enc *cols;
    kt_pq_compressor *compressor;  /* one for all columns: the writer is single-threaded */
    size_t rg_rows;                /* rows in the open row group */
    int64_t total_rows;
    kt_pq_row_group *rgs;
    size_t num_rgs, cap_rgs;
    kt_pq_column_summary *summary; /* set by a successful close */
    kt_pq_col_bufs spare;          /* lent to each column in turn by column-at-a-time row groups */
    kt_pq_col_bufs *bufs;          /* the set used: &spare, or a paired writer's */
    bool chunk_group_open;         /* begin_row_group .. end_row_group */
    size_t chunk_rows, chunk_next; /* its rows; the next column expected */
    bool tmp_created;              /* tmp_path exists and is ours to remove */
    bool failed, closed;
};

void kt_pq_write_options_default(kt_pq_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = KT_PQ_CODEC_ZSTD;
    o->row_group_rows = 1048576;
    o->row_group_bytes = (size_t)128 << 20;
    o->page_bytes = (size_t)1 << 20;
    o->dict_max_bytes = (size_t)1 << 20;
    o->dictionary = true;
}

static const char *wtype_name(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return "bool";
    case KT_PQ_W_INT32: return "int32";
    case KT_PQ_W_INT64: return "int64";
    case KT_PQ_W_DOUBLE: return "double";
    case KT_PQ_W_STRING: return "string";
    case KT_PQ_W_TIMESTAMP_US: return "timestamp";
    }
    return "?";
}

static kt_type column_type_of(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return KT_BOOL;
    case KT_PQ_W_INT32: return KT_INT32;
    case KT_PQ_W_DOUBLE: return KT_DOUBLE;
    case KT_PQ_W_STRING: return KT_BYTES;
    default: return KT_INT64;
    }
}

static bool codec_writable(kt_pq_codec c)
{
    return c == KT_PQ_CODEC_UNCOMPRESSED || c == KT_PQ_CODEC_SNAPPY || c == KT_PQ_CODEC_GZIP ||
           c == KT_PQ_CODEC_ZSTD || c == KT_PQ_CODEC_LZ4_RAW || c == KT_PQ_CODEC_BROTLI;
}

static kt_status check_options(const char *path, const kt_pq_write_options *o, kt_error *err)
{
    if (!codec_writable(o->codec))
        return kt_fail(err, KT_ERR_USAGE, "%s: cannot write %s compression", path,
                       kt_pq_codec_name(o->codec));
    if (o->page_bytes > MAX_PAGE_BYTES)
        return kt_fail(err, KT_ERR_USAGE, "%s: page size %zu is over the 1 GiB limit", path, o->page_bytes);
    if (o->dict_max_bytes > MAX_PAGE_BYTES)
        return kt_fail(err, KT_ERR_USAGE, "%s: dictionary size %zu is over the 1 GiB limit", path,
                       o->dict_max_bytes);
    if (o->num_kv > INT32_MAX)
        return kt_fail(err, KT_ERR_USAGE, "%s: too many key-value entries (%zu)", path, o->num_kv);
    if (o->num_kv && !o->kv)
        return kt_fail(err, KT_ERR_USAGE, "%s: %zu key-value entries but no array", path, o->num_kv);
    for (size_t i = 0; i < o->num_kv; i++)
        if (!o->kv[i].key)
            return kt_fail(err, KT_ERR_USAGE, "%s: key-value metadata entry %zu has no key", path, i);
    return KT_OK;
}

static kt_status check_fields(const char *path, const kt_pq_field *f, size_t n, kt_error *err)
{
    if (n == 0) return kt_fail(err, KT_ERR_USAGE, "%s: a Parquet file needs at least one column", path);
    if (n > INT32_MAX / 2) return kt_fail(err, KT_ERR_USAGE, "%s: too many columns (%zu)", path, n);
    for (size_t i = 0; i < n; i++) {
        if (!f[i].name || !f[i].name[0])
            return kt_fail(err, KT_ERR_USAGE, "%s: column %zu has no name", path, i);
        if ((unsigned)f[i].type > KT_PQ_W_TIMESTAMP_US)
            return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' has unknown type %d", path, f[i].name,
                           (int)f[i].type);
        for (size_t j = 0; j < i; j++)
            if (strcmp(f[i].name, f[j].name) == 0)
                return kt_fail(err, KT_ERR_USAGE, "%s: column name '%s' appears twice", path, f[i].name);
    }
    return KT_OK;
}

/* Copies options and fields into the writer's arena; 0 sizes mean default. */
static kt_status copy_config(kt_pq_writer *w, const char *path, const kt_pq_field *fields, size_t n,
                             const kt_pq_write_options *opts)
{
    kt_pq_write_options d;
    kt_pq_write_options_default(&d);
    w->o = *opts;
    if (!w->o.row_group_rows) w->o.row_group_rows = d.row_group_rows;
    if (!w->o.row_group_bytes) w->o.row_group_bytes = d.row_group_bytes;
    if (!w->o.page_bytes) w->o.page_bytes = d.page_bytes;
    if (!w->o.dict_max_bytes) w->o.dict_max_bytes = d.dict_max_bytes;
    kt_pq_key_value *kv = kt_arena_calloc(&w->meta, opts->num_kv + 1, sizeof *kv);
    w->fields = kt_arena_calloc(&w->meta, n, sizeof *w->fields);
    w->path = kt_arena_strndup(&w->meta, path, strlen(path));
    if (!kv || !w->fields || !w->path) return KT_ERR_NOMEM;
    for (size_t i = 0; i < opts->num_kv; i++) {
        kv[i].key = kt_arena_strndup(&w->meta, opts->kv[i].key, strlen(opts->kv[i].key));
        kv[i].value = opts->kv[i].value
                          ? kt_arena_strndup(&w->meta, opts->kv[i].value, strlen(opts->kv[i].value))
                          : NULL;
        if (!kv[i].key || (opts->kv[i].value && !kv[i].value)) return KT_ERR_NOMEM;
    }
    w->o.kv = kv;
    for (size_t i = 0; i < n; i++) {
        w->fields[i] = fields[i];
        w->fields[i].name = kt_arena_strndup(&w->meta, fields[i].name, strlen(fields[i].name));
        if (!w->fields[i].name) return KT_ERR_NOMEM;
    }
    w->nfields = n;
    return KT_OK;
}

/* A name no other writer (thread or process) picks: pid plus random bits
 * mixed with this writer's address; O_EXCL settles any residual clash. */
static kt_status create_temp(kt_pq_writer *w, kt_error *err)
{
    size_t cap = strlen(w->path) + 64;
    w->tmp_path = kt_arena_alloc(&w->meta, cap);
    if (!w->tmp_path) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        uint64_t token = 0;
        if (getrandom(&token, sizeof token, GRND_NONBLOCK) != (ssize_t)sizeof token) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            token = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull + (uint64_t)attempt;
        }
        token ^= (uint64_t)(uintptr_t)w;
        snprintf(w->tmp_path, cap, "%s.tmp-%ld-%016" PRIx64, w->path, (long)getpid(), token);
        w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (w->fd >= 0) {
            w->tmp_created = true;
            return KT_OK;
        }
        if (errno != EEXIST) break;
    }
    int e = errno;
    return kt_fail_errno(err, KT_ERR_IO, e, "%s: cannot create temporary file", w->tmp_path);
}

static kt_status write_all(kt_pq_writer *w, const void *data, size_t len, kt_error *err)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(w->fd, p, len > ((size_t)1 << 30) ? (size_t)1 << 30 : len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            w->failed = true;
            return kt_fail_errno(err, KT_ERR_IO, n < 0 ? errno : EIO, "%s: write failed", w->tmp_path);
        }
        p += n;
        len -= (size_t)n;
        w->offset += (uint64_t)n;
    }
    return KT_OK;
}

kt_status kt_pq_writer_open(const char *path, const kt_pq_field *fields, size_t nfields,
                            const kt_pq_write_options *opts, kt_pq_writer **out, kt_error *err)
{
    *out = NULL;
    kt_pq_write_options defaults;
    if (!opts) {
        kt_pq_write_options_default(&defaults);
        opts = &defaults;
    }
    if (!path || !path[0]) return kt_fail(err, KT_ERR_USAGE, "parquet writer: empty output path");
    KT_TRY(check_fields(path, fields, nfields, err));
    KT_TRY(check_options(path, opts, err));
    kt_pq_writer *w = calloc(1, sizeof *w);
    if (!w) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", path);
    w->fd = -1;
    kt_arena_init(&w->meta, 0);
    kt_pq_col_bufs_init(&w->spare);
    w->bufs = &w->spare;
    if (copy_config(w, path, fields, nfields, opts) != KT_OK) {
        kt_pq_writer_free(w);
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", path);
    }
    w->cols = calloc(nfields, sizeof *w->cols);
    w->compressor = kt_pq_compressor_new(w->o.codec, w->o.compression_level);
    if (!w->cols || !w->compressor) {
        kt_pq_writer_free(w);
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < nfields; i++) {
        kt_pq_col_enc_opts co = {
            .type = w->fields[i].type, .nullable = w->fields[i].nullable, .codec = w->o.codec,
            .level = w->o.compression_level, .page_bytes = w->o.page_bytes,
            .dict_max_bytes = w->o.dict_max_bytes, .dictionary = w->o.dictionary,
            .byte_stream_split = w->o.byte_stream_split, .compressor = w->compressor,
        };
        kt_pq_col_enc_init(&w->cols[i], &co);
    }
    kt_status s = create_temp(w, err);
    if (s == KT_OK) s = write_all(w, "PAR1", 4, err);
    if (s != KT_OK) {
        kt_pq_writer_free(w);
        return s;
    }
    *out = w;
    return KT_OK;
}

static kt_status check_strings(const kt_pq_writer *w, const kt_pq_field *f, const kt_column *c,
                               size_t nrows, kt_error *err)
{
    if (nrows == 0) return KT_OK;
    if (!c->offsets || c->offsets[0] < 0)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' has no valid offsets", w->path, f->name);
    for (size_t r = 0; r < nrows; r++) {
        int64_t len = c->offsets[r + 1] - c->offsets[r];
        if (len < 0 || len > INT32_MAX)
            return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' row %zu: string length %lld is invalid",
                           w->path, f->name, r, (long long)len);
    }
    if ((uint64_t)c->offsets[nrows] > c->bytes_cap || (c->offsets[nrows] > 0 && !c->bytes))
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s': offsets run past the string bytes",
                       w->path, f->name);
    return KT_OK;
}

/* What every column of a batch needs, whatever its type: nrows rows, values
 * behind fixed-width ones, and no null in a field that allows none. */
static kt_status check_rows(const kt_pq_writer *w, const kt_pq_field *f, const kt_column *c, size_t nrows,
                            kt_error *err)
{
    if (c->len < nrows)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' has %zu rows, batch has %zu", w->path,
                       f->name, c->len, nrows);
    if (nrows && c->type != KT_BYTES && !c->values)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' has no values", w->path, f->name);
    if (!f->nullable && c->valid) {
        const uint8_t *z = memchr(c->valid, 0, nrows);
        if (z)
            return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' is not nullable but row %zu is null",
                           w->path, f->name, (size_t)(z - c->valid));
    }
    return KT_OK;
}

static kt_status check_column(const kt_pq_writer *w, size_t i, const kt_column *c, size_t nrows, kt_error *err)
{
    const kt_pq_field *f = &w->fields[i];
    if (c->type != column_type_of(f->type))
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' expects %s values, got %s column", w->path,
                       f->name, wtype_name(f->type), kt_type_name(c->type));
    KT_TRY(check_rows(w, f, c, nrows, err));
    if (c->type == KT_BYTES) KT_TRY(check_strings(w, f, c, nrows, err));
    return KT_OK;
}

/* A coded STRING column: INT32 codes whose present rows index dict, a
 * string column that passes the checks of any string column. */
static kt_status check_coded(const kt_pq_writer *w, size_t i, const kt_column *c, const kt_column *dict,
                             size_t nrows, kt_error *err)
{
    const kt_pq_field *f = &w->fields[i];
    if (f->type != KT_PQ_W_STRING || c->type != KT_INT32 || dict->type != KT_BYTES)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s': dictionary codes need a STRING field, INT32 codes "
                       "and a string dictionary", w->path, f->name);
    KT_TRY(check_strings(w, f, dict, dict->len, err));
    KT_TRY(check_rows(w, f, c, nrows, err));
    size_t r = kt_column_first_bad_code(c, nrows, dict->len);
    if (r < nrows)
        return kt_fail(err, KT_ERR_USAGE, "%s: column '%s' row %zu: code %d outside its dictionary of %zu",
                       w->path, f->name, r, KT_COL_I32(c)[r], dict->len);
    return KT_OK;
}

static kt_status check_batch(const kt_pq_writer *w, const kt_column *cols, const kt_column *const *dicts,
                             size_t ncols, size_t nrows, kt_error *err)
{
    if (ncols != w->nfields)
        return kt_fail(err, KT_ERR_USAGE, "%s: batch has %zu columns, schema has %zu", w->path, ncols,
                       w->nfields);
    for (size_t i = 0; i < ncols; i++)
        KT_TRY(dicts && dicts[i] ? check_coded(w, i, &cols[i], dicts[i], nrows, err)
                                 : check_column(w, i, &cols[i], nrows, err));
    return KT_OK;
}

static kt_status usable(const kt_pq_writer *w, kt_error *err)
{
    if (w->closed) return kt_fail(err, KT_ERR_USAGE, "%s: writer is already closed", w->path);
    if (w->failed) return kt_fail(err, KT_ERR_USAGE, "%s: writer failed earlier and cannot continue", w->path);
    return KT_OK;
}

/* Copies bytes into the footer arena (statistics must outlive the encoder). */
static const uint8_t *keep(kt_pq_writer *w, const uint8_t *p, uint32_t len)
{
    uint8_t *d = kt_arena_alloc(&w->meta, len ? len : 1);
    if (d && len) memcpy(d, p, len);
    return d;
}

static kt_status record_chunk(kt_pq_writer *w, size_t col, const kt_pq_chunk_result *r,
                              uint64_t start, kt_pq_column_chunk *cc)
{
    kt_pq_column_meta *m = &cc->meta_data;
    cc->file_offset = 0;   /* deprecated field: parquet.thrift says 0 */
    cc->has_meta_data = true;
    m->type = w->cols[col].physical;
    m->encodings = kt_arena_calloc(&w->meta, (size_t)r->num_encodings + 1, sizeof *m->encodings);
    m->path_in_schema = kt_arena_calloc(&w->meta, 1, sizeof *m->path_in_schema);
    if (!m->encodings || !m->path_in_schema) return KT_ERR_NOMEM;
    memcpy(m->encodings, r->encodings, (size_t)r->num_encodings * sizeof *m->encodings);
    m->num_encodings = r->num_encodings;
    m->path_in_schema[0] = w->fields[col].name;
    m->path_len = 1;
    m->codec = w->o.codec;
    m->num_values = r->num_values;
    m->total_uncompressed_size = r->total_uncompressed;
    m->total_compressed_size = r->total_compressed;
    m->data_page_offset = (int64_t)(start + r->dict_page->len);
    m->has_dictionary_page_offset = r->dict_page->len > 0;
    m->dictionary_page_offset = (int64_t)start;
    m->has_statistics = true;
    kt_pq_stats_encode(r->stats, &m->statistics);
    kt_pq_statistics *s = &m->statistics;
    if (s->has_min_value && !(s->min_value = keep(w, s->min_value, s->min_len))) return KT_ERR_NOMEM;
    if (s->has_max_value && !(s->max_value = keep(w, s->max_value, s->max_len))) return KT_ERR_NOMEM;
    return KT_OK;
}

static kt_status grow_row_groups(kt_pq_writer *w)
{
    if (w->num_rgs < w->cap_rgs) return KT_OK;
    if (w->num_rgs >= INT32_MAX) return KT_ERR_NOMEM;
    size_t cap = w->cap_rgs ? w->cap_rgs * 2 : 8;
    kt_pq_row_group *p = realloc(w->rgs, cap * sizeof *p);
    if (!p) return KT_ERR_NOMEM;
    w->rgs = p;
    w->cap_rgs = cap;
    return KT_OK;
}

/* A file that will be fsynced starts going to disk as each row group is
 * written, so the fsync at close waits for the tail only and the disk
 * works while the next row group is encoded. A hint: errors surface at
 * the fsync. */
static void start_writeback(kt_pq_writer *w)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (w->o.no_fsync || w->offset - w->written_back < ((uint64_t)1 << 20)) return;
    sync_file_range(w->fd, (off_t)w->written_back, (off_t)(w->offset - w->written_back), SYNC_FILE_RANGE_WRITE);
    w->written_back = w->offset;
#else
    (void)w;
#endif
}

/* Starts the footer entry of row group w->num_rgs (not counted until done). */
static kt_status open_row_group(kt_pq_writer *w, size_t rows, kt_error *err)
{
    if (grow_row_groups(w) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    kt_pq_row_group *rg = &w->rgs[w->num_rgs];
    memset(rg, 0, sizeof *rg);
    rg->columns = kt_arena_calloc(&w->meta, w->nfields, sizeof *rg->columns);
    if (!rg->columns) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    rg->num_columns = (int32_t)w->nfields;
    rg->num_rows = (int64_t)rows;
    rg->has_file_offset = rg->has_total_compressed_size = true;
    rg->file_offset = (int64_t)w->offset;
    rg->has_ordinal = w->num_rgs <= INT16_MAX;
    rg->ordinal = (int16_t)(rg->has_ordinal ? w->num_rgs : 0);
    return KT_OK;
}

/* Writes a finished chunk to column c of w's open row group and records it. */
static kt_status put_chunk(kt_pq_writer *w, size_t c, const kt_pq_chunk_result *r, kt_error *err)
{
    kt_pq_row_group *rg = &w->rgs[w->num_rgs];
    uint64_t start = w->offset;
    KT_TRY(write_all(w, r->dict_page->data, r->dict_page->len, err));
    KT_TRY(write_all(w, r->data_pages->data, r->data_pages->len, err));
    if (record_chunk(w, c, r, start, &rg->columns[c]) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    rg->total_byte_size += r->total_uncompressed;
    rg->total_compressed_size += r->total_compressed;
    return KT_OK;
}

/* Finishes column c's chunk of the open row group and writes it to the file. */
static kt_status emit_chunk(kt_pq_writer *w, size_t c, kt_error *err)
{
    kt_pq_chunk_result r;
    kt_status s = kt_pq_col_enc_finish_chunk(&w->cols[c], &r, err);
    if (s != KT_OK) {
        kt_error_prefix(err, "%s: column '%s'", w->path, w->fields[c].name);
        return s;
    }
    KT_TRY(put_chunk(w, c, &r, err));
    s = kt_pq_col_enc_next_chunk(&w->cols[c], err);
    if (s != KT_OK) kt_error_prefix(err, "%s: column '%s'", w->path, w->fields[c].name);
    return s;
}

static kt_status flush_row_group(kt_pq_writer *w, kt_error *err)
{
    if (w->rg_rows == 0) return KT_OK;
    w->failed = true;   /* until this row group is fully written */
    KT_TRY(open_row_group(w, w->rg_rows, err));
    for (size_t c = 0; c < w->nfields; c++) KT_TRY(emit_chunk(w, c, err));
    w->num_rgs++;
    w->rg_rows = 0;
    w->failed = false;
    start_writeback(w);
    return KT_OK;
}

static size_t buffered_bytes(const kt_pq_writer *w)
{
    size_t total = 0;
    for (size_t c = 0; c < w->nfields; c++) total += kt_pq_col_enc_buffered(&w->cols[c]);
    return total;
}

static kt_status write_batch(kt_pq_writer *w, const kt_column *cols, const kt_column *const *dicts, size_t ncols,
                             size_t nrows, kt_error *err)
{
    KT_TRY(usable(w, err));
    if (w->chunk_group_open)
        return kt_fail(err, KT_ERR_USAGE, "%s: a column-at-a-time row group is open", w->path);
    KT_TRY(check_batch(w, cols, dicts, ncols, nrows, err));
    size_t done = 0;
    while (done < nrows) {
        size_t take = nrows - done;
        if (take > w->o.row_group_rows - w->rg_rows) take = w->o.row_group_rows - w->rg_rows;
        if (take > SLICE_ROWS) take = SLICE_ROWS;
        for (size_t c = 0; c < w->nfields; c++) {
            kt_status s = dicts && dicts[c]
                              ? kt_pq_col_enc_append_coded(&w->cols[c], &cols[c], dicts[c], done, take, err)
                              : kt_pq_col_enc_append(&w->cols[c], &cols[c], done, take, err);
            if (s != KT_OK) {
                w->failed = true;
                kt_error_prefix(err, "%s: column '%s'", w->path, w->fields[c].name);
                return s;
            }
        }
        w->rg_rows += take;
        w->total_rows += (int64_t)take;
        done += take;
        if (w->rg_rows >= w->o.row_group_rows || buffered_bytes(w) >= w->o.row_group_bytes)
            KT_TRY(flush_row_group(w, err));
    }
    return KT_OK;
}

kt_status kt_pq_writer_write_columns(kt_pq_writer *w, const kt_column *cols, size_t ncols, size_t nrows,
                                     kt_error *err)
{
    return write_batch(w, cols, NULL, ncols, nrows, err);
}

kt_status kt_pq_writer_write(kt_pq_writer *w, const kt_column *cols, size_t nrows, kt_error *err)
{
    return write_batch(w, cols, NULL, w->nfields, nrows, err);
}

kt_status kt_pq_writer_write_coded(kt_pq_writer *w, const kt_column *cols, const kt_column *const *dicts,
                                   size_t nrows, kt_error *err)
{
    return write_batch(w, cols, dicts, w->nfields, nrows, err);
}

/* ---- column-at-a-time row groups ---- */

kt_status kt_pq_writer_begin_row_group(kt_pq_writer *w, size_t nrows, kt_error *err)
{
    KT_TRY(usable(w, err));
    if (w->chunk_group_open || w->rg_rows)
        return kt_fail(err, KT_ERR_USAGE, "%s: a row group is already open", w->path);
    if (nrows == 0 || nrows > INT32_MAX)
        return kt_fail(err, KT_ERR_USAGE, "%s: a row group of %zu rows", w->path, nrows);
    KT_TRY(open_row_group(w, nrows, err));
    w->chunk_group_open = true;
    w->chunk_rows = nrows;
    w->chunk_next = 0;
    return KT_OK;
}

kt_status kt_pq_writer_write_chunk(kt_pq_writer *w, size_t col, const kt_column *values, kt_error *err)
{
    KT_TRY(usable(w, err));
    if (!w->chunk_group_open) return kt_fail(err, KT_ERR_USAGE, "%s: no row group begun", w->path);
    if (col != w->chunk_next)
        return kt_fail(err, KT_ERR_USAGE, "%s: column %zu written, column %zu expected", w->path, col,
                       w->chunk_next);
    KT_TRY(check_column(w, col, values, w->chunk_rows, err));
    kt_pq_col_enc_swap_bufs(&w->cols[col], w->bufs);
    kt_status s = kt_pq_col_enc_append(&w->cols[col], values, 0, w->chunk_rows, err);
    if (s != KT_OK) kt_error_prefix(err, "%s: column '%s'", w->path, w->fields[col].name);
    else s = emit_chunk(w, col, err);
    kt_pq_col_enc_swap_bufs(&w->cols[col], w->bufs);
    if (s != KT_OK) {
        w->failed = true;
        return s;
    }
    w->chunk_next++;
    return KT_OK;
}

kt_status kt_pq_writer_end_row_group(kt_pq_writer *w, kt_error *err)
{
    KT_TRY(usable(w, err));
    if (!w->chunk_group_open || w->chunk_next != w->nfields)
        return kt_fail(err, KT_ERR_USAGE, "%s: row group ended after %zu of %zu columns", w->path,
                       w->chunk_group_open ? w->chunk_next : 0, w->nfields);
    w->num_rgs++;
    w->total_rows += (int64_t)w->chunk_rows;
    w->chunk_group_open = false;
    start_writeback(w);
    return KT_OK;
}

static bool same_encoding(const kt_pq_writer *a, const kt_pq_writer *b)
{
    return a->o.codec == b->o.codec && a->o.compression_level == b->o.compression_level &&
           a->o.page_bytes == b->o.page_bytes && a->o.dict_max_bytes == b->o.dict_max_bytes &&
           a->o.dictionary == b->o.dictionary && a->o.byte_stream_split == b->o.byte_stream_split;
}

kt_status kt_pq_writer_pair(kt_pq_writer *a, kt_pq_writer *b, kt_error *err)
{
    KT_TRY(usable(a, err));
    KT_TRY(usable(b, err));
    if (a == b || !same_encoding(a, b))
        return kt_fail(err, KT_ERR_USAGE, "%s: cannot pair with %s (different codec or page options)", b->path,
                       a->path);
    b->bufs = a->bufs;
    for (size_t c = 0; c < b->nfields; c++) b->cols[c].o.compressor = a->compressor;
    return KT_OK;
}

kt_status kt_pq_writer_write_chunk_twin(kt_pq_writer *a, kt_pq_writer *b, size_t col, const kt_column *values,
                                        kt_error *err)
{
    KT_TRY(usable(a, err));
    KT_TRY(usable(b, err));
    if (!a->chunk_group_open || !b->chunk_group_open || a->chunk_rows != b->chunk_rows)
        return kt_fail(err, KT_ERR_USAGE, "%s, %s: no row groups of the same size begun", a->path, b->path);
    if (col != a->chunk_next || col != b->chunk_next)
        return kt_fail(err, KT_ERR_USAGE, "%s, %s: column %zu written, columns %zu and %zu expected", a->path,
                       b->path, col, a->chunk_next, b->chunk_next);
    if (col >= b->nfields || strcmp(a->fields[col].name, b->fields[col].name) != 0 ||
        a->fields[col].type != b->fields[col].type || a->fields[col].nullable != b->fields[col].nullable ||
        !same_encoding(a, b))
        return kt_fail(err, KT_ERR_USAGE, "%s, %s: column %zu differs between the two files", a->path, b->path,
                       col);
    KT_TRY(check_column(a, col, values, a->chunk_rows, err));
    kt_pq_col_enc *e = &a->cols[col];
    kt_pq_col_enc_swap_bufs(e, a->bufs);
    kt_pq_chunk_result r;
    kt_status s = kt_pq_col_enc_append(e, values, 0, a->chunk_rows, err);
    if (s == KT_OK) s = kt_pq_col_enc_finish_chunk(e, &r, err);
    if (s != KT_OK) kt_error_prefix(err, "%s: column '%s'", a->path, a->fields[col].name);
    if (s == KT_OK) s = put_chunk(a, col, &r, err);
    if (s == KT_OK) s = put_chunk(b, col, &r, err);
    if (s == KT_OK && kt_pq_stats_merge(&b->cols[col].file_stats, r.stats) != KT_OK)
        s = kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", b->path);
    if (s == KT_OK) s = kt_pq_col_enc_next_chunk(e, err);
    kt_pq_col_enc_swap_bufs(e, a->bufs);
    if (s != KT_OK) {
        a->failed = b->failed = true;
        return s;
    }
    a->chunk_next++;
    b->chunk_next++;
    return KT_OK;
}

size_t kt_pq_writer_buffer_bytes(const kt_pq_writer *w)
{
    size_t total = kt_pq_col_bufs_capacity(w->bufs);
    for (size_t c = 0; c < w->nfields; c++) total += kt_pq_col_enc_capacity(&w->cols[c]);
    return total;
}

static void leaf_schema(const kt_pq_field *f, kt_pq_schema_element *s)
{
    memset(s, 0, sizeof *s);
    s->name = f->name;
    s->has_type = true;
    s->has_repetition = true;
    s->repetition = f->nullable ? KT_PQ_OPTIONAL : KT_PQ_REQUIRED;
    s->converted = KT_PQ_CT_NONE;
    switch (f->type) {
    case KT_PQ_W_BOOL: s->type = KT_PQ_BOOLEAN; break;
    case KT_PQ_W_INT32: s->type = KT_PQ_INT32; break;
    case KT_PQ_W_INT64: s->type = KT_PQ_INT64; break;
    case KT_PQ_W_DOUBLE: s->type = KT_PQ_DOUBLE; break;
    case KT_PQ_W_STRING:
        s->type = KT_PQ_BYTE_ARRAY;
        s->converted = KT_PQ_CT_UTF8;
        s->logical.kind = KT_PQ_LT_STRING;
        break;
    case KT_PQ_W_TIMESTAMP_US:
        s->type = KT_PQ_INT64;
        s->converted = KT_PQ_CT_TIMESTAMP_MICROS;
        s->logical.kind = KT_PQ_LT_TIMESTAMP;
        s->logical.utc = true;
        s->logical.unit = KT_PQ_UNIT_MICROS;
        break;
    }
}

static kt_status write_footer(kt_pq_writer *w, kt_error *err)
{
    kt_pq_schema_element *schema = kt_arena_calloc(&w->meta, w->nfields + 1, sizeof *schema);
    if (!schema) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    schema[0].name = "schema";
    schema[0].has_repetition = true;
    schema[0].repetition = KT_PQ_REQUIRED;
    schema[0].num_children = (int32_t)w->nfields;
    schema[0].converted = KT_PQ_CT_NONE;
    for (size_t i = 0; i < w->nfields; i++) leaf_schema(&w->fields[i], &schema[i + 1]);
    kt_pq_file_meta m = {
        .version = 1, .schema = schema, .num_schema = (int32_t)w->nfields + 1,
        .num_rows = w->total_rows, .row_groups = w->rgs, .num_row_groups = (int32_t)w->num_rgs,
        .kv = (kt_pq_key_value *)w->o.kv, .num_kv = (int32_t)w->o.num_kv,
        .created_by = "kinetl version " KT_VERSION, .has_column_orders = true,
    };
    kt_buf footer;
    kt_buf_init(&footer);
    kt_status s = kt_pq_write_file_meta(&m, &footer);
    if (s == KT_OK && footer.len > UINT32_MAX) s = KT_ERR_NOMEM;
    if (s != KT_OK) {
        kt_buf_free(&footer);
        return kt_fail(err, s, "%s: cannot encode the footer", w->path);
    }
    uint8_t tail[8] = { (uint8_t)footer.len, (uint8_t)(footer.len >> 8), (uint8_t)(footer.len >> 16),
                        (uint8_t)(footer.len >> 24), 'P', 'A', 'R', '1' };
    s = write_all(w, footer.data, footer.len, err);
    if (s == KT_OK) s = write_all(w, tail, sizeof tail, err);
    kt_buf_free(&footer);
    return s;
}

static kt_status sync_directory(const kt_pq_writer *w, kt_error *err)
{
    const char *slash = strrchr(w->path, '/');
    char *dir = slash ? strndup(w->path, slash == w->path ? 1 : (size_t)(slash - w->path)) : strdup(".");
    if (!dir) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    kt_status s = KT_OK;
    if (fd < 0 || fsync(fd) != 0)
        s = kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot sync directory %s", w->path, dir);
    if (fd >= 0) close(fd);
    free(dir);
    return s;
}

static kt_status build_summary(kt_pq_writer *w)
{
    w->summary = kt_arena_calloc(&w->meta, w->nfields, sizeof *w->summary);
    if (!w->summary) return KT_ERR_NOMEM;
    for (size_t c = 0; c < w->nfields; c++) {
        const kt_pq_stats *st = kt_pq_col_enc_file_stats(&w->cols[c]);
        kt_pq_column_summary *s = &w->summary[c];
        s->null_count = st->null_count;
        s->has_min_max = kt_pq_stats_has_min_max(st);
        if (!s->has_min_max) continue;
        s->min_i = st->min_i;
        s->max_i = st->max_i;
        s->min_d = st->min_d == 0 ? -0.0 : st->min_d;
        s->max_d = st->max_d == 0 ? +0.0 : st->max_d;
        if (st->kind == KT_PQ_STAT_BYTES) {
            s->min_s = kt_arena_strndup(&w->meta, (const char *)st->min_s.data, st->min_s.len);
            s->max_s = kt_arena_strndup(&w->meta, (const char *)st->max_s.data, st->max_s.len);
            if (!s->min_s || !s->max_s) return KT_ERR_NOMEM;
            s->min_len = st->min_s.len;
            s->max_len = st->max_s.len;
        }
    }
    return KT_OK;
}

kt_status kt_pq_writer_close(kt_pq_writer *w, kt_error *err)
{
    KT_TRY(usable(w, err));
    if (w->chunk_group_open)
        return kt_fail(err, KT_ERR_USAGE, "%s: closed inside a row group (%zu of %zu columns written)",
                       w->path, w->chunk_next, w->nfields);
    KT_TRY(flush_row_group(w, err));
    KT_TRY(write_footer(w, err));
    w->failed = true;   /* until renamed */
    bool sync_now = !w->o.no_fsync && !w->o.defer_sync;
    if (sync_now && fsync(w->fd) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: fsync failed", w->tmp_path);
    int rc = close(w->fd);
    w->fd = -1;
    if (rc != 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: close failed", w->tmp_path);
    if (build_summary(w) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->path);
    if (rename(w->tmp_path, w->path) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot rename to %s", w->tmp_path, w->path);
    w->closed = true;
    w->failed = false;
    if (sync_now) KT_TRY(sync_directory(w, err));
    return KT_OK;
}

int64_t kt_pq_writer_rows(const kt_pq_writer *w) { return w->total_rows; }

uint64_t kt_pq_writer_file_size(const kt_pq_writer *w) { return w->offset; }

const kt_pq_column_summary *kt_pq_writer_summary(const kt_pq_writer *w, size_t column)
{
    if (!w->closed || !w->summary || column >= w->nfields) return NULL;
    return &w->summary[column];
}

void kt_pq_writer_free(kt_pq_writer *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    if (!w->closed && w->tmp_created) unlink(w->tmp_path);
    if (w->cols)
        for (size_t i = 0; i < w->nfields; i++) kt_pq_col_enc_free(&w->cols[i]);
    free(w->cols);
    kt_pq_col_bufs_free(&w->spare);
    kt_pq_compressor_free(w->compressor);
    free(w->rgs);
    kt_arena_free(&w->meta);
    free(w);
}
