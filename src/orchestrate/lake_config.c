/*
 * orchestrate/lake_config.c — reading <lake>/_kinetl/ingest.conf and
 * process.conf.
 */
#include "orchestrate/lake_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orchestrate/lake_dir.h"

#define CONF_LINE_MAX 1024

kt_status kt_lake_ingest_config(const char *lake, kt_ingest_config *cfg, bool *found, kt_error *err)
{
    kt_ingest_config_default(cfg);
    char path[4096];
    KT_TRY(kt_lake_meta_path(lake, KT_LAKE_INGEST_CONF, false, path, sizeof path, err));
    bool f = false;
    KT_TRY(kt_ingest_config_load(cfg, path, &f, err));
    if (found) *found = f;
    return KT_OK;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

/* One line: nothing, a comment, or key = value. */
static kt_status apply_line(kt_transform_config *cfg, char *line, const char *path, int lineno, kt_error *err)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *text = trim(line);
    if (!*text) return KT_OK;
    char *eq = strchr(text, '=');
    if (!eq) return kt_fail(err, KT_ERR_USAGE, "%s:%d: expected key = value, got '%s'", path, lineno, text);
    *eq = 0;
    char *key = trim(text), *value = trim(eq + 1);
    kt_status s = kt_transform_config_set(cfg, key, value, err);
    if (s != KT_OK) kt_error_prefix(err, "%s:%d", path, lineno);
    return s;
}

kt_status kt_transform_config_load(kt_transform_config *cfg, const char *path, bool *found, kt_error *err)
{
    if (found) *found = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return KT_OK;
        return kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot open", path);
    }
    if (found) *found = true;
    kt_transform_config next = *cfg;
    char line[CONF_LINE_MAX];
    int lineno = 0;
    kt_status s = KT_OK;
    while (s == KT_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            s = kt_fail(err, KT_ERR_USAGE, "%s:%d: line longer than %d bytes", path, lineno, CONF_LINE_MAX - 2);
        else
            s = apply_line(&next, line, path, lineno, err);
    }
    if (s == KT_OK && ferror(f)) s = kt_fail_errno(err, KT_ERR_IO, errno, "%s: read error", path);
    fclose(f);
    if (s == KT_OK) *cfg = next;
    return s;
}

kt_status kt_lake_process_config(const char *lake, kt_transform_config *cfg, bool *found, kt_error *err)
{
    kt_transform_config_default(cfg);
    char path[4096];
    KT_TRY(kt_lake_meta_path(lake, KT_LAKE_PROCESS_CONF, false, path, sizeof path, err));
    return kt_transform_config_load(cfg, path, found, err);
}
