/*
 * tests/unit/transform_fixture.c — see transform_fixture.h. Derivatives are
 * written out by hand from the position formulas (not computed
 * numerically), so they are an independent truth for the transform.
 */
#include "transform_fixture.h"

#include <math.h>
#include <stdlib.h>

#define TWO_PI 6.283185307179586

/* robot 1: circle */
#define C1X 2000.0
#define C1Y 800.0
#define R1 150.0
#define W1 (40.0 / R1) /* 40 mm/s */
#define Z1_0 (-500.0)
#define Z1_A 0.5    /* mm/s peak of z creep */
#define Z1_P 20.0   /* s, period of z steps */
/* robot 2: spiral */
#define C2X 1500.0
#define C2Y 600.0
#define R2_0 100.0
#define R2_RATE 0.1 /* mm/s */
#define W2 0.3
#define Z2_0 (-300.0)
#define Z2_A 20.0
#define Z2_P 60.0

void tf_position(int robot, double t, double p[3])
{
    if (robot == 1) {
        double k = TWO_PI / Z1_P;
        p[0] = C1X + R1 * cos(W1 * t);
        p[1] = C1Y + R1 * sin(W1 * t);
        p[2] = Z1_0 - Z1_A * (t - sin(k * t) / k);
    } else {
        double r = R2_0 + R2_RATE * t, k = TWO_PI / Z2_P;
        p[0] = C2X + r * cos(W2 * t);
        p[1] = C2Y + r * sin(W2 * t);
        p[2] = Z2_0 + Z2_A * sin(k * t);
    }
}

void tf_velocity(int robot, double t, double v[3])
{
    if (robot == 1) {
        double k = TWO_PI / Z1_P;
        v[0] = -R1 * W1 * sin(W1 * t);
        v[1] = R1 * W1 * cos(W1 * t);
        v[2] = -Z1_A * (1 - cos(k * t));
    } else {
        double r = R2_0 + R2_RATE * t, k = TWO_PI / Z2_P;
        v[0] = R2_RATE * cos(W2 * t) - r * W2 * sin(W2 * t);
        v[1] = R2_RATE * sin(W2 * t) + r * W2 * cos(W2 * t);
        v[2] = Z2_A * k * cos(k * t);
    }
}

void tf_acceleration(int robot, double t, double a[3])
{
    if (robot == 1) {
        double k = TWO_PI / Z1_P;
        a[0] = -R1 * W1 * W1 * cos(W1 * t);
        a[1] = -R1 * W1 * W1 * sin(W1 * t);
        a[2] = -Z1_A * k * sin(k * t);
    } else {
        double r = R2_0 + R2_RATE * t, k = TWO_PI / Z2_P;
        a[0] = -2 * R2_RATE * W2 * sin(W2 * t) - r * W2 * W2 * cos(W2 * t);
        a[1] = 2 * R2_RATE * W2 * cos(W2 * t) - r * W2 * W2 * sin(W2 * t);
        a[2] = -Z2_A * k * k * sin(k * t);
    }
}

void tf_force(int robot, double t, double f[3])
{
    double s = robot == 1 ? 1.0 : -0.7;
    f[0] = -500 + 400 * s * sin(0.9 * t);
    f[1] = 300 * cos(0.4 * t + robot);
    f[2] = -900 + 600 * s * sin(0.25 * t) * cos(0.05 * t);
}

static double speed_at(int robot, double t)
{
    double v[3];
    tf_velocity(robot, t, v);
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

double tf_path_length(int robot, double t_a, double t_b)
{
    size_t steps = (size_t)((t_b - t_a) * 200) * 2 + 2; /* even, ~2.5 ms */
    double h = (t_b - t_a) / (double)steps, sum = speed_at(robot, t_a) + speed_at(robot, t_b);
    for (size_t i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * speed_at(robot, t_a + h * (double)i);
    return sum * h / 3;
}

uint64_t tf_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int tf_push(tf_run *run, int64_t time_us, int robot, int field, double value)
{
    if (run->n == run->cap) {
        size_t cap = run->cap ? run->cap * 2 : 4096;
        kt_reading *r = realloc(run->r, cap * sizeof *r);
        if (!r) return -1;
        run->r = r;
        run->cap = cap;
    }
    run->r[run->n++] = (kt_reading){ time_us, value, (uint8_t)robot, (uint8_t)field };
    return 0;
}

int tf_clean_run(tf_run *run, double seconds, uint64_t seed)
{
    int64_t span = (int64_t)(seconds * 1e6);
    for (int robot = 1; robot <= 2; robot++) {
        uint64_t rng = seed * 31 + (uint64_t)robot;
        for (int64_t k = 0;; k++) {
            int64_t t = k * 12000 + 3000 + (int64_t)(tf_rand(&rng) % 6001) - 3000;
            if (t > span) break;
            double p[3];
            tf_position(robot, (double)t / 1e6, p);
            for (int a = 0; a < 3; a++)
                if (tf_push(run, TF_T0 + t, robot, KT_FIELD_X + a, p[a])) return -1;
        }
        for (int64_t t = robot == 1 ? 0 : 3000; t <= span; t += 10000) {
            double f[3];
            tf_force(robot, (double)t / 1e6, f);
            for (int a = 0; a < 3; a++)
                if (tf_push(run, TF_T0 + t, robot, KT_FIELD_FX + a, f[a])) return -1;
        }
    }
    return 0;
}

void tf_run_free(tf_run *run)
{
    free(run->r);
    run->r = NULL;
    run->n = run->cap = 0;
}
