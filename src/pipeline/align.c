/*
 * pipeline/align.c — timeline construction (union or grid) and placement
 * of every channel on it.
 */
#include "pipeline/align.h"

#include <inttypes.h>
#include <string.h>

#include "pipeline/column_fill.h"
#include "pipeline/series.h"

void kt_aligned_init(kt_aligned *a)
{
    a->rows = 0;
    kt_column_init(&a->time, KT_INT64);
    for (int c = 0; c < KT_CHANNELS; c++) kt_column_init(&a->channel[c], KT_DOUBLE);
    kt_column_init(&a->measured_mask, KT_INT32);
    kt_column_init(&a->interpolated_mask, KT_INT32);
    kt_column_init(&a->held_mask, KT_INT32);
}

void kt_aligned_free(kt_aligned *a)
{
    kt_column_free(&a->time);
    for (int c = 0; c < KT_CHANNELS; c++) kt_column_free(&a->channel[c]);
    kt_column_free(&a->measured_mask);
    kt_column_free(&a->interpolated_mask);
    kt_column_free(&a->held_mask);
    a->rows = 0;
}

static kt_status union_timeline(const kt_run_samples *s, const kt_transform_config *cfg, kt_aligned *out,
                                kt_error *err)
{
    kt_series all[KT_CHANNELS];
    size_t total = 0;
    for (int c = 0; c < KT_CHANNELS; c++) {
        all[c] = kt_run_samples_series(s, c);
        total += all[c].n;
    }
    if (kt_column_fill_begin(&out->time, total, false) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "aligned: no memory for %zu timeline rows", total);
    size_t rows = kt_series_merge_times(all, KT_CHANNELS, KT_COL_I64(&out->time));
    out->time.len = rows;
    if (rows > cfg->max_rows)
        return kt_fail(err, KT_ERR_USAGE, "aligned: %zu distinct timestamps exceed max_rows %zu", rows,
                       cfg->max_rows);
    out->rows = rows;
    return KT_OK;
}

static kt_status grid_timeline(const kt_transform_config *cfg, int64_t start, int64_t stop, kt_aligned *out,
                               kt_error *err)
{
    uint64_t steps = (uint64_t)(stop - start) / (uint64_t)cfg->grid_period_us;
    if (steps >= cfg->max_rows)
        return kt_fail(err, KT_ERR_USAGE,
                       "aligned: grid:%" PRId64 "us over %.6f s gives %" PRIu64 " rows, more than max_rows %zu",
                       cfg->grid_period_us, (double)(stop - start) / 1e6, steps + 1, cfg->max_rows);
    size_t rows = (size_t)steps + 1;
    if (kt_column_fill_begin(&out->time, rows, false) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "aligned: no memory for %zu grid rows", rows);
    int64_t *t = KT_COL_I64(&out->time);
    for (size_t k = 0; k < rows; k++) t[k] = start + (int64_t)k * cfg->grid_period_us;
    out->rows = rows;
    return KT_OK;
}

void kt_place_series(kt_series s, int64_t max_gap_us, const int64_t *time, size_t rows, kt_column *dst,
                     int32_t *masks[3], int bit)
{
    kt_series_cursor cur = kt_series_cursor_make(s, max_gap_us);
    double *val = KT_COL_DOUBLE(dst);
    uint8_t *valid = dst->valid;
    int32_t flag = (int32_t)(1u << bit);
    for (size_t r = 0; r < rows; r++) {
        double x = 0;
        kt_cell cell = kt_series_at(&cur, time[r], &x);
        val[r] = cell == KT_CELL_NULL ? 0.0 : x;
        valid[r] = cell != KT_CELL_NULL;
        if (masks && cell != KT_CELL_NULL) masks[cell - KT_CELL_MEASURED][r] |= flag;
    }
}

kt_status kt_align(const kt_run_samples *samples, const kt_transform_config *cfg, int64_t start, int64_t stop,
                   kt_aligned *out, kt_error *err)
{
    size_t total = 0;
    for (int c = 0; c < KT_CHANNELS; c++) total += samples->len[c];
    out->rows = 0;
    if (total == 0) {
        if (kt_column_fill_begin(&out->time, 0, false) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "aligned: no memory");
    } else if (cfg->align == KT_ALIGN_GRID) {
        KT_TRY(grid_timeline(cfg, start, stop, out, err));
    } else {
        KT_TRY(union_timeline(samples, cfg, out, err));
    }
    size_t rows = out->rows;
    kt_column *mask_cols[3] = { &out->measured_mask, &out->interpolated_mask, &out->held_mask };
    int32_t *masks[3];
    for (int m = 0; m < 3; m++) {
        if (kt_column_fill_begin(mask_cols[m], rows, false) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "aligned: no memory for %zu rows of masks", rows);
        masks[m] = KT_COL_I32(mask_cols[m]);
        if (rows) memset(masks[m], 0, rows * sizeof(int32_t));
    }
    const int64_t *time = KT_COL_I64(&out->time);
    for (int c = 0; c < KT_CHANNELS; c++) {
        if (kt_column_fill_begin(&out->channel[c], rows, true) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "aligned: no memory for %zu rows of %s", rows, kt_channel_name(c));
        kt_place_series(kt_run_samples_series(samples, c), cfg->max_gap_us, time, rows, &out->channel[c], masks, c);
        kt_column_fill_end(&out->channel[c]);
    }
    return KT_OK;
}

size_t kt_aligned_named_columns(const kt_aligned *a, kt_named_column out[KT_ALIGNED_COLUMNS])
{
    size_t n = 0;
    out[n++] = (kt_named_column){ "time", &a->time, true };
    for (int c = 0; c < KT_CHANNELS; c++) out[n++] = (kt_named_column){ kt_channel_name(c), &a->channel[c], false };
    out[n++] = (kt_named_column){ "measured_mask", &a->measured_mask, false };
    out[n++] = (kt_named_column){ "interpolated_mask", &a->interpolated_mask, false };
    out[n++] = (kt_named_column){ "held_mask", &a->held_mask, false };
    return n;
}
