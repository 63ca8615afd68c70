/*
 * cli/lake_read.c — table lookup, snapshot choice and scan-to-sink
 * streaming for the reading commands (see lake_read.h).
 */
#include "cli/lake_read.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_time.h"
#include "core/buf.h"

kt_status kt_lake_open_table(const char *lake, const char *name, kt_delta_table **out, kt_error *err)
{
    *out = NULL;
    char **names = NULL;
    size_t n = 0;
    KT_TRY(kt_delta_list_tables(lake, &names, &n, err));
    bool found = false;
    kt_buf list;
    kt_buf_init(&list);
    for (size_t i = 0; i < n; i++) {
        found |= !strcmp(names[i], name);
        kt_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    }
    kt_status st = KT_OK;
    if (!found)
        st = kt_fail(err, KT_ERR_NOT_FOUND, "no table '%s' in lake %s (%s%.*s)", name, lake,
                     n ? "tables: " : "no tables yet; `kinetl run --source DIR` creates them",
                     (int)list.len, list.data ? (const char *)list.data : "");
    kt_buf_free(&list);
    kt_delta_free_names(names, n);
    if (st != KT_OK) return st;
    return kt_delta_open_in_lake(lake, name, NULL, out, err);
}

kt_status kt_lake_load_snapshot(kt_delta_table *t, const kt_snapshot_choice *at,
                                kt_delta_snapshot **out, kt_error *err)
{
    *out = NULL;
    if (!at || (!at->has_time && at->version < 0)) return kt_delta_snapshot_load(t, -1, out, err);
    kt_status st = at->has_time ? kt_delta_snapshot_at_time(t, at->time_ms, out, err)
                                : kt_delta_snapshot_load(t, at->version, out, err);
    if (st != KT_ERR_NOT_FOUND) return st;
    /* say what exists: the latest version and its time */
    kt_delta_snapshot *latest = NULL;
    kt_error ignored;
    if (kt_delta_snapshot_load(t, -1, &latest, &ignored) != KT_OK) return st;
    int64_t last = kt_delta_snapshot_version(latest);
    kt_delta_snapshot_free(latest);
    if (at->has_time) {
        char when[32];
        kt_cli_format_ms(at->time_ms, when);
        return kt_fail(err, KT_ERR_NOT_FOUND, "table %s did not exist yet at %s (see kinetl history %s)",
                       kt_delta_name(t), when, kt_delta_name(t));
    }
    return kt_fail(err, KT_ERR_NOT_FOUND, "table %s has no version %" PRId64 " (versions 0..%" PRId64 ")",
                   kt_delta_name(t), at->version, last);
}

kt_render_type kt_delta_render_type(kt_delta_type t)
{
    switch (t) {
    case KT_DELTA_STRING: return (kt_render_type){ .kind = KT_R_STRING };
    case KT_DELTA_LONG:
    case KT_DELTA_INTEGER: return (kt_render_type){ .kind = KT_R_INT };
    case KT_DELTA_DOUBLE: return (kt_render_type){ .kind = KT_R_DOUBLE };
    case KT_DELTA_BOOLEAN: return (kt_render_type){ .kind = KT_R_BOOL };
    case KT_DELTA_TIMESTAMP: return (kt_render_type){ .kind = KT_R_TIMESTAMP, .digits = 6, .utc = true };
    }
    return (kt_render_type){ .kind = KT_R_BINARY };
}

void kt_scan_sink_columns(const kt_scan *s, kt_sink_column *out)
{
    for (size_t c = 0; c < kt_scan_num_columns(s); c++) {
        const kt_delta_field *f = kt_scan_column(s, c);
        out[c] = (kt_sink_column){ .name = f->name, .type = kt_delta_type_column(f->type),
                                   .render = kt_delta_render_type(f->type), .nullable = f->nullable };
    }
}

kt_status kt_scan_copy(kt_scan *s, kt_sink *sink, int64_t limit, int64_t *rows, kt_error *err)
{
    *rows = 0;
    while (limit < 0 || *rows < limit) {
        const kt_column *cols;
        size_t n;
        KT_TRY(kt_scan_next(s, &cols, &n, err));
        if (n == 0) break;
        if (limit >= 0 && (int64_t)n > limit - *rows) n = (size_t)(limit - *rows);
        KT_TRY(kt_sink_write(sink, cols, n, *rows, err));
        *rows += (int64_t)n;
    }
    return KT_OK;
}
