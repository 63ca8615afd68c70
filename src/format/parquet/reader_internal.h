/*
 * format/parquet/reader_internal.h — internal: the reader's state, shared
 * by reader.c (footer, schema, public accessors), reader_chunk.c (pages of
 * one column chunk) and reader_stats.c (row-group statistics).
 *
 * A reader owns its file descriptor (or borrows the caller's memory), the
 * decoded footer in meta_arena, and scratch buffers reused across pages
 * and row groups so steady-state reading allocates nothing.
 */
#ifndef KT_FORMAT_PARQUET_READER_INTERNAL_H
#define KT_FORMAT_PARQUET_READER_INTERNAL_H

#include "core/arena.h"
#include "core/buf.h"
#include "format/parquet/reader.h"

/* Column chunk bytes read from a file at a time (at least a whole page). */
#define KT_PQ_WINDOW ((size_t)1 << 20)

/* Default bound on what one decoded column chunk or one page may take. */
#define KT_PQ_DEFAULT_MEMORY_LIMIT ((size_t)2 << 30)

/* How a leaf's physical values become its output values. */
typedef enum kt_pq_conversion {
    KT_PQ_CONV_NONE,        /* decoded straight into the output */
    KT_PQ_CONV_WIDEN_U32,   /* INT32 UINT32 -> int64 */
    KT_PQ_CONV_DECIMAL,     /* INT32/INT64/BYTE_ARRAY/FLBA DECIMAL -> double */
} kt_pq_conversion;

typedef struct kt_pq_leaf {
    int max_def;            /* 0 REQUIRED, 1 OPTIONAL */
    kt_type decode_type;    /* physical values in memory (INT96 -> int64) */
    kt_pq_conversion conversion;
    int scale;              /* DECIMAL */
} kt_pq_leaf;

struct kt_pq_reader {
    char *path;                  /* name used in messages */
    int fd;                      /* -1 when reading from memory */
    const uint8_t *mem;
    uint64_t file_size;
    uint64_t data_end;           /* first byte of the footer */
    size_t memory_limit;
    size_t window;               /* file bytes read at a time (default KT_PQ_WINDOW) */

    kt_arena meta_arena;
    kt_pq_file_meta meta;
    int ncols;
    kt_pq_column_info *cols;
    kt_pq_leaf *leaves;
    int64_t total_rows;

    /* scratch, reused */
    kt_buf chunk;                /* compressed column chunk (file mode) */
    kt_buf page;                 /* decompressed page */
    kt_buf levels;               /* definition levels of a page */
    kt_buf scratch;              /* delta lengths */
    kt_arena page_arena;         /* page-header statistics */
    kt_column dict;              /* current dictionary, output type */
    size_t dict_max_len;         /* its longest byte value */
    kt_column stage;             /* physical values awaiting conversion */
};

/* Reads len bytes at off: a pointer into memory, or into buf after pread. */
kt_status kt_pq_bytes_at(kt_pq_reader *r, uint64_t off, size_t len, kt_buf *buf,
                         const uint8_t **out, kt_error *err);

/* Decodes one column chunk into out (already of the output type, cleared). */
kt_status kt_pq_read_chunk(kt_pq_reader *r, int row_group, int column, kt_column *out,
                           kt_error *err);

/* Makes c an empty column of type t, keeping memory when the type matches. */
void kt_pq_reset_column(kt_column *c, kt_type t);

#endif
