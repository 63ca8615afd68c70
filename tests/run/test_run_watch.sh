#!/usr/bin/env bash
# tests/run/test_run_watch.sh — `kinetl watch` and the one-scheduler rule:
# watch picks up files delivered while it runs; a concurrent `run` (or a
# second watch) on the same lake exits 1 naming the holder; SIGTERM and
# SIGINT stop watch with exit 0 after the work in progress; the lock of a
# SIGKILLed scheduler is taken over (with a warning) and its `running`
# pipeline row closed as interrupted.
set -u
cd "$(dirname "$0")/../.."
suite=run_watch
. tests/run/lib.sh
build_helpers
# Job control: background jobs of a script otherwise start with SIGINT
# ignored, and an ignored signal stays ignored (orchestrate/signals.h).
set -m

"$KINETL" gen --out "$tmp/gen" --profile scale --runs 2 --minutes 0.17 --seed 3 2>/dev/null || { fail gen "gen failed"; exit 1; }
"$tmp/resplit" "$tmp/gen" "$tmp/split" 4 2 8 >/dev/null || { fail resplit "resplit failed"; exit 1; }
lake="$tmp/lake"; src="$tmp/src"; mkdir -p "$src"

"$KINETL" watch --source "$src" --interval soon >/dev/null 2>"$tmp/err"; rc=$?
check usage_interval $([ $rc = 2 ] && grep -q -- '--interval wants a duration' "$tmp/err"; echo $?) "rc=$rc $(cat "$tmp/err")"

# Sends a signal and waits for the process to exit, at most ~20 s; sets rc
# to its exit status (or "hung").
signal_and_wait() { # signal, pid
  kill -"$1" "$2" 2>/dev/null
  for _ in $(seq 1 200); do
    if ! ps -p "$2" -o stat= | grep -qv Z; then wait "$2" 2>/dev/null; rc=$?; return; fi
    sleep 0.1
  done
  kill -9 "$2" 2>/dev/null; wait "$2" 2>/dev/null; rc=hung
}

# Waits until a command's output matches, up to ~30 s (returns as soon as it
# does: the bound only matters on a machine under heavy load, where 10 s once
# proved too short for a watch cycle to finish).
wait_for() { # pattern, command...
  local pat=$1; shift
  for _ in $(seq 1 300); do
    "$@" 2>/dev/null | grep -q -- "$pat" && return 0
    sleep 0.1
  done
  return 1
}

"$KINETL" --lake "$lake" watch --source "$src" --interval 200ms --json >"$tmp/watch.out" 2>"$tmp/watch.err" &
wpid=$!; bg_pids="$wpid"
wait_for 'watching' cat "$tmp/watch.err"
cp -r "$tmp/split/batch_0" "$src/"
check watch_first_delivery $(wait_for '"runs_processed":2' cat "$tmp/watch.out"; echo $?) "$(cat "$tmp/watch.out" "$tmp/watch.err")"
cp -r "$tmp/split/batch_1" "$src/"
check watch_second_delivery $(wait_for 'files: 4 ingested' "$KINETL" --lake "$lake" status &&
  wait_for 'runs: 2 up to date, 0 stale' "$KINETL" --lake "$lake" status; echo $?) "$(cat "$tmp/watch.out")"

out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check second_scheduler_refused $([ $rc = 1 ] && grep -q "another kinetl watch (pid $wpid" <<<"$out" && grep -q 'holds the lake lock' <<<"$out"; echo $?) "rc=$rc $out"
out=$("$KINETL" --lake "$lake" ingest --source "$src" 2>&1); rc=$?
check ingest_refused_too $([ $rc = 1 ] && grep -q 'holds the lake lock' <<<"$out"; echo $?) "rc=$rc $out"
out=$("$KINETL" --lake "$lake" status 2>&1)
check status_shows_holder $(grep -q "watch" <<<"$out" && grep -q "$wpid" <<<"$out"; echo $?) "$out"

signal_and_wait TERM "$wpid"; bg_pids=""
check sigterm_exit_0 $([ $rc = 0 ] && grep -q 'stopped after' "$tmp/watch.err"; echo $?) "rc=$rc $(tail -3 "$tmp/watch.err")"
"$KINETL" --lake "$lake" cat run_stats --format csv >/dev/null && pass tables_readable_after_stop || fail tables_readable_after_stop "run_stats"
"$KINETL" --lake "$tmp/ref" run --source "$src" >/dev/null 2>&1
check watch_result_equals_run $([ "$(derived_digest "$lake")" = "$(derived_digest "$tmp/ref")" ]; echo $?) "watch and run differ"

# SIGINT, while idle between cycles, also stops it cleanly.
"$KINETL" --lake "$lake" watch --source "$src" --interval 1h >/dev/null 2>"$tmp/watch.err" &
wpid=$!; bg_pids="$wpid"
wait_for 'watching' cat "$tmp/watch.err"
signal_and_wait INT "$wpid"; bg_pids=""
check sigint_exit_0 $([ $rc = 0 ]; echo $?) "rc=$rc $(tail -3 "$tmp/watch.err")"
out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check lock_released $([ $rc = 0 ] && grep -q 'up to date' <<<"$out"; echo $?) "rc=$rc $out"

# A scheduler killed with SIGKILL while idle: its lock is taken over.
"$KINETL" --lake "$lake" watch --source "$src" --interval 1h >/dev/null 2>"$tmp/watch.err" &
wpid=$!; bg_pids="$wpid"
wait_for 'watching' cat "$tmp/watch.err"
kill -9 "$wpid"; wait "$wpid" 2>/dev/null; bg_pids=""
out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check dead_lock_taken_over $([ $rc = 0 ] && grep -q "kinetl watch (pid $wpid) ended without releasing the lake lock" <<<"$out"; echo $?) "rc=$rc $out"

# Runs stopped while processing (more runs than one worker finishes at once):
# SIGTERM -> exit 1 "interrupted", runs not started are left for the next
# run; SIGKILL -> the next run closes the dead pipeline row as interrupted.
# Either way the next run completes the same tables as an undisturbed run.
"$KINETL" gen --out "$tmp/big" --profile scale --runs 12 --minutes 0.1 --seed 9 2>/dev/null
"$KINETL" --lake "$tmp/ref3" run --source "$tmp/big" >/dev/null 2>&1
ref3=$(derived_digest "$tmp/ref3")
for sig in TERM KILL; do
  l="$tmp/lake_$sig"
  "$KINETL" --lake "$l" run --source "$tmp/big" -j 1 >"$tmp/run3.out" 2>"$tmp/run3.err" &
  rpid=$!; bg_pids="$rpid"
  for _ in $(seq 1 2000); do   # tight: the first run's partition appears, most runs are still to do
    if [ $sig = TERM ]; then ls "$l/aligned" 2>/dev/null | grep -q run_uuid && break
    else ls "$l/raw" 2>/dev/null | grep -q _delta_log && break; fi
    sleep 0.005
  done
  signal_and_wait $sig "$rpid"; bg_pids=""
  if [ $sig = TERM ]; then
    if grep -q 'interrupted' "$tmp/run3.out"; then
      check sigterm_run_interrupted $([ $rc = 1 ] && grep -q 'not started' "$tmp/run3.out"; echo $?) "rc=$rc $(cat "$tmp/run3.out")"
    else
      pass sigterm_run_finished_first   # the signal came after the last run had started
    fi
  fi
  "$KINETL" --lake "$l" run --source "$tmp/big" >"$tmp/run3.out" 2>&1; rc=$?
  check "after_sig$sig" $([ $rc = 0 ] && [ "$(derived_digest "$l")" = "$ref3" ]; echo $?) "rc=$rc $(cat "$tmp/run3.out")"
  if [ $sig = KILL ]; then
    out=$("$KINETL" --lake "$l" status --json)
    if grep -q '"status":"running"' <<<"$out"; then fail killed_pipeline_closed "$out"
    elif grep -q '"status":"interrupted"' <<<"$out"; then pass killed_pipeline_closed
    else pass killed_run_finished_first; fi   # the kill came after the run had finished
  fi
done
