/*
 * cli/cmd_vacuum.c — `kinetl vacuum [TABLE...] [--retain HOURS] [--dry-run]`:
 * deletes files no snapshot within the retention (default 168 h = 7 days)
 * can need, in every table of the lake or the ones named. A retention
 * under 7 days is allowed but warned about: a writer that is still writing
 * a data file could lose it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lake/delta/delta.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: kinetl [--lake DIR] vacuum [TABLE...] [--retain HOURS] [--dry-run]\n"
                 "Deletes data files that no Delta snapshot of the last HOURS can reference\n"
                 "(files no longer in the table, orphans of crashed writers, temp files).\n"
                 "  --retain HOURS  retention (default 168 = 7 days)\n"
                 "  --dry-run       list what would be deleted, delete nothing\n");
}

typedef struct vacuum_print {
    const char *table;
    bool dry_run;
} vacuum_print;

static void on_file(void *ctx, const char *rel, int64_t size)
{
    const vacuum_print *p = ctx;
    printf("%s %s/%s (%lld bytes)\n", p->dry_run ? "would delete" : "deleted", p->table, rel,
           (long long)size);
}

static int vacuum_one(const kt_cli_globals *g, const char *name, int64_t retention_ms, bool dry)
{
    kt_error err = { 0 };
    kt_delta_table *t;
    vacuum_print p = { name, dry };
    kt_delta_vacuum_options o = { .retention_ms = retention_ms, .dry_run = dry,
                                  .on_file = on_file, .ctx = &p };
    kt_delta_vacuum_result r;
    kt_status st = kt_delta_open_in_lake(g->lake, name, NULL, &t, &err);
    if (st == KT_OK && !kt_delta_exists(t))
        st = kt_fail(&err, KT_ERR_NOT_FOUND, "no table '%s' in %s", name, g->lake);
    if (st == KT_OK) st = kt_delta_vacuum(t, &o, &r, &err);
    if (st == KT_OK)
        printf("%s: %s %zu files, %lld bytes; %zu empty directories removed\n", name,
               dry ? "would delete" : "deleted", r.files, (long long)r.bytes, r.dirs);
    else
        fprintf(stderr, "kinetl vacuum: %s\n", err.msg);
    kt_delta_close(t);
    if (st == KT_ERR_USAGE) return KT_EXIT_USAGE;
    return st == KT_OK ? KT_EXIT_OK : KT_EXIT_ERROR;
}

static int parse_hours(const char *text, int64_t *ms)
{
    char *end;
    errno = 0;
    double h = strtod(text, &end);
    if (errno || *end || !isfinite(h) || h < 0 || h > 24.0 * 365 * 100) {
        fprintf(stderr, "kinetl vacuum: --retain needs a number of hours >= 0, not '%s'\n", text);
        return KT_EXIT_USAGE;
    }
    *ms = (int64_t)(h * 3600.0 * 1000.0);
    return KT_EXIT_OK;
}

int kt_cmd_vacuum(const kt_cli_globals *g, int argc, char **argv)
{
    int64_t retention = -1;
    bool dry = false;
    int ntables = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return KT_EXIT_OK;
        } else if (!strcmp(argv[i], "--dry-run")) {
            dry = true;
        } else if (!strcmp(argv[i], "--retain") && i + 1 < argc) {
            if (parse_hours(argv[++i], &retention) != KT_EXIT_OK) return KT_EXIT_USAGE;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "kinetl vacuum: unexpected argument '%s' (see kinetl vacuum --help)\n",
                    argv[i]);
            return KT_EXIT_USAGE;
        } else {
            argv[++ntables] = argv[i];   /* compact table names to argv[1..ntables] */
        }
    }
    if (retention >= 0 && retention < KT_DELTA_DEFAULT_RETENTION_MS)
        fprintf(stderr, "kinetl vacuum: warning: retention under 168 hours; files of writers "
                        "still running may be deleted\n");
    int rc = KT_EXIT_OK;
    if (ntables) {
        for (int i = 1; i <= ntables; i++) {
            int r = vacuum_one(g, argv[i], retention, dry);
            if (r > rc) rc = r;
        }
        return rc;
    }
    kt_error err = { 0 };
    char **names;
    size_t n;
    if (kt_delta_list_tables(g->lake, &names, &n, &err) != KT_OK) {
        fprintf(stderr, "kinetl vacuum: %s\n", err.msg);
        return KT_EXIT_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        int r = vacuum_one(g, names[i], retention, dry);
        if (r > rc) rc = r;
    }
    kt_delta_free_names(names, n);
    return rc;
}
