/* tests/unit/test_signals.c — first signal sets the cancel flag, second exits at once, stop restores defaults. Each case runs in a child process. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "orchestrate/signals.h"

static int wait_for_flag(const kt_cancel_flag *flag)
{
    for (int i = 0; i < 400 && !kt_cancel_requested(flag); i++) {
        struct timespec ts = { 0, 5 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return atomic_load(flag);
}

/* Runs body in a child; returns its wait status. The child's log goes to log_out. */
static int in_child(int (*body)(kt_log *), char *log_out, size_t cap)
{
    FILE *tmp = tmpfile();
    if (!tmp) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* A shell runs background jobs with SIGINT ignored; these tests need the defaults. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        kt_log *log = kt_log_new(tmp, KT_LOG_INFO);
        int rc = body(log);
        kt_log_free(log);
        fflush(tmp);
        _exit(rc);
    }
    int wstatus = -1;
    waitpid(pid, &wstatus, 0);
    rewind(tmp);
    size_t n = fread(log_out, 1, cap - 1, tmp);
    log_out[n] = '\0';
    fclose(tmp);
    return wstatus;
}

static int first_signal_sets_flag(kt_log *log)
{
    kt_cancel_flag flag;
    atomic_init(&flag, 0);
    kt_signal_watch *w;
    if (kt_signal_watch_start(&flag, log, &w, NULL) != KT_OK) return 10;
    kill(getpid(), SIGINT);
    int got = wait_for_flag(&flag);
    kt_signal_watch_stop(w);
    return got == SIGINT ? 0 : 11;
}

static int second_signal_exits(kt_log *log)
{
    kt_cancel_flag flag;
    atomic_init(&flag, 0);
    kt_signal_watch *w;
    if (kt_signal_watch_start(&flag, log, &w, NULL) != KT_OK) return 10;
    kill(getpid(), SIGTERM);
    if (wait_for_flag(&flag) != SIGTERM) return 11;
    kill(getpid(), SIGTERM);
    sleep(5); /* the watcher must end the process before this */
    return 12;
}

static int stop_restores_default_action(kt_log *log)
{
    kt_cancel_flag flag;
    atomic_init(&flag, 0);
    kt_signal_watch *w;
    if (kt_signal_watch_start(&flag, log, &w, NULL) != KT_OK) return 10;
    kt_signal_watch_stop(w);
    kill(getpid(), SIGINT); /* default action: terminate */
    sleep(5);
    return 12;
}

TEST(first_signal_sets_the_flag_and_logs)
{
    char log[4096];
    int ws = in_child(first_signal_sets_flag, log, sizeof log);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "wait status %d", ws);
    CHECK_MSG(strstr(log, " warn  SIGINT received: finishing the tasks in progress"), "log: %s", log);
}

TEST(second_signal_exits_immediately)
{
    char log[4096];
    int ws = in_child(second_signal_exits, log, sizeof log);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 128 + SIGTERM, "wait status %d", ws);
    CHECK_MSG(strstr(log, "SIGTERM received") && strstr(log, " error second SIGTERM: stopping now"),
              "log: %s", log);
}

TEST(stop_gives_signals_their_default_action_back)
{
    char log[4096];
    int ws = in_child(stop_restores_default_action, log, sizeof log);
    CHECK_MSG(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGINT, "wait status %d", ws);
    CHECK_EQ_STR(log, "");
}

TEST_MAIN_BEGIN("signals")
    RUN(ctx, first_signal_sets_the_flag_and_logs);
    RUN(ctx, second_signal_exits_immediately);
    RUN(ctx, stop_gives_signals_their_default_action_back);
TEST_MAIN_END()
