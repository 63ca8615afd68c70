/* tests/unit/test_lake_lock.c — one scheduler per lake: refusal naming the holder, takeover after SIGKILL, stale records. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "core/clock.h"
#include "orchestrate/lake_lock.h"

static void make_lake(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/kt_lock_XXXXXX");
    if (!mkdtemp(dir)) dir[0] = '\0';
}

static void remove_lake(const char *dir)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* Forks a child that takes the lock, reports "1" (or "0") on a pipe, then sleeps until killed. */
static pid_t fork_holder(const char *lake, int *ready)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        kt_lake_lock *lock;
        kt_error err;
        char ok = kt_lake_lock_acquire(lake, "run", &lock, NULL, &err) == KT_OK ? '1' : '0';
        if (write(fds[1], &ok, 1) != 1) _exit(3);
        for (;;) pause();
    }
    close(fds[1]);
    char c = 0;
    *ready = pid > 0 && read(fds[0], &c, 1) == 1 && c == '1';
    close(fds[0]);
    return pid;
}

TEST(second_acquirer_is_refused_with_the_holders_pid)
{
    char lake[64];
    make_lake(lake, sizeof lake);
    CHECK(lake[0]);
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/not/yet/there", lake); /* directories are created */
    int ready;
    pid_t child = fork_holder(sub, &ready);
    CHECK(child > 0);
    kt_lake_lock *lock = NULL;
    kt_error err;
    kt_status s = kt_lake_lock_acquire(sub, "run", &lock, NULL, &err);
    bool held = false;
    kt_lock_holder h;
    kt_error perr;
    kt_status ps = kt_lake_lock_probe(sub, &held, &h, &perr);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    kt_lake_lock_release(lock);
    remove_lake(lake);
    CHECK(ready);
    CHECK_EQ_INT(s, KT_ERR_CONFLICT);
    CHECK(lock == NULL);
    char want[64];
    snprintf(want, sizeof want, "another kinetl run (pid %ld, started ", (long)child);
    CHECK_MSG(strstr(err.msg, want) != NULL, "message: %s", err.msg);
    CHECK_MSG(strstr(err.msg, "holds the lake lock") && strstr(err.msg, "scheduler.lock"),
              "message: %s", err.msg);
    CHECK_OK(ps, &perr);
    CHECK(held && h.known && h.pid == child);
    CHECK_EQ_STR(h.command, "run");
    int64_t now = kt_clock_wall_us();
    CHECK(h.started_us <= now && h.started_us > now - 60 * 1000000LL);
}

TEST(sigkilled_holder_is_taken_over)
{
    char lake[64];
    make_lake(lake, sizeof lake);
    CHECK(lake[0]);
    int ready;
    pid_t child = fork_holder(lake, &ready);
    CHECK(child > 0);
    kt_lake_lock *lock = NULL;
    kt_error err;
    kt_status before = kt_lake_lock_acquire(lake, "run", &lock, NULL, &err);
    kill(child, SIGKILL);
    int wstatus = 0;
    waitpid(child, &wstatus, 0);
    kt_lock_holder stale;
    kt_lake_lock *lock2 = NULL;
    kt_status after = kt_lake_lock_acquire(lake, "watch", &lock2, &stale, &err);
    bool held = false;
    kt_lock_holder h;
    kt_lake_lock_probe(lake, &held, &h, NULL);
    kt_lake_lock_release(lock2);
    bool held_after_release = true;
    kt_lake_lock_probe(lake, &held_after_release, NULL, NULL);
    remove_lake(lake);
    CHECK(ready);
    CHECK_EQ_INT(before, KT_ERR_CONFLICT);
    CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
    CHECK_OK(after, &err);
    CHECK(stale.known && stale.pid == child);   /* the dead holder's record is reported */
    CHECK(held && h.pid == getpid());
    CHECK_EQ_STR(h.command, "watch");
    CHECK(!held_after_release);
}

TEST(stale_record_on_disk_is_reported_and_replaced)
{
    char lake[64];
    make_lake(lake, sizeof lake);
    CHECK(lake[0]);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/_kinetl", lake);
    CHECK(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/_kinetl/scheduler.lock", lake);
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs("pid=999999\nhost=elsewhere\ncommand=run\nstarted=2026-11-21T10:00:00Z\n", f);
    fclose(f);
    kt_lake_lock *lock = NULL;
    kt_lock_holder stale;
    kt_error err;
    kt_status s = kt_lake_lock_acquire(lake, "run", &lock, &stale, &err);
    kt_lake_lock_release(lock);
    /* A clean release leaves nothing stale behind. */
    kt_lock_holder again;
    kt_status s2 = kt_lake_lock_acquire(lake, "run", &lock, &again, &err);
    kt_lake_lock_release(lock);
    struct stat st;
    int stat_rc = stat(path, &st);
    remove_lake(lake);
    CHECK_OK(s, &err);
    CHECK(stale.known && stale.pid == 999999);
    CHECK_EQ_STR(stale.host, "elsewhere");
    int64_t t;
    CHECK_OK(kt_time_parse_iso("2026-11-21T10:00:00Z", &t, NULL), NULL);
    CHECK(stale.started_us == t);
    CHECK_OK(s2, &err);
    CHECK(!again.known);
    CHECK(stat_rc == 0 && st.st_size == 0); /* file kept, record emptied */
}

TEST(two_acquisitions_in_one_process_conflict)
{
    char lake[64];
    make_lake(lake, sizeof lake);
    CHECK(lake[0]);
    kt_lake_lock *a = NULL, *b = NULL;
    kt_error err;
    kt_status sa = kt_lake_lock_acquire(lake, "run", &a, NULL, &err);
    kt_status sb = kt_lake_lock_acquire(lake, "run", &b, NULL, &err);
    char want[64];
    snprintf(want, sizeof want, "(pid %ld, ", (long)getpid());
    bool named = strstr(err.msg, want) != NULL;
    kt_lake_lock_release(a);
    kt_status sc = kt_lake_lock_acquire(lake, "run", &b, NULL, &err);
    kt_lake_lock_release(b);
    remove_lake(lake);
    CHECK_OK(sa, &err);
    CHECK_EQ_INT(sb, KT_ERR_CONFLICT);
    CHECK(named);
    CHECK_OK(sc, &err);
}

TEST(lock_is_released_when_holder_exits_normally_without_release)
{
    char lake[64];
    make_lake(lake, sizeof lake);
    CHECK(lake[0]);
    pid_t pid = fork();
    if (pid == 0) {
        kt_lake_lock *lock;
        _exit(kt_lake_lock_acquire(lake, "process", &lock, NULL, NULL) == KT_OK ? 0 : 1);
    }
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    kt_lake_lock *lock = NULL;
    kt_lock_holder stale;
    kt_error err;
    kt_status s = kt_lake_lock_acquire(lake, "run", &lock, &stale, &err);
    kt_lake_lock_release(lock);
    remove_lake(lake);
    CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    CHECK_OK(s, &err);
    CHECK(stale.known && stale.pid == pid);
    CHECK_EQ_STR(stale.command, "process");
}

TEST(unusable_lake_paths_fail_cleanly)
{
    kt_lake_lock *lock = NULL;
    kt_error err;
    CHECK_EQ_INT(kt_lake_lock_acquire("", "run", &lock, NULL, &err), KT_ERR_USAGE);
    CHECK_EQ_INT(kt_lake_lock_acquire("/proc/self/kinetl-lake", "run", &lock, NULL, &err),
                 KT_ERR_IO);
    CHECK(strstr(err.msg, "/proc/self/kinetl-lake") != NULL);
    CHECK(lock == NULL);
    bool held = true;
    CHECK_OK(kt_lake_lock_probe("/nonexistent/lake", &held, NULL, &err), &err);
    CHECK(!held);
}

TEST_MAIN_BEGIN("lake_lock")
    RUN(ctx, second_acquirer_is_refused_with_the_holders_pid);
    RUN(ctx, sigkilled_holder_is_taken_over);
    RUN(ctx, stale_record_on_disk_is_reported_and_replaced);
    RUN(ctx, two_acquisitions_in_one_process_conflict);
    RUN(ctx, lock_is_released_when_holder_exits_normally_without_release);
    RUN(ctx, unusable_lake_paths_fail_cleanly);
TEST_MAIN_END()
