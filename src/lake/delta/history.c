/*
 * lake/delta/history.c — `DESCRIBE HISTORY` for a table: one record per
 * commit, newest first, from its commitInfo (operation, parameters,
 * readVersion, isBlindAppend, engineInfo) and a count of its file actions.
 */
#include <stdlib.h>
#include <string.h>

#include "lake/delta/internal.h"

struct kt_delta_history {
    kt_arena arena;
    kt_delta_commit *commits;
    size_t count;
};

typedef struct history_ctx {
    kt_delta_history *h;
    kt_delta_commit *c;
} history_ctx;

static const char *dump(kt_arena *a, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    const char *copy = text ? kt_arena_strndup(a, text, strlen(text)) : NULL;
    free(text);
    return copy;
}

static const char *copy_str(kt_arena *a, const char *s)
{
    return s ? kt_arena_strndup(a, s, strlen(s)) : NULL;
}

static void read_commit_info(history_ctx *x, json_t *a)
{
    kt_delta_commit *c = x->c;
    kt_arena *ar = &x->h->arena;
    int64_t v;
    if (kt_json_int(a, "timestamp", &v)) c->timestamp = v;
    if (kt_json_int(a, "readVersion", &v)) c->read_version = v;
    json_t *blind = json_object_get(a, "isBlindAppend");
    if (json_is_boolean(blind)) c->is_blind_append = json_is_true(blind);
    c->operation = copy_str(ar, kt_json_str(a, "operation"));
    c->engine_info = copy_str(ar, kt_json_str(a, "engineInfo"));
    json_t *params = json_object_get(a, "operationParameters");
    if (json_is_object(params)) c->operation_parameters = dump(ar, params);
    c->commit_info = dump(ar, a);
}

static kt_status count_action(void *vctx, const char *kind, json_t *a, kt_error *err)
{
    (void)err;
    history_ctx *x = vctx;
    kt_delta_commit *c = x->c;
    if (!json_is_object(a)) return KT_OK;
    if (strcmp(kind, "commitInfo") == 0) {
        read_commit_info(x, a);
    } else if (strcmp(kind, "add") == 0) {
        int64_t size = 0;
        c->num_add++;
        if (kt_json_int(a, "size", &size)) c->add_bytes += size;
        const char *stats = kt_json_str(a, "stats");
        json_t *js = stats ? json_loads(stats, 0, NULL) : NULL;
        int64_t n;
        if (c->add_records >= 0 && js && kt_json_int(js, "numRecords", &n))
            c->add_records += n;
        else
            c->add_records = -1;
        json_decref(js);
    } else if (strcmp(kind, "remove") == 0) {
        c->num_remove++;
    } else if (strcmp(kind, "metaData") == 0) {
        c->has_metadata = true;
    } else if (strcmp(kind, "protocol") == 0) {
        c->has_protocol = true;
    } else if (strcmp(kind, "txn") == 0) {
        c->has_txn = true;
    }
    return KT_OK;
}

static kt_status load_commits(kt_delta_table *t, kt_delta_history *h, const int64_t *times,
                              size_t count, size_t limit, kt_error *err)
{
    size_t n = limit && limit < count ? limit : count;
    h->commits = kt_arena_calloc(&h->arena, n ? n : 1, sizeof *h->commits);
    if (!h->commits) return kt_fail(err, KT_ERR_NOMEM, "%s: history", t->dir);
    kt_buf data;
    kt_buf_init(&data);
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < n; i++) {
        int64_t v = (int64_t)(count - 1 - i);
        kt_delta_commit *c = &h->commits[i];
        *c = (kt_delta_commit){ .version = v, .timestamp = times[v], .file_time = times[v],
                                .read_version = -1, .is_blind_append = -1 };
        history_ctx x = { h, c };
        st = kt_delta_read_commit(t, v, &data, NULL, err);
        if (st == KT_OK)
            st = kt_delta_parse_commit(t, v, data.data, data.len, NULL, count_action, &x, err);
        if (st == KT_OK) h->count++;
    }
    kt_buf_free(&data);
    return st;
}

kt_status kt_delta_history_load(kt_delta_table *t, size_t limit, kt_delta_history **out,
                                kt_error *err)
{
    *out = NULL;
    kt_delta_listing l;
    KT_TRY(kt_delta_list_log(t, &l, err));
    size_t count = l.count;
    kt_delta_listing_free(&l);
    if (count == 0) return kt_fail(err, KT_ERR_NOT_FOUND, "%s: no Delta table here", t->dir);
    kt_delta_history *h = calloc(1, sizeof *h);
    int64_t *times = malloc(count * sizeof *times);
    if (!h || !times) {
        free(h);
        free(times);
        return kt_fail(err, KT_ERR_NOMEM, "%s: history", t->dir);
    }
    kt_arena_init(&h->arena, 0);
    kt_status st = kt_delta_commit_times(t, count, times, err);
    if (st == KT_OK) st = load_commits(t, h, times, count, limit, err);
    free(times);
    if (st != KT_OK) {
        kt_delta_history_free(h);
        return st;
    }
    *out = h;
    return KT_OK;
}

size_t kt_delta_history_count(const kt_delta_history *h) { return h->count; }

const kt_delta_commit *kt_delta_history_at(const kt_delta_history *h, size_t i)
{
    return i < h->count ? &h->commits[i] : NULL;
}

void kt_delta_history_free(kt_delta_history *h)
{
    if (!h) return;
    kt_arena_free(&h->arena);
    free(h);
}
