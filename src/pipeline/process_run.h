/*
 * pipeline/process_run.h — per-run processing against the lake: read one
 * run's `raw` partition, run the transform, replace the run's `aligned`
 * and `features` partitions and its `run_stats` row. What `kinetl process`
 * and the orchestrator's workers call. Design and reasoning: docs/PROCESS.md.
 *
 * Contract:
 *  - A kt_process_ctx is one worker's: its own Delta handles and snapshots
 *    (updated at the start of every run, reading only new commits), a
 *    transform context, a raw loader and caches. One thread at a time per
 *    context; contexts are independent, so any number of threads or
 *    processes may process different runs of one lake concurrently. It
 *    holds at most one run's data.
 *  - kt_process_run(ctx, run, cfg): three commits, in this order, each
 *    atomic: aligned (replace partition run_uuid IN (run)), features (the
 *    same), run_stats (the run's row, see run_stats_table.h). Each records
 *    txn(appId "kinetl-process/<run>", version N) with the same N, a
 *    sequence that grows with every processing of the run:
 *    N = max(raw_version << 24, largest N already recorded for the run + 1).
 *    So: the three tables agree on N <=> they come from one processing;
 *    N >> 24 is the raw version it read. Commits of different runs never
 *    conflict. A conflict (someone else processed the same run meanwhile)
 *    makes it reload and redo, up to max_attempts.
 *  - Contents depend only on the run's readings and the config: re-running
 *    an unchanged run rewrites identical rows (processed_at aside).
 *  - A run without active raw files: KT_ERR_NOT_FOUND,
 *    "run X has no readings in raw". A damaged raw file: KT_ERR_FORMAT
 *    naming file/row group/column/row; nothing is written.
 *  - Memory (docs/PROCESS.md): the readings (24 B each) and, only while
 *    loading, the reader's buffers (one row group of 4 columns); then the
 *    readings and the transform's scratch (48 B each); then, readings
 *    released, the scratch and one row group slice of output (29 B per
 *    row) plus the Parquet writer's one column chunk: the output tables
 *    are written a row group and a column at a time, never held whole.
 */
#ifndef KT_PIPELINE_PROCESS_RUN_H
#define KT_PIPELINE_PROCESS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "lake/delta/delta.h"
#include "pipeline/raw_runs.h"
#include "pipeline/run_stats.h"
#include "pipeline/transform_config.h"

#define KT_PROCESS_APP_PREFIX "kinetl-process/"
#define KT_PROCESS_TXN_SHIFT 24 /* txn version = raw version << 24 | processing sequence */
#define KT_PROCESS_ROW_GROUP_ROWS 32768 /* output tables, unless delta.row_group_rows is set */

typedef struct kt_process_options {
    kt_delta_options delta;  /* for every table handle (no_fsync: tests only); outputs default
                                to KT_PROCESS_ROW_GROUP_ROWS rows per row group */
    size_t max_readings;     /* per run; 0 = no limit */
    size_t scratch_limit;    /* transform scratch bytes; 0 = no limit */
    bool skip_current;       /* leave a run alone when kt_process_run_current says so */
    int max_attempts;        /* tries on KT_ERR_CONFLICT; 0 = 8 */
    bool group_commit;       /* stage runs for kt_process_group_commit instead of committing each */
} kt_process_options;

typedef struct kt_process_result {
    char run_uuid[KT_RUN_STATS_ID_MAX];
    bool skipped;                 /* current already: nothing read or written */
    bool staged;                  /* group_commit: written and staged; versions come from the group commit */
    int attempts;
    int64_t raw_version;          /* raw snapshot version read */
    size_t raw_files;
    int64_t readings;             /* rows read from raw */
    int64_t rows;                 /* rows written to aligned and to features */
    int64_t txn_version;          /* N recorded in all three tables */
    int64_t aligned_version, features_version, run_stats_version; /* commits made (-1 if skipped) */
    char files_fingerprint[KT_FINGERPRINT_HEX];  /* kt_process_run_fingerprint of the files read */
    char input_fingerprint[KT_FINGERPRINT_HEX];  /* content hash of the readings (run_stats column) */
    char config_hash[17];
    kt_run_stats stats;           /* the row written */
    double read_s, transform_s, write_s;              /* wall seconds */
    double read_cpu_s, transform_cpu_s, write_cpu_s;  /* this thread's CPU seconds */
    size_t readings_bytes;        /* readings array */
    size_t reader_peak_bytes;     /* reader columns + chunk/page bound, while loading */
    size_t scratch_bytes;         /* transform arena */
    size_t output_bytes;          /* output slice buffers (one row group: time, masks, one column) */
} kt_process_result;

typedef struct kt_process_ctx kt_process_ctx;

/* Opens the lake's tables (creating aligned, features, run_stats when
 * missing). KT_ERR_NOT_FOUND when the lake has no raw table. */
kt_status kt_process_ctx_new(const char *lake, const kt_process_options *opts, kt_process_ctx **out,
                             kt_error *err);
void kt_process_ctx_free(kt_process_ctx *ctx);

kt_status kt_process_run(kt_process_ctx *ctx, const char *run_uuid, const kt_transform_config *cfg,
                         kt_process_result *res, kt_error *err);

/* Group commit (opts.group_commit): kt_process_run writes a run's files
 * and stages its three tables' actions in the context's open group
 * instead of committing them (res->staged; versions -1). One call commits
 * every staged run: one aligned commit, one features commit, one run_stats
 * commit, in that order, each carrying every run's txn(appId, N); on
 * failure the group's runs are not committed (or, after a partial
 * commit, not in all three tables, which the currency check sees) and the
 * group is emptied either way. A run staged twice is refused. While runs are staged the context does not read newer
 * output commits. Freeing a context drops what it staged. */
typedef struct kt_process_group_versions {
    int64_t aligned, features, run_stats;  /* -1 = not committed */
} kt_process_group_versions;
size_t kt_process_group_size(const kt_process_ctx *ctx);
kt_status kt_process_group_commit(kt_process_ctx *ctx, kt_process_group_versions *v, kt_error *err);

/* Is the run's output current: aligned, features and run_stats carry the
 * same N, no raw file of the run was added after version N >> 24, and the
 * run_stats row (exactly one) has cfg's config hash? */
typedef struct kt_process_currency {
    bool current;
    const char *why;              /* static phrase when not current */
    int64_t txn_version[3];       /* aligned, features, run_stats; -1 = none */
    int64_t raw_max_add_version;  /* newest raw commit that added a file of the run */
} kt_process_currency;

kt_status kt_process_run_current(kt_process_ctx *ctx, const char *run_uuid, const kt_transform_config *cfg,
                                 kt_process_currency *out, kt_error *err);

/* Every run with readings in raw (latest version), sorted; free with kt_process_free_runs. */
kt_status kt_process_list_runs(kt_process_ctx *ctx, char ***runs, size_t *count, kt_error *err);
void kt_process_free_runs(char **runs, size_t count);

/* The raw snapshot the context read last (after a run, list or check). */
const kt_delta_snapshot *kt_process_raw_snapshot(const kt_process_ctx *ctx);

#endif
