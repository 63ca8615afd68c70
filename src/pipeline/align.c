/*
 * pipeline/align.c — the aligned table's columns and their names. The
 * cells are computed by pipeline/run_rows.c, a slice at a time.
 */
#include "pipeline/align.h"

#include <string.h>


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
