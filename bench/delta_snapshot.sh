#!/usr/bin/env bash
# bench/delta_snapshot.sh — Delta snapshot load time against log length
# (1k, 10k, 50k commits; 2 files per commit, so up to 100k active files).
# Builds bench/delta_snapshot_bench against build/libkinetl.a, prints a
# table and writes bench/results-delta.json. Sizes can be overridden:
#   bash bench/delta_snapshot.sh 1000 5000
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libkinetl.a
mkdir -p build/bench
cc -std=c11 -D_DEFAULT_SOURCE -O2 -Isrc -o build/bench/delta_snapshot_bench \
   bench/delta_snapshot_bench.c build/libkinetl.a \
   -lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson -lsqlite3 -lxxhash -lm -pthread
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
echo "Delta snapshot load (cold handle, median of 5; load = 1 thread, threaded = replay_threads one per CPU):"
build/bench/delta_snapshot_bench bench/results-delta.json "${sizes[@]}"
echo "wrote bench/results-delta.json"
