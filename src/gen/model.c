/*
 * gen/model.c — the pure functions of the generator's model: names,
 * reading values, routing of readings to files, run ids and file paths.
 */
#include "gen/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/anomaly.h"
#include "gen/isotime.h"

/* Salts separating the hash streams derived from one series key. */
#define SALT_NOISE 0x6e6f697365000001ULL
#define SALT_ROUTE 0x726f757465000002ULL

static const char *const FIELD_NAMES[2][KT_GEN_SLOTS] = { { "x", "y", "z" }, { "fx", "fy", "fz" } };

const char *kt_gen_field_name(int stream, int slot)
{
    return FIELD_NAMES[kt_gen_stream_is_encoder(stream) ? 0 : 1][slot];
}

const char *kt_gen_sensor_name(int stream)
{
    return kt_gen_stream_is_encoder(stream) ? "encoder" : "load_cell";
}

uint64_t kt_gen_series_key(const kt_gen_run *r, int stream, int slot)
{
    return kt_gen_subkey(r->key, (uint64_t)(stream * KT_GEN_SLOTS + slot));
}

static double tau_of(const kt_gen_run *r, int64_t t_ms)
{
    return (double)(t_ms - r->start_ms) / 1000.0;
}

void kt_gen_signal(const kt_gen_run *r, int stream, int64_t t_ms, double out[KT_GEN_SLOTS])
{
    int robot = kt_gen_stream_robot(stream) - 1;
    double tau = tau_of(r, t_ms);
    if (kt_gen_stream_is_encoder(stream)) {
        kt_gen_toolpath_pos(&r->path[robot], tau, out);
        return;
    }
    kt_gen_kinematics k;
    kt_gen_toolpath_eval(&r->path[robot], tau, &k);
    kt_gen_forces(&r->force[robot], &r->path[robot], &k, out);
}

void kt_gen_noise_keys(const kt_gen_run *r, int stream, uint64_t keys[KT_GEN_SLOTS])
{
    for (int j = 0; j < KT_GEN_SLOTS; j++) keys[j] = kt_gen_series_key(r, stream, j) ^ SALT_NOISE;
}

void kt_gen_sample(const kt_gen_model *m, const kt_gen_run *r, int stream, int64_t index, int64_t t_ms,
                   const uint64_t noise_keys[KT_GEN_SLOTS], double out[KT_GEN_SLOTS])
{
    kt_gen_signal(r, stream, t_ms, out);
    double sigma = kt_gen_stream_is_encoder(stream) ? m->noise_mm : m->noise_n;
    if (sigma > 0)
        for (int j = 0; j < KT_GEN_SLOTS; j++)
            out[j] += sigma * kt_gen_noise(kt_gen_hash_at(noise_keys[j], (uint64_t)index));
    const kt_gen_flat *fl = &r->flat;
    if (fl->on && fl->stream == stream && t_ms - r->start_ms >= fl->from_ms) out[fl->slot] = fl->value;
}

double kt_gen_value(const kt_gen_model *m, const kt_gen_run *r, int stream, int slot,
                    int64_t index, int64_t t_ms)
{
    uint64_t keys[KT_GEN_SLOTS];
    double v[KT_GEN_SLOTS];
    kt_gen_noise_keys(r, stream, keys);
    kt_gen_sample(m, r, stream, index, t_ms, keys, v);
    return v[slot];
}

uint64_t kt_gen_route_key(const kt_gen_model *m, const kt_gen_run *r, int stream, int slot)
{
    return kt_gen_series_key(r, stream, m->route_by_stream ? 0 : slot) ^ SALT_ROUTE;
}

int kt_gen_route_keyed(const kt_gen_model *m, const kt_gen_run *r, uint64_t route_key, int64_t block)
{
    uint64_t h = kt_gen_hash_at(route_key, (uint64_t)block);
    double u = kt_gen_unit(h);
    int offset = 0;
    while (offset < m->spread - 1 && u >= m->spread_cdf[offset]) offset++;
    int day = r->home_day + offset;
    uint64_t file = ((h & 0xffffffffULL) * (uint64_t)m->files_per_day) >> 32;
    return day * m->files_per_day + (int)file;
}

int kt_gen_route(const kt_gen_model *m, size_t run, int stream, int slot, int64_t block)
{
    const kt_gen_run *r = &m->runs[run];
    return kt_gen_route_keyed(m, r, kt_gen_route_key(m, r, stream, slot), block);
}

int kt_gen_destination(const kt_gen_model *m, size_t run, int stream, int slot, int64_t index)
{
    int64_t block = index / m->block;
    if (m->has_late && run == m->late_run) {
        const kt_gen_run *r = &m->runs[run];
        int64_t at = kt_gen_time_ms(r, stream, block * m->block) - r->start_ms;
        if (at >= m->late_from_ms && at < m->late_to_ms) return kt_gen_late_job(m);
    }
    return kt_gen_route(m, run, stream, slot, block);
}

int64_t kt_gen_run_stop_ms(const kt_gen_run *r)
{
    int64_t stop = r->start_ms;
    for (int s = 0; s < KT_GEN_STREAMS; s++) {
        const kt_gen_stream *st = &r->streams[s];
        if (!st->count || !st->slots) continue;
        /* jitter can move an earlier sample past the last one's nominal time: check a few */
        for (int64_t i = st->count - 1; i >= 0 && i >= st->count - 3; i--) {
            int64_t t = kt_gen_time_ms(r, s, i);
            if (t > stop) stop = t;
        }
    }
    return stop;
}

kt_status kt_gen_job_path(const kt_gen_model *m, int job, char *out, size_t cap)
{
    char day[9];
    int d = kt_gen_job_day(m, job);
    int file = job - d * m->files_per_day;
    if (!kt_gen_format_yyyymmdd(m->first_day + d, day)) return KT_ERR_USAGE;
    int n = snprintf(out, cap, "delivery_date=%s/part-%05d.parquet", day, file);
    return (n > 0 && (size_t)n < cap) ? KT_OK : KT_ERR_USAGE;
}

void kt_gen_run_id_text(double id, char out[24])
{
    /* Shortest %.*e that reads back as the same double, then its digits as an integer. */
    char buf[40];
    int prec = 0;
    for (; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec, id);
        if (strtod(buf, NULL) == id) break;
    }
    snprintf(buf, sizeof buf, "%.*e", prec, id);
    if (!isfinite(id) || id < 0 || id >= 1e23) {
        snprintf(out, 24, "%s", buf);
        return;
    }
    char digits[24];
    size_t nd = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    /* value = digits * 10^(exp10 - (nd - 1)) */
    int zeros = exp10 - (int)(nd - 1);
    size_t o = 0;
    if (zeros >= 0) {
        for (size_t i = 0; i < nd; i++) out[o++] = digits[i];
        for (int i = 0; i < zeros && o < 23; i++) out[o++] = '0';
        size_t lead = 0;  /* "0" stays "0" */
        while (lead + 1 < o && out[lead] == '0') lead++;
        memmove(out, out + lead, o - lead);
        o -= lead;
    } else {
        /* not an integer: keep the integer part (ids are integers in practice) */
        int keep = (int)nd + zeros;
        if (keep <= 0) out[o++] = '0';
        for (int i = 0; i < keep; i++) out[o++] = digits[i];
    }
    out[o] = 0;
}

void kt_gen_model_free(kt_gen_model *m)
{
    free(m->runs);
    kt_gen_anomalies_free(m->anomalies, m->nanomalies);
    memset(m, 0, sizeof *m);
}
