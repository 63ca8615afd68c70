/*
 * core/clock.c — clocks and kinetl's own ISO-8601 UTC timestamps.
 * Negative times (before 1970) format correctly: division floors.
 */
#include "core/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t kt_clock_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t kt_clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t kt_clock_thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void kt_time_format_iso(int64_t us, int digits, char out[KT_ISO_TIME_MAX])
{
    int64_t sec = us / 1000000, frac = us % 1000000;
    if (frac < 0) { frac += 1000000; sec -= 1; }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, KT_ISO_TIME_MAX, "(time %lld us)", (long long)us);
        return;
    }
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    if (digits >= 6)
        snprintf(out, KT_ISO_TIME_MAX, "%s.%06lldZ", date, (long long)frac);
    else if (digits >= 3)
        snprintf(out, KT_ISO_TIME_MAX, "%s.%03lldZ", date, (long long)(frac / 1000));
    else
        snprintf(out, KT_ISO_TIME_MAX, "%sZ", date);
}

/* Reads exactly n decimal digits at *p. */
static int read_digits(const char **p, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *value = v;
    return 0;
}

static int expect_char(const char **p, char c)
{
    if (**p != c) return -1;
    (*p)++;
    return 0;
}

kt_status kt_time_parse_iso(const char *s, int64_t *us, kt_error *err)
{
    const char *p = s;
    int year, mon, day, hour, min, sec;
    if (read_digits(&p, 4, &year) || expect_char(&p, '-') || read_digits(&p, 2, &mon) ||
        expect_char(&p, '-') || read_digits(&p, 2, &day) || expect_char(&p, 'T') ||
        read_digits(&p, 2, &hour) || expect_char(&p, ':') || read_digits(&p, 2, &min) ||
        expect_char(&p, ':') || read_digits(&p, 2, &sec))
        return kt_fail(err, KT_ERR_FORMAT, "bad timestamp '%s' (want YYYY-MM-DDTHH:MM:SS[.f]Z)", s);
    int64_t frac_us = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        int64_t scale = 100000;
        while (isdigit((unsigned char)*p) && n < 9) {
            frac_us += (*p - '0') * scale;
            scale /= 10;
            p++, n++;
        }
        if (n == 0) return kt_fail(err, KT_ERR_FORMAT, "bad timestamp '%s': empty fraction", s);
    }
    if (strcmp(p, "Z") != 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
        min > 59 || sec > 60)
        return kt_fail(err, KT_ERR_FORMAT, "bad timestamp '%s' (want YYYY-MM-DDTHH:MM:SS[.f]Z)", s);
    struct tm tm = { .tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day,
                     .tm_hour = hour, .tm_min = min, .tm_sec = sec };
    time_t t = timegm(&tm);
    *us = (int64_t)t * 1000000 + frac_us;
    return KT_OK;
}
