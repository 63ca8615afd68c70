/*
 * pipeline/run_stats_table.h — replacing one run's row of the unpartitioned
 * `run_stats` table atomically, and finding it again.
 *
 * Contract:
 *  - kinetl writes one small Parquet file per run holding that run's one
 *    row. Replacing the rows of runs X.. is ONE commit: remove every active
 *    file that holds a row of one of them (kt_delta_txn_replace_files),
 *    re-add the rows of other runs such a file also held (only files
 *    written by another engine mix runs; they go into the first run's
 *    file), add the new rows, record each run's txn appId.
 *    Concurrent writers of other runs never conflict (different files);
 *    two writers of the same run conflict on the appId (and on removing the
 *    same file), so at most one wins; a crash leaves the previous or the
 *    new row, never both or neither.
 *  - Files that may hold X are found from add.stats (min/max of run_uuid;
 *    unknown or cut bounds count as "may"); files whose min = max = X hold
 *    only X. Others are read. Parsed bounds are cached per path in the
 *    index (paths are unique, never reused), so a run costs a hash lookup
 *    per active file, not a JSON parse.
 *  - One index per thread, tied to one table.
 */
#ifndef KT_PIPELINE_RUN_STATS_TABLE_H
#define KT_PIPELINE_RUN_STATS_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "lake/delta/delta.h"
#include "pipeline/run_stats.h"

typedef struct kt_run_stats_index kt_run_stats_index;

kt_run_stats_index *kt_run_stats_index_new(void);
void kt_run_stats_index_free(kt_run_stats_index *ix);

/* One commit replacing row->run_uuid's row (read from snap, which must be
 * the table's; it is not updated). *version receives the commit's version.
 * KT_ERR_CONFLICT when a concurrent writer touched the same run. */
kt_status kt_run_stats_table_replace(kt_run_stats_index *ix, kt_delta_table *t, kt_delta_snapshot *snap,
                                     const kt_run_stats *row, const char *app_id, int64_t app_version,
                                     int64_t *version, kt_error *err);

/* The same for n distinct runs at once (a group commit): rows[i] is
 * recorded with txn(app_ids[i], app_versions[i]). */
kt_status kt_run_stats_table_replace_many(kt_run_stats_index *ix, kt_delta_table *t, kt_delta_snapshot *snap,
                                          const kt_run_stats *rows, const char *const *app_ids,
                                          const int64_t *app_versions, size_t n, int64_t *version, kt_error *err);

/* What the table says about a run (for "is this run current?"). */
typedef struct kt_run_stats_found {
    size_t rows;                 /* rows of the run: 1 when healthy */
    char config_hash[17];        /* of the last row read ("" if none) */
    char input_fingerprint[KT_RUN_STATS_ID_MAX];
} kt_run_stats_found;

kt_status kt_run_stats_table_lookup(kt_run_stats_index *ix, kt_delta_table *t, const kt_delta_snapshot *snap,
                                    const char *run_uuid, kt_run_stats_found *out, kt_error *err);

#endif
