/* tests/unit/test_log.c — ISO timestamps, log levels and line format, whole lines under threads, the sticky line. */
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture_fixture.h"
#include "check.h"
#include "core/clock.h"
#include "core/log.h"

TEST(iso_times_round_trip_and_floor)
{
    char text[KT_ISO_TIME_MAX];
    kt_time_format_iso(0, 0, text);
    CHECK_EQ_STR(text, "1970-01-01T00:00:00Z");
    kt_time_format_iso(1669236000444000LL, 3, text); /* 2022-11-23T20:40:00.444Z */
    CHECK_EQ_STR(text, "2022-11-23T20:40:00.444Z");
    kt_time_format_iso(-1, 6, text); /* one µs before the epoch */
    CHECK_EQ_STR(text, "1969-12-31T23:59:59.999999Z");
    int64_t us;
    CHECK_OK(kt_time_parse_iso("2022-11-23T20:40:00.01Z", &us, NULL), NULL);
    CHECK_EQ_INT(us, 1669236000010000LL);
    CHECK_OK(kt_time_parse_iso("2022-11-23T20:40:45Z", &us, NULL), NULL);
    CHECK_EQ_INT(us, 1669236045000000LL);
    /* Pseudo-random instants between 1900 and 2100 (4-digit years). */
    uint64_t x = 12345;
    for (int i = 0; i < 2000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t t = (int64_t)(x >> 11) % 4102444800000000LL * ((x & 1) ? 1 : -1) / 2;
        kt_time_format_iso(t, 6, text);
        CHECK_OK(kt_time_parse_iso(text, &us, NULL), NULL);
        CHECK_MSG(us == t, "%s -> %lld, want %lld", text, (long long)us, (long long)t);
    }
    kt_error err;
    const char *bad[] = { "", "2022-11-23", "2022-11-23T20:40:00", "2022-11-23 20:40:00Z",
                          "2022-13-01T00:00:00Z", "2022-11-23T20:40:00.Z", "2022-11-23T20:40:00Zx" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(kt_time_parse_iso(bad[i], &us, &err) == KT_ERR_FORMAT, "accepted '%s'", bad[i]);
    CHECK(strstr(err.msg, "2022-11-23T20:40:00Zx") != NULL);
}

TEST(levels_filter_and_lines_have_a_fixed_shape)
{
    FILE *f = tmpfile();
    CHECK(f);
    kt_log *log = kt_log_new(f, KT_LOG_WARN);
    kt_log_error(log, "disk %s full", "/lake");
    kt_log_warn(log, "two\nlines");
    kt_log_info(log, "hidden");
    kt_log_debug(log, "hidden too");
    bool info_enabled = kt_log_enabled(log, KT_LOG_INFO);
    kt_log_set_level(log, KT_LOG_DEBUG);
    kt_log_debug(log, "now visible");
    kt_log_free(log);
    kt_log_info(NULL, "a NULL logger is fine");
    char out[1024];
    captured_text(f, out, sizeof out);
    fclose(f);
    CHECK(!info_enabled);
    regex_t re;
    CHECK(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                       "error disk /lake full\n"
                       "[0-9T:.Z-]{24} warn  two lines\n"
                       "[0-9T:.Z-]{24} debug now visible\n$", REG_EXTENDED) == 0);
    int rc = regexec(&re, out, 0, NULL, 0);
    regfree(&re);
    CHECK_MSG(rc == 0, "log was:\n%s", out);
}

TEST(level_names_parse)
{
    kt_log_level l;
    kt_error err;
    CHECK_OK(kt_log_level_parse("debug", &l, &err), &err);
    CHECK_EQ_INT(l, KT_LOG_DEBUG);
    CHECK_OK(kt_log_level_parse("WARNING", &l, &err), &err);
    CHECK_EQ_INT(l, KT_LOG_WARN);
    CHECK_EQ_INT(kt_log_level_parse("loud", &l, &err), KT_ERR_USAGE);
    CHECK(strstr(err.msg, "'loud'") && strstr(err.msg, "error, warn, info or debug"));
    for (int i = KT_LOG_ERROR; i <= KT_LOG_DEBUG; i++) {
        CHECK_OK(kt_log_level_parse(kt_log_level_name((kt_log_level)i), &l, &err), &err);
        CHECK_EQ_INT(l, i);
    }
}

typedef struct spam_arg {
    kt_log *log;
    int id;
} spam_arg;

static void *spam(void *p)
{
    spam_arg *a = p;
    for (int i = 0; i < 300; i++)
        kt_log_info(a->log, "thread %d message %03d %s", a->id, i,
                    "padding-padding-padding-padding-padding-padding-padding-padding");
    return NULL;
}

TEST(concurrent_threads_never_interleave_within_a_line)
{
    FILE *f = tmpfile();
    CHECK(f);
    kt_log *log = kt_log_new(f, KT_LOG_INFO);
    pthread_t th[4];
    spam_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (spam_arg){ log, i };
        pthread_create(&th[i], NULL, spam, &args[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    kt_log_free(log);
    static char out[1 << 20];
    captured_text(f, out, sizeof out);
    fclose(f);
    int lines = 0, next[4] = { 0 };
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        int id, n;
        char pad[128];
        CHECK_MSG(sscanf(line + 25, "info  thread %d message %d %127s", &id, &n, pad) == 3 &&
                  id >= 0 && id < 4 && strlen(pad) == 63, "torn line: %s", line);
        CHECK_EQ_INT(n, next[id]); /* each thread's lines stay in its order */
        next[id]++;
        lines++;
    }
    CHECK_EQ_INT(lines, 1200);
}

TEST(sticky_line_stays_below_messages_on_a_terminal)
{
    FILE *f = tmpfile();
    CHECK(f);
    kt_log *log = kt_log_new(f, KT_LOG_INFO);
    bool tty_detected = kt_log_is_terminal(log);
    kt_log_sticky(log, "ignored: not a terminal");
    kt_log_set_terminal(log, true);
    kt_log_sticky(log, "bar 1");
    kt_log_info(log, "hello");
    kt_log_sticky(log, NULL);
    kt_log_info(log, "after");
    kt_log_free(log);
    char out[1024];
    captured_text(f, out, sizeof out);
    fclose(f);
    CHECK(!tty_detected);
    /* Erase, draw; erase, message, redraw; erase; message without a bar. */
    char *p = out;
    CHECK_MSG(strncmp(p, "\r\033[Kbar 1\r\033[K", 13) == 0, "%s", out);
    p += 13;
    p = strchr(p, ' ');
    CHECK(p && strncmp(p, " info  hello\nbar 1\r\033[K", 22) == 0);
    p = strchr(p + 22, ' ');
    CHECK(p && strcmp(p, " info  after\n") == 0);
}

TEST_MAIN_BEGIN("log")
    RUN(ctx, iso_times_round_trip_and_floor);
    RUN(ctx, levels_filter_and_lines_have_a_fixed_shape);
    RUN(ctx, level_names_parse);
    RUN(ctx, concurrent_threads_never_interleave_within_a_line);
    RUN(ctx, sticky_line_stays_below_messages_on_a_terminal);
TEST_MAIN_END()
