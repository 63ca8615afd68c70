/*
 * cli/csv_parallel.c — CSV rows of one batch rendered on two threads (see
 * csv_parallel.h).
 *
 * Chunks are claimed in row order by whichever thread is free; the calling
 * thread also writes them, always the next one in order as soon as it is
 * rendered, so neither thread waits on a fixed share while the other works.
 * A chunk is claimed only when its slot (chunk index modulo SLOTS) has been
 * written out: at most SLOTS chunks of text exist at a time. Each slot has
 * its own rendering state (buffer and memos), used by one thread at a time.
 */
#include "cli/csv_parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define SLOTS 4

typedef struct slot {
    kt_row_cells *cells;
    size_t chunk;        /* the chunk it holds or is rendering */
    bool done;
    kt_status status;
} slot;

typedef struct job {
    kt_row_writer *w;
    const kt_column *cols;
    size_t from, count, nchunks;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next_claim;   /* the next chunk nobody renders yet */
    size_t written;      /* chunks written out, in order */
    bool stop;           /* an error: the helper leaves */
} job;

/* The slot states live in the writer so their memos and buffers outlive a batch. */
static slot *slots_of(kt_row_writer *w) { return (slot *)w->parallel_slots; }

static kt_status ensure_slots(kt_row_writer *w)
{
    if (w->parallel_slots) return KT_OK;
    slot *s = calloc(SLOTS, sizeof *s);
    if (!s) return KT_ERR_NOMEM;
    for (int i = 0; i < SLOTS; i++) {
        s[i].cells = kt_row_cells_new(w->ncols);
        if (!s[i].cells) {
            for (int k = 0; k < i; k++) kt_row_cells_free(s[k].cells);
            free(s);
            return KT_ERR_NOMEM;
        }
    }
    w->parallel_slots = s;
    return KT_OK;
}

void kt_csv_parallel_free(kt_row_writer *w)
{
    slot *s = slots_of(w);
    if (!s) return;
    for (int i = 0; i < SLOTS; i++) kt_row_cells_free(s[i].cells);
    free(s);
    w->parallel_slots = NULL;
}

/* Under the lock: claims the next chunk if its slot is free; SIZE_MAX if none. */
static size_t claim(job *j)
{
    if (j->stop || j->next_claim >= j->nchunks || j->next_claim >= j->written + SLOTS) return SIZE_MAX;
    size_t k = j->next_claim++;
    slot *s = &slots_of(j->w)[k % SLOTS];
    s->chunk = k;
    s->done = false;
    return k;
}

/* Renders chunk k into its slot, then publishes it (takes and leaves the lock held). */
static void render_chunk(job *j, size_t k)
{
    slot *s = &slots_of(j->w)[k % SLOTS];
    pthread_mutex_unlock(&j->lock);
    size_t a = j->from + k * KT_CSV_CHUNK_ROWS;
    size_t b = a + KT_CSV_CHUNK_ROWS < j->from + j->count ? a + KT_CSV_CHUNK_ROWS : j->from + j->count;
    kt_status st = kt_row_writer_csv_chunk(j->w, s->cells, j->cols, j->w->fast, a, b);
    pthread_mutex_lock(&j->lock);
    s->status = st;
    s->done = true;
    pthread_cond_broadcast(&j->changed);
}

static void *helper(void *arg)
{
    job *j = arg;
    pthread_mutex_lock(&j->lock);
    while (!j->stop && j->next_claim < j->nchunks) {
        size_t k = claim(j);
        if (k == SIZE_MAX) pthread_cond_wait(&j->changed, &j->lock);
        else render_chunk(j, k);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* The calling thread: writes the next chunk when ready, else renders one, else waits. */
static kt_status lead(job *j, kt_error *err)
{
    kt_status st = KT_OK;
    pthread_mutex_lock(&j->lock);
    while (st == KT_OK && j->written < j->nchunks) {
        slot *s = &slots_of(j->w)[j->written % SLOTS];
        if (s->chunk == j->written && s->done && j->written < j->next_claim) {
            pthread_mutex_unlock(&j->lock);
            st = s->status;
            if (st != KT_OK)
                st = kt_fail(err, st, "%s: out of memory formatting rows", j->w->out_name);
            else
                st = kt_row_writer_write_cells(j->w, s->cells, err);
            pthread_mutex_lock(&j->lock);
            j->written++;
            pthread_cond_broadcast(&j->changed);
            continue;
        }
        size_t k = claim(j);
        if (k == SIZE_MAX) pthread_cond_wait(&j->changed, &j->lock);
        else render_chunk(j, k);
    }
    j->stop = true;
    pthread_cond_broadcast(&j->changed);
    pthread_mutex_unlock(&j->lock);
    return st;
}

kt_status kt_csv_rows_parallel(kt_row_writer *w, const kt_column *cols, size_t from, size_t count, kt_error *err)
{
    if (ensure_slots(w) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", w->out_name);
    KT_TRY(kt_row_writer_drain(w, err));   /* the header and earlier rows go first */
    kt_row_writer_csv_paths(w, cols, w->fast);
    job j = { .w = w, .cols = cols, .from = from, .count = count,
              .nchunks = (count + KT_CSV_CHUNK_ROWS - 1) / KT_CSV_CHUNK_ROWS };
    for (int i = 0; i < SLOTS; i++) {   /* text left by a batch that failed is dropped */
        kt_row_cells_reset(slots_of(w)[i].cells);
        slots_of(w)[i] = (slot){ .cells = slots_of(w)[i].cells, .chunk = SIZE_MAX };
    }
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.changed, NULL);
    pthread_t t;
    bool started = pthread_create(&t, NULL, helper, &j) == 0;   /* without it, the lead renders alone */
    kt_status st = lead(&j, err);
    if (started) pthread_join(t, NULL);
    pthread_cond_destroy(&j.changed);
    pthread_mutex_destroy(&j.lock);
    return st;
}
