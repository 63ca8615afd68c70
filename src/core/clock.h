/*
 * core/clock.h — wall and monotonic clocks, and the one ISO-8601 UTC
 * text form kinetl writes for its own timestamps (logs, state, locks).
 *
 * Contract: wall times are microseconds since the Unix epoch (UTC), the
 * unit of every timestamp in kinetl; the monotonic clock is for measuring
 * durations only. kt_time_format_iso writes "YYYY-MM-DDTHH:MM:SS[.f]Z"
 * with 0, 3 or 6 fraction digits; kt_time_parse_iso reads exactly that
 * shape back (any 0..9 fraction digits), so a round trip at 6 digits is
 * exact. These are not the lenient parsers of source data.
 */
#ifndef KT_CORE_CLOCK_H
#define KT_CORE_CLOCK_H

#include <stdint.h>

#include "core/error.h"

#define KT_ISO_TIME_MAX 40 /* room for any int64 µs at 6 digits, plus NUL */

int64_t kt_clock_wall_us(void);
int64_t kt_clock_mono_ns(void);
/* CPU time consumed by the calling thread: wall minus this is time spent waiting. */
int64_t kt_clock_thread_cpu_ns(void);

/* digits: 0, 3 or 6 (other values are clamped to the nearest of these). */
void kt_time_format_iso(int64_t us, int digits, char out[KT_ISO_TIME_MAX]);

/* KT_ERR_FORMAT with the offending text when s is not in the shape above. */
kt_status kt_time_parse_iso(const char *s, int64_t *us, kt_error *err);

#endif
