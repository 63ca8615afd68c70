/*
 * pipeline/ingest_dedup.c — open-addressing set of 24-byte reading keys,
 * linear probing, load at most 3/4, bounded by a byte budget.
 *
 * Invariants: slots[i] is occupied iff slots[i].gen == d->gen; gen >= 1
 * whenever slots exist, and a fresh table is all zero (every slot empty).
 * A hash h maps to slot (h * cap) >> 64, which needs no power-of-two
 * capacity: the table is sized to the readings, not rounded up to double.
 */
#include "pipeline/ingest_dedup.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hash.h"

#define MIN_SLOTS 256
#define HUGE_PAGE ((size_t)2 << 20)

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* A zeroed table of n slots. Large ones are mapped directly (the kernel
 * hands out zero pages, so no pass clears them) on 2 MiB boundaries and
 * asked for transparent huge pages: probes land at random, and on 4 KiB
 * pages nearly every one would be a TLB miss. *mapped: bytes mapped, or 0. */
static kt_dedup_key *alloc_slots(size_t n, size_t *mapped)
{
    size_t bytes = n * sizeof(kt_dedup_key);
    *mapped = 0;
    if (bytes < 2 * HUGE_PAGE) return calloc(n, sizeof(kt_dedup_key));
    size_t len = round_up(bytes, HUGE_PAGE), span = len + HUGE_PAGE;
    uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uint8_t *start = (uint8_t *)round_up((uintptr_t)p, HUGE_PAGE);
    if (start > p) munmap(p, (size_t)(start - p));
    if (start + len < p + span) munmap(start + len, (size_t)(p + span - (start + len)));
#ifdef MADV_HUGEPAGE
    madvise(start, len, MADV_HUGEPAGE);
#endif
    *mapped = len;
    return (kt_dedup_key *)start;
}

static void release_slots(kt_dedup_key *slots, size_t mapped)
{
    if (mapped) munmap(slots, mapped);
    else free(slots);
}

static void free_slots(kt_dedup *d)
{
    release_slots(d->slots, d->mapped);
    d->slots = NULL;
    d->cap = 0;
    d->mapped = 0;
}

void kt_dedup_init(kt_dedup *d, size_t max_bytes)
{
    memset(d, 0, sizeof *d);
    d->max_bytes = max_bytes < 4096 ? 4096 : max_bytes;
}

void kt_dedup_free(kt_dedup *d)
{
    free_slots(d);
    kt_dedup_init(d, d->max_bytes);
}

/* A new generation empties every slot at once; only when the 16-bit
 * counter wraps (every 65535 resets) is the table cleared for real. */
static void next_generation(kt_dedup *d)
{
    d->count = 0;
    if (++d->gen != 0) return;
    if (d->slots) memset(d->slots, 0, d->cap * sizeof *d->slots);
    d->gen = 1;
}

void kt_dedup_reset(kt_dedup *d)
{
    next_generation(d);
    d->resets = 0;
}

static size_t max_slots(const kt_dedup *d)
{
    return d->max_bytes / sizeof(kt_dedup_key);
}

/* Slots for n readings at load <= 3/4 (at least MIN_SLOTS), capped by the budget. */
static size_t slots_for(const kt_dedup *d, size_t n)
{
    size_t want = n > SIZE_MAX / 8 ? SIZE_MAX / 8 : n / 3 * 4 + n % 3 * 2 + 1, cap = max_slots(d);
    if (want < MIN_SLOTS) want = MIN_SLOTS;
    return want < cap ? want : cap;
}

/* Makes slots (n of them, `mapped` as alloc_slots said, generation 1) the
 * table, releasing the old one; count is left to the caller. */
static void install_slots(kt_dedup *d, kt_dedup_key *slots, size_t n, size_t mapped)
{
    free_slots(d);
    d->slots = slots;
    d->cap = n;
    d->mapped = mapped;
    d->gen = 1;
}

/* Replaces the table by an empty one of n slots; false when allocation fails. */
static bool replace_slots(kt_dedup *d, size_t n)
{
    size_t mapped;
    kt_dedup_key *slots = alloc_slots(n, &mapped);
    if (!slots) return false;
    install_slots(d, slots, n, mapped);
    d->count = 0;
    return true;
}

/* A replaced table gets 1/8 more slots than asked: files of a delivery are
 * about the same size, and one a little larger than the last would
 * otherwise map (and the kernel zero) a fresh 50 MB table again. */
void kt_dedup_reserve(kt_dedup *d, size_t expected)
{
    if (d->count) return;
    size_t want = slots_for(d, expected);
    if (d->cap >= want && d->cap / 4 <= want) return;
    size_t roomy = slots_for(d, expected + expected / 8);
    replace_slots(d, roomy); /* on failure the old table stays: inserts grow later */
}

size_t kt_dedup_bytes(const kt_dedup *d)
{
    return d->cap * sizeof(kt_dedup_key);
}

static inline uint64_t key_hash(const kt_dedup_key *k)
{
    uint64_t meta = (uint64_t)k->run << 16 | (uint64_t)k->robot << 8 | k->field;
    return kt_hash_mix64((uint64_t)k->time_us * 0x9e3779b97f4a7c15ULL ^ kt_hash_mix64(k->value_bits) ^
                         meta * 0x2545f4914f6cdd1dULL);
}

/* The slot a hash starts probing at: the high bits of h * cap. */
static inline size_t home_slot(uint64_t h, size_t cap)
{
#ifdef __SIZEOF_INT128__
    return (size_t)(((unsigned __int128)h * cap) >> 64);
#else
    return (size_t)(h % cap);
#endif
}

static inline bool key_eq(const kt_dedup_key *a, const kt_dedup_key *b)
{
    return a->time_us == b->time_us && a->value_bits == b->value_bits && a->run == b->run &&
           a->robot == b->robot && a->field == b->field;
}

/* The slot holding k, or the empty slot where it belongs. */
static kt_dedup_key *probe(kt_dedup_key *slots, size_t cap, uint16_t gen, const kt_dedup_key *k, uint64_t h)
{
    size_t i = home_slot(h, cap);
    while (slots[i].gen == gen && !key_eq(&slots[i], k)) i = i + 1 == cap ? 0 : i + 1;
    return &slots[i];
}

/* About doubles the table; false when the budget forbids it or allocation fails. */
static bool grow(kt_dedup *d)
{
    size_t n = d->cap ? d->cap * 2 : MIN_SLOTS;
    if (n > max_slots(d)) n = max_slots(d);
    if (n <= d->cap) return false;
    size_t mapped;
    kt_dedup_key *slots = alloc_slots(n, &mapped);
    if (!slots) return false;
    for (size_t i = 0; i < d->cap; i++) {
        if (d->slots[i].gen != d->gen) continue;
        kt_dedup_key k = d->slots[i];
        k.gen = 1;
        *probe(slots, n, 1, &k, key_hash(&k)) = k;
    }
    install_slots(d, slots, n, mapped); /* count unchanged: the same keys */
    return true;
}

static inline kt_dedup_key make_key(int64_t time_us, double value, uint32_t run, uint8_t robot, uint8_t field,
                                    uint16_t gen)
{
    if (value == 0) value = 0.0; /* -0.0 -> +0.0 */
    kt_dedup_key k = { .time_us = time_us, .run = run, .robot = robot, .field = field, .gen = gen };
    memcpy(&k.value_bits, &value, sizeof value);
    return k;
}

void kt_dedup_prefetch(const kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                       uint8_t field)
{
    if (!d->slots) return;
    kt_dedup_key k = make_key(time_us, value, run, robot, field, d->gen);
    __builtin_prefetch(&d->slots[home_slot(key_hash(&k), d->cap)]);
}

kt_status kt_dedup_insert(kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                          uint8_t field, bool *fresh)
{
    if (!d->slots && !grow(d)) return KT_ERR_NOMEM;
    kt_dedup_key k = make_key(time_us, value, run, robot, field, d->gen);
    uint64_t h = key_hash(&k);
    kt_dedup_key *slot = probe(d->slots, d->cap, d->gen, &k, h);
    if (slot->gen == d->gen) {
        *fresh = false;
        return KT_OK;
    }
    /* new: make room first (grow, or start a new window when over budget) */
    if ((d->count + 1) * 4 > d->cap * 3) {
        if (!grow(d)) {
            next_generation(d);
            d->resets++;
        }
        k.gen = d->gen;
        slot = probe(d->slots, d->cap, d->gen, &k, h);
    }
    *slot = k;
    d->count++;
    *fresh = true;
    return KT_OK;
}
