/*
 * lake/delta/conflict.c — logical conflict detection after a lost commit
 * race (WriteSerializable, as Delta defines it). A winner's commit
 * conflicts with ours when it changed protocol or metadata, recorded a
 * txn for one of our appIds, or — if we overwrite — added or removed a
 * file in what we overwrite (a partition we replace, or anything when we
 * replace the whole table), or removed a file we replace by name.
 * Appends never conflict with appends.
 */
#include <stdio.h>
#include <string.h>

#include "lake/delta/txn_internal.h"

typedef struct winner_ctx {
    kt_delta_txn *x;
    kt_buf scratch;
    char reason[512];
} winner_ctx;

/* The winner's file action's value of our replace column; *known false if
 * neither the action nor our snapshot says. */
static const char *winner_partition(winner_ctx *c, json_t *a, const char *kind, bool *known)
{
    kt_delta_txn *x = c->x;
    const char *col = x->part_cols[x->replace_col];
    const char *v = kt_delta_pv_lookup(json_object_get(a, "partitionValues"), col, known);
    if (*known || strcmp(kind, "remove") != 0) return v;
    /* A remove without extendedFileMetadata: find the file in our snapshot. */
    const char *uri = kt_json_str(a, "path");
    kt_buf_clear(&c->scratch);
    if (!uri || kt_delta_uri_decode(&c->scratch, uri, NULL) != KT_OK ||
        kt_buf_append_byte(&c->scratch, 0) != KT_OK)
        return NULL;
    const kt_delta_entry *e = kt_delta_snapshot_entry(x->snap, (const char *)c->scratch.data);
    for (size_t k = 0; e && k < e->npv; k++)
        if (strcmp(e->pv_keys[k], col) == 0) {
            *known = true;
            return e->pv_values[k] && e->pv_values[k][0] ? e->pv_values[k] : NULL;
        }
    return NULL;
}

static kt_status file_action(winner_ctx *c, const char *kind, json_t *a)
{
    kt_delta_txn *x = c->x;
    const char *path = kt_json_str(a, "path");
    if (x->mode == KT_TXN_REPLACE_ALL) {
        snprintf(c->reason, sizeof c->reason, "it %s file '%s' while this transaction "
                 "overwrites the whole table", strcmp(kind, "add") ? "removed" : "added",
                 path ? path : "?");
        return KT_ERR_CONFLICT;
    }
    bool known = false;
    const char *v = winner_partition(c, a, kind, &known);
    if (known && !kt_delta_txn_value_replaced(x, v)) return KT_OK;
    snprintf(c->reason, sizeof c->reason, "it %s file '%s' in partition %s=%s, which this "
             "transaction overwrites", strcmp(kind, "add") ? "removed" : "added",
             path ? path : "?", x->part_cols[x->replace_col],
             known ? (v ? v : "null") : "(unknown)");
    return KT_ERR_CONFLICT;
}

/* KT_TXN_REPLACE_FILES: a winner that removed a file we remove took those
 * rows away first (concurrent delete-delete); its adds are not our rows. */
static kt_status removed_ours(winner_ctx *c, json_t *a)
{
    const char *uri = kt_json_str(a, "path");
    kt_buf_clear(&c->scratch);
    if (!uri || kt_delta_uri_decode(&c->scratch, uri, NULL) != KT_OK ||
        kt_buf_append_byte(&c->scratch, 0) != KT_OK) {
        snprintf(c->reason, sizeof c->reason, "it removed a file with an unreadable path");
        return KT_ERR_CONFLICT;
    }
    if (!kt_delta_txn_removes_path(c->x, (const char *)c->scratch.data)) return KT_OK;
    snprintf(c->reason, sizeof c->reason, "it removed file '%s', which this transaction "
             "replaces", uri);
    return KT_ERR_CONFLICT;
}

static kt_status check_action(void *vctx, const char *kind, json_t *a, kt_error *err)
{
    (void)err;
    winner_ctx *c = vctx;
    kt_delta_txn *x = c->x;
    if (!json_is_object(a)) return KT_OK;
    if (strcmp(kind, "metaData") == 0 || strcmp(kind, "protocol") == 0) {
        snprintf(c->reason, sizeof c->reason, "it changed the table's %s", kind);
        return KT_ERR_CONFLICT;
    }
    if (strcmp(kind, "txn") == 0) {
        const char *app = kt_json_str(a, "appId");
        for (size_t i = 0; app && i < x->napps; i++)
            if (strcmp(app, x->apps[i].app_id) == 0) {
                snprintf(c->reason, sizeof c->reason, "it recorded txn appId '%s' too", app);
                return KT_ERR_CONFLICT;
            }
        return KT_OK;
    }
    if (strcmp(kind, "remove") == 0 && x->mode == KT_TXN_REPLACE_FILES)
        return removed_ours(c, a);
    if ((strcmp(kind, "add") == 0 || strcmp(kind, "remove") == 0) && x->mode != KT_TXN_APPEND &&
        x->mode != KT_TXN_REPLACE_FILES)
        return file_action(c, kind, a);
    return KT_OK;
}

kt_status kt_delta_txn_check_winner(kt_delta_txn *x, int64_t version, kt_error *err)
{
    kt_buf data;
    kt_buf_init(&data);
    winner_ctx c = { .x = x };
    kt_buf_init(&c.scratch);
    /* check_action reports conflicts through c.reason, other errors through err */
    kt_status st = kt_delta_read_commit(x->t, version, &data, NULL, err);
    if (st == KT_OK)
        st = kt_delta_parse_commit(x->t, version, data.data, data.len, NULL, check_action, &c, err);
    if (st == KT_ERR_CONFLICT)
        kt_fail(err, KT_ERR_CONFLICT, "%s: concurrent commit %lld conflicts with this "
                "transaction (read at version %lld): %s", x->t->dir, (long long)version,
                (long long)x->read_version, c.reason);
    kt_buf_free(&data);
    kt_buf_free(&c.scratch);
    return st;
}
