/*
 * orchestrate/state_manifest.c — the source-file manifest: one row per
 * path, file identity = (hash, size), and the verdict that decides whether
 * a file found in the source directory is ingested, skipped or reported.
 */
#include <string.h>

#include "core/clock.h"
#include "orchestrate/state_internal.h"

#define FILE_COLUMNS                                                                         \
    "path, size, hash, mtime_ns, status, rows_accepted, rows_rejected, rows_duplicate, "     \
    "raw_version, quarantine_version, error, first_seen, ingested_at, changed_size, "        \
    "changed_hash, changed_seen_at"

const char *kt_file_status_name(kt_file_status status)
{
    return (unsigned)status < 3 ? st_file_status_names[status] : "?";
}

const char *kt_file_verdict_name(kt_file_verdict v)
{
    static const char *const names[] = { "new", "retry", "already ingested", "copy",
                                         "still failed", "content changed" };
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

static kt_status decode_file(kt_state *st, sqlite3_stmt *q, kt_arena *arena, void *elem,
                             kt_error *err)
{
    kt_file_record *r = elem;
    memset(r, 0, sizeof *r);
    int status = 0;
    KT_TRY(st_col_text(st, q, 0, arena, &r->path, err));
    r->size = sqlite3_column_int64(q, 1);
    KT_TRY(st_col_hash(st, q, 2, &r->hash, err));
    r->mtime_ns = sqlite3_column_int64(q, 3);
    KT_TRY(st_col_enum(st, q, 4, st_file_status_names, 3, &status, err));
    r->status = (kt_file_status)status;
    r->rows_accepted = sqlite3_column_int64(q, 5);
    r->rows_rejected = sqlite3_column_int64(q, 6);
    r->rows_duplicate = sqlite3_column_int64(q, 7);
    r->raw_version = st_col_version(q, 8);
    r->quarantine_version = st_col_version(q, 9);
    KT_TRY(st_col_text(st, q, 10, arena, &r->error, err));
    KT_TRY(st_col_time(st, q, 11, &r->first_seen_us, err));
    KT_TRY(st_col_time(st, q, 12, &r->ingested_at_us, err));
    r->changed_size = sqlite3_column_int64(q, 13);
    KT_TRY(st_col_hash(st, q, 14, &r->changed_hash, err));
    return st_col_time(st, q, 15, &r->changed_seen_us, err);
}

static kt_status validate_file(kt_state *st, const kt_file_record *rec, kt_error *err)
{
    if (!rec->path || !*rec->path)
        return kt_fail(err, KT_ERR_USAGE, "%s: manifest record without a path", st->path);
    if (rec->size < 0 || (unsigned)rec->status > KT_FILE_CHANGED)
        return kt_fail(err, KT_ERR_USAGE, "%s: manifest record for %s: bad size or status",
                       st->path, rec->path);
    return KT_OK;
}

kt_status kt_state_file_put(kt_state *st, const kt_file_record *rec, kt_error *err)
{
    KT_TRY(validate_file(st, rec, err));
    static const char sql[] =
        "INSERT INTO manifest (" FILE_COLUMNS ") "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
        "ON CONFLICT (path) DO UPDATE SET size = excluded.size, hash = excluded.hash, "
        "  mtime_ns = excluded.mtime_ns, status = excluded.status, "
        "  rows_accepted = excluded.rows_accepted, rows_rejected = excluded.rows_rejected, "
        "  rows_duplicate = excluded.rows_duplicate, raw_version = excluded.raw_version, "
        "  quarantine_version = excluded.quarantine_version, error = excluded.error, "
        "  ingested_at = excluded.ingested_at, changed_size = excluded.changed_size, "
        "  changed_hash = excluded.changed_hash, changed_seen_at = excluded.changed_seen_at";
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, sql, &q, err);
    if (s == KT_OK) {
        bool changed = rec->status == KT_FILE_CHANGED;
        st_bind_text(q, 1, rec->path);
        sqlite3_bind_int64(q, 2, rec->size);
        st_bind_hash(q, 3, rec->hash);
        if (rec->mtime_ns) sqlite3_bind_int64(q, 4, rec->mtime_ns);
        st_bind_text(q, 5, kt_file_status_name(rec->status));
        sqlite3_bind_int64(q, 6, rec->rows_accepted);
        sqlite3_bind_int64(q, 7, rec->rows_rejected);
        sqlite3_bind_int64(q, 8, rec->rows_duplicate);
        st_bind_version(q, 9, rec->raw_version);
        st_bind_version(q, 10, rec->quarantine_version);
        st_bind_text(q, 11, rec->error);
        st_bind_time(q, 12, rec->first_seen_us ? rec->first_seen_us : kt_clock_wall_us());
        st_bind_time(q, 13, rec->ingested_at_us);
        if (changed) {
            sqlite3_bind_int64(q, 14, rec->changed_size);
            st_bind_hash(q, 15, rec->changed_hash);
            st_bind_time(q, 16, rec->changed_seen_us ? rec->changed_seen_us : kt_clock_wall_us());
        }
        s = st_run(st, q, "cannot record a source file", err);
    }
    st_unlock(st);
    if (s != KT_OK) kt_error_prefix(err, "%s", rec->path);
    return s;
}

kt_status kt_state_file_get(kt_state *st, const char *path, kt_arena *arena,
                            kt_file_record *out, bool *found, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st, "SELECT " FILE_COLUMNS " FROM manifest WHERE path = ?1", &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, path);
        s = st_fetch_one(st, q, decode_file, arena, out, found, err);
    }
    st_unlock(st);
    return s;
}

/* An ingested (or since changed) row holding this content, preferring the first path. */
static kt_status find_ingested_copy(kt_state *st, int64_t size, uint64_t hash, kt_arena *arena,
                                    kt_file_record *out, bool *found, kt_error *err)
{
    sqlite3_stmt *q;
    KT_TRY(st_prepare(st,
                      "SELECT " FILE_COLUMNS " FROM manifest WHERE hash = ?1 AND size = ?2 "
                      "AND status IN ('ingested', 'changed') ORDER BY path LIMIT 1",
                      &q, err));
    st_bind_hash(q, 1, hash);
    sqlite3_bind_int64(q, 2, size);
    return st_fetch_one(st, q, decode_file, arena, out, found, err);
}

static kt_status classify_locked(kt_state *st, const char *path, int64_t size, uint64_t hash,
                                 kt_arena *arena, kt_file_verdict *verdict,
                                 kt_file_record *known, bool *found, kt_error *err)
{
    KT_TRY(kt_state_file_get(st, path, arena, known, found, err));
    bool same = *found && known->size == size && known->hash == hash;
    if (*found && known->status != KT_FILE_FAILED) {
        *verdict = same ? KT_FILE_ALREADY : KT_FILE_CONTENT_CHANGED;
        return KT_OK;
    }
    if (same) { /* failed before with this very content */
        *verdict = KT_FILE_STILL_FAILED;
        return KT_OK;
    }
    bool was_failed = *found;
    kt_file_record copy;
    bool copy_found;
    KT_TRY(find_ingested_copy(st, size, hash, arena, &copy, &copy_found, err));
    if (copy_found) {
        *known = copy;
        *found = true;
        *verdict = KT_FILE_COPY;
    } else {
        *verdict = was_failed ? KT_FILE_RETRY : KT_FILE_NEW;
    }
    return KT_OK;
}

kt_status kt_state_file_classify(kt_state *st, const char *path, int64_t size, uint64_t hash,
                                 kt_arena *arena, kt_file_verdict *verdict,
                                 kt_file_record *known, bool *known_found, kt_error *err)
{
    kt_file_record row;
    bool found = false;
    st_lock(st);
    kt_status s = classify_locked(st, path, size, hash, arena, verdict, &row, &found, err);
    st_unlock(st);
    if (known) *known = found ? row : (kt_file_record){ 0 };
    if (known_found) *known_found = found;
    return s;
}

kt_status kt_state_file_mark_changed(kt_state *st, const char *path, int64_t size,
                                     uint64_t hash, int64_t seen_us, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "UPDATE manifest SET status = 'changed', changed_size = ?2, "
                             "changed_hash = ?3, changed_seen_at = ?4 "
                             "WHERE path = ?1 AND status IN ('ingested', 'changed')",
                             &q, err);
    if (s == KT_OK) {
        st_bind_text(q, 1, path);
        sqlite3_bind_int64(q, 2, size);
        st_bind_hash(q, 3, hash);
        st_bind_time(q, 4, seen_us ? seen_us : kt_clock_wall_us());
        s = st_run(st, q, "cannot mark a source file changed", err);
    }
    if (s == KT_OK && sqlite3_changes(st->db) == 0)
        s = kt_fail(err, KT_ERR_NOT_FOUND, "%s: %s has no ingested manifest row", st->path, path);
    st_unlock(st);
    return s;
}

kt_status kt_state_files_list(kt_state *st, unsigned status_mask, kt_arena *arena,
                              kt_file_record **out, size_t *n, kt_error *err)
{
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "SELECT " FILE_COLUMNS " FROM manifest WHERE status IN (?1, ?2, ?3) "
                             "ORDER BY path",
                             &q, err);
    if (s == KT_OK) {
        for (int i = 0; i < 3; i++)
            st_bind_text(q, i + 1, status_mask & (1u << i) ? st_file_status_names[i] : NULL);
        s = st_collect(st, q, sizeof **out, decode_file, arena, (void **)out, n, err);
    }
    st_unlock(st);
    return s;
}

kt_status kt_state_files_failed(kt_state *st, kt_arena *arena, kt_file_record **out,
                                size_t *n, kt_error *err)
{
    return kt_state_files_list(st, KT_FILE_MASK(KT_FILE_FAILED), arena, out, n, err);
}

kt_status kt_state_file_counts(kt_state *st, kt_file_counts *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    st_lock(st);
    sqlite3_stmt *q;
    kt_status s = st_prepare(st,
                             "SELECT count(*) FILTER (WHERE status = 'ingested'), "
                             "  count(*) FILTER (WHERE status = 'failed'), "
                             "  count(*) FILTER (WHERE status = 'changed'), "
                             "  coalesce(sum(rows_accepted) FILTER (WHERE status != 'failed'), 0), "
                             "  coalesce(sum(rows_rejected) FILTER (WHERE status != 'failed'), 0), "
                             "  coalesce(sum(rows_duplicate) FILTER (WHERE status != 'failed'), 0) "
                             "FROM manifest",
                             &q, err);
    if (s == KT_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) {
            out->ingested = sqlite3_column_int64(q, 0);
            out->failed = sqlite3_column_int64(q, 1);
            out->changed = sqlite3_column_int64(q, 2);
            out->rows_accepted = sqlite3_column_int64(q, 3);
            out->rows_rejected = sqlite3_column_int64(q, 4);
            out->rows_duplicate = sqlite3_column_int64(q, 5);
        } else {
            s = st_fail(st, err, "cannot count source files");
        }
        sqlite3_finalize(q);
    }
    st_unlock(st);
    return s;
}
