#!/usr/bin/env bash
# bench/gen/run.sh — `kinetl gen --profile scale` throughput and memory, for
# the make bench dispatcher (bench/run.sh). Target (issue 4): 5 million
# rows/s or more, in bounded memory (peak RSS independent of the row count:
# the larger size must not need more than ~1.5x the smaller one's RSS).
# No peer writes this data, so there is no ratio. Knobs:
#   BENCH_GEN_RUNS="10 40"   run counts (10-minute runs, 660k readings each)
#   BENCH_THREADS=2          gen threads (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
K=${KINETL:-build/kinetl}
read -r -a sizes <<<"${BENCH_GEN_RUNS:-10 40}"
threads=${BENCH_THREADS:-$(nproc)}
out_root=$(mktemp -d "${TMPDIR:-/tmp}/kt-bench-gen.XXXXXX")
trap 'rm -rf "$out_root"' EXIT
lines=()
for runs in "${sizes[@]}"; do
  best_wall=""; rss=0; rows=0
  for rep in 1 2; do
    rm -rf "$out_root/out"
    /usr/bin/time -f '%e %M' -o "$out_root/time" \
      "$K" gen --profile scale --runs "$runs" --minutes 10 -j "$threads" --out "$out_root/out" --quiet
    read -r wall kb <"$out_root/time"
    rows=$(( runs * 660000 ))
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  echo "gen scale: $runs runs x 10 min (~$rows readings), $threads threads: best wall ${best_wall}s, peak RSS $((rss / 1024)) MiB"
  lines+=("$runs $rows $best_wall $rss")
done
printf '%s\n' "${lines[@]}" | node -e '
const fs = require("fs");
const pts = fs.readFileSync(0, "utf8").trim().split("\n").map(l => {
  const [runs, rows, wall, kb] = l.split(" ").map(Number);
  return { runs, readings_approx: rows, wall_s: wall, rows_per_s: rows / wall, peak_rss_mb: kb / 1024 };
});
const flat = pts[pts.length - 1].peak_rss_mb <= 1.5 * pts[0].peak_rss_mb;
const summary = pts.map(p => ({
  workload: `gen scale ${p.runs} runs x 10 min`, kinetl_s: p.wall_s, peer: null, peer_s: null, ratio: null,
  target: ">= 5M rows/s, flat RSS", status: p.rows_per_s >= 5e6 && flat ? "PASS" : "MISSED",
  note: `${(p.rows_per_s / 1e6).toFixed(2)}M rows/s, peak RSS ${p.peak_rss_mb.toFixed(0)} MiB${flat ? " (flat)" : " (GROWS)"}`,
}));
fs.writeFileSync(process.argv[1], JSON.stringify({ summary, gen: { threads: Number(process.argv[2]), points: pts, rss_flat: flat } }, null, 1));
' "${BENCH_RESULT:-build/bench-results/gen.json}" "$threads"
