/*
 * lake/delta/snapshot.c — a table's state at one version, by replaying
 * its JSON commits in order (Delta "action reconciliation"): the latest
 * protocol and metaData win, the latest action on a path decides whether
 * the file is active (add) or a tombstone (remove), the latest txn
 * version per appId wins. Entries are kept in a hash map by decoded path,
 * so replay is linear in the size of the log, and a snapshot can be
 * advanced by reading only the commits after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lake/delta/internal.h"

#define NOMEM(s, err) kt_fail(err, KT_ERR_NOMEM, "%s: out of memory replaying the log", \
                              (s)->table.dir)

static const char *entry_key(const void *ctx, uint32_t i)
{
    return ((const kt_delta_snapshot *)ctx)->entries[i].path;
}

static const char *app_key(const void *ctx, uint32_t i)
{
    return ((const kt_delta_snapshot *)ctx)->apps[i].app_id;
}

static char *adup(kt_arena *a, const char *s)
{
    return s ? kt_arena_strndup(a, s, strlen(s)) : NULL;
}

/* ---- actions ---------------------------------------------------------- */

static kt_status apply_protocol(kt_delta_snapshot *s, json_t *a, kt_error *err)
{
    int64_t r, w;
    if (!kt_json_int(a, "minReaderVersion", &r) || !kt_json_int(a, "minWriterVersion", &w))
        return kt_fail(err, KT_ERR_FORMAT, "protocol action lacks minReaderVersion or "
                       "minWriterVersion");
    s->has_protocol = true;
    s->min_reader = r < 0 || r > 1000 ? 1000 : (int)r;
    s->min_writer = w < 0 || w > 1000 ? 1000 : (int)w;
    json_decref(s->reader_features);
    json_decref(s->writer_features);
    s->reader_features = json_incref(json_object_get(a, "readerFeatures"));
    s->writer_features = json_incref(json_object_get(a, "writerFeatures"));
    return KT_OK;
}

static kt_status parse_partition_columns(kt_delta_snapshot *s, json_t *cols, kt_error *err)
{
    size_t n = json_array_size(cols);
    if (!json_is_array(cols)) return kt_fail(err, KT_ERR_FORMAT, "metaData lacks partitionColumns");
    s->partition_columns = kt_arena_calloc(&s->arena, n ? n : 1, sizeof(char *));
    if (!s->partition_columns) return NOMEM(s, err);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(cols, i);
        const char *name = json_is_string(c) ? json_string_value(c) : NULL;
        bool known = false;
        for (size_t f = 0; name && f < s->schema.nfields; f++)
            known |= strcmp(s->schema.fields[f].name, name) == 0;
        if (!known)
            return kt_fail(err, KT_ERR_FORMAT, "partition column %zu ('%s') is not in the schema",
                           i, name ? name : "?");
        if (!(s->partition_columns[i] = adup(&s->arena, name))) return NOMEM(s, err);
    }
    s->npartition_columns = n;
    return KT_OK;
}

static kt_status parse_config(kt_delta_snapshot *s, json_t *conf, kt_error *err)
{
    size_t n = json_is_object(conf) ? json_object_size(conf) : 0;
    s->config = kt_arena_calloc(&s->arena, n ? n : 1, sizeof *s->config);
    if (!s->config) return NOMEM(s, err);
    s->nconfig = 0;
    const char *key;
    json_t *v;
    if (n) json_object_foreach(conf, key, v) {
        if (!json_is_string(v)) continue;
        s->config[s->nconfig].key = adup(&s->arena, key);
        s->config[s->nconfig].value = adup(&s->arena, json_string_value(v));
        if (!s->config[s->nconfig].key || !s->config[s->nconfig].value) return NOMEM(s, err);
        s->nconfig++;
    }
    return KT_OK;
}

static kt_status apply_metadata(kt_delta_snapshot *s, json_t *a, kt_error *err)
{
    const char *id = kt_json_str(a, "id"), *schema = kt_json_str(a, "schemaString");
    if (!id || !schema) return kt_fail(err, KT_ERR_FORMAT, "metaData lacks id or schemaString");
    const char *provider = kt_json_str(json_object_get(a, "format"), "provider");
    if (provider && strcmp(provider, "parquet") != 0)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "data files are '%s', not parquet", provider);
    KT_TRY(kt_delta_schema_parse(schema, &s->arena, &s->schema, s->table.dir, err));
    KT_TRY(parse_partition_columns(s, json_object_get(a, "partitionColumns"), err));
    KT_TRY(parse_config(s, json_object_get(a, "configuration"), err));
    if (!(s->table_id = adup(&s->arena, id))) return NOMEM(s, err);
    if (!kt_json_int(a, "createdTime", &s->created_time)) s->created_time = -1;
    s->has_metadata = true;
    s->meta_gen++;
    s->reresolve = true;
    s->views_stale = true;
    return KT_OK;
}

/* The entry for a decoded path, created (inactive, zeroed) if new. */
static kt_status entry_for(kt_delta_snapshot *s, const char *path, kt_delta_entry **out,
                           kt_error *err)
{
    uint64_t h = kt_strmap_hash(path);
    int64_t i = kt_strmap_find(&s->by_path, path, h, entry_key, s);
    if (i >= 0) {
        *out = &s->entries[i];
        return KT_OK;
    }
    if (s->nentries == s->entries_cap) {
        size_t cap = s->entries_cap ? s->entries_cap * 2 : 1024;
        kt_delta_entry *e = realloc(s->entries, cap * sizeof *e);
        if (!e) return NOMEM(s, err);
        s->entries = e;
        s->entries_cap = cap;
    }
    kt_delta_entry *e = &s->entries[s->nentries];
    memset(e, 0, sizeof *e);
    if (!(e->path = adup(&s->arena, path))) return NOMEM(s, err);
    e->hash = h;
    if (kt_strmap_insert(&s->by_path, h, (uint32_t)s->nentries) != KT_OK) return NOMEM(s, err);
    s->nentries++;
    *out = e;
    return KT_OK;
}

static kt_status decoded_path(kt_delta_snapshot *s, json_t *a, const char *kind, kt_buf *scratch,
                              kt_error *err)
{
    const char *uri = kt_json_str(a, "path");
    if (!uri) return kt_fail(err, KT_ERR_FORMAT, "%s action lacks a path", kind);
    json_t *dv = json_object_get(a, "deletionVector");
    if (dv && !json_is_null(dv))
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s of '%s' carries a deletion vector, which "
                       "kinetl does not read", kind, uri);
    kt_buf_clear(scratch);
    KT_TRY(kt_delta_uri_decode(scratch, uri, err));
    if (kt_buf_append_byte(scratch, 0) != KT_OK) return NOMEM(s, err);
    if (!kt_delta_path_is_safe_relative((const char *)scratch->data))
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s path '%s' is absolute or leaves the table "
                       "directory", kind, uri);
    return KT_OK;
}

static int64_t stats_num_records(const char *stats)
{
    const char *p = stats ? strstr(stats, "\"numRecords\"") : NULL;
    if (!p) return -1;
    p += strlen("\"numRecords\"");
    while (*p == ' ' || *p == ':') p++;
    char *end;
    long long v = strtoll(p, &end, 10);
    return end == p || v < 0 ? -1 : v;
}

static kt_status copy_partition_values(kt_delta_snapshot *s, kt_delta_entry *e, json_t *pv,
                                       kt_error *err)
{
    size_t n = json_is_object(pv) ? json_object_size(pv) : 0;
    e->npv = 0;
    e->pv_keys = kt_arena_alloc(&s->arena, (n ? n : 1) * sizeof(char *));
    e->pv_values = kt_arena_alloc(&s->arena, (n ? n : 1) * sizeof(char *));
    if (!e->pv_keys || !e->pv_values) return NOMEM(s, err);
    const char *key;
    json_t *v;
    if (n) json_object_foreach(pv, key, v) {
        e->pv_keys[e->npv] = adup(&s->arena, key);
        e->pv_values[e->npv] = json_is_string(v) ? adup(&s->arena, json_string_value(v)) : NULL;
        if (!e->pv_keys[e->npv] || (json_is_string(v) && !e->pv_values[e->npv]))
            return NOMEM(s, err);
        e->npv++;
    }
    e->resolved_gen = 0;
    return KT_OK;
}

static kt_status resolve_partitions(kt_delta_snapshot *s, kt_delta_entry *e, kt_error *err);

static kt_status apply_add(kt_delta_snapshot *s, json_t *a, int64_t version, kt_buf *scratch,
                           kt_error *err)
{
    KT_TRY(decoded_path(s, a, "add", scratch, err));
    kt_delta_entry *e;
    KT_TRY(entry_for(s, (const char *)scratch->data, &e, err));
    int64_t size = -1, mtime = 0;
    if (!kt_json_int(a, "size", &size) || size < 0)
        return kt_fail(err, KT_ERR_FORMAT, "add of '%s' lacks a valid size", e->path);
    kt_json_int(a, "modificationTime", &mtime);
    e->active = true;
    e->size = size;
    e->modification_time = mtime;
    e->version = version;
    e->deletion_timestamp = 0;
    if (!(e->log_path = adup(&s->arena, kt_json_str(a, "path")))) return NOMEM(s, err);
    const char *stats = kt_json_str(a, "stats");
    e->stats = stats ? adup(&s->arena, stats) : NULL;
    if (stats && !e->stats) return NOMEM(s, err);
    e->num_records = stats_num_records(e->stats);
    KT_TRY(copy_partition_values(s, e, json_object_get(a, "partitionValues"), err));
    if (s->has_metadata) KT_TRY(resolve_partitions(s, e, err));
    s->views_stale = true;
    return KT_OK;
}

static kt_status apply_remove(kt_delta_snapshot *s, json_t *a, int64_t version, kt_buf *scratch,
                              kt_error *err)
{
    KT_TRY(decoded_path(s, a, "remove", scratch, err));
    kt_delta_entry *e;
    KT_TRY(entry_for(s, (const char *)scratch->data, &e, err));
    int64_t size;
    e->active = false;
    e->version = version;
    if (!kt_json_int(a, "deletionTimestamp", &e->deletion_timestamp)) e->deletion_timestamp = 0;
    if (kt_json_int(a, "size", &size)) e->size = size;
    else if (!e->log_path) e->size = -1;
    s->views_stale = true;
    return KT_OK;
}

static kt_status apply_txn(kt_delta_snapshot *s, json_t *a, kt_error *err)
{
    const char *app = kt_json_str(a, "appId");
    int64_t v;
    if (!app || !kt_json_int(a, "version", &v))
        return kt_fail(err, KT_ERR_FORMAT, "txn action lacks appId or version");
    uint64_t h = kt_strmap_hash(app);
    int64_t i = kt_strmap_find(&s->by_app, app, h, app_key, s);
    if (i >= 0) {
        s->apps[i].version = v;
        return KT_OK;
    }
    if (s->napps == s->apps_cap) {
        size_t cap = s->apps_cap ? s->apps_cap * 2 : 16;
        kt_delta_app *na = realloc(s->apps, cap * sizeof *na);
        if (!na) return NOMEM(s, err);
        s->apps = na;
        s->apps_cap = cap;
    }
    s->apps[s->napps].app_id = adup(&s->arena, app);
    s->apps[s->napps].version = v;
    if (!s->apps[s->napps].app_id || kt_strmap_insert(&s->by_app, h, (uint32_t)s->napps) != KT_OK)
        return NOMEM(s, err);
    s->napps++;
    return KT_OK;
}

typedef struct replay_ctx {
    kt_delta_snapshot *s;
    int64_t version;
    kt_buf scratch;
} replay_ctx;

static kt_status apply_action(void *vctx, const char *kind, json_t *a, kt_error *err)
{
    replay_ctx *c = vctx;
    if (!json_is_object(a)) return KT_OK;   /* e.g. a null placeholder: nothing to apply */
    if (strcmp(kind, "add") == 0) return apply_add(c->s, a, c->version, &c->scratch, err);
    if (strcmp(kind, "remove") == 0) return apply_remove(c->s, a, c->version, &c->scratch, err);
    if (strcmp(kind, "metaData") == 0) return apply_metadata(c->s, a, err);
    if (strcmp(kind, "protocol") == 0) return apply_protocol(c->s, a, err);
    if (strcmp(kind, "txn") == 0) return apply_txn(c->s, a, err);
    return KT_OK;   /* commitInfo, cdc, unknown actions: not part of the state we serve */
}

/* ---- replay ----------------------------------------------------------- */

static kt_status apply_commit(kt_delta_snapshot *s, const kt_delta_parsed *p, replay_ctx *ctx,
                              kt_error *err)
{
    ctx->version = p->version;
    KT_TRY(kt_delta_apply_parsed(&s->table, p, apply_action, ctx, err));
    s->timestamp = kt_delta_commit_time(p->mtime, s->timestamp, p->version);
    s->version = p->version;
    return KT_OK;
}

/* commitInfo is not part of a snapshot: replay does not even parse it. */
#define SKIP_KIND "commitInfo"

static kt_status replay_one(kt_delta_snapshot *s, int64_t version, kt_buf *data,
                            kt_delta_parsed *parsed, replay_ctx *ctx, kt_error *err)
{
    kt_delta_parsed_clear(parsed);
    KT_TRY(kt_delta_read_commit(&s->table, version, data, &parsed->mtime, err));
    KT_TRY(kt_delta_parse_lines(&s->table, version, data->data, data->len, SKIP_KIND, parsed, err));
    return apply_commit(s, parsed, ctx, err);
}

/* Below this many commits threads cost more than they save. */
#define PARALLEL_MIN_COMMITS 64

/* Sequential unless asked: on a busy machine (a pipeline running -j N)
 * the threads cost more CPU than they save; a caller with idle cores opts in. */
static int replay_threads(const kt_delta_snapshot *s)
{
    return s->table.opts.replay_threads > 1 ? s->table.opts.replay_threads : 1;
}

static kt_status replay_parallel(kt_delta_snapshot *s, int64_t from, int64_t to,
                                 kt_delta_parsed *parsed, replay_ctx *ctx, kt_error *err)
{
    kt_delta_prefetch *p;
    KT_TRY(kt_delta_prefetch_start(&s->table, from, to, replay_threads(s), SKIP_KIND, &p, err));
    kt_status st = KT_OK;
    for (int64_t v = from; st == KT_OK && v <= to; v++) {
        st = kt_delta_prefetch_next(p, parsed, err);
        if (st == KT_OK) st = apply_commit(s, parsed, ctx, err);
    }
    kt_delta_prefetch_stop(p);
    return st;
}

static kt_status check_complete(kt_delta_snapshot *s, kt_error *err)
{
    if (!s->has_protocol || !s->has_metadata)
        return kt_fail(err, KT_ERR_FORMAT, "%s: no %s action by version %lld", s->table.dir,
                       s->has_protocol ? "metaData" : "protocol", (long long)s->version);
    return kt_delta_check_readable(&s->table, s->min_reader, s->reader_features,
                                   kt_delta_snapshot_config(s, "delta.columnMapping.mode"), err);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const kt_delta_file *)a)->path, ((const kt_delta_file *)b)->path);
}

static int cmp_tomb(const void *a, const void *b)
{
    return strcmp(((const kt_delta_tombstone *)a)->path, ((const kt_delta_tombstone *)b)->path);
}

static kt_status resolve_partitions(kt_delta_snapshot *s, kt_delta_entry *e, kt_error *err)
{
    if (e->resolved_gen == s->meta_gen) return KT_OK;
    size_t n = s->npartition_columns;
    e->resolved = kt_arena_calloc(&s->arena, n ? n : 1, sizeof(char *));
    if (!e->resolved) return NOMEM(s, err);
    for (size_t c = 0; c < n; c++)
        for (size_t k = 0; k < e->npv; k++)
            if (strcmp(e->pv_keys[k], s->partition_columns[c]) == 0)
                e->resolved[c] = e->pv_values[k] && e->pv_values[k][0] ? e->pv_values[k] : NULL;
    e->resolved_gen = s->meta_gen;
    return KT_OK;
}

/* After a replay: partition values resolved against the final metadata,
 * and room for the sorted views, so building them later cannot fail. */
static kt_status prepare_views(kt_delta_snapshot *s, kt_error *err)
{
    for (size_t i = 0; s->reresolve && i < s->nentries; i++)
        if (s->entries[i].active) KT_TRY(resolve_partitions(s, &s->entries[i], err));
    s->reresolve = false;
    if (s->views_cap < s->nentries || !s->files) {
        size_t cap = s->nentries > 64 ? s->nentries + s->nentries / 2 : 64;
        kt_delta_file *files = realloc(s->files, cap * sizeof *files);
        if (files) s->files = files;
        kt_delta_tombstone *tombs = realloc(s->tombstones, cap * sizeof *tombs);
        if (tombs) s->tombstones = tombs;
        if (!files || !tombs) return NOMEM(s, err);
        s->views_cap = cap;
    }
    return KT_OK;
}

/* Sorted active files and tombstones; rebuilt lazily after an update
 * (appends need none of it, so committing stays O(new actions)). */
static void ensure_views(const kt_delta_snapshot *cs)
{
    kt_delta_snapshot *s = (kt_delta_snapshot *)cs;
    if (!s->views_stale) return;
    s->nfiles = s->ntombstones = 0;
    for (size_t i = 0; i < s->nentries; i++) {
        kt_delta_entry *e = &s->entries[i];
        if (!e->active) {
            s->tombstones[s->ntombstones++] = (kt_delta_tombstone){
                e->path, e->deletion_timestamp, e->size, e->version };
            continue;
        }
        s->files[s->nfiles++] = (kt_delta_file){ e->path, e->log_path, e->resolved, e->size,
                                                 e->modification_time, e->num_records, e->stats,
                                                 e->version };
    }
    qsort(s->files, s->nfiles, sizeof *s->files, cmp_file);
    qsort(s->tombstones, s->ntombstones, sizeof *s->tombstones, cmp_tomb);
    s->views_stale = false;
}

/* Replays from..to, or from on until a version is missing (until_missing). */
static kt_status replay_range(kt_delta_snapshot *s, int64_t from, int64_t to, bool until_missing,
                              kt_error *err)
{
    replay_ctx ctx = { .s = s };
    kt_buf data;
    kt_buf_init(&data);
    kt_buf_init(&ctx.scratch);
    kt_delta_parsed parsed = { 0 };
    kt_status st = KT_OK;
    int64_t v = from;
    if (to - from + 1 >= PARALLEL_MIN_COMMITS && replay_threads(s) > 1) {
        st = replay_parallel(s, from, to, &parsed, &ctx, err);
        v = to + 1;
    }
    for (; st == KT_OK && (until_missing || v <= to); v++) {
        kt_error probe;
        st = replay_one(s, v, &data, &parsed, &ctx, until_missing ? &probe : err);
        if (until_missing && st == KT_ERR_NOT_FOUND) {
            st = KT_OK;
            break;
        }
        if (until_missing && st != KT_OK && err) *err = probe;
    }
    kt_delta_parsed_free(&parsed);
    kt_buf_free(&data);
    kt_buf_free(&ctx.scratch);
    if (st == KT_OK) st = check_complete(s, err);
    if (st == KT_OK) st = prepare_views(s, err);
    return st;
}

static kt_status snapshot_new(const kt_delta_table *t, kt_delta_snapshot **out, kt_error *err)
{
    kt_delta_snapshot *s = calloc(1, sizeof *s);
    if (!s) return kt_fail(err, KT_ERR_NOMEM, "%s: snapshot", t->dir);
    kt_arena_init(&s->arena, 0);
    s->table.opts = t->opts;
    s->table.dir = adup(&s->arena, t->dir);
    s->table.log_dir = adup(&s->arena, t->log_dir);
    s->version = -1;
    s->created_time = -1;
    kt_strmap_init(&s->by_path);
    kt_strmap_init(&s->by_app);
    if (!s->table.dir || !s->table.log_dir) {
        kt_delta_snapshot_free(s);
        return kt_fail(err, KT_ERR_NOMEM, "%s: snapshot", t->dir);
    }
    s->table.name = s->table.dir + (t->name - t->dir);
    *out = s;
    return KT_OK;
}

kt_status kt_delta_snapshot_load(kt_delta_table *t, int64_t version, kt_delta_snapshot **out,
                                 kt_error *err)
{
    *out = NULL;
    kt_delta_listing l;
    KT_TRY(kt_delta_list_log(t, &l, err));
    int64_t latest = (int64_t)l.count - 1;
    kt_delta_listing_free(&l);
    if (latest < 0)
        return kt_fail(err, KT_ERR_NOT_FOUND, "%s: no Delta table here (no commits in %s)",
                       t->dir, t->log_dir);
    if (version > latest)
        return kt_fail(err, KT_ERR_NOT_FOUND, "%s: version %lld does not exist (latest is %lld)",
                       t->dir, (long long)version, (long long)latest);
    kt_delta_snapshot *s = NULL;
    KT_TRY(snapshot_new(t, &s, err));
    /* Latest: read on past the listing, in case commits landed meanwhile. */
    kt_status st = replay_range(s, 0, version < 0 ? latest : version, version < 0, err);
    if (st != KT_OK) {
        kt_delta_snapshot_free(s);
        return st;
    }
    ensure_views(s);
    *out = s;
    return KT_OK;
}

kt_status kt_delta_snapshot_update(kt_delta_snapshot *s, kt_error *err)
{
    return replay_range(s, s->version + 1, -1, true, err);
}

kt_status kt_delta_snapshot_update_to(kt_delta_snapshot *s, int64_t version, kt_error *err)
{
    if (version < s->version)
        return kt_fail(err, KT_ERR_USAGE, "%s: cannot move a snapshot back from version %lld to "
                       "%lld (load that version instead)", s->table.dir, (long long)s->version,
                       (long long)version);
    return replay_range(s, s->version + 1, version, false, err);
}

kt_status kt_delta_snapshot_at_time(kt_delta_table *t, int64_t timestamp_ms,
                                    kt_delta_snapshot **out, kt_error *err)
{
    *out = NULL;
    kt_delta_listing l;
    KT_TRY(kt_delta_list_log(t, &l, err));
    size_t count = l.count;
    kt_delta_listing_free(&l);
    if (count == 0) return kt_fail(err, KT_ERR_NOT_FOUND, "%s: no Delta table here", t->dir);
    int64_t *times = malloc(count * sizeof *times);
    if (!times) return kt_fail(err, KT_ERR_NOMEM, "%s: commit times", t->dir);
    kt_status st = kt_delta_commit_times(t, count, times, err);
    int64_t found = -1;
    for (size_t v = 0; st == KT_OK && v < count && times[v] <= timestamp_ms; v++)
        found = (int64_t)v;
    free(times);
    if (st != KT_OK) return st;
    if (found < 0)
        return kt_fail(err, KT_ERR_NOT_FOUND, "%s: timestamp %lld ms is before the table's "
                       "first commit", t->dir, (long long)timestamp_ms);
    return kt_delta_snapshot_load(t, found, out, err);
}

void kt_delta_snapshot_free(kt_delta_snapshot *s)
{
    if (!s) return;
    json_decref(s->reader_features);
    json_decref(s->writer_features);
    free(s->entries);
    free(s->files);
    free(s->tombstones);
    free(s->apps);
    kt_strmap_free(&s->by_path);
    kt_strmap_free(&s->by_app);
    kt_arena_free(&s->arena);
    free(s);
}

/* ---- accessors -------------------------------------------------------- */

int64_t kt_delta_snapshot_version(const kt_delta_snapshot *s) { return s->version; }
int64_t kt_delta_snapshot_timestamp(const kt_delta_snapshot *s) { return s->timestamp; }
const char *kt_delta_snapshot_table_id(const kt_delta_snapshot *s) { return s->table_id; }
int64_t kt_delta_snapshot_created_time(const kt_delta_snapshot *s) { return s->created_time; }
size_t kt_delta_snapshot_num_fields(const kt_delta_snapshot *s) { return s->schema.nfields; }
size_t kt_delta_snapshot_num_files(const kt_delta_snapshot *s) { ensure_views(s); return s->nfiles; }
size_t kt_delta_snapshot_num_tombstones(const kt_delta_snapshot *s) { ensure_views(s); return s->ntombstones; }

const kt_delta_field *kt_delta_snapshot_field(const kt_delta_snapshot *s, size_t i)
{
    return i < s->schema.nfields ? &s->schema.fields[i] : NULL;
}

int kt_delta_snapshot_find_field(const kt_delta_snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->schema.nfields; i++)
        if (strcmp(s->schema.fields[i].name, name) == 0) return (int)i;
    return -1;
}

size_t kt_delta_snapshot_num_partition_columns(const kt_delta_snapshot *s)
{
    return s->npartition_columns;
}

const char *kt_delta_snapshot_partition_column(const kt_delta_snapshot *s, size_t i)
{
    return i < s->npartition_columns ? s->partition_columns[i] : NULL;
}

const char *kt_delta_snapshot_config(const kt_delta_snapshot *s, const char *key)
{
    for (size_t i = 0; i < s->nconfig; i++)
        if (strcmp(s->config[i].key, key) == 0) return s->config[i].value;
    return NULL;
}

const kt_delta_file *kt_delta_snapshot_file(const kt_delta_snapshot *s, size_t i)
{
    ensure_views(s);
    return i < s->nfiles ? &s->files[i] : NULL;
}

const kt_delta_tombstone *kt_delta_snapshot_tombstone(const kt_delta_snapshot *s, size_t i)
{
    ensure_views(s);
    return i < s->ntombstones ? &s->tombstones[i] : NULL;
}

int64_t kt_delta_snapshot_num_records(const kt_delta_snapshot *s)
{
    int64_t total = 0;
    ensure_views(s);
    for (size_t i = 0; i < s->nfiles; i++) {
        if (s->files[i].num_records < 0) return -1;
        total += s->files[i].num_records;
    }
    return total;
}

bool kt_delta_snapshot_app_version(const kt_delta_snapshot *s, const char *app_id,
                                   int64_t *version)
{
    int64_t i = kt_strmap_find(&s->by_app, app_id, kt_strmap_hash(app_id), app_key, s);
    if (i < 0) return false;
    if (version) *version = s->apps[i].version;
    return true;
}

const kt_delta_entry *kt_delta_snapshot_entry(const kt_delta_snapshot *s, const char *path)
{
    int64_t i = kt_strmap_find(&s->by_path, path, kt_strmap_hash(path), entry_key, s);
    return i >= 0 ? &s->entries[i] : NULL;
}

const char *kt_delta_pv_lookup(json_t *pv, const char *column, bool *found)
{
    json_t *v = json_is_object(pv) ? json_object_get(pv, column) : NULL;
    *found = v != NULL;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && s[0] ? s : NULL;
}
