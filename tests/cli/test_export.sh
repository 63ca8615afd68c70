#!/usr/bin/env bash
# tests/cli/test_export.sh — `kinetl export`: per run, DIR/<run>/{aligned,
# features,run_stats}.{csv,jsonl,parquet} hold exactly what `kinetl cat
# TABLE --run ID` prints in that format (Parquet read back with `kinetl
# parquet cat`); an unknown run exits 1, leaves no directory and does not
# hold back the other runs; usage errors exit 2.
set -u
cd "$(dirname "$0")/../.."
K=${KINETL:-build/kinetl}
MAKER=build/tests/test_table_scan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
lake=$tmp/lake
pass() { echo "PASS cli/export/$1"; }
fail() { echo "FAIL cli/export/$1: $2"; failures=$((failures + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "failed: $* (rc $rc; stderr: $(head -c 300 "$tmp/err"))"; fi; }
run() { "$K" --lake "$lake" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

"$MAKER" --make-lake "$lake" --runs 3 --seconds 2 2>"$tmp/err" || { fail make_lake "$(cat "$tmp/err")"; exit 1; }
R0=7582293080991470000; R1=12405186538561671000

run export --run $R0 --run $R1 --out "$tmp/x"
check csv_exit_0 [ "$rc" = 0 ]
check csv_reports_files [ "$(grep -c "^$tmp/x/[0-9]*/[a-z_]*\.csv	[0-9]* rows$" "$tmp/out")" = 6 ]
for r in $R0 $R1; do
  for t in aligned features run_stats; do
    "$K" --lake "$lake" cat $t --run $r --format csv >"$tmp/want"
    check "csv_${t}_$r" cmp -s "$tmp/want" "$tmp/x/$r/$t.csv"
  done
done
check csv_rows_nonempty [ "$(wc -l <"$tmp/x/$R0/aligned.csv")" -gt 100 ]

run export --run $R1 --format json --out "$tmp/j"
"$K" --lake "$lake" cat features --run $R1 --format json >"$tmp/want"
check json_lines_file cmp -s "$tmp/want" "$tmp/j/$R1/features.jsonl"

run export --run $R1 --format parquet --out "$tmp/p"
check parquet_exit_0 [ "$rc" = 0 ]
"$K" parquet cat "$tmp/p/$R1/aligned.parquet" >"$tmp/got" 2>"$tmp/err"
"$K" --lake "$lake" cat aligned --run $R1 --format csv >"$tmp/want"
check parquet_reads_back cmp -s "$tmp/want" "$tmp/got"

run export --run 905 --run $R0 --out "$tmp/m"
check unknown_run_exit_1 [ "$rc" = 1 ]
check unknown_run_one_line [ "$(wc -l <"$tmp/err")" = 1 ] && check unknown_run_names_it grep -q 'no run 905' "$tmp/err"
check unknown_run_leaves_nothing [ ! -e "$tmp/m/905" ]
check other_runs_still_written [ -s "$tmp/m/$R0/run_stats.csv" ]

run export --out "$tmp/u"
check no_run_exit_2 [ "$rc" = 2 ]
run export --run $R0
check no_out_exit_2 [ "$rc" = 2 ]
run export --run $R0 --out "$tmp/u" --format xml
check bad_format_exit_2 [ "$rc" = 2 ]
run export --help
check help [ "$rc" = 0 ]
[ "$failures" -eq 0 ]
