/*
 * orchestrate/state_history.c — the history of pipeline runs and of the
 * tasks they ran. Rows are appended and finished, never rewritten later,
 * except that a run left RUNNING by a dead process is closed as
 * interrupted by the next scheduler.
 */
#include <string.h>

#include "core/clock.h"
#include "orchestrate/state_internal.h"

#define PIPELINE_COLUMNS                                                                  \
    "id, command, started_at, ended_at, status, files_ingested, files_failed, "           \
    "readings_accepted, readings_quarantined, runs_processed, runs_failed, error"

#define TASK_COLUMNS                                                                      \
    "id, pipeline_run_id, task, run_uuid, path, status, started_at, ended_at, rows_in, "  \
    "rows_out, error"

const char *kt_pipeline_status_name(kt_pipeline_status s)
{
    return (unsigned)s < 5 ? st_pipeline_status_names[s] : "?";
}

const char *kt_task_kind_name(kt_task_kind k)
{
    return (unsigned)k < 2 ? st_task_kind_names[k] : "?";
}

const char *kt_task_status_name(kt_task_status s)
{
    return (unsigned)s < 3 ? st_task_status_names[s] : "?";
}

static kt_status decode_pipeline(kt_state *st, sqlite3_stmt *q, kt_arena *arena, void *elem,
                                 kt_error *err)
{
    kt_pipeline_run *r = elem;
    memset(r, 0, sizeof *r);
    int status = 0;
    r->id = sqlite3_column_int64(q, 0);
    KT_TRY(st_col_text(st, q, 1, arena, &r->command, err));
    KT_TRY(st_col_time(st, q, 2, &r->started_us, err));
    KT_TRY(st_col_time(st, q, 3, &r->ended_us, err));
    KT_TRY(st_col_enum(st, q, 4, st_pipeline_status_names, 5, &status, err));
    r->status = (kt_pipeline_status)status;
    r->counts.files_ingested = sqlite3_column_int64(q, 5);
    r->counts.files_failed = sqlite3_column_int64(q, 6);
    r->counts.readings_accepted = sqlite3_column_int64(q, 7);
    r->counts.readings_quarantined = sqlite3_column_int64(q, 8);
    r->counts.runs_processed = sqlite3_column_int64(q, 9);
    r->counts.runs_failed = sqlite3_column_int64(q, 10);
    return st_col_text(st, q, 11, arena, &r->error, err);
}

kt_status kt_state_pipeline_start(kt_state *st, const char *command, int64_t started_us,
                                  int64_t *id, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "INSERT INTO pipeline_runs (command, started_at, status) "
                             "VALUES (?1, ?2, 'running') RETURNING id",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, command ? command : "?");
        st_bind_time(q, 2, started_us ? started_us : kt_clock_wall_us());
        if (sqlite3_step(q) == SQLITE_ROW) *id = sqlite3_column_int64(q, 0);
        else s = st_fail(st, err, "cannot record the start of a pipeline run");
        sqlite3_finalize(q);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_pipeline_finish(kt_state *st, int64_t id, kt_pipeline_status status,
                                   const kt_run_counts *counts, int64_t ended_us,
                                   const char *error, kt_error *err)
{
    if ((unsigned)status > KT_PIPELINE_INTERRUPTED)
        return kt_fail(err, KT_ERR_USAGE, "%s: bad pipeline status %d", st->path, (int)status);
    kt_run_counts zero = { 0 };
    const kt_run_counts *c = counts ? counts : &zero;
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "UPDATE pipeline_runs SET ended_at = ?2, status = ?3, "
                             "files_ingested = ?4, files_failed = ?5, readings_accepted = ?6, "
                             "readings_quarantined = ?7, runs_processed = ?8, runs_failed = ?9, "
                             "error = ?10 WHERE id = ?1",
                             &q, err);
    if (s == KT_OK) {
        sqlite3_bind_int64(q, 1, id);
        st_bind_time(q, 2, ended_us ? ended_us : kt_clock_wall_us());
        st_bind_text(q, 3, kt_pipeline_status_name(status));
        sqlite3_bind_int64(q, 4, c->files_ingested);
        sqlite3_bind_int64(q, 5, c->files_failed);
        sqlite3_bind_int64(q, 6, c->readings_accepted);
        sqlite3_bind_int64(q, 7, c->readings_quarantined);
        sqlite3_bind_int64(q, 8, c->runs_processed);
        sqlite3_bind_int64(q, 9, c->runs_failed);
        st_bind_text(q, 10, error);
        s = st_run(st, q, "cannot record the end of a pipeline run", err);
    }
    if (s == KT_OK && sqlite3_changes(st->db) == 0)
        s = kt_fail(err, KT_ERR_NOT_FOUND, "%s: no pipeline run %lld", st->path, (long long)id);
    st_unlock(st);
    return s;
}

kt_status kt_state_pipeline_get(kt_state *st, int64_t id, kt_arena *arena,
                                kt_pipeline_run *out, bool *found, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, "SELECT " PIPELINE_COLUMNS " FROM pipeline_runs WHERE id = ?1",
                             &q, err);
    if (s == KT_OK) {
        sqlite3_bind_int64(q, 1, id);
        s = st_fetch_one(st, q, decode_pipeline, arena, out, found, err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_pipeline_recent(kt_state *st, size_t limit, kt_arena *arena,
                                   kt_pipeline_run **out, size_t *n, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "SELECT " PIPELINE_COLUMNS " FROM pipeline_runs "
                             "ORDER BY id DESC LIMIT ?1",
                             &q, err);
    if (s == KT_OK) {
        sqlite3_bind_int64(q, 1, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
        s = st_collect(st, q, sizeof **out, decode_pipeline, arena, (void **)out, n, err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_pipeline_close_abandoned(kt_state *st, int64_t ended_us, int64_t *closed,
                                            kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "UPDATE pipeline_runs SET status = 'interrupted', ended_at = ?1, "
                             "error = coalesce(error, 'its process ended without finishing "
                             "(crash, kill or power loss)') WHERE status = 'running'",
                             &q, err);
    if (s == KT_OK) {
        st_bind_time(q, 1, ended_us ? ended_us : kt_clock_wall_us());
        s = st_run(st, q, "cannot close abandoned pipeline runs", err);
    }
    if (closed) *closed = s == KT_OK ? sqlite3_changes(st->db) : 0;
    st_unlock(st);
    return s;
}

static kt_status decode_task(kt_state *st, sqlite3_stmt *q, kt_arena *arena, void *elem,
                             kt_error *err)
{
    kt_task_record *r = elem;
    memset(r, 0, sizeof *r);
    int kind = 0, status = 0;
    r->id = sqlite3_column_int64(q, 0);
    r->pipeline_run_id = sqlite3_column_int64(q, 1);
    KT_TRY(st_col_enum(st, q, 2, st_task_kind_names, 2, &kind, err));
    r->task = (kt_task_kind)kind;
    KT_TRY(st_col_text(st, q, 3, arena, &r->run_uuid, err));
    KT_TRY(st_col_text(st, q, 4, arena, &r->path, err));
    KT_TRY(st_col_enum(st, q, 5, st_task_status_names, 3, &status, err));
    r->status = (kt_task_status)status;
    KT_TRY(st_col_time(st, q, 6, &r->started_us, err));
    KT_TRY(st_col_time(st, q, 7, &r->ended_us, err));
    r->rows_in = sqlite3_column_int64(q, 8);
    r->rows_out = sqlite3_column_int64(q, 9);
    return st_col_text(st, q, 10, arena, &r->error, err);
}

kt_status kt_state_task_record(kt_state *st, const kt_task_record *rec, int64_t *id,
                               kt_error *err)
{
    if ((unsigned)rec->task > KT_TASK_PROCESS || (unsigned)rec->status > KT_TASK_INTERRUPTED)
        return kt_fail(err, KT_ERR_USAGE, "%s: bad task kind or status", st->path);
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "INSERT INTO task_runs (pipeline_run_id, task, run_uuid, path, "
                             "status, started_at, ended_at, rows_in, rows_out, error) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                             &q, err);
    if (s == KT_OK) {
        sqlite3_bind_int64(q, 1, rec->pipeline_run_id);
        st_bind_text(q, 2, kt_task_kind_name(rec->task));
        st_bind_text(q, 3, rec->run_uuid);
        st_bind_text(q, 4, rec->path);
        st_bind_text(q, 5, kt_task_status_name(rec->status));
        st_bind_time(q, 6, rec->started_us);
        st_bind_time(q, 7, rec->ended_us);
        sqlite3_bind_int64(q, 8, rec->rows_in);
        sqlite3_bind_int64(q, 9, rec->rows_out);
        st_bind_text(q, 10, rec->error);
        if (sqlite3_step(q) == SQLITE_ROW) {
            if (id) *id = sqlite3_column_int64(q, 0);
        } else {
            s = st_fail(st, err, "cannot record a task");
        }
        sqlite3_finalize(q);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_tasks_of(kt_state *st, int64_t pipeline_run_id, kt_arena *arena,
                            kt_task_record **out, size_t *n, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "SELECT " TASK_COLUMNS " FROM task_runs WHERE pipeline_run_id = ?1 "
                             "ORDER BY id",
                             &q, err);
    if (s == KT_OK) {
        sqlite3_bind_int64(q, 1, pipeline_run_id);
        s = st_collect(st, q, sizeof **out, decode_task, arena, (void **)out, n, err);
    }
    st_unlock(st);
    return s;
}
