/*
 * core/hash.c — thin wrapper over XXH3-64 so the rest of kinetl does not
 * depend on the library's names.
 */
#include "core/hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

struct kt_hasher {
    XXH3_state_t *state;
};

uint64_t kt_hash64(const void *data, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(data, len, seed);
}

kt_hasher *kt_hasher_new(uint64_t seed)
{
    kt_hasher *h = malloc(sizeof *h);
    if (!h) return NULL;
    h->state = XXH3_createState();
    if (!h->state) {
        free(h);
        return NULL;
    }
    XXH3_64bits_reset_withSeed(h->state, seed);
    return h;
}

void kt_hasher_update(kt_hasher *h, const void *data, size_t len)
{
    XXH3_64bits_update(h->state, data, len);
}

uint64_t kt_hasher_digest(const kt_hasher *h)
{
    return XXH3_64bits_digest(h->state);
}

void kt_hasher_free(kt_hasher *h)
{
    if (!h) return;
    XXH3_freeState(h->state);
    free(h);
}

kt_status kt_hash_file(const char *path, uint64_t *hash, uint64_t *size, kt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open", path);
    kt_hasher *h = kt_hasher_new(0);
    unsigned char *chunk = malloc(1 << 20);
    if (!h || !chunk) {
        fclose(f);
        kt_hasher_free(h);
        free(chunk);
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory hashing file", path);
    }
    uint64_t total = 0;
    size_t n;
    while ((n = fread(chunk, 1, 1 << 20, f)) > 0) {
        kt_hasher_update(h, chunk, n);
        total += n;
    }
    kt_status st = KT_OK;
    if (ferror(f)) st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: read failed", path);
    *hash = kt_hasher_digest(h);
    *size = total;
    kt_hasher_free(h);
    free(chunk);
    fclose(f);
    return st;
}
