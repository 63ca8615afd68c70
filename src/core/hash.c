/*
 * core/hash.c — thin wrapper over XXH3-64 so the rest of kinetl does not
 * depend on the library's names.
 */
#include "core/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
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

/* 256 KiB stays in L2 between the kernel's copy and the hash: each
 * byte is fetched from memory once. */
enum { HASH_CHUNK = 256 << 10 };

kt_status kt_hash_file(const char *path, uint64_t *hash, uint64_t *size, kt_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open", path);
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    kt_hasher *h = kt_hasher_new(0);
    unsigned char *chunk = malloc(HASH_CHUNK);
    kt_status st = h && chunk ? KT_OK : kt_fail(err, KT_ERR_NOMEM, "%s: out of memory hashing file", path);
    uint64_t total = 0;
    for (ssize_t n; st == KT_OK;) {
        n = read(fd, chunk, HASH_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: read failed", path);
        if (n <= 0) break;
        kt_hasher_update(h, chunk, (size_t)n);
        total += (uint64_t)n;
    }
    if (st == KT_OK) {
        *hash = kt_hasher_digest(h);
        *size = total;
    }
    kt_hasher_free(h);
    free(chunk);
    close(fd);
    return st;
}
