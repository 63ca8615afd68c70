/*
 * pipeline/derivative.h — time derivative of an unevenly sampled series.
 *
 * Contract: the series is cut into segments where consecutive samples are
 * more than max_gap apart (never differenced across a gap). In a segment
 * of 3 or more samples, interior points use the second-order three-point
 * formula for uneven spacing and the two end points the second-order
 * one-sided three-point formulas; a segment of 2 samples gets the
 * first-order difference at both points; a lone sample gets no
 * derivative. Output samples are written for every sample that has one,
 * in order, to (out_t, out_v) (out_t may be NULL when the caller already
 * knows the times); returns how many. Units: value-unit per second.
 * Outputs may not alias inputs.
 */
#ifndef KT_PIPELINE_DERIVATIVE_H
#define KT_PIPELINE_DERIVATIVE_H

#include <stddef.h>
#include <stdint.h>

size_t kt_derivative(const int64_t *t, const double *v, size_t n, int64_t max_gap_us, int64_t *out_t,
                     double *out_v);

#endif
