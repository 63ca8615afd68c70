/*
 * tests/unit/heap_peak.h — a counting allocator for memory-bound tests and
 * benchmarks: replaces malloc, calloc, realloc, free and the aligned
 * allocators for the whole process (glibc allows an executable to do so)
 * and forwards to glibc's own __libc_* functions, keeping the bytes live
 * (malloc_usable_size, so allocator slack counts) and their high-water
 * mark. Every allocation of the process is seen, libzstd's, sqlite's and
 * jansson's included.
 *
 * Include in exactly ONE translation unit of an executable. Not available
 * under AddressSanitizer, which owns malloc: HEAP_PEAK_ENABLED is 0 there
 * and the functions report zeros.
 *
 *   heap_peak_reset();             peak := live
 *   ... work ...
 *   heap_peak_bytes() - before     bytes the work added at its peak
 */
#ifndef KT_TESTS_HEAP_PEAK_H
#define KT_TESTS_HEAP_PEAK_H

#include <stdatomic.h>
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_PEAK_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_PEAK_ENABLED 0
#endif
#endif
#ifndef HEAP_PEAK_ENABLED
#define HEAP_PEAK_ENABLED 1
#endif

#if HEAP_PEAK_ENABLED
#include <errno.h>
#include <malloc.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

/* signed: a block allocated before the counting began may be freed uncounted-for */
static _Atomic long long heap_peak_live_, heap_peak_high_;

static void heap_peak_add_(void *p)
{
    if (!p) return;
    long long size = (long long)malloc_usable_size(p);
    long long live = atomic_fetch_add(&heap_peak_live_, size) + size;
    long long high = atomic_load(&heap_peak_high_);
    while (live > high && !atomic_compare_exchange_weak(&heap_peak_high_, &high, live)) {}
}

static void heap_peak_sub_(void *p)
{
    if (p) atomic_fetch_sub(&heap_peak_live_, (long long)malloc_usable_size(p));
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    heap_peak_add_(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    heap_peak_add_(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    if (!old) return malloc(n);
    long long had = (long long)malloc_usable_size(old);
    void *p = __libc_realloc(old, n);
    if (!p) return NULL;   /* old is untouched */
    atomic_fetch_sub(&heap_peak_live_, had);
    heap_peak_add_(p);
    return p;
}

void free(void *p)
{
    heap_peak_sub_(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    heap_peak_add_(p);
    return p;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
    void *p = memalign(align, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    return memalign(4096, n);
}

void *pvalloc(size_t n)
{
    return memalign(4096, (n + 4095) & ~(size_t)4095);
}

static inline long long heap_peak_live(void) { return atomic_load(&heap_peak_live_); }
static inline long long heap_peak_bytes(void) { return atomic_load(&heap_peak_high_); }
static inline void heap_peak_reset(void) { atomic_store(&heap_peak_high_, atomic_load(&heap_peak_live_)); }
#else
static inline long long heap_peak_live(void) { return 0; }
static inline long long heap_peak_bytes(void) { return 0; }
static inline void heap_peak_reset(void) {}
#endif

#endif
