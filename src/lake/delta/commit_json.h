/*
 * lake/delta/commit_json.h — builders for the JSON actions kinetl writes
 * (protocol, metaData, commitInfo, partitionValues) and the line framing
 * of a commit file. Internal to src/lake/delta.
 */
#ifndef KT_LAKE_DELTA_COMMIT_JSON_H
#define KT_LAKE_DELTA_COMMIT_JSON_H

#include <jansson.h>

#include "lake/delta/internal.h"

/* Appends {"<kind>":<value>}\n; takes the reference to value (even on failure). */
kt_status kt_delta_append_action(kt_buf *out, const char *kind, json_t *value);

json_t *kt_delta_protocol_json(void);
json_t *kt_delta_metadata_json(const char *id, const kt_delta_field *fields, size_t nfields,
                               const char *const *cols, size_t ncols, const kt_config_kv *config,
                               size_t nconfig, int64_t created_time);
/* commitInfo; params and metrics are stolen (may be NULL); read_version < 0 omits it. */
json_t *kt_delta_commit_info_json(int64_t timestamp, const char *operation, json_t *params,
                                  int64_t read_version, bool blind_append, json_t *metrics);
/* {"col": "value" | null, ...}; values[i] NULL or "" -> null. */
json_t *kt_delta_partition_values_json(const char *const *cols, const char *const *values,
                                       size_t ncols);
/* "[\"a\",\"b\"]" as a JSON string value (Spark's operationParameters style). */
json_t *kt_delta_string_list_param(const char *const *items, size_t n);

/* The whole version-0 commit of a new table. */
kt_status kt_delta_create_commit_json(kt_buf *out, const kt_delta_field *fields, size_t nfields,
                                      const char *const *cols, size_t ncols, kt_error *err);

#endif
