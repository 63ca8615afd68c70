/*
 * core/log.h — the logger: leveled, timestamped lines on a stream
 * (stderr in the CLI), safe to call from any thread.
 *
 * Contract: a kt_log is an object passed to whoever logs (there is no
 * global logger); a NULL kt_log * is valid everywhere and logs nothing.
 * Each message becomes one line "2026-11-21T10:00:00.123Z warn  text\n",
 * written whole under the logger's mutex, so lines of concurrent threads
 * never interleave. Messages above the level are dropped before
 * formatting.
 * The logger also owns the terminal's last line: a "sticky" line (the
 * progress bar) that log messages are printed above. The sticky line is
 * drawn only when the stream is a terminal (or kt_log_set_terminal says
 * so), with "\r" and "erase to end of line"; otherwise it is ignored.
 */
#ifndef KT_CORE_LOG_H
#define KT_CORE_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

typedef enum kt_log_level {
    KT_LOG_ERROR = 0,
    KT_LOG_WARN = 1,
    KT_LOG_INFO = 2,
    KT_LOG_DEBUG = 3,
} kt_log_level;

typedef struct kt_log kt_log;

/* out is borrowed (not closed by kt_log_free). NULL on allocation failure. */
kt_log *kt_log_new(FILE *out, kt_log_level level);
void kt_log_free(kt_log *log);

void kt_log_set_level(kt_log *log, kt_log_level level);
kt_log_level kt_log_get_level(const kt_log *log);
bool kt_log_enabled(const kt_log *log, kt_log_level level);

/* "error" | "warn" | "info" | "debug" (case-insensitive; "warning" too). */
kt_status kt_log_level_parse(const char *name, kt_log_level *out, kt_error *err);
const char *kt_log_level_name(kt_log_level level);

void kt_log_msg(kt_log *log, kt_log_level level, const char *fmt, ...) KT_PRINTF(3, 4);
#define kt_log_error(log, ...) kt_log_msg((log), KT_LOG_ERROR, __VA_ARGS__)
#define kt_log_warn(log, ...)  kt_log_msg((log), KT_LOG_WARN, __VA_ARGS__)
#define kt_log_info(log, ...)  kt_log_msg((log), KT_LOG_INFO, __VA_ARGS__)
#define kt_log_debug(log, ...) kt_log_msg((log), KT_LOG_DEBUG, __VA_ARGS__)

/* Whether sticky lines are drawn; detected with isatty() at creation. */
bool kt_log_is_terminal(const kt_log *log);
void kt_log_set_terminal(kt_log *log, bool terminal);

/* Draws (or, with NULL or "", erases) the sticky last line. */
void kt_log_sticky(kt_log *log, const char *line);

#endif
