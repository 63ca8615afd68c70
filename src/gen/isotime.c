/*
 * gen/isotime.c — calendar arithmetic (Howard Hinnant's days/civil
 * algorithms) and the trimmed ISO-8601 formatter of the source's `time`.
 */
#include "gen/isotime.h"

#include <string.h>

void kt_gen_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                  /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                /* [0, 11], March = 0 */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

int64_t kt_gen_days_from_civil(int64_t year, int month, int day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t yoe = year - era * 400;
    int64_t mp = month > 2 ? month - 3 : month + 9;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t kt_gen_ms_from_utc(int64_t year, int month, int day, int hour, int minute, int second,
                           int millis)
{
    int64_t days = kt_gen_days_from_civil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60000 + (int64_t)second * 1000 + millis;
}

static inline void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static inline int put_date(char *p, int64_t days)
{
    int64_t y;
    int m, d;
    kt_gen_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) return 0;
    put2(p, (int)(y / 100));
    put2(p + 2, (int)(y % 100));
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    return 1;
}

static size_t put_time_of_day(char *out, int64_t in_day);

size_t kt_gen_format_ms(int64_t ms, char *out)
{
    int64_t days = kt_gen_day_of_ms(ms);
    if (!put_date(out, days)) return 0;
    return put_time_of_day(out, ms - days * 86400000);
}

size_t kt_gen_timefmt_format(kt_gen_timefmt *f, int64_t ms, char *out)
{
    int64_t days = kt_gen_day_of_ms(ms);
    if (!f->ok || f->day != days) {
        if (!put_date(f->date, days)) return 0;
        f->day = days;
        f->ok = 1;
    }
    memcpy(out, f->date, 10);
    return put_time_of_day(out, ms - days * 86400000);
}

static const char TWO_DIGITS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* "THH:MM:SS[.f[f[f]]]Z" at out + 10, for in_day in [0, 86400000). */
static size_t put_time_of_day(char *out, int64_t in_day)
{
    int secs = (int)(in_day / 1000), millis = (int)(in_day - (int64_t)secs * 1000);
    int h = secs / 3600, rest = secs - h * 3600, m = rest / 60, sec = rest - m * 60;
    out[10] = 'T';
    memcpy(out + 11, TWO_DIGITS + 2 * h, 2);
    out[13] = ':';
    memcpy(out + 14, TWO_DIGITS + 2 * m, 2);
    out[16] = ':';
    memcpy(out + 17, TWO_DIGITS + 2 * sec, 2);
    if (!millis) {
        out[19] = 'Z';
        return 20;
    }
    /* trailing zeros of the milliseconds are trimmed, as in the real source */
    int hundreds = millis / 100, rest2 = millis - hundreds * 100;
    out[19] = '.';
    out[20] = (char)('0' + hundreds);
    if (!rest2) { out[21] = 'Z'; return 22; }
    memcpy(out + 21, TWO_DIGITS + 2 * rest2, 2);
    if (out[22] == '0') { out[22] = 'Z'; return 23; }
    out[23] = 'Z';
    return 24;
}

size_t kt_gen_format_yyyymmdd(int64_t days, char out[9])
{
    char tmp[10];
    if (!put_date(tmp, days)) return 0;
    out[0] = tmp[0]; out[1] = tmp[1]; out[2] = tmp[2]; out[3] = tmp[3];
    out[4] = tmp[5]; out[5] = tmp[6]; out[6] = tmp[8]; out[7] = tmp[9];
    out[8] = 0;
    return 8;
}
