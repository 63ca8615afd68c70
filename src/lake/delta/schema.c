/*
 * lake/delta/schema.c — the table schema as Delta writes it in
 * metaData.schemaString (Spark's JSON struct type), limited to the flat
 * primitive types kinetl stores. Any other type is refused by name rather
 * than guessed at.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lake/delta/internal.h"
#include "lake/delta/write_type.h"

static const char *const type_names[] = {
    [KT_DELTA_STRING] = "string",   [KT_DELTA_LONG] = "long",
    [KT_DELTA_INTEGER] = "integer", [KT_DELTA_DOUBLE] = "double",
    [KT_DELTA_BOOLEAN] = "boolean", [KT_DELTA_TIMESTAMP] = "timestamp",
};
#define NTYPES (sizeof type_names / sizeof type_names[0])

const char *kt_delta_type_name(kt_delta_type type)
{
    return (unsigned)type < NTYPES ? type_names[type] : NULL;
}

kt_type kt_delta_type_column(kt_delta_type type)
{
    switch (type) {
    case KT_DELTA_STRING: return KT_BYTES;
    case KT_DELTA_INTEGER: return KT_INT32;
    case KT_DELTA_DOUBLE: return KT_DOUBLE;
    case KT_DELTA_BOOLEAN: return KT_BOOL;
    case KT_DELTA_LONG:
    case KT_DELTA_TIMESTAMP:
    default: return KT_INT64;
    }
}

kt_pq_wtype kt_delta_type_writer(kt_delta_type type)
{
    switch (type) {
    case KT_DELTA_STRING: return KT_PQ_W_STRING;
    case KT_DELTA_INTEGER: return KT_PQ_W_INT32;
    case KT_DELTA_DOUBLE: return KT_PQ_W_DOUBLE;
    case KT_DELTA_BOOLEAN: return KT_PQ_W_BOOL;
    case KT_DELTA_TIMESTAMP: return KT_PQ_W_TIMESTAMP_US;
    case KT_DELTA_LONG:
    default: return KT_PQ_W_INT64;
    }
}

json_t *kt_delta_schema_to_json(const kt_delta_field *fields, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        json_t *f = json_pack("{s:s, s:s, s:b, s:{}}", "name", fields[i].name, "type",
                              kt_delta_type_name(fields[i].type), "nullable", fields[i].nullable,
                              "metadata");
        if (!f || json_array_append_new(list, f)) {
            json_decref(list);
            return NULL;
        }
    }
    json_t *schema = list ? json_pack("{s:s, s:o}", "type", "struct", "fields", list) : NULL;
    return schema;
}

kt_status kt_delta_schema_validate(const kt_delta_field *fields, size_t n, kt_error *err)
{
    if (n == 0) return kt_fail(err, KT_ERR_USAGE, "a table needs at least one column");
    if (n > KT_DELTA_MAX_FIELDS)
        return kt_fail(err, KT_ERR_USAGE, "%zu columns is over the limit of %d", n,
                       KT_DELTA_MAX_FIELDS);
    for (size_t i = 0; i < n; i++) {
        if (!fields[i].name || !fields[i].name[0])
            return kt_fail(err, KT_ERR_USAGE, "column %zu has no name", i);
        if (!kt_delta_type_name(fields[i].type))
            return kt_fail(err, KT_ERR_USAGE, "column '%s' has an invalid type %d",
                           fields[i].name, (int)fields[i].type);
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(fields[i].name, fields[j].name) == 0)
                return kt_fail(err, KT_ERR_USAGE, "column names '%s' and '%s' collide",
                               fields[j].name, fields[i].name);
    }
    return KT_OK;
}

static kt_status parse_field(json_t *f, size_t i, kt_arena *arena, kt_delta_field *out,
                             bool *invariants, const char *table, kt_error *err)
{
    const char *name = kt_json_str(f, "name");
    json_t *type = json_object_get(f, "type");
    if (!name || !type)
        return kt_fail(err, KT_ERR_FORMAT, "%s: schema field %zu lacks a name or type", table, i);
    if (!json_is_string(type))
        return kt_fail(err, KT_ERR_UNSUPPORTED,
                       "%s: column '%s' has a nested type; kinetl reads flat tables only",
                       table, name);
    const char *tn = json_string_value(type);
    size_t t = 0;
    while (t < NTYPES && strcmp(type_names[t], tn) != 0) t++;
    if (t == NTYPES)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: column '%s' has type '%s', which kinetl "
                       "does not read", table, name, tn);
    json_t *nullable = json_object_get(f, "nullable");
    out->name = kt_arena_strndup(arena, name, strlen(name));
    if (!out->name) return kt_fail(err, KT_ERR_NOMEM, "%s: schema", table);
    out->type = (kt_delta_type)t;
    out->nullable = !json_is_false(nullable);
    json_t *meta = json_object_get(f, "metadata");
    if (json_is_object(meta) && json_object_get(meta, "delta.invariants")) *invariants = true;
    return KT_OK;
}

kt_status kt_delta_schema_parse(const char *schema_string, kt_arena *arena,
                                kt_delta_schema *out, const char *table, kt_error *err)
{
    json_error_t jerr;
    json_t *root = json_loads(schema_string, 0, &jerr);
    if (!root)
        return kt_fail(err, KT_ERR_FORMAT, "%s: schemaString is not JSON: %s", table, jerr.text);
    kt_status st = KT_OK;
    json_t *fields = json_object_get(root, "fields");
    const char *type = kt_json_str(root, "type");
    if (!type || strcmp(type, "struct") != 0 || !json_is_array(fields)) {
        st = kt_fail(err, KT_ERR_FORMAT, "%s: schemaString is not a struct type", table);
        goto done;
    }
    size_t n = json_array_size(fields);
    if (n > KT_DELTA_MAX_FIELDS) {
        st = kt_fail(err, KT_ERR_UNSUPPORTED, "%s: %zu columns is over the limit of %d", table,
                     n, KT_DELTA_MAX_FIELDS);
        goto done;
    }
    memset(out, 0, sizeof *out);
    out->fields = kt_arena_calloc(arena, n ? n : 1, sizeof *out->fields);
    if (!out->fields) {
        st = kt_fail(err, KT_ERR_NOMEM, "%s: schema", table);
        goto done;
    }
    for (size_t i = 0; i < n && st == KT_OK; i++)
        st = parse_field(json_array_get(fields, i), i, arena, &out->fields[i],
                         &out->has_invariants, table, err);
    out->nfields = n;
    if (st == KT_OK && n) {
        st = kt_delta_schema_validate(out->fields, n, err);
        if (st != KT_OK) {
            kt_error_prefix(err, "%s: schemaString", table);
            st = KT_ERR_FORMAT;
            if (err) err->status = st;
        }
    }
done:
    json_decref(root);
    return st;
}
