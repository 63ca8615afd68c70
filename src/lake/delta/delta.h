/*
 * lake/delta/delta.h — kinetl's Delta Lake tables: create, read snapshots
 * (latest, by version, by timestamp), commit appends / partition overwrites
 * / whole-table overwrites / added columns atomically, history, vacuum.
 *
 * Contract:
 *  - A table is a directory "<lake>/<name>/" with "_delta_log/<20 digits>.json"
 *    commits (Delta protocol, reader version 1, writer version 2). Tables
 *    needing more (reader/writer features, deletion vectors, column
 *    mapping, checkpoints, catalog-managed commits) are refused with
 *    KT_ERR_UNSUPPORTED and one line naming the table and the feature.
 *  - Commits are put-if-absent (link(2) of a complete temp file): a reader
 *    sees version v whole or not at all; a killed writer leaves the table
 *    at the previous or the next version. Data files are written (and
 *    fsynced) before the commit that adds them.
 *  - Optimistic concurrency: a lost race re-reads the winners' commits and
 *    retries at the next version when they do not conflict logically
 *    (appends never conflict with appends; an overwrite conflicts with any
 *    winner that added or removed files in the partitions it replaces;
 *    metadata/protocol changes and equal txn appIds always conflict).
 *    A logical conflict returns KT_ERR_CONFLICT naming table and versions:
 *    the caller re-reads and redoes its work.
 *  - No global state. A kt_delta_table handle, and the snapshots and
 *    transactions made from it, are used by one thread at a time; any
 *    number of handles (threads, processes) may work on one table.
 *  - Strings returned by a snapshot live until kt_delta_snapshot_free;
 *    pointers to files are valid until the snapshot is updated or freed.
 */
#ifndef KT_LAKE_DELTA_DELTA_H
#define KT_LAKE_DELTA_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"

/* ---- schema ---------------------------------------------------------- */

/* Delta primitive types kinetl writes; in memory (kt_column) and Parquet:
 *   STRING    KT_BYTES  (UTF-8)           LONG      KT_INT64
 *   INTEGER   KT_INT32                    DOUBLE    KT_DOUBLE
 *   BOOLEAN   KT_BOOL                     TIMESTAMP KT_INT64, µs since epoch, UTC */
typedef enum kt_delta_type {
    KT_DELTA_STRING,
    KT_DELTA_LONG,
    KT_DELTA_INTEGER,
    KT_DELTA_DOUBLE,
    KT_DELTA_BOOLEAN,
    KT_DELTA_TIMESTAMP,
} kt_delta_type;

typedef struct kt_delta_field {
    const char *name;
    kt_delta_type type;
    bool nullable;
} kt_delta_field;

/* "string", "long", ... as in the Delta schema; NULL for an invalid value. */
const char *kt_delta_type_name(kt_delta_type type);
/* The in-memory column type of a Delta type. */
kt_type kt_delta_type_column(kt_delta_type type);

/* ---- table handle ---------------------------------------------------- */

typedef struct kt_delta_options {
    bool no_fsync;          /* skip fsync of data/commit files: tests and scratch only */
    int max_commit_attempts;/* lost put-if-absent races before giving up; 0 = 1000 */
    int compression_level;  /* ZSTD level for data files; 0 = codec default */
    size_t row_group_rows;  /* 0 = writer default */
    int replay_threads;     /* > 1: threads parsing commits ahead in long replays; 0/1 = none */
} kt_delta_options;

typedef struct kt_delta_table kt_delta_table;

/* A handle on directory `dir` (need not exist yet). opts may be NULL. */
kt_status kt_delta_open(const char *dir, const kt_delta_options *opts,
                        kt_delta_table **out, kt_error *err);
/* Convenience: the table `name` under `lake` ("<lake>/<name>"). */
kt_status kt_delta_open_in_lake(const char *lake, const char *name, const kt_delta_options *opts,
                                kt_delta_table **out, kt_error *err);
void kt_delta_close(kt_delta_table *t);
const char *kt_delta_dir(const kt_delta_table *t);
/* Last path component of the directory, used in messages. */
const char *kt_delta_name(const kt_delta_table *t);
/* True when _delta_log/00000000000000000000.json exists. */
bool kt_delta_exists(const kt_delta_table *t);

/* Creates the table (version 0: protocol 1/2, metaData, commitInfo).
 * Partition columns must be schema fields of type string, long, integer
 * or boolean. If the table already exists with the same schema and
 * partition columns, returns KT_OK with *created = false (created may be
 * NULL); with a different one, KT_ERR_CONFLICT. */
kt_status kt_delta_create(kt_delta_table *t, const kt_delta_field *fields, size_t nfields,
                          const char *const *partition_columns, size_t npartition_columns,
                          bool *created, kt_error *err);

/* Names of the tables under `lake` (subdirectories holding a _delta_log),
 * sorted; free with kt_delta_free_names. A missing lake gives 0 names. */
kt_status kt_delta_list_tables(const char *lake, char ***names, size_t *count, kt_error *err);
void kt_delta_free_names(char **names, size_t count);

/* ---- snapshots ------------------------------------------------------- */

typedef struct kt_delta_file {
    const char *path;           /* relative to the table dir, decoded (a file system path) */
    const char *log_path;       /* as in the log (URI-encoded) */
    const char *const *partition_values; /* one per partition column; NULL = null */
    int64_t size;               /* bytes */
    int64_t modification_time;  /* ms since epoch */
    int64_t num_records;        /* from stats; -1 when absent */
    const char *stats;          /* stats JSON text, NULL when absent */
    int64_t version;            /* commit that added it */
} kt_delta_file;

typedef struct kt_delta_tombstone {
    const char *path;           /* decoded */
    int64_t deletion_timestamp; /* ms since epoch; 0 when absent */
    int64_t size;               /* -1 when absent */
    int64_t version;            /* commit that removed it */
} kt_delta_tombstone;

typedef struct kt_delta_snapshot kt_delta_snapshot;

/* Latest version (version < 0) or exactly `version`. KT_ERR_NOT_FOUND when
 * the table or the version does not exist. */
kt_status kt_delta_snapshot_load(kt_delta_table *t, int64_t version, kt_delta_snapshot **out,
                                 kt_error *err);
/* The latest version committed at or before timestamp_ms (ms since epoch).
 * A commit's time is its commit file's modification time, made strictly
 * increasing along the log (as Delta readers do without in-commit
 * timestamps). KT_ERR_NOT_FOUND if the table is younger than timestamp_ms. */
kt_status kt_delta_snapshot_at_time(kt_delta_table *t, int64_t timestamp_ms,
                                    kt_delta_snapshot **out, kt_error *err);
/* Advances s to the latest version, reading only the new commits. After a
 * failure s is unusable (free it). */
kt_status kt_delta_snapshot_update(kt_delta_snapshot *s, kt_error *err);
/* Advances s to exactly `version` (>= its own); KT_ERR_NOT_FOUND if absent. */
kt_status kt_delta_snapshot_update_to(kt_delta_snapshot *s, int64_t version, kt_error *err);
void kt_delta_snapshot_free(kt_delta_snapshot *s);

int64_t kt_delta_snapshot_version(const kt_delta_snapshot *s);
/* Commit time (see kt_delta_snapshot_at_time) of the snapshot's version. */
int64_t kt_delta_snapshot_timestamp(const kt_delta_snapshot *s);
const char *kt_delta_snapshot_table_id(const kt_delta_snapshot *s);
int64_t kt_delta_snapshot_created_time(const kt_delta_snapshot *s);  /* -1 when absent */

size_t kt_delta_snapshot_num_fields(const kt_delta_snapshot *s);
const kt_delta_field *kt_delta_snapshot_field(const kt_delta_snapshot *s, size_t i);
/* Field index by exact name, -1 if absent. */
int kt_delta_snapshot_find_field(const kt_delta_snapshot *s, const char *name);
size_t kt_delta_snapshot_num_partition_columns(const kt_delta_snapshot *s);
const char *kt_delta_snapshot_partition_column(const kt_delta_snapshot *s, size_t i);
/* metaData.configuration[key], NULL when absent. */
const char *kt_delta_snapshot_config(const kt_delta_snapshot *s, const char *key);

/* Active files, sorted by path. */
size_t kt_delta_snapshot_num_files(const kt_delta_snapshot *s);
const kt_delta_file *kt_delta_snapshot_file(const kt_delta_snapshot *s, size_t i);
/* Sum of num_records over active files (-1 if any file lacks it). */
int64_t kt_delta_snapshot_num_records(const kt_delta_snapshot *s);
/* Every remove tombstone of the snapshot (expired or not), sorted by path. */
size_t kt_delta_snapshot_num_tombstones(const kt_delta_snapshot *s);
const kt_delta_tombstone *kt_delta_snapshot_tombstone(const kt_delta_snapshot *s, size_t i);

/* The latest txn version recorded for app_id; false if none. */
bool kt_delta_snapshot_app_version(const kt_delta_snapshot *s, const char *app_id,
                                   int64_t *version);

/* ---- transactions ---------------------------------------------------- */

typedef struct kt_delta_txn kt_delta_txn;

/* Starts a transaction reading `snap` (borrowed; must outlive the txn), or
 * the latest snapshot when snap is NULL. */
kt_status kt_delta_txn_begin(kt_delta_table *t, kt_delta_snapshot *snap, kt_delta_txn **out,
                             kt_error *err);
/* The snapshot the transaction reads. */
const kt_delta_snapshot *kt_delta_txn_snapshot(const kt_delta_txn *x);

/* Writes rows as Parquet (ZSTD), one file per distinct partition value
 * combination, and stages their `add` actions. cols[i] holds the i-th
 * schema field (partition columns included, in schema order) with that
 * field's kt_type; ncols must equal the schema's field count. Rows are
 * split by partition value; non-nullable fields must have no nulls. */
kt_status kt_delta_txn_write(kt_delta_txn *x, const kt_column *cols, size_t ncols, size_t nrows,
                             kt_error *err);
/* Writes one file for the given partition values (one per partition
 * column, NULL = null): cols[] are the NON-partition fields in schema order. */
kt_status kt_delta_txn_write_partition(kt_delta_txn *x, const char *const *partition_values,
                                       const kt_column *cols, size_t ncols, size_t nrows,
                                       kt_error *err);

/* Produces rows [first_row, first_row + rows) of data column col (index
 * among the non-partition fields) into *out, borrowed until the next call. */
typedef kt_status (*kt_delta_chunk_fn)(void *ctx, size_t first_row, size_t rows, size_t col,
                                       const kt_column **out, kt_error *err);
/* Like kt_delta_txn_write_partition (additive), for producers that must
 * not hold every row at once: the file is written row group by row group
 * (the table's row_group_rows) and, inside one, column by column, each
 * column chunk asked from produce() in that order and written at once.
 * Memory: one column chunk of the producer and of the writer. The file is
 * byte-identical to kt_delta_txn_write_partition of the same rows. */
kt_status kt_delta_txn_write_partition_chunks(kt_delta_txn *x, const char *const *partition_values,
                                              size_t ncols, size_t nrows, kt_delta_chunk_fn produce,
                                              void *ctx, kt_error *err);

/* Two such files in one pass (additive), for two tables whose first
 * ncols_a data columns are the same fields (`aligned` and `features`):
 * produce() is asked every column chunk of b once; a's columns are
 * encoded once and the same chunk bytes go to both files. Same row group
 * size and compression in both tables. Each file is byte-identical to
 * writing it alone; memory: one column chunk for both files. */
kt_status kt_delta_txn_write_partition_chunks_pair(kt_delta_txn *a, const char *const *pv_a, size_t ncols_a,
                                                   kt_delta_txn *b, const char *const *pv_b, size_t ncols_b,
                                                   size_t nrows, kt_delta_chunk_fn produce, void *ctx,
                                                   kt_error *err);

/* Lower level: a fresh unique data-file path (relative, decoded) for the
 * partition values, its directory created. For callers writing their own files. */
kt_status kt_delta_txn_new_file_path(kt_delta_txn *x, const char *const *partition_values,
                                     char *out, size_t cap, kt_error *err);
/* Stages an `add` for a complete file already in the table dir (size and
 * modification time are taken from the file). stats_json may be NULL.
 * The txn owns the file from now on: aborting deletes it. */
kt_status kt_delta_txn_add_file(kt_delta_txn *x, const char *rel_path,
                                const char *const *partition_values, const char *stats_json,
                                kt_error *err);
/* The same for a file whose contents or directory entry may not be durable
 * yet (written with kt_pq_write_options.defer_sync): the commit fsyncs it
 * and its directory before it writes the log entry that refers to it, so a
 * writer pays one round of disk flushes per commit instead of two per file. */
kt_status kt_delta_txn_add_file_unsynced(kt_delta_txn *x, const char *rel_path,
                                         const char *const *partition_values, const char *stats_json,
                                         kt_error *err);

/* Replaces the partitions whose `column` value is in values[] (NULL = the
 * null partition): removes their active files, like Delta's
 * replaceWhere "column IN (...)". Data written in this txn must fall in
 * those partitions. Further calls (same column) add partitions. */
kt_status kt_delta_txn_replace_partitions(kt_delta_txn *x, const char *column,
                                          const char *const *values, size_t nvalues,
                                          kt_error *err);
/* Removes every active file (overwrite mode). */
kt_status kt_delta_txn_replace_all(kt_delta_txn *x, kt_error *err);
/* Removes the given active files (paths as kt_delta_file.path), for a
 * writer that replaces some rows of an unpartitioned table: it rewrites
 * what it keeps of those files and adds its new rows in the same commit.
 * predicate (may be NULL) describes the replaced rows for the history, e.g.
 * "run_uuid = '42'". A concurrent winner that removed one of these files
 * conflicts (its adds do not: guard the rows' identity with a txn appId).
 * KT_ERR_NOT_FOUND if a path is not active in the transaction's snapshot.
 * Further calls add files; their predicates are joined with OR. */
kt_status kt_delta_txn_replace_files(kt_delta_txn *x, const char *const *paths, size_t npaths,
                                     const char *predicate, kt_error *err);
/* Schema evolution: appends nullable columns (must be new names). Data
 * written afterwards in this txn uses the new schema. */
kt_status kt_delta_txn_add_columns(kt_delta_txn *x, const kt_delta_field *fields, size_t n,
                                   kt_error *err);
/* Records txn(appId, version) so an idempotent writer can tell later
 * (kt_delta_snapshot_app_version) that this batch committed. */
kt_status kt_delta_txn_set_app_version(kt_delta_txn *x, const char *app_id, int64_t version,
                                       kt_error *err);

/* Moves everything `from` staged (files, removes, txn markers) into
 * `into`, so one commit carries both: group commit of independent
 * batches, e.g. several runs' partitions. Both must read the same
 * snapshot of the same table and `from` must not change the schema.
 * `from` is spent (freeing it deletes nothing); on failure `into` may
 * hold part of it and should be freed. */
kt_status kt_delta_txn_absorb(kt_delta_txn *into, kt_delta_txn *from, kt_error *err);

/* Commits atomically; *version (may be NULL) receives the committed
 * version. KT_ERR_CONFLICT on a logical conflict (staged files are then
 * deleted by kt_delta_txn_free). A transaction commits at most once. */
kt_status kt_delta_txn_commit(kt_delta_txn *x, int64_t *version, kt_error *err);
/* Frees; if not committed, deletes the data files it wrote or adopted. */
void kt_delta_txn_free(kt_delta_txn *x);

/* ---- history --------------------------------------------------------- */

typedef struct kt_delta_commit {
    int64_t version;
    int64_t timestamp;          /* commitInfo.timestamp (ms); file time if absent */
    int64_t file_time;          /* commit time as used by time travel (ms) */
    const char *operation;      /* NULL when absent */
    const char *operation_parameters; /* JSON object text, NULL when absent */
    const char *engine_info;    /* NULL when absent */
    int64_t read_version;       /* -1 when absent */
    int is_blind_append;        /* 1, 0, or -1 when absent */
    const char *commit_info;    /* the whole commitInfo JSON, NULL when absent */
    size_t num_add, num_remove;
    int64_t add_bytes, add_records; /* add_records -1 if some add lacks stats */
    bool has_metadata, has_protocol, has_txn;
} kt_delta_commit;

typedef struct kt_delta_history kt_delta_history;

/* Every commit, newest first (at most `limit` when limit > 0). */
kt_status kt_delta_history_load(kt_delta_table *t, size_t limit, kt_delta_history **out,
                                kt_error *err);
size_t kt_delta_history_count(const kt_delta_history *h);
const kt_delta_commit *kt_delta_history_at(const kt_delta_history *h, size_t i);
void kt_delta_history_free(kt_delta_history *h);

/* ---- vacuum ---------------------------------------------------------- */

#define KT_DELTA_DEFAULT_RETENTION_MS (7LL * 24 * 3600 * 1000)

typedef struct kt_delta_vacuum_options {
    int64_t retention_ms;       /* < 0 = default 7 days */
    bool dry_run;               /* list, delete nothing */
    int64_t now_ms;             /* 0 = the current time (tests inject a clock) */
    /* Called for each file deleted (or that would be, in a dry run). */
    void (*on_file)(void *ctx, const char *rel_path, int64_t size);
    void *ctx;
} kt_delta_vacuum_options;

typedef struct kt_delta_vacuum_result {
    size_t files;               /* deleted (or to delete, dry run) */
    int64_t bytes;
    size_t dirs;                /* empty partition directories removed */
} kt_delta_vacuum_result;

/* Deletes files under the table dir that the latest snapshot does not
 * reference, that no unexpired tombstone protects, and whose modification
 * time is older than the retention; also kinetl's stale temp files in
 * _delta_log. Never touches commit files. */
kt_status kt_delta_vacuum(kt_delta_table *t, const kt_delta_vacuum_options *opts,
                          kt_delta_vacuum_result *res, kt_error *err);

#endif
