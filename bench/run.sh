#!/usr/bin/env bash
# bench/run.sh — entry point of `make bench`: runs every benchmark, prints
# one summary table and merges the figures into bench/results.json.
#
# A benchmark is bench/<name>/run.sh or bench/bench_<name>.sh. It gets:
#   BENCH_RESULT  a file to write its JSON fragment to (see docs/BENCH.md):
#                 {"summary": [{workload, kinetl_s, peer, peer_s, ratio,
#                 target, status, note}], ...any details}
#   BENCH_DATA    a cache dir for generated inputs (build/bench-data)
#   KINETL        the kinetl binary (build/kinetl)
# and any BENCH_* knobs the user set (BENCH_ROWS, BENCH_REPEAT, ...).
# It prints its own details; exit non-zero only for an error (wrong result,
# broken bound, crash), never for a missed speed target.
#
# BENCH=name[,name...] runs only those (and is the only way to run an
# opt-in benchmark, marked by a "# bench: opt-in" line); BENCH_RESULTS=FILE merges into FILE
# instead of bench/results.json (for quick runs that should not replace the
# recorded figures). Exit status: 0 unless a benchmark errored; missed
# targets are printed as MISSED, not failures.
set -uo pipefail
cd "$(dirname "$0")/.."

export BENCH_DATA=${BENCH_DATA:-build/bench-data}
export KINETL=${KINETL:-build/kinetl}
results_dir=build/bench-results
mkdir -p "$results_dir" "$BENCH_DATA"

declare -A script_of=()
for s in bench/*/run.sh; do
  [ -f "$s" ] && script_of[$(basename "$(dirname "$s")")]=$s
done
for s in bench/bench_*.sh; do
  [ -f "$s" ] || continue
  n=$(basename "$s" .sh); script_of[${n#bench_}]=$s
done

if [ -n "${BENCH:-}" ]; then
  names=$(echo "$BENCH" | tr ',' ' ')
  for n in $names; do
    if [ -z "${script_of[$n]:-}" ]; then
      echo "bench: no benchmark named '$n' (have: $(echo "${!script_of[@]}" | tr ' ' '\n' | sort | xargs))" >&2
      exit 2
    fi
  done
else
  # A benchmark whose script has a line "# bench: opt-in" (bench/large: an
  # hour of work) runs only when named in BENCH.
  names=$(for n in "${!script_of[@]}"; do grep -q '^# bench: opt-in' "${script_of[$n]}" || echo "$n"; done | sort | xargs)
fi
[ -n "$names" ] || { echo "bench: no benchmarks found" >&2; exit 2; }

ran=()
errors=0
for n in $names; do
  frag="$results_dir/$n.json"
  rm -f "$frag" "$results_dir/$n.error"
  echo "=== bench $n (${script_of[$n]})"
  start=$SECONDS
  BENCH_RESULT="$frag" bash "${script_of[$n]}"
  rc=$?
  if [ "$rc" -ne 0 ] || [ ! -s "$frag" ]; then
    echo "bench $n: ERROR (exit $rc$([ -s "$frag" ] || echo ', no results'))" | tee "$results_dir/$n.error" >&2
    errors=$((errors + 1))
  fi
  echo "=== bench $n: $((SECONDS - start)) s"
  ran+=("$n")
done

echo
node bench/lib/summarize.mjs "${BENCH_RESULTS:-bench/results.json}" "$results_dir" "${ran[@]}" || errors=$((errors + 1))
[ "$errors" -eq 0 ]
