/*
 * gen/manifest.h — DIR/_anomalies.json: what was generated and where the
 * anomalies are, so tests can check each one lands where SPEC §3 says.
 *
 * Contract: the JSON (format "kinetl-gen-manifest/1", documented in
 * docs/GEN.md) lists the non-empty files with their row counts, every run
 * (ids, start/stop, readings per channel, missing and stuck channels) and
 * every anomaly with its file, 0-based row, kind, rule, outcome, the
 * reading it was built from and what the written row holds. Written to a
 * temporary name and renamed into place.
 */
#ifndef KT_GEN_MANIFEST_H
#define KT_GEN_MANIFEST_H

#include <stdint.h>

#include "core/error.h"
#include "gen/model.h"

kt_status kt_gen_write_manifest(const kt_gen_model *m, const int64_t *rows_per_job,
                                const char *path, kt_error *err);

/* Shared JSON helpers (also used by the truth file). */
#include <jansson.h>
json_t *kt_gen_json_time(int64_t ms);
/* An unsigned 64-bit number: an integer when it fits int64, else its decimal text. */
json_t *kt_gen_json_u64(uint64_t v);
kt_status kt_gen_json_save(json_t *root, const char *path, kt_error *err);
/* "x_1" .. "fz_2" */
void kt_gen_channel_name(int stream, int slot, char out[8]);

#endif
