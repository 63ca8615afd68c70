/*
 * gen/toolpath.c — closed-form position, velocity and acceleration of the
 * layered contour toolpath, and its arc length by piecewise Gauss-Legendre.
 */
#include "gen/toolpath.h"

#include <math.h>

#define TWO_PI 6.283185307179586

void kt_gen_smoothstep(double v, double *s, double *ds, double *dds)
{
    if (v <= 0) { *s = 0; *ds = 0; *dds = 0; return; }
    if (v >= 1) { *s = 1; *ds = 0; *dds = 0; return; }
    double v2 = v * v;
    *s = v2 * v * (10 + v * (-15 + 6 * v));
    *ds = 30 * v2 * (1 - v) * (1 - v);
    *dds = 60 * v * (1 + v * (-3 + 2 * v));
}

/* g(u) and its derivatives with respect to u. */
static void layers_at(const kt_gen_toolpath *p, double u, double *g, double *dg, double *ddg)
{
    double n = floor(u), f = u - n, start = 1 - p->w;
    if (f < start) { *g = n; *dg = 0; *ddg = 0; return; }
    double s, ds, dds;
    kt_gen_smoothstep((f - start) / p->w, &s, &ds, &dds);
    *g = n + s;
    *dg = ds / p->w;
    *ddg = dds / (p->w * p->w);
}

void kt_gen_toolpath_pos(const kt_gen_toolpath *p, double tau, double pos[3])
{
    double u = p->omega * tau / TWO_PI, g, dg, ddg;
    layers_at(p, u, &g, &dg, &ddg);
    double th = p->theta0 + p->omega * tau;
    double c = cos(th), s = sin(th);
    double c3 = c * (4 * c * c - 3), s3 = s * (3 - 4 * s * s);  /* triple-angle: one sincos */
    double scale = 1 - p->shrink * g;
    pos[0] = p->cx + scale * p->a * (c - p->c3 * c3);
    pos[1] = p->cy + scale * p->b * (s + p->c3 * s3);
    pos[2] = p->z0 - p->dz * g;
}

void kt_gen_toolpath_eval(const kt_gen_toolpath *p, double tau, kt_gen_kinematics *k)
{
    double nu = p->omega / TWO_PI;  /* du/dtau */
    double g, dg, ddg;
    layers_at(p, nu * tau, &g, &dg, &ddg);
    double om = p->omega, th = p->theta0 + om * tau;
    double c = cos(th), s = sin(th);
    double c3 = c * (4 * c * c - 3), s3 = s * (3 - 4 * s * s);
    double q = p->c3;
    /* contour shape X, Y and their theta-derivatives */
    double X = c - q * c3, X1 = -s + 3 * q * s3, X2 = -c + 9 * q * c3;
    double Y = s + q * s3, Y1 = c + 3 * q * c3, Y2 = -s - 9 * q * s3;
    double sc = 1 - p->shrink * g;
    double sc1 = -p->shrink * dg * nu, sc2 = -p->shrink * ddg * nu * nu;
    k->pos[0] = p->cx + sc * p->a * X;
    k->pos[1] = p->cy + sc * p->b * Y;
    k->pos[2] = p->z0 - p->dz * g;
    k->vel[0] = p->a * (sc1 * X + sc * X1 * om);
    k->vel[1] = p->b * (sc1 * Y + sc * Y1 * om);
    k->vel[2] = -p->dz * dg * nu;
    k->acc[0] = p->a * (sc2 * X + 2 * sc1 * X1 * om + sc * X2 * om * om);
    k->acc[1] = p->b * (sc2 * Y + 2 * sc1 * Y1 * om + sc * Y2 * om * om);
    k->acc[2] = -p->dz * ddg * nu * nu;
    k->layers = g;
}

static double speed_at(const kt_gen_toolpath *p, double tau)
{
    kt_gen_kinematics k;
    kt_gen_toolpath_eval(p, tau, &k);
    return sqrt(k.vel[0] * k.vel[0] + k.vel[1] * k.vel[1] + k.vel[2] * k.vel[2]);
}

/* 8-point Gauss-Legendre nodes and weights on [-1, 1]. */
static const double GL_X[4] = { 0.1834346424956498, 0.5255324099163290,
                                0.7966664774136267, 0.9602898564975363 };
static const double GL_W[4] = { 0.3626837833783620, 0.3137066458778873,
                                0.2223810344533745, 0.1012285362903763 };

static double integrate_smooth(const kt_gen_toolpath *p, double lo, double hi)
{
    if (hi <= lo) return 0;
    int pieces = (int)ceil((hi - lo) / 0.5);
    double h = (hi - lo) / pieces, total = 0;
    for (int i = 0; i < pieces; i++) {
        double mid = lo + (i + 0.5) * h, half = h / 2, sum = 0;
        for (int j = 0; j < 4; j++)
            sum += GL_W[j] * (speed_at(p, mid - half * GL_X[j]) + speed_at(p, mid + half * GL_X[j]));
        total += sum * half;
    }
    return total;
}

double kt_gen_toolpath_length(const kt_gen_toolpath *p, double tau_a, double tau_b)
{
    if (!(tau_b > tau_a)) return 0;
    double nu = p->omega / TWO_PI;
    if (!(nu > 0)) return integrate_smooth(p, tau_a, tau_b);
    /* Breakpoints where g(u) changes form: u = n (step ends) and u = n + 1 - w (step starts). */
    double total = 0, lo = tau_a;
    double n = floor(nu * tau_a);
    for (;; n += 1) {
        double marks[2] = { (n + 1 - p->w) / nu, (n + 1) / nu };
        for (int m = 0; m < 2; m++) {
            if (marks[m] <= lo) continue;
            if (marks[m] >= tau_b) return total + integrate_smooth(p, lo, tau_b);
            total += integrate_smooth(p, lo, marks[m]);
            lo = marks[m];
        }
    }
}
