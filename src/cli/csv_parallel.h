/*
 * cli/csv_parallel.h — CSV rows of one batch rendered on two threads.
 *
 * Contract: the text written is byte for byte what the single-thread path
 * writes, in the same order. The batch is cut into chunks of
 * KT_CSV_CHUNK_ROWS; a helper thread renders some chunks while the calling
 * thread renders the others and writes every chunk in row order, so the
 * rows wait in at most four chunk buffers (memory bounded by the chunk
 * size, not the batch). Batches too small to be worth a thread are
 * rendered serially. Errors (memory, a failed write) stop both threads and
 * are reported like the serial path's.
 */
#ifndef KT_CLI_CSV_PARALLEL_H
#define KT_CLI_CSV_PARALLEL_H

#include "cli/row_format.h"

#define KT_CSV_CHUNK_ROWS 4096

/* Rows [from, from + count) of cols; w->cells holds the calling thread's state. */
kt_status kt_csv_rows_parallel(kt_row_writer *w, const kt_column *cols, size_t from, size_t count,
                               kt_error *err);

/* Releases the per-slot state kept in w (kt_row_writer_free calls it). */
void kt_csv_parallel_free(kt_row_writer *w);

#endif
