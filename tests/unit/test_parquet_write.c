/*
 * tests/unit/test_parquet_write.c — the Parquet writer's building blocks
 * against hand-computed bytes (thrift compact encoding, RLE/bit-packed
 * hybrid per Encodings.md), statistics ordering edge cases, the string
 * dictionary, the atomic temp-file-then-rename life cycle, and the errors
 * bad inputs produce.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/column.h"
#include "format/parquet/dictionary_encode.h"
#include "format/parquet/metadata.h"
#include "format/parquet/rle_encode.h"
#include "format/parquet/statistics.h"
#include "format/parquet/thrift_encode.h"
#include "format/parquet/writer.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static int bytes_equal(const kt_buf *b, const uint8_t *want, size_t n)
{
    return b->len == n && memcmp(b->data, want, n) == 0;
}

static void hex(const kt_buf *b, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < b->len && k + 4 < cap; i++) k += (size_t)snprintf(out + k, cap - k, "%02x ", b->data[i]);
    out[k] = 0;
}

#define CHECK_BYTES(buf, ...) do { char h_[600]; hex(buf, h_, sizeof h_); \
    CHECK_MSG(bytes_equal(buf, BYTES(__VA_ARGS__)), "bytes: %s", h_); } while (0)

/* ---- thrift compact encoding ---- */

TEST(thrift_scalars_and_field_headers)
{
    kt_buf b;
    kt_buf_init(&b);
    kt_tc_enc e;
    kt_tc_init(&e, &b);
    /* header byte = (id delta << 4) | type */
    kt_tc_field_i32(&e, 1, 0);          /* 0x15 0x00 */
    kt_tc_field_i32(&e, 2, 300);        /* 0x15, zigzag 600 = 0xd8 0x04 */
    kt_tc_field_i64(&e, 3, -1);         /* 0x16, zigzag 1 */
    kt_tc_field_bool(&e, 4, true);      /* 0x11: the value is the type nibble */
    kt_tc_field_bool(&e, 5, false);     /* 0x12 */
    kt_tc_field_binary(&e, 6, "ab", 2); /* 0x18 0x02 'a' 'b' */
    kt_tc_field_i32(&e, 40, -2);        /* delta 34 > 15: 0x05, zigzag(40) = 80, zigzag(-2) = 3 */
    kt_tc_field_i16(&e, 41, 7);         /* 0x14 0x0e */
    kt_tc_field_i8(&e, 42, -1);         /* 0x13 0xff (bytes are not zigzagged) */
    CHECK_OK(kt_tc_finish(&e), NULL);
    CHECK_BYTES(&b, 0x15, 0x00, 0x15, 0xd8, 0x04, 0x16, 0x01, 0x11, 0x12, 0x18, 0x02, 'a', 'b',
                0x05, 0x50, 0x03, 0x14, 0x0e, 0x13, 0xff, 0x00);
    kt_buf_free(&b);
}

TEST(thrift_lists_and_nested_structs)
{
    kt_buf b;
    kt_buf_init(&b);
    kt_tc_enc e;
    kt_tc_init(&e, &b);
    kt_tc_field_list(&e, 1, KT_TC_I32, 3);   /* 0x19, size 3 << 4 | i32 = 0x35 */
    for (int i = 0; i < 3; i++) kt_tc_zigzag(&e, i - 1);
    kt_tc_struct_begin(&e, 3);               /* 0x2c */
    kt_tc_field_i32(&e, 1, 5);               /* inner ids restart: 0x15 0x0a */
    kt_tc_struct_end(&e);                    /* 0x00 */
    kt_tc_field_i32(&e, 4, 1);               /* outer delta from 3: 0x15 0x02 */
    kt_tc_field_list(&e, 5, KT_TC_BINARY, 20); /* long list: 0x19 0xf8 0x14 */
    for (int i = 0; i < 20; i++) kt_tc_binary(&e, "", 0);
    CHECK_OK(kt_tc_finish(&e), NULL);
    uint8_t want[64] = { 0x19, 0x35, 0x01, 0x00, 0x02, 0x2c, 0x15, 0x0a, 0x00, 0x15, 0x02, 0x19, 0xf8, 0x14 };
    size_t n = 14;
    for (int i = 0; i < 20; i++) want[n++] = 0x00;
    want[n++] = 0x00;
    CHECK(b.len == n && memcmp(b.data, want, n) == 0);
    kt_buf_free(&b);
}

TEST(thrift_unbalanced_struct_is_an_internal_error)
{
    kt_buf b;
    kt_buf_init(&b);
    kt_tc_enc e;
    kt_tc_init(&e, &b);
    kt_tc_struct_begin(&e, 1);
    CHECK_EQ_INT(kt_tc_finish(&e), KT_ERR_INTERNAL);
    kt_buf_free(&b);
}

TEST(page_header_bytes)
{
    kt_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = KT_PQ_PAGE_DATA;
    h.uncompressed_page_size = 100;
    h.compressed_page_size = 50;
    h.has_data_page_header = true;
    h.data_page_header.num_values = 10;
    h.data_page_header.encoding = KT_PQ_ENC_PLAIN;
    h.data_page_header.definition_level_encoding = KT_PQ_ENC_RLE;
    h.data_page_header.repetition_level_encoding = KT_PQ_ENC_RLE;
    h.data_page_header.has_statistics = true;
    h.data_page_header.statistics.has_null_count = true;
    h.data_page_header.statistics.null_count = 2;
    h.data_page_header.statistics.has_min_value = h.data_page_header.statistics.has_max_value = true;
    h.data_page_header.statistics.min_value = (const uint8_t *)"a";
    h.data_page_header.statistics.max_value = (const uint8_t *)"b";
    h.data_page_header.statistics.min_len = h.data_page_header.statistics.max_len = 1;
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_write_page_header(&h, &b), NULL);
    CHECK_BYTES(&b, 0x15, 0x00,             /* type DATA_PAGE */
                0x15, 0xc8, 0x01,           /* uncompressed 100 */
                0x15, 0x64,                 /* compressed 50 */
                0x2c,                       /* field 5: DataPageHeader */
                0x15, 0x14, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,
                0x1c,                       /* field 5: Statistics */
                0x36, 0x04,                 /* null_count 2 (field 3) */
                0x28, 0x01, 'b',            /* max_value (field 5) */
                0x18, 0x01, 'a',            /* min_value (field 6) */
                0x00, 0x00, 0x00);
    kt_buf_free(&b);
}

TEST(dictionary_page_header_bytes)
{
    kt_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = KT_PQ_PAGE_DICTIONARY;
    h.uncompressed_page_size = 7;
    h.compressed_page_size = 7;
    h.has_dictionary_page_header = true;
    h.dictionary_page_header.num_values = 1;
    h.dictionary_page_header.encoding = KT_PQ_ENC_PLAIN;
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_write_page_header(&h, &b), NULL);
    CHECK_BYTES(&b, 0x15, 0x04, 0x15, 0x0e, 0x15, 0x0e, 0x4c, 0x15, 0x02, 0x15, 0x00, 0x00, 0x00);
    kt_buf_free(&b);
}

TEST(file_meta_bytes_with_timestamp_leaf)
{
    kt_pq_schema_element schema[2];
    memset(schema, 0, sizeof schema);
    schema[0].name = "r";
    schema[0].num_children = 1;
    schema[0].converted = KT_PQ_CT_NONE;
    schema[1].name = "t";
    schema[1].has_type = true;
    schema[1].type = KT_PQ_INT64;
    schema[1].has_repetition = true;
    schema[1].repetition = KT_PQ_REQUIRED;
    schema[1].converted = KT_PQ_CT_TIMESTAMP_MICROS;
    schema[1].logical = (kt_pq_logical){ .kind = KT_PQ_LT_TIMESTAMP, .utc = true, .unit = KT_PQ_UNIT_MICROS };
    kt_pq_key_value kv = { "k", NULL };
    kt_pq_file_meta m = { .version = 1, .schema = schema, .num_schema = 2, .num_rows = 0,
                          .kv = &kv, .num_kv = 1, .created_by = "c", .has_column_orders = true };
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_write_file_meta(&m, &b), NULL);
    CHECK_BYTES(&b, 0x15, 0x02,                          /* version 1 */
                0x19, 0x2c,                              /* schema: list of 2 structs */
                0x48, 0x01, 'r', 0x15, 0x02, 0x00,       /* root: name, num_children 1 */
                0x15, 0x04, 0x25, 0x00, 0x18, 0x01, 't', /* INT64, REQUIRED, name */
                0x25, 0x14,                              /* converted_type 10 */
                0x4c, 0x8c, 0x11, 0x1c, 0x2c, 0x00, 0x00, 0x00, 0x00, /* TIMESTAMP(utc, MICROS) */
                0x00,
                0x16, 0x00,                              /* num_rows 0 */
                0x19, 0x0c,                              /* no row groups */
                0x19, 0x1c, 0x18, 0x01, 'k', 0x00,       /* kv: key only */
                0x18, 0x01, 'c',                         /* created_by */
                0x19, 0x1c, 0x1c, 0x00, 0x00,            /* column_orders: [TYPE_ORDER] */
                0x00);
    kt_buf_free(&b);
}

/* ---- RLE / bit-packing hybrid (Encodings.md) ---- */

TEST(bitpacked_example_from_encodings_md)
{
    /* Encodings.md: 0..7 with bit width 3 bit-pack to 10001000 11000110 11111010. */
    const uint32_t v[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_rle_encode_u32(v, 8, 3, &b), NULL);
    CHECK_BYTES(&b, 0x03, 0x88, 0xc6, 0xfa);   /* header: 1 group << 1 | 1 */
    kt_buf_free(&b);
}

TEST(rle_run_and_mixed_runs)
{
    uint32_t v[64];
    kt_buf b;
    kt_buf_init(&b);
    for (int i = 0; i < 64; i++) v[i] = 5;
    CHECK_OK(kt_pq_rle_encode_u32(v, 64, 3, &b), NULL);
    CHECK_BYTES(&b, 0x80, 0x01, 0x05);         /* varint(64 << 1), value in 1 byte */

    /* Eight literals then a run of 20: one packed group, then an RLE run. */
    for (int i = 0; i < 8; i++) v[i] = (uint32_t)i;
    for (int i = 8; i < 28; i++) v[i] = 1;
    kt_buf_clear(&b);
    CHECK_OK(kt_pq_rle_encode_u32(v, 28, 3, &b), NULL);
    CHECK_BYTES(&b, 0x03, 0x88, 0xc6, 0xfa, 0x28, 0x01);

    /* Two literals borrow six values of the run to fill their group. */
    v[0] = 5;
    v[1] = 6;
    for (int i = 2; i < 32; i++) v[i] = 2;
    kt_buf_clear(&b);
    CHECK_OK(kt_pq_rle_encode_u32(v, 32, 3, &b), NULL);
    CHECK_BYTES(&b, 0x03, 0xb5, 0x24, 0x49, 0x30, 0x02);

    /* A run too short to pay for itself stays packed; last group zero-padded. */
    v[0] = 1;
    v[1] = 2;
    v[2] = 3;
    for (int i = 3; i < 13; i++) v[i] = 7;
    kt_buf_clear(&b);
    CHECK_OK(kt_pq_rle_encode_u32(v, 13, 3, &b), NULL);
    CHECK_BYTES(&b, 0x05, 0xd1, 0xfe, 0xff, 0xff, 0x7f, 0x00);

    /* Wide values: an RLE run stores ceil(width / 8) little-endian bytes. */
    for (int i = 0; i < 10; i++) v[i] = 0x12345;
    kt_buf_clear(&b);
    CHECK_OK(kt_pq_rle_encode_u32(v, 10, 17, &b), NULL);
    CHECK_BYTES(&b, 0x14, 0x45, 0x23, 0x01);
    kt_buf_free(&b);
}

TEST(long_literal_runs_split_at_63_groups)
{
    uint8_t v[1000];
    for (int i = 0; i < 1000; i++) v[i] = (uint8_t)(i & 1);
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_rle_encode_u8(v, 1000, 1, &b), NULL);
    /* 504 values = 63 groups (header 63 << 1 | 1 = 0x7f), then 496 = 62 groups (0x7d). */
    CHECK_EQ_INT(b.len, 1 + 63 + 1 + 62);
    CHECK_EQ_INT(b.data[0], 0x7f);
    CHECK_EQ_INT(b.data[1], 0xaa);   /* 0,1,0,1,... LSB first */
    CHECK_EQ_INT(b.data[64], 0x7d);
    kt_buf_free(&b);
}

TEST(levels_encode_as_byte_values)
{
    const uint8_t levels[10] = { 1, 1, 0, 1, 1, 1, 1, 1, 1, 1 };
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_rle_encode_u8(levels, 10, 1, &b), NULL);
    /* 2 groups: 0b11111011, then 0b00000011 */
    CHECK_BYTES(&b, 0x05, 0xfb, 0x03);
    kt_buf_free(&b);
}

/* Independent reference decoder: reads runs bit by bit. */
static int decode_hybrid(const uint8_t *p, size_t len, int w, uint32_t *out, size_t n)
{
    size_t pos = 0, got = 0;
    while (got < n) {
        uint64_t h = 0;
        int shift = 0;
        do {
            if (pos >= len) return -1;
            h |= (uint64_t)(p[pos] & 0x7f) << shift;
            shift += 7;
        } while (p[pos++] & 0x80);
        if (h & 1) {
            size_t count = (size_t)(h >> 1) * 8;
            for (size_t k = 0; k < count; k++) {
                uint32_t v = 0;
                for (int bit = 0; bit < w; bit++) {
                    size_t abs = k * (size_t)w + (size_t)bit;
                    if (pos + abs / 8 >= len) return -1;
                    v |= (uint32_t)((p[pos + abs / 8] >> (abs % 8)) & 1) << bit;
                }
                if (got < n) out[got++] = v;
            }
            pos += (size_t)(h >> 1) * (size_t)w;
        } else {
            uint32_t v = 0;
            for (int k = 0; k < (w + 7) / 8; k++) v |= (uint32_t)p[pos++] << (8 * k);
            for (size_t k = 0; k < (h >> 1) && got < n; k++) out[got++] = v;
        }
    }
    return pos == len ? 0 : -2;
}

TEST(hybrid_roundtrips_every_width)
{
    enum { N = 1000 };
    uint32_t *v = malloc(N * sizeof *v), *back = malloc(N * sizeof *back);
    kt_buf b;
    kt_buf_init(&b);
    uint64_t seed = 42;
    for (int w = 1; w <= 32; w++) {
        uint32_t mask = w == 32 ? UINT32_MAX : (1u << w) - 1;
        for (size_t i = 0; i < N; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            /* runs of random length mixed with noise */
            v[i] = (i / 37) % 3 == 0 ? (uint32_t)(seed >> 33) & mask : (uint32_t)(i / 50) & mask;
        }
        kt_buf_clear(&b);
        CHECK_OK(kt_pq_rle_encode_u32(v, N, w, &b), NULL);
        CHECK_MSG(decode_hybrid(b.data, b.len, w, back, N) == 0, "width %d: undecodable", w);
        CHECK_MSG(memcmp(v, back, N * sizeof *v) == 0, "width %d: values differ", w);
    }
    kt_buf_free(&b);
    free(v);
    free(back);
}

TEST(booleans_bitpack_lsb_first)
{
    const uint8_t v[9] = { 1, 0, 1, 1, 0, 0, 0, 7, 1 };
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_pq_pack_bools(v, 9, &b), NULL);
    CHECK_BYTES(&b, 0x8d, 0x01);
    CHECK_EQ_INT(kt_pq_bit_width(0), 0);
    CHECK_EQ_INT(kt_pq_bit_width(1), 1);
    CHECK_EQ_INT(kt_pq_bit_width(7), 3);
    CHECK_EQ_INT(kt_pq_bit_width(8), 4);
    CHECK_EQ_INT(kt_pq_bit_width(UINT32_MAX), 32);
    kt_buf_free(&b);
}

/* ---- statistics ---- */

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static double stat_double(const uint8_t *p)
{
    uint64_t bits = le64(p);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

TEST(double_stats_ignore_nan_and_widen_zeros)
{
    kt_pq_stats s;
    kt_pq_stats_init(&s, KT_PQ_STAT_DOUBLE);
    const double v[3] = { NAN, 0.0, -0.0 };
    kt_pq_stats_update_double(&s, v, 3);
    kt_pq_statistics out;
    kt_pq_stats_encode(&s, &out);
    CHECK(out.has_min_value && out.has_max_value && out.min_len == 8);
    CHECK(stat_double(out.min_value) == 0 && signbit(stat_double(out.min_value)));   /* -0.0 */
    CHECK(stat_double(out.max_value) == 0 && !signbit(stat_double(out.max_value)));  /* +0.0 */

    kt_pq_stats_reset(&s);
    const double w[4] = { -0.0, 3.5, -7.25, 0.0 };
    kt_pq_stats_update_double(&s, w, 4);
    kt_pq_stats_encode(&s, &out);
    CHECK(stat_double(out.min_value) == -7.25 && stat_double(out.max_value) == 3.5);

    kt_pq_stats_reset(&s);
    const double nan_only[2] = { NAN, NAN };
    kt_pq_stats_update_double(&s, nan_only, 2);
    kt_pq_stats_add_nulls(&s, 3);
    kt_pq_stats_encode(&s, &out);
    CHECK(!out.has_min_value && !out.has_max_value);
    CHECK(out.has_null_count && out.null_count == 3);

    kt_pq_stats_reset(&s);
    const double inf[2] = { INFINITY, INFINITY };
    kt_pq_stats_update_double(&s, inf, 2);
    kt_pq_stats_encode(&s, &out);
    CHECK(out.has_min_value && stat_double(out.min_value) == INFINITY && stat_double(out.max_value) == INFINITY);
    kt_pq_stats_free(&s);
}

TEST(integer_stats_are_signed)
{
    kt_pq_stats s;
    kt_pq_stats_init(&s, KT_PQ_STAT_INT32);
    const int32_t v[4] = { -1, 5, INT32_MIN, 0 };
    kt_pq_stats_update_i32(&s, v, 4);
    kt_pq_statistics out;
    kt_pq_stats_encode(&s, &out);
    CHECK(out.min_len == 4 && memcmp(out.min_value, "\x00\x00\x00\x80", 4) == 0);
    CHECK(memcmp(out.max_value, "\x05\x00\x00\x00", 4) == 0);
    kt_pq_stats_free(&s);

    kt_pq_stats_init(&s, KT_PQ_STAT_INT64);
    const int64_t w[3] = { -2, INT64_MAX, -9 };
    kt_pq_stats_update_i64(&s, w, 3);
    kt_pq_stats_encode(&s, &out);
    CHECK((int64_t)le64(out.min_value) == -9 && (int64_t)le64(out.max_value) == INT64_MAX);
    kt_pq_stats_free(&s);

    kt_pq_stats_init(&s, KT_PQ_STAT_BOOL);
    const uint8_t t[2] = { 1, 1 };
    kt_pq_stats_update_bool(&s, t, 2);
    kt_pq_stats_encode(&s, &out);
    CHECK(out.min_len == 1 && out.min_value[0] == 1 && out.max_value[0] == 1);
    kt_pq_stats_free(&s);
}

TEST(string_stats_are_unsigned_bytewise)
{
    kt_pq_stats s;
    kt_pq_stats_init(&s, KT_PQ_STAT_BYTES);
    const char *v[] = { "b", "ab", "\xc3\xa9", "abc", "z", "" };
    for (size_t i = 0; i < 6; i++) CHECK_OK(kt_pq_stats_update_bytes(&s, v[i], strlen(v[i])), NULL);
    kt_pq_statistics out;
    kt_pq_stats_encode(&s, &out);
    CHECK(out.has_min_value && out.min_len == 0);                       /* "" sorts first */
    CHECK(out.max_len == 2 && memcmp(out.max_value, "\xc3\xa9", 2) == 0); /* 0xc3 > 'z' unsigned */
    CHECK(kt_pq_bytes_cmp("ab", 2, "abc", 3) < 0 && kt_pq_bytes_cmp("abc", 3, "ab", 2) > 0);
    CHECK(kt_pq_bytes_cmp("abcdefghij\x80", 11, "abcdefghij\x7f", 11) > 0);
    CHECK(kt_pq_bytes_cmp("abcdefgh", 8, "abcdefgh", 8) == 0);

    /* Over-long min/max are left out of the file (the accumulator keeps them). */
    char big[KT_PQ_STATS_MAX_STRING + 1];
    memset(big, 0xff, sizeof big);   /* the new maximum */
    CHECK_OK(kt_pq_stats_update_bytes(&s, big, sizeof big), NULL);
    kt_pq_stats_encode(&s, &out);
    CHECK(!out.has_min_value && !out.has_max_value && out.has_null_count);
    kt_pq_stats_free(&s);
}

TEST(stats_merge_keeps_extremes)
{
    kt_pq_stats a, b;
    kt_pq_stats_init(&a, KT_PQ_STAT_BYTES);
    kt_pq_stats_init(&b, KT_PQ_STAT_BYTES);
    kt_pq_stats_add_nulls(&a, 2);
    CHECK_OK(kt_pq_stats_merge(&b, &a), NULL);   /* all-null into empty */
    CHECK(!kt_pq_stats_has_min_max(&b) && b.null_count == 2);
    CHECK_OK(kt_pq_stats_update_bytes(&a, "m", 1), NULL);
    CHECK_OK(kt_pq_stats_merge(&b, &a), NULL);
    kt_pq_stats_reset(&a);
    CHECK_OK(kt_pq_stats_update_bytes(&a, "a", 1), NULL);
    CHECK_OK(kt_pq_stats_update_bytes(&a, "q", 1), NULL);
    CHECK_OK(kt_pq_stats_merge(&b, &a), NULL);
    CHECK(b.null_count == 4 && b.min_s.len == 1 && b.min_s.data[0] == 'a' && b.max_s.data[0] == 'q');
    kt_pq_stats_free(&a);
    kt_pq_stats_free(&b);
}

/* ---- dictionary ---- */

TEST(dictionary_first_seen_ids_and_fallback)
{
    kt_pq_dict_enc d;
    kt_pq_dict_enc_init(&d, 20);
    uint32_t id;
    bool is_new, full;
    CHECK_OK(kt_pq_dict_enc_put(&d, "aaaa", 4, &id, &is_new, &full), NULL);
    CHECK(id == 0 && is_new && !full);
    CHECK_OK(kt_pq_dict_enc_put(&d, "bbbbbbbbbbb", 4, &id, &is_new, &full), NULL);   /* "bbbb" */
    CHECK(id == 1 && is_new && !full);
    CHECK_OK(kt_pq_dict_enc_put(&d, "aaaa", 4, &id, &is_new, &full), NULL);
    CHECK(id == 0 && !is_new && !full);
    CHECK_OK(kt_pq_dict_enc_put(&d, "c", 1, &id, &is_new, &full), NULL);   /* 16 + 5 > 20 */
    CHECK(full && !is_new);
    CHECK_OK(kt_pq_dict_enc_put(&d, "aaaa", 4, &id, &is_new, &full), NULL);
    CHECK(full);                                                  /* stays full for the chunk */
    CHECK_BYTES(kt_pq_dict_enc_page(&d), 4, 0, 0, 0, 'a', 'a', 'a', 'a', 4, 0, 0, 0, 'b', 'b', 'b', 'b');
    kt_pq_dict_enc_reset(&d);
    CHECK_OK(kt_pq_dict_enc_put(&d, "c", 1, &id, &is_new, &full), NULL);
    CHECK(id == 0 && is_new && !full);
    kt_pq_dict_enc_free(&d);
}

TEST(dictionary_distinguishes_similar_strings)
{
    kt_pq_dict_enc d;
    kt_pq_dict_enc_init(&d, 1 << 20);
    /* Same heads, lengths or overlapping bytes: each must get its own id. */
    const char *v[] = { "", "a", "aa", "ab", "ba", "abc", "acb", "abcd", "abdc", "abcde", "abxde",
                        "abcdefgh", "abcdefgi", "abcdefgh1", "abcdefgh2", "abcdefgh12", "a\0b" };
    const size_t lens[] = { 0, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 8, 8, 9, 9, 10, 3 };
    enum { N = sizeof lens / sizeof lens[0] };
    char many[5000][8];
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < N; i++) {
            uint32_t id;
            bool is_new, full;
            CHECK_OK(kt_pq_dict_enc_put(&d, v[i], lens[i], &id, &is_new, &full), NULL);
            CHECK_MSG(id == i && is_new == (round == 0), "string %zu got id %u", i, id);
        }
        for (int i = 0; i < 5000; i++) {   /* forces the table to grow */
            int n = snprintf(many[i], sizeof many[i], "k%d", i);
            uint32_t id;
            bool is_new, full;
            CHECK_OK(kt_pq_dict_enc_put(&d, many[i], (size_t)n, &id, &is_new, &full), NULL);
            CHECK(id == (uint32_t)(N + (size_t)i) && is_new == (round == 0));
        }
    }
    kt_pq_dict_enc_free(&d);
}

/* ---- the writer: life cycle and errors ---- */

static char g_dir_template[] = "/tmp/kt_pq_write_XXXXXX";

static const char *test_dir(void)
{
    static const char *dir;   /* set once by main before tests run */
    if (!dir) dir = mkdtemp(g_dir_template);
    return dir;
}

static int count_temp_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *de;
    size_t plen = strlen(prefix);
    while ((de = readdir(d)))
        if (strncmp(de->d_name, prefix, plen) == 0 && strstr(de->d_name, ".tmp-")) n++;
    closedir(d);
    return n;
}

static const kt_pq_field ONE_DOUBLE[] = { { "value", KT_PQ_W_DOUBLE, false } };

static void quiet_options(kt_pq_write_options *o)
{
    kt_pq_write_options_default(o);
    o->no_fsync = true;
}

TEST(file_appears_only_at_close)
{
    char path[512];
    snprintf(path, sizeof path, "%s/atomic.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    o.no_fsync = false;   /* exercise the fsync path once */
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), &err);
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 1000; i++) kt_column_push_double(&c, i * 0.5);
    kt_status s = kt_pq_writer_write(w, &c, 1000, &err);
    struct stat st;
    int visible_before = stat(path, &st) == 0;
    int temps_before = count_temp_files(test_dir(), "atomic.parquet");
    kt_status closed = s == KT_OK ? kt_pq_writer_close(w, &err) : s;
    int visible_after = stat(path, &st) == 0;
    int temps_after = count_temp_files(test_dir(), "atomic.parquet");
    uint64_t size = kt_pq_writer_file_size(w);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    CHECK_OK(s, &err);
    CHECK_OK(closed, &err);
    CHECK(!visible_before && temps_before == 1);
    CHECK(visible_after && temps_after == 0);
    CHECK_EQ_INT(st.st_size, (long long)size);
    CHECK(stat(path, &st) == 0);   /* free after close keeps the file */
    unlink(path);
}

TEST(free_without_close_removes_temp)
{
    char path[512];
    snprintf(path, sizeof path, "%s/abandoned.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), &err);
    CHECK_EQ_INT(count_temp_files(test_dir(), "abandoned.parquet"), 1);
    kt_pq_writer_free(w);
    CHECK_EQ_INT(count_temp_files(test_dir(), "abandoned.parquet"), 0);
    struct stat st;
    CHECK(stat(path, &st) != 0 && errno == ENOENT);
}

typedef struct thread_job {
    char path[512];
    kt_status status;
    uint64_t size;
} thread_job;

static void *write_in_thread(void *arg)
{
    thread_job *job = arg;
    kt_pq_write_options o;
    quiet_options(&o);
    o.page_bytes = 1024;
    kt_error err;
    kt_pq_writer *w;
    job->status = kt_pq_writer_open(job->path, ONE_DOUBLE, 1, &o, &w, &err);
    if (job->status != KT_OK) return NULL;
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 20000; i++) kt_column_push_double(&c, i * 0.25);
    job->status = kt_pq_writer_write(w, &c, c.len, &err);
    if (job->status == KT_OK) job->status = kt_pq_writer_close(w, &err);
    job->size = kt_pq_writer_file_size(w);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    return NULL;
}

static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int x = fgetc(fa), y = fgetc(fb);
        if (x != y) same = 0;
        if (x == EOF || y == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

TEST(concurrent_writers_are_independent)
{
    thread_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        /* two pairs write the same path concurrently: temp names must not collide */
        snprintf(jobs[i].path, sizeof jobs[i].path, "%s/thread%d.parquet", test_dir(), i % 2);
        CHECK(pthread_create(&th[i], NULL, write_in_thread, &jobs[i]) == 0);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) CHECK_EQ_INT(jobs[i].status, KT_OK);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/thread0.parquet", test_dir());
    snprintf(b, sizeof b, "%s/thread1.parquet", test_dir());
    CHECK(files_equal(a, b));
    CHECK_EQ_INT(count_temp_files(test_dir(), "thread"), 0);
    unlink(a);
    unlink(b);
}

/* Durable writing starts the writeback of each row group early; the file
 * must come out byte for byte as without any syncing. */
static kt_status write_big(const char *path, bool no_fsync, kt_error *err)
{
    kt_pq_write_options o;
    quiet_options(&o);
    o.no_fsync = no_fsync;
    o.codec = KT_PQ_CODEC_UNCOMPRESSED; /* > 1 MiB per row group */
    o.dictionary = false;
    o.row_group_rows = 200000;
    kt_pq_writer *w;
    KT_TRY(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, err));
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 900000; i++) kt_column_push_double(&c, i * 0.37);
    kt_status s = kt_pq_writer_write(w, &c, c.len, err);
    if (s == KT_OK) s = kt_pq_writer_close(w, err);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    return s;
}

TEST(durable_file_with_early_writeback_equals_unsynced_file)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/durable.parquet", test_dir());
    snprintf(b, sizeof b, "%s/scratch.parquet", test_dir());
    kt_error err = { 0 };
    CHECK_OK(write_big(a, false, &err), &err);
    CHECK_OK(write_big(b, true, &err), &err);
    struct stat st;
    CHECK(stat(a, &st) == 0 && st.st_size > 5 * (1 << 20));
    CHECK(files_equal(a, b));
    unlink(a);
    unlink(b);
}

TEST(type_mismatch_names_file_and_column)
{
    char path[512];
    snprintf(path, sizeof path, "%s/x.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), &err);
    kt_column c;
    kt_column_init(&c, KT_INT64);
    kt_column_push_i64(&c, 1);
    kt_status s = kt_pq_writer_write(w, &c, 1, &err);
    char want[600];
    snprintf(want, sizeof want, "%s: column 'value' expects double values, got int64 column", path);
    kt_column_free(&c);
    kt_pq_writer_free(w);
    CHECK_EQ_INT(s, KT_ERR_USAGE);
    CHECK_EQ_STR(err.msg, want);
}

TEST(bad_batches_are_usage_errors)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bad.parquet", test_dir());
    const kt_pq_field f[2] = { { "v", KT_PQ_W_INT32, false }, { "s", KT_PQ_W_STRING, true } };
    kt_pq_write_options o;
    quiet_options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, f, 2, &o, &w, &err), &err);
    kt_column c[2];
    kt_column_init(&c[0], KT_INT32);
    kt_column_init(&c[1], KT_BYTES);
    for (int i = 0; i < 4; i++) {
        if (i == 2) kt_column_push_null(&c[0]); else kt_column_push_i32(&c[0], i);
        kt_column_push_bytes(&c[1], "x", 1);
    }
    kt_status too_many = kt_pq_writer_write(w, c, 5, &err);
    int names_rows = strstr(err.msg, "'v' has 4 rows, batch has 5") != NULL;
    kt_status null_row = kt_pq_writer_write(w, c, 4, &err);
    int names_null = strstr(err.msg, "column 'v' is not nullable but row 2 is null") != NULL;
    kt_status wrong_count = kt_pq_writer_write_columns(w, c, 1, 1, &err);
    int names_count = strstr(err.msg, "batch has 1 columns, schema has 2") != NULL;
    kt_status fine = kt_pq_writer_write(w, c, 2, &err);   /* the rows before the null are fine */
    kt_status closed = kt_pq_writer_close(w, &err);
    kt_status after = kt_pq_writer_write(w, c, 1, &err);
    int names_closed = strstr(err.msg, "already closed") != NULL;
    int64_t rows = kt_pq_writer_rows(w);
    kt_pq_writer_free(w);
    kt_column_free(&c[0]);
    kt_column_free(&c[1]);
    unlink(path);
    CHECK_EQ_INT(too_many, KT_ERR_USAGE);
    CHECK(names_rows);
    CHECK_EQ_INT(null_row, KT_ERR_USAGE);
    CHECK(names_null);
    CHECK_EQ_INT(wrong_count, KT_ERR_USAGE);
    CHECK(names_count);
    CHECK_OK(fine, NULL);
    CHECK_OK(closed, NULL);
    CHECK_EQ_INT(after, KT_ERR_USAGE);
    CHECK(names_closed);
    CHECK_EQ_INT(rows, 2);
}

TEST(bad_schemas_and_paths_fail_at_open)
{
    char path[512];
    snprintf(path, sizeof path, "%s/schema.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    kt_error err = { 0 };
    kt_pq_writer *w = (kt_pq_writer *)1;
    const kt_pq_field dup[2] = { { "a", KT_PQ_W_INT32, false }, { "a", KT_PQ_W_INT64, false } };
    CHECK_EQ_INT(kt_pq_writer_open(path, dup, 2, &o, &w, &err), KT_ERR_USAGE);
    CHECK(w == NULL && strstr(err.msg, "'a' appears twice"));
    const kt_pq_field noname[1] = { { "", KT_PQ_W_INT32, false } };
    CHECK_EQ_INT(kt_pq_writer_open(path, noname, 1, &o, &w, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_pq_writer_open(path, dup, 0, &o, &w, &err), KT_ERR_USAGE);
    o.codec = KT_PQ_CODEC_LZO;
    CHECK_EQ_INT(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "LZO") != NULL);
    quiet_options(&o);
    CHECK_EQ_INT(count_temp_files(test_dir(), "schema.parquet"), 0);
    snprintf(path, sizeof path, "%s/no/such/dir/out.parquet", test_dir());
    CHECK_EQ_INT(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), KT_ERR_IO);
    CHECK(strstr(err.msg, "no/such/dir/out.parquet.tmp-") && strstr(err.msg, "No such file or directory"));
}

TEST(write_failure_names_the_temp_file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/full.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    o.codec = KT_PQ_CODEC_UNCOMPRESSED;
    o.row_group_rows = 1000;
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), &err);
    /* A file-size limit makes write() fail with EFBIG, like a full disk. */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 5000; i++) kt_column_push_double(&c, i);
    kt_status s = kt_pq_writer_write(w, &c, c.len, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    kt_status again = kt_pq_writer_close(w, &err);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    CHECK_EQ_INT(s, KT_ERR_IO);
    CHECK_EQ_INT(again, KT_ERR_USAGE);
    CHECK_EQ_INT(count_temp_files(test_dir(), "full.parquet"), 0);
    struct stat st;
    CHECK(stat(path, &st) != 0);
}

TEST(write_failure_message)
{
    char path[512];
    snprintf(path, sizeof path, "%s/full2.parquet", test_dir());
    kt_pq_write_options o;
    quiet_options(&o);
    o.codec = KT_PQ_CODEC_UNCOMPRESSED;
    o.row_group_rows = 1000;
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, ONE_DOUBLE, 1, &o, &w, &err), &err);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 5000; i++) kt_column_push_double(&c, i);
    kt_pq_writer_write(w, &c, c.len, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s.tmp-", path);
    CHECK_MSG(strncmp(err.msg, prefix, strlen(prefix)) == 0, "message: %s", err.msg);
    CHECK_MSG(strstr(err.msg, ": write failed: File too large") != NULL, "message: %s", err.msg);
}

TEST(summary_covers_every_row_group)
{
    char path[512];
    snprintf(path, sizeof path, "%s/summary.parquet", test_dir());
    const kt_pq_field f[4] = { { "d", KT_PQ_W_DOUBLE, true }, { "s", KT_PQ_W_STRING, true },
                               { "t", KT_PQ_W_TIMESTAMP_US, false }, { "n", KT_PQ_W_INT32, true } };
    kt_pq_write_options o;
    quiet_options(&o);
    o.row_group_rows = 3;
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, f, 4, &o, &w, &err), &err);
    kt_column c[4];
    kt_column_init(&c[0], KT_DOUBLE);
    kt_column_init(&c[1], KT_BYTES);
    kt_column_init(&c[2], KT_INT64);
    kt_column_init(&c[3], KT_INT32);
    const double d[7] = { 1.5, NAN, -2.0, 0.0, 9.0, -0.0, 3.0 };
    const char *s[7] = { "m", "b", "y", NULL, "a", "zz", "c" };
    for (int i = 0; i < 7; i++) {
        if (i == 4) kt_column_push_null(&c[0]); else kt_column_push_double(&c[0], d[i]);
        if (s[i]) kt_column_push_bytes(&c[1], s[i], strlen(s[i])); else kt_column_push_null(&c[1]);
        kt_column_push_i64(&c[2], 1000 - i * 100);
        kt_column_push_null(&c[3]);
    }
    CHECK_OK(kt_pq_writer_write(w, c, 7, &err), &err);
    CHECK(kt_pq_writer_summary(w, 0) == NULL);   /* only after close */
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    const kt_pq_column_summary *sd = kt_pq_writer_summary(w, 0), *ss = kt_pq_writer_summary(w, 1),
                               *st = kt_pq_writer_summary(w, 2), *sn = kt_pq_writer_summary(w, 3);
    CHECK(sd && ss && st && sn && kt_pq_writer_summary(w, 4) == NULL);
    CHECK(sd->has_min_max && sd->null_count == 1 && sd->min_d == -2.0 && sd->max_d == 3.0);
    CHECK(ss->has_min_max && ss->null_count == 1 && strcmp(ss->min_s, "a") == 0 && strcmp(ss->max_s, "zz") == 0);
    CHECK(ss->min_len == 1 && ss->max_len == 2);
    CHECK(st->has_min_max && st->null_count == 0 && st->min_i == 400 && st->max_i == 1000);
    CHECK(!sn->has_min_max && sn->null_count == 7);
    CHECK_EQ_INT(kt_pq_writer_rows(w), 7);
    kt_pq_writer_free(w);
    for (int i = 0; i < 4; i++) kt_column_free(&c[i]);
    unlink(path);
}

/* defer_sync: close neither fsyncs nor syncs the directory, but the file
 * is still complete under its final name (the temp name is gone). */
TEST(deferred_sync_still_closes_a_complete_file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/deferred.parquet", test_dir());
    const kt_pq_field f[1] = { { "n", KT_PQ_W_INT64, false } };
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.defer_sync = true;
    kt_error err = { 0 };
    kt_pq_writer *w;
    CHECK_OK(kt_pq_writer_open(path, f, 1, &o, &w, &err), &err);
    kt_column c;
    kt_column_init(&c, KT_INT64);
    for (int64_t i = 0; i < 1000; i++) kt_column_push_i64(&c, i * 3);
    CHECK_OK(kt_pq_writer_write(w, &c, 1000, &err), &err);
    CHECK_OK(kt_pq_writer_close(w, &err), &err);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (uint64_t)sb.st_size == kt_pq_writer_file_size(w));
    FILE *fp = fopen(path, "rb");
    char tail[4] = { 0 };
    CHECK(fp && fseek(fp, -4, SEEK_END) == 0 && fread(tail, 1, 4, fp) == 4);
    if (fp) fclose(fp);
    CHECK(memcmp(tail, "PAR1", 4) == 0);
    DIR *d = opendir(test_dir());
    size_t temps = 0;
    for (struct dirent *e; d && (e = readdir(d));) temps += strstr(e->d_name, "deferred.parquet.tmp") != NULL;
    if (d) closedir(d);
    CHECK_EQ_INT(temps, 0);
    const kt_pq_column_summary *sn = kt_pq_writer_summary(w, 0);
    CHECK(sn && sn->has_min_max && sn->min_i == 0 && sn->max_i == 2997);
    kt_pq_writer_free(w);
    kt_column_free(&c);
    unlink(path);
}

TEST_MAIN_BEGIN("parquet_write")
    if (!test_dir()) { printf("FAIL parquet_write/setup: mkdtemp failed\n"); return 1; }
    RUN(ctx, thrift_scalars_and_field_headers);
    RUN(ctx, thrift_lists_and_nested_structs);
    RUN(ctx, thrift_unbalanced_struct_is_an_internal_error);
    RUN(ctx, page_header_bytes);
    RUN(ctx, dictionary_page_header_bytes);
    RUN(ctx, file_meta_bytes_with_timestamp_leaf);
    RUN(ctx, bitpacked_example_from_encodings_md);
    RUN(ctx, rle_run_and_mixed_runs);
    RUN(ctx, long_literal_runs_split_at_63_groups);
    RUN(ctx, levels_encode_as_byte_values);
    RUN(ctx, hybrid_roundtrips_every_width);
    RUN(ctx, booleans_bitpack_lsb_first);
    RUN(ctx, double_stats_ignore_nan_and_widen_zeros);
    RUN(ctx, integer_stats_are_signed);
    RUN(ctx, string_stats_are_unsigned_bytewise);
    RUN(ctx, stats_merge_keeps_extremes);
    RUN(ctx, dictionary_first_seen_ids_and_fallback);
    RUN(ctx, dictionary_distinguishes_similar_strings);
    RUN(ctx, file_appears_only_at_close);
    RUN(ctx, free_without_close_removes_temp);
    RUN(ctx, concurrent_writers_are_independent);
    RUN(ctx, durable_file_with_early_writeback_equals_unsynced_file);
    RUN(ctx, type_mismatch_names_file_and_column);
    RUN(ctx, bad_batches_are_usage_errors);
    RUN(ctx, bad_schemas_and_paths_fail_at_open);
    RUN(ctx, write_failure_names_the_temp_file);
    RUN(ctx, write_failure_message);
    RUN(ctx, summary_covers_every_row_group);
    RUN(ctx, deferred_sync_still_closes_a_complete_file);
    rmdir(test_dir());
TEST_MAIN_END()
