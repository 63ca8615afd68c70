#!/usr/bin/env bash
# bench/parquet/run.sh — Parquet read/write throughput against DuckDB
# (threads=1); all the work is in bench.mjs, described there.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node bench/parquet/bench.mjs
