/*
 * orchestrate/hash_files.c — kt_hash_files: a shared counter hands out
 * file indices; each thread writes only its claimed slots of out[].
 */
#include "orchestrate/hash_files.h"

#include <pthread.h>
#include <stdatomic.h>

#include "core/hash.h"

enum { MAX_HASH_THREADS = 16 };

typedef struct hash_job {
    const char *const *paths;
    size_t n;
    kt_file_hash *out;
    atomic_size_t next;
} hash_job;

static void *hash_some(void *arg)
{
    hash_job *job = arg;
    for (size_t i; (i = atomic_fetch_add(&job->next, 1)) < job->n;) {
        kt_file_hash *r = &job->out[i];
        kt_error_clear(&r->error);
        r->status = kt_hash_file(job->paths[i], &r->hash, &r->size, &r->error);
    }
    return NULL;
}

void kt_hash_files(const char *const *paths, size_t n, size_t threads, kt_file_hash *out)
{
    hash_job job = { .paths = paths, .n = n, .out = out };
    atomic_init(&job.next, 0);
    if (threads > n) threads = n;
    if (threads > MAX_HASH_THREADS) threads = MAX_HASH_THREADS;
    pthread_t helpers[MAX_HASH_THREADS];
    size_t started = 0;
    while (started + 1 < threads && pthread_create(&helpers[started], NULL, hash_some, &job) == 0) started++;
    hash_some(&job);   /* the calling thread is one of the hashers */
    for (size_t i = 0; i < started; i++) pthread_join(helpers[i], NULL);
}
