/*
 * lake/delta/strmap.c — open-addressing map from NUL-terminated strings
 * to dense indices, for log replay (path -> entry, appId -> txn). Keys
 * are owned by the caller and reached through a callback, so the map
 * stores only slots and hashes. Load factor is kept at or below 1/2.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "lake/delta/internal.h"

void kt_strmap_init(kt_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void kt_strmap_free(kt_strmap *m)
{
    free(m->slots);
    free(m->hashes);
    memset(m, 0, sizeof *m);
}

uint64_t kt_strmap_hash(const char *key)
{
    return kt_hash64(key, strlen(key), 0x6b696e65746c64ULL);
}

int64_t kt_strmap_find(const kt_strmap *m, const char *key, uint64_t hash,
                       kt_strmap_key_fn key_of, const void *ctx)
{
    if (!m->slots) return -1;
    for (size_t i = hash & m->mask;; i = (i + 1) & m->mask) {
        uint32_t s = m->slots[i];
        if (!s) return -1;
        if (m->hashes[i] == hash && strcmp(key_of(ctx, s - 1), key) == 0) return s - 1;
    }
}

static void place(uint32_t *slots, uint64_t *hashes, size_t mask, uint64_t hash, uint32_t slot)
{
    size_t i = hash & mask;
    while (slots[i]) i = (i + 1) & mask;
    slots[i] = slot;
    hashes[i] = hash;
}

static kt_status grow(kt_strmap *m)
{
    size_t cap = m->slots ? (m->mask + 1) * 2 : 64;
    if (cap > ((size_t)1 << 40)) return KT_ERR_NOMEM;
    uint32_t *slots = calloc(cap, sizeof *slots);
    uint64_t *hashes = malloc(cap * sizeof *hashes);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return KT_ERR_NOMEM;
    }
    if (m->slots)
        for (size_t i = 0; i <= m->mask; i++)
            if (m->slots[i]) place(slots, hashes, cap - 1, m->hashes[i], m->slots[i]);
    free(m->slots);
    free(m->hashes);
    m->slots = slots;
    m->hashes = hashes;
    m->mask = cap - 1;
    return KT_OK;
}

kt_status kt_strmap_insert(kt_strmap *m, uint64_t hash, uint32_t index)
{
    if (index == UINT32_MAX) return KT_ERR_NOMEM;
    if (!m->slots || (m->count + 1) * 2 > m->mask + 1) KT_TRY(grow(m));
    place(m->slots, m->hashes, m->mask, hash, index + 1);
    m->count++;
    return KT_OK;
}
