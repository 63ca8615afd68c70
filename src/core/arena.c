/*
 * core/arena.c — a chain of malloc'd blocks with bump allocation.
 * Invariant: head->used <= head->size; blocks grow geometrically so a
 * run of small allocations costs O(log n) mallocs.
 */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_MIN_BLOCK (64 * 1024)

struct kt_arena_block {
    kt_arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

void kt_arena_init(kt_arena *a, size_t limit)
{
    a->head = NULL;
    a->reserved = 0;
    a->limit = limit;
}

static kt_arena_block *new_block(kt_arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : ARENA_MIN_BLOCK;
    if (size < need) size = need;
    if (size > SIZE_MAX - sizeof(kt_arena_block)) return NULL;
    if (a->limit) {
        size_t room = a->reserved < a->limit ? a->limit - a->reserved : 0;
        if (need > room) return NULL;
        if (size > room) size = room;
    }
    kt_arena_block *b = malloc(sizeof(kt_arena_block) + size);
    if (!b) return NULL;
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    a->reserved += size;
    return b;
}

void *kt_arena_alloc(kt_arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN) return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    kt_arena_block *b = a->head;
    if (!b || b->size - b->used < rounded) {
        b = new_block(a, rounded);
        if (!b) return NULL;
    }
    void *p = b->data + b->used;
    b->used += rounded;
    return p;
}

void *kt_arena_calloc(kt_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    void *p = kt_arena_alloc(a, n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

char *kt_arena_strndup(kt_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX) return NULL;
    char *p = kt_arena_alloc(a, len + 1);
    if (!p) return NULL;
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void kt_arena_reset(kt_arena *a)
{
    kt_arena_block *keep = NULL;
    for (kt_arena_block *b = a->head; b; b = b->next)
        if (!keep || b->size > keep->size) keep = b;
    kt_arena_block *b = a->head;
    while (b) {
        kt_arena_block *next = b->next;
        if (b != keep) free(b);
        b = next;
    }
    a->head = keep;
    a->reserved = keep ? keep->size : 0;
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
}

void kt_arena_free(kt_arena *a)
{
    kt_arena_block *b = a->head;
    while (b) {
        kt_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->reserved = 0;
}

size_t kt_arena_reserved(const kt_arena *a)
{
    return a->reserved;
}
