/*
 * pipeline/ingest_time.c — hand-written ISO-8601 parser and timestamp unit
 * conversion for ingest. This is the hottest per-row code of ingest (one
 * string per reading), so it reads fixed positions and never allocates.
 */
#include "pipeline/ingest_time.h"

#include <string.h>

#include "pipeline/run_readings.h"

#define US_PER_S 1000000LL
#define US_PER_DAY 86400000000LL

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static inline unsigned digit(char c) { return (unsigned)(unsigned char)c - '0'; }

/* n digits at s as an integer, or -1 when one is not a digit. */
static inline int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = digit(s[i]);
        if (d > 9) return -1;
        v = v * 10 + (int)d;
    }
    return v;
}

static inline bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m)
{
    static const int DAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

/* Shift the year to start in March so the leap day is last; eras of 400 years. */
int64_t kt_ingest_days_from_civil(int64_t year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static bool fail(const char **why, const char *reason)
{
    if (why) *why = reason;
    return false;
}

/* Fraction digits after the separator at s[*i]: up to 9, microseconds truncated. */
static bool parse_fraction(const char *s, size_t n, size_t *i, int64_t *frac_us, const char **why)
{
    size_t start = *i, k = start;
    int64_t v = 0;
    while (k < n && digit(s[k]) <= 9) {
        if (k - start < 6) v = v * 10 + digit(s[k]);
        k++;
    }
    size_t count = k - start;
    if (count == 0) return fail(why, "no digits after the decimal separator");
    if (count > 9) return fail(why, "more than 9 fraction digits");
    for (size_t c = count; c < 6; c++) v *= 10;
    *frac_us = v;
    *i = k;
    return true;
}

/* Zone designator at s[*i..n): Z, ±HH:MM, ±HHMM, ±HH. Offset in seconds east of UTC. */
static bool parse_zone(const char *s, size_t n, size_t *i, int64_t *offset_s, const char **why)
{
    size_t k = *i;
    *offset_s = 0;
    if (k == n) return true;
    if (s[k] == 'Z' || s[k] == 'z') {
        *i = k + 1;
        return true;
    }
    if (s[k] != '+' && s[k] != '-') return fail(why, "unexpected text after the time");
    int sign = s[k] == '-' ? -1 : 1;
    k++;
    if (n - k < 2) return fail(why, "zone offset needs two hour digits");
    int hh = digits(s + k, 2), mm = 0;
    if (hh < 0) return fail(why, "zone offset hours are not digits");
    k += 2;
    if (k < n && s[k] == ':') {
        if (n - k < 3 || (mm = digits(s + k + 1, 2)) < 0) return fail(why, "zone offset minutes are not two digits");
        k += 3;
    } else if (n - k >= 2 && digit(s[k]) <= 9) {
        if ((mm = digits(s + k, 2)) < 0) return fail(why, "zone offset minutes are not two digits");
        k += 2;
    }
    if (hh > 23 || mm > 59) return fail(why, "zone offset out of range");
    *offset_s = sign * (hh * 3600 + mm * 60);
    *i = k;
    return true;
}

static bool in_range(int64_t us, const char **why)
{
    if (us < KT_TIME_MIN_US || us > KT_TIME_MAX_US) return fail(why, "outside years 0001..9999 after the zone offset");
    return true;
}

/* Days of the date at s[0..10), validated; false with *why when invalid. */
static bool parse_date(const char *s, int64_t *days, const char **why)
{
    int year = digits(s, 4), month = digits(s + 5, 2), day = digits(s + 8, 2);
    if (year < 0 || month < 0 || day < 0 || s[4] != '-' || s[7] != '-') return fail(why, "date is not YYYY-MM-DD");
    if (year < 1) return fail(why, "year 0000 out of range");
    if (month < 1 || month > 12) return fail(why, "month out of range");
    if (day < 1 || day > days_in_month(year, month)) return fail(why, "day out of range for the month");
    *days = kt_ingest_days_from_civil(year, month, day);
    return true;
}

static bool parse(kt_ingest_time_cache *cache, const char *s, size_t n, int64_t *us, bool *blank, const char **why)
{
    *blank = false;
    while (n > 0 && is_blank(s[n - 1])) n--;
    while (n > 0 && is_blank(*s)) s++, n--;
    if (n == 0) {
        *blank = true;
        return fail(why, "empty");
    }
    if (n < 19) return fail(why, "too short for YYYY-MM-DDTHH:MM:SS");
    int64_t days;
    if (cache && cache->valid && memcmp(cache->date, s, 10) == 0) {
        days = cache->days;
    } else {
        if (!parse_date(s, &days, why)) return false;
        if (cache) {
            memcpy(cache->date, s, 10);
            cache->days = days;
            cache->valid = 1;
        }
    }
    char sep = s[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return fail(why, "date and time not separated by T or a space");
    int hour = digits(s + 11, 2), minute = digits(s + 14, 2), second = digits(s + 17, 2);
    if (hour < 0 || minute < 0 || second < 0 || s[13] != ':' || s[16] != ':')
        return fail(why, "time of day is not HH:MM:SS");
    if (hour > 23) return fail(why, "hour out of range");
    if (minute > 59) return fail(why, "minute out of range");
    if (second > 59) return fail(why, "second out of range");
    size_t i = 19;
    int64_t frac_us = 0, offset_s = 0;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        i++;
        if (!parse_fraction(s, n, &i, &frac_us, why)) return false;
    }
    if (!parse_zone(s, n, &i, &offset_s, why)) return false;
    if (i != n) return fail(why, "unexpected text after the zone");
    int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
    *us = secs * US_PER_S + frac_us;
    return in_range(*us, why);
}

bool kt_ingest_parse_time(const char *s, size_t n, int64_t *us, bool *blank, const char **why)
{
    return parse(NULL, s, n, us, blank, why);
}

bool kt_ingest_parse_time_cached(kt_ingest_time_cache *cache, const char *s, size_t n, int64_t *us, bool *blank,
                                 const char **why)
{
    return parse(cache, s, n, us, blank, why);
}

bool kt_ingest_time_from_unit(int64_t v, kt_pq_time_unit unit, int64_t *us, const char **why)
{
    switch (unit) {
    case KT_PQ_UNIT_MILLIS:
        /* KT_TIME_* are far inside int64 µs, so bound ms before multiplying */
        if (v < KT_TIME_MIN_US / 1000 || v > KT_TIME_MAX_US / 1000)
            return fail(why, "outside years 0001..9999");
        *us = v * 1000;
        return true;
    case KT_PQ_UNIT_MICROS:
        *us = v;
        return in_range(v, why);
    case KT_PQ_UNIT_NANOS: {
        int64_t q = v / 1000;
        if (v % 1000 < 0) q--; /* floor, not toward zero */
        *us = q;
        return in_range(q, why);
    }
    }
    return fail(why, "unknown timestamp unit");
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

size_t kt_ingest_format_time(int64_t us, char out[32])
{
    if (us < KT_TIME_MIN_US || us > KT_TIME_MAX_US) return 0;
    int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    int64_t secs = rem / US_PER_S, frac = rem % US_PER_S;
    put2(out, (int)(year / 100));
    put2(out + 2, (int)(year % 100));
    out[4] = '-';
    put2(out + 5, month);
    out[7] = '-';
    put2(out + 8, day);
    out[10] = 'T';
    put2(out + 11, (int)(secs / 3600));
    out[13] = ':';
    put2(out + 14, (int)(secs / 60 % 60));
    out[16] = ':';
    put2(out + 17, (int)(secs % 60));
    out[19] = '.';
    for (int k = 25; k >= 20; k--, frac /= 10) out[k] = (char)('0' + frac % 10);
    out[26] = 'Z';
    out[27] = 0;
    return 27;
}
