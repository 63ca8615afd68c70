/*
 * core/hash.h — 64-bit hashing (xxh3 from libxxhash) for hash tables,
 * file identity and fingerprints. Stable across runs and machines, so
 * values may be persisted.
 */
#ifndef KT_CORE_HASH_H
#define KT_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

uint64_t kt_hash64(const void *data, size_t len, uint64_t seed);

/* Spreads the bits of a 64-bit key (MurmurHash3's fmix64 finalizer: a
 * bijection) for open-addressing tables keyed by integers; inline because
 * it sits in their probe loops. */
static inline uint64_t kt_hash_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Incremental hash over a byte stream (e.g. a file read in chunks). */
typedef struct kt_hasher kt_hasher;
kt_hasher *kt_hasher_new(uint64_t seed);
void kt_hasher_update(kt_hasher *h, const void *data, size_t len);
uint64_t kt_hasher_digest(const kt_hasher *h);
void kt_hasher_free(kt_hasher *h);

/* Hash of a whole file's contents, read in bounded chunks; size out too. */
kt_status kt_hash_file(const char *path, uint64_t *hash, uint64_t *size, kt_error *err);

#endif
