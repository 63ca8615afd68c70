#!/usr/bin/env bash
# tests/cli/test_cat.sh — `kinetl cat` from the outside, on a test lake
# written through the Delta API from the real transform
# (build/tests/test_table_scan --make-lake): formats, --run pruning,
# --columns, --limit, --version/--as-of time travel, --out (also to a FIFO),
# one vs two threads (split decode, parallel rendering) on 55,000-row
# batches, exit codes
# (0 ok, 1 unknown table / bad version, 2 usage) and one-line errors.
# Expected counts come from the lake itself (`kinetl tables --json` sums
# add.stats numRecords, which the writer took from the data), not from cat.
# Runs against $KINETL (default build/kinetl) and, when set, $KINETL_ASAN.
set -u
cd "$(dirname "$0")/../.."
MAKER=build/tests/test_table_scan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
lake=$tmp/lake

pass() { echo "PASS cli/cat/$label/$1"; }
fail() { echo "FAIL cli/cat/$label/$1: $2"; failures=$((failures + 1)); }
run() { "$K" --lake "$lake" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
check() { # name condition...
  local name=$1; shift
  if "$@"; then pass "$name"; else fail "$name" "failed: $* (rc $rc; stderr: $(head -c 300 "$tmp/err"))"; fi
}
one_error_line() { [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^kinetl cat: ' "$tmp/err"; }
lines() { wc -l <"$tmp/out"; }
table_rows() { # rows of a table per kinetl tables --json
  "$K" --lake "$lake" tables --json | grep "\"table\":\"$1\"" | sed -E 's/.*"rows":([0-9]+).*/\1/'
}

label=setup
if ! "$MAKER" --make-lake "$lake" --runs 3 --seconds 3 --row-group-rows 700 2>"$tmp/err"; then
  fail make_lake "$(cat "$tmp/err")"; exit 1
fi
R0=7582293080991470000; R1=12405186538561671000; R2=3141592653589793000

cat_checks() {
  aligned_rows=$(table_rows aligned)

  run cat aligned
  check csv_default_off_tty [ "$rc" = 0 ]
  check csv_header [ "$(head -1 "$tmp/out")" = "run_uuid,time,fx_1,fx_2,fy_1,fy_2,fz_1,fz_2,x_1,x_2,y_1,y_2,z_1,z_2,measured_mask,interpolated_mask,held_mask" ]
  check csv_all_rows [ "$(($(lines) - 1))" = "$aligned_rows" -a "$aligned_rows" -gt 1000 ]
  # runs in numeric id order: 3141... then 7582... then 12405...
  check rows_ordered_by_run [ "$(tail -n +2 "$tmp/out" | cut -d, -f1 | uniq | tr '\n' ' ')" = "$R2 $R0 $R1 " ]
  # time ascending within each run
  check time_sorted_within_run sh -c "tail -n +2 '$tmp/out' | cut -d, -f1,2 | sort -c -t, -k1,1n -k2,2"
  cp "$tmp/out" "$tmp/all.csv"

  run cat aligned --run $R1
  check run_filter_only_that_run [ "$(tail -n +2 "$tmp/out" | cut -d, -f1 | sort -u)" = "$R1" ]
  check run_filter_all_its_rows [ "$(($(lines) - 1))" = "$(grep -c "^$R1," "$tmp/all.csv")" ]
  run cat aligned --run $R1 --run $R0 --columns run_uuid
  check run_repeated [ "$(tail -n +2 "$tmp/out" | sort -u | tr '\n' ' ')" = "$R1 $R0 " ]
  run cat run_stats --run $R0 --columns run_uuid,aligned_rows
  check run_filter_unpartitioned [ "$(lines)" = 2 -a "$(tail -1 "$tmp/out" | cut -d, -f1)" = "$R0" ]
  check run_stats_rows_match_aligned [ "$(tail -1 "$tmp/out" | cut -d, -f2)" = "$(grep -c "^$R0," "$tmp/all.csv")" ]
  run cat aligned --run 999
  check unknown_run_warns [ "$rc" = 0 -a "$(lines)" = 1 ] && check unknown_run_warning_line grep -q 'has no run 999' "$tmp/err"
  run cat quarantine --run $R0
  check run_on_table_without_run_uuid_is_usage [ "$rc" = 2 ] && check run_usage_one_line one_error_line

  run cat aligned --columns TIME,run_uuid,x_1 --limit 4
  check columns_projection_order [ "$(head -1 "$tmp/out")" = "time,run_uuid,x_1" -a "$(lines)" = 5 ]
  check columns_values [ "$(sed -n 2p "$tmp/out")" = "$(sed -n 2p "$tmp/all.csv" | awk -F, '{print $2","$1","$9}')" ]
  run cat aligned --columns nosuch
  check unknown_column_exit_2 [ "$rc" = 2 ] && check unknown_column_lists_columns grep -q 'columns: run_uuid, time' "$tmp/err"
  run cat aligned --columns x_1,x_1
  check duplicate_column_exit_2 [ "$rc" = 2 ]
  run cat aligned --limit 0
  check limit_zero_header_only [ "$rc" = 0 -a "$(lines)" = 1 ]

  run cat aligned --format json --limit 3 --columns run_uuid,time,fx_1
  check json_lines [ "$(grep -c '^{"run_uuid":"[0-9]*","time":"20[0-9-]*T[0-9:.]*Z","fx_1":[-0-9.e]*}$' "$tmp/out")" = 3 ]
  run cat quarantine --format json --columns value_text
  check json_null [ "$(grep -c '^{"value_text":null}$' "$tmp/out")" = 3 ]

  run cat quarantine --format table
  check table_rule_line grep -qxE '^-+(  -+)+$' <(sed -n 2p "$tmp/out")
  check table_null_mark [ "$(grep -c '∅' "$tmp/out")" = 3 ]
  # every column starts at the same offset on every line: the header's 'reason' column
  col=$(head -1 "$tmp/out" | awk '{print index($0, "reason")}')
  check table_aligned [ "$(tail -n +3 "$tmp/out" | cut -c"$col"- | grep -cE '^(null_value|out_of_range) ')" = 6 ]

  run cat aligned --run $R2 --out "$tmp/r2.parquet"
  check parquet_by_extension [ "$rc" = 0 -a -s "$tmp/r2.parquet" ]
  "$K" parquet cat "$tmp/r2.parquet" >"$tmp/r2.csv" 2>"$tmp/err"
  check parquet_round_trip [ "$(cat "$tmp/r2.csv")" = "$(head -1 "$tmp/all.csv"; grep "^$R2," "$tmp/all.csv")" ]
  run cat aligned --format parquet
  check parquet_needs_out [ "$rc" = 2 ] && check parquet_needs_out_one_line one_error_line
  run cat aligned --limit 2 --out "$tmp/x.jsonl"
  check jsonl_by_extension grep -q '^{"run_uuid":' "$tmp/x.jsonl"
  run cat aligned --out "$tmp/nodir/x.csv"
  check out_unwritable_exit_1 [ "$rc" = 1 ] && check out_unwritable_one_line one_error_line
  # --out to something that is not a regular file is written in place, never replaced
  rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
  cat "$tmp/fifo" >"$tmp/fifo.csv" & reader=$!
  run cat aligned --run $R0 --out "$tmp/fifo"
  wait $reader
  check out_fifo_stays_fifo [ "$rc" = 0 -a -p "$tmp/fifo" ]
  check out_fifo_gets_rows [ "$(cat "$tmp/fifo.csv")" = "$(head -1 "$tmp/all.csv"; grep "^$R0," "$tmp/all.csv")" ]

  run cat nosuch
  check unknown_table_exit_1 [ "$rc" = 1 ] && check unknown_table_one_line one_error_line
  check unknown_table_lists_tables grep -q 'tables: aligned, features, quarantine, raw, run_stats' "$tmp/err"
  run cat
  check missing_table_exit_2 [ "$rc" = 2 ]
  run cat aligned --limit -3
  check bad_limit_exit_2 [ "$rc" = 2 ]
  run cat aligned --format xml
  check bad_format_exit_2 [ "$rc" = 2 ]
  run cat aligned --version 1 --as-of 2022-01-01
  check version_and_as_of_exit_2 [ "$rc" = 2 ]
  run cat aligned --as-of yesterday
  check bad_as_of_exit_2 [ "$rc" = 2 ] && check bad_as_of_one_line one_error_line
  run cat aligned --version 99
  check missing_version_exit_1 [ "$rc" = 1 ] && check missing_version_says_range grep -q 'versions 0\.\.3' "$tmp/err"
  if command -v script >/dev/null; then   # a terminal on stdout: table by default
    script -qec "'$K' --lake '$lake' cat run_stats --columns run_uuid,status" /dev/null >"$tmp/out" 2>"$tmp/err"; rc=$?
    check tty_default_table grep -qE '^-+  -+' <(sed -n 2p "$tmp/out")
  fi
  run cat aligned --help
  check help [ "$rc" = 0 ] && check help_mentions_formats grep -q 'table when stdout is a terminal' "$tmp/out"
}

for label in release asan; do
  K=${KINETL:-build/kinetl}
  if [ "$label" = asan ]; then
    [ -n "${KINETL_ASAN:-}" ] || continue
    K=$KINETL_ASAN
  fi
  cat_checks
done

# ---- batches large enough for two rendering threads: the same bytes as one
label=threads
K=${KINETL:-build/kinetl}
biglake=$tmp/biglake
if "$MAKER" --make-lake "$biglake" --runs 1 --seconds 150 2>"$tmp/err"; then
  for t in aligned features; do
    KINETL_CAT_THREADS=1 "$K" --lake "$biglake" cat $t --run $R0 >"$tmp/one.csv" 2>"$tmp/err"; rc=$?
    KINETL_CAT_THREADS=2 "$K" --lake "$biglake" cat $t --run $R0 >"$tmp/two.csv" 2>>"$tmp/err"; rc2=$?
    check ${t}_two_threads_same_csv [ "$rc" = 0 -a "$rc2" = 0 -a "$(wc -l <"$tmp/one.csv")" -gt 40000 ] && \
      check ${t}_two_threads_same_bytes cmp -s "$tmp/one.csv" "$tmp/two.csv"
  done
  # projection and --limit through the two half-scans
  cols=time,v1,run_uuid,f1,x_1,measured_mask
  KINETL_CAT_THREADS=1 "$K" --lake "$biglake" cat features --columns $cols --limit 30000 >"$tmp/one.csv" 2>"$tmp/err"
  KINETL_CAT_THREADS=2 "$K" --lake "$biglake" cat features --columns $cols --limit 30000 >"$tmp/two.csv" 2>>"$tmp/err"
  check projected_two_threads_same_bytes [ "$(wc -l <"$tmp/two.csv")" = 30001 ] && \
    check projected_two_threads_same cmp -s "$tmp/one.csv" "$tmp/two.csv"
else
  fail make_big_lake "$(cat "$tmp/err")"
fi

# ---- time travel: commit times set by hand (mtime of the commit files)
label=time_travel
K=${KINETL:-build/kinetl}
for v in 0 1 2 3; do
  touch -d "2022-01-0$((v + 1))T00:00:00Z" "$lake/aligned/_delta_log/0000000000000000000$v.json"
done
run cat aligned --version 0
check version_0_empty [ "$rc" = 0 -a "$(lines)" = 1 ]
run cat aligned --version 1 --columns run_uuid
check version_1_first_run [ "$(tail -n +2 "$tmp/out" | sort -u)" = "$R0" ]
run cat aligned --as-of 2022-01-01T12:00:00Z
check as_of_before_first_append [ "$rc" = 0 -a "$(lines)" = 1 ]
run cat aligned --as-of "2022-01-02 00:00:00" --columns run_uuid
check as_of_exact_commit_time [ "$(tail -n +2 "$tmp/out" | sort -u)" = "$R0" ]
run cat aligned --as-of 2022-01-02T01:30:00+01:00 --columns run_uuid
check as_of_with_offset [ "$(tail -n +2 "$tmp/out" | sort -u)" = "$R0" ]
run cat aligned --as-of 2022-01-03T00:00:00.001Z --columns run_uuid
check as_of_second_append [ "$(tail -n +2 "$tmp/out" | sort -u | tr '\n' ' ')" = "$R1 $R0 " ]
run cat aligned --as-of 2021-12-31
check as_of_before_table_exit_1 [ "$rc" = 1 ] && check as_of_before_table_one_line one_error_line

# ---- a reprocessed run: the new rows, and the old ones by version
label=reprocess
before=$(grep -c "^$R0," "$tmp/all.csv")
"$MAKER" --reprocess "$lake" 0 --runs 3 --seconds 3 --row-group-rows 700 2>"$tmp/err" || fail reprocess "$(cat "$tmp/err")"
run cat aligned --run $R0 --columns run_uuid
after=$(($(lines) - 1))
check reprocessed_run_has_new_rows [ "$after" -gt "$before" ]
others=$(($(grep -vc "^$R0," "$tmp/all.csv") - 1))   # minus the header
check reprocessed_count_matches_table [ "$after" = "$(($(table_rows aligned) - others))" ]
run cat aligned --run $R0 --version 3 --columns run_uuid
check old_version_keeps_old_rows [ "$(($(lines) - 1))" = "$before" ]
run cat run_stats --columns run_uuid
check run_stats_one_row_per_run [ "$(tail -n +2 "$tmp/out" | sort | uniq -d | wc -l)" = 0 -a "$(lines)" = 4 ]

[ "$failures" -eq 0 ]
