/*
 * pipeline/ingest_config.h — the knobs of ingest: physical limits for
 * `out_of_range` (SPEC §3) and the memory bound of in-file duplicate
 * detection; defaults, setting from text, loading a config file, and a
 * fingerprint of everything that decides where a row goes.
 *
 * Contract:
 *  - Defaults: x y z within [-10000, 10000] mm, fx fy fz within
 *    [-50000, 50000] N (bounds inclusive), dedup_memory 128 MiB.
 *  - kt_ingest_config_set(key, value), keys:
 *      position_limit  <number>          x y z in [-v, v]
 *      force_limit     <number>          fx fy fz in [-v, v]
 *      limit_<field>   <min>:<max>       one field (x y z fx fy fz)
 *      dedup_memory    <int>[KiB|MiB|GiB]
 *    Values are validated (finite, min <= max); failure is KT_ERR_USAGE
 *    with one line and leaves the config unchanged.
 *  - kt_ingest_config_load reads "key = value" lines ('#' comments, blank
 *    lines) from a file; a missing file is not an error (*found = false).
 *  - kt_ingest_config_fingerprint hashes the limits (not dedup_memory):
 *    two configs with equal fingerprints classify every row alike.
 */
#ifndef KT_PIPELINE_INGEST_CONFIG_H
#define KT_PIPELINE_INGEST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pipeline/channels.h"

typedef struct kt_ingest_config {
    double min[KT_FIELD_COUNT], max[KT_FIELD_COUNT]; /* by kt_field */
    size_t dedup_memory;                             /* bytes */
} kt_ingest_config;

#define KT_INGEST_POSITION_LIMIT_MM 10000.0
#define KT_INGEST_FORCE_LIMIT_N 50000.0
#define KT_INGEST_DEDUP_MEMORY ((size_t)128 << 20)

void kt_ingest_config_default(kt_ingest_config *cfg);
kt_status kt_ingest_config_set(kt_ingest_config *cfg, const char *key, const char *value, kt_error *err);
kt_status kt_ingest_config_load(kt_ingest_config *cfg, const char *path, bool *found, kt_error *err);
uint64_t kt_ingest_config_fingerprint(const kt_ingest_config *cfg);

#endif
