/* tests/unit/test_hash_files.c — kt_hash_file across read chunks, and
 * kt_hash_files: results by index whatever the thread count, unreadable
 * files fail alone. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/hash.h"
#include "orchestrate/hash_files.h"

enum { NFILES = 24, MISSING = 7 };

typedef struct fixture {
    char dir[64];
    char paths[NFILES][128];
    const char *list[NFILES];
    uint64_t expect[NFILES];
    size_t sizes[NFILES];
} fixture;

/* Sizes straddle the 256 KiB read chunk: empty, tiny, exactly one chunk, one
 * byte over, several chunks and a tail. Contents differ per file. */
static size_t size_of(int i)
{
    static const size_t sizes[] = { 0, 1, 262144, 262145, 700001, 4096, 1048576 + 3 };
    return sizes[i % (int)(sizeof sizes / sizeof *sizes)];
}

static int make_fixture(fixture *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/kt_hash_files_XXXXXX");
    if (!mkdtemp(f->dir)) return 0;
    char dir[sizeof f->dir];
    memcpy(dir, f->dir, sizeof dir);
    for (int i = 0; i < NFILES; i++) {
        snprintf(f->paths[i], sizeof f->paths[i], "%s/f%02d", dir, i);
        f->list[i] = f->paths[i];
        if (i == MISSING) continue;
        size_t n = size_of(i);
        unsigned char *buf = malloc(n ? n : 1);
        if (!buf) return 0;
        uint64_t x = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[k] = (unsigned char)x;
        }
        f->expect[i] = kt_hash64(buf, n, 0);
        f->sizes[i] = n;
        FILE *out = fopen(f->paths[i], "wb");
        int ok = out && fwrite(buf, 1, n, out) == n;
        if (out) ok &= fclose(out) == 0;
        free(buf);
        if (!ok) return 0;
    }
    return 1;
}

static void drop_fixture(fixture *f)
{
    for (int i = 0; i < NFILES; i++) unlink(f->paths[i]);
    rmdir(f->dir);
}

TEST(file_hash_equals_the_one_shot_hash_across_chunks)
{
    fixture f;
    CHECK(make_fixture(&f));
    for (int i = 0; i < NFILES; i++) {
        if (i == MISSING) continue;
        uint64_t h = 0, size = 0;
        kt_error err;
        kt_status s = kt_hash_file(f.paths[i], &h, &size, &err);
        if (s != KT_OK || h != f.expect[i] || size != f.sizes[i]) {
            drop_fixture(&f);
            CHECK_MSG(0, "file %d (%zu bytes): status %s", i, f.sizes[i], kt_strerror(s));
        }
    }
    drop_fixture(&f);
}

TEST(results_are_by_index_whatever_the_thread_count)
{
    fixture f;
    CHECK(make_fixture(&f));
    static const size_t threads[] = { 0, 1, 2, 5, 64 };
    int bad = -1;
    size_t bad_threads = 0;
    for (size_t t = 0; t < sizeof threads / sizeof *threads && bad < 0; t++) {
        kt_file_hash out[NFILES];
        memset(out, 0xab, sizeof out);
        kt_hash_files(f.list, NFILES, threads[t], out);
        for (int i = 0; i < NFILES && bad < 0; i++) {
            bool ok = i == MISSING ? out[i].status == KT_ERR_IO && strstr(out[i].error.msg, f.paths[i])
                                   : out[i].status == KT_OK && out[i].hash == f.expect[i] && out[i].size == f.sizes[i];
            if (!ok) bad = i, bad_threads = threads[t];
        }
    }
    drop_fixture(&f);
    CHECK_MSG(bad < 0, "file %d wrong with %zu threads", bad, bad_threads);
}

TEST(an_empty_list_writes_nothing)
{
    kt_file_hash out[1];
    memset(out, 0xab, sizeof out);
    kt_hash_files(NULL, 0, 4, out);
    const unsigned char *b = (const unsigned char *)out;
    for (size_t i = 0; i < sizeof out; i++) CHECK(b[i] == 0xab);
}

TEST_MAIN_BEGIN("hash_files")
    RUN(ctx, file_hash_equals_the_one_shot_hash_across_chunks);
    RUN(ctx, results_are_by_index_whatever_the_thread_count);
    RUN(ctx, an_empty_list_writes_nothing);
TEST_MAIN_END()
