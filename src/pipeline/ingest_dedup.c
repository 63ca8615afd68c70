/*
 * pipeline/ingest_dedup.c — open-addressing set of 24-byte reading keys,
 * linear probing, load at most 3/4, bounded by a byte budget.
 */
#include "pipeline/ingest_dedup.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hash.h"

#define EMPTY INT64_MIN
#define MIN_SLOTS 256
#define HUGE_PAGE ((size_t)2 << 20)

/* Large tables are probed at random: on 4 KiB pages nearly every probe is
 * a TLB miss and every page a fault. They are 2 MiB-aligned and asked to
 * be backed by transparent huge pages (a hint; the kernel may decline). */
static kt_dedup_key *alloc_slots(size_t n)
{
    size_t bytes = n * sizeof(kt_dedup_key);
    if (bytes < 2 * HUGE_PAGE) return malloc(bytes);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

void kt_dedup_init(kt_dedup *d, size_t max_bytes)
{
    memset(d, 0, sizeof *d);
    d->max_bytes = max_bytes < 4096 ? 4096 : max_bytes;
}

void kt_dedup_free(kt_dedup *d)
{
    free(d->slots);
    kt_dedup_init(d, d->max_bytes);
}

static void clear_slots(kt_dedup_key *slots, size_t n)
{
    for (size_t i = 0; i < n; i++) slots[i].time_us = EMPTY;
}

/* Clearing is deferred to first use: kt_dedup_reserve may replace the table first. */
void kt_dedup_reset(kt_dedup *d)
{
    d->stale = d->slots != NULL;
    d->count = 0;
    d->resets = 0;
}

static void freshen(kt_dedup *d)
{
    if (!d->stale) return;
    clear_slots(d->slots, d->mask + 1);
    d->stale = false;
}

/* Slots for n readings at load <= 3/4 (a power of two, at least MIN_SLOTS), capped by the budget. */
static size_t slots_for(const kt_dedup *d, size_t n)
{
    size_t slots = MIN_SLOTS;
    while (slots / 4 * 3 < n && slots * 2 * sizeof(kt_dedup_key) <= d->max_bytes) slots *= 2;
    return slots;
}

void kt_dedup_reserve(kt_dedup *d, size_t expected)
{
    if (d->count) return;
    size_t want = slots_for(d, expected), have = d->slots ? d->mask + 1 : 0;
    if (have >= want && have / 4 <= want) return;
    kt_dedup_key *slots = alloc_slots(want);
    if (!slots) return;
    free(d->slots);
    clear_slots(slots, want);
    d->slots = slots;
    d->mask = want - 1;
    d->stale = false;
}

size_t kt_dedup_bytes(const kt_dedup *d)
{
    return d->slots ? (d->mask + 1) * sizeof(kt_dedup_key) : 0;
}

static inline uint64_t key_hash(const kt_dedup_key *k)
{
    uint64_t meta = (uint64_t)k->run << 16 | (uint64_t)k->robot << 8 | k->field;
    return kt_hash_mix64((uint64_t)k->time_us * 0x9e3779b97f4a7c15ULL ^ kt_hash_mix64(k->value_bits) ^
                         meta * 0x2545f4914f6cdd1dULL);
}

static inline bool key_eq(const kt_dedup_key *a, const kt_dedup_key *b)
{
    return a->time_us == b->time_us && a->value_bits == b->value_bits && a->run == b->run &&
           a->robot == b->robot && a->field == b->field;
}

static kt_dedup_key *probe(kt_dedup_key *slots, size_t mask, const kt_dedup_key *k, uint64_t h)
{
    size_t i = (size_t)h & mask;
    while (slots[i].time_us != EMPTY && !key_eq(&slots[i], k)) i = (i + 1) & mask;
    return &slots[i];
}

/* Doubles the table; false when the budget forbids it (or malloc fails at a size above the minimum). */
static bool grow(kt_dedup *d)
{
    size_t n = d->slots ? (d->mask + 1) * 2 : MIN_SLOTS;
    if (d->slots && n * sizeof(kt_dedup_key) > d->max_bytes) return false;
    kt_dedup_key *slots = alloc_slots(n);
    if (!slots) return false;
    clear_slots(slots, n);
    for (size_t i = 0; d->slots && i <= d->mask; i++)
        if (d->slots[i].time_us != EMPTY) *probe(slots, n - 1, &d->slots[i], key_hash(&d->slots[i])) = d->slots[i];
    free(d->slots);
    d->slots = slots;
    d->mask = n - 1;
    return true;
}

static inline kt_dedup_key make_key(int64_t time_us, double value, uint32_t run, uint8_t robot, uint8_t field)
{
    if (value == 0) value = 0.0; /* -0.0 -> +0.0 */
    kt_dedup_key k = { .time_us = time_us, .run = run, .robot = robot, .field = field };
    memcpy(&k.value_bits, &value, sizeof value);
    return k;
}

void kt_dedup_prefetch(const kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                       uint8_t field)
{
    if (!d->slots || d->stale) return;
    kt_dedup_key k = make_key(time_us, value, run, robot, field);
    __builtin_prefetch(&d->slots[key_hash(&k) & d->mask]);
}

kt_status kt_dedup_insert(kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                          uint8_t field, bool *fresh)
{
    kt_dedup_key k = make_key(time_us, value, run, robot, field);
    if (time_us == EMPTY) { /* cannot be stored; never happens for validated times */
        *fresh = true;
        return KT_OK;
    }
    freshen(d);
    uint64_t h = key_hash(&k);
    kt_dedup_key *slot = d->slots ? probe(d->slots, d->mask, &k, h) : NULL;
    if (slot && slot->time_us != EMPTY) {
        *fresh = false;
        return KT_OK;
    }
    /* new: make room first (grow, or start a new window when over budget) */
    if (!d->slots || (d->count + 1) * 4 > (d->mask + 1) * 3) {
        if (!grow(d)) {
            if (!d->slots) return KT_ERR_NOMEM;
            clear_slots(d->slots, d->mask + 1); /* start a new window */
            d->count = 0;
            d->resets++;
        }
        slot = probe(d->slots, d->mask, &k, h);
    }
    *slot = k;
    d->count++;
    *fresh = true;
    return KT_OK;
}
