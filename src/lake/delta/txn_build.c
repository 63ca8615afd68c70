/*
 * lake/delta/txn_build.c — turns a staged transaction into its commit
 * file: commitInfo first (operation, parameters and metrics as Spark
 * names them), then metaData on a schema change, txn markers, removes
 * (with extendedFileMetadata) and adds (with stats).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lake/delta/commit_json.h"
#include "lake/delta/txn_internal.h"

static json_t *metric(int64_t v)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    return json_string(text);
}

static json_t *replace_predicate(const kt_delta_txn *x)
{
    kt_buf p;
    kt_buf_init(&p);
    const char *col = x->part_cols[x->replace_col];
    bool any_null = false;
    kt_status st = kt_buf_printf(&p, "%s IN (", col);
    size_t listed = 0;
    for (size_t i = 0; st == KT_OK && i < x->nreplace; i++) {
        const char *v = x->replace_values[i];
        if (!v) {
            any_null = true;
            continue;
        }
        st = kt_buf_append_str(&p, listed++ ? ", '" : "'");
        for (const char *c = v; st == KT_OK && *c; c++)   /* SQL quoting: ' -> '' */
            st = *c == '\'' ? kt_buf_append_str(&p, "''") : kt_buf_append_byte(&p, (uint8_t)*c);
        if (st == KT_OK) st = kt_buf_append_byte(&p, '\'');
    }
    if (st == KT_OK) st = kt_buf_append_byte(&p, ')');
    if (st == KT_OK && any_null) st = kt_buf_printf(&p, " OR %s IS NULL", col);
    if (st == KT_OK) st = kt_buf_append_byte(&p, 0);
    const char *items[1] = { (const char *)p.data };
    json_t *j = st == KT_OK ? kt_delta_string_list_param(items, 1) : NULL;
    kt_buf_free(&p);
    return j;
}

static const char *operation_of(const kt_delta_txn *x, json_t **params)
{
    json_t *pby = kt_delta_string_list_param(x->part_cols, x->npart);
    if (x->schema_changed && x->nadds == 0 && x->mode == KT_TXN_APPEND) {
        const char **names = calloc(x->nfields ? x->nfields : 1, sizeof *names);
        size_t n = 0;
        for (size_t i = kt_delta_snapshot_num_fields(x->snap); names && i < x->nfields; i++)
            names[n++] = x->fields[i].name;
        *params = json_pack("{s:o}", "columns", names ? kt_delta_string_list_param(names, n)
                                                     : NULL);
        free(names);
        json_decref(pby);
        return "ADD COLUMNS";
    }
    if (x->mode == KT_TXN_APPEND)
        *params = json_pack("{s:s, s:o}", "mode", "Append", "partitionBy", pby);
    else if (x->mode == KT_TXN_REPLACE_ALL ||
             (x->mode == KT_TXN_REPLACE_FILES && !x->replace_predicate))
        *params = json_pack("{s:s, s:o}", "mode", "Overwrite", "partitionBy", pby);
    else if (x->mode == KT_TXN_REPLACE_FILES)
        *params = json_pack("{s:s, s:o, s:o}", "mode", "Overwrite", "partitionBy", pby,
                            "predicate", kt_delta_string_list_param(&x->replace_predicate, 1));
    else
        *params = json_pack("{s:s, s:o, s:o}", "mode", "Overwrite", "partitionBy", pby,
                            "predicate", replace_predicate(x));
    return "WRITE";
}

static json_t *commit_info(const kt_delta_txn *x, int64_t now)
{
    int64_t rows = 0, bytes = 0, removed_bytes = 0;
    for (size_t i = 0; i < x->nadds; i++) {
        bytes += x->adds[i].size;
        rows += x->adds[i].records > 0 ? x->adds[i].records : 0;
    }
    for (size_t i = 0; i < x->nremoves; i++)
        removed_bytes += x->removes[i].size > 0 ? x->removes[i].size : 0;
    json_t *metrics = json_pack("{s:o, s:o, s:o, s:o, s:o}", "numFiles", metric((int64_t)x->nadds),
                                "numOutputRows", metric(rows), "numOutputBytes", metric(bytes),
                                "numRemovedFiles", metric((int64_t)x->nremoves),
                                "numRemovedBytes", metric(removed_bytes));
    json_t *params = NULL;
    const char *op = operation_of(x, &params);
    bool blind = x->mode == KT_TXN_APPEND && !x->schema_changed && x->nadds > 0;
    if (!params) {
        json_decref(metrics);
        return NULL;
    }
    return kt_delta_commit_info_json(now, op, params, x->read_version, blind, metrics);
}

static json_t *metadata_action(const kt_delta_txn *x)
{
    const kt_delta_snapshot *s = x->snap;
    int64_t created = s->created_time >= 0 ? s->created_time : kt_delta_now_ms();
    return kt_delta_metadata_json(s->table_id, x->fields, x->nfields, x->part_cols, x->npart,
                                  s->config, s->nconfig, created);
}

static json_t *remove_action(const kt_delta_txn *x, const kt_delta_pending_remove *r, int64_t now)
{
    json_t *a = json_pack("{s:s, s:I, s:b, s:b, s:o}", "path", r->log_path, "deletionTimestamp",
                          (json_int_t)now, "dataChange", 1, "extendedFileMetadata", 1,
                          "partitionValues",
                          kt_delta_partition_values_json(x->part_cols, r->pv, x->npart));
    if (a && r->size >= 0 && json_object_set_new(a, "size", json_integer(r->size))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *add_action(const kt_delta_txn *x, const kt_delta_pending_add *add)
{
    kt_buf uri;
    kt_buf_init(&uri);
    json_t *a = NULL;
    if (kt_delta_uri_encode(&uri, add->path) == KT_OK && kt_buf_append_byte(&uri, 0) == KT_OK)
        a = json_pack("{s:s, s:o, s:I, s:I, s:b}", "path", (const char *)uri.data,
                      "partitionValues",
                      kt_delta_partition_values_json(x->part_cols, (const char *const *)add->pv,
                                                     x->npart),
                      "size", (json_int_t)add->size, "modificationTime", (json_int_t)add->mtime,
                      "dataChange", 1);
    kt_buf_free(&uri);
    if (a && add->stats && json_object_set_new(a, "stats", json_string(add->stats))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

kt_status kt_delta_txn_build_commit(kt_delta_txn *x, kt_buf *out, kt_error *err)
{
    int64_t now = kt_delta_now_ms();
    kt_status st = kt_delta_append_action(out, "commitInfo", commit_info(x, now));
    if (st == KT_OK && x->schema_changed)
        st = kt_delta_append_action(out, "metaData", metadata_action(x));
    for (size_t i = 0; st == KT_OK && i < x->napps; i++)
        st = kt_delta_append_action(out, "txn",
                                    json_pack("{s:s, s:I, s:I}", "appId", x->apps[i].app_id,
                                              "version", (json_int_t)x->apps[i].version,
                                              "lastUpdated", (json_int_t)now));
    for (size_t i = 0; st == KT_OK && i < x->nremoves; i++)
        st = kt_delta_append_action(out, "remove", remove_action(x, &x->removes[i], now));
    for (size_t i = 0; st == KT_OK && i < x->nadds; i++)
        st = kt_delta_append_action(out, "add", add_action(x, &x->adds[i]));
    if (st != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: building the commit (a string that is not "
                       "UTF-8, or out of memory)", x->t->dir);
    return KT_OK;
}
