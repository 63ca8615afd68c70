/*
 * format/parquet/compress.h — page (de)compression for every Parquet codec.
 *
 * Contract: decompression must produce exactly `expected` bytes (the page
 * header's uncompressed size) into dst, else KT_ERR_FORMAT; it never writes
 * past dst[expected). LZ4 (the deprecated codec) accepts the Hadoop block
 * framing and, as mature readers do, falls back to the raw LZ4 block and
 * the LZ4 frame format. LZO is unsupported. Compression is provided for
 * UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW and BROTLI.
 */
#ifndef KT_FORMAT_PARQUET_COMPRESS_H
#define KT_FORMAT_PARQUET_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "format/parquet/metadata.h"

kt_status kt_pq_decompress(kt_pq_codec codec, const uint8_t *src, size_t src_len,
                           uint8_t *dst, size_t expected, kt_error *err);

/* Appends the compressed form of src to out. level: codec-specific, 0 = default. */
kt_status kt_pq_compress(kt_pq_codec codec, int level, const uint8_t *src, size_t src_len,
                         kt_buf *out, kt_error *err);

/* A reusable compressor for one codec and level (keeps e.g. a ZSTD_CCtx
 * across pages instead of creating one per call). One per thread/writer;
 * kt_pq_compressor_new returns NULL when out of memory. */
typedef struct kt_pq_compressor kt_pq_compressor;
kt_pq_compressor *kt_pq_compressor_new(kt_pq_codec codec, int level);
/* Same output as kt_pq_compress(codec, level, ...). */
kt_status kt_pq_compressor_run(kt_pq_compressor *c, const uint8_t *src, size_t src_len, kt_buf *out,
                               kt_error *err);
void kt_pq_compressor_free(kt_pq_compressor *c);

#endif
