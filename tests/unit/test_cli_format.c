/* tests/unit/test_cli_format.c — value rendering (cli/row_format.c) and option
 * parsing (cli/args.c) against analytic truth: calendar dates, RFC 4648
 * vectors, the Unicode standard's U+FFFD example, every half-precision
 * value, shortest round-trip doubles. The CLI layer is not in libkinetl.a,
 * so its two sources are compiled into this test directly. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../src/cli/row_format.c"
#include "../../src/cli/csv_parallel.c"
#include "../../src/cli/args.c"

/* Renders one scalar into a NUL-terminated static buffer. */
static const char *render(kt_render_type t, kt_scalar v, kt_text_style style)
{
    static char out[512];
    kt_buf b;
    kt_buf_init(&b);
    if (kt_render_scalar(&b, &t, &v, style) != KT_OK || b.len >= sizeof out) {
        kt_buf_free(&b);
        return "(render failed)";
    }
    if (b.len) memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    kt_buf_free(&b);
    return out;
}

/* Significant digits of a %g text: from the first non-zero digit to the exponent. */
static int sig_digits(const char *text)
{
    int n = 0;
    bool started = false;
    for (const char *p = text; *p && *p != 'e'; p++) {
        if (*p < '0' || *p > '9') continue;
        if (*p != '0') started = true;
        if (started) n++;
    }
    return n;
}

static kt_scalar int_(int64_t i) { return (kt_scalar){ .i = i }; }
static kt_scalar dbl(double d) { return (kt_scalar){ .d = d }; }
static kt_scalar bytes(const char *s, size_t n) { return (kt_scalar){ .bytes = (const uint8_t *)s, .len = n }; }

/* Days since 1970-01-01 of a proleptic Gregorian date, by counting
 * (independent of the era arithmetic under test). */
static int64_t days_by_counting(int64_t y, int m, int d)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t days = 0;
    for (int64_t yy = 1970; yy < y; yy++) days += (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
    for (int64_t yy = y; yy < 1970; yy++) days -= (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
    for (int mm = 1; mm < m; mm++)
        days += mdays[mm - 1] + (mm == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
    return days + d - 1;
}

TEST(dates_match_day_counting)
{
    const kt_render_type date = { .kind = KT_R_DATE };
    struct { int64_t y; int m, d; const char *text; } cases[] = {
        { 1970, 1, 1, "1970-01-01" }, { 1969, 12, 31, "1969-12-31" }, { 2000, 2, 29, "2000-02-29" },
        { 1900, 3, 1, "1900-03-01" }, { 2022, 11, 23, "2022-11-23" }, { 1, 1, 1, "0001-01-01" },
        { 9999, 12, 31, "9999-12-31" }, { 2400, 2, 29, "2400-02-29" }, { 1600, 12, 31, "1600-12-31" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t days = days_by_counting(cases[i].y, cases[i].m, cases[i].d);
        CHECK_EQ_STR(render(date, int_(days), KT_TEXT_CSV), cases[i].text);
    }
    /* every day of 1968..2032 renders the date the counting gives */
    for (int64_t y = 1968; y <= 2032; y++)
        for (int m = 1; m <= 12; m++) {
            char want[16];
            snprintf(want, sizeof want, "%04lld-%02d-01", (long long)y, m);
            CHECK_EQ_STR(render(date, int_(days_by_counting(y, m, 1)), KT_TEXT_CSV), want);
        }
    CHECK_EQ_STR(render(date, int_(days_by_counting(10000, 1, 1)), KT_TEXT_CSV), "+10000-01-01");
}

TEST(timestamps_floor_before_the_epoch)
{
    kt_render_type ms = { .kind = KT_R_TIMESTAMP, .digits = 3, .utc = true };
    kt_render_type us_local = { .kind = KT_R_TIMESTAMP, .digits = 6, .utc = false };
    kt_render_type ns = { .kind = KT_R_TIMESTAMP, .digits = 9, .utc = true };
    CHECK_EQ_STR(render(ms, int_(INT64_C(1669236000444)), KT_TEXT_CSV), "2022-11-23T20:40:00.444Z");
    CHECK_EQ_STR(render(ms, int_(-1), KT_TEXT_CSV), "1969-12-31T23:59:59.999Z");
    CHECK_EQ_STR(render(ms, int_(-1000), KT_TEXT_CSV), "1969-12-31T23:59:59.000Z");
    CHECK_EQ_STR(render(us_local, int_(-86400000001), KT_TEXT_CSV), "1969-12-30T23:59:59.999999");
    CHECK_EQ_STR(render(ns, int_(INT64_MIN), KT_TEXT_JSON), "\"1677-09-21T00:12:43.145224192Z\"");
    CHECK_EQ_STR(render(ns, int_(INT64_MAX), KT_TEXT_JSON), "\"2262-04-11T23:47:16.854775807Z\"");
    kt_render_type t_us = { .kind = KT_R_TIME, .digits = 6 };
    CHECK_EQ_STR(render(t_us, int_(INT64_C(86399999999)), KT_TEXT_CSV), "23:59:59.999999");
    CHECK_EQ_STR(render(t_us, int_(-5), KT_TEXT_CSV), "-5");
}

TEST(base64_matches_rfc4648_vectors)
{
    const kt_render_type bin = { .kind = KT_R_BINARY };
    const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    const char *out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    for (int i = 0; i < 7; i++) {
        CHECK_EQ_STR(render(bin, bytes(in[i], strlen(in[i])), KT_TEXT_CSV), out[i]);
        char quoted[32];
        snprintf(quoted, sizeof quoted, "\"%s\"", out[i]);
        CHECK_EQ_STR(render(bin, bytes(in[i], strlen(in[i])), KT_TEXT_JSON), quoted);
    }
}

TEST(invalid_utf8_follows_the_unicode_example)
{
    /* Unicode 15, section 3.9, table 3-8: U+FFFD per maximal subpart. */
    const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    const char *want = "\"a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD" "d\"";
    const kt_render_type s = { .kind = KT_R_STRING };
    CHECK_EQ_STR(render(s, bytes(in, sizeof in - 1), KT_TEXT_JSON), want);
    CHECK_EQ_STR(render(s, bytes("\xF0\x9F\x98\x80", 4), KT_TEXT_JSON), "\"\xF0\x9F\x98\x80\"");
    CHECK_EQ_STR(render(s, bytes("\xED\xA0\x80", 3), KT_TEXT_CSV), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_EQ_STR(render(s, bytes("q\"\\\n\x01\x7f", 6), KT_TEXT_JSON), "\"q\\\"\\\\\\n\\u0001\x7f\"");
}

TEST(csv_quotes_only_what_needs_quoting)
{
    const kt_render_type s = { .kind = KT_R_STRING };
    CHECK_EQ_STR(render(s, bytes("plain text", 10), KT_TEXT_CSV), "plain text");
    CHECK_EQ_STR(render(s, bytes("", 0), KT_TEXT_CSV), "\"\"");
    CHECK_EQ_STR(render(s, bytes("a,b", 3), KT_TEXT_CSV), "\"a,b\"");
    CHECK_EQ_STR(render(s, bytes("say \"hi\"", 8), KT_TEXT_CSV), "\"say \"\"hi\"\"\"");
    CHECK_EQ_STR(render(s, bytes("cr\r", 3), KT_TEXT_CSV), "\"cr\r\"");
}

TEST(every_half_round_trips_in_shortest_form)
{
    const kt_render_type h = { .kind = KT_R_FLOAT16 };
    for (uint32_t bits = 0; bits < 0x10000; bits++) {
        double v = kt_half_to_double((uint16_t)bits);
        uint8_t le[2] = { (uint8_t)(bits & 0xff), (uint8_t)(bits >> 8) };
        const char *text = render(h, (kt_scalar){ .bytes = le, .len = 2 }, KT_TEXT_JSON);
        if (isnan(v)) { CHECK_EQ_STR(text, "\"NaN\""); continue; }
        if (isinf(v)) { CHECK_EQ_STR(text, v > 0 ? "\"Infinity\"" : "\"-Infinity\""); continue; }
        CHECK_MSG(half_from_double(v) == bits, "bits %04x do not survive double conversion", bits);
        CHECK_MSG(half_from_double(strtod(text, NULL)) == bits, "%04x printed as %s", bits, text);
        /* no shorter %.Ng rounds back to the same half */
        int digits = sig_digits(text);
        for (int p = 1; p < digits; p++) {
            char shorter[32];
            snprintf(shorter, sizeof shorter, "%.*g", p, v);
            CHECK_MSG(half_from_double(strtod(shorter, NULL)) != bits, "%04x: %s is shorter than %s",
                      bits, shorter, text);
        }
    }
}

/* xorshift64: deterministic pseudo-random bit patterns */
static uint64_t next_bits(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

TEST(doubles_print_shortest_round_trip)
{
    const kt_render_type d = { .kind = KT_R_DOUBLE };
    CHECK_EQ_STR(render(d, dbl(0.1), KT_TEXT_JSON), "0.1");
    CHECK_EQ_STR(render(d, dbl(-0.0), KT_TEXT_JSON), "-0");
    CHECK_EQ_STR(render(d, dbl(5e-324), KT_TEXT_JSON), "5e-324");
    CHECK_EQ_STR(render(d, dbl(7.58229308099147e18), KT_TEXT_JSON), "7.58229308099147e+18");
    CHECK_EQ_STR(render(d, dbl(1.2405186538561671e19), KT_TEXT_JSON), "1.2405186538561671e+19");
    CHECK_EQ_STR(render(d, dbl(DBL_MAX), KT_TEXT_JSON), "1.7976931348623157e+308");
    CHECK_EQ_STR(render(d, dbl(NAN), KT_TEXT_JSON), "\"NaN\"");
    CHECK_EQ_STR(render(d, dbl(-INFINITY), KT_TEXT_CSV), "-inf");
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_bits(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        const char *text = render(d, dbl(v), KT_TEXT_CSV);
        double back = strtod(text, NULL);
        CHECK_MSG(memcmp(&back, &v, sizeof v) == 0, "%s does not read back to bits %016llx", text,
                  (unsigned long long)bits);
        int digits = sig_digits(text);
        char shorter[40];
        snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
        CHECK_MSG(digits <= 1 || strtod(shorter, NULL) != v, "%s round-trips, shorter than %s", shorter, text);
    }
}

TEST(decimals_and_unsigned)
{
    const kt_render_type dec = { .kind = KT_R_DECIMAL, .digits = 2 };
    CHECK_EQ_STR(render(dec, dbl(-0.05), KT_TEXT_JSON), "-0.05");
    CHECK_EQ_STR(render(dec, dbl(9999999.99), KT_TEXT_JSON), "9999999.99");
    const kt_render_type u = { .kind = KT_R_UINT };
    CHECK_EQ_STR(render(u, int_(-1), KT_TEXT_JSON), "18446744073709551615");
    const kt_render_type uuid = { .kind = KT_R_UUID };
    CHECK_EQ_STR(render(uuid, bytes("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16),
                        KT_TEXT_JSON), "\"12345678-9abc-def0-0123-456789abcdef\"");
}

TEST(args_parse_options_and_positionals)
{
    const char *columns = NULL, *out = NULL;
    int64_t limit = -1;
    bool json = false;
    int format = 0;
    static const char *const formats[] = { "csv", "json", NULL };
    const kt_opt opts[] = {
        { "--columns", KT_OPT_STRING, &columns, "a,b", "", NULL },
        { "--limit", KT_OPT_COUNT, &limit, "N", "", NULL },
        { "--json", KT_OPT_FLAG, &json, NULL, "", NULL },
        { "--format", KT_OPT_CHOICE, &format, "F", "", formats },
        { "--out", KT_OPT_STRING, &out, "FILE", "", NULL },
    };
    const kt_args_spec spec = { .command = "test", .usage = "FILE", .opts = opts, .nopts = 5,
                                .min_positional = 1, .max_positional = 1, .positional_name = "FILE" };
    char *argv[] = { "cat", "--columns", "a,b", "--limit=7", "--json", "--format", "json", "f.parquet",
                     "--out", "-", NULL };
    const char *pos[1];
    size_t npos;
    CHECK_EQ_INT(kt_args_parse(&spec, 10, argv, pos, &npos), KT_ARGS_OK);
    CHECK_EQ_STR(columns, "a,b");
    CHECK_EQ_INT(limit, 7);
    CHECK(json);
    CHECK_EQ_INT(format, 1);
    CHECK_EQ_INT(npos, 1);
    CHECK_EQ_STR(pos[0], "f.parquet");
    CHECK_EQ_STR(out, "-");
    char *after_dashes[] = { "cat", "--", "--limit", NULL };
    CHECK_EQ_INT(kt_args_parse(&spec, 3, after_dashes, pos, &npos), KT_ARGS_OK);
    CHECK_EQ_STR(pos[0], "--limit");
}

TEST(args_reject_bad_input)
{
    int64_t limit = -1;
    const kt_opt opts[] = { { "--limit", KT_OPT_COUNT, &limit, "N", "", NULL } };
    const kt_args_spec spec = { .command = "test", .opts = opts, .nopts = 1, .min_positional = 1,
                                .max_positional = 1, .positional_name = "FILE" };
    const char *pos[1];
    size_t npos;
    char *bad[][4] = {
        { "x", "--limit", "-3", "f" }, { "x", "--limit", "9x", "f" }, { "x", "--limit=", "f", NULL },
        { "x", "--nope", "f", NULL }, { "x", "f", "g", NULL }, { "x", "--limit", "99999999999999999999", "f" },
    };
    int counts[] = { 4, 4, 3, 3, 3, 4 };
    for (int i = 0; i < 6; i++)
        CHECK_MSG(kt_args_parse(&spec, counts[i], bad[i], pos, &npos) == KT_ARGS_USAGE, "case %d accepted", i);
    char *none[] = { "x", NULL };
    CHECK_EQ_INT(kt_args_parse(&spec, 1, none, pos, &npos), KT_ARGS_USAGE);
}

TEST_MAIN_BEGIN("cli_format")
    RUN(ctx, dates_match_day_counting);
    RUN(ctx, timestamps_floor_before_the_epoch);
    RUN(ctx, base64_matches_rfc4648_vectors);
    RUN(ctx, invalid_utf8_follows_the_unicode_example);
    RUN(ctx, csv_quotes_only_what_needs_quoting);
    RUN(ctx, every_half_round_trips_in_shortest_form);
    RUN(ctx, doubles_print_shortest_round_trip);
    RUN(ctx, decimals_and_unsigned);
    RUN(ctx, args_parse_options_and_positionals);
    RUN(ctx, args_reject_bad_input);
TEST_MAIN_END()
