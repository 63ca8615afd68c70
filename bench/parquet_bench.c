/*
 * bench/parquet_bench.c — kinetl's side of the Parquet benchmark.
 *
 *   parquet_bench read FILE [--repeat N] [--rss-factor F] [--dictionary-codes] [--huge-pages]
 *       Decodes every row group and column of FILE and touches every value
 *       (sums doubles and integers, sums string lengths), N times. Checks
 *       that peak RSS stays within F x (largest decoded row group) + a
 *       fixed allowance: the reader's "bounded by one row group" contract.
 *       --dictionary-codes reads dictionary-encoded string chunks as codes
 *       (kt_pq_set_dictionary_codes) and sums each row's string length
 *       through its code, so every value is still touched. --huge-pages
 *       turns on the reader's transparent huge pages (kt_pq_set_huge_pages;
 *       off by default, as in the reader; --no-huge-pages turns it off).
 *       The output columns are kept across the N reads (each read opens
 *       the file anew), as a long-running reader keeps its columns: read 2
 *       and later are the steady state; read 1 also pays the first touch
 *       of freshly allocated column memory.
 *   parquet_bench write IN OUT [--codec zstd|snappy|none] [--repeat N] [--fsync] [--huge-pages]
 *       Reads IN fully into columns (not timed), then times writing them
 *       to OUT with kinetl's writer, N times; OUT is deleted before each timed
 *       write (untimed) and left from the last run.
 *
 * Prints one JSON object on stdout (figures, checksums) and progress on
 * stderr. Exit 0 ok, 1 error (including a broken memory bound), 2 usage.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc_policy.h"
#include "core/column.h"
#include "core/error.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

#define MAX_REPEAT 50
/* What a process needs besides the decoded row group: code, libc, the
 * footer, one compressed page and its decompressed copy. */
#define RSS_FIXED_ALLOWANCE (64u << 20)

typedef struct options {
    const char *cmd, *in, *out;
    int repeat;
    double rss_factor;
    kt_pq_codec codec;
    bool fsync;
    bool dict_codes;
    bool huge_pages;
} options;

/* The per-column result of touching every value; compared with DuckDB's. */
typedef struct checksum {
    const char *name;
    kt_type type;
    int64_t count;     /* non-null values */
    double sum_d;      /* KT_FLOAT, KT_DOUBLE */
    uint64_t sum_i;    /* KT_BOOL, KT_INT32, KT_INT64 (wrapping) */
    uint64_t sum_len;  /* KT_BYTES: total bytes */
} checksum;

/* Wall-clock seconds per run, and this process's CPU seconds for it. */
typedef struct timings {
    double s[MAX_REPEAT];
    double cpu[MAX_REPEAT];
    int n;
} timings;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set of this program. VmHWM, not getrusage's ru_maxrss:
 * Linux carries ru_maxrss over exec, so a child of a big process (node
 * holding DuckDB's tables) would report its parent's peak. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t peak_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long kb = 0;
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = sscanf(line, "VmHWM: %llu kB", &kb) == 1;
    if (f) fclose(f);
    if (found) return (uint64_t)kb * 1024u;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (uint64_t)ru.ru_maxrss * 1024u;  /* Linux: kilobytes */
}

/* Resident set right now, from /proc (0 if unavailable). */
static uint64_t current_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long pages_total = 0, pages_resident = 0;
    int got = fscanf(f, "%lu %lu", &pages_total, &pages_resident);
    fclose(f);
    return got == 2 ? (uint64_t)pages_resident * 4096u : 0;
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double best_of(const timings *t)
{
    double best = t->s[0];
    for (int i = 1; i < t->n; i++)
        if (t->s[i] < best) best = t->s[i];
    return best;
}

static double median_of(const timings *t)
{
    double sorted[MAX_REPEAT];
    memcpy(sorted, t->s, (size_t)t->n * sizeof sorted[0]);
    qsort(sorted, (size_t)t->n, sizeof sorted[0], compare_double);
    return t->n % 2 ? sorted[t->n / 2] : (sorted[t->n / 2 - 1] + sorted[t->n / 2]) / 2;
}

/* ---------- touching values ---------- */

/* Sum of doubles with four accumulators: a single running sum is one
 * dependent add per value (~4 cycles), which would make the harness, not
 * the reader, the bottleneck. The order differs from DuckDB's, so sums are
 * compared with a relative tolerance. Null slots hold 0. */
static double sum_doubles(const double *v, size_t n)
{
    double a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += v[i];
        b += v[i + 1];
        c += v[i + 2];
        d += v[i + 3];
    }
    for (; i < n; i++) a += v[i];
    return (a + b) + (c + d);
}

/* Integer sums (wrapping) and string lengths with four accumulators, like
 * sum_doubles: each value is still read once. */
static uint64_t sum_i64(const int64_t *v, size_t n)
{
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += (uint64_t)v[i];
        b += (uint64_t)v[i + 1];
        c += (uint64_t)v[i + 2];
        d += (uint64_t)v[i + 3];
    }
    for (; i < n; i++) a += (uint64_t)v[i];
    return a + b + c + d;
}

/* Lengths of n strings from their offsets: offsets[i + 1] - offsets[i]. */
static uint64_t sum_lengths(const int64_t *o, size_t n)
{
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += (uint64_t)(o[i + 1] - o[i]);
        b += (uint64_t)(o[i + 2] - o[i + 1]);
        c += (uint64_t)(o[i + 3] - o[i + 2]);
        d += (uint64_t)(o[i + 4] - o[i + 3]);
    }
    for (; i < n; i++) a += (uint64_t)(o[i + 1] - o[i]);
    return a + b + c + d;
}

static void touch_column(const kt_column *c, checksum *sum)
{
    size_t n = c->len;
    sum->count += (int64_t)(n - c->null_count);
    switch (c->type) {
    case KT_DOUBLE:
        sum->sum_d += sum_doubles(KT_COL_DOUBLE(c), n);
        break;
    case KT_FLOAT: {
        const float *v = KT_COL_FLOAT(c);
        double s = 0;
        for (size_t i = 0; i < n; i++) s += kt_column_is_valid(c, i) ? (double)v[i] : 0.0;
        sum->sum_d += s;
        break;
    }
    case KT_INT64:
        sum->sum_i += sum_i64(KT_COL_I64(c), n);   /* null slots are zeroed */
        break;
    case KT_INT32: {
        const int32_t *v = KT_COL_I32(c);
        uint64_t s = 0;
        for (size_t i = 0; i < n; i++) s += (uint64_t)(int64_t)v[i];
        sum->sum_i += s;
        break;
    }
    case KT_BOOL: {
        const uint8_t *v = KT_COL_BOOL(c);
        uint64_t s = 0;
        for (size_t i = 0; i < n; i++) s += v[i];
        sum->sum_i += s;
        break;
    }
    case KT_BYTES:
        /* Lengths of the values (nulls are empty ranges); offsets are
         * cumulative, so the total is the last offset. Each length is
         * still read so every value is touched, as DuckDB's strlen does. */
        sum->sum_len += sum_lengths(c->offsets, n);
        break;
    }
}

/* A string column read as dictionary codes: each row's length through its
 * code (what strlen over the strings would give); returns the bytes the
 * strings would take. */
static uint64_t touch_codes(const kt_column *c, const kt_column *dict, checksum *sum)
{
    size_t n = c->len, nd = dict->len;
    uint32_t *lens = malloc((nd ? nd : 1) * sizeof *lens);
    if (!lens) return 0;
    for (size_t k = 0; k < nd; k++) lens[k] = (uint32_t)(dict->offsets[k + 1] - dict->offsets[k]);
    const int32_t *code = KT_COL_I32(c);
    uint64_t s = 0;
    if (c->valid) {
        for (size_t i = 0; i < n; i++) s += c->valid[i] ? lens[code[i]] : 0;
    } else {
        uint64_t a = 0, b = 0, e = 0, d = 0;
        size_t i = 0;
        for (; i + 4 <= n; i += 4) {
            a += lens[code[i]];
            b += lens[code[i + 1]];
            e += lens[code[i + 2]];
            d += lens[code[i + 3]];
        }
        for (; i < n; i++) a += lens[code[i]];
        s = a + b + e + d;
    }
    free(lens);
    sum->count += (int64_t)(n - c->null_count);
    sum->sum_len += s;
    return s;
}

/* Bytes of decoded values: fixed width x rows, or string payload. */
static uint64_t decoded_bytes(const kt_column *c)
{
    if (c->type == KT_BYTES) return c->len ? (uint64_t)c->offsets[c->len] : 0;
    return (uint64_t)c->len * kt_type_width(c->type);
}

/* Bytes the column holds allocated (what the process must keep resident). */
static uint64_t footprint_bytes(const kt_column *c)
{
    uint64_t b = c->valid ? c->cap : 0;
    if (c->type == KT_BYTES) return b + (uint64_t)(c->cap + 1) * 8u + c->bytes_cap;
    return b + (uint64_t)c->cap * kt_type_width(c->type);
}

/* ---------- read ---------- */

typedef struct read_stats {
    int64_t rows;
    int row_groups, ncols;
    uint64_t decoded, max_rg_decoded, max_rg_footprint;
    checksum sums[256];
} read_stats;

/* The output columns of a read, kept across the --repeat iterations as a
 * long-running reader keeps them (the reader refills a column row group
 * after row group in its arrays): the second and later iterations measure
 * the steady state, not the allocator's first touch of fresh memory. */
typedef struct column_set {
    kt_column cols[256];
    int ncols;          /* initialised so far */
} column_set;

static void column_set_free(column_set *cs)
{
    for (int c = 0; c < cs->ncols; c++) kt_column_free(&cs->cols[c]);
    cs->ncols = 0;
}

static kt_status read_all(const char *path, const options *o, column_set *cs, read_stats *st, kt_error *err)
{
    kt_pq_reader *r = NULL;
    KT_TRY(kt_pq_open(path, &r, err));
    kt_pq_set_dictionary_codes(r, o->dict_codes);
    kt_pq_set_huge_pages(r, o->huge_pages);
    int ncols = kt_pq_num_columns(r);
    if (ncols <= 0 || ncols > (int)(sizeof st->sums / sizeof st->sums[0])) {
        kt_pq_close(r);
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: %d columns (bench handles 1..256)", path, ncols);
    }
    memset(st, 0, sizeof *st);
    st->ncols = ncols;
    st->row_groups = kt_pq_num_row_groups(r);
    int idx[256];
    kt_column *cols = cs->cols;
    for (int c = 0; c < ncols; c++) {
        const kt_pq_column_info *info = kt_pq_column(r, c);
        idx[c] = c;
        if (c >= cs->ncols) kt_column_init(&cols[c], info->value_type);
        st->sums[c].name = info->name;  /* valid while r is open; copied below */
        st->sums[c].type = info->value_type;
    }
    if (ncols > cs->ncols) cs->ncols = ncols;
    kt_status s = KT_OK;
    for (int g = 0; g < st->row_groups && s == KT_OK; g++) {
        s = kt_pq_read_row_group(r, g, idx, ncols, cols, err);
        if (s != KT_OK) break;
        uint64_t rg_decoded = 0, rg_footprint = 0;
        for (int c = 0; c < ncols; c++) {
            const kt_column *dict = kt_pq_dictionary(r, c);
            if (dict) {
                rg_decoded += touch_codes(&cols[c], dict, &st->sums[c]);
                rg_footprint += footprint_bytes(&cols[c]) + footprint_bytes(dict);
                continue;
            }
            touch_column(&cols[c], &st->sums[c]);
            rg_decoded += decoded_bytes(&cols[c]);
            rg_footprint += footprint_bytes(&cols[c]);
        }
        st->rows += (int64_t)cols[0].len;
        st->decoded += rg_decoded;
        if (rg_decoded > st->max_rg_decoded) st->max_rg_decoded = rg_decoded;
        if (rg_footprint > st->max_rg_footprint) st->max_rg_footprint = rg_footprint;
    }
    for (int c = 0; c < ncols; c++) {
        st->sums[c].name = strdup(st->sums[c].name ? st->sums[c].name : "?");
    }
    kt_pq_close(r);
    return s;
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        if ((unsigned char)*s >= 0x20) putchar(*s);
    }
    putchar('"');
}

static void print_checksums(const read_stats *st)
{
    printf("\"checksums\":[");
    for (int c = 0; c < st->ncols; c++) {
        const checksum *k = &st->sums[c];
        printf("%s{\"name\":", c ? "," : "");
        print_json_string(k->name);
        printf(",\"type\":\"%s\",\"count\":%lld", kt_type_name(k->type), (long long)k->count);
        if ((k->type == KT_DOUBLE || k->type == KT_FLOAT) && isfinite(k->sum_d))
            printf(",\"sum\":%.17g", k->sum_d);
        else if (k->type == KT_DOUBLE || k->type == KT_FLOAT) printf(",\"sum\":\"%g\"", k->sum_d);
        /* integers as strings: JSON numbers lose precision above 2^53 */
        else if (k->type == KT_BYTES) printf(",\"sum_len\":\"%llu\"", (unsigned long long)k->sum_len);
        else printf(",\"sum\":\"%lld\"", (long long)(int64_t)k->sum_i);
        printf("}");
    }
    printf("]");
}

static void print_timings(const timings *t)
{
    printf("\"seconds\":[");
    for (int i = 0; i < t->n; i++) printf("%s%.6f", i ? "," : "", t->s[i]);
    printf("],\"cpu_seconds\":[");
    for (int i = 0; i < t->n; i++) printf("%s%.6f", i ? "," : "", t->cpu[i]);
    printf("],\"best_seconds\":%.6f,\"median_seconds\":%.6f", best_of(t), median_of(t));
}

static void free_sums(read_stats *st)
{
    for (int c = 0; c < st->ncols; c++) free((char *)st->sums[c].name);
}

static int cmd_read(const options *o)
{
    kt_error err = { 0 };
    read_stats st;
    timings t = { .n = 0 };
    column_set cs = { .ncols = 0 };
    uint64_t rss_before = current_rss_bytes();
    for (int i = 0; i < o->repeat; i++) {
        double t0 = now_seconds(), c0 = cpu_seconds();
        if (read_all(o->in, o, &cs, &st, &err) != KT_OK) {
            fprintf(stderr, "parquet_bench: read %s: %s\n", o->in, err.msg);
            column_set_free(&cs);
            return 1;
        }
        t.cpu[t.n] = cpu_seconds() - c0;
        t.s[t.n++] = now_seconds() - t0;
        fprintf(stderr, "  kinetl read  %s: %.3f s\n", o->in, t.s[t.n - 1]);
        if (i + 1 < o->repeat) free_sums(&st);
    }
    column_set_free(&cs);
    uint64_t peak = peak_rss_bytes();
    uint64_t bound = rss_before + (uint64_t)(o->rss_factor * (double)st.max_rg_footprint)
                     + RSS_FIXED_ALLOWANCE;
    bool rss_ok = peak <= bound;
    printf("{\"op\":\"read\",\"file\":");
    print_json_string(o->in);
    printf(",\"file_bytes\":%llu,\"rows\":%lld,\"row_groups\":%d,\"columns\":%d,"
           "\"decoded_bytes\":%llu,\"max_row_group_decoded_bytes\":%llu,"
           "\"max_row_group_footprint_bytes\":%llu,\"rss_before_bytes\":%llu,"
           "\"peak_rss_bytes\":%llu,\"rss_bound_bytes\":%llu,\"rss_ok\":%s,"
           "\"dictionary_codes\":%s,\"huge_pages\":%s,",
           (unsigned long long)file_size(o->in), (long long)st.rows, st.row_groups, st.ncols,
           (unsigned long long)st.decoded, (unsigned long long)st.max_rg_decoded,
           (unsigned long long)st.max_rg_footprint, (unsigned long long)rss_before,
           (unsigned long long)peak, (unsigned long long)bound, rss_ok ? "true" : "false",
           o->dict_codes ? "true" : "false", o->huge_pages ? "true" : "false");
    print_timings(&t);
    putchar(',');
    print_checksums(&st);
    printf("}\n");
    free_sums(&st);
    if (!rss_ok) {
        fprintf(stderr, "parquet_bench: MEMORY BOUND BROKEN reading %s: peak RSS %.1f MiB > "
                        "%.1f MiB (%.1f x largest row group %.1f MiB + %.0f MiB + start %.1f MiB)\n",
                o->in, peak / 1048576.0, bound / 1048576.0, o->rss_factor,
                st.max_rg_footprint / 1048576.0, RSS_FIXED_ALLOWANCE / 1048576.0,
                rss_before / 1048576.0);
        return 1;
    }
    return 0;
}

/* ---------- write ---------- */

typedef struct table {
    kt_column *groups;     /* ngroups x ncols columns, row group major */
    size_t *group_rows;
    int ngroups, ncols;
    kt_pq_field fields[256];
    int64_t rows;
    uint64_t decoded;
} table;

static kt_status field_for(const kt_pq_column_info *info, kt_pq_field *f, kt_error *err)
{
    f->name = strdup(info->name);
    f->nullable = info->nullable;
    switch (info->value_type) {
    case KT_BOOL: f->type = KT_PQ_W_BOOL; return KT_OK;
    case KT_INT32: f->type = KT_PQ_W_INT32; return KT_OK;
    case KT_INT64:
        f->type = info->is_timestamp && info->unit == KT_PQ_UNIT_MICROS ? KT_PQ_W_TIMESTAMP_US
                                                                         : KT_PQ_W_INT64;
        return KT_OK;
    case KT_DOUBLE: f->type = KT_PQ_W_DOUBLE; return KT_OK;
    case KT_BYTES: f->type = KT_PQ_W_STRING; return KT_OK;
    case KT_FLOAT: break;
    }
    return kt_fail(err, KT_ERR_UNSUPPORTED, "column %s: %s has no writer type", info->name,
                   kt_type_name(info->value_type));
}

static void table_free(table *t)
{
    for (int i = 0; i < t->ngroups * t->ncols; i++) kt_column_free(&t->groups[i]);
    for (int c = 0; c < t->ncols; c++) free((char *)t->fields[c].name);
    free(t->groups);
    free(t->group_rows);
    memset(t, 0, sizeof *t);
}

static kt_status load_groups(kt_pq_reader *r, table *t, kt_error *err)
{
    int idx[256];
    for (int c = 0; c < t->ncols; c++) idx[c] = c;
    for (int g = 0; g < t->ngroups; g++) {
        kt_column *cols = &t->groups[(size_t)g * (size_t)t->ncols];
        for (int c = 0; c < t->ncols; c++) kt_column_init(&cols[c], kt_pq_column(r, c)->value_type);
        KT_TRY(kt_pq_read_row_group(r, g, idx, t->ncols, cols, err));
        t->group_rows[g] = cols[0].len;
        t->rows += (int64_t)cols[0].len;
        for (int c = 0; c < t->ncols; c++) t->decoded += decoded_bytes(&cols[c]);
    }
    return KT_OK;
}

static kt_status table_load(const char *path, bool huge_pages, table *t, kt_error *err)
{
    memset(t, 0, sizeof *t);
    kt_pq_reader *r = NULL;
    KT_TRY(kt_pq_open(path, &r, err));
    kt_pq_set_huge_pages(r, huge_pages);
    kt_status s = KT_OK;
    t->ncols = kt_pq_num_columns(r);
    t->ngroups = kt_pq_num_row_groups(r);
    if (t->ncols <= 0 || t->ncols > 256 || t->ngroups < 0) {
        s = kt_fail(err, KT_ERR_UNSUPPORTED, "%s: %d columns (bench handles 1..256)", path, t->ncols);
        t->ncols = 0;
        goto done;
    }
    for (int c = 0; c < t->ncols && s == KT_OK; c++) s = field_for(kt_pq_column(r, c), &t->fields[c], err);
    if (s != KT_OK) goto done;
    t->groups = calloc((size_t)t->ngroups * (size_t)t->ncols + 1, sizeof *t->groups);
    t->group_rows = calloc((size_t)t->ngroups + 1, sizeof *t->group_rows);
    if (!t->groups || !t->group_rows) {
        s = kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", path);
        t->ngroups = 0;
        goto done;
    }
    s = load_groups(r, t, err);
done:
    kt_pq_close(r);
    return s;
}

static kt_status write_table(const table *t, const options *o, uint64_t *out_bytes, kt_error *err)
{
    kt_pq_write_options wo;
    kt_pq_write_options_default(&wo);
    wo.codec = o->codec;
    wo.no_fsync = !o->fsync;
    kt_pq_writer *w = NULL;
    KT_TRY(kt_pq_writer_open(o->out, t->fields, (size_t)t->ncols, &wo, &w, err));
    kt_status s = KT_OK;
    for (int g = 0; g < t->ngroups && s == KT_OK; g++)
        s = kt_pq_writer_write(w, &t->groups[(size_t)g * (size_t)t->ncols], t->group_rows[g], err);
    if (s == KT_OK) s = kt_pq_writer_close(w, err);
    if (s == KT_OK) *out_bytes = kt_pq_writer_file_size(w);
    kt_pq_writer_free(w);
    return s;
}

static int cmd_write(const options *o)
{
    kt_error err = { 0 };
    table t;
    double t0 = now_seconds();
    if (table_load(o->in, o->huge_pages, &t, &err) != KT_OK) {
        fprintf(stderr, "parquet_bench: load %s: %s\n", o->in, err.msg);
        table_free(&t);
        return 1;
    }
    fprintf(stderr, "  kinetl loaded %s: %lld rows in %.3f s (not timed)\n", o->in,
            (long long)t.rows, now_seconds() - t0);
    timings tm = { .n = 0 };
    uint64_t out_bytes = 0;
    for (int i = 0; i < o->repeat; i++) {
        /* The previous output's teardown (freeing its page cache and
         * blocks, done by the rename over it) is not the writer's work:
         * it goes before the clock starts, as the bench does for DuckDB. */
        unlink(o->out);
        double w0 = now_seconds(), c0 = cpu_seconds();
        if (write_table(&t, o, &out_bytes, &err) != KT_OK) {
            fprintf(stderr, "parquet_bench: write %s: %s\n", o->out, err.msg);
            table_free(&t);
            return 1;
        }
        tm.cpu[tm.n] = cpu_seconds() - c0;
        tm.s[tm.n++] = now_seconds() - w0;
        fprintf(stderr, "  kinetl write %s (%s): %.3f s\n", o->out, kt_pq_codec_name(o->codec),
                tm.s[tm.n - 1]);
    }
    printf("{\"op\":\"write\",\"file\":");
    print_json_string(o->out);
    printf(",\"codec\":\"%s\",\"fsync\":%s,\"input_bytes\":%llu,\"rows\":%lld,\"columns\":%d,"
           "\"decoded_bytes\":%llu,\"output_bytes\":%llu,\"peak_rss_bytes\":%llu,",
           kt_pq_codec_name(o->codec), o->fsync ? "true" : "false",
           (unsigned long long)file_size(o->in), (long long)t.rows, t.ncols,
           (unsigned long long)t.decoded, (unsigned long long)out_bytes,
           (unsigned long long)peak_rss_bytes());
    print_timings(&tm);
    printf("}\n");
    table_free(&t);
    return 0;
}

/* ---------- arguments ---------- */

static int usage(void)
{
    fprintf(stderr, "usage: parquet_bench read FILE [--repeat N] [--rss-factor F] [--dictionary-codes] [--huge-pages]\n"
                    "       parquet_bench write IN OUT [--codec zstd|snappy|none] [--repeat N] [--fsync] [--huge-pages]\n");
    return 2;
}

static bool parse_codec(const char *s, kt_pq_codec *out)
{
    if (!strcmp(s, "zstd")) *out = KT_PQ_CODEC_ZSTD;
    else if (!strcmp(s, "snappy")) *out = KT_PQ_CODEC_SNAPPY;
    else if (!strcmp(s, "none") || !strcmp(s, "uncompressed")) *out = KT_PQ_CODEC_UNCOMPRESSED;
    else return false;
    return true;
}

static bool parse_options(int argc, char **argv, options *o)
{
    *o = (options){ .repeat = 3, .rss_factor = 2.0, .codec = KT_PQ_CODEC_ZSTD, .huge_pages = false };
    if (argc < 3) return false;
    o->cmd = argv[1];
    o->in = argv[2];
    int i = 3;
    if (!strcmp(o->cmd, "write")) {
        if (argc < 4) return false;
        o->out = argv[3];
        i = 4;
    } else if (strcmp(o->cmd, "read") != 0) {
        return false;
    }
    for (; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (!strcmp(argv[i], "--repeat") && has_value) o->repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rss-factor") && has_value) o->rss_factor = atof(argv[++i]);
        else if (!strcmp(argv[i], "--codec") && has_value) {
            if (!parse_codec(argv[++i], &o->codec)) return false;
        } else if (!strcmp(argv[i], "--fsync")) o->fsync = true;
        else if (!strcmp(argv[i], "--dictionary-codes")) o->dict_codes = true;
        else if (!strcmp(argv[i], "--huge-pages")) o->huge_pages = true;
        else if (!strcmp(argv[i], "--no-huge-pages")) o->huge_pages = false;
        else return false;
    }
    return o->repeat >= 1 && o->repeat <= MAX_REPEAT && o->rss_factor > 0;
}

int main(int argc, char **argv)
{
    kt_alloc_policy_apply(); /* the allocator settings of the kinetl binary */
    options o;
    if (!parse_options(argc, argv, &o)) return usage();
    return !strcmp(o.cmd, "read") ? cmd_read(&o) : cmd_write(&o);
}
