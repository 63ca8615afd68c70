/* tests/unit/test_ingest_clean.c — the row-group cleaner: every reason code
 * with its detail, the precedence between every pair of reasons, accepted
 * readings typed exactly, duplicates within a file, quarantine text, other
 * physical types, and the counting invariant. Rows are built by hand; the
 * expected values are written from the SPEC, not taken from the code. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "pipeline/ingest_clean.h"

/* One source row of the real schema; NULL strings and *_null flags are nulls. */
typedef struct src_row {
    const char *time;
    double value;
    bool value_null;
    const char *field;
    int64_t robot;
    bool robot_null;
    double run;
    bool run_null;
    const char *sensor;
} src_row;

#define RUN_A 7.58229308099147e18
#define RUN_B 1.2405186538561671e19

static src_row good(void)
{
    return (src_row){ .time = "2022-11-23T20:40:00.444Z", .value = 1234.5, .field = "x", .robot = 1, .run = RUN_A,
                      .sensor = "encoder" };
}

typedef struct group {
    kt_ingest_schema schema;
    kt_column cols[KT_ROLES];
} group;

static void real_schema(kt_ingest_schema *s)
{
    memset(s, 0, sizeof *s);
    kt_type types[KT_ROLES] = { [KT_ROLE_TIME] = KT_BYTES, [KT_ROLE_VALUE] = KT_DOUBLE, [KT_ROLE_FIELD] = KT_BYTES,
                                [KT_ROLE_ROBOT] = KT_INT64, [KT_ROLE_RUN] = KT_DOUBLE, [KT_ROLE_SENSOR] = KT_BYTES };
    for (int r = 0; r < KT_ROLES; r++) s->role[r] = (kt_ingest_source_column){ .column = r, .type = types[r] };
}

static void group_init(group *g)
{
    real_schema(&g->schema);
    for (int r = 0; r < KT_ROLES; r++) kt_column_init(&g->cols[r], g->schema.role[r].type);
}

static void group_free(group *g)
{
    for (int r = 0; r < KT_ROLES; r++) kt_column_free(&g->cols[r]);
}

static void group_clear(group *g)
{
    for (int r = 0; r < KT_ROLES; r++) kt_column_clear(&g->cols[r]);
}

static void push_text(kt_column *c, const char *s)
{
    if (s) kt_column_push_bytes(c, s, strlen(s));
    else kt_column_push_null(c);
}

static void group_add(group *g, src_row r)
{
    push_text(&g->cols[KT_ROLE_TIME], r.time);
    if (r.value_null) kt_column_push_null(&g->cols[KT_ROLE_VALUE]);
    else kt_column_push_double(&g->cols[KT_ROLE_VALUE], r.value);
    push_text(&g->cols[KT_ROLE_FIELD], r.field);
    if (r.robot_null) kt_column_push_null(&g->cols[KT_ROLE_ROBOT]);
    else kt_column_push_i64(&g->cols[KT_ROLE_ROBOT], r.robot);
    if (r.run_null) kt_column_push_null(&g->cols[KT_ROLE_RUN]);
    else kt_column_push_double(&g->cols[KT_ROLE_RUN], r.run);
    push_text(&g->cols[KT_ROLE_SENSOR], r.sensor);
}

/* A cleaner and its outputs. */
typedef struct fixture {
    kt_ingest_cleaner *c;
    kt_ingest_accepted acc;
    kt_ingest_rejected rej;
    kt_ingest_counts counts;
    kt_error err;
} fixture;

static void fixture_init(fixture *f, const kt_ingest_config *cfg)
{
    kt_ingest_config def;
    kt_ingest_config_default(&def);
    memset(f, 0, sizeof *f);
    f->c = kt_ingest_cleaner_new(cfg ? cfg : &def);
    kt_ingest_cleaner_begin_file(f->c);
    kt_ingest_accepted_init(&f->acc);
    kt_ingest_rejected_init(&f->rej);
}

static void fixture_free(fixture *f)
{
    kt_ingest_cleaner_free(f->c);
    kt_ingest_accepted_free(&f->acc);
    kt_ingest_rejected_free(&f->rej);
}

static kt_status clean(fixture *f, group *g, int64_t first_row)
{
    return kt_ingest_clean(f->c, &g->schema, g->cols, g->cols[0].len, first_row, &f->acc, &f->rej, &f->counts,
                           &f->err);
}

/* Text of quarantine column q at row i, or NULL when null. */
static const char *qtext(const kt_ingest_rejected *r, int q, size_t i)
{
    static char buf[8][512];
    static int k;
    if (!kt_column_is_valid(&r->col[q], i)) return NULL;
    size_t n;
    const char *s = kt_column_bytes_at(&r->col[q], i, &n);
    char *out = buf[k++ % 8];
    snprintf(out, sizeof buf[0], "%.*s", (int)n, s);
    return out;
}

static bool reject_row(src_row *r, kt_reason reason)
{
    switch (reason) {
    case KT_REASON_NULL_TIME: r->time = NULL; return true;
    case KT_REASON_BAD_TIME: r->time = "2022-11-23T20:4x:00.444Z"; return true;
    case KT_REASON_NULL_RUN_UUID: r->run_null = true; return true;
    case KT_REASON_BAD_ROBOT_ID: r->robot = 3; return true;
    case KT_REASON_UNKNOWN_FIELD: r->field = "w"; return true;
    case KT_REASON_SENSOR_FIELD_MISMATCH: r->sensor = "load_cell"; return true;
    case KT_REASON_NULL_VALUE: r->value_null = true; return true;
    case KT_REASON_NON_FINITE_VALUE: r->value = NAN; return true;
    case KT_REASON_OUT_OF_RANGE: r->value = 12345.5; return true;
    default: return false;
    }
}

/* Reasons decided by the same column cannot be combined in one row. */
static int column_of(kt_reason r)
{
    switch (r) {
    case KT_REASON_NULL_TIME:
    case KT_REASON_BAD_TIME: return 0;
    case KT_REASON_NULL_VALUE:
    case KT_REASON_NON_FINITE_VALUE:
    case KT_REASON_OUT_OF_RANGE: return 1;
    default: return 2 + (int)r;
    }
}

TEST(every_reason_code_with_detail_and_original_text)
{
    struct {
        src_row row;
        const char *reason, *detail;
    } cases[] = {
        { .reason = "null_time", .detail = "time is null" },
        { .reason = "null_time", .detail = "time is empty" },
        { .reason = "bad_time", .detail = "time \"2022-11-23T20:4x:00.444Z\": time of day is not HH:MM:SS" },
        { .reason = "bad_time", .detail = "time \"not a time\": too short for YYYY-MM-DDTHH:MM:SS" },
        { .reason = "bad_time", .detail = "time \"2023-02-29T00:00:00Z\": day out of range for the month" },
        { .reason = "null_run_uuid", .detail = "run_uuid is null" },
        { .reason = "null_run_uuid", .detail = "run_uuid is not an integer: 1.5" },
        { .reason = "null_run_uuid", .detail = "run_uuid is negative: -7" },
        { .reason = "bad_robot_id", .detail = "robot_id 3 is not 1 or 2" },
        { .reason = "bad_robot_id", .detail = "robot_id is null" },
        { .reason = "unknown_field", .detail = "field \"w\" is not one of x y z fx fy fz" },
        { .reason = "unknown_field", .detail = "field is null" },
        { .reason = "sensor_field_mismatch", .detail = "field fx belongs to load_cell but sensor_type is encoder" },
        { .reason = "sensor_field_mismatch", .detail = "sensor_type \"gyro\" is not encoder or load_cell" },
        { .reason = "sensor_field_mismatch", .detail = "sensor_type is null" },
        { .reason = "null_value", .detail = "value is null" },
        { .reason = "non_finite_value", .detail = "value is nan" },
        { .reason = "non_finite_value", .detail = "value is -inf" },
        { .reason = "out_of_range", .detail = "x = 12345.5 outside [-10000, 10000]" },
        { .reason = "out_of_range", .detail = "fz = -75000 outside [-50000, 50000]" },
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) cases[i].row = good();
    cases[0].row.time = NULL;
    cases[1].row.time = "  ";
    cases[2].row.time = "2022-11-23T20:4x:00.444Z";
    cases[3].row.time = "not a time";
    cases[4].row.time = "2023-02-29T00:00:00Z";
    cases[5].row.run_null = true;
    cases[6].row.run = 1.5;
    cases[7].row.run = -7;
    cases[8].row.robot = 3;
    cases[9].row.robot_null = true;
    cases[10].row.field = "w";
    cases[11].row.field = NULL;
    cases[12].row.field = "fx";
    cases[13].row.sensor = "gyro";
    cases[14].row.sensor = NULL;
    cases[15].row.value_null = true;
    cases[16].row.value = NAN;
    cases[17].row.value = -INFINITY;
    cases[18].row.value = 12345.5;
    cases[19].row.field = "fz", cases[19].row.sensor = "load_cell", cases[19].row.value = -75000;

    group g;
    group_init(&g);
    for (size_t i = 0; i < n; i++) group_add(&g, cases[i].row);
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(clean(&f, &g, 100), &f.err);
    CHECK_EQ_INT(f.counts.rows, n);
    CHECK_EQ_INT(f.counts.quarantined, n);
    CHECK_EQ_INT(f.acc.len, 0);
    CHECK_EQ_INT(kt_ingest_rejected_len(&f.rej), n);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ_STR(qtext(&f.rej, KT_Q_REASON, i), cases[i].reason);
        CHECK_EQ_STR(qtext(&f.rej, KT_Q_DETAIL, i), cases[i].detail);
        CHECK_EQ_INT(KT_COL_I64(&f.rej.col[KT_Q_ROW_NUMBER])[i], 100 + (int64_t)i);
    }
    /* the original values as text */
    CHECK(qtext(&f.rej, KT_Q_TIME_TEXT, 0) == NULL);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_TIME_TEXT, 1), "  ");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_TIME_TEXT, 3), "not a time");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_VALUE_TEXT, 0), "1234.5");
    CHECK(qtext(&f.rej, KT_Q_VALUE_TEXT, 15) == NULL);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_VALUE_TEXT, 16), "nan");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_VALUE_TEXT, 18), "12345.5");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_RUN_UUID_TEXT, 0), "7.58229308099147e+18");
    CHECK(qtext(&f.rej, KT_Q_RUN_UUID_TEXT, 5) == NULL);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_RUN_UUID_TEXT, 6), "1.5");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_ROBOT_ID_TEXT, 8), "3");
    CHECK(qtext(&f.rej, KT_Q_ROBOT_ID_TEXT, 9) == NULL);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_FIELD_TEXT, 10), "w");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_SENSOR_TYPE_TEXT, 13), "gyro");
    int64_t sum = 0;
    for (int r = 0; r < KT_REASON_COUNT; r++) sum += f.counts.by_reason[r];
    CHECK_EQ_INT(sum, n);
    CHECK_EQ_INT(f.counts.by_reason[KT_REASON_SENSOR_FIELD_MISMATCH], 3);
    fixture_free(&f);
    group_free(&g);
}

TEST(precedence_between_every_pair_of_reasons)
{
    /* the documented order: identity (time, run, robot, field, sensor) before value */
    group g;
    group_init(&g);
    fixture f;
    fixture_init(&f, NULL);
    int pairs = 0;
    for (int a = 0; a < KT_REASON_COUNT; a++) {
        for (int b = a + 1; b < KT_REASON_COUNT; b++) {
            if (column_of((kt_reason)a) == column_of((kt_reason)b)) continue;
            src_row r = good();
            reject_row(&r, (kt_reason)a);
            reject_row(&r, (kt_reason)b);
            group_clear(&g);
            group_add(&g, r);
            kt_ingest_rejected_clear(&f.rej);
            CHECK_OK(clean(&f, &g, 0), &f.err);
            CHECK_MSG(kt_ingest_rejected_len(&f.rej) == 1, "%s+%s not rejected", kt_reason_name((kt_reason)a),
                      kt_reason_name((kt_reason)b));
            CHECK_MSG(strcmp(qtext(&f.rej, KT_Q_REASON, 0), kt_reason_name((kt_reason)a)) == 0, "%s+%s -> %s",
                      kt_reason_name((kt_reason)a), kt_reason_name((kt_reason)b), qtext(&f.rej, KT_Q_REASON, 0));
            pairs++;
        }
    }
    CHECK_EQ_INT(pairs, 36 - 1 - 3); /* 9 choose 2, minus the same-column pairs */
    fixture_free(&f);
    group_free(&g);
}

static int64_t utc_us(int y, int mo, int d, int h, int mi, int s, int64_t frac_us)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s };
    return (int64_t)timegm(&tm) * 1000000 + frac_us;
}

TEST(accepted_readings_are_typed_and_normalised)
{
    group g;
    group_init(&g);
    src_row r = good();
    group_add(&g, r);
    r.time = "2022-11-23T20:40:45Z", r.field = " X ", r.sensor = "Encoder", r.robot = 2, r.run = RUN_B;
    group_add(&g, r);
    r = good();
    r.time = "2022-11-23T20:40:00.01Z", r.field = " FZ", r.sensor = "LOAD_CELL ", r.value = -50000;
    group_add(&g, r);
    r = good();
    r.value = 10000, r.field = "z"; /* limits are inclusive */
    group_add(&g, r);
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    CHECK_EQ_INT(f.acc.len, 4);
    CHECK_EQ_INT(f.counts.accepted, 4);
    const kt_ingest_row *a = f.acc.rows;
    CHECK_EQ_INT(a[0].time_us, utc_us(2022, 11, 23, 20, 40, 0, 444000));
    CHECK(a[0].value == 1234.5 && a[0].robot == 1 && a[0].field == KT_FIELD_X);
    CHECK_EQ_INT(a[1].time_us, utc_us(2022, 11, 23, 20, 40, 45, 0));
    CHECK(a[1].robot == 2 && a[1].field == KT_FIELD_X);
    CHECK_EQ_INT(a[2].time_us, utc_us(2022, 11, 23, 20, 40, 0, 10000));
    CHECK(a[2].field == KT_FIELD_FZ && a[2].value == -50000);
    CHECK(a[3].field == KT_FIELD_Z && a[3].value == 10000);
    size_t len;
    CHECK_EQ_INT(kt_ingest_cleaner_num_runs(f.c), 2);
    const char *id = kt_ingest_cleaner_run(f.c, a[0].run, &len);
    CHECK(len == 19 && memcmp(id, "7582293080991470000", len) == 0);
    id = kt_ingest_cleaner_run(f.c, a[1].run, &len);
    CHECK(len == 20 && memcmp(id, "12405186538561671000", len) == 0);
    CHECK(a[2].run == a[0].run && a[3].run == a[0].run);
    fixture_free(&f);
    group_free(&g);
}

TEST(duplicates_within_a_file_are_dropped_and_counted)
{
    group g;
    group_init(&g);
    src_row r = good();
    group_add(&g, r);
    group_add(&g, r); /* exact copy */
    r.time = "2022-11-23T20:40:00.4440Z";
    group_add(&g, r); /* same instant, spelled differently */
    r.field = " X", r.sensor = "ENCODER";
    group_add(&g, r); /* same reading after normalisation */
    r = good();
    r.value = 1234.75;
    group_add(&g, r); /* conflicting value: not a duplicate, kept for the run-level rule */
    r = good();
    r.robot = 2;
    group_add(&g, r); /* other robot */
    r = good();
    r.run = RUN_B;
    group_add(&g, r); /* other run */
    r = good();
    r.time = NULL;
    group_add(&g, r);
    group_add(&g, r); /* quarantined rows are never deduplicated */
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    CHECK_EQ_INT(f.counts.accepted, 4);
    CHECK_EQ_INT(f.counts.duplicates, 3);
    CHECK_EQ_INT(f.counts.quarantined, 2);
    /* a copy in a later row group of the same file is a duplicate too */
    group_clear(&g);
    group_add(&g, good());
    CHECK_OK(clean(&f, &g, 9), &f.err);
    CHECK_EQ_INT(f.counts.duplicates, 4);
    /* ... but not in the next file */
    kt_ingest_cleaner_begin_file(f.c);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    CHECK_EQ_INT(f.counts.accepted, 5);
    CHECK_EQ_INT(f.counts.rows, f.counts.accepted + f.counts.quarantined + f.counts.duplicates);
    CHECK_EQ_INT(kt_ingest_cleaner_dedup_resets(f.c), 0);
    fixture_free(&f);
    group_free(&g);
}

TEST(configured_limits_decide_out_of_range)
{
    kt_ingest_config cfg;
    kt_ingest_config_default(&cfg);
    kt_error err;
    CHECK_OK(kt_ingest_config_set(&cfg, "limit_x", "0:3500", &err), &err);
    group g;
    group_init(&g);
    src_row r = good();
    r.value = -0.5;
    group_add(&g, r);
    r.value = 3500;
    group_add(&g, r);
    r.value = 3500.0001;
    group_add(&g, r);
    r.field = "y", r.value = -9999;
    group_add(&g, r);
    fixture f;
    fixture_init(&f, &cfg);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    CHECK_EQ_INT(f.counts.accepted, 2);
    CHECK_EQ_INT(f.counts.by_reason[KT_REASON_OUT_OF_RANGE], 2);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_DETAIL, 0), "x = -0.5 outside [0, 3500]");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_DETAIL, 1), "x = 3500.0001 outside [0, 3500]");
    fixture_free(&f);
    group_free(&g);
}

TEST(other_physical_types)
{
    /* time TIMESTAMP(ns), value FLOAT, robot INT32, run UINT64 above 2^63, names as usual */
    kt_ingest_schema s;
    real_schema(&s);
    s.role[KT_ROLE_TIME] = (kt_ingest_source_column){ .type = KT_INT64, .is_timestamp = true, .unit = KT_PQ_UNIT_NANOS };
    s.role[KT_ROLE_VALUE].type = KT_FLOAT;
    s.role[KT_ROLE_ROBOT].type = KT_INT32;
    s.role[KT_ROLE_RUN] = (kt_ingest_source_column){ .type = KT_INT64, .is_unsigned = true };
    kt_column cols[KT_ROLES];
    for (int r = 0; r < KT_ROLES; r++) kt_column_init(&cols[r], s.role[r].type);
    int64_t t_ns = utc_us(2022, 11, 23, 20, 40, 0, 0) * 1000 + 444123999;
    kt_column_push_i64(&cols[KT_ROLE_TIME], t_ns);
    kt_column_push_float(&cols[KT_ROLE_VALUE], 0.5f);
    push_text(&cols[KT_ROLE_FIELD], "fy");
    kt_column_push_i32(&cols[KT_ROLE_ROBOT], 2);
    kt_column_push_i64(&cols[KT_ROLE_RUN], (int64_t)12405186538561671000ULL);
    push_text(&cols[KT_ROLE_SENSOR], "load_cell");
    /* a rejected row shows the timestamp and the unsigned id as text */
    kt_column_push_i64(&cols[KT_ROLE_TIME], t_ns);
    kt_column_push_float(&cols[KT_ROLE_VALUE], INFINITY);
    push_text(&cols[KT_ROLE_FIELD], "fy");
    kt_column_push_i32(&cols[KT_ROLE_ROBOT], 2);
    kt_column_push_i64(&cols[KT_ROLE_RUN], (int64_t)12405186538561671000ULL);
    push_text(&cols[KT_ROLE_SENSOR], "load_cell");
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(kt_ingest_clean(f.c, &s, cols, 2, 0, &f.acc, &f.rej, &f.counts, &f.err), &f.err);
    CHECK_EQ_INT(f.acc.len, 1);
    CHECK_EQ_INT(f.acc.rows[0].time_us, utc_us(2022, 11, 23, 20, 40, 0, 444123));
    CHECK(f.acc.rows[0].value == 0.5 && f.acc.rows[0].robot == 2 && f.acc.rows[0].field == KT_FIELD_FY);
    size_t len;
    const char *id = kt_ingest_cleaner_run(f.c, f.acc.rows[0].run, &len);
    CHECK(len == 20 && memcmp(id, "12405186538561671000", 20) == 0);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_TIME_TEXT, 0), "2022-11-23T20:40:00.444123Z");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_RUN_UUID_TEXT, 0), "12405186538561671000");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_VALUE_TEXT, 0), "inf");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_ROBOT_ID_TEXT, 0), "2");
    fixture_free(&f);
    for (int r = 0; r < KT_ROLES; r++) kt_column_free(&cols[r]);
}

TEST(text_run_ids_and_double_robot_ids)
{
    kt_ingest_schema s;
    real_schema(&s);
    s.role[KT_ROLE_RUN].type = KT_BYTES;
    s.role[KT_ROLE_ROBOT].type = KT_DOUBLE;
    kt_column cols[KT_ROLES];
    for (int r = 0; r < KT_ROLES; r++) kt_column_init(&cols[r], s.role[r].type);
    const char *runs[] = { " run-1 ", "run-1", "", "run-2" };
    double robots[] = { 1.0, 2.0, 1.0, 1.5 };
    for (int i = 0; i < 4; i++) {
        push_text(&cols[KT_ROLE_TIME], "2022-11-23T20:40:00Z");
        kt_column_push_double(&cols[KT_ROLE_VALUE], i);
        push_text(&cols[KT_ROLE_FIELD], "x");
        kt_column_push_double(&cols[KT_ROLE_ROBOT], robots[i]);
        push_text(&cols[KT_ROLE_RUN], runs[i]);
        push_text(&cols[KT_ROLE_SENSOR], "encoder");
    }
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(kt_ingest_clean(f.c, &s, cols, 4, 0, &f.acc, &f.rej, &f.counts, &f.err), &f.err);
    CHECK_EQ_INT(f.acc.len, 2);
    CHECK(f.acc.rows[0].run == f.acc.rows[1].run); /* " run-1 " and "run-1" are one run */
    CHECK_EQ_INT(f.acc.rows[1].robot, 2);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_REASON, 0), "null_run_uuid");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_DETAIL, 0), "run_uuid is empty");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_REASON, 1), "bad_robot_id");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_DETAIL, 1), "robot_id 1.5 is not 1 or 2");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_ROBOT_ID_TEXT, 1), "1.5");
    fixture_free(&f);
    for (int r = 0; r < KT_ROLES; r++) kt_column_free(&cols[r]);
}

TEST(invalid_utf8_is_escaped_in_quarantine)
{
    group g;
    group_init(&g);
    src_row r = good();
    r.field = "\xff" "x\xc3\xa9";
    group_add(&g, r);
    fixture f;
    fixture_init(&f, NULL);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_FIELD_TEXT, 0), "\\xFFx\xc3\xa9");
    CHECK_EQ_STR(qtext(&f.rej, KT_Q_REASON, 0), "unknown_field");
    fixture_free(&f);
    group_free(&g);
}

TEST(wrong_column_type_is_an_internal_error)
{
    group g;
    group_init(&g);
    group_add(&g, good());
    g.schema.role[KT_ROLE_VALUE].type = KT_FLOAT; /* schema says FLOAT, column holds DOUBLE */
    fixture f;
    fixture_init(&f, NULL);
    CHECK_EQ_INT(clean(&f, &g, 0), KT_ERR_INTERNAL);
    CHECK_MSG(strstr(f.err.msg, "value") != NULL, "%s", f.err.msg);
    fixture_free(&f);
    group_free(&g);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

TEST(random_rows_always_balance)
{
    /* random mixtures of good rows, defects and copies: every row is counted once */
    group g;
    group_init(&g);
    fixture f;
    fixture_init(&f, NULL);
    src_row pool[64];
    for (int i = 0; i < 64; i++) {
        pool[i] = good();
        pool[i].value = (double)(i % 7);
        pool[i].robot = 1 + i % 2;
        if (i % 5 == 0) reject_row(&pool[i], (kt_reason)(rnd() % KT_REASON_COUNT));
    }
    int64_t expect_q = 0;
    for (int round = 0; round < 20; round++) {
        group_clear(&g);
        for (int i = 0; i < 500; i++) {
            int k = (int)(rnd() % 64);
            group_add(&g, pool[k]);
            expect_q += k % 5 == 0;
        }
        CHECK_OK(clean(&f, &g, round * 500), &f.err);
    }
    CHECK_EQ_INT(f.counts.rows, 10000);
    CHECK_EQ_INT(f.counts.quarantined, expect_q);
    CHECK_EQ_INT(f.counts.accepted, (int64_t)f.acc.len);
    CHECK_EQ_INT(f.counts.accepted + f.counts.quarantined + f.counts.duplicates, 10000);
    CHECK(f.counts.accepted <= 64);
    CHECK_EQ_INT(kt_ingest_rejected_len(&f.rej), expect_q);
    fixture_free(&f);
    group_free(&g);
}

/* codes[i] into dict for the strings of col (nulls stay null); the
 * dictionary lists the distinct strings in reverse order of first use, with
 * two entries no row uses, as a foreign writer's dictionary might. */
static void encode_codes(const kt_column *col, kt_column *codes, kt_column *dict)
{
    kt_column_init(codes, KT_INT32);
    kt_column_init(dict, KT_BYTES);
    const char **seen = calloc(col->len + 1, sizeof *seen);
    size_t *lens = calloc(col->len + 1, sizeof *lens), nseen = 0;
    for (size_t i = 0; i < col->len; i++) {
        if (!kt_column_is_valid(col, i)) continue;
        size_t n;
        const char *t = kt_column_bytes_at(col, i, &n);
        size_t k = 0;
        while (k < nseen && !(lens[k] == n && memcmp(seen[k], t, n) == 0)) k++;
        if (k == nseen) seen[nseen] = t, lens[nseen++] = n;
    }
    kt_column_push_bytes(dict, "unused-1", 8);
    for (size_t k = nseen; k-- > 0;) kt_column_push_bytes(dict, seen[k], lens[k]);
    kt_column_push_bytes(dict, "unused-2", 8);
    for (size_t i = 0; i < col->len; i++) {
        if (!kt_column_is_valid(col, i)) {
            kt_column_push_null(codes);
            continue;
        }
        size_t n;
        const char *t = kt_column_bytes_at(col, i, &n);
        int32_t code = 1;
        for (size_t k = nseen; k-- > 0; code++)
            if (lens[k] == n && memcmp(seen[k], t, n) == 0) break;
        kt_column_push_i32(codes, code);
    }
    free(seen);
    free(lens);
}

/* A row group read with dictionary codes (every string role coded) cleans
 * exactly like the same strings: accepted rows, duplicates, every reason,
 * the quarantine's original text (unknown names, a bad time, invalid UTF-8),
 * counts. A code outside its dictionary is an internal error, not a crash. */
TEST(dictionary_codes_clean_like_strings)
{
    group g;
    group_init(&g);
    const char *names[][2] = { { "x", "encoder" }, { "fz", "load_cell" }, { " X ", "Encoder" }, { "w", "encoder" },
                               { "fx", "encoder" }, { NULL, "encoder" }, { "y", NULL }, { "z", "lidar\xff" },
                               { "fy", "load_cell" } };
    for (int i = 0; i < 400; i++) {
        src_row r = good();
        char t[40];
        snprintf(t, sizeof t, "2022-11-23T20:40:%02d.%03dZ", i / 40, (i * 7) % 1000);
        r.time = i % 97 == 5 ? "2022-13-45T99:00:00Z" : t;
        r.field = names[i % 9][0];
        r.sensor = names[i % 9][1];
        r.value = r.field && r.field[0] == 'f' ? -10.0 - i % 7 : 100.0 + i % 5;
        r.robot = 1 + i % 2;
        r.run = i % 3 ? RUN_A : RUN_B;
        group_add(&g, r);
        if (i % 11 == 0) group_add(&g, r); /* an exact duplicate */
    }
    size_t n = g.cols[0].len;
    fixture a, b;
    fixture_init(&a, NULL);
    fixture_init(&b, NULL);
    CHECK_OK(clean(&a, &g, 100), &a.err);

    kt_column coded[KT_ROLES], dicts[KT_ROLES];
    const kt_column *dict_of[KT_ROLES] = { 0 };
    for (int r = 0; r < KT_ROLES; r++) {
        if (g.schema.role[r].type != KT_BYTES) {
            coded[r] = g.cols[r]; /* shallow: only read */
            continue;
        }
        encode_codes(&g.cols[r], &coded[r], &dicts[r]);
        dict_of[r] = &dicts[r];
    }
    CHECK_OK(kt_ingest_clean_coded(b.c, &g.schema, coded, dict_of, n, 100, &b.acc, &b.rej, &b.counts, &b.err),
             &b.err);
    CHECK(a.counts.quarantined > 0 && a.counts.duplicates > 0 && a.counts.accepted > 0);
    CHECK(memcmp(&a.counts, &b.counts, sizeof a.counts) == 0);
    CHECK_EQ_INT(a.acc.len, b.acc.len);
    CHECK(memcmp(a.acc.rows, b.acc.rows, a.acc.len * sizeof *a.acc.rows) == 0);
    CHECK_EQ_INT(kt_ingest_cleaner_num_runs(a.c), kt_ingest_cleaner_num_runs(b.c));
    for (int q = 0; q < KT_Q_COLUMNS; q++) {
        CHECK_EQ_INT(a.rej.col[q].len, b.rej.col[q].len);
        for (size_t i = 0; i < a.rej.col[q].len; i++) {
            if (q == KT_Q_ROW_NUMBER) {
                CHECK_EQ_INT(KT_COL_I64(&a.rej.col[q])[i], KT_COL_I64(&b.rej.col[q])[i]);
                continue;
            }
            const char *x = qtext(&a.rej, q, i), *y = qtext(&b.rej, q, i);
            CHECK_MSG((!x && !y) || (x && y && !strcmp(x, y)), "quarantine column %d row %zu: %s / %s", q, i,
                      x ? x : "null", y ? y : "null");
        }
    }
    bool found_lidar = false;
    for (size_t i = 0; i < b.rej.col[KT_Q_SENSOR_TYPE_TEXT].len; i++) {
        const char *t = qtext(&b.rej, KT_Q_SENSOR_TYPE_TEXT, i);
        found_lidar |= t && !strcmp(t, "lidar\\xFF");
    }
    CHECK(found_lidar);

    KT_COL_I32(&coded[KT_ROLE_FIELD])[3] = (int32_t)dicts[KT_ROLE_FIELD].len; /* one past the dictionary */
    kt_error err;
    CHECK_EQ_INT(kt_ingest_clean_coded(b.c, &g.schema, coded, dict_of, n, 0, &b.acc, &b.rej, &b.counts, &err),
                 KT_ERR_INTERNAL);
    CHECK(strstr(err.msg, "field") != NULL);
    for (int r = 0; r < KT_ROLES; r++)
        if (dict_of[r]) kt_column_free(&coded[r]), kt_column_free(&dicts[r]);
    fixture_free(&a);
    fixture_free(&b);
    group_free(&g);
}

TEST(throughput_of_the_real_schema)
{
    /* 1M rows shaped like the real data: distinct times, 6 fields, 2 robots, 2 runs */
    enum { N = 1000000 };
    group g;
    group_init(&g);
    const char *fields[6] = { "x", "y", "z", "fx", "fy", "fz" };
    int64_t t0 = utc_us(2022, 11, 23, 20, 40, 0, 0);
    char text[40];
    for (int i = 0; i < N; i++) {
        int64_t ms = t0 / 1000 + i;
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        int frac = (int)(ms % 1000);
        int n = (int)strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
        if (frac) {
            n += snprintf(text + n, sizeof text - (size_t)n, ".%03d", frac);
            while (text[n - 1] == '0') n--;
        }
        text[n++] = 'Z';
        text[n] = 0;
        int f = i % 6;
        src_row r = { .time = text, .value = (double)(i % 1000), .field = fields[f], .robot = 1 + (i / 6) % 2,
                      .run = i < N / 2 ? RUN_A : RUN_B, .sensor = f < 3 ? "encoder" : "load_cell" };
        group_add(&g, r);
    }
    fixture f;
    fixture_init(&f, NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_OK(clean(&f, &g, 0), &f.err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK_EQ_INT(f.counts.accepted, N);
    printf("# clean: %d rows in %.3f s = %.1f M rows/s\n", N, s, N / s / 1e6);
    fixture_free(&f);
    group_free(&g);
}

int main(void)
{
    kt_test_ctx ctx_ = { .suite = "ingest_clean" };
    kt_test_ctx *ctx = &ctx_;
    RUN(ctx, every_reason_code_with_detail_and_original_text);
    RUN(ctx, precedence_between_every_pair_of_reasons);
    RUN(ctx, accepted_readings_are_typed_and_normalised);
    RUN(ctx, duplicates_within_a_file_are_dropped_and_counted);
    RUN(ctx, configured_limits_decide_out_of_range);
    RUN(ctx, other_physical_types);
    RUN(ctx, text_run_ids_and_double_robot_ids);
    RUN(ctx, invalid_utf8_is_escaped_in_quarantine);
    RUN(ctx, wrong_column_type_is_an_internal_error);
    RUN(ctx, random_rows_always_balance);
    RUN(ctx, dictionary_codes_clean_like_strings);
    RUN(ctx, throughput_of_the_real_schema);
    return ctx->total_failed ? 1 : 0;
}
