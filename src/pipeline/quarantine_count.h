/*
 * pipeline/quarantine_count.h — how many rows of `quarantine` belong to a
 * run (run_stats.quarantined_rows).
 *
 * Contract: quarantine keeps the run id as written (run_uuid_text); a row
 * belongs to run X when that text's canonical id (SPEC §1, computed with
 * ingest's kt_run_id_* functions) is X: a number in exponent or decimal
 * form ("7.58229308099147e+18", how quarantine shows a DOUBLE id) is read
 * as a double id, plain digits and any other text as written (trimmed).
 * Rows whose id is null or not canonicalisable belong to no run. Counts are computed once per quarantine snapshot version and
 * cached (one scan of the run_uuid_text column), so a batch of runs reads
 * quarantine once. A lake without a quarantine table counts 0. One
 * counter per thread.
 */
#ifndef KT_PIPELINE_QUARANTINE_COUNT_H
#define KT_PIPELINE_QUARANTINE_COUNT_H

#include <stdint.h>

#include "core/error.h"
#include "lake/delta/delta.h"

typedef struct kt_quarantine_counter kt_quarantine_counter;

kt_quarantine_counter *kt_quarantine_counter_new(void);
void kt_quarantine_counter_free(kt_quarantine_counter *q);

/* snap: the quarantine table's snapshot, or NULL when there is none. */
kt_status kt_quarantine_count(kt_quarantine_counter *q, kt_delta_table *t, const kt_delta_snapshot *snap,
                              const char *run_uuid, int64_t *count, kt_error *err);

#endif
