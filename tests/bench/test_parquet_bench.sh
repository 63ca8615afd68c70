#!/usr/bin/env bash
# tests/bench/test_parquet_bench.sh — the Parquet benchmark end to end on
# tiny inputs: kinetl's reader must produce DuckDB's checksums on the source
# and wide files, DuckDB must read kinetl's written files back to the same
# checksums, and the memory bound must hold. Speed is not judged here.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if ! make -s --no-print-directory build/bench/parquet_bench >"$tmp/make.log" 2>&1; then
  echo "FAIL parquet_bench builds: $(tail -n 3 "$tmp/make.log" | tr '\n' ' ')"; exit 1
fi
echo "PASS parquet_bench builds"

if BENCH_ROWS=30000 BENCH_WIDE_ROWS=5000 BENCH_REPEAT=1 BENCH_DATA="$tmp/data" \
   BENCH_RESULT="$tmp/parquet.json" node bench/parquet/bench.mjs >"$tmp/out.log" 2>&1; then
  echo "PASS parquet bench runs with equal checksums on both sides"
else
  echo "FAIL parquet bench: $(grep -E 'MISMATCH|BROKEN|parquet bench:' "$tmp/out.log" | head -n 3 | tr '\n' ' ')"
  tail -n 20 "$tmp/out.log"; exit 1
fi

node -e '
const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const want = ["read source", "write source zstd", "write source snappy",
              "read wide", "write wide zstd", "write wide snappy"];
const got = f.summary.map((r) => r.workload);
const missing = want.filter((w) => !got.includes(w));
const bad = f.summary.filter((r) => !(r.kinetl_s > 0 && r.peer_s > 0 && ["PASS", "MISSED"].includes(r.status)));
if (missing.length || bad.length) {
  console.log(`FAIL parquet bench fragment: missing ${missing} bad ${JSON.stringify(bad)}`); process.exit(1);
}
const src = f.workloads.find((w) => w.workload === "read source");
if (src.rows !== 30000) { console.log(`FAIL read source rows: ${src.rows}`); process.exit(1); }
console.log("PASS parquet bench fragment has every workload with timings and a verdict");
' "$tmp/parquet.json"
