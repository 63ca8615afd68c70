/*
 * cli/row_format.c — value and row rendering for CSV and JSON Lines (see
 * row_format.h for the rules; docs/PARQUET.md explains them to users).
 */
#include "cli/row_format.h"

#include "cli/csv_parallel.h"
#include "core/double_format.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLUSH_AT (1u << 20)   /* write out the row buffer past 1 MiB */
#define MAX_DECIMAL_DIGITS 60 /* scale beyond this (hostile files) prints as a double */

/* ------------------------------------------------------------ numbers */

/* The same rule for float, from %.6g (from %.1g for subnormals). */
static int format_float(char *buf, size_t size, float v)
{
    for (int p = fabsf(v) < FLT_MIN ? 1 : 6; p < 9; p++) {
        int n = snprintf(buf, size, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v) return n;
    }
    return snprintf(buf, size, "%.9g", (double)v);   /* 9 digits always round-trip */
}

double kt_half_to_double(uint16_t h)
{
    int e = (h >> 10) & 0x1f;
    int m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return (h & 0x8000) ? -v : v;
}

/* Nearest half (ties to even) of a finite or infinite double, as bits. */
static uint16_t half_from_double(double x)
{
    uint16_t sign = signbit(x) ? 0x8000 : 0;
    double a = fabs(x);
    if (isnan(x)) return 0x7e00;
    if (a >= 65520.0) return sign | 0x7c00;
    if (a < 0x1p-14) return (uint16_t)(sign | (uint16_t)nearbyint(a * 0x1p24));
    int e;
    double f = frexp(a, &e);               /* a = 2f * 2^(e-1), 2f in [1, 2) */
    double m = nearbyint((2 * f - 1) * 1024);
    int exp = e - 1;
    if (m == 1024) { m = 0; exp++; }
    if (exp > 15) return sign | 0x7c00;
    return (uint16_t)(sign | (uint16_t)((exp + 15) << 10) | (uint16_t)m);
}

/* Shortest %.Ng (N = 1..5) that rounds back to the same half. */
static int format_half(char *buf, size_t size, uint16_t bits)
{
    double v = kt_half_to_double(bits);
    int n = 0;
    for (int p = 1; p <= 5; p++) {
        n = snprintf(buf, size, "%.*g", p, v);
        if (half_from_double(strtod(buf, NULL)) == bits) break;
    }
    return n;
}

/* Decimal text of an unsigned integer (snprintf is the costly part of a row). */
static int format_u64(char *buf, size_t size, uint64_t u, bool negative)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (negative) tmp[sizeof tmp - 1 - n++] = '-';
    if (size) {
        size_t k = (size_t)n < size ? (size_t)n : size - 1;
        memcpy(buf, tmp + sizeof tmp - n, k);
        buf[k] = 0;
    }
    return n;
}

static int format_i64(char *buf, size_t size, int64_t v)
{
    return format_u64(buf, size, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

/* ------------------------------------------------------------ dates and times */

/* Proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's
 * days-to-civil algorithm: 400-year eras of 146097 days). */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static const int64_t POW10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                 100000000, 1000000000 };

/* YYYY-MM-DD; years outside 0..9999 as ISO 8601 expanded years (+12345, -0044). */
static int format_date(char *buf, size_t size, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y >= 0 && y <= 9999) return snprintf(buf, size, "%04" PRId64 "-%02u-%02u", y, m, d);
    if (y > 9999) return snprintf(buf, size, "+%" PRId64 "-%02u-%02u", y, m, d);
    return snprintf(buf, size, "-%04" PRIu64 "-%02u-%02u", (uint64_t)0 - (uint64_t)y, m, d);
}

/* n digits of v, zero-padded, at p. */
static void put_digits(char *p, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

static int format_timestamp(char *buf, size_t size, int64_t v, int digits, bool utc)
{
    /* floor division by remainders: no product can overflow at INT64_MIN */
    int64_t per_sec = POW10[digits];
    int64_t frac = v % per_sec;
    int64_t secs = v / per_sec - (frac < 0);
    if (frac < 0) frac += per_sec;
    int64_t sod = secs % 86400;
    int64_t days = secs / 86400 - (sod < 0);
    if (sod < 0) sod += 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999 || size < 40) {   /* expanded years: the general path */
        int n = format_date(buf, size, days);
        n += snprintf(buf + n, size - (size_t)n, "T%02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60),
                      (int)(sod % 60));
        if (digits) n += snprintf(buf + n, size - (size_t)n, ".%0*" PRId64, digits, frac);
        if (utc) n += snprintf(buf + n, size - (size_t)n, "Z");
        return n;
    }
    /* YYYY-MM-DDTHH:MM:SS[.f...][Z], written digit by digit: one per row of every table */
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    put_digits(buf + 11, sod / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, sod / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, sod % 60, 2);
    int n = 19;
    if (digits) {
        buf[n++] = '.';
        put_digits(buf + n, frac, digits);
        n += digits;
    }
    if (utc) buf[n++] = 'Z';
    buf[n] = 0;
    return n;
}

/* HH:MM:SS[.fff]; a value outside a day (invalid) prints as its integer. */
static int format_time(char *buf, size_t size, int64_t v, int digits)
{
    int64_t per_sec = POW10[digits];
    if (v < 0 || v / per_sec >= 86400) return snprintf(buf, size, "%" PRId64, v);
    int secs = (int)(v / per_sec);
    int n = snprintf(buf, size, "%02d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60);
    if (digits) n += snprintf(buf + n, size - (size_t)n, ".%0*" PRId64, digits, v % per_sec);
    return n;
}

/* ------------------------------------------------------------ bytes */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static kt_status append_base64(kt_buf *out, const uint8_t *p, size_t len)
{
    if (len == 0) return KT_OK;
    uint8_t *o = kt_buf_extend(out, (len + 2) / 3 * 4);
    if (!o) return KT_ERR_NOMEM;
    size_t i = 0;
    for (; i + 3 <= len; i += 3, o += 4) {
        uint32_t w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        o[0] = (uint8_t)B64[w >> 18]; o[1] = (uint8_t)B64[(w >> 12) & 63];
        o[2] = (uint8_t)B64[(w >> 6) & 63]; o[3] = (uint8_t)B64[w & 63];
    }
    if (i < len) {
        uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
        o[0] = (uint8_t)B64[w >> 18]; o[1] = (uint8_t)B64[(w >> 12) & 63];
        o[2] = i + 1 < len ? (uint8_t)B64[(w >> 6) & 63] : '=';
        o[3] = '=';
    }
    return KT_OK;
}

static int format_uuid(char *buf, size_t size, const uint8_t *p)
{
    int n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) buf[n++] = '-';
        n += snprintf(buf + n, size - (size_t)n, "%02x", p[i]);
    }
    return n;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 with *bad = the
 * length of its maximal invalid subpart (Unicode 3.9, table 3-7). */
static size_t utf8_sequence(const uint8_t *p, size_t avail, size_t *bad)
{
    uint8_t b = p[0];
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) lo = 0xa0; if (b == 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) lo = 0x90; if (b == 0xf4) hi = 0x8f; }
    else { *bad = 1; return 0; }
    for (size_t k = 1; k <= need; k++) {
        if (k >= avail || p[k] < lo || p[k] > hi) { *bad = k; return 0; }
        lo = 0x80; hi = 0xbf;
    }
    return need + 1;
}

typedef enum { ESC_JSON, ESC_CSV_QUOTED, ESC_PLAIN } escape_mode;

/* Appends s with UTF-8 repaired and the mode's escapes, without the quotes. */
static kt_status append_escaped(kt_buf *out, const uint8_t *s, size_t len, escape_mode mode)
{
    static const uint8_t REPLACEMENT[] = { 0xef, 0xbf, 0xbd };
    size_t run = 0, i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t step = 1, bad = 0;
        const char *esc = NULL;
        char ubuf[8];
        if (c >= 0x80) {
            step = utf8_sequence(s + i, len - i, &bad);
            if (step) { i += step; continue; }
        } else if (mode == ESC_JSON) {
            if (c == '"') esc = "\\\"";
            else if (c == '\\') esc = "\\\\";
            else if (c == '\n') esc = "\\n";
            else if (c == '\r') esc = "\\r";
            else if (c == '\t') esc = "\\t";
            else if (c == '\b') esc = "\\b";
            else if (c == '\f') esc = "\\f";
            else if (c < 0x20) { snprintf(ubuf, sizeof ubuf, "\\u%04x", c); esc = ubuf; }
            if (!esc) { i++; continue; }
        } else if (mode == ESC_PLAIN) {
            if (c == '\n') esc = "\\n";
            else if (c == '\r') esc = "\\r";
            else if (c == '\t') esc = "\\t";
            else if (c < 0x20 || c == 0x7f) { snprintf(ubuf, sizeof ubuf, "\\x%02x", c); esc = ubuf; }
            if (!esc) { i++; continue; }
        } else {
            if (c != '"') { i++; continue; }
            esc = "\"\"";
        }
        KT_TRY(kt_buf_append(out, s + run, i - run));
        if (esc) {
            KT_TRY(kt_buf_append_str(out, esc));
            i += 1;
        } else {
            KT_TRY(kt_buf_append(out, REPLACEMENT, sizeof REPLACEMENT));
            i += bad;
        }
        run = i;
    }
    return kt_buf_append(out, s + run, len - run);
}

kt_status kt_render_json_string(kt_buf *out, const void *s, size_t len)
{
    KT_TRY(kt_buf_append_byte(out, '"'));
    KT_TRY(append_escaped(out, s, len, ESC_JSON));
    return kt_buf_append_byte(out, '"');
}

static kt_status render_csv_string(kt_buf *out, const uint8_t *s, size_t len)
{
    bool quote = len == 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) return append_escaped(out, s, len, ESC_CSV_QUOTED);
    KT_TRY(kt_buf_append_byte(out, '"'));
    KT_TRY(append_escaped(out, s, len, ESC_CSV_QUOTED));
    return kt_buf_append_byte(out, '"');
}

/* ------------------------------------------------------------ values */

kt_scalar kt_scalar_from_column(const kt_column *col, size_t row)
{
    kt_scalar v = { 0 };
    switch (col->type) {
    case KT_BOOL: v.i = KT_COL_BOOL(col)[row]; break;
    case KT_INT32: v.i = KT_COL_I32(col)[row]; break;
    case KT_INT64: v.i = KT_COL_I64(col)[row]; break;
    case KT_FLOAT: v.d = KT_COL_FLOAT(col)[row]; break;
    case KT_DOUBLE: v.d = KT_COL_DOUBLE(col)[row]; break;
    case KT_BYTES: v.bytes = (const uint8_t *)kt_column_bytes_at(col, row, &v.len); break;
    }
    return v;
}

static const char *nonfinite_name(double d, kt_text_style style)
{
    if (isnan(d)) return "NaN";
    if (style == KT_TEXT_JSON) return d > 0 ? "Infinity" : "-Infinity";
    return d > 0 ? "inf" : "-inf";
}

/* Text of a non-string value into buf; *quoted: JSON needs quotes around it. */
static int render_atom(char *buf, size_t size, const kt_render_type *t, const kt_scalar *v,
                       kt_text_style style, bool *quoted)
{
    *quoted = false;
    switch (t->kind) {
    case KT_R_BOOL: return snprintf(buf, size, "%s", v->i ? "true" : "false");
    case KT_R_INT: return format_i64(buf, size, v->i);
    case KT_R_UINT: return format_u64(buf, size, (uint64_t)v->i, false);
    case KT_R_FLOAT:
    case KT_R_DOUBLE:
    case KT_R_DECIMAL:
        if (!isfinite(v->d)) {
            *quoted = true;
            return snprintf(buf, size, "%s", nonfinite_name(v->d, style));
        }
        if (t->kind == KT_R_FLOAT) return format_float(buf, size, (float)v->d);
        if (t->kind == KT_R_DECIMAL && t->digits >= 0 && t->digits <= MAX_DECIMAL_DIGITS &&
            fabs(v->d) < 1e40)
            return snprintf(buf, size, "%.*f", t->digits, v->d);
        return kt_format_double(buf, size, v->d);
    case KT_R_FLOAT16: {
        uint16_t bits = v->len == 2 ? (uint16_t)(v->bytes[0] | v->bytes[1] << 8) : 0x7e00;
        double d = kt_half_to_double(bits);
        if (!isfinite(d)) {
            *quoted = true;
            return snprintf(buf, size, "%s", nonfinite_name(d, style));
        }
        return format_half(buf, size, bits);
    }
    case KT_R_TIMESTAMP: *quoted = true; return format_timestamp(buf, size, v->i, t->digits, t->utc);
    case KT_R_DATE: *quoted = true; return format_date(buf, size, v->i);
    case KT_R_TIME: *quoted = true; return format_time(buf, size, v->i, t->digits);
    case KT_R_UUID: *quoted = true; return format_uuid(buf, size, v->bytes);
    case KT_R_STRING:
    case KT_R_BINARY:
        break;
    }
    return 0;
}

kt_status kt_render_scalar(kt_buf *out, const kt_render_type *t, const kt_scalar *v,
                           kt_text_style style)
{
    kt_render_type fixed = *t;
    if (fixed.kind == KT_R_UUID && v->len != 16) fixed.kind = KT_R_BINARY;
    if ((fixed.kind == KT_R_TIMESTAMP || fixed.kind == KT_R_TIME) &&
        (fixed.digits < 0 || fixed.digits > 9))
        fixed.kind = KT_R_INT;
    if (fixed.kind == KT_R_STRING) {
        if (style == KT_TEXT_PLAIN) return append_escaped(out, v->bytes, v->len, ESC_PLAIN);
        return style == KT_TEXT_JSON ? kt_render_json_string(out, v->bytes, v->len)
                                     : render_csv_string(out, v->bytes, v->len);
    }
    if (fixed.kind == KT_R_BINARY) {
        if (style == KT_TEXT_JSON) KT_TRY(kt_buf_append_byte(out, '"'));
        KT_TRY(append_base64(out, v->bytes, v->len));
        return style == KT_TEXT_JSON ? kt_buf_append_byte(out, '"') : KT_OK;
    }
    char buf[160];
    bool quoted;
    int n = render_atom(buf, sizeof buf, &fixed, v, style, &quoted);
    if (n < 0) return KT_ERR_INTERNAL;
    if ((size_t)n >= sizeof buf) {  /* a decimal with a huge integer part */
        char *big = malloc((size_t)n + 1);
        if (!big) return KT_ERR_NOMEM;
        render_atom(big, (size_t)n + 1, &fixed, v, style, &quoted);
        kt_status s = kt_buf_append(out, big, (size_t)n);
        free(big);
        return s;
    }
    bool q = quoted && style == KT_TEXT_JSON;
    if (q) KT_TRY(kt_buf_append_byte(out, '"'));
    KT_TRY(kt_buf_append(out, buf, (size_t)n));
    return q ? kt_buf_append_byte(out, '"') : KT_OK;
}

void kt_render_type_name(const kt_render_type *t, char *out, size_t size)
{
    static const char *const units[] = { "s", "", "", "ms", "", "", "us", "", "", "ns" };
    const char *unit = t->digits >= 0 && t->digits <= 9 ? units[t->digits] : "?";
    switch (t->kind) {
    case KT_R_BOOL: snprintf(out, size, "bool"); break;
    case KT_R_INT: snprintf(out, size, "int"); break;
    case KT_R_UINT: snprintf(out, size, "uint"); break;
    case KT_R_FLOAT: snprintf(out, size, "float"); break;
    case KT_R_DOUBLE: snprintf(out, size, "double"); break;
    case KT_R_FLOAT16: snprintf(out, size, "float16"); break;
    case KT_R_DECIMAL: snprintf(out, size, "decimal(scale %d)", t->digits); break;
    case KT_R_STRING: snprintf(out, size, "string"); break;
    case KT_R_BINARY: snprintf(out, size, "binary"); break;
    case KT_R_UUID: snprintf(out, size, "uuid"); break;
    case KT_R_TIMESTAMP: snprintf(out, size, "timestamp(%s%s)", unit, t->utc ? ",UTC" : ""); break;
    case KT_R_DATE: snprintf(out, size, "date"); break;
    case KT_R_TIME: snprintf(out, size, "time(%s)", unit); break;
    }
}

/* ------------------------------------------------------------ rows */

int kt_row_writer_default_threads(void)
{
    const char *env = getenv("KINETL_CAT_THREADS");
    if (env && *env) return atoi(env) > 1 ? 2 : 1;
    return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
}

kt_status kt_row_writer_init(kt_row_writer *w, kt_text_style style, const char *const *names,
                             const kt_render_type *types, size_t ncols, FILE *out,
                             const char *out_name)
{
    memset(w, 0, sizeof *w);
    w->style = style;
    w->names = names;
    w->types = types;
    w->ncols = ncols;
    w->out = out;
    w->out_name = out_name;
    kt_buf_init(&w->buf);
    kt_buf_init(&w->keys);
    w->memo = calloc(ncols ? ncols : 1, sizeof *w->memo);
    w->fast = calloc(ncols ? ncols : 1, 1);
    w->cells = kt_row_cells_new(ncols);
    if (!w->memo || !w->fast || !w->cells) return KT_ERR_NOMEM;
    w->threads = kt_row_writer_default_threads();
    if (style != KT_TEXT_JSON) return KT_OK;
    w->key_end = calloc(ncols ? ncols : 1, sizeof *w->key_end);
    if (!w->key_end) return KT_ERR_NOMEM;
    for (size_t c = 0; c < ncols; c++) {
        KT_TRY(kt_render_json_string(&w->keys, names[c], strlen(names[c])));
        KT_TRY(kt_buf_append_byte(&w->keys, ':'));
        w->key_end[c] = w->keys.len;
    }
    return KT_OK;
}

kt_status kt_row_writer_write(kt_row_writer *w, kt_buf *text, kt_error *err)
{
    if (text->len && fwrite(text->data, 1, text->len, w->out) != text->len)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", w->out_name);
    kt_buf_clear(text);
    return KT_OK;
}

/* The header (in buf) goes before the rows (in cells). */
kt_status kt_row_writer_drain(kt_row_writer *w, kt_error *err)
{
    KT_TRY(kt_row_writer_write(w, &w->buf, err));
    return w->cells ? kt_row_writer_write_cells(w, w->cells, err) : KT_OK;
}

kt_status kt_row_writer_header(kt_row_writer *w, kt_error *err)
{
    if (w->style != KT_TEXT_CSV) return KT_OK;
    for (size_t c = 0; c < w->ncols; c++) {
        if (c && kt_buf_append_byte(&w->buf, ',') != KT_OK) goto nomem;
        if (render_csv_string(&w->buf, (const uint8_t *)w->names[c], strlen(w->names[c])) != KT_OK)
            goto nomem;
    }
    if (kt_buf_append_byte(&w->buf, '\n') != KT_OK) goto nomem;
    return KT_OK;
nomem:
    return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory formatting the header", w->out_name);
}

/* Renders a double or float value, reusing the column's previous text when
 * the bits repeat. */
static kt_status render_float_memo(kt_row_writer *w, size_t c, const kt_column *col, size_t row)
{
    kt_float_memo *m = &w->memo[c];
    kt_scalar v = kt_scalar_from_column(col, row);
    uint64_t bits;
    memcpy(&bits, &v.d, sizeof bits);
    if (m->valid && m->bits == bits) return kt_buf_append(&w->buf, m->text, m->len);
    size_t start = w->buf.len;
    KT_TRY(kt_render_scalar(&w->buf, &w->types[c], &v, w->style));
    size_t len = w->buf.len - start;
    m->valid = len < sizeof m->text;
    if (m->valid) {
        m->bits = bits;
        m->len = (uint8_t)len;
        memcpy(m->text, w->buf.data + start, len);
    }
    return KT_OK;
}

/* Direct rendering paths for the types every kinetl table is made of:
 * the text goes straight into the row buffer (no scalar, no copy). */
enum { FAST_NONE, FAST_DOUBLE, FAST_INT32, FAST_INT64, FAST_TIMESTAMP };
#define CELL_ROOM 96   /* bytes reserved before a direct rendering */

static uint8_t fast_path(const kt_render_type *t, kt_type type)
{
    if (t->kind == KT_R_DOUBLE && type == KT_DOUBLE) return FAST_DOUBLE;
    if (t->kind == KT_R_INT && type == KT_INT32) return FAST_INT32;
    if (t->kind == KT_R_INT && type == KT_INT64) return FAST_INT64;
    if (t->kind == KT_R_TIMESTAMP && type == KT_INT64 && t->digits >= 0 && t->digits <= 9) return FAST_TIMESTAMP;
    return FAST_NONE;
}

/* A double, reusing the column's previous text when the bits repeat
 * (held and interpolated-flat cells, ids stored as doubles). */
static void render_double_fast(kt_row_writer *w, size_t c, double d)
{
    kt_float_memo *m = &w->memo[c];
    char *dst = (char *)w->buf.data + w->buf.len;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    if (m->valid && m->bits == bits) {
        memcpy(dst, m->text, sizeof m->text);   /* fixed size: inlined; CELL_ROOM covers it */
        w->buf.len += m->len;
        return;
    }
    int n = kt_format_double(dst, CELL_ROOM, d);
    w->buf.len += (size_t)n;
    m->valid = (size_t)n < sizeof m->text;
    if (m->valid) {
        m->bits = bits;
        m->len = (uint8_t)n;
        memcpy(m->text, dst, sizeof m->text);
    }
}

static kt_status render_fast(kt_row_writer *w, size_t c, const kt_column *col, size_t row)
{
    KT_TRY(kt_buf_reserve(&w->buf, CELL_ROOM));
    char *dst = (char *)w->buf.data + w->buf.len;
    switch (w->fast[c]) {
    case FAST_DOUBLE: {
        double d = KT_COL_DOUBLE(col)[row];
        if (!isfinite(d)) break;
        render_double_fast(w, c, d);
        return KT_OK;
    }
    case FAST_INT32: w->buf.len += (size_t)format_i64(dst, CELL_ROOM, KT_COL_I32(col)[row]); return KT_OK;
    case FAST_INT64: w->buf.len += (size_t)format_i64(dst, CELL_ROOM, KT_COL_I64(col)[row]); return KT_OK;
    case FAST_TIMESTAMP: {
        bool json = w->style == KT_TEXT_JSON;
        if (json) *dst++ = '"';
        int n = format_timestamp(dst, CELL_ROOM - 2, KT_COL_I64(col)[row], w->types[c].digits, w->types[c].utc);
        if (n < 0 || n >= CELL_ROOM - 2) break;
        if (json) dst[n++] = '"';
        w->buf.len += (size_t)n + json;
        return KT_OK;
    }
    default: break;
    }
    kt_scalar v = kt_scalar_from_column(col, row);
    return kt_render_scalar(&w->buf, &w->types[c], &v, w->style);
}

static kt_status render_row(kt_row_writer *w, const kt_column *cols, size_t row)
{
    bool json = w->style == KT_TEXT_JSON;
    if (json) KT_TRY(kt_buf_append_byte(&w->buf, '{'));
    for (size_t c = 0; c < w->ncols; c++) {
        if (c) KT_TRY(kt_buf_append_byte(&w->buf, ','));
        if (json) {
            size_t start = c ? w->key_end[c - 1] : 0;
            KT_TRY(kt_buf_append(&w->buf, w->keys.data + start, w->key_end[c] - start));
        }
        if (!kt_column_is_valid(&cols[c], row)) {
            if (json) KT_TRY(kt_buf_append(&w->buf, "null", 4));
            continue;
        }
        if (w->fast[c]) {
            KT_TRY(render_fast(w, c, &cols[c], row));
            continue;
        }
        kt_render_kind kind = w->types[c].kind;
        if ((kind == KT_R_DOUBLE || kind == KT_R_FLOAT) &&
            (cols[c].type == KT_DOUBLE || cols[c].type == KT_FLOAT)) {
            KT_TRY(render_float_memo(w, c, &cols[c], row));
            continue;
        }
        kt_scalar v = kt_scalar_from_column(&cols[c], row);
        KT_TRY(kt_render_scalar(&w->buf, &w->types[c], &v, w->style));
    }
    if (json) KT_TRY(kt_buf_append_byte(&w->buf, '}'));
    return kt_buf_append_byte(&w->buf, '\n');
}

/* ------------------------------------------------------------ CSV rows, direct */

/* CSV rows of the types kinetl tables are made of go cell by cell straight
 * into the text buffer: one reservation per row, the separators written in
 * place, no scalar, and per column the last text, reused when the value
 * repeats (held cells, ids stored as doubles, the run id on every row, the
 * date of consecutive timestamps). A cell these paths cannot take (a
 * non-finite double, a year outside 0..9999, a long string, another type)
 * goes through kt_render_scalar. The state is per thread: see kt_row_cells. */

#define MEMO_TEXT 48   /* < CELL_ROOM: a memoized text is copied at a fixed size */

typedef struct column_memo {
    /* doubles: the text of `bits` is still in the buffer at `at` while the
     * buffer has not been emptied since (`epoch`): copying it from there,
     * written long ago, avoids a copy of the fresh text, which would stall
     * on the bytes just stored */
    uint64_t bits;
    size_t at;
    uint64_t epoch;
    uint8_t len;
    bool f_valid;
    int64_t day;                 /* timestamps: `date` is this day's "YYYY-MM-DDT" */
    bool date_valid;
    char date[16];
    bool text_valid;             /* strings: `in` rendered as `out` */
    uint8_t in_len, out_len;
    char in[MEMO_TEXT], out[MEMO_TEXT];
} column_memo;

struct kt_row_cells {
    kt_buf buf;
    uint64_t epoch;              /* times buf was emptied */
    column_memo *memo;
};

kt_row_cells *kt_row_cells_new(size_t ncols)
{
    kt_row_cells *cells = calloc(1, sizeof *cells);
    if (!cells) return NULL;
    kt_buf_init(&cells->buf);
    cells->memo = calloc(ncols ? ncols : 1, sizeof *cells->memo);
    if (!cells->memo) {
        free(cells);
        return NULL;
    }
    return cells;
}

void kt_row_cells_free(kt_row_cells *cells)
{
    if (!cells) return;
    kt_buf_free(&cells->buf);
    free(cells->memo);
    free(cells);
}

kt_buf *kt_row_cells_buf(kt_row_cells *cells) { return &cells->buf; }

void kt_row_cells_reset(kt_row_cells *cells)
{
    cells->epoch++;
    kt_buf_clear(&cells->buf);
}

kt_status kt_row_writer_write_cells(kt_row_writer *w, kt_row_cells *cells, kt_error *err)
{
    cells->epoch++;
    return kt_row_writer_write(w, &cells->buf, err);
}

enum { CSV_GENERIC, CSV_DOUBLE, CSV_INT32, CSV_INT64, CSV_TIMESTAMP, CSV_STRING };

static uint8_t csv_path(const kt_render_type *t, kt_type type)
{
    if (t->kind == KT_R_STRING && type == KT_BYTES) return CSV_STRING;
    if (t->kind == KT_R_TIMESTAMP && type == KT_INT64 && t->digits >= 0 && t->digits <= 9) return CSV_TIMESTAMP;
    return fast_path(t, type);   /* FAST_* and CSV_* agree on the first four */
}

#define DOUBLE_COPY 32   /* >= the longest double text (24), <= CELL_ROOM */

static char *csv_double(column_memo *m, const kt_row_cells *cells, char *p, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    if (m->f_valid && m->bits == bits && m->epoch == cells->epoch) {
        memcpy(p, cells->buf.data + m->at, DOUBLE_COPY);   /* inside the reserved room */
        return p + m->len;
    }
    int n = kt_format_double(p, CELL_ROOM, d);
    m->f_valid = n <= DOUBLE_COPY;
    m->bits = bits;
    m->at = (size_t)(p - (char *)cells->buf.data);
    m->epoch = cells->epoch;
    m->len = (uint8_t)n;
    return p + n;
}

/* Two digits of v < 100 at p. */
static inline void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* ISO-8601 with the day's text memoized, or NULL outside years 0..9999. */
static char *csv_timestamp(column_memo *m, char *p, int64_t v, int digits, bool utc)
{
    /* microseconds (every kinetl table) divide by a constant: no division instruction */
    int64_t per_sec = digits == 6 ? 1000000 : POW10[digits];
    int64_t frac = digits == 6 ? v % 1000000 : v % per_sec;
    int64_t secs = (digits == 6 ? v / 1000000 : v / per_sec) - (frac < 0);
    if (frac < 0) frac += per_sec;
    int64_t sod = secs % 86400;
    int64_t days = secs / 86400 - (sod < 0);
    if (sod < 0) sod += 86400;
    if (!m->date_valid || m->day != days) {
        int64_t y;
        unsigned mo, d;
        civil_from_days(days, &y, &mo, &d);
        if (y < 0 || y > 9999) return NULL;
        put_digits(m->date, y, 4);
        m->date[4] = '-';
        put2(m->date + 5, mo);
        m->date[7] = '-';
        put2(m->date + 8, d);
        m->date[10] = 'T';
        m->day = days;
        m->date_valid = true;
    }
    memcpy(p, m->date, 11);
    unsigned s = (unsigned)sod;
    put2(p + 11, s / 3600);
    p[13] = ':';
    put2(p + 14, s / 60 % 60);
    p[16] = ':';
    put2(p + 17, s % 60);
    p += 19;
    if (digits) {
        *p++ = '.';
        put_digits(p, frac, digits);
        p += digits;
    }
    if (utc) *p++ = 'Z';
    return p;
}

/* A CSV string field when it repeats the column's last one, else NULL
 * (rendered the general way, then remembered by remember_string). */
static char *csv_string(column_memo *m, char *p, const kt_column *col, size_t row)
{
    size_t len;
    const char *s = kt_column_bytes_at(col, row, &len);
    if (!m->text_valid || len != m->in_len || memcmp(s, m->in, len)) return NULL;
    memcpy(p, m->out, MEMO_TEXT);   /* fixed size: inlined; CELL_ROOM covers it */
    return p + m->out_len;
}

static void remember_string(column_memo *m, const kt_column *col, size_t row, const uint8_t *text, size_t n)
{
    size_t len;
    const char *s = kt_column_bytes_at(col, row, &len);
    m->text_valid = len <= MEMO_TEXT && n <= MEMO_TEXT;
    if (!m->text_valid) return;
    memcpy(m->in, s, len);
    memcpy(m->out, text, n);
    m->in_len = (uint8_t)len;
    m->out_len = (uint8_t)n;
}

/* One cell by its direct path, or NULL for the general one. */
static char *csv_cell(const kt_row_cells *cells, column_memo *m, uint8_t path, const kt_render_type *t,
                      const kt_column *col, size_t row, char *p)
{
    switch (path) {
    case CSV_DOUBLE: {
        double d = KT_COL_DOUBLE(col)[row];
        return isfinite(d) ? csv_double(m, cells, p, d) : NULL;
    }
    case CSV_INT32: return p + format_i64(p, CELL_ROOM, KT_COL_I32(col)[row]);
    case CSV_INT64: return p + format_i64(p, CELL_ROOM, KT_COL_I64(col)[row]);
    case CSV_TIMESTAMP: return csv_timestamp(m, p, KT_COL_I64(col)[row], t->digits, t->utc);
    case CSV_STRING: return csv_string(m, p, col, row);
    default: return NULL;
    }
}

kt_status kt_row_writer_csv_chunk(const kt_row_writer *w, kt_row_cells *cells, const kt_column *cols,
                                  const uint8_t *paths, size_t from, size_t to)
{
    kt_buf *b = &cells->buf;
    size_t row_room = (w->ncols + 1) * CELL_ROOM;
    for (size_t r = from; r < to; r++) {
        KT_TRY(kt_buf_reserve(b, row_room));
        char *p = (char *)b->data + b->len;
        for (size_t c = 0; c < w->ncols; c++) {
            const kt_column *col = &cols[c];
            if (c) *p++ = ',';
            if (col->valid && !col->valid[r]) continue;
            char *end = csv_cell(cells, &cells->memo[c], paths[c], &w->types[c], col, r, p);
            if (end) {
                p = end;
                continue;
            }
            size_t start = b->len = (size_t)(p - (char *)b->data);
            kt_scalar v = kt_scalar_from_column(col, r);
            KT_TRY(kt_render_scalar(b, &w->types[c], &v, w->style));
            if (paths[c] == CSV_STRING) remember_string(&cells->memo[c], col, r, b->data + start, b->len - start);
            KT_TRY(kt_buf_reserve(b, row_room));
            p = (char *)b->data + b->len;
        }
        *p++ = '\n';
        b->len = (size_t)(p - (char *)b->data);
    }
    return KT_OK;
}

void kt_row_writer_csv_paths(const kt_row_writer *w, const kt_column *cols, uint8_t *paths)
{
    for (size_t c = 0; c < w->ncols; c++) paths[c] = csv_path(&w->types[c], cols[c].type);
}

/* CSV rows on this thread, drained past FLUSH_AT. */
static kt_status csv_rows_serial(kt_row_writer *w, const kt_column *cols, size_t from, size_t count, kt_error *err)
{
    kt_row_writer_csv_paths(w, cols, w->fast);
    for (size_t r = from; r < from + count;) {
        size_t to = r + 4096 < from + count ? r + 4096 : from + count;
        if (kt_row_writer_csv_chunk(w, w->cells, cols, w->fast, r, to) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory formatting rows %zu..%zu", w->out_name, r, to);
        r = to;
        if (w->cells->buf.len >= FLUSH_AT) KT_TRY(kt_row_writer_drain(w, err));
    }
    return KT_OK;
}

kt_status kt_row_writer_rows(kt_row_writer *w, const kt_column *cols, size_t from, size_t count,
                             kt_error *err)
{
    if (w->style == KT_TEXT_CSV && w->threads > 1 && count >= 2 * KT_CSV_CHUNK_ROWS)
        return kt_csv_rows_parallel(w, cols, from, count, err);
    if (w->style == KT_TEXT_CSV) return csv_rows_serial(w, cols, from, count, err);
    for (size_t c = 0; c < w->ncols; c++) w->fast[c] = fast_path(&w->types[c], cols[c].type);
    for (size_t r = from; r < from + count; r++) {
        if (render_row(w, cols, r) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory formatting row %zu", w->out_name, r);
        if (w->buf.len >= FLUSH_AT) KT_TRY(kt_row_writer_drain(w, err));
    }
    return KT_OK;
}

kt_status kt_row_writer_flush(kt_row_writer *w, kt_error *err)
{
    KT_TRY(kt_row_writer_drain(w, err));
    if (fflush(w->out) != 0)
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: write failed", w->out_name);
    return KT_OK;
}

void kt_row_writer_free(kt_row_writer *w)
{
    kt_buf_free(&w->buf);
    kt_buf_free(&w->keys);
    free(w->key_end);
    free(w->memo);
    free(w->fast);
    kt_row_cells_free(w->cells);
    kt_csv_parallel_free(w);
    w->cells = NULL;
    w->key_end = NULL;
    w->memo = NULL;
    w->fast = NULL;
}
