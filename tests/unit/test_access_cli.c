/*
 * tests/unit/test_access_cli.c — the small pieces of the access commands:
 * the aligned text table (widths from the sample, cutting with "…",
 * alignment, null mark, control characters, rows after the sample), the
 * ISO-8601 parser of --as-of (every accepted shape against instants
 * computed independently with timegm, and the rejected ones), and the
 * plain text style.
 */
#define _GNU_SOURCE   /* timegm, fmemopen: the test's independent clock and in-memory output */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "../../src/cli/row_format.c"
#include "../../src/cli/csv_parallel.c"
#include "../../src/cli/table_text.c"
#include "../../src/cli/iso_time.c"

/* ------------------------------------------------------------ table */

/* Renders cols (ncols columns of nrows) as a table into a string. */
static char *render_table(const char *const *names, const kt_render_type *types, const kt_column *cols,
                          size_t ncols, size_t nrows, size_t batch)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    kt_table_writer w;
    kt_error err = { 0 };
    int ok = kt_table_writer_init(&w, names, types, ncols, f, "mem") == KT_OK;
    for (size_t r = 0; ok && r < nrows; r += batch)
        ok = kt_table_writer_rows(&w, cols, r, r + batch <= nrows ? batch : nrows - r, &err) == KT_OK;
    ok = ok && kt_table_writer_flush(&w, &err) == KT_OK;
    kt_table_writer_free(&w);
    fclose(f);
    if (!ok) { free(text); return NULL; }
    return text;
}

/* Line i (0-based) of text, copied into out. */
static const char *line_of(const char *text, int i, char *out, size_t cap)
{
    const char *p = text;
    for (; i > 0 && p; i--) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p) return NULL;
    size_t n = strcspn(p, "\n");
    if (n >= cap) n = cap - 1;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

TEST(table_aligns_and_marks_nulls)
{
    const char *names[] = { "id", "name", "x" };
    kt_render_type types[] = { { .kind = KT_R_INT }, { .kind = KT_R_STRING }, { .kind = KT_R_DOUBLE } };
    kt_column c[3];
    kt_column_init(&c[0], KT_INT64);
    kt_column_init(&c[1], KT_BYTES);
    kt_column_init(&c[2], KT_DOUBLE);
    kt_column_push_i64(&c[0], 7);
    kt_column_push_bytes(&c[1], "ab", 2);
    kt_column_push_double(&c[2], 1.5);
    kt_column_push_i64(&c[0], 12345);
    kt_column_push_null(&c[1]);
    kt_column_push_double(&c[2], -20.25);
    kt_column_push_i64(&c[0], 3);
    kt_column_push_bytes(&c[1], "tab\there", 8);
    kt_column_push_null(&c[2]);
    char *text = render_table(names, types, c, 3, 3, 2);
    for (int k = 0; k < 3; k++) kt_column_free(&c[k]);
    CHECK(text);
    char l[256];
    int ok = line_of(text, 0, l, sizeof l) && !strcmp(l, "   id  name            x");
    ok = ok && line_of(text, 1, l, sizeof l) && !strcmp(l, "-----  ---------  ------");
    ok = ok && line_of(text, 2, l, sizeof l) && !strcmp(l, "    7  ab            1.5");
    ok = ok && line_of(text, 3, l, sizeof l) && !strcmp(l, "12345  \xe2\x88\x85          -20.25");
    ok = ok && line_of(text, 4, l, sizeof l) && !strcmp(l, "    3  tab\\there       \xe2\x88\x85");
    CHECK_MSG(ok, "table:\n%s", text);
    free(text);
}

/* Widths come from the first 100 rows; a longer later value is cut with "…",
 * and a sampled value counts at most 40 characters. */
TEST(table_cuts_long_values)
{
    const char *names[] = { "s" };
    kt_render_type types[] = { { .kind = KT_R_STRING } };
    kt_column c;
    kt_column_init(&c, KT_BYTES);
    for (int r = 0; r < 100; r++) kt_column_push_bytes(&c, "abc", 3);
    kt_column_push_bytes(&c, "abcdefgh", 8);
    char *text = render_table(names, types, &c, 1, 101, 7);
    char l[256];
    int cut = text && line_of(text, 102, l, sizeof l) && !strcmp(l, "ab\xe2\x80\xa6");
    free(text);
    kt_column_clear(&c);
    char big[60];
    memset(big, 'x', sizeof big);
    kt_column_push_bytes(&c, big, sizeof big);
    text = render_table(names, types, &c, 1, 1, 1);
    int capped = text && line_of(text, 1, l, sizeof l) && strlen(l) == 40 &&
                 line_of(text, 2, l, sizeof l) && kt_text_width(l, strlen(l)) == 40 &&
                 !strcmp(l + 39, "\xe2\x80\xa6");
    free(text);
    kt_column_free(&c);
    CHECK(cut);
    CHECK(capped);
}

TEST(table_header_only_when_empty)
{
    const char *names[] = { "a", "bb" };
    kt_render_type types[] = { { .kind = KT_R_INT }, { .kind = KT_R_STRING } };
    kt_column c[2];
    kt_column_init(&c[0], KT_INT64);
    kt_column_init(&c[1], KT_BYTES);
    char *text = render_table(names, types, c, 2, 0, 1);
    CHECK(text);
    int ok = !strcmp(text, "a  bb\n-  --\n");
    CHECK_MSG(ok, "got '%s'", text);
    free(text);
}

TEST(text_width_counts_code_points)
{
    CHECK_EQ_INT(kt_text_width("abc", 3), 3);
    CHECK_EQ_INT(kt_text_width("\xe2\x88\x85x", 4), 2);
    CHECK_EQ_INT(kt_text_width("\xc3\xa9t\xc3\xa9", 5), 3);
}

/* ------------------------------------------------------------ iso time */

static int64_t utc_ms(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s };
    return (int64_t)timegm(&tm) * 1000;
}

TEST(iso_accepts_the_documented_shapes)
{
    struct { const char *text; int64_t want; } cases[] = {
        { "2022-11-23", utc_ms(2022, 11, 23, 0, 0, 0) },
        { "2022-11-23T20:40", utc_ms(2022, 11, 23, 20, 40, 0) },
        { "2022-11-23T20:40:05", utc_ms(2022, 11, 23, 20, 40, 5) },
        { "2022-11-23T20:40:05Z", utc_ms(2022, 11, 23, 20, 40, 5) },
        { "2022-11-23 20:40:05.444Z", utc_ms(2022, 11, 23, 20, 40, 5) + 444 },
        { "2022-11-23t20:40:05.4z", utc_ms(2022, 11, 23, 20, 40, 5) + 400 },
        { "2022-11-23T20:40:05.123999999Z", utc_ms(2022, 11, 23, 20, 40, 5) + 123 },
        { "2022-11-23T20:40:05+01:00", utc_ms(2022, 11, 23, 19, 40, 5) },
        { "2022-11-23T20:40:05-0530", utc_ms(2022, 11, 24, 2, 10, 5) },
        { "2022-11-23T00:30:00+01", utc_ms(2022, 11, 22, 23, 30, 0) },
        { "2024-02-29", utc_ms(2024, 2, 29, 0, 0, 0) },
        { "1969-12-31T23:59:59.999Z", -1 },
        { "2000-02-29T12:00:00,5Z", utc_ms(2000, 2, 29, 12, 0, 0) + 500 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = 0;
        kt_error err = { 0 };
        kt_status st = kt_parse_iso8601_ms(cases[i].text, &got, &err);
        CHECK_MSG(st == KT_OK, "%s: %s", cases[i].text, err.msg);
        CHECK_MSG(got == cases[i].want, "%s: %lld != %lld", cases[i].text, (long long)got, (long long)cases[i].want);
    }
}

TEST(iso_rejects_the_rest)
{
    const char *bad[] = { "", "yesterday", "2022-13-01", "2022-02-29", "2022-11-31", "2022-11-23T24:00",
                          "2022-11-23T20:60", "2022-11-23T20:40:60", "2022-11-23T20", "2022-11-23T20:40:05.",
                          "2022-11-23T20:40:05Zx", "2022-11-23T20:40:05+25:00", "22-11-23", "2022/11/23",
                          "2022-11-23T20:40:05 +01:00", "1669236000000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t got = 0;
        kt_error err = { 0 };
        kt_status st = kt_parse_iso8601_ms(bad[i], &got, &err);
        CHECK_MSG(st == KT_ERR_USAGE, "'%s' accepted as %lld", bad[i], (long long)got);
        CHECK_MSG(strchr(err.msg, '\n') == NULL && strstr(err.msg, bad[i]), "message: %s", err.msg);
    }
}

/* ------------------------------------------------------------ plain style */

TEST(plain_style_strings_and_specials)
{
    kt_buf b;
    kt_buf_init(&b);
    kt_render_type str = { .kind = KT_R_STRING }, dbl = { .kind = KT_R_DOUBLE };
    kt_scalar v = { .bytes = (const uint8_t *)"a,\"b\"\n\x01\xff", .len = 8 };
    CHECK(kt_render_scalar(&b, &str, &v, KT_TEXT_PLAIN) == KT_OK);
    kt_scalar inf = { .d = -INFINITY };
    CHECK(kt_render_scalar(&b, &dbl, &inf, KT_TEXT_PLAIN) == KT_OK);
    CHECK(kt_buf_append_byte(&b, 0) == KT_OK);
    int ok = !strcmp((char *)b.data, "a,\"b\"\\n\\x01\xef\xbf\xbd-inf");
    char copy[64];
    snprintf(copy, sizeof copy, "%s", (char *)b.data);
    kt_buf_free(&b);
    CHECK_MSG(ok, "got '%s'", copy);
}

int main(void)
{
    kt_test_ctx ctx = { .suite = "access_cli" };
    RUN(&ctx, table_aligns_and_marks_nulls);
    RUN(&ctx, table_cuts_long_values);
    RUN(&ctx, table_header_only_when_empty);
    RUN(&ctx, text_width_counts_code_points);
    RUN(&ctx, iso_accepts_the_documented_shapes);
    RUN(&ctx, iso_rejects_the_rest);
    RUN(&ctx, plain_style_strings_and_specials);
    return ctx.total_failed ? 1 : 0;
}
