/*
 * tests/fuzz/fuzz_snappy_direct.c — libFuzzer target for the reader's
 * direct page path (stored and SNAPPY pages decoded from the file straight
 * into the column) and for its SNAPPY decompressor, both checked against
 * libsnappy: see snappy_direct_harness.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "snappy_direct_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return direct_harness_run(data, size);
}
