/*
 * gen/isotime.h — millisecond UTC timestamps as the real source writes
 * them: "2022-11-23T20:40:00.444Z", with trailing zeros of the milliseconds
 * trimmed (".44Z" for 440 ms, ".4Z" for 400 ms) and no fraction at all on
 * whole seconds ("...:45Z").
 *
 * Contract: kt_gen_format_ms writes at most KT_GEN_ISO_MAX bytes (no NUL)
 * and returns the length, or 0 when the year is outside 0000..9999.
 * Hand-written (no strftime/snprintf): it is on the generator's hot path.
 * kt_gen_civil_from_days / kt_gen_days_from_civil convert between days
 * since 1970-01-01 and the proleptic Gregorian calendar.
 */
#ifndef KT_GEN_ISOTIME_H
#define KT_GEN_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

#define KT_GEN_ISO_MAX 24

size_t kt_gen_format_ms(int64_t ms_since_epoch, char *out);

void kt_gen_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
int64_t kt_gen_days_from_civil(int64_t year, int month, int day);

/* Milliseconds since the epoch of a UTC date and time of day. */
int64_t kt_gen_ms_from_utc(int64_t year, int month, int day, int hour, int minute, int second,
                           int millis);

/* Floor division of ms by a day: the UTC day number of a timestamp. */
static inline int64_t kt_gen_day_of_ms(int64_t ms)
{
    int64_t d = ms / 86400000;
    return (ms % 86400000 < 0) ? d - 1 : d;
}

/* A formatter that remembers the last date it printed: rows of one window
 * share a few days, and the calendar arithmetic is the costly part. */
typedef struct kt_gen_timefmt {
    int64_t day;
    char date[10];
    int ok;
} kt_gen_timefmt;

static inline void kt_gen_timefmt_init(kt_gen_timefmt *f) { f->day = 0; f->ok = 0; }
/* Same output as kt_gen_format_ms. */
size_t kt_gen_timefmt_format(kt_gen_timefmt *f, int64_t ms_since_epoch, char *out);

/* "YYYYMMDD" of a day number into out[0..8], NUL-terminated; 0 if out of range. */
size_t kt_gen_format_yyyymmdd(int64_t days, char out[9]);

#endif
