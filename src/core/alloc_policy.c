/*
 * core/alloc_policy.c — glibc allocator settings for kinetl (see the header).
 *
 * Why these: a pipeline cycle allocates and frees the same large buffers
 * again and again (per file: duplicate set, stages, Parquet pages; per
 * run: readings, transform scratch, output columns). By default glibc
 * returns the top of a heap to the kernel once 128 KiB are free and serves
 * requests above 128 KiB..32 MiB (its adaptive threshold) with fresh mmaps,
 * so each reuse page-faults zeroed pages in again (kernel time). Here the
 * heap is never trimmed during a cycle and only allocations above 32 MiB
 * (the largest threshold glibc accepts) use mmap.
 *
 * Arenas stay per thread (glibc's default). A single shared arena was
 * tried (session 3) so that process workers would reuse the memory ingest
 * threads freed; but its lock serialises every malloc of more than the
 * per-thread cache, and a realloc copying megabytes holds it: at -j 2 the
 * workers waited 0.1-0.35 s per scale run on it. The reuse is kept
 * another way: worker 0 of the pool is the calling thread (the ingest's
 * first reader too), and a thread that exits hands its arena to the next
 * thread that starts (glibc's free list), so process workers inherit the
 * ingest readers' heaps. */
#include "core/alloc_policy.h"

#include <stdlib.h> /* defines __GLIBC__ on glibc */
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

void kt_alloc_policy_apply(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, (int)KT_ALLOC_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void kt_alloc_policy_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* realloc when nothing unwritten would be read (the block is full, or
 * mapped, so moved without a copy); else a fresh block and a copy of the
 * written part. Losing realloc's in-place growth costs a copy of `used`
 * bytes, which realloc makes anyway whenever it moves the block. */
void *kt_alloc_grow(void *old, size_t used, size_t old_size, size_t new_size)
{
    if (!old || used >= old_size || old_size >= KT_ALLOC_MMAP_THRESHOLD) return realloc(old, new_size);
    void *p = malloc(new_size);
    if (!p) return NULL;
    memcpy(p, old, used);
    free(old);
    return p;
}
