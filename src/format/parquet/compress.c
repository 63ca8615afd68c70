/*
 * format/parquet/compress.c — one function per codec over the system
 * libraries (zstd, snappy, zlib, lz4, brotli). Every decompressor is told
 * the exact output size and rejects anything else, so a corrupt page can
 * neither overflow dst nor be silently short.
 */
#include "format/parquet/compress.h"
#include "format/parquet/decode.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static kt_status size_mismatch(kt_error *err, const char *codec, size_t got, size_t expected)
{
    return kt_fail(err, KT_ERR_FORMAT, "%s page decompressed to %zu bytes, header says %zu",
                   codec, got, expected);
}

/* kinetl's own decoder (snappy_decode.c): libsnappy is used to compress,
 * and as the fuzzing oracle. */
static kt_status snappy_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                               kt_error *err)
{
    return kt_pq_snappy_decompress(src, n, dst, expected, err);
}

static kt_status gzip_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                             kt_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK)   /* +32: gzip or zlib header */
        return kt_fail(err, KT_ERR_NOMEM, "GZIP: cannot initialise zlib");
    z.next_out = dst;
    size_t produced = 0;
    int rc = Z_OK;
    while (n > 0 && produced < expected) {
        z.next_in = (Bytef *)src;
        z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
        z.avail_out = expected - produced > UINT_MAX ? UINT_MAX : (uInt)(expected - produced);
        uInt in_before = z.avail_in, out_before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        src += in_before - z.avail_in;
        n -= in_before - z.avail_in;
        produced += out_before - z.avail_out;
        if (rc == Z_STREAM_END && n > 0 && produced < expected) {
            inflateReset(&z);             /* concatenated gzip members */
            continue;
        }
        if (rc != Z_OK) break;
        if (in_before == z.avail_in && out_before == z.avail_out) break;
    }
    if (rc == Z_OK && produced == expected) {
        /* Output is full but the stream has not ended: is there more data than declared? */
        uint8_t extra;
        z.next_in = (Bytef *)src;
        z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
        z.next_out = &extra;
        z.avail_out = 1;
        rc = inflate(&z, Z_NO_FLUSH);
        if (z.avail_out == 0) {
            inflateEnd(&z);
            return kt_fail(err, KT_ERR_FORMAT, "GZIP page holds more than the %zu bytes its header says",
                           expected);
        }
        if (rc == Z_BUF_ERROR) rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc != Z_OK && rc != Z_STREAM_END)
        return kt_fail(err, KT_ERR_FORMAT, "GZIP page is corrupt (zlib error %d)", rc);
    if (produced != expected) return size_mismatch(err, "GZIP", produced, expected);
    return KT_OK;
}

static kt_status zstd_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                             kt_error *err)
{
    size_t got = ZSTD_decompress(dst, expected, src, n);
    if (ZSTD_isError(got))
        return kt_fail(err, KT_ERR_FORMAT, "ZSTD page is corrupt: %s", ZSTD_getErrorName(got));
    if (got != expected) return size_mismatch(err, "ZSTD", got, expected);
    return KT_OK;
}

static kt_status lz4_raw_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                                kt_error *err)
{
    if (n > INT_MAX || expected > INT_MAX)
        return kt_fail(err, KT_ERR_FORMAT, "LZ4_RAW page over 2 GiB");
    int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)expected);
    if (got < 0) return kt_fail(err, KT_ERR_FORMAT, "LZ4_RAW page is corrupt");
    if ((size_t)got != expected) return size_mismatch(err, "LZ4_RAW", (size_t)got, expected);
    return KT_OK;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop framing: repeated [BE32 raw size][BE32 compressed size][LZ4 block]. */
static bool lz4_hadoop_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected)
{
    size_t produced = 0;
    while (n >= 8) {
        uint32_t raw = be32(src), comp = be32(src + 4);
        src += 8;
        n -= 8;
        if (comp > n || raw > expected - produced || comp > INT_MAX || raw > INT_MAX) return false;
        int got = LZ4_decompress_safe((const char *)src, (char *)dst + produced, (int)comp, (int)raw);
        if (got < 0 || (uint32_t)got != raw) return false;
        produced += raw;
        src += comp;
        n -= comp;
    }
    return n == 0 && produced == expected;
}

static bool lz4_frame_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected)
{
    LZ4F_dctx *ctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return false;
    size_t produced = 0;
    bool ok = false;
    for (;;) {
        size_t out_len = expected - produced, in_len = n;
        size_t hint = LZ4F_decompress(ctx, dst + produced, &out_len, src, &in_len, NULL);
        if (LZ4F_isError(hint)) break;
        produced += out_len;
        src += in_len;
        n -= in_len;
        if (hint == 0) { ok = n == 0 && produced == expected; break; }
        if (in_len == 0 && out_len == 0) break;
    }
    LZ4F_freeDecompressionContext(ctx);
    return ok;
}

static kt_status lz4_legacy_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                                   kt_error *err)
{
    if (lz4_hadoop_decode(src, n, dst, expected)) return KT_OK;
    if (lz4_frame_decode(src, n, dst, expected)) return KT_OK;
    if (n <= INT_MAX && expected <= INT_MAX &&
        LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)expected) == (int)expected)
        return KT_OK;
    return kt_fail(err, KT_ERR_FORMAT,
                   "LZ4 page is corrupt (not Hadoop-framed, LZ4 frame, or raw LZ4 block)");
}

static kt_status brotli_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                               kt_error *err)
{
    size_t got = expected;
    if (BrotliDecoderDecompress(n, src, &got, dst) != BROTLI_DECODER_RESULT_SUCCESS)
        return kt_fail(err, KT_ERR_FORMAT, "BROTLI page is corrupt or larger than its header says");
    if (got != expected) return size_mismatch(err, "BROTLI", got, expected);
    return KT_OK;
}

kt_status kt_pq_decompress(kt_pq_codec codec, const uint8_t *src, size_t src_len,
                           uint8_t *dst, size_t expected, kt_error *err)
{
    switch (codec) {
    case KT_PQ_CODEC_UNCOMPRESSED:
        if (src_len != expected) return size_mismatch(err, "UNCOMPRESSED", src_len, expected);
        if (expected) memcpy(dst, src, expected);
        return KT_OK;
    case KT_PQ_CODEC_SNAPPY: return snappy_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_GZIP: return gzip_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_ZSTD: return zstd_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_LZ4_RAW: return lz4_raw_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_LZ4: return lz4_legacy_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_BROTLI: return brotli_decode(src, src_len, dst, expected, err);
    case KT_PQ_CODEC_LZO: return kt_fail(err, KT_ERR_UNSUPPORTED, "LZO compression is not supported");
    }
    return kt_fail(err, KT_ERR_FORMAT, "unknown compression codec %d", (int)codec);
}

static kt_status gzip_encode(const uint8_t *src, size_t n, kt_buf *out, int level, kt_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return kt_fail(err, KT_ERR_NOMEM, "GZIP: cannot initialise zlib");
    size_t bound = deflateBound(&z, (uLong)n);
    if (kt_buf_reserve(out, bound) != KT_OK) {
        deflateEnd(&z);
        return kt_fail(err, KT_ERR_NOMEM, "GZIP: out of memory");
    }
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = out->data + out->len;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t produced = bound - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return kt_fail(err, KT_ERR_INTERNAL, "GZIP: deflate failed (%d)", rc);
    out->len += produced;
    return KT_OK;
}

kt_status kt_pq_compress(kt_pq_codec codec, int level, const uint8_t *src, size_t src_len,
                         kt_buf *out, kt_error *err)
{
    if (src_len > INT_MAX)
        return kt_fail(err, KT_ERR_USAGE, "page of %zu bytes is over the 2 GiB limit", src_len);
    size_t bound;
    switch (codec) {
    case KT_PQ_CODEC_UNCOMPRESSED:
        if (kt_buf_append(out, src, src_len) != KT_OK) break;
        return KT_OK;
    case KT_PQ_CODEC_SNAPPY:
        bound = snappy_max_compressed_length(src_len);
        if (kt_buf_reserve(out, bound) != KT_OK) break;
        if (snappy_compress((const char *)src, src_len, (char *)out->data + out->len, &bound) != SNAPPY_OK)
            return kt_fail(err, KT_ERR_INTERNAL, "SNAPPY compression failed");
        out->len += bound;
        return KT_OK;
    case KT_PQ_CODEC_GZIP:
        return gzip_encode(src, src_len, out, level, err);
    case KT_PQ_CODEC_ZSTD: {
        bound = ZSTD_compressBound(src_len);
        if (kt_buf_reserve(out, bound) != KT_OK) break;
        size_t got = ZSTD_compress(out->data + out->len, bound, src, src_len, level ? level : 1);
        if (ZSTD_isError(got))
            return kt_fail(err, KT_ERR_INTERNAL, "ZSTD compression failed: %s", ZSTD_getErrorName(got));
        out->len += got;
        return KT_OK;
    }
    case KT_PQ_CODEC_LZ4_RAW: {
        int cap = LZ4_compressBound((int)src_len);
        if (kt_buf_reserve(out, (size_t)cap) != KT_OK) break;
        int got = LZ4_compress_default((const char *)src, (char *)out->data + out->len, (int)src_len, cap);
        if (got <= 0 && src_len) return kt_fail(err, KT_ERR_INTERNAL, "LZ4_RAW compression failed");
        out->len += (size_t)got;
        return KT_OK;
    }
    case KT_PQ_CODEC_BROTLI:
        bound = BrotliEncoderMaxCompressedSize(src_len);
        if (!bound) bound = src_len + 1024;
        if (kt_buf_reserve(out, bound) != KT_OK) break;
        if (!BrotliEncoderCompress(level ? level : 3, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                                   src_len, src, &bound, out->data + out->len))
            return kt_fail(err, KT_ERR_INTERNAL, "BROTLI compression failed");
        out->len += bound;
        return KT_OK;
    default:
        return kt_fail(err, KT_ERR_UNSUPPORTED, "writing %s compression is not supported",
                       kt_pq_codec_name(codec));
    }
    return kt_fail(err, KT_ERR_NOMEM, "out of memory compressing a %zu-byte page", src_len);
}

struct kt_pq_compressor {
    kt_pq_codec codec;
    int level;
    ZSTD_CCtx *zstd;
};

kt_pq_compressor *kt_pq_compressor_new(kt_pq_codec codec, int level)
{
    kt_pq_compressor *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->codec = codec;
    c->level = level;
    if (codec == KT_PQ_CODEC_ZSTD && !(c->zstd = ZSTD_createCCtx())) {
        free(c);
        return NULL;
    }
    return c;
}

kt_status kt_pq_compressor_run(kt_pq_compressor *c, const uint8_t *src, size_t src_len, kt_buf *out,
                               kt_error *err)
{
    if (c->codec != KT_PQ_CODEC_ZSTD) return kt_pq_compress(c->codec, c->level, src, src_len, out, err);
    if (src_len > INT_MAX)
        return kt_fail(err, KT_ERR_USAGE, "page of %zu bytes is over the 2 GiB limit", src_len);
    size_t bound = ZSTD_compressBound(src_len);
    if (kt_buf_reserve(out, bound) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "out of memory compressing a %zu-byte page", src_len);
    size_t got = ZSTD_compressCCtx(c->zstd, out->data + out->len, bound, src, src_len, c->level ? c->level : 1);
    if (ZSTD_isError(got))
        return kt_fail(err, KT_ERR_INTERNAL, "ZSTD compression failed: %s", ZSTD_getErrorName(got));
    out->len += got;
    return KT_OK;
}

void kt_pq_compressor_free(kt_pq_compressor *c)
{
    if (!c) return;
    ZSTD_freeCCtx(c->zstd);
    free(c);
}
