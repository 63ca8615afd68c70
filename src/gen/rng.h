/*
 * gen/rng.h — the generator's randomness: a sequential PRNG held in a
 * struct (xoshiro256**, seeded through splitmix64) and counter-based
 * hashing, so that any reading can be computed on its own from
 * (seed, run, series, index) — which is what makes the output independent
 * of how the work is split between threads.
 *
 * Contract: everything here is a pure function of its arguments (no global
 * state); the same inputs give the same numbers on every machine.
 */
#ifndef KT_GEN_RNG_H
#define KT_GEN_RNG_H

#include <stdint.h>

/* splitmix64's output function: a bijective 64-bit mixer. */
static inline uint64_t kt_gen_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define KT_GEN_GOLDEN 0x9e3779b97f4a7c15ULL

/* Hash of a key and a counter: element `index` of the stream named `key`. */
static inline uint64_t kt_gen_hash_at(uint64_t key, uint64_t index)
{
    return kt_gen_mix64(key + (index + 1) * KT_GEN_GOLDEN);
}

/* Derives a sub-key: key for "part `part` of `key`". */
static inline uint64_t kt_gen_subkey(uint64_t key, uint64_t part)
{
    return kt_gen_mix64(kt_gen_hash_at(key, part) ^ 0x5851f42d4c957f2dULL);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double kt_gen_unit(uint64_t h)
{
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * Standardised noise (mean 0, variance 1) from one hash: the Irwin-Hall sum
 * of four 16-bit uniforms, rescaled. Bell-shaped and bounded by
 * |n| <= 2*sqrt(3) ~ 3.46, so tests can use hard tolerances.
 */
static inline double kt_gen_noise(uint64_t h)
{
    double s = (double)(h & 0xffff) + (double)((h >> 16) & 0xffff) +
               (double)((h >> 32) & 0xffff) + (double)(h >> 48);
    /* each lane: (v + 0.5) / 65536 is uniform on (0,1) with mean 1/2 */
    return ((s + 2.0) / 65536.0 - 2.0) * 1.7320508075688772;
}

#define KT_GEN_NOISE_BOUND 3.4641016151377544

/* xoshiro256**: sequential PRNG for plans and shuffles. */
typedef struct kt_gen_rng {
    uint64_t s[4];
} kt_gen_rng;

void kt_gen_rng_seed(kt_gen_rng *r, uint64_t seed);
uint64_t kt_gen_rng_next(kt_gen_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t kt_gen_rng_below(kt_gen_rng *r, uint64_t n);
/* Uniform double in [lo, hi). */
double kt_gen_rng_range(kt_gen_rng *r, double lo, double hi);

#endif
