/*
 * orchestrate/state.h — pipeline state in SQLite at <lake>/_kinetl/state.db:
 * the source-file manifest, the history of pipeline runs and their tasks,
 * and the processing state of every run (SPEC §2). No SQL lives outside
 * state.c; docs/ORCHESTRATE.md describes the schema.
 *
 * Contract:
 *  - The Delta tables are the source of truth. state.db is a cache of
 *    facts about them plus history; kt_state_rebuild() reloads the facts
 *    from what the caller read out of the tables.
 *  - The database runs in WAL mode with synchronous=FULL, foreign keys on
 *    and a busy timeout (KT_STATE_BUSY_TIMEOUT_MS): readers never block
 *    the writer, a committed transaction survives a crash, a killed
 *    process's open transaction is rolled back on the next open.
 *  - The schema is versioned with PRAGMA user_version; opening migrates an
 *    older file forward inside one IMMEDIATE transaction (safe when several
 *    processes open at once) and refuses a newer one.
 *  - Threads: a kt_state handle is safe to share. Every call takes the
 *    handle's (recursive) mutex; kt_state_begin() keeps it until commit or
 *    rollback, so another thread's calls on the same handle wait for the
 *    transaction instead of landing in it. Threads (or processes) may also
 *    open their own handles on the same lake: SQLite's locks and the busy
 *    timeout serialise their writes, and write transactions start
 *    IMMEDIATE so they never deadlock on a lock upgrade.
 *  - Strings in records returned by get/list calls live in the caller's
 *    arena; record structs passed in are borrowed, never retained.
 *  - Times are wall-clock µs since the epoch (0 = unset); versions are
 *    Delta table versions, KT_STATE_NO_VERSION when none. Content hashes
 *    are xxh3-64 (core/hash.h), stored as 16 lower-case hex digits.
 */
#ifndef KT_ORCHESTRATE_STATE_H
#define KT_ORCHESTRATE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "orchestrate/run_counts.h"

#define KT_STATE_FILE "state.db"
#define KT_STATE_SCHEMA_VERSION 1
#define KT_STATE_BUSY_TIMEOUT_MS 15000
#define KT_STATE_NO_VERSION (-1)

typedef struct kt_state kt_state;

/* ---- opening ---------------------------------------------------------- */

typedef enum kt_state_mode {
    KT_STATE_CREATE,    /* create <lake>/_kinetl/state.db if missing; migrate */
    KT_STATE_EXISTING,  /* KT_ERR_NOT_FOUND if missing; migrate */
    KT_STATE_READ_ONLY, /* KT_ERR_NOT_FOUND if missing; never writes; an older
                           schema is KT_ERR_STATE ("run a write command first") */
} kt_state_mode;

/* Opens the state of a lake. A newer schema or a file that is not a state
 * database is KT_ERR_STATE naming the file. */
kt_status kt_state_open(const char *lake, kt_state_mode mode, kt_state **out, kt_error *err);
void kt_state_close(kt_state *st);

/* Path of the database file (valid until close). */
const char *kt_state_db_path(const kt_state *st);
int kt_state_schema_version(kt_state *st);

/* ---- transactions ------------------------------------------------------
 * begin starts an IMMEDIATE transaction (waits up to the busy timeout for
 * other writers); nested begin on one handle is KT_ERR_USAGE. A failed
 * commit rolls back. Calls made between begin and commit by the same
 * thread are part of the transaction; rollback is safe to call after any
 * failure (a no-op when no transaction is open). */
kt_status kt_state_begin(kt_state *st, kt_error *err);
kt_status kt_state_commit(kt_state *st, kt_error *err);
void kt_state_rollback(kt_state *st);

/* ---- manifest: source files ------------------------------------------- */

typedef enum kt_file_status {
    KT_FILE_INGESTED, /* its readings are in raw/quarantine */
    KT_FILE_FAILED,   /* could not be read; nothing of it was ingested */
    KT_FILE_CHANGED,  /* ingested, then its content changed at the same path:
                         reported, never re-ingested */
} kt_file_status;

const char *kt_file_status_name(kt_file_status status); /* "ingested" ... */

typedef struct kt_file_record {
    const char *path;    /* as the caller names it (kinetl: relative to --source) */
    int64_t size;        /* bytes, identity with hash */
    uint64_t hash;       /* xxh3-64 of the content, identity with size */
    int64_t mtime_ns;    /* modification time when hashed (0 = unknown); lets
                            a caller skip re-hashing an unchanged path */
    kt_file_status status;
    int64_t rows_accepted, rows_rejected, rows_duplicate;
    int64_t raw_version, quarantine_version; /* commits that hold its rows */
    const char *error;   /* NULL when none */
    int64_t first_seen_us;  /* put: 0 = now; an existing row keeps its first value */
    int64_t ingested_at_us; /* 0 = not ingested */
    /* status CHANGED: the content now at the path (size/hash above remain
     * the ingested content's identity) and when it was noticed. */
    int64_t changed_size;
    uint64_t changed_hash;
    int64_t changed_seen_us;
} kt_file_record;

/* Inserts or replaces the row of rec->path. */
kt_status kt_state_file_put(kt_state *st, const kt_file_record *rec, kt_error *err);
kt_status kt_state_file_get(kt_state *st, const char *path, kt_arena *arena,
                            kt_file_record *out, bool *found, kt_error *err);

typedef enum kt_file_verdict {
    KT_FILE_NEW,           /* never seen, content unknown: ingest it */
    KT_FILE_RETRY,         /* failed before, content changed since: ingest it */
    KT_FILE_ALREADY,       /* this path with this content is ingested: skip */
    KT_FILE_COPY,          /* this content is ingested under another path
                              (known->path): skip, never ingest twice */
    KT_FILE_STILL_FAILED,  /* this path failed with this very content: skip
                              unless the user asks to retry failures */
    KT_FILE_CONTENT_CHANGED, /* the path was ingested with other content:
                              report (kt_state_file_mark_changed), never ingest */
} kt_file_verdict;

const char *kt_file_verdict_name(kt_file_verdict v);

/*
 * What to do with the file now at path with this size and hash. Reads
 * only. known (optional) receives the manifest row the verdict rests on:
 * the path's row, or for KT_FILE_COPY the row with the same content; its
 * `found` flag is false for KT_FILE_NEW.
 */
kt_status kt_state_file_classify(kt_state *st, const char *path, int64_t size, uint64_t hash,
                                 kt_arena *arena, kt_file_verdict *verdict,
                                 kt_file_record *known, bool *known_found, kt_error *err);

/* Records that the ingested file at path now has other content. The row
 * keeps the ingested identity. KT_ERR_NOT_FOUND if path has no ingested
 * (or changed) row. */
kt_status kt_state_file_mark_changed(kt_state *st, const char *path, int64_t size,
                                     uint64_t hash, int64_t seen_us, kt_error *err);

/* Files whose status is in the mask (bit 1 << kt_file_status), by path. */
#define KT_FILE_MASK(s) (1u << (s))
kt_status kt_state_files_list(kt_state *st, unsigned status_mask, kt_arena *arena,
                              kt_file_record **out, size_t *n, kt_error *err);
kt_status kt_state_files_failed(kt_state *st, kt_arena *arena, kt_file_record **out,
                                size_t *n, kt_error *err);

typedef struct kt_file_counts {
    int64_t ingested, failed, changed;
    int64_t rows_accepted, rows_rejected, rows_duplicate; /* over ingested+changed */
} kt_file_counts;
kt_status kt_state_file_counts(kt_state *st, kt_file_counts *out, kt_error *err);

/* ---- pipeline runs ------------------------------------------------------ */

typedef enum kt_pipeline_status {
    KT_PIPELINE_RUNNING,     /* started, not finished (or its process died) */
    KT_PIPELINE_OK,
    KT_PIPELINE_PARTIAL,     /* finished; some files or runs failed */
    KT_PIPELINE_FAILED,      /* could not do its job */
    KT_PIPELINE_INTERRUPTED, /* stopped by a signal, or found abandoned */
} kt_pipeline_status;

const char *kt_pipeline_status_name(kt_pipeline_status s);

typedef struct kt_pipeline_run {
    int64_t id;
    const char *command;     /* "run", "ingest", "process", "watch" */
    int64_t started_us, ended_us;
    kt_pipeline_status status;
    kt_run_counts counts;
    const char *error;       /* NULL when none */
} kt_pipeline_run;

/* Records a RUNNING pipeline run; started_us 0 = now. */
kt_status kt_state_pipeline_start(kt_state *st, const char *command, int64_t started_us,
                                  int64_t *id, kt_error *err);
/* Sets its final status, counts and error; ended_us 0 = now. */
kt_status kt_state_pipeline_finish(kt_state *st, int64_t id, kt_pipeline_status status,
                                   const kt_run_counts *counts, int64_t ended_us,
                                   const char *error, kt_error *err);
kt_status kt_state_pipeline_get(kt_state *st, int64_t id, kt_arena *arena,
                                kt_pipeline_run *out, bool *found, kt_error *err);
/* The newest `limit` pipeline runs, newest first. */
kt_status kt_state_pipeline_recent(kt_state *st, size_t limit, kt_arena *arena,
                                   kt_pipeline_run **out, size_t *n, kt_error *err);
/* Marks RUNNING rows INTERRUPTED ("process ended without finishing"). Call
 * only while holding the lake lock, before starting a new pipeline run. */
kt_status kt_state_pipeline_close_abandoned(kt_state *st, int64_t ended_us, int64_t *closed,
                                            kt_error *err);

/* ---- task runs ---------------------------------------------------------- */

typedef enum kt_task_kind { KT_TASK_INGEST, KT_TASK_PROCESS } kt_task_kind;
typedef enum kt_task_status { KT_TASK_OK, KT_TASK_FAILED, KT_TASK_INTERRUPTED } kt_task_status;

const char *kt_task_kind_name(kt_task_kind k);
const char *kt_task_status_name(kt_task_status s);

typedef struct kt_task_record {
    int64_t id;               /* assigned by kt_state_task_record */
    int64_t pipeline_run_id;  /* must exist (foreign key) */
    kt_task_kind task;
    const char *run_uuid;     /* process tasks; NULL for ingest */
    const char *path;         /* ingest tasks: the source file; NULL for process */
    kt_task_status status;
    int64_t started_us, ended_us;
    int64_t rows_in, rows_out;
    const char *error;
} kt_task_record;

/* Appends a finished task. */
kt_status kt_state_task_record(kt_state *st, const kt_task_record *rec, int64_t *id,
                               kt_error *err);
/* Tasks of one pipeline run, in id order. */
kt_status kt_state_tasks_of(kt_state *st, int64_t pipeline_run_id, kt_arena *arena,
                            kt_task_record **out, size_t *n, kt_error *err);

/* ---- run state ---------------------------------------------------------- */

typedef enum kt_run_status {
    KT_RUN_PENDING, /* has readings, never processed successfully nor failed */
    KT_RUN_OK,
    KT_RUN_FAILED,
} kt_run_status;

const char *kt_run_status_name(kt_run_status s);

typedef struct kt_run_record {
    const char *run_uuid;          /* canonical decimal id */
    const char *input_fingerprint; /* of the readings last processed; NULL if never */
    const char *config_hash;       /* of the config last processed with; NULL if never */
    int64_t raw_version_latest;    /* newest raw version that added readings of the run */
    int64_t raw_version_seen;      /* raw version the last successful processing read */
    int64_t aligned_version, features_version, run_stats_version;
    kt_run_status status;
    const char *error;             /* last failure; NULL when ok */
    int64_t processed_at_us;       /* last attempt, 0 = never */
    int64_t attempts;              /* processing attempts so far */
} kt_run_record;

/* Inserts or replaces the whole row (rebuilds, tests). */
kt_status kt_state_run_put(kt_state *st, const kt_run_record *rec, kt_error *err);
kt_status kt_state_run_get(kt_state *st, const char *run_uuid, kt_arena *arena,
                           kt_run_record *out, bool *found, kt_error *err);
kt_status kt_state_runs_list(kt_state *st, kt_arena *arena, kt_run_record **out, size_t *n,
                             kt_error *err);

/* Ingest: raw_version added readings of run_uuid. Creates a PENDING row if
 * the run is new; raw_version_latest only ever grows. */
kt_status kt_state_run_note_input(kt_state *st, const char *run_uuid, int64_t raw_version,
                                  kt_error *err);

/*
 * Process: records one attempt (attempts + 1, processed_at). With status
 * OK, rec's fingerprint, config hash and versions become the run's and the
 * error is cleared. With FAILED only status, error and processed_at change:
 * the last good versions stay. rec->raw_version_latest is ignored.
 */
kt_status kt_state_run_finish(kt_state *st, const kt_run_record *rec, kt_error *err);

/* Process: the run was found up to date (same fingerprint and config) as
 * of raw_version, so nothing was rewritten: raw_version_seen catches up
 * (it only ever grows). KT_ERR_NOT_FOUND unless the run's status is OK. */
kt_status kt_state_run_mark_current(kt_state *st, const char *run_uuid, int64_t raw_version,
                                    kt_error *err);

typedef enum kt_dirty_reason {
    KT_DIRTY_NEVER_PROCESSED, /* PENDING, or unknown to the state */
    KT_DIRTY_FAILED,          /* last attempt failed */
    KT_DIRTY_NEW_INPUT,       /* raw_version_latest > raw_version_seen */
    KT_DIRTY_INPUT_CHANGED,   /* fingerprint differs from the one given */
    KT_DIRTY_CONFIG_CHANGED,  /* config_hash differs from the one given */
} kt_dirty_reason;

const char *kt_dirty_reason_name(kt_dirty_reason r);

typedef struct kt_dirty_run {
    const char *run_uuid;
    kt_dirty_reason reason; /* the first that applies, in enum order */
} kt_dirty_run;

/*
 * Runs that need processing according to the recorded state alone:
 * pending, failed, newer input than processed, or (config_hash non-NULL)
 * processed with another config. Ordered by run_uuid.
 */
kt_status kt_state_runs_dirty(kt_state *st, const char *config_hash, kt_arena *arena,
                              kt_dirty_run **out, size_t *n, kt_error *err);

typedef struct kt_run_input {
    const char *run_uuid;
    const char *input_fingerprint; /* of the run's readings as they are now */
} kt_run_input;

/*
 * Runs among `inputs` (as the caller found them in raw) whose recorded
 * processing does not match: unknown, failed, pending, other fingerprint
 * or (config_hash non-NULL) other config. Runs absent from inputs are not
 * reported. Ordered by run_uuid; duplicates in inputs count once.
 */
kt_status kt_state_runs_dirty_against(kt_state *st, const kt_run_input *inputs, size_t ninputs,
                                      const char *config_hash, kt_arena *arena,
                                      kt_dirty_run **out, size_t *n, kt_error *err);

/* ---- rebuild from the tables ------------------------------------------ */

typedef enum kt_rebuild_mode {
    KT_REBUILD_REPLACE, /* manifest and run_state become exactly the facts */
    KT_REBUILD_MERGE,   /* facts overwrite rows of the same key; others stay */
} kt_rebuild_mode;

/*
 * Loads facts the caller read from the Delta tables (files recorded in
 * raw/quarantine commits, runs recorded in run_stats) in one transaction:
 * all or nothing. History (pipeline_runs, task_runs) is kept.
 */
kt_status kt_state_rebuild(kt_state *st, kt_rebuild_mode mode, const kt_file_record *files,
                           size_t nfiles, const kt_run_record *runs, size_t nruns,
                           kt_error *err);

#endif
