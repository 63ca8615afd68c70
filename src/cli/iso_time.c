/*
 * cli/iso_time.c — ISO-8601 instants for the command line (see iso_time.h).
 */
#include "cli/iso_time.h"

#include <stdbool.h>
#include <string.h>

#include "gen/isotime.h"

/* Reads exactly n digits at *p; advances. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int DAYS[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : DAYS[month - 1];
}

/* "Z", "", "+HH", "+HHMM", "+HH:MM" (or '-'): the offset east of UTC in minutes. */
static bool parse_zone(const char *p, int *minutes)
{
    *minutes = 0;
    if (!*p || ((*p == 'Z' || *p == 'z') && !p[1])) return true;
    if (*p != '+' && *p != '-') return false;
    int sign = *p == '-' ? -1 : 1, h, m = 0;
    p++;
    if (!digits(&p, 2, &h)) return false;
    if (*p == ':') p++;
    if (*p && !digits(&p, 2, &m)) return false;
    if (*p || h > 23 || m > 59) return false;
    *minutes = sign * (h * 60 + m);
    return true;
}

kt_status kt_parse_iso8601_ms(const char *text, int64_t *ms, kt_error *err)
{
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, milli = 0, zone;
    bool ok = digits(&p, 4, &y) && *p++ == '-' && digits(&p, 2, &mo) && *p++ == '-' && digits(&p, 2, &d);
    if (ok && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        ok = digits(&p, 2, &h) && *p++ == ':' && digits(&p, 2, &mi);
        if (ok && *p == ':') {
            p++;
            ok = digits(&p, 2, &s);
            if (ok && (*p == '.' || *p == ',')) {
                p++;
                int n = 0;
                for (; *p >= '0' && *p <= '9'; p++, n++)
                    if (n < 3) milli = milli * 10 + (*p - '0');
                for (int k = n; k < 3; k++) milli *= 10;
                ok = n > 0;
            }
        }
    }
    ok = ok && parse_zone(p, &zone);
    if (!ok)
        return kt_fail(err, KT_ERR_USAGE, "'%s' is not an ISO-8601 time such as 2022-11-23T20:40:00Z", text);
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return kt_fail(err, KT_ERR_USAGE, "'%s' is not a valid date and time", text);
    *ms = kt_gen_ms_from_utc(y, mo, d, h, mi, s, milli) - (int64_t)zone * 60000;
    return KT_OK;
}
