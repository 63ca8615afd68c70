/*
 * tests/unit/test_parquet_read_fixtures.c — reads every fixture in
 * tests/data/parquet (written by DuckDB, arrow-rs, Polars and a hand-rolled
 * legacy writer; see make_fixtures.mjs) and checks each value against the
 * generator formula named in the fixture's JSON, recomputed here in C
 * (mirroring generators.mjs). Also checks the column mapping (output
 * type, physical type, nullability, signedness, timestamp unit), the
 * encodings and codec each fixture claims to exercise, projection, and
 * that row-group statistics agree with the true minima/maxima.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "format/parquet/reader.h"
#include "format/parquet/reader_internal.h"   /* window size, to exercise refills */

#define DATA_DIR "tests/data/parquet"
#define ORIGIN_MS 1669236000444LL

typedef struct value {
    bool null;
    int64_t i;
    double d;
    uint8_t b[64];
    size_t len;
} value;

static double pow10i(int k)
{
    double p = 1;
    while (k-- > 0) p *= 10;
    return p;
}

/* Hinnant's civil_from_days: days since 1970-01-01 to y/m/d. */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static void set_str(value *v, const char *s)
{
    v->len = strlen(s);
    memcpy(v->b, s, v->len);
}

static uint32_t golden32(int64_t i) { return (uint32_t)i * 0x9E3779B1u; }
static int64_t golden64(int64_t i) { return (int64_t)((uint64_t)i * 0x9E3779B97F4A7C15ull); }

/* Row i of generator `gen` (see generators.mjs); false if unknown. */
static bool generate(const char *gen, int64_t i, int scale, value *v)
{
    char s[64];
    memset(v, 0, sizeof *v);
    if (!strcmp(gen, "bool3")) v->i = i % 3 == 0;
    else if (!strcmp(gen, "i8")) v->i = (i * 37) % 256 - 128;
    else if (!strcmp(gen, "i16")) v->i = (i * 7919) % 65536 - 32768;
    else if (!strcmp(gen, "i32")) v->i = (i * 7919) % 20011 - 10000;
    else if (!strcmp(gen, "i32w")) v->i = (int32_t)golden32(i);
    else if (!strcmp(gen, "u8")) v->i = (i * 37) % 256;
    else if (!strcmp(gen, "u16")) v->i = (i * 7919) % 65536;
    else if (!strcmp(gen, "u32")) v->i = golden32(i);
    else if (!strcmp(gen, "i64") || !strcmp(gen, "u64")) v->i = golden64(i);
    else if (!strcmp(gen, "i64s")) v->i = i * 1000 - 7;
    else if (!strcmp(gen, "f32")) v->d = (float)((double)i / 7.0 - 50.0);
    else if (!strcmp(gen, "f64")) v->d = (double)i / 3.0 - 100.0;
    else if (!strcmp(gen, "str_dict")) { snprintf(s, sizeof s, "k%d", (int)(i % 13)); set_str(v, s); }
    else if (!strcmp(gen, "str_uniq")) {
        int n = snprintf(s, sizeof s, "row-%lld-", (long long)i);
        for (int k = 0; k < i % 17; k++) s[n++] = 'x';
        s[n] = 0;
        set_str(v, s);
    } else if (!strcmp(gen, "str_same")) set_str(v, "same");
    else if (!strcmp(gen, "bin")) {
        v->len = (size_t)(i % 5);
        for (size_t j = 0; j < v->len; j++) v->b[j] = (uint8_t)((i + (int64_t)j * 7) % 256);
    } else if (!strcmp(gen, "flba4")) {
        uint32_t u = golden32(i);
        v->len = 4;
        for (int k = 0; k < 4; k++) v->b[k] = (uint8_t)(u >> (8 * k));
    } else if (!strcmp(gen, "date")) v->i = i - 5000;
    else if (!strcmp(gen, "ts_ms")) v->i = ORIGIN_MS + i * 37;
    else if (!strcmp(gen, "ts_us")) v->i = (ORIGIN_MS + i * 37) * 1000 + i % 1000;
    else if (!strcmp(gen, "ts_ns")) v->i = ((ORIGIN_MS + i * 37) * 1000 + i % 1000) * 1000 + i % 997;
    else if (!strcmp(gen, "int96ns")) v->i = (i - 500) * 259200000000000LL + i * 1234567891LL;
    else if (!strcmp(gen, "dec9_2")) v->d = (double)((i * 137) % 100000 - 50000) / pow10i(scale);
    else if (!strcmp(gen, "dec18_3"))
        v->d = (double)((i * 1234567891LL) % 999999999999989LL - 500000000000000LL) / pow10i(scale);
    else if (!strcmp(gen, "uuid")) {
        uint32_t a = golden32(i);
        uint64_t b = (uint64_t)i * 7;
        uint8_t u[16] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a,
                          0, 0, 0x40, 0, 0x80, 0 };
        for (int k = 0; k < 6; k++) u[10 + k] = (uint8_t)(b >> (8 * (5 - k)));
        memcpy(v->b, u, 16);
        v->len = 16;
    } else if (!strcmp(gen, "time_iso")) {
        int64_t ms = ORIGIN_MS + i * 37, days = ms / 86400000, rem = ms % 86400000;
        int y;
        unsigned m, d;
        civil(days, &y, &m, &d);
        snprintf(s, sizeof s, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, (int)(rem / 3600000),
                 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
        set_str(v, s);
    } else if (!strcmp(gen, "value")) v->d = (double)((i * 7919) % 10007) / 8.0 - 600.0;
    else if (!strcmp(gen, "field6")) {
        static const char *const f[] = { "x", "y", "z", "fx", "fy", "fz" };
        set_str(v, f[i % 6]);
    } else if (!strcmp(gen, "robot")) v->i = 1 + (i / 6) % 2;
    else if (!strcmp(gen, "run_uuid")) v->d = 7.58229308099147e18 + (double)(i / 1000) * 4096;
    else if (!strcmp(gen, "sensor")) set_str(v, i % 6 < 3 ? "encoder" : "load_cell");
    else return false;
    return true;
}

static bool is_null(const char *nulls, int64_t i)
{
    if (!strcmp(nulls, "mod5")) return i % 5 == 2;
    if (!strcmp(nulls, "rare")) return i % 997 == 5;
    if (!strcmp(nulls, "all")) return true;
    return false;
}

static const char *type_key(kt_type t)
{
    static const char *const names[] = { "bool", "int32", "int64", "float", "double", "bytes" };
    return names[t];
}

static int unit_of(const char *s)
{
    if (!s) return 0;
    return !strcmp(s, "ms") ? KT_PQ_UNIT_MILLIS : !strcmp(s, "us") ? KT_PQ_UNIT_MICROS : KT_PQ_UNIT_NANOS;
}

typedef struct col_spec {
    const char *name, *gen, *nulls, *type, *physical, *unit, *stats;
    bool nullable, is_signed, utc, has_utc;
    int scale;
    json_t *encodings;
} col_spec;

static void read_spec(json_t *c, col_spec *s)
{
    memset(s, 0, sizeof *s);
    s->name = json_string_value(json_object_get(c, "name"));
    s->gen = json_string_value(json_object_get(c, "gen"));
    s->nulls = json_string_value(json_object_get(c, "nulls"));
    s->type = json_string_value(json_object_get(c, "type"));
    s->physical = json_string_value(json_object_get(c, "physical"));
    s->unit = json_string_value(json_object_get(c, "timestamp_unit"));
    s->stats = json_string_value(json_object_get(c, "stats"));
    s->nullable = json_is_true(json_object_get(c, "nullable"));
    s->is_signed = json_is_true(json_object_get(c, "signed"));
    s->has_utc = json_object_get(c, "utc") != NULL;
    s->utc = json_is_true(json_object_get(c, "utc"));
    s->scale = (int)json_integer_value(json_object_get(c, "scale"));
    s->encodings = json_object_get(c, "encodings");
}

/* Compares one decoded value with the generator; writes a reason on mismatch. */
static bool value_matches(const kt_column *col, size_t row, const col_spec *s, int64_t i, char *why,
                          size_t why_len)
{
    value v;
    if (!generate(s->gen, i, s->scale, &v)) {
        snprintf(why, why_len, "unknown generator %s", s->gen);
        return false;
    }
    bool want_null = is_null(s->nulls, i);
    if (want_null != !kt_column_is_valid(col, row)) {
        snprintf(why, why_len, "row %lld: null is %d, expected %d", (long long)i,
                 !kt_column_is_valid(col, row), want_null);
        return false;
    }
    if (want_null) return true;
    bool ok = true;
    switch (col->type) {
    case KT_BOOL: ok = KT_COL_BOOL(col)[row] == v.i; break;
    case KT_INT32: ok = KT_COL_I32(col)[row] == v.i; break;
    case KT_INT64: ok = KT_COL_I64(col)[row] == v.i; break;
    case KT_FLOAT: ok = KT_COL_FLOAT(col)[row] == (float)v.d; break;
    case KT_DOUBLE: ok = KT_COL_DOUBLE(col)[row] == v.d; break;
    case KT_BYTES: {
        size_t len;
        const char *p = kt_column_bytes_at(col, row, &len);
        ok = len == v.len && memcmp(p, v.b, len) == 0;
        break;
    }
    }
    if (!ok) snprintf(why, why_len, "row %lld: value differs from generator %s", (long long)i, s->gen);
    return ok;
}

static int bytes_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

/* True minimum/maximum of a row group's generated values vs its statistics. */
static bool stats_match(const kt_pq_reader *r, int g, int c, const col_spec *s, int64_t first, int64_t rows,
                        char *why, size_t why_len)
{
    kt_pq_column_stats st;
    if (kt_pq_column_stats_get(r, g, c, &st) != KT_OK) {
        snprintf(why, why_len, "stats_get failed");
        return false;
    }
    if (s->stats && !strcmp(s->stats, "absent") && st.has_min_max) {
        snprintf(why, why_len, "statistics that must be ignored were used");
        return false;
    }
    if (s->stats && strcmp(s->stats, "absent") && !st.has_min_max) {
        snprintf(why, why_len, "usable statistics were not reported");
        return false;
    }
    int64_t nulls = 0, present = 0;
    value lo = { 0 }, hi = { 0 }, v;
    const kt_pq_column_info *ci = kt_pq_column(r, c);
    for (int64_t i = first; i < first + rows; i++) {
        if (is_null(s->nulls, i)) { nulls++; continue; }
        generate(s->gen, i, s->scale, &v);
        bool less, more;
        if (ci->value_type == KT_BYTES) {
            less = !present || bytes_cmp(v.b, v.len, lo.b, lo.len) < 0;
            more = !present || bytes_cmp(v.b, v.len, hi.b, hi.len) > 0;
        } else if (ci->value_type == KT_FLOAT || ci->value_type == KT_DOUBLE) {
            less = !present || v.d < lo.d;
            more = !present || v.d > hi.d;
        } else if (!ci->is_signed && ci->value_type == KT_INT64) {
            less = !present || (uint64_t)v.i < (uint64_t)lo.i;
            more = !present || (uint64_t)v.i > (uint64_t)hi.i;
        } else {
            less = !present || v.i < lo.i;
            more = !present || v.i > hi.i;
        }
        if (less) lo = v;
        if (more) hi = v;
        present++;
    }
    if (st.has_null_count && st.null_count != nulls) {
        snprintf(why, why_len, "null_count %lld, expected %lld", (long long)st.null_count, (long long)nulls);
        return false;
    }
    if (!st.has_min_max) return true;
    if (!present) {
        snprintf(why, why_len, "min/max reported for an all-null chunk");
        return false;
    }
    bool ok;
    if (ci->value_type == KT_BYTES)
        ok = bytes_cmp(st.min_bytes, st.min_len, lo.b, lo.len) <= 0 &&
             bytes_cmp(st.max_bytes, st.max_len, hi.b, hi.len) >= 0;
    else if (ci->value_type == KT_FLOAT || ci->value_type == KT_DOUBLE)
        ok = st.min_d == lo.d && st.max_d == hi.d;
    else
        ok = st.min_i == lo.i && st.max_i == hi.i;
    if (!ok) snprintf(why, why_len, "min/max statistics disagree with the data");
    return ok;
}

static bool chunk_has_encoding(const kt_pq_column_meta *m, const char *name)
{
    for (int e = 0; e < m->num_encodings; e++)
        if (!strcmp(kt_pq_encoding_name(m->encodings[e]), name)) return true;
    return false;
}

/* All checks for one fixture; returns NULL or a failure description. */
static const char *check_fixture(const char *json_path, char *why, size_t why_len)
{
    json_error_t jerr;
    json_t *root = json_load_file(json_path, 0, &jerr);
    if (!root) { snprintf(why, why_len, "%s: %s", json_path, jerr.text); return why; }
    char path[512];
    snprintf(path, sizeof path, DATA_DIR "/%s", json_string_value(json_object_get(root, "file")));
    kt_error err;
    kt_pq_reader *r = NULL;
    const char *fail = NULL;
    json_t *cols = json_object_get(root, "columns");
    int ncols = (int)json_array_size(cols);
    col_spec *specs = calloc((size_t)ncols, sizeof *specs);
    kt_column *out = calloc((size_t)ncols, sizeof *out);
    int *proj = calloc((size_t)ncols, sizeof *proj);
    if (kt_pq_open(path, &r, &err) != KT_OK) { snprintf(why, why_len, "%s", err.msg); fail = why; goto done; }
#define FAIL(...) do { int n_ = snprintf(why, why_len, "%s: ", path); \
        snprintf(why + n_, why_len - (size_t)n_, __VA_ARGS__); fail = why; goto done; } while (0)
    if (kt_pq_num_rows(r) != json_integer_value(json_object_get(root, "rows")))
        FAIL("num_rows %lld", (long long)kt_pq_num_rows(r));
    if (kt_pq_num_columns(r) != ncols) FAIL("%d columns, expected %d", kt_pq_num_columns(r), ncols);
    const char *codec = json_string_value(json_object_get(root, "codec"));
    const kt_pq_file_meta *meta = kt_pq_file_metadata(r);
    for (int c = 0; c < ncols; c++) {
        read_spec(json_array_get(cols, (size_t)c), &specs[c]);
        const col_spec *s = &specs[c];
        const kt_pq_column_info *ci = kt_pq_column(r, c);
        if (strcmp(ci->name, s->name)) FAIL("column %d is '%s', expected '%s'", c, ci->name, s->name);
        if (kt_pq_find_column(r, s->name) != c) FAIL("find_column('%s')", s->name);
        if (strcmp(type_key(ci->value_type), s->type)) FAIL("'%s' decodes to %s, expected %s", s->name, type_key(ci->value_type), s->type);
        if (strcmp(kt_pq_physical_name(ci->physical), s->physical)) FAIL("'%s' physical %s", s->name, kt_pq_physical_name(ci->physical));
        if (ci->nullable != s->nullable) FAIL("'%s' nullable %d", s->name, ci->nullable);
        if (ci->is_signed != s->is_signed) FAIL("'%s' is_signed %d", s->name, ci->is_signed);
        if (s->unit && (!ci->is_timestamp || (int)ci->unit != unit_of(s->unit))) FAIL("'%s' timestamp unit", s->name);
        if (!s->unit && ci->is_timestamp) FAIL("'%s' is a timestamp", s->name);
        if (s->has_utc && s->unit && ci->utc != s->utc) FAIL("'%s' utc %d", s->name, ci->utc);
        for (int g = 0; g < meta->num_row_groups; g++) {
            const kt_pq_column_meta *m = &meta->row_groups[g].columns[c].meta_data;
            if (codec && strcmp(kt_pq_codec_name(m->codec), codec)) FAIL("'%s' codec %s, expected %s", s->name, kt_pq_codec_name(m->codec), codec);
            for (size_t e = 0; e < json_array_size(s->encodings); e++) {
                const char *want = json_string_value(json_array_get(s->encodings, e));
                if (!chunk_has_encoding(m, want)) FAIL("'%s' row group %d lacks encoding %s", s->name, g, want);
            }
        }
        kt_column_init(&out[c], KT_INT32);
    }
    /* All columns in order; then a reversed projection of every other
     * column, read through a 100-byte file window (refills, header retries). */
    for (int pass = 0; pass < 2; pass++) {
        int np = 0;
        if (pass == 0) for (int c = 0; c < ncols; c++) proj[np++] = c;
        else for (int c = ncols - 1; c >= 0; c -= 2) proj[np++] = c;
        if (pass == 1) r->window = 100;
        int64_t first = 0;
        for (int g = 0; g < kt_pq_num_row_groups(r); g++) {
            int64_t rows = kt_pq_row_group_rows(r, g);
            if (kt_pq_read_row_group(r, g, proj, np, out, &err) != KT_OK) FAIL("%s", err.msg);
            for (int k = 0; k < np; k++) {
                const col_spec *s = &specs[proj[k]];
                const kt_column *col = &out[k];
                if ((int64_t)col->len != rows) FAIL("'%s' row group %d has %zu values, expected %lld", s->name, g, col->len, (long long)rows);
                size_t nulls = 0;
                for (int64_t row = 0; row < rows; row++) {
                    if (!value_matches(col, (size_t)row, s, first + row, why, why_len)) {
                        char tmp[256];
                        snprintf(tmp, sizeof tmp, "%s", why);
                        FAIL("'%s' %s", s->name, tmp);
                    }
                    nulls += !kt_column_is_valid(col, (size_t)row);
                }
                if (nulls != col->null_count) FAIL("'%s' null_count %zu, counted %zu", s->name, col->null_count, nulls);
                if (pass == 0 && !stats_match(r, g, proj[k], s, first, rows, why, why_len)) {
                    char tmp[256];
                    snprintf(tmp, sizeof tmp, "%s", why);
                    FAIL("'%s' row group %d: %s", s->name, g, tmp);
                }
            }
            first += rows;
        }
    }
#undef FAIL
done:
    for (int c = 0; c < ncols; c++) kt_column_free(&out[c]);
    free(out);
    free(proj);
    free(specs);
    kt_pq_close(r);
    json_decref(root);
    return fail;
}

TEST(every_fixture_matches_its_generators)
{
    DIR *d = opendir(DATA_DIR);
    CHECK_MSG(d != NULL, "cannot open %s (run from the repository root)", DATA_DIR);
    int checked = 0;
    char why[1024];
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json")) continue;
        char path[512];
        snprintf(path, sizeof path, DATA_DIR "/%s", e->d_name);
        const char *fail = check_fixture(path, why, sizeof why);
        if (fail) closedir(d);
        CHECK_MSG(fail == NULL, "%s", fail);
        checked++;
    }
    closedir(d);
    CHECK_MSG(checked >= 15, "only %d fixtures found", checked);
}

TEST(source_schema_reads_as_documented)
{
    kt_error err;
    kt_pq_reader *r;
    CHECK_OK(kt_pq_open(DATA_DIR "/source_schema.parquet", &r, &err), &err);
    static const char *const names[] = { "time", "value", "field", "robot_id", "run_uuid", "sensor_type" };
    static const kt_type types[] = { KT_BYTES, KT_DOUBLE, KT_BYTES, KT_INT64, KT_DOUBLE, KT_BYTES };
    CHECK_EQ_INT(kt_pq_num_columns(r), 6);
    for (int c = 0; c < 6; c++) {
        CHECK_EQ_STR(kt_pq_column(r, c)->name, names[c]);
        CHECK_EQ_INT(kt_pq_column(r, c)->value_type, types[c]);
    }
    CHECK_EQ_INT(kt_pq_find_column(r, "SENSOR_TYPE"), 5);
    CHECK_EQ_INT(kt_pq_find_column(r, "nope"), -1);
    kt_column col;
    kt_column_init(&col, KT_BYTES);
    int which = 0;
    CHECK_OK(kt_pq_read_row_group(r, 0, &which, 1, &col, &err), &err);
    size_t len;
    const char *p = kt_column_bytes_at(&col, 0, &len);
    CHECK(len == 24 && memcmp(p, "2022-11-23T20:40:00.444Z", 24) == 0);
    /* Errors for bad arguments name the file. */
    int bad = 6;
    CHECK_EQ_INT(kt_pq_read_row_group(r, 0, &bad, 1, &col, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "source_schema.parquet: column 6 does not exist") != NULL);
    CHECK_EQ_INT(kt_pq_read_row_group(r, 9, &which, 1, &col, &err), KT_ERR_USAGE);
    kt_column_free(&col);
    kt_pq_close(r);
}

TEST_MAIN_BEGIN("parquet_read_fixtures")
    RUN(ctx, every_fixture_matches_its_generators);
    RUN(ctx, source_schema_reads_as_documented);
TEST_MAIN_END()
