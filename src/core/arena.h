/*
 * core/arena.h — region allocator for per-batch and per-run memory.
 *
 * Contract: allocations are 16-byte aligned and live until kt_arena_reset()
 * or kt_arena_free(); there is no per-object free. An arena may carry a
 * byte limit (0 = unlimited): an allocation that would exceed it returns
 * NULL, which is how untrusted sizes from files stay bounded. An arena is
 * owned by one thread at a time.
 */
#ifndef KT_CORE_ARENA_H
#define KT_CORE_ARENA_H

#include <stddef.h>

typedef struct kt_arena_block kt_arena_block;

typedef struct kt_arena {
    kt_arena_block *head;  /* newest block; older blocks chain behind it */
    size_t reserved;       /* bytes obtained from malloc, all blocks */
    size_t limit;          /* 0 = unlimited */
} kt_arena;

void kt_arena_init(kt_arena *a, size_t limit);

/* NULL when out of memory or over the limit; size 0 gives a valid pointer. */
void *kt_arena_alloc(kt_arena *a, size_t size);
/* Zeroed; NULL also when n * size overflows. */
void *kt_arena_calloc(kt_arena *a, size_t n, size_t size);
/* Copy of s[0..len) plus a terminating NUL. */
char *kt_arena_strndup(kt_arena *a, const char *s, size_t len);

/* Releases everything but keeps the largest block for reuse. */
void kt_arena_reset(kt_arena *a);
void kt_arena_free(kt_arena *a);

/* Bytes currently reserved from the system (for memory accounting). */
size_t kt_arena_reserved(const kt_arena *a);

#endif
