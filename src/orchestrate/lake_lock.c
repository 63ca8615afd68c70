/*
 * orchestrate/lake_lock.c — the per-lake scheduler lock (OFD fcntl lock
 * plus a holder record). The file is never unlinked: unlinking a lock file
 * lets a process that opened the old inode and one that creates a new one
 * both "hold" the lock.
 */
#define _GNU_SOURCE /* F_OFD_SETLK, F_OFD_GETLK */
#include "orchestrate/lake_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "orchestrate/lake_dir.h"

struct kt_lake_lock {
    int fd;
    char path[PATH_MAX];
};

static struct flock whole_file(short type)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0; /* to the end, however long */
    return fl;
}

/* Parses "key=value" lines; a record is known once pid and started are present. */
static void parse_holder(const char *text, kt_lock_holder *h)
{
    memset(h, 0, sizeof *h);
    bool have_pid = false, have_started = false;
    for (const char *line = text; *line; ) {
        const char *end = strchr(line, '\n');
        if (!end) break; /* an unterminated last line is a record still being written */
        char buf[320];
        size_t len = (size_t)(end - line);
        if (len < sizeof buf) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            char *eq = strchr(buf, '=');
            if (eq) {
                *eq = '\0';
                const char *v = eq + 1;
                if (!strcmp(buf, "pid")) {
                    char *e;
                    long pid = strtol(v, &e, 10);
                    if (*v && !*e && pid > 0) { h->pid = pid; have_pid = true; }
                } else if (!strcmp(buf, "host")) {
                    snprintf(h->host, sizeof h->host, "%s", v);
                } else if (!strcmp(buf, "command")) {
                    snprintf(h->command, sizeof h->command, "%s", v);
                } else if (!strcmp(buf, "started")) {
                    have_started = kt_time_parse_iso(v, &h->started_us, NULL) == KT_OK;
                }
            }
        }
        line = end + 1;
    }
    h->known = have_pid && have_started;
}

static void read_holder(int fd, kt_lock_holder *h)
{
    char text[1024];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    parse_holder(text, h);
}

static void describe_holder(const kt_lock_holder *h, char *out, size_t cap)
{
    if (!h->known) {
        snprintf(out, cap, "another kinetl process (details not written yet)");
        return;
    }
    char started[KT_ISO_TIME_MAX];
    kt_time_format_iso(h->started_us, 0, started);
    char here[256] = "";
    gethostname(here, sizeof here - 1);
    char where[300] = "";
    if (h->host[0] && strcmp(h->host, here) != 0)
        snprintf(where, sizeof where, " on host %s", h->host);
    snprintf(out, cap, "another kinetl %s (pid %ld%s, started %s)",
             h->command[0] ? h->command : "process", h->pid, where, started);
}

static kt_status write_holder(kt_lake_lock *lock, const char *command, kt_error *err)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char started[KT_ISO_TIME_MAX];
    kt_time_format_iso(kt_clock_wall_us(), 0, started);
    char text[768];
    int n = snprintf(text, sizeof text, "pid=%ld\nhost=%s\ncommand=%s\nstarted=%s\n",
                     (long)getpid(), host, command ? command : "process", started);
    if (n < 0 || (size_t)n >= sizeof text) n = (int)strlen(text);
    if (ftruncate(lock->fd, 0) != 0 || pwrite(lock->fd, text, (size_t)n, 0) != n)
        return kt_fail_errno(err, KT_ERR_IO, errno, "cannot write lake lock %s", lock->path);
    return KT_OK;
}

kt_status kt_lake_lock_acquire(const char *lake, const char *command, kt_lake_lock **out,
                               kt_lock_holder *stale, kt_error *err)
{
    *out = NULL;
    if (stale) memset(stale, 0, sizeof *stale);
    kt_lake_lock *lock = calloc(1, sizeof *lock);
    if (!lock) return kt_fail(err, KT_ERR_NOMEM, "out of memory for the lake lock");
    kt_status s = kt_lake_meta_path(lake, KT_LAKE_LOCK_FILE, true, lock->path,
                                    sizeof lock->path, err);
    if (s != KT_OK) { free(lock); return s; }
    lock->fd = open(lock->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock->fd < 0) {
        s = kt_fail_errno(err, KT_ERR_IO, errno, "cannot open lake lock %s", lock->path);
        free(lock);
        return s;
    }
    struct flock fl = whole_file(F_WRLCK);
    if (fcntl(lock->fd, F_OFD_SETLK, &fl) != 0) {
        int e = errno;
        if (e == EAGAIN || e == EACCES) {
            kt_lock_holder h;
            read_holder(lock->fd, &h);
            char who[512];
            describe_holder(&h, who, sizeof who);
            s = kt_fail(err, KT_ERR_CONFLICT, "%s holds the lake lock %s", who, lock->path);
        } else {
            s = kt_fail_errno(err, KT_ERR_IO, e, "cannot lock %s", lock->path);
        }
        close(lock->fd);
        free(lock);
        return s;
    }
    kt_lock_holder left;
    read_holder(lock->fd, &left);
    if (stale) *stale = left;
    s = write_holder(lock, command, err);
    if (s != KT_OK) {
        close(lock->fd); /* closing the only descriptor releases the lock */
        free(lock);
        return s;
    }
    *out = lock;
    return KT_OK;
}

void kt_lake_lock_release(kt_lake_lock *lock)
{
    if (!lock) return;
    if (ftruncate(lock->fd, 0) != 0) { /* a leftover record only reads as stale later */ }
    struct flock fl = whole_file(F_UNLCK);
    fcntl(lock->fd, F_OFD_SETLK, &fl);
    close(lock->fd);
    free(lock);
}

kt_status kt_lake_lock_probe(const char *lake, bool *held, kt_lock_holder *holder, kt_error *err)
{
    *held = false;
    if (holder) memset(holder, 0, sizeof *holder);
    char path[PATH_MAX];
    KT_TRY(kt_lake_meta_path(lake, KT_LAKE_LOCK_FILE, false, path, sizeof path, err));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(err, KT_ERR_IO, errno, "cannot open lake lock %s", path);
    }
    struct flock fl = whole_file(F_WRLCK);
    if (fcntl(fd, F_OFD_GETLK, &fl) != 0) {
        int e = errno;
        close(fd);
        return kt_fail_errno(err, KT_ERR_IO, e, "cannot query lake lock %s", path);
    }
    *held = fl.l_type != F_UNLCK;
    if (*held && holder) read_holder(fd, holder);
    close(fd);
    return KT_OK;
}
