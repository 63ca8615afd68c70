/*
 * tests/unit/test_parquet_read_decoders.c — the reader's building blocks on
 * hand-built byte sequences: thrift compact decoding (varints, zigzag,
 * delta and long field ids, skipping every wire type, depth and size
 * bounds), footer and page-header parsing, the RLE/bit-packed hybrid and
 * BIT_PACKED levels (the examples of Encodings.md), DELTA_* encodings
 * (spec examples plus round trips through an independent encoder written
 * here), BYTE_STREAM_SPLIT, INT96 and DECIMAL conversion.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/arena.h"
#include "format/parquet/byte_transpose.h"
#include "format/parquet/decode.h"
#include "format/parquet/metadata.h"
#include "format/parquet/plain_encode.h"
#include "format/parquet/thrift_decode.h"

/* ---------------------------------------------------------------- thrift */

TEST(thrift_varints_and_zigzag)
{
    kt_error err;
    kt_thrift_in in;
    int32_t v32;
    int64_t v64;
    const uint8_t neg1[] = { 0x01 }, pos1[] = { 0x02 }, max32[] = { 0xfe, 0xff, 0xff, 0xff, 0x0f };
    kt_thrift_init(&in, neg1, sizeof neg1, &err);
    CHECK_OK(kt_thrift_i32(&in, &v32), &err);
    CHECK_EQ_INT(v32, -1);
    kt_thrift_init(&in, pos1, sizeof pos1, &err);
    CHECK_OK(kt_thrift_i32(&in, &v32), &err);
    CHECK_EQ_INT(v32, 1);
    kt_thrift_init(&in, max32, sizeof max32, &err);
    CHECK_OK(kt_thrift_i32(&in, &v32), &err);
    CHECK_EQ_INT(v32, INT32_MAX);
    const uint8_t min64[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
    kt_thrift_init(&in, min64, sizeof min64, &err);
    CHECK_OK(kt_thrift_i64(&in, &v64), &err);
    CHECK(v64 == INT64_MIN);
    /* Too long for an i32, overflowing 64 bits, truncated. */
    const uint8_t long32[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
    kt_thrift_init(&in, long32, sizeof long32, &err);
    CHECK_EQ_INT(kt_thrift_i32(&in, &v32), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "thrift: varint too long for its type at byte 5 of 6");
    const uint8_t over64[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
    kt_thrift_init(&in, over64, sizeof over64, &err);
    CHECK_EQ_INT(kt_thrift_i64(&in, &v64), KT_ERR_FORMAT);
    const uint8_t cut[] = { 0x80, 0x80 };
    kt_thrift_init(&in, cut, sizeof cut, &err);
    CHECK_EQ_INT(kt_thrift_i64(&in, &v64), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "thrift: varint runs past the end at byte 2 of 2");
}

TEST(thrift_field_ids_delta_and_long_form)
{
    /* field 1 (i32) = 2; field 10 long form (i16 zigzag 20) i64 = -3; field 11 delta bool true; stop */
    const uint8_t buf[] = { 0x15, 0x04, 0x06, 0x14, 0x05, 0x11, 0x00 };
    kt_error err;
    kt_thrift_in in;
    kt_thrift_init(&in, buf, sizeof buf, &err);
    CHECK_OK(kt_thrift_struct_begin(&in), &err);
    kt_thrift_field f;
    bool stop;
    int32_t v;
    int64_t w;
    CHECK_OK(kt_thrift_field_next(&in, &f, &stop), &err);
    CHECK(!stop && f.id == 1 && f.type == KT_TT_I32);
    CHECK_OK(kt_thrift_i32(&in, &v), &err);
    CHECK_EQ_INT(v, 2);
    CHECK_OK(kt_thrift_field_next(&in, &f, &stop), &err);
    CHECK(f.id == 10 && f.type == KT_TT_I64);
    CHECK_OK(kt_thrift_i64(&in, &w), &err);
    CHECK_EQ_INT(w, -3);
    CHECK_OK(kt_thrift_field_next(&in, &f, &stop), &err);
    CHECK(f.id == 11 && f.type == KT_TT_BOOL_TRUE && f.bool_value);
    CHECK_OK(kt_thrift_field_next(&in, &f, &stop), &err);
    CHECK(stop);
    kt_thrift_struct_end(&in);
    CHECK_EQ_INT(kt_thrift_left(&in), 0);
}

TEST(thrift_skips_every_type)
{
    /* A struct whose unknown fields cover every wire type, then field 20 = 7. */
    const uint8_t buf[] = {
        0x11,                               /* 1: bool true */
        0x13, 0x7f,                         /* 2: byte */
        0x14, 0x03,                         /* 3: i16 */
        0x15, 0x04,                         /* 4: i32 */
        0x16, 0xff, 0x01,                   /* 5: i64 */
        0x17, 1, 2, 3, 4, 5, 6, 7, 8,       /* 6: double */
        0x18, 0x03, 'a', 'b', 'c',          /* 7: binary */
        0x19, 0x35, 0x02, 0x04, 0x06,       /* 8: list<i32> of 3 */
        0x1a, 0x21, 0x01,                   /* 9: set<bool> of 2 */
              0x02,
        0x1b, 0x02, 0x85, 0x01, 'k', 0x02,  /* 10: map<binary,i32> of 2 */
              0x01, 'l', 0x04,
        0x1c, 0x15, 0x02, 0x1c, 0x00, 0x00, /* 11: struct{1: i32, 2: struct{}} */
        0x1d, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15, /* 12: uuid */
        0x19, 0x0c,                         /* 13: empty list<struct> */
        0x75, 0x0e,                         /* 20: i32 = 7 */
        0x00,
    };
    kt_error err;
    kt_thrift_in in;
    kt_thrift_init(&in, buf, sizeof buf, &err);
    CHECK_OK(kt_thrift_struct_begin(&in), &err);
    int32_t found = -1;
    for (;;) {
        kt_thrift_field f;
        bool stop;
        CHECK_OK(kt_thrift_field_next(&in, &f, &stop), &err);
        if (stop) break;
        if (f.id == 20) CHECK_OK(kt_thrift_i32(&in, &found), &err);
        else CHECK_OK(kt_thrift_skip(&in, f.type), &err);
    }
    CHECK_EQ_INT(found, 7);
    CHECK_EQ_INT(kt_thrift_left(&in), 0);
}

TEST(thrift_bounds)
{
    kt_error err;
    kt_thrift_in in;
    /* 40 nested structs: field 1 struct, repeatedly. */
    uint8_t deep[41];
    memset(deep, 0x1c, 40);
    deep[40] = 0;
    kt_thrift_init(&in, deep, sizeof deep, &err);
    CHECK_EQ_INT(kt_thrift_skip(&in, KT_TT_STRUCT), KT_ERR_FORMAT);
    CHECK(strstr(err.msg, "nesting too deep") != NULL);
    /* A list claiming 1000 i32s with 3 bytes left. */
    const uint8_t big[] = { 0xf5, 0xe8, 0x07, 0x02, 0x02, 0x02 };
    kt_thrift_init(&in, big, sizeof big, &err);
    uint8_t t;
    uint32_t n;
    CHECK_EQ_INT(kt_thrift_list_begin(&in, &t, &n), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "thrift: list size exceeds the bytes left at byte 3 of 6");
    /* Binary longer than the buffer; unknown type nibble. */
    const uint8_t bin[] = { 0x05, 'a', 'b' };
    const uint8_t *p;
    uint32_t len;
    kt_thrift_init(&in, bin, sizeof bin, &err);
    CHECK_EQ_INT(kt_thrift_binary(&in, &p, &len), KT_ERR_FORMAT);
    const uint8_t badtype[] = { 0x1e };
    kt_thrift_init(&in, badtype, sizeof badtype, &err);
    CHECK_EQ_INT(kt_thrift_skip(&in, KT_TT_STRUCT), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "thrift: unknown field type at byte 1 of 1");
}

TEST(page_header_parses)
{
    /* PageHeader{type=DATA_PAGE, usize=100, csize=60, crc=5,
     *   data_page_header{num_values=10, PLAIN, RLE, RLE, statistics{null_count=2, max_value="z", min_value="a"}}} */
    const uint8_t buf[] = {
        0x15, 0x00, 0x15, 0xc8, 0x01, 0x15, 0x78, 0x15, 0x05,
        0x1c, 0x15, 0x14, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,
              0x1c, 0x36, 0x04, 0x28, 0x01, 'z', 0x18, 0x01, 'a', 0x00,
              0x00,
        0x00, 0xee, /* trailing page data, not part of the header */
    };
    kt_error err;
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_pq_page_header h;
    size_t used;
    CHECK_OK(kt_pq_parse_page_header(buf, sizeof buf, &a, &h, &used, &err), &err);
    CHECK_EQ_INT(used, sizeof buf - 1);
    CHECK(h.type == KT_PQ_PAGE_DATA && h.uncompressed_page_size == 100 && h.compressed_page_size == 60);
    CHECK(h.has_crc && h.crc == -3);
    CHECK(h.has_data_page_header && !h.has_data_page_header_v2);
    CHECK_EQ_INT(h.data_page_header.num_values, 10);
    CHECK(h.data_page_header.encoding == KT_PQ_ENC_PLAIN);
    CHECK(h.data_page_header.definition_level_encoding == KT_PQ_ENC_RLE);
    const kt_pq_statistics *s = &h.data_page_header.statistics;
    CHECK(h.data_page_header.has_statistics && s->has_null_count && s->null_count == 2);
    CHECK(s->has_max_value && s->max_len == 1 && s->max_value[0] == 'z');
    CHECK(s->has_min_value && s->min_len == 1 && s->min_value[0] == 'a');
    /* Missing required compressed_page_size. */
    const uint8_t missing[] = { 0x15, 0x00, 0x15, 0xc8, 0x01, 0x00 };
    CHECK_EQ_INT(kt_pq_parse_page_header(missing, sizeof missing, &a, &h, &used, &err), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "thrift: PageHeader lacks required field 'compressed_page_size' (ends at byte 6)");
    kt_arena_free(&a);
}

TEST(file_meta_parses_and_refuses_encryption)
{
    /* FileMetaData{version=1, schema=[{name="r", num_children=1}, {type=INT64, repetition=OPTIONAL, name="x",
     *   logicalType{TIMESTAMP{isAdjustedToUTC=true, unit=MICROS}}}], num_rows=0, row_groups=[], created_by="t"} */
    const uint8_t buf[] = {
        0x15, 0x02,
        0x19, 0x2c,
              0x48, 0x01, 'r', 0x15, 0x02, 0x00,
              0x15, 0x04, 0x25, 0x02, 0x18, 0x01, 'x', 0x6c, 0x8c, 0x11, 0x1c, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x16, 0x00,
        0x19, 0x0c,
        0x28, 0x01, 't',
        0x00,
    };
    kt_error err;
    kt_arena a;
    kt_arena_init(&a, 0);
    kt_pq_file_meta m;
    CHECK_OK(kt_pq_parse_file_meta(buf, sizeof buf, &a, &m, &err), &err);
    CHECK_EQ_INT(m.version, 1);
    CHECK_EQ_INT(m.num_schema, 2);
    CHECK_EQ_STR(m.schema[0].name, "r");
    CHECK_EQ_INT(m.schema[0].num_children, 1);
    CHECK_EQ_STR(m.schema[1].name, "x");
    CHECK(m.schema[1].has_type && m.schema[1].type == KT_PQ_INT64);
    CHECK(m.schema[1].repetition == KT_PQ_OPTIONAL && m.schema[1].converted == KT_PQ_CT_NONE);
    CHECK(m.schema[1].logical.kind == KT_PQ_LT_TIMESTAMP && m.schema[1].logical.utc);
    CHECK(m.schema[1].logical.unit == KT_PQ_UNIT_MICROS);
    CHECK_EQ_INT(m.num_row_groups, 0);
    CHECK_EQ_STR(m.created_by, "t");
    /* The same footer with field 8 (encryption_algorithm) appended. */
    uint8_t enc[sizeof buf + 3];
    memcpy(enc, buf, sizeof buf - 1);
    enc[sizeof buf - 1] = 0x2c;   /* field 8 struct (delta 2 from 6) */
    enc[sizeof buf] = 0x00;
    enc[sizeof buf + 1] = 0x00;
    enc[sizeof buf + 2] = 0x00;
    CHECK_EQ_INT(kt_pq_parse_file_meta(enc, sizeof enc, &a, &m, &err), KT_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "encrypted Parquet files are not supported") != NULL);
    /* A hostile list count is bounded by the arena limit, never a huge allocation. */
    kt_arena small;
    kt_arena_init(&small, 4096);
    uint8_t many[4 + 2000];
    memcpy(many, (uint8_t[]){ 0x15, 0x02, 0x19, 0xfc }, 4);
    many[4] = 0xd0, many[5] = 0x0f;   /* 2000 schema elements */
    memset(many + 6, 0x00, sizeof many - 6);
    CHECK(kt_pq_parse_file_meta(many, sizeof many, &small, &m, &err) != KT_OK);
    CHECK(kt_arena_reserved(&small) <= 4096);
    kt_arena_free(&small);
    kt_arena_free(&a);
}

/* ------------------------------------------------------------------- RLE */

TEST(rle_hybrid_spec_examples)
{
    kt_error err;
    uint32_t out[16];
    /* Bit-packed 0..7 at width 3 (Encodings.md), then an RLE run of five 7s. */
    const uint8_t buf[] = { 0x03, 0x88, 0xc6, 0xfa, 0x0a, 0x07 };
    CHECK_OK(kt_pq_rle_decode32(buf, sizeof buf, 3, out, 13, &err), &err);
    for (uint32_t i = 0; i < 8; i++) CHECK_EQ_INT(out[i], i);
    for (int i = 8; i < 13; i++) CHECK_EQ_INT(out[i], 7);
    CHECK_EQ_INT(kt_pq_rle_decode32(buf, sizeof buf, 3, out, 14, &err), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "RLE/bit-packed data ends after 13 of 14 values");
    /* A packed run announcing 2 groups whose data stops after the needed values. */
    const uint8_t short_run[] = { 0x05, 0x88, 0xc6, 0xfa };
    CHECK_OK(kt_pq_rle_decode32(short_run, sizeof short_run, 3, out, 8, &err), &err);
    CHECK_EQ_INT(out[7], 7);
    CHECK_EQ_INT(kt_pq_rle_decode32(short_run, sizeof short_run, 3, out, 9, &err), KT_ERR_FORMAT);
    /* RLE value wider than the bit width. */
    const uint8_t wide[] = { 0x02, 0x09 };
    CHECK_EQ_INT(kt_pq_rle_decode32(wide, sizeof wide, 3, out, 1, &err), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "RLE run value 9 does not fit in 3 bits");
    /* Bytes: levels at width 1. */
    uint8_t lv[20];
    const uint8_t lv_buf[] = { 0x05, 0xa5, 0x0f, 0x08, 0x01 };   /* 16 packed bits, then RLE 4 x 1 */
    CHECK_OK(kt_pq_rle_decode8(lv_buf, sizeof lv_buf, 1, lv, 20, &err), &err);
    const uint8_t want[20] = { 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1 };
    CHECK(memcmp(lv, want, 20) == 0);
}

TEST(bit_unpacking_all_widths)
{
    /* Pack pseudo-random values LSB-first at every width and unpack them,
     * at lengths that exercise both the fast path and the padded tail. */
    for (int w = 0; w <= 32; w++) {
        for (size_t n = 1; n < 300; n += 37) {
            uint32_t vals[300], got[300];
            uint8_t packed[300 * 4 + 8];
            memset(packed, 0, sizeof packed);
            uint64_t x = 88172645463325252ull + (uint64_t)w;
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                vals[i] = w == 32 ? (uint32_t)x : (uint32_t)(x & ((1ull << w) - 1));
                for (int b = 0; b < w; b++)
                    if (vals[i] >> b & 1) packed[(i * (size_t)w + (size_t)b) / 8] |= (uint8_t)(1u << ((i * (size_t)w + (size_t)b) % 8));
            }
            size_t bytes = (n * (size_t)w + 7) / 8;
            kt_pq_unpack32(packed, bytes, w, got, n);
            CHECK_MSG(memcmp(vals, got, n * 4) == 0, "width %d, %zu values", w, n);
            uint64_t got64[300];
            kt_pq_unpack64(packed, bytes, w, got64, n);
            for (size_t i = 0; i < n; i++) CHECK_MSG(got64[i] == vals[i], "unpack64 width %d", w);
        }
    }
}

TEST(bit_packed_levels_msb_first)
{
    kt_error err;
    const uint8_t buf[] = { 0x05, 0x39, 0x77 };   /* 0..7 at width 3, Encodings.md */
    uint8_t out[8];
    size_t used;
    CHECK_OK(kt_pq_bit_packed_levels(buf, sizeof buf, 3, out, 8, &used, &err), &err);
    CHECK_EQ_INT(used, 3);
    for (int i = 0; i < 8; i++) CHECK_EQ_INT(out[i], i);
    CHECK_EQ_INT(kt_pq_bit_packed_levels(buf, 2, 3, out, 8, &used, &err), KT_ERR_FORMAT);
}

/* ----------------------------------------------------------------- delta */

static void put_uleb(uint8_t **p, uint64_t v)
{
    while (v >= 0x80) {
        *(*p)++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *(*p)++ = (uint8_t)v;
}

/* An independent DELTA_BINARY_PACKED encoder (block 128, 4 miniblocks). */
static size_t dbp_encode(const int64_t *v, size_t n, uint8_t *out)
{
    uint8_t *p = out;
    put_uleb(&p, 128);
    put_uleb(&p, 4);
    put_uleb(&p, n);
    uint64_t first = n ? (uint64_t)v[0] : 0;
    put_uleb(&p, (first << 1) ^ (uint64_t)((int64_t)first >> 63));
    for (size_t start = 1; start < n; start += 128) {
        size_t cnt = n - start < 128 ? n - start : 128;
        uint64_t d[128];
        int64_t min = INT64_MAX;
        for (size_t i = 0; i < cnt; i++) {
            d[i] = (uint64_t)v[start + i] - (uint64_t)v[start + i - 1];
            if ((int64_t)d[i] < min) min = (int64_t)d[i];
        }
        put_uleb(&p, ((uint64_t)min << 1) ^ (uint64_t)(min >> 63));
        uint8_t *widths = p;
        p += 4;
        for (int m = 0; m < 4; m++) {
            int w = 0;
            for (size_t i = (size_t)m * 32; i < (size_t)m * 32 + 32 && i < cnt; i++) {
                uint64_t r = d[i] - (uint64_t)min;
                while (w < 64 && (r >> w)) w++;
            }
            widths[m] = (uint8_t)w;
            if ((size_t)m * 32 >= cnt) continue;
            memset(p, 0, (size_t)w * 4);
            for (size_t i = 0; i < 32; i++) {
                size_t k = (size_t)m * 32 + i;
                uint64_t r = k < cnt ? d[k] - (uint64_t)min : 0;
                for (int b = 0; b < w; b++)
                    if (r >> b & 1) p[(i * (size_t)w + (size_t)b) / 8] |= (uint8_t)(1u << ((i * (size_t)w + (size_t)b) % 8));
            }
            p += (size_t)w * 4;
        }
    }
    return (size_t)(p - out);
}

TEST(delta_binary_packed_spec_examples)
{
    kt_error err;
    int64_t out[8];
    size_t used;
    const uint8_t ex1[] = { 0x08, 0x01, 0x05, 0x02, 0x02, 0x00 };          /* 1, 2, 3, 4, 5 */
    CHECK_OK(kt_pq_delta_i64(ex1, sizeof ex1, out, 5, &used, &err), &err);
    for (int i = 0; i < 5; i++) CHECK_EQ_INT(out[i], i + 1);
    const uint8_t ex2[] = { 0x08, 0x01, 0x08, 0x0e, 0x03, 0x02, 0xc0, 0x3f }; /* 7 5 3 1 2 3 4 5 */
    CHECK_OK(kt_pq_delta_i64(ex2, sizeof ex2, out, 8, &used, &err), &err);
    const int64_t want[] = { 7, 5, 3, 1, 2, 3, 4, 5 };
    CHECK(memcmp(out, want, sizeof want) == 0);
    CHECK_EQ_INT(used, sizeof ex2);
    CHECK_EQ_INT(kt_pq_delta_i64(ex2, sizeof ex2, out, 9, &used, &err), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "DELTA_BINARY_PACKED holds 8 values, 9 expected");
    const uint8_t bad_block[] = { 0x07, 0x01, 0x01, 0x00 };
    CHECK_EQ_INT(kt_pq_delta_i64(bad_block, sizeof bad_block, out, 1, &used, &err), KT_ERR_FORMAT);
}

TEST(delta_binary_packed_round_trips_with_wrapping)
{
    static int64_t v[1000];
    static uint8_t buf[20000];
    int64_t got[1000];
    int32_t got32[1000];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < 1000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        v[i] = i % 3 == 0 ? (int64_t)x : (i % 3 == 1 ? INT64_MIN + (int64_t)i : INT64_MAX - (int64_t)(i * 7));
    }
    kt_error err;
    size_t used;
    size_t len = dbp_encode(v, 1000, buf);
    CHECK_OK(kt_pq_delta_i64(buf, len, got, 1000, &used, &err), &err);
    CHECK(memcmp(v, got, sizeof v) == 0);
    CHECK_EQ_INT(used, len);
    /* Only a prefix is needed. */
    CHECK_OK(kt_pq_delta_i64(buf, len, got, 129, &used, &err), &err);
    CHECK(memcmp(v, got, 129 * sizeof *v) == 0);
    /* Every truncation either fails or (inside the last miniblock's
     * padding) still yields exactly the right values; none crashes. */
    for (size_t cut = 0; cut < len; cut += 7) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        kt_status st = kt_pq_delta_i64(copy, cut, got, 1000, &used, &err);
        free(copy);
        CHECK_MSG(st == KT_ERR_FORMAT || (st == KT_OK && memcmp(v, got, sizeof v) == 0),
                  "cut at %zu decoded wrong values", cut);
    }
    /* 32-bit values wrap modulo 2^32. */
    for (size_t i = 0; i < 1000; i++) v[i] = (int32_t)(i % 2 ? INT32_MIN + (int32_t)i : INT32_MAX - (int32_t)i);
    len = dbp_encode(v, 1000, buf);
    CHECK_OK(kt_pq_delta_i32(buf, len, got32, 1000, &used, &err), &err);
    for (size_t i = 0; i < 1000; i++) CHECK_EQ_INT(got32[i], v[i]);
}

static bool column_holds(const kt_column *c, const char *const *want, size_t n)
{
    if (c->len != n) return false;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *p = kt_column_bytes_at(c, i, &len);
        if (len != strlen(want[i]) || memcmp(p, want[i], len)) return false;
    }
    return true;
}

TEST(delta_byte_arrays_spec_examples)
{
    kt_error err;
    kt_buf scratch;
    kt_buf_init(&scratch);
    kt_column col;
    kt_column_init(&col, KT_BYTES);
    uint8_t buf[512], *p;
    /* "Hello", "World", "Foobar", "ABCDEF" */
    int64_t lens[] = { 5, 5, 6, 6 };
    size_t n = dbp_encode(lens, 4, buf);
    memcpy(buf + n, "HelloWorldFoobarABCDEF", 22);
    CHECK_OK(kt_pq_delta_length_byte_array(buf, n + 22, &col, 4, &scratch, &err), &err);
    static const char *const words[] = { "Hello", "World", "Foobar", "ABCDEF" };
    CHECK(column_holds(&col, words, 4));
    CHECK_EQ_INT(kt_pq_delta_length_byte_array(buf, n + 21, &col, 4, &scratch, &err), KT_ERR_FORMAT);
    /* "axis", "axle", "babble", "babyhood" */
    kt_column_clear(&col);
    int64_t prefix[] = { 0, 2, 0, 3 }, suffix[] = { 4, 2, 6, 5 };
    p = buf;
    p += dbp_encode(prefix, 4, p);
    p += dbp_encode(suffix, 4, p);
    memcpy(p, "axislebabbleyhood", 17);
    p += 17;
    CHECK_OK(kt_pq_delta_byte_array(buf, (size_t)(p - buf), &col, 4, 0, 1 << 20, &scratch, &err), &err);
    static const char *const incr[] = { "axis", "axle", "babble", "babyhood" };
    CHECK(column_holds(&col, incr, 4));
    /* A prefix longer than the previous value. */
    int64_t bad_prefix[] = { 0, 5, 0, 3 };
    p = buf;
    p += dbp_encode(bad_prefix, 4, p);
    p += dbp_encode(suffix, 4, p);
    memcpy(p, "axislebabbleyhood", 17);
    p += 17;
    CHECK_EQ_INT(kt_pq_delta_byte_array(buf, (size_t)(p - buf), &col, 4, 0, 1 << 20, &scratch, &err), KT_ERR_FORMAT);
    CHECK_EQ_STR(err.msg, "DELTA_BYTE_ARRAY: value 1 has prefix length 5, previous value has 4 bytes");
    /* The decoded-size bound holds against prefix blow-up. */
    kt_column_clear(&col);
    p = buf;
    p += dbp_encode(prefix, 4, p);
    p += dbp_encode(suffix, 4, p);
    memcpy(p, "axislebabbleyhood", 17);
    p += 17;
    CHECK_EQ_INT(kt_pq_delta_byte_array(buf, (size_t)(p - buf), &col, 4, 0, 10, &scratch, &err), KT_ERR_NOMEM);
    kt_column_free(&col);
    kt_buf_free(&scratch);
}

/* ------------------------------------------------- split streams, values */

TEST(byte_stream_split_reassembles)
{
    kt_error err;
    /* Three floats 1.5, -2.25, 1e10 split into 4 streams. */
    float in[3] = { 1.5f, -2.25f, 1e10f }, out[3];
    uint8_t raw[12], split[12];
    memcpy(raw, in, 12);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++) split[k * 3 + i] = raw[i * 4 + k];
    CHECK_OK(kt_pq_byte_stream_split(split, 12, 4, (uint8_t *)out, 3, &err), &err);
    CHECK(memcmp(in, out, 12) == 0);
    CHECK_EQ_INT(kt_pq_byte_stream_split(split, 11, 4, (uint8_t *)out, 2, &err), KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_pq_byte_stream_split(split, 12, 4, (uint8_t *)out, 4, &err), KT_ERR_FORMAT);
    /* Width 3 (a FIXED_LEN_BYTE_ARRAY): "abc", "def". */
    const uint8_t s3[] = { 'a', 'd', 'b', 'e', 'c', 'f' };
    uint8_t o3[6];
    CHECK_OK(kt_pq_byte_stream_split(s3, 6, 3, o3, 2, &err), &err);
    CHECK(memcmp(o3, "abcdef", 6) == 0);
}

/* 8-byte values: the 16-at-a-time transposition and the scalar tail agree
 * with the definition (byte k of value i at plane k, position i) for every
 * count around the block size, at odd offsets, with planes longer than the
 * values (a page whose planes hold more values than it decodes); the
 * encoder lays its planes out the same way. */
TEST(byte_stream_split_width8_matches_definition)
{
    enum { MAX = 70, STRIDE_EXTRA = 5 };
    uint8_t values[MAX * 8 + 1], planes[(MAX + STRIDE_EXTRA) * 8 + 1], back[MAX * 8 + 2];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < sizeof values; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        values[i] = (uint8_t)x;
    }
    for (size_t n = 0; n <= MAX; n++) {
        size_t stride = n + (n % 3 == 0 ? 0 : STRIDE_EXTRA);
        const uint8_t *v = values + (n & 1); /* unaligned every other time */
        kt_pq_split8(v, n, planes + 1, stride);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < 8; k++)
                CHECK_MSG(planes[1 + k * stride + i] == v[8 * i + k], "split n=%zu value %zu byte %zu", n, i, k);
        memset(back, 0xee, sizeof back);
        kt_pq_join8(planes + 1, stride, n, back + 1);
        CHECK_MSG(memcmp(back + 1, v, 8 * n) == 0, "join n=%zu", n);
        CHECK_EQ_INT(back[1 + 8 * n], 0xee); /* nothing written past the values */
        kt_error err;
        CHECK_OK(kt_pq_byte_stream_split(planes + 1, 8 * stride, 8, back, n, &err), &err);
        CHECK_MSG(memcmp(back, v, 8 * n) == 0, "decode n=%zu", n);
        kt_buf out;
        kt_buf_init(&out);
        CHECK_OK(kt_pq_byte_stream_split_encode(v, 8 * n, 8, &out), NULL);
        CHECK_EQ_INT(out.len, 8 * n);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < 8; k++)
                CHECK_MSG(out.data[k * n + i] == v[8 * i + k], "encode n=%zu value %zu byte %zu", n, i, k);
        kt_buf_free(&out);
    }
}

TEST(int96_and_decimal_conversion)
{
    /* 2022-11-23T20:40:00.444Z: Julian day 2459907, 74400444000000 ns into the day. */
    uint8_t v[12];
    uint64_t nanos = 74400444000000ull;
    uint32_t jd = 2459907;
    memcpy(v, &nanos, 8);
    memcpy(v + 8, &jd, 4);
    int64_t ns;
    CHECK(kt_pq_int96_nanos(v, &ns));
    CHECK(ns == 1669236000444000000LL);
    jd = 2440588 - 1;    /* 1969-12-31 */
    nanos = 0;
    memcpy(v, &nanos, 8);
    memcpy(v + 8, &jd, 4);
    CHECK(kt_pq_int96_nanos(v, &ns) && ns == -86400000000000LL);
    jd = 5000000;        /* year ~8977: beyond int64 nanoseconds */
    memcpy(v + 8, &jd, 4);
    CHECK(!kt_pq_int96_nanos(v, &ns));

    const uint8_t minus_one[] = { 0xff, 0xff };
    CHECK(kt_pq_decimal_be(minus_one, 2, 0) == -1.0);
    const uint8_t d256[] = { 0x00, 0x01, 0x00 };
    CHECK(kt_pq_decimal_be(d256, 3, 2) == 2.56);
    const uint8_t neg[] = { 0xfe, 0x0c };            /* -500 */
    CHECK(kt_pq_decimal_be(neg, 2, 1) == -50.0);
    uint8_t wide[20];                                 /* -2 in 20 bytes */
    memset(wide, 0xff, 20);
    wide[19] = 0xfe;
    CHECK(kt_pq_decimal_be(wide, 20, 0) == -2.0);
    memset(wide, 0, 20);
    wide[17] = 0x01;                                  /* 65536 in 20 bytes */
    CHECK(kt_pq_decimal_be(wide, 20, 3) == 65.536);
    int32_t i32[] = { -12345, 7 };
    double d[2];
    kt_pq_decimal_i32(i32, d, 2, 2);
    CHECK(d[0] == -123.45 && d[1] == 0.07);
    int32_t u[] = { -1 };
    int64_t w[1];
    kt_pq_widen_u32(u, w, 1);
    CHECK(w[0] == 4294967295LL);
}

/* One bit-packed run of n (a multiple of 8) indices of `width` bits,
 * LSB first (Encodings.md), preceded by the page's bit-width byte's
 * absence: the decoders take the hybrid stream itself. */
static size_t pack_run(const uint32_t *v, size_t n, int width, uint8_t *out)
{
    out[0] = (uint8_t)((n / 8) << 1 | 1);
    size_t bytes = n * (size_t)width / 8;
    memset(out + 1, 0, bytes);
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < width; b++)
            if (v[i] >> b & 1) {
                size_t bit = i * (size_t)width + (size_t)b;
                out[1 + bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
    return 1 + bytes;
}

/* Codes and gathers check every index against the dictionary, at any
 * position (also past the unrolled part), unless the bit width cannot
 * express an index that large. */
TEST(dictionary_indices_are_range_checked)
{
    uint32_t v[16] = { 0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4 };
    uint8_t run[64];
    int32_t codes[16];
    kt_column dict, out;
    kt_column_init(&dict, KT_INT64);
    for (int k = 0; k < 6; k++) CHECK(kt_column_push_i64(&dict, 100 + k) == KT_OK);
    kt_error err;
    size_t len = pack_run(v, 16, 3, run);
    CHECK(kt_pq_dict_codes(run, len, 3, 6, codes, 16, &err) == KT_OK);
    for (int i = 0; i < 16; i++) CHECK_EQ_INT(codes[i], v[i]);
    kt_column_init(&out, KT_INT64);
    CHECK(kt_pq_dict_decode(run, len, 3, &dict, 0, &out, 16, 1000, &err) == KT_OK);
    CHECK_EQ_INT((long long)out.len, 16);
    for (int i = 0; i < 16; i++) CHECK_EQ_INT(KT_COL_I64(&out)[i], 100 + (long long)v[i]);
    for (size_t bad = 0; bad < 16; bad++) {
        uint32_t w[16];
        memcpy(w, v, sizeof w);
        w[bad] = 6 + (uint32_t)(bad % 2);   /* 6 or 7: fit in 3 bits, not in the dictionary */
        len = pack_run(w, 16, 3, run);
        CHECK(kt_pq_dict_codes(run, len, 3, 6, codes, 16, &err) == KT_ERR_FORMAT);
        char want[96];
        snprintf(want, sizeof want, "dictionary index %u is out of range (dictionary has 6 values)", w[bad]);
        CHECK_MSG(strstr(err.msg, want) != NULL, "%s", err.msg);
        kt_column_clear(&out);
        CHECK(kt_pq_dict_decode(run, len, 3, &dict, 0, &out, 16, 1000, &err) == KT_ERR_FORMAT);
        CHECK_MSG(strstr(err.msg, want) != NULL, "%s", err.msg);
    }
    /* width 1 and two values: every index fits; one value: index 1 does not */
    uint32_t bits[8] = { 1, 0, 0, 1, 1, 1, 0, 1 };
    len = pack_run(bits, 8, 1, run);
    CHECK(kt_pq_dict_codes(run, len, 1, 2, codes, 8, &err) == KT_OK);
    for (int i = 0; i < 8; i++) CHECK_EQ_INT(codes[i], bits[i]);
    CHECK(kt_pq_dict_codes(run, len, 1, 1, codes, 8, &err) == KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "dictionary index 1 is out of range (dictionary has 1 values)") != NULL, "%s", err.msg);
    kt_column_free(&dict);
    kt_column_free(&out);
}

/* Short RLE runs (0..15 values: DuckDB writes runs of 6) are expanded
 * into a batch by fixed 16-value stores where the batch has room, exactly
 * near its end: every value must come out as encoded, whatever the batch
 * boundaries (decode32 takes all values at once, the dictionary decoder
 * 256 at a time), between long runs and bit-packed runs. */
TEST(short_rle_runs_expand_exactly)
{
    enum { MAX_VALUES = 4096 };
    static uint8_t stream[4 * MAX_VALUES];
    static uint32_t want[MAX_VALUES];
    size_t len = 0, n = 0;
    for (unsigned r = 0; n + 40 <= MAX_VALUES - 16; r++) {
        if (r % 23 == 22) {                      /* a bit-packed run of 16 */
            uint32_t v[16];
            for (int i = 0; i < 16; i++) v[i] = want[n + (size_t)i] = (r + (unsigned)i * 3) % 8;
            len += pack_run(v, 16, 3, stream + len);
            n += 16;
            continue;
        }
        unsigned count = r % 29 == 28 ? 40 : r % 16;   /* 0..15, sometimes a long run */
        uint32_t value = (r * 5 + 1) % 8;
        stream[len++] = (uint8_t)(count << 1);
        stream[len++] = (uint8_t)value;
        for (unsigned i = 0; i < count; i++) want[n++] = value;
    }
    kt_error err;
    for (size_t take = n - 17; take <= n; take++) {
        uint32_t *got = malloc(take * sizeof *got);   /* exact: ASan sees a store past it */
        CHECK(got != NULL);
        if (!got) break;
        CHECK_OK(kt_pq_rle_decode32(stream, len, 3, got, take, &err), &err);
        size_t bad = 0;
        while (bad < take && got[bad] == want[bad]) bad++;
        CHECK_MSG(bad == take, "take %zu: value %zu is %u, want %u", take, bad, bad < take ? got[bad] : 0,
                  want[bad]);
        free(got);
    }
    /* short runs taken as runs in small and uneven steps (ending inside
     * runs), alternating with ordinary batches (whole groups of 8, as
     * kt_pq_rle_batch requires for bit-packed runs) */
    static uint32_t again[MAX_VALUES];
    kt_pq_rle rr;
    kt_pq_rle_init(&rr, stream, len, 3);
    size_t at = 0;
    while (at < n) {
        size_t m = 1 + at % 7 < n - at ? 1 + at % 7 : n - at, nv, g;
        uint32_t vals[3];
        uint8_t cnts[3];
        size_t runs = kt_pq_rle_short_runs(&rr, m, vals, cnts, 3, &nv);
        if (runs) {
            size_t sum = 0;
            for (size_t j = 0; j < runs; j++)
                for (size_t i = 0; i < cnts[j]; i++) again[at + sum++] = vals[j];
            CHECK_EQ_INT((long long)sum, (long long)nv);
            at += nv;
            continue;
        }
        bool rep;
        m = n - at < 8 ? n - at : 8;
        kt_status st = kt_pq_rle_batch(&rr, again + at, m, &g, &rep, at, n, &err);
        CHECK_OK(st, &err);
        if (st != KT_OK || g == 0) break;
        for (size_t i = 1; rep && i < g; i++) again[at + i] = again[at];
        at += g;
    }
    CHECK_EQ_INT((long long)at, (long long)n);
    size_t diff = 0;
    while (diff < n && again[diff] == want[diff]) diff++;
    CHECK_MSG(diff == n, "runs and batches: value %zu is %u, want %u", diff, again[diff], want[diff]);
    /* dictionaries of 8- and 4-byte values: short runs are filled straight
     * into the output; the page ends at every point of the last runs */
    kt_column dict, dict32, out;
    kt_column_init(&dict, KT_INT64);
    kt_column_init(&dict32, KT_INT32);
    for (int k = 0; k < 8; k++) {
        CHECK(kt_column_push_i64(&dict, 1000 + k) == KT_OK);
        CHECK(kt_column_push_i32(&dict32, -50 - k) == KT_OK);
    }
    for (size_t take = n - 20; take <= n; take++) {
        kt_column_init(&out, KT_INT64);
        CHECK(kt_column_push_i64(&out, 7) == KT_OK);   /* values already in the column stay */
        CHECK_OK(kt_pq_dict_decode(stream, len, 3, &dict, 0, &out, take, SIZE_MAX, &err), &err);
        CHECK_EQ_INT((long long)out.len, (long long)take + 1);
        size_t bad = 0;
        while (bad < take && KT_COL_I64(&out)[1 + bad] == 1000 + (int64_t)want[bad]) bad++;
        CHECK_MSG(bad == take && KT_COL_I64(&out)[0] == 7, "take %zu: int64 value %zu is wrong", take, bad);
        kt_column_free(&out);
        kt_column_init(&out, KT_INT32);
        CHECK_OK(kt_pq_dict_decode(stream, len, 3, &dict32, 0, &out, take, SIZE_MAX, &err), &err);
        bad = 0;
        while (bad < take && KT_COL_I32(&out)[bad] == -50 - (int32_t)want[bad]) bad++;
        CHECK_MSG(bad == take && out.len == take, "take %zu: int32 value %zu is wrong", take, bad);
        kt_column_free(&out);
    }
    /* a run whose value is past a 7-value dictionary, far into the page */
    kt_column_clear(&dict);
    for (int k = 0; k < 7; k++) CHECK(kt_column_push_i64(&dict, k) == KT_OK);
    kt_column_init(&out, KT_INT64);
    CHECK(kt_pq_dict_decode(stream, len, 3, &dict, 0, &out, n, SIZE_MAX, &err) == KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "dictionary index 7 is out of range (dictionary has 7 values)") != NULL, "%s",
              err.msg);
    kt_column_free(&dict);
    kt_column_free(&dict32);
    kt_column_free(&out);
}

/* PLAIN BYTE_ARRAY values around the 16- and 32-byte block sizes, empty
 * ones and long ones, decoded from a page buffer and compacted in place
 * in the payload's tail after earlier values: same offsets and bytes as
 * written; one byte too long for the page is refused with its room. */
static size_t string_page(const size_t *lens, size_t n, uint8_t *page)
{
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = (uint32_t)lens[i];
        memcpy(page + p, &l, 4);
        p += 4;
        for (size_t j = 0; j < lens[i]; j++) page[p++] = (uint8_t)(i * 31 + j * 7 + 1);
    }
    return p;
}

static bool strings_match(const kt_column *c, size_t first, const size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const char *v = kt_column_bytes_at(c, first + i, &l);
        if (l != lens[i]) return false;
        for (size_t j = 0; j < l; j++)
            if ((uint8_t)v[j] != (uint8_t)(i * 31 + j * 7 + 1)) return false;
    }
    return true;
}

TEST(plain_strings_compact_at_block_boundaries)
{
    enum { N = 300 };
    static const size_t edge[] = { 0, 1, 15, 16, 17, 31, 32, 33, 48, 64, 100, 0, 24, 24, 23, 24 };
    size_t lens[N];
    for (size_t i = 0; i < N; i++) lens[i] = edge[(i * 7 + i / 16) % (sizeof edge / sizeof edge[0])];
    lens[N - 1] = 33;   /* the last value ends exactly at the page's end */
    static uint8_t page[N * 104];
    size_t len = string_page(lens, N, page);
    kt_error err;
    kt_column c;
    kt_column_init(&c, KT_BYTES);
    CHECK(kt_column_push_bytes(&c, "earlier", 7) == KT_OK);
    CHECK_OK(kt_pq_plain_byte_array(page, len, &c, N, &err), &err);
    CHECK_EQ_INT((long long)c.len, N + 1);
    CHECK(strings_match(&c, 1, lens, N));
    /* in place: the page sits in the payload's free tail */
    kt_column_clear(&c);
    CHECK(kt_column_push_bytes(&c, "earlier", 7) == KT_OK);
    CHECK(kt_column_reserve(&c, N, len + KT_PQ_COPY_SLACK) == KT_OK);
    size_t at = (size_t)c.offsets[c.len] + 5;
    memcpy(c.bytes + at, page, len);
    CHECK_OK(kt_pq_plain_byte_array_in_place(&c, at, len, N, &err), &err);
    CHECK_EQ_INT((long long)c.len, N + 1);
    CHECK(strings_match(&c, 1, lens, N));
    size_t l0;
    const char *v0 = kt_column_bytes_at(&c, 0, &l0);
    CHECK(l0 == 7 && memcmp(v0, "earlier", 7) == 0);
    /* the last value one byte longer than the page holds */
    uint32_t too_long = 34;
    memcpy(page + len - 33 - 4, &too_long, 4);
    kt_column_clear(&c);
    CHECK(kt_pq_plain_byte_array(page, len, &c, N, &err) == KT_ERR_FORMAT);
    char want[128];
    snprintf(want, sizeof want, "value %d has length 34, only 33 bytes left in the page", N - 1);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s", err.msg);
    kt_column_clear(&c);
    CHECK(kt_column_reserve(&c, N, len + KT_PQ_COPY_SLACK) == KT_OK);
    memcpy(c.bytes, page, len);
    CHECK(kt_pq_plain_byte_array_in_place(&c, 0, len, N, &err) == KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s", err.msg);
    kt_column_free(&c);
}

TEST_MAIN_BEGIN("parquet_read_decoders")
    RUN(ctx, thrift_varints_and_zigzag);
    RUN(ctx, thrift_field_ids_delta_and_long_form);
    RUN(ctx, thrift_skips_every_type);
    RUN(ctx, thrift_bounds);
    RUN(ctx, page_header_parses);
    RUN(ctx, file_meta_parses_and_refuses_encryption);
    RUN(ctx, rle_hybrid_spec_examples);
    RUN(ctx, bit_unpacking_all_widths);
    RUN(ctx, bit_packed_levels_msb_first);
    RUN(ctx, delta_binary_packed_spec_examples);
    RUN(ctx, delta_binary_packed_round_trips_with_wrapping);
    RUN(ctx, delta_byte_arrays_spec_examples);
    RUN(ctx, byte_stream_split_reassembles);
    RUN(ctx, byte_stream_split_width8_matches_definition);
    RUN(ctx, int96_and_decimal_conversion);
    RUN(ctx, dictionary_indices_are_range_checked);
    RUN(ctx, short_rle_runs_expand_exactly);
    RUN(ctx, plain_strings_compact_at_block_boundaries);
TEST_MAIN_END()
