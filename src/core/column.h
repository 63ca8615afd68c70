/*
 * core/column.h — typed, growable column vectors with validity.
 *
 * Contract: a kt_column holds `len` values of one kt_type. Fixed-width
 * values live in `values` (element i at ((T *)values)[i]); KT_BYTES values
 * are the byte ranges bytes[offsets[i] .. offsets[i+1]). `valid` is NULL
 * while every value is present; otherwise valid[i] is 1 for a value and 0
 * for a null (byte per row: branch-free to test, cheap to build). A null
 * slot still occupies its fixed-width element (zeroed) or an empty range.
 * The column owns its memory; kt_column_free releases it.
 */
#ifndef KT_CORE_COLUMN_H
#define KT_CORE_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum kt_type {
    KT_BOOL,   /* uint8_t 0/1 */
    KT_INT32,  /* int32_t */
    KT_INT64,  /* int64_t; also timestamps and (flagged elsewhere) uint64 bits */
    KT_FLOAT,  /* float */
    KT_DOUBLE, /* double */
    KT_BYTES,  /* variable-length bytes: strings, binary, fixed-length binary */
} kt_type;

typedef struct kt_column {
    kt_type type;
    size_t len;
    size_t cap;            /* elements allocated in values/valid/offsets */
    size_t null_count;
    void *values;          /* fixed-width types */
    uint8_t *valid;        /* NULL = all valid */
    int64_t *offsets;      /* KT_BYTES: cap + 1 entries, offsets[0] = 0 */
    char *bytes;           /* KT_BYTES payload */
    size_t bytes_cap;
} kt_column;

/* Size in bytes of one fixed-width element (0 for KT_BYTES). */
size_t kt_type_width(kt_type type);
const char *kt_type_name(kt_type type);

void kt_column_init(kt_column *c, kt_type type);
void kt_column_free(kt_column *c);
/* len = 0, capacity kept. */
void kt_column_clear(kt_column *c);

/* Room for n more values (and, for KT_BYTES, `bytes` more payload bytes). */
kt_status kt_column_reserve(kt_column *c, size_t n, size_t bytes);

kt_status kt_column_push_null(kt_column *c);
kt_status kt_column_push_bool(kt_column *c, bool v);
kt_status kt_column_push_i32(kt_column *c, int32_t v);
kt_status kt_column_push_i64(kt_column *c, int64_t v);
kt_status kt_column_push_float(kt_column *c, float v);
kt_status kt_column_push_double(kt_column *c, double v);
kt_status kt_column_push_bytes(kt_column *c, const void *data, size_t len);
/* Appends row `row` of src (same type), null or not. */
kt_status kt_column_push_from(kt_column *c, const kt_column *src, size_t row);

/* Marks the last pushed value null (used when a decoder writes values first). */
kt_status kt_column_set_null(kt_column *c, size_t row);

/* Dictionary codes (a KT_INT32 column): the first of rows [0, n) that is
 * present and not in [0, dict_len), or n when every present code fits. */
size_t kt_column_first_bad_code(const kt_column *codes, size_t n, size_t dict_len);

static inline bool kt_column_is_valid(const kt_column *c, size_t row)
{
    return !c->valid || c->valid[row];
}

static inline const char *kt_column_bytes_at(const kt_column *c, size_t row, size_t *len)
{
    *len = (size_t)(c->offsets[row + 1] - c->offsets[row]);
    return c->bytes + c->offsets[row];
}

#define KT_COL_BOOL(c)   ((uint8_t *)(c)->values)
#define KT_COL_I32(c)    ((int32_t *)(c)->values)
#define KT_COL_I64(c)    ((int64_t *)(c)->values)
#define KT_COL_FLOAT(c)  ((float *)(c)->values)
#define KT_COL_DOUBLE(c) ((double *)(c)->values)

#endif
