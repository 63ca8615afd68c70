/*
 * tests/unit/capture_fixture.h — reading back what code under test wrote to
 * a FILE* (a tmpfile() standing in for stderr/stdout), for the tests of the
 * log and the progress display. Header-only.
 */
#ifndef KT_TEST_CAPTURE_FIXTURE_H
#define KT_TEST_CAPTURE_FIXTURE_H

#include <stdio.h>

/* Everything written to f so far, NUL-terminated in buf[cap] (cut at
 * cap - 1 bytes); returns its length. Rewinds f. */
static inline size_t captured_text(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    return n;
}

#endif
