/*
 * pipeline/transform_config.c — defaults, validation, text parsing and the
 * hash of the processing config. Durations are parsed with integer
 * arithmetic so "0.5s" is exactly 500000 µs on every machine.
 */
#include "pipeline/transform_config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

#define HAMPEL_MAX_HALF_WINDOW 50

void kt_transform_config_default(kt_transform_config *cfg)
{
    cfg->align = KT_ALIGN_UNION;
    cfg->grid_period_us = 0;
    cfg->max_gap_us = 500000;
    cfg->hampel_half_window = 5;
    cfg->hampel_threshold = 3.0;
    cfg->hampel_min_deviation = 1.0;
    cfg->max_rows = 20000000;
}

kt_status kt_transform_config_validate(const kt_transform_config *cfg, kt_error *err)
{
    if (cfg->align != KT_ALIGN_UNION && cfg->align != KT_ALIGN_GRID)
        return kt_fail(err, KT_ERR_USAGE, "transform config: unknown alignment strategy %d", (int)cfg->align);
    if (cfg->align == KT_ALIGN_GRID && cfg->grid_period_us < 1)
        return kt_fail(err, KT_ERR_USAGE, "transform config: grid period must be at least 1us, got %" PRId64 "us",
                       cfg->grid_period_us);
    if (cfg->max_gap_us < 0)
        return kt_fail(err, KT_ERR_USAGE, "transform config: max_gap must not be negative");
    if (cfg->hampel_half_window < 1 || cfg->hampel_half_window > HAMPEL_MAX_HALF_WINDOW)
        return kt_fail(err, KT_ERR_USAGE, "transform config: hampel_window must be 1..%d, got %d",
                       HAMPEL_MAX_HALF_WINDOW, cfg->hampel_half_window);
    if (!(cfg->hampel_threshold > 0) || !isfinite(cfg->hampel_threshold))
        return kt_fail(err, KT_ERR_USAGE, "transform config: hampel_threshold must be a positive number");
    if (!(cfg->hampel_min_deviation >= 0) || !isfinite(cfg->hampel_min_deviation))
        return kt_fail(err, KT_ERR_USAGE, "transform config: hampel_min_deviation must be >= 0");
    if (cfg->max_rows < 1)
        return kt_fail(err, KT_ERR_USAGE, "transform config: max_rows must be at least 1");
    return KT_OK;
}

/* Parses "<digits>[.<digits>]" then a unit; exact in integer µs or fails. */
kt_status kt_parse_duration_us(const char *text, int64_t *out_us, kt_error *err)
{
    const char *p = text;
    uint64_t whole = 0, frac = 0, frac_scale = 1;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        if (whole > (UINT64_MAX - 9) / 10) goto too_big;
        whole = whole * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (frac_scale >= 1000000000000ULL)
                return kt_fail(err, KT_ERR_USAGE, "duration \"%s\" has too many decimal places", text);
            frac = frac * 10 + (uint64_t)(*p++ - '0');
            frac_scale *= 10;
            digits++;
        }
    }
    uint64_t unit;
    if (strcmp(p, "us") == 0) unit = 1;
    else if (strcmp(p, "ms") == 0) unit = 1000;
    else if (strcmp(p, "s") == 0) unit = 1000000;
    else return kt_fail(err, KT_ERR_USAGE, "duration \"%s\": expected a number followed by us, ms or s", text);
    if (digits == 0)
        return kt_fail(err, KT_ERR_USAGE, "duration \"%s\": expected a number followed by us, ms or s", text);
    if (whole > (uint64_t)INT64_MAX / unit) goto too_big;
    if ((frac * unit) % frac_scale != 0)
        return kt_fail(err, KT_ERR_USAGE, "duration \"%s\" is not a whole number of microseconds", text);
    uint64_t us = whole * unit + frac * unit / frac_scale;
    if (us > (uint64_t)INT64_MAX) goto too_big;
    *out_us = (int64_t)us;
    return KT_OK;
too_big:
    return kt_fail(err, KT_ERR_USAGE, "duration \"%s\" is too large", text);
}

static kt_status parse_int(const char *key, const char *value, long long lo, long long hi, long long *out,
                           kt_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi)
        return kt_fail(err, KT_ERR_USAGE, "transform config: %s must be an integer in %lld..%lld, got \"%s\"",
                       key, lo, hi, value);
    *out = v;
    return KT_OK;
}

static kt_status parse_number(const char *key, const char *value, double *out, kt_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !isfinite(v))
        return kt_fail(err, KT_ERR_USAGE, "transform config: %s must be a number, got \"%s\"", key, value);
    *out = v;
    return KT_OK;
}

static kt_status set_align(kt_transform_config *cfg, const char *value, kt_error *err)
{
    if (strcmp(value, "union") == 0) {
        cfg->align = KT_ALIGN_UNION;
        cfg->grid_period_us = 0;
        return KT_OK;
    }
    if (strncmp(value, "grid:", 5) == 0) {
        int64_t period;
        KT_TRY(kt_parse_duration_us(value + 5, &period, err));
        if (period < 1) return kt_fail(err, KT_ERR_USAGE, "transform config: grid period must be at least 1us");
        cfg->align = KT_ALIGN_GRID;
        cfg->grid_period_us = period;
        return KT_OK;
    }
    return kt_fail(err, KT_ERR_USAGE, "transform config: align must be union or grid:<period>, got \"%s\"", value);
}

kt_status kt_transform_config_set(kt_transform_config *cfg, const char *key, const char *value,
                                  kt_error *err)
{
    kt_transform_config next = *cfg;
    long long n;
    if (strcmp(key, "align") == 0) {
        KT_TRY(set_align(&next, value, err));
    } else if (strcmp(key, "max_gap") == 0) {
        KT_TRY(kt_parse_duration_us(value, &next.max_gap_us, err));
    } else if (strcmp(key, "hampel_window") == 0) {
        KT_TRY(parse_int(key, value, 1, HAMPEL_MAX_HALF_WINDOW, &n, err));
        next.hampel_half_window = (int)n;
    } else if (strcmp(key, "hampel_threshold") == 0) {
        KT_TRY(parse_number(key, value, &next.hampel_threshold, err));
    } else if (strcmp(key, "hampel_min_deviation") == 0) {
        KT_TRY(parse_number(key, value, &next.hampel_min_deviation, err));
    } else if (strcmp(key, "max_rows") == 0) {
        KT_TRY(parse_int(key, value, 1, (long long)1 << 40, &n, err));
        next.max_rows = (size_t)n;
    } else {
        return kt_fail(err, KT_ERR_USAGE, "transform config: unknown setting \"%s\"", key);
    }
    KT_TRY(kt_transform_config_validate(&next, err));
    *cfg = next;
    return KT_OK;
}

int kt_transform_config_canonical(const kt_transform_config *cfg, char *buf, size_t size)
{
    char align[48];
    if (cfg->align == KT_ALIGN_GRID)
        snprintf(align, sizeof align, "grid:%" PRId64 "us", cfg->grid_period_us);
    else
        snprintf(align, sizeof align, "union");
    return snprintf(buf, size,
                    "kinetl-transform/%d align=%s max_gap_us=%" PRId64
                    " hampel_half_window=%d hampel_threshold=%.17g hampel_min_deviation=%.17g",
                    KT_TRANSFORM_VERSION, align, cfg->max_gap_us, cfg->hampel_half_window,
                    cfg->hampel_threshold, cfg->hampel_min_deviation);
}

uint64_t kt_transform_config_hash(const kt_transform_config *cfg)
{
    char text[256];
    int len = kt_transform_config_canonical(cfg, text, sizeof text);
    if (len < 0) len = 0;
    if ((size_t)len >= sizeof text) len = (int)sizeof text - 1;
    return kt_hash64(text, (size_t)len, 0);
}

void kt_transform_config_hash_hex(const kt_transform_config *cfg, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, kt_transform_config_hash(cfg));
}
