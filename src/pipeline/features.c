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

#include "pipeline/column_fill.h"
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
    size_t worst = 0;
    for (int robot = 1; robot <= KT_ROBOTS; robot++) {
        int ch[KT_AXES];
        robot_axes(robot, KT_FIELD_X, ch);
        size_t total = 0, longest = 0;
        for (int a = 0; a < KT_AXES; a++) {
            total += samples->len[ch[a]];
            if (samples->len[ch[a]] > longest) longest = samples->len[ch[a]];
        }
        size_t need = total * (sizeof(int64_t) + sizeof(double)) + longest * sizeof(double);
        if (need > worst) worst = need;
    }
    return worst + 16;
}

/* Norm of three nullable columns into dst (already sized). */
static void norm_columns(const kt_column *const axes[KT_AXES], size_t rows, kt_column *dst)
{
    double *out = KT_COL_DOUBLE(dst);
    for (size_t r = 0; r < rows; r++) {
        double sum = 0;
        bool ok = true;
        for (int a = 0; a < KT_AXES; a++) {
            if (!kt_column_is_valid(axes[a], r)) {
                ok = false;
                break;
            }
            double x = KT_COL_DOUBLE(axes[a])[r];
            sum += x * x;
        }
        out[r] = ok ? sqrt(sum) : 0.0;
        dst->valid[r] = ok;
    }
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

static kt_status fill_placed(kt_series s, const kt_transform_config *cfg, const kt_aligned *a, kt_column *dst,
                             const char *name, kt_error *err)
{
    if (kt_column_fill_begin(dst, a->rows, true) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "features: no memory for %zu rows of %s", a->rows, name);
    kt_place_series(s, cfg->max_gap_us, KT_COL_I64(&a->time), a->rows, dst, NULL, 0);
    kt_column_fill_end(dst);
    return KT_OK;
}

static kt_status robot_motion(const kt_run_samples *samples, const kt_aligned *a, const kt_transform_config *cfg,
                              int robot, void *scratch, kt_features *out, double *max_speed, bool *has_speed,
                              kt_error *err)
{
    int ch[KT_AXES];
    robot_axes(robot, KT_FIELD_X, ch);
    size_t total = 0;
    for (int ax = 0; ax < KT_AXES; ax++) total += samples->len[ch[ax]];
    int64_t *vt = scratch;
    double *vv = (double *)(vt + total);
    double *acc = vv + total;
    kt_series vel[KT_AXES];
    size_t used = 0;
    for (int ax = 0; ax < KT_AXES; ax++) {
        int i = (robot - 1) * KT_AXES + ax;
        kt_series pos = kt_run_samples_series(samples, ch[ax]);
        size_t m = kt_derivative(pos.t, pos.v, pos.n, cfg->max_gap_us, vt + used, vv + used);
        vel[ax] = (kt_series){ vt + used, vv + used, m };
        used += m;
        KT_TRY(fill_placed(vel[ax], cfg, a, &out->velocity[i], feature_names[i], err));
        size_t ma = kt_derivative(vel[ax].t, vel[ax].v, m, cfg->max_gap_us, NULL, acc);
        kt_series accel = { vel[ax].t, acc, ma };
        KT_TRY(fill_placed(accel, cfg, a, &out->acceleration[i], feature_names[6 + i], err));
    }
    *has_speed = max_norm_at_samples(vel, cfg->max_gap_us, max_speed);
    return KT_OK;
}

static kt_status norm_column(const kt_column *const axes[KT_AXES], size_t rows, kt_column *dst, const char *name,
                             kt_error *err)
{
    if (kt_column_fill_begin(dst, rows, true) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "features: no memory for %zu rows of %s", rows, name);
    norm_columns(axes, rows, dst);
    kt_column_fill_end(dst);
    return KT_OK;
}

kt_status kt_features_build(const kt_run_samples *samples, const kt_aligned *aligned,
                            const kt_transform_config *cfg, void *scratch, kt_features *out,
                            double max_speed[KT_ROBOTS], bool has_max_speed[KT_ROBOTS], kt_error *err)
{
    for (int robot = 1; robot <= KT_ROBOTS; robot++) {
        int r = robot - 1;
        KT_TRY(robot_motion(samples, aligned, cfg, robot, scratch, out, &max_speed[r], &has_max_speed[r], err));
        const kt_column *v[KT_AXES], *acc[KT_AXES], *f[KT_AXES];
        int force_ch[KT_AXES];
        robot_axes(robot, KT_FIELD_FX, force_ch);
        for (int ax = 0; ax < KT_AXES; ax++) {
            v[ax] = &out->velocity[r * KT_AXES + ax];
            acc[ax] = &out->acceleration[r * KT_AXES + ax];
            f[ax] = &aligned->channel[force_ch[ax]];
        }
        KT_TRY(norm_column(v, aligned->rows, &out->speed[r], feature_names[12 + r], err));
        KT_TRY(norm_column(acc, aligned->rows, &out->accel_norm[r], feature_names[14 + r], err));
        KT_TRY(norm_column(f, aligned->rows, &out->force[r], feature_names[16 + r], err));
    }
    return KT_OK;
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
