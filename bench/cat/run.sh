#!/usr/bin/env bash
# bench/cat/run.sh — `kinetl cat TABLE --run ID --format csv` throughput and
# peak memory, against DuckDB (threads=1) writing the same rows as CSV from
# `kinetl sql-views`; all the work is in bench.mjs, described there.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/kinetl build/tests/test_table_scan
exec node bench/cat/bench.mjs
