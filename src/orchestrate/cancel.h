/*
 * orchestrate/cancel.h — the cooperative cancellation flag.
 *
 * Contract: main() owns one kt_cancel_flag (zero = keep going) and passes
 * a pointer to whatever must stop on request: the signal watcher sets it
 * (to the signal number), the worker pool and long tasks read it between
 * units of work. It is a lock-free C11 atomic int, which is both
 * async-signal-safe and race-free across threads — the two things a plain
 * volatile sig_atomic_t cannot promise at once.
 */
#ifndef KT_ORCHESTRATE_CANCEL_H
#define KT_ORCHESTRATE_CANCEL_H

#include <stdatomic.h>
#include <stdbool.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "kt_cancel_flag must be lock-free");

typedef atomic_int kt_cancel_flag;

/* A NULL flag never requests cancellation. */
static inline bool kt_cancel_requested(const kt_cancel_flag *flag)
{
    return flag && atomic_load(flag) != 0;
}

/* reason: any non-zero value, e.g. the signal number. */
static inline void kt_cancel_request(kt_cancel_flag *flag, int reason)
{
    if (flag) atomic_store(flag, reason ? reason : 1);
}

#endif
