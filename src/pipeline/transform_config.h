/*
 * pipeline/transform_config.h — the knobs of per-run processing, their
 * defaults, parsing from text, and the config hash.
 *
 * Contract: kt_transform_config_default() gives the documented defaults
 * (docs/TRANSFORM.md). Every field that can change the contents of
 * aligned/features/run_stats is part of the canonical text and therefore
 * of kt_transform_config_hash(); limits that only decide whether a run
 * fails (max_rows) are not. The hash is stable across machines and
 * releases until KT_TRANSFORM_VERSION changes (bump it whenever the
 * algorithms change their output).
 */
#ifndef KT_PIPELINE_TRANSFORM_CONFIG_H
#define KT_PIPELINE_TRANSFORM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define KT_TRANSFORM_VERSION 1

typedef enum kt_align_strategy {
    KT_ALIGN_UNION, /* one row per distinct timestamp of the run's valid readings */
    KT_ALIGN_GRID,  /* one row per start + k * grid_period_us up to stop */
} kt_align_strategy;

typedef struct kt_transform_config {
    kt_align_strategy align;
    int64_t grid_period_us;        /* KT_ALIGN_GRID only; >= 1 */
    int64_t max_gap_us;            /* interpolate / hold / differentiate up to this gap; default 500000 */
    int hampel_half_window;        /* k samples each side; default 5; 1..50 */
    double hampel_threshold;       /* t in t * 1.4826 * MAD; default 3.0; > 0 */
    double hampel_min_deviation;   /* mm; a sample closer than this to its window median is never a spike; default 1.0 */
    size_t max_rows;               /* bound on aligned rows (grid); default 20,000,000; not hashed */
} kt_transform_config;

void kt_transform_config_default(kt_transform_config *cfg);

/* KT_ERR_USAGE with a one-line reason when a field is out of range. */
kt_status kt_transform_config_validate(const kt_transform_config *cfg, kt_error *err);

/*
 * Sets one knob from text, as a user would write it on a command line:
 *   align            union | grid:<duration>     (e.g. grid:10ms)
 *   max_gap          <duration>                  (e.g. 0.5s, 500ms)
 *   hampel_window    <int>   (half window k)
 *   hampel_threshold <number>
 *   hampel_min_deviation <number> (mm)
 *   max_rows         <int>
 */
kt_status kt_transform_config_set(kt_transform_config *cfg, const char *key, const char *value,
                                  kt_error *err);

/* "<number><unit>" with unit us, ms or s (required); must be a whole number of µs, >= 0. */
kt_status kt_parse_duration_us(const char *text, int64_t *out_us, kt_error *err);

/* Canonical text of the hashed fields, e.g.
 * "kinetl-transform/1 align=union max_gap_us=500000 hampel_half_window=5 ..."
 * Returns the length snprintf would write (like snprintf). */
int kt_transform_config_canonical(const kt_transform_config *cfg, char *buf, size_t size);

/* xxh3 of the canonical text. */
uint64_t kt_transform_config_hash(const kt_transform_config *cfg);
/* The hash as 16 lower-case hex digits plus NUL. */
void kt_transform_config_hash_hex(const kt_transform_config *cfg, char out[17]);

#endif
