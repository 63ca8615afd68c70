/*
 * pipeline/ingest_dedup.h — exact duplicates of accepted readings within
 * one source file (SPEC §2 `raw`: "exact duplicates within a file dropped").
 *
 * Contract:
 *  - A reading is (run, time, robot, field, value); sensor_type follows
 *    from the field once a row is accepted. Values compare numerically
 *    (-0.0 equals +0.0; NaN never reaches here: it is quarantined).
 *  - kt_dedup_insert returns true when the reading is new (keep it) and
 *    false when an equal one was inserted since the last reset (drop it).
 *  - Two tables. A reading is held in 16 bytes (value, and one word of time
 *    as an offset from the file's first reading, run, robot, field and slot
 *    generation) when it fits: time within ±2^39 µs (6.3 days) of the
 *    file's first reading, run index < 2048, robot < 4, field < 8 — every
 *    reading of any plausible file. Others go to a table of 24-byte slots,
 *    which exists only once such a reading comes. Whether a reading fits
 *    depends on the reading alone (the origin is fixed for the file), so
 *    equal readings always meet in the same table: exactness holds.
 *  - Memory is bounded by max_bytes (>= 4 KiB) per table. When a table
 *    would have to grow past it, it is emptied and starts again: from then
 *    on only duplicates within each window of distinct readings are caught.
 *    `resets` counts that, so callers can report the file's dedup as
 *    windowed instead of exact — never silently. With the default 128 MiB
 *    a file is exact up to ~6.3 million distinct readings (load at most 3/4).
 *  - A table holds as many slots as the readings need, not a power of two
 *    (a hash maps to a slot by multiply-shift), so a file of 1.6 M readings
 *    takes 34 MB, not 64. Slots carry the generation that wrote them: a
 *    reset is one increment, not a pass over the table.
 *  - kt_dedup_reserve sizes an empty set for the readings a file is
 *    expected to hold (its footer's row count), within the budget: a file
 *    then costs no rehashing, and a small file after a large one does not
 *    clear the large table. A new table has 1/8 headroom, so a file up to
 *    that much larger than the last keeps it. It is only a hint; inserts
 *    grow as before.
 */
#ifndef KT_PIPELINE_INGEST_DEDUP_H
#define KT_PIPELINE_INGEST_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* One open-addressing table; slot_bytes says which form its slots take. */
typedef struct kt_dedup_table {
    void *slots;
    size_t slot_bytes;     /* KT_DEDUP_PACKED_BYTES or KT_DEDUP_WIDE_BYTES */
    size_t cap;            /* slots (0 when no table yet) */
    size_t count;
    size_t mapped;         /* bytes mmapped for slots; 0: slots came from malloc */
    uint8_t gen;           /* >= 1 while slots exist; a slot of any other generation is empty */
} kt_dedup_table;

enum { KT_DEDUP_PACKED_BYTES = 16, KT_DEDUP_WIDE_BYTES = 24 };

typedef struct kt_dedup {
    kt_dedup_table packed; /* readings that fit 16 bytes */
    kt_dedup_table wide;   /* the others */
    uint64_t origin;       /* packed times count from here; set by the file's first reading */
    bool has_origin;
    size_t max_bytes;      /* per table */
    uint64_t resets;
} kt_dedup;

void kt_dedup_init(kt_dedup *d, size_t max_bytes);
void kt_dedup_free(kt_dedup *d);
/* Empties the set, keeping its memory; resets goes back to 0. */
void kt_dedup_reset(kt_dedup *d);
/* Sizes an empty set (count == 0) for about `expected` readings, within
 * max_bytes: re-allocates when the table is smaller than needed or more
 * than 4x larger. Allocation failure is not an error (inserts grow later). */
void kt_dedup_reserve(kt_dedup *d, size_t expected);
/* Bytes held by the tables. */
size_t kt_dedup_bytes(const kt_dedup *d);

/* Hints that the reading will be inserted soon: loads its slot into cache
 * (random access into a large table is the cost of dedup; callers prefetch
 * a few rows ahead). */
void kt_dedup_prefetch(const kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                       uint8_t field);

/* *fresh = true when new. KT_ERR_NOMEM only when even the smallest table
 * cannot be allocated. */
kt_status kt_dedup_insert(kt_dedup *d, int64_t time_us, double value, uint32_t run, uint8_t robot,
                          uint8_t field, bool *fresh);

#endif
