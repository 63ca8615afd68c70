/*
 * lake/delta/prefetch.c — parallel reading and JSON parsing of a range of
 * commits for snapshot loads. Parsing dominates replay (jansson), while
 * applying actions is cheap and must happen in version order; so worker
 * threads claim versions in order, parse them into a ring of bounded size,
 * and the caller takes them out in order. Errors are reported when their
 * version is reached, exactly as a sequential replay would report them.
 * The threads live only inside one load: no global state.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lake/delta/internal.h"

#define MAX_THREADS 8
#define WINDOW 256

typedef struct slot {
    kt_delta_parsed parsed;
    kt_status st;
    kt_error err;
    bool ready;
} slot;

struct kt_delta_prefetch {
    const kt_delta_table *t;
    const char *skip_kind;
    int64_t to;
    int64_t next_claim, next_take;
    bool stop;
    slot ring[WINDOW];
    pthread_mutex_t mu;
    pthread_cond_t ready, space;
    pthread_t threads[MAX_THREADS];
    int nthreads;
};

static void parse_one(kt_delta_prefetch *p, int64_t v, slot *out, kt_buf *data)
{
    out->st = kt_delta_read_commit(p->t, v, data, &out->parsed.mtime, &out->err);
    if (out->st == KT_OK)
        out->st = kt_delta_parse_lines(p->t, v, data->data, data->len, p->skip_kind, &out->parsed,
                                       &out->err);
    out->parsed.version = v;
}

static void *worker(void *arg)
{
    kt_delta_prefetch *p = arg;
    kt_buf data;
    kt_buf_init(&data);
    slot local = { 0 };
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next_claim <= p->to && p->next_claim >= p->next_take + WINDOW)
            pthread_cond_wait(&p->space, &p->mu);
        if (p->stop || p->next_claim > p->to) break;
        int64_t v = p->next_claim++;
        pthread_mutex_unlock(&p->mu);
        local.parsed.n = 0;
        parse_one(p, v, &local, &data);
        pthread_mutex_lock(&p->mu);
        slot *s = &p->ring[v % WINDOW];   /* free: v < next_take + WINDOW */
        kt_delta_parsed spare = s->parsed;  /* swap line arrays to reuse memory */
        s->parsed = local.parsed;
        s->st = local.st;
        s->err = local.err;
        s->ready = true;
        local.parsed = spare;
        pthread_cond_broadcast(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    kt_delta_parsed_free(&local.parsed);
    kt_buf_free(&data);
    return NULL;
}

kt_status kt_delta_prefetch_start(const kt_delta_table *t, int64_t from, int64_t to,
                                  int threads, const char *skip_kind, kt_delta_prefetch **out,
                                  kt_error *err)
{
    *out = NULL;
    kt_delta_prefetch *p = calloc(1, sizeof *p);
    if (!p) return kt_fail(err, KT_ERR_NOMEM, "%s: replay threads", t->dir);
    p->t = t;
    p->skip_kind = skip_kind;
    p->to = to;
    p->next_claim = p->next_take = from;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->space, NULL);
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0) break;
        p->nthreads++;
    }
    if (p->nthreads == 0) {
        kt_delta_prefetch_stop(p);
        return kt_fail(err, KT_ERR_NOMEM, "%s: cannot start replay threads", t->dir);
    }
    *out = p;
    return KT_OK;
}

kt_status kt_delta_prefetch_next(kt_delta_prefetch *p, kt_delta_parsed *out, kt_error *err)
{
    pthread_mutex_lock(&p->mu);
    int64_t v = p->next_take;
    if (v > p->to) {
        pthread_mutex_unlock(&p->mu);
        return kt_fail(err, KT_ERR_INTERNAL, "%s: replay read past version %lld", p->t->dir,
                       (long long)p->to);
    }
    slot *s = &p->ring[v % WINDOW];
    while (!s->ready) pthread_cond_wait(&p->ready, &p->mu);
    kt_delta_parsed_clear(out);
    kt_delta_parsed mine = *out;      /* hand over the parsed lines, keep arrays cycling */
    *out = s->parsed;
    s->parsed = mine;
    kt_status st = s->st;
    if (st != KT_OK && err) *err = s->err;
    s->ready = false;
    p->next_take = v + 1;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->mu);
    return st;
}

void kt_delta_prefetch_stop(kt_delta_prefetch *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    for (int i = 0; i < WINDOW; i++) kt_delta_parsed_free(&p->ring[i].parsed);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->ready);
    pthread_cond_destroy(&p->space);
    free(p);
}
