/*
 * format/parquet/dictionary_encode.h — the per-column-chunk string
 * dictionary for RLE_DICTIONARY pages: a hash table specialised for the
 * writer (short strings hashed and compared as machine words) whose
 * entries are stored directly as the PLAIN dictionary page body.
 *
 * Contract: kt_pq_dict_enc_put maps a string to its dictionary index
 * (first-seen order). When adding a new string would make the PLAIN
 * dictionary page larger than max_bytes, put reports *full = true and
 * the string gets no index: the caller falls back to PLAIN for the rest
 * of the chunk (later puts keep reporting full). kt_pq_dict_enc_page
 * returns the dictionary page body. Reset starts the next chunk.
 * max_bytes must be below 4 GiB.
 */
#ifndef KT_FORMAT_PARQUET_DICTIONARY_ENCODE_H
#define KT_FORMAT_PARQUET_DICTIONARY_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef struct kt_pq_dict_entry {
    uint64_t head;     /* see load_head: equal head + len decides strings of <= 8 bytes */
    uint32_t offset;   /* of the string's bytes in `plain` */
    uint32_t len;
} kt_pq_dict_entry;

typedef struct kt_pq_dict_enc {
    kt_buf plain;                /* dictionary page body: [4-byte length][bytes] per entry */
    kt_pq_dict_entry *entries;
    size_t count, cap;
    uint64_t *slots;             /* hash high 32 bits << 32 | (index + 1); 0 = empty */
    size_t mask;
    size_t max_bytes;
    bool full;
} kt_pq_dict_enc;

void kt_pq_dict_enc_init(kt_pq_dict_enc *e, size_t max_bytes);
void kt_pq_dict_enc_free(kt_pq_dict_enc *e);
void kt_pq_dict_enc_reset(kt_pq_dict_enc *e);

/* *is_new: the string was added by this call (so min/max need updating). */
kt_status kt_pq_dict_enc_put(kt_pq_dict_enc *e, const char *s, size_t len, uint32_t *index,
                             bool *is_new, bool *full);

/* The PLAIN dictionary page body (valid until the next put or reset). */
static inline const kt_buf *kt_pq_dict_enc_page(const kt_pq_dict_enc *e) { return &e->plain; }

#endif
