#!/usr/bin/env bash
# bench/ingest/run.sh — `kinetl ingest` throughput against DuckDB's typed,
# filtered, deduplicated COPY into partitioned Parquet on the same files;
# all the work is in bench.mjs, described there (docs/BENCH.md conventions).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node bench/ingest/bench.mjs
