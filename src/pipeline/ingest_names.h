/*
 * pipeline/ingest_names.h — normalisation of the `field` and `sensor_type`
 * names (SPEC §3: trimmed, lower-case) and what they mean.
 *
 * Contract:
 *  - kt_name_normalise trims ASCII blanks (space, tab, CR, LF) and lowers
 *    ASCII letters; other bytes are kept. " X " -> "x", "LOAD_CELL " -> "load_cell".
 *  - kt_field_classify: "x" "y" "z" "fx" "fy" "fz" after normalisation;
 *    anything else is unknown (returns false).
 *  - kt_sensor_classify: "encoder" or "load_cell" after normalisation.
 *  - kt_field_sensor: the sensor a field belongs to (x y z -> encoder,
 *    fx fy fz -> load_cell).
 *  - kt_name_cache memoises the classification of raw (un-normalised)
 *    byte strings so each distinct spelling is normalised once per cache
 *    lifetime; bounded (KT_NAME_CACHE_MAX distinct spellings, then it
 *    classifies without remembering).
 */
#ifndef KT_PIPELINE_INGEST_NAMES_H
#define KT_PIPELINE_INGEST_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dict.h"
#include "core/error.h"
#include "pipeline/channels.h"

typedef enum kt_sensor {
    KT_SENSOR_ENCODER,
    KT_SENSOR_LOAD_CELL,
    KT_SENSOR_UNKNOWN,
} kt_sensor;

/* Writes at most cap bytes; returns the normalised length (may exceed cap: truncated). */
size_t kt_name_normalise(const char *s, size_t n, char *out, size_t cap);

bool kt_field_classify(const char *s, size_t n, kt_field *out);
kt_sensor kt_sensor_classify(const char *s, size_t n);
kt_sensor kt_field_sensor(kt_field f);
/* "encoder", "load_cell" ("?" for unknown). */
const char *kt_sensor_name(kt_sensor s);

#define KT_NAME_CACHE_MAX 4096

/* class: a kt_field (0..5) or -1 for unknown, or a kt_sensor. */
typedef struct kt_name_cache {
    kt_dict dict;
    int8_t *class_of;  /* by dict id */
    size_t cap;
    bool is_field;     /* field names (kt_field) or sensor names (kt_sensor) */
    /* last lookup, the common case of runs of equal names (copied: the
     * caller's column may be gone by the next call) */
    char last[32];
    size_t last_len;   /* > sizeof last: nothing remembered */
    int last_class;
} kt_name_cache;

void kt_name_cache_init(kt_name_cache *c, bool is_field);
void kt_name_cache_free(kt_name_cache *c);
/* The class of raw bytes s[0..n); KT_ERR_NOMEM only on allocation failure. */
kt_status kt_name_cache_classify(kt_name_cache *c, const char *s, size_t n, int *cls);

#endif
