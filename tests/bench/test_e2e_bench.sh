#!/usr/bin/env bash
# tests/bench/test_e2e_bench.sh — the end-to-end benchmark (bench/e2e) on a
# tiny source: `kinetl gen --profile scale --runs 2 --minutes 1`, kinetl,
# DuckDB and Polars one after the other. Checks the runner (every tool
# finishes, its figures are in the fragment), the equal-work check (passes
# here, and fails the benchmark when kinetl is made to do different work:
# a lake whose process.conf sets max_gap below the encoder period gives
# other distances), the target verdicts and the JSON fragment. Speed is not
# judged here.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
KINETL=${KINETL:-build/kinetl}
[ -x "$KINETL" ] || { echo "FAIL e2e bench: $KINETL not built"; exit 1; }
export BENCH_DATA="$tmp/data" BENCH_E2E_WORK="$tmp/work" BENCH_E2E_SIZES=2x1 BENCH_THREADS=1 \
       BENCH_E2E_TARGET_SIZE=2x1 BENCH_E2E_LARGE_SIZE=2x1 BENCH_E2E_FSYNC=0

if KINETL="$KINETL" BENCH_RESULT="$tmp/e2e.json" node bench/e2e/bench.mjs >"$tmp/out.log" 2>&1; then
  echo "PASS e2e bench runs kinetl, duckdb and polars on the same data with equal work"
else
  echo "FAIL e2e bench: $(grep -E 'FAILED|e2e:' "$tmp/out.log" | head -n 3 | tr '\n' ' ')"
  tail -n 20 "$tmp/out.log"; exit 1
fi

node -e '
const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const bad = (m) => { console.log(`FAIL e2e bench fragment: ${m}`); process.exit(1); };
const s = f.e2e.sizes[0];
if (!s || s.profile !== "scale" || s.runs !== 2 || s.readings !== 132000) bad(`dataset ${JSON.stringify(s && { ...s, results: undefined })}`);
for (const t of ["kinetl", "duckdb", "polars"]) {
  const r = s.results[t];
  if (!(r && r.status === "ok" && r.wall_s > 0 && r.cpu_s >= 0 && r.peak_rss_mb > 0 && r.output_bytes > 0 && r.readings === 132000))
    bad(`${t}: ${JSON.stringify(r)}`);
}
for (const p of ["duckdb", "polars"]) {
  const e = s.equal_work[p];
  if (!(e && e.ok && e.summary.runs === 2 && e.summary.max_distance_rel_diff <= 0.005)) bad(`equal work ${p}: ${JSON.stringify(e)}`);
  const row = f.summary.find((r) => r.peer === p && r.workload === "2x1 end to end");
  const want = s.results[p].wall_s / s.results.kinetl.wall_s;
  if (!(row && Math.abs(row.ratio - want) < 1e-9 && row.status === "INFO")) bad(`row ${p}: ${JSON.stringify(row)}`);
}
const verdicts = f.summary.filter((r) => r.target != null);
if (verdicts.length !== 3 || !verdicts.every((r) => ["PASS", "MISSED"].includes(r.status))) bad(`verdicts ${JSON.stringify(verdicts)}`);
const speed = verdicts.find((r) => r.workload.includes("speed"));
const fastest = Math.min(s.results.duckdb.wall_s, s.results.polars.wall_s);
if (!(speed && speed.peer_s === fastest && (speed.status === "PASS") === (fastest / s.results.kinetl.wall_s >= 10))) bad(`speed verdict ${JSON.stringify(speed)}`);
console.log("PASS e2e bench fragment: figures of all three tools, equal work, ratios and PASS/MISSED verdicts");
' "$tmp/e2e.json" || exit 1

# kinetl doing other work than the peers: max_gap 5 ms (< the 12 ms encoder
# period) leaves no distance to sum. The benchmark must fail and say why.
cat >"$tmp/kinetl-other-work" <<WRAP
#!/usr/bin/env bash
# --lake L run ...: a lake whose processing config differs from the peers'
if [ "\$1" = --lake ] && [ "\$3" = run ]; then mkdir -p "\$2/_kinetl" && echo 'max_gap = 5ms' >"\$2/_kinetl/process.conf"; fi
exec "$(cd "$(dirname "$KINETL")" && pwd)/$(basename "$KINETL")" "\$@"
WRAP
chmod +x "$tmp/kinetl-other-work"
KINETL="$tmp/kinetl-other-work" BENCH_E2E_PEERS=duckdb BENCH_RESULT="$tmp/bad.json" node bench/e2e/bench.mjs >"$tmp/bad.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'equal work: FAILED' "$tmp/bad.log" && grep -q 'distance_1_mm' "$tmp/bad.log" \
   && node -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
               process.exit(f.summary.some((r) => r.status === "FAILED" && r.peer === "duckdb") ? 0 : 1)' "$tmp/bad.json"; then
  echo "PASS e2e bench fails loudly when kinetl and a peer do different work"
else
  echo "FAIL e2e bench with different work: exit $rc"; tail -n 15 "$tmp/bad.log"; exit 1
fi
