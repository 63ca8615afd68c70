/* gen/forces.c — forming forces from depth, curvature and direction of travel. */
#include "gen/forces.h"

#include <math.h>

void kt_gen_forces(const kt_gen_force_model *m, const kt_gen_toolpath *p,
                   const kt_gen_kinematics *k, double force[3])
{
    double depth = p->dz * k->layers;
    double vx = k->vel[0], vy = k->vel[1];
    double v2 = vx * vx + vy * vy, v = sqrt(v2);
    double kappa = v > 1e-9 ? fabs(vx * k->acc[1] - vy * k->acc[0]) / (v2 * v) : 0;
    double kappa0 = 2 / (p->a + p->b);
    double q = kappa / kappa0 - 1;
    double fn = m->gain * (m->f0 + m->f1 * depth / (depth + m->lambda)) * (1 + 0.25 * q / (1 + fabs(q)));
    double rx = k->pos[0] - p->cx, ry = k->pos[1] - p->cy, r = sqrt(rx * rx + ry * ry);
    double tx = v > 1e-9 ? vx / v : 0, ty = v > 1e-9 ? vy / v : 0;
    double ox = r > 1e-9 ? rx / r : 0, oy = r > 1e-9 ? ry / r : 0;
    force[0] = m->bias[0] + fn * (-m->mu * tx - m->rho * ox);
    force[1] = m->bias[1] + fn * (-m->mu * ty - m->rho * oy);
    force[2] = m->bias[2] - fn;
}
