/*
 * format/parquet/metadata.h — the Parquet footer and page headers as C
 * structs, mirroring parquet.thrift (apache/parquet-format) for the
 * fields kinetl reads or writes.
 *
 * Contract: kt_pq_parse_file_meta() decodes a thrift-compact FileMetaData
 * into structs allocated in a caller-provided arena (bounded: hostile
 * counts fail with KT_ERR_FORMAT, never a huge allocation);
 * kt_pq_write_file_meta() encodes the same structs. Field ids follow
 * parquet.thrift; absent optional fields have their has_* flag false.
 */
#ifndef KT_FORMAT_PARQUET_METADATA_H
#define KT_FORMAT_PARQUET_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"

/* parquet.thrift enum values */
typedef enum { KT_PQ_BOOLEAN = 0, KT_PQ_INT32 = 1, KT_PQ_INT64 = 2, KT_PQ_INT96 = 3,
               KT_PQ_FLOAT = 4, KT_PQ_DOUBLE = 5, KT_PQ_BYTE_ARRAY = 6,
               KT_PQ_FIXED_LEN_BYTE_ARRAY = 7 } kt_pq_physical;

typedef enum { KT_PQ_REQUIRED = 0, KT_PQ_OPTIONAL = 1, KT_PQ_REPEATED = 2 } kt_pq_repetition;

typedef enum { KT_PQ_CT_NONE = -1, KT_PQ_CT_UTF8 = 0, KT_PQ_CT_MAP = 1, KT_PQ_CT_MAP_KEY_VALUE = 2,
               KT_PQ_CT_LIST = 3, KT_PQ_CT_ENUM = 4, KT_PQ_CT_DECIMAL = 5, KT_PQ_CT_DATE = 6,
               KT_PQ_CT_TIME_MILLIS = 7, KT_PQ_CT_TIME_MICROS = 8, KT_PQ_CT_TIMESTAMP_MILLIS = 9,
               KT_PQ_CT_TIMESTAMP_MICROS = 10, KT_PQ_CT_UINT_8 = 11, KT_PQ_CT_UINT_16 = 12,
               KT_PQ_CT_UINT_32 = 13, KT_PQ_CT_UINT_64 = 14, KT_PQ_CT_INT_8 = 15,
               KT_PQ_CT_INT_16 = 16, KT_PQ_CT_INT_32 = 17, KT_PQ_CT_INT_64 = 18,
               KT_PQ_CT_JSON = 19, KT_PQ_CT_BSON = 20, KT_PQ_CT_INTERVAL = 21 } kt_pq_converted;

typedef enum { KT_PQ_ENC_PLAIN = 0, KT_PQ_ENC_PLAIN_DICTIONARY = 2, KT_PQ_ENC_RLE = 3,
               KT_PQ_ENC_BIT_PACKED = 4, KT_PQ_ENC_DELTA_BINARY_PACKED = 5,
               KT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6, KT_PQ_ENC_DELTA_BYTE_ARRAY = 7,
               KT_PQ_ENC_RLE_DICTIONARY = 8, KT_PQ_ENC_BYTE_STREAM_SPLIT = 9 } kt_pq_encoding;

typedef enum { KT_PQ_CODEC_UNCOMPRESSED = 0, KT_PQ_CODEC_SNAPPY = 1, KT_PQ_CODEC_GZIP = 2,
               KT_PQ_CODEC_LZO = 3, KT_PQ_CODEC_BROTLI = 4, KT_PQ_CODEC_LZ4 = 5,
               KT_PQ_CODEC_ZSTD = 6, KT_PQ_CODEC_LZ4_RAW = 7 } kt_pq_codec;

typedef enum { KT_PQ_PAGE_DATA = 0, KT_PQ_PAGE_INDEX = 1, KT_PQ_PAGE_DICTIONARY = 2,
               KT_PQ_PAGE_DATA_V2 = 3 } kt_pq_page_type;

/* LogicalType union member (field id in parquet.thrift), 0 = absent. */
typedef enum { KT_PQ_LT_NONE = 0, KT_PQ_LT_STRING = 1, KT_PQ_LT_MAP = 2, KT_PQ_LT_LIST = 3,
               KT_PQ_LT_ENUM = 4, KT_PQ_LT_DECIMAL = 5, KT_PQ_LT_DATE = 6, KT_PQ_LT_TIME = 7,
               KT_PQ_LT_TIMESTAMP = 8, KT_PQ_LT_INTEGER = 10, KT_PQ_LT_UNKNOWN = 11,
               KT_PQ_LT_JSON = 12, KT_PQ_LT_BSON = 13, KT_PQ_LT_UUID = 14,
               KT_PQ_LT_FLOAT16 = 15 } kt_pq_logical_kind;

typedef enum { KT_PQ_UNIT_MILLIS = 1, KT_PQ_UNIT_MICROS = 2, KT_PQ_UNIT_NANOS = 3 } kt_pq_time_unit;

typedef struct kt_pq_logical {
    kt_pq_logical_kind kind;
    int32_t scale, precision;   /* DECIMAL */
    bool utc;                   /* TIME, TIMESTAMP: isAdjustedToUTC */
    kt_pq_time_unit unit;       /* TIME, TIMESTAMP */
    int8_t bit_width;           /* INTEGER */
    bool is_signed;             /* INTEGER */
} kt_pq_logical;

typedef struct kt_pq_schema_element {
    const char *name;
    bool has_type;               /* leaves have a type, groups do not */
    kt_pq_physical type;
    int32_t type_length;         /* FIXED_LEN_BYTE_ARRAY */
    bool has_repetition;
    kt_pq_repetition repetition;
    int32_t num_children;        /* 0 for leaves */
    kt_pq_converted converted;   /* KT_PQ_CT_NONE if absent */
    int32_t scale, precision;    /* legacy DECIMAL */
    bool has_field_id;
    int32_t field_id;
    kt_pq_logical logical;
} kt_pq_schema_element;

typedef struct kt_pq_statistics {
    bool has_null_count, has_distinct_count;
    int64_t null_count, distinct_count;
    /* min_value/max_value (fields 5/6, spec ordering); legacy min/max (2/1) go in the legacy_* */
    const uint8_t *min_value, *max_value;
    uint32_t min_len, max_len;
    bool has_min_value, has_max_value;
    const uint8_t *legacy_min, *legacy_max;
    uint32_t legacy_min_len, legacy_max_len;
    bool has_legacy_min, has_legacy_max;
} kt_pq_statistics;

typedef struct kt_pq_key_value {
    const char *key;
    const char *value;           /* NULL if absent */
} kt_pq_key_value;

typedef struct kt_pq_column_meta {
    kt_pq_physical type;
    kt_pq_encoding *encodings;
    int32_t num_encodings;
    const char **path_in_schema;
    int32_t path_len;
    kt_pq_codec codec;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    int64_t data_page_offset;
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset;
    bool has_index_page_offset;
    int64_t index_page_offset;
    bool has_statistics;
    kt_pq_statistics statistics;
} kt_pq_column_meta;

typedef struct kt_pq_column_chunk {
    const char *file_path;       /* non-NULL: data in another file (unsupported) */
    int64_t file_offset;
    bool has_meta_data;
    kt_pq_column_meta meta_data;
} kt_pq_column_chunk;

typedef struct kt_pq_row_group {
    kt_pq_column_chunk *columns;
    int32_t num_columns;
    int64_t total_byte_size;
    int64_t num_rows;
    bool has_file_offset, has_total_compressed_size, has_ordinal;
    int64_t file_offset;
    int64_t total_compressed_size;
    int16_t ordinal;
} kt_pq_row_group;

typedef struct kt_pq_file_meta {
    int32_t version;
    kt_pq_schema_element *schema;    /* schema[0] is the root group */
    int32_t num_schema;
    int64_t num_rows;
    kt_pq_row_group *row_groups;
    int32_t num_row_groups;
    kt_pq_key_value *kv;
    int32_t num_kv;
    const char *created_by;          /* NULL if absent */
    bool has_column_orders;          /* written as TYPE_ORDER for every column */
} kt_pq_file_meta;

typedef struct kt_pq_data_page_header {
    int32_t num_values;
    kt_pq_encoding encoding;
    kt_pq_encoding definition_level_encoding;
    kt_pq_encoding repetition_level_encoding;
    bool has_statistics;
    kt_pq_statistics statistics;
} kt_pq_data_page_header;

typedef struct kt_pq_dictionary_page_header {
    int32_t num_values;
    kt_pq_encoding encoding;
    bool has_is_sorted;
    bool is_sorted;
} kt_pq_dictionary_page_header;

typedef struct kt_pq_data_page_header_v2 {
    int32_t num_values;
    int32_t num_nulls;
    int32_t num_rows;
    kt_pq_encoding encoding;
    int32_t definition_levels_byte_length;
    int32_t repetition_levels_byte_length;
    bool is_compressed;              /* defaults to true when absent */
    bool has_statistics;
    kt_pq_statistics statistics;
} kt_pq_data_page_header_v2;

typedef struct kt_pq_page_header {
    kt_pq_page_type type;
    int32_t uncompressed_page_size;
    int32_t compressed_page_size;
    bool has_crc;
    int32_t crc;
    bool has_data_page_header, has_dictionary_page_header, has_data_page_header_v2;
    kt_pq_data_page_header data_page_header;
    kt_pq_dictionary_page_header dictionary_page_header;
    kt_pq_data_page_header_v2 data_page_header_v2;
} kt_pq_page_header;

/* Decodes FileMetaData from buf[0..len); strings/arrays live in `arena`. */
kt_status kt_pq_parse_file_meta(const uint8_t *buf, size_t len, kt_arena *arena,
                                kt_pq_file_meta *out, kt_error *err);
/* Decodes a PageHeader; *consumed = bytes the header occupied. */
kt_status kt_pq_parse_page_header(const uint8_t *buf, size_t len, kt_arena *arena,
                                  kt_pq_page_header *out, size_t *consumed, kt_error *err);

/* Appends the thrift-compact encoding of the structure to out. */
kt_status kt_pq_write_file_meta(const kt_pq_file_meta *meta, kt_buf *out);
kt_status kt_pq_write_page_header(const kt_pq_page_header *hdr, kt_buf *out);

/* Names for display (`kinetl parquet meta`): "INT64", "SNAPPY", "RLE_DICTIONARY" ... */
const char *kt_pq_physical_name(kt_pq_physical t);
const char *kt_pq_codec_name(kt_pq_codec c);
const char *kt_pq_encoding_name(kt_pq_encoding e);

#endif
