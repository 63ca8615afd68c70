/*
 * cli/double_format.h — the text of a double as kinetl prints it: the
 * shortest of %.15g, %.16g, %.17g that reads back to the same bits (from
 * %.1g for subnormals), computed without printf for the values telemetry
 * is made of.
 *
 * Contract: kt_format_double() writes exactly what kt_format_double_printf()
 * (the reference: snprintf + strtod trials) writes, byte for byte, for
 * every finite double; it returns the length (NUL-terminated when it fits,
 * like snprintf). The fast path covers 1e-4 <= |v| < 1e15 (the numbers
 * %g prints without an exponent) and zero: it rounds the exact binary
 * value to 15, 16, then 17 digits in 128-bit integer arithmetic (round
 * half to even, as glibc's printf) and checks the round trip against the
 * rounding interval of the double instead of calling strtod. Everything
 * else takes the reference path. Callers handle NaN and infinities.
 */
#ifndef KT_CLI_DOUBLE_FORMAT_H
#define KT_CLI_DOUBLE_FORMAT_H

#include <stddef.h>

#define KT_DOUBLE_TEXT_MAX 32   /* enough for any output of either function */

int kt_format_double(char *buf, size_t size, double v);
int kt_format_double_printf(char *buf, size_t size, double v);

#endif
