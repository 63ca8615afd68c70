/*
 * tests/unit/access_lake.h — a lake with the SPEC §2 tables (raw,
 * quarantine, aligned, features, run_stats) for the access tools' tests,
 * written through the Delta API from synthetic runs (transform_fixture's
 * closed-form motion) put through the real transform. Schemas follow
 * docs/TRANSFORM.md and ingest's docs/TABLES.md: aligned/features are
 * run_uuid (partition) + the transform's named columns, run_stats is
 * kt_run_stats_schema().
 *
 * Run i (0-based) has id al_run_id(i), lasts seconds * (1 + i / 4) and is
 * shifted by i hours; raw gets two commits per run (two "source files"),
 * run_stats one file per run. al_reprocess() plays "new readings of run i
 * arrived": raw gets one more append (half a second more of the run), the
 * run's aligned/features partitions are replaced and run_stats is
 * overwritten — the old files stay on disk until vacuum.
 */
#ifndef KT_TEST_ACCESS_LAKE_H
#define KT_TEST_ACCESS_LAKE_H

#include <stddef.h>

#include "core/error.h"

typedef struct al_options {
    size_t runs;          /* 0: the tables exist and are empty */
    double seconds;       /* length of run 0 */
    size_t row_group_rows;/* 0: the writer's default */
} al_options;

/* Canonical run id of run i: the SPEC's examples first (one above 2^63). */
const char *al_run_id(size_t i);

kt_status al_make_lake(const char *lake, const al_options *o, kt_error *err);
kt_status al_reprocess(const char *lake, const al_options *o, size_t run, kt_error *err);

#endif
