/*
 * core/alloc_policy.h — how the kinetl process uses glibc's allocator.
 *
 * Contract:
 *  - kt_alloc_policy_apply() is called once at the start of main, before
 *    any thread exists. It keeps freed memory in the process for reuse
 *    (no trimming, mmap only above 32 MiB) instead of handing
 *    it back to the kernel and faulting it in again, which cost kinetl run
 *    about a fifth of its CPU time and more with -j 2 (docs/ORCHESTRATE.md).
 *  - kt_alloc_policy_release() returns the free memory to the kernel; a
 *    long-running command (watch) calls it between cycles so its resident
 *    size falls back while it sleeps.
 *  - Both are no-ops on a C library other than glibc.
 *  - kt_alloc_grow(old, used, old_size, new_size) is realloc for a buffer of
 *    which only the first `used` bytes were ever written: it never reads
 *    past them. realloc copies the whole old block when it moves it, and
 *    reading never-written memory maps the kernel's zero page, which the
 *    next owner of those pages then pays for with a copy-on-write fault and
 *    a TLB shootdown interrupting every other core the process runs on.
 *    NULL (old block intact) when out of memory; new_size >= used.
 */
#ifndef KT_CORE_ALLOC_POLICY_H
#define KT_CORE_ALLOC_POLICY_H

void kt_alloc_policy_apply(void);
void kt_alloc_policy_release(void);

#include <stddef.h>

/* Above this, glibc serves a request with its own mapping (and realloc
 * moves it with mremap, without copying). */
#define KT_ALLOC_MMAP_THRESHOLD ((size_t)32 << 20)

void *kt_alloc_grow(void *old, size_t used, size_t old_size, size_t new_size);

#endif
