/*
 * pipeline/features.c — derivatives per position channel, placed on the
 * aligned timeline, and the per-row norms.
 *
 * Scratch per robot: for each axis the velocity samples (times and
 * values, kept until the robot's max speed is known) plus one reusable
 * acceleration buffer: 16 bytes per encoder sample of the robot + 8 bytes
 * per sample of its longest axis.
 */
#include "pipeline/features.h"

#include <math.h>
#include <string.h>

#include "pipeline/derivative.h"
#include "pipeline/series.h"

static const char *const feature_names[KT_FEATURE_COLUMNS] = {
    "vx_1", "vy_1", "vz_1", "vx_2", "vy_2", "vz_2",
    "ax_1", "ay_1", "az_1", "ax_2", "ay_2", "az_2",
    "v1", "v2", "a1", "a2", "f1", "f2",
};

void kt_features_init(kt_features *f)
{
    for (int i = 0; i < KT_ROBOTS * KT_AXES; i++) {
        kt_column_init(&f->velocity[i], KT_DOUBLE);
        kt_column_init(&f->acceleration[i], KT_DOUBLE);
    }
    for (int r = 0; r < KT_ROBOTS; r++) {
        kt_column_init(&f->speed[r], KT_DOUBLE);
        kt_column_init(&f->accel_norm[r], KT_DOUBLE);
        kt_column_init(&f->force[r], KT_DOUBLE);
    }
}

void kt_features_free(kt_features *f)
{
    for (int i = 0; i < KT_ROBOTS * KT_AXES; i++) {
        kt_column_free(&f->velocity[i]);
        kt_column_free(&f->acceleration[i]);
    }
    for (int r = 0; r < KT_ROBOTS; r++) {
        kt_column_free(&f->speed[r]);
        kt_column_free(&f->accel_norm[r]);
        kt_column_free(&f->force[r]);
    }
}

static void robot_axes(int robot, kt_field first, int channels[KT_AXES])
{
    for (int a = 0; a < KT_AXES; a++) channels[a] = kt_channel_of((kt_field)(first + a), robot);
}

size_t kt_features_scratch_bytes(const kt_run_samples *samples)
{
    size_t encoder = 0;
    for (int c = 0; c < KT_CHANNELS; c++)
        if (kt_channel_is_position(c)) encoder += samples->len[c];
    return encoder * (2 * sizeof(int64_t) + sizeof(double));
}

/* Largest |v| over the union of the velocity sample times. */
static bool max_norm_at_samples(const kt_series vel[KT_AXES], int64_t max_gap, double *max_out)
{
    kt_merge_iter it;
    kt_merge_iter_init(&it, vel, KT_AXES);
    kt_series_cursor cur[KT_AXES];
    for (int a = 0; a < KT_AXES; a++) cur[a] = kt_series_cursor_make(vel[a], max_gap);
    bool any = false;
    double best = 0;
    int64_t tau;
    while (kt_merge_iter_next(&it, &tau)) {
        double sum = 0, x = 0;
        bool ok = true;
        for (int a = 0; a < KT_AXES; a++) {
            if (kt_series_at(&cur[a], tau, &x) == KT_CELL_NULL) ok = false;
            sum += ok ? x * x : 0;
        }
        if (ok && (!any || sqrt(sum) > best)) {
            best = sqrt(sum);
            any = true;
        }
    }
    *max_out = best;
    return any;
}

void kt_features_series(const kt_run_samples *samples, const kt_transform_config *cfg, void *scratch,
                        kt_series velocity[KT_ROBOTS * KT_AXES], kt_series acceleration[KT_ROBOTS * KT_AXES],
                        double max_speed[KT_ROBOTS], bool has_max_speed[KT_ROBOTS])
{
    char *p = scratch;
    for (int robot = 1; robot <= KT_ROBOTS; robot++) {
        int ch[KT_AXES];
        robot_axes(robot, KT_FIELD_X, ch);
        for (int ax = 0; ax < KT_AXES; ax++) {
            int i = (robot - 1) * KT_AXES + ax;
            kt_series pos = kt_run_samples_series(samples, ch[ax]);
            int64_t *vt = (int64_t *)p;
            double *vv = (double *)(vt + pos.n), *acc = vv + pos.n;
            p = (char *)(acc + pos.n);
            size_t m = kt_derivative(pos.t, pos.v, pos.n, cfg->max_gap_us, vt, vv);
            velocity[i] = (kt_series){ vt, vv, m };
            size_t ma = kt_derivative(vt, vv, m, cfg->max_gap_us, NULL, acc);
            acceleration[i] = (kt_series){ vt, acc, ma };
        }
        has_max_speed[robot - 1] = max_norm_at_samples(&velocity[(robot - 1) * KT_AXES], cfg->max_gap_us,
                                                       &max_speed[robot - 1]);
    }
}

size_t kt_features_named_columns(const kt_aligned *a, const kt_features *f,
                                 kt_named_column out[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS])
{
    size_t n = kt_aligned_named_columns(a, out);
    for (int i = 0; i < KT_ROBOTS * KT_AXES; i++) out[n++] = (kt_named_column){ feature_names[i], &f->velocity[i], false };
    for (int i = 0; i < KT_ROBOTS * KT_AXES; i++)
        out[n++] = (kt_named_column){ feature_names[6 + i], &f->acceleration[i], false };
    for (int r = 0; r < KT_ROBOTS; r++) out[n++] = (kt_named_column){ feature_names[12 + r], &f->speed[r], false };
    for (int r = 0; r < KT_ROBOTS; r++) out[n++] = (kt_named_column){ feature_names[14 + r], &f->accel_norm[r], false };
    for (int r = 0; r < KT_ROBOTS; r++) out[n++] = (kt_named_column){ feature_names[16 + r], &f->force[r], false };
    return n;
}
