/*
 * pipeline/ingest_names.c — field and sensor_type normalisation and
 * classification, with a per-file memo so each spelling is examined once.
 */
#include "pipeline/ingest_names.h"

#include <stdlib.h>
#include <string.h>

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t kt_name_normalise(const char *s, size_t n, char *out, size_t cap)
{
    while (n > 0 && is_blank(s[n - 1])) n--;
    while (n > 0 && is_blank(*s)) s++, n--;
    for (size_t i = 0; i < n && i < cap; i++) {
        char c = s[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return n;
}

bool kt_field_classify(const char *s, size_t n, kt_field *out)
{
    char buf[8];
    size_t len = kt_name_normalise(s, n, buf, sizeof buf);
    return len <= sizeof buf && kt_field_parse(buf, len, out);
}

kt_sensor kt_sensor_classify(const char *s, size_t n)
{
    char buf[16];
    size_t len = kt_name_normalise(s, n, buf, sizeof buf);
    if (len == 7 && memcmp(buf, "encoder", 7) == 0) return KT_SENSOR_ENCODER;
    if (len == 9 && memcmp(buf, "load_cell", 9) == 0) return KT_SENSOR_LOAD_CELL;
    return KT_SENSOR_UNKNOWN;
}

kt_sensor kt_field_sensor(kt_field f)
{
    return f >= KT_FIELD_X ? KT_SENSOR_ENCODER : KT_SENSOR_LOAD_CELL;
}

const char *kt_sensor_name(kt_sensor s)
{
    switch (s) {
    case KT_SENSOR_ENCODER: return "encoder";
    case KT_SENSOR_LOAD_CELL: return "load_cell";
    default: return "?";
    }
}

void kt_name_cache_init(kt_name_cache *c, bool is_field)
{
    memset(c, 0, sizeof *c);
    kt_dict_init(&c->dict);
    c->is_field = is_field;
    c->last_len = sizeof c->last + 1;
}

void kt_name_cache_free(kt_name_cache *c)
{
    kt_dict_free(&c->dict);
    free(c->class_of);
    kt_name_cache_init(c, c->is_field);
}

static int classify(const kt_name_cache *c, const char *s, size_t n)
{
    if (!c->is_field) return (int)kt_sensor_classify(s, n);
    kt_field f;
    return kt_field_classify(s, n, &f) ? (int)f : -1;
}

static void remember_last(kt_name_cache *c, const char *s, size_t n, int cls)
{
    if (n > sizeof c->last) {
        c->last_len = sizeof c->last + 1;
        return;
    }
    memcpy(c->last, s, n);
    c->last_len = n;
    c->last_class = cls;
}

kt_status kt_name_cache_classify(kt_name_cache *c, const char *s, size_t n, int *cls)
{
    if (n == c->last_len && memcmp(s, c->last, n) == 0) {
        *cls = c->last_class;
        return KT_OK;
    }
    int32_t id = kt_dict_find(&c->dict, s, n);
    if (id >= 0) {
        *cls = c->class_of[id];
    } else {
        *cls = classify(c, s, n);
        if (kt_dict_count(&c->dict) < KT_NAME_CACHE_MAX) {
            KT_TRY(kt_dict_intern(&c->dict, s, n, &id));
            if ((size_t)id >= c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 16;
                while (cap <= (size_t)id) cap *= 2;
                int8_t *grown = realloc(c->class_of, cap);
                if (!grown) return KT_ERR_NOMEM;
                c->class_of = grown;
                c->cap = cap;
            }
            c->class_of[id] = (int8_t)*cls;
        }
    }
    remember_last(c, s, n, *cls);
    return KT_OK;
}
