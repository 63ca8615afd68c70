#!/usr/bin/env bash
# scripts/demo.sh — `make demo`: from a fresh Debian 12 machine to a
# processed sample lake. Installs what is missing (scripts/deps.sh), builds,
# generates the `sample` profile (4 runs, ~1.6 M readings, with the real
# sample's defects) into ./demo/source, runs the pipeline into ./demo/lake,
# prints run_stats and the next commands to try. Run it again: the source
# is kept and `kinetl run` says "up to date" without touching the lake.
# DEMO_DIR relocates demo/ (tests use a scratch directory).
set -euo pipefail
cd "$(dirname "$0")/.."
demo=${DEMO_DIR:-demo}
source_dir="$demo/source"; lake="$demo/lake"
K=build/kinetl

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dependencies (scripts/deps.sh)"
bash scripts/deps.sh
step "build (make)"
make -s -j"$(nproc)" "$K"

mkdir -p "$demo"
if [ -n "$(ls -A "$source_dir" 2>/dev/null)" ]; then
  step "sample source data: already in $source_dir"
else
  step "sample source data -> $source_dir (kinetl gen --profile sample)"
  "$K" gen --out "$source_dir" --profile sample
fi

step "pipeline: kinetl --lake $lake run --source $source_dir"
rc=0
"$K" --lake "$lake" run --source "$source_dir" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

step "run_stats (a few of its columns)"
cols=run_uuid,start_time,runtime_s,distance_1_mm,distance_2_mm,coverage_1,coverage_2,spikes_removed,quarantined_rows,status
"$K" --lake "$lake" cat run_stats --columns "$cols" --format table

step "next commands"
# sed, not head: head exits early and sort's SIGPIPE would end the script under pipefail
one_raw_file=$(find "$lake/raw" -name '*.parquet' | sort | sed -n 1p)
{
  echo "$K --lake $lake status|files, runs up to date / stale / failed, recent pipeline runs"
  echo "$K --lake $lake tables|the Delta tables: versions, files, rows"
  echo "$K --lake $lake cat features --run 12405186538561671000 --limit 5|rows of a table, also --format csv, json, parquet"
  echo "$K --lake $lake history run_stats|commits of a table, newest first"
  echo "$K --lake $lake run --source $source_dir|again: up to date, no commit anywhere"
  echo "$K --lake $lake watch --source $source_dir --interval 10s|keep ingesting new deliveries (Ctrl-C stops)"
  echo "$K --lake $lake sql-views|DuckDB views over the current snapshot"
  echo "$K parquet schema $one_raw_file|any Parquet file"
} | awk -F'|' '{ printf "  %-72s # %s\n", $1, $2 }'
echo "The tables are plain Delta Lake: DuckDB, Spark, Polars and pandas read them too (docs/ACCESS.md)."
exit "$rc"
