/*
 * lake/delta/internal.h — what the files of the Delta layer share and
 * nothing outside src/lake/delta may include: the table handle, the
 * commit-log primitives, the snapshot's replay state, path escaping and
 * the string map used for replay.
 */
#ifndef KT_LAKE_DELTA_INTERNAL_H
#define KT_LAKE_DELTA_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "lake/delta/delta.h"

#define KT_DELTA_LOG_DIR "_delta_log"
#define KT_DELTA_ENGINE "kinetl/" KT_VERSION
/* Temp names of commits being written; vacuum removes stale ones. */
#define KT_DELTA_TMP_PREFIX ".kinetl-"
#define KT_DELTA_TMP_SUFFIX ".json.tmp"
/* Hard bounds on what a log may make us allocate. */
#define KT_DELTA_MAX_COMMIT_BYTES ((size_t)1 << 30)
#define KT_DELTA_MAX_FIELDS 4096
#define KT_DELTA_PATH_MAX 4096

struct kt_delta_table {
    char *dir;
    char *log_dir;
    const char *name;           /* points into dir */
    kt_delta_options opts;
};

/* ---- string map: NUL-terminated keys -> index (open addressing) ------ */
typedef struct kt_strmap {
    uint32_t *slots;            /* index + 1; 0 = empty */
    uint64_t *hashes;           /* by slot */
    size_t mask;
    size_t count;
} kt_strmap;

void kt_strmap_init(kt_strmap *m);
void kt_strmap_free(kt_strmap *m);
/* key_of(ctx, index) gives the key stored at index. */
typedef const char *(*kt_strmap_key_fn)(const void *ctx, uint32_t index);
/* Index of key or -1. */
int64_t kt_strmap_find(const kt_strmap *m, const char *key, uint64_t hash,
                       kt_strmap_key_fn key_of, const void *ctx);
/* Inserts a key known to be absent. */
kt_status kt_strmap_insert(kt_strmap *m, uint64_t hash, uint32_t index);
uint64_t kt_strmap_hash(const char *key);

/* ---- paths (path.c) -------------------------------------------------- */
/* Hive-style escaping of a partition directory component. */
kt_status kt_delta_hive_escape(kt_buf *out, const char *s);
/* URI-encodes a relative file path for add.path (keeps '/', '=', unreserved). */
kt_status kt_delta_uri_encode(kt_buf *out, const char *path);
/* Decodes %XX; KT_ERR_FORMAT on a bad escape or an embedded NUL. */
kt_status kt_delta_uri_decode(kt_buf *out, const char *uri, kt_error *err);
/* Rejects absolute paths, URIs with a scheme, "." / ".." components. */
bool kt_delta_path_is_safe_relative(const char *path);
/* Random UUID v4 text (36 chars + NUL) from getrandom(2). */
kt_status kt_delta_uuid4(char out[37], kt_error *err);
/* Random 64 bits from getrandom(2). */
uint64_t kt_delta_random64(void);
/* "<20 digits>.json" */
void kt_delta_commit_name(char out[32], int64_t version);
/* mkdir -p. */
kt_status kt_delta_mkdirs(const char *dir, kt_error *err);
/* Milliseconds since the epoch, now. */
int64_t kt_delta_now_ms(void);

/* ---- schema (schema.c) ----------------------------------------------- */
typedef struct kt_delta_schema {
    kt_delta_field *fields;     /* names in the owning arena */
    size_t nfields;
    bool has_invariants;        /* a column carries delta.invariants */
} kt_delta_schema;

/* Delta schemaString JSON of fields. */
json_t *kt_delta_schema_to_json(const kt_delta_field *fields, size_t n);
kt_status kt_delta_schema_parse(const char *schema_string, kt_arena *arena,
                                kt_delta_schema *out, const char *table, kt_error *err);
/* Names are non-empty, unique ignoring case, types valid. */
kt_status kt_delta_schema_validate(const kt_delta_field *fields, size_t n, kt_error *err);

/* ---- commit log (log.c) ---------------------------------------------- */
typedef struct kt_delta_listing {
    int64_t *versions;          /* sorted ascending, contiguous from 0 */
    size_t count;
} kt_delta_listing;

/* Lists the commits; refuses checkpoints; checks contiguity from 0.
 * An absent log gives count 0. */
kt_status kt_delta_list_log(const kt_delta_table *t, kt_delta_listing *out, kt_error *err);
void kt_delta_listing_free(kt_delta_listing *l);

/* Reads commit `version` whole; *mtime_ms gets its modification time.
 * KT_ERR_NOT_FOUND if absent. */
kt_status kt_delta_read_commit(const kt_delta_table *t, int64_t version, kt_buf *out,
                               int64_t *mtime_ms, kt_error *err);

/* Calls fn for every action (the value under the line's single key).
 * Lines starting {"<skip_kind>": are not parsed at all (skip_kind may be
 * NULL): replay skips commitInfo, a quarter of a commit's bytes. */
typedef kt_status (*kt_delta_action_fn)(void *ctx, const char *kind, json_t *action,
                                        kt_error *err);
kt_status kt_delta_parse_commit(const kt_delta_table *t, int64_t version, const uint8_t *data,
                                size_t len, const char *skip_kind, kt_delta_action_fn fn,
                                void *ctx, kt_error *err);

/* A commit split into parsed lines (commitInfo-free when skipped). */
typedef struct kt_delta_parsed_line {
    json_t *obj;
    size_t line_no;
} kt_delta_parsed_line;

typedef struct kt_delta_parsed {
    int64_t version, mtime;
    kt_delta_parsed_line *lines;
    size_t n, cap;
} kt_delta_parsed;

kt_status kt_delta_parse_lines(const kt_delta_table *t, int64_t version, const uint8_t *data,
                               size_t len, const char *skip_kind, kt_delta_parsed *out,
                               kt_error *err);
/* Calls fn per action of each line; errors get "<dir>: commit V line L: ". */
kt_status kt_delta_apply_parsed(const kt_delta_table *t, const kt_delta_parsed *p,
                                kt_delta_action_fn fn, void *ctx, kt_error *err);
void kt_delta_parsed_clear(kt_delta_parsed *p);   /* keeps the line array */
void kt_delta_parsed_free(kt_delta_parsed *p);

/* Reads and parses commits from..to on worker threads, handing them out in
 * order with a bounded number in flight (prefetch.c). */
typedef struct kt_delta_prefetch kt_delta_prefetch;
kt_status kt_delta_prefetch_start(const kt_delta_table *t, int64_t from, int64_t to,
                                  int threads, const char *skip_kind, kt_delta_prefetch **out,
                                  kt_error *err);
/* The next commit in order, moved into *out (cleared first). */
kt_status kt_delta_prefetch_next(kt_delta_prefetch *p, kt_delta_parsed *out, kt_error *err);
/* Stops and joins the workers; frees everything. */
void kt_delta_prefetch_stop(kt_delta_prefetch *p);

/* A commit in three steps, so a writer that loses a race retries with the
 * same fsynced temp file instead of writing and syncing it again:
 * stage (write + fsync the temp file, its path into tmp), link to a
 * version (*lost and KT_OK when the version exists), unstage (remove the
 * temp name; after a successful link, fsync the log directory). */
kt_status kt_delta_stage_commit(const kt_delta_table *t, const kt_buf *data, char *tmp, size_t cap,
                                kt_error *err);
kt_status kt_delta_link_commit(const kt_delta_table *t, const char *tmp, int64_t version, bool *lost,
                               kt_error *err);
void kt_delta_unstage_commit(const kt_delta_table *t, const char *tmp, bool committed);

/* Writes data to a temp file and links it to commit `version`. *lost is set
 * (and KT_OK returned) when the version already exists. */
kt_status kt_delta_put_commit(const kt_delta_table *t, int64_t version, const kt_buf *data,
                              bool *lost, kt_error *err);

/* Commit times made strictly increasing: ts = max(mtime, previous + 1). */
static inline int64_t kt_delta_commit_time(int64_t mtime_ms, int64_t previous, int64_t version)
{
    return (version > 0 && mtime_ms <= previous) ? previous + 1 : mtime_ms;
}

/* times[v] = commit time of versions 0..count-1 (stat of each commit). */
kt_status kt_delta_commit_times(const kt_delta_table *t, size_t count, int64_t *times,
                                kt_error *err);

/* JSON helpers: typed field access that tolerates absence. */
const char *kt_json_str(json_t *obj, const char *key);
bool kt_json_int(json_t *obj, const char *key, int64_t *out);

/* ---- protocol (protocol.c) ------------------------------------------- */
/* Reader requirements: version 1, or 2 without column mapping, or 3 with
 * no reader features. config may be NULL. */
kt_status kt_delta_check_readable(const kt_delta_table *t, int min_reader,
                                  json_t *reader_features, const char *column_mapping_mode,
                                  kt_error *err);
kt_status kt_delta_check_writable(const kt_delta_table *t, int min_writer, bool has_invariants,
                                  kt_error *err);

/* ---- snapshot internals (snapshot.c) --------------------------------- */
typedef struct kt_delta_entry {
    const char *path;           /* decoded: the logical file key */
    const char *log_path;
    uint64_t hash;
    bool active;                /* add (true) or tombstone (false) */
    int64_t size, modification_time, version, deletion_timestamp;
    const char *stats;
    int64_t num_records;
    size_t npv;
    const char **pv_keys, **pv_values;
    const char **resolved;      /* by partition column, for meta_gen */
    uint32_t resolved_gen;
} kt_delta_entry;

typedef struct kt_delta_app {
    const char *app_id;
    int64_t version;
} kt_delta_app;

typedef struct kt_config_kv {
    const char *key, *value;
} kt_config_kv;

struct kt_delta_snapshot {
    kt_delta_table table;       /* private copy: dir strings in the arena */
    kt_arena arena;
    int64_t version;
    int64_t timestamp;
    /* protocol */
    bool has_protocol;
    int min_reader, min_writer;
    json_t *reader_features, *writer_features;
    /* metadata */
    bool has_metadata;
    uint32_t meta_gen;
    const char *table_id;
    int64_t created_time;
    kt_delta_schema schema;
    const char **partition_columns;
    size_t npartition_columns;
    kt_config_kv *config;
    size_t nconfig;
    /* files */
    kt_delta_entry *entries;
    size_t nentries, entries_cap;
    kt_strmap by_path;
    kt_delta_file *files;       /* active, sorted; rebuilt when stale */
    size_t nfiles;
    kt_delta_tombstone *tombstones;
    size_t ntombstones;
    size_t views_cap;           /* room in files and tombstones */
    bool views_stale;           /* files/tombstones need rebuilding */
    bool reresolve;             /* metadata changed: resolve every entry's partitions */
    /* txn */
    kt_delta_app *apps;
    size_t napps, apps_cap;
    kt_strmap by_app;
};

/* The entry of a decoded path, or NULL. */
const kt_delta_entry *kt_delta_snapshot_entry(const kt_delta_snapshot *s, const char *path);
/* Value of a partition column in a partitionValues JSON object:
 * *found false when the key is absent; NULL value for null/"". */
const char *kt_delta_pv_lookup(json_t *pv, const char *column, bool *found);

#endif
