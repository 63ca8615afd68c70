/*
 * cli/cmd_parquet_inspect.c — `kinetl parquet schema` and `kinetl parquet
 * meta`: a Parquet file's columns and footer, as aligned text for people or
 * one JSON document (--json) for programs. Statistics print with the same
 * value rendering as `cat --format json`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cmd_parquet.h"
#include "cli/commands.h"
#include "cli/parquet_columns.h"
#include "core/buf.h"
#include "format/parquet/reader.h"

#define KV_TEXT_MAX 100  /* key-value values longer than this are cut in text output */

typedef struct inspect_args {
    bool json;
} inspect_args;

static const char *repetition_name(const kt_pq_column_info *c)
{
    return c->nullable ? "OPTIONAL" : "REQUIRED";
}

/* Parses FILE [--json] and opens the reader; returns -1 to continue. */
static int open_for_inspect(const char *command, const char *description, int argc, char **argv,
                            inspect_args *a, kt_pq_reader **r)
{
    const kt_opt opts[] = { { "--json", KT_OPT_FLAG, &a->json, NULL, "one JSON document for programs",
                              NULL } };
    const kt_args_spec spec = { .command = command, .usage = "FILE [--json]",
                                .description = description, .opts = opts, .nopts = 1,
                                .min_positional = 1, .max_positional = 1, .positional_name = "FILE" };
    const char *pos[1];
    size_t npos;
    kt_args_result ar = kt_args_parse(&spec, argc, argv, pos, &npos);
    if (ar != KT_ARGS_OK) return kt_args_exit_code(ar);
    kt_error err;
    kt_error_clear(&err);
    if (kt_pq_open(pos[0], r, &err) != KT_OK) return kt_parquet_fail(err.msg);
    return -1;
}

static int emit(kt_buf *b, kt_status built)
{
    int rc = KT_EXIT_OK;
    if (built != KT_OK) rc = kt_parquet_fail("out of memory");
    else if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
        rc = kt_parquet_fail("stdout: write failed");
    kt_buf_free(b);
    return rc;
}

static kt_status json_str(kt_buf *b, const char *s)
{
    if (!s) return kt_buf_append_str(b, "null");
    return kt_render_json_string(b, s, strlen(s));
}

static kt_status json_key(kt_buf *b, bool first, const char *key)
{
    if (!first) KT_TRY(kt_buf_append_byte(b, ','));
    KT_TRY(json_str(b, key));
    return kt_buf_append_byte(b, ':');
}

/* ------------------------------------------------------------ schema */

typedef struct column_text {
    char physical[48], logical[48], reads_as[48];
} column_text;

static void describe_column(const kt_pq_column_info *c, column_text *t)
{
    kt_render_type rt = kt_parquet_render_type(c);
    char render[40];
    kt_parquet_physical_name(c, t->physical, sizeof t->physical);
    kt_parquet_logical_name(c, t->logical, sizeof t->logical);
    kt_render_type_name(&rt, render, sizeof render);
    snprintf(t->reads_as, sizeof t->reads_as, "%s", kt_type_name(c->value_type));
    if (strcmp(render, kt_type_name(c->value_type)) != 0)
        snprintf(t->reads_as, sizeof t->reads_as, "%s as %s", kt_type_name(c->value_type), render);
}

static kt_status schema_json_column(kt_buf *b, const kt_pq_column_info *c)
{
    column_text t;
    describe_column(c, &t);
    KT_TRY(kt_buf_append_byte(b, '{'));
    KT_TRY(json_key(b, true, "name"));
    KT_TRY(json_str(b, c->name));
    KT_TRY(json_key(b, false, "physical"));
    KT_TRY(json_str(b, kt_pq_physical_name(c->physical)));
    if (c->physical == KT_PQ_FIXED_LEN_BYTE_ARRAY) {
        KT_TRY(json_key(b, false, "type_length"));
        KT_TRY(kt_buf_printf(b, "%d", (int)c->type_length));
    }
    KT_TRY(json_key(b, false, "logical"));
    KT_TRY(strcmp(t.logical, "-") ? json_str(b, t.logical) : kt_buf_append_str(b, "null"));
    KT_TRY(json_key(b, false, "repetition"));
    KT_TRY(json_str(b, repetition_name(c)));
    KT_TRY(json_key(b, false, "kt_type"));
    KT_TRY(json_str(b, kt_type_name(c->value_type)));
    kt_render_type rt = kt_parquet_render_type(c);
    char render[40];
    kt_render_type_name(&rt, render, sizeof render);
    KT_TRY(json_key(b, false, "renders_as"));
    KT_TRY(json_str(b, render));
    return kt_buf_append_byte(b, '}');
}

static kt_status schema_json_columns(kt_buf *b, const kt_pq_reader *r)
{
    KT_TRY(kt_buf_append_byte(b, '['));
    for (int i = 0; i < kt_pq_num_columns(r); i++) {
        if (i) KT_TRY(kt_buf_append_byte(b, ','));
        KT_TRY(schema_json_column(b, kt_pq_column(r, i)));
    }
    return kt_buf_append_byte(b, ']');
}

static kt_status schema_json(kt_buf *b, const kt_pq_reader *r)
{
    KT_TRY(kt_buf_append_byte(b, '{'));
    KT_TRY(json_key(b, true, "file"));
    KT_TRY(json_str(b, kt_pq_path(r)));
    KT_TRY(json_key(b, false, "columns"));
    KT_TRY(schema_json_columns(b, r));
    return kt_buf_append_str(b, "}\n");
}

static kt_status schema_text(kt_buf *b, const kt_pq_reader *r)
{
    int n = kt_pq_num_columns(r);
    int w_name = 4, w_phys = 8, w_log = 7;
    column_text *t = calloc(n ? (size_t)n : 1, sizeof *t);
    if (!t) return KT_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        const kt_pq_column_info *c = kt_pq_column(r, i);
        describe_column(c, &t[i]);
        int len = (int)strlen(c->name);
        if (len > w_name) w_name = len < 60 ? len : 60;
        if ((int)strlen(t[i].physical) > w_phys) w_phys = (int)strlen(t[i].physical);
        if ((int)strlen(t[i].logical) > w_log) w_log = (int)strlen(t[i].logical);
    }
    kt_status st = KT_OK;
    for (int i = 0; i < n && st == KT_OK; i++) {
        const kt_pq_column_info *c = kt_pq_column(r, i);
        st = kt_buf_printf(b, "%-*s  %-*s  %-*s  %-8s  %s\n", w_name, c->name, w_phys, t[i].physical,
                           w_log, t[i].logical, repetition_name(c), t[i].reads_as);
    }
    free(t);
    return st;
}

int kt_parquet_schema_main(int argc, char **argv)
{
    inspect_args a = { 0 };
    kt_pq_reader *r = NULL;
    int rc = open_for_inspect("parquet schema",
                              "One line per column: name, physical type, logical type,\n"
                              "REQUIRED/OPTIONAL, and the kinetl type it reads as (with how\n"
                              "its values print when that differs).",
                              argc, argv, &a, &r);
    if (rc >= 0) return rc;
    kt_buf b;
    kt_buf_init(&b);
    rc = emit(&b, a.json ? schema_json(&b, r) : schema_text(&b, r));
    kt_pq_close(r);
    return rc;
}

/* ------------------------------------------------------------ meta */

typedef struct chunk_view {
    const char *name;
    const kt_pq_column_info *info;
    const kt_pq_column_meta *m;       /* NULL if the chunk has no metadata */
    kt_pq_column_stats stats;
    bool has_stats;
} chunk_view;

static chunk_view chunk_at(const kt_pq_reader *r, int rg, int col)
{
    const kt_pq_file_meta *fm = kt_pq_file_metadata(r);
    const kt_pq_column_chunk *cc = &fm->row_groups[rg].columns[col];
    chunk_view v = { .info = kt_pq_column(r, col), .m = cc->has_meta_data ? &cc->meta_data : NULL };
    v.name = v.info ? v.info->name : "?";
    v.has_stats = v.info && kt_pq_column_stats_get(r, rg, col, &v.stats) == KT_OK;
    return v;
}

/* Renders a statistic (min or max) in JSON style. */
static kt_status render_stat(kt_buf *b, const chunk_view *v, bool max)
{
    const kt_pq_column_stats *s = &v->stats;
    kt_scalar x = { 0 };
    switch (v->info->value_type) {
    case KT_BOOL: case KT_INT32: case KT_INT64: x.i = max ? s->max_i : s->min_i; break;
    case KT_FLOAT: case KT_DOUBLE: x.d = max ? s->max_d : s->min_d; break;
    case KT_BYTES:
        x.bytes = max ? s->max_bytes : s->min_bytes;
        x.len = max ? s->max_len : s->min_len;
        break;
    }
    kt_render_type rt = kt_parquet_render_type(v->info);
    return kt_render_scalar(b, &rt, &x, KT_TEXT_JSON);
}

static kt_status encodings_text(kt_buf *b, const kt_pq_column_meta *m, bool json)
{
    if (json) KT_TRY(kt_buf_append_byte(b, '['));
    for (int e = 0; e < m->num_encodings; e++) {
        if (e) KT_TRY(kt_buf_append_byte(b, ','));
        const char *name = kt_pq_encoding_name(m->encodings[e]);
        KT_TRY(json ? json_str(b, name) : kt_buf_append_str(b, name));
    }
    return json ? kt_buf_append_byte(b, ']') : KT_OK;
}

static kt_status meta_text_chunk(kt_buf *b, const chunk_view *v)
{
    KT_TRY(kt_buf_printf(b, "  column %s:", v->name));
    if (!v->m) return kt_buf_append_str(b, " no metadata\n");
    const kt_pq_column_meta *m = v->m;
    KT_TRY(kt_buf_printf(b, " %s, codec %s, encodings ", kt_pq_physical_name(m->type),
                         kt_pq_codec_name(m->codec)));
    KT_TRY(encodings_text(b, m, false));
    KT_TRY(kt_buf_printf(b, ", values %" PRId64 ", compressed %" PRId64 " B, uncompressed %" PRId64 " B",
                         m->num_values, m->total_compressed_size, m->total_uncompressed_size));
    if (v->has_stats && v->stats.has_null_count)
        KT_TRY(kt_buf_printf(b, ", nulls %" PRId64, v->stats.null_count));
    if (v->has_stats && v->stats.has_min_max) {
        KT_TRY(kt_buf_append_str(b, ", min "));
        KT_TRY(render_stat(b, v, false));
        KT_TRY(kt_buf_append_str(b, ", max "));
        KT_TRY(render_stat(b, v, true));
    }
    return kt_buf_append_byte(b, '\n');
}

static kt_status meta_text_kv(kt_buf *b, const kt_pq_file_meta *fm)
{
    KT_TRY(kt_buf_printf(b, "key-value metadata: %d\n", (int)fm->num_kv));
    for (int i = 0; i < fm->num_kv; i++) {
        const kt_pq_key_value *kv = &fm->kv[i];
        KT_TRY(kt_buf_append_str(b, "  "));
        KT_TRY(json_str(b, kv->key));
        KT_TRY(kt_buf_append_str(b, " = "));
        if (!kv->value) {
            KT_TRY(kt_buf_append_str(b, "null\n"));
            continue;
        }
        size_t len = strlen(kv->value);
        KT_TRY(kt_render_json_string(b, kv->value, len < KV_TEXT_MAX ? len : KV_TEXT_MAX));
        if (len > KV_TEXT_MAX) KT_TRY(kt_buf_printf(b, "... (%zu bytes)", len));
        KT_TRY(kt_buf_append_byte(b, '\n'));
    }
    return KT_OK;
}

static kt_status meta_text(kt_buf *b, const kt_pq_reader *r)
{
    const kt_pq_file_meta *fm = kt_pq_file_metadata(r);
    KT_TRY(kt_buf_printf(b, "file: %s\nrows: %" PRId64 "\nrow groups: %d\ncolumns: %d\n",
                         kt_pq_path(r), fm->num_rows, (int)fm->num_row_groups, kt_pq_num_columns(r)));
    KT_TRY(kt_buf_printf(b, "format version: %d\ncreated by: %s\n", (int)fm->version,
                         fm->created_by ? fm->created_by : "-"));
    KT_TRY(meta_text_kv(b, fm));
    for (int rg = 0; rg < fm->num_row_groups; rg++) {
        const kt_pq_row_group *g = &fm->row_groups[rg];
        KT_TRY(kt_buf_printf(b, "row group %d: rows %" PRId64 ", total byte size %" PRId64, rg,
                             g->num_rows, g->total_byte_size));
        if (g->has_total_compressed_size)
            KT_TRY(kt_buf_printf(b, ", compressed %" PRId64, g->total_compressed_size));
        KT_TRY(kt_buf_append_byte(b, '\n'));
        for (int c = 0; c < g->num_columns; c++) {
            chunk_view v = chunk_at(r, rg, c);
            KT_TRY(meta_text_chunk(b, &v));
        }
    }
    return KT_OK;
}

static kt_status meta_json_stats(kt_buf *b, const chunk_view *v)
{
    if (!v->has_stats || (!v->stats.has_null_count && !v->stats.has_min_max))
        return kt_buf_append_str(b, "null");
    bool first = true;
    KT_TRY(kt_buf_append_byte(b, '{'));
    if (v->stats.has_null_count) {
        KT_TRY(json_key(b, first, "null_count"));
        KT_TRY(kt_buf_printf(b, "%" PRId64, v->stats.null_count));
        first = false;
    }
    if (v->stats.has_min_max) {
        KT_TRY(json_key(b, first, "min"));
        KT_TRY(render_stat(b, v, false));
        KT_TRY(json_key(b, false, "max"));
        KT_TRY(render_stat(b, v, true));
    }
    return kt_buf_append_byte(b, '}');
}

static kt_status meta_json_chunk(kt_buf *b, const chunk_view *v)
{
    const kt_pq_column_meta *m = v->m;
    KT_TRY(kt_buf_append_byte(b, '{'));
    KT_TRY(json_key(b, true, "name"));
    KT_TRY(json_str(b, v->name));
    if (!m) return kt_buf_append_str(b, ",\"metadata\":null}");
    KT_TRY(json_key(b, false, "physical"));
    KT_TRY(json_str(b, kt_pq_physical_name(m->type)));
    KT_TRY(json_key(b, false, "codec"));
    KT_TRY(json_str(b, kt_pq_codec_name(m->codec)));
    KT_TRY(json_key(b, false, "encodings"));
    KT_TRY(encodings_text(b, m, true));
    KT_TRY(kt_buf_printf(b, ",\"num_values\":%" PRId64 ",\"total_compressed_size\":%" PRId64
                            ",\"total_uncompressed_size\":%" PRId64 ",\"data_page_offset\":%" PRId64,
                         m->num_values, m->total_compressed_size, m->total_uncompressed_size,
                         m->data_page_offset));
    KT_TRY(json_key(b, false, "dictionary_page_offset"));
    KT_TRY(m->has_dictionary_page_offset ? kt_buf_printf(b, "%" PRId64, m->dictionary_page_offset)
                                         : kt_buf_append_str(b, "null"));
    KT_TRY(json_key(b, false, "statistics"));
    KT_TRY(meta_json_stats(b, v));
    return kt_buf_append_byte(b, '}');
}

static kt_status meta_json_row_group(kt_buf *b, const kt_pq_reader *r, int rg)
{
    const kt_pq_row_group *g = &kt_pq_file_metadata(r)->row_groups[rg];
    KT_TRY(kt_buf_printf(b, "{\"index\":%d,\"num_rows\":%" PRId64 ",\"total_byte_size\":%" PRId64, rg,
                         g->num_rows, g->total_byte_size));
    KT_TRY(json_key(b, false, "total_compressed_size"));
    KT_TRY(g->has_total_compressed_size ? kt_buf_printf(b, "%" PRId64, g->total_compressed_size)
                                        : kt_buf_append_str(b, "null"));
    KT_TRY(json_key(b, false, "columns"));
    KT_TRY(kt_buf_append_byte(b, '['));
    for (int c = 0; c < g->num_columns; c++) {
        if (c) KT_TRY(kt_buf_append_byte(b, ','));
        chunk_view v = chunk_at(r, rg, c);
        KT_TRY(meta_json_chunk(b, &v));
    }
    return kt_buf_append_str(b, "]}");
}

static kt_status meta_json(kt_buf *b, const kt_pq_reader *r)
{
    const kt_pq_file_meta *fm = kt_pq_file_metadata(r);
    KT_TRY(kt_buf_append_byte(b, '{'));
    KT_TRY(json_key(b, true, "file"));
    KT_TRY(json_str(b, kt_pq_path(r)));
    KT_TRY(kt_buf_printf(b, ",\"num_rows\":%" PRId64 ",\"num_row_groups\":%d,\"version\":%d",
                         fm->num_rows, (int)fm->num_row_groups, (int)fm->version));
    KT_TRY(json_key(b, false, "created_by"));
    KT_TRY(json_str(b, fm->created_by));
    KT_TRY(json_key(b, false, "key_value_metadata"));
    KT_TRY(kt_buf_append_byte(b, '['));
    for (int i = 0; i < fm->num_kv; i++) {
        KT_TRY(kt_buf_append_str(b, i ? ",{\"key\":" : "{\"key\":"));
        KT_TRY(json_str(b, fm->kv[i].key));
        KT_TRY(kt_buf_append_str(b, ",\"value\":"));
        KT_TRY(json_str(b, fm->kv[i].value));
        KT_TRY(kt_buf_append_byte(b, '}'));
    }
    KT_TRY(kt_buf_append_byte(b, ']'));
    KT_TRY(json_key(b, false, "columns"));
    KT_TRY(schema_json_columns(b, r));
    KT_TRY(json_key(b, false, "row_groups"));
    KT_TRY(kt_buf_append_byte(b, '['));
    for (int rg = 0; rg < fm->num_row_groups; rg++) {
        if (rg) KT_TRY(kt_buf_append_byte(b, ','));
        KT_TRY(meta_json_row_group(b, r, rg));
    }
    return kt_buf_append_str(b, "]}\n");
}

int kt_parquet_meta_main(int argc, char **argv)
{
    inspect_args a = { 0 };
    kt_pq_reader *r = NULL;
    int rc = open_for_inspect("parquet meta",
                              "The footer: rows, row groups, created_by, key-value metadata; per row\n"
                              "group its rows and sizes; per column chunk its type, encodings, codec,\n"
                              "sizes, value count and statistics (min/max printed like `cat --format\n"
                              "json` values, null count).",
                              argc, argv, &a, &r);
    if (rc >= 0) return rc;
    kt_buf b;
    kt_buf_init(&b);
    rc = emit(&b, a.json ? meta_json(&b, r) : meta_text(&b, r));
    kt_pq_close(r);
    return rc;
}
