/*
 * core/dict.c — open-addressing hash of ids into the entries array.
 */
#include "core/dict.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

void kt_dict_init(kt_dict *d)
{
    memset(d, 0, sizeof *d);
    kt_arena_init(&d->strings, 0);
}

void kt_dict_free(kt_dict *d)
{
    kt_arena_free(&d->strings);
    free(d->entries);
    free(d->slots);
    kt_dict_init(d);
}

void kt_dict_clear(kt_dict *d)
{
    kt_arena_reset(&d->strings);
    d->count = 0;
    d->total_bytes = 0;
    if (d->slots) memset(d->slots, 0xff, (d->slot_mask + 1) * sizeof *d->slots);
}

static size_t probe(const kt_dict *d, const char *s, size_t len, uint64_t h)
{
    size_t i = (size_t)h & d->slot_mask;
    for (;;) {
        int32_t id = d->slots[i];
        if (id < 0) return i;
        const kt_dict_entry *e = &d->entries[id];
        if (e->hash == h && e->len == len && memcmp(e->str, s, len) == 0) return i;
        i = (i + 1) & d->slot_mask;
    }
}

static kt_status rehash(kt_dict *d)
{
    size_t nslots = d->slots ? (d->slot_mask + 1) * 2 : 64;
    int32_t *slots = malloc(nslots * sizeof *slots);
    if (!slots) return KT_ERR_NOMEM;
    memset(slots, 0xff, nslots * sizeof *slots);
    free(d->slots);
    d->slots = slots;
    d->slot_mask = nslots - 1;
    for (size_t id = 0; id < d->count; id++) {
        const kt_dict_entry *e = &d->entries[id];
        d->slots[probe(d, e->str, e->len, e->hash)] = (int32_t)id;
    }
    return KT_OK;
}

int32_t kt_dict_find(const kt_dict *d, const char *s, size_t len)
{
    if (!d->slots) return -1;
    uint64_t h = kt_hash64(s, len, 0);
    return d->slots[probe(d, s, len, h)];
}

kt_status kt_dict_intern(kt_dict *d, const char *s, size_t len, int32_t *id)
{
    if (len > UINT32_MAX || d->count >= INT32_MAX) return KT_ERR_NOMEM;
    if (!d->slots || (d->count + 1) * 2 > d->slot_mask + 1) KT_TRY(rehash(d));
    uint64_t h = kt_hash64(s, len, 0);
    size_t slot = probe(d, s, len, h);
    if (d->slots[slot] >= 0) {
        *id = d->slots[slot];
        return KT_OK;
    }
    if (d->count == d->entries_cap) {
        size_t cap = d->entries_cap ? d->entries_cap * 2 : 64;
        kt_dict_entry *e = realloc(d->entries, cap * sizeof *e);
        if (!e) return KT_ERR_NOMEM;
        d->entries = e;
        d->entries_cap = cap;
    }
    char *copy = kt_arena_strndup(&d->strings, s, len);
    if (!copy) return KT_ERR_NOMEM;
    d->entries[d->count] = (kt_dict_entry){ copy, (uint32_t)len, h };
    d->slots[slot] = (int32_t)d->count;
    *id = (int32_t)d->count++;
    d->total_bytes += len;
    return KT_OK;
}
