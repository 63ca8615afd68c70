/* gen/rng.c — xoshiro256** (Blackman & Vigna), seeded via splitmix64. */
#include "gen/rng.h"

void kt_gen_rng_seed(kt_gen_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += KT_GEN_GOLDEN;
        r->s[i] = kt_gen_mix64(x);
    }
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t kt_gen_rng_next(kt_gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t kt_gen_rng_below(kt_gen_rng *r, uint64_t n)
{
    /* Lemire's multiply-shift with rejection: unbiased, and a division only on the rare retry
     * path (this runs once per row in every shuffle). */
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)kt_gen_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (u128)kt_gen_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double kt_gen_rng_range(kt_gen_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * kt_gen_unit(kt_gen_rng_next(r));
}
