/*
 * pipeline/quarantine_count.c — quarantined rows per run: one scan of the
 * quarantine table's run_uuid_text column per table version, each text
 * mapped to its canonical run id with ingest's own rules, counts kept in a
 * dictionary until the table changes.
 */
#include "pipeline/quarantine_count.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dict.h"
#include "format/parquet/reader.h"
#include "pipeline/ingest_run_id.h"

struct kt_quarantine_counter {
    int64_t version;   /* quarantine version the counts are for; -1 = none yet */
    kt_dict runs;      /* canonical id -> index into counts */
    int64_t *counts;
    size_t cap;
};

kt_quarantine_counter *kt_quarantine_counter_new(void)
{
    kt_quarantine_counter *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->version = -1;
    kt_dict_init(&q->runs);
    return q;
}

void kt_quarantine_counter_free(kt_quarantine_counter *q)
{
    if (!q) return;
    kt_dict_free(&q->runs);
    free(q->counts);
    free(q);
}

static bool plain_integer(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i < n && s[i] == '-') i++;
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    return digits > 0 && i == n;
}

/* The canonical id of a run id as quarantine shows it (0 = none). A DOUBLE
 * id shows in its shortest form ("7.58229308099147e+18", or plain digits
 * below 1e16, which read the same either way); integers and strings as
 * written. */
static size_t canonical(const char *s, size_t n, char out[KT_RUN_ID_MAX])
{
    const char *why;
    if (n == 0 || n >= 64 || plain_integer(s, n)) return kt_run_id_from_text(s, n, out, &why);
    char text[64], *end;
    memcpy(text, s, n);
    text[n] = 0;
    double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t') end++;
    size_t len = 0;
    if (end != text && *end == 0 && isfinite(v)) len = kt_run_id_from_double(v, out, &why);
    return len ? len : kt_run_id_from_text(s, n, out, &why);   /* e.g. a string id "1.5" */
}

static kt_status add_text(kt_quarantine_counter *q, const char *s, size_t n, kt_error *err)
{
    char id[KT_RUN_ID_MAX];
    size_t len = canonical(s, n, id);
    if (len == 0) return KT_OK;   /* no run */
    int32_t slot;
    if (kt_dict_intern(&q->runs, id, len, &slot) != KT_OK) return kt_fail(err, KT_ERR_NOMEM, "quarantine: counts");
    if ((size_t)slot >= q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        int64_t *c = realloc(q->counts, cap * sizeof *c);
        if (!c) return kt_fail(err, KT_ERR_NOMEM, "quarantine: counts");
        memset(c + q->cap, 0, (cap - q->cap) * sizeof *c);
        q->counts = c;
        q->cap = cap;
    }
    q->counts[slot]++;
    return KT_OK;
}

static kt_status scan_file(kt_quarantine_counter *q, const char *path, kt_error *err)
{
    kt_pq_reader *r;
    KT_TRY(kt_pq_open(path, &r, err));
    int col = kt_pq_find_column(r, "run_uuid_text");
    kt_status st = KT_OK;
    if (col < 0 || kt_pq_column(r, col)->value_type != KT_BYTES)
        st = kt_fail(err, KT_ERR_FORMAT, "%s: quarantine file has no text column run_uuid_text", path);
    kt_column c;
    kt_column_init(&c, KT_BYTES);
    for (int g = 0; st == KT_OK && g < kt_pq_num_row_groups(r); g++) {
        st = kt_pq_read_row_group(r, g, &col, 1, &c, err);
        for (size_t i = 0; st == KT_OK && i < c.len; i++) {
            if (!kt_column_is_valid(&c, i)) continue;
            size_t len;
            const char *s = kt_column_bytes_at(&c, i, &len);
            st = add_text(q, s, len, err);
        }
    }
    kt_column_free(&c);
    kt_pq_close(r);
    return st;
}

static kt_status recount(kt_quarantine_counter *q, kt_delta_table *t, const kt_delta_snapshot *snap, kt_error *err)
{
    kt_dict_clear(&q->runs);
    q->version = -1;
    for (size_t i = 0; i < kt_delta_snapshot_num_files(snap); i++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", kt_delta_dir(t), kt_delta_snapshot_file(snap, i)->path);
        if (len < 0 || (size_t)len >= sizeof path)
            return kt_fail(err, KT_ERR_USAGE, "quarantine: path of '%s' is too long",
                           kt_delta_snapshot_file(snap, i)->path);
        KT_TRY(scan_file(q, path, err));
    }
    q->version = kt_delta_snapshot_version(snap);
    return KT_OK;
}

kt_status kt_quarantine_count(kt_quarantine_counter *q, kt_delta_table *t, const kt_delta_snapshot *snap,
                              const char *run_uuid, int64_t *count, kt_error *err)
{
    *count = 0;
    if (!snap) return KT_OK;
    if (q->version != kt_delta_snapshot_version(snap)) {
        if (q->cap) memset(q->counts, 0, q->cap * sizeof *q->counts);
        KT_TRY(recount(q, t, snap, err));
    }
    int32_t slot = kt_dict_find(&q->runs, run_uuid, strlen(run_uuid));
    if (slot >= 0) *count = q->counts[slot];
    return KT_OK;
}
