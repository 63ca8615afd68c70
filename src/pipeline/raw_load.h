/*
 * pipeline/raw_load.h — reads ONE run's readings from its `raw` files into
 * the transform's input form (kt_reading), validating every value, and
 * fingerprints their content.
 *
 * Contract:
 *  - Reads each of the run's files (kt_raw_run, in path order) row group by
 *    row group, projecting only time, robot_id, field and value. Types: time
 *    a TIMESTAMP (ms, µs or ns; converted to µs, ns floored), robot_id any
 *    integer, field a string, value DOUBLE or FLOAT. A missing column, another
 *    type, a null, robot_id not 1/2, an unknown field, a non-finite value or a
 *    time outside years 0001..9999 is KT_ERR_FORMAT naming the file, row group,
 *    column and row (ingest never writes such rows: the table was damaged).
 *  - Memory: the readings array (24 bytes per reading, reused by the next run
 *    unless more than 4x too big) plus, while loading, one row group of the
 *    four projected columns and the reader's chunk/page buffers; those are
 *    freed before the load returns, so they never coexist with the
 *    transform's scratch. max_readings (0 = none) bounds the array.
 *  - content_fingerprint: 32 hex digits, an order-independent hash of the
 *    multiset of readings (time, value bits, robot, field): the same readings
 *    in any files and any order give the same text, any changed, added or
 *    removed reading (an extra copy included) changes it.
 *  - One loader per thread; the readings stay valid until its next load.
 */
#ifndef KT_PIPELINE_RAW_LOAD_H
#define KT_PIPELINE_RAW_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pipeline/raw_runs.h"
#include "pipeline/run_readings.h"

typedef struct kt_raw_load_info {
    size_t files, row_groups;
    size_t readings;
    size_t readings_bytes;       /* capacity of the readings array */
    size_t reader_peak_bytes;    /* largest row group of projected columns + reader chunk/page bound */
    char content_fingerprint[KT_FINGERPRINT_HEX];
} kt_raw_load_info;

typedef struct kt_raw_loader kt_raw_loader;

kt_raw_loader *kt_raw_loader_new(void);
void kt_raw_loader_free(kt_raw_loader *l);

/* table_dir: the raw table's directory (file paths are relative to it). */
kt_status kt_raw_load_run(kt_raw_loader *l, const char *table_dir, const kt_raw_run *run,
                          size_t max_readings, const kt_reading **readings, kt_raw_load_info *info,
                          kt_error *err);

/* The readings array itself, writable, and its capacity in bytes (additive):
 * `kinetl process` lets the transform sort in it and then lends it to the
 * output stage, so no second buffer of that size is ever needed. Its
 * contents are the last load's readings until the caller overwrites them;
 * it stays the loader's (valid until the next load or free). */
kt_reading *kt_raw_loader_buffer(kt_raw_loader *l, size_t *bytes);

#endif
