/*
 * format/parquet/dictionary_encode.c — open addressing with linear
 * probing, load factor <= 1/2. Strings up to 8 bytes are identified by
 * (length, 8-byte head) without touching their bytes again;
 * longer ones are confirmed with memcmp after a 32-bit hash-tag match.
 */
#include "format/parquet/dictionary_encode.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "format/parquet/plain_encode.h"

/* Up to 8 bytes that, together with the length, identify strings of at
 * most 8 bytes: overlapping loads cover every byte (host byte order is
 * fine, heads are only compared and hashed within this process). */
static uint64_t load_head(const char *s, size_t len)
{
    if (len >= 8) {
        uint64_t h;
        memcpy(&h, s, 8);
        return h;
    }
    if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        return (uint64_t)a | (uint64_t)b << 32;
    }
    if (len == 0) return 0;
    const uint8_t *u = (const uint8_t *)s;
    return (uint64_t)u[0] | (uint64_t)u[len / 2] << 8 | (uint64_t)u[len - 1] << 16;
}

static uint64_t hash_string(const char *s, size_t len, uint64_t head)
{
    if (len <= 8) return kt_hash_mix64(head ^ (uint64_t)len * 0x9E3779B97F4A7C15ull);
    return kt_hash64(s, len, 0);
}

void kt_pq_dict_enc_init(kt_pq_dict_enc *e, size_t max_bytes)
{
    memset(e, 0, sizeof *e);
    kt_buf_init(&e->plain);
    e->max_bytes = max_bytes;
}

void kt_pq_dict_enc_free(kt_pq_dict_enc *e)
{
    kt_buf_free(&e->plain);
    free(e->entries);
    free(e->slots);
    e->entries = NULL;
    e->slots = NULL;
}

void kt_pq_dict_enc_reset(kt_pq_dict_enc *e)
{
    kt_buf_clear(&e->plain);
    e->count = 0;
    e->full = false;
    if (e->slots) memset(e->slots, 0, (e->mask + 1) * sizeof *e->slots);
}

static bool same(const kt_pq_dict_enc *e, const kt_pq_dict_entry *en, const char *s, size_t len,
                 uint64_t head)
{
    if (en->len != len || en->head != head) return false;
    return len <= 8 || memcmp(e->plain.data + en->offset + 8, s + 8, len - 8) == 0;
}

static kt_status grow_table(kt_pq_dict_enc *e)
{
    size_t n = e->slots ? (e->mask + 1) * 2 : 1024;
    uint64_t *slots = calloc(n, sizeof *slots);
    if (!slots) return KT_ERR_NOMEM;
    size_t mask = n - 1;
    for (size_t i = 0; e->slots && i <= e->mask; i++) {
        uint64_t v = e->slots[i];
        if (!v) continue;
        const kt_pq_dict_entry *en = &e->entries[(uint32_t)v - 1];
        size_t k = hash_string((const char *)e->plain.data + en->offset, en->len, en->head) & mask;
        while (slots[k]) k = (k + 1) & mask;
        slots[k] = v;
    }
    free(e->slots);
    e->slots = slots;
    e->mask = mask;
    return KT_OK;
}

static kt_status add_entry(kt_pq_dict_enc *e, const char *s, size_t len, uint64_t head)
{
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        kt_pq_dict_entry *p = realloc(e->entries, cap * sizeof *p);
        if (!p) return KT_ERR_NOMEM;
        e->entries = p;
        e->cap = cap;
    }
    KT_TRY(kt_pq_plain_encode_byte_array(&e->plain, s, len));
    e->entries[e->count] = (kt_pq_dict_entry){ head, (uint32_t)(e->plain.len - len), (uint32_t)len };
    e->count++;
    return KT_OK;
}

kt_status kt_pq_dict_enc_put(kt_pq_dict_enc *e, const char *s, size_t len, uint32_t *index,
                             bool *is_new, bool *full)
{
    *is_new = false;
    *full = e->full;
    if (e->full) return KT_OK;
    if (!e->slots) KT_TRY(grow_table(e));
    uint64_t head = load_head(s, len);
    uint64_t h = hash_string(s, len, head);
    uint64_t tag = h >> 32 << 32;
    size_t k = h & e->mask;
    for (;;) {
        uint64_t v = e->slots[k];
        if (!v) break;
        if ((v & 0xffffffff00000000ull) == tag && same(e, &e->entries[(uint32_t)v - 1], s, len, head)) {
            *index = (uint32_t)v - 1;
            return KT_OK;
        }
        k = (k + 1) & e->mask;
    }
    if (e->plain.len + 4 + len > e->max_bytes || e->count >= INT32_MAX - 1) {
        e->full = *full = true;
        return KT_OK;
    }
    KT_TRY(add_entry(e, s, len, head));
    e->slots[k] = tag | (uint64_t)e->count;   /* index + 1 */
    *index = (uint32_t)(e->count - 1);
    *is_new = true;
    if (e->count * 2 > e->mask + 1) KT_TRY(grow_table(e));
    return KT_OK;
}
