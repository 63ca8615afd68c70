#!/usr/bin/env bash
# bench/process/run.sh — per-run processing throughput (readings/s, one
# thread) on the generator's `scale` profile, with the time split into read
# (raw partition -> readings), transform and write (aligned, features,
# run_stats commits). For the `make bench` dispatcher (bench/run.sh).
# Knobs: BENCH_PROCESS_RUNS (default 4 ten-minute runs, 2.6 M readings),
# BENCH_PROCESS_MINUTES (10), BENCH_REPEAT (3). No peer: status INFO.
# Memory per run is measured by a malloc replacement (tests/unit/heap_peak.h).
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/libkinetl.a build/kinetl
mkdir -p build/bench build/bench-results
cc -std=c11 -D_DEFAULT_SOURCE -O2 -g -Isrc -o build/bench/process_bench bench/process/process_bench.c \
   build/libkinetl.a -lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson -lsqlite3 -lxxhash -lm -pthread
runs=${BENCH_PROCESS_RUNS:-4}
minutes=${BENCH_PROCESS_MINUTES:-10}
data=${BENCH_DATA:-build/bench-data}
src="$data/process-scale-v1-$runs-$minutes"
lake="$data/process-lake-v1-$runs-$minutes"
kinetl=${KINETL:-build/kinetl}
if [ ! -d "$src" ]; then
  "$kinetl" gen --out "$src.tmp" --profile scale --runs "$runs" --minutes "$minutes" --seed 1 --quiet
  mv "$src.tmp" "$src"
fi
if [ ! -d "$lake/raw" ]; then
  rm -rf "$lake"
  "$kinetl" --lake "$lake" ingest --source "$src" >/dev/null
fi
rm -rf "$lake/aligned" "$lake/features" "$lake/run_stats"   # each run starts from empty outputs
raw=build/bench-results/process-raw.json
echo "kinetl process: $runs scale runs of $minutes min, one thread, best of ${BENCH_REPEAT:-3}:"
build/bench/process_bench "$lake" --repeat "${BENCH_REPEAT:-3}" | tee "$raw"
node - "$raw" "${BENCH_RESULT:-build/bench-results/process.json}" "$runs" "$minutes" <<'JS'
const fs = require('fs');
const [raw, out, runs, minutes] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(raw, 'utf8'));
const mrs = (x) => `${(x / 1e6).toFixed(2)} M readings/s`;
const share = (x) => `${(100 * x / r.cpu_s.total).toFixed(0)} % of the time`;
const w = `process ${runs} x ${minutes} min scale runs (${(r.readings / 1e6).toFixed(2)} M readings)`;
const row = (what, s, note) => ({ workload: `${w}: ${what}`, kinetl_s: s, peer: null, peer_s: null, ratio: null,
                                  target: null, status: 'INFO', note });
const summary = [
  row('read', r.cpu_s.read, `${mrs(r.readings_per_cpu_s.read)}, ${share(r.cpu_s.read)}`),
  row('transform', r.cpu_s.transform, `${mrs(r.readings_per_cpu_s.transform)}, ${share(r.cpu_s.transform)}`),
  row('write', r.cpu_s.write, `${(r.rows / r.cpu_s.write / 1e6).toFixed(2)} M rows/s (aligned + features + run_stats), ${share(r.cpu_s.write)}`),
  row('total', r.cpu_s.total, `${mrs(r.readings_per_cpu_s.total)}; memory per run ${r.memory_per_run_ratio.toFixed(2)}x decoded readings (heap peak, read + transform + write), ${r.memory_per_run_accounted_ratio.toFixed(2)}x accounted; peak RSS ${(r.peak_rss_kib / 1024).toFixed(0)} MiB`),
];
fs.writeFileSync(out, JSON.stringify({ summary, process: r }, null, 1));
JS
