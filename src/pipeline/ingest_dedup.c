/*
 * pipeline/ingest_dedup.c — the duplicate set: two open-addressing tables
 * (16-byte packed slots for nearly every reading, 24-byte slots for the
 * rest), linear probing, load at most 3/4, each bounded by a byte budget.
 *
 * Invariants: a slot is occupied iff its generation equals its table's
 * gen; gen >= 1 whenever slots exist, and a fresh table is all zero (every
 * slot empty). A hash h maps to slot (h * cap) >> 64, which needs no
 * power-of-two capacity: a table is sized to the readings, not rounded up
 * to double. A reading goes to the packed table iff packs() says so; the
 * origin is fixed between two resets, so that choice is a function of the
 * reading and equal readings always meet in the same table.
 */
#include "pipeline/ingest_dedup.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hash.h"

#define MIN_SLOTS 256
#define HUGE_PAGE ((size_t)2 << 20)
#define WINDOW_BITS 40 /* packed time offset: 2^40 us around the origin */
#define RUN_BITS 11

/* meta = (time offset << 16 | run << 5 | robot << 3 | field) << 8 | gen */
typedef struct packed_slot {
    uint64_t value_bits;
    uint64_t meta;
} packed_slot;

typedef struct wide_slot {
    int64_t time_us;
    uint64_t value_bits;
    uint32_t run;
    uint8_t robot, field, gen, unused;
} wide_slot;

_Static_assert(sizeof(packed_slot) == KT_DEDUP_PACKED_BYTES, "packed slots are 16 bytes");
_Static_assert(sizeof(wide_slot) == KT_DEDUP_WIDE_BYTES, "wide slots are 24 bytes");

/* ---- memory ----------------------------------------------------------- */

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* A zeroed block for slots. Large ones are mapped directly (the kernel
 * hands out zero pages, so no pass clears them) on 2 MiB boundaries and
 * asked for transparent huge pages: probes land at random, and on 4 KiB
 * pages nearly every one would be a TLB miss. *mapped: bytes mapped, or 0. */
static void *alloc_slots(size_t bytes, size_t *mapped)
{
    *mapped = 0;
    if (bytes < 2 * HUGE_PAGE) return calloc(1, bytes);
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
    return start;
}

static void table_init(kt_dedup_table *t, size_t slot_bytes)
{
    memset(t, 0, sizeof *t);
    t->slot_bytes = slot_bytes;
}

static void table_free(kt_dedup_table *t)
{
    if (t->mapped) munmap(t->slots, t->mapped);
    else free(t->slots);
    table_init(t, t->slot_bytes);
}

/* Makes `slots` (n of them, `mapped` as alloc_slots said, generation 1)
 * the table's, releasing the old ones; count is left to the caller. */
static void install_slots(kt_dedup_table *t, void *slots, size_t n, size_t mapped)
{
    size_t count = t->count;
    table_free(t);
    t->slots = slots;
    t->cap = n;
    t->mapped = mapped;
    t->count = count;
    t->gen = 1;
}

/* A new generation empties every slot at once; only when the 8-bit
 * counter wraps (every 255 resets) is the table cleared for real. */
static void next_generation(kt_dedup_table *t)
{
    t->count = 0;
    if (++t->gen != 0) return;
    if (t->slots) memset(t->slots, 0, t->cap * t->slot_bytes);
    t->gen = 1;
}

static size_t max_slots(const kt_dedup *d, const kt_dedup_table *t)
{
    return d->max_bytes / t->slot_bytes;
}

/* Slots for n readings at load <= 3/4 (at least MIN_SLOTS), capped by the budget. */
static size_t slots_for(const kt_dedup *d, const kt_dedup_table *t, size_t n)
{
    size_t want = n > SIZE_MAX / 8 ? SIZE_MAX / 8 : n / 3 * 4 + n % 3 * 2 + 1, cap = max_slots(d, t);
    if (want < MIN_SLOTS) want = MIN_SLOTS;
    return want < cap ? want : cap;
}

/* ---- the two slot forms ----------------------------------------------- */

static inline uint64_t value_bits(double value)
{
    if (value == 0) value = 0.0; /* -0.0 -> +0.0 */
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
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

/* The reading's packed key (meta without the generation), when it has one. */
static inline bool packs(const kt_dedup *d, int64_t time_us, uint32_t run, uint8_t robot, uint8_t field,
                         uint64_t *key)
{
    uint64_t offset = (uint64_t)time_us - d->origin;
    if ((offset >> WINDOW_BITS) | (run >> RUN_BITS) | (uint32_t)(robot >> 2) | (uint32_t)(field >> 3)) return false;
    *key = offset << 16 | (uint64_t)run << 5 | (uint64_t)robot << 3 | field;
    return true;
}

static inline uint64_t packed_hash(uint64_t key, uint64_t bits)
{
    return kt_hash_mix64(key * 0x9e3779b97f4a7c15ULL ^ kt_hash_mix64(bits));
}

/* The slot holding (meta, bits), or the empty slot where it belongs. */
static packed_slot *packed_probe(packed_slot *slots, size_t cap, uint8_t gen, uint64_t meta, uint64_t bits,
                                 uint64_t h)
{
    size_t i = home_slot(h, cap);
    while ((uint8_t)slots[i].meta == gen && (slots[i].meta != meta || slots[i].value_bits != bits))
        i = i + 1 == cap ? 0 : i + 1;
    return &slots[i];
}

static inline uint64_t wide_hash(const wide_slot *k)
{
    uint64_t meta = (uint64_t)k->run << 16 | (uint64_t)k->robot << 8 | k->field;
    return kt_hash_mix64((uint64_t)k->time_us * 0x9e3779b97f4a7c15ULL ^ kt_hash_mix64(k->value_bits) ^
                         meta * 0x2545f4914f6cdd1dULL);
}

static inline bool wide_eq(const wide_slot *a, const wide_slot *b)
{
    return a->time_us == b->time_us && a->value_bits == b->value_bits && a->run == b->run &&
           a->robot == b->robot && a->field == b->field;
}

static wide_slot *wide_probe(wide_slot *slots, size_t cap, uint8_t gen, const wide_slot *k, uint64_t h)
{
    size_t i = home_slot(h, cap);
    while (slots[i].gen == gen && !wide_eq(&slots[i], k)) i = i + 1 == cap ? 0 : i + 1;
    return &slots[i];
}

/* The live slots of t into `to` (n slots, all empty), under generation 1. */
static void rehash(const kt_dedup_table *t, void *to, size_t n)
{
    if (t->slot_bytes == KT_DEDUP_PACKED_BYTES) {
        const packed_slot *from = t->slots;
        for (size_t i = 0; i < t->cap; i++) {
            if ((uint8_t)from[i].meta != t->gen) continue;
            uint64_t key = from[i].meta >> 8, bits = from[i].value_bits, meta = key << 8 | 1;
            *packed_probe(to, n, 1, meta, bits, packed_hash(key, bits)) = (packed_slot){ bits, meta };
        }
        return;
    }
    const wide_slot *from = t->slots;
    for (size_t i = 0; i < t->cap; i++) {
        if (from[i].gen != t->gen) continue;
        wide_slot k = from[i];
        k.gen = 1;
        *wide_probe(to, n, 1, &k, wide_hash(&k)) = k;
    }
}

/* About doubles the table; false when the budget forbids it or allocation fails. */
static bool grow(const kt_dedup *d, kt_dedup_table *t)
{
    size_t n = t->cap ? t->cap * 2 : MIN_SLOTS;
    if (n > max_slots(d, t)) n = max_slots(d, t);
    if (n <= t->cap) return false;
    size_t mapped;
    void *slots = alloc_slots(n * t->slot_bytes, &mapped);
    if (!slots) return false;
    rehash(t, slots, n);
    install_slots(t, slots, n, mapped); /* count unchanged: the same keys */
    return true;
}

/* Before a new reading goes into t: true when the table changed under it
 * (grown, or a new window begun because the budget forbids growing). */
static bool make_room(kt_dedup *d, kt_dedup_table *t)
{
    if ((t->count + 1) * 4 <= t->cap * 3) return false;
    if (!grow(d, t)) {
        next_generation(t);
        d->resets++;
    }
    return true;
}

static kt_status packed_insert(kt_dedup *d, uint64_t key, uint64_t bits, bool *fresh)
{
    kt_dedup_table *t = &d->packed;
    if (!t->slots && !grow(d, t)) return KT_ERR_NOMEM;
    uint64_t h = packed_hash(key, bits), meta = key << 8 | t->gen;
    packed_slot *slot = packed_probe(t->slots, t->cap, t->gen, meta, bits, h);
    *fresh = (uint8_t)slot->meta != t->gen;
    if (!*fresh) return KT_OK;
    if (make_room(d, t)) {
        meta = key << 8 | t->gen;
        slot = packed_probe(t->slots, t->cap, t->gen, meta, bits, h);
    }
    *slot = (packed_slot){ bits, meta };
    t->count++;
    return KT_OK;
}

static kt_status wide_insert(kt_dedup *d, wide_slot k, bool *fresh)
{
    kt_dedup_table *t = &d->wide;
    if (!t->slots && !grow(d, t)) return KT_ERR_NOMEM;
    uint64_t h = wide_hash(&k);
    wide_slot *slot = wide_probe(t->slots, t->cap, t->gen, &k, h);
    *fresh = slot->gen != t->gen;
    if (!*fresh) return KT_OK;
    if (make_room(d, t)) slot = wide_probe(t->slots, t->cap, t->gen, &k, h);
    k.gen = t->gen;
    *slot = k;
    t->count++;
    return KT_OK;
}

/* ---- the set ---------------------------------------------------------- */

void kt_dedup_init(kt_dedup *d, size_t max_bytes)
{
    memset(d, 0, sizeof *d);
    table_init(&d->packed, KT_DEDUP_PACKED_BYTES);
    table_init(&d->wide, KT_DEDUP_WIDE_BYTES);
    d->max_bytes = max_bytes < 4096 ? 4096 : max_bytes;
}

void kt_dedup_free(kt_dedup *d)
{
    table_free(&d->packed);
    table_free(&d->wide);
    kt_dedup_init(d, d->max_bytes);
}

void kt_dedup_reset(kt_dedup *d)
{
    next_generation(&d->packed);
    next_generation(&d->wide);
    d->has_origin = false;
    d->resets = 0;
}

/* A replaced table gets 1/8 more slots than asked: files of a delivery are
 * about the same size, and one a little larger than the last would
 * otherwise map (and the kernel zero) a fresh 34 MB table again. Only the
 * packed table is sized ahead: the wide one holds readings no plausible
 * file has. */
void kt_dedup_reserve(kt_dedup *d, size_t expected)
{
    kt_dedup_table *t = &d->packed;
    if (t->count || d->wide.count) return;
    size_t want = slots_for(d, t, expected);
    if (t->cap >= want && t->cap / 4 <= want) return;
    size_t n = slots_for(d, t, expected + expected / 8), mapped;
    void *slots = alloc_slots(n * t->slot_bytes, &mapped);
    if (slots) install_slots(t, slots, n, mapped); /* on failure the old table stays: inserts grow later */
}

size_t kt_dedup_bytes(const kt_dedup *d)
{
    return d->packed.cap * d->packed.slot_bytes + d->wide.cap * d->wide.slot_bytes;
}

void kt_dedup_prefetch(const kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                       uint8_t field)
{
    uint64_t key;
    if (!d->packed.slots || !d->has_origin || !packs(d, time_us, run, robot, field, &key)) return;
    uint64_t h = packed_hash(key, value_bits(value)); /* the rare wide path gets no hint */
    __builtin_prefetch((const packed_slot *)d->packed.slots + home_slot(h, d->packed.cap));
}

kt_status kt_dedup_insert(kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                          uint8_t field, bool *fresh)
{
    if (!d->has_origin) { /* the file's first reading sits in the middle of the packed window */
        d->origin = (uint64_t)time_us - ((uint64_t)1 << (WINDOW_BITS - 1));
        d->has_origin = true;
    }
    uint64_t key, bits = value_bits(value);
    if (packs(d, time_us, run, robot, field, &key)) return packed_insert(d, key, bits, fresh);
    wide_slot k = { .time_us = time_us, .value_bits = bits, .run = run, .robot = robot, .field = field };
    return wide_insert(d, k, fresh);
}
