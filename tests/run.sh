#!/usr/bin/env bash
# tests/run.sh — runs every test program and counts PASS/FAIL lines.
# Arguments: unit-test binaries (release and ASan builds). Then, unless
# --unit-only, every tests/*/test_*.sh and tests/*/test_*.mjs script.
# A program that exits non-zero without printing a FAIL line counts as one
# failure (a crash must never pass). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
unit_only=0
if [ "${1:-}" = "--unit-only" ]; then unit_only=1; shift; fi

passed=0; failed=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

run_one() {
  local name=$1; shift
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  local p f
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log")
  grep -E '^(PASS|FAIL) ' "$log" | sed "s|^|  |" | grep '^  FAIL' || true
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "  FAIL $name: exited $rc without reporting a failure; last output:"
    tail -n 15 "$log" | sed 's/^/    | /'
    f=1
  elif [ "$f" -ne 0 ]; then
    tail -n 20 "$log" | grep -v '^PASS ' | sed 's/^/    | /'
  fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then p=1; fi   # script with no lines: its exit code is the result
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-58s %4d passed %3d failed  %3ds\n' "$name" "$p" "$f" $((SECONDS - start))
}

for bin in "$@"; do
  run_one "$bin" "$bin"
done

if [ "$unit_only" = 0 ]; then
  for script in $(ls tests/*/test_*.sh tests/*/test_*.mjs 2>/dev/null | sort); do
    case "$script" in
      *.sh)  run_one "$script" bash "$script" ;;
      *.mjs) run_one "$script" node "$script" ;;
    esac
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
