/*
 * format/parquet/reader.h — streaming Parquet reader.
 *
 * Contract:
 *  - kt_pq_open validates the footer (magic, length, thrift, schema) and
 *    refuses nested schemas and data in external files with one clear line
 *    naming the file. Every error message starts with the file's name.
 *  - Only flat schemas: one leaf column per top-level field, REQUIRED or
 *    OPTIONAL. kt_pq_column_info describes each leaf and the in-memory
 *    kt_type it is decoded to:
 *      BOOLEAN -> KT_BOOL
 *      INT32 -> KT_INT32 (INT8/16/32, UINT8/16, DATE as days, TIME_MILLIS)
 *               KT_INT64 for UINT32 (widened, exact); KT_DOUBLE for DECIMAL
 *      INT64 -> KT_INT64 (signed ints, TIMESTAMP in its unit, TIME_MICROS/NANOS;
 *               UINT64 keeps its 64 bits, is_signed = false); KT_DOUBLE for DECIMAL
 *      INT96 -> KT_INT64 nanoseconds since the Unix epoch (timestamp, unit NANOS)
 *      FLOAT -> KT_FLOAT, DOUBLE -> KT_DOUBLE
 *      BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> KT_BYTES; KT_DOUBLE for DECIMAL
 *  - kt_pq_read_row_group decodes one row group, for a projection of
 *    columns, into caller-owned kt_columns (cleared first, then filled with
 *    exactly num_rows values each). Memory is bounded by one row group of
 *    the projected columns plus one page.
 *  - Opt-in: string columns as dictionary codes (kt_pq_set_dictionary_codes).
 *  - Opt-in: output arrays on transparent huge pages (kt_pq_set_huge_pages).
 *  - A reader is used by one thread at a time; distinct readers are
 *    independent.
 */
#ifndef KT_FORMAT_PARQUET_READER_H
#define KT_FORMAT_PARQUET_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "format/parquet/metadata.h"

typedef struct kt_pq_reader kt_pq_reader;

typedef struct kt_pq_column_info {
    const char *name;
    int index;                       /* leaf index, 0-based */
    kt_pq_physical physical;
    int32_t type_length;             /* FIXED_LEN_BYTE_ARRAY */
    bool nullable;                   /* OPTIONAL */
    kt_pq_logical logical;           /* normalised: converted types mapped to logical */
    kt_type value_type;              /* what the reader produces */
    bool is_timestamp;               /* TIMESTAMP logical/converted, or INT96 */
    kt_pq_time_unit unit;            /* for timestamps (INT96: NANOS) */
    bool utc;                        /* for timestamps */
    bool is_signed;                  /* false for UINT_* and unsigned INTEGER */
} kt_pq_column_info;

/* Row-group statistics decoded to the column's value_type. */
typedef struct kt_pq_column_stats {
    bool has_null_count;
    int64_t null_count;
    bool has_min_max;                /* min and max both present and usable */
    int64_t min_i, max_i;            /* KT_BOOL, KT_INT32, KT_INT64 */
    double min_d, max_d;             /* KT_FLOAT, KT_DOUBLE */
    const uint8_t *min_bytes, *max_bytes;  /* KT_BYTES; valid while the reader is open */
    size_t min_len, max_len;
} kt_pq_column_stats;

kt_status kt_pq_open(const char *path, kt_pq_reader **out, kt_error *err);
/* Reads from memory; `name` is used in messages. data must outlive the reader. */
kt_status kt_pq_open_memory(const uint8_t *data, size_t len, const char *name,
                            kt_pq_reader **out, kt_error *err);
void kt_pq_close(kt_pq_reader *r);
/* Bounds the memory one decoded column chunk or one page may take
 * (0 = the default, 2 GiB); going over fails with KT_ERR_NOMEM. */
void kt_pq_set_memory_limit(kt_pq_reader *r, size_t bytes);

const char *kt_pq_path(const kt_pq_reader *r);
int64_t kt_pq_num_rows(const kt_pq_reader *r);
int kt_pq_num_row_groups(const kt_pq_reader *r);
int64_t kt_pq_row_group_rows(const kt_pq_reader *r, int row_group);
int kt_pq_num_columns(const kt_pq_reader *r);
const kt_pq_column_info *kt_pq_column(const kt_pq_reader *r, int index);
/* Leaf index by name, case-insensitive; -1 if absent. */
int kt_pq_find_column(const kt_pq_reader *r, const char *name);
/* The whole decoded footer (for `kinetl parquet meta`). */
const kt_pq_file_meta *kt_pq_file_metadata(const kt_pq_reader *r);

kt_status kt_pq_column_stats_get(const kt_pq_reader *r, int row_group, int column,
                                 kt_pq_column_stats *out);

/* Decodes columns[0..ncols) of a row group into out[0..ncols). */
kt_status kt_pq_read_row_group(kt_pq_reader *r, int row_group, const int *columns, int ncols,
                               kt_column *out, kt_error *err);

/*
 * Dictionary codes (opt-in, off by default). When on, a KT_BYTES column
 * whose column chunk is dictionary-encoded in every data page comes out
 * of kt_pq_read_row_group as codes instead of bytes: out[i] is KT_INT32,
 * one index per row into kt_pq_dictionary(r, i) (0 in null slots, which
 * must not be looked up: the dictionary may be empty; validity as usual).
 * The dictionary (KT_BYTES, no nulls) stays valid until the next read or
 * close. Any other column, and a chunk with a non-dictionary data page
 * (a writer's fallback), comes out as usual; kt_pq_dictionary is then
 * NULL. Callers that can work on codes skip copying every string;
 * kt_pq_materialize gives the bytes when needed. Worth it for callers
 * that compare, group or count low-cardinality strings per row group;
 * not for ones that hand every value on as a string or keep columns
 * past the next read (docs/PARQUET.md, "Dictionary codes").
 */
void kt_pq_set_dictionary_codes(kt_pq_reader *r, bool on);
/* Off by default (it can stall on synchronous memory compaction, see
 * reader.c); true advises the parts of row-group arrays and page buffers about to
 * be written are advised onto transparent huge pages (Linux madvise; an
 * empty column's arrays of 2 MiB or more are allocated 2 MiB-aligned).
 * Fewer page faults and TLB misses; memory never written is never
 * advised, so resident memory does not grow. */
void kt_pq_set_huge_pages(kt_pq_reader *r, bool on);
/* The dictionary of out[i] of the last kt_pq_read_row_group, or NULL. */
const kt_column *kt_pq_dictionary(const kt_pq_reader *r, int i);
/* out (cleared first) = the KT_BYTES column that codes + dict stand for. */
kt_status kt_pq_materialize(const kt_column *codes, const kt_column *dict, kt_column *out, kt_error *err);

#endif
