/*
 * core/alloc_policy.c — glibc allocator settings for kinetl (see the header).
 *
 * Why these three: a pipeline cycle allocates and frees the same large
 * buffers again and again (per file: duplicate set, stages, Parquet pages;
 * per run: readings, transform scratch, output columns). By default glibc
 * gives every thread its own arena, returns the top of a heap to the kernel
 * once 128 KiB are free and serves big requests with fresh mmaps, so each
 * reuse page-faults zeroed pages in again (kernel time), and with -j 2
 * each worker's arena faults in its own copy. One arena lets a worker
 * reuse what ingest freed; small allocations still go through per-thread
 * caches, so the shared arena lock was not measurable. Allocations above
 * 32 MiB (the largest threshold glibc accepts) still use mmap.
 */
#include "core/alloc_policy.h"

#include <stdlib.h> /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

void kt_alloc_policy_apply(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void kt_alloc_policy_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
