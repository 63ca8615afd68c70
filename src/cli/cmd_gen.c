/*
 * cli/cmd_gen.c — `kinetl gen`: write realistic source data (the real
 * sample's runs with injected anomalies, or clean runs at scale) and its
 * ground truth. Options are parsed here; the work is gen/gen.h's.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "gen/gen.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kinetl gen --out DIR [options]\n\n"
            "Writes Parquet source files laid out and typed like the real ones\n"
            "(delivery_date=YYYYMMDD/part-NNNNN.parquet) and DIR/_anomalies.json.\n\n"
            "options:\n"
            "  --out DIR            output directory (created; must be empty unless --force)\n"
            "  --profile P          sample (default): the real sample's 4 runs, with anomalies\n"
            "                       scale: N clean two-robot runs for benchmarks\n"
            "  --runs N             scale: number of runs (default 10)\n"
            "  --minutes M          scale: length of each run in minutes (default 10)\n"
            "  --files K            files per delivery day (sample 4, scale ~2M rows a file)\n"
            "  --seed S             seed (default 1); same seed, same bytes\n"
            "  --noise F            noise multiplier (default 1: encoders 0.01 mm, load cells 5 N;\n"
            "                       0: exact samples of the analytic toolpath)\n"
            "  --no-anomalies       sample: no injected anomalies, no late delivery\n"
            "  --truth FILE         write the ground truth summary (JSON)\n"
            "  --truth-samples FILE write the truth at every encoder sample of clean runs (Parquet)\n"
            "  -j, --threads N      worker threads (default: all processors; output is the same)\n"
            "  --force              write into a non-empty directory\n"
            "  --quiet              no summary line\n"
            "  --help               this text\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v != v) return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+' || !*s) return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int kt_cmd_gen(const kt_cli_globals *g, int argc, char **argv)
{
    (void)g;
    kt_gen_options o;
    kt_gen_options_default(&o);
    int quiet = 0, runs_set = 0, minutes_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        long n;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return KT_EXIT_OK;
        } else if (!strcmp(a, "--no-anomalies")) {
            o.anomalies = false;
        } else if (!strcmp(a, "--force")) {
            o.force = true;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--out", &missing))) {
            o.out_dir = v;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--profile", &missing))) {
            if (!strcmp(v, "sample")) o.profile = KT_GEN_PROFILE_SAMPLE;
            else if (!strcmp(v, "scale")) o.profile = KT_GEN_PROFILE_SCALE;
            else return kt_cli_usage_error("gen", "unknown profile '%s' (sample or scale)", v);
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--runs", &missing))) {
            if (parse_long(v, 1, 100000, &n)) return kt_cli_usage_error("gen", "--runs needs a number from 1 to 100000, not '%s'", v);
            o.runs = (int)n;
            runs_set = 1;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--minutes", &missing))) {
            if (parse_double(v, &o.minutes) || o.minutes < 0.01 || o.minutes > 1440)
                return kt_cli_usage_error("gen", "--minutes needs a number from 0.01 to 1440, not '%s'", v);
            minutes_set = 1;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--files", &missing))) {
            if (parse_long(v, 1, 10000, &n)) return kt_cli_usage_error("gen", "--files needs a number from 1 to 10000, not '%s'", v);
            o.files_per_day = (int)n;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--seed", &missing))) {
            if (parse_u64(v, &o.seed)) return kt_cli_usage_error("gen", "--seed needs an unsigned 64-bit integer, not '%s'", v);
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--noise", &missing))) {
            if (parse_double(v, &o.noise) || o.noise < 0 || o.noise > 1000)
                return kt_cli_usage_error("gen", "--noise needs a number from 0 to 1000, not '%s'", v);
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--truth", &missing))) {
            o.truth_path = v;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--truth-samples", &missing))) {
            o.truth_samples_path = v;
        } else if ((v = kt_cli_option_value(argc, argv, &i, "--threads", &missing)) ||
                   (!missing && (v = kt_cli_option_value(argc, argv, &i, "-j", &missing)))) {
            if (parse_long(v, 1, 256, &n)) return kt_cli_usage_error("gen", "--threads needs a number from 1 to 256, not '%s'", v);
            o.threads = (int)n;
        } else if (missing) {
            return kt_cli_usage_error("gen", "%s needs a value", a);
        } else {
            return kt_cli_usage_error("gen", "unknown option '%s'", a);
        }
        if (missing) return kt_cli_usage_error("gen", "%s needs a value", a);
    }
    if (!o.out_dir) return kt_cli_usage_error("gen", "--out DIR is required");
    if (o.profile == KT_GEN_PROFILE_SAMPLE && (runs_set || minutes_set))
        return kt_cli_usage_error("gen", "--runs and --minutes apply to --profile scale (the sample's runs are fixed)");
    kt_gen_result res;
    kt_error err;
    kt_error_clear(&err);
    kt_status s = kt_gen_generate(&o, &res, &err);
    if (s != KT_OK) {
        fprintf(stderr, "kinetl gen: %s\n", err.msg[0] ? err.msg : kt_strerror(s));
        return KT_EXIT_ERROR;  /* the arguments were checked above: what remains is data or runtime */
    }
    if (!quiet)
        fprintf(stderr, "kinetl gen: %d files, %lld rows, %zu runs, %d anomalies in %s; %.2f s, %.2f M rows/s\n",
                res.files, (long long)res.rows, res.runs, res.anomalies, o.out_dir, res.seconds,
                res.seconds > 0 ? (double)res.rows / res.seconds / 1e6 : 0.0);
    return KT_EXIT_OK;
}
