#!/usr/bin/env bash
# tests/run/test_run_crash.sh — crash safety of `kinetl run`: TRIALS
# (default 50) times, a run is SIGKILLed at a random instant (anywhere in
# discovery, ingest commits, state writes, processing commits), then run
# again until it completes. Every table must end identical to an uncrashed
# sequence — raw exactly (no reading ingested twice or lost), quarantine
# but its clock column, aligned/features/run_stats but lineage and timing
# columns — state.db must agree (every file ingested, every run up to date)
# and one more run must be "up to date" without a commit. Some trials also
# delete state.db before recovering, some kill the recovery run too.
set -u
cd "$(dirname "$0")/../.."
suite=run_crash
. tests/run/lib.sh
build_helpers
TRIALS=${TRIALS:-50}

# Tiny data: 2 runs of 10 s, re-split into 6 files in 2 deliveries.
"$KINETL" gen --out "$tmp/gen" --profile scale --runs 2 --minutes 0.17 --seed 5 2>/dev/null || { fail gen "gen failed"; exit 1; }
"$tmp/resplit" "$tmp/gen" "$tmp/split" 6 2 99 >/dev/null || { fail resplit "resplit failed"; exit 1; }

deliver() { # lake-dir-of-trial, batch
  mkdir -p "$1/src"; cp -r "$tmp/split/$2" "$1/src/"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The reference: the same deliveries, never interrupted.
deliver "$tmp/ref" batch_0
"$KINETL" --lake "$tmp/ref/lake" run --source "$tmp/ref/src" -j 2 >/dev/null 2>&1
deliver "$tmp/ref" batch_1
t0=$(now_ms)
"$KINETL" --lake "$tmp/ref/lake" run --source "$tmp/ref/src" -j 2 >/dev/null 2>&1 || { fail reference "run failed"; exit 1; }
span=$(( $(now_ms) - t0 ))
ref=$(all_digest "$tmp/ref/lake")
grep -q 'raw rows=' <<<"$ref" && grep -q 'run_stats rows=2 ' <<<"$ref" || { fail reference "$ref"; exit 1; }
limit=$(( span * 13 / 10 + 5 ))   # ms: kill anywhere in a run, now and then after it ended

# Starts a run and SIGKILLs it after a random delay in [0, limit] ms.
killed_run() { # trial-dir, seed
  local ms=$(( $2 % (limit + 1) ))
  "$KINETL" --lake "$1/lake" run --source "$1/src" -j 2 >/dev/null 2>&1 &
  local pid=$!
  sleep "$(printf '0.%03d' "$ms")" 2>/dev/null || sleep "$((ms / 1000))"
  if kill -9 "$pid" 2>/dev/null; then echo x >>"$tmp/hits"; fi
  wait "$pid" 2>/dev/null
}

bad=0; : >"$tmp/hits"
for trial in $(seq 1 "$TRIALS"); do
  d="$tmp/t$trial"
  r1=$(( (trial * 2654435761) % 1000003 )); r2=$(( (trial * 40503 + 17) % 1000003 ))
  deliver "$d" batch_0
  if [ $(( trial % 3 )) = 0 ]; then killed_run "$d" "$r1"; fi     # crash the first delivery's run too
  deliver "$d" batch_1
  killed_run "$d" "$r2"
  if [ $(( trial % 5 )) = 0 ]; then rm -f "$d/lake/_kinetl/state.db"*; fi
  if [ $(( trial % 7 )) = 0 ]; then killed_run "$d" "$(( r2 / 3 ))"; fi
  why=""
  "$KINETL" --lake "$d/lake" run --source "$d/src" -j 2 >"$d/out" 2>&1 || why="recovery run failed: $(tail -3 "$d/out")"
  if [ -z "$why" ]; then
    got=$(all_digest "$d/lake")
    [ "$got" = "$ref" ] || why="tables differ: $(diff <(echo "$ref") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
  fi
  if [ -z "$why" ]; then
    "$KINETL" --lake "$d/lake" status >"$d/status.txt" 2>&1
    grep -q '^files: 6 ingested, 0 failed, 0 changed' "$d/status.txt" && grep -q '^runs: 2 up to date, 0 stale, 0 failed' "$d/status.txt" \
      || why="state.db disagrees: $(head -3 "$d/status.txt" | tr '\n' ' ')"
  fi
  if [ -z "$why" ]; then
    before=$(log_listing "$d/lake")
    "$KINETL" --lake "$d/lake" run --source "$d/src" >"$d/out" 2>&1
    grep -q 'up to date' "$d/out" && [ "$before" = "$(log_listing "$d/lake")" ] || why="rerun after recovery not up to date: $(head -1 "$d/out")"
  fi
  if [ -n "$why" ]; then fail "trial_$trial" "$why"; bad=1; else pass "trial_$trial"; fi
  [ "$bad" = 1 ] && [ -z "${KEEP:-}" ] || rm -rf "$d"
done
echo "reference run: ${span} ms; kills within [0, ${limit}] ms; $(wc -l <"$tmp/hits") kills hit a running process"
exit $bad
