/*
 * pipeline/features.h — velocities, accelerations and norms of one run
 * (SPEC §2 `features`, §3 "Features").
 *
 * Contract:
 *  - Velocity of position channel c = kt_derivative() of c's own valid
 *    samples (after duplicates, conflicts and spikes), segmented at gaps >
 *    max_gap; those velocity samples sit at c's sample times and are placed
 *    on the aligned timeline by the same rule as the channel itself
 *    (kt_series_at: measured time -> that value, between samples ->
 *    linear, ends -> held, else null). Acceleration = kt_derivative() of
 *    the velocity samples, placed likewise. Units mm/s and mm/s².
 *  - v_r, a_r, f_r = Euclidean norm of the robot's three axes on each
 *    row (velocity, acceleration, aligned force); null if any axis is null.
 *  - max_speed[r-1]: the largest v_r at the robot's velocity sample times
 *    (alignment-independent); has_max_speed false when there is none.
 *  - The features table = the aligned columns followed by these 18
 *    (kt_features_named_columns); nothing is copied.
 */
#ifndef KT_PIPELINE_FEATURES_H
#define KT_PIPELINE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/column.h"
#include "core/error.h"
#include "pipeline/align.h"
#include "pipeline/run_readings.h"
#include "pipeline/series.h"
#include "pipeline/transform_config.h"

typedef struct kt_features {
    kt_column velocity[KT_ROBOTS * KT_AXES];     /* vx_1 vy_1 vz_1 vx_2 vy_2 vz_2, DOUBLE nullable */
    kt_column acceleration[KT_ROBOTS * KT_AXES]; /* ax_1 ay_1 az_1 ax_2 ay_2 az_2 */
    kt_column speed[KT_ROBOTS];                  /* v1 v2 */
    kt_column accel_norm[KT_ROBOTS];             /* a1 a2 */
    kt_column force[KT_ROBOTS];                  /* f1 f2 */
} kt_features;

#define KT_FEATURE_COLUMNS (2 * KT_ROBOTS * KT_AXES + 3 * KT_ROBOTS) /* 18 */

void kt_features_init(kt_features *f);
void kt_features_free(kt_features *f);

/* Scratch bytes kt_features_series needs: 24 per encoder sample (8-byte aligned). */
size_t kt_features_scratch_bytes(const kt_run_samples *samples);

/*
 * The velocity and acceleration samples of the six position channels
 * (vx_1 vy_1 vz_1 vx_2 vy_2 vz_2 order) into scratch, which they borrow,
 * and each robot's max speed. The columns are these series placed on the
 * timeline (pipeline/run_rows.h).
 */
void kt_features_series(const kt_run_samples *samples, const kt_transform_config *cfg, void *scratch,
                        kt_series velocity[KT_ROBOTS * KT_AXES], kt_series acceleration[KT_ROBOTS * KT_AXES],
                        double max_speed[KT_ROBOTS], bool has_max_speed[KT_ROBOTS]);

/* The aligned columns, then vx_1 .. az_2, v1 v2 a1 a2 f1 f2. */
size_t kt_features_named_columns(const kt_aligned *a, const kt_features *f,
                                 kt_named_column out[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS]);

#endif
