/*
 * orchestrate/worker_pool.c — persistent threads, one batch at a time.
 * A batch is published under the mutex with a new generation number;
 * workers claim task indices from `next` under the same mutex (claims are
 * rare next to the work of a task, so one lock is plenty) and the last
 * worker to go idle wakes kt_pool_run.
 *
 * Worker 0 is the thread calling kt_pool_run; the pool starts only
 * workers 1..N-1. Besides saving a thread, that keeps the scheduler's
 * heap in use: glibc gives each thread its own malloc arena, and the
 * memory the calling thread freed after ingest is what worker 0 reuses.
 */
#include "orchestrate/worker_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"

typedef struct batch {
    size_t ntasks;
    kt_task_fn fn;
    void *shared;
    void *const *worker_ctx;
    kt_task_result *results;
} batch;

typedef struct worker {
    kt_pool *pool;
    size_t index;
    pthread_t thread;
} worker;

struct kt_pool {
    size_t nthreads;
    const kt_cancel_flag *cancel;
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a batch was published, or shutdown */
    pthread_cond_t idle;  /* a worker finished its part of the batch */
    uint64_t generation;  /* bumped per batch */
    batch current;
    size_t next;          /* next task index to claim */
    size_t busy;          /* started workers still inside the current batch */
    bool shutdown;
    worker *workers;
    size_t started;       /* threads successfully created (workers 1..started) */
};

size_t kt_pool_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    if (n > KT_POOL_MAX_THREADS) return KT_POOL_MAX_THREADS;
    return (size_t)n;
}

/* Claims the next task index, or returns false when the batch is drained or cancelled. */
static bool claim_task(kt_pool *pool, size_t *task)
{
    bool got = false;
    pthread_mutex_lock(&pool->mu);
    if (!kt_cancel_requested(pool->cancel) && pool->next < pool->current.ntasks) {
        *task = pool->next++;
        got = true;
    }
    pthread_mutex_unlock(&pool->mu);
    return got;
}

static void run_task(const batch *b, size_t w, size_t task)
{
    kt_task_result *r = &b->results[task];
    kt_error_clear(&r->error);
    void *ctx = b->worker_ctx ? b->worker_ctx[w] : NULL;
    int64_t t0 = kt_clock_mono_ns();
    kt_status s = b->fn(ctx, b->shared, task, &r->error);
    r->elapsed_ns = kt_clock_mono_ns() - t0;
    r->status = s;
    r->ran = true;
    r->worker = w;
    if (s != KT_OK && !r->error.msg[0])
        kt_fail(&r->error, s, "task %zu failed: %s", task, kt_strerror(s));
    if (s == KT_OK) r->error.msg[0] = '\0';
}

static void *worker_main(void *arg)
{
    worker *self = arg;
    kt_pool *pool = self->pool;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        while (!pool->shutdown && pool->generation == seen)
            pthread_cond_wait(&pool->work, &pool->mu);
        if (pool->shutdown) {
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
        seen = pool->generation;
        batch b = pool->current;
        pthread_mutex_unlock(&pool->mu);

        size_t task;
        while (claim_task(pool, &task))
            run_task(&b, self->index, task);

        pthread_mutex_lock(&pool->mu);
        if (--pool->busy == 0) pthread_cond_signal(&pool->idle);
        pthread_mutex_unlock(&pool->mu);
    }
}

static void stop_threads(kt_pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = true;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->mu);
    for (size_t i = 1; i <= pool->started; i++) pthread_join(pool->workers[i].thread, NULL);
    pool->started = 0;
}

kt_status kt_pool_new(const kt_pool_config *cfg, kt_pool **out, kt_error *err)
{
    *out = NULL;
    size_t n = cfg && cfg->threads ? cfg->threads : kt_pool_default_threads();
    if (n > KT_POOL_MAX_THREADS)
        return kt_fail(err, KT_ERR_USAGE, "worker pool: %zu threads requested, at most %d", n,
                       KT_POOL_MAX_THREADS);
    kt_pool *pool = calloc(1, sizeof *pool);
    worker *workers = calloc(n, sizeof *workers);
    if (!pool || !workers) {
        free(pool);
        free(workers);
        return kt_fail(err, KT_ERR_NOMEM, "worker pool: out of memory for %zu threads", n);
    }
    pool->nthreads = n;
    pool->cancel = cfg ? cfg->cancel : NULL;
    pool->workers = workers;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->work, NULL);
    pthread_cond_init(&pool->idle, NULL);
    for (size_t i = 1; i < n; i++) { /* worker 0 is the caller of kt_pool_run */
        workers[i] = (worker){ .pool = pool, .index = i };
        int rc = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
        if (rc != 0) {
            kt_pool_free(pool);
            return kt_fail_errno(err, KT_ERR_IO, rc, "worker pool: cannot start thread %zu of %zu",
                                 i + 1, n);
        }
        pool->started++;
    }
    *out = pool;
    return KT_OK;
}

size_t kt_pool_threads(const kt_pool *pool)
{
    return pool->nthreads;
}

static kt_pool_summary summarize(size_t ntasks, const kt_task_result *results)
{
    kt_pool_summary s = { 0 };
    for (size_t i = 0; i < ntasks; i++) {
        if (!results[i].ran) s.skipped++;
        else if (results[i].status == KT_OK) s.ok++;
        else s.failed++;
    }
    return s;
}

kt_status kt_pool_run(kt_pool *pool, size_t ntasks, kt_task_fn fn, void *shared,
                      void *const *worker_ctx, kt_task_result *results,
                      kt_pool_summary *summary, kt_error *err)
{
    if (!fn || (ntasks && !results))
        return kt_fail(err, KT_ERR_USAGE, "worker pool: no task function or result array");
    for (size_t i = 0; i < ntasks; i++) {
        results[i] = (kt_task_result){ .status = KT_ERR_INTERRUPTED, .ran = false };
        kt_fail(&results[i].error, KT_ERR_INTERRUPTED, "task %zu skipped: cancelled", i);
    }
    pthread_mutex_lock(&pool->mu);
    pool->current = (batch){ ntasks, fn, shared, worker_ctx, results };
    pool->next = 0;
    pool->busy = pool->started;
    pool->generation++;
    pthread_cond_broadcast(&pool->work);
    batch b = pool->current;
    pthread_mutex_unlock(&pool->mu);
    size_t task;
    while (claim_task(pool, &task)) run_task(&b, 0, task);
    pthread_mutex_lock(&pool->mu);
    while (pool->busy > 0) pthread_cond_wait(&pool->idle, &pool->mu);
    pool->current = (batch){ 0 };
    pthread_mutex_unlock(&pool->mu);

    kt_pool_summary s = summarize(ntasks, results);
    if (summary) *summary = s;
    if (s.skipped)
        return kt_fail(err, KT_ERR_INTERRUPTED, "cancelled: %zu of %zu tasks not started",
                       s.skipped, ntasks);
    return KT_OK;
}

void kt_pool_free(kt_pool *pool)
{
    if (!pool) return;
    stop_threads(pool);
    pthread_cond_destroy(&pool->work);
    pthread_cond_destroy(&pool->idle);
    pthread_mutex_destroy(&pool->mu);
    free(pool->workers);
    free(pool);
}
