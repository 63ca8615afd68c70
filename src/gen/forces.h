/*
 * gen/forces.h — the load-cell model: the forming force a tool feels as a
 * function of where it is on the toolpath.
 *
 * Model: normal force Fn = gain * (f0 + f1 * depth / (depth + lambda))
 *        * (1 + 0.25 * sat(kappa / kappa0 - 1)), sat(q) = q / (1 + |q|):
 *        growing with the depth formed so far and with the contour's
 *        curvature kappa (tight corners need more force), saturating both
 *        ways; kappa0 = 2 / (a + b). Rational, not exp/tanh: it is evaluated
 *        for every load-cell sample.
 *   fx, fy = bias + Fn * (-mu * t - rho * r)   (t: unit direction of travel,
 *                                               r: unit vector out from the centre)
 *   fz     = bias_z - Fn
 * Contract: a pure function of the kinematics; with the generator's
 * parameters the values stay inside SPEC §1's plausible ranges
 * (fx -1750..750, fy -1000..1000, fz -2000..100 N) before noise.
 */
#ifndef KT_GEN_FORCES_H
#define KT_GEN_FORCES_H

#include "gen/toolpath.h"

typedef struct kt_gen_force_model {
    double gain;              /* 1 for the forming tool, about 0.55 for the support tool */
    double f0, f1, lambda;    /* N, N, mm */
    double mu, rho;           /* friction and wall-reaction coefficients */
    double bias[3];           /* sensor offsets, N */
} kt_gen_force_model;

void kt_gen_forces(const kt_gen_force_model *m, const kt_gen_toolpath *p,
                   const kt_gen_kinematics *k, double force[3]);

#endif
