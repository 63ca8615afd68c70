/* tests/unit/test_core.c — error, arena, buffer, column, dictionary, hash. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/column.h"
#include "core/dict.h"
#include "core/error.h"
#include "core/hash.h"

TEST(error_messages_carry_context)
{
    kt_error err;
    kt_error_clear(&err);
    CHECK_EQ_INT(kt_fail(&err, KT_ERR_FORMAT, "row %d: bad value", 7), KT_ERR_FORMAT);
    kt_error_prefix(&err, "%s", "data.parquet");
    CHECK_EQ_STR(err.msg, "data.parquet: row 7: bad value");
    CHECK_EQ_INT(err.status, KT_ERR_FORMAT);
    CHECK_EQ_INT(kt_fail(NULL, KT_ERR_IO, "ignored"), KT_ERR_IO);
    kt_fail_errno(&err, KT_ERR_IO, 2, "open %s", "x");
    CHECK_EQ_STR(err.msg, "open x: No such file or directory");
}

TEST(error_truncation_is_visible)
{
    kt_error err;
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    kt_fail(&err, KT_ERR_FORMAT, "%s", big);
    CHECK_EQ_INT(strlen(err.msg), KT_ERROR_MSG_MAX - 1);
    CHECK_EQ_STR(err.msg + KT_ERROR_MSG_MAX - 4, "...");
}

TEST(every_status_has_a_name)
{
    for (int s = 0; s < KT_STATUS_COUNT; s++)
        CHECK(kt_strerror((kt_status)s) != NULL && kt_strerror((kt_status)s)[0]);
    CHECK_EQ_STR(kt_strerror((kt_status)999), "unknown status");
}

TEST(arena_alignment_and_limit)
{
    kt_arena a;
    kt_arena_init(&a, 1 << 20);
    for (int i = 1; i < 100; i++) {
        void *p = kt_arena_alloc(&a, (size_t)i * 7);
        CHECK(p != NULL);
        CHECK_EQ_INT((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)i * 7);
    }
    CHECK(kt_arena_alloc(&a, 2 << 20) == NULL);          /* over the limit */
    CHECK(kt_arena_calloc(&a, SIZE_MAX / 2, 4) == NULL);  /* overflow */
    CHECK(kt_arena_reserved(&a) <= (1 << 20));
    char *s = kt_arena_strndup(&a, "hello world", 5);
    CHECK_EQ_STR(s, "hello");
    kt_arena_reset(&a);
    CHECK(kt_arena_alloc(&a, 1000) != NULL);
    kt_arena_free(&a);
    CHECK_EQ_INT(kt_arena_reserved(&a), 0);
}

TEST(arena_many_blocks)
{
    kt_arena a;
    kt_arena_init(&a, 0);
    size_t total = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned char *p = kt_arena_alloc(&a, 1000);
        CHECK(p);
        p[0] = 1; p[999] = 2;
        total += 1000;
    }
    CHECK(kt_arena_reserved(&a) >= total);
    kt_arena_free(&a);
}

TEST(buf_append_and_printf)
{
    kt_buf b;
    kt_buf_init(&b);
    CHECK_OK(kt_buf_append_str(&b, "abc"), NULL);
    for (int i = 0; i < 1000; i++) CHECK_OK(kt_buf_printf(&b, "%d,", i), NULL);
    char big[600];
    memset(big, 'z', sizeof big - 1);
    big[599] = 0;
    CHECK_OK(kt_buf_printf(&b, "[%s]", big), NULL);
    CHECK(memcmp(b.data, "abc0,1,2,", 9) == 0);
    CHECK_EQ_INT(b.data[b.len - 1], ']');
    CHECK_EQ_INT(b.data[b.len - 601], '[');
    kt_buf_free(&b);
    kt_buf_init(&b);
    CHECK(kt_buf_extend(&b, 0) != NULL);   /* empty extend of an empty buffer is not an OOM */
    CHECK_EQ_INT(b.len, 0);
    uint8_t *z = kt_buf_extend(&b, 5);
    CHECK(z && z[0] == 0 && z[4] == 0 && b.len == 5);
    kt_buf_free(&b);
}

TEST(column_fixed_width_with_nulls)
{
    kt_column c;
    kt_column_init(&c, KT_DOUBLE);
    for (int i = 0; i < 1000; i++) {
        if (i % 3 == 0) CHECK_OK(kt_column_push_null(&c), NULL);
        else CHECK_OK(kt_column_push_double(&c, i * 0.5), NULL);
    }
    CHECK_EQ_INT(c.len, 1000);
    CHECK_EQ_INT(c.null_count, 334);
    CHECK(!kt_column_is_valid(&c, 999));
    CHECK(kt_column_is_valid(&c, 998));
    CHECK(KT_COL_DOUBLE(&c)[998] == 499.0);
    CHECK(KT_COL_DOUBLE(&c)[0] == 0.0);
    kt_column_clear(&c);
    CHECK_EQ_INT(c.len, 0);
    CHECK(c.valid == NULL);
    CHECK_OK(kt_column_push_double(&c, 1.0), NULL);
    CHECK(kt_column_is_valid(&c, 0));
    kt_column_free(&c);
}

TEST(column_bytes_and_copy)
{
    kt_column c, d;
    kt_column_init(&c, KT_BYTES);
    kt_column_init(&d, KT_BYTES);
    CHECK_OK(kt_column_push_bytes(&c, "encoder", 7), NULL);
    CHECK_OK(kt_column_push_null(&c), NULL);
    CHECK_OK(kt_column_push_bytes(&c, "", 0), NULL);
    CHECK_OK(kt_column_push_bytes(&c, "load_cell", 9), NULL);
    for (size_t i = 0; i < c.len; i++) CHECK_OK(kt_column_push_from(&d, &c, i), NULL);
    size_t len;
    const char *p = kt_column_bytes_at(&d, 3, &len);
    CHECK(len == 9 && memcmp(p, "load_cell", 9) == 0);
    kt_column_bytes_at(&d, 1, &len);
    CHECK_EQ_INT(len, 0);
    CHECK(!kt_column_is_valid(&d, 1));
    CHECK(kt_column_is_valid(&d, 2));
    CHECK_EQ_INT(d.null_count, 1);
    kt_column_free(&c);
    kt_column_free(&d);
}

TEST(dict_interns_in_first_seen_order)
{
    kt_dict d;
    kt_dict_init(&d);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int32_t id;
        int n = snprintf(key, sizeof key, "k%d", i % 1234);
        CHECK_OK(kt_dict_intern(&d, key, (size_t)n, &id), NULL);
        CHECK_EQ_INT(id, i % 1234);
    }
    CHECK_EQ_INT(kt_dict_count(&d), 1234);
    CHECK_EQ_INT(kt_dict_find(&d, "k77", 3), 77);
    CHECK_EQ_INT(kt_dict_find(&d, "nope", 4), -1);
    size_t len;
    const char *s = kt_dict_get(&d, 1000, &len);
    CHECK(len == 5 && memcmp(s, "k1000", 5) == 0);
    kt_dict_clear(&d);
    CHECK_EQ_INT(kt_dict_count(&d), 0);
    CHECK_EQ_INT(kt_dict_find(&d, "k77", 3), -1);
    kt_dict_free(&d);
}

TEST(hash_is_stable_and_streaming_matches)
{
    const char *msg = "kinetl telemetry";
    uint64_t one = kt_hash64(msg, strlen(msg), 0);
    kt_hasher *h = kt_hasher_new(0);
    CHECK(h);
    kt_hasher_update(h, msg, 6);
    kt_hasher_update(h, msg + 6, strlen(msg) - 6);
    CHECK(kt_hasher_digest(h) == one);
    kt_hasher_free(h);
    CHECK(kt_hash64(msg, strlen(msg), 1) != one);

    char path[] = "/tmp/kt_hash_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg));
    close(fd);
    uint64_t fh, size;
    kt_error err;
    CHECK_OK(kt_hash_file(path, &fh, &size, &err), &err);
    unlink(path);
    CHECK(fh == one);
    CHECK_EQ_INT(size, strlen(msg));
    CHECK(kt_hash_file("/nonexistent/x", &fh, &size, &err) == KT_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/x") != NULL);
}

TEST_MAIN_BEGIN("core")
    RUN(ctx, error_messages_carry_context);
    RUN(ctx, error_truncation_is_visible);
    RUN(ctx, every_status_has_a_name);
    RUN(ctx, arena_alignment_and_limit);
    RUN(ctx, arena_many_blocks);
    RUN(ctx, buf_append_and_printf);
    RUN(ctx, column_fixed_width_with_nulls);
    RUN(ctx, column_bytes_and_copy);
    RUN(ctx, dict_interns_in_first_seen_order);
    RUN(ctx, hash_is_stable_and_streaming_matches);
TEST_MAIN_END()
