/*
 * orchestrate/state.c — opening state.db, schema migrations, transactions
 * and the helpers the other state_*.c files use. The schema is the list
 * of migrations below: version N is migrations[0..N) applied in order.
 * Never edit a released migration; append a new one.
 */
#include "orchestrate/state_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "orchestrate/lake_dir.h"

static const char *const migrations[] = {
    /* 1: the manifest, pipeline history and run state (SPEC §2, issue 7). */
    "CREATE TABLE manifest ("
    "  path TEXT PRIMARY KEY NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  hash TEXT NOT NULL CHECK (length(hash) = 16),"
    "  mtime_ns INTEGER,"
    "  status TEXT NOT NULL CHECK (status IN ('ingested', 'failed', 'changed')),"
    "  rows_accepted INTEGER NOT NULL DEFAULT 0,"
    "  rows_rejected INTEGER NOT NULL DEFAULT 0,"
    "  rows_duplicate INTEGER NOT NULL DEFAULT 0,"
    "  raw_version INTEGER,"
    "  quarantine_version INTEGER,"
    "  error TEXT,"
    "  first_seen TEXT NOT NULL,"
    "  ingested_at TEXT,"
    "  changed_size INTEGER,"
    "  changed_hash TEXT,"
    "  changed_seen_at TEXT);"
    "CREATE INDEX manifest_identity ON manifest (hash, size);"
    "CREATE INDEX manifest_status ON manifest (status);"
    "CREATE TABLE pipeline_runs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  command TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  ended_at TEXT,"
    "  status TEXT NOT NULL"
    "    CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),"
    "  files_ingested INTEGER NOT NULL DEFAULT 0,"
    "  files_failed INTEGER NOT NULL DEFAULT 0,"
    "  readings_accepted INTEGER NOT NULL DEFAULT 0,"
    "  readings_quarantined INTEGER NOT NULL DEFAULT 0,"
    "  runs_processed INTEGER NOT NULL DEFAULT 0,"
    "  runs_failed INTEGER NOT NULL DEFAULT 0,"
    "  error TEXT);"
    "CREATE TABLE task_runs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  pipeline_run_id INTEGER NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,"
    "  task TEXT NOT NULL CHECK (task IN ('ingest', 'process')),"
    "  run_uuid TEXT,"
    "  path TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'interrupted')),"
    "  started_at TEXT,"
    "  ended_at TEXT,"
    "  rows_in INTEGER NOT NULL DEFAULT 0,"
    "  rows_out INTEGER NOT NULL DEFAULT 0,"
    "  error TEXT);"
    "CREATE INDEX task_runs_pipeline ON task_runs (pipeline_run_id);"
    "CREATE TABLE run_state ("
    "  run_uuid TEXT PRIMARY KEY NOT NULL,"
    "  input_fingerprint TEXT,"
    "  config_hash TEXT,"
    "  raw_version_latest INTEGER,"
    "  raw_version_seen INTEGER,"
    "  aligned_version INTEGER,"
    "  features_version INTEGER,"
    "  run_stats_version INTEGER,"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'failed')),"
    "  error TEXT,"
    "  processed_at TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 0);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == KT_STATE_SCHEMA_VERSION,
               "one migration per schema version");

const char *const st_file_status_names[3] = { "ingested", "failed", "changed" };
const char *const st_pipeline_status_names[5] = { "running", "ok", "partial", "failed",
                                                  "interrupted" };
const char *const st_task_kind_names[2] = { "ingest", "process" };
const char *const st_task_status_names[3] = { "ok", "failed", "interrupted" };
const char *const st_run_status_names[3] = { "pending", "ok", "failed" };

/* ---- locking and errors ------------------------------------------------ */

void st_lock(kt_state *st)
{
    pthread_mutex_lock(&st->mu);
}

void st_unlock(kt_state *st)
{
    pthread_mutex_unlock(&st->mu);
}

kt_status st_fail(kt_state *st, kt_error *err, const char *what)
{
    int code = sqlite3_errcode(st->db) & 0xff;
    kt_status s = code == SQLITE_BUSY || code == SQLITE_LOCKED ? KT_ERR_CONFLICT
                : code == SQLITE_NOMEM                         ? KT_ERR_NOMEM
                : code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? KT_ERR_STATE
                                                                  : KT_ERR_IO;
    return kt_fail(err, s, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

kt_status st_prepare(kt_state *st, const char *sql, sqlite3_stmt **stmt, kt_error *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
        *stmt = NULL;
        return st_fail(st, err, "cannot prepare a statement");
    }
    return KT_OK;
}

kt_status st_run(kt_state *st, sqlite3_stmt *stmt, const char *what, kt_error *err)
{
    int rc = sqlite3_step(stmt);
    kt_status s = rc == SQLITE_DONE || rc == SQLITE_ROW ? KT_OK : st_fail(st, err, what);
    sqlite3_finalize(stmt);
    return s;
}

kt_status st_exec(kt_state *st, const char *sql, const char *what, kt_error *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) return st_fail(st, err, what);
    return KT_OK;
}

/* ---- transactions ------------------------------------------------------ */

kt_status kt_state_begin(kt_state *st, kt_error *err)
{
    st_lock(st);
    if (st->in_txn) {
        st_unlock(st);
        return kt_fail(err, KT_ERR_USAGE, "%s: a transaction is already open on this handle",
                       st->path);
    }
    kt_status s = st_exec(st, "BEGIN IMMEDIATE", "cannot begin a transaction", err);
    if (s != KT_OK) {
        st_unlock(st);
        return s;
    }
    st->in_txn = true; /* the lock stays held until commit or rollback */
    return KT_OK;
}

kt_status kt_state_commit(kt_state *st, kt_error *err)
{
    st_lock(st);
    if (!st->in_txn) {
        st_unlock(st);
        return kt_fail(err, KT_ERR_USAGE, "%s: commit without a transaction", st->path);
    }
    kt_status s = st_exec(st, "COMMIT", "cannot commit", err);
    if (s != KT_OK) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_txn = false;
    st_unlock(st); /* this call's lock */
    st_unlock(st); /* begin's lock */
    return s;
}

void kt_state_rollback(kt_state *st)
{
    st_lock(st);
    if (st->in_txn) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        st->in_txn = false;
        st_unlock(st);
    }
    st_unlock(st);
}

kt_status st_write_begin(kt_state *st, kt_error *err)
{
    if (st->in_txn) {
        KT_TRY(st_exec(st, "SAVEPOINT kt_write", "cannot open a savepoint", err));
        st->savepoints++;
        return KT_OK;
    }
    return st_exec(st, "BEGIN IMMEDIATE", "cannot begin a transaction", err);
}

kt_status st_write_end(kt_state *st, kt_status s, kt_error *err)
{
    if (st->in_txn && st->savepoints > 0) {
        st->savepoints--;
        if (s != KT_OK) sqlite3_exec(st->db, "ROLLBACK TO kt_write", NULL, NULL, NULL);
        kt_status r = st_exec(st, "RELEASE kt_write", "cannot release a savepoint", err);
        return s != KT_OK ? s : r;
    }
    if (s != KT_OK) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return s;
    }
    s = st_exec(st, "COMMIT", "cannot commit", err);
    if (s != KT_OK) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

/* ---- opening and migrating -------------------------------------------- */

static kt_status read_user_version(kt_state *st, int *version, kt_error *err)
{
    sqlite3_stmt *stmt;
    KT_TRY(st_prepare(st, "PRAGMA user_version", &stmt, err));
    int rc = sqlite3_step(stmt);
    kt_status s = KT_OK;
    if (rc == SQLITE_ROW) *version = sqlite3_column_int(stmt, 0);
    else s = st_fail(st, err, "cannot read the schema version");
    sqlite3_finalize(stmt);
    return s;
}

static kt_status apply_migrations(kt_state *st, kt_error *err)
{
    KT_TRY(st_exec(st, "BEGIN IMMEDIATE", "cannot begin the schema migration", err));
    int version = 0;
    kt_status s = read_user_version(st, &version, err); /* another process may have migrated */
    for (int v = version; s == KT_OK && v < KT_STATE_SCHEMA_VERSION; v++) {
        char what[64];
        snprintf(what, sizeof what, "schema migration to version %d failed", v + 1);
        s = st_exec(st, migrations[v], what, err);
    }
    if (s == KT_OK && version < KT_STATE_SCHEMA_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", KT_STATE_SCHEMA_VERSION);
        s = st_exec(st, sql, "cannot record the schema version", err);
    }
    if (s == KT_OK) s = st_exec(st, "COMMIT", "cannot commit the schema migration", err);
    if (s != KT_OK) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

static kt_status check_version(kt_state *st, kt_error *err)
{
    int version = 0;
    KT_TRY(read_user_version(st, &version, err));
    if (version > KT_STATE_SCHEMA_VERSION)
        return kt_fail(err, KT_ERR_STATE,
                       "%s: schema version %d is newer than this kinetl understands (%d); "
                       "use a newer kinetl", st->path, version, KT_STATE_SCHEMA_VERSION);
    if (version == KT_STATE_SCHEMA_VERSION) return KT_OK;
    if (st->read_only)
        return kt_fail(err, KT_ERR_STATE,
                       "%s: schema version %d is older than %d; run a kinetl command that "
                       "writes (e.g. kinetl run) to upgrade it", st->path, version,
                       KT_STATE_SCHEMA_VERSION);
    return apply_migrations(st, err);
}

/*
 * Switches to WAL (a no-op when the file already is). Changing the journal
 * mode of a fresh file needs an exclusive lock for which SQLite does not
 * call the busy handler, so processes opening a new lake together retry
 * here, for up to the busy timeout.
 */
static kt_status enable_wal(kt_state *st, kt_error *err)
{
    int64_t deadline = kt_clock_mono_ns() + (int64_t)KT_STATE_BUSY_TIMEOUT_MS * 1000000;
    for (int attempt = 0;; attempt++) {
        sqlite3_stmt *stmt;
        KT_TRY(st_prepare(st, "PRAGMA journal_mode = WAL", &stmt, err));
        int rc = sqlite3_step(stmt);
        const unsigned char *mode = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
        bool wal = mode && strcmp((const char *)mode, "wal") == 0;
        sqlite3_finalize(stmt);
        if (wal) return KT_OK;
        if (rc == SQLITE_ROW)
            return kt_fail(err, KT_ERR_IO, "%s: the file system refused WAL mode", st->path);
        bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (!busy || kt_clock_mono_ns() > deadline)
            return st_fail(st, err, "cannot switch to WAL mode");
        struct timespec pause = { 0, (attempt < 10 ? 1 : 10) * 1000000L };
        nanosleep(&pause, NULL);
    }
}

/* The first statement that reads the file: reports "not a database" clearly. */
static kt_status configure(kt_state *st, kt_error *err)
{
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, KT_STATE_BUSY_TIMEOUT_MS);
    if (st->read_only) {
        sqlite3_stmt *stmt;
        KT_TRY(st_prepare(st, "SELECT count(*) FROM sqlite_schema", &stmt, err));
        return st_run(st, stmt, "cannot read the database", err);
    }
    KT_TRY(enable_wal(st, err));
    KT_TRY(st_exec(st, "PRAGMA synchronous = FULL", "cannot set synchronous", err));
    return st_exec(st, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", err);
}

static kt_status open_db(kt_state *st, kt_state_mode mode, kt_error *err)
{
    int flags = mode == KT_STATE_READ_ONLY ? SQLITE_OPEN_READONLY
              : mode == KT_STATE_CREATE    ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                           : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(st->path, &st->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        return st_fail(st, err, "cannot open the state database");
    kt_status s = configure(st, err);
    if (s == KT_OK) s = check_version(st, err);
    if (s == KT_ERR_STATE && (sqlite3_errcode(st->db) & 0xff) == SQLITE_NOTADB)
        s = kt_fail(err, KT_ERR_STATE, "%s is not a kinetl state database (%s)", st->path,
                    sqlite3_errmsg(st->db));
    return s;
}

kt_status kt_state_open(const char *lake, kt_state_mode mode, kt_state **out, kt_error *err)
{
    *out = NULL;
    kt_state *st = calloc(1, sizeof *st);
    if (!st) return kt_fail(err, KT_ERR_NOMEM, "out of memory opening the state of %s", lake);
    kt_status s = kt_lake_meta_path(lake, KT_STATE_FILE, mode == KT_STATE_CREATE, st->path,
                                    sizeof st->path, err);
    if (s == KT_OK && mode != KT_STATE_CREATE && access(st->path, F_OK) != 0)
        s = errno == ENOENT ? kt_fail(err, KT_ERR_NOT_FOUND, "no state database at %s", st->path)
                            : kt_fail_errno(err, KT_ERR_IO, errno, "cannot access %s", st->path);
    if (s != KT_OK) {
        free(st);
        return s;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&st->mu, &attr);
    pthread_mutexattr_destroy(&attr);
    st->read_only = mode == KT_STATE_READ_ONLY;
    s = open_db(st, mode, err);
    if (s != KT_OK) {
        kt_state_close(st);
        return s;
    }
    *out = st;
    return KT_OK;
}

void kt_state_close(kt_state *st)
{
    if (!st) return;
    if (st->in_txn) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

const char *kt_state_db_path(const kt_state *st)
{
    return st->path;
}

int kt_state_schema_version(kt_state *st)
{
    st_lock(st);
    int version = -1;
    if (read_user_version(st, &version, NULL) != KT_OK) version = -1;
    st_unlock(st);
    return version;
}

/* ---- values ------------------------------------------------------------ */

void st_hash_hex(uint64_t hash, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, hash);
}

void st_bind_text(sqlite3_stmt *stmt, int idx, const char *text)
{
    if (text) sqlite3_bind_text(stmt, idx, text, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(stmt, idx);
}

void st_bind_version(sqlite3_stmt *stmt, int idx, int64_t version)
{
    if (version < 0) sqlite3_bind_null(stmt, idx);
    else sqlite3_bind_int64(stmt, idx, version);
}

void st_bind_time(sqlite3_stmt *stmt, int idx, int64_t us)
{
    if (us == 0) {
        sqlite3_bind_null(stmt, idx);
        return;
    }
    char text[KT_ISO_TIME_MAX];
    kt_time_format_iso(us, 6, text);
    sqlite3_bind_text(stmt, idx, text, -1, SQLITE_TRANSIENT);
}

void st_bind_hash(sqlite3_stmt *stmt, int idx, uint64_t hash)
{
    char hex[17];
    st_hash_hex(hash, hex);
    sqlite3_bind_text(stmt, idx, hex, 16, SQLITE_TRANSIENT);
}

kt_status st_col_text(kt_state *st, sqlite3_stmt *stmt, int col, kt_arena *arena,
                      const char **out, kt_error *err)
{
    *out = NULL;
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return KT_OK;
    const unsigned char *text = sqlite3_column_text(stmt, col);
    int len = sqlite3_column_bytes(stmt, col);
    if (!text && len == 0) text = (const unsigned char *)"";
    char *copy = text ? kt_arena_strndup(arena, (const char *)text, (size_t)len) : NULL;
    if (!copy)
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory reading column %s", st->path,
                       sqlite3_column_name(stmt, col));
    *out = copy;
    return KT_OK;
}

int64_t st_col_version(sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return KT_STATE_NO_VERSION;
    return sqlite3_column_int64(stmt, col);
}

kt_status st_col_time(kt_state *st, sqlite3_stmt *stmt, int col, int64_t *us, kt_error *err)
{
    *us = 0;
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return KT_OK;
    const char *text = (const char *)sqlite3_column_text(stmt, col);
    if (!text || kt_time_parse_iso(text, us, NULL) != KT_OK)
        return kt_fail(err, KT_ERR_STATE, "%s: column %s holds '%s', not a timestamp", st->path,
                       sqlite3_column_name(stmt, col), text ? text : "");
    return KT_OK;
}

kt_status st_col_hash(kt_state *st, sqlite3_stmt *stmt, int col, uint64_t *hash, kt_error *err)
{
    *hash = 0;
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return KT_OK;
    const char *text = (const char *)sqlite3_column_text(stmt, col);
    char *end = NULL;
    errno = 0;
    unsigned long long v = text ? strtoull(text, &end, 16) : 0;
    if (!text || strlen(text) != 16 || errno || *end)
        return kt_fail(err, KT_ERR_STATE, "%s: column %s holds '%s', not a 16-digit hex hash",
                       st->path, sqlite3_column_name(stmt, col), text ? text : "");
    *hash = v;
    return KT_OK;
}

kt_status st_col_enum(kt_state *st, sqlite3_stmt *stmt, int col, const char *const *names,
                      int count, int *out, kt_error *err)
{
    const char *text = (const char *)sqlite3_column_text(stmt, col);
    for (int i = 0; text && i < count; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return KT_OK;
        }
    }
    return kt_fail(err, KT_ERR_STATE, "%s: column %s holds unknown value '%s'", st->path,
                   sqlite3_column_name(stmt, col), text ? text : "NULL");
}

kt_status st_fetch_one(kt_state *st, sqlite3_stmt *stmt, st_decode_fn decode, kt_arena *arena,
                       void *elem, bool *found, kt_error *err)
{
    *found = false;
    int rc = sqlite3_step(stmt);
    kt_status s = KT_OK;
    if (rc == SQLITE_ROW) {
        s = decode(st, stmt, arena, elem, err);
        *found = s == KT_OK;
    } else if (rc != SQLITE_DONE) {
        s = st_fail(st, err, "query failed");
    }
    sqlite3_finalize(stmt);
    return s;
}

kt_status st_collect(kt_state *st, sqlite3_stmt *stmt, size_t elem_size, st_decode_fn decode,
                     kt_arena *arena, void **out, size_t *n, kt_error *err)
{
    *out = NULL;
    *n = 0;
    kt_buf rows;
    kt_buf_init(&rows);
    kt_status s = KT_OK;
    int rc = SQLITE_DONE;
    while (s == KT_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        uint8_t *elem = kt_buf_extend(&rows, elem_size);
        if (!elem) s = kt_fail(err, KT_ERR_NOMEM, "%s: out of memory listing rows", st->path);
        else s = decode(st, stmt, arena, elem, err);
    }
    if (s == KT_OK && rc != SQLITE_DONE) s = st_fail(st, err, "query failed");
    sqlite3_finalize(stmt);
    size_t count = rows.len / elem_size;
    if (s == KT_OK && count > 0) {
        void *array = kt_arena_alloc(arena, rows.len);
        if (!array) s = kt_fail(err, KT_ERR_NOMEM, "%s: out of memory listing rows", st->path);
        else {
            memcpy(array, rows.data, rows.len);
            *out = array;
            *n = count;
        }
    }
    kt_buf_free(&rows);
    return s;
}
