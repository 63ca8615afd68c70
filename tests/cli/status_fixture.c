/*
 * tests/cli/status_fixture.c — builds a known state.db through the C API
 * for tests/cli/test_status.sh (compiled by that script against
 * build/libkinetl.a), or holds the lake lock until killed.
 *   status_fixture populate LAKE
 *   status_fixture hold LAKE      (prints "held" once the lock is taken)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "orchestrate/lake_lock.h"
#include "orchestrate/state.h"
#include "pipeline/transform_config.h"

static int64_t at(const char *iso)
{
    int64_t us = 0;
    kt_time_parse_iso(iso, &us, NULL);
    return us;
}

static kt_status files(kt_state *st, kt_error *err)
{
    kt_file_record f[] = {
        { .path = "delivery_date=20221123/part-00000.parquet", .size = 1000, .hash = 1,
          .status = KT_FILE_INGESTED, .rows_accepted = 400000, .rows_rejected = 10,
          .rows_duplicate = 2, .raw_version = 0, .quarantine_version = 0 },
        { .path = "delivery_date=20221123/part-00001.parquet", .size = 2000, .hash = 2,
          .status = KT_FILE_INGESTED, .rows_accepted = 834567, .rows_rejected = 2,
          .raw_version = 1, .quarantine_version = 1 },
        { .path = "delivery_date=20221124/truncated.parquet", .size = 17, .hash = 3,
          .status = KT_FILE_FAILED, .error = "truncated.parquet: file too short for a footer",
          .raw_version = -1, .quarantine_version = -1 },
        { .path = "delivery_date=20221124/rewritten.parquet", .size = 3000, .hash = 4,
          .status = KT_FILE_INGESTED, .rows_accepted = 1000, .raw_version = 2,
          .quarantine_version = -1 },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) KT_TRY(kt_state_file_put(st, &f[i], err));
    return kt_state_file_mark_changed(st, f[3].path, 3100, 5, at("2026-11-21T12:00:00Z"), err);
}

static kt_status runs(kt_state *st, kt_error *err)
{
    kt_transform_config cfg;
    kt_transform_config_default(&cfg);
    char current[17];
    kt_transform_config_hash_hex(&cfg, current);
    const char *ids[] = { "7582293080991470000", "12405186538561671000", "1111", "2222", "3333" };
    for (int i = 0; i < 5; i++) KT_TRY(kt_state_run_note_input(st, ids[i], 1, err));
    kt_run_record ok = { .run_uuid = ids[0], .input_fingerprint = "fp0", .config_hash = current,
                         .raw_version_seen = 1, .aligned_version = 0, .features_version = 0,
                         .run_stats_version = 0, .status = KT_RUN_OK };
    KT_TRY(kt_state_run_finish(st, &ok, err));
    ok.run_uuid = ids[1];                        /* processed, then new input arrived */
    KT_TRY(kt_state_run_finish(st, &ok, err));
    KT_TRY(kt_state_run_note_input(st, ids[1], 2, err));
    kt_run_record failed = { .run_uuid = ids[2], .status = KT_RUN_FAILED,
                             .error = "aligned rows exceed max_rows (20000000)" };
    KT_TRY(kt_state_run_finish(st, &failed, err));
    ok.run_uuid = ids[3];                        /* processed with an old config */
    ok.config_hash = "00000000deadbeef";
    KT_TRY(kt_state_run_finish(st, &ok, err));
    return KT_OK;                                /* ids[4] stays pending */
}

static kt_status history(kt_state *st, kt_error *err)
{
    int64_t id;
    kt_run_counts c = { 3, 1, 1235567, 12, 4, 1 };
    KT_TRY(kt_state_pipeline_start(st, "run", at("2026-11-21T10:00:00Z"), &id, err));
    KT_TRY(kt_state_pipeline_finish(st, id, KT_PIPELINE_PARTIAL, &c, at("2026-11-21T10:00:12.5Z"),
                                    "1 file and 1 run failed", err));
    KT_TRY(kt_state_pipeline_start(st, "watch", at("2026-11-21T11:00:00Z"), &id, err));
    return KT_OK; /* left running: its process "died" */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: status_fixture populate|hold LAKE\n");
        return 2;
    }
    kt_error err;
    if (!strcmp(argv[1], "hold")) {
        kt_lake_lock *lock;
        if (kt_lake_lock_acquire(argv[2], "run", &lock, NULL, &err) != KT_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        printf("held\n");
        fflush(stdout);
        for (;;) pause();
    }
    kt_state *st;
    kt_status s = kt_state_open(argv[2], KT_STATE_CREATE, &st, &err);
    if (s == KT_OK) s = files(st, &err);
    if (s == KT_OK) s = runs(st, &err);
    if (s == KT_OK) s = history(st, &err);
    kt_state_close(st);
    if (s != KT_OK) {
        fprintf(stderr, "status_fixture: %s\n", err.msg);
        return 1;
    }
    return 0;
}
