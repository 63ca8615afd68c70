/*
 * orchestrate/signals.h — Ctrl-C and SIGTERM: stop cleanly the first
 * time, immediately the second time.
 *
 * Contract: kt_signal_watch_start blocks SIGINT and SIGTERM in the calling
 * thread — and so in every thread it creates afterwards, which is why it
 * must be called before any other thread starts (first thing in a command)
 * — and starts a thread that waits for them with sigwait(). No signal
 * handler runs, so no library state is global: the watcher knows the flag
 * because it was passed to it.
 *   first signal:  *cancel = signal number, a warning is logged; the worker
 *                  pool starts no new task and the command winds down.
 *   second signal: an error is logged and the process _exit()s at once
 *                  with 128 + signal number (130 for SIGINT, 143 for
 *                  SIGTERM); state.db and the Delta log are crash-safe.
 * kt_signal_watch_stop ends the watcher and restores the caller's mask (a
 * signal still pending then gets its default action).
 */
#ifndef KT_ORCHESTRATE_SIGNALS_H
#define KT_ORCHESTRATE_SIGNALS_H

#include "core/error.h"
#include "core/log.h"
#include "orchestrate/cancel.h"

typedef struct kt_signal_watch kt_signal_watch;

/* log may be NULL. KT_ERR_IO if the thread cannot start. */
kt_status kt_signal_watch_start(kt_cancel_flag *cancel, kt_log *log, kt_signal_watch **out,
                                kt_error *err);
void kt_signal_watch_stop(kt_signal_watch *watch);

#endif
