/*
 * format/parquet/byte_transpose.c — 8-byte values to byte planes and back.
 *
 * Sixteen values fill eight SSE2 registers; one "stage" interleaves the
 * bytes of register i with register i+4 (unpacklo/unpackhi). Four stages
 * take 16 values to 8 planes of 16 bytes, in order; three stages take 8
 * planes back to 16 values (the stage is a permutation whose powers give
 * both directions; tests check both against the scalar definition).
 * The scalar loops handle the tail and machines without SSE2.
 */
#include "format/parquet/byte_transpose.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/* Registers are spelled out (no loops over an array of them) so that the
 * compiler keeps all sixteen in registers at -O2. */
typedef struct block {
    __m128i r0, r1, r2, r3, r4, r5, r6, r7;
} block;

static inline block stage(block b)
{
    return (block){
        _mm_unpacklo_epi8(b.r0, b.r4), _mm_unpackhi_epi8(b.r0, b.r4), _mm_unpacklo_epi8(b.r1, b.r5),
        _mm_unpackhi_epi8(b.r1, b.r5), _mm_unpacklo_epi8(b.r2, b.r6), _mm_unpackhi_epi8(b.r2, b.r6),
        _mm_unpacklo_epi8(b.r3, b.r7), _mm_unpackhi_epi8(b.r3, b.r7),
    };
}

static inline block load(const uint8_t *p, size_t step)
{
    return (block){
        _mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)(p + step)),
        _mm_loadu_si128((const __m128i *)(p + 2 * step)), _mm_loadu_si128((const __m128i *)(p + 3 * step)),
        _mm_loadu_si128((const __m128i *)(p + 4 * step)), _mm_loadu_si128((const __m128i *)(p + 5 * step)),
        _mm_loadu_si128((const __m128i *)(p + 6 * step)), _mm_loadu_si128((const __m128i *)(p + 7 * step)),
    };
}

static inline void store(uint8_t *p, size_t step, block b)
{
    _mm_storeu_si128((__m128i *)p, b.r0);
    _mm_storeu_si128((__m128i *)(p + step), b.r1);
    _mm_storeu_si128((__m128i *)(p + 2 * step), b.r2);
    _mm_storeu_si128((__m128i *)(p + 3 * step), b.r3);
    _mm_storeu_si128((__m128i *)(p + 4 * step), b.r4);
    _mm_storeu_si128((__m128i *)(p + 5 * step), b.r5);
    _mm_storeu_si128((__m128i *)(p + 6 * step), b.r6);
    _mm_storeu_si128((__m128i *)(p + 7 * step), b.r7);
}

static size_t split_blocks(const uint8_t *values, size_t count, uint8_t *planes, size_t stride)
{
    size_t i = 0;
    for (; i + 16 <= count; i += 16)
        store(planes + i, stride, stage(stage(stage(stage(load(values + 8 * i, 16))))));
    return i;
}

static size_t join_blocks(const uint8_t *planes, size_t stride, size_t count, uint8_t *values)
{
    size_t i = 0;
    for (; i + 16 <= count; i += 16) store(values + 8 * i, 16, stage(stage(stage(load(planes + i, stride)))));
    return i;
}
#else
static size_t split_blocks(const uint8_t *values, size_t count, uint8_t *planes, size_t stride)
{
    (void)values, (void)count, (void)planes, (void)stride;
    return 0;
}

static size_t join_blocks(const uint8_t *planes, size_t stride, size_t count, uint8_t *values)
{
    (void)planes, (void)stride, (void)count, (void)values;
    return 0;
}
#endif

void kt_pq_split8(const uint8_t *values, size_t count, uint8_t *planes, size_t stride)
{
    for (size_t i = split_blocks(values, count, planes, stride); i < count; i++)
        for (size_t k = 0; k < 8; k++) planes[k * stride + i] = values[8 * i + k];
}

void kt_pq_join8(const uint8_t *planes, size_t stride, size_t count, uint8_t *values)
{
    for (size_t i = join_blocks(planes, stride, count, values); i < count; i++)
        for (size_t k = 0; k < 8; k++) values[8 * i + k] = planes[k * stride + i];
}
