#!/usr/bin/env bash
# tests/run/test_run_order.sh — order independence, property-tested
# (SPEC §3 "Incremental and idempotent"): a generated dataset re-split into
# K random files (rows shuffled and scattered) delivered in R random batches,
# with `kinetl run` (random -j) after each batch, must end with aligned,
# features and run_stats identical — lineage and timing columns aside — to
# one `kinetl run` over the original files. TRIALS (default 20) trials with
# seeds 1..TRIALS; a failure names the seed, K, R and the table.
set -u
cd "$(dirname "$0")/../.."
suite=run_order
. tests/run/lib.sh
build_helpers
TRIALS=${TRIALS:-20}

"$KINETL" gen --out "$tmp/gen" --profile scale --runs 2 --minutes 0.34 --seed 11 2>/dev/null \
  || { fail gen "gen failed"; exit 1; }
"$KINETL" --lake "$tmp/ref" run --source "$tmp/gen" >/dev/null 2>&1 || { fail reference "reference run failed"; exit 1; }
ref=$(derived_digest "$tmp/ref")
grep -q 'run_stats rows=2 ' <<<"$ref" || { fail reference "unexpected reference: $ref"; exit 1; }

bad=0
for seed in $(seq 1 "$TRIALS"); do
  R=$(( seed % 4 + 1 )); K=$(( R + (seed * 7) % 6 )); j=$(( seed % 2 + 1 ))
  d="$tmp/t$seed"; mkdir -p "$d/src"
  "$tmp/resplit" "$tmp/gen" "$d/split" "$K" "$R" "$seed" >/dev/null || { fail "seed_$seed" "resplit failed"; bad=1; continue; }
  why=""
  for b in $(ls "$d/split" | shuf --random-source=<(yes "$seed")); do
    mv "$d/split/$b" "$d/src/$b"
    if ! "$KINETL" --lake "$d/lake" run --source "$d/src" -j "$j" >"$d/out" 2>&1; then
      why="run after $b failed: $(tail -3 "$d/out")"; break
    fi
  done
  if [ -z "$why" ]; then
    got=$(derived_digest "$d/lake")
    [ "$got" = "$ref" ] || why="tables differ from the all-at-once run: $(diff <(echo "$ref") <(echo "$got") | grep '^>' | tr '\n' ' ')"
  fi
  if [ -z "$why" ]; then
    # and one more run over everything changes nothing
    before=$(log_listing "$d/lake")
    "$KINETL" --lake "$d/lake" run --source "$d/src" >"$d/out" 2>&1
    grep -q 'up to date' "$d/out" && [ "$before" = "$(log_listing "$d/lake")" ] || why="final rerun was not up to date: $(head -1 "$d/out")"
  fi
  if [ -n "$why" ]; then fail "seed_$seed" "K=$K R=$R -j $j: $why"; bad=1; else pass "seed_${seed}_K${K}_R${R}_j${j}"; fi
  rm -rf "$d"
done
exit $bad
