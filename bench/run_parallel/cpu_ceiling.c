/*
 * bench/run_parallel/cpu_ceiling.c — how much parallel speed-up the machine
 * offers right now: the same fixed work on 1 thread, then split over 2
 * threads, alternating, best of N. Three kinds of work, because a shared
 * machine scales them differently:
 *   spin    xorshift in registers: no memory traffic (about 2.0 when idle);
 *   random  read-modify-write of random slots of a 48 MiB table per thread
 *           (like a hash set that does not fit in cache);
 *   copy    memcpy of 64 MiB buffers per thread (memory bandwidth).
 * A pipeline is a mix of all three, so its -j 2 speed-up sits between them.
 *
 *   cpu_ceiling [repeats] [spin|random|copy]
 *     -> one line: "ceiling 1.93 (1 thread 0.41 s, 2 threads 0.21 s)"
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPIN_WORK 600000000ULL
#define RANDOM_WORK 40000000ULL
#define COPY_WORK 24ULL
#define TABLE_SLOTS ((size_t)48 << 20 >> 3)
#define COPY_BYTES ((size_t)64 << 20)

typedef enum { SPIN, RANDOM, COPY } kind;

typedef struct job {
    kind kind;
    uint64_t share;
    uint64_t *table;
    char *from, *to;
} job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *work(void *arg)
{
    job *j = arg;
    uint64_t x = 88172645463325252ULL, sum = 0;
    for (uint64_t i = 0; i < j->share; i++) {
        if (j->kind == COPY) { /* the byte changed each time keeps the copy from being elided */
            memcpy(j->to, j->from, COPY_BYTES);
            j->from[i % COPY_BYTES]++;
            continue;
        }
        x ^= x << 13; /* xorshift: the spin work, and the random slot */
        x ^= x >> 7;
        x ^= x << 17;
        if (j->kind == RANDOM) sum += j->table[x & (TABLE_SLOTS - 1)]++;
    }
    return (void *)(uintptr_t)((x ^ sum) & 1);
}

static double timed(job *jobs, int threads, uint64_t total)
{
    pthread_t t[2];
    double start = now();
    for (int i = 0; i < threads; i++) {
        jobs[i].share = total / (uint64_t)threads;
        pthread_create(&t[i], NULL, work, &jobs[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return now() - start;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    const char *name = argc > 2 ? argv[2] : "spin";
    kind k = !strcmp(name, "random") ? RANDOM : !strcmp(name, "copy") ? COPY : SPIN;
    uint64_t total = k == RANDOM ? RANDOM_WORK : k == COPY ? COPY_WORK : SPIN_WORK;
    job jobs[2];
    for (int i = 0; i < 2; i++) {
        jobs[i] = (job){ .kind = k };
        if (k == RANDOM && !(jobs[i].table = calloc(TABLE_SLOTS, sizeof(uint64_t)))) return 1;
        if (k == COPY) {
            jobs[i].from = malloc(COPY_BYTES);
            jobs[i].to = malloc(COPY_BYTES);
            if (!jobs[i].from || !jobs[i].to) return 1;
            memset(jobs[i].from, 1, COPY_BYTES); /* touched before the clock */
            memset(jobs[i].to, 2, COPY_BYTES);
        }
        if (k == RANDOM) memset(jobs[i].table, 0, TABLE_SLOTS * sizeof(uint64_t));
    }
    double one = 1e9, two = 1e9;
    for (int r = 0; r < repeats; r++) {
        double a = timed(jobs, 1, total), b = timed(jobs, 2, total);
        if (a < one) one = a;
        if (b < two) two = b;
    }
    printf("ceiling %.2f (1 thread %.3f s, 2 threads %.3f s)\n", one / two, one, two);
    for (int i = 0; i < 2; i++) {
        free(jobs[i].table);
        free(jobs[i].from);
        free(jobs[i].to);
    }
    return 0;
}
