/*
 * core/buf.h — a growable byte buffer, the one way kinetl builds byte
 * strings (encoded pages, thrift structures, JSON, CSV lines).
 *
 * Contract: data[0..len) is valid; after a failed append the buffer is
 * unchanged and the call returns KT_ERR_NOMEM. The buffer owns its memory.
 */
#ifndef KT_CORE_BUF_H
#define KT_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct kt_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} kt_buf;

void kt_buf_init(kt_buf *b);
void kt_buf_free(kt_buf *b);
static inline void kt_buf_clear(kt_buf *b) { b->len = 0; }

/* Ensures room for `extra` more bytes beyond len. */
kt_status kt_buf_reserve(kt_buf *b, size_t extra);
kt_status kt_buf_append(kt_buf *b, const void *data, size_t len);
kt_status kt_buf_append_byte(kt_buf *b, uint8_t byte);
kt_status kt_buf_append_str(kt_buf *b, const char *s);
kt_status kt_buf_printf(kt_buf *b, const char *fmt, ...) KT_PRINTF(2, 3);
/* Appends len zero bytes and returns a pointer to them (NULL on failure). */
uint8_t *kt_buf_extend(kt_buf *b, size_t len);

#endif
