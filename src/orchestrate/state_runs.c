/*
 * orchestrate/state_runs.c — per-run processing state: which input and
 * config each run was last processed from, what the ingest has added
 * since, and the "dirty runs" queries the scheduler plans from.
 */
#include <string.h>

#include "core/clock.h"
#include "orchestrate/state_internal.h"

#define RUN_COLUMNS                                                                         \
    "run_uuid, input_fingerprint, config_hash, raw_version_latest, raw_version_seen, "      \
    "aligned_version, features_version, run_stats_version, status, error, processed_at, "   \
    "attempts"

const char *kt_run_status_name(kt_run_status s)
{
    return (unsigned)s < 3 ? st_run_status_names[s] : "?";
}

const char *kt_dirty_reason_name(kt_dirty_reason r)
{
    static const char *const names[] = { "never processed", "failed", "new input",
                                         "input changed", "config changed" };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

static kt_status decode_run(kt_state *st, sqlite3_stmt *q, kt_arena *arena, void *elem,
                            kt_error *err)
{
    kt_run_record *r = elem;
    memset(r, 0, sizeof *r);
    int status = 0;
    KT_TRY(st_col_text(st, q, 0, arena, &r->run_uuid, err));
    KT_TRY(st_col_text(st, q, 1, arena, &r->input_fingerprint, err));
    KT_TRY(st_col_text(st, q, 2, arena, &r->config_hash, err));
    r->raw_version_latest = st_col_version(q, 3);
    r->raw_version_seen = st_col_version(q, 4);
    r->aligned_version = st_col_version(q, 5);
    r->features_version = st_col_version(q, 6);
    r->run_stats_version = st_col_version(q, 7);
    KT_TRY(st_col_enum(st, q, 8, st_run_status_names, 3, &status, err));
    r->status = (kt_run_status)status;
    KT_TRY(st_col_text(st, q, 9, arena, &r->error, err));
    KT_TRY(st_col_time(st, q, 10, &r->processed_at_us, err));
    r->attempts = sqlite3_column_int64(q, 11);
    return KT_OK;
}

static kt_status check_run_uuid(kt_state *st, const char *run_uuid, kt_error *err)
{
    if (!run_uuid || !*run_uuid)
        return kt_fail(err, KT_ERR_USAGE, "%s: run record without a run_uuid", st->path);
    return KT_OK;
}

kt_status kt_state_run_put(kt_state *st, const kt_run_record *rec, kt_error *err)
{
    KT_TRY(check_run_uuid(st, rec->run_uuid, err));
    if ((unsigned)rec->status > KT_RUN_FAILED)
        return kt_fail(err, KT_ERR_USAGE, "%s: run %s: bad status", st->path, rec->run_uuid);
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "INSERT OR REPLACE INTO run_state (" RUN_COLUMNS ") "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, rec->run_uuid);
        st_bind_text(q, 2, rec->input_fingerprint);
        st_bind_text(q, 3, rec->config_hash);
        st_bind_version(q, 4, rec->raw_version_latest);
        st_bind_version(q, 5, rec->raw_version_seen);
        st_bind_version(q, 6, rec->aligned_version);
        st_bind_version(q, 7, rec->features_version);
        st_bind_version(q, 8, rec->run_stats_version);
        st_bind_text(q, 9, kt_run_status_name(rec->status));
        st_bind_text(q, 10, rec->error);
        st_bind_time(q, 11, rec->processed_at_us);
        sqlite3_bind_int64(q, 12, rec->attempts);
        s = st_run(st, q, "cannot record a run", err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_run_get(kt_state *st, const char *run_uuid, kt_arena *arena,
                           kt_run_record *out, bool *found, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, "SELECT " RUN_COLUMNS " FROM run_state WHERE run_uuid = ?1",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, run_uuid);
        s = st_fetch_one(st, q, decode_run, arena, out, found, err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_runs_list(kt_state *st, kt_arena *arena, kt_run_record **out, size_t *n,
                             kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, "SELECT " RUN_COLUMNS " FROM run_state ORDER BY run_uuid", &q,
                             err);
    if (s == KT_OK) s = st_collect(st, q, sizeof **out, decode_run, arena, (void **)out, n, err);
    st_unlock(st);
    return s;
}

kt_status kt_state_run_note_input(kt_state *st, const char *run_uuid, int64_t raw_version,
                                  kt_error *err)
{
    KT_TRY(check_run_uuid(st, run_uuid, err));
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "INSERT INTO run_state (run_uuid, raw_version_latest, status) "
                             "VALUES (?1, ?2, 'pending') ON CONFLICT (run_uuid) DO UPDATE SET "
                             "raw_version_latest = nullif(max(coalesce(raw_version_latest, -1), "
                             "coalesce(excluded.raw_version_latest, -1)), -1)",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, run_uuid);
        st_bind_version(q, 2, raw_version);
        s = st_run(st, q, "cannot record new input of a run", err);
    }
    st_unlock(st);
    return s;
}

static const char finish_ok_sql[] =
    "INSERT INTO run_state (" RUN_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, 'ok', NULL, ?8, 1) "
    "ON CONFLICT (run_uuid) DO UPDATE SET input_fingerprint = excluded.input_fingerprint, "
    "  config_hash = excluded.config_hash, raw_version_seen = excluded.raw_version_seen, "
    "  raw_version_latest = nullif(max(coalesce(raw_version_latest, -1), "
    "    coalesce(excluded.raw_version_seen, -1)), -1), "
    "  aligned_version = excluded.aligned_version, "
    "  features_version = excluded.features_version, "
    "  run_stats_version = excluded.run_stats_version, status = 'ok', error = NULL, "
    "  processed_at = excluded.processed_at, attempts = attempts + 1";

static const char finish_failed_sql[] =
    "INSERT INTO run_state (run_uuid, status, error, processed_at, attempts) "
    "VALUES (?1, 'failed', ?2, ?3, 1) "
    "ON CONFLICT (run_uuid) DO UPDATE SET status = 'failed', error = excluded.error, "
    "  processed_at = excluded.processed_at, attempts = attempts + 1";

kt_status kt_state_run_finish(kt_state *st, const kt_run_record *rec, kt_error *err)
{
    KT_TRY(check_run_uuid(st, rec->run_uuid, err));
    if (rec->status != KT_RUN_OK && rec->status != KT_RUN_FAILED)
        return kt_fail(err, KT_ERR_USAGE, "%s: run %s: an attempt ends ok or failed", st->path,
                       rec->run_uuid);
    int64_t when = rec->processed_at_us ? rec->processed_at_us : kt_clock_wall_us();
    bool ok = rec->status == KT_RUN_OK;
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, ok ? finish_ok_sql : finish_failed_sql, &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, rec->run_uuid);
        if (ok) {
            st_bind_text(q, 2, rec->input_fingerprint);
            st_bind_text(q, 3, rec->config_hash);
            st_bind_version(q, 4, rec->raw_version_seen);
            st_bind_version(q, 5, rec->aligned_version);
            st_bind_version(q, 6, rec->features_version);
            st_bind_version(q, 7, rec->run_stats_version);
            st_bind_time(q, 8, when);
        } else {
            st_bind_text(q, 2, rec->error ? rec->error : "processing failed");
            st_bind_time(q, 3, when);
        }
        s = st_run(st, q, "cannot record the processing of a run", err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_run_mark_current(kt_state *st, const char *run_uuid, int64_t raw_version,
                                    kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "UPDATE run_state SET raw_version_seen = nullif(max("
                             "coalesce(raw_version_seen, -1), ?2), -1) "
                             "WHERE run_uuid = ?1 AND status = 'ok'",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, run_uuid);
        sqlite3_bind_int64(q, 2, raw_version < 0 ? -1 : raw_version);
        s = st_run(st, q, "cannot record a run as current", err);
    }
    if (s == KT_OK && sqlite3_changes(st->db) == 0)
        s = kt_fail(err, KT_ERR_NOT_FOUND, "%s: run %s has no successful processing recorded",
                    st->path, run_uuid);
    st_unlock(st);
    return s;
}

/* ---- dirty runs ---------------------------------------------------------- */

static kt_status decode_dirty(kt_state *st, sqlite3_stmt *q, kt_arena *arena, void *elem,
                              kt_error *err)
{
    kt_dirty_run *d = elem;
    KT_TRY(st_col_text(st, q, 0, arena, &d->run_uuid, err));
    d->reason = (kt_dirty_reason)sqlite3_column_int(q, 1);
    return KT_OK;
}

/* The CASE order is the kt_dirty_reason order: the first that applies wins. */
static const char dirty_sql[] =
    "SELECT run_uuid, reason FROM (SELECT run_uuid, CASE "
    "  WHEN status = 'pending' THEN 0 "
    "  WHEN status = 'failed' THEN 1 "
    "  WHEN raw_version_latest IS NOT NULL AND (raw_version_seen IS NULL "
    "       OR raw_version_latest > raw_version_seen) THEN 2 "
    "  WHEN ?1 IS NOT NULL AND (config_hash IS NULL OR config_hash != ?1) THEN 4 "
    "  ELSE -1 END AS reason FROM run_state) WHERE reason >= 0 ORDER BY run_uuid";

kt_status kt_state_runs_dirty(kt_state *st, const char *config_hash, kt_arena *arena,
                              kt_dirty_run **out, size_t *n, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, dirty_sql, &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, config_hash);
        s = st_collect(st, q, sizeof **out, decode_dirty, arena, (void **)out, n, err);
    }
    st_unlock(st);
    return s;
}

static const char dirty_against_sql[] =
    "SELECT run_uuid, reason FROM (SELECT i.run_uuid AS run_uuid, CASE "
    "  WHEN r.run_uuid IS NULL OR r.status = 'pending' THEN 0 "
    "  WHEN r.status = 'failed' THEN 1 "
    "  WHEN r.input_fingerprint IS NULL OR r.input_fingerprint != i.fingerprint THEN 3 "
    "  WHEN ?1 IS NOT NULL AND (r.config_hash IS NULL OR r.config_hash != ?1) THEN 4 "
    "  ELSE -1 END AS reason "
    "  FROM temp.kt_run_inputs i LEFT JOIN run_state r ON r.run_uuid = i.run_uuid) "
    "WHERE reason >= 0 ORDER BY run_uuid";

/* Loads the inputs into a connection-private temporary table. */
static kt_status load_inputs(kt_state *st, const kt_run_input *inputs, size_t n, kt_error *err)
{
    KT_TRY(st_exec(st,
                   "CREATE TEMP TABLE IF NOT EXISTS kt_run_inputs "
                   "(run_uuid TEXT PRIMARY KEY NOT NULL, fingerprint TEXT);"
                   "DELETE FROM temp.kt_run_inputs",
                   "cannot prepare the run inputs", err));
    sqlite3_stmt *q;
    KT_TRY(st_prepare(st, "INSERT OR REPLACE INTO temp.kt_run_inputs VALUES (?1, ?2)", &q, err));
    kt_status s = KT_OK;
    for (size_t i = 0; s == KT_OK && i < n; i++) {
        s = check_run_uuid(st, inputs[i].run_uuid, err);
        if (s != KT_OK) break;
        st_bind_text(q, 1, inputs[i].run_uuid);
        st_bind_text(q, 2, inputs[i].input_fingerprint);
        if (sqlite3_step(q) != SQLITE_DONE) s = st_fail(st, err, "cannot load the run inputs");
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return s;
}

kt_status kt_state_runs_dirty_against(kt_state *st, const kt_run_input *inputs, size_t ninputs,
                                      const char *config_hash, kt_arena *arena,
                                      kt_dirty_run **out, size_t *n, kt_error *err)
{
    *out = NULL;
    *n = 0;
    st_lock(st);
    kt_status s = load_inputs(st, inputs, ninputs, err);
    sqlite3_stmt *q;
    if (s == KT_OK) s = st_prepare(st, dirty_against_sql, &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, config_hash);
        s = st_collect(st, q, sizeof **out, decode_dirty, arena, (void **)out, n, err);
    }
    sqlite3_exec(st->db, "DELETE FROM temp.kt_run_inputs", NULL, NULL, NULL);
    st_unlock(st);
    return s;
}

/* ---- rebuild -------------------------------------------------------------- */

static kt_status rebuild_locked(kt_state *st, kt_rebuild_mode mode, const kt_file_record *files,
                                size_t nfiles, const kt_run_record *runs, size_t nruns,
                                kt_error *err)
{
    if (mode == KT_REBUILD_REPLACE)
        KT_TRY(st_exec(st, "DELETE FROM manifest; DELETE FROM run_state",
                       "cannot clear the manifest and run state", err));
    for (size_t i = 0; i < nfiles; i++) KT_TRY(kt_state_file_put(st, &files[i], err));
    for (size_t i = 0; i < nruns; i++) KT_TRY(kt_state_run_put(st, &runs[i], err));
    return KT_OK;
}

kt_status kt_state_rebuild(kt_state *st, kt_rebuild_mode mode, const kt_file_record *files,
                           size_t nfiles, const kt_run_record *runs, size_t nruns,
                           kt_error *err)
{
    if (mode != KT_REBUILD_REPLACE && mode != KT_REBUILD_MERGE)
        return kt_fail(err, KT_ERR_USAGE, "%s: bad rebuild mode %d", st->path, (int)mode);
    st_lock(st);
    kt_status s = st_write_begin(st, err);
    if (s == KT_OK) {
        s = rebuild_locked(st, mode, files, nfiles, runs, nruns, err);
        if (s != KT_OK) kt_error_prefix(err, "rebuilding the state");
        s = st_write_end(st, s, err);
    }
    st_unlock(st);
    return s;
}
