/*
 * pipeline/code_classes.h — a small class for every entry of a row
 * group's string dictionary (format/parquet/reader.h, dictionary codes),
 * so rows are classified by code instead of by comparing their strings.
 *
 * Contract: kt_code_classes_fill sizes the table to dict->len entries
 * (keeping its memory between row groups) and sets entry k to what
 * classify says of dictionary string k (a value in -128..127). The table
 * is valid until the next fill or free. Used by ingest (field and
 * sensor_type names) and by the raw loader (field names).
 */
#ifndef KT_PIPELINE_CODE_CLASSES_H
#define KT_PIPELINE_CODE_CLASSES_H

#include <stddef.h>
#include <stdint.h>

#include "core/column.h"
#include "core/error.h"

typedef struct kt_code_classes {
    int8_t *of;   /* of[code] */
    size_t cap;
} kt_code_classes;

/* *cls = the class of s[0..n); KT_ERR_NOMEM only on allocation failure. */
typedef kt_status (*kt_classify_fn)(void *ctx, const char *s, size_t n, int *cls);

/* KT_ERR_NOMEM when the table cannot grow, or the first failure of classify. */
kt_status kt_code_classes_fill(kt_code_classes *t, const kt_column *dict, kt_classify_fn classify, void *ctx);
void kt_code_classes_free(kt_code_classes *t);

#endif
