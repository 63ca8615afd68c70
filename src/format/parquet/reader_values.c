/*
 * format/parquet/reader_values.c — the values of one data page: dispatch
 * on the page's encoding to the decoders of decode.h, conversion of staged
 * physical values to the output type, and spreading dense values over
 * null slots.
 *
 * Values of a page are first decoded densely (non-null values back to
 * back) at the end of the output column, then moved to their rows from
 * the back, so a page with no nulls is never touched twice. The output is
 * reserved for the row group's rows up front (bounded by the memory
 * limit), so fixed-width decoders never reallocate mid-row-group.
 */
#include <stdlib.h>
#include <string.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

static bool is_dictionary_encoding(kt_pq_encoding e)
{
    return e == KT_PQ_ENC_PLAIN_DICTIONARY || e == KT_PQ_ENC_RLE_DICTIONARY;
}

static kt_status unsupported_encoding(kt_pq_chunk *c, kt_pq_encoding e)
{
    return kt_fail(c->err, KT_ERR_UNSUPPORTED, "encoding %s is not supported for %s values",
                   kt_pq_encoding_name(e), kt_pq_physical_name(c->info->physical));
}

static size_t bytes_budget(const kt_pq_chunk *c, const kt_column *col)
{
    size_t used = col->type == KT_BYTES && col->offsets ? (size_t)col->offsets[col->len] : 0;
    return used < c->r->memory_limit ? c->r->memory_limit - used : 0;
}

/* Room for n more values; at least one, so the value pointers are never
 * NULL when a decoder forms "values + len" for an empty page. */
kt_status kt_pq_chunk_reserve(kt_pq_chunk *c, kt_column *col, size_t n)
{
    if (kt_column_reserve(col, n ? n : 1, 0) != KT_OK)
        return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for %zu values", n);
    return KT_OK;
}

/* ---- PLAIN ---- */

/* Most values a PLAIN section of len bytes can hold. */
static size_t plain_capacity(const kt_pq_chunk *c, size_t len)
{
    switch (c->info->physical) {
    case KT_PQ_BOOLEAN: return len > SIZE_MAX / 8 ? SIZE_MAX : len * 8;
    case KT_PQ_INT32: case KT_PQ_FLOAT: return len / 4;
    case KT_PQ_INT64: case KT_PQ_DOUBLE: return len / 8;
    case KT_PQ_INT96: return len / 12;
    case KT_PQ_BYTE_ARRAY: return len / 4;
    case KT_PQ_FIXED_LEN_BYTE_ARRAY: return len / (size_t)c->info->type_length;
    }
    return 0;
}

kt_status kt_pq_chunk_plain(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n, kt_column *t)
{
    if (n > plain_capacity(c, len))
        return kt_fail(c->err, KT_ERR_FORMAT, "PLAIN %s: %zu values cannot fit in %zu bytes",
                       kt_pq_physical_name(c->info->physical), n, len);
    kt_error *err = c->err;
    switch (c->info->physical) {
    case KT_PQ_BOOLEAN:
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_plain_bool(src, len, KT_COL_BOOL(t) + t->len, n, err));
        break;
    case KT_PQ_INT32: case KT_PQ_FLOAT:
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_plain_decode_fixed(src, len, 4, (char *)t->values + t->len * 4, n, err));
        break;
    case KT_PQ_INT64: case KT_PQ_DOUBLE:
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_plain_decode_fixed(src, len, 8, (char *)t->values + t->len * 8, n, err));
        break;
    case KT_PQ_INT96:
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_plain_int96(src, len, KT_COL_I64(t) + t->len, n, err));
        break;
    case KT_PQ_BYTE_ARRAY:
        if (c->bytes_in_place && t == c->out)
            return kt_pq_plain_byte_array_in_place(t, (size_t)(src - (const uint8_t *)t->bytes), len, n, err);
        return kt_pq_plain_byte_array(src, len, t, n, err);
    case KT_PQ_FIXED_LEN_BYTE_ARRAY:
        return kt_pq_plain_flba(src, len, (size_t)c->info->type_length, t, n, err);
    }
    t->len += n;
    return KT_OK;
}

/* ---- other encodings ---- */

static kt_status decode_rle_bools(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n, kt_column *t)
{
    if (c->info->physical != KT_PQ_BOOLEAN) return unsupported_encoding(c, KT_PQ_ENC_RLE);
    if (len < 4) return kt_fail(c->err, KT_ERR_FORMAT, "RLE booleans lack their length prefix");
    uint32_t rle_len = kt_pq_le32(src);
    if (rle_len > len - 4)
        return kt_fail(c->err, KT_ERR_FORMAT, "RLE booleans (%u bytes) run past the page (%zu bytes)",
                       rle_len, len - 4);
    KT_TRY(kt_pq_chunk_reserve(c, t, n));
    KT_TRY(kt_pq_rle_decode8(src + 4, rle_len, 1, KT_COL_BOOL(t) + t->len, n, c->err));
    t->len += n;
    return KT_OK;
}

static kt_status decode_delta_ints(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n, kt_column *t)
{
    size_t consumed;
    if (c->info->physical == KT_PQ_INT32) {
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_delta_i32(src, len, KT_COL_I32(t) + t->len, n, &consumed, c->err));
    } else if (c->info->physical == KT_PQ_INT64) {
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_delta_i64(src, len, KT_COL_I64(t) + t->len, n, &consumed, c->err));
    } else {
        return unsupported_encoding(c, KT_PQ_ENC_DELTA_BINARY_PACKED);
    }
    t->len += n;
    return KT_OK;
}

static kt_status decode_byte_stream_split(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n,
                                          kt_column *t)
{
    size_t width;
    switch (c->info->physical) {
    case KT_PQ_INT32: case KT_PQ_FLOAT: width = 4; break;
    case KT_PQ_INT64: case KT_PQ_DOUBLE: width = 8; break;
    case KT_PQ_FIXED_LEN_BYTE_ARRAY: width = (size_t)c->info->type_length; break;
    default: return unsupported_encoding(c, KT_PQ_ENC_BYTE_STREAM_SPLIT);
    }
    if (n > len / width)
        return kt_fail(c->err, KT_ERR_FORMAT, "BYTE_STREAM_SPLIT: %zu values cannot fit in %zu bytes", n, len);
    if (t->type != KT_BYTES) {
        KT_TRY(kt_pq_chunk_reserve(c, t, n));
        KT_TRY(kt_pq_byte_stream_split(src, len, width, (uint8_t *)t->values + t->len * width, n, c->err));
        t->len += n;
        return KT_OK;
    }
    if (kt_column_reserve(t, n, n * width + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for %zu values", n);
    int64_t *off = t->offsets + t->len;
    KT_TRY(kt_pq_byte_stream_split(src, len, width, (uint8_t *)t->bytes + off[0], n, c->err));
    for (size_t i = 0; i < n; i++) off[i + 1] = off[i] + (int64_t)width;
    t->len += n;
    return KT_OK;
}

static kt_status decode_dictionary_indices(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n)
{
    if (!c->have_dict)
        return kt_fail(c->err, KT_ERR_FORMAT, "dictionary-encoded page but the column chunk has no dictionary page");
    if (n == 0) return KT_OK;
    if (len < 1) return kt_fail(c->err, KT_ERR_FORMAT, "dictionary-encoded page lacks its bit width");
    return kt_pq_dict_decode(src + 1, len - 1, src[0], &c->r->dict, c->r->dict_max_len, c->out, n,
                             c->r->memory_limit, c->err);
}

/* Dictionary indices kept as the output's codes (codes mode). */
static kt_status decode_dictionary_codes(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n)
{
    if (!c->have_dict)
        return kt_fail(c->err, KT_ERR_FORMAT, "dictionary-encoded page but the column chunk has no dictionary page");
    if (n == 0) return KT_OK;
    if (len < 1) return kt_fail(c->err, KT_ERR_FORMAT, "dictionary-encoded page lacks its bit width");
    KT_TRY(kt_pq_chunk_reserve(c, c->out, n));
    KT_TRY(kt_pq_dict_codes(src + 1, len - 1, src[0], c->r->dict.len, KT_COL_I32(c->out) + c->out->len, n,
                            c->err));
    c->out->len += n;
    return KT_OK;
}

/* Converts staged physical values onto the end of `to` (output type). */
kt_status kt_pq_chunk_convert(kt_pq_chunk *c, const kt_column *from, kt_column *to)
{
    size_t n = from->len;
    KT_TRY(kt_pq_chunk_reserve(c, to, n));
    if (c->leaf->conversion == KT_PQ_CONV_WIDEN_U32) {
        kt_pq_widen_u32(KT_COL_I32(from), KT_COL_I64(to) + to->len, n);
    } else if (from->type == KT_INT32) {
        kt_pq_decimal_i32(KT_COL_I32(from), KT_COL_DOUBLE(to) + to->len, n, c->leaf->scale);
    } else if (from->type == KT_INT64) {
        kt_pq_decimal_i64(KT_COL_I64(from), KT_COL_DOUBLE(to) + to->len, n, c->leaf->scale);
    } else {
        KT_TRY(kt_pq_decimal_bytes(from, KT_COL_DOUBLE(to) + to->len, c->leaf->scale, c->err));
    }
    to->len += n;
    return KT_OK;
}

/* Reserves a byte page's payload before it is decoded, so the column
 * grows (and is advised onto huge pages) before the memory is first
 * written. An estimate only: the decoders still reserve what they need. */
static void presize_bytes(kt_pq_chunk *c, kt_pq_encoding enc, size_t len, size_t n)
{
    kt_column *t = c->out;
    size_t est;
    if (t->type != KT_BYTES || c->leaf->conversion != KT_PQ_CONV_NONE) return;
    if (is_dictionary_encoding(enc)) {
        size_t m = c->r->dict_max_len;
        if (m > 256 || n > SIZE_MAX / 256) return;
        est = n * m;
    } else if (enc == KT_PQ_ENC_PLAIN && c->info->physical == KT_PQ_BYTE_ARRAY && n <= len / 4) {
        est = len - 4 * n;
    } else {
        return;
    }
    if (est > bytes_budget(c, t)) return;
    size_t used = t->offsets ? (size_t)t->offsets[t->len] : 0;
    if (kt_column_reserve(t, n, est + KT_PQ_COPY_SLACK) == KT_OK) kt_pq_chunk_advise(c, used + est);
}

/* Appends n dense values of a data page to the output column. */
kt_status kt_pq_chunk_values(kt_pq_chunk *c, kt_pq_encoding enc, const uint8_t *src, size_t len, size_t n)
{
    if (!is_dictionary_encoding(enc)) c->non_dict_pages = true;
    if (kt_pq_chunk_codes(c)) {
        if (is_dictionary_encoding(enc)) return decode_dictionary_codes(c, src, len, n);
        KT_TRY(kt_pq_chunk_leave_codes(c));
    }
    if (!c->bytes_in_place) presize_bytes(c, enc, len, n);
    if (is_dictionary_encoding(enc)) return decode_dictionary_indices(c, src, len, n);
    bool staged = c->leaf->conversion != KT_PQ_CONV_NONE;
    kt_column *t = c->out;
    if (staged) {
        t = &c->r->stage;
        kt_pq_reset_column(t, c->leaf->decode_type);
    }
    switch (enc) {
    case KT_PQ_ENC_PLAIN:
        KT_TRY(kt_pq_chunk_plain(c, src, len, n, t));
        break;
    case KT_PQ_ENC_RLE:
        KT_TRY(decode_rle_bools(c, src, len, n, t));
        break;
    case KT_PQ_ENC_DELTA_BINARY_PACKED:
        KT_TRY(decode_delta_ints(c, src, len, n, t));
        break;
    case KT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (c->info->physical != KT_PQ_BYTE_ARRAY) return unsupported_encoding(c, enc);
        KT_TRY(kt_pq_delta_length_byte_array(src, len, t, n, &c->r->scratch, c->err));
        break;
    case KT_PQ_ENC_DELTA_BYTE_ARRAY: {
        size_t type_length;
        if (c->info->physical == KT_PQ_BYTE_ARRAY) type_length = 0;
        else if (c->info->physical == KT_PQ_FIXED_LEN_BYTE_ARRAY) type_length = (size_t)c->info->type_length;
        else return unsupported_encoding(c, enc);
        KT_TRY(kt_pq_delta_byte_array(src, len, t, n, type_length, bytes_budget(c, t), &c->r->scratch, c->err));
        break;
    }
    case KT_PQ_ENC_BYTE_STREAM_SPLIT:
        KT_TRY(decode_byte_stream_split(c, src, len, n, t));
        break;
    default:
        return unsupported_encoding(c, enc);
    }
    if (t->type == KT_BYTES && t->offsets && (size_t)t->offsets[t->len] > c->r->memory_limit)
        return kt_fail(c->err, KT_ERR_NOMEM, "decoded values exceed the %zu-byte memory limit",
                       c->r->memory_limit);
    return staged ? kt_pq_chunk_convert(c, t, c->out) : KT_OK;
}

/* ---- nulls ---- */

#define SPREAD(T)                                                           \
    do {                                                                    \
        T *v = (T *)out->values + base;                                     \
        size_t j = k;                                                       \
        for (size_t i = n; i-- > 0;) v[i] = valid[i] ? v[--j] : (T)0;       \
    } while (0)

/* The output holds base + k values (k dense values of this page); moves
 * them to their rows among n and records validity. */
kt_status kt_pq_chunk_spread_nulls(kt_pq_chunk *c, size_t base, size_t k, size_t n, const uint8_t *valid)
{
    kt_column *out = c->out;
    if (k == n) {
        if (out->valid) memset(out->valid + base, 1, n);
        return KT_OK;
    }
    if (!out->valid) {
        out->valid = malloc(out->cap ? out->cap : 1);
        if (!out->valid) return kt_fail(c->err, KT_ERR_NOMEM, "out of memory for validity");
        memset(out->valid, 1, base);
    }
    memcpy(out->valid + base, valid, n);
    out->null_count += n - k;
    if (out->type == KT_BYTES) {
        int64_t *o = out->offsets + base;
        size_t j = k;
        o[n] = o[k];
        for (size_t i = n; i-- > 0;) o[i] = valid[i] ? o[--j] : o[i + 1];
    } else {
        switch (kt_type_width(out->type)) {
        case 1: SPREAD(uint8_t); break;
        case 4: SPREAD(uint32_t); break;
        default: SPREAD(uint64_t); break;
        }
    }
    out->len = base + n;
    return KT_OK;
}

