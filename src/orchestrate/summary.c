/* orchestrate/summary.c — the end-of-run summary, as text or one JSON line. */
#include "orchestrate/summary.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>

void kt_format_count(int64_t n, char *out, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%" PRId64, n);
    int neg = digits[0] == '-';
    char grouped[48];
    size_t w = 0;
    for (int i = 0; i < len; i++) {
        grouped[w++] = digits[i];
        int left = len - 1 - i; /* digits still to come */
        if (i >= neg && left > 0 && left % 3 == 0) grouped[w++] = ',';
    }
    grouped[w] = '\0';
    snprintf(out, cap, "%s", grouped);
}

void kt_summary_print(FILE *out, const char *command, const char *status,
                      const kt_run_counts *c, double seconds)
{
    char a[32], b[32];
    fprintf(out, "kinetl %s: %s in %.1f s\n", command, status, seconds);
    kt_format_count(c->files_ingested, a, sizeof a);
    kt_format_count(c->files_failed, b, sizeof b);
    fprintf(out, "  files      %s ingested, %s failed\n", a, b);
    kt_format_count(c->readings_accepted, a, sizeof a);
    kt_format_count(c->readings_quarantined, b, sizeof b);
    fprintf(out, "  readings   %s accepted, %s quarantined\n", a, b);
    kt_format_count(c->runs_processed, a, sizeof a);
    kt_format_count(c->runs_failed, b, sizeof b);
    fprintf(out, "  runs       %s processed, %s failed\n", a, b);
}

void kt_summary_print_json(FILE *out, const char *command, const char *status,
                           const kt_run_counts *c, double seconds)
{
    json_t *o = json_pack("{s:s, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I}", "command", command,
                          "status", status, "seconds", seconds,
                          "files_ingested", (json_int_t)c->files_ingested,
                          "files_failed", (json_int_t)c->files_failed,
                          "readings_accepted", (json_int_t)c->readings_accepted,
                          "readings_quarantined", (json_int_t)c->readings_quarantined,
                          "runs_processed", (json_int_t)c->runs_processed,
                          "runs_failed", (json_int_t)c->runs_failed);
    if (!o) {
        fprintf(out, "{\"error\":\"out of memory\"}\n");
        return;
    }
    json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(o);
}
