/*
 * format/parquet/metadata_parse.c — decodes the thrift-compact FileMetaData
 * footer and PageHeaders into the structs of metadata.h.
 *
 * Unknown fields (newer parquet-format versions) are skipped; a known field
 * arriving with an unexpected wire type is skipped too, as generated thrift
 * code does, so it then counts as absent. Missing required fields, and any
 * sign of encryption, fail with one line. Lists are sized from counts the
 * thrift layer already bounded by the bytes left, and allocated in the
 * caller's arena, whose limit bounds the total.
 */
#include "format/parquet/metadata.h"

#include <string.h>

#include "format/parquet/thrift_decode.h"

typedef struct parse_ctx {
    kt_thrift_in in;
    kt_arena *arena;
    kt_error *err;
} parse_ctx;

static kt_status no_memory(parse_ctx *c)
{
    return kt_fail(c->err, KT_ERR_NOMEM, "thrift: metadata at byte %zu needs more memory than allowed",
                   kt_thrift_offset(&c->in));
}

static kt_status missing(parse_ctx *c, const char *structure, const char *field)
{
    return kt_fail(c->err, KT_ERR_FORMAT, "thrift: %s lacks required field '%s' (ends at byte %zu)",
                   structure, field, kt_thrift_offset(&c->in));
}

static kt_status read_string(parse_ctx *c, const char **out)
{
    const uint8_t *data;
    uint32_t len;
    KT_TRY(kt_thrift_binary(&c->in, &data, &len));
    char *s = kt_arena_strndup(c->arena, (const char *)data, len);
    if (!s) return no_memory(c);
    *out = s;
    return KT_OK;
}

static kt_status read_bytes(parse_ctx *c, const uint8_t **out, uint32_t *len)
{
    const uint8_t *data;
    KT_TRY(kt_thrift_binary(&c->in, &data, len));
    uint8_t *copy = kt_arena_alloc(c->arena, *len);
    if (!copy) return no_memory(c);
    if (*len) memcpy(copy, data, *len);
    *out = copy;
    return KT_OK;
}

static kt_status read_enum(parse_ctx *c, int *out)
{
    int32_t v;
    KT_TRY(kt_thrift_i32(&c->in, &v));
    *out = v;
    return KT_OK;
}

/* Starts a list of `want` elements and allocates room for its count. */
static kt_status list_alloc(parse_ctx *c, uint8_t want, size_t elem_size, void **items,
                            uint32_t *count)
{
    uint8_t type;
    KT_TRY(kt_thrift_list_begin(&c->in, &type, count));
    if (type != want && !(want == KT_TT_BOOL_TRUE && type == KT_TT_BOOL_FALSE))
        return kt_thrift_fail(&c->in, "list has an unexpected element type");
    *items = kt_arena_calloc(c->arena, *count ? *count : 1, elem_size);
    if (!*items) return no_memory(c);
    return KT_OK;
}

/* A list of structs, each decoded by parse_one into items_out[i]; a macro
 * so the per-element call stays direct (footers hold thousands of them). */
#define READ_STRUCT_LIST(c, parse_one, items_out, count_out)                               \
    do {                                                                                   \
        void *items_;                                                                      \
        uint32_t count_;                                                                   \
        KT_TRY(list_alloc((c), KT_TT_STRUCT, sizeof *(items_out), &items_, &count_));      \
        (items_out) = items_;                                                              \
        for (uint32_t i_ = 0; i_ < count_; i_++) KT_TRY(parse_one((c), &(items_out)[i_])); \
        (count_out) = (int32_t)count_;                                                     \
    } while (0)

/* Fails naming the first required field (by id, ascending) not in `seen`
 * (bit id set when field id arrived); names[id] is NULL for optional ids. */
#define REQUIRE_FIELDS(c, structure, seen, names) \
    require_fields((c), (structure), (seen), (names), (int)(sizeof(names) / sizeof *(names)))
static kt_status require_fields(parse_ctx *c, const char *structure, unsigned seen,
                                const char *const *names, int n)
{
    for (int id = 1; id < n; id++)
        if (names[id] && !(seen & 1u << id)) return missing(c, structure, names[id]);
    return KT_OK;
}

/* Field loop helpers: a field of the wrong wire type is skipped. */
#define FIELDS_BEGIN(c)                                              \
    KT_TRY(kt_thrift_struct_begin(&(c)->in));                        \
    for (;;) {                                                       \
        kt_thrift_field f;                                           \
        bool stop_;                                                  \
        KT_TRY(kt_thrift_field_next(&(c)->in, &f, &stop_));          \
        if (stop_) break;                                            \
        switch (f.id) {
#define FIELDS_END(c)                                                \
        default: KT_TRY(kt_thrift_skip(&(c)->in, f.type)); break;    \
        }                                                            \
    }                                                                \
    kt_thrift_struct_end(&(c)->in)
#define EXPECT(c, t) if (f.type != (t)) { KT_TRY(kt_thrift_skip(&(c)->in, f.type)); break; }
#define EXPECT_BOOL(c) \
    if (f.type != KT_TT_BOOL_TRUE && f.type != KT_TT_BOOL_FALSE) { KT_TRY(kt_thrift_skip(&(c)->in, f.type)); break; }
/* Typed fields: check the wire type (else skip, as above), decode into dst.
 * Case bodies then only say which member a field id fills. */
#define I32_FIELD(c, dst) EXPECT(c, KT_TT_I32); KT_TRY(kt_thrift_i32(&(c)->in, &(dst)))
#define I64_FIELD(c, dst) EXPECT(c, KT_TT_I64); KT_TRY(kt_thrift_i64(&(c)->in, &(dst)))
/* (ENUM_FIELD decodes through the parser's local `int v`.) */
#define ENUM_FIELD(c, dst, type) EXPECT(c, KT_TT_I32); KT_TRY(read_enum((c), &v)); (dst) = (type)v
#define STRING_FIELD(c, dst) EXPECT(c, KT_TT_BINARY); KT_TRY(read_string((c), &(dst)))
#define BYTES_FIELD(c, dst, len) EXPECT(c, KT_TT_BINARY); KT_TRY(read_bytes((c), &(dst), &(len)))
#define STRUCT_FIELD(c, parse_one, dst) EXPECT(c, KT_TT_STRUCT); KT_TRY(parse_one((c), &(dst)))

static kt_status parse_statistics(parse_ctx *c, kt_pq_statistics *s)
{
    memset(s, 0, sizeof *s);
    FIELDS_BEGIN(c)
    case 1: BYTES_FIELD(c, s->legacy_max, s->legacy_max_len); s->has_legacy_max = true; break;
    case 2: BYTES_FIELD(c, s->legacy_min, s->legacy_min_len); s->has_legacy_min = true; break;
    case 3: I64_FIELD(c, s->null_count); s->has_null_count = true; break;
    case 4: I64_FIELD(c, s->distinct_count); s->has_distinct_count = true; break;
    case 5: BYTES_FIELD(c, s->max_value, s->max_len); s->has_max_value = true; break;
    case 6: BYTES_FIELD(c, s->min_value, s->min_len); s->has_min_value = true; break;
    FIELDS_END(c);
    return KT_OK;
}

/* TimeUnit is a union of empty structs: the member's field id is the unit. */
static kt_status parse_time_unit(parse_ctx *c, kt_pq_time_unit *unit)
{
    FIELDS_BEGIN(c)
    case 1: case 2: case 3: EXPECT(c, KT_TT_STRUCT);
        *unit = (kt_pq_time_unit)f.id;
        KT_TRY(kt_thrift_skip(&c->in, f.type));
        break;
    FIELDS_END(c);
    return KT_OK;
}

static kt_status parse_time_type(parse_ctx *c, kt_pq_logical *lt)
{
    lt->unit = 0;
    FIELDS_BEGIN(c)
    case 1: EXPECT_BOOL(c); lt->utc = f.bool_value; break;
    case 2: STRUCT_FIELD(c, parse_time_unit, lt->unit); break;
    FIELDS_END(c);
    if (!lt->unit) return missing(c, "TimeUnit", "unit");
    return KT_OK;
}

static kt_status parse_int_type(parse_ctx *c, kt_pq_logical *lt)
{
    bool have_width = false;
    FIELDS_BEGIN(c)
    case 1: EXPECT(c, KT_TT_BYTE); KT_TRY(kt_thrift_i8(&c->in, &lt->bit_width)); have_width = true; break;
    case 2: EXPECT_BOOL(c); lt->is_signed = f.bool_value; break;
    FIELDS_END(c);
    if (!have_width) return missing(c, "IntType", "bitWidth");
    return KT_OK;
}

static kt_status parse_decimal_type(parse_ctx *c, kt_pq_logical *lt)
{
    bool have_precision = false;
    FIELDS_BEGIN(c)
    case 1: I32_FIELD(c, lt->scale); break;
    case 2: I32_FIELD(c, lt->precision); have_precision = true; break;
    FIELDS_END(c);
    if (!have_precision) return missing(c, "DecimalType", "precision");
    return KT_OK;
}

static kt_status parse_logical_type(parse_ctx *c, kt_pq_logical *lt)
{
    memset(lt, 0, sizeof *lt);
    FIELDS_BEGIN(c)
    case KT_PQ_LT_DECIMAL: EXPECT(c, KT_TT_STRUCT);
        lt->kind = KT_PQ_LT_DECIMAL;
        KT_TRY(parse_decimal_type(c, lt));
        break;
    case KT_PQ_LT_TIME: case KT_PQ_LT_TIMESTAMP: EXPECT(c, KT_TT_STRUCT);
        lt->kind = (kt_pq_logical_kind)f.id;
        KT_TRY(parse_time_type(c, lt));
        break;
    case KT_PQ_LT_INTEGER: EXPECT(c, KT_TT_STRUCT);
        lt->kind = KT_PQ_LT_INTEGER;
        KT_TRY(parse_int_type(c, lt));
        break;
    default:
        /* Members with empty (or ignored) payloads; unknown ids keep their id. */
        if (f.type == KT_TT_STRUCT) lt->kind = (kt_pq_logical_kind)f.id;
        KT_TRY(kt_thrift_skip(&c->in, f.type));
        break;
    }
    }
    kt_thrift_struct_end(&c->in);
    return KT_OK;
}

static kt_status parse_schema_element(parse_ctx *c, kt_pq_schema_element *e)
{
    memset(e, 0, sizeof *e);
    e->converted = KT_PQ_CT_NONE;
    int v;
    FIELDS_BEGIN(c)
    case 1: ENUM_FIELD(c, e->type, kt_pq_physical); e->has_type = true; break;
    case 2: I32_FIELD(c, e->type_length); break;
    case 3: ENUM_FIELD(c, e->repetition, kt_pq_repetition); e->has_repetition = true; break;
    case 4: STRING_FIELD(c, e->name); break;
    case 5: I32_FIELD(c, e->num_children); break;
    case 6: ENUM_FIELD(c, e->converted, kt_pq_converted); break;
    case 7: I32_FIELD(c, e->scale); break;
    case 8: I32_FIELD(c, e->precision); break;
    case 9: I32_FIELD(c, e->field_id); e->has_field_id = true; break;
    case 10: STRUCT_FIELD(c, parse_logical_type, e->logical); break;
    FIELDS_END(c);
    if (!e->name) return missing(c, "SchemaElement", "name");
    return KT_OK;
}

static kt_status parse_string_list(parse_ctx *c, const char ***out, int32_t *n)
{
    void *items;
    uint32_t count;
    KT_TRY(list_alloc(c, KT_TT_BINARY, sizeof(const char *), &items, &count));
    const char **strs = items;
    for (uint32_t i = 0; i < count; i++) KT_TRY(read_string(c, &strs[i]));
    *out = strs;
    *n = (int32_t)count;
    return KT_OK;
}

static kt_status parse_column_meta(parse_ctx *c, kt_pq_column_meta *m)
{
    memset(m, 0, sizeof *m);
    unsigned seen = 0;
    int v;
    FIELDS_BEGIN(c)
    case 1: ENUM_FIELD(c, m->type, kt_pq_physical); seen |= 1u << 1; break;
    case 2: {
        EXPECT(c, KT_TT_LIST);
        void *items;
        uint32_t count;
        KT_TRY(list_alloc(c, KT_TT_I32, sizeof(kt_pq_encoding), &items, &count));
        m->encodings = items;
        for (uint32_t i = 0; i < count; i++) {
            KT_TRY(read_enum(c, &v));
            m->encodings[i] = (kt_pq_encoding)v;
        }
        m->num_encodings = (int32_t)count;
        seen |= 1u << 2;
        break;
    }
    case 3: EXPECT(c, KT_TT_LIST);
        KT_TRY(parse_string_list(c, &m->path_in_schema, &m->path_len));
        seen |= 1u << 3;
        break;
    case 4: ENUM_FIELD(c, m->codec, kt_pq_codec); seen |= 1u << 4; break;
    case 5: I64_FIELD(c, m->num_values); seen |= 1u << 5; break;
    case 6: I64_FIELD(c, m->total_uncompressed_size); seen |= 1u << 6; break;
    case 7: I64_FIELD(c, m->total_compressed_size); seen |= 1u << 7; break;
    case 9: I64_FIELD(c, m->data_page_offset); seen |= 1u << 9; break;
    case 10: I64_FIELD(c, m->index_page_offset); m->has_index_page_offset = true; break;
    case 11: I64_FIELD(c, m->dictionary_page_offset); m->has_dictionary_page_offset = true; break;
    case 12: STRUCT_FIELD(c, parse_statistics, m->statistics); m->has_statistics = true; break;
    FIELDS_END(c);
    static const char *const required[] = { NULL, "type", "encodings", "path_in_schema", "codec",
                                            "num_values", "total_uncompressed_size",
                                            "total_compressed_size", NULL, "data_page_offset" };
    return REQUIRE_FIELDS(c, "ColumnMetaData", seen, required);
}

static kt_status encrypted(parse_ctx *c, const char *what)
{
    return kt_fail(c->err, KT_ERR_UNSUPPORTED, "encrypted Parquet files are not supported (%s)", what);
}

static kt_status parse_column_chunk(parse_ctx *c, kt_pq_column_chunk *cc)
{
    memset(cc, 0, sizeof *cc);
    FIELDS_BEGIN(c)
    case 1: STRING_FIELD(c, cc->file_path); break;
    case 2: I64_FIELD(c, cc->file_offset); break;
    case 3: STRUCT_FIELD(c, parse_column_meta, cc->meta_data); cc->has_meta_data = true; break;
    case 8: return encrypted(c, "column crypto metadata");
    case 9: return encrypted(c, "encrypted column metadata");
    FIELDS_END(c);
    return KT_OK;
}

static kt_status parse_row_group(parse_ctx *c, kt_pq_row_group *rg)
{
    memset(rg, 0, sizeof *rg);
    bool have_columns = false, have_rows = false;
    FIELDS_BEGIN(c)
    case 1: EXPECT(c, KT_TT_LIST);
        READ_STRUCT_LIST(c, parse_column_chunk, rg->columns, rg->num_columns);
        have_columns = true;
        break;
    case 2: I64_FIELD(c, rg->total_byte_size); break;
    case 3: I64_FIELD(c, rg->num_rows); have_rows = true; break;
    case 5: I64_FIELD(c, rg->file_offset); rg->has_file_offset = true; break;
    case 6: I64_FIELD(c, rg->total_compressed_size); rg->has_total_compressed_size = true; break;
    case 7: EXPECT(c, KT_TT_I16);
        KT_TRY(kt_thrift_i16(&c->in, &rg->ordinal));
        rg->has_ordinal = true;
        break;
    FIELDS_END(c);
    if (!have_columns) return missing(c, "RowGroup", "columns");
    if (!have_rows) return missing(c, "RowGroup", "num_rows");
    return KT_OK;
}

static kt_status parse_key_value(parse_ctx *c, kt_pq_key_value *kv)
{
    memset(kv, 0, sizeof *kv);
    FIELDS_BEGIN(c)
    case 1: STRING_FIELD(c, kv->key); break;
    case 2: STRING_FIELD(c, kv->value); break;
    FIELDS_END(c);
    if (!kv->key) return missing(c, "KeyValue", "key");
    return KT_OK;
}

/* True when every ColumnOrder is TYPE_ORDER (union member 1). */
static kt_status parse_column_orders(parse_ctx *c, bool *all_type_order)
{
    uint8_t type;
    uint32_t count;
    KT_TRY(kt_thrift_list_begin(&c->in, &type, &count));
    if (type != KT_TT_STRUCT) return kt_thrift_fail(&c->in, "column_orders is not a list of structs");
    *all_type_order = true;
    for (uint32_t i = 0; i < count; i++) {
        bool type_order = false;
        FIELDS_BEGIN(c)
        case 1: EXPECT(c, KT_TT_STRUCT); type_order = true; KT_TRY(kt_thrift_skip(&c->in, f.type)); break;
        FIELDS_END(c);
        if (!type_order) *all_type_order = false;
    }
    return KT_OK;
}

static kt_status parse_file_meta(parse_ctx *c, kt_pq_file_meta *m)
{
    unsigned seen = 0;
    FIELDS_BEGIN(c)
    case 1: I32_FIELD(c, m->version); seen |= 1u << 1; break;
    case 2: EXPECT(c, KT_TT_LIST);
        READ_STRUCT_LIST(c, parse_schema_element, m->schema, m->num_schema);
        seen |= 1u << 2;
        break;
    case 3: I64_FIELD(c, m->num_rows); seen |= 1u << 3; break;
    case 4: EXPECT(c, KT_TT_LIST);
        READ_STRUCT_LIST(c, parse_row_group, m->row_groups, m->num_row_groups);
        seen |= 1u << 4;
        break;
    case 5: EXPECT(c, KT_TT_LIST);
        READ_STRUCT_LIST(c, parse_key_value, m->kv, m->num_kv);
        break;
    case 6: STRING_FIELD(c, m->created_by); break;
    case 7: EXPECT(c, KT_TT_LIST); KT_TRY(parse_column_orders(c, &m->has_column_orders)); break;
    case 8: return encrypted(c, "encryption_algorithm in a plaintext footer");
    FIELDS_END(c);
    static const char *const required[] = { NULL, "version", "schema", "num_rows", "row_groups" };
    return REQUIRE_FIELDS(c, "FileMetaData", seen, required);
}

kt_status kt_pq_parse_file_meta(const uint8_t *buf, size_t len, kt_arena *arena,
                                kt_pq_file_meta *out, kt_error *err)
{
    parse_ctx c = { .arena = arena, .err = err };
    kt_thrift_init(&c.in, buf, len, err);
    memset(out, 0, sizeof *out);
    return parse_file_meta(&c, out);
}

static kt_status parse_data_page_header(parse_ctx *c, kt_pq_data_page_header *h)
{
    memset(h, 0, sizeof *h);
    unsigned seen = 0;
    int v;
    FIELDS_BEGIN(c)
    case 1: I32_FIELD(c, h->num_values); seen |= 1u << 1; break;
    case 2: ENUM_FIELD(c, h->encoding, kt_pq_encoding); seen |= 1u << 2; break;
    case 3: ENUM_FIELD(c, h->definition_level_encoding, kt_pq_encoding); seen |= 1u << 3; break;
    case 4: ENUM_FIELD(c, h->repetition_level_encoding, kt_pq_encoding); seen |= 1u << 4; break;
    case 5: STRUCT_FIELD(c, parse_statistics, h->statistics); h->has_statistics = true; break;
    FIELDS_END(c);
    static const char *const required[] = { NULL, "num_values", "encoding", "definition_level_encoding",
                                            "repetition_level_encoding" };
    return REQUIRE_FIELDS(c, "DataPageHeader", seen, required);
}

static kt_status parse_dictionary_page_header(parse_ctx *c, kt_pq_dictionary_page_header *h)
{
    memset(h, 0, sizeof *h);
    unsigned seen = 0;
    int v;
    FIELDS_BEGIN(c)
    case 1: I32_FIELD(c, h->num_values); seen |= 1u << 1; break;
    case 2: ENUM_FIELD(c, h->encoding, kt_pq_encoding); seen |= 1u << 2; break;
    case 3: EXPECT_BOOL(c); h->is_sorted = f.bool_value; h->has_is_sorted = true; break;
    FIELDS_END(c);
    static const char *const required[] = { NULL, "num_values", "encoding" };
    return REQUIRE_FIELDS(c, "DictionaryPageHeader", seen, required);
}

static kt_status parse_data_page_header_v2(parse_ctx *c, kt_pq_data_page_header_v2 *h)
{
    memset(h, 0, sizeof *h);
    h->is_compressed = true;
    unsigned seen = 0;
    int v;
    FIELDS_BEGIN(c)
    case 1: I32_FIELD(c, h->num_values); seen |= 1u << 1; break;
    case 2: I32_FIELD(c, h->num_nulls); seen |= 1u << 2; break;
    case 3: I32_FIELD(c, h->num_rows); seen |= 1u << 3; break;
    case 4: ENUM_FIELD(c, h->encoding, kt_pq_encoding); seen |= 1u << 4; break;
    case 5: I32_FIELD(c, h->definition_levels_byte_length); seen |= 1u << 5; break;
    case 6: I32_FIELD(c, h->repetition_levels_byte_length); seen |= 1u << 6; break;
    case 7: EXPECT_BOOL(c); h->is_compressed = f.bool_value; break;
    case 8: STRUCT_FIELD(c, parse_statistics, h->statistics); h->has_statistics = true; break;
    FIELDS_END(c);
    static const char *const required[] = { NULL, "num_values", "num_nulls", "num_rows", "encoding",
                                            "definition_levels_byte_length",
                                            "repetition_levels_byte_length" };
    return REQUIRE_FIELDS(c, "DataPageHeaderV2", seen, required);
}

kt_status kt_pq_parse_page_header(const uint8_t *buf, size_t len, kt_arena *arena,
                                  kt_pq_page_header *out, size_t *consumed, kt_error *err)
{
    parse_ctx ctx = { .arena = arena, .err = err };
    parse_ctx *c = &ctx;
    kt_thrift_init(&c->in, buf, len, err);
    memset(out, 0, sizeof *out);
    unsigned seen = 0;
    int v;
    FIELDS_BEGIN(c)
    case 1: ENUM_FIELD(c, out->type, kt_pq_page_type); seen |= 1u << 1; break;
    case 2: I32_FIELD(c, out->uncompressed_page_size); seen |= 1u << 2; break;
    case 3: I32_FIELD(c, out->compressed_page_size); seen |= 1u << 3; break;
    case 4: I32_FIELD(c, out->crc); out->has_crc = true; break;
    case 5: STRUCT_FIELD(c, parse_data_page_header, out->data_page_header); out->has_data_page_header = true; break;
    case 7: STRUCT_FIELD(c, parse_dictionary_page_header, out->dictionary_page_header); out->has_dictionary_page_header = true; break;
    case 8: STRUCT_FIELD(c, parse_data_page_header_v2, out->data_page_header_v2); out->has_data_page_header_v2 = true; break;
    FIELDS_END(c);
    static const char *const required[] = { NULL, "type", "uncompressed_page_size", "compressed_page_size" };
    KT_TRY(REQUIRE_FIELDS(c, "PageHeader", seen, required));
    *consumed = kt_thrift_offset(&c->in);
    return KT_OK;
}
