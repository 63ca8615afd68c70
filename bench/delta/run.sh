#!/usr/bin/env bash
# bench/delta/run.sh — Delta snapshot load time against log length
# (1k, 10k, 50k commits; 2 files per commit, so up to 100k active files),
# for the `make bench` dispatcher (bench/run.sh). Target (issue 3): linear
# growth, and a 10k-commit table loads in well under a second.
# Sizes can be overridden: BENCH_DELTA_COMMITS="1000 5000".
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/libkinetl.a
mkdir -p build/bench build/bench-results
cc -std=c11 -D_DEFAULT_SOURCE -O2 -Isrc -o build/bench/delta_snapshot_bench \
   bench/delta/snapshot_bench.c build/libkinetl.a \
   -lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson -lsqlite3 -lxxhash -lm -pthread
read -r -a sizes <<<"${BENCH_DELTA_COMMITS:-1000 10000 50000}"
raw=build/bench-results/delta-raw.json
echo "Delta snapshot load (cold handle, median of 5):"
build/bench/delta_snapshot_bench "$raw" "${sizes[@]}"
node - "$raw" "${BENCH_RESULT:-build/bench-results/delta.json}" <<'JS'
const fs = require('fs');
const [raw, out] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(raw, 'utf8'));
const pts = r.points;
// Linearity: µs per commit at the largest size within 2x of the smallest.
const per = pts.map(p => p.load_cpu_ms * 1000 / p.commits);
const linear = Math.max(...per) <= 2 * Math.min(...per);
const summary = pts.map(p => ({
  workload: `snapshot load ${p.commits} commits / ${p.active_files} files`,
  kinetl_s: p.load_ms / 1000, peer: null, peer_s: null, ratio: null,
  target: p.commits === 10000 ? '< 1 s' : 'linear',
  status: p.commits === 10000 ? (p.load_ms < 1000 ? 'PASS' : 'MISSED') : (linear ? 'PASS' : 'MISSED'),
  note: `${(p.load_cpu_ms * 1000 / p.commits).toFixed(1)} µs CPU/commit; update by one commit ${p.update_one_commit_ms} ms`,
}));
fs.writeFileSync(out, JSON.stringify({ summary, delta_snapshot: r }, null, 1));
JS
