/*
 * pipeline/column_fill.c — see column_fill.h. Keeps core/column.c's
 * invariant: valid, when present, has cap entries and null_count zeros
 * in [0, len).
 */
#include "pipeline/column_fill.h"

#include <stdlib.h>
#include <string.h>

kt_status kt_column_fill_begin(kt_column *c, size_t rows, bool nullable)
{
    kt_column_clear(c);
    KT_TRY(kt_column_reserve(c, rows, 0));
    if (nullable) {
        size_t cap = c->cap ? c->cap : 1;
        c->valid = malloc(cap);
        if (!c->valid) return KT_ERR_NOMEM;
        memset(c->valid, 1, cap);
    }
    c->len = rows;
    c->null_count = 0;
    return KT_OK;
}

void kt_column_fill_end(kt_column *c)
{
    if (!c->valid) return;
    size_t nulls = 0;
    for (size_t i = 0; i < c->len; i++) nulls += !c->valid[i];
    c->null_count = nulls;
    if (nulls == 0) {
        free(c->valid);
        c->valid = NULL;
    }
}
