/*
 * orchestrate/signals.c — a sigwait() thread instead of a signal handler:
 * it may log, take locks and read its arguments, none of which a handler
 * may do. To stop it, `stopping` is set and the watcher is woken with a
 * signal aimed at its thread (pthread_cancel would do, but ASan's thread
 * teardown mishandles cancelled threads).
 */
#include "orchestrate/signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kt_signal_watch {
    pthread_t thread;
    sigset_t watched;
    sigset_t saved_mask; /* the starting thread's mask, restored by stop */
    kt_cancel_flag *cancel;
    kt_log *log;
    atomic_bool stopping;
};

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

static void *watch_main(void *arg)
{
    kt_signal_watch *w = arg;
    int received = 0;
    for (;;) {
        int sig = 0;
        if (sigwait(&w->watched, &sig) != 0) continue;
        if (atomic_load(&w->stopping)) return NULL;
        if (++received == 1) {
            kt_cancel_request(w->cancel, sig);
            kt_log_warn(w->log, "%s received: finishing the tasks in progress, starting no new "
                        "ones (send it again to stop at once)", signal_name(sig));
        } else {
            kt_log_error(w->log, "second %s: stopping now", signal_name(sig));
            _exit(128 + sig);
        }
    }
}

kt_status kt_signal_watch_start(kt_cancel_flag *cancel, kt_log *log, kt_signal_watch **out,
                                kt_error *err)
{
    *out = NULL;
    kt_signal_watch *w = calloc(1, sizeof *w);
    if (!w) return kt_fail(err, KT_ERR_NOMEM, "out of memory for the signal watcher");
    w->cancel = cancel;
    w->log = log;
    atomic_init(&w->stopping, false);
    sigemptyset(&w->watched);
    sigaddset(&w->watched, SIGINT);
    sigaddset(&w->watched, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &w->watched, &w->saved_mask);
    int rc = pthread_create(&w->thread, NULL, watch_main, w);
    if (rc != 0) {
        pthread_sigmask(SIG_SETMASK, &w->saved_mask, NULL);
        free(w);
        return kt_fail_errno(err, KT_ERR_IO, rc, "cannot start the signal watcher thread");
    }
    *out = w;
    return KT_OK;
}

void kt_signal_watch_stop(kt_signal_watch *w)
{
    if (!w) return;
    atomic_store(&w->stopping, true);
    pthread_kill(w->thread, SIGTERM);
    pthread_join(w->thread, NULL);
    pthread_sigmask(SIG_SETMASK, &w->saved_mask, NULL);
    free(w);
}
