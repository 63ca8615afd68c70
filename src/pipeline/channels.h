/*
 * pipeline/channels.h — the twelve channels of a run: their order, names,
 * and the four sensor streams they come from (SPEC §2).
 *
 * Contract: channel index i (0..11) is the SPEC's column order
 *   fx_1 fx_2 fy_1 fy_2 fz_1 fz_2 x_1 x_2 y_1 y_2 z_1 z_2
 * and bit i of every provenance mask. channel = 2 * field + (robot - 1)
 * with fields ordered fx fy fz x y z. A stream is one sensor of one robot:
 * encoder r = x_r y_r z_r, load cell r = fx_r fy_r fz_r.
 */
#ifndef KT_PIPELINE_CHANNELS_H
#define KT_PIPELINE_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>

enum { KT_CHANNELS = 12, KT_ROBOTS = 2, KT_STREAMS = 4, KT_AXES = 3 };

typedef enum kt_field {
    KT_FIELD_FX, KT_FIELD_FY, KT_FIELD_FZ, /* load cell, N */
    KT_FIELD_X, KT_FIELD_Y, KT_FIELD_Z,    /* encoder, mm */
    KT_FIELD_COUNT
} kt_field;

typedef enum kt_stream {
    KT_STREAM_ENCODER_1, KT_STREAM_ENCODER_2,
    KT_STREAM_LOAD_CELL_1, KT_STREAM_LOAD_CELL_2
} kt_stream;

/* robot is 1 or 2. */
static inline int kt_channel_of(kt_field field, int robot) { return 2 * (int)field + robot - 1; }
static inline kt_field kt_channel_field(int channel) { return (kt_field)(channel / 2); }
static inline int kt_channel_robot(int channel) { return channel % 2 + 1; }
static inline bool kt_channel_is_position(int channel) { return channel >= 2 * KT_FIELD_X; }

/* "fx_1" ... "z_2"; "?" outside 0..11. */
const char *kt_channel_name(int channel);
/* "fx" ... "z"; "?" when out of range. */
const char *kt_field_name(kt_field field);
/* Exact lower-case match of "fx" "fy" "fz" "x" "y" "z". */
bool kt_field_parse(const char *s, size_t len, kt_field *out);

/* "encoder_1" "encoder_2" "load_cell_1" "load_cell_2". */
const char *kt_stream_name(kt_stream stream);
/* Robot (1|2) of a stream and its three channels in x/y/z (fx/fy/fz) order. */
int kt_stream_robot(kt_stream stream);
void kt_stream_channels(kt_stream stream, int channels[KT_AXES]);

#endif
