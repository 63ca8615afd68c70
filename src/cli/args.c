/*
 * cli/args.c — long-option parsing for every kinetl command (see args.h).
 */
#include "cli/args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

kt_args_result kt_args_usage_error(const kt_args_spec *spec, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "kinetl %s: ", spec->command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see kinetl %s --help)\n", spec->command);
    return KT_ARGS_USAGE;
}

int kt_args_exit_code(kt_args_result r)
{
    return r == KT_ARGS_USAGE ? KT_EXIT_USAGE : KT_EXIT_OK;
}

void kt_args_print_help(const kt_args_spec *spec, FILE *out)
{
    fprintf(out, "usage: kinetl %s %s\n", spec->command, spec->usage ? spec->usage : "");
    if (spec->description) fprintf(out, "\n%s\n", spec->description);
    fprintf(out, "\noptions:\n");
    for (size_t i = 0; i < spec->nopts; i++) {
        const kt_opt *o = &spec->opts[i];
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(out, "  %-22s %s", left, o->help ? o->help : "");
        if (o->kind == KT_OPT_CHOICE && o->choices) {
            fprintf(out, " (");
            for (size_t c = 0; o->choices[c]; c++)
                fprintf(out, "%s%s", c ? "|" : "", o->choices[c]);
            fprintf(out, ")");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "  %-22s %s\n", "--help", "this text");
}

static const kt_opt *find_opt(const kt_args_spec *spec, const char *name, size_t len)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (strlen(spec->opts[i].name) == len && !strncmp(spec->opts[i].name, name, len))
            return &spec->opts[i];
    return NULL;
}

static kt_args_result parse_count(const kt_args_spec *spec, const kt_opt *o, const char *v)
{
    char *end = NULL;
    errno = 0;
    long long n = (v[0] >= '0' && v[0] <= '9') ? strtoll(v, &end, 10) : -1;
    if (n < 0 || errno == ERANGE || !end || *end)
        return kt_args_usage_error(spec, "%s needs a non-negative integer, got '%s'", o->name, v);
    *(int64_t *)o->dest = (int64_t)n;
    return KT_ARGS_OK;
}

static kt_args_result parse_choice(const kt_args_spec *spec, const kt_opt *o, const char *v)
{
    for (int c = 0; o->choices[c]; c++) {
        if (!strcmp(o->choices[c], v)) {
            *(int *)o->dest = c;
            return KT_ARGS_OK;
        }
    }
    char list[256] = "";
    for (int c = 0; o->choices[c]; c++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", c ? ", " : "", o->choices[c]);
    }
    return kt_args_usage_error(spec, "%s must be one of %s, got '%s'", o->name, list, v);
}

static kt_args_result set_value(const kt_args_spec *spec, const kt_opt *o, const char *v)
{
    switch (o->kind) {
    case KT_OPT_STRING:
        if (!*v) return kt_args_usage_error(spec, "%s needs a non-empty value", o->name);
        *(const char **)o->dest = v;
        return KT_ARGS_OK;
    case KT_OPT_COUNT:
        return parse_count(spec, o, v);
    case KT_OPT_CHOICE:
        return parse_choice(spec, o, v);
    case KT_OPT_LIST: {
        kt_opt_list *l = o->dest;
        if (!*v) return kt_args_usage_error(spec, "%s needs a non-empty value", o->name);
        if (l->count >= l->cap) return kt_args_usage_error(spec, "%s given too many times", o->name);
        l->items[l->count++] = v;
        return KT_ARGS_OK;
    }
    case KT_OPT_FLAG:
        break;
    }
    return kt_args_usage_error(spec, "%s takes no value", o->name);
}

/* One option at argv[*i]; advances *i past a separate value. */
static kt_args_result parse_option(const kt_args_spec *spec, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    const kt_opt *o = find_opt(spec, arg, name_len);
    if (!o) return kt_args_usage_error(spec, "unknown option '%.*s'", (int)name_len, arg);
    if (o->kind == KT_OPT_FLAG) {
        if (eq) return kt_args_usage_error(spec, "%s takes no value", o->name);
        *(bool *)o->dest = true;
        return KT_ARGS_OK;
    }
    if (eq) return set_value(spec, o, eq + 1);
    if (*i + 1 >= argc)
        return kt_args_usage_error(spec, "%s needs a value%s%s", o->name,
                                   o->metavar ? ": " : "", o->metavar ? o->metavar : "");
    *i += 1;
    return set_value(spec, o, argv[*i]);
}

kt_args_result kt_args_parse(const kt_args_spec *spec, int argc, char **argv,
                             const char **positional, size_t *npositional)
{
    bool options_done = false;
    *npositional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && (!strcmp(arg, "--help") || !strcmp(arg, "-h"))) {
            kt_args_print_help(spec, stdout);
            return KT_ARGS_HELP;
        }
        if (!options_done && !strcmp(arg, "--")) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            kt_args_result r = parse_option(spec, argc, argv, &i);
            if (r != KT_ARGS_OK) return r;
        } else {
            if (*npositional >= spec->max_positional)
                return kt_args_usage_error(spec, "unexpected argument '%s'", arg);
            positional[(*npositional)++] = arg;
        }
    }
    if (*npositional < spec->min_positional)
        return kt_args_usage_error(spec, "missing %s",
                                   spec->positional_name ? spec->positional_name : "argument");
    return KT_ARGS_OK;
}
