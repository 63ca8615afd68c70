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

    bool huge_pages;             /* kt_pq_set_huge_pages */

    /* dictionary codes (kt_pq_set_dictionary_codes) */
    bool dict_codes;
    bool chunk_had_dict;         /* the last chunk read had a dictionary page */
    kt_column *code_dicts;       /* by projection slot; valid where code_dict_set */
    bool *code_dict_set;
    int code_slots;
    bool *codes_fell_back;       /* by leaf: its last chunk had non-dictionary pages */
};

/* One column chunk being decoded (reader_chunk.c, reader_values.c). */
typedef struct kt_pq_chunk {
    kt_pq_reader *r;
    const kt_pq_column_info *info;
    const kt_pq_leaf *leaf;
    const kt_pq_column_meta *meta;
    kt_column *out;
    uint64_t start;              /* file offset of the chunk */
    size_t len;                  /* bytes in the chunk */
    size_t win_off, win_len;     /* chunk bytes now in r->chunk (file mode) */
    int64_t num_rows, rows_done;
    bool have_dict;
    size_t level_bytes;          /* size of the previous v1 page's level section */
    /* out's ranges last advised onto huge pages (kt_pq_chunk_advise) */
    const void *advised_values, *advised_bytes;
    size_t advised_values_len, advised_bytes_len;
    bool no_level_split;         /* a predicted v1 level section was wrong */
    bool non_dict_pages;         /* a data page was not dictionary-encoded */
    bool bytes_in_place;         /* this page's body lies in out's payload tail */
    kt_error *err;
} kt_pq_chunk;

/* Appends n dense values of a data page encoded with enc to c->out. */
kt_status kt_pq_chunk_values(kt_pq_chunk *c, kt_pq_encoding enc, const uint8_t *src, size_t len, size_t n);
/* Appends n PLAIN values of the chunk's physical type to t. */
kt_status kt_pq_chunk_plain(kt_pq_chunk *c, const uint8_t *src, size_t len, size_t n, kt_column *t);
/* Converts staged physical values onto the end of `to` (output type). */
kt_status kt_pq_chunk_convert(kt_pq_chunk *c, const kt_column *from, kt_column *to);
/* c->out holds base + k values, k dense values of a page of n; moves them
 * to their rows (valid[i] = 1 for a value) and records validity. */
kt_status kt_pq_chunk_spread_nulls(kt_pq_chunk *c, size_t base, size_t k, size_t n, const uint8_t *valid);
/* Room for n more values in col (at least one). */
kt_status kt_pq_chunk_reserve(kt_pq_chunk *c, kt_column *col, size_t n);

/* Data page bodies decoded from the file straight into place, without
 * the chunk window (reader_direct.c): a stored page, or a SNAPPY page
 * that barely compresses. The first head_len (<= usize) bytes of the
 * body go to head, the rest to dst (usize - head_len bytes of room).
 * *done is false when the page does not qualify (or is corrupt): the
 * caller then decodes it the ordinary way. off is the body's chunk
 * offset; [off, off + csize) lies in the chunk. */
kt_status kt_pq_direct_stored(kt_pq_chunk *c, size_t off, size_t csize, size_t usize, uint8_t *head,
                              size_t head_len, uint8_t *dst, bool *done);
kt_status kt_pq_direct_snappy(kt_pq_chunk *c, size_t off, size_t csize, size_t usize, uint8_t *head,
                              size_t head_len, uint8_t *dst, bool *done);

/* Advises memory about to be written onto transparent huge pages, when
 * the reader has huge pages on. */
void kt_pq_advise_huge(const kt_pq_reader *r, void *p, size_t bytes);
/* Advises the parts of c->out's arrays that this chunk will write: its
 * rows' values (offsets for bytes) and, for bytes, payload up to
 * bytes_end (0: not the payload). Only memory about to be written is
 * advised, so huge pages never cover capacity that stays untouched. */
void kt_pq_chunk_advise(kt_pq_chunk *c, size_t bytes_end);
/* With huge pages on and c->out empty: gives it room for `rows` values
 * (and, for bytes, `payload` payload bytes) in 2 MiB-aligned blocks when
 * it has less. Capacity only; the caller still reserves what it needs. */
void kt_pq_chunk_presize_huge(kt_pq_chunk *c, size_t rows, size_t payload);

/* Reads len bytes at off: a pointer into memory, or into buf after pread. */
kt_status kt_pq_bytes_at(kt_pq_reader *r, uint64_t off, size_t len, kt_buf *buf,
                         const uint8_t **out, kt_error *err);

/* Decodes one column chunk into out (already of the output type, cleared). */
kt_status kt_pq_read_chunk(kt_pq_reader *r, int row_group, int column, kt_column *out,
                           kt_error *err);

/* Codes mode (reader_codes.c): c->out holds dictionary codes of a
 * KT_BYTES column. */
static inline bool kt_pq_chunk_codes(const kt_pq_chunk *c)
{
    return c->out->type == KT_INT32 && c->info->value_type == KT_BYTES;
}
/* A non-dictionary page arrived in codes mode: turns the codes so far
 * into bytes, after which the chunk decodes as usual. */
kt_status kt_pq_chunk_leave_codes(kt_pq_chunk *c);
/* Output type of a projected column (KT_INT32 codes when they may apply). */
kt_type kt_pq_output_type(const kt_pq_reader *r, int row_group, int column);
/* After a chunk: whether it had data pages not dictionary-encoded. */
void kt_pq_note_chunk_pages(kt_pq_reader *r, int column, bool non_dictionary_pages);
/* After a chunk: keeps its dictionary for slot i when out holds codes. */
kt_status kt_pq_keep_dictionary(kt_pq_reader *r, int i, const kt_column *out, int column, kt_error *err);
/* Frees the codes state. */
void kt_pq_free_codes(kt_pq_reader *r);

/* Makes c an empty column of type t, keeping memory when the type matches. */
void kt_pq_reset_column(kt_column *c, kt_type t);

#endif
