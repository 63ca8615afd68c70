/* tests/unit/test_progress.c — bar text, rate and ETA from known timings, the redraw limit, quiet mode, the summary. */
#include <jansson.h>
#include <stdio.h>

#include "capture_fixture.h"
#include "check.h"
#include "orchestrate/progress.h"
#include "orchestrate/summary.h"

typedef struct fake_clock {
    int64_t ns;
} fake_clock;

static int64_t fake_now(void *ctx)
{
    return ((fake_clock *)ctx)->ns;
}

TEST(bar_shows_rate_and_eta_of_the_phase)
{
    /* 10 of 40 files in 5 s: 2.0 files/s, 30 left -> 15 s. */
    kt_progress_view v = { .phase = KT_PHASE_INGEST, .done = 10, .total = 40,
                           .phase_elapsed_ns = 5000000000LL,
                           .counts = { .files_ingested = 9, .files_failed = 1,
                                       .readings_accepted = 1234567, .readings_quarantined = 12 } };
    char line[256];
    kt_progress_render(&v, line, sizeof line);
    CHECK_EQ_STR(line, "ingest  [#####...............] 10/40 files  2.0 files/s  ETA 0:15 | "
                       "1.2M readings, 12 quarantined, 1 failed");
    /* 3 of 10 runs in 2 s: 1.5 runs/s, 7 left -> 4.67 s, shown rounded. */
    kt_progress_view p = { .phase = KT_PHASE_PROCESS, .done = 3, .total = 10,
                           .phase_elapsed_ns = 2000000000LL, .counts = { .runs_failed = 1 } };
    kt_progress_render(&p, line, sizeof line);
    CHECK_EQ_STR(line, "process [######..............]  3/10 runs  1.5 runs/s  ETA 0:05 | 1 failed");
    /* Nothing done yet: no rate, no ETA; hours when long. */
    p.done = 0;
    kt_progress_render(&p, line, sizeof line);
    CHECK(strstr(line, " 0/10 runs  0.0 runs/s  ETA --:-- ") != NULL);
    p.done = 1;
    p.total = 10000;
    p.phase_elapsed_ns = 10000000000LL; /* 0.1 runs/s, 9999 left: 99990 s = 27:46:30 */
    kt_progress_render(&p, line, sizeof line);
    CHECK_MSG(strstr(line, "ETA 27:46:30 ") != NULL, "%s", line);
    p.done = 10000;
    kt_progress_render(&p, line, sizeof line);
    CHECK(strstr(line, "[####################] 10000/10000 runs") != NULL);
    CHECK(strstr(line, "ETA 0:00") != NULL);
}

TEST(redraws_at_most_ten_times_a_second)
{
    FILE *f = tmpfile();
    CHECK(f);
    kt_log *log = kt_log_new(f, KT_LOG_INFO);
    kt_log_set_terminal(log, true);
    fake_clock clk = { 0 };
    kt_progress_config cfg = { .log = log, .enabled = true, .now_ns = fake_now, .clock_ctx = &clk };
    kt_progress *p = kt_progress_new(&cfg);
    kt_progress_phase(p, KT_PHASE_INGEST, 2000); /* forced draw */
    for (int i = 0; i < 2000; i++) {  /* 2000 files over 2 s of fake time */
        clk.ns += 1000000;
        kt_progress_file_done(p, i % 100 != 0, 100, 1);
    }
    int64_t draws = kt_progress_draws(p);
    kt_run_counts c;
    kt_progress_counts(p, &c);
    double elapsed = kt_progress_elapsed_s(p);
    kt_progress_free(p);
    kt_log_free(log);
    static char out[1 << 16];
    captured_text(f, out, sizeof out);
    fclose(f);
    /* 1 at the phase start, one per 100 ms over 2 s, one forced at completion. */
    CHECK_MSG(draws >= 20 && draws <= 22, "%lld draws", (long long)draws);
    int bars = 0;
    for (char *s = out; (s = strstr(s, "ingest  [")); s++) bars++;
    CHECK_EQ_INT(bars, draws);
    CHECK(strstr(out, "2000/2000 files  1000.0 files/s") != NULL); /* the final draw */
    CHECK(c.files_ingested == 1980 && c.files_failed == 20);
    CHECK(c.readings_accepted == 200000 && c.readings_quarantined == 2000);
    CHECK_NEAR(elapsed, 2.0, 1e-9);
    size_t len = strlen(out);
    CHECK(len >= 4 && strcmp(out + len - 4, "\r\033[K") == 0); /* erased at the end */
}

TEST(disabled_progress_only_counts)
{
    FILE *f = tmpfile();
    CHECK(f);
    kt_log *log = kt_log_new(f, KT_LOG_INFO);
    kt_progress_config cfg = { .log = log, .enabled = kt_log_is_terminal(log) };
    kt_progress *p = kt_progress_new(&cfg);
    kt_progress_phase(p, KT_PHASE_PROCESS, 3);
    kt_progress_run_done(p, true);
    kt_progress_run_done(p, false);
    kt_progress_run_done(p, true);
    kt_run_counts c;
    kt_progress_counts(p, &c);
    int64_t draws = kt_progress_draws(p);
    kt_progress_free(p);
    kt_log_free(log);
    char out[256];
    size_t n = captured_text(f, out, sizeof out);
    fclose(f);
    kt_progress_run_done(NULL, true); /* NULL progress is a no-op */
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(draws, 0);
    CHECK(c.runs_processed == 2 && c.runs_failed == 1);
}

TEST(counts_have_thousands_separators)
{
    char b[32];
    const struct { int64_t n; const char *s; } cases[] = {
        { 0, "0" }, { 999, "999" }, { 1000, "1,000" }, { 1234567, "1,234,567" },
        { -1234, "-1,234" }, { -123, "-123" }, { INT64_MAX, "9,223,372,036,854,775,807" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kt_format_count(cases[i].n, b, sizeof b);
        CHECK_EQ_STR(b, cases[i].s);
    }
}

TEST(summary_text_and_json)
{
    kt_run_counts c = { .files_ingested = 12, .files_failed = 1, .readings_accepted = 1234567,
                        .readings_quarantined = 12, .runs_processed = 4, .runs_failed = 0 };
    FILE *f = tmpfile();
    CHECK(f);
    kt_summary_print(f, "run", "partial", &c, 12.34);
    char out[512];
    captured_text(f, out, sizeof out);
    fclose(f);
    CHECK_EQ_STR(out, "kinetl run: partial in 12.3 s\n"
                      "  files      12 ingested, 1 failed\n"
                      "  readings   1,234,567 accepted, 12 quarantined\n"
                      "  runs       4 processed, 0 failed\n");
    f = tmpfile();
    CHECK(f);
    kt_summary_print_json(f, "run", "partial", &c, 12.5);
    captured_text(f, out, sizeof out);
    fclose(f);
    CHECK(strchr(out, '\n') == out + strlen(out) - 1); /* one line */
    json_error_t jerr;
    json_t *o = json_loads(out, 0, &jerr);
    CHECK(o);
    bool ok = !strcmp(json_string_value(json_object_get(o, "status")), "partial") &&
              !strcmp(json_string_value(json_object_get(o, "command")), "run") &&
              json_real_value(json_object_get(o, "seconds")) == 12.5 &&
              json_integer_value(json_object_get(o, "readings_accepted")) == 1234567 &&
              json_integer_value(json_object_get(o, "files_failed")) == 1 &&
              json_integer_value(json_object_get(o, "runs_processed")) == 4 &&
              json_object_size(o) == 9;
    json_decref(o);
    CHECK_MSG(ok, "%s", out);
}

TEST_MAIN_BEGIN("progress")
    RUN(ctx, bar_shows_rate_and_eta_of_the_phase);
    RUN(ctx, redraws_at_most_ten_times_a_second);
    RUN(ctx, disabled_progress_only_counts);
    RUN(ctx, counts_have_thousands_separators);
    RUN(ctx, summary_text_and_json);
TEST_MAIN_END()
