/*
 * gen/sink.h — where the generator's rows go. The Parquet sink writes the
 * real source layout; tests may plug in a sink that keeps rows in memory.
 *
 * Contract: for each output file (job) the writer calls open once (lazily,
 * at the first rows), write with batches of the six source columns in
 * SPEC §1 order (time, value, field, robot_id, run_uuid, sensor_type),
 * then close — or discard after an error. Calls for different files may
 * come from different threads at the same time; calls for one file come
 * from one thread.
 */
#ifndef KT_GEN_SINK_H
#define KT_GEN_SINK_H

#include <stddef.h>

#include "core/column.h"
#include "core/error.h"

enum { KT_GEN_COL_TIME, KT_GEN_COL_VALUE, KT_GEN_COL_FIELD, KT_GEN_COL_ROBOT,
       KT_GEN_COL_RUN, KT_GEN_COL_SENSOR, KT_GEN_NCOLS };

typedef struct kt_gen_sink {
    void *ctx;
    kt_status (*open)(void *ctx, int job, const char *relpath, void **file, kt_error *err);
    kt_status (*write)(void *ctx, void *file, const kt_column *cols, size_t nrows, kt_error *err);
    kt_status (*close)(void *ctx, void *file, kt_error *err);
    void (*discard)(void *ctx, void *file);
} kt_gen_sink;

/* Parquet files under `dir` (snappy, dictionary-encoded strings, nullable columns). */
typedef struct kt_gen_parquet_sink {
    const char *dir;
    size_t row_group_rows;
} kt_gen_parquet_sink;

void kt_gen_parquet_sink_init(kt_gen_sink *sink, kt_gen_parquet_sink *ctx);

#endif
