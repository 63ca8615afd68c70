/*
 * pipeline/ingest_clean.c — per-row typing, normalisation and validation.
 * The accept path does no formatting and no allocation beyond appending
 * the 24-byte row; names and run ids are memoised so each distinct value
 * is examined once. The reject path formats text freely: it is rare.
 */
#include "pipeline/ingest_clean.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc_policy.h"
#include "core/buf.h"
#include "core/dict.h"
#include "pipeline/code_classes.h"
#include "pipeline/ingest_dedup.h"
#include "pipeline/ingest_names.h"
#include "pipeline/ingest_run_id.h"
#include "pipeline/ingest_time.h"

struct kt_ingest_cleaner {
    kt_ingest_config cfg;
    kt_dict runs;
    kt_name_cache fields, sensors;
    kt_dedup dedup;
    /* numeric run ids seen in this file: bits -> run index, direct-mapped
     * (rows of several runs interleave; each distinct id is formatted once) */
    struct { uint64_t bits; uint32_t run; bool used; } run_cache[64];
    /* last text run id seen */
    bool last_run_valid;
    char last_run_text[KT_RUN_ID_MAX];
    size_t last_run_len;
    uint32_t last_run_idx;
    kt_buf text; /* scratch for quarantine text */
    kt_ingest_time_cache dates;
    /* row group read with dictionary codes: the string roles' dictionaries,
     * and field / sensor_type classes per code (class_by_code[0] fields,
     * [1] sensors), valid for the row group in hand */
    const kt_column *const *dicts;
    kt_code_classes class_by_code[2];
};

/* ---- outputs ---------------------------------------------------------- */

void kt_ingest_accepted_init(kt_ingest_accepted *a) { memset(a, 0, sizeof *a); }

void kt_ingest_accepted_free(kt_ingest_accepted *a)
{
    free(a->rows);
    kt_ingest_accepted_init(a);
}

static kt_status accepted_reserve(kt_ingest_accepted *a, size_t extra)
{
    if (a->len + extra <= a->cap) return KT_OK;
    size_t cap = a->cap ? a->cap : 1024;
    while (cap < a->len + extra) {
        if (cap > SIZE_MAX / 2 / sizeof(kt_ingest_row)) return KT_ERR_NOMEM;
        cap *= 2;
    }
    kt_ingest_row *rows = kt_alloc_grow(a->rows, a->len * sizeof *rows, a->cap * sizeof *rows, cap * sizeof *rows);
    if (!rows) return KT_ERR_NOMEM;
    a->rows = rows;
    a->cap = cap;
    return KT_OK;
}

void kt_ingest_rejected_init(kt_ingest_rejected *r)
{
    for (int i = 0; i < KT_Q_COLUMNS; i++) kt_column_init(&r->col[i], i == KT_Q_ROW_NUMBER ? KT_INT64 : KT_BYTES);
}

void kt_ingest_rejected_clear(kt_ingest_rejected *r)
{
    for (int i = 0; i < KT_Q_COLUMNS; i++) kt_column_clear(&r->col[i]);
}

void kt_ingest_rejected_free(kt_ingest_rejected *r)
{
    for (int i = 0; i < KT_Q_COLUMNS; i++) kt_column_free(&r->col[i]);
}

/* ---- cleaner ---------------------------------------------------------- */

kt_ingest_cleaner *kt_ingest_cleaner_new(const kt_ingest_config *cfg)
{
    kt_ingest_cleaner *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cfg = *cfg;
    kt_dict_init(&c->runs);
    kt_name_cache_init(&c->fields, true);
    kt_name_cache_init(&c->sensors, false);
    kt_dedup_init(&c->dedup, cfg->dedup_memory);
    kt_buf_init(&c->text);
    return c;
}

void kt_ingest_cleaner_free(kt_ingest_cleaner *c)
{
    if (!c) return;
    kt_dict_free(&c->runs);
    kt_name_cache_free(&c->fields);
    kt_name_cache_free(&c->sensors);
    kt_dedup_free(&c->dedup);
    kt_buf_free(&c->text);
    kt_code_classes_free(&c->class_by_code[0]);
    kt_code_classes_free(&c->class_by_code[1]);
    free(c);
}

void kt_ingest_cleaner_begin_file(kt_ingest_cleaner *c)
{
    kt_dict_clear(&c->runs);
    kt_dedup_reset(&c->dedup);
    c->last_run_valid = false;
    memset(c->run_cache, 0, sizeof c->run_cache);
}

void kt_ingest_cleaner_expect_rows(kt_ingest_cleaner *c, int64_t rows)
{
    kt_dedup_reserve(&c->dedup, rows > 0 ? (size_t)rows : 0);
}

size_t kt_ingest_cleaner_num_runs(const kt_ingest_cleaner *c) { return kt_dict_count(&c->runs); }

const char *kt_ingest_cleaner_run(const kt_ingest_cleaner *c, uint32_t run, size_t *len)
{
    return kt_dict_get(&c->runs, (int32_t)run, len);
}

uint64_t kt_ingest_cleaner_dedup_resets(const kt_ingest_cleaner *c) { return c->dedup.resets; }

/* ---- one row ---------------------------------------------------------- */

/* Why a row is rejected: the code and a detail line. */
typedef struct verdict {
    kt_reason reason;
    char detail[256];
} verdict;

static int reject(verdict *v, kt_reason r, const char *fmt, ...) KT_PRINTF(3, 4);
static int reject(verdict *v, kt_reason r, const char *fmt, ...)
{
    v->reason = r;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    return -1;
}

/* Shows at most 60 bytes of a source string inside a detail, with non-printing bytes as '?'. */
static void quote(const char *s, size_t n, char out[64])
{
    size_t k = n > 60 ? 57 : n;
    for (size_t i = 0; i < k; i++) out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) ? '?' : s[i];
    if (k < n) memcpy(out + k, "...", 3), k += 3;
    out[k] = 0;
}

/* Row i of a string role, from the strings or through its dictionary. */
static inline const char *text_at(const kt_column *col, const kt_column *dict, size_t i, size_t *n)
{
    return dict ? kt_column_bytes_at(dict, (size_t)KT_COL_I32(col)[i], n) : kt_column_bytes_at(col, i, n);
}

static int parse_time(kt_ingest_time_cache *dates, const kt_ingest_source_column *sc, const kt_column *col,
                      const kt_column *dict, size_t i, int64_t *us, verdict *v)
{
    if (!kt_column_is_valid(col, i)) return reject(v, KT_REASON_NULL_TIME, "time is null");
    const char *why = NULL;
    if (sc->type == KT_BYTES) {
        size_t n;
        const char *s = text_at(col, dict, i, &n);
        bool blank;
        if (kt_ingest_parse_time_cached(dates, s, n, us, &blank, &why)) return 0;
        if (blank) return reject(v, KT_REASON_NULL_TIME, "time is empty");
        char q[64];
        quote(s, n, q);
        return reject(v, KT_REASON_BAD_TIME, "time \"%s\": %s", q, why);
    }
    int64_t raw = KT_COL_I64(col)[i];
    if (kt_ingest_time_from_unit(raw, sc->unit, us, &why)) return 0;
    return reject(v, KT_REASON_BAD_TIME, "timestamp %" PRId64 " (%s): %s", raw,
                  sc->unit == KT_PQ_UNIT_MILLIS ? "ms" : sc->unit == KT_PQ_UNIT_MICROS ? "us" : "ns", why);
}

static kt_status intern_run(kt_ingest_cleaner *c, const char *id, size_t len, uint32_t *run)
{
    int32_t idx;
    KT_TRY(kt_dict_intern(&c->runs, id, len, &idx));
    *run = (uint32_t)idx;
    c->last_run_idx = *run;
    c->last_run_valid = true;
    return KT_OK;
}

/* 1 = accepted (*run set), -1 = rejected (v set), or a negative kt_status - 100 on failure. */
static int parse_run(kt_ingest_cleaner *c, const kt_ingest_source_column *sc, const kt_column *col,
                     const kt_column *dict, size_t i, uint32_t *run, verdict *v, kt_status *fail)
{
    if (!kt_column_is_valid(col, i)) return reject(v, KT_REASON_NULL_RUN_UUID, "run_uuid is null");
    char id[KT_RUN_ID_MAX];
    size_t len;
    const char *why = "run_uuid is invalid";
    if (sc->type == KT_BYTES) {
        size_t n;
        const char *s = text_at(col, dict, i, &n);
        if (c->last_run_valid && n == c->last_run_len && memcmp(s, c->last_run_text, n) == 0) {
            *run = c->last_run_idx;
            return 1;
        }
        len = kt_run_id_from_text(s, n, id, &why);
        if (!len) return reject(v, KT_REASON_NULL_RUN_UUID, "%s", why);
        if ((*fail = intern_run(c, id, len, run)) != KT_OK) return -2;
        if (n < sizeof c->last_run_text) {
            memcpy(c->last_run_text, s, n);
            c->last_run_len = n;
        } else {
            c->last_run_valid = false;
        }
        return 1;
    }
    uint64_t bits;
    if (sc->type == KT_INT32) {
        int64_t x = KT_COL_I32(col)[i];
        memcpy(&bits, &x, sizeof bits);
    } else if (sc->type == KT_FLOAT) {
        double d = KT_COL_FLOAT(col)[i];
        memcpy(&bits, &d, sizeof bits);
    } else {
        memcpy(&bits, (const char *)col->values + i * 8, sizeof bits); /* INT64 or DOUBLE */
    }
    size_t slot = (size_t)((bits * 0x9e3779b97f4a7c15ULL) >> 58);
    if (c->run_cache[slot].used && c->run_cache[slot].bits == bits) {
        *run = c->run_cache[slot].run;
        return 1;
    }
    if (sc->type == KT_DOUBLE || sc->type == KT_FLOAT) {
        double d;
        memcpy(&d, &bits, sizeof d);
        len = kt_run_id_from_double(d, id, &why);
        if (!len) {
            char shown[40];
            kt_double_shortest(d, shown);
            return reject(v, KT_REASON_NULL_RUN_UUID, "%s: %s", why, shown);
        }
    } else if (sc->is_unsigned) {
        len = kt_run_id_from_uint64(bits, id);
    } else {
        int64_t x;
        memcpy(&x, &bits, sizeof x);
        len = kt_run_id_from_int64(x, id);
    }
    if ((*fail = intern_run(c, id, len, run)) != KT_OK) return -2;
    c->last_run_valid = false; /* the text cache is for text columns only */
    c->run_cache[slot].bits = bits;
    c->run_cache[slot].run = *run;
    c->run_cache[slot].used = true;
    return 1;
}

static int parse_robot(const kt_ingest_source_column *sc, const kt_column *col, size_t i, uint8_t *robot, verdict *v)
{
    if (!kt_column_is_valid(col, i)) return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id is null");
    char shown[40];
    switch (sc->type) {
    case KT_INT32: {
        int32_t x = KT_COL_I32(col)[i];
        if (x == 1 || x == 2) return *robot = (uint8_t)x, 0;
        return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id %" PRId32 " is not 1 or 2", x);
    }
    case KT_INT64: {
        int64_t x = KT_COL_I64(col)[i];
        if (x == 1 || x == 2) return *robot = (uint8_t)x, 0;
        if (sc->is_unsigned) return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id %" PRIu64 " is not 1 or 2", (uint64_t)x);
        return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id %" PRId64 " is not 1 or 2", x);
    }
    case KT_DOUBLE:
    case KT_FLOAT: {
        double d = sc->type == KT_DOUBLE ? KT_COL_DOUBLE(col)[i] : KT_COL_FLOAT(col)[i];
        if (d == 1.0 || d == 2.0) return *robot = (uint8_t)d, 0;
        kt_double_shortest(d, shown);
        return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id %s is not 1 or 2", shown);
    }
    default: return reject(v, KT_REASON_BAD_ROBOT_ID, "robot_id has an unsupported type");
    }
}

/* The class of row i of a name role: per dictionary code when coded. */
static kt_status name_class(kt_ingest_cleaner *c, int which, kt_name_cache *cache, const kt_column *col,
                            const kt_column *dict, size_t i, const char **s, size_t *n, int *cls)
{
    *s = text_at(col, dict, i, n);
    if (dict) {
        *cls = c->class_by_code[which].of[KT_COL_I32(col)[i]];
        return KT_OK;
    }
    return kt_name_cache_classify(cache, *s, *n, cls);
}

/* Field and sensor: 0 ok, -1 rejected, -2 allocation failure. */
static int parse_names(kt_ingest_cleaner *c, const kt_column *fcol, const kt_column *fdict, const kt_column *scol,
                       const kt_column *sdict, size_t i, uint8_t *field, verdict *v)
{
    if (!kt_column_is_valid(fcol, i)) return reject(v, KT_REASON_UNKNOWN_FIELD, "field is null");
    size_t fn, sn;
    const char *f, *s;
    int fcls, scls;
    if (name_class(c, 0, &c->fields, fcol, fdict, i, &f, &fn, &fcls) != KT_OK) return -2;
    char q[64];
    if (fcls < 0) {
        quote(f, fn, q);
        return reject(v, KT_REASON_UNKNOWN_FIELD, "field \"%s\" is not one of x y z fx fy fz", q);
    }
    if (!kt_column_is_valid(scol, i)) return reject(v, KT_REASON_SENSOR_FIELD_MISMATCH, "sensor_type is null");
    if (name_class(c, 1, &c->sensors, scol, sdict, i, &s, &sn, &scls) != KT_OK) return -2;
    if (scls == KT_SENSOR_UNKNOWN) {
        quote(s, sn, q);
        return reject(v, KT_REASON_SENSOR_FIELD_MISMATCH, "sensor_type \"%s\" is not encoder or load_cell", q);
    }
    kt_sensor want = kt_field_sensor((kt_field)fcls);
    if ((int)want != scls)
        return reject(v, KT_REASON_SENSOR_FIELD_MISMATCH, "field %s belongs to %s but sensor_type is %s",
                      kt_field_name((kt_field)fcls), kt_sensor_name(want), kt_sensor_name((kt_sensor)scls));
    *field = (uint8_t)fcls;
    return 0;
}

static int parse_value(const kt_ingest_config *cfg, const kt_ingest_source_column *sc, const kt_column *col,
                       size_t i, uint8_t field, double *out, verdict *v)
{
    if (!kt_column_is_valid(col, i)) return reject(v, KT_REASON_NULL_VALUE, "value is null");
    double d;
    switch (sc->type) {
    case KT_DOUBLE: d = KT_COL_DOUBLE(col)[i]; break;
    case KT_FLOAT: d = KT_COL_FLOAT(col)[i]; break;
    case KT_INT32: d = KT_COL_I32(col)[i]; break;
    case KT_INT64: d = sc->is_unsigned ? (double)(uint64_t)KT_COL_I64(col)[i] : (double)KT_COL_I64(col)[i]; break;
    default: return reject(v, KT_REASON_NULL_VALUE, "value has an unsupported type");
    }
    char shown[40];
    if (!isfinite(d)) {
        kt_double_shortest(d, shown);
        return reject(v, KT_REASON_NON_FINITE_VALUE, "value is %s", shown);
    }
    if (d < cfg->min[field] || d > cfg->max[field]) {
        char lo[40], hi[40];
        kt_double_shortest(d, shown);
        kt_double_shortest(cfg->min[field], lo);
        kt_double_shortest(cfg->max[field], hi);
        return reject(v, KT_REASON_OUT_OF_RANGE, "%s = %s outside [%s, %s]", kt_field_name((kt_field)field), shown, lo,
                      hi);
    }
    *out = d;
    return 0;
}

/* ---- quarantine text -------------------------------------------------- */

static kt_status push_text(kt_ingest_cleaner *c, kt_column *out, const char *s, size_t n)
{
    if (kt_utf8_valid(s, n)) return kt_column_push_bytes(out, s, n);
    kt_buf_clear(&c->text);
    /* copy valid sequences, escape each byte that does not start one */
    size_t i = 0;
    while (i < n) {
        size_t len = 1;
        unsigned char b = (unsigned char)s[i];
        if (b >= 0xC2 && b <= 0xF4) len = b <= 0xDF ? 2 : b <= 0xEF ? 3 : 4;
        if (len > 1 && i + len <= n && kt_utf8_valid(s + i, len)) {
            KT_TRY(kt_buf_append(&c->text, s + i, len));
        } else if (b < 0x80) {
            KT_TRY(kt_buf_append_byte(&c->text, b));
            len = 1;
        } else {
            KT_TRY(kt_buf_printf(&c->text, "\\x%02X", b));
            len = 1;
        }
        i += len;
    }
    return kt_column_push_bytes(out, c->text.data, c->text.len);
}

static kt_status render(kt_ingest_cleaner *c, kt_column *out, const kt_ingest_source_column *sc, const kt_column *col,
                        const kt_column *dict, size_t i)
{
    if (!kt_column_is_valid(col, i)) return kt_column_push_null(out);
    char text[48];
    size_t n;
    switch (sc->type) {
    case KT_BYTES: {
        const char *s = text_at(col, dict, i, &n);
        return push_text(c, out, s, n);
    }
    case KT_DOUBLE: n = kt_double_shortest(KT_COL_DOUBLE(col)[i], text); break;
    case KT_FLOAT: n = kt_float_shortest(KT_COL_FLOAT(col)[i], text); break;
    case KT_INT32: n = (size_t)snprintf(text, sizeof text, "%" PRId32, KT_COL_I32(col)[i]); break;
    case KT_INT64: {
        int64_t x = KT_COL_I64(col)[i];
        int64_t us;
        if (sc->is_timestamp && kt_ingest_time_from_unit(x, sc->unit, &us, NULL)) {
            n = kt_ingest_format_time(us, text);
        } else if (sc->is_timestamp) {
            const char *unit = sc->unit == KT_PQ_UNIT_MILLIS ? "ms" : sc->unit == KT_PQ_UNIT_MICROS ? "us" : "ns";
            n = (size_t)snprintf(text, sizeof text, "%" PRId64 " %s since 1970", x, unit);
        } else if (sc->is_unsigned) {
            n = (size_t)snprintf(text, sizeof text, "%" PRIu64, (uint64_t)x);
        } else {
            n = (size_t)snprintf(text, sizeof text, "%" PRId64, x);
        }
        break;
    }
    default: n = (size_t)snprintf(text, sizeof text, "?");
    }
    return kt_column_push_bytes(out, text, n);
}

/* The dictionary of a role coded in the row group in hand, or NULL. */
static inline const kt_column *dict_of(const kt_ingest_cleaner *c, kt_ingest_role role)
{
    return c->dicts ? c->dicts[role] : NULL;
}

static const kt_ingest_role Q_ROLE[KT_Q_ROW_NUMBER] = {
    [KT_Q_TIME_TEXT] = KT_ROLE_TIME,      [KT_Q_VALUE_TEXT] = KT_ROLE_VALUE,
    [KT_Q_FIELD_TEXT] = KT_ROLE_FIELD,    [KT_Q_ROBOT_ID_TEXT] = KT_ROLE_ROBOT,
    [KT_Q_RUN_UUID_TEXT] = KT_ROLE_RUN,   [KT_Q_SENSOR_TYPE_TEXT] = KT_ROLE_SENSOR,
};

static kt_status quarantine(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols, size_t i,
                            int64_t row_number, const verdict *v, kt_ingest_rejected *rej)
{
    for (int q = 0; q < KT_Q_ROW_NUMBER; q++)
        KT_TRY(render(c, &rej->col[q], &schema->role[Q_ROLE[q]], &cols[Q_ROLE[q]], dict_of(c, Q_ROLE[q]), i));
    KT_TRY(kt_column_push_i64(&rej->col[KT_Q_ROW_NUMBER], row_number));
    const char *reason = kt_reason_name(v->reason);
    KT_TRY(kt_column_push_bytes(&rej->col[KT_Q_REASON], reason, strlen(reason)));
    return kt_column_push_bytes(&rej->col[KT_Q_DETAIL], v->detail, strlen(v->detail));
}

/* ---- the row group ---------------------------------------------------- */

/* A coded role is a string role given as codes, each code within its
 * dictionary (codes of null slots are not looked at). */
static bool codes_fit(const kt_column *codes, const kt_column *dict)
{
    return codes->type == KT_INT32 && dict->type == KT_BYTES &&
           kt_column_first_bad_code(codes, codes->len, dict->len) == codes->len;
}

static kt_status check_columns(const kt_ingest_schema *schema, const kt_column *cols, const kt_column *const *dicts,
                               size_t nrows, kt_error *err)
{
    for (int r = 0; r < KT_ROLES; r++) {
        const kt_column *dict = dicts ? dicts[r] : NULL;
        bool ok = dict ? schema->role[r].type == KT_BYTES && codes_fit(&cols[r], dict)
                       : cols[r].type == schema->role[r].type;
        if (!ok || cols[r].len != nrows)
            return kt_fail(err, KT_ERR_INTERNAL, "ingest: column %s is %s%s with %zu values, expected %s with %zu",
                           kt_ingest_role_name((kt_ingest_role)r), dict ? "codes of " : "",
                           kt_type_name(cols[r].type), cols[r].len, kt_type_name(schema->role[r].type), nrows);
    }
    return KT_OK;
}

static kt_status name_cache_class(void *cache, const char *s, size_t n, int *cls)
{
    return kt_name_cache_classify(cache, s, n, cls);
}

/* Classes of every entry of a coded name role's dictionary, into class_by_code[which]. */
static kt_status classify_codes(kt_ingest_cleaner *c, int which, kt_name_cache *cache, const kt_column *dict)
{
    return dict ? kt_code_classes_fill(&c->class_by_code[which], dict, name_cache_class, cache) : KT_OK;
}

/* 0 accepted (row filled), -1 rejected (v filled), -2 allocation failure. */
static int classify(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols, size_t i,
                    kt_ingest_row *row, verdict *v, kt_status *fail)
{
    const kt_ingest_source_column *sc = schema->role;
    if (parse_time(&c->dates, &sc[KT_ROLE_TIME], &cols[KT_ROLE_TIME], dict_of(c, KT_ROLE_TIME), i, &row->time_us,
                   v) < 0)
        return -1;
    int r = parse_run(c, &sc[KT_ROLE_RUN], &cols[KT_ROLE_RUN], dict_of(c, KT_ROLE_RUN), i, &row->run, v, fail);
    if (r < 0) return r;
    if (parse_robot(&sc[KT_ROLE_ROBOT], &cols[KT_ROLE_ROBOT], i, &row->robot, v) < 0) return -1;
    r = parse_names(c, &cols[KT_ROLE_FIELD], dict_of(c, KT_ROLE_FIELD), &cols[KT_ROLE_SENSOR],
                    dict_of(c, KT_ROLE_SENSOR), i, &row->field, v);
    if (r == -2) *fail = KT_ERR_NOMEM;
    if (r < 0) return r;
    if (parse_value(&c->cfg, &sc[KT_ROLE_VALUE], &cols[KT_ROLE_VALUE], i, row->field, &row->value, v) < 0) return -1;
    row->zero = 0;
    return 0;
}

/* Drops the exact duplicates among acc->rows[from..len), keeping order.
 * Prefetching a few rows ahead overlaps the cache misses of the set. */
static kt_status drop_duplicates(kt_ingest_cleaner *c, kt_ingest_accepted *acc, size_t from,
                                 kt_ingest_counts *counts, kt_error *err)
{
    enum { AHEAD = 12 };
    kt_ingest_row *rows = acc->rows;
    size_t out = from, n = acc->len;
    for (size_t i = from; i < n; i++) {
        if (i + AHEAD < n) {
            const kt_ingest_row *p = &rows[i + AHEAD];
            kt_dedup_prefetch(&c->dedup, p->time_us, p->value, p->run, p->robot, p->field);
        }
        bool fresh;
        const kt_ingest_row r = rows[i];
        if (kt_dedup_insert(&c->dedup, r.time_us, r.value, r.run, r.robot, r.field, &fresh) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory for the duplicate set");
        if (fresh) rows[out++] = r;
        else counts->duplicates++;
    }
    counts->accepted += (int64_t)(out - from);
    acc->len = out;
    return KT_OK;
}

static kt_status clean_rows(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols,
                            size_t nrows, int64_t first_row, kt_ingest_accepted *acc, kt_ingest_rejected *rej,
                            kt_ingest_counts *counts, kt_error *err)
{
    if (accepted_reserve(acc, nrows) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory for %zu accepted rows", acc->len + nrows);
    size_t from = acc->len;
    for (size_t i = 0; i < nrows; i++) {
        kt_ingest_row *row = &acc->rows[acc->len];
        verdict v;
        kt_status fail = KT_OK;
        int r = classify(c, schema, cols, i, row, &v, &fail);
        if (r == -2) return kt_fail(err, fail, "ingest: out of memory at row %" PRId64, first_row + (int64_t)i);
        if (r == 0) {
            acc->len++;
            continue;
        }
        if (quarantine(c, schema, cols, i, first_row + (int64_t)i, &v, rej) != KT_OK)
            return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory quarantining row %" PRId64,
                           first_row + (int64_t)i);
        counts->quarantined++;
        counts->by_reason[v.reason]++;
    }
    KT_TRY(drop_duplicates(c, acc, from, counts, err));
    counts->rows += (int64_t)nrows;
    return KT_OK;
}

kt_status kt_ingest_clean(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols,
                          size_t nrows, int64_t first_row, kt_ingest_accepted *acc, kt_ingest_rejected *rej,
                          kt_ingest_counts *counts, kt_error *err)
{
    return kt_ingest_clean_coded(c, schema, cols, NULL, nrows, first_row, acc, rej, counts, err);
}

kt_status kt_ingest_clean_coded(kt_ingest_cleaner *c, const kt_ingest_schema *schema, const kt_column *cols,
                                const kt_column *const *dicts, size_t nrows, int64_t first_row,
                                kt_ingest_accepted *acc, kt_ingest_rejected *rej, kt_ingest_counts *counts,
                                kt_error *err)
{
    KT_TRY(check_columns(schema, cols, dicts, nrows, err));
    if (dicts && (classify_codes(c, 0, &c->fields, dicts[KT_ROLE_FIELD]) != KT_OK ||
                  classify_codes(c, 1, &c->sensors, dicts[KT_ROLE_SENSOR]) != KT_OK))
        return kt_fail(err, KT_ERR_NOMEM, "ingest: out of memory classifying names");
    c->dicts = dicts;
    kt_status st = clean_rows(c, schema, cols, nrows, first_row, acc, rej, counts, err);
    c->dicts = NULL;
    return st;
}
