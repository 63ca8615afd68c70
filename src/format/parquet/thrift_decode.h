/*
 * format/parquet/thrift_decode.h — a bounds-checked reader for the Thrift
 * compact protocol, the encoding of Parquet footers and page headers.
 *
 * Contract: a kt_thrift_in walks buf[0..len). Every read checks the
 * remaining bytes; varints longer than their type allows, negative or
 * oversized collection sizes, unknown wire types and nesting deeper than
 * KT_THRIFT_MAX_DEPTH fail with KT_ERR_FORMAT and one line naming the
 * problem and the byte offset ("thrift: varint runs past the end at byte
 * 57 of 60"). A collection's element count is bounded by the bytes left
 * (every element takes at least one byte), so callers may size
 * allocations from it. kt_thrift_skip discards a value of any type.
 */
#ifndef KT_FORMAT_PARQUET_THRIFT_DECODE_H
#define KT_FORMAT_PARQUET_THRIFT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define KT_THRIFT_MAX_DEPTH 32

/* Compact-protocol wire types. */
enum {
    KT_TT_STOP = 0, KT_TT_BOOL_TRUE = 1, KT_TT_BOOL_FALSE = 2, KT_TT_BYTE = 3,
    KT_TT_I16 = 4, KT_TT_I32 = 5, KT_TT_I64 = 6, KT_TT_DOUBLE = 7, KT_TT_BINARY = 8,
    KT_TT_LIST = 9, KT_TT_SET = 10, KT_TT_MAP = 11, KT_TT_STRUCT = 12, KT_TT_UUID = 13
};

typedef struct kt_thrift_in {
    const uint8_t *start;
    const uint8_t *p;
    const uint8_t *end;
    int depth;                  /* structs/collections currently open */
    int16_t last_id[KT_THRIFT_MAX_DEPTH + 1];  /* per-struct previous field id */
    kt_error *err;
} kt_thrift_in;

/* One field header. For booleans the value travels in the header: `type`
 * is KT_TT_BOOL_TRUE or KT_TT_BOOL_FALSE and bool_value holds it. */
typedef struct kt_thrift_field {
    int16_t id;
    uint8_t type;
    bool bool_value;
} kt_thrift_field;

void kt_thrift_init(kt_thrift_in *in, const uint8_t *buf, size_t len, kt_error *err);
static inline size_t kt_thrift_offset(const kt_thrift_in *in) { return (size_t)(in->p - in->start); }
static inline size_t kt_thrift_left(const kt_thrift_in *in) { return (size_t)(in->end - in->p); }

kt_status kt_thrift_varint(kt_thrift_in *in, uint64_t *v);
kt_status kt_thrift_i8(kt_thrift_in *in, int8_t *v);
kt_status kt_thrift_i16(kt_thrift_in *in, int16_t *v);
kt_status kt_thrift_i32(kt_thrift_in *in, int32_t *v);
kt_status kt_thrift_i64(kt_thrift_in *in, int64_t *v);
kt_status kt_thrift_double(kt_thrift_in *in, double *v);
/* A bool outside a field header (list element): one byte, 1 = true. */
kt_status kt_thrift_bool(kt_thrift_in *in, bool *v);
/* Length-prefixed bytes; *data points into the buffer. */
kt_status kt_thrift_binary(kt_thrift_in *in, const uint8_t **data, uint32_t *len);

/* Struct framing: begin before the first field, end after the stop field. */
kt_status kt_thrift_struct_begin(kt_thrift_in *in);
void kt_thrift_struct_end(kt_thrift_in *in);
/* Next field of the innermost struct; *stop = true at its end. */
kt_status kt_thrift_field_next(kt_thrift_in *in, kt_thrift_field *f, bool *stop);

/* List or set header; count is checked against the bytes left. */
kt_status kt_thrift_list_begin(kt_thrift_in *in, uint8_t *elem_type, uint32_t *count);

/* Discards one value of wire type `type` (a field's value for booleans is
 * already consumed with the header, so skipping it reads nothing). */
kt_status kt_thrift_skip(kt_thrift_in *in, uint8_t type);

/* Fails with "thrift: <what> at byte N of LEN". */
kt_status kt_thrift_fail(kt_thrift_in *in, const char *what);

#endif
