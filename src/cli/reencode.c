/*
 * cli/reencode.c — conversion of read columns to kinetl's writer types
 * (see reencode.h; the table is documented in docs/PARQUET.md).
 */
#include "cli/reencode.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/buf.h"

kt_type kt_reencode_column_type(kt_pq_wtype w)
{
    switch (w) {
    case KT_PQ_W_BOOL: return KT_BOOL;
    case KT_PQ_W_INT32: return KT_INT32;
    case KT_PQ_W_INT64: return KT_INT64;
    case KT_PQ_W_DOUBLE: return KT_DOUBLE;
    case KT_PQ_W_STRING: return KT_BYTES;
    case KT_PQ_W_TIMESTAMP_US: return KT_INT64;
    }
    return KT_INT64;
}

kt_status kt_reencode_type(const kt_render_type *r, kt_type type, kt_pq_wtype *out)
{
    switch (r->kind) {
    case KT_R_BOOL:
        if (type != KT_BOOL) break;
        *out = KT_PQ_W_BOOL; return KT_OK;
    case KT_R_INT:
    case KT_R_UINT:
        if (type != KT_INT32 && type != KT_INT64) break;
        *out = type == KT_INT32 ? KT_PQ_W_INT32 : KT_PQ_W_INT64; return KT_OK;
    case KT_R_FLOAT: case KT_R_DOUBLE: case KT_R_DECIMAL:
        if (type != KT_FLOAT && type != KT_DOUBLE) break;
        *out = KT_PQ_W_DOUBLE; return KT_OK;
    case KT_R_FLOAT16:
        if (type != KT_BYTES) break;
        *out = KT_PQ_W_DOUBLE; return KT_OK;
    case KT_R_STRING: case KT_R_BINARY: case KT_R_UUID:
        if (type != KT_BYTES) break;
        *out = KT_PQ_W_STRING; return KT_OK;
    case KT_R_TIMESTAMP: case KT_R_DATE:
        if (type != KT_INT32 && type != KT_INT64) break;
        *out = KT_PQ_W_TIMESTAMP_US; return KT_OK;
    case KT_R_TIME:
        if (type != KT_INT32 && type != KT_INT64) break;
        *out = KT_PQ_W_INT64; return KT_OK;
    }
    return KT_ERR_UNSUPPORTED;
}

static int64_t raw_int(const kt_column *c, size_t row)
{
    return c->type == KT_INT32 ? KT_COL_I32(c)[row] : KT_COL_I64(c)[row];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Microseconds for a timestamp, date or time value; false if out of range. */
static bool to_micros(const kt_render_type *r, int64_t v, int64_t *out)
{
    int64_t mul = 1;
    if (r->kind == KT_R_DATE) mul = INT64_C(86400000000);
    else if (r->digits == 0) mul = 1000000;
    else if (r->digits == 3) mul = 1000;
    else if (r->digits == 9) { *out = floor_div(v, 1000); return true; }
    else if (r->digits != 6) return false;
    return !__builtin_mul_overflow(v, mul, out);
}

static kt_status push_converted(const kt_render_type *r, const kt_column *src, size_t row,
                                kt_column *dst, kt_buf *text, int64_t *bad_value)
{
    kt_scalar v = kt_scalar_from_column(src, row);
    switch (r->kind) {
    case KT_R_FLOAT: case KT_R_DOUBLE: case KT_R_DECIMAL:
        return kt_column_push_double(dst, v.d);
    case KT_R_FLOAT16:
        return kt_column_push_double(dst, v.len == 2 ? kt_half_to_double((uint16_t)(v.bytes[0] | v.bytes[1] << 8))
                                                     : NAN);
    case KT_R_BINARY: case KT_R_UUID:
        kt_buf_clear(text);
        KT_TRY(kt_render_scalar(text, r, &v, KT_TEXT_CSV));
        return kt_column_push_bytes(dst, text->data, text->len);
    case KT_R_UINT:
        if (v.i < 0) { *bad_value = v.i; return KT_ERR_UNSUPPORTED; }
        return kt_column_push_i64(dst, v.i);
    case KT_R_TIMESTAMP: case KT_R_DATE: case KT_R_TIME: {
        int64_t us;
        int64_t raw = raw_int(src, row);
        if (!to_micros(r, raw, &us)) { *bad_value = raw; return KT_ERR_UNSUPPORTED; }
        return kt_column_push_i64(dst, us);
    }
    default:
        return KT_ERR_INTERNAL;
    }
}

static bool needs_conversion(const kt_render_type *r, kt_type type)
{
    switch (r->kind) {
    case KT_R_BOOL: case KT_R_INT: case KT_R_STRING: return false;
    case KT_R_UINT: return type == KT_INT64;
    case KT_R_DOUBLE: case KT_R_DECIMAL: return type != KT_DOUBLE;
    case KT_R_TIMESTAMP: return !(r->digits == 6 && type == KT_INT64);
    case KT_R_TIME: return !(r->digits == 6 && type == KT_INT64);
    default: return true;
    }
}

static kt_status out_of_range(const kt_render_type *r, const char *name, int64_t row, int64_t value,
                              kt_error *err)
{
    if (r->kind == KT_R_UINT)
        return kt_fail(err, KT_ERR_UNSUPPORTED,
                       "column %s, row %" PRId64 ": UINT64 value %" PRIu64
                       " does not fit the INT64 kinetl writes (select other columns with --columns)",
                       name, row, (uint64_t)value);
    return kt_fail(err, KT_ERR_UNSUPPORTED,
                   "column %s, row %" PRId64 ": value %" PRId64
                   " is outside the range of a microsecond timestamp", name, row, value);
}

kt_status kt_reencode_column(const kt_render_type *r, const kt_column *src, size_t nrows,
                             kt_column *dst, bool *same, const char *name, int64_t first_row,
                             kt_error *err)
{
    kt_pq_wtype w;
    if (kt_reencode_type(r, src->type, &w) != KT_OK)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "column %s: cannot re-encode %s values", name,
                       kt_type_name(src->type));
    *same = !needs_conversion(r, src->type);
    if (*same) return KT_OK;
    kt_column_clear(dst);
    kt_buf text;
    kt_buf_init(&text);
    kt_status s = kt_column_reserve(dst, nrows, 0);
    for (size_t row = 0; row < nrows && s == KT_OK; row++) {
        int64_t bad = 0;
        if (!kt_column_is_valid(src, row)) {
            s = kt_column_push_null(dst);
            continue;
        }
        s = push_converted(r, src, row, dst, &text, &bad);
        if (s == KT_ERR_UNSUPPORTED) s = out_of_range(r, name, first_row + (int64_t)row, bad, err);
        else if (s != KT_OK) s = kt_fail(err, s, "column %s, row %" PRId64 ": %s", name,
                                         first_row + (int64_t)row, kt_strerror(s));
    }
    kt_buf_free(&text);
    return s;
}
