/*
 * format/parquet/thrift_decode.c — Thrift compact protocol decoding with
 * every read bounds-checked. Field ids are delta-coded against the
 * previous id of the same struct, so each open struct keeps its own
 * last id; nesting is bounded so hostile input cannot exhaust the stack.
 */
#include "format/parquet/thrift_decode.h"

#include <stdio.h>
#include <string.h>

void kt_thrift_init(kt_thrift_in *in, const uint8_t *buf, size_t len, kt_error *err)
{
    in->start = buf;
    in->p = buf;
    in->end = buf + len;
    in->depth = 0;
    in->last_id[0] = 0;
    in->err = err;
}

kt_status kt_thrift_fail(kt_thrift_in *in, const char *what)
{
    return kt_fail(in->err, KT_ERR_FORMAT, "thrift: %s at byte %zu of %zu", what,
                   kt_thrift_offset(in), (size_t)(in->end - in->start));
}

static kt_status varint_max(kt_thrift_in *in, uint64_t *v, int max_bytes)
{
    uint64_t result = 0;
    for (int i = 0; i < max_bytes; i++) {
        if (in->p >= in->end) return kt_thrift_fail(in, "varint runs past the end");
        uint8_t b = *in->p++;
        if (i == 9 && b > 1) return kt_thrift_fail(in, "varint overflows 64 bits");
        result |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = result;
            return KT_OK;
        }
    }
    return kt_thrift_fail(in, "varint too long for its type");
}

kt_status kt_thrift_varint(kt_thrift_in *in, uint64_t *v)
{
    return varint_max(in, v, 10);
}

static int64_t unzigzag(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

kt_status kt_thrift_i8(kt_thrift_in *in, int8_t *v)
{
    if (in->p >= in->end) return kt_thrift_fail(in, "byte runs past the end");
    *v = (int8_t)*in->p++;
    return KT_OK;
}

kt_status kt_thrift_i16(kt_thrift_in *in, int16_t *v)
{
    uint64_t u = 0;
    KT_TRY(varint_max(in, &u, 3));
    if (u > 0xffff) return kt_thrift_fail(in, "i16 out of range");
    *v = (int16_t)unzigzag(u);
    return KT_OK;
}

kt_status kt_thrift_i32(kt_thrift_in *in, int32_t *v)
{
    uint64_t u = 0;
    KT_TRY(varint_max(in, &u, 5));
    if (u > 0xffffffffu) return kt_thrift_fail(in, "i32 out of range");
    *v = (int32_t)unzigzag(u);
    return KT_OK;
}

kt_status kt_thrift_i64(kt_thrift_in *in, int64_t *v)
{
    uint64_t u = 0;
    KT_TRY(varint_max(in, &u, 10));
    *v = unzigzag(u);
    return KT_OK;
}

kt_status kt_thrift_double(kt_thrift_in *in, double *v)
{
    if (kt_thrift_left(in) < 8) return kt_thrift_fail(in, "double runs past the end");
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--) bits = bits << 8 | in->p[i];
    memcpy(v, &bits, sizeof *v);
    in->p += 8;
    return KT_OK;
}

kt_status kt_thrift_bool(kt_thrift_in *in, bool *v)
{
    if (in->p >= in->end) return kt_thrift_fail(in, "bool runs past the end");
    *v = *in->p++ == 1;
    return KT_OK;
}

kt_status kt_thrift_binary(kt_thrift_in *in, const uint8_t **data, uint32_t *len)
{
    uint64_t n = 0;
    KT_TRY(varint_max(in, &n, 5));
    if (n > kt_thrift_left(in)) return kt_thrift_fail(in, "binary length runs past the end");
    *data = in->p;
    *len = (uint32_t)n;
    in->p += n;
    return KT_OK;
}

static kt_status push_depth(kt_thrift_in *in)
{
    if (in->depth >= KT_THRIFT_MAX_DEPTH) return kt_thrift_fail(in, "nesting too deep");
    in->depth++;
    return KT_OK;
}

kt_status kt_thrift_struct_begin(kt_thrift_in *in)
{
    KT_TRY(push_depth(in));
    in->last_id[in->depth] = 0;
    return KT_OK;
}

void kt_thrift_struct_end(kt_thrift_in *in)
{
    if (in->depth > 0) in->depth--;
}

kt_status kt_thrift_field_next(kt_thrift_in *in, kt_thrift_field *f, bool *stop)
{
    if (in->p >= in->end) return kt_thrift_fail(in, "struct runs past the end");
    uint8_t b = *in->p++;
    *stop = b == 0;
    if (*stop) return KT_OK;
    uint8_t type = b & 0x0f, delta = b >> 4;
    if (type > KT_TT_UUID || type == KT_TT_STOP)
        return kt_thrift_fail(in, "unknown field type");
    int16_t *last = &in->last_id[in->depth];
    if (delta) {
        f->id = (int16_t)(*last + delta);
    } else {
        KT_TRY(kt_thrift_i16(in, &f->id));
    }
    *last = f->id;
    f->type = type;
    f->bool_value = type == KT_TT_BOOL_TRUE;
    return KT_OK;
}

kt_status kt_thrift_list_begin(kt_thrift_in *in, uint8_t *elem_type, uint32_t *count)
{
    if (in->p >= in->end) return kt_thrift_fail(in, "list header runs past the end");
    uint8_t b = *in->p++;
    uint64_t n = b >> 4;
    if (n == 15) KT_TRY(varint_max(in, &n, 5));
    *elem_type = b & 0x0f;
    if (*elem_type == KT_TT_STOP || *elem_type > KT_TT_UUID)
        return kt_thrift_fail(in, "unknown list element type");
    if (n > kt_thrift_left(in)) return kt_thrift_fail(in, "list size exceeds the bytes left");
    *count = (uint32_t)n;
    return KT_OK;
}

static kt_status skip_value(kt_thrift_in *in, uint8_t type, bool in_collection);

static kt_status skip_struct(kt_thrift_in *in)
{
    KT_TRY(kt_thrift_struct_begin(in));
    for (;;) {
        kt_thrift_field f;
        bool stop;
        KT_TRY(kt_thrift_field_next(in, &f, &stop));
        if (stop) break;
        KT_TRY(skip_value(in, f.type, false));
    }
    kt_thrift_struct_end(in);
    return KT_OK;
}

static kt_status skip_bytes(kt_thrift_in *in, size_t n)
{
    if (n > kt_thrift_left(in)) return kt_thrift_fail(in, "value runs past the end");
    in->p += n;
    return KT_OK;
}

static kt_status skip_list(kt_thrift_in *in)
{
    uint8_t elem;
    uint32_t n;
    KT_TRY(kt_thrift_list_begin(in, &elem, &n));
    KT_TRY(push_depth(in));
    for (uint32_t i = 0; i < n; i++) KT_TRY(skip_value(in, elem, true));
    in->depth--;
    return KT_OK;
}

static kt_status skip_map(kt_thrift_in *in)
{
    uint64_t n = 0;
    KT_TRY(varint_max(in, &n, 5));
    if (n == 0) return KT_OK;
    if (in->p >= in->end) return kt_thrift_fail(in, "map header runs past the end");
    uint8_t kv = *in->p++;
    uint8_t kt = kv >> 4, vt = kv & 0x0f;
    if (kt == KT_TT_STOP || kt > KT_TT_UUID || vt == KT_TT_STOP || vt > KT_TT_UUID)
        return kt_thrift_fail(in, "unknown map element type");
    if (n > kt_thrift_left(in) / 2) return kt_thrift_fail(in, "map size exceeds the bytes left");
    KT_TRY(push_depth(in));
    for (uint64_t i = 0; i < n; i++) {
        KT_TRY(skip_value(in, kt, true));
        KT_TRY(skip_value(in, vt, true));
    }
    in->depth--;
    return KT_OK;
}

static kt_status skip_value(kt_thrift_in *in, uint8_t type, bool in_collection)
{
    uint64_t u = 0;
    const uint8_t *data;
    uint32_t len;
    switch (type) {
    case KT_TT_BOOL_TRUE:
    case KT_TT_BOOL_FALSE: return in_collection ? skip_bytes(in, 1) : KT_OK;
    case KT_TT_BYTE: return skip_bytes(in, 1);
    case KT_TT_I16:
    case KT_TT_I32:
    case KT_TT_I64: return kt_thrift_varint(in, &u);
    case KT_TT_DOUBLE: return skip_bytes(in, 8);
    case KT_TT_BINARY: return kt_thrift_binary(in, &data, &len);
    case KT_TT_LIST:
    case KT_TT_SET: return skip_list(in);
    case KT_TT_MAP: return skip_map(in);
    case KT_TT_STRUCT: return skip_struct(in);
    case KT_TT_UUID: return skip_bytes(in, 16);
    }
    return kt_thrift_fail(in, "unknown value type");
}

kt_status kt_thrift_skip(kt_thrift_in *in, uint8_t type)
{
    return skip_value(in, type, false);
}
