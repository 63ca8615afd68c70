/*
 * gen/truth.h — ground truth for feature tests: the exact trajectory
 * behind every encoder, so velocity, acceleration and path length can be
 * checked against analytic values rather than against kinetl itself.
 *
 * Contract:
 *  - kt_gen_write_truth_json writes a JSON summary (format
 *    "kinetl-gen-truth/1", docs/GEN.md): noise model, and per run and robot
 *    the toolpath parameters, whether the robot's encoder data is clean
 *    (all of x, y, z reported, none stuck), its first/last sample, the
 *    analytic arc length between them (path_length_mm), the noise-free
 *    polyline length through the samples (polyline_length_mm — what a
 *    perfect pipeline reports as distance with --noise 0) and the max speed.
 *  - kt_gen_write_truth_samples writes Parquet with one row per encoder
 *    sample of every clean robot-run: run_uuid, robot_id, time
 *    (TIMESTAMP_US), x y z, vx vy vz, ax ay az (noise-free, exact) and
 *    arc_mm (arc length since the robot's first sample). Streams rows in
 *    batches: bounded memory.
 */
#ifndef KT_GEN_TRUTH_H
#define KT_GEN_TRUTH_H

#include <stdbool.h>

#include "core/error.h"
#include "gen/model.h"

/* Whether robot (1 or 2) of a run has complete, unstuck encoder data. */
bool kt_gen_robot_clean(const kt_gen_run *r, int robot, const char **why);

kt_status kt_gen_write_truth_json(const kt_gen_model *m, const char *path, kt_error *err);
kt_status kt_gen_write_truth_samples(const kt_gen_model *m, const char *path, kt_error *err);

#endif
