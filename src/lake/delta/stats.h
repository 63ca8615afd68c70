/*
 * lake/delta/stats.h — the per-file statistics Delta keeps in add.stats:
 * {"numRecords":N,"minValues":{..},"maxValues":{..},"nullCount":{..}}
 * built from the Parquet writer's column summaries. Internal to the lake.
 *
 * Per PROTOCOL.md "Per-file Statistics": timestamps are ISO-8601 UTC
 * truncated to milliseconds; strings keep a prefix of 32 characters (a
 * longer max is left out, since a cut maximum would be too small);
 * doubles use the shortest text that reads back exactly, non-finite
 * bounds are left out; booleans get nullCount only.
 */
#ifndef KT_LAKE_DELTA_STATS_H
#define KT_LAKE_DELTA_STATS_H

#include "core/buf.h"
#include "format/parquet/writer.h"
#include "lake/delta/delta.h"

#define KT_DELTA_STATS_STRING_PREFIX 32

/* fields[i] is described by sums[i]; numRecords = rows. */
kt_status kt_delta_stats_json(kt_buf *out, const kt_delta_field *fields,
                              const kt_pq_column_summary *const *sums, size_t n, int64_t rows);
/* "2022-11-23T20:40:00.444Z" for µs since the epoch (floor to ms); false out of range. */
bool kt_delta_format_timestamp_ms(int64_t micros, char out[32]);

#endif
