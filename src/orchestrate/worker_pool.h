/*
 * orchestrate/worker_pool.h — N worker threads that run batches of
 * independent tasks (ingest one file, process one run).
 *
 * Contract:
 *  - kt_pool_new starts the threads once; kt_pool_run hands them a batch
 *    of ntasks tasks and returns when every task has finished or been
 *    skipped. Tasks are claimed in index order from a shared queue, so
 *    with one thread they run in order 0, 1, 2...
 *  - Worker 0 is the thread that calls kt_pool_run: a pool of N workers
 *    starts N-1 threads, and a pool of one runs its tasks on the caller.
 *  - Worker w calls fn(worker_ctx[w], shared, task_index, err). Each
 *    worker has its own context (e.g. a transform context and arena it
 *    alone touches); worker_ctx may be NULL (every worker gets NULL).
 *    kt_pool_threads() says how many contexts to provide.
 *  - results[i] is task i's outcome whatever the thread count or timing:
 *    callers read outputs by task index, never by completion order.
 *  - A failing task (fn returns non-KT_OK) is recorded in its result and
 *    the pool carries on; fn must not longjmp or exit.
 *  - Cancellation is cooperative: the flag is read before each task is
 *    claimed. Once it is set no new task starts; tasks already running
 *    finish (fn may read the flag itself to stop early). Tasks that never
 *    started get status KT_ERR_INTERRUPTED and ran = false.
 *  - kt_pool_run is called by one thread at a time (the scheduler); the
 *    pool must not be used from inside one of its own tasks.
 */
#ifndef KT_ORCHESTRATE_WORKER_POOL_H
#define KT_ORCHESTRATE_WORKER_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "orchestrate/cancel.h"

#define KT_POOL_MAX_THREADS 1024

typedef struct kt_pool kt_pool;

typedef kt_status (*kt_task_fn)(void *worker_ctx, void *shared, size_t task, kt_error *err);

typedef struct kt_pool_config {
    size_t threads;               /* 0 = kt_pool_default_threads() */
    const kt_cancel_flag *cancel; /* may be NULL: never cancelled */
} kt_pool_config;

typedef struct kt_task_result {
    kt_status status;   /* KT_OK, the task's failure, or KT_ERR_INTERRUPTED if skipped */
    bool ran;           /* fn was called for this task */
    size_t worker;      /* which worker ran it (diagnostics; depends on timing) */
    int64_t elapsed_ns; /* wall time inside fn */
    kt_error error;     /* the task's message when status != KT_OK */
} kt_task_result;

typedef struct kt_pool_summary {
    size_t ok, failed, skipped;
} kt_pool_summary;

/* Online processors (at least 1, at most KT_POOL_MAX_THREADS). */
size_t kt_pool_default_threads(void);

/* KT_ERR_USAGE for threads > KT_POOL_MAX_THREADS; KT_ERR_IO if a thread cannot start. */
kt_status kt_pool_new(const kt_pool_config *cfg, kt_pool **out, kt_error *err);
size_t kt_pool_threads(const kt_pool *pool);

/*
 * Runs tasks 0..ntasks-1, filling results[0..ntasks) (caller-owned) and
 * the optional summary. Returns KT_OK when every task ran (even if some
 * failed), KT_ERR_INTERRUPTED when cancellation skipped some.
 */
kt_status kt_pool_run(kt_pool *pool, size_t ntasks, kt_task_fn fn, void *shared,
                      void *const *worker_ctx, kt_task_result *results,
                      kt_pool_summary *summary, kt_error *err);

/* Stops and joins the threads (waiting for nothing: no batch is running). */
void kt_pool_free(kt_pool *pool);

#endif
