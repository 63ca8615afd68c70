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
 */
#ifndef KT_CORE_ALLOC_POLICY_H
#define KT_CORE_ALLOC_POLICY_H

void kt_alloc_policy_apply(void);
void kt_alloc_policy_release(void);

#endif
