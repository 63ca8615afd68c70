/*
 * pipeline/ingest_config.c — ingest limits: defaults, key=value setting,
 * the config file, and the fingerprint.
 */
#include "pipeline/ingest_config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

void kt_ingest_config_default(kt_ingest_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int f = 0; f < KT_FIELD_COUNT; f++) {
        double lim = f >= KT_FIELD_X ? KT_INGEST_POSITION_LIMIT_MM : KT_INGEST_FORCE_LIMIT_N;
        cfg->min[f] = -lim;
        cfg->max[f] = lim;
    }
    cfg->dedup_memory = KT_INGEST_DEDUP_MEMORY;
}

static kt_status parse_number(const char *key, const char *text, double *out, kt_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (end == text || *end || errno == ERANGE || !isfinite(v))
        return kt_fail(err, KT_ERR_USAGE, "ingest config: %s: \"%s\" is not a finite number", key, text);
    *out = v;
    return KT_OK;
}

static kt_status parse_range(const char *key, const char *text, double *lo, double *hi, kt_error *err)
{
    /* the ':' separating min from max is the first one after the first character
     * (the first may be a sign) */
    const char *colon = text[0] ? strchr(text + 1, ':') : NULL;
    if (!colon)
        return kt_fail(err, KT_ERR_USAGE, "ingest config: %s: \"%s\" is not MIN:MAX", key, text);
    char left[64];
    size_t n = (size_t)(colon - text);
    if (n >= sizeof left) return kt_fail(err, KT_ERR_USAGE, "ingest config: %s: \"%s\" is too long", key, text);
    memcpy(left, text, n);
    left[n] = 0;
    KT_TRY(parse_number(key, left, lo, err));
    return parse_number(key, colon + 1, hi, err);
}

static kt_status parse_bytes(const char *key, const char *text, size_t *out, kt_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    unsigned shift = 0;
    if (!strcmp(end, "KiB")) shift = 10;
    else if (!strcmp(end, "MiB")) shift = 20;
    else if (!strcmp(end, "GiB")) shift = 30;
    else if (*end) end = NULL;
    if (end == text || !end || errno == ERANGE || text[0] == '-' || v == 0 || v > (1ULL << (40 - shift)))
        return kt_fail(err, KT_ERR_USAGE, "ingest config: %s: \"%s\" is not a size like 256MiB (1 B .. 1 TiB)",
                       key, text);
    *out = (size_t)(v << shift);
    return KT_OK;
}

kt_status kt_ingest_config_set(kt_ingest_config *cfg, const char *key, const char *value, kt_error *err)
{
    kt_ingest_config next = *cfg;
    double v, lo, hi;
    kt_field f;
    if (!strcmp(key, "position_limit") || !strcmp(key, "force_limit")) {
        KT_TRY(parse_number(key, value, &v, err));
        if (v < 0) return kt_fail(err, KT_ERR_USAGE, "ingest config: %s must not be negative", key);
        int first = key[0] == 'p' ? KT_FIELD_X : KT_FIELD_FX;
        for (int k = first; k < first + 3; k++) {
            next.min[k] = -v;
            next.max[k] = v;
        }
    } else if (!strncmp(key, "limit_", 6) && kt_field_parse(key + 6, strlen(key + 6), &f)) {
        KT_TRY(parse_range(key, value, &lo, &hi, err));
        if (lo > hi) return kt_fail(err, KT_ERR_USAGE, "ingest config: %s: min %g above max %g", key, lo, hi);
        next.min[f] = lo;
        next.max[f] = hi;
    } else if (!strcmp(key, "dedup_memory")) {
        KT_TRY(parse_bytes(key, value, &next.dedup_memory, err));
    } else {
        return kt_fail(err, KT_ERR_USAGE, "ingest config: unknown setting \"%s\" (position_limit, force_limit, "
                       "limit_<field>, dedup_memory)", key);
    }
    *cfg = next;
    return KT_OK;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

kt_status kt_ingest_config_load(kt_ingest_config *cfg, const char *path, bool *found, kt_error *err)
{
    *found = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open", path);
    }
    *found = true;
    kt_ingest_config next = *cfg;
    char line[512];
    int lineno = 0;
    kt_status st = KT_OK;
    while (st == KT_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = kt_fail(err, KT_ERR_USAGE, "%s:%d: line longer than %zu bytes", path, lineno, sizeof line - 2);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = kt_fail(err, KT_ERR_USAGE, "%s:%d: expected key = value", path, lineno);
            break;
        }
        *eq = 0;
        st = kt_ingest_config_set(&next, trim(s), trim(eq + 1), err);
        if (st != KT_OK) kt_error_prefix(err, "%s:%d", path, lineno);
    }
    if (st == KT_OK && ferror(f)) st = kt_fail_errno(err, KT_ERR_IO, errno, "%s: read error", path);
    fclose(f);
    if (st == KT_OK) *cfg = next;
    return st;
}

uint64_t kt_ingest_config_fingerprint(const kt_ingest_config *cfg)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "kinetl-ingest-limits/1");
    for (int f = 0; f < KT_FIELD_COUNT && n > 0 && (size_t)n < sizeof text; f++)
        n += snprintf(text + n, sizeof text - (size_t)n, " %s=%.17g:%.17g", kt_field_name((kt_field)f), cfg->min[f],
                      cfg->max[f]);
    return kt_hash64(text, n > 0 && (size_t)n < sizeof text ? (size_t)n : sizeof text, 0);
}
