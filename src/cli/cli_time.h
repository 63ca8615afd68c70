/*
 * cli/cli_time.h — formatting of instants for command output: ISO-8601
 * UTC with milliseconds ("2022-11-23T20:40:00.444Z"), as the SPEC writes
 * times. Header-only: a few lines shared by the lake commands.
 */
#ifndef KT_CLI_TIME_H
#define KT_CLI_TIME_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline void kt_cli_format_ms(int64_t ms, char out[32])
{
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int milli = (int)(ms - sec * 1000);
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, 32, "%lld", (long long)ms);
        return;
    }
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
}

#endif
