/*
 * format/parquet/thrift_encode.h — Thrift compact protocol encoder, the
 * subset Parquet metadata needs: structs with delta-encoded field ids,
 * integers (zigzag varints), binary/strings, bools folded into the field
 * header, and lists.
 *
 * Contract: a kt_tc_enc appends to a caller-owned kt_buf. Errors are
 * sticky: after an allocation failure every later call is a no-op and
 * kt_tc_status() reports KT_ERR_NOMEM, so encoders need not check each
 * call. Structs nest up to KT_TC_MAX_DEPTH; deeper nesting is an
 * internal error (Parquet metadata needs 5 levels).
 */
#ifndef KT_FORMAT_PARQUET_THRIFT_ENCODE_H
#define KT_FORMAT_PARQUET_THRIFT_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

/* Compact-protocol type codes (field headers and list element types). */
enum {
    KT_TC_BOOL_TRUE = 1, KT_TC_BOOL_FALSE = 2, KT_TC_BYTE = 3, KT_TC_I16 = 4,
    KT_TC_I32 = 5, KT_TC_I64 = 6, KT_TC_DOUBLE = 7, KT_TC_BINARY = 8,
    KT_TC_LIST = 9, KT_TC_SET = 10, KT_TC_MAP = 11, KT_TC_STRUCT = 12
};

#define KT_TC_MAX_DEPTH 16

typedef struct kt_tc_enc {
    kt_buf *out;
    int16_t last_id[KT_TC_MAX_DEPTH];  /* previous field id per open struct */
    int depth;                         /* index of the innermost open struct */
    kt_status status;
} kt_tc_enc;

/* Starts encoding a top-level struct into out (no header byte: the caller's
 * outermost struct is implicit, as in Parquet's footer and page headers). */
void kt_tc_init(kt_tc_enc *e, kt_buf *out);
kt_status kt_tc_status(const kt_tc_enc *e);

/* Raw values (used for list elements). */
void kt_tc_varint(kt_tc_enc *e, uint64_t v);
void kt_tc_zigzag(kt_tc_enc *e, int64_t v);
void kt_tc_binary(kt_tc_enc *e, const void *data, size_t len);

/* Fields of the innermost open struct; ids must increase for compactness
 * but any order is encoded correctly. */
void kt_tc_field_header(kt_tc_enc *e, int16_t id, uint8_t type);
void kt_tc_field_bool(kt_tc_enc *e, int16_t id, bool v);
void kt_tc_field_i8(kt_tc_enc *e, int16_t id, int8_t v);
void kt_tc_field_i16(kt_tc_enc *e, int16_t id, int16_t v);
void kt_tc_field_i32(kt_tc_enc *e, int16_t id, int32_t v);
void kt_tc_field_i64(kt_tc_enc *e, int16_t id, int64_t v);
void kt_tc_field_binary(kt_tc_enc *e, int16_t id, const void *data, size_t len);
void kt_tc_field_string(kt_tc_enc *e, int16_t id, const char *s);

/* A struct-valued field: begin writes the header and opens a nested
 * struct; end writes its stop byte and returns to the enclosing one. */
void kt_tc_struct_begin(kt_tc_enc *e, int16_t id);
void kt_tc_struct_end(kt_tc_enc *e);
/* A struct that is a list element (no field header). */
void kt_tc_elem_struct_begin(kt_tc_enc *e);

/* A list-valued field header; the caller then writes `count` elements. */
void kt_tc_field_list(kt_tc_enc *e, int16_t id, uint8_t elem_type, size_t count);

/* Ends the top-level struct (writes its stop byte); returns the status. */
kt_status kt_tc_finish(kt_tc_enc *e);

#endif
