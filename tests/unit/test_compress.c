/* tests/unit/test_compress.c — every Parquet codec: round trip, size checks, corruption, LZ4 framings. */
#include <lz4.h>
#include <lz4frame.h>
#include <stdlib.h>

#include "check.h"
#include "core/buf.h"
#include "format/parquet/compress.h"

static uint8_t *make_payload(size_t n)
{
    uint8_t *p = malloc(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (i % 7 == 0) ? (uint8_t)(x >> 24) : (uint8_t)(i / 64);  /* compressible, not trivial */
    }
    return p;
}

static const kt_pq_codec writable[] = { KT_PQ_CODEC_UNCOMPRESSED, KT_PQ_CODEC_SNAPPY, KT_PQ_CODEC_GZIP,
                                        KT_PQ_CODEC_ZSTD, KT_PQ_CODEC_LZ4_RAW, KT_PQ_CODEC_BROTLI };

TEST(round_trip_every_writable_codec)
{
    const size_t n = 200000;
    uint8_t *src = make_payload(n), *dst = malloc(n);
    kt_error err;
    for (size_t c = 0; c < sizeof writable / sizeof writable[0]; c++) {
        kt_buf out;
        kt_buf_init(&out);
        CHECK_OK(kt_pq_compress(writable[c], 0, src, n, &out, &err), &err);
        if (writable[c] != KT_PQ_CODEC_UNCOMPRESSED)
            CHECK_MSG(out.len < n, "%s did not compress", kt_pq_codec_name(writable[c]));
        memset(dst, 0, n);
        CHECK_OK(kt_pq_decompress(writable[c], out.data, out.len, dst, n, &err), &err);
        CHECK_MSG(memcmp(src, dst, n) == 0, "%s round trip differs", kt_pq_codec_name(writable[c]));
        kt_buf_free(&out);
    }
    free(src);
    free(dst);
}

TEST(empty_pages_round_trip)
{
    kt_error err;
    uint8_t dummy = 0;
    for (size_t c = 0; c < sizeof writable / sizeof writable[0]; c++) {
        kt_buf out;
        kt_buf_init(&out);
        CHECK_OK(kt_pq_compress(writable[c], 0, &dummy, 0, &out, &err), &err);
        CHECK_OK(kt_pq_decompress(writable[c], out.data ? out.data : &dummy, out.len, &dummy, 0, &err), &err);
        kt_buf_free(&out);
    }
}

TEST(wrong_declared_size_is_rejected)
{
    const size_t n = 5000;
    uint8_t *src = make_payload(n), *dst = malloc(n + 100);
    kt_error err;
    for (size_t c = 0; c < sizeof writable / sizeof writable[0]; c++) {
        kt_buf out;
        kt_buf_init(&out);
        CHECK_OK(kt_pq_compress(writable[c], 0, src, n, &out, &err), &err);
        /* a header claiming more or fewer bytes than the page holds */
        CHECK_MSG(kt_pq_decompress(writable[c], out.data, out.len, dst, n + 100, &err) == KT_ERR_FORMAT,
                  "%s accepted a too-large size", kt_pq_codec_name(writable[c]));
        CHECK_MSG(kt_pq_decompress(writable[c], out.data, out.len, dst, n - 1, &err) == KT_ERR_FORMAT,
                  "%s accepted a too-small size", kt_pq_codec_name(writable[c]));
        CHECK(strstr(err.msg, kt_pq_codec_name(writable[c])) != NULL);
        kt_buf_free(&out);
    }
    free(src);
    free(dst);
}

TEST(corrupt_input_never_overflows)
{
    const size_t n = 4096;
    uint8_t *src = make_payload(n), *dst = malloc(n);
    kt_error err;
    for (size_t c = 1; c < sizeof writable / sizeof writable[0]; c++) {
        kt_buf out;
        kt_buf_init(&out);
        CHECK_OK(kt_pq_compress(writable[c], 0, src, n, &out, &err), &err);
        for (size_t flip = 0; flip < out.len; flip += 7) {
            out.data[flip] ^= 0x5a;
            kt_status s = kt_pq_decompress(writable[c], out.data, out.len, dst, n, &err);
            CHECK(s == KT_OK || s == KT_ERR_FORMAT);   /* ASan proves no overflow */
            out.data[flip] ^= 0x5a;
        }
        for (size_t cut = 0; cut < out.len; cut += out.len / 9 + 1)
            CHECK(kt_pq_decompress(writable[c], out.data, cut, dst, n, &err) == KT_ERR_FORMAT);
        kt_buf_free(&out);
    }
    free(src);
    free(dst);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

TEST(lz4_hadoop_frame_and_raw_block)
{
    const size_t n = 30000, half = 12345;
    uint8_t *src = make_payload(n), *dst = malloc(n);
    kt_error err;
    /* Hadoop framing, two blocks */
    size_t cap = 16 + 2 * (size_t)LZ4_compressBound((int)n);
    uint8_t *framed = malloc(cap);
    size_t pos = 0;
    size_t parts[2][2] = { { 0, half }, { half, n - half } };
    for (int b = 0; b < 2; b++) {
        int got = LZ4_compress_default((const char *)src + parts[b][0], (char *)framed + pos + 8,
                                       (int)parts[b][1], (int)(cap - pos - 8));
        CHECK(got > 0);
        put_be32(framed + pos, (uint32_t)parts[b][1]);
        put_be32(framed + pos + 4, (uint32_t)got);
        pos += 8 + (size_t)got;
    }
    CHECK_OK(kt_pq_decompress(KT_PQ_CODEC_LZ4, framed, pos, dst, n, &err), &err);
    CHECK(memcmp(src, dst, n) == 0);
    /* raw block (what some writers emit under the LZ4 codec) */
    int raw = LZ4_compress_default((const char *)src, (char *)framed, (int)n, (int)cap);
    memset(dst, 0, n);
    CHECK_OK(kt_pq_decompress(KT_PQ_CODEC_LZ4, framed, (size_t)raw, dst, n, &err), &err);
    CHECK(memcmp(src, dst, n) == 0);
    /* LZ4 frame format */
    size_t fcap = LZ4F_compressFrameBound(n, NULL);
    uint8_t *frame = malloc(fcap);
    size_t flen = LZ4F_compressFrame(frame, fcap, src, n, NULL);
    CHECK(!LZ4F_isError(flen));
    memset(dst, 0, n);
    CHECK_OK(kt_pq_decompress(KT_PQ_CODEC_LZ4, frame, flen, dst, n, &err), &err);
    CHECK(memcmp(src, dst, n) == 0);
    /* garbage under LZ4 */
    memset(frame, 0xee, 64);
    CHECK(kt_pq_decompress(KT_PQ_CODEC_LZ4, frame, 64, dst, n, &err) == KT_ERR_FORMAT);
    CHECK(strstr(err.msg, "LZ4") != NULL);
    free(frame);
    free(framed);
    free(src);
    free(dst);
}

TEST(unsupported_codecs_say_so)
{
    kt_error err;
    uint8_t b[4] = { 0 };
    kt_buf out;
    kt_buf_init(&out);
    CHECK(kt_pq_decompress(KT_PQ_CODEC_LZO, b, 4, b, 4, &err) == KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "LZO") != NULL);
    CHECK(kt_pq_decompress((kt_pq_codec)42, b, 4, b, 4, &err) == KT_ERR_FORMAT);
    CHECK(kt_pq_compress(KT_PQ_CODEC_LZO, 0, b, 4, &out, &err) == KT_ERR_UNSUPPORTED);
    kt_buf_free(&out);
}

TEST_MAIN_BEGIN("compress")
    RUN(ctx, round_trip_every_writable_codec);
    RUN(ctx, empty_pages_round_trip);
    RUN(ctx, wrong_declared_size_is_rejected);
    RUN(ctx, corrupt_input_never_overflows);
    RUN(ctx, lz4_hadoop_frame_and_raw_block);
    RUN(ctx, unsupported_codecs_say_so);
TEST_MAIN_END()
