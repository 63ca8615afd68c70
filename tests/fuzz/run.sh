#!/usr/bin/env bash
# tests/fuzz/run.sh — runs each libFuzzer target for FUZZ_SECONDS (default
# 600) from the seed corpus tests/fuzz/corpus plus a growing working corpus
# in build/fuzz/corpus-<target>. A crash, leak or timeout input is copied to
# tests/fuzz/regressions/ (replayed by the unit tests from then on) and the
# target is reported as FAIL. Prints one PASS/FAIL line per target.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-600}
status=0
for bin in "$@"; do
  name=$(basename "$bin")
  work="build/fuzz/corpus-$name"
  art="build/fuzz/artifacts-$name/"
  rm -rf "$art"
  mkdir -p "$work" "$art" tests/fuzz/regressions
  log="build/fuzz/$name.log"
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
         -artifact_prefix="$art" -print_final_stats=1 "$work" tests/fuzz/corpus >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  found=$(ls "$art" 2>/dev/null | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    for f in "$art"*; do [ -f "$f" ] && cp "$f" tests/fuzz/regressions/; done
    echo "FAIL $name: exit $rc after ${execs:-?} runs; inputs copied to tests/fuzz/regressions/ (log: $log)"
    grep -m3 -E 'ERROR|SUMMARY|harness' "$log" | sed 's/^/    /'
    status=1
  else
    echo "PASS $name: ${secs}s, ${execs:-?} runs, corpus $(ls "$work" | wc -l) inputs"
  fi
done
exit $status
