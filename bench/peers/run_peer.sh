#!/usr/bin/env bash
# bench/peers/run_peer.sh — runs one pipeline (a peer, or kinetl itself) on a
# source directory and prints ONE JSON line for the benchmark runner:
#
#   {"peer":"duckdb","threads":2,"wall_s":12.3,"cpu_s":20.1,"peak_rss_mb":1834.2,
#    "output_bytes":123456,"readings":13200000,"status":"ok","exit_code":0}
#
# usage: bench/peers/run_peer.sh PEER SOURCE OUT THREADS
#   PEER: duckdb | polars | kinetl   (kinetl: $KINETL run --source SOURCE -j THREADS --json, lake OUT)
#
# status: "ok"; "oom" when the process tree's resident memory passed
# PEER_MEM_CAP_MB (default 20000) and was killed here, or was killed by
# SIGKILL from outside (the kernel's OOM killer); "failed" for any other
# non-zero exit (its last stderr line goes to stderr). The wrapper itself
# always exits 0 after printing the line, so one failing peer never stops a
# benchmark; 2 for a bad command line.
#
# Peak RSS: GNU time's maximum resident set size of the child (exact, from
# the kernel at exit), and, while it runs, VmRSS of the whole process tree
# polled every 0.1 s for the cap (not `ulimit -v`: address-space limits break
# allocators that reserve large virtual ranges, as DuckDB's and Polars' do).
# readings: the `readings` field of the program's last JSON stdout line (kinetl:
# readings_accepted + readings_quarantined of its --json summary), or null.
# PEER_LOG_DIR=DIR keeps the program's stdout and stderr there (PEER.stdout/.stderr).
set -uo pipefail

usage() { echo "usage: $0 PEER SOURCE OUT THREADS   (PEER: duckdb | polars | kinetl)" >&2; exit 2; }
[ $# -eq 4 ] || usage
peer=$1 source=$2 out=$3 threads=$4
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || usage
cap_mb=${PEER_MEM_CAP_MB:-20000}
[[ "$cap_mb" =~ ^[1-9][0-9]*$ ]] || { echo "$0: PEER_MEM_CAP_MB=$cap_mb is not a positive integer" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

case $peer in
  duckdb|polars) cmd=(node "$here/${peer}_pipeline.mjs" --source "$source" --out "$out" --threads "$threads") ;;
  kinetl) cmd=("${KINETL:-$root/build/kinetl}" --lake "$out" run --source "$source" -j "$threads" --json) ;;
  *) usage ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every descendant of pid (children files of all its threads), recursively.
descendants() {
  local p c
  for p in "$@"; do
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
      echo "$c"
      descendants "$c"
    done
  done
}

tree_rss_kb() {
  local total=0 p kb
  for p in "$@"; do
    kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

have_time=0
[ -x /usr/bin/time ] && have_time=1
start_ns=$(date +%s%N)
if [ "$have_time" = 1 ]; then
  /usr/bin/time -f '%M %U %S' -o "$tmp/time" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" &
else
  "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" &
fi
top=$!
killed=0
polled_peak_kb=0
cap_kb=$((cap_mb * 1024))
while kill -0 "$top" 2>/dev/null; do
  # shellcheck disable=SC2207
  procs=($(descendants "$top"))
  [ "$have_time" = 1 ] || procs=("$top" "${procs[@]}")
  if [ ${#procs[@]} -gt 0 ]; then
    rss=$(tree_rss_kb "${procs[@]}")
    [ "$rss" -gt "$polled_peak_kb" ] && polled_peak_kb=$rss
    if [ "$rss" -gt "$cap_kb" ]; then
      killed=1
      kill -KILL "${procs[@]}" 2>/dev/null
    fi
  fi
  sleep 0.1
done
wait "$top"
rc=$?
end_ns=$(date +%s%N)

peak_kb=$polled_peak_kb
cpu_s=null
if [ "$have_time" = 1 ] && [ -s "$tmp/time" ]; then
  # GNU time writes "Command exited with non-zero status N" first when rc != 0.
  read -r max_kb user_s sys_s < <(grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' "$tmp/time" | tail -n 1)
  if [ -n "${max_kb:-}" ]; then
    [ "$max_kb" -gt "$peak_kb" ] && peak_kb=$max_kb
    cpu_s=$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { printf "%.2f", u + s }')
  fi
fi

if [ "$rc" -eq 0 ] && [ "$killed" = 0 ]; then
  status=ok
elif [ "$killed" = 1 ] || grep -q 'terminated by signal 9' "$tmp/time" 2>/dev/null || [ "$rc" -eq 137 ]; then
  status=oom
else
  status=failed
fi
if [ "$status" != ok ]; then
  last=$(grep -v '^Command ' "$tmp/stderr" | tail -n 1)
  echo "run_peer: $peer $status (exit $rc${last:+: $last})" >&2
fi

if [ -n "${PEER_LOG_DIR:-}" ]; then
  mkdir -p "$PEER_LOG_DIR" && cp "$tmp/stdout" "$PEER_LOG_DIR/$peer.stdout" && cp "$tmp/stderr" "$PEER_LOG_DIR/$peer.stderr"
fi
readings=$(tail -n 1 "$tmp/stdout" | grep -oE '"readings":[0-9]+' | head -n 1 | cut -d: -f2)
if [ -z "$readings" ] && [ "$peer" = kinetl ]; then
  # kinetl run --json: readings = accepted + quarantined
  readings=$(tail -n 1 "$tmp/stdout" | grep -oE '"readings_(accepted|quarantined)":[0-9]+' | cut -d: -f2 | awk '{ s += $1; n++ } END { if (n == 2) print s }')
fi
output_bytes=0
if [ -d "$out" ]; then
  # the DuckDB peer's spill directory is scratch, not output
  output_bytes=$(find "$out" -path "$out/_duckdb_tmp" -prune -o -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
fi
wall_s=$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
peak_mb=$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')
printf '{"peer":"%s","threads":%d,"wall_s":%s,"cpu_s":%s,"peak_rss_mb":%s,"output_bytes":%d,"readings":%s,"status":"%s","exit_code":%d}\n' \
  "$peer" "$threads" "$wall_s" "$cpu_s" "$peak_mb" "$output_bytes" "${readings:-null}" "$status" "$rc"
exit 0
