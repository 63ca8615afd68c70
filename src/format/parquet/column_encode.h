/*
 * format/parquet/column_encode.h — builds the pages of one column chunk
 * as values arrive: data pages v1 (definition levels as a 4-byte length
 * plus RLE/bit-packed hybrid; values PLAIN, BOOLEAN bit-packed, strings
 * RLE_DICTIONARY with PLAIN fallback), each compressed and preceded by its
 * thrift page header. Used by the writer, one per column.
 *
 * Contract: append encodes and compresses pages as soon as they reach
 * page_bytes, so a chunk holds at most one row group of compressed pages.
 * finish_chunk closes the last page and builds the dictionary page; the
 * caller writes dictionary page then data pages, records the metadata,
 * then calls next_chunk. Column values must already be validated (type,
 * length, nullability). Errors carry no file name: the writer adds it.
 */
#ifndef KT_FORMAT_PARQUET_COLUMN_ENCODE_H
#define KT_FORMAT_PARQUET_COLUMN_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/column.h"
#include "core/error.h"
#include "format/parquet/compress.h"
#include "format/parquet/dictionary_encode.h"
#include "format/parquet/metadata.h"
#include "format/parquet/statistics.h"
#include "format/parquet/writer.h"

/* Rows per data page at most, whatever page_bytes says (bounds level buffers). */
#define KT_PQ_PAGE_MAX_ROWS ((size_t)1 << 20)

typedef struct kt_pq_col_enc_opts {
    kt_pq_wtype type;
    bool nullable;
    kt_pq_codec codec;
    int level;
    size_t page_bytes;
    size_t dict_max_bytes;
    bool dictionary;
    bool byte_stream_split;        /* DOUBLE pages as BYTE_STREAM_SPLIT */
    kt_pq_compressor *compressor;  /* shared by the writer's columns; NULL: kt_pq_compress */
} kt_pq_col_enc_opts;

typedef struct kt_pq_col_enc {
    kt_pq_col_enc_opts o;
    kt_pq_physical physical;
    size_t width;                 /* PLAIN bytes per value; 1 for booleans (packed later), 0 strings */
    /* the page being filled */
    kt_buf values;                /* PLAIN values of non-null rows */
    uint32_t *indices;            /* dictionary indices of non-null rows */
    size_t n_indices, cap_indices;
    uint8_t *levels;              /* definition level per row (nullable columns) */
    size_t cap_levels;
    size_t page_rows;
    kt_pq_stats page_stats;
    /* the chunk being filled */
    kt_pq_dict_enc dict;
    bool dict_mode;
    kt_buf pages;                 /* data pages: header + compressed body each */
    kt_buf dict_page;             /* built by finish_chunk */
    int64_t chunk_values;
    int64_t chunk_uncompressed;   /* data pages: headers + uncompressed bodies */
    uint32_t encodings;           /* bit e set = kt_pq_encoding e used */
    kt_pq_stats chunk_stats;
    kt_pq_stats file_stats;
    /* scratch */
    kt_buf body, compressed, header;
    uint32_t *code_map;           /* append_coded: caller code -> dictionary index */
    size_t cap_code_map;
} kt_pq_col_enc;

/* The finished chunk, valid until next_chunk. */
typedef struct kt_pq_chunk_result {
    const kt_buf *dict_page;      /* empty when the chunk has no dictionary */
    const kt_buf *data_pages;
    int64_t num_values;
    int64_t total_uncompressed;   /* dictionary + data pages, headers included */
    int64_t total_compressed;
    kt_pq_encoding encodings[8];
    int32_t num_encodings;
    int64_t dict_num_values;
    kt_pq_stats *stats;
} kt_pq_chunk_result;

void kt_pq_col_enc_init(kt_pq_col_enc *e, const kt_pq_col_enc_opts *o);
void kt_pq_col_enc_free(kt_pq_col_enc *e);

/* Encodes rows [start, start + n) of col. */
kt_status kt_pq_col_enc_append(kt_pq_col_enc *e, const kt_column *col, size_t start, size_t n,
                               kt_error *err);
/* The same for a STRING column given as KT_INT32 codes into dict (KT_BYTES;
 * codes of present rows within it, checked by the caller): the same pages
 * and statistics as appending the strings, without hashing each row. */
kt_status kt_pq_col_enc_append_coded(kt_pq_col_enc *e, const kt_column *codes, const kt_column *dict,
                                     size_t start, size_t n, kt_error *err);

/* Bytes held for the current chunk (compressed pages + the open page). */
size_t kt_pq_col_enc_buffered(const kt_pq_col_enc *e);

kt_status kt_pq_col_enc_finish_chunk(kt_pq_col_enc *e, kt_pq_chunk_result *out, kt_error *err);
/* Folds the chunk's statistics into the file's and starts a new chunk. */
kt_status kt_pq_col_enc_next_chunk(kt_pq_col_enc *e, kt_error *err);

/*
 * The encoder's page and chunk buffers, movable as a set (additive): a
 * writer producing one column chunk at a time lends one set to each
 * column in turn, so N columns hold one column's buffers, not N. Swap
 * only between chunks (after next_chunk, before the first append): the
 * buffers then carry capacity but no state.
 */
typedef struct kt_pq_col_bufs {
    kt_buf values, pages, dict_page, body, compressed, header;
    uint32_t *indices;
    size_t cap_indices;
    uint8_t *levels;
    size_t cap_levels;
} kt_pq_col_bufs;

void kt_pq_col_bufs_init(kt_pq_col_bufs *b);
void kt_pq_col_bufs_free(kt_pq_col_bufs *b);
void kt_pq_col_enc_swap_bufs(kt_pq_col_enc *e, kt_pq_col_bufs *b);
/* Bytes of capacity the set holds (memory accounting). */
size_t kt_pq_col_bufs_capacity(const kt_pq_col_bufs *b);
size_t kt_pq_col_enc_capacity(const kt_pq_col_enc *e);

/* Statistics over every finished chunk. */
const kt_pq_stats *kt_pq_col_enc_file_stats(const kt_pq_col_enc *e);

#endif
