#!/usr/bin/env bash
# tests/fuzz/test_fuzz_smoke.sh — builds the Parquet reader fuzz target and
# runs it for ~20 s from the seed corpus; PASS unless it crashes.
set -u
cd "$(dirname "$0")/../.."
if ! make -s build/fuzz/fuzz_parquet_read >build/fuzz-smoke-build.log 2>&1; then
  echo "FAIL fuzz_smoke: cannot build build/fuzz/fuzz_parquet_read (clang with libFuzzer needed; see build/fuzz-smoke-build.log)"
  exit 1
fi
FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-20} bash tests/fuzz/run.sh build/fuzz/fuzz_parquet_read | sed 's/^\(PASS\|FAIL\) fuzz_parquet_read/\1 fuzz_smoke/'
exit "${PIPESTATUS[0]}"
