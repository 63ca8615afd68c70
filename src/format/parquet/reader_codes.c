/*
 * format/parquet/reader_codes.c — the reader's opt-in dictionary codes:
 * string columns of dictionary-encoded chunks delivered as their indices
 * plus the chunk's dictionary, so callers that work on codes skip copying
 * every string; materialising codes back into bytes (also the fallback
 * when a chunk turns out to hold a non-dictionary page).
 */
#include <stdlib.h>
#include <string.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

void kt_pq_set_dictionary_codes(kt_pq_reader *r, bool on)
{
    r->dict_codes = on;
}

const kt_column *kt_pq_dictionary(const kt_pq_reader *r, int i)
{
    if (i < 0 || i >= r->code_slots || !r->code_dict_set[i]) return NULL;
    return &r->code_dicts[i];
}

/* Whether a chunk's metadata allows dictionary-encoded data pages (an
 * empty list promises nothing either way). */
static bool may_be_dictionary(const kt_pq_column_meta *m)
{
    if (m->num_encodings <= 0) return true;
    for (int i = 0; i < m->num_encodings; i++)
        if (m->encodings[i] == KT_PQ_ENC_PLAIN_DICTIONARY || m->encodings[i] == KT_PQ_ENC_RLE_DICTIONARY)
            return true;
    return false;
}

/* Codes are tried for a string chunk that may be dictionary-encoded,
 * unless this column's previous chunk had other pages: turning codes
 * into bytes midway costs a copy and fresh memory, so a file whose
 * writer falls back (or never uses a dictionary) is read as bytes. */
kt_type kt_pq_output_type(const kt_pq_reader *r, int row_group, int column)
{
    const kt_pq_column_info *c = &r->cols[column];
    if (!r->dict_codes || c->value_type != KT_BYTES || r->leaves[column].conversion != KT_PQ_CONV_NONE ||
        (r->codes_fell_back && r->codes_fell_back[column]) ||
        !may_be_dictionary(&r->meta.row_groups[row_group].columns[column].meta_data))
        return c->value_type;
    return KT_INT32;
}

void kt_pq_note_chunk_pages(kt_pq_reader *r, int column, bool non_dictionary_pages)
{
    if (!r->dict_codes || r->cols[column].value_type != KT_BYTES) return;
    if (!r->codes_fell_back) {
        r->codes_fell_back = calloc((size_t)r->ncols + 1, sizeof *r->codes_fell_back);
        if (!r->codes_fell_back) return;   /* only a hint: codes are still tried */
    }
    r->codes_fell_back[column] = non_dictionary_pages;
}

static kt_status grow_slots(kt_pq_reader *r, int need, kt_error *err)
{
    if (need <= r->code_slots) return KT_OK;
    kt_column *d = realloc(r->code_dicts, (size_t)need * sizeof *d);
    if (!d) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory for dictionaries", r->path);
    r->code_dicts = d;
    bool *set = realloc(r->code_dict_set, (size_t)need * sizeof *set);
    if (!set) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory for dictionaries", r->path);
    r->code_dict_set = set;
    for (int i = r->code_slots; i < need; i++) {
        kt_column_init(&d[i], KT_BYTES);
        set[i] = false;
    }
    r->code_slots = need;
    return KT_OK;
}

kt_status kt_pq_keep_dictionary(kt_pq_reader *r, int i, const kt_column *out, int column, kt_error *err)
{
    if (out->type != KT_INT32 || r->cols[column].value_type != KT_BYTES) return KT_OK;
    KT_TRY(grow_slots(r, i + 1, err));
    if (r->chunk_had_dict) {
        kt_column t = r->code_dicts[i];
        r->code_dicts[i] = r->dict;
        r->dict = t;
    } else {
        kt_pq_reset_column(&r->code_dicts[i], KT_BYTES);   /* no values: all null or no rows */
    }
    r->code_dict_set[i] = true;
    return KT_OK;
}

void kt_pq_free_codes(kt_pq_reader *r)
{
    for (int i = 0; i < r->code_slots; i++) kt_column_free(&r->code_dicts[i]);
    free(r->code_dicts);
    free(r->code_dict_set);
    free(r->codes_fell_back);
    r->codes_fell_back = NULL;
    r->code_dicts = NULL;
    r->code_dict_set = NULL;
    r->code_slots = 0;
}

/* Materialises with the payload bounded by limit. */
static kt_status materialize(const kt_column *codes, const kt_column *dict, kt_column *out, size_t limit,
                             kt_error *err)
{
    if (codes->type != KT_INT32 || dict->type != KT_BYTES)
        return kt_fail(err, KT_ERR_USAGE, "materialize needs int32 codes and a bytes dictionary, not %s and %s",
                       kt_type_name(codes->type), kt_type_name(dict->type));
    kt_pq_reset_column(out, KT_BYTES);
    size_t n = codes->len, total = 0;
    const int32_t *k = KT_COL_I32(codes);
    for (size_t i = 0; i < n; i++) {
        if (!kt_column_is_valid(codes, i)) continue;
        if (k[i] < 0 || (size_t)k[i] >= dict->len)
            return kt_fail(err, KT_ERR_USAGE, "code %d at row %zu is outside the dictionary (%zu values)",
                           (int)k[i], i, dict->len);
        size_t l = (size_t)(dict->offsets[k[i] + 1] - dict->offsets[k[i]]);
        if (l > limit - total) return kt_fail(err, KT_ERR_NOMEM, "strings exceed the %zu-byte limit", limit);
        total += l;
    }
    if (kt_column_reserve(out, n ? n : 1, total + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory for %zu strings", n);
    if (codes->valid) {
        out->valid = malloc(out->cap);
        if (!out->valid) return kt_fail(err, KT_ERR_NOMEM, "out of memory for validity");
        memcpy(out->valid, codes->valid, n);
        out->null_count = codes->null_count;
    }
    int64_t *off = out->offsets, end = 0;
    for (size_t i = 0; i < n; i++) {
        if (kt_column_is_valid(codes, i)) {
            int64_t s = dict->offsets[k[i]], l = dict->offsets[k[i] + 1] - s;
            if (l) memcpy(out->bytes + end, dict->bytes + s, (size_t)l);
            end += l;
        }
        off[i + 1] = end;
    }
    out->len = n;
    return KT_OK;
}

kt_status kt_pq_materialize(const kt_column *codes, const kt_column *dict, kt_column *out, kt_error *err)
{
    return materialize(codes, dict, out, SIZE_MAX, err);
}

kt_status kt_pq_chunk_leave_codes(kt_pq_chunk *c)
{
    kt_column bytes;
    kt_column_init(&bytes, KT_BYTES);
    kt_status st = KT_OK;
    if (c->out->len && !c->have_dict)
        st = kt_fail(c->err, KT_ERR_INTERNAL, "dictionary codes without a dictionary");
    if (st == KT_OK && c->out->len) st = materialize(c->out, &c->r->dict, &bytes, c->r->memory_limit, c->err);
    /* the rest of the row group's rows, as reserve_rows did for codes */
    if (st == KT_OK && kt_column_reserve(&bytes, (size_t)(c->num_rows - (int64_t)bytes.len) + 1, 0) != KT_OK)
        st = kt_fail(c->err, KT_ERR_NOMEM, "out of memory for %lld values", (long long)c->num_rows);
    if (st != KT_OK) {
        kt_column_free(&bytes);
        return st;
    }
    kt_column_free(c->out);
    *c->out = bytes;
    c->advised_values = c->advised_bytes = NULL;
    c->advised_values_len = c->advised_bytes_len = 0;
    return KT_OK;
}
