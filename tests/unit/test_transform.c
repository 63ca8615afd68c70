/*
 * tests/unit/test_transform.c — each rule of the per-run transform on tiny
 * hand-built runs whose expected outputs are worked out by hand in the
 * comments: interpolation, gaps, edge hold, missing channels, spikes,
 * duplicates and conflicts, grid resampling, derivatives, statistics,
 * config parsing and input validation.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "pipeline/channels.h"
#include "pipeline/derivative.h"
#include "pipeline/series.h"
#include "pipeline/transform.h"
#include "transform_fixture.h"

enum { FX1 = 0, FX2, FY1, FY2, FZ1, FZ2, X1, X2, Y1, Y2, Z1, Z2 };

#define MS 1000LL
#define T0 1669236000000000LL /* 2022-11-23T20:40:00Z */

typedef struct run {
    kt_reading r[2048];
    size_t n;
} run;

static void add(run *rn, int channel, int64_t t_us, double v)
{
    if (rn->n == sizeof rn->r / sizeof rn->r[0]) abort(); /* a test bug */
    kt_reading *r = &rn->r[rn->n++];
    r->time_us = T0 + t_us;
    r->value = v;
    r->robot = (uint8_t)kt_channel_robot(channel);
    r->field = (uint8_t)kt_channel_field(channel);
}

typedef struct fixture {
    kt_transform *t;
    kt_transform_config cfg;
    const kt_run_output *out;
    kt_error err;
} fixture;

static kt_status process(fixture *f, const run *r)
{
    if (!f->t) {
        f->t = kt_transform_new(0);
        kt_transform_config_default(&f->cfg);
    }
    return kt_transform_run(f->t, &f->cfg, r->r, r->n, &f->out, &f->err);
}

static void fixture_free(fixture *f)
{
    kt_transform_free(f->t);
}

/* Row index of time T0 + t_us in the aligned table, or -1. */
static long row_of(const kt_run_output *o, int64_t t_us)
{
    for (size_t i = 0; i < o->aligned.rows; i++)
        if (KT_COL_I64(&o->aligned.time)[i] == T0 + t_us) return (long)i;
    return -1;
}

static int is_null(const kt_column *c, long row)
{
    return !kt_column_is_valid(c, (size_t)row);
}

static double val(const kt_column *c, long row)
{
    return KT_COL_DOUBLE(c)[row];
}

static int32_t mask(const kt_column *c, long row)
{
    return KT_COL_I32(c)[row];
}

#define BIT(ch) (1 << (ch))

TEST(interpolation_between_neighbours)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 0, 0.0);
    add(&r, X1, 100 * MS, 10.0);
    add(&r, FX1, 40 * MS, 5.0);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_aligned *a = &f.out->aligned;
    CHECK_EQ_INT(a->rows, 3); /* the distinct times 0, 40 ms, 100 ms */
    long r40 = row_of(f.out, 40 * MS);
    CHECK_EQ_INT(r40, 1);
    CHECK_NEAR(val(&a->channel[X1], r40), 4.0, 1e-12); /* 0 + 10 * 40/100 */
    CHECK_EQ_INT(mask(&a->interpolated_mask, r40), BIT(X1));
    CHECK_EQ_INT(mask(&a->measured_mask, r40), BIT(FX1));
    CHECK_EQ_INT(mask(&a->held_mask, r40), 0);
    /* fx_1 has one sample: held 40 ms before and 60 ms after it */
    CHECK(val(&a->channel[FX1], 0) == 5.0 && val(&a->channel[FX1], 2) == 5.0);
    CHECK_EQ_INT(mask(&a->held_mask, 0), BIT(FX1));
    CHECK_EQ_INT(mask(&a->measured_mask, 0), BIT(X1));
    CHECK_EQ_INT(mask(&a->held_mask, 2), BIT(FX1));
    /* measured values are exact */
    CHECK(val(&a->channel[X1], 2) == 10.0);
    /* every other channel is null everywhere, with no provenance bit */
    for (int c = 0; c < KT_CHANNELS; c++) {
        if (c == X1 || c == FX1) continue;
        CHECK_EQ_INT(a->channel[c].null_count, 3);
    }
    fixture_free(&f);
}

TEST(no_interpolation_across_a_gap_longer_than_max_gap)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 0, 0.0);
    add(&r, X1, 1000 * MS, 100.0); /* 1 s apart > 0.5 s */
    add(&r, FX1, 200 * MS, 1.0);
    add(&r, FX1, 500 * MS, 1.0);
    add(&r, FX1, 700 * MS, 1.0);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_aligned *a = &f.out->aligned;
    CHECK_EQ_INT(a->rows, 5);
    /* inside the gap the channel is null, even within max_gap of a sample:
     * holding applies only before the first and after the last sample */
    for (long row = 1; row <= 3; row++) {
        CHECK(is_null(&a->channel[X1], row));
        CHECK_EQ_INT(mask(&a->measured_mask, row) & BIT(X1), 0);
        CHECK_EQ_INT(mask(&a->interpolated_mask, row) & BIT(X1), 0);
        CHECK_EQ_INT(mask(&a->held_mask, row) & BIT(X1), 0);
    }
    /* fx_1 samples 300 ms and 200 ms apart: interpolated between (constant 1) */
    CHECK_EQ_INT(mask(&a->held_mask, 0), BIT(FX1));   /* 200 ms before its first */
    CHECK_EQ_INT(mask(&a->held_mask, 4), BIT(FX1));   /* 300 ms after its last */
    /* x_1 gap counts against the encoder stream and the status */
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_INT(s->gap_count[KT_STREAM_ENCODER_1], 1);
    CHECK_NEAR(s->longest_gap_s[KT_STREAM_ENCODER_1], 1.0, 0);
    CHECK_NEAR(s->coverage[0], 0.0, 0); /* its only interval is a gap */
    CHECK_EQ_STR(s->status, "partial");
    fixture_free(&f);
}

TEST(edge_hold_for_at_most_max_gap)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 1000 * MS, 7.0);
    add(&r, X1, 1100 * MS, 9.0);
    int64_t lc[] = { 0, 499 * MS, 500 * MS, 600 * MS, 1600 * MS, 1601 * MS };
    for (size_t i = 0; i < sizeof lc / sizeof lc[0]; i++) add(&r, FX1, lc[i], 2.0);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_aligned *a = &f.out->aligned;
    const kt_column *x = &a->channel[X1];
    CHECK(is_null(x, row_of(f.out, 0)));                 /* 1 s before the first sample */
    CHECK(is_null(x, row_of(f.out, 499 * MS)));          /* 501 ms before */
    long exactly = row_of(f.out, 500 * MS);              /* exactly max_gap before: held */
    CHECK(!is_null(x, exactly) && val(x, exactly) == 7.0);
    CHECK_EQ_INT(mask(&a->held_mask, exactly), BIT(X1));
    CHECK(val(x, row_of(f.out, 600 * MS)) == 7.0);
    long after = row_of(f.out, 1600 * MS);               /* exactly max_gap after the last */
    CHECK(!is_null(x, after) && val(x, after) == 9.0);
    CHECK(is_null(x, row_of(f.out, 1601 * MS)));
    fixture_free(&f);
}

TEST(missing_channels_are_null_and_reported)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    for (int i = 0; i < 10; i++) {
        add(&r, X1, i * 12 * MS, i * 1.0);
        add(&r, Y1, i * 12 * MS, 0.0);
        add(&r, Z1, i * 12 * MS, 0.0);
        add(&r, FX1, i * 10 * MS, 1.0);
    }
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_STR(s->channels_missing, "fx_2 fy_1 fy_2 fz_1 fz_2 x_2 y_2 z_2");
    CHECK_EQ_STR(s->status, "partial");
    CHECK_EQ_STR(s->status_reason, "missing fx_2 fy_1 fy_2 fz_1 fz_2 x_2 y_2 z_2");
    CHECK_EQ_INT(s->channels_present_mask, BIT(FX1) | BIT(X1) | BIT(Y1) | BIT(Z1));
    CHECK_EQ_INT(s->rows[X1], 10);
    CHECK_EQ_INT(s->rows[X2], 0);
    CHECK(!s->has_distance[1]);              /* no encoder data: null, never 0 */
    CHECK(s->has_distance[0]);
    CHECK_NEAR(s->distance_mm[0], 9.0, 1e-9); /* x goes 0 -> 9 in a straight line */
    CHECK(!s->has_force[0]);                  /* fy_1, fz_1 missing: no force magnitude */
    CHECK(!s->has_force[1]);
    CHECK(!s->has_max_speed[1]);
    CHECK(!s->has_stream[KT_STREAM_ENCODER_2]);
    CHECK(!s->has_median_period[KT_STREAM_LOAD_CELL_2]);
    const kt_features *ft = &f.out->features;
    for (size_t row = 0; row < f.out->aligned.rows; row++) {
        CHECK(is_null(&f.out->aligned.channel[Z2], (long)row));
        CHECK(is_null(&ft->speed[1], (long)row));
        CHECK(is_null(&ft->force[0], (long)row));
    }
    fixture_free(&f);
}

TEST(encoder_spike_is_removed_and_counted)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    /* x_1 a ramp of 0.6 mm per 12 ms sample, sample 10 jumps by +50 mm;
     * y_1 flat at 0.003 with a few quantisation steps of 0.001 (MAD = 0:
     * the deviation floor must keep them); z_1 flat. */
    for (int i = 0; i < 21; i++) {
        int64_t t = i * 12 * MS;
        add(&r, X1, t, 0.6 * i + (i == 10 ? 50.0 : 0.0));
        add(&r, Y1, t, (i % 7 == 3) ? 0.004 : 0.003);
        add(&r, Z1, t, -500.0);
    }
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_INT(s->spikes_removed, 1);
    CHECK_EQ_INT(s->rows[X1], 20);
    CHECK_EQ_INT(s->rows[Y1], 21);
    const kt_aligned *a = &f.out->aligned;
    long row = row_of(f.out, 120 * MS); /* still a row: y_1 and z_1 were measured there */
    CHECK(row >= 0);
    CHECK_NEAR(val(&a->channel[X1], row), 6.0, 1e-12); /* interpolated on the ramp */
    CHECK_EQ_INT(mask(&a->interpolated_mask, row), BIT(X1));
    CHECK_EQ_INT(mask(&a->measured_mask, row), BIT(Y1) | BIT(Z1));
    CHECK(val(&a->channel[Y1], row_of(f.out, 36 * MS)) == 0.004);
    /* the ramp's velocity is 0.6 mm / 12 ms = 50 mm/s everywhere */
    for (size_t i = 0; i < a->rows; i++) CHECK_NEAR(KT_COL_DOUBLE(&f.out->features.velocity[0])[i], 50.0, 1e-9);
    fixture_free(&f);
}

TEST(spike_only_timestamp_makes_no_row)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    for (int i = 0; i < 11; i++) add(&r, X1, i * 12 * MS, 1.0);
    add(&r, X1, 66 * MS, 100.0); /* only reading at 66 ms, a spike */
    CHECK_OK(process(&f, &r), &f.err);
    CHECK_EQ_INT(f.out->stats.spikes_removed, 1);
    CHECK_EQ_INT(f.out->aligned.rows, 11);
    CHECK(row_of(f.out, 66 * MS) < 0);
    fixture_free(&f);
}

TEST(exact_duplicates_count_once)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, FX1, 0, 1.5);
    add(&r, FX1, 0, 1.5);
    add(&r, FX1, 0, 1.5);
    add(&r, FX1, 10 * MS, 2.5);
    add(&r, FX1, 20 * MS, -0.0);
    add(&r, FX1, 20 * MS, 0.0); /* -0.0 and 0.0 are the same reading */
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_INT(s->duplicate_readings, 3);
    CHECK_EQ_INT(s->conflicting_readings, 0);
    CHECK_EQ_INT(s->rows[FX1], 3);
    CHECK_EQ_INT(s->readings, 6);
    CHECK_EQ_INT(f.out->aligned.rows, 3);
    CHECK(val(&f.out->aligned.channel[FX1], 0) == 1.5);
    CHECK_EQ_INT(mask(&f.out->aligned.measured_mask, 0), BIT(FX1));
    fixture_free(&f);
}

TEST(conflicting_duplicates_are_excluded)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, FX1, 0, 0.0);
    add(&r, FX1, 10 * MS, 1.0);
    add(&r, FX1, 10 * MS, 2.0);
    add(&r, FX1, 10 * MS, 2.0); /* an exact copy inside a conflict */
    add(&r, FX1, 20 * MS, 4.0);
    add(&r, FY1, 10 * MS, 7.0); /* keeps a row at 10 ms */
    add(&r, FZ1, 30 * MS, 3.0);
    add(&r, FZ1, 30 * MS, 3.5); /* only reading at 30 ms, and it conflicts */
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_INT(s->conflicting_readings, 4); /* {1, 2} at 10 ms and {3, 3.5} at 30 ms */
    CHECK_EQ_INT(s->duplicate_readings, 1);
    CHECK_EQ_INT(s->rows[FX1], 2);
    CHECK_EQ_INT(s->rows[FZ1], 0);
    const kt_aligned *a = &f.out->aligned;
    CHECK_EQ_INT(a->rows, 3); /* 30 ms had only a conflicting cell: no row */
    CHECK(row_of(f.out, 30 * MS) < 0);
    CHECK_EQ_INT(s->stop_time_us, T0 + 20 * MS);
    long row = row_of(f.out, 10 * MS);
    CHECK_NEAR(val(&a->channel[FX1], row), 2.0, 1e-12); /* as if not measured: 0 -> 4 */
    CHECK_EQ_INT(mask(&a->interpolated_mask, row), BIT(FX1));
    CHECK_EQ_INT(mask(&a->measured_mask, row), BIT(FY1));
    fixture_free(&f);
}

TEST(grid_resampling)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 0, 0.0);
    add(&r, X1, 25 * MS, 25.0);
    add(&r, X1, 50 * MS, 50.0);
    add(&r, FX1, 5 * MS, 3.0);
    add(&r, FX1, 45 * MS, 7.0);
    add(&r, FY1, 52 * MS, 1.0);
    f.t = kt_transform_new(0);
    kt_transform_config_default(&f.cfg);
    CHECK_OK(kt_transform_config_set(&f.cfg, "align", "grid:10ms", &f.err), &f.err);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_aligned *a = &f.out->aligned;
    CHECK_EQ_INT(a->rows, 6); /* 0, 10, ..., 50 ms; 60 ms is past the stop at 52 ms */
    for (long k = 0; k < 6; k++) {
        CHECK_EQ_INT(KT_COL_I64(&a->time)[k], T0 + k * 10 * MS);
        CHECK_NEAR(val(&a->channel[X1], k), 10.0 * (double)k, 1e-12);
        int measured = k == 0 || k == 5;
        CHECK_EQ_INT(mask(&a->measured_mask, k) & BIT(X1), measured ? BIT(X1) : 0);
        CHECK_EQ_INT(mask(&a->interpolated_mask, k) & BIT(X1), measured ? 0 : BIT(X1));
    }
    CHECK(val(&a->channel[FX1], 0) == 3.0 && (mask(&a->held_mask, 0) & BIT(FX1))); /* before its first */
    CHECK_NEAR(val(&a->channel[FX1], 2), 4.5, 1e-12);                            /* 3 + 4 * 15/40 */
    CHECK(val(&a->channel[FX1], 5) == 7.0 && (mask(&a->held_mask, 5) & BIT(FX1)));
    CHECK(val(&a->channel[FY1], 0) == 1.0 && (mask(&a->held_mask, 0) & BIT(FY1)));
    CHECK_EQ_INT(f.out->stats.stop_time_us, T0 + 52 * MS);
    CHECK(!f.out->stats.has_distance[0]); /* x_1 alone is no position */
    fixture_free(&f);
}

TEST(derivatives_are_exact_for_quadratics)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    /* x_1 = 3 t^2 + 2 t + 1 (t in s) at uneven times: v = 6t + 2, a = 6 */
    int64_t times[] = { 0, 7 * MS, 19 * MS, 30 * MS, 44 * MS, 51 * MS, 66 * MS, 80 * MS };
    for (size_t i = 0; i < 8; i++) {
        double t = (double)times[i] / 1e6;
        add(&r, X1, times[i], 3 * t * t + 2 * t + 1);
    }
    CHECK_OK(process(&f, &r), &f.err);
    const kt_features *ft = &f.out->features;
    for (size_t i = 0; i < 8; i++) {
        double t = (double)times[i] / 1e6;
        CHECK_NEAR(val(&ft->velocity[0], (long)i), 6 * t + 2, 1e-9);
        CHECK_NEAR(val(&ft->acceleration[0], (long)i), 6.0, 1e-6);
    }
    fixture_free(&f);
}

TEST(derivative_segments_stop_at_gaps)
{
    /* x = 10 t mm (t in s) on two segments 1 s apart, plus a lone sample */
    int64_t t[16];
    double v[16], dv[16];
    int64_t dt[16];
    size_t n = 0;
    for (int i = 0; i <= 5; i++, n++) {
        t[n] = i * 20 * MS;
        v[n] = 0.2 * i;
    }
    for (int i = 0; i <= 5; i++, n++) {
        t[n] = 1200 * MS + i * 20 * MS;
        v[n] = 500.0 + 12.0 + 0.2 * i;
    }
    t[n] = 3000 * MS;
    v[n++] = 7.0;
    t[n] = 3700 * MS;  /* a two-sample segment: 3.7 s and 3.8 s */
    v[n++] = 1.0;
    t[n] = 3800 * MS;
    v[n++] = 2.0;
    size_t m = kt_derivative(t, v, n, 500 * MS, dt, dv);
    CHECK_EQ_INT(m, 14); /* the lone sample at 3 s has no derivative */
    for (size_t i = 0; i < 12; i++) {
        CHECK_NEAR(dv[i], 10.0, 1e-9);
        CHECK_EQ_INT(dt[i], t[i]);
    }
    CHECK_EQ_INT(dt[12], 3700 * MS);
    CHECK_NEAR(dv[12], 10.0, 1e-9); /* (2 - 1) / 0.1 s */
    CHECK_NEAR(dv[13], 10.0, 1e-9);
}

TEST(runtime_and_distance_from_hand_points)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    /* robot 2 moves (0,0,0) -> (3,4,0) in 10 steps of 0.5 mm, then up to
     * (3,4,12) in 20 steps of 0.6 mm, every 12 ms: path length 5 + 12 */
    for (int i = 0; i <= 30; i++) {
        int64_t t = i * 12 * MS;
        add(&r, X2, t, i <= 10 ? 0.3 * i : 3.0);
        add(&r, Y2, t, i <= 10 ? 0.4 * i : 4.0);
        add(&r, Z2, t, i <= 10 ? 0.0 : 0.6 * (i - 10));
    }
    add(&r, X2, 900 * MS, 3.0); /* y_2, z_2 absent here: not counted */
    add(&r, X2, 1500 * MS, 100.0);
    add(&r, Y2, 1500 * MS, 100.0);
    add(&r, Z2, 1500 * MS, 100.0);
    add(&r, FZ1, 50 * MS, -5.0); /* rows in between, on the straight segments */
    add(&r, FZ1, 1234567, -5.0);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_INT(s->spikes_removed, 0);
    CHECK_EQ_INT(s->start_time_us, T0);
    CHECK_EQ_INT(s->stop_time_us, T0 + 1500 * MS);
    CHECK(s->runtime_s == 1.5);
    CHECK(s->has_distance[1]);
    CHECK_NEAR(s->distance_mm[1], 17.0, 1e-9); /* nothing across the holes after 360 ms */
    CHECK(!s->has_distance[0]);
    fixture_free(&f);
}

TEST(force_and_stream_statistics)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    /* load cell 1 at 0, 10, 30, 60 ms: periods 10, 20, 30 -> median 20 ms */
    double fx[] = { 3, 6, 0, 0 }, fy[] = { 4, 8, 0, 0 }, fz[] = { 0, 0, 2, 2 };
    int64_t t[] = { 0, 10 * MS, 30 * MS, 60 * MS };
    for (int i = 0; i < 4; i++) {
        add(&r, FX1, t[i], fx[i]);
        add(&r, FY1, t[i], fy[i]);
        add(&r, FZ1, t[i], fz[i]);
    }
    add(&r, X1, 0, 0.0);  /* encoder 1: 0, 20, 40, 660 (gap 620 ms), 680 ms */
    add(&r, X1, 20 * MS, 0.0);
    add(&r, X1, 40 * MS, 0.0);
    add(&r, X1, 660 * MS, 0.0);
    add(&r, X1, 680 * MS, 0.0);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK(s->has_force[0]);
    CHECK_NEAR(s->max_force_n[0], 10.0, 1e-12);
    CHECK_NEAR(s->mean_force_n[0], (5.0 + 10.0 + 2.0 + 2.0) / 4, 1e-12);
    CHECK(s->has_median_period[KT_STREAM_LOAD_CELL_1]);
    CHECK_NEAR(s->median_period_s[KT_STREAM_LOAD_CELL_1], 0.020, 1e-15);
    CHECK_NEAR(s->median_period_s[KT_STREAM_ENCODER_1], 0.020, 1e-15); /* 20, 20, 620, 20 */
    CHECK_EQ_INT(s->gap_count[KT_STREAM_ENCODER_1], 1);
    CHECK_NEAR(s->longest_gap_s[KT_STREAM_ENCODER_1], 0.620, 1e-15);
    /* load cell 1 ends at 60 ms, the run at 680 ms: its trailing 620 ms is a gap */
    CHECK_EQ_INT(s->gap_count[KT_STREAM_LOAD_CELL_1], 1);
    CHECK_NEAR(s->coverage[0], 60.0 / 680.0, 1e-15);
    CHECK_NEAR(s->coverage[1], 0.0, 0);
    CHECK_EQ_STR(s->status_reason, "missing fx_2 fy_2 fz_2 x_2 y_1 y_2 z_1 z_2; gaps in fx_1 fy_1 fz_1 x_1");
    fixture_free(&f);
}

TEST(complete_status_when_every_channel_is_continuous)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    for (int i = 0; i < 20; i++)
        for (int c = 0; c < KT_CHANNELS; c++) add(&r, c, i * 10 * MS + (c < X1 ? 0 : 3 * MS), c + 0.1 * i);
    CHECK_OK(process(&f, &r), &f.err);
    const kt_run_stats *s = &f.out->stats;
    CHECK_EQ_STR(s->status, "complete");
    CHECK_EQ_STR(s->status_reason, "");
    CHECK_EQ_STR(s->channels_missing, "");
    CHECK_EQ_INT(s->channels_present_mask, 0xfff);
    CHECK_NEAR(s->coverage[0], 190.0 / 193.0, 1e-15); /* encoders 3..193 ms of 0..193 */
    fixture_free(&f);
}

TEST(status_names_missing_and_gappy_channels)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    for (int i = 0; i < 100; i++)
        for (int c = 0; c < KT_CHANNELS; c++) {
            if (c == FX2 || c == Z2) continue;             /* missing */
            if (c == Y2 && i > 40 && i < 100) continue;    /* y_2 stops: trailing gap of 590 ms */
            if (c == FY1 && (i == 50 || i == 51)) continue; /* a 30 ms hole: fine */
            add(&r, c, i * 10 * MS, 1.0);
        }
    CHECK_OK(process(&f, &r), &f.err);
    CHECK_EQ_STR(f.out->stats.status, "partial");
    CHECK_EQ_STR(f.out->stats.status_reason, "missing fx_2 z_2; gaps in y_2");
    fixture_free(&f);
}

TEST(empty_run)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    CHECK_OK(process(&f, &r), &f.err);
    CHECK_EQ_INT(f.out->aligned.rows, 0);
    CHECK(!f.out->stats.has_time);
    CHECK_EQ_STR(f.out->stats.status, "partial");
    CHECK_EQ_STR(f.out->stats.status_reason, "no valid readings");
    add(&r, FX1, 0, 1.0);
    add(&r, FX1, 0, 2.0); /* all conflicting: no valid reading either */
    CHECK_OK(process(&f, &r), &f.err);
    CHECK_EQ_INT(f.out->aligned.rows, 0);
    CHECK(!f.out->stats.has_time);
    CHECK_EQ_INT(f.out->stats.conflicting_readings, 2);
    fixture_free(&f);
}

TEST(invalid_readings_are_usage_errors)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, FX1, 0, 1.0);
    add(&r, FX1, 10 * MS, 1.0);
    r.r[1].robot = 3;
    CHECK_EQ_INT(process(&f, &r), KT_ERR_USAGE);
    CHECK(strstr(f.err.msg, "reading 1") != NULL);
    r.r[1].robot = 1;
    r.r[1].field = 6;
    CHECK_EQ_INT(process(&f, &r), KT_ERR_USAGE);
    r.r[1].field = 0;
    r.r[1].value = NAN;
    CHECK_EQ_INT(process(&f, &r), KT_ERR_USAGE);
    r.r[1].value = 1.0;
    r.r[1].time_us = INT64_MAX;
    CHECK_EQ_INT(process(&f, &r), KT_ERR_USAGE);
    r.r[1].time_us = T0;
    CHECK_OK(process(&f, &r), &f.err);
    fixture_free(&f);
}

TEST(grid_row_limit_is_enforced)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, FX1, 0, 1.0);
    add(&r, FX1, 3600000 * MS, 1.0);
    f.t = kt_transform_new(0);
    kt_transform_config_default(&f.cfg);
    CHECK_OK(kt_transform_config_set(&f.cfg, "align", "grid:1us", &f.err), &f.err);
    CHECK_EQ_INT(process(&f, &r), KT_ERR_USAGE);
    CHECK(strstr(f.err.msg, "max_rows") != NULL);
    fixture_free(&f);
}

TEST(scratch_limit_is_enforced)
{
    kt_transform *t = kt_transform_new(4096);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    run r = { .n = 0 };
    for (int i = 0; i < 500; i++) add(&r, FX1, i * 10 * MS, 1.0);
    const kt_run_output *out;
    kt_error err;
    CHECK_EQ_INT(kt_transform_run(t, &cfg, r.r, r.n, &out, &err), KT_ERR_NOMEM);
    CHECK(out == NULL);
    kt_transform_free(t);
}

TEST(config_parsing_and_hash)
{
    kt_transform_config a, b;
    kt_error err;
    kt_transform_config_default(&a);
    kt_transform_config_default(&b);
    int64_t us;
    CHECK_OK(kt_parse_duration_us("0.5s", &us, &err), &err);
    CHECK_EQ_INT(us, 500000);
    CHECK_OK(kt_parse_duration_us("12.5ms", &us, &err), &err);
    CHECK_EQ_INT(us, 12500);
    CHECK_OK(kt_parse_duration_us("7us", &us, &err), &err);
    CHECK_EQ_INT(us, 7);
    CHECK_EQ_INT(kt_parse_duration_us("0.5", &us, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_parse_duration_us("1.5us", &us, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_parse_duration_us("ms", &us, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_parse_duration_us("-1s", &us, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_parse_duration_us("99999999999999999999s", &us, &err), KT_ERR_USAGE);
    CHECK(kt_transform_config_hash(&a) == kt_transform_config_hash(&b));
    CHECK_OK(kt_transform_config_set(&b, "max_gap", "500ms", &err), &err);
    CHECK(kt_transform_config_hash(&a) == kt_transform_config_hash(&b)); /* same value */
    CHECK_OK(kt_transform_config_set(&b, "max_rows", "1000", &err), &err);
    CHECK(kt_transform_config_hash(&a) == kt_transform_config_hash(&b)); /* limits are not hashed */
    CHECK_OK(kt_transform_config_set(&b, "align", "grid:10ms", &err), &err);
    CHECK(kt_transform_config_hash(&a) != kt_transform_config_hash(&b));
    CHECK_EQ_INT(b.grid_period_us, 10000);
    CHECK_OK(kt_transform_config_set(&b, "align", "union", &err), &err);
    CHECK(kt_transform_config_hash(&a) == kt_transform_config_hash(&b));
    CHECK_OK(kt_transform_config_set(&b, "hampel_threshold", "3.5", &err), &err);
    CHECK(kt_transform_config_hash(&a) != kt_transform_config_hash(&b));
    CHECK_EQ_INT(kt_transform_config_set(&b, "align", "grid:0ms", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_transform_config_set(&b, "align", "lanes", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_transform_config_set(&b, "hampel_window", "0", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_transform_config_set(&b, "colour", "red", &err), KT_ERR_USAGE);
    CHECK(b.hampel_threshold == 3.5 && b.align == KT_ALIGN_UNION); /* failed sets changed nothing */
    char hex[17], text[256];
    kt_transform_config_hash_hex(&a, hex);
    CHECK_EQ_INT(strlen(hex), 16);
    kt_transform_config_canonical(&a, text, sizeof text);
    CHECK(strstr(text, "align=union max_gap_us=500000") != NULL);
}

TEST(run_stats_schema_and_rows)
{
    const kt_stat_column *schema = kt_run_stats_schema();
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++)
        for (size_t j = 0; j < i; j++) CHECK_MSG(strcmp(schema[i].name, schema[j].name) != 0, "%s twice", schema[i].name);
    CHECK_EQ_STR(schema[0].name, "run_uuid");
    kt_column cols[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(cols);
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 0, 1.0);
    add(&r, Y1, 0, 1.0);
    add(&r, Z1, 0, 1.0);
    add(&r, X1, 12 * MS, 2.0);
    add(&r, Y1, 12 * MS, 1.0);
    add(&r, Z1, 12 * MS, 1.0);
    CHECK_OK(process(&f, &r), &f.err);
    kt_run_stats s = f.out->stats;
    snprintf(s.run_uuid, sizeof s.run_uuid, "7582293080991470000");
    CHECK_OK(kt_run_stats_append(&s, cols, &f.err), &f.err);
    CHECK_OK(kt_run_stats_append(&s, cols, &f.err), &f.err);
    for (size_t i = 0; i < KT_RUN_STATS_COLUMNS; i++) {
        CHECK_EQ_INT(cols[i].len, 2);
        CHECK_EQ_INT(cols[i].type, schema[i].type);
        if (!schema[i].nullable) CHECK_MSG(cols[i].null_count == 0, "%s has nulls", schema[i].name);
        if (strcmp(schema[i].name, "distance_1_mm") == 0) CHECK(KT_COL_DOUBLE(&cols[i])[0] == 1.0);
        if (strcmp(schema[i].name, "distance_2_mm") == 0) CHECK_EQ_INT(cols[i].null_count, 2);
        if (strcmp(schema[i].name, "max_force_1_n") == 0) CHECK_EQ_INT(cols[i].null_count, 2);
        if (strcmp(schema[i].name, "start_time") == 0) CHECK(schema[i].timestamp && KT_COL_I64(&cols[i])[1] == T0);
        if (strcmp(schema[i].name, "run_uuid") == 0) {
            size_t len;
            const char *p = kt_column_bytes_at(&cols[i], 1, &len);
            CHECK(len == 19 && memcmp(p, "7582293080991470000", 19) == 0);
            CHECK_EQ_INT(schema[i].owner, KT_STAT_CALLER);
        }
    }
    kt_run_stats_columns_free(cols);
    fixture_free(&f);
}

TEST(named_columns_follow_the_spec_order)
{
    fixture f = { 0 };
    run r = { .n = 0 };
    add(&r, X1, 0, 1.0);
    CHECK_OK(process(&f, &r), &f.err);
    kt_named_column cols[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    size_t n = kt_features_named_columns(&f.out->aligned, &f.out->features, cols);
    CHECK_EQ_INT(n, 34);
    const char *expect =
        "time fx_1 fx_2 fy_1 fy_2 fz_1 fz_2 x_1 x_2 y_1 y_2 z_1 z_2 measured_mask interpolated_mask held_mask "
        "vx_1 vy_1 vz_1 vx_2 vy_2 vz_2 ax_1 ay_1 az_1 ax_2 ay_2 az_2 v1 v2 a1 a2 f1 f2";
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(got, cols[i].name);
        if (i + 1 < n) strcat(got, " ");
        CHECK_EQ_INT(cols[i].column->len, 1);
    }
    CHECK_EQ_STR(got, expect);
    CHECK(cols[0].timestamp);
    fixture_free(&f);
}

/* The shapes of the real sample's runs (SPEC §1): one lacks z_2 and its y_2
 * goes flat at 0.003 after a third; one has encoders only; one only fx_1. */
TEST(real_sample_shapes)
{
    tf_run clean = { 0 }, shaped = { 0 };
    CHECK(tf_clean_run(&clean, 30.0, 3) == 0);
    kt_transform *t = kt_transform_new(0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    const kt_run_output *out;
    kt_error err;

    for (size_t i = 0; i < clean.n; i++) {
        kt_reading x = clean.r[i];
        if (x.robot == 2 && x.field == KT_FIELD_Z) continue;
        if (x.robot == 2 && x.field == KT_FIELD_Y && x.time_us - TF_T0 > 10000000) x.value = 0.003;
        CHECK(tf_push(&shaped, x.time_us, x.robot, x.field, x.value) == 0);
    }
    CHECK_OK(kt_transform_run(t, &cfg, shaped.r, shaped.n, &out, &err), &err);
    CHECK_EQ_INT(out->stats.spikes_removed, 0); /* the kink and the flat tail are not spikes */
    CHECK_EQ_STR(out->stats.status_reason, "missing z_2");
    CHECK(!out->stats.has_distance[1]);         /* no z_2: no position for robot 2 */
    CHECK(out->stats.has_distance[0]);
    CHECK(out->stats.has_force[1]);

    shaped.n = 0;
    for (size_t i = 0; i < clean.n; i++)
        if (clean.r[i].field >= KT_FIELD_X) CHECK(tf_push(&shaped, clean.r[i].time_us, clean.r[i].robot,
                                                          clean.r[i].field, clean.r[i].value) == 0);
    CHECK_OK(kt_transform_run(t, &cfg, shaped.r, shaped.n, &out, &err), &err);
    CHECK_EQ_STR(out->stats.status_reason, "missing fx_1 fx_2 fy_1 fy_2 fz_1 fz_2");
    CHECK(!out->stats.has_force[0] && !out->stats.has_force[1]);
    CHECK(out->stats.has_distance[0] && out->stats.has_distance[1]);
    CHECK(!out->stats.has_median_period[KT_STREAM_LOAD_CELL_1]);

    shaped.n = 0;
    for (size_t i = 0; i < clean.n; i++)
        if (clean.r[i].robot == 1 && clean.r[i].field == KT_FIELD_FX)
            CHECK(tf_push(&shaped, clean.r[i].time_us, 1, KT_FIELD_FX, clean.r[i].value) == 0);
    CHECK_OK(kt_transform_run(t, &cfg, shaped.r, shaped.n, &out, &err), &err);
    CHECK_EQ_STR(out->stats.channels_missing, "fx_2 fy_1 fy_2 fz_1 fz_2 x_1 x_2 y_1 y_2 z_1 z_2");
    CHECK(!out->stats.has_distance[0] && !out->stats.has_distance[1]);
    CHECK(!out->stats.has_force[0]); /* fy_1, fz_1 missing */
    CHECK_EQ_INT(out->aligned.rows, out->stats.rows[0]);
    CHECK_NEAR(out->stats.coverage[0], 0.0, 0);
    kt_transform_free(t);
    tf_run_free(&clean);
    tf_run_free(&shaped);
}

TEST_MAIN_BEGIN("transform")
RUN(ctx, interpolation_between_neighbours);
RUN(ctx, no_interpolation_across_a_gap_longer_than_max_gap);
RUN(ctx, edge_hold_for_at_most_max_gap);
RUN(ctx, missing_channels_are_null_and_reported);
RUN(ctx, encoder_spike_is_removed_and_counted);
RUN(ctx, spike_only_timestamp_makes_no_row);
RUN(ctx, exact_duplicates_count_once);
RUN(ctx, conflicting_duplicates_are_excluded);
RUN(ctx, grid_resampling);
RUN(ctx, derivatives_are_exact_for_quadratics);
RUN(ctx, derivative_segments_stop_at_gaps);
RUN(ctx, runtime_and_distance_from_hand_points);
RUN(ctx, force_and_stream_statistics);
RUN(ctx, complete_status_when_every_channel_is_continuous);
RUN(ctx, status_names_missing_and_gappy_channels);
RUN(ctx, empty_run);
RUN(ctx, invalid_readings_are_usage_errors);
RUN(ctx, grid_row_limit_is_enforced);
RUN(ctx, scratch_limit_is_enforced);
RUN(ctx, config_parsing_and_hash);
RUN(ctx, run_stats_schema_and_rows);
RUN(ctx, named_columns_follow_the_spec_order);
RUN(ctx, real_sample_shapes);
TEST_MAIN_END()
