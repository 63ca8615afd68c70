/* tests/unit/test_ingest.c — ingest's pure building blocks: ISO-8601 time,
 * timestamp units, canonical run ids, name normalisation, limits config,
 * the duplicate set and schema resolution. Oracles: libc timegm/strtod/
 * snprintf, brute force, and hand-computed values. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "pipeline/ingest_config.h"
#include "pipeline/ingest_dedup.h"
#include "pipeline/ingest_names.h"
#include "pipeline/ingest_run_id.h"
#include "pipeline/ingest_schema.h"
#include "pipeline/ingest_time.h"
#include "pipeline/run_readings.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* µs from libc's timegm: an oracle independent of the parser. */
static int64_t oracle_us(int year, int mon, int day, int h, int m, int s, int64_t frac_us, int offset_s)
{
    struct tm tm = { .tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day, .tm_hour = h, .tm_min = m,
                     .tm_sec = s };
    int64_t secs = (int64_t)timegm(&tm) - offset_s;
    return secs * 1000000 + frac_us;
}

static bool parse(const char *s, int64_t *us)
{
    bool blank;
    const char *why;
    return kt_ingest_parse_time(s, strlen(s), us, &blank, &why);
}

TEST(time_real_source_formats)
{
    int64_t us;
    CHECK(parse("2022-11-23T20:40:00.444Z", &us));
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 0, 444000, 0));
    CHECK(parse("2022-11-23T20:40:00.01Z", &us)); /* trimmed zeros: 10 ms */
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 0, 10000, 0));
    CHECK(parse("2022-11-23T20:40:00.4Z", &us));
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 0, 400000, 0));
    CHECK(parse("2022-11-23T20:40:45Z", &us)); /* no fraction */
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 45, 0, 0));
    /* "...:00.01Z" sorts after "...:00.009Z" as text but is later as time */
    int64_t a, b;
    CHECK(parse("2022-11-23T20:40:00.01Z", &a) && parse("2022-11-23T20:40:00.009Z", &b));
    CHECK(a > b);
}

TEST(time_producer_variants)
{
    int64_t us, want = oracle_us(2022, 11, 23, 20, 40, 0, 444000, 0);
    const char *same[] = {
        "2022-11-23 20:40:00.444Z",        "2022-11-23t20:40:00.444z",       "2022-11-23T20:40:00.444",
        "2022-11-23T20:40:00.444000",      "2022-11-23T20:40:00.444000000",  "2022-11-23T20:40:00,444Z",
        "2022-11-23T20:40:00.444+00:00",   "2022-11-23 20:40:00.444000+00:00", "2022-11-23T21:40:00.444+01:00",
        "2022-11-23T15:10:00.444-05:30",   "2022-11-23T15:10:00.444-0530",   "2022-11-23T22:40:00.444+02",
        "  2022-11-23T20:40:00.444Z\n",    "2022-11-24T02:40:00.444+06:00",  "2022-11-23T20:40:00.4440Z",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        CHECK_MSG(parse(same[i], &us), "rejected %s", same[i]);
        CHECK_MSG(us == want, "%s -> %" PRId64 " != %" PRId64, same[i], us, want);
    }
}

TEST(time_sub_microsecond_digits_floor)
{
    int64_t us;
    CHECK(parse("2022-11-23T20:40:00.123456789Z", &us));
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 0, 123456, 0));
    CHECK(parse("2022-11-23T20:40:00.1234569Z", &us)); /* truncated, never rounded up */
    CHECK_EQ_INT(us, oracle_us(2022, 11, 23, 20, 40, 0, 123456, 0));
    /* before 1970 too: the fraction adds to the second, so truncation is floor */
    CHECK(parse("1969-12-31T23:59:59.9999999Z", &us));
    CHECK_EQ_INT(us, -1);
    CHECK(parse("1969-12-31T23:59:59.000001Z", &us));
    CHECK_EQ_INT(us, -999999);
    /* order is never inverted: a > b as instants implies parse(a) >= parse(b) */
    int64_t x, y;
    CHECK(parse("2022-11-23T20:40:00.1234567Z", &x) && parse("2022-11-23T20:40:00.1234561Z", &y));
    CHECK(x >= y);
}

TEST(time_calendar_and_range)
{
    int64_t us;
    CHECK(parse("2024-02-29T00:00:00Z", &us));
    CHECK(parse("2000-02-29T00:00:00Z", &us));
    CHECK(!parse("2023-02-29T00:00:00Z", &us));
    CHECK(!parse("1900-02-29T00:00:00Z", &us));
    CHECK(!parse("2022-04-31T00:00:00Z", &us));
    CHECK(!parse("2022-13-01T00:00:00Z", &us));
    CHECK(!parse("2022-00-01T00:00:00Z", &us));
    CHECK(!parse("2022-01-00T00:00:00Z", &us));
    CHECK(!parse("2022-01-01T24:00:00Z", &us));
    CHECK(!parse("2022-01-01T23:60:00Z", &us));
    CHECK(!parse("2022-12-31T23:59:60Z", &us));
    CHECK(parse("0001-01-01T00:00:00Z", &us));
    CHECK_EQ_INT(us, KT_TIME_MIN_US);
    CHECK(parse("9999-12-31T23:59:59.999999Z", &us));
    CHECK_EQ_INT(us, KT_TIME_MAX_US);
    CHECK(!parse("0000-12-31T00:00:00Z", &us));
    CHECK(!parse("0001-01-01T00:30:00+01:00", &us));  /* before year 1 after the offset */
    CHECK(!parse("9999-12-31T23:30:00-01:00", &us));  /* after 9999 */
}

TEST(time_rejects_malformed_text_with_a_reason)
{
    const char *bad[] = {
        "not a time", "2022-11-23T20:4x:00.444Z", "2022-11-23", "2022-11-23T20:40", "2022/11/23T20:40:00Z",
        "2022-11-23X20:40:00Z", "2022-11-23T20:40:00.Z", "2022-11-23T20:40:00.1234567890Z",
        "2022-11-23T20:40:00Zjunk", "2022-11-23T20:40:00+24:00", "2022-11-23T20:40:00+01:60",
        "2022-11-23T20:40:00+1", "2022-11-23T20:40:00+01:", "+2022-11-23T20:40:00Z", "2022-11-23T20:40:00 Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t us;
        bool blank = true;
        const char *why = NULL;
        CHECK_MSG(!kt_ingest_parse_time(bad[i], strlen(bad[i]), &us, &blank, &why), "accepted %s", bad[i]);
        CHECK_MSG(!blank && why && *why, "%s: blank or no reason", bad[i]);
    }
    int64_t us;
    bool blank = false;
    const char *why;
    CHECK(!kt_ingest_parse_time("   ", 3, &us, &blank, &why) && blank);
    CHECK(!kt_ingest_parse_time("", 0, &us, &blank, &why) && blank);
}

TEST(time_random_against_timegm)
{
    kt_ingest_time_cache cache = { .valid = 0 };
    for (int i = 0; i < 20000; i++) {
        int year = 1 + (int)(rnd() % 9999), mon = 1 + (int)(rnd() % 12), day = 1 + (int)(rnd() % 28);
        int h = (int)(rnd() % 24), m = (int)(rnd() % 60), s = (int)(rnd() % 60);
        int digits = (int)(rnd() % 10);
        uint64_t frac9 = rnd() % 1000000000ULL;
        int off_min = (int)(rnd() % (2 * 24 * 60 - 1)) - (24 * 60 - 1);
        if (rnd() % 3 == 0) off_min = 0;
        char text[64], frac[16] = "";
        if (digits) snprintf(frac, sizeof frac, ".%09" PRIu64, frac9), frac[1 + digits] = 0;
        char zone[16];
        if (off_min == 0 && rnd() % 2) snprintf(zone, sizeof zone, "Z");
        else snprintf(zone, sizeof zone, "%c%02d:%02d", off_min < 0 ? '-' : '+', abs(off_min) / 60, abs(off_min) % 60);
        snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", year, mon, day, h, m, s, frac, zone);
        int64_t frac_us = 0;
        if (digits) {
            uint64_t kept = frac9;
            for (int k = digits; k < 9; k++) kept /= 10;
            frac_us = (int64_t)kept;
            for (int k = digits; k < 6; k++) frac_us *= 10;
            for (int k = 6; k < digits; k++) frac_us /= 10;
        }
        int64_t want = oracle_us(year, mon, day, h, m, s, frac_us, off_min * 60);
        int64_t us;
        bool blank;
        const char *why = "";
        bool ok = kt_ingest_parse_time(text, strlen(text), &us, &blank, &why);
        bool in = want >= KT_TIME_MIN_US && want <= KT_TIME_MAX_US;
        CHECK_MSG(ok == in, "%s: ok=%d in=%d (%s)", text, ok, in, why);
        if (ok) CHECK_MSG(us == want, "%s -> %" PRId64 ", timegm says %" PRId64, text, us, want);
        /* the date cache gives the same answers, also right after another day or a bad date */
        int64_t cached_us = 0;
        bool cached_ok = kt_ingest_parse_time_cached(&cache, text, strlen(text), &cached_us, &blank, &why);
        CHECK(cached_ok == ok && (!ok || cached_us == us));
        if (i % 7 == 0) {
            char bad[64];
            snprintf(bad, sizeof bad, "%04d-02-30T00:00:00Z", year);
            CHECK(!kt_ingest_parse_time_cached(&cache, bad, strlen(bad), &cached_us, &blank, &why));
        }
    }
}

TEST(time_units_floor_and_range)
{
    int64_t us;
    const char *why;
    CHECK(kt_ingest_time_from_unit(1669236000444LL, KT_PQ_UNIT_MILLIS, &us, &why));
    CHECK_EQ_INT(us, 1669236000444000LL);
    CHECK(kt_ingest_time_from_unit(1669236000444123LL, KT_PQ_UNIT_MICROS, &us, &why));
    CHECK_EQ_INT(us, 1669236000444123LL);
    CHECK(kt_ingest_time_from_unit(1669236000444123999LL, KT_PQ_UNIT_NANOS, &us, &why));
    CHECK_EQ_INT(us, 1669236000444123LL);
    CHECK(kt_ingest_time_from_unit(-1, KT_PQ_UNIT_NANOS, &us, &why));
    CHECK_EQ_INT(us, -1);
    CHECK(kt_ingest_time_from_unit(-1000, KT_PQ_UNIT_NANOS, &us, &why));
    CHECK_EQ_INT(us, -1);
    CHECK(kt_ingest_time_from_unit(-1001, KT_PQ_UNIT_NANOS, &us, &why));
    CHECK_EQ_INT(us, -2);
    CHECK(kt_ingest_time_from_unit(INT64_MIN, KT_PQ_UNIT_NANOS, &us, &why)); /* 1677: in range */
    CHECK(!kt_ingest_time_from_unit(INT64_MAX, KT_PQ_UNIT_MILLIS, &us, &why));
    CHECK(!kt_ingest_time_from_unit(INT64_MIN, KT_PQ_UNIT_MICROS, &us, &why));
    CHECK(!kt_ingest_time_from_unit(KT_TIME_MAX_US / 1000 + 1, KT_PQ_UNIT_MILLIS, &us, &why));
}

TEST(time_format_round_trips)
{
    char text[32];
    CHECK_EQ_INT(kt_ingest_format_time(0, text), 27);
    CHECK_EQ_STR(text, "1970-01-01T00:00:00.000000Z");
    kt_ingest_format_time(-1, text);
    CHECK_EQ_STR(text, "1969-12-31T23:59:59.999999Z");
    kt_ingest_format_time(KT_TIME_MIN_US, text);
    CHECK_EQ_STR(text, "0001-01-01T00:00:00.000000Z");
    CHECK_EQ_INT(kt_ingest_format_time(KT_TIME_MAX_US + 1, text), 0);
    for (int i = 0; i < 10000; i++) {
        int64_t us = KT_TIME_MIN_US + (int64_t)(rnd() % (uint64_t)(KT_TIME_MAX_US - KT_TIME_MIN_US));
        size_t n = kt_ingest_format_time(us, text);
        int64_t back;
        bool blank;
        const char *why;
        CHECK(n == 27 && kt_ingest_parse_time(text, n, &back, &blank, &why));
        CHECK_MSG(back == us, "%s", text);
    }
}

/* ---- run ids ---------------------------------------------------------- */

static const char *run_id(double v)
{
    static char out[KT_RUN_ID_MAX];
    const char *why;
    return kt_run_id_from_double(v, out, &why) ? out : NULL;
}

TEST(run_id_spec_examples)
{
    CHECK_EQ_STR(run_id(7.58229308099147e18), "7582293080991470000");
    CHECK_EQ_STR(run_id(1.2405186538561671e19), "12405186538561671000");
    CHECK_EQ_STR(run_id(0.0), "0");
    CHECK_EQ_STR(run_id(-0.0), "0");
    CHECK_EQ_STR(run_id(123.0), "123");
    CHECK_EQ_STR(run_id(1e15), "1000000000000000");
    CHECK_EQ_STR(run_id(9007199254740992.0), "9007199254740992");
    CHECK_EQ_STR(run_id(9007199254740993.0), "9007199254740992"); /* the literal rounds to 2^53 */
    CHECK_EQ_STR(run_id(18446744073709549568.0), "18446744073709550000"); /* largest double below 2^64 */
    CHECK(run_id(18446744073709551616.0) == NULL);
    CHECK(run_id(1.5) == NULL);
    CHECK(run_id(0.25) == NULL);
    CHECK(run_id(-1.0) == NULL);
    CHECK(run_id(NAN) == NULL);
    CHECK(run_id(INFINITY) == NULL);
    CHECK(run_id(4503599627370495.5) == NULL); /* 2^52 - 0.5: exactly representable, not integral */
}

/* Significant digits of a decimal integer text (trailing zeros dropped). */
static int significant(const char *s)
{
    int n = (int)strlen(s);
    while (n > 1 && s[n - 1] == '0') n--;
    return n;
}

TEST(run_id_random_doubles_are_shortest_round_trip)
{
    for (int i = 0; i < 20000; i++) {
        double d;
        switch (i % 3) {
        case 0: d = (double)(rnd() >> (rnd() % 64)); break;              /* integers of any size */
        case 1: d = ldexp((double)(rnd() >> 11), 11 + (int)(rnd() % 2)); break; /* beyond 2^63 */
        default: d = (double)(rnd() % 100000) * 1e14; break;              /* trailing zeros */
        }
        if (d >= 18446744073709551616.0) continue;
        const char *s = run_id(d);
        CHECK_MSG(s != NULL, "%.17g rejected", d);
        CHECK_MSG(strtod(s, NULL) == d, "%.17g -> %s does not round-trip", d, s);
        CHECK_MSG(s[0] != '0' || s[1] == 0, "%s has a leading zero", s);
        int k = significant(s);
        CHECK(k <= 17);
        if (k >= 2) { /* one digit fewer must not round-trip, or the text was not the shortest */
            char shorter[40];
            snprintf(shorter, sizeof shorter, "%.*e", k - 2, d);
            CHECK_MSG(strtod(shorter, NULL) != d, "%.17g: %s is shorter than %s", d, shorter, s);
        }
    }
}

TEST(run_id_integers_and_text_kept_exactly)
{
    char out[KT_RUN_ID_MAX], want[32];
    const char *why;
    for (int i = 0; i < 5000; i++) {
        uint64_t u = rnd() >> (rnd() % 64);
        snprintf(want, sizeof want, "%" PRIu64, u);
        CHECK(kt_run_id_from_uint64(u, out) == strlen(want));
        CHECK_EQ_STR(out, want);
        int64_t s = (int64_t)rnd() >> (rnd() % 64);
        snprintf(want, sizeof want, "%" PRId64, s);
        CHECK(kt_run_id_from_int64(s, out) == strlen(want));
        CHECK_EQ_STR(out, want);
    }
    kt_run_id_from_int64(INT64_MIN, out);
    CHECK_EQ_STR(out, "-9223372036854775808");
    kt_run_id_from_uint64(UINT64_MAX, out);
    CHECK_EQ_STR(out, "18446744073709551615");
    CHECK_EQ_INT(kt_run_id_from_text("  run-7 \t", 9, out, &why), 5);
    CHECK_EQ_STR(out, "run-7");
    CHECK_EQ_INT(kt_run_id_from_text("7.58229308099147e18", 19, out, &why), 19); /* text is not reinterpreted */
    CHECK_EQ_STR(out, "7.58229308099147e18");
    CHECK_EQ_INT(kt_run_id_from_text("Zürich", strlen("Zürich"), out, &why), strlen("Zürich"));
    CHECK_EQ_INT(kt_run_id_from_text("   ", 3, out, &why), 0);
    CHECK_EQ_INT(kt_run_id_from_text("a\x01" "b", 3, out, &why), 0);
    CHECK_EQ_INT(kt_run_id_from_text("\xff\xfe", 2, out, &why), 0);
    char longid[200];
    memset(longid, '7', sizeof longid);
    CHECK_EQ_INT(kt_run_id_from_text(longid, 127, out, &why), 127);
    CHECK_EQ_INT(kt_run_id_from_text(longid, 128, out, &why), 0);
}

TEST(utf8_validation)
{
    CHECK(kt_utf8_valid("plain", 5));
    CHECK(kt_utf8_valid("\xc3\xa9", 2));
    CHECK(kt_utf8_valid("\xf0\x9f\x98\x80", 4));
    CHECK(!kt_utf8_valid("\xc3", 1));          /* truncated */
    CHECK(!kt_utf8_valid("\xc0\xaf", 2));      /* overlong */
    CHECK(!kt_utf8_valid("\xe0\x80\xaf", 3));  /* overlong */
    CHECK(!kt_utf8_valid("\xed\xa0\x80", 3));  /* surrogate */
    CHECK(!kt_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!kt_utf8_valid("\x80", 1));
}

TEST(double_text_is_shortest_round_trip)
{
    char out[40];
    kt_double_shortest(12345.5, out);
    CHECK_EQ_STR(out, "12345.5");
    kt_double_shortest(0.1, out);
    CHECK_EQ_STR(out, "0.1");
    kt_double_shortest(-75000.0, out);
    CHECK_EQ_STR(out, "-75000");
    kt_double_shortest(NAN, out);
    CHECK_EQ_STR(out, "nan");
    kt_double_shortest(-INFINITY, out);
    CHECK_EQ_STR(out, "-inf");
    kt_float_shortest(0.1f, out);
    CHECK_EQ_STR(out, "0.1");
    for (int i = 0; i < 5000; i++) {
        uint64_t bits = rnd();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d)) continue;
        kt_double_shortest(d, out);
        CHECK_MSG(strtod(out, NULL) == d, "%s", out);
    }
}

/* ---- names ------------------------------------------------------------ */

TEST(names_are_trimmed_and_lowered)
{
    kt_field f;
    CHECK(kt_field_classify(" X ", 3, &f) && f == KT_FIELD_X);
    CHECK(kt_field_classify(" FZ", 3, &f) && f == KT_FIELD_FZ);
    CHECK(kt_field_classify("fy\t\n", 4, &f) && f == KT_FIELD_FY);
    CHECK(!kt_field_classify("w", 1, &f));
    CHECK(!kt_field_classify("", 0, &f));
    CHECK(!kt_field_classify("x y", 3, &f));
    CHECK(!kt_field_classify("fxx", 3, &f));
    CHECK(!kt_field_classify("           x_1", 14, &f));
    CHECK_EQ_INT(kt_sensor_classify("Encoder", 7), KT_SENSOR_ENCODER);
    CHECK_EQ_INT(kt_sensor_classify("LOAD_CELL ", 10), KT_SENSOR_LOAD_CELL);
    CHECK_EQ_INT(kt_sensor_classify("load cell", 9), KT_SENSOR_UNKNOWN);
    CHECK_EQ_INT(kt_sensor_classify("", 0), KT_SENSOR_UNKNOWN);
    CHECK_EQ_INT(kt_field_sensor(KT_FIELD_Y), KT_SENSOR_ENCODER);
    CHECK_EQ_INT(kt_field_sensor(KT_FIELD_FX), KT_SENSOR_LOAD_CELL);
    char out[16];
    CHECK_EQ_INT(kt_name_normalise("  Load_Cell ", 12, out, sizeof out), 9);
    CHECK(memcmp(out, "load_cell", 9) == 0);
}

TEST(name_cache_agrees_with_direct_classification)
{
    const char *spellings[] = { "x", " X ", "fx", "FX", "w", "", "fz ", "Y", "encoder", "load_cell", "zz" };
    kt_name_cache fields, sensors;
    kt_name_cache_init(&fields, true);
    kt_name_cache_init(&sensors, false);
    for (int i = 0; i < 3000; i++) {
        const char *s = spellings[rnd() % (sizeof spellings / sizeof spellings[0])];
        size_t n = strlen(s);
        int fc, sc;
        CHECK_OK(kt_name_cache_classify(&fields, s, n, &fc), NULL);
        CHECK_OK(kt_name_cache_classify(&sensors, s, n, &sc), NULL);
        kt_field f;
        CHECK_EQ_INT(fc, kt_field_classify(s, n, &f) ? (int)f : -1);
        CHECK_EQ_INT(sc, (int)kt_sensor_classify(s, n));
    }
    /* more spellings than the cache remembers still classify correctly */
    char buf[32];
    for (int i = 0; i < KT_NAME_CACHE_MAX + 100; i++) {
        int n = snprintf(buf, sizeof buf, "%*sx", i % 7, "");
        snprintf(buf + n, sizeof buf - (size_t)n, "%d", i);
        int fc;
        CHECK_OK(kt_name_cache_classify(&fields, buf, strlen(buf), &fc), NULL);
        CHECK_EQ_INT(fc, -1);
        CHECK_OK(kt_name_cache_classify(&fields, buf, (size_t)n, &fc), NULL);
        CHECK_EQ_INT(fc, KT_FIELD_X);
    }
    kt_name_cache_free(&fields);
    kt_name_cache_free(&sensors);
}

/* ---- config ----------------------------------------------------------- */

TEST(config_defaults_and_settings)
{
    kt_ingest_config cfg;
    kt_error err;
    kt_ingest_config_default(&cfg);
    CHECK(cfg.min[KT_FIELD_X] == -10000 && cfg.max[KT_FIELD_Z] == 10000);
    CHECK(cfg.min[KT_FIELD_FX] == -50000 && cfg.max[KT_FIELD_FZ] == 50000);
    uint64_t fp = kt_ingest_config_fingerprint(&cfg);
    CHECK_OK(kt_ingest_config_set(&cfg, "position_limit", "5000", &err), &err);
    CHECK(cfg.min[KT_FIELD_Y] == -5000 && cfg.max[KT_FIELD_Y] == 5000 && cfg.max[KT_FIELD_FY] == 50000);
    CHECK(kt_ingest_config_fingerprint(&cfg) != fp);
    CHECK_OK(kt_ingest_config_set(&cfg, "limit_fz", "-2000:100", &err), &err);
    CHECK(cfg.min[KT_FIELD_FZ] == -2000 && cfg.max[KT_FIELD_FZ] == 100);
    CHECK_OK(kt_ingest_config_set(&cfg, "limit_z", "-1.5e3:-0", &err), &err);
    CHECK(cfg.min[KT_FIELD_Z] == -1500 && cfg.max[KT_FIELD_Z] == 0);
    CHECK_OK(kt_ingest_config_set(&cfg, "dedup_memory", "64MiB", &err), &err);
    CHECK_EQ_INT(cfg.dedup_memory, 64 << 20);
    kt_ingest_config before = cfg;
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "limit_x", "5:1", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "limit_w", "1:5", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "force_limit", "nan", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "force_limit", "-1", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "force_limit", "12abc", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "dedup_memory", "-5MiB", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "dedup_memory", "5 TB", &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_ingest_config_set(&cfg, "speed_limit", "1", &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "speed_limit") != NULL);
    CHECK(memcmp(&before, &cfg, sizeof cfg) == 0);
}

TEST(config_file)
{
    char path[] = "/tmp/kt_ingest_cfgXXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *text = "# limits for cell 3\n\nposition_limit = 4000   # mm\n  limit_fx = -100:100\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    kt_ingest_config cfg;
    kt_ingest_config_default(&cfg);
    kt_error err;
    bool found;
    CHECK_OK(kt_ingest_config_load(&cfg, path, &found, &err), &err);
    CHECK(found && cfg.max[KT_FIELD_X] == 4000 && cfg.min[KT_FIELD_FX] == -100 && cfg.max[KT_FIELD_FY] == 50000);
    FILE *f = fopen(path, "w");
    fputs("position_limit = 1\nlimit_x = oops\n", f);
    fclose(f);
    kt_ingest_config_default(&cfg);
    CHECK_EQ_INT(kt_ingest_config_load(&cfg, path, &found, &err), KT_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, ":2:") != NULL, "%s", err.msg);
    CHECK(cfg.max[KT_FIELD_X] == 10000); /* unchanged on error */
    unlink(path);
    CHECK_OK(kt_ingest_config_load(&cfg, path, &found, &err), &err);
    CHECK(!found);
}

/* ---- dedup ------------------------------------------------------------ */

typedef struct dedup_reading {
    int64_t t;
    double v;
    uint32_t run;
    uint8_t robot, field;
} dedup_reading;

/* Inserts n readings — one in copy_one_in a copy of an earlier one (with
 * 0.0 as -0.0 half the time), the others made by `make` — and checks each
 * verdict of the set against a scan of all earlier readings. */
static void dedup_against_brute_force(kt_test_ctx *t_, kt_dedup *d, int n, int copy_one_in,
                                      void (*make)(int i, dedup_reading *r))
{
    dedup_reading *r = calloc((size_t)n, sizeof *r);
    CHECK(r != NULL);
    for (int i = 0; i < n; i++) {
        if (i > 0 && rnd() % (uint64_t)copy_one_in == 0) {
            r[i] = r[rnd() % (uint64_t)i];
            if (r[i].v == 0 && rnd() % 2) r[i].v = -r[i].v;
        } else {
            make(i, &r[i]);
        }
        bool fresh = false, seen = false;
        kt_status st = kt_dedup_insert(d, r[i].t, r[i].v, r[i].run, r[i].robot, r[i].field, &fresh);
        for (int j = 0; j < i && !seen; j++)
            seen = r[j].t == r[i].t && r[j].v == r[i].v && r[j].run == r[i].run && r[j].robot == r[i].robot &&
                   r[j].field == r[i].field;
        const dedup_reading cur = r[i]; /* the message below must not read freed memory */
        if (st != KT_OK || fresh == seen) free(r);
        CHECK_EQ_INT(st, KT_OK);
        CHECK_MSG(fresh == !seen, "row %d (time %lld run %u robot %u field %u): fresh=%d seen=%d", i,
                  (long long)cur.t, cur.run, cur.robot, cur.field, fresh, seen);
    }
    free(r);
}

static void make_dense_reading(int i, dedup_reading *r)
{
    (void)i;
    *r = (dedup_reading){ .t = (int64_t)(rnd() % 50), .v = (double)(rnd() % 3), .run = (uint32_t)(rnd() % 2),
                          .robot = (uint8_t)(1 + rnd() % 2), .field = (uint8_t)(rnd() % 2) };
}

TEST(dedup_exact_against_brute_force)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 20);
    dedup_against_brute_force(t_, &d, 20000, 4, make_dense_reading);
    if (t_->failed) {
        kt_dedup_free(&d);
        return;
    }
    CHECK_EQ_INT(d.resets, 0);
    kt_dedup_reset(&d);
    bool fresh;
    dedup_reading first = { 7, 1.0, 1, 1, 1 };
    CHECK_OK(kt_dedup_insert(&d, first.t, first.v, first.run, first.robot, first.field, &fresh), NULL);
    CHECK(fresh);
    kt_dedup_free(&d);
}

TEST(dedup_memory_is_bounded_and_windowing_reported)
{
    kt_dedup d;
    kt_dedup_init(&d, 16384); /* 2048 slots of 16 bytes exceed it: at most 1024 slots */
    bool fresh;
    for (int i = 0; i < 5000; i++) {
        CHECK_OK(kt_dedup_insert(&d, i, 1.0, 0, 1, 0, &fresh), NULL);
        CHECK(fresh);
        CHECK_OK(kt_dedup_insert(&d, i, 1.0, 0, 1, 0, &fresh), NULL); /* an adjacent copy is still caught */
        CHECK(!fresh);
        CHECK(kt_dedup_bytes(&d) <= 16384);
    }
    CHECK(d.resets > 0);
    kt_dedup_reset(&d);
    for (int i = 0; i < 5000; i++) { /* robot 7: the wide table, bounded the same way */
        CHECK_OK(kt_dedup_insert(&d, i, 1.0, 0, 7, 0, &fresh), NULL);
        CHECK(fresh);
        CHECK_OK(kt_dedup_insert(&d, i, 1.0, 0, 7, 0, &fresh), NULL);
        CHECK(!fresh);
        CHECK(d.wide.cap * KT_DEDUP_WIDE_BYTES <= 16384);
    }
    CHECK(d.resets > 0);
    kt_dedup_free(&d);
}

/* Readings of every kind, about one in six outside the 16-byte form. */
static void make_spread_reading(int i, dedup_reading *r)
{
    const int64_t day = 86400LL * 1000000, times[] = { 0, 1, 6 * day, 7 * day, -7 * day, INT64_MAX, INT64_MIN };
    int64_t base = i == 0 ? 0 : times[rnd() % 7], jitter = (int64_t)(rnd() % 3);
    r->t = base > 0 ? base - jitter : base + jitter; /* no overflow at the extremes */
    r->v = (double)(rnd() % 2);
    r->run = rnd() % 4 ? (uint32_t)(rnd() % 3) : 2046 + (uint32_t)(rnd() % 4);
    r->robot = (uint8_t)(rnd() % 8 ? 1 + rnd() % 2 : 3 + rnd() % 3);
    r->field = (uint8_t)(rnd() % 8 ? rnd() % 6 : 7 + rnd() % 2);
}

/* Readings the 16-byte form cannot hold (time far from the file's first
 * reading, run index >= 2048, robot >= 4, field >= 8) go to the 24-byte
 * table; duplicates are caught exactly in both, mixed in one file. */
TEST(dedup_exact_across_packed_and_wide_slots)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 22);
    dedup_against_brute_force(t_, &d, 8000, 3, make_spread_reading);
    if (t_->failed) {
        kt_dedup_free(&d);
        return;
    }
    CHECK(d.packed.count > 100 && d.wide.count > 100);
    CHECK_EQ_INT(d.resets, 0);
    kt_dedup_free(&d);
}

/* The packed window is +-2^39 us around each file's first reading: its
 * edges are packed, one microsecond past them is not, and the next file
 * (after a reset) takes its own origin. */
TEST(dedup_packed_window_follows_each_file)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 20);
    const int64_t t0 = 1669269784000000LL, half = (int64_t)1 << 39;
    const int64_t packed[] = { t0, t0 - half, t0 + half - 1 }, wide[] = { t0 - half - 1, t0 + half };
    bool fresh;
    for (int pass = 0; pass < 2; pass++) { /* the second pass finds every reading again */
        for (int i = 0; i < 3; i++) {
            CHECK_OK(kt_dedup_insert(&d, packed[i], 2.5, 4, 2, 5, &fresh), NULL);
            CHECK(fresh == !pass);
        }
        for (int i = 0; i < 2; i++) {
            CHECK_OK(kt_dedup_insert(&d, wide[i], 2.5, 4, 2, 5, &fresh), NULL);
            CHECK(fresh == !pass);
        }
    }
    CHECK_EQ_INT(d.packed.count, 3);
    CHECK_EQ_INT(d.wide.count, 2);
    kt_dedup_reset(&d);
    const int64_t year_later = t0 + 365LL * 86400 * 1000000;
    for (int i = 0; i < 100; i++) CHECK_OK(kt_dedup_insert(&d, year_later + i * 1000, 1.0, 0, 1, 0, &fresh), NULL);
    CHECK_EQ_INT(d.packed.count, 100);
    CHECK_EQ_INT(d.wide.count, 0);
    kt_dedup_free(&d);
}

/* A reserved set needs no growth for its expected readings, stays within
 * the budget, forgets everything on reset (also when a smaller reserve
 * replaces the table), and a too-small hint only means growth later. */
TEST(dedup_reserve_sizes_once_and_reset_forgets)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 20);
    kt_dedup_reserve(&d, 10000);
    size_t reserved = kt_dedup_bytes(&d);
    CHECK(reserved >= 10000 * 4 / 3 * KT_DEDUP_PACKED_BYTES);
    CHECK(reserved <= 1 << 20);
    bool fresh;
    for (int i = 0; i < 10000; i++) {
        CHECK_OK(kt_dedup_insert(&d, i, 0.5, 3, 1, 2, &fresh), NULL);
        CHECK(fresh);
    }
    CHECK_EQ_INT(kt_dedup_bytes(&d), reserved); /* no growth */
    CHECK_OK(kt_dedup_insert(&d, 9999, 0.5, 3, 1, 2, &fresh), NULL);
    CHECK(!fresh);

    kt_dedup_reset(&d);
    kt_dedup_reserve(&d, 100); /* far smaller: the table is replaced */
    CHECK(kt_dedup_bytes(&d) < reserved);
    for (int i = 0; i < 10000; i += 97) { /* nothing of the previous file is remembered */
        CHECK_OK(kt_dedup_insert(&d, i, 0.5, 3, 1, 2, &fresh), NULL);
        CHECK_MSG(fresh, "reading %d survived the reset", i);
    }
    size_t before = kt_dedup_bytes(&d);
    kt_dedup_reset(&d);
    kt_dedup_reserve(&d, 150); /* same size class: kept, but cleared */
    CHECK_EQ_INT(kt_dedup_bytes(&d), before);
    CHECK_OK(kt_dedup_insert(&d, 97, 0.5, 3, 1, 2, &fresh), NULL);
    CHECK(fresh);
    for (int i = 0; i < 20000; i++) CHECK_OK(kt_dedup_insert(&d, 100000 + i, 1.0, 0, 1, 0, &fresh), NULL);
    CHECK_EQ_INT(d.resets, 0); /* the hint was too small: it grew instead */
    CHECK_OK(kt_dedup_insert(&d, 97, 0.5, 3, 1, 2, &fresh), NULL);
    CHECK(!fresh);
    kt_dedup_reserve(&d, 1); /* not empty: ignored */
    CHECK_OK(kt_dedup_insert(&d, 100000, 1.0, 0, 1, 0, &fresh), NULL);
    CHECK(!fresh);
    kt_dedup_reserve(&d, (size_t)1 << 40); /* past the budget: capped */
    CHECK(kt_dedup_bytes(&d) <= 1 << 20);
    kt_dedup_free(&d);

    kt_dedup_init(&d, 16384);
    kt_dedup_reserve(&d, (size_t)1 << 40);
    CHECK(kt_dedup_bytes(&d) > 0 && kt_dedup_bytes(&d) <= 16384);
    kt_dedup_free(&d);
}

/* The next file of a delivery is often a little larger than the last: a
 * table reserved for one keeps serving files up to 1/8 larger (no new
 * mapping), and a file beyond that gets a larger table. */
TEST(dedup_reserve_keeps_the_table_for_a_slightly_larger_file)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 26);
    kt_dedup_reserve(&d, 1000000);
    size_t first = kt_dedup_bytes(&d);
    const void *slots = d.packed.slots;
    CHECK(first >= 1000000 / 3 * 4 * KT_DEDUP_PACKED_BYTES);
    kt_dedup_reset(&d);
    kt_dedup_reserve(&d, 1100000);
    CHECK_EQ_INT(kt_dedup_bytes(&d), first);
    CHECK(d.packed.slots == slots);
    bool fresh;
    for (int i = 0; i < 1100000; i++) CHECK_OK(kt_dedup_insert(&d, i, 0.25, 1, 1, 0, &fresh), NULL);
    CHECK_EQ_INT(kt_dedup_bytes(&d), first); /* and it held them without growing */
    kt_dedup_reset(&d);
    kt_dedup_reserve(&d, 1300000);
    CHECK(kt_dedup_bytes(&d) >= 1300000 / 3 * 4 * KT_DEDUP_PACKED_BYTES);
    kt_dedup_free(&d);
}

/* A reset is a new slot generation; when the 8-bit counter comes round
 * to the generation a reading was stored under, that reading must not
 * count as seen: the wrap clears the table for real (both tables). */
TEST(dedup_generation_wrap_forgets_old_readings)
{
    kt_dedup d;
    kt_dedup_init(&d, 1 << 16);
    bool fresh;
    CHECK_OK(kt_dedup_insert(&d, 42, 1.5, 7, 1, 3, &fresh), NULL);
    CHECK(fresh);
    CHECK_OK(kt_dedup_insert(&d, 42, 1.5, 7, 9, 3, &fresh), NULL); /* robot 9: a wide slot */
    CHECK(fresh && d.wide.count == 1);
    for (int i = 0; i < 255; i++) kt_dedup_reset(&d); /* the generation is back to the readings' */
    for (int r = 1; r <= 9; r += 8) {
        CHECK_OK(kt_dedup_insert(&d, 42, 1.5, 7, (uint8_t)r, 3, &fresh), NULL);
        CHECK_MSG(fresh, "robot %d: a reading from 255 resets ago was taken for a duplicate", r);
        CHECK_OK(kt_dedup_insert(&d, 42, 1.5, 7, (uint8_t)r, 3, &fresh), NULL);
        CHECK(!fresh);
    }
    kt_dedup_free(&d);
}

/* ---- schema ----------------------------------------------------------- */

static kt_pq_column_info col(const char *name, int index, kt_pq_physical phys, kt_type t)
{
    kt_pq_column_info c = { .name = name, .index = index, .physical = phys, .value_type = t, .is_signed = true,
                            .nullable = true };
    return c;
}

static void real_schema(kt_pq_column_info c[6])
{
    c[0] = col("time", 0, KT_PQ_BYTE_ARRAY, KT_BYTES);
    c[0].logical.kind = KT_PQ_LT_STRING;
    c[1] = col("value", 1, KT_PQ_DOUBLE, KT_DOUBLE);
    c[2] = col("field", 2, KT_PQ_BYTE_ARRAY, KT_BYTES);
    c[3] = col("robot_id", 3, KT_PQ_INT64, KT_INT64);
    c[4] = col("run_uuid", 4, KT_PQ_DOUBLE, KT_DOUBLE);
    c[5] = col("sensor_type", 5, KT_PQ_BYTE_ARRAY, KT_BYTES);
}

TEST(schema_real_source_and_case_insensitive_names)
{
    kt_pq_column_info c[8];
    kt_ingest_schema s;
    kt_error err;
    real_schema(c);
    CHECK_OK(kt_ingest_schema_resolve(c, 6, "a.parquet", &s, &err), &err);
    CHECK_EQ_INT(s.role[KT_ROLE_RUN].column, 4);
    CHECK_EQ_INT(s.role[KT_ROLE_RUN].type, KT_DOUBLE);
    CHECK_EQ_INT(s.nextra, 0);
    /* reversed order, odd case, an index column pandas adds, and a note */
    kt_pq_column_info r[8];
    for (int i = 0; i < 6; i++) r[i] = c[5 - i], r[i].index = i;
    r[0].name = "Sensor_Type";
    r[5].name = " TIME ";
    r[6] = col("__index_level_0__", 6, KT_PQ_INT64, KT_INT64);
    r[7] = col("note", 7, KT_PQ_BYTE_ARRAY, KT_BYTES);
    CHECK_OK(kt_ingest_schema_resolve(r, 8, "b.parquet", &s, &err), &err);
    CHECK_EQ_INT(s.role[KT_ROLE_TIME].column, 5);
    CHECK_EQ_INT(s.role[KT_ROLE_SENSOR].column, 0);
    CHECK_EQ_INT(s.nextra, 2);
    CHECK_EQ_STR(s.extra, "__index_level_0__, note");
}

TEST(schema_other_physical_types)
{
    kt_pq_column_info c[6];
    kt_ingest_schema s;
    kt_error err;
    real_schema(c);
    c[0] = col("time", 0, KT_PQ_INT96, KT_INT64);
    c[0].is_timestamp = true, c[0].unit = KT_PQ_UNIT_NANOS;
    c[1] = col("value", 1, KT_PQ_FLOAT, KT_FLOAT);
    c[3] = col("robot_id", 3, KT_PQ_INT32, KT_INT32);
    c[4] = col("run_uuid", 4, KT_PQ_INT64, KT_INT64);
    c[4].is_signed = false;
    CHECK_OK(kt_ingest_schema_resolve(c, 6, "c.parquet", &s, &err), &err);
    CHECK(s.role[KT_ROLE_TIME].is_timestamp && s.role[KT_ROLE_TIME].unit == KT_PQ_UNIT_NANOS);
    CHECK(s.role[KT_ROLE_RUN].is_unsigned);
    c[4] = col("run_uuid", 4, KT_PQ_BYTE_ARRAY, KT_BYTES);
    c[3] = col("robot_id", 3, KT_PQ_DOUBLE, KT_DOUBLE);
    c[1] = col("value", 1, KT_PQ_FIXED_LEN_BYTE_ARRAY, KT_DOUBLE); /* DECIMAL */
    c[1].logical.kind = KT_PQ_LT_DECIMAL;
    CHECK_OK(kt_ingest_schema_resolve(c, 6, "d.parquet", &s, &err), &err);
}

TEST(schema_failures_are_one_clear_line)
{
    kt_pq_column_info c[7];
    kt_ingest_schema s;
    kt_error err;
    real_schema(c);
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 5, "m.parquet", &s, &err), KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "m.parquet") && strstr(err.msg, "no column named sensor_type"), "%s", err.msg);
    c[6] = col("TIME", 6, KT_PQ_BYTE_ARRAY, KT_BYTES);
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 7, "d.parquet", &s, &err), KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "both name time"), "%s", err.msg);
    real_schema(c);
    c[1] = col("value", 1, KT_PQ_BYTE_ARRAY, KT_BYTES);
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 6, "v.parquet", &s, &err), KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "v.parquet: column \"value\" is BYTE_ARRAY; value needs a number"), "%s", err.msg);
    real_schema(c);
    c[0] = col("time", 0, KT_PQ_INT64, KT_INT64); /* a bare integer: unit unknown */
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 6, "t.parquet", &s, &err), KT_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "time needs an ISO-8601 string or a TIMESTAMP"), "%s", err.msg);
    real_schema(c);
    c[3] = col("robot_id", 3, KT_PQ_BOOLEAN, KT_BOOL);
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 6, "r.parquet", &s, &err), KT_ERR_FORMAT);
    real_schema(c);
    c[2] = col("field", 2, KT_PQ_INT32, KT_INT32);
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 6, "f.parquet", &s, &err), KT_ERR_FORMAT);
    real_schema(c);
    c[1] = col("value", 1, KT_PQ_INT64, KT_INT64);
    c[1].is_timestamp = true;
    CHECK_EQ_INT(kt_ingest_schema_resolve(c, 6, "ts.parquet", &s, &err), KT_ERR_FORMAT);
}

TEST(schema_many_extra_columns_are_counted_and_truncated)
{
    kt_pq_column_info c[60];
    char names[60][24];
    real_schema(c);
    for (int i = 6; i < 60; i++) {
        snprintf(names[i], sizeof names[i], "extra_column_%02d", i);
        c[i] = col(names[i], i, KT_PQ_INT32, KT_INT32);
    }
    kt_ingest_schema s;
    kt_error err;
    CHECK_OK(kt_ingest_schema_resolve(c, 60, "x.parquet", &s, &err), &err);
    CHECK_EQ_INT(s.nextra, 54);
    CHECK(strlen(s.extra) < sizeof s.extra);
    CHECK(strcmp(s.extra + strlen(s.extra) - 3, "...") == 0);
}

int main(void)
{
    kt_test_ctx ctx_ = { .suite = "ingest" };
    kt_test_ctx *ctx = &ctx_;
    RUN(ctx, time_real_source_formats);
    RUN(ctx, time_producer_variants);
    RUN(ctx, time_sub_microsecond_digits_floor);
    RUN(ctx, time_calendar_and_range);
    RUN(ctx, time_rejects_malformed_text_with_a_reason);
    RUN(ctx, time_random_against_timegm);
    RUN(ctx, time_units_floor_and_range);
    RUN(ctx, time_format_round_trips);
    RUN(ctx, run_id_spec_examples);
    RUN(ctx, run_id_random_doubles_are_shortest_round_trip);
    RUN(ctx, run_id_integers_and_text_kept_exactly);
    RUN(ctx, utf8_validation);
    RUN(ctx, double_text_is_shortest_round_trip);
    RUN(ctx, names_are_trimmed_and_lowered);
    RUN(ctx, name_cache_agrees_with_direct_classification);
    RUN(ctx, config_defaults_and_settings);
    RUN(ctx, config_file);
    RUN(ctx, dedup_exact_against_brute_force);
    RUN(ctx, dedup_exact_across_packed_and_wide_slots);
    RUN(ctx, dedup_packed_window_follows_each_file);
    RUN(ctx, dedup_memory_is_bounded_and_windowing_reported);
    RUN(ctx, dedup_reserve_sizes_once_and_reset_forgets);
    RUN(ctx, dedup_reserve_keeps_the_table_for_a_slightly_larger_file);
    RUN(ctx, dedup_generation_wrap_forgets_old_readings);
    RUN(ctx, schema_real_source_and_case_insensitive_names);
    RUN(ctx, schema_other_physical_types);
    RUN(ctx, schema_failures_are_one_clear_line);
    RUN(ctx, schema_many_extra_columns_are_counted_and_truncated);
    return ctx->total_failed ? 1 : 0;
}
