/*
 * orchestrate/lake_config.h — the configuration a lake keeps for itself in
 * <lake>/_kinetl/: ingest limits (ingest.conf, docs/INGEST.md) and the
 * processing config (process.conf). Every command that ingests, processes
 * or judges staleness (`run`, `watch`, `ingest`, `process`, `status`) reads
 * them here, so they all agree on what "up to date" means.
 *
 * Contract:
 *  - A missing file means the defaults (kt_ingest_config_default,
 *    kt_transform_config_default); *found (optional) says whether it existed.
 *  - process.conf holds "key = value" lines with the keys of
 *    kt_transform_config_set (align, max_gap, hampel_window,
 *    hampel_threshold, hampel_min_deviation, max_rows); '#' starts a
 *    comment; blank lines are ignored. An unknown key or a bad value is
 *    KT_ERR_USAGE naming the file and line. Changing a hashed setting makes
 *    every run stale (config changed), so the next `run` reprocesses them.
 */
#ifndef KT_ORCHESTRATE_LAKE_CONFIG_H
#define KT_ORCHESTRATE_LAKE_CONFIG_H

#include <stdbool.h>

#include "core/error.h"
#include "pipeline/ingest_config.h"
#include "pipeline/transform_config.h"

#define KT_LAKE_INGEST_CONF "ingest.conf"
#define KT_LAKE_PROCESS_CONF "process.conf"

kt_status kt_lake_ingest_config(const char *lake, kt_ingest_config *cfg, bool *found, kt_error *err);
kt_status kt_lake_process_config(const char *lake, kt_transform_config *cfg, bool *found, kt_error *err);

/* Reads "key = value" lines of path into cfg (defaults not applied first). */
kt_status kt_transform_config_load(kt_transform_config *cfg, const char *path, bool *found, kt_error *err);

#endif
