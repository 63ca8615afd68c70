/*
 * orchestrate/progress.h — the progress bar of a pipeline run: files
 * ingested, runs processed, rate and ETA of the current phase.
 *
 * Contract: the bar is the logger's sticky line, so log messages scroll
 * above it and never tear it. It is drawn only when enabled (normally:
 * stderr is a terminal, kt_log_is_terminal) and redrawn at most once per
 * min_redraw_ns (default 100 ms: at most 10 times a second) except when a
 * phase starts or completes. Disabled, it only counts — quiet output for
 * pipes and logs. Every function may be called from any worker thread;
 * a NULL kt_progress * is accepted and does nothing.
 */
#ifndef KT_ORCHESTRATE_PROGRESS_H
#define KT_ORCHESTRATE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/log.h"
#include "orchestrate/run_counts.h"

typedef enum kt_phase { KT_PHASE_IDLE, KT_PHASE_INGEST, KT_PHASE_PROCESS } kt_phase;

typedef struct kt_progress kt_progress;

typedef struct kt_progress_config {
    kt_log *log;                        /* where the bar is drawn (sticky line) */
    bool enabled;                       /* draw at all */
    int64_t min_redraw_ns;              /* 0 = 100 ms */
    int64_t (*now_ns)(void *clock_ctx); /* NULL = kt_clock_mono_ns (tests inject a clock) */
    void *clock_ctx;
} kt_progress_config;

/* NULL on allocation failure (callers may carry on with a NULL progress). */
kt_progress *kt_progress_new(const kt_progress_config *cfg);
/* Erases the bar and frees. */
void kt_progress_free(kt_progress *p);

/* Starts a phase with `total` items (files or runs) to do. */
void kt_progress_phase(kt_progress *p, kt_phase phase, int64_t total);
void kt_progress_file_done(kt_progress *p, bool ok, int64_t readings_accepted,
                           int64_t readings_quarantined);
void kt_progress_run_done(kt_progress *p, bool ok);
/* An item of the phase needed no work (a file already ingested, a run found
 * current): it advances the bar without counting as ingested or processed. */
void kt_progress_item_skipped(kt_progress *p);
/* Erases the bar (before printing the summary); counting goes on. */
void kt_progress_finish(kt_progress *p);

/* Totals so far and wall time since kt_progress_new. */
void kt_progress_counts(kt_progress *p, kt_run_counts *out);
double kt_progress_elapsed_s(kt_progress *p);
/* How many times the bar was drawn (tests check the redraw limit). */
int64_t kt_progress_draws(kt_progress *p);

/* What one bar shows; rendering is a pure function of it. */
typedef struct kt_progress_view {
    kt_phase phase;
    int64_t done, total;      /* items of the current phase */
    int64_t phase_elapsed_ns; /* since the phase started */
    kt_run_counts counts;
} kt_progress_view;

/* Writes the bar text, e.g.
 * "ingest  [#####...............]  12/40 files  3.1 files/s  ETA 0:09 | 1.2M readings, 12 quarantined, 1 failed"
 * Returns the length (like snprintf). */
int kt_progress_render(const kt_progress_view *v, char *buf, size_t cap);

#endif
