/*
 * gen/sink_parquet.c — writes the generator's rows as the real source
 * does: Parquet, snappy, dictionary-encoded strings, six nullable columns
 * in SPEC §1 order, one file per job under delivery_date=YYYYMMDD/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/parquet/writer.h"
#include "gen/sink.h"

static const kt_pq_field SOURCE_FIELDS[KT_GEN_NCOLS] = {
    { "time", KT_PQ_W_STRING, true },
    { "value", KT_PQ_W_DOUBLE, true },
    { "field", KT_PQ_W_STRING, true },
    { "robot_id", KT_PQ_W_INT64, true },
    { "run_uuid", KT_PQ_W_DOUBLE, true },
    { "sensor_type", KT_PQ_W_STRING, true },
};

/* mkdir -p for the file's parent directories below the existing `dir`. */
static kt_status make_parents(const char *path, kt_error *err)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) return kt_fail(err, KT_ERR_USAGE, "%s: path too long", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (buf[i] != '/') continue;
        buf[i] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            kt_status s = kt_fail_errno(err, KT_ERR_IO, errno, "%s: cannot create directory", buf);
            buf[i] = '/';
            return s;
        }
        buf[i] = '/';
    }
    return KT_OK;
}

static kt_status pq_open(void *ctx, int job, const char *relpath, void **file, kt_error *err)
{
    (void)job;
    const kt_gen_parquet_sink *ps = ctx;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", ps->dir, relpath);
    if (n < 0 || (size_t)n >= sizeof path) return kt_fail(err, KT_ERR_USAGE, "%s: path too long", ps->dir);
    KT_TRY(make_parents(path, err));
    kt_pq_write_options o;
    kt_pq_write_options_default(&o);
    o.codec = KT_PQ_CODEC_SNAPPY;
    o.dictionary = true;
    o.no_fsync = true;  /* regenerable from the seed; the rename still makes each file appear whole */
    if (ps->row_group_rows) o.row_group_rows = ps->row_group_rows;
    kt_pq_writer *w = NULL;
    KT_TRY(kt_pq_writer_open(path, SOURCE_FIELDS, KT_GEN_NCOLS, &o, &w, err));
    *file = w;
    return KT_OK;
}

static kt_status pq_write(void *ctx, void *file, const kt_column *cols, size_t nrows, kt_error *err)
{
    (void)ctx;
    return kt_pq_writer_write(file, cols, nrows, err);
}

static kt_status pq_close(void *ctx, void *file, kt_error *err)
{
    (void)ctx;
    kt_status s = kt_pq_writer_close(file, err);
    kt_pq_writer_free(file);
    return s;
}

static void pq_discard(void *ctx, void *file)
{
    (void)ctx;
    kt_pq_writer_free(file);
}

void kt_gen_parquet_sink_init(kt_gen_sink *sink, kt_gen_parquet_sink *ctx)
{
    sink->ctx = ctx;
    sink->open = pq_open;
    sink->write = pq_write;
    sink->close = pq_close;
    sink->discard = pq_discard;
}
