/*
 * cli/parquet_columns.c — logical type names and render types of Parquet
 * columns (see parquet_columns.h; the mapping is documented in
 * docs/PARQUET.md).
 */
#include "cli/parquet_columns.h"

#include <stdio.h>

static int unit_digits(kt_pq_time_unit u)
{
    return u == KT_PQ_UNIT_MILLIS ? 3 : u == KT_PQ_UNIT_MICROS ? 6 : 9;
}

static const char *unit_name(kt_pq_time_unit u)
{
    return u == KT_PQ_UNIT_MILLIS ? "MILLIS" : u == KT_PQ_UNIT_MICROS ? "MICROS" : "NANOS";
}

static kt_render_type by_physical(const kt_pq_column_info *c)
{
    kt_render_type r = { .kind = KT_R_BINARY };
    switch (c->physical) {
    case KT_PQ_BOOLEAN: r.kind = KT_R_BOOL; break;
    case KT_PQ_INT32: case KT_PQ_INT64: r.kind = c->is_signed ? KT_R_INT : KT_R_UINT; break;
    case KT_PQ_FLOAT: r.kind = KT_R_FLOAT; break;
    case KT_PQ_DOUBLE: r.kind = KT_R_DOUBLE; break;
    case KT_PQ_INT96: r.kind = KT_R_TIMESTAMP; r.digits = 9; r.utc = true; break;
    case KT_PQ_BYTE_ARRAY: case KT_PQ_FIXED_LEN_BYTE_ARRAY: r.kind = KT_R_BINARY; break;
    }
    return r;
}

kt_render_type kt_parquet_render_type(const kt_pq_column_info *c)
{
    kt_render_type r = by_physical(c);
    if (c->is_timestamp) {
        r.kind = KT_R_TIMESTAMP;
        r.digits = unit_digits(c->unit);
        r.utc = c->utc;
        return r;
    }
    switch (c->logical.kind) {
    case KT_PQ_LT_STRING: case KT_PQ_LT_ENUM: case KT_PQ_LT_JSON:
        r.kind = KT_R_STRING; break;
    case KT_PQ_LT_UUID: r.kind = KT_R_UUID; break;
    case KT_PQ_LT_FLOAT16: r.kind = KT_R_FLOAT16; break;
    case KT_PQ_LT_DECIMAL: r.kind = KT_R_DECIMAL; r.digits = c->logical.scale; break;
    case KT_PQ_LT_DATE: r.kind = KT_R_DATE; break;
    case KT_PQ_LT_TIME: r.kind = KT_R_TIME; r.digits = unit_digits(c->logical.unit); break;
    case KT_PQ_LT_INTEGER: r.kind = c->logical.is_signed ? KT_R_INT : KT_R_UINT; break;
    default: break;
    }
    /* Whatever the annotation says, render what the reader delivers. */
    if (r.kind == KT_R_DECIMAL && c->value_type != KT_DOUBLE) r = by_physical(c);
    if ((r.kind == KT_R_STRING || r.kind == KT_R_UUID || r.kind == KT_R_FLOAT16) &&
        c->value_type != KT_BYTES)
        r = by_physical(c);
    return r;
}

void kt_parquet_logical_name(const kt_pq_column_info *c, char *out, size_t size)
{
    const kt_pq_logical *l = &c->logical;
    switch (l->kind) {
    case KT_PQ_LT_STRING: snprintf(out, size, "STRING"); return;
    case KT_PQ_LT_MAP: snprintf(out, size, "MAP"); return;
    case KT_PQ_LT_LIST: snprintf(out, size, "LIST"); return;
    case KT_PQ_LT_ENUM: snprintf(out, size, "ENUM"); return;
    case KT_PQ_LT_DECIMAL: snprintf(out, size, "DECIMAL(%d,%d)", (int)l->precision, (int)l->scale); return;
    case KT_PQ_LT_DATE: snprintf(out, size, "DATE"); return;
    case KT_PQ_LT_TIME:
        snprintf(out, size, "TIME(%s,%s)", unit_name(l->unit), l->utc ? "UTC" : "LOCAL"); return;
    case KT_PQ_LT_TIMESTAMP:
        snprintf(out, size, "TIMESTAMP(%s,%s)", unit_name(l->unit), l->utc ? "UTC" : "LOCAL"); return;
    case KT_PQ_LT_INTEGER:
        snprintf(out, size, "INT(%d,%s)", (int)l->bit_width, l->is_signed ? "true" : "false"); return;
    case KT_PQ_LT_UNKNOWN: snprintf(out, size, "UNKNOWN"); return;
    case KT_PQ_LT_JSON: snprintf(out, size, "JSON"); return;
    case KT_PQ_LT_BSON: snprintf(out, size, "BSON"); return;
    case KT_PQ_LT_UUID: snprintf(out, size, "UUID"); return;
    case KT_PQ_LT_FLOAT16: snprintf(out, size, "FLOAT16"); return;
    case KT_PQ_LT_NONE: break;
    }
    snprintf(out, size, "-");
}

void kt_parquet_physical_name(const kt_pq_column_info *c, char *out, size_t size)
{
    if (c->physical == KT_PQ_FIXED_LEN_BYTE_ARRAY)
        snprintf(out, size, "FIXED_LEN_BYTE_ARRAY(%d)", (int)c->type_length);
    else
        snprintf(out, size, "%s", kt_pq_physical_name(c->physical));
}
