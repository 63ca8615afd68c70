/*
 * pipeline/ingest_run_id.h — canonical run ids (SPEC §1): the text a run
 * is known by in every table, whatever physical type the source used.
 *
 * Contract:
 *  - DOUBLE (also FLOAT, widened): the decimal integer of the double's
 *    shortest round-trip representation, expanded by exact digit-string
 *    manipulation (no integer types): 7.58229308099147e18 ->
 *    "7582293080991470000", 1.2405186538561671e19 -> "12405186538561671000".
 *    Accepted only for finite, integral values in [0, 2^64) (run ids are
 *    64-bit ids); -0.0 gives "0". Anything else is rejected with a reason.
 *  - INT64: the signed value exactly ("-5" stays "-5"); UINT64: the unsigned
 *    value exactly.
 *  - STRING: the text with surrounding ASCII blanks trimmed, otherwise kept
 *    byte for byte; rejected when empty, longer than KT_RUN_ID_MAX - 1
 *    bytes, not valid UTF-8, or holding control characters.
 *  - Output is NUL-terminated in out[KT_RUN_ID_MAX]; functions return the
 *    length, or 0 with *why set to a static phrase on rejection.
 * Pure, thread-safe.
 */
#ifndef KT_PIPELINE_INGEST_RUN_ID_H
#define KT_PIPELINE_INGEST_RUN_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_RUN_ID_MAX 128

size_t kt_run_id_from_double(double v, char out[KT_RUN_ID_MAX], const char **why);
size_t kt_run_id_from_int64(int64_t v, char out[KT_RUN_ID_MAX]);
size_t kt_run_id_from_uint64(uint64_t v, char out[KT_RUN_ID_MAX]);
size_t kt_run_id_from_text(const char *s, size_t n, char out[KT_RUN_ID_MAX], const char **why);

/* The shortest "%.*g" text of v that parses back to v: "12345.5",
 * "7.58229308099147e+18", "nan", "inf", "-inf"; how quarantine shows
 * doubles. kt_float_shortest likewise with float precision. Return the length. */
size_t kt_double_shortest(double v, char out[40]);
size_t kt_float_shortest(float v, char out[40]);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool kt_utf8_valid(const char *s, size_t n);

#endif
