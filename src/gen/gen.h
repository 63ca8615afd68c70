/*
 * gen/gen.h — `kinetl gen`: realistic source data with known ground truth.
 *
 * Contract: kt_gen_generate writes, under opts->out_dir, Parquet files laid
 * out and typed like the real source (SPEC §1) —
 * delivery_date=YYYYMMDD/part-NNNNN.parquet — plus _anomalies.json (the
 * manifest: files, runs, injected anomalies and where they landed), and,
 * if asked, the truth summary (JSON) and truth samples (Parquet).
 * The output is a pure function of the options except `threads`: the same
 * seed gives byte-identical files with any number of threads. Memory is
 * bounded by threads x (one file's write window + one row group), whatever
 * the number of rows.
 */
#ifndef KT_GEN_GEN_H
#define KT_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gen/model.h"

typedef struct kt_gen_options {
    const char *out_dir;
    kt_gen_profile profile;
    int runs;                   /* scale: number of runs (default 10) */
    double minutes;             /* scale: length of each run (default 10) */
    int files_per_day;          /* 0 = profile default */
    uint64_t seed;
    int threads;                /* 0 = number of processors */
    double noise;               /* multiplier of the noise sigmas (1 = default, 0 = exact) */
    bool anomalies;             /* sample: inject the anomaly plan (default true) */
    bool force;                 /* write into a non-empty directory */
    const char *truth_path;     /* NULL = no truth summary */
    const char *truth_samples_path; /* NULL = no truth samples */
    size_t window_rows;         /* rows shuffled together in a file (0 = 65536) */
    size_t row_group_rows;      /* 0 = 262144 */
} kt_gen_options;

void kt_gen_options_default(kt_gen_options *o);

typedef struct kt_gen_result {
    int files;                  /* Parquet source files written */
    int64_t rows;
    size_t runs;
    int anomalies;
    double seconds;
} kt_gen_result;

kt_status kt_gen_generate(const kt_gen_options *opts, kt_gen_result *res, kt_error *err);

/* Builds the model (runs, layout, anomaly plan) the options describe. */
kt_status kt_gen_build_model(const kt_gen_options *opts, kt_gen_model *m, kt_error *err);

/* Default noise: encoder sigma in mm and load-cell sigma in N at noise = 1. */
#define KT_GEN_NOISE_MM 0.01
#define KT_GEN_NOISE_N 5.0

#endif
