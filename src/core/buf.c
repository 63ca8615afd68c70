/*
 * core/buf.c — growth doubles capacity; sizes are overflow-checked.
 */
#include "core/buf.h"

#include "core/alloc_policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kt_buf_init(kt_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void kt_buf_free(kt_buf *b)
{
    free(b->data);
    kt_buf_init(b);
}

kt_status kt_buf_reserve(kt_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len) return KT_ERR_NOMEM;
    size_t need = b->len + extra;
    if (need <= b->cap) return KT_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap *= 2;
    }
    uint8_t *p = kt_alloc_grow(b->data, b->len, b->cap, cap);
    if (!p) return KT_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return KT_OK;
}

kt_status kt_buf_append(kt_buf *b, const void *data, size_t len)
{
    if (len == 0) return KT_OK;
    KT_TRY(kt_buf_reserve(b, len));
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return KT_OK;
}

kt_status kt_buf_append_byte(kt_buf *b, uint8_t byte)
{
    if (b->len == b->cap) KT_TRY(kt_buf_reserve(b, 1));
    b->data[b->len++] = byte;
    return KT_OK;
}

kt_status kt_buf_append_str(kt_buf *b, const char *s)
{
    return kt_buf_append(b, s, strlen(s));
}

kt_status kt_buf_printf(kt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return KT_ERR_INTERNAL;
    if ((size_t)n < sizeof small) return kt_buf_append(b, small, (size_t)n);
    KT_TRY(kt_buf_reserve(b, (size_t)n + 1));
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KT_OK;
}

uint8_t *kt_buf_extend(kt_buf *b, size_t len)
{
    /* Reserve at least one byte so an empty extend of an empty buffer still
     * returns a real pointer (NULL means out of memory). */
    if (kt_buf_reserve(b, len ? len : 1) != KT_OK) return NULL;
    uint8_t *p = b->data + b->len;
    memset(p, 0, len);
    b->len += len;
    return p;
}
