/*
 * format/parquet/names.c — display names of parquet.thrift enum values,
 * spelled as the spec spells them.
 */
#include "format/parquet/metadata.h"

const char *kt_pq_physical_name(kt_pq_physical t)
{
    static const char *const names[] = { "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT",
                                         "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY" };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "UNKNOWN_TYPE";
}

const char *kt_pq_codec_name(kt_pq_codec c)
{
    static const char *const names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                         "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "UNKNOWN_CODEC";
}

const char *kt_pq_encoding_name(kt_pq_encoding e)
{
    static const char *const names[] = { "PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE",
                                         "BIT_PACKED", "DELTA_BINARY_PACKED",
                                         "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                                         "RLE_DICTIONARY", "BYTE_STREAM_SPLIT" };
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "UNKNOWN_ENCODING";
}
