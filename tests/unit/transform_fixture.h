/*
 * tests/unit/transform_fixture.h — closed-form robot motion and forces,
 * and synthetic runs sampled from them, for the transform tests' analytic
 * truth. Robot 1 circles (R 150 mm at 40 mm/s) while z creeps down in
 * smooth steps; robot 2 follows a widening spiral (~30 mm/s) with z on a
 * slow sine. All C-infinity. Encoders sample every 12 ms with +-3 ms
 * jitter, load cells every 10 ms (robot 2 offset by 3 ms): the four
 * streams have their own timestamps, as in the real data.
 */
#ifndef KT_TEST_TRANSFORM_FIXTURE_H
#define KT_TEST_TRANSFORM_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/run_readings.h"

#define TF_T0 1669236000000000LL /* 2022-11-23T20:40:00Z */

typedef struct tf_run {
    kt_reading *r;
    size_t n, cap;
} tf_run;

/* t: seconds since TF_T0; robot 1 or 2; out: x y z (or fx fy fz). */
void tf_position(int robot, double t, double p[3]);
void tf_velocity(int robot, double t, double v[3]);
void tf_acceleration(int robot, double t, double a[3]);
void tf_force(int robot, double t, double f[3]);

/* Path length of robot r between t_a and t_b seconds (Simpson, fine steps). */
double tf_path_length(int robot, double t_a, double t_b);

uint64_t tf_rand(uint64_t *state);

/* Appends a clean run of `seconds` to run (every channel, no noise). */
int tf_clean_run(tf_run *run, double seconds, uint64_t seed);
int tf_push(tf_run *run, int64_t time_us, int robot, int field, double value);
void tf_run_free(tf_run *run);

#endif
