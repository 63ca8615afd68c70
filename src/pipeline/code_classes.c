/*
 * pipeline/code_classes.c — classes of a string dictionary's entries (see the header).
 */
#include "pipeline/code_classes.h"

#include <stdlib.h>

kt_status kt_code_classes_fill(kt_code_classes *t, const kt_column *dict, kt_classify_fn classify, void *ctx)
{
    if (dict->len > t->cap) {
        int8_t *of = realloc(t->of, dict->len);
        if (!of) return KT_ERR_NOMEM;
        t->of = of;
        t->cap = dict->len;
    }
    for (size_t k = 0; k < dict->len; k++) {
        size_t n;
        const char *s = kt_column_bytes_at(dict, k, &n);
        int cls;
        KT_TRY(classify(ctx, s, n, &cls));
        t->of[k] = (int8_t)cls;
    }
    return KT_OK;
}

void kt_code_classes_free(kt_code_classes *t)
{
    free(t->of);
    t->of = NULL;
    t->cap = 0;
}
