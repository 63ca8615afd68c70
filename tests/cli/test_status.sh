#!/usr/bin/env bash
# tests/cli/test_status.sh — `kinetl status` on a lake without state, on a
# state.db built through the C API (tests/cli/status_fixture.c, compiled
# here against build/libkinetl.a), with the lake lock held, and on a
# corrupt state.db. JSON output is checked with node.
set -u
cd "$(dirname "$0")/../.."
KINETL=${KINETL:-build/kinetl}
tmp=$(mktemp -d); holder=""
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
pass() { echo "PASS status/$1"; }
fail() { echo "FAIL status/$1: $2"; }
expect() { # name, haystack, needle
  if grep -qF -- "$3" <<<"$2"; then pass "$1"; else fail "$1" "missing '$3' in: $2"; fi
}

out=$("$KINETL" --lake "$tmp/none" status); rc=$?
[ $rc = 0 ] && [ "$out" = "no pipeline has run on lake $tmp/none yet" ] && pass fresh_lake_text \
  || fail fresh_lake_text "rc=$rc out=$out"
[ ! -e "$tmp/none" ] && pass fresh_lake_untouched || fail fresh_lake_untouched "status created $tmp/none"
out=$("$KINETL" --lake "$tmp/none" status --json); rc=$?
node -e 'const o = JSON.parse(process.argv[1]); if (o.state !== "empty" || !o.message.includes("no pipeline has run")) process.exit(1)' "$out" \
  && [ $rc = 0 ] && pass fresh_lake_json || fail fresh_lake_json "rc=$rc out=$out"

"$KINETL" status --bogus >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown option '--bogus'" "$tmp/err" && pass usage_error || fail usage_error "rc=$rc"
"$KINETL" --log-level loud --lake "$tmp/none" status >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown log level 'loud'" "$tmp/err" && pass bad_log_level || fail bad_log_level "rc=$rc"
KINETL_LOG_LEVEL=debug "$KINETL" --log-level=warn --lake "$tmp/none" status >/dev/null; rc=$?
[ $rc = 0 ] && pass log_level_accepted || fail log_level_accepted "rc=$rc"
"$KINETL" status --help >"$tmp/help"; rc=$?
[ $rc = 0 ] && grep -q "usage: kinetl \[--lake DIR\] status \[--json\]" "$tmp/help" && pass help || fail help "rc=$rc"

# A populated state.db, written through the C API.
LIBS="-lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson -lsqlite3 -lxxhash -lm -pthread"
if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -Isrc -o "$tmp/fixture" tests/cli/status_fixture.c \
     build/libkinetl.a $LIBS 2>"$tmp/cc"; then
  fail build_fixture "$(head -5 "$tmp/cc")"; exit 1
fi
lake="$tmp/lake"
"$tmp/fixture" populate "$lake" || { fail populate "fixture failed"; exit 1; }

out=$("$KINETL" --lake "$lake" status); rc=$?
[ $rc = 0 ] && pass populated_exit_0 || fail populated_exit_0 "rc=$rc"
expect files_line "$out" "files: 2 ingested, 1 failed, 1 changed (readings: 1,235,567 accepted, 12 rejected, 2 duplicate)"
expect failed_file "$out" "failed   delivery_date=20221124/truncated.parquet: truncated.parquet: file too short for a footer"
expect changed_file "$out" "changed  delivery_date=20221124/rewritten.parquet: content changed after ingestion (3000 -> 3100 bytes, noticed 2026-11-21T12:00:00Z); not re-ingested"
expect runs_line "$out" "runs: 1 up to date, 3 stale, 1 failed"
expect stale_new_input "$out" "stale    12405186538561671000: new input"
expect stale_pending "$out" "stale    3333: never processed"
expect stale_config "$out" "stale    2222: config changed"
expect failed_run "$out" "failed   1111: aligned rows exceed max_rows (20000000) (attempt 1)"
expect partial_pipeline "$out" "run      partial     2026-11-21T10:00:00Z   12.5 s  files 3 ok 1 failed, readings 1,235,567 accepted 12 quarantined, runs 4 ok 1 failed: 1 file and 1 run failed"
expect abandoned_pipeline "$out" "watch    abandoned   2026-11-21T11:00:00Z"
if grep -q "^now:" <<<"$out"; then fail no_holder "$out"; else pass no_holder; fi

out=$("$KINETL" --lake "$lake" status --json); rc=$?
node -e '
const o = JSON.parse(process.argv[1]);
const want = (c, m) => { if (!c) { console.log("FAIL status/json: " + m); process.exitCode = 1; } };
want(o.state === "ok" && o.running === null, "state/running");
want(o.files.ingested === 2 && o.files.failed === 1 && o.files.changed === 1, "file counts");
want(o.files.rows_accepted === 1235567, "rows_accepted");
want(o.files.failed_files.length === 1 && o.files.failed_files[0].error.includes("too short"), "failed_files");
const ch = o.files.changed_files[0];
want(ch.size === 3000 && ch.changed_size === 3100 && ch.hash === "0000000000000004" && ch.changed_hash === "0000000000000005", "changed_files");
want(o.runs.total === 5 && o.runs.up_to_date === 1 && o.runs.stale === 3 && o.runs.failed === 1, "run counts");
want(o.runs.stale_runs.map(r => r.run_uuid + ":" + r.reason).join() === "12405186538561671000:new input,2222:config changed,3333:never processed", "stale runs " + JSON.stringify(o.runs.stale_runs));
want(o.runs.failed_runs[0].run_uuid === "1111" && o.runs.failed_runs[0].attempts === 1, "failed runs");
want(o.pipeline_runs.length === 2 && o.pipeline_runs[0].command === "watch" && o.pipeline_runs[0].ended === null, "newest first");
want(o.pipeline_runs[0].status === "running" && o.pipeline_runs[0].abandoned === true, "abandoned run");
const p = o.pipeline_runs[1];
want(p.status === "partial" && p.readings_accepted === 1235567 && p.runs_failed === 1 && p.started === "2026-11-21T10:00:00.000000Z", "partial run");
if (!process.exitCode) console.log("PASS status/json");
' "$out"
[ $rc = 0 ] || fail json_exit "rc=$rc"

# With the lake lock held by another process.
"$tmp/fixture" hold "$lake" >"$tmp/held" & holder=$!
for _ in $(seq 100); do grep -q held "$tmp/held" 2>/dev/null && break; sleep 0.05; done
out=$("$KINETL" --lake "$lake" status)
expect holder_shown "$out" "now: kinetl run (pid $holder, started "
expect running_while_held "$out" "watch    running     2026-11-21T11:00:00Z"
out=$("$KINETL" --lake "$lake" status --json)
node -e 'const o = JSON.parse(process.argv[1]); process.exit(o.running && o.running.pid === +process.argv[2] && o.running.command === "run" ? 0 : 1)' "$out" "$holder" \
  && pass holder_json || fail holder_json "$out"
kill "$holder"; wait "$holder" 2>/dev/null; holder=""

# The ASan build prints the same.
if [ -n "${KINETL_ASAN:-}" ] && [ -x "$KINETL_ASAN" ]; then
  for args in "" "--json"; do
    a=$("$KINETL" --lake "$lake" status $args 2>&1); b=$("$KINETL_ASAN" --lake "$lake" status $args 2>&1)
    [ "$a" = "$b" ] && pass "asan_same_output${args:+_json}" || fail "asan_same_output${args:+_json}" "$b"
  done
fi

# A state.db that is not a database: one clear line, exit 1.
mkdir -p "$tmp/bad/_kinetl"; head -c 8192 /dev/urandom >"$tmp/bad/_kinetl/state.db"
"$KINETL" --lake "$tmp/bad" status >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^kinetl status: .*state.db is not a kinetl state database" "$tmp/err" \
  && pass corrupt_state || fail corrupt_state "rc=$rc err=$(cat "$tmp/err")"
