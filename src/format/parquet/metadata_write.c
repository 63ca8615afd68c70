/*
 * format/parquet/metadata_write.c — encodes the footer (FileMetaData) and
 * page headers as thrift compact structs. Field ids are parquet.thrift's;
 * optional fields are written only when their has_* flag is set.
 */
#include "format/parquet/metadata.h"
#include "format/parquet/thrift_encode.h"

#include <string.h>

static void write_statistics(kt_tc_enc *e, int16_t id, const kt_pq_statistics *s)
{
    kt_tc_struct_begin(e, id);
    if (s->has_legacy_max) kt_tc_field_binary(e, 1, s->legacy_max, s->legacy_max_len);
    if (s->has_legacy_min) kt_tc_field_binary(e, 2, s->legacy_min, s->legacy_min_len);
    if (s->has_null_count) kt_tc_field_i64(e, 3, s->null_count);
    if (s->has_distinct_count) kt_tc_field_i64(e, 4, s->distinct_count);
    if (s->has_max_value) kt_tc_field_binary(e, 5, s->max_value, s->max_len);
    if (s->has_min_value) kt_tc_field_binary(e, 6, s->min_value, s->min_len);
    kt_tc_struct_end(e);
}

static void write_empty_struct(kt_tc_enc *e, int16_t id)
{
    kt_tc_struct_begin(e, id);
    kt_tc_struct_end(e);
}

/* TimestampType and TimeType share { 1: isAdjustedToUTC, 2: TimeUnit }. */
static void write_time_like(kt_tc_enc *e, const kt_pq_logical *l)
{
    kt_tc_field_bool(e, 1, l->utc);
    kt_tc_struct_begin(e, 2);
    write_empty_struct(e, (int16_t)l->unit);
    kt_tc_struct_end(e);
}

static void write_logical(kt_tc_enc *e, int16_t id, const kt_pq_logical *l)
{
    kt_tc_struct_begin(e, id);
    kt_tc_struct_begin(e, (int16_t)l->kind);
    switch (l->kind) {
    case KT_PQ_LT_DECIMAL:
        kt_tc_field_i32(e, 1, l->scale);
        kt_tc_field_i32(e, 2, l->precision);
        break;
    case KT_PQ_LT_TIME:
    case KT_PQ_LT_TIMESTAMP:
        write_time_like(e, l);
        break;
    case KT_PQ_LT_INTEGER:
        kt_tc_field_i8(e, 1, l->bit_width);
        kt_tc_field_bool(e, 2, l->is_signed);
        break;
    default:
        break;  /* the other kinds are empty structs */
    }
    kt_tc_struct_end(e);
    kt_tc_struct_end(e);
}

static void write_schema_element(kt_tc_enc *e, const kt_pq_schema_element *s)
{
    kt_tc_elem_struct_begin(e);
    if (s->has_type) kt_tc_field_i32(e, 1, (int32_t)s->type);
    if (s->has_type && s->type == KT_PQ_FIXED_LEN_BYTE_ARRAY) kt_tc_field_i32(e, 2, s->type_length);
    if (s->has_repetition) kt_tc_field_i32(e, 3, (int32_t)s->repetition);
    kt_tc_field_string(e, 4, s->name ? s->name : "");
    if (!s->has_type) kt_tc_field_i32(e, 5, s->num_children);
    if (s->converted != KT_PQ_CT_NONE) kt_tc_field_i32(e, 6, (int32_t)s->converted);
    if (s->converted == KT_PQ_CT_DECIMAL) {
        kt_tc_field_i32(e, 7, s->scale);
        kt_tc_field_i32(e, 8, s->precision);
    }
    if (s->has_field_id) kt_tc_field_i32(e, 9, s->field_id);
    if (s->logical.kind != KT_PQ_LT_NONE) write_logical(e, 10, &s->logical);
    kt_tc_struct_end(e);
}

static void write_column_meta(kt_tc_enc *e, int16_t id, const kt_pq_column_meta *m)
{
    kt_tc_struct_begin(e, id);
    kt_tc_field_i32(e, 1, (int32_t)m->type);
    kt_tc_field_list(e, 2, KT_TC_I32, (size_t)m->num_encodings);
    for (int32_t i = 0; i < m->num_encodings; i++) kt_tc_zigzag(e, (int32_t)m->encodings[i]);
    kt_tc_field_list(e, 3, KT_TC_BINARY, (size_t)m->path_len);
    for (int32_t i = 0; i < m->path_len; i++)
        kt_tc_binary(e, m->path_in_schema[i], strlen(m->path_in_schema[i]));
    kt_tc_field_i32(e, 4, (int32_t)m->codec);
    kt_tc_field_i64(e, 5, m->num_values);
    kt_tc_field_i64(e, 6, m->total_uncompressed_size);
    kt_tc_field_i64(e, 7, m->total_compressed_size);
    kt_tc_field_i64(e, 9, m->data_page_offset);
    if (m->has_index_page_offset) kt_tc_field_i64(e, 10, m->index_page_offset);
    if (m->has_dictionary_page_offset) kt_tc_field_i64(e, 11, m->dictionary_page_offset);
    if (m->has_statistics) write_statistics(e, 12, &m->statistics);
    kt_tc_struct_end(e);
}

static void write_row_group(kt_tc_enc *e, const kt_pq_row_group *rg)
{
    kt_tc_elem_struct_begin(e);
    kt_tc_field_list(e, 1, KT_TC_STRUCT, (size_t)rg->num_columns);
    for (int32_t i = 0; i < rg->num_columns; i++) {
        const kt_pq_column_chunk *c = &rg->columns[i];
        kt_tc_elem_struct_begin(e);
        if (c->file_path) kt_tc_field_string(e, 1, c->file_path);
        kt_tc_field_i64(e, 2, c->file_offset);
        if (c->has_meta_data) write_column_meta(e, 3, &c->meta_data);
        kt_tc_struct_end(e);
    }
    kt_tc_field_i64(e, 2, rg->total_byte_size);
    kt_tc_field_i64(e, 3, rg->num_rows);
    if (rg->has_file_offset) kt_tc_field_i64(e, 5, rg->file_offset);
    if (rg->has_total_compressed_size) kt_tc_field_i64(e, 6, rg->total_compressed_size);
    if (rg->has_ordinal) kt_tc_field_i16(e, 7, rg->ordinal);
    kt_tc_struct_end(e);
}

static void write_key_values(kt_tc_enc *e, int16_t id, const kt_pq_key_value *kv, int32_t n)
{
    kt_tc_field_list(e, id, KT_TC_STRUCT, (size_t)n);
    for (int32_t i = 0; i < n; i++) {
        kt_tc_elem_struct_begin(e);
        kt_tc_field_string(e, 1, kv[i].key ? kv[i].key : "");
        if (kv[i].value) kt_tc_field_string(e, 2, kv[i].value);
        kt_tc_struct_end(e);
    }
}

static int32_t count_leaves(const kt_pq_file_meta *m)
{
    int32_t n = 0;
    for (int32_t i = 0; i < m->num_schema; i++) n += m->schema[i].has_type;
    return n;
}

kt_status kt_pq_write_file_meta(const kt_pq_file_meta *meta, kt_buf *out)
{
    kt_tc_enc e;
    kt_tc_init(&e, out);
    kt_tc_field_i32(&e, 1, meta->version);
    kt_tc_field_list(&e, 2, KT_TC_STRUCT, (size_t)meta->num_schema);
    for (int32_t i = 0; i < meta->num_schema; i++) write_schema_element(&e, &meta->schema[i]);
    kt_tc_field_i64(&e, 3, meta->num_rows);
    kt_tc_field_list(&e, 4, KT_TC_STRUCT, (size_t)meta->num_row_groups);
    for (int32_t i = 0; i < meta->num_row_groups; i++) write_row_group(&e, &meta->row_groups[i]);
    if (meta->num_kv > 0) write_key_values(&e, 5, meta->kv, meta->num_kv);
    if (meta->created_by) kt_tc_field_string(&e, 6, meta->created_by);
    if (meta->has_column_orders) {
        int32_t leaves = count_leaves(meta);
        kt_tc_field_list(&e, 7, KT_TC_STRUCT, (size_t)leaves);
        for (int32_t i = 0; i < leaves; i++) {
            kt_tc_elem_struct_begin(&e);      /* ColumnOrder union */
            write_empty_struct(&e, 1);        /* TYPE_ORDER: TypeDefinedOrder {} */
            kt_tc_struct_end(&e);
        }
    }
    return kt_tc_finish(&e);
}

static void write_data_page_header(kt_tc_enc *e, const kt_pq_data_page_header *d)
{
    kt_tc_struct_begin(e, 5);
    kt_tc_field_i32(e, 1, d->num_values);
    kt_tc_field_i32(e, 2, (int32_t)d->encoding);
    kt_tc_field_i32(e, 3, (int32_t)d->definition_level_encoding);
    kt_tc_field_i32(e, 4, (int32_t)d->repetition_level_encoding);
    if (d->has_statistics) write_statistics(e, 5, &d->statistics);
    kt_tc_struct_end(e);
}

static void write_dictionary_page_header(kt_tc_enc *e, const kt_pq_dictionary_page_header *d)
{
    kt_tc_struct_begin(e, 7);
    kt_tc_field_i32(e, 1, d->num_values);
    kt_tc_field_i32(e, 2, (int32_t)d->encoding);
    if (d->has_is_sorted) kt_tc_field_bool(e, 3, d->is_sorted);
    kt_tc_struct_end(e);
}

static void write_data_page_header_v2(kt_tc_enc *e, const kt_pq_data_page_header_v2 *d)
{
    kt_tc_struct_begin(e, 8);
    kt_tc_field_i32(e, 1, d->num_values);
    kt_tc_field_i32(e, 2, d->num_nulls);
    kt_tc_field_i32(e, 3, d->num_rows);
    kt_tc_field_i32(e, 4, (int32_t)d->encoding);
    kt_tc_field_i32(e, 5, d->definition_levels_byte_length);
    kt_tc_field_i32(e, 6, d->repetition_levels_byte_length);
    kt_tc_field_bool(e, 7, d->is_compressed);
    if (d->has_statistics) write_statistics(e, 8, &d->statistics);
    kt_tc_struct_end(e);
}

kt_status kt_pq_write_page_header(const kt_pq_page_header *hdr, kt_buf *out)
{
    kt_tc_enc e;
    kt_tc_init(&e, out);
    kt_tc_field_i32(&e, 1, (int32_t)hdr->type);
    kt_tc_field_i32(&e, 2, hdr->uncompressed_page_size);
    kt_tc_field_i32(&e, 3, hdr->compressed_page_size);
    if (hdr->has_crc) kt_tc_field_i32(&e, 4, hdr->crc);
    if (hdr->has_data_page_header) write_data_page_header(&e, &hdr->data_page_header);
    if (hdr->has_dictionary_page_header) write_dictionary_page_header(&e, &hdr->dictionary_page_header);
    if (hdr->has_data_page_header_v2) write_data_page_header_v2(&e, &hdr->data_page_header_v2);
    return kt_tc_finish(&e);
}
