/*
 * core/log.c — leveled, thread-safe log lines with a sticky status line.
 * The level is atomic so kt_log_enabled() needs no lock; the stream and
 * the sticky line are guarded by one mutex.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/clock.h"

#define STICKY_MAX 512
#define ERASE_LINE "\r\033[K"

struct kt_log {
    FILE *out;
    atomic_int level;
    atomic_bool terminal;
    pthread_mutex_t mu;
    char sticky[STICKY_MAX]; /* "" when none is shown */
};

static const char *const level_names[] = { "error", "warn", "info", "debug" };

kt_log *kt_log_new(FILE *out, kt_log_level level)
{
    kt_log *log = calloc(1, sizeof *log);
    if (!log) return NULL;
    log->out = out;
    atomic_init(&log->level, (int)level);
    atomic_init(&log->terminal, out && isatty(fileno(out)) == 1);
    pthread_mutex_init(&log->mu, NULL);
    return log;
}

void kt_log_free(kt_log *log)
{
    if (!log) return;
    kt_log_sticky(log, NULL);
    pthread_mutex_destroy(&log->mu);
    free(log);
}

void kt_log_set_level(kt_log *log, kt_log_level level)
{
    if (log) atomic_store(&log->level, (int)level);
}

kt_log_level kt_log_get_level(const kt_log *log)
{
    return log ? (kt_log_level)atomic_load(&log->level) : KT_LOG_ERROR;
}

bool kt_log_enabled(const kt_log *log, kt_log_level level)
{
    return log && log->out && (int)level <= atomic_load(&log->level);
}

kt_status kt_log_level_parse(const char *name, kt_log_level *out, kt_error *err)
{
    for (int i = 0; i <= KT_LOG_DEBUG; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *out = (kt_log_level)i;
            return KT_OK;
        }
    }
    if (strcasecmp(name, "warning") == 0) {
        *out = KT_LOG_WARN;
        return KT_OK;
    }
    return kt_fail(err, KT_ERR_USAGE, "unknown log level '%s' (want error, warn, info or debug)",
                   name);
}

const char *kt_log_level_name(kt_log_level level)
{
    if ((int)level < 0 || level > KT_LOG_DEBUG) return "?";
    return level_names[level];
}

bool kt_log_is_terminal(const kt_log *log)
{
    return log && atomic_load(&log->terminal);
}

void kt_log_set_terminal(kt_log *log, bool terminal)
{
    if (log) atomic_store(&log->terminal, terminal);
}

void kt_log_msg(kt_log *log, kt_log_level level, const char *fmt, ...)
{
    if (!kt_log_enabled(log, level)) return;
    char stamp[KT_ISO_TIME_MAX];
    kt_time_format_iso(kt_clock_wall_us(), 3, stamp);
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof text) memcpy(text + sizeof text - 4, "...", 4);
    /* One message, one line: embedded newlines would break log parsers. */
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';

    pthread_mutex_lock(&log->mu);
    bool redraw = log->sticky[0] && atomic_load(&log->terminal);
    if (redraw) fputs(ERASE_LINE, log->out);
    fprintf(log->out, "%s %-5s %s\n", stamp, kt_log_level_name(level), text);
    if (redraw) fputs(log->sticky, log->out);
    fflush(log->out);
    pthread_mutex_unlock(&log->mu);
}

void kt_log_sticky(kt_log *log, const char *line)
{
    if (!log || !log->out) return;
    pthread_mutex_lock(&log->mu);
    if (atomic_load(&log->terminal)) {
        if (line && *line) {
            snprintf(log->sticky, sizeof log->sticky, "%s", line);
            fputs(ERASE_LINE, log->out);
            fputs(log->sticky, log->out);
            fflush(log->out);
        } else if (log->sticky[0]) {
            fputs(ERASE_LINE, log->out);
            fflush(log->out);
            log->sticky[0] = '\0';
        }
    }
    pthread_mutex_unlock(&log->mu);
}
