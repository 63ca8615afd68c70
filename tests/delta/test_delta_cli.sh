#!/usr/bin/env bash
# tests/delta/test_delta_cli.sh — `kinetl tables`, `history`, `vacuum` on a
# lake built through the lake API (build/tests/test_delta_lake --make-lake):
# output, --json, exit codes 0/1/2, one-line errors, vacuum effects.
set -u
cd "$(dirname "$0")/../.."
KINETL=${KINETL:-build/kinetl}
MAKER=build/tests/test_delta_lake
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lake=$tmp/lake
fails=0
pass() { echo "PASS delta_cli/$1"; }
fail() { echo "FAIL delta_cli/$1: $2"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "failed: $* (stdout: $(head -c 300 "$tmp/out" | tr '\n' '|'))"; fi; }

if ! "$MAKER" --make-lake "$lake" 2>"$tmp/err"; then
  fail make_lake "$(cat "$tmp/err")"; exit 1
fi
run() { "$KINETL" --lake "$lake" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }
one_error_line() { [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^kinetl $1: " "$tmp/err"; }

run tables
check tables_exit_0 [ "$(rc)" = 0 ]
check tables_lists_four [ "$(grep -cE '^(empty|raw|run_stats|tags) ' "$tmp/out")" = 4 ]
check tables_raw_row grep -qE '^raw +5 +3 +177 +[0-9]+ +run_uuid ' "$tmp/out"
run tables --json
check tables_json_lines [ "$(grep -c '^{"table":' "$tmp/out")" = 4 ]
check tables_json_fields grep -q '"table":"run_stats","version":2,"files":1,"rows":3,' "$tmp/out"

run history raw
check history_exit_0 [ "$(rc)" = 0 ]
check history_newest_first [ "$(sed -n 2p "$tmp/out" | awk '{print $1}')" = 5 ]
check history_all_versions [ "$(grep -cE '^ +[0-9]+ ' "$tmp/out")" = 6 ]
check history_overwrite_predicate grep -q "run_uuid IN ('7582293080991470000')" "$tmp/out"
run history raw --json --limit 2
check history_json_limit [ "$(grep -c '^{"version":' "$tmp/out")" = 2 ]
check history_json_fields grep -q '"operation":"ADD COLUMNS".*"read_version":3' "$tmp/out"
run history nosuch
check history_missing_table_exit_1 [ "$(rc)" = 1 ]
check history_missing_table_one_line one_error_line history
run history
check history_no_table_exit_2 [ "$(rc)" = 2 ]
run history raw --limit zero
check history_bad_limit_exit_2 [ "$(rc)" = 2 ]
run history raw --frobnicate
check history_unknown_option_exit_2 [ "$(rc)" = 2 ]

for cmd in tables history vacuum; do
  run "$cmd" --help
  check "${cmd}_help" [ "$(rc)" = 0 -a -s "$tmp/out" ]
done

files_before=$(find "$lake/raw" -name '*.parquet' | wc -l)
run vacuum --dry-run
check vacuum_default_keeps_young_files [ "$(rc)" = 0 -a "$(grep -c 'would delete 0 files' "$tmp/out")" = 4 ]
run vacuum --retain 0 --dry-run raw
check vacuum_dry_run_lists grep -q '^raw: would delete 2 files' "$tmp/out"
check vacuum_dry_run_warns grep -q 'warning: retention under 168 hours' "$tmp/err"
check vacuum_dry_run_deletes_nothing [ "$(find "$lake/raw" -name '*.parquet' | wc -l)" = "$files_before" ]
run vacuum --retain 0
check vacuum_exit_0 [ "$(rc)" = 0 ]
check vacuum_deleted_tombstoned [ "$(find "$lake/raw" -name '*.parquet' | wc -l)" = 3 ]
check vacuum_deleted_overwritten [ "$(find "$lake/run_stats" -name '*.parquet' | wc -l)" = 1 ]
run tables
check tables_after_vacuum grep -qE '^raw +5 +3 +177 ' "$tmp/out"
run vacuum --retain -3
check vacuum_bad_retention_exit_2 [ "$(rc)" = 2 ]
run vacuum nosuch
check vacuum_missing_table_exit_1 [ "$(rc)" = 1 ]
check vacuum_missing_table_one_line one_error_line vacuum

# a table kinetl must refuse: the others are still listed, exit 1, one line for it
mkdir -p "$lake/foreign/_delta_log"
cp "$lake/run_stats/_delta_log/00000000000000000000.json" "$lake/foreign/_delta_log/"
echo '{}' >"$lake/foreign/_delta_log/00000000000000000000.checkpoint.parquet"
run tables
check tables_refused_exit_1 [ "$(rc)" = 1 ]
check tables_refused_one_line one_error_line tables
check tables_refused_names_checkpoint grep -q 'checkpoint' "$tmp/err"
check tables_refused_others_listed [ "$(grep -cE '^(empty|raw|run_stats|tags) ' "$tmp/out")" = 4 ]
"$KINETL" --lake "$lake" frobnicate >/dev/null 2>&1
check unknown_command_exit_2 [ $? = 2 ]
exit $((fails > 0))
