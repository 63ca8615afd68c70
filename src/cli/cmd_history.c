/*
 * cli/cmd_history.c — `kinetl history TABLE [--limit N] [--json]`: the
 * table's commits, newest first: version, time, operation and its
 * parameters, the version it read, whether it was a blind append, files
 * added and removed. --json prints one JSON object per commit per line.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_time.h"
#include "cli/commands.h"
#include "lake/delta/delta.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: kinetl [--lake DIR] history TABLE [--limit N] [--json]\n"
                 "Shows the commits of a Delta table, newest first.\n"
                 "  --limit N   only the N newest commits\n"
                 "  --json      one JSON object per commit per line\n");
}

static json_t *nullable_str(const char *s) { return s ? json_string(s) : json_null(); }

static void print_json(const kt_delta_commit *c)
{
    char when[32];
    kt_cli_format_ms(c->timestamp, when);
    json_t *params = c->operation_parameters ? json_loads(c->operation_parameters, 0, NULL) : NULL;
    json_t *o = json_pack("{s:I, s:s, s:I, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o}",
        "version", (json_int_t)c->version, "timestamp", when, "timestamp_ms",
        (json_int_t)c->timestamp, "operation", nullable_str(c->operation),
        "operation_parameters", params ? params : json_null(), "read_version",
        c->read_version >= 0 ? json_integer(c->read_version) : json_null(),
        "is_blind_append", c->is_blind_append < 0 ? json_null() : json_boolean(c->is_blind_append),
        "files_added", (json_int_t)c->num_add, "files_removed", (json_int_t)c->num_remove,
        "bytes_added", (json_int_t)c->add_bytes,
        "rows_added", c->add_records >= 0 ? json_integer(c->add_records) : json_null(),
        "engine_info", nullable_str(c->engine_info));
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text) puts(text);
    free(text);
    json_decref(o);
}

static void print_text(const kt_delta_commit *c)
{
    char when[32], read[24];
    kt_cli_format_ms(c->timestamp, when);
    if (c->read_version >= 0) snprintf(read, sizeof read, "%lld", (long long)c->read_version);
    else snprintf(read, sizeof read, "-");
    printf("%8lld  %-24s  %-13s %6s %5s %6zu %6zu  %s\n", (long long)c->version, when,
           c->operation ? c->operation : "-", read,
           c->is_blind_append < 0 ? "-" : c->is_blind_append ? "yes" : "no", c->num_add,
           c->num_remove, c->operation_parameters ? c->operation_parameters : "");
}

static int parse_args(int argc, char **argv, const char **table, size_t *limit, bool *json)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(argv[i], "--json")) {
            *json = true;
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            char *end;
            errno = 0;
            long long n = strtoll(argv[++i], &end, 10);
            if (errno || *end || n <= 0) {
                fprintf(stderr, "kinetl history: --limit needs a positive number, not '%s'\n",
                        argv[i]);
                return KT_EXIT_USAGE;
            }
            *limit = (size_t)n;
        } else if (argv[i][0] != '-' && !*table) {
            *table = argv[i];
        } else {
            fprintf(stderr, "kinetl history: unexpected argument '%s' (see kinetl history "
                            "--help)\n", argv[i]);
            return KT_EXIT_USAGE;
        }
    }
    if (!*table) {
        fprintf(stderr, "kinetl history: which table? (see kinetl tables)\n");
        return KT_EXIT_USAGE;
    }
    return KT_EXIT_OK;
}

int kt_cmd_history(const kt_cli_globals *g, int argc, char **argv)
{
    const char *name = NULL;
    size_t limit = 0;
    bool json = false;
    int rc = parse_args(argc, argv, &name, &limit, &json);
    if (rc < 0) return KT_EXIT_OK;
    if (rc != KT_EXIT_OK) return rc;
    kt_error err = { 0 };
    kt_delta_table *t = NULL;
    kt_delta_history *h = NULL;
    kt_status st = kt_delta_open_in_lake(g->lake, name, NULL, &t, &err);
    if (st == KT_OK) st = kt_delta_history_load(t, limit, &h, &err);
    if (st != KT_OK) {
        fprintf(stderr, "kinetl history: %s\n", err.msg);
        kt_delta_close(t);
        return st == KT_ERR_USAGE ? KT_EXIT_USAGE : KT_EXIT_ERROR;
    }
    if (!json)
        printf("%8s  %-24s  %-13s %6s %5s %6s %6s  %s\n", "VERSION", "TIMESTAMP (UTC)",
               "OPERATION", "READ", "BLIND", "ADDED", "REMOVED", "PARAMETERS");
    for (size_t i = 0; i < kt_delta_history_count(h); i++)
        json ? print_json(kt_delta_history_at(h, i)) : print_text(kt_delta_history_at(h, i));
    kt_delta_history_free(h);
    kt_delta_close(t);
    return KT_EXIT_OK;
}
