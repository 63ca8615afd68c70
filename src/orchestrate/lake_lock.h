/*
 * orchestrate/lake_lock.h — one scheduler per lake.
 *
 * Contract: kt_lake_lock_acquire takes an exclusive lock on
 * <lake>/_kinetl/scheduler.lock without waiting and holds it until
 * kt_lake_lock_release or process death. It is an open-file-description
 * lock (Linux fcntl F_OFD_SETLK): the kernel drops it when the process
 * dies, however it dies, so a crashed or SIGKILLed holder never blocks the
 * lake; two acquisitions conflict even inside one process. The descriptor
 * is close-on-exec; a fork()ed child shares the lock with its parent.
 * The holder writes "pid, host, command, started" into the file so a
 * refused process can say who holds the lake. A clean release empties the
 * file, so a non-empty file found when the lock is free was left by a
 * holder that died: it is reported to the caller (stale) and taken over.
 * Local file systems only (OFD locks over NFS are not reliable).
 */
#ifndef KT_ORCHESTRATE_LAKE_LOCK_H
#define KT_ORCHESTRATE_LAKE_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

#define KT_LAKE_LOCK_FILE "scheduler.lock"

typedef struct kt_lake_lock kt_lake_lock;

typedef struct kt_lock_holder {
    bool known;         /* the file held a complete holder record */
    long pid;
    char host[256];
    char command[64];
    int64_t started_us; /* wall clock, µs since the epoch */
} kt_lock_holder;

/*
 * command: what the holder is doing ("run", "watch", "process"...).
 * KT_ERR_CONFLICT when another holder has the lock; err then reads e.g.
 * "another kinetl run (pid 1234, started 2026-11-21T10:00:00Z) holds the
 * lake lock lake/_kinetl/scheduler.lock". stale (optional) receives the
 * record a dead holder left behind (known = false when there was none).
 */
kt_status kt_lake_lock_acquire(const char *lake, const char *command, kt_lake_lock **out,
                               kt_lock_holder *stale, kt_error *err);

/* Empties the holder record, unlocks and frees. NULL is a no-op. */
void kt_lake_lock_release(kt_lake_lock *lock);

/*
 * Whether some process holds the lake lock now, without taking it (for
 * `kinetl status`). held = false when the lock file does not exist.
 * holder is filled when held and the record is readable.
 */
kt_status kt_lake_lock_probe(const char *lake, bool *held, kt_lock_holder *holder, kt_error *err);

#endif
