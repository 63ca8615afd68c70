/*
 * tests/fuzz/fuzz_parquet_read.c — libFuzzer target for the Parquet
 * reader (built by `make fuzz` with ASan and UBSan): every input goes
 * through open, every row group with every column, and statistics; see
 * parquet_read_harness.h for the invariants checked.
 */
#include <stddef.h>
#include <stdint.h>

#include "parquet_read_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return kt_harness_run(data, size);
}
