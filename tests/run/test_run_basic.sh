#!/usr/bin/env bash
# tests/run/test_run_basic.sh — `kinetl run` end to end on small generated
# data: usage, first run, "up to date" with no commit, state.db deleted and
# rebuilt without a commit, dirty detection (new input for one run: only it
# is rewritten; config change: all), isolation of a failing run and its
# retry, the JSON summary, `status` after all that, the progress bar on a
# terminal and its absence otherwise.
set -u
cd "$(dirname "$0")/../.."
suite=run
. tests/run/lib.sh
build_helpers

"$KINETL" run >/dev/null 2>"$tmp/err"; rc=$?
check usage_missing_source $([ $rc = 2 ] && grep -q -- '--source DIR is required' "$tmp/err"; echo $?) "rc=$rc $(cat "$tmp/err")"
"$KINETL" run --source x -j 0 >/dev/null 2>"$tmp/err"; rc=$?
check usage_bad_threads $([ $rc = 2 ]; echo $?) "rc=$rc"
"$KINETL" run --help >"$tmp/out"; rc=$?
check help $([ $rc = 0 ] && grep -q 'usage: kinetl \[--lake DIR\] run --source DIR' "$tmp/out"; echo $?) "rc=$rc"

# Two runs of 20 s, delivered as two files.
"$KINETL" gen --out "$tmp/gen" --profile scale --runs 2 --minutes 0.34 2>/dev/null || { fail gen "gen failed"; exit 1; }
lake="$tmp/lake"; src="$tmp/src"
mkdir -p "$src"; cp -r "$tmp/gen/." "$src/"

out=$("$KINETL" --lake "$lake" run --source "$src" -j 2 2>"$tmp/err"); rc=$?
check first_run $([ $rc = 0 ] && grep -q 'kinetl run: ok' <<<"$out" && grep -q 'runs       2 processed, 0 failed' <<<"$out"; echo $?) "rc=$rc $out $(cat "$tmp/err")"
check quiet_without_terminal $([ ! -s "$tmp/err" ]; echo $?) "stderr not empty: $(head -3 "$tmp/err")"
for t in raw aligned features run_stats; do
  [ -d "$lake/$t/_delta_log" ] || fail "table_$t" "missing"
done
before=$(log_listing "$lake"); digest1=$(all_digest "$lake")

# At debug level each file and each run reports its wall and CPU time, a run
# also its CPU per step (read, transform, write).
"$KINETL" --log-level debug --lake "$tmp/lake_debug" run --source "$src" -j 2 >/dev/null 2>"$tmp/debug"; rc=$?
files_timed=$(grep -cE ' debug file [^ ]+\.parquet: [0-9]+ readings accepted, 0 quarantined in [0-9.]+ s \([0-9.]+ s CPU\)$' "$tmp/debug")
runs_timed=$(grep -cE ' debug run [^ ]+ \(never processed\): [0-9]+ readings -> [0-9]+ rows in [0-9.]+ s \([0-9.]+ s CPU; read [0-9.]+, transform [0-9.]+, write [0-9.]+ s CPU\)$' "$tmp/debug")
check debug_log_times_files_and_runs $([ $rc = 0 ] && [ "$files_timed" = 2 ] && [ "$runs_timed" = 2 ]; echo $?) \
  "rc=$rc files=$files_timed runs=$runs_timed $(head -c 2000 "$tmp/debug")"

out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check rerun_up_to_date $([ $rc = 0 ] && grep -q 'kinetl run: up to date' <<<"$out"; echo $?) "rc=$rc $out"
check rerun_no_commit $([ "$before" = "$(log_listing "$lake")" ]; echo $?) "a table got a commit"

# state.db lost: the tables are the truth, nothing is redone.
rm -f "$lake"/_kinetl/state.db*
out=$("$KINETL" --lake "$lake" run --source "$src" --json 2>&1); rc=$?
check rebuild_up_to_date $([ $rc = 0 ] && node -e '
  const o = JSON.parse(process.argv[1]);
  if (!o.up_to_date || o.files_ingested !== 0 || o.runs_processed !== 0 || o.runs_reconciled !== 2) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
check rebuild_no_commit $([ "$before" = "$(log_listing "$lake")" ]; echo $?) "a table got a commit"
"$KINETL" --lake "$lake" status --json >"$tmp/status.json"
check rebuild_status $(node -e '
  const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (o.files.ingested !== 2 || o.runs.total !== 2 || o.runs.up_to_date !== 2 || o.runs.stale !== 0) process.exit(1)' \
  "$tmp/status.json"; echo $?) "$(cat "$tmp/status.json")"

# New readings of one run only: the first run of a 1-run dataset with the
# same seed (same run id, readings now delivered twice).
"$KINETL" gen --out "$tmp/gen1" --profile scale --runs 1 --minutes 0.34 2>/dev/null
mkdir -p "$src/late"; cp "$(ls "$tmp/gen1"/*/*.parquet | head -1)" "$src/late/"
out=$("$KINETL" --lake "$lake" run --source "$src" --json 2>&1); rc=$?
check new_input_one_run $([ $rc = 0 ] && node -e '
  const o = JSON.parse(process.argv[1]);
  if (o.files_ingested !== 1 || o.runs_processed !== 1 || o.runs_total !== 2) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
fp_runs=$(ls "$lake/raw" | grep -c run_uuid=)
check new_input_same_runs $([ "$fp_runs" = 2 ]; echo $?) "raw has $fp_runs runs"

# Config change: every run is stale, reprocessed once.
printf 'max_gap = 250ms   # tighter than the default\n' >"$lake/_kinetl/process.conf"
"$KINETL" --lake "$lake" status --json >"$tmp/status.json"
check config_stale_in_status $(node -e '
  const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (o.runs.stale !== 2 || !o.runs.stale_runs.every(r => r.reason === "config changed")) process.exit(1)' \
  "$tmp/status.json"; echo $?) "$(cat "$tmp/status.json")"
out=$("$KINETL" --lake "$lake" run --source "$src" --json 2>&1); rc=$?
check config_change $([ $rc = 0 ] && node -e '
  const o = JSON.parse(process.argv[1]); if (o.runs_processed !== 2 || o.files_ingested !== 0) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check config_then_up_to_date $([ $rc = 0 ] && grep -q 'up to date' <<<"$out"; echo $?) "rc=$rc $out"
printf 'max_gap = soon\n' >"$lake/_kinetl/process.conf"
out=$("$KINETL" --lake "$lake" run --source "$src" 2>&1); rc=$?
check bad_config $([ $rc = 1 ] && grep -q 'process.conf:1' <<<"$out"; echo $?) "rc=$rc $out"
rm "$lake/_kinetl/process.conf"

# Isolation: one run's raw data damaged -> that run fails with its error,
# the other is processed, exit 1; repaired -> retried alone, exit 0.
bad_run=$(ls "$lake/raw" | grep run_uuid= | head -1); good_run=$(ls "$lake/raw" | grep run_uuid= | tail -1)
victim=$(ls "$lake/raw/$bad_run"/*.parquet | head -1)
cp "$victim" "$tmp/victim.bak"
head -c 100 "$tmp/victim.bak" >"$victim"
printf 'hampel_threshold = 3.5\n' >"$lake/_kinetl/process.conf"   # every run stale again
good_before=$(ls "$lake/aligned/$good_run")
out=$("$KINETL" --lake "$lake" run --source "$src" --json 2>"$tmp/err"); rc=$?
check isolation_partial $([ $rc = 1 ] && node -e '
  const o = JSON.parse(process.argv[1]);
  if (o.status !== "partial" || o.runs_processed !== 1 || o.runs_failed !== 1) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
check isolation_logged $(grep -q "run ${bad_run#run_uuid=} failed" "$tmp/err"; echo $?) "$(cat "$tmp/err")"
check isolation_other_done $([ "$good_before" != "$(ls "$lake/aligned/$good_run")" ]; echo $?) "good run not rewritten"
"$KINETL" --lake "$lake" status --json >"$tmp/status.json"
check isolation_status $(node -e '
  const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const f = o.runs.failed_runs;
  if (o.runs.failed !== 1 || f[0].run_uuid !== process.argv[2] || !/parquet|footer|short|magic/i.test(f[0].error)) process.exit(1)' \
  "$tmp/status.json" "${bad_run#run_uuid=}"; echo $?) "$(cat "$tmp/status.json")"
"$KINETL" --lake "$lake" run --source "$src" >/dev/null 2>&1; rc=$?
check failed_retried_and_fails_again $([ $rc = 1 ]; echo $?) "rc=$rc"
cp "$tmp/victim.bak" "$victim"
good_before=$(ls "$lake/aligned/$good_run")
out=$("$KINETL" --lake "$lake" run --source "$src" --json 2>&1); rc=$?
check repaired_retry $([ $rc = 0 ] && node -e '
  const o = JSON.parse(process.argv[1]); if (o.runs_processed !== 1 || o.runs_failed !== 0) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
check repaired_other_untouched $([ "$good_before" = "$(ls "$lake/aligned/$good_run")" ]; echo $?) "good run rewritten"
"$KINETL" --lake "$lake" status >"$tmp/status.txt"
check status_text $(grep -q 'runs: 2 up to date, 0 stale, 0 failed' "$tmp/status.txt" && grep -qE '^  #[0-9]+ +run +partial' "$tmp/status.txt"; echo $?) "$(cat "$tmp/status.txt")"

# The progress bar: drawn on a terminal (script gives a pty), with the summary after it.
cp "$lake/_kinetl/process.conf" "$tmp/process.conf"
lake2="$tmp/lake2"; mkdir -p "$lake2/_kinetl"; cp "$tmp/process.conf" "$lake2/_kinetl/"
script -qec "$KINETL --lake $lake2 run --source $src -j 2" /dev/null >"$tmp/tty.txt" 2>&1; rc=$?
check progress_on_terminal $([ $rc = 0 ] && grep -q 'process \[' "$tmp/tty.txt" && grep -q 'runs/s' "$tmp/tty.txt" && grep -q 'kinetl run: ok' "$tmp/tty.txt"; echo $?) \
  "rc=$rc $(tr '\r' '\n' <"$tmp/tty.txt" | tail -5)"
out=$("$KINETL" --lake "$lake2" run --source "$src" --no-progress 2>&1)
check same_result_other_lake $([ "$(derived_digest "$lake2")" = "$(derived_digest "$lake")" ]; echo $?) "derived tables differ"

# The same paths under AddressSanitizer/UBSan (make test passes KINETL_ASAN):
# a run with a failing file and a damaged run, a rerun, a rebuild, a watch.
if [ -n "${KINETL_ASAN:-}" ] && [ -x "$KINETL_ASAN" ]; then
  la="$tmp/lake_asan"; sa="$tmp/src_asan"; mkdir -p "$sa"
  cp -r "$tmp/gen/." "$sa/"; printf 'not parquet' >"$sa/broken.parquet"
  "$KINETL_ASAN" --lake "$la" run --source "$sa" -j 3 >"$tmp/asan.out" 2>&1; rc=$?
  check asan_partial_file $([ $rc = 1 ] && grep -q 'runs       2 processed, 0 failed' "$tmp/asan.out" && grep -q '1 file failed' "$tmp/asan.out"; echo $?) "rc=$rc $(tail -5 "$tmp/asan.out")"
  rm "$sa/broken.parquet"
  v=$(ls "$la/raw" | grep run_uuid= | head -1); f=$(ls "$la/raw/$v"/*.parquet | head -1); cp "$f" "$tmp/f.bak"; head -c 300 "$tmp/f.bak" >"$f"
  printf 'hampel_window = 4\n' >"$la/_kinetl/process.conf"
  "$KINETL_ASAN" --lake "$la" run --source "$sa" -j 2 >"$tmp/asan.out" 2>&1; rc=$?
  check asan_failed_run $([ $rc = 1 ] && grep -q 'runs       1 processed, 1 failed' "$tmp/asan.out"; echo $?) "rc=$rc $(tail -5 "$tmp/asan.out")"
  cp "$tmp/f.bak" "$f"; rm -f "$la"/_kinetl/state.db*
  "$KINETL_ASAN" --lake "$la" run --source "$sa" >"$tmp/asan.out" 2>&1; rc=$?
  check asan_rebuild_and_retry $([ $rc = 0 ] && grep -q 'runs       1 processed, 0 failed' "$tmp/asan.out"; echo $?) "rc=$rc $(tail -5 "$tmp/asan.out")"
  "$KINETL_ASAN" --lake "$la" watch --source "$sa" --interval 50ms >"$tmp/asan.out" 2>&1 &
  wpid=$!; bg_pids="$wpid"; sleep 1; kill -TERM "$wpid"; wait "$wpid"; rc=$?; bg_pids=""
  check asan_watch $([ $rc = 0 ] && ! grep -q 'ERROR: AddressSanitizer\|runtime error' "$tmp/asan.out"; echo $?) "rc=$rc $(tail -5 "$tmp/asan.out")"
fi
