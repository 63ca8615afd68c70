/* tests/unit/test_worker_pool.c — results by task index, failure isolation, per-worker contexts, the caller as
 * worker 0, cancellation. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "core/hash.h"
#include "orchestrate/worker_pool.h"

#define NTASKS 200

typedef struct shared_out {
    uint64_t value[NTASKS];
    atomic_int order[NTASKS]; /* sequence number at which each task started */
    atomic_int seq;
    kt_cancel_flag *cancel;   /* tasks may request cancellation */
    int cancel_at;            /* task that sets the flag (-1: none) */
} shared_out;

typedef struct worker_ctx {
    pthread_t owner;
    int owner_set;
    int tasks_run;
    int foreign; /* times this context was used by another thread */
} worker_ctx;

static void nap_for(size_t task)
{
    /* Uneven task durations so completion order differs from index order. */
    struct timespec ts = { 0, (long)(kt_hash64(&task, sizeof task, 7) % 200) * 1000 };
    nanosleep(&ts, NULL);
}

static kt_status compute(void *wctx, void *shared, size_t task, kt_error *err)
{
    shared_out *out = shared;
    out->order[task] = atomic_fetch_add(&out->seq, 1);
    worker_ctx *w = wctx;
    if (w) {
        if (!w->owner_set) { w->owner = pthread_self(); w->owner_set = 1; }
        else if (!pthread_equal(w->owner, pthread_self())) w->foreign++;
        w->tasks_run++;
    }
    if (out->cancel_at >= 0 && (int)task > out->cancel_at) {
        /* Tasks after the cancelling one hold their worker until the flag is up, so
         * the number that run is bounded whatever the scheduling. */
        while (!kt_cancel_requested(out->cancel)) {
            struct timespec ts = { 0, 50 * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    nap_for(task);
    if ((int)task == out->cancel_at) kt_cancel_request(out->cancel, 2);
    if (task % 7 == 3) return kt_fail(err, KT_ERR_FORMAT, "task %zu: planted failure", task);
    out->value[task] = kt_hash64(&task, sizeof task, 42);
    return KT_OK;
}

static kt_status run_batch(size_t threads, shared_out *out, kt_task_result *res,
                           kt_pool_summary *sum, const kt_cancel_flag *cancel, kt_error *err)
{
    kt_pool *pool;
    kt_pool_config cfg = { .threads = threads, .cancel = cancel };
    KT_TRY(kt_pool_new(&cfg, &pool, err));
    kt_status s = kt_pool_run(pool, NTASKS, compute, out, NULL, res, sum, err);
    kt_pool_free(pool);
    return s;
}

TEST(results_are_indexed_by_task_whatever_the_thread_count)
{
    static shared_out a, b;
    static kt_task_result ra[NTASKS], rb[NTASKS];
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    a.cancel_at = b.cancel_at = -1;
    kt_error err;
    kt_pool_summary sa, sb;
    CHECK_OK(run_batch(1, &a, ra, &sa, NULL, &err), &err);
    CHECK_OK(run_batch(4, &b, rb, &sb, NULL, &err), &err);
    for (size_t i = 0; i < NTASKS; i++) {
        CHECK(ra[i].ran && rb[i].ran);
        CHECK_EQ_INT(ra[i].status, rb[i].status);
        CHECK_EQ_STR(ra[i].error.msg, rb[i].error.msg);
        CHECK_MSG(a.value[i] == b.value[i], "task %zu: outputs differ", i);
        if (i % 7 != 3) CHECK(a.value[i] == kt_hash64(&i, sizeof i, 42));
    }
    CHECK_EQ_INT(sa.ok, sb.ok);
    CHECK_EQ_INT(sa.failed, sb.failed);
}

TEST(one_thread_runs_tasks_in_index_order)
{
    static shared_out a;
    static kt_task_result r[NTASKS];
    memset(&a, 0, sizeof a);
    a.cancel_at = -1;
    kt_error err;
    CHECK_OK(run_batch(1, &a, r, NULL, NULL, &err), &err);
    for (int i = 0; i < NTASKS; i++) CHECK_EQ_INT(a.order[i], i);
}

TEST(failures_are_recorded_and_do_not_stop_the_pool)
{
    static shared_out a;
    static kt_task_result r[NTASKS];
    memset(&a, 0, sizeof a);
    a.cancel_at = -1;
    kt_error err;
    kt_pool *pool;
    kt_pool_config cfg = { .threads = 3 };
    CHECK_OK(kt_pool_new(&cfg, &pool, &err), &err);
    CHECK_EQ_INT(kt_pool_threads(pool), 3);
    for (int round = 0; round < 3; round++) { /* the pool is reusable batch after batch */
        kt_pool_summary sum;
        kt_status s = kt_pool_run(pool, NTASKS, compute, &a, NULL, r, &sum, &err);
        if (s != KT_OK) kt_pool_free(pool);
        CHECK_OK(s, &err);
        size_t expect_failed = 0;
        for (size_t i = 0; i < NTASKS; i++) {
            if (i % 7 == 3) {
                expect_failed++;
                if (r[i].status != KT_ERR_FORMAT || !strstr(r[i].error.msg, "planted failure")) {
                    kt_pool_free(pool);
                    CHECK_MSG(0, "task %zu: status %d msg '%s'", i, r[i].status, r[i].error.msg);
                }
            } else if (r[i].status != KT_OK || r[i].error.msg[0]) {
                kt_pool_free(pool);
                CHECK_MSG(0, "task %zu should be ok", i);
            }
        }
        if (sum.failed != expect_failed || sum.ok != NTASKS - expect_failed || sum.skipped) {
            kt_pool_free(pool);
            CHECK_MSG(0, "summary %zu ok %zu failed %zu skipped", sum.ok, sum.failed, sum.skipped);
        }
    }
    kt_pool_free(pool);
}

TEST(each_worker_owns_its_context)
{
    static shared_out a;
    static kt_task_result r[NTASKS];
    memset(&a, 0, sizeof a);
    a.cancel_at = -1;
    worker_ctx ctx[4] = { 0 };
    void *ptrs[4] = { &ctx[0], &ctx[1], &ctx[2], &ctx[3] };
    kt_error err;
    kt_pool *pool;
    kt_pool_config cfg = { .threads = 4 };
    CHECK_OK(kt_pool_new(&cfg, &pool, &err), &err);
    kt_status s = kt_pool_run(pool, NTASKS, compute, &a, ptrs, r, NULL, &err);
    kt_pool_free(pool);
    CHECK_OK(s, &err);
    int total = 0;
    for (int w = 0; w < 4; w++) {
        CHECK_EQ_INT(ctx[w].foreign, 0);
        total += ctx[w].tasks_run;
    }
    CHECK_EQ_INT(total, NTASKS);
    for (size_t i = 0; i < NTASKS; i++) CHECK(r[i].worker < 4);
}

/* Worker 0 is the thread that calls kt_pool_run (its heap is the one the
 * caller warmed up); the others are the pool's own threads. A pool of one
 * runs everything on the caller. Checked over two batches of one pool. */
typedef struct thread_log {
    pthread_t thread[NTASKS];
} thread_log;

static kt_status note_thread(void *wctx, void *shared, size_t task, kt_error *err)
{
    (void)wctx, (void)err;
    thread_log *log = shared;
    log->thread[task] = pthread_self();
    nap_for(task);
    return KT_OK;
}

TEST(worker_zero_is_the_calling_thread)
{
    for (size_t threads = 1; threads <= 3; threads += 2) {
        static thread_log log;
        static kt_task_result r[NTASKS];
        kt_error err;
        kt_pool *pool;
        kt_pool_config cfg = { .threads = threads };
        CHECK_OK(kt_pool_new(&cfg, &pool, &err), &err);
        for (int batch = 0; batch < 2; batch++) {
            CHECK_OK(kt_pool_run(pool, NTASKS, note_thread, &log, NULL, r, NULL, &err), &err);
            size_t on_caller = 0;
            for (size_t i = 0; i < NTASKS; i++) {
                bool caller = pthread_equal(log.thread[i], pthread_self()) != 0;
                CHECK_MSG(caller == (r[i].worker == 0), "task %zu: worker %zu, on caller %d", i, r[i].worker,
                          caller);
                on_caller += caller;
            }
            if (threads == 1) CHECK_EQ_INT(on_caller, NTASKS);
            else CHECK(on_caller > 0); /* the others may or may not get any: timing */
        }
        kt_pool_free(pool);
    }
}

TEST(cancellation_stops_claiming_new_tasks)
{
    for (size_t threads = 1; threads <= 4; threads += 3) {
        static shared_out a;
        static kt_task_result r[NTASKS];
        memset(&a, 0, sizeof a);
        kt_cancel_flag flag;
        atomic_init(&flag, 0);
        a.cancel = &flag;
        a.cancel_at = 20;
        kt_error err;
        kt_pool_summary sum;
        kt_status s = run_batch(threads, &a, r, &sum, &flag, &err);
        CHECK_EQ_INT(s, KT_ERR_INTERRUPTED);
        CHECK(strstr(err.msg, "not started") != NULL);
        CHECK(r[20].ran);
        /* Tasks 0..20 ran; each other worker held at most one later task when the flag
         * went up, and claims no more after it: at most 20 + threads tasks ran. */
        CHECK_MSG(sum.ok + sum.failed <= 20 + threads, "%zu ran", sum.ok + sum.failed);
        CHECK(sum.skipped >= NTASKS - 20 - threads);
        CHECK_EQ_INT(sum.ok + sum.failed + sum.skipped, NTASKS);
        if (threads == 1)
            for (size_t i = 0; i < NTASKS; i++) CHECK_EQ_INT(r[i].ran, i <= 20);
        for (size_t i = 0; i < NTASKS; i++)
            if (!r[i].ran) CHECK(r[i].status == KT_ERR_INTERRUPTED && a.value[i] == 0);
    }
}

TEST(a_cancelled_flag_runs_nothing)
{
    static shared_out a;
    static kt_task_result r[NTASKS];
    memset(&a, 0, sizeof a);
    a.cancel_at = -1;
    kt_cancel_flag flag;
    atomic_init(&flag, 15);
    kt_error err;
    kt_pool_summary sum;
    CHECK_EQ_INT(run_batch(2, &a, r, &sum, &flag, &err), KT_ERR_INTERRUPTED);
    CHECK_EQ_INT(sum.skipped, NTASKS);
    CHECK_EQ_INT(atomic_load(&a.seq), 0);
}

TEST(empty_batches_and_bad_configs)
{
    kt_error err;
    kt_pool *pool;
    kt_pool_config big = { .threads = KT_POOL_MAX_THREADS + 1 };
    CHECK_EQ_INT(kt_pool_new(&big, &pool, &err), KT_ERR_USAGE);
    CHECK(pool == NULL);
    CHECK_OK(kt_pool_new(NULL, &pool, &err), &err); /* default: online processors */
    CHECK(kt_pool_threads(pool) >= 1 && kt_pool_threads(pool) == kt_pool_default_threads());
    kt_pool_summary sum = { 9, 9, 9 };
    kt_status s = kt_pool_run(pool, 0, compute, NULL, NULL, NULL, &sum, &err);
    kt_pool_free(pool);
    CHECK_OK(s, &err);
    CHECK(sum.ok == 0 && sum.failed == 0 && sum.skipped == 0);
}

TEST_MAIN_BEGIN("worker_pool")
    RUN(ctx, results_are_indexed_by_task_whatever_the_thread_count);
    RUN(ctx, one_thread_runs_tasks_in_index_order);
    RUN(ctx, failures_are_recorded_and_do_not_stop_the_pool);
    RUN(ctx, each_worker_owns_its_context);
    RUN(ctx, worker_zero_is_the_calling_thread);
    RUN(ctx, cancellation_stops_claiming_new_tasks);
    RUN(ctx, a_cancelled_flag_runs_nothing);
    RUN(ctx, empty_batches_and_bad_configs);
TEST_MAIN_END()
