/*
 * lake/delta/protocol.c — which tables kinetl may read and write. kinetl
 * implements Delta reader version 1 and writer version 2 (append-only
 * tables, column invariants). A table that needs more is refused with the
 * feature named, because misreading it (deletion vectors, column mapping)
 * would silently return wrong rows.
 */
#include <stdio.h>
#include <string.h>

#include "lake/delta/internal.h"

static void join_features(json_t *features, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f) {
        const char *name = json_is_string(f) ? json_string_value(f) : "?";
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", name);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
    }
}

kt_status kt_delta_check_readable(const kt_delta_table *t, int min_reader,
                                  json_t *reader_features, const char *column_mapping_mode,
                                  kt_error *err)
{
    bool mapping = column_mapping_mode && strcmp(column_mapping_mode, "none") != 0;
    if (min_reader < 1 || min_reader > 3)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: needs Delta reader version %d; kinetl "
                       "reads version 1", t->dir, min_reader);
    if (min_reader == 2 && mapping)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: uses column mapping (mode '%s'), which "
                       "kinetl does not read", t->dir, column_mapping_mode);
    if (min_reader == 3 && json_array_size(reader_features) > 0) {
        char names[256];
        join_features(reader_features, names, sizeof names);
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: needs reader features kinetl does not "
                       "implement: %s", t->dir, names);
    }
    if (min_reader == 3 && mapping)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: uses column mapping (mode '%s'), which "
                       "kinetl does not read", t->dir, column_mapping_mode);
    return KT_OK;
}

kt_status kt_delta_check_writable(const kt_delta_table *t, int min_writer, bool has_invariants,
                                  kt_error *err)
{
    if (min_writer < 1 || min_writer > 2)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: needs Delta writer version %d; kinetl "
                       "writes version 2", t->dir, min_writer);
    if (has_invariants)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: has column invariants (SQL expressions), "
                       "which kinetl cannot enforce; refusing to write", t->dir);
    return KT_OK;
}
