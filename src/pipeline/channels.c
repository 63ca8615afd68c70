/*
 * pipeline/channels.c — names of channels, fields and streams.
 */
#include "pipeline/channels.h"

#include <string.h>

static const char *const channel_names[KT_CHANNELS] = {
    "fx_1", "fx_2", "fy_1", "fy_2", "fz_1", "fz_2",
    "x_1", "x_2", "y_1", "y_2", "z_1", "z_2",
};

static const char *const field_names[KT_FIELD_COUNT] = { "fx", "fy", "fz", "x", "y", "z" };

static const char *const stream_names[KT_STREAMS] = {
    "encoder_1", "encoder_2", "load_cell_1", "load_cell_2",
};

const char *kt_channel_name(int channel)
{
    return channel >= 0 && channel < KT_CHANNELS ? channel_names[channel] : "?";
}

const char *kt_field_name(kt_field field)
{
    return (int)field >= 0 && (int)field < (int)KT_FIELD_COUNT ? field_names[field] : "?";
}

bool kt_field_parse(const char *s, size_t len, kt_field *out)
{
    for (int f = 0; f < KT_FIELD_COUNT; f++) {
        if (strlen(field_names[f]) == len && memcmp(field_names[f], s, len) == 0) {
            *out = (kt_field)f;
            return true;
        }
    }
    return false;
}

const char *kt_stream_name(kt_stream stream)
{
    return (int)stream >= 0 && (int)stream < (int)KT_STREAMS ? stream_names[stream] : "?";
}

int kt_stream_robot(kt_stream stream)
{
    return stream == KT_STREAM_ENCODER_1 || stream == KT_STREAM_LOAD_CELL_1 ? 1 : 2;
}

void kt_stream_channels(kt_stream stream, int channels[KT_AXES])
{
    bool encoder = stream == KT_STREAM_ENCODER_1 || stream == KT_STREAM_ENCODER_2;
    kt_field first = encoder ? KT_FIELD_X : KT_FIELD_FX;
    for (int a = 0; a < KT_AXES; a++)
        channels[a] = kt_channel_of((kt_field)(first + a), kt_stream_robot(stream));
}
