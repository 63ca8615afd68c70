/*
 * gen/toolpath.h — the analytic forming toolpath of one robot in one run:
 * a rounded-square contour per layer that shrinks and steps down in z from
 * layer to layer, as in incremental sheet forming.
 *
 * Model (tau = seconds since the run's start, theta = theta0 + omega*tau,
 * u = omega*tau / 2pi = revolutions done, g(u) = layers completed, smooth):
 *   x = cx + s(u) * a * (cos theta - c3 cos 3theta)
 *   y = cy + s(u) * b * (sin theta + c3 sin 3theta)
 *   z = z0 - dz * g(u)               s(u) = 1 - shrink * g(u)
 *   g(u) = n + S((f - (1 - w)) / w) in the last fraction w of revolution n
 *          (n = floor u, f = u - n), else n; S(v) = 10v^3 - 15v^4 + 6v^5.
 * S has zero first and second derivatives at both ends, so the path is C2:
 * velocity and acceleration are continuous and given here exactly.
 *
 * Contract: kt_gen_toolpath_eval is a pure closed-form function of tau;
 * kt_gen_toolpath_length integrates |v| piecewise (split where g changes
 * form) with 8-point Gauss-Legendre on sub-intervals of at most 0.5 s:
 * relative error below 1e-9 for the parameters the generator uses.
 */
#ifndef KT_GEN_TOOLPATH_H
#define KT_GEN_TOOLPATH_H

typedef struct kt_gen_toolpath {
    double cx, cy;      /* contour centre, mm */
    double z0;          /* z of the first layer, mm */
    double a, b;        /* half-axes of the first layer, mm */
    double c3;          /* squareness: third-harmonic amplitude, 0 = ellipse, < 1/9 convex */
    double omega;       /* angular speed along the contour, rad/s */
    double theta0;      /* contour angle at tau = 0, rad */
    double dz;          /* depth per layer, mm */
    double shrink;      /* relative contour shrink per layer */
    double w;           /* fraction of a revolution spent stepping down, (0, 1] */
} kt_gen_toolpath;

typedef struct kt_gen_kinematics {
    double pos[3];      /* mm */
    double vel[3];      /* mm/s */
    double acc[3];      /* mm/s^2 */
    double layers;      /* g(u): layers completed (fractional while stepping) */
} kt_gen_kinematics;

void kt_gen_toolpath_eval(const kt_gen_toolpath *p, double tau, kt_gen_kinematics *k);
/* Position only (cheaper: the hot path of encoder readings). */
void kt_gen_toolpath_pos(const kt_gen_toolpath *p, double tau, double pos[3]);
/* Arc length of the path between tau_a <= tau_b, mm. */
double kt_gen_toolpath_length(const kt_gen_toolpath *p, double tau_a, double tau_b);

/* The quintic smoothstep and its first two derivatives (exposed for tests). */
void kt_gen_smoothstep(double v, double *s, double *ds, double *dds);

#endif
