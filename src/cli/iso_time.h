/*
 * cli/iso_time.h — parsing the ISO-8601 instants users type (`cat
 * --as-of`): "2022-11-23", "2022-11-23T20:40", "2022-11-23T20:40:00",
 * "2022-11-23 20:40:00.444", each optionally followed by "Z" or an offset
 * "+01:00" / "-0530" / "+01". No zone means UTC. Fractions beyond
 * milliseconds are truncated (toward the past).
 *
 * Contract: KT_OK and *ms (since the epoch, UTC) or KT_ERR_USAGE with a
 * one-line reason in err naming the text. Years 0000..9999 only.
 */
#ifndef KT_CLI_ISO_TIME_H
#define KT_CLI_ISO_TIME_H

#include <stdint.h>

#include "core/error.h"

kt_status kt_parse_iso8601_ms(const char *text, int64_t *ms, kt_error *err);

#endif
