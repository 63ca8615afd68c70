#!/usr/bin/env bash
# bench/e2e/run.sh — `kinetl run` end to end against the DuckDB and Polars
# pipelines on the same generated data (issue 9); all the work is in
# bench.mjs, described there and in docs/BENCH.md ("e2e").
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s "${KINETL:-build/kinetl}"
exec node bench/e2e/bench.mjs
