/*
 * core/error.c — formatting of kt_error messages. Messages are truncated
 * at KT_ERROR_MSG_MAX with a trailing "..." so truncation is visible.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[KT_STATUS_COUNT] = {
    [KT_OK] = "ok",
    [KT_ERR_IO] = "input/output error",
    [KT_ERR_NOMEM] = "out of memory or over a configured limit",
    [KT_ERR_FORMAT] = "corrupt or malformed input",
    [KT_ERR_UNSUPPORTED] = "unsupported feature",
    [KT_ERR_USAGE] = "invalid usage",
    [KT_ERR_NOT_FOUND] = "not found",
    [KT_ERR_CONFLICT] = "concurrent modification conflict",
    [KT_ERR_STATE] = "inconsistent state",
    [KT_ERR_INTERRUPTED] = "interrupted",
    [KT_ERR_INTERNAL] = "internal error",
};

const char *kt_strerror(kt_status status)
{
    if ((int)status < 0 || status >= KT_STATUS_COUNT) return "unknown status";
    return status_names[status];
}

static void mark_truncated(char *buf, size_t cap, int written)
{
    if (written >= 0 && (size_t)written >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

kt_status kt_fail(kt_error *err, kt_status status, const char *fmt, ...)
{
    if (!err) return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    mark_truncated(err->msg, sizeof err->msg, n);
    return status;
}

kt_status kt_fail_errno(kt_error *err, kt_status status, int errnum, const char *fmt, ...)
{
    if (!err) return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg) {
        size_t used = (size_t)n;
        n = snprintf(err->msg + used, sizeof err->msg - used, ": %s", strerror(errnum));
        if (n >= 0) n += (int)used;
    }
    mark_truncated(err->msg, sizeof err->msg, n);
    return status;
}

void kt_error_prefix(kt_error *err, const char *fmt, ...)
{
    if (!err) return;
    char prefix[KT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[KT_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    int n = snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
    mark_truncated(err->msg, sizeof err->msg, n);
}

void kt_error_clear(kt_error *err)
{
    if (!err) return;
    err->status = KT_OK;
    err->msg[0] = '\0';
}
