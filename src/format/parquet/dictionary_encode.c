/*
 * format/parquet/dictionary_encode.c — a kt_dict plus the running size of
 * the PLAIN dictionary page, which is what dict_max_bytes bounds.
 */
#include "format/parquet/dictionary_encode.h"

#include "format/parquet/plain_encode.h"

void kt_pq_dict_enc_init(kt_pq_dict_enc *e, size_t max_bytes)
{
    kt_dict_init(&e->dict);
    e->max_bytes = max_bytes;
    e->count = 0;
    e->page_bytes = 0;
    e->full = false;
}

void kt_pq_dict_enc_free(kt_pq_dict_enc *e) { kt_dict_free(&e->dict); }

void kt_pq_dict_enc_reset(kt_pq_dict_enc *e)
{
    kt_dict_clear(&e->dict);
    e->count = 0;
    e->page_bytes = 0;
    e->full = false;
}

kt_status kt_pq_dict_enc_put(kt_pq_dict_enc *e, const char *s, size_t len, uint32_t *index,
                             bool *is_new, bool *full)
{
    *is_new = false;
    *full = e->full;
    if (e->full) return KT_OK;
    int32_t id;
    KT_TRY(kt_dict_intern(&e->dict, s, len, &id));
    if ((size_t)id < e->count) {
        *index = (uint32_t)id;
        return KT_OK;
    }
    /* New string: it stays in the kt_dict even if rejected, but beyond
     * `count`, so it never reaches the dictionary page. */
    if (e->page_bytes + 4 + len > e->max_bytes || e->count >= INT32_MAX) {
        e->full = *full = true;
        return KT_OK;
    }
    e->page_bytes += 4 + len;
    *index = (uint32_t)e->count++;
    *is_new = true;
    return KT_OK;
}

kt_status kt_pq_dict_enc_page(const kt_pq_dict_enc *e, kt_buf *out)
{
    KT_TRY(kt_buf_reserve(out, e->page_bytes));
    for (size_t i = 0; i < e->count; i++) {
        size_t len;
        const char *s = kt_dict_get(&e->dict, (int32_t)i, &len);
        KT_TRY(kt_pq_plain_byte_array(out, s, len));
    }
    return KT_OK;
}
