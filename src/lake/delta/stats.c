/*
 * lake/delta/stats.c — add.stats JSON from Parquet column summaries (see
 * stats.h for the rules). Written by hand rather than through jansson so
 * doubles get their shortest exact form instead of 17 digits.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lake/delta/stats.h"

bool kt_delta_format_timestamp_ms(int64_t micros, char out[32])
{
    int64_t ms = micros >= 0 ? micros / 1000 : -((-(micros + 1)) / 1000) - 1;
    int64_t sec = ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1;
    int milli = (int)(ms - sec * 1000);
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) return false;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
    return true;
}

static kt_status append_double(kt_buf *b, double v)
{
    char text[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(text, sizeof text, "%.*g", prec, v);
        if (strtod(text, NULL) == v) break;
    }
    return kt_buf_append_str(b, text);
}

/* Length in bytes of the first `chars` UTF-8 characters; 0 if invalid. */
static size_t utf8_prefix(const char *s, size_t len, size_t chars, bool *whole)
{
    size_t i = 0, n = 0;
    while (i < len && n < chars) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > len) return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] >> 6) != 2) return 0;
        if (c == 0) return 0;
        i += k;
        n++;
    }
    *whole = i == len;
    return i;
}

static kt_status append_json_string(kt_buf *b, const char *s, size_t len)
{
    KT_TRY(kt_buf_append_byte(b, '"'));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            KT_TRY(kt_buf_append_byte(b, '\\'));
            KT_TRY(kt_buf_append_byte(b, c));
        } else if (c < 0x20) {
            KT_TRY(kt_buf_printf(b, "\\u%04x", c));
        } else {
            KT_TRY(kt_buf_append_byte(b, c));
        }
    }
    return kt_buf_append_byte(b, '"');
}

/* Appends "name":value for one bound; *wrote false when the bound is left out. */
static kt_status append_bound(kt_buf *b, const kt_delta_field *f, const kt_pq_column_summary *s,
                              bool max, bool first, bool *wrote)
{
    *wrote = false;
    if (!s->has_min_max || f->type == KT_DELTA_BOOLEAN) return KT_OK;
    kt_buf v;
    kt_buf_init(&v);
    kt_status st = KT_OK;
    char ts[32];
    int64_t i = max ? s->max_i : s->min_i;
    double d = max ? s->max_d : s->min_d;
    const char *str = max ? s->max_s : s->min_s;
    size_t slen = max ? s->max_len : s->min_len;
    bool whole = false;
    size_t cut;
    switch (f->type) {
    case KT_DELTA_LONG:
    case KT_DELTA_INTEGER: st = kt_buf_printf(&v, "%lld", (long long)i); break;
    case KT_DELTA_DOUBLE: if (isfinite(d)) st = append_double(&v, d); break;
    case KT_DELTA_TIMESTAMP:
        if (kt_delta_format_timestamp_ms(i, ts)) st = append_json_string(&v, ts, strlen(ts));
        break;
    case KT_DELTA_STRING:
        cut = str ? utf8_prefix(str, slen, KT_DELTA_STATS_STRING_PREFIX, &whole) : 0;
        if ((cut || slen == 0) && str && (whole || !max)) st = append_json_string(&v, str, cut);
        break;
    default: break;
    }
    if (st == KT_OK && v.len) {
        if (!first) st = kt_buf_append_byte(b, ',');
        if (st == KT_OK) st = append_json_string(b, f->name, strlen(f->name));
        if (st == KT_OK) st = kt_buf_append_byte(b, ':');
        if (st == KT_OK) st = kt_buf_append(b, v.data, v.len);
        *wrote = st == KT_OK;
    }
    kt_buf_free(&v);
    return st;
}

static kt_status append_bounds(kt_buf *b, const char *key, const kt_delta_field *fields,
                               const kt_pq_column_summary *const *sums, size_t n, bool max)
{
    KT_TRY(kt_buf_printf(b, ",\"%s\":{", key));
    bool first = true;
    for (size_t c = 0; c < n; c++) {
        bool wrote;
        KT_TRY(append_bound(b, &fields[c], sums[c], max, first, &wrote));
        if (wrote) first = false;
    }
    return kt_buf_append_byte(b, '}');
}

kt_status kt_delta_stats_json(kt_buf *out, const kt_delta_field *fields,
                              const kt_pq_column_summary *const *sums, size_t n, int64_t rows)
{
    KT_TRY(kt_buf_printf(out, "{\"numRecords\":%lld", (long long)rows));
    KT_TRY(append_bounds(out, "minValues", fields, sums, n, false));
    KT_TRY(append_bounds(out, "maxValues", fields, sums, n, true));
    KT_TRY(kt_buf_append_str(out, ",\"nullCount\":{"));
    for (size_t c = 0; c < n; c++) {
        if (c) KT_TRY(kt_buf_append_byte(out, ','));
        KT_TRY(append_json_string(out, fields[c].name, strlen(fields[c].name)));
        KT_TRY(kt_buf_printf(out, ":%lld", (long long)sums[c]->null_count));
    }
    return kt_buf_append_str(out, "}}");
}
