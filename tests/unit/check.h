/*
 * tests/unit/check.h — the unit-test harness. Each test_*.c defines
 * static test functions and a main() that RUNs them. Every test prints
 * one line "PASS <suite>/<test>" or "FAIL <suite>/<test>: <where> <what>",
 * which tests/run.sh counts. A failed CHECK ends only its own test.
 */
#ifndef KT_TEST_CHECK_H
#define KT_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

typedef struct kt_test_ctx {
    const char *suite;
    int failed;
    int total_failed;
    char where[512];
} kt_test_ctx;

#define TEST(name) static void name(kt_test_ctx *t_)

#define CHECK(cond) do { if (!(cond)) { \
    snprintf(t_->where, sizeof t_->where, "%s:%d: CHECK(%s)", __FILE__, __LINE__, #cond); \
    t_->failed = 1; return; } } while (0)

#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
    int n_ = snprintf(t_->where, sizeof t_->where, "%s:%d: ", __FILE__, __LINE__); \
    if (n_ > 0 && (size_t)n_ < sizeof t_->where) \
        snprintf(t_->where + n_, sizeof t_->where - (size_t)n_, __VA_ARGS__); \
    t_->failed = 1; return; } } while (0)

#define CHECK_EQ_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    CHECK_MSG(a_ == b_, "%s == %s: %lld != %lld", #a, #b, a_, b_); } while (0)

#define CHECK_EQ_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    CHECK_MSG(a_ && b_ && strcmp(a_, b_) == 0, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
              a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    CHECK_MSG(fabs(a_ - b_) <= (tol), "%s ~ %s: %.17g vs %.17g (tol %g)", #a, #b, a_, b_, (double)(tol)); } while (0)

/* Checks a kt_status is KT_OK, printing the error message otherwise. */
#define CHECK_OK(expr, errp) do { kt_status s_ = (expr); const kt_error *e_ = (errp); \
    CHECK_MSG(s_ == KT_OK, "%s -> %s: %s", #expr, kt_strerror(s_), e_ ? e_->msg : ""); } while (0)

#define RUN(ctx, name) do { (ctx)->failed = 0; (ctx)->where[0] = 0; name(ctx); \
    if ((ctx)->failed) { (ctx)->total_failed++; \
        printf("FAIL %s/%s: %s\n", (ctx)->suite, #name, (ctx)->where); } \
    else { printf("PASS %s/%s\n", (ctx)->suite, #name); } \
    fflush(stdout); } while (0)

#define TEST_MAIN_BEGIN(suite_name) int main(void) { \
    kt_test_ctx ctx_ = { .suite = (suite_name) }; kt_test_ctx *ctx = &ctx_;
#define TEST_MAIN_END() return ctx->total_failed ? 1 : 0; }

#endif
