#!/usr/bin/env bash
# tests/run/test_run_commands.sh — `kinetl ingest` and `kinetl process`
# keep state.db as `kinetl run` does, so the commands mix: ingest leaves
# runs stale (never processed); process --all records them up to date and
# a following `run` makes no commit; a run processed with another config
# (process --max-gap) is stale "config changed" and `run` redoes only it;
# process takes the lake lock; an unknown run id fails the command (exit 1,
# pipeline run partial) without inventing a run in state.db.
set -u
cd "$(dirname "$0")/../.."
suite=run_commands
. tests/run/lib.sh
build_helpers

"$KINETL" gen --out "$tmp/gen" --profile scale --runs 2 --minutes 0.17 --seed 4 2>/dev/null || { fail gen "gen failed"; exit 1; }
lake="$tmp/lake"
"$KINETL" --lake "$lake" ingest --source "$tmp/gen" >/dev/null 2>&1; rc=$?
out=$("$KINETL" --lake "$lake" status 2>&1)
check ingest_leaves_runs_stale $([ $rc = 0 ] && grep -q 'runs: 0 up to date, 2 stale, 0 failed' <<<"$out" && grep -q 'never processed' <<<"$out"; echo $?) "rc=$rc $out"
"$KINETL" --lake "$lake" process --all >/dev/null 2>&1; rc=$?
out=$("$KINETL" --lake "$lake" status 2>&1)
check process_records_runs $([ $rc = 0 ] && grep -q 'runs: 2 up to date, 0 stale, 0 failed' <<<"$out" && grep -qE '^  #[0-9]+ +process +ok' <<<"$out"; echo $?) "rc=$rc $out"
before=$(log_listing "$lake")
out=$("$KINETL" --lake "$lake" run --source "$tmp/gen" 2>&1); rc=$?
check run_after_process_up_to_date $([ $rc = 0 ] && grep -q 'up to date' <<<"$out" && [ "$before" = "$(log_listing "$lake")" ] && ! grep -q 'found current' <<<"$out"; echo $?) "rc=$rc $out"

run_x=$(ls "$lake/raw" | grep run_uuid= | head -1); run_x=${run_x#run_uuid=}
"$KINETL" --lake "$lake" process --run "$run_x" --max-gap 1s >/dev/null 2>&1; rc=$?
out=$("$KINETL" --lake "$lake" status 2>&1)
check other_config_is_stale $([ $rc = 0 ] && grep -q "stale    $run_x: config changed" <<<"$out" && grep -q 'runs: 1 up to date, 1 stale' <<<"$out"; echo $?) "rc=$rc $out"
out=$("$KINETL" --lake "$lake" run --source "$tmp/gen" --json 2>&1); rc=$?
check run_redoes_only_it $([ $rc = 0 ] && node -e '
  const o = JSON.parse(process.argv[1]); if (o.runs_processed !== 1 || o.files_ingested !== 0) process.exit(1)' "$out"; echo $?) "rc=$rc $out"
"$KINETL" --lake "$lake" process --run 404 >/dev/null 2>&1; rc=$?
out=$("$KINETL" --lake "$lake" status --json 2>&1)
check process_failure_recorded $([ $rc = 1 ] && node -e '
  const o = JSON.parse(process.argv[1]);
  const p = o.pipeline_runs[0];
  if (o.runs.total !== 2 || o.runs.failed !== 0 || p.status !== "partial" || p.runs_failed !== 1) process.exit(1)' \
  "$out"; echo $?) "rc=$rc $out"

set -m
"$KINETL" --lake "$lake" watch --source "$tmp/gen" --interval 1h >/dev/null 2>"$tmp/w.err" &
wpid=$!; bg_pids=$wpid
for _ in $(seq 1 100); do grep -q watching "$tmp/w.err" && break; sleep 0.1; done
out=$("$KINETL" --lake "$lake" process --all 2>&1); rc=$?
check process_takes_the_lock $([ $rc = 1 ] && grep -q 'holds the lake lock' <<<"$out"; echo $?) "rc=$rc $out"
kill -TERM "$wpid"; wait "$wpid"; bg_pids=""
