/*
 * format/parquet/reader_chunk.c — decoding one column chunk page by page:
 * locating the chunk, reading it through a page-sized file window, page
 * headers, decompression (in place into the output when possible: fixed
 * width values where they belong, PLAIN strings into the payload's free
 * tail), dictionary pages, v1 and v2 data pages and their definition
 * levels. Pages that can skip the window altogether are decoded straight
 * from the file by reader_direct.c; value decoding is in reader_values.c.
 */
#include <stdlib.h>
#include <string.h>

#include "format/parquet/compress.h"
#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

static size_t count_present(const uint8_t *levels, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += levels[i];
    return k;
}

static kt_status levels_buffer(kt_pq_chunk *c, size_t n, uint8_t **out)
{
    kt_buf *b = &c->r->levels;
    kt_buf_clear(b);
    if (kt_buf_reserve(b, n ? n : 1) != KT_OK)
        return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for %zu definition levels", n);
    *out = b->data;
    return KT_OK;
}

/* Hybrid-encoded definition levels (no length prefix) of n values. */
static kt_status read_levels(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n, uint8_t **levels,
                             size_t *present)
{
    KT_TRY(levels_buffer(c, n, levels));
    return kt_pq_def_levels(src, len, *levels, n, present, c->err);
}

/* ---- pages ---- */

/* Where a PLAIN fixed-width page can be decompressed straight into the
 * output column (its free tail holds the whole body), saving a copy. A v1
 * page starts with its level section, usually as long as the previous
 * page's: the body is placed that many bytes (*gap) early, over the end of
 * the previous values (saved and restored by the caller), so the values
 * land in place. NULL if the page does not qualify. */
#define MAX_LEVEL_GAP 64
static uint8_t *direct_target(kt_pq_chunk *c, kt_pq_encoding enc, size_t usize, size_t want_gap, size_t *gap)
{
    *gap = 0;
    if (enc != KT_PQ_ENC_PLAIN || c->leaf->conversion != KT_PQ_CONV_NONE) return NULL;
    size_t w;
    switch (c->info->physical) {
    case KT_PQ_INT32: case KT_PQ_FLOAT: w = 4; break;
    case KT_PQ_INT64: case KT_PQ_DOUBLE: w = 8; break;
    default: return NULL;
    }
    kt_column *o = c->out;
    if (!o->values) return NULL;
    size_t g = want_gap <= MAX_LEVEL_GAP && want_gap <= o->len * w ? want_gap : 0;
    /* Room for the whole body from the current end, whatever the gap, so
     * appending the page's values can never reallocate under it. */
    if ((o->cap - o->len) * w < usize + 1) return NULL;
    *gap = g;
    return (uint8_t *)o->values + o->len * w - g;
}

/* Where a compressed PLAIN BYTE_ARRAY page can be decompressed: the free
 * tail of the output's payload, where its values are then compacted in
 * place (a 4-byte prefix dropped per value) instead of being copied out
 * of a page buffer. Reserves rows and room for the whole body. */
static uint8_t *bytes_target(kt_pq_chunk *c, kt_pq_encoding enc, size_t usize, size_t n)
{
    kt_column *o = c->out;
    if (enc != KT_PQ_ENC_PLAIN || c->info->physical != KT_PQ_BYTE_ARRAY || o->type != KT_BYTES ||
        c->leaf->conversion != KT_PQ_CONV_NONE || kt_pq_chunk_codes(c))
        return NULL;
    size_t used = o->offsets ? (size_t)o->offsets[o->len] : 0;
    if (used > c->r->memory_limit || usize > c->r->memory_limit - used) return NULL;
    if (!o->len) kt_pq_chunk_presize_huge(c, (size_t)c->num_rows, usize + KT_PQ_COPY_SLACK);
    if (kt_column_reserve(o, n ? n : 1, usize + KT_PQ_COPY_SLACK) != KT_OK) return NULL;
    kt_pq_chunk_advise(c, used + usize);
    return (uint8_t *)o->bytes + o->offsets[o->len];
}

/* The decompressed body of a page (or the page itself when stored raw),
 * in `direct` when given, else in the reader's page buffer. */
static kt_status page_body(kt_pq_chunk *c, bool compressed, const uint8_t *src, size_t csize,
                           size_t usize, uint8_t *direct, const uint8_t **body)
{
    if (!compressed || c->meta->codec == KT_PQ_CODEC_UNCOMPRESSED) {
        if (csize != usize)
            return kt_fail(c->err, KT_ERR_FORMAT, "uncompressed page data is %zu bytes, header says %zu",
                           csize, usize);
        *body = src;
        return KT_OK;
    }
    if (direct) {
        KT_TRY(kt_pq_decompress(c->meta->codec, src, csize, direct, usize, c->err));
        *body = direct;
        return KT_OK;
    }
    kt_buf *pb = &c->r->page;
    kt_buf_clear(pb);
    if (kt_buf_reserve(pb, usize + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for a %zu-byte page", usize);
    kt_pq_advise_huge(c->r, pb->data, pb->cap);
    KT_TRY(kt_pq_decompress(c->meta->codec, src, csize, pb->data, usize, c->err));
    *body = pb->data;
    return KT_OK;
}

static kt_status chunk_bytes(kt_pq_chunk *c, size_t off, size_t need, size_t want, const uint8_t **p);
static size_t header_probe(const kt_pq_chunk *c);

/* A page's csize bytes at chunk offset off, through the window (read
 * together with the next page's header when it is not there yet). */
static kt_status page_bytes(kt_pq_chunk *c, size_t off, size_t csize, const uint8_t **src)
{
    size_t ahead = csize + header_probe(c);
    return chunk_bytes(c, off, csize, ahead > c->r->window ? ahead : c->r->window, src);
}

/* Whether a compressed page is worth decoding straight from the file: it
 * barely compresses, so it is most likely all literals. */
static bool barely_compressed(size_t csize, size_t usize)
{
    return csize >= usize - usize / 32;
}

/* Decodes a data page body from the file straight into place (see
 * kt_pq_direct_stored); *done false when the page does not qualify. */
static kt_status direct_body(kt_pq_chunk *c, bool compressed, size_t off, size_t csize, size_t usize,
                             uint8_t *head, size_t head_len, uint8_t *dst, bool *done)
{
    *done = false;
    kt_pq_codec codec = compressed ? c->meta->codec : KT_PQ_CODEC_UNCOMPRESSED;
    if (codec == KT_PQ_CODEC_UNCOMPRESSED)
        return kt_pq_direct_stored(c, off, csize, usize, head, head_len, dst, done);
    if (codec == KT_PQ_CODEC_SNAPPY && barely_compressed(csize, usize))
        return kt_pq_direct_snappy(c, off, csize, usize, head, head_len, dst, done);
    return KT_OK;
}

/* The body of a data page at chunk offset off: decoded from the file
 * straight into `direct` when the page allows it, else read through the
 * window and decompressed (into `direct` when given). */
static kt_status data_body(kt_pq_chunk *c, bool compressed, size_t off, size_t csize, size_t usize,
                           uint8_t *direct, const uint8_t **body)
{
    if (direct) {
        bool done;
        KT_TRY(direct_body(c, compressed, off, csize, usize, NULL, 0, direct, &done));
        if (done) {
            *body = direct;
            return KT_OK;
        }
    }
    const uint8_t *src;
    KT_TRY(page_bytes(c, off, csize, &src));
    return page_body(c, compressed, src, csize, usize, direct, body);
}

static kt_status dictionary_page(kt_pq_chunk *c, const kt_pq_page_header *h, const uint8_t *src)
{
    if (!h->has_dictionary_page_header)
        return kt_fail(c->err, KT_ERR_FORMAT, "dictionary page lacks its DictionaryPageHeader");
    if (c->have_dict) return kt_fail(c->err, KT_ERR_FORMAT, "column chunk has a second dictionary page");
    if (c->rows_done > 0) return kt_fail(c->err, KT_ERR_FORMAT, "dictionary page follows data pages");
    const kt_pq_dictionary_page_header *d = &h->dictionary_page_header;
    if (d->encoding != KT_PQ_ENC_PLAIN && d->encoding != KT_PQ_ENC_PLAIN_DICTIONARY)
        return kt_fail(c->err, KT_ERR_UNSUPPORTED, "dictionary page encoding %s is not supported",
                       kt_pq_encoding_name(d->encoding));
    if (d->num_values < 0)
        return kt_fail(c->err, KT_ERR_FORMAT, "dictionary page has %d values", d->num_values);
    const uint8_t *body;
    size_t usize = (size_t)h->uncompressed_page_size;
    KT_TRY(page_body(c, true, src, (size_t)h->compressed_page_size, usize, NULL, &body));
    kt_column *dict = &c->r->dict;
    kt_pq_reset_column(dict, c->info->value_type);
    if (c->leaf->conversion != KT_PQ_CONV_NONE) {
        kt_column *stage = &c->r->stage;
        kt_pq_reset_column(stage, c->leaf->decode_type);
        KT_TRY(kt_pq_chunk_plain(c, body, usize, (size_t)d->num_values, stage));
        KT_TRY(kt_pq_chunk_convert(c, stage, dict));
    } else {
        KT_TRY(kt_pq_chunk_plain(c, body, usize, (size_t)d->num_values, dict));
    }
    c->r->dict_max_len = 0;
    if (dict->type == KT_BYTES && kt_pq_dict_pad(dict, &c->r->dict_max_len) != KT_OK)
        return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for the dictionary");
    c->have_dict = true;
    return KT_OK;
}

static kt_status check_page_rows(kt_pq_chunk *c, int32_t n)
{
    if (n < 0 || n > c->num_rows - c->rows_done)
        return kt_fail(c->err, KT_ERR_FORMAT, "page has %d values but only %lld rows remain in the row group",
                       n, (long long)(c->num_rows - c->rows_done));
    return KT_OK;
}

/* Shared tail of v1 and v2 pages: k present values among n, then nulls
 * (levels is read only when k < n). */
static kt_status finish_data_page(kt_pq_chunk *c, kt_pq_encoding enc, const uint8_t *values, size_t len,
                                  size_t n, const uint8_t *levels, size_t k)
{
    size_t base = c->out->len;
    KT_TRY(kt_pq_chunk_values(c, enc, values, len, k));
    if (c->out->len != base + k)
        return kt_fail(c->err, KT_ERR_INTERNAL, "decoder produced %zu values, expected %zu",
                       c->out->len - base, k);
    if (k < n) KT_TRY(kt_pq_chunk_spread_nulls(c, base, k, n, levels));
    else if (c->out->valid) memset(c->out->valid + base, 1, n);
    c->rows_done += (int64_t)n;
    return KT_OK;
}

/* Levels of a v1 page at the start of its body; advances *p and *len. */
static kt_status v1_levels(kt_pq_chunk *c, const kt_pq_data_page_header *d, const uint8_t **p, size_t *len,
                           size_t n, uint8_t **levels, size_t *present)
{
    if (d->definition_level_encoding == KT_PQ_ENC_RLE) {
        if (*len < 4) return kt_fail(c->err, KT_ERR_FORMAT, "definition levels lack their length prefix");
        uint32_t lv_len = kt_pq_le32(*p);
        if (lv_len > *len - 4)
            return kt_fail(c->err, KT_ERR_FORMAT, "definition levels (%u bytes) run past the page (%zu bytes)",
                           lv_len, *len - 4);
        KT_TRY(read_levels(c, *p + 4, lv_len, n, levels, present));
        *p += 4 + lv_len;
        *len -= 4 + (size_t)lv_len;
    } else if (d->definition_level_encoding == KT_PQ_ENC_BIT_PACKED) {
        size_t used;
        KT_TRY(levels_buffer(c, n, levels));
        KT_TRY(kt_pq_bit_packed_levels(*p, *len, 1, *levels, n, &used, c->err));
        *present = count_present(*levels, n);
        *p += used;
        *len -= used;
    } else {
        return kt_fail(c->err, KT_ERR_UNSUPPORTED, "definition level encoding %s is not supported",
                       kt_pq_encoding_name(d->definition_level_encoding));
    }
    return KT_OK;
}

/* The level section a v1 page of n values most likely has: the previous
 * page's, or for a chunk's first page what an all-present page has (a
 * 4-byte length, then one RLE run of n ones: varint header, one byte). */
static size_t predicted_level_bytes(const kt_pq_chunk *c, size_t n)
{
    if (c->level_bytes) return c->level_bytes;
    size_t v = 1;
    for (uint64_t h = (uint64_t)n << 1; h >= 0x80; h >>= 7) v++;
    return 4 + v + 1;
}

/* A v1 page of an OPTIONAL column decoded straight from the file with its
 * level section (predicted length) split off into `side`, so the values
 * land exactly at the end of the column. *head_len is the section's
 * length, *values where the values went; *done false if the page does
 * not qualify or the prediction was wrong (the caller decodes it again
 * the ordinary way; a chunk stops predicting after one miss). */
static kt_status split_v1_body(kt_pq_chunk *c, const kt_pq_page_header *h, size_t off, uint8_t *side,
                               size_t *head_len, uint8_t **values, bool *done)
{
    const kt_pq_data_page_header *d = &h->data_page_header;
    size_t len = (size_t)h->uncompressed_page_size, gap;
    size_t hl = predicted_level_bytes(c, (size_t)d->num_values);
    *done = false;
    if (c->no_level_split || d->definition_level_encoding != KT_PQ_ENC_RLE || hl < 4 ||
        hl > MAX_LEVEL_GAP || hl > len)
        return KT_OK;
    uint8_t *dst = direct_target(c, d->encoding, len - hl, 0, &gap);
    if (!dst) return KT_OK;
    KT_TRY(direct_body(c, true, off, (size_t)h->compressed_page_size, len, side, hl, dst, done));
    if (*done && kt_pq_le32(side) != hl - 4) {
        *done = false;
        c->no_level_split = true;
    }
    *head_len = hl;
    *values = dst;
    return KT_OK;
}

static kt_status data_page_v1(kt_pq_chunk *c, const kt_pq_page_header *h, size_t off)
{
    if (!h->has_data_page_header) return kt_fail(c->err, KT_ERR_FORMAT, "data page lacks its DataPageHeader");
    const kt_pq_data_page_header *d = &h->data_page_header;
    KT_TRY(check_page_rows(c, d->num_values));
    size_t n = (size_t)d->num_values, len = (size_t)h->uncompressed_page_size, gap;
    uint8_t *levels = NULL;
    size_t present = n;
    if (c->leaf->max_def > 0) {
        uint8_t side[MAX_LEVEL_GAP], *values;
        size_t hl = 0;
        bool done;
        KT_TRY(split_v1_body(c, h, off, side, &hl, &values, &done));
        if (done) {
            const uint8_t *p = side;
            size_t left = hl;
            KT_TRY(v1_levels(c, d, &p, &left, n, &levels, &present));
            c->level_bytes = hl;
            return finish_data_page(c, d->encoding, values, len - hl, n, levels, present);
        }
    }
    uint8_t saved[MAX_LEVEL_GAP];
    uint8_t *direct = direct_target(c, d->encoding, len, c->leaf->max_def ? c->level_bytes : 0, &gap);
    if (gap) memcpy(saved, direct, gap);
    uint8_t *tail = direct ? NULL : bytes_target(c, d->encoding, len, n);
    const uint8_t *p, *body;
    kt_status st = data_body(c, true, off, (size_t)h->compressed_page_size, len, direct ? direct : tail, &body);
    c->bytes_in_place = st == KT_OK && tail && body == tail;
    p = body;
    if (st == KT_OK && c->leaf->max_def > 0) st = v1_levels(c, d, &p, &len, n, &levels, &present);
    if (st == KT_OK) c->level_bytes = (size_t)(p - body);
    if (st == KT_OK) st = finish_data_page(c, d->encoding, p, len, n, levels, present);
    c->bytes_in_place = false;
    if (gap) memcpy(direct, saved, gap);   /* the previous page's last values */
    return st;
}

static kt_status data_page_v2(kt_pq_chunk *c, const kt_pq_page_header *h, size_t off)
{
    if (!h->has_data_page_header_v2)
        return kt_fail(c->err, KT_ERR_FORMAT, "data page v2 lacks its DataPageHeaderV2");
    const kt_pq_data_page_header_v2 *d = &h->data_page_header_v2;
    KT_TRY(check_page_rows(c, d->num_values));
    size_t n = (size_t)d->num_values;
    int64_t rl = d->repetition_levels_byte_length, dl = d->definition_levels_byte_length;
    int64_t csize = h->compressed_page_size, usize = h->uncompressed_page_size;
    if (rl < 0 || dl < 0 || rl + dl > csize || rl + dl > usize)
        return kt_fail(c->err, KT_ERR_FORMAT, "level lengths (%lld + %lld bytes) exceed the page (%lld bytes)",
                       (long long)rl, (long long)dl, (long long)(csize < usize ? csize : usize));
    uint8_t *levels = NULL;
    size_t present = n;
    if (c->leaf->max_def > 0) {
        const uint8_t *src;
        KT_TRY(page_bytes(c, off, (size_t)(rl + dl), &src));
        KT_TRY(read_levels(c, src + rl, (size_t)dl, n, &levels, &present));
    }
    size_t nulls = n - present;
    if (d->num_nulls < 0 || (size_t)d->num_nulls != nulls)
        return kt_fail(c->err, KT_ERR_FORMAT, "page header says %d nulls, definition levels have %zu",
                       d->num_nulls, nulls);
    const uint8_t *values;
    size_t vlen = (size_t)(usize - rl - dl);
    size_t gap;
    uint8_t *direct = direct_target(c, d->encoding, vlen, 0, &gap);
    uint8_t *tail = direct ? NULL : bytes_target(c, d->encoding, vlen, n);
    KT_TRY(data_body(c, d->is_compressed, off + (size_t)(rl + dl), (size_t)(csize - rl - dl), vlen,
                     direct ? direct : tail, &values));
    c->bytes_in_place = tail && values == tail;
    kt_status st = finish_data_page(c, d->encoding, values, vlen, n, levels, present);
    c->bytes_in_place = false;
    return st;
}

/* Chunk bytes [off, off + need) (need <= len - off). Files are read in
 * windows, so memory holds about a page, not the whole chunk. When the
 * current window lacks the bytes, `want` (>= need) are read from off: a
 * page's data plus room for the next page header, or a header probe. */
static kt_status chunk_bytes(kt_pq_chunk *c, size_t off, size_t need, size_t want, const uint8_t **p)
{
    if (c->r->mem) {
        *p = c->r->mem + c->start + off;
        return KT_OK;
    }
    if (off >= c->win_off && need <= c->win_len && off - c->win_off <= c->win_len - need) {
        *p = c->r->chunk.data + (off - c->win_off);
        return KT_OK;
    }
    if (want > c->len - off) want = c->len - off;
    c->win_len = 0;
    KT_TRY(kt_pq_bytes_at(c->r, c->start + off, want, &c->r->chunk, p, c->err));
    c->win_off = off;
    c->win_len = want;
    return KT_OK;
}

/* Bytes read for a page header when the window lacks it; headers larger
 * than this (huge statistics) are retried with the rest of the chunk. */
static size_t header_probe(const kt_pq_chunk *c)
{
    return c->r->window / 16 + 256;
}

/* Parses the page header at chunk offset pos. */
static kt_status read_page_header(kt_pq_chunk *c, size_t pos, kt_pq_page_header *h, size_t *hlen)
{
    size_t rest = c->len - pos, probe = header_probe(c);
    if (probe > rest) probe = rest;
    const uint8_t *p;
    for (;;) {
        KT_TRY(chunk_bytes(c, pos, probe, probe, &p));
        kt_arena_reset(&c->r->page_arena);
        kt_status st = kt_pq_parse_page_header(p, probe, &c->r->page_arena, h, hlen, c->err);
        if (st != KT_ERR_FORMAT || probe == rest) return st;
        probe = rest;
    }
}

static kt_status page_header_error(kt_pq_chunk *c, uint64_t off)
{
    if (strstr(c->err ? c->err->msg : "", "past the end"))
        return kt_fail(c->err, KT_ERR_FORMAT, "page header at offset %llu runs past the column chunk (ends at %llu)",
                       (unsigned long long)off, (unsigned long long)(c->start + c->len));
    kt_error_prefix(c->err, "page header at offset %llu", (unsigned long long)off);
    return c->err ? c->err->status : KT_ERR_FORMAT;
}

static kt_status one_page(kt_pq_chunk *c, size_t *pos)
{
    uint64_t off = c->start + *pos;
    kt_pq_page_header h;
    size_t hlen;
    kt_status st = read_page_header(c, *pos, &h, &hlen);
    if (st != KT_OK) return st == KT_ERR_FORMAT ? page_header_error(c, off) : st;
    size_t left = c->len - *pos - hlen;
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0)
        return kt_fail(c->err, KT_ERR_FORMAT, "page at offset %llu has negative sizes", (unsigned long long)off);
    if ((size_t)h.compressed_page_size > left)
        return kt_fail(c->err, KT_ERR_FORMAT,
                       "page at offset %llu (%zu-byte header + %d bytes) runs past the column chunk (ends at %llu)",
                       (unsigned long long)off, hlen, h.compressed_page_size,
                       (unsigned long long)(c->start + c->len));
    if ((size_t)h.uncompressed_page_size > c->r->memory_limit ||
        (c->meta->total_uncompressed_size > 0 && h.uncompressed_page_size > c->meta->total_uncompressed_size))
        return kt_fail(c->err, KT_ERR_FORMAT,
                       "page at offset %llu declares %d uncompressed bytes, more than the column chunk holds (%lld)",
                       (unsigned long long)off, h.uncompressed_page_size,
                       (long long)c->meta->total_uncompressed_size);
    const uint8_t *src;
    size_t body = *pos + hlen;
    *pos += hlen + (size_t)h.compressed_page_size;
    switch (h.type) {
    case KT_PQ_PAGE_DICTIONARY:
        st = page_bytes(c, body, (size_t)h.compressed_page_size, &src);
        if (st == KT_OK) st = dictionary_page(c, &h, src);
        break;
    case KT_PQ_PAGE_DATA: st = data_page_v1(c, &h, body); break;
    case KT_PQ_PAGE_DATA_V2: st = data_page_v2(c, &h, body); break;
    case KT_PQ_PAGE_INDEX: st = KT_OK; break;
    default:
        return kt_fail(c->err, KT_ERR_FORMAT, "page at offset %llu has unknown page type %d",
                       (unsigned long long)off, (int)h.type);
    }
    if (st != KT_OK) kt_error_prefix(c->err, "page at offset %llu", (unsigned long long)off);
    return st;
}

static kt_status check_codec(kt_pq_chunk *c)
{
    switch (c->meta->codec) {
    case KT_PQ_CODEC_UNCOMPRESSED: case KT_PQ_CODEC_SNAPPY: case KT_PQ_CODEC_GZIP:
    case KT_PQ_CODEC_BROTLI: case KT_PQ_CODEC_LZ4: case KT_PQ_CODEC_ZSTD: case KT_PQ_CODEC_LZ4_RAW:
        return KT_OK;
    case KT_PQ_CODEC_LZO:
        return kt_fail(c->err, KT_ERR_UNSUPPORTED, "LZO compression is not supported");
    }
    return kt_fail(c->err, KT_ERR_FORMAT, "unknown compression codec %d", (int)c->meta->codec);
}

/* Where the chunk's pages start and how many bytes they span, checked
 * against the file's data region. */
static kt_status locate_chunk(kt_pq_chunk *c)
{
    const kt_pq_column_meta *m = c->meta;
    int64_t start = m->data_page_offset;
    if (m->has_dictionary_page_offset && m->dictionary_page_offset > 0 && m->dictionary_page_offset < start)
        start = m->dictionary_page_offset;
    int64_t size = m->total_compressed_size;
    if (start < 4 || size <= 0 || (uint64_t)start > c->r->data_end ||
        (uint64_t)size > c->r->data_end - (uint64_t)start)
        return kt_fail(c->err, KT_ERR_FORMAT,
                       "column chunk at offset %lld with %lld bytes lies outside the data region (footer starts at %llu)",
                       (long long)start, (long long)size, (unsigned long long)c->r->data_end);
    if ((uint64_t)size > c->r->memory_limit)
        return kt_fail(c->err, KT_ERR_NOMEM, "column chunk of %lld bytes exceeds the %zu-byte memory limit",
                       (long long)size, c->r->memory_limit);
    c->start = (uint64_t)start;
    c->len = (size_t)size;
    return KT_OK;
}

static kt_status reserve_rows(kt_pq_chunk *c)
{
    size_t width = c->out->type == KT_BYTES ? sizeof(int64_t) : kt_type_width(c->out->type);
    if ((uint64_t)c->num_rows > c->r->memory_limit / (width + 1))
        return kt_fail(c->err, KT_ERR_NOMEM, "%lld rows need more than the %zu-byte memory limit",
                       (long long)c->num_rows, c->r->memory_limit);
    /* Fixed-width columns get room for a page's level bytes past the last
     * row, so even the last page can be decompressed in place. */
    size_t rows = (size_t)c->num_rows;
    if (width >= 4 && c->out->type != KT_BYTES) rows += rows / 32 + MAX_LEVEL_GAP;
    kt_pq_chunk_presize_huge(c, rows, 0);
    KT_TRY(kt_pq_chunk_reserve(c, c->out, rows));
    kt_pq_chunk_advise(c, 0);
    return KT_OK;
}

kt_status kt_pq_read_chunk(kt_pq_reader *r, int row_group, int column, kt_column *out, kt_error *err)
{
    const kt_pq_row_group *rg = &r->meta.row_groups[row_group];
    kt_pq_chunk c = {
        .r = r, .info = &r->cols[column], .leaf = &r->leaves[column],
        .meta = &rg->columns[column].meta_data, .out = out, .num_rows = rg->num_rows, .err = err,
    };
    r->chunk_had_dict = false;
    if (c.meta->num_values != c.num_rows)
        return kt_fail(err, KT_ERR_FORMAT, "column chunk has %lld values but the row group has %lld rows",
                       (long long)c.meta->num_values, (long long)c.num_rows);
    if (c.num_rows == 0) return KT_OK;
    KT_TRY(check_codec(&c));
    KT_TRY(locate_chunk(&c));
    KT_TRY(reserve_rows(&c));
    size_t pos = 0;
    while (c.rows_done < c.num_rows) {
        if (pos >= c.len)
            return kt_fail(err, KT_ERR_FORMAT, "column chunk ends at offset %llu after %lld of %lld values",
                           (unsigned long long)(c.start + c.len), (long long)c.rows_done, (long long)c.num_rows);
        KT_TRY(one_page(&c, &pos));
        kt_pq_chunk_advise(&c, 0);
    }
    r->chunk_had_dict = c.have_dict;
    kt_pq_note_chunk_pages(r, column, c.non_dict_pages);
    return KT_OK;
}
