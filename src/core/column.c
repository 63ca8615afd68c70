/*
 * core/column.c — growth, pushes and validity of kt_column.
 * Invariant: if valid != NULL it has cap entries and
 * null_count == number of zero entries in valid[0..len).
 */
#include "core/column.h"

#include "core/alloc_policy.h"

#include <stdlib.h>
#include <string.h>

size_t kt_type_width(kt_type type)
{
    switch (type) {
    case KT_BOOL: return 1;
    case KT_INT32: return 4;
    case KT_INT64: return 8;
    case KT_FLOAT: return 4;
    case KT_DOUBLE: return 8;
    case KT_BYTES: return 0;
    }
    return 0;
}

const char *kt_type_name(kt_type type)
{
    switch (type) {
    case KT_BOOL: return "bool";
    case KT_INT32: return "int32";
    case KT_INT64: return "int64";
    case KT_FLOAT: return "float";
    case KT_DOUBLE: return "double";
    case KT_BYTES: return "bytes";
    }
    return "?";
}

void kt_column_init(kt_column *c, kt_type type)
{
    memset(c, 0, sizeof *c);
    c->type = type;
}

void kt_column_free(kt_column *c)
{
    free(c->values);
    free(c->valid);
    free(c->offsets);
    free(c->bytes);
    kt_column_init(c, c->type);
}

void kt_column_clear(kt_column *c)
{
    c->len = 0;
    c->null_count = 0;
    if (c->valid) {
        free(c->valid);
        c->valid = NULL;
    }
}

static kt_status grow_rows(kt_column *c, size_t need)
{
    size_t cap = c->cap ? c->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / 8) return KT_ERR_NOMEM;
        cap *= 2;
    }
    /* only the first len rows were written: the copy must not read the rest */
    if (c->type == KT_BYTES) {
        size_t used = 0, old = 0; /* offsets: cap + 1 entries, the first len + 1 written */
        if (c->offsets) used = (c->len + 1) * sizeof *c->offsets, old = (c->cap + 1) * sizeof *c->offsets;
        int64_t *o = kt_alloc_grow(c->offsets, used, old, (cap + 1) * sizeof *o);
        if (!o) return KT_ERR_NOMEM;
        if (!c->offsets) o[0] = 0;
        c->offsets = o;
    } else {
        size_t width = kt_type_width(c->type);
        void *v = kt_alloc_grow(c->values, c->len * width, c->cap * width, cap * width);
        if (!v) return KT_ERR_NOMEM;
        c->values = v;
    }
    if (c->valid) {
        uint8_t *v = kt_alloc_grow(c->valid, c->len, c->cap, cap);
        if (!v) return KT_ERR_NOMEM;
        c->valid = v;
    }
    c->cap = cap;
    return KT_OK;
}

static kt_status grow_bytes(kt_column *c, size_t need)
{
    size_t cap = c->bytes_cap ? c->bytes_cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) return KT_ERR_NOMEM;
        cap *= 2;
    }
    size_t used = c->offsets ? (size_t)c->offsets[c->len] : 0;
    char *b = kt_alloc_grow(c->bytes, used, c->bytes_cap, cap);
    if (!b) return KT_ERR_NOMEM;
    c->bytes = b;
    c->bytes_cap = cap;
    return KT_OK;
}

kt_status kt_column_reserve(kt_column *c, size_t n, size_t bytes)
{
    if (n > SIZE_MAX - c->len) return KT_ERR_NOMEM;
    if (c->len + n > c->cap || (c->type == KT_BYTES && !c->offsets))
        KT_TRY(grow_rows(c, c->len + n));
    if (c->type == KT_BYTES) {
        size_t used = (size_t)c->offsets[c->len];
        if (bytes > SIZE_MAX - used) return KT_ERR_NOMEM;
        if (used + bytes > c->bytes_cap || !c->bytes) KT_TRY(grow_bytes(c, used + bytes));
    }
    return KT_OK;
}

static kt_status ensure_validity(kt_column *c)
{
    if (c->valid) return KT_OK;
    size_t cap = c->cap ? c->cap : 64;
    c->valid = malloc(cap);
    if (!c->valid) return KT_ERR_NOMEM;
    memset(c->valid, 1, cap);
    return KT_OK;
}

static kt_status push_slot(kt_column *c)
{
    if (c->len == c->cap || (c->type == KT_BYTES && !c->offsets))
        KT_TRY(grow_rows(c, c->len + 1));
    if (c->valid) c->valid[c->len] = 1;
    return KT_OK;
}

kt_status kt_column_push_null(kt_column *c)
{
    KT_TRY(push_slot(c));
    KT_TRY(ensure_validity(c));
    if (c->type == KT_BYTES)
        c->offsets[c->len + 1] = c->offsets[c->len];
    else
        memset((char *)c->values + c->len * kt_type_width(c->type), 0, kt_type_width(c->type));
    c->valid[c->len] = 0;
    c->len++;
    c->null_count++;
    return KT_OK;
}

#define DEFINE_PUSH(fn, ctype, member_type)                  \
    kt_status fn(kt_column *c, ctype v)                      \
    {                                                        \
        KT_TRY(push_slot(c));                                \
        ((member_type *)c->values)[c->len++] = (member_type)v; \
        return KT_OK;                                        \
    }

DEFINE_PUSH(kt_column_push_bool, bool, uint8_t)
DEFINE_PUSH(kt_column_push_i32, int32_t, int32_t)
DEFINE_PUSH(kt_column_push_i64, int64_t, int64_t)
DEFINE_PUSH(kt_column_push_float, float, float)
DEFINE_PUSH(kt_column_push_double, double, double)

kt_status kt_column_push_bytes(kt_column *c, const void *data, size_t len)
{
    KT_TRY(kt_column_reserve(c, 1, len));
    KT_TRY(push_slot(c));
    int64_t start = c->offsets[c->len];
    if (len) memcpy(c->bytes + start, data, len);
    c->offsets[c->len + 1] = start + (int64_t)len;
    c->len++;
    return KT_OK;
}

kt_status kt_column_push_from(kt_column *c, const kt_column *src, size_t row)
{
    if (!kt_column_is_valid(src, row)) return kt_column_push_null(c);
    if (src->type == KT_BYTES) {
        size_t len;
        const char *p = kt_column_bytes_at(src, row, &len);
        return kt_column_push_bytes(c, p, len);
    }
    KT_TRY(push_slot(c));
    size_t w = kt_type_width(c->type);
    memcpy((char *)c->values + c->len * w, (const char *)src->values + row * w, w);
    c->len++;
    return KT_OK;
}

kt_status kt_column_set_null(kt_column *c, size_t row)
{
    if (row >= c->len) return KT_ERR_INTERNAL;
    KT_TRY(ensure_validity(c));
    if (c->valid[row]) {
        c->valid[row] = 0;
        c->null_count++;
    }
    return KT_OK;
}

size_t kt_column_first_bad_code(const kt_column *codes, size_t n, size_t dict_len)
{
    for (size_t i = 0; i < n; i++) {
        int32_t code = KT_COL_I32(codes)[i];
        if (kt_column_is_valid(codes, i) && (code < 0 || (size_t)code >= dict_len)) return i;
    }
    return n;
}
