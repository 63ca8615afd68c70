#!/usr/bin/env bash
# tests/bench/test_ingest_bench.sh — the ingest benchmark end to end on tiny
# inputs: kinetl's raw table and DuckDB's partitioned COPY must hold the same
# rows and value sum, and the fragment must carry timings and a verdict.
# Speed is not judged here.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Wall clock: on 20k rows kinetl's CPU time can round to 0 at clock-tick resolution.
if BENCH_CLOCK=wall BENCH_ROWS=20000 BENCH_FILES=3 BENCH_REPEAT=1 BENCH_DATA="$tmp/data" \
   BENCH_RESULT="$tmp/ingest.json" node bench/ingest/bench.mjs >"$tmp/out.log" 2>&1; then
  echo "PASS ingest bench runs with equal results on both sides"
else
  echo "FAIL ingest bench: $(grep -E 'differ|Error' "$tmp/out.log" | head -n 3 | tr '\n' ' ')"
  tail -n 20 "$tmp/out.log"; exit 1
fi

node -e '
const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const s = f.summary[0];
if (!(s && s.kinetl_s > 0 && s.peer_s > 0 && ["PASS", "MISSED"].includes(s.status))) {
  console.log(`FAIL ingest bench fragment: ${JSON.stringify(s)}`); process.exit(1);
}
if (f.ingest.checksums.kinetl.n !== f.ingest.checksums.duckdb.n || f.ingest.rows !== 20040) {
  console.log(`FAIL ingest bench rows: ${JSON.stringify(f.ingest.checksums)} of ${f.ingest.rows}`); process.exit(1);
}
console.log("PASS ingest bench fragment has timings, equal outputs and a verdict");
' "$tmp/ingest.json"
