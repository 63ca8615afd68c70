/*
 * core/dict.h — string dictionary: interns byte strings to dense ids
 * 0, 1, 2, ... in first-seen order.
 *
 * Contract: ids are stable for the dictionary's lifetime; kt_dict_get
 * pointers stay valid until kt_dict_free (strings live in an arena).
 * Used by the Parquet writer's dictionary encoding and by ingest to map
 * repeated names once. Open addressing, power-of-two table, load <= 1/2.
 */
#ifndef KT_CORE_DICT_H
#define KT_CORE_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

typedef struct kt_dict_entry {
    const char *str;
    uint32_t len;
    uint64_t hash;
} kt_dict_entry;

typedef struct kt_dict {
    kt_arena strings;
    kt_dict_entry *entries;  /* by id */
    size_t count;
    size_t entries_cap;
    int32_t *slots;          /* hash table of ids, -1 = empty */
    size_t slot_mask;
    size_t total_bytes;      /* sum of string lengths */
} kt_dict;

void kt_dict_init(kt_dict *d);
void kt_dict_free(kt_dict *d);
void kt_dict_clear(kt_dict *d);

/* Id of s, adding it if new. */
kt_status kt_dict_intern(kt_dict *d, const char *s, size_t len, int32_t *id);
/* Id of s, or -1 if absent. */
int32_t kt_dict_find(const kt_dict *d, const char *s, size_t len);

static inline size_t kt_dict_count(const kt_dict *d) { return d->count; }
static inline const char *kt_dict_get(const kt_dict *d, int32_t id, size_t *len)
{
    *len = d->entries[id].len;
    return d->entries[id].str;
}

#endif
