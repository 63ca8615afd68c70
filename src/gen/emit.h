/*
 * gen/emit.h — turns the model into files: one job per output file, run
 * by a pool of threads, each job streaming its rows through a shuffle
 * window into a sink.
 *
 * Contract: job j's rows are exactly the readings whose destination is j
 * (plus the added rows the anomaly plan assigns to j), generated run by
 * run in time chunks, shuffled within windows of `window_rows` rows by a
 * permutation drawn from (seed, job, window) — so a file's bytes never
 * depend on `threads`. Fills rows_per_job[0..njobs) and each anomaly's
 * out_job and out_row. Memory per thread: one window (36 bytes a row) plus
 * its six columns, whatever the file's size; the sink adds its own.
 */
#ifndef KT_GEN_EMIT_H
#define KT_GEN_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gen/model.h"
#include "gen/sink.h"

kt_status kt_gen_emit(kt_gen_model *m, const kt_gen_sink *sink, int threads, size_t window_rows,
                      int64_t *rows_per_job, kt_error *err);

#endif
