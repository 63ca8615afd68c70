/*
 * format/parquet/dictionary_encode.h — the per-column-chunk string
 * dictionary for RLE_DICTIONARY pages.
 *
 * Contract: kt_pq_dict_enc_put maps a string to its dictionary index
 * (first-seen order). When adding a new string would make the PLAIN
 * dictionary page larger than max_bytes, put reports *full = true and
 * the string gets no index: the caller falls back to PLAIN for the rest
 * of the chunk. kt_pq_dict_enc_page appends the dictionary page body
 * (PLAIN, indices 0..count-1). Reset starts the next chunk.
 */
#ifndef KT_FORMAT_PARQUET_DICTIONARY_ENCODE_H
#define KT_FORMAT_PARQUET_DICTIONARY_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/dict.h"
#include "core/error.h"

typedef struct kt_pq_dict_enc {
    kt_dict dict;
    size_t count;        /* entries in the dictionary page (excludes a rejected one) */
    size_t page_bytes;   /* PLAIN size of those entries */
    size_t max_bytes;
    bool full;
} kt_pq_dict_enc;

void kt_pq_dict_enc_init(kt_pq_dict_enc *e, size_t max_bytes);
void kt_pq_dict_enc_free(kt_pq_dict_enc *e);
void kt_pq_dict_enc_reset(kt_pq_dict_enc *e);

/* *is_new: the string was added by this call (so min/max need updating). */
kt_status kt_pq_dict_enc_put(kt_pq_dict_enc *e, const char *s, size_t len, uint32_t *index,
                             bool *is_new, bool *full);

kt_status kt_pq_dict_enc_page(const kt_pq_dict_enc *e, kt_buf *out);

#endif
