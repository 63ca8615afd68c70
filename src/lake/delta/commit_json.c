/*
 * lake/delta/commit_json.c — the JSON kinetl writes into commits. Field
 * names and shapes follow PROTOCOL.md; operationParameters values are
 * strings, as Spark writes them, so every Delta reader shows them alike.
 */
#include <stdlib.h>
#include <string.h>

#include "lake/delta/commit_json.h"

kt_status kt_delta_append_action(kt_buf *out, const char *kind, json_t *value)
{
    if (!value) return KT_ERR_NOMEM;
    json_t *line = json_object();
    if (!line || json_object_set_new(line, kind, value)) {
        json_decref(line);
        return KT_ERR_NOMEM;
    }
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text) return KT_ERR_NOMEM;
    kt_status st = kt_buf_append_str(out, text);
    free(text);
    if (st == KT_OK) st = kt_buf_append_byte(out, '\n');
    return st;
}

json_t *kt_delta_protocol_json(void)
{
    return json_pack("{s:i, s:i}", "minReaderVersion", 1, "minWriterVersion", 2);
}

json_t *kt_delta_metadata_json(const char *id, const kt_delta_field *fields, size_t nfields,
                               const char *const *cols, size_t ncols, const kt_config_kv *config,
                               size_t nconfig, int64_t created_time)
{
    json_t *schema = kt_delta_schema_to_json(fields, nfields);
    char *schema_text = schema ? json_dumps(schema, JSON_COMPACT) : NULL;
    json_decref(schema);
    json_t *pcols = json_array(), *conf = json_object();
    for (size_t i = 0; pcols && i < ncols; i++)
        if (json_array_append_new(pcols, json_string(cols[i]))) json_decref(pcols), pcols = NULL;
    for (size_t i = 0; conf && i < nconfig; i++)
        if (json_object_set_new(conf, config[i].key, json_string(config[i].value)))
            json_decref(conf), conf = NULL;
    json_t *m = NULL;
    if (schema_text && pcols && conf)
        m = json_pack("{s:s, s:{s:s, s:{}}, s:s, s:O, s:O, s:I}", "id", id, "format", "provider",
                      "parquet", "options", "schemaString", schema_text, "partitionColumns",
                      pcols, "configuration", conf, "createdTime", (json_int_t)created_time);
    free(schema_text);
    json_decref(pcols);
    json_decref(conf);
    return m;
}

json_t *kt_delta_commit_info_json(int64_t timestamp, const char *operation, json_t *params,
                                  int64_t read_version, bool blind_append, json_t *metrics)
{
    json_t *ci = json_pack("{s:I, s:s, s:o}", "timestamp", (json_int_t)timestamp, "operation",
                           operation, "operationParameters", params ? params : json_object());
    if (!ci) {
        json_decref(metrics);
        return NULL;
    }
    int bad = 0;
    if (read_version >= 0) bad |= json_object_set_new(ci, "readVersion", json_integer(read_version));
    bad |= json_object_set_new(ci, "isolationLevel", json_string("WriteSerializable"));
    bad |= json_object_set_new(ci, "isBlindAppend", json_boolean(blind_append));
    if (metrics) bad |= json_object_set_new(ci, "operationMetrics", metrics);
    bad |= json_object_set_new(ci, "engineInfo", json_string(KT_DELTA_ENGINE));
    char uuid[37];
    if (kt_delta_uuid4(uuid, NULL) == KT_OK) bad |= json_object_set_new(ci, "txnId", json_string(uuid));
    if (bad) {
        json_decref(ci);
        return NULL;
    }
    return ci;
}

json_t *kt_delta_partition_values_json(const char *const *cols, const char *const *values,
                                       size_t ncols)
{
    json_t *pv = json_object();
    for (size_t i = 0; pv && i < ncols; i++) {
        const char *v = values ? values[i] : NULL;
        json_t *jv = v && v[0] ? json_string(v) : json_null();
        if (!jv || json_object_set_new(pv, cols[i], jv)) {
            json_decref(pv);
            pv = NULL;
        }
    }
    return pv;
}

json_t *kt_delta_string_list_param(const char *const *items, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        if (json_array_append_new(list, json_string(items[i]))) json_decref(list), list = NULL;
    char *text = list ? json_dumps(list, JSON_COMPACT) : NULL;
    json_decref(list);
    json_t *s = text ? json_string(text) : NULL;
    free(text);
    return s;
}

kt_status kt_delta_create_commit_json(kt_buf *out, const kt_delta_field *fields, size_t nfields,
                                      const char *const *cols, size_t ncols, kt_error *err)
{
    char id[37];
    KT_TRY(kt_delta_uuid4(id, err));
    int64_t now = kt_delta_now_ms();
    json_t *params = json_pack("{s:s, s:o, s:s}", "isManaged", "false", "partitionBy",
                               kt_delta_string_list_param(cols, ncols), "properties", "{}");
    kt_status st = kt_delta_append_action(
        out, "commitInfo", kt_delta_commit_info_json(now, "CREATE TABLE", params, -1, true, NULL));
    if (st == KT_OK) st = kt_delta_append_action(out, "protocol", kt_delta_protocol_json());
    if (st == KT_OK)
        st = kt_delta_append_action(out, "metaData",
                                    kt_delta_metadata_json(id, fields, nfields, cols, ncols, NULL,
                                                           0, now));
    if (st != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "building the create commit");
    return KT_OK;
}
