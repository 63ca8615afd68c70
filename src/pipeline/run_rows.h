/*
 * pipeline/run_rows.h — the rows of a run's `aligned` and `features`
 * tables, produced a slice of rows and one column at a time from the
 * per-channel series, so that no whole output table is ever held
 * (docs/PROCESS.md, "Memory per run").
 *
 * Contract:
 *  - kt_run_series is what every output cell is computed from: the twelve
 *    channels' samples, the six velocity and six acceleration series
 *    (features.h), and the timeline (union of the channels' sample times,
 *    or the grid). It borrows the transform's memory.
 *  - kt_run_rows_column(rr, first, rows, col) gives column `col` (the order
 *    of kt_features_named_columns: time, fx_1 .. z_2, the three masks,
 *    vx_1 .. az_2, v1 v2 a1 a2 f1 f2; aligned is the first 16) for rows
 *    [first, first + rows). Slices go forward: the same slice again, the
 *    next one (first = previous first + rows), or row 0 (rewind). Within a
 *    slice, columns may come in any order, any number of times.
 *  - Every cell is kt_series_at() of its series at the row's time — the
 *    same cell rule as align.h/features.h; norms are sqrt(x² + y² + z²)
 *    summed in axis order, null if an axis is null. Output therefore does
 *    not depend on how rows are sliced.
 *  - Memory: one slice (time, three masks, one DOUBLE column with validity:
 *    8 + 12 + 9 = 29 bytes per row), in a lent buffer when it fits
 *    (kt_run_rows_lend), else its own, kept between runs. When the loan has
 *    room for 54 more bytes per row, the six norms are summed while their
 *    axes are placed instead of reading the axes again (same arithmetic,
 *    same order: the result is the same bits).
 *  - kt_run_series_scan walks the whole timeline once: row count (max_rows
 *    enforced) and the run_stats distances; when the caller gave it room
 *    (times, times_cap) the union timeline is kept there, and slices copy
 *    it instead of merging the channels' times again.
 */
#ifndef KT_PIPELINE_RUN_ROWS_H
#define KT_PIPELINE_RUN_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"
#include "pipeline/channels.h"
#include "pipeline/series.h"
#include "pipeline/transform_config.h"

enum {
    KT_RUN_SERIES_VELOCITY = KT_CHANNELS,                            /* series index of vx_1 */
    KT_RUN_SERIES_ACCELERATION = KT_CHANNELS + KT_ROBOTS * KT_AXES,  /* of ax_1 */
    KT_RUN_SERIES = KT_CHANNELS + 2 * KT_ROBOTS * KT_AXES,           /* 24 */
};

typedef struct kt_run_series {
    kt_series series[KT_RUN_SERIES]; /* fx_1 .. z_2, vx_1 vy_1 vz_1 vx_2 vy_2 vz_2, ax_1 .. az_2 */
    int64_t max_gap_us;
    bool grid;                       /* else union of the channels' times */
    int64_t grid_start_us, grid_period_us;
    size_t rows;                     /* set by kt_run_series_scan */
    int64_t *times;                  /* room the scan may keep the union timeline in (NULL: none) */
    size_t times_cap;
    bool times_kept;                 /* set by the scan: times[0..rows) hold the timeline */
} kt_run_series;

/* Rows per slice kinetl process asks for (its row groups): what a lent buffer should leave room for. */
#define KT_RUN_ROWS_SLICE_HINT 32768

/* Distances of run_stats (run_stats.h), from the timeline. */
typedef struct kt_run_distances {
    double mm[KT_ROBOTS];
    bool has[KT_ROBOTS];
} kt_run_distances;

/*
 * Counts the rows (src->rows) and sums each robot's path: over consecutive
 * rows at most max_gap apart where both rows have x_r, y_r, z_r, the
 * Euclidean step. More rows than max_rows: KT_ERR_USAGE.
 */
kt_status kt_run_series_scan(kt_run_series *src, size_t max_rows, kt_run_distances *out, kt_error *err);

typedef struct kt_run_rows {
    const kt_run_series *src;
    kt_merge_iter merge;            /* union timeline position */
    size_t first, rows;             /* current slice */
    size_t cap;                     /* rows of slice buffers */
    int64_t *time;                  /* the slice's times, when not kept by the series */
    const int64_t *t;               /* the slice's times */
    int32_t *mask[3];               /* measured, interpolated, held */
    double *value;
    uint8_t *valid;
    uint32_t masked;                /* channels whose bits are in mask[] for this slice */
    double *norm_sum[6];            /* v1 v2 a1 a2 f1 f2: sum of squares so far (lent room only) */
    uint8_t *norm_ok[6];            /* ... no axis null so far */
    uint8_t norm_axes[6];           /* axes summed this slice, in order (bit 3: out of order) */
    uint32_t walked;                /* series whose cursor end[] is known for this slice */
    size_t base[KT_RUN_SERIES];     /* cursor position at the slice's first row */
    size_t end[KT_RUN_SERIES];      /* ... and after its last */
    kt_column out;                  /* view handed out */
    void *lent;                     /* kt_run_rows_lend: slices live here when they fit */
    size_t lent_bytes;
    bool own;                       /* slice buffers are malloc'd (not lent) */
} kt_run_rows;

#define KT_RUN_ROWS_COLUMNS 34      /* KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS */

void kt_run_rows_init(kt_run_rows *rr);
void kt_run_rows_free(kt_run_rows *rr);
/* Starts at row 0 of src (borrowed until the next start). */
void kt_run_rows_start(kt_run_rows *rr, const kt_run_series *src);
kt_status kt_run_rows_column(kt_run_rows *rr, size_t first, size_t rows, size_t col, const kt_column **out,
                             kt_error *err);
/* Offers a buffer the slices may live in (borrowed until the next start or
 * lend; NULL to withdraw): a slice that fits uses it instead of buffers of
 * its own. `kinetl process` lends the readings' array, dead after the
 * transform, so the output stage allocates no slice at all. */
void kt_run_rows_lend(kt_run_rows *rr, void *buf, size_t bytes);
/* Bytes the slice needs per row. */
#define KT_RUN_ROWS_ROW_BYTES (sizeof(int64_t) + 3 * sizeof(int32_t) + sizeof(double) + 1)
/* Bytes held by slice buffers of its own (lent memory not included). */
size_t kt_run_rows_bytes(const kt_run_rows *rr);

#endif
