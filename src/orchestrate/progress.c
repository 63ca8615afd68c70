/*
 * orchestrate/progress.c — counting and the throttled bar. The mutex
 * guards the counters; drawing goes through kt_log_sticky (the log's own
 * mutex), always taken after ours, never the other way round.
 */
#include "orchestrate/progress.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

#define BAR_WIDTH 20
#define DEFAULT_REDRAW_NS (100 * 1000 * 1000LL)

struct kt_progress {
    kt_progress_config cfg;
    pthread_mutex_t mu;
    int64_t started_ns;
    int64_t phase_started_ns;
    int64_t last_draw_ns;
    bool drawn_once;
    int64_t draws;
    kt_phase phase;
    int64_t done, total;
    kt_run_counts counts;
};

static int64_t mono_clock(void *ctx)
{
    (void)ctx;
    return kt_clock_mono_ns();
}

static int64_t now(const kt_progress *p)
{
    return p->cfg.now_ns(p->cfg.clock_ctx);
}

kt_progress *kt_progress_new(const kt_progress_config *cfg)
{
    kt_progress *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cfg = *cfg;
    if (!p->cfg.now_ns) p->cfg.now_ns = mono_clock;
    if (p->cfg.min_redraw_ns <= 0) p->cfg.min_redraw_ns = DEFAULT_REDRAW_NS;
    pthread_mutex_init(&p->mu, NULL);
    p->started_ns = p->phase_started_ns = now(p);
    return p;
}

void kt_progress_free(kt_progress *p)
{
    if (!p) return;
    kt_progress_finish(p);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* "1234", "12.3k", "1.2M", "3.4G": the bar has no room for more digits. */
static void short_count(int64_t n, char *out, size_t cap)
{
    if (n < 10000) snprintf(out, cap, "%" PRId64, n);
    else if (n < 1000000) snprintf(out, cap, "%.1fk", n / 1e3);
    else if (n < 1000000000) snprintf(out, cap, "%.1fM", n / 1e6);
    else snprintf(out, cap, "%.1fG", n / 1e9);
}

static void clock_text(double seconds, char *out, size_t cap)
{
    int64_t s = (int64_t)(seconds + 0.5);
    if (s >= 3600) snprintf(out, cap, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
    else snprintf(out, cap, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

int kt_progress_render(const kt_progress_view *v, char *buf, size_t cap)
{
    bool files = v->phase != KT_PHASE_PROCESS;
    const char *unit = files ? "files" : "runs";
    int64_t total = v->total > 0 ? v->total : 0;
    int64_t done = v->done < 0 ? 0 : v->done > total ? total : v->done;
    char bar[BAR_WIDTH + 1];
    int filled = total ? (int)(done * BAR_WIDTH / total) : 0;
    for (int i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    double secs = v->phase_elapsed_ns / 1e9;
    double rate = secs > 0 && done > 0 ? done / secs : 0;
    char eta[32] = "--:--";
    if (rate > 0) clock_text((double)(total - done) / rate, eta, sizeof eta);
    char tail[160];
    if (files) {
        char readings[32];
        short_count(v->counts.readings_accepted, readings, sizeof readings);
        snprintf(tail, sizeof tail, "%s readings, %" PRId64 " quarantined, %" PRId64 " failed",
                 readings, v->counts.readings_quarantined, v->counts.files_failed);
    } else {
        snprintf(tail, sizeof tail, "%" PRId64 " failed", v->counts.runs_failed);
    }
    int width = snprintf(NULL, 0, "%" PRId64, total);
    return snprintf(buf, cap, "%-7s [%s] %*" PRId64 "/%" PRId64 " %s  %.1f %s/s  ETA %s | %s",
                    files ? "ingest" : "process", bar, width, done, total, unit, rate, unit, eta,
                    tail);
}

/* Draws if enabled and due (or forced); called with p->mu held. */
static void maybe_draw(kt_progress *p, bool force)
{
    if (!p->cfg.enabled || p->phase == KT_PHASE_IDLE) return;
    int64_t t = now(p);
    if (!force && p->drawn_once && t - p->last_draw_ns < p->cfg.min_redraw_ns) return;
    kt_progress_view v = { p->phase, p->done, p->total, t - p->phase_started_ns, p->counts };
    char line[256];
    kt_progress_render(&v, line, sizeof line);
    kt_log_sticky(p->cfg.log, line);
    p->last_draw_ns = t;
    p->drawn_once = true;
    p->draws++;
}

void kt_progress_phase(kt_progress *p, kt_phase phase, int64_t total)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->phase = phase;
    p->total = total < 0 ? 0 : total;
    p->done = 0;
    p->phase_started_ns = now(p);
    maybe_draw(p, true);
    pthread_mutex_unlock(&p->mu);
}

void kt_progress_file_done(kt_progress *p, bool ok, int64_t readings_accepted,
                           int64_t readings_quarantined)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    if (ok) p->counts.files_ingested++;
    else p->counts.files_failed++;
    p->counts.readings_accepted += readings_accepted;
    p->counts.readings_quarantined += readings_quarantined;
    p->done++;
    maybe_draw(p, p->done == p->total);
    pthread_mutex_unlock(&p->mu);
}

void kt_progress_run_done(kt_progress *p, bool ok)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    if (ok) p->counts.runs_processed++;
    else p->counts.runs_failed++;
    p->done++;
    maybe_draw(p, p->done == p->total);
    pthread_mutex_unlock(&p->mu);
}

void kt_progress_item_skipped(kt_progress *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->done++;
    maybe_draw(p, p->done == p->total);
    pthread_mutex_unlock(&p->mu);
}

void kt_progress_finish(kt_progress *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    if (p->cfg.enabled && p->drawn_once) kt_log_sticky(p->cfg.log, NULL);
    p->phase = KT_PHASE_IDLE;
    p->drawn_once = false;
    pthread_mutex_unlock(&p->mu);
}

void kt_progress_counts(kt_progress *p, kt_run_counts *out)
{
    if (!p) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&p->mu);
    *out = p->counts;
    pthread_mutex_unlock(&p->mu);
}

double kt_progress_elapsed_s(kt_progress *p)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->mu);
    double s = (now(p) - p->started_ns) / 1e9;
    pthread_mutex_unlock(&p->mu);
    return s;
}

int64_t kt_progress_draws(kt_progress *p)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->mu);
    int64_t d = p->draws;
    pthread_mutex_unlock(&p->mu);
    return d;
}
