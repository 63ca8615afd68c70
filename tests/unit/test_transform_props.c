/*
 * tests/unit/test_transform_props.c — properties of the transform rather
 * than examples: input-order independence (many random shuffles of a
 * messy run give bit-identical outputs), the spike filter and the radix
 * sort against brute-force references, stream medians against sorting,
 * the memory bound (scratch <= 3x the decoded readings) and throughput on
 * a 10-minute run (printed as "# ..." lines).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "core/buf.h"
#include "pipeline/key_sort.h"
#include "pipeline/spikes.h"
#include "pipeline/transform.h"
#include "transform_fixture.h"

/* ---- a messy run: copies, conflicts, spikes, a hole, a missing channel ---- */

static int messy_run(tf_run *run, double seconds, uint64_t seed)
{
    if (tf_clean_run(run, seconds, seed)) return -1;
    uint64_t rng = seed ^ 0xabcdef;
    size_t clean = run->n;
    kt_reading *r = run->r;
    /* encoder spikes */
    for (size_t k = 0; k < clean / 500; k++) {
        size_t i = tf_rand(&rng) % clean;
        if (r[i].field >= KT_FIELD_X) r[i].value += (tf_rand(&rng) % 2 ? 40.0 : -40.0);
    }
    /* a 1.5 s hole in load cell 2 and no z_2 after the middle */
    size_t kept = 0;
    for (size_t i = 0; i < clean; i++) {
        int64_t t = r[i].time_us - TF_T0;
        if (r[i].robot == 2 && r[i].field < KT_FIELD_X && t > 3000000 && t < 4500000) continue;
        if (r[i].robot == 2 && r[i].field == KT_FIELD_Z && t > (int64_t)(seconds * 5e5)) continue;
        r[kept++] = r[i];
    }
    run->n = kept;
    /* exact copies and conflicting copies */
    for (size_t k = 0; k < kept / 50; k++) {
        kt_reading x = run->r[tf_rand(&rng) % kept];
        if (k % 3 == 0) x.value += 0.25;
        if (tf_push(run, x.time_us, x.robot, x.field, x.value)) return -1;
    }
    return 0;
}

static void shuffle(kt_reading *r, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = tf_rand(rng) % i;
        kt_reading t = r[i - 1];
        r[i - 1] = r[j];
        r[j] = t;
    }
}

/* ---- serialising every output byte ---- */

static kt_status put_column(kt_buf *b, const kt_column *c)
{
    KT_TRY(kt_buf_append(b, &c->len, sizeof c->len));
    KT_TRY(kt_buf_append(b, &c->null_count, sizeof c->null_count));
    for (size_t i = 0; i < c->len; i++) KT_TRY(kt_buf_append_byte(b, kt_column_is_valid(c, i)));
    if (c->type == KT_BYTES) {
        KT_TRY(kt_buf_append(b, c->offsets, (c->len + 1) * sizeof *c->offsets));
        return kt_buf_append(b, c->bytes, (size_t)c->offsets[c->len]);
    }
    return kt_buf_append(b, c->values, c->len * kt_type_width(c->type));
}

static kt_status snapshot(const kt_run_output *o, kt_buf *b)
{
    kt_named_column cols[KT_ALIGNED_COLUMNS + KT_FEATURE_COLUMNS];
    size_t n = kt_features_named_columns(&o->aligned, &o->features, cols);
    for (size_t i = 0; i < n; i++) KT_TRY(put_column(b, cols[i].column));
    kt_column stats[KT_RUN_STATS_COLUMNS];
    kt_run_stats_columns_init(stats);
    kt_status s = kt_run_stats_append(&o->stats, stats, NULL);
    for (size_t i = 0; s == KT_OK && i < KT_RUN_STATS_COLUMNS; i++) s = put_column(b, &stats[i]);
    kt_run_stats_columns_free(stats);
    return s;
}

TEST(shuffled_input_gives_identical_output)
{
    tf_run run = { 0 };
    CHECK(messy_run(&run, 10.0, 7) == 0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    kt_transform *t = kt_transform_new(0);
    const kt_run_output *out;
    kt_error err;
    kt_buf first, again;
    kt_buf_init(&first);
    kt_buf_init(&again);
    CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &out, &err), &err);
    CHECK(out->stats.spikes_removed > 0 && out->stats.duplicate_readings > 0 && out->stats.conflicting_readings > 0);
    CHECK_EQ_STR(out->stats.status, "partial");
    CHECK_OK(snapshot(out, &first), NULL);
    uint64_t rng = 99;
    for (int round = 0; round < 40; round++) {
        shuffle(run.r, run.n, &rng);
        kt_buf_clear(&again);
        CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &out, &err), &err);
        CHECK_OK(snapshot(out, &again), NULL);
        CHECK_MSG(again.len == first.len && memcmp(again.data, first.data, first.len) == 0,
                  "shuffle %d changed the output", round);
    }
    /* and the grid strategy, in a fresh context */
    kt_transform *g = kt_transform_new(0);
    CHECK_OK(kt_transform_config_set(&cfg, "align", "grid:7ms", &err), &err);
    kt_buf_clear(&first);
    CHECK_OK(kt_transform_run(g, &cfg, run.r, run.n, &out, &err), &err);
    CHECK_OK(snapshot(out, &first), NULL);
    for (int round = 0; round < 10; round++) {
        shuffle(run.r, run.n, &rng);
        kt_buf_clear(&again);
        CHECK_OK(kt_transform_run(g, &cfg, run.r, run.n, &out, &err), &err);
        CHECK_OK(snapshot(out, &again), NULL);
        CHECK_MSG(again.len == first.len && memcmp(again.data, first.data, first.len) == 0,
                  "grid shuffle %d changed the output", round);
    }
    kt_transform_free(g);
    kt_transform_free(t);
    kt_buf_free(&first);
    kt_buf_free(&again);
    tf_run_free(&run);
}

/* ---- spike filter against a brute-force Hampel ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double brute_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Flags by the definition in spikes.h, window by window, no cleverness. */
static void brute_flags(const int64_t *t, const double *v, size_t n, const kt_spike_params *p, uint8_t *flag)
{
    size_t s0 = 0, k = (size_t)p->half_window;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && t[i] - t[i - 1] <= p->max_gap_us) continue;
        size_t len = i - s0;
        for (size_t j = s0; j < i && len >= 3; j++) {
            size_t w = 2 * k + 1 < len ? 2 * k + 1 : len;
            size_t lo = j >= s0 + k ? j - k : s0;
            if (lo > i - w) lo = i - w;
            double win[256], dev[256];
            for (size_t q = 0; q < w; q++) win[q] = v[lo + q];
            double m = brute_median(win, w);
            for (size_t q = 0; q < w; q++) dev[q] = fabs(v[lo + q] - m);
            double mad = brute_median(dev, w);
            double limit = fmax(p->threshold * 1.4826 * mad, p->min_deviation);
            flag[j] = fabs(v[j] - m) > limit;
        }
        for (size_t j = s0; j < i && len < 3; j++) flag[j] = 0;
        s0 = i;
    }
}

TEST(spike_filter_matches_brute_force)
{
    enum { N = 3000 };
    static int64_t t[N], t2[N];
    static double v[N], v2[N];
    static uint8_t flag[N];
    static unsigned char scratch[N + 4096];
    uint64_t rng = 5;
    for (int trial = 0; trial < 30; trial++) {
        kt_spike_params p = { 1 + trial % 7, 2.0 + 0.5 * (trial % 3), trial % 4 == 0 ? 0.0 : 0.5, 500000 };
        int64_t now = 0;
        for (size_t i = 0; i < N; i++) {
            now += 12000 + (int64_t)(tf_rand(&rng) % 5000);
            if (tf_rand(&rng) % 400 == 0) now += 600000; /* gaps split segments */
            t[i] = now;
            double x = (double)i * 0.05 + sin((double)i / 40.0) * 5;
            if (trial % 5 == 1) x = 0.003;                          /* flat */
            if (trial % 5 == 2) x = floor(x) * 0.5;                 /* quantised */
            if (tf_rand(&rng) % 100 == 0) x += (double)(tf_rand(&rng) % 200) - 100; /* spikes */
            if (trial % 5 == 3) x += ((double)(tf_rand(&rng) % 1000) - 500) / 2000; /* noise */
            v[i] = x;
        }
        brute_flags(t, v, N, &p, flag);
        memcpy(t2, t, sizeof t);
        memcpy(v2, v, sizeof v);
        size_t n = N, kept = 0;
        CHECK(kt_spikes_scratch_bytes(N, p.half_window) <= sizeof scratch);
        size_t removed = kt_spikes_remove(t2, v2, &n, &p, scratch);
        for (size_t i = 0; i < N; i++) {
            if (flag[i]) continue;
            CHECK_MSG(kept < n && t2[kept] == t[i] && v2[kept] == v[i], "trial %d sample %zu", trial, i);
            kept++;
        }
        CHECK_EQ_INT(kept, n);
        CHECK_EQ_INT(removed, N - n);
    }
}

/* ---- radix sort against qsort ---- */

static int cmp_pair(const void *a, const void *b)
{
    const kt_key_pair *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->value > y->value) - (x->value < y->value); /* values = input position: stability */
}

TEST(radix_sort_matches_qsort_and_is_stable)
{
    enum { N = 20000 };
    static kt_key_pair a[N], tmp[N], want[N];
    static size_t hist[KT_KEY_SORT_HIST_WORDS];
    uint64_t rng = 11;
    int bit_widths[] = { 1, 8, 11, 12, 22, 33, 45, 63, 64 };
    for (size_t w = 0; w < sizeof bit_widths / sizeof bit_widths[0]; w++) {
        uint64_t max_key = bit_widths[w] == 64 ? UINT64_MAX : ((uint64_t)1 << bit_widths[w]) - 1;
        for (size_t i = 0; i < N; i++) {
            uint64_t k = tf_rand(&rng) & max_key;
            if (i % 3 == 0 && i) k = a[i - 1].key; /* plenty of equal keys */
            a[i] = (kt_key_pair){ k, (double)i };
        }
        memcpy(want, a, sizeof a);
        qsort(want, N, sizeof *want, cmp_pair);
        kt_key_pair *got = kt_key_sort(a, tmp, N, max_key, hist);
        for (size_t i = 0; i < N; i++)
            CHECK_MSG(got[i].key == want[i].key && got[i].value == want[i].value, "width %d row %zu", bit_widths[w], i);
    }
}

/* ---- stream medians against sorting ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

TEST(median_period_matches_sorting)
{
    uint64_t rng = 3;
    kt_transform *t = kt_transform_new(0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    for (int trial = 0; trial < 20; trial++) {
        tf_run run = { 0 };
        size_t n = 2 + (size_t)trial * 37;
        int64_t now = TF_T0, diffs[1000];
        for (size_t i = 0; i < n; i++) {
            if (i) {
                diffs[i - 1] = trial % 2 ? 10000 + (int64_t)(tf_rand(&rng) % 4) * 1000 : 1 + (int64_t)(tf_rand(&rng) % 90000);
                now += diffs[i - 1];
            }
            CHECK(tf_push(&run, now, 1, KT_FIELD_FX, 1.0) == 0);
        }
        const kt_run_output *out;
        kt_error err;
        CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &out, &err), &err);
        qsort(diffs, n - 1, sizeof *diffs, cmp_i64);
        size_t m = n - 1;
        double want = m % 2 ? (double)diffs[m / 2] : ((double)diffs[m / 2 - 1] + (double)diffs[m / 2]) / 2;
        CHECK_NEAR(out->stats.median_period_s[KT_STREAM_LOAD_CELL_1], want * 1e-6, 1e-12);
        tf_run_free(&run);
    }
    kt_transform_free(t);
}

/* ---- memory and speed on a 10-minute run ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(ten_minute_run_memory_and_throughput)
{
    tf_run run = { 0 };
    CHECK(tf_clean_run(&run, 600.0, 1) == 0);
    uint64_t rng = 17;
    shuffle(run.r, run.n, &rng); /* worst case: nothing arrives in order */
    kt_transform *t = kt_transform_new(0);
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    const kt_run_output *out;
    kt_error err;
    CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &out, &err), &err);
    double ratio = (double)out->scratch_bytes / (double)out->input_bytes;
    double ratio_17 = (double)out->scratch_bytes / (double)(run.n * 17); /* time + value + channel byte */
    printf("# 600 s run: %zu readings, %zu aligned rows; input %.1f MB (24 B/reading), scratch %.1f MB = %.2fx "
           "(%.2fx of a 17 B/reading columnar input); output columns %.1f MB\n",
           run.n, out->aligned.rows, (double)out->input_bytes / 1e6, (double)out->scratch_bytes / 1e6, ratio,
           ratio_17, (double)kt_run_output_bytes(out) / 1e6);
    CHECK_MSG(ratio <= 3.0, "scratch is %.2fx the input", ratio);
    CHECK_MSG(ratio_17 <= 3.0, "scratch is %.2fx a 17 B/reading input", ratio_17);
    size_t reserved = out->scratch_bytes;
    int rounds = 5;
    double start = now_s();
    for (int i = 0; i < rounds; i++) CHECK_OK(kt_transform_run(t, &cfg, run.r, run.n, &out, &err), &err);
    double shuffled = (now_s() - start) / rounds;
    CHECK_EQ_INT(out->scratch_bytes, reserved); /* the block is reused, not regrown */
    /* in time order per stream, as files usually deliver */
    tf_run sorted = { 0 };
    CHECK(tf_clean_run(&sorted, 600.0, 1) == 0);
    start = now_s();
    for (int i = 0; i < rounds; i++) CHECK_OK(kt_transform_run(t, &cfg, sorted.r, sorted.n, &out, &err), &err);
    double ordered = (now_s() - start) / rounds;
    printf("# throughput: %.2f M readings/s shuffled (%.1f ms/run), %.2f M readings/s stream-ordered (%.1f ms/run)\n",
           (double)run.n / shuffled / 1e6, shuffled * 1e3, (double)sorted.n / ordered / 1e6, ordered * 1e3);
#if !defined(__SANITIZE_ADDRESS__)
    CHECK_MSG((double)run.n / shuffled > 1e6, "only %.0f readings/s", (double)run.n / shuffled);
#endif
    kt_transform_free(t);
    tf_run_free(&run);
    tf_run_free(&sorted);
}

TEST_MAIN_BEGIN("transform_props")
RUN(ctx, shuffled_input_gives_identical_output);
RUN(ctx, spike_filter_matches_brute_force);
RUN(ctx, radix_sort_matches_qsort_and_is_stable);
RUN(ctx, median_period_matches_sorting);
RUN(ctx, ten_minute_run_memory_and_throughput);
TEST_MAIN_END()
