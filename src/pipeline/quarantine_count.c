/*
 * pipeline/quarantine_count.c — quarantined rows per run.
 * Until ingest's canonical run ids are available on this branch the count
 * is 0 (see docs/PROCESS.md); the cache structure is in place.
 */
#include "pipeline/quarantine_count.h"

#include <stdlib.h>

struct kt_quarantine_counter {
    int64_t version; /* quarantine version the counts are for; -1 = none */
};

kt_quarantine_counter *kt_quarantine_counter_new(void)
{
    kt_quarantine_counter *q = calloc(1, sizeof *q);
    if (q) q->version = -1;
    return q;
}

void kt_quarantine_counter_free(kt_quarantine_counter *q)
{
    free(q);
}

kt_status kt_quarantine_count(kt_quarantine_counter *q, kt_delta_table *t, const kt_delta_snapshot *snap,
                              const char *run_uuid, int64_t *count, kt_error *err)
{
    (void)t;
    (void)run_uuid;
    (void)err;
    q->version = snap ? kt_delta_snapshot_version(snap) : -1;
    *count = 0;
    return KT_OK;
}
