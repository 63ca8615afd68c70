#!/usr/bin/env bash
# tests/run/test_demo.sh — `make demo` stays true: scripts/demo.sh (with
# DEMO_DIR in a scratch directory) exits 0, processes the sample's four
# runs, prints their run_stats rows and the next commands; run again it
# says "up to date".
set -u
cd "$(dirname "$0")/../.."
suite=demo
. tests/run/lib.sh
unset KINETL_UNSAFE_NO_FSYNC   # the demo as a user gets it
out=$(DEMO_DIR="$tmp/demo" bash scripts/demo.sh 2>&1); rc=$?
check demo_exit_0 $([ $rc = 0 ]; echo $?) "rc=$rc $(tail -20 <<<"$out")"
check demo_pipeline $(grep -q 'kinetl run: ok' <<<"$out" && grep -q 'runs       4 processed, 0 failed' <<<"$out"; echo $?) "$out"
n=0
for run in 7582293080991470000 6176976534744076000 12405186538561671000 8910095844186657000; do
  grep -qE "^ *$run +2022-11-23" <<<"$out" && n=$((n + 1))
done
check demo_run_stats_rows $([ $n = 4 ]; echo $?) "$n of 4 runs printed: $out"
check demo_next_commands $(grep -q -- "--lake $tmp/demo/lake status" <<<"$out"; echo $?) "$out"
out=$(DEMO_DIR="$tmp/demo" bash scripts/demo.sh 2>&1); rc=$?
check demo_again_up_to_date $([ $rc = 0 ] && grep -q 'already in' <<<"$out" && grep -q 'kinetl run: up to date' <<<"$out"; echo $?) "rc=$rc $(tail -20 <<<"$out")"
