/*
 * format/parquet/column_encode.c — page and chunk assembly for one
 * column. Values are PLAIN-gathered (or dictionary-indexed) into the open
 * page as they arrive; when the page's estimated encoded size reaches
 * page_bytes it is finished: levels and values are laid out, compressed,
 * and appended with their header to the chunk buffer.
 */
#include "format/parquet/column_encode.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "format/parquet/compress.h"
#include "format/parquet/plain_encode.h"
#include "format/parquet/rle_encode.h"

static kt_pq_stat_kind stat_kind_of(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return KT_PQ_STAT_BOOL;
    case KT_PQ_W_INT32: return KT_PQ_STAT_INT32;
    case KT_PQ_W_DOUBLE: return KT_PQ_STAT_DOUBLE;
    case KT_PQ_W_STRING: return KT_PQ_STAT_BYTES;
    case KT_PQ_W_INT64:
    case KT_PQ_W_TIMESTAMP_US: break;
    }
    return KT_PQ_STAT_INT64;
}

static kt_pq_physical physical_of(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return KT_PQ_BOOLEAN;
    case KT_PQ_W_INT32: return KT_PQ_INT32;
    case KT_PQ_W_DOUBLE: return KT_PQ_DOUBLE;
    case KT_PQ_W_STRING: return KT_PQ_BYTE_ARRAY;
    case KT_PQ_W_INT64:
    case KT_PQ_W_TIMESTAMP_US: break;
    }
    return KT_PQ_INT64;
}

static size_t width_of(kt_pq_wtype t)
{
    switch (t) {
    case KT_PQ_W_BOOL: return 1;
    case KT_PQ_W_INT32: return 4;
    case KT_PQ_W_STRING: return 0;
    default: return 8;
    }
}

void kt_pq_col_enc_init(kt_pq_col_enc *e, const kt_pq_col_enc_opts *o)
{
    memset(e, 0, sizeof *e);
    e->o = *o;
    e->physical = physical_of(o->type);
    e->width = width_of(o->type);
    kt_buf_init(&e->values);
    kt_buf_init(&e->pages);
    kt_buf_init(&e->dict_page);
    kt_buf_init(&e->body);
    kt_buf_init(&e->compressed);
    kt_buf_init(&e->header);
    kt_pq_stats_init(&e->page_stats, stat_kind_of(o->type));
    kt_pq_stats_init(&e->chunk_stats, stat_kind_of(o->type));
    kt_pq_stats_init(&e->file_stats, stat_kind_of(o->type));
    kt_pq_dict_enc_init(&e->dict, o->dict_max_bytes);
    e->dict_mode = o->type == KT_PQ_W_STRING && o->dictionary;
}

void kt_pq_col_enc_free(kt_pq_col_enc *e)
{
    kt_buf_free(&e->values);
    kt_buf_free(&e->pages);
    kt_buf_free(&e->dict_page);
    kt_buf_free(&e->body);
    kt_buf_free(&e->compressed);
    kt_buf_free(&e->header);
    free(e->indices);
    free(e->levels);
    free(e->code_map);
    kt_pq_stats_free(&e->page_stats);
    kt_pq_stats_free(&e->chunk_stats);
    kt_pq_stats_free(&e->file_stats);
    kt_pq_dict_enc_free(&e->dict);
    e->indices = NULL;
    e->levels = NULL;
}

/* Bit width of dictionary indices for the current dictionary (at least 1:
 * width 0 is legal but some readers mishandle it). */
static int dict_bit_width(const kt_pq_col_enc *e)
{
    int w = kt_pq_bit_width(e->dict.count ? (uint32_t)(e->dict.count - 1) : 0);
    return w ? w : 1;
}

/* Estimated encoded size of the open page. */
static size_t page_fill(const kt_pq_col_enc *e)
{
    size_t levels = e->o.nullable ? e->page_rows / 8 : 0;
    if (e->o.type == KT_PQ_W_STRING && e->dict_mode)
        return levels + e->n_indices * (size_t)dict_bit_width(e) / 8;
    if (e->o.type == KT_PQ_W_BOOL) return levels + e->values.len / 8;
    return levels + e->values.len;
}

static bool page_is_full(const kt_pq_col_enc *e)
{
    return e->page_rows >= KT_PQ_PAGE_MAX_ROWS || page_fill(e) >= e->o.page_bytes;
}

size_t kt_pq_col_enc_buffered(const kt_pq_col_enc *e)
{
    return e->pages.len + page_fill(e);
}

static kt_status nomem(kt_error *err, const char *what)
{
    return kt_fail(err, KT_ERR_NOMEM, "out of memory %s", what);
}

/* Room for `rows` more definition levels in the open page. */
static kt_status reserve_levels(kt_pq_col_enc *e, size_t rows)
{
    size_t need = e->page_rows + rows;
    if (need <= e->cap_levels) return KT_OK;
    size_t cap = e->cap_levels ? e->cap_levels : 4096;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(e->levels, cap);
    if (!p) return KT_ERR_NOMEM;
    e->levels = p;
    e->cap_levels = cap;
    return KT_OK;
}

static kt_status push_index(kt_pq_col_enc *e, uint32_t index)
{
    if (e->n_indices == e->cap_indices) {
        size_t cap = e->cap_indices ? e->cap_indices * 2 : 4096;
        uint32_t *p = realloc(e->indices, cap * sizeof *p);
        if (!p) return KT_ERR_NOMEM;
        e->indices = p;
        e->cap_indices = cap;
    }
    e->indices[e->n_indices++] = index;
    return KT_OK;
}

/* Lays out [levels][values] of the open page in e->body (or returns the
 * values buffer itself when no copy is needed); sets *encoding. */
static kt_status build_page_body(kt_pq_col_enc *e, const kt_buf **body, kt_pq_encoding *encoding)
{
    kt_buf *b = &e->body;
    kt_buf_clear(b);
    if (e->o.nullable) {
        KT_TRY(kt_buf_append(b, "\0\0\0\0", 4));
        KT_TRY(kt_pq_rle_encode_u8(e->levels, e->page_rows, 1, b));
        size_t n = b->len - 4;
        if (n > INT32_MAX) return KT_ERR_NOMEM;
        for (int k = 0; k < 4; k++) b->data[k] = (uint8_t)(n >> (8 * k));
    }
    *encoding = KT_PQ_ENC_PLAIN;
    if (e->o.type == KT_PQ_W_STRING && e->dict_mode) {
        if (e->dict.count > 0) {    /* else: every row null so far, no values */
            int w = dict_bit_width(e);
            KT_TRY(kt_buf_append_byte(b, (uint8_t)w));
            KT_TRY(kt_pq_rle_encode_u32(e->indices, e->n_indices, w, b));
            *encoding = KT_PQ_ENC_RLE_DICTIONARY;
        }
    } else if (e->o.type == KT_PQ_W_BOOL) {
        KT_TRY(kt_pq_pack_bools(e->values.data, e->values.len, b));
    } else if (e->o.type == KT_PQ_W_DOUBLE && e->o.byte_stream_split) {
        KT_TRY(kt_pq_byte_stream_split_encode(e->values.data, e->values.len, e->width, b));
        *encoding = KT_PQ_ENC_BYTE_STREAM_SPLIT;
    } else if (e->o.nullable) {
        KT_TRY(kt_buf_append(b, e->values.data, e->values.len));
    } else {
        *body = &e->values;
        return KT_OK;
    }
    *body = b;
    return KT_OK;
}

/* Compresses body and appends [header][compressed] to dst; returns the
 * header length through *header_len. */
static kt_status emit_page(kt_pq_col_enc *e, kt_pq_page_header *h, const kt_buf *body, kt_buf *dst,
                           size_t *header_len, kt_error *err)
{
    if (body->len > INT32_MAX)
        return kt_fail(err, KT_ERR_USAGE, "page of %zu bytes exceeds the 2 GiB page limit", body->len);
    const kt_buf *comp = body;
    if (e->o.codec != KT_PQ_CODEC_UNCOMPRESSED) {
        kt_buf_clear(&e->compressed);
        KT_TRY(e->o.compressor
                   ? kt_pq_compressor_run(e->o.compressor, body->data, body->len, &e->compressed, err)
                   : kt_pq_compress(e->o.codec, e->o.level, body->data, body->len, &e->compressed, err));
        comp = &e->compressed;
    }
    if (comp->len > INT32_MAX)
        return kt_fail(err, KT_ERR_USAGE, "compressed page of %zu bytes exceeds 2 GiB", comp->len);
    h->uncompressed_page_size = (int32_t)body->len;
    h->compressed_page_size = (int32_t)comp->len;
    kt_buf_clear(&e->header);
    if (kt_pq_write_page_header(h, &e->header) != KT_OK ||
        kt_buf_append(dst, e->header.data, e->header.len) != KT_OK ||
        kt_buf_append(dst, comp->data, comp->len) != KT_OK)
        return nomem(err, "buffering a page");
    *header_len = e->header.len;
    return KT_OK;
}

static kt_status finish_page(kt_pq_col_enc *e, kt_error *err)
{
    if (e->page_rows == 0) return KT_OK;
    const kt_buf *body;
    kt_pq_encoding encoding;
    if (build_page_body(e, &body, &encoding) != KT_OK) return nomem(err, "encoding a page");
    kt_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = KT_PQ_PAGE_DATA;
    h.has_data_page_header = true;
    h.data_page_header.num_values = (int32_t)e->page_rows;
    h.data_page_header.encoding = encoding;
    h.data_page_header.definition_level_encoding = KT_PQ_ENC_RLE;
    h.data_page_header.repetition_level_encoding = KT_PQ_ENC_RLE;
    h.data_page_header.has_statistics = true;
    kt_pq_stats_encode(&e->page_stats, &h.data_page_header.statistics);
    size_t header_len;
    KT_TRY(emit_page(e, &h, body, &e->pages, &header_len, err));
    e->chunk_uncompressed += (int64_t)(header_len + body->len);
    e->chunk_values += (int64_t)e->page_rows;
    e->encodings |= 1u << encoding;
    if (e->o.nullable) e->encodings |= 1u << KT_PQ_ENC_RLE;
    if (kt_pq_stats_merge(&e->chunk_stats, &e->page_stats) != KT_OK) return nomem(err, "merging statistics");
    kt_buf_clear(&e->values);
    kt_pq_stats_reset(&e->page_stats);
    e->n_indices = 0;
    e->page_rows = 0;
    return KT_OK;
}

/* Rows of a fixed-width column that still fit in the open page (>= 1). */
static size_t fixed_room(const kt_pq_col_enc *e, size_t n)
{
    size_t fill = page_fill(e);
    size_t left = fill < e->o.page_bytes ? e->o.page_bytes - fill : 0;
    size_t rows = e->o.type == KT_PQ_W_BOOL ? left * 8 : left / e->width;
    if (rows < 1) rows = 1;
    if (rows > n) rows = n;
    if (rows > KT_PQ_PAGE_MAX_ROWS - e->page_rows) rows = KT_PQ_PAGE_MAX_ROWS - e->page_rows;
    return rows;
}

static void record_levels(kt_pq_col_enc *e, const uint8_t *valid, size_t n)
{
    uint8_t *dst = e->levels + e->page_rows;
    if (!valid) {
        memset(dst, 1, n);
        return;
    }
    for (size_t i = 0; i < n; i++) dst[i] = valid[i] != 0;
}

static void update_fixed_stats(kt_pq_stats *s, kt_pq_wtype type, const uint8_t *v, size_t n)
{
    switch (type) {
    case KT_PQ_W_BOOL: kt_pq_stats_update_bool(s, v, n); break;
    case KT_PQ_W_INT32: kt_pq_stats_update_i32(s, v, n); break;
    case KT_PQ_W_DOUBLE: kt_pq_stats_update_double(s, v, n); break;
    default: kt_pq_stats_update_i64(s, v, n); break;
    }
}

static kt_status append_fixed(kt_pq_col_enc *e, const kt_column *col, size_t start, size_t n,
                              kt_error *err)
{
    const uint8_t *src = col->values;
    const uint8_t *valid = e->o.nullable ? col->valid : NULL;
    while (n > 0) {
        size_t rows = fixed_room(e, n);
        if (e->o.nullable) {
            if (reserve_levels(e, rows) != KT_OK) return nomem(err, "buffering levels");
            record_levels(e, valid ? valid + start : NULL, rows);
        }
        size_t old = e->values.len, appended;
        if (kt_pq_plain_encode_fixed(src + start * e->width, valid ? valid + start : NULL, rows,
                                     e->width, &e->values, &appended) != KT_OK)
            return nomem(err, "buffering values");
        update_fixed_stats(&e->page_stats, e->o.type, e->values.data + old, appended);
        kt_pq_stats_add_nulls(&e->page_stats, rows - appended);
        e->page_rows += rows;
        start += rows;
        n -= rows;
        if (page_is_full(e)) KT_TRY(finish_page(e, err));
    }
    return KT_OK;
}

/* The smallest and largest strings seen by one append call, pointing into
 * the caller's column; committed to the chunk statistics (one copy each)
 * before the call returns. */
typedef struct string_range {
    const char *lo, *hi;
    size_t lo_len, hi_len;
} string_range;

static void range_add(string_range *r, const char *s, size_t len)
{
    if (!r->lo) {
        r->lo = r->hi = s;
        r->lo_len = r->hi_len = len;
    } else if (kt_pq_bytes_cmp(s, len, r->hi, r->hi_len) > 0) {
        r->hi = s;
        r->hi_len = len;
    } else if (kt_pq_bytes_cmp(s, len, r->lo, r->lo_len) < 0) {
        r->lo = s;
        r->lo_len = len;
    }
}

static kt_status range_commit(kt_pq_col_enc *e, const string_range *r, kt_error *err)
{
    if (!r->lo) return KT_OK;
    if (kt_pq_stats_update_bytes(&e->chunk_stats, r->lo, r->lo_len) != KT_OK ||
        kt_pq_stats_update_bytes(&e->chunk_stats, r->hi, r->hi_len) != KT_OK)
        return nomem(err, "updating statistics");
    return KT_OK;
}

/* One non-null string: into the dictionary while it has room, else PLAIN.
 * Only new dictionary entries can move min/max, so only they are compared. */
static kt_status append_string_value(kt_pq_col_enc *e, const char *s, size_t len, string_range *r,
                                     kt_error *err)
{
    if (e->dict_mode) {
        uint32_t index;
        bool is_new, full;
        if (kt_pq_dict_enc_put(&e->dict, s, len, &index, &is_new, &full) != KT_OK)
            return nomem(err, "growing the dictionary");
        if (!full) {
            if (push_index(e, index) != KT_OK) return nomem(err, "buffering indices");
            if (is_new) range_add(r, s, len);
            return KT_OK;
        }
        /* Fallback: the open page stays dictionary-encoded; this row starts a PLAIN page. */
        KT_TRY(finish_page(e, err));
        e->dict_mode = false;
    }
    if (kt_pq_plain_encode_byte_array(&e->values, s, len) != KT_OK) return nomem(err, "buffering values");
    range_add(r, s, len);
    return KT_OK;
}

/* The previous dictionary-encoded value of this call: a row equal to it
 * takes its index without hashing (low-cardinality columns come in runs,
 * e.g. a file name repeated on every row of that file). */
typedef struct repeat_cache {
    const char *s;      /* NULL: none */
    size_t len;
    uint32_t index;
} repeat_cache;

static kt_status append_present_string(kt_pq_col_enc *e, const char *s, size_t len, string_range *r,
                                       repeat_cache *last, kt_error *err)
{
    if (last->s && len == last->len && memcmp(s, last->s, len) == 0)
        return push_index(e, last->index) == KT_OK ? KT_OK : nomem(err, "buffering indices");
    KT_TRY(append_string_value(e, s, len, r, err));
    /* only while the dictionary is in use: after a fallback rows are PLAIN */
    *last = e->dict_mode ? (repeat_cache){ s, len, e->indices[e->n_indices - 1] } : (repeat_cache){ 0 };
    return KT_OK;
}

/* After a string row (present or null): its level, and the page closed when full. */
static kt_status end_string_row(kt_pq_col_enc *e, bool present, kt_error *err)
{
    if (!present) kt_pq_stats_add_nulls(&e->page_stats, 1);
    if (e->o.nullable) {
        if (reserve_levels(e, 1) != KT_OK) return nomem(err, "buffering levels");
        e->levels[e->page_rows] = present;
    }
    e->page_rows++;
    /* Indices take at most 4 bytes, so checking every 256 rows overshoots little. */
    if ((!e->dict_mode || (e->page_rows & 255) == 0) && page_is_full(e)) KT_TRY(finish_page(e, err));
    return KT_OK;
}

static kt_status append_string_rows(kt_pq_col_enc *e, const kt_column *col, size_t start, size_t n,
                                    string_range *r, kt_error *err)
{
    const uint8_t *valid = e->o.nullable ? col->valid : NULL;
    repeat_cache last = { 0 };
    for (size_t i = start; i < start + n; i++) {
        bool present = !valid || valid[i];
        if (present) {
            int64_t len = col->offsets[i + 1] - col->offsets[i];
            if (len < 0 || len > INT32_MAX)
                return kt_fail(err, KT_ERR_USAGE, "row %zu: string length %lld is invalid or over 2 GiB",
                               i, (long long)len);
            KT_TRY(append_present_string(e, col->bytes + col->offsets[i], (size_t)len, r, &last, err));
        }
        KT_TRY(end_string_row(e, present, err));
    }
    return KT_OK;
}

/* Coded rows: each caller code is put into the chunk's dictionary once
 * per call (its string hashed once), then rows take its index directly.
 * After a dictionary fallback rows go through the PLAIN path as strings. */
static kt_status append_coded_rows(kt_pq_col_enc *e, const kt_column *codes, const kt_column *dict, size_t start,
                                   size_t n, string_range *r, kt_error *err)
{
    if (dict->len > e->cap_code_map) {
        uint32_t *m = realloc(e->code_map, dict->len * sizeof *m);
        if (!m) return nomem(err, "mapping dictionary codes");
        e->code_map = m;
        e->cap_code_map = dict->len;
    }
    memset(e->code_map, 0xff, dict->len * sizeof *e->code_map); /* UINT32_MAX: not put yet */
    const uint8_t *valid = e->o.nullable ? codes->valid : NULL;
    for (size_t i = start; i < start + n; i++) {
        bool present = !valid || valid[i];
        if (present) {
            size_t code = (size_t)KT_COL_I32(codes)[i];
            if (e->dict_mode && e->code_map[code] != UINT32_MAX) {
                if (push_index(e, e->code_map[code]) != KT_OK) return nomem(err, "buffering indices");
            } else {
                size_t len;
                const char *s = kt_column_bytes_at(dict, code, &len);
                KT_TRY(append_string_value(e, s, len, r, err));
                if (e->dict_mode) e->code_map[code] = e->indices[e->n_indices - 1];
            }
        }
        KT_TRY(end_string_row(e, present, err));
    }
    return KT_OK;
}

static kt_status append_strings(kt_pq_col_enc *e, const kt_column *col, size_t start, size_t n,
                                kt_error *err)
{
    string_range r = { 0 };
    kt_status s = append_string_rows(e, col, start, n, &r, err);
    kt_status c = range_commit(e, &r, err);
    return s != KT_OK ? s : c;
}

kt_status kt_pq_col_enc_append(kt_pq_col_enc *e, const kt_column *col, size_t start, size_t n,
                               kt_error *err)
{
    if (e->o.type == KT_PQ_W_STRING) return append_strings(e, col, start, n, err);
    return append_fixed(e, col, start, n, err);
}

kt_status kt_pq_col_enc_append_coded(kt_pq_col_enc *e, const kt_column *codes, const kt_column *dict,
                                     size_t start, size_t n, kt_error *err)
{
    string_range r = { 0 };
    kt_status s = append_coded_rows(e, codes, dict, start, n, &r, err);
    kt_status c = range_commit(e, &r, err);
    return s != KT_OK ? s : c;
}

static kt_status build_dict_page(kt_pq_col_enc *e, int64_t *uncompressed, kt_error *err)
{
    kt_buf_clear(&e->dict_page);
    *uncompressed = 0;
    if (e->o.type != KT_PQ_W_STRING || e->dict.count == 0) return KT_OK;
    const kt_buf *body = kt_pq_dict_enc_page(&e->dict);
    kt_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = KT_PQ_PAGE_DICTIONARY;
    h.has_dictionary_page_header = true;
    h.dictionary_page_header.num_values = (int32_t)e->dict.count;
    h.dictionary_page_header.encoding = KT_PQ_ENC_PLAIN;
    size_t header_len;
    KT_TRY(emit_page(e, &h, body, &e->dict_page, &header_len, err));
    *uncompressed = (int64_t)(header_len + body->len);
    e->encodings |= 1u << KT_PQ_ENC_PLAIN;
    return KT_OK;
}

kt_status kt_pq_col_enc_finish_chunk(kt_pq_col_enc *e, kt_pq_chunk_result *out, kt_error *err)
{
    KT_TRY(finish_page(e, err));
    int64_t dict_uncompressed;
    KT_TRY(build_dict_page(e, &dict_uncompressed, err));
    memset(out, 0, sizeof *out);
    out->dict_page = &e->dict_page;
    out->data_pages = &e->pages;
    out->num_values = e->chunk_values;
    out->total_uncompressed = e->chunk_uncompressed + dict_uncompressed;
    out->total_compressed = (int64_t)(e->pages.len + e->dict_page.len);
    out->dict_num_values = (int64_t)(e->dict_page.len ? e->dict.count : 0);
    for (int enc = 0; enc < 32 && out->num_encodings < 8; enc++)
        if (e->encodings & (1u << enc)) out->encodings[out->num_encodings++] = (kt_pq_encoding)enc;
    out->stats = &e->chunk_stats;
    return KT_OK;
}

kt_status kt_pq_col_enc_next_chunk(kt_pq_col_enc *e, kt_error *err)
{
    if (kt_pq_stats_merge(&e->file_stats, &e->chunk_stats) != KT_OK) return nomem(err, "merging statistics");
    kt_pq_stats_reset(&e->chunk_stats);
    kt_buf_clear(&e->pages);
    kt_buf_clear(&e->dict_page);
    kt_pq_dict_enc_reset(&e->dict);
    e->dict_mode = e->o.type == KT_PQ_W_STRING && e->o.dictionary;
    e->chunk_values = 0;
    e->chunk_uncompressed = 0;
    e->encodings = 0;
    return KT_OK;
}

const kt_pq_stats *kt_pq_col_enc_file_stats(const kt_pq_col_enc *e) { return &e->file_stats; }

void kt_pq_col_bufs_init(kt_pq_col_bufs *b)
{
    memset(b, 0, sizeof *b);
    kt_buf_init(&b->values);
    kt_buf_init(&b->pages);
    kt_buf_init(&b->dict_page);
    kt_buf_init(&b->body);
    kt_buf_init(&b->compressed);
    kt_buf_init(&b->header);
}

void kt_pq_col_bufs_free(kt_pq_col_bufs *b)
{
    kt_buf_free(&b->values);
    kt_buf_free(&b->pages);
    kt_buf_free(&b->dict_page);
    kt_buf_free(&b->body);
    kt_buf_free(&b->compressed);
    kt_buf_free(&b->header);
    free(b->indices);
    free(b->levels);
    b->indices = NULL;
    b->levels = NULL;
    b->cap_indices = b->cap_levels = 0;
}

#define SWAP(T, a, b) do { T tmp_ = (a); (a) = (b); (b) = tmp_; } while (0)

void kt_pq_col_enc_swap_bufs(kt_pq_col_enc *e, kt_pq_col_bufs *b)
{
    SWAP(kt_buf, e->values, b->values);
    SWAP(kt_buf, e->pages, b->pages);
    SWAP(kt_buf, e->dict_page, b->dict_page);
    SWAP(kt_buf, e->body, b->body);
    SWAP(kt_buf, e->compressed, b->compressed);
    SWAP(kt_buf, e->header, b->header);
    SWAP(uint32_t *, e->indices, b->indices);
    SWAP(size_t, e->cap_indices, b->cap_indices);
    SWAP(uint8_t *, e->levels, b->levels);
    SWAP(size_t, e->cap_levels, b->cap_levels);
}

size_t kt_pq_col_bufs_capacity(const kt_pq_col_bufs *b)
{
    return b->values.cap + b->pages.cap + b->dict_page.cap + b->body.cap + b->compressed.cap + b->header.cap +
           b->cap_indices * sizeof *b->indices + b->cap_levels;
}

size_t kt_pq_col_enc_capacity(const kt_pq_col_enc *e)
{
    return e->values.cap + e->pages.cap + e->dict_page.cap + e->body.cap + e->compressed.cap + e->header.cap +
           e->cap_indices * sizeof *e->indices + e->cap_levels;
}
