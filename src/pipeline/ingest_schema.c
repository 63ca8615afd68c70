/*
 * pipeline/ingest_schema.c — role resolution by column name and the type
 * rules of each role.
 */
#include "pipeline/ingest_schema.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const ROLE_NAMES[KT_ROLES] = { "time", "value", "field", "robot_id", "run_uuid", "sensor_type" };

const char *kt_ingest_role_name(kt_ingest_role role)
{
    return (unsigned)role < KT_ROLES ? ROLE_NAMES[role] : "?";
}

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Role of a column name, or -1. */
static int role_of(const char *name)
{
    if (!name) return -1;
    size_t n = strlen(name);
    while (n > 0 && is_blank(name[n - 1])) n--;
    while (n > 0 && is_blank(*name)) name++, n--;
    for (int r = 0; r < KT_ROLES; r++)
        if (strlen(ROLE_NAMES[r]) == n && strncasecmp(ROLE_NAMES[r], name, n) == 0) return r;
    return -1;
}

static bool is_integer(const kt_pq_column_info *c)
{
    return (c->value_type == KT_INT32 || c->value_type == KT_INT64) && !c->is_timestamp;
}

static bool is_floating(const kt_pq_column_info *c)
{
    return c->value_type == KT_DOUBLE || c->value_type == KT_FLOAT;
}

static bool is_text(const kt_pq_column_info *c)
{
    return c->value_type == KT_BYTES && c->physical == KT_PQ_BYTE_ARRAY;
}

static bool type_fits(kt_ingest_role role, const kt_pq_column_info *c)
{
    switch (role) {
    case KT_ROLE_TIME: return is_text(c) || (c->value_type == KT_INT64 && c->is_timestamp);
    case KT_ROLE_VALUE:
    case KT_ROLE_ROBOT: return is_integer(c) || is_floating(c);
    case KT_ROLE_RUN: return is_integer(c) || is_floating(c) || is_text(c);
    case KT_ROLE_FIELD:
    case KT_ROLE_SENSOR: return is_text(c);
    default: return false;
    }
}

static const char *wanted(kt_ingest_role role)
{
    switch (role) {
    case KT_ROLE_TIME: return "an ISO-8601 string or a TIMESTAMP";
    case KT_ROLE_VALUE: return "a number (DOUBLE, FLOAT, integer or DECIMAL)";
    case KT_ROLE_ROBOT: return "an integer (or an integral DOUBLE)";
    case KT_ROLE_RUN: return "a number or a string";
    default: return "a string";
    }
}

static void describe(const kt_pq_column_info *c, char *out, size_t cap)
{
    const char *extra = c->is_timestamp ? " (TIMESTAMP)"
                        : c->logical.kind == KT_PQ_LT_DECIMAL ? " (DECIMAL)"
                        : c->logical.kind == KT_PQ_LT_DATE ? " (DATE)"
                        : c->logical.kind == KT_PQ_LT_TIME ? " (TIME)" : "";
    snprintf(out, cap, "%s%s", kt_pq_physical_name(c->physical), extra);
}

/* Appends a name to the list, always keeping room for ", ..." so a long list
 * ends visibly truncated. */
static void add_extra(kt_ingest_schema *out, const char *name)
{
    size_t used = strlen(out->extra), cap = sizeof out->extra;
    out->nextra++;
    if (used >= 3 && strcmp(out->extra + used - 3, "...") == 0) return;
    const char *sep = used ? ", " : "";
    if (!name) name = "?";
    if (used + strlen(sep) + strlen(name) + 5 < cap)
        snprintf(out->extra + used, cap - used, "%s%s", sep, name);
    else
        snprintf(out->extra + used, cap - used, "%s...", sep);
}

kt_status kt_ingest_schema_resolve(const kt_pq_column_info *columns, int ncolumns, const char *file,
                                   kt_ingest_schema *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    int found[KT_ROLES];
    for (int r = 0; r < KT_ROLES; r++) found[r] = -1;
    for (int i = 0; i < ncolumns; i++) {
        const kt_pq_column_info *c = &columns[i];
        int r = role_of(c->name);
        if (r < 0) {
            add_extra(out, c->name);
            continue;
        }
        if (found[r] >= 0)
            return kt_fail(err, KT_ERR_FORMAT, "%s: columns \"%s\" and \"%s\" both name %s", file,
                           columns[found[r]].name, c->name, ROLE_NAMES[r]);
        char type[64];
        describe(c, type, sizeof type);
        if (!type_fits((kt_ingest_role)r, c))
            return kt_fail(err, KT_ERR_FORMAT, "%s: column \"%s\" is %s; %s needs %s", file, c->name, type,
                           ROLE_NAMES[r], wanted((kt_ingest_role)r));
        found[r] = i;
        out->role[r] = (kt_ingest_source_column){
            .column = c->index,
            .type = c->value_type,
            .is_unsigned = !c->is_signed && c->value_type == KT_INT64,
            .is_timestamp = c->is_timestamp,
            .unit = c->unit,
        };
    }
    char missing[128] = "";
    for (int r = 0; r < KT_ROLES; r++)
        if (found[r] < 0) {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", ROLE_NAMES[r]);
        }
    if (missing[0])
        return kt_fail(err, KT_ERR_FORMAT, "%s: no column named %s (required: time, value, field, robot_id, "
                       "run_uuid, sensor_type)", file, missing);
    return KT_OK;
}
