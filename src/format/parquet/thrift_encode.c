/*
 * format/parquet/thrift_encode.c — Thrift compact protocol writer.
 * Field header: one byte (delta << 4 | type) when the id is 1..15 above
 * the previous one, else the type byte and the id as a zigzag varint.
 */
#include "format/parquet/thrift_encode.h"

#include <string.h>

void kt_tc_init(kt_tc_enc *e, kt_buf *out)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->status = KT_OK;
}

kt_status kt_tc_status(const kt_tc_enc *e) { return e->status; }

static void put_bytes(kt_tc_enc *e, const void *p, size_t n)
{
    if (e->status != KT_OK) return;
    e->status = kt_buf_append(e->out, p, n);
}

void kt_tc_varint(kt_tc_enc *e, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    put_bytes(e, tmp, n);
}

void kt_tc_zigzag(kt_tc_enc *e, int64_t v)
{
    kt_tc_varint(e, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void kt_tc_binary(kt_tc_enc *e, const void *data, size_t len)
{
    kt_tc_varint(e, len);
    put_bytes(e, data, len);
}

void kt_tc_field_header(kt_tc_enc *e, int16_t id, uint8_t type)
{
    int delta = id - e->last_id[e->depth];
    if (delta > 0 && delta <= 15) {
        uint8_t b = (uint8_t)(delta << 4 | type);
        put_bytes(e, &b, 1);
    } else {
        put_bytes(e, &type, 1);
        kt_tc_zigzag(e, id);
    }
    e->last_id[e->depth] = id;
}

void kt_tc_field_bool(kt_tc_enc *e, int16_t id, bool v)
{
    kt_tc_field_header(e, id, v ? KT_TC_BOOL_TRUE : KT_TC_BOOL_FALSE);
}

void kt_tc_field_i8(kt_tc_enc *e, int16_t id, int8_t v)
{
    kt_tc_field_header(e, id, KT_TC_BYTE);
    uint8_t b = (uint8_t)v;
    put_bytes(e, &b, 1);
}

void kt_tc_field_i16(kt_tc_enc *e, int16_t id, int16_t v)
{
    kt_tc_field_header(e, id, KT_TC_I16);
    kt_tc_zigzag(e, v);
}

void kt_tc_field_i32(kt_tc_enc *e, int16_t id, int32_t v)
{
    kt_tc_field_header(e, id, KT_TC_I32);
    kt_tc_zigzag(e, v);
}

void kt_tc_field_i64(kt_tc_enc *e, int16_t id, int64_t v)
{
    kt_tc_field_header(e, id, KT_TC_I64);
    kt_tc_zigzag(e, v);
}

void kt_tc_field_binary(kt_tc_enc *e, int16_t id, const void *data, size_t len)
{
    kt_tc_field_header(e, id, KT_TC_BINARY);
    kt_tc_binary(e, data, len);
}

void kt_tc_field_string(kt_tc_enc *e, int16_t id, const char *s)
{
    kt_tc_field_binary(e, id, s, strlen(s));
}

static void push_struct(kt_tc_enc *e)
{
    if (e->depth + 1 >= KT_TC_MAX_DEPTH) {
        if (e->status == KT_OK) e->status = KT_ERR_INTERNAL;
        return;
    }
    e->last_id[++e->depth] = 0;
}

void kt_tc_struct_begin(kt_tc_enc *e, int16_t id)
{
    kt_tc_field_header(e, id, KT_TC_STRUCT);
    push_struct(e);
}

void kt_tc_elem_struct_begin(kt_tc_enc *e) { push_struct(e); }

void kt_tc_struct_end(kt_tc_enc *e)
{
    uint8_t stop = 0;
    put_bytes(e, &stop, 1);
    if (e->depth > 0) e->depth--;
    else if (e->status == KT_OK) e->status = KT_ERR_INTERNAL;
}

void kt_tc_field_list(kt_tc_enc *e, int16_t id, uint8_t elem_type, size_t count)
{
    kt_tc_field_header(e, id, KT_TC_LIST);
    if (count < 15) {
        uint8_t b = (uint8_t)(count << 4 | elem_type);
        put_bytes(e, &b, 1);
    } else {
        uint8_t b = (uint8_t)(0xF0 | elem_type);
        put_bytes(e, &b, 1);
        kt_tc_varint(e, count);
    }
}

kt_status kt_tc_finish(kt_tc_enc *e)
{
    if (e->depth != 0 && e->status == KT_OK) e->status = KT_ERR_INTERNAL;
    uint8_t stop = 0;
    put_bytes(e, &stop, 1);
    return e->status;
}
