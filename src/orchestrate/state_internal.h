/*
 * orchestrate/state_internal.h — what the state_*.c files share: the
 * handle, its locking, statement helpers and the text forms of enums,
 * times, versions and hashes as stored in SQLite. Not a public header.
 */
#ifndef KT_ORCHESTRATE_STATE_INTERNAL_H
#define KT_ORCHESTRATE_STATE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>

#include "orchestrate/state.h"

struct kt_state {
    sqlite3 *db;
    pthread_mutex_t mu;  /* recursive: held by every call, and across a transaction */
    bool in_txn;         /* kt_state_begin() is open */
    int savepoints;      /* depth of internal savepoints inside it */
    bool read_only;
    char path[PATH_MAX];
};

void st_lock(kt_state *st);
void st_unlock(kt_state *st);

/* Fails with "<db path>: <what>: <sqlite message>"; KT_ERR_CONFLICT when busy. */
kt_status st_fail(kt_state *st, kt_error *err, const char *what);

kt_status st_prepare(kt_state *st, const char *sql, sqlite3_stmt **stmt, kt_error *err);
/* Steps a statement that returns no rows and finalizes it. */
kt_status st_run(kt_state *st, sqlite3_stmt *stmt, const char *what, kt_error *err);
kt_status st_exec(kt_state *st, const char *sql, const char *what, kt_error *err);

/* A write of several statements: its own IMMEDIATE transaction, or a
 * savepoint when the caller has one open. end commits when s == KT_OK,
 * rolls back otherwise, and returns s (or the commit's failure). */
kt_status st_write_begin(kt_state *st, kt_error *err);
kt_status st_write_end(kt_state *st, kt_status s, kt_error *err);

/* Binding: NULL text, KT_STATE_NO_VERSION and time 0 bind as SQL NULL. */
void st_bind_text(sqlite3_stmt *stmt, int idx, const char *text);
void st_bind_version(sqlite3_stmt *stmt, int idx, int64_t version);
void st_bind_time(sqlite3_stmt *stmt, int idx, int64_t us);
void st_bind_hash(sqlite3_stmt *stmt, int idx, uint64_t hash);

/* Reading columns back; malformed stored values are KT_ERR_STATE. */
kt_status st_col_text(kt_state *st, sqlite3_stmt *stmt, int col, kt_arena *arena,
                      const char **out, kt_error *err);
int64_t st_col_version(sqlite3_stmt *stmt, int col);
kt_status st_col_time(kt_state *st, sqlite3_stmt *stmt, int col, int64_t *us, kt_error *err);
kt_status st_col_hash(kt_state *st, sqlite3_stmt *stmt, int col, uint64_t *hash, kt_error *err);
/* Maps a stored enum name to its index in names[0..count). */
kt_status st_col_enum(kt_state *st, sqlite3_stmt *stmt, int col, const char *const *names,
                      int count, int *out, kt_error *err);

/* Decodes the current row of stmt into *elem (strings into arena). */
typedef kt_status (*st_decode_fn)(kt_state *st, sqlite3_stmt *stmt, kt_arena *arena,
                                  void *elem, kt_error *err);
/* Steps stmt to the end, decoding each row into an arena array; finalizes. */
kt_status st_collect(kt_state *st, sqlite3_stmt *stmt, size_t elem_size, st_decode_fn decode,
                     kt_arena *arena, void **out, size_t *n, kt_error *err);
/* Steps stmt once: *found = a row is there, decoded into elem; finalizes. */
kt_status st_fetch_one(kt_state *st, sqlite3_stmt *stmt, st_decode_fn decode, kt_arena *arena,
                       void *elem, bool *found, kt_error *err);

/* Hex form of a content hash: 16 lower-case digits. */
void st_hash_hex(uint64_t hash, char out[17]);

extern const char *const st_file_status_names[3];
extern const char *const st_pipeline_status_names[5];
extern const char *const st_task_kind_names[2];
extern const char *const st_task_status_names[3];
extern const char *const st_run_status_names[3];

#endif
