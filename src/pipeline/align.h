/*
 * pipeline/align.h — the wide, aligned table of one run (SPEC §2 `aligned`,
 * §3 "Alignment").
 *
 * Contract:
 *  - Timeline. KT_ALIGN_UNION: one row per distinct time at which some
 *    channel has a valid sample (after duplicates, conflicts and spikes are
 *    resolved — a time whose only readings were conflicting or spikes gets
 *    no row). KT_ALIGN_GRID: rows at start + k * period for every k with
 *    start + k * period <= stop, start/stop being the first/last valid
 *    sample of the run. Either way more than cfg->max_rows rows is
 *    KT_ERR_USAGE.
 *  - Channel cell at row time tau: kt_series_at() (pipeline/series.h):
 *    measured, interpolated, held, or null (value 0, valid 0).
 *  - Provenance: bit i (channel order of channels.h) of measured_mask /
 *    interpolated_mask / held_mask is set when cell i is measured /
 *    interpolated / held; no bit set in any mask <=> the cell is null.
 *    The three masks are never null.
 *  - The columns are owned by the kt_aligned and reused run after run.
 */
#ifndef KT_PIPELINE_ALIGN_H
#define KT_PIPELINE_ALIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "pipeline/channels.h"
#include "pipeline/run_readings.h"
#include "pipeline/transform_config.h"

/* A column as the table writer sees it. timestamp: INT64 holding UTC µs. */
typedef struct kt_named_column {
    const char *name;
    const kt_column *column;
    bool timestamp;
} kt_named_column;

typedef struct kt_aligned {
    size_t rows;
    kt_column time;                  /* INT64 UTC µs, never null, strictly increasing */
    kt_column channel[KT_CHANNELS];  /* DOUBLE, nullable; fx_1 .. z_2 */
    kt_column measured_mask;         /* INT32 */
    kt_column interpolated_mask;     /* INT32 */
    kt_column held_mask;             /* INT32 */
} kt_aligned;

#define KT_ALIGNED_COLUMNS (1 + KT_CHANNELS + 3)

void kt_aligned_init(kt_aligned *a);
void kt_aligned_free(kt_aligned *a);

/* The cells are computed by kt_run_rows (pipeline/run_rows.h), one slice of
 * rows at a time; kt_transform_run gathers them into these columns. */

/* time, fx_1 .. z_2, measured_mask, interpolated_mask, held_mask. */
size_t kt_aligned_named_columns(const kt_aligned *a, kt_named_column out[KT_ALIGNED_COLUMNS]);

#endif
