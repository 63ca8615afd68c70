/* tests/unit/test_delta_stress.c — multi-process Delta commits:
 *  - 8 processes x 50 commits (appends and partition overwrites) on one
 *    table: every commit lands exactly once and the final snapshot equals a
 *    serial replay, in log order, of the operations the commits carry;
 *  - 100+ writers killed (SIGKILL) at random instants: the table is always
 *    readable at the last reported version or the one after, every active
 *    file is whole, and orphans disappear only through vacuum after the
 *    retention.
 * In the concurrency test data files are placeholders holding a token
 * "writer,op", read back to tie each active file to the operation that
 * wrote it; the killed writers write real Parquet (so kills also land in
 * the middle of data files), checked afterwards with the Parquet reader. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "delta_fixture.h"
#include "format/parquet/reader.h"

#define WRITERS 8
#define COMMITS 50
#define PARTITIONS 4
/* At least 100 kills in the release build; the ASan build is slower and
 * runs fewer (the brief allows it) to keep make test short. */
#if defined(__SANITIZE_ADDRESS__)
#define KILL_TRIALS 40
#else
#define KILL_TRIALS 100
#endif

/* The operation writer w performs as its j-th commit. */
static bool op_overwrites(int w, int j) { return (w + j) % 3 == 0; }
static int op_partition(int w, int j) { return (w * 7 + j * 3) % PARTITIONS; }

/* nap_us: time spent "writing data" between reading the snapshot and
 * committing — the window in which other writers commit. */
static kt_status do_op(kt_delta_table *t, kt_delta_snapshot *s, const char *dir, int w, int j,
                       long nap_us, int64_t *version, kt_error *err)
{
    char part[16], token[32], app[16];
    snprintf(part, sizeof part, "p%d", op_partition(w, j));
    snprintf(token, sizeof token, "%d,%d", w, j);
    snprintf(app, sizeof app, "w%d", w);
    kt_delta_txn *x;
    KT_TRY(kt_delta_txn_begin(t, s, &x, err));
    kt_status st = kt_delta_txn_set_app_version(x, app, j, err);
    if (st == KT_OK && op_overwrites(w, j)) {
        const char *v[] = { part };
        st = kt_delta_txn_replace_partitions(x, "run_uuid", v, 1, err);
    }
    if (st == KT_OK) st = fx_stage(x, dir, part, token, "{\"numRecords\":1}", NULL, err);
    struct timespec nap = { 0, nap_us * 1000 };
    if (nap_us) nanosleep(&nap, NULL);
    if (st == KT_OK) st = kt_delta_txn_commit(x, version, err);
    kt_delta_txn_free(x);
    return st;
}

static int writer_main(const char *dir, int w)
{
    kt_error err = { 0 };
    kt_delta_options o = { .no_fsync = true };
    kt_delta_table *t;
    kt_delta_snapshot *s = NULL;
    int conflicts = 0;
    if (kt_delta_open(dir, &o, &t, &err) != KT_OK || kt_delta_snapshot_load(t, -1, &s, &err) != KT_OK) {
        fprintf(stderr, "writer %d: %s\n", w, err.msg);
        return 2;
    }
    for (int j = 0; j < COMMITS; j++) {
        kt_status st;
        int tries = 0;
        do {   /* a logical conflict means: re-read and redo the operation */
            st = kt_delta_snapshot_update(s, &err);
            if (st == KT_OK) st = do_op(t, s, dir, w, j, (w * 1231 + j * 711 + tries * 97) % 4000, NULL, &err);
        } while (st == KT_ERR_CONFLICT && ++tries < 10000);
        conflicts += tries;
        if (st != KT_OK) {
            fprintf(stderr, "writer %d op %d: %s\n", w, j, err.msg);
            return 3;
        }
    }
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    printf("writer %d: %d logical conflicts redone\n", w, conflicts);
    fflush(stdout);
    return 0;
}

/* Partition -> sorted list of tokens, as text "p0:0,1 3,2|p1:..." */
static void describe(char model[PARTITIONS][4096], char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (int p = 0; p < PARTITIONS; p++) {
        /* sort the space-separated tokens */
        char *tok[COMMITS * WRITERS];
        size_t n = 0;
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", model[p]);
        for (char *s = strtok(copy, " "); s; s = strtok(NULL, " ")) tok[n++] = s;
        for (size_t a = 1; a < n; a++)
            for (size_t b = a; b > 0 && strcmp(tok[b - 1], tok[b]) > 0; b--) {
                char *tmp = tok[b]; tok[b] = tok[b - 1]; tok[b - 1] = tmp;
            }
        used += (size_t)snprintf(out + used, cap - used, "p%d:", p);
        for (size_t i = 0; i < n && used < cap; i++)
            used += (size_t)snprintf(out + used, cap - used, "%s ", tok[i]);
        if (used < cap) used += (size_t)snprintf(out + used, cap - used, "| ");
    }
}

static int64_t commit_read_version(const char *dir, int64_t v)
{
    char path[600];
    fx_commit_path(path, sizeof path, dir, v);
    char *text = fx_read_file(path);
    char *line = text ? strtok(text, "\n") : NULL;
    json_t *a = line ? json_loads(line, 0, NULL) : NULL;
    int64_t rv = (int64_t)json_integer_value(json_object_get(json_object_get(a, "commitInfo"),
                                                             "readVersion"));
    json_decref(a);
    free(text);
    return rv;
}

/* Partition -> the tokens of its active files, read from the files. */
static bool snapshot_tokens(const kt_delta_snapshot *s, const char *dir,
                            char actual[PARTITIONS][4096])
{
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        int p = -1;
        if (sscanf(f->partition_values[0], "p%d", &p) != 1 || p < 0 || p >= PARTITIONS) return false;
        char abs[1200];
        snprintf(abs, sizeof abs, "%s/%s", dir, f->path);
        char *content = fx_read_file(abs);
        if (!content) return false;
        strcat(actual[p], content);
        strcat(actual[p], " ");
        free(content);
    }
    return true;
}

/* The txn (w, j) a commit carries, from the log text itself. */
static bool commit_op(const char *dir, int64_t v, int *w, int *j)
{
    char path[600];
    fx_commit_path(path, sizeof path, dir, v);
    char *text = fx_read_file(path);
    bool found = false;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        json_t *a = json_loads(line, 0, NULL);
        json_t *txn = json_object_get(a, "txn");
        if (txn) {
            const char *app = json_string_value(json_object_get(txn, "appId"));
            *j = (int)json_integer_value(json_object_get(txn, "version"));
            found = app && sscanf(app, "w%d", w) == 1;
        }
        json_decref(a);
    }
    free(text);
    return found;
}

TEST(eight_writers_fifty_commits_serialize)
{
    kt_error err = { 0 };
    char *dir = fx_tempdir("conc");
    kt_delta_table *t;
    CHECK_OK(fx_create(dir, &t, &err), &err);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        CHECK(pids[w] >= 0);
        if (pids[w] == 0) _exit(writer_main(dir, w));
    }
    int failed = 0;
    for (int w = 0; w < WRITERS; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    CHECK_EQ_INT(failed, 0);

    kt_delta_snapshot *s;
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK_EQ_INT(kt_delta_snapshot_version(s), WRITERS * COMMITS);
    kt_delta_snapshot_free(s);
    /* every operation exactly once; replay them serially in log order and
     * compare with the snapshot at every version (a lost overwrite conflict
     * shows only until the next overwrite of that partition) */
    static char seen[WRITERS][COMMITS];
    memset(seen, 0, sizeof seen);
    static char model[PARTITIONS][4096];
    memset(model, 0, sizeof model);
    int retried = 0;
    kt_delta_snapshot *step;   /* advanced one version at a time */
    CHECK_OK(kt_delta_snapshot_load(t, 0, &step, &err), &err);
    for (int64_t v = 1; v <= WRITERS * COMMITS; v++) {
        int w = -1, j = -1;
        CHECK_MSG(commit_op(dir, v, &w, &j), "commit %lld carries no txn", (long long)v);
        CHECK(w >= 0 && w < WRITERS && j >= 0 && j < COMMITS);
        CHECK_MSG(!seen[w][j], "operation %d,%d committed twice", w, j);
        seen[w][j] = 1;
        retried += commit_read_version(dir, v) != v - 1;
        int p = op_partition(w, j);
        char token[32];
        snprintf(token, sizeof token, "%d,%d ", w, j);
        if (op_overwrites(w, j)) model[p][0] = 0;
        strcat(model[p], token);
        CHECK_OK(kt_delta_snapshot_update_to(step, v, &err), &err);
        CHECK_EQ_INT(kt_delta_snapshot_version(step), v);
        static char actual[PARTITIONS][4096];
        memset(actual, 0, sizeof actual);
        bool whole = snapshot_tokens(step, dir, actual);
        CHECK_MSG(whole, "version %lld: an active file is missing", (long long)v);
        static char want[16384], got[16384];
        describe(model, want, sizeof want);
        describe(actual, got, sizeof got);
        CHECK_MSG(strcmp(want, got) == 0, "version %lld: serial replay %s != snapshot %s",
                  (long long)v, want, got);
    }
    kt_delta_snapshot_free(step);
    printf("%d of %d commits landed after losing a race\n", retried, WRITERS * COMMITS);
    CHECK(retried > 0);   /* the test must exercise lost races to mean anything */
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    int64_t app_version;
    CHECK(kt_delta_snapshot_app_version(s, "w3", &app_version) && app_version == COMMITS - 1);
    kt_delta_snapshot_free(s);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

/* ---- crash safety ------------------------------------------------------ */

/* One commit of `rows` rows of Parquet into partition p<part>, maybe replacing it. */
static kt_status parquet_op(kt_delta_table *t, kt_delta_snapshot *s, int part, bool overwrite,
                            size_t rows, int64_t *version, kt_error *err)
{
    char pname[16];
    snprintf(pname, sizeof pname, "p%d", part);
    const char *pv[1] = { pname };
    kt_column cols[2];
    kt_column_init(&cols[0], KT_INT64);
    kt_column_init(&cols[1], KT_DOUBLE);
    kt_status st = KT_OK;
    for (size_t i = 0; st == KT_OK && i < rows; i++) {
        st = kt_column_push_i64(&cols[0], 1669236000000000LL + (int64_t)i * 10000);
        if (st == KT_OK) st = i % 7 ? kt_column_push_double(&cols[1], (double)i * 0.25)
                                    : kt_column_push_null(&cols[1]);
    }
    kt_delta_txn *x = NULL;
    if (st == KT_OK) st = kt_delta_txn_begin(t, s, &x, err);
    if (st == KT_OK && overwrite) st = kt_delta_txn_replace_partitions(x, "run_uuid", pv, 1, err);
    if (st == KT_OK) st = kt_delta_txn_write_partition(x, pv, cols, 2, rows, err);
    if (st == KT_OK) st = kt_delta_txn_commit(x, version, err);
    kt_delta_txn_free(x);
    kt_column_free(&cols[0]);
    kt_column_free(&cols[1]);
    return st;
}

static int killed_writer_main(const char *dir, int fd, uint64_t seed)
{
    kt_error err = { 0 };
    kt_delta_options o = { .no_fsync = true };
    kt_delta_table *t;
    kt_delta_snapshot *s = NULL;
    if (kt_delta_open(dir, &o, &t, &err) != KT_OK || kt_delta_snapshot_load(t, -1, &s, &err) != KT_OK)
        return 2;
    for (int j = 0;; j++) {
        int64_t v;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        if (kt_delta_snapshot_update(s, &err) != KT_OK) return 3;
        int part = (int)(seed >> 60) % PARTITIONS;
        kt_status st = parquet_op(t, s, part, (seed >> 40) % 3 == 0, 200 + (seed >> 20) % 3000, &v, &err);
        if (st == KT_ERR_CONFLICT) continue;
        if (st != KT_OK) {
            fprintf(stderr, "killed writer op %d: %s\n", j, err.msg);
            return 4;
        }
        if (write(fd, &v, sizeof v) != sizeof v) return 5;
    }
}

static size_t count_data_files(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "find '%s' -type f -not -path '*/_delta_log/*' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p && fscanf(p, "%zu", &n) != 1) n = 0;
    if (p) pclose(p);
    return n;
}

/* Every active file exists with its logged size and, read as Parquet,
 * holds the numRecords its stats claim. */
static bool active_files_whole(const kt_delta_snapshot *s, const char *dir)
{
    for (size_t i = 0; i < kt_delta_snapshot_num_files(s); i++) {
        const kt_delta_file *f = kt_delta_snapshot_file(s, i);
        char abs[1200];
        snprintf(abs, sizeof abs, "%s/%s", dir, f->path);
        struct stat sb;
        if (stat(abs, &sb) != 0 || sb.st_size != f->size) return false;
        kt_pq_reader *r;
        kt_error err;
        if (kt_pq_open(abs, &r, &err) != KT_OK) return false;
        bool rows_ok = kt_pq_num_rows(r) == f->num_records && f->num_records >= 200;
        kt_pq_close(r);
        if (!rows_ok) return false;
    }
    return true;
}

TEST(writers_killed_at_random_leave_a_consistent_table)
{
    kt_error err = { 0 };
    char *dir = fx_tempdir("kill");
    kt_delta_table *t;
    CHECK_OK(fx_create(dir, &t, &err), &err);
    uint64_t rng = (uint64_t)time(NULL) * 2654435761u;
    int64_t version = 0, landed_after_report = 0;
    kt_delta_snapshot *s;   /* followed incrementally; a full load every tenth trial */
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    for (int trial = 0; trial < KILL_TRIALS; trial++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            _exit(killed_writer_main(dir, fds[1], rng));
        }
        close(fds[1]);
        /* let it commit once, then kill it at a random instant of what follows */
        int64_t v, last = version;
        bool first = read(fds[0], &v, sizeof v) == sizeof v;
        struct timespec nap = { 0, (long)((rng >> 33) % 3000) * 1000 };  /* 0-3 ms */
        nanosleep(&nap, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK_MSG(first && WIFSIGNALED(status), "writer exited %d before the kill",
                  WEXITSTATUS(status));
        do {
            CHECK_MSG(v == last + 1, "reported version %lld after %lld", (long long)v, (long long)last);
            last = v;
        } while (read(fds[0], &v, sizeof v) == sizeof v);
        close(fds[0]);
        CHECK_OK(kt_delta_snapshot_update(s, &err), &err);
        if (trial % 10 == 9) {
            kt_delta_snapshot *full;
            CHECK_OK(kt_delta_snapshot_load(t, -1, &full, &err), &err);
            CHECK_EQ_INT(kt_delta_snapshot_version(full), kt_delta_snapshot_version(s));
            CHECK_EQ_INT(kt_delta_snapshot_num_files(full), kt_delta_snapshot_num_files(s));
            kt_delta_snapshot_free(full);
        }
        int64_t now_at = kt_delta_snapshot_version(s);
        CHECK_MSG(now_at == last || now_at == last + 1, "trial %d: table at %lld, writer reported %lld",
                  trial, (long long)now_at, (long long)last);
        landed_after_report += now_at == last + 1;
        CHECK_MSG(active_files_whole(s, dir), "trial %d: an active file is missing or partial", trial);
        version = now_at;
    }
    kt_delta_snapshot_free(s);
    CHECK(version >= KILL_TRIALS);   /* every writer committed at least once */
    printf("%d kills, table at version %lld; %lld kills landed between a commit and its report\n",
           KILL_TRIALS, (long long)version, (long long)landed_after_report);

    /* orphans stay until vacuum, and default retention keeps young ones */
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    size_t active = kt_delta_snapshot_num_files(s);
    size_t on_disk = count_data_files(dir);
    CHECK(on_disk >= active + kt_delta_snapshot_num_tombstones(s));
    char cmd[700];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.tmp-*' -not -path '*/_delta_log/*' | wc -l", dir);
    FILE *tp = popen(cmd, "r");
    int partial = -1;
    if (tp && fscanf(tp, "%d", &partial) != 1) partial = -1;
    if (tp) pclose(tp);
    printf("orphans left by the kills: %zu data files, %d of them Parquet files cut mid-write\n",
           on_disk - active - kt_delta_snapshot_num_tombstones(s), partial);
    kt_delta_snapshot_free(s);
    kt_delta_vacuum_result r;
    kt_delta_vacuum_options keep = { .retention_ms = -1 };
    CHECK_OK(kt_delta_vacuum(t, &keep, &r, &err), &err);
    CHECK_EQ_INT(r.files, 0);
    kt_delta_vacuum_options now = { .retention_ms = 0, .now_ms = (int64_t)time(NULL) * 1000 + 2000 };
    CHECK_OK(kt_delta_vacuum(t, &now, &r, &err), &err);
    CHECK_EQ_INT(count_data_files(dir), active);
    CHECK_OK(kt_delta_snapshot_load(t, -1, &s, &err), &err);
    CHECK(active_files_whole(s, dir));
    CHECK_EQ_INT(kt_delta_snapshot_num_files(s), active);
    kt_delta_snapshot_free(s);
    snprintf(cmd, sizeof cmd, "ls -a '%s/_delta_log' | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    int temps = -1;
    if (p && fscanf(p, "%d", &temps) != 1) temps = -1;
    if (p) pclose(p);
    CHECK_EQ_INT(temps, 0);
    kt_delta_close(t);
    fx_rmrf(dir);
    free(dir);
}

TEST_MAIN_BEGIN("delta_stress")
    RUN(ctx, eight_writers_fifty_commits_serialize);
    RUN(ctx, writers_killed_at_random_leave_a_consistent_table);
TEST_MAIN_END()
