/*
 * core/error.h — kinetl's one status enum and its caller-owned error.
 *
 * Contract: every fallible function returns a kt_status and, on failure,
 * fills a caller-owned kt_error (which may be NULL) with one line of
 * context: which file, row, column and what was wrong. Layers add context
 * as the error travels up with kt_error_prefix(). Like curl's CURLcode,
 * there is one enum for the whole code base and one kt_strerror().
 */
#ifndef KT_CORE_ERROR_H
#define KT_CORE_ERROR_H

#include <stddef.h>

typedef enum kt_status {
    KT_OK = 0,
    KT_ERR_IO,          /* the operating system refused a file operation */
    KT_ERR_NOMEM,       /* allocation failed or a configured bound was hit */
    KT_ERR_FORMAT,      /* input is malformed, truncated or corrupt */
    KT_ERR_UNSUPPORTED, /* valid input using a feature kinetl does not read */
    KT_ERR_USAGE,       /* the caller or the user asked for something invalid */
    KT_ERR_NOT_FOUND,   /* a named thing (file, table, run, column) is absent */
    KT_ERR_CONFLICT,    /* a concurrent writer changed what we depended on */
    KT_ERR_STATE,       /* persistent state disagrees with itself */
    KT_ERR_INTERRUPTED, /* stopped on request (signal) before finishing */
    KT_ERR_INTERNAL,    /* a kinetl bug: an invariant did not hold */
    KT_STATUS_COUNT
} kt_status;

#define KT_ERROR_MSG_MAX 1024

typedef struct kt_error {
    kt_status status;
    char msg[KT_ERROR_MSG_MAX];
} kt_error;

#if defined(__GNUC__)
#define KT_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define KT_PRINTF(fmt_idx, arg_idx)
#endif

/* Human name of a status, e.g. "corrupt or malformed input". Never NULL. */
const char *kt_strerror(kt_status status);

/* Records status and a formatted message in err (if non-NULL); returns status. */
kt_status kt_fail(kt_error *err, kt_status status, const char *fmt, ...) KT_PRINTF(3, 4);

/* Like kt_fail, appending ": <strerror(errnum)>" to the message. */
kt_status kt_fail_errno(kt_error *err, kt_status status, int errnum,
                        const char *fmt, ...) KT_PRINTF(4, 5);

/* Prepends "<context>: " to the message already in err (no-op if NULL). */
void kt_error_prefix(kt_error *err, const char *fmt, ...) KT_PRINTF(2, 3);

void kt_error_clear(kt_error *err);

/* Propagate a failing status from an expression. */
#define KT_TRY(expr) do { kt_status kt_try_s_ = (expr); \
    if (kt_try_s_ != KT_OK) return kt_try_s_; } while (0)

#endif
