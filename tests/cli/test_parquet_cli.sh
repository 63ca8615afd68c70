#!/usr/bin/env bash
# tests/cli/test_parquet_cli.sh — `kinetl parquet schema|meta|cat` from the
# outside: output shapes, --columns/--limit/--format/--out, exit codes
# (0 ok, 1 data error, 2 usage) and one-line errors naming the file.
# Fixtures are written at test time by the oracles (tests/interop/make_matrix.mjs);
# expected values follow from its formulas (tests/interop/dataset.mjs).
# Runs against $KINETL (default build/kinetl) and, when set, $KINETL_ASAN.
set -u
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

pass() { echo "PASS cli/parquet/$label/$1"; }
fail() { echo "FAIL cli/parquet/$label/$1: $2"; failures=$((failures + 1)); }

# run NAME ARGS...: runs kinetl, leaves $out, $err, $rc.
run() {
  "$K" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

expect_rc() { # name want
  if [ "$rc" -ne "$2" ]; then fail "$1" "exit $rc, expected $2; stderr: $(head -c 300 "$tmp/err")"; return 1; fi
  return 0
}

one_line_err() { # name must-contain
  local n
  n=$(grep -c '' "$tmp/err")
  if [ "$n" -ne 1 ]; then fail "$1" "stderr has $n lines, expected 1: $(head -c 300 "$tmp/err")"; return 1; fi
  if ! grep -qF -- "$2" "$tmp/err"; then fail "$1" "stderr does not mention '$2': $err"; return 1; fi
  return 0
}

json_eval() { # file js-expression-on-`d` -> prints result
  node -e "const d = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log($2)" "$1"
}

if ! node tests/interop/make_matrix.mjs "$tmp" parquet-wasm/spec_source_snappy_dict duckdb/all_types_zstd \
     parquet-wasm/pages_rowgroups_dict_fallback \
     >"$tmp/gen.log" 2>&1; then
  echo "FAIL cli/parquet/fixtures: the oracles could not write the fixtures: $(tail -n 3 "$tmp/gen.log")"
  exit 1
fi
SPEC="$tmp/parquet-wasm__spec_source_snappy_dict.parquet"
ALL="$tmp/duckdb__all_types_zstd.parquet"
GROUPS4="$tmp/parquet-wasm__pages_rowgroups_dict_fallback.parquet"   # 4 row groups: 300, 300, 300, 100 rows

suite() {
  # ---- help
  run parquet --help
  expect_rc help 0 && grep -q "schema" "$tmp/out" && pass help || fail help "no command list"
  for sub in schema meta cat; do
    run parquet "$sub" --help
    expect_rc "help_$sub" 0 && grep -q "usage: kinetl parquet $sub" "$tmp/out" && pass "help_$sub" ||
      fail "help_$sub" "no usage line: $out"
  done

  # ---- schema
  run parquet schema "$SPEC"
  if expect_rc schema_text 0; then
    lines=$(printf '%s\n' "$out" | grep -c '')
    first=$(printf '%s\n' "$out" | head -n 1)
    rid=$(printf '%s\n' "$out" | grep '^robot_id ')
    if [ "$lines" -ne 6 ]; then fail schema_text "$lines lines, expected 6"
    elif ! echo "$first" | grep -qE '^time +BYTE_ARRAY +STRING +OPTIONAL +bytes'; then fail schema_text "first line: $first"
    elif ! echo "$rid" | grep -qE 'INT64 +- +OPTIONAL +int64'; then fail schema_text "robot_id line: $rid"
    else pass schema_text; fi
  fi
  run parquet schema --json "$ALL"
  if expect_rc schema_json 0; then
    got=$(json_eval "$tmp/out" "d.columns.map(c => c.name + ':' + c.logical + ':' + c.kt_type).filter(s => /^(ts_us_utc|u8|dec9_2|uuid|date):/.test(s)).join(' ')")
    want="u8:INT(8,false):int32 ts_us_utc:TIMESTAMP(MICROS,UTC):int64 date:DATE:int32 dec9_2:DECIMAL(9,2):double uuid:UUID:bytes"
    [ "$got" = "$want" ] && pass schema_json || fail schema_json "got '$got', want '$want'"
  fi

  # ---- meta
  run parquet meta "$SPEC"
  if expect_rc meta_text 0; then
    if ! grep -q '^rows: 3000$' "$tmp/out"; then fail meta_text "no 'rows: 3000'"
    elif ! grep -q '^row groups: 1$' "$tmp/out"; then fail meta_text "no 'row groups: 1'"
    elif ! grep -q '^created by: parquet-wasm interop matrix$' "$tmp/out"; then fail meta_text "no created by"
    elif ! grep -qE '^  column robot_id: INT64, codec SNAPPY, encodings .*RLE_DICTIONARY.*, values 3000, .* nulls 0, min 1, max 2$' "$tmp/out"
    then fail meta_text "robot_id chunk line: $(grep 'column robot_id' "$tmp/out")"
    else pass meta_text; fi
  fi
  run parquet meta --json "$SPEC"
  if expect_rc meta_json 0; then
    got=$(json_eval "$tmp/out" "[d.num_rows, d.num_row_groups, d.row_groups[0].columns[4].name, d.row_groups[0].columns[4].statistics.min, d.row_groups[0].columns[4].statistics.max, d.row_groups[0].columns[0].codec].join(' ')")
    [ "$got" = "3000 1 run_uuid 7582293080991470000 12405186538561671000 SNAPPY" ] && pass meta_json || fail meta_json "got '$got'"
  fi

  # ---- cat: csv default, --limit, --columns
  run parquet cat "$SPEC"
  if expect_rc cat_csv 0; then
    header=$(printf '%s\n' "$out" | head -n 1)
    lines=$(printf '%s\n' "$out" | grep -c '')
    row1=$(printf '%s\n' "$out" | sed -n 2p)
    if [ "$header" != "time,value,field,robot_id,run_uuid,sensor_type" ]; then fail cat_csv "header: $header"
    elif [ "$lines" -ne 3001 ]; then fail cat_csv "$lines lines, expected 3001"
    elif [ "$row1" != "2022-11-23T20:40:00Z,0,x,1,7.58229308099147e+18,encoder" ]; then fail cat_csv "row 1: $row1"
    else pass cat_csv; fi
  fi
  run parquet cat --limit 5 "$SPEC"
  expect_rc cat_limit 0 && { [ "$(printf '%s\n' "$out" | grep -c '')" -eq 6 ] && pass cat_limit || fail cat_limit "$(printf '%s\n' "$out" | grep -c '') lines"; }
  run parquet cat --limit=0 "$SPEC"
  expect_rc cat_limit_zero 0 && { [ "$out" = "time,value,field,robot_id,run_uuid,sensor_type" ] && pass cat_limit_zero || fail cat_limit_zero "output: $out"; }
  run parquet cat --columns 'ROBOT_ID, field' --limit 3 "$SPEC"
  expect_rc cat_columns 0 && { [ "$out" = $'robot_id,field\n1,x\n2,y\n1,z' ] && pass cat_columns || fail cat_columns "output: $out"; }
  run parquet cat --columns s --limit 5 "$ALL"
  expect_rc cat_csv_quoting 0 && { [ "$out" = $'s\n""\n"comma,inside"\n"quote""inside"\n"line\nbreak"\nünïcødé ✓ 𝄞' ] && pass cat_csv_quoting || fail cat_csv_quoting "output: $out"; }
  run parquet cat --columns i8,s,f64 --limit 15 "$ALL"
  expect_rc cat_csv_nulls 0 && { [ "$(printf '%s\n' "$out" | sed -n 5p)" = ',"line' ] && [ "$(printf '%s\n' "$out" | sed -n 2p)" = '-128,"",NaN' ] && pass cat_csv_nulls || fail cat_csv_nulls "output: $(printf '%s\n' "$out" | head -n 6)"; }

  # ---- cat: json
  run parquet cat --format json --limit 2 "$SPEC"
  expect_rc cat_json 0 && { [ "$out" = $'{"time":"2022-11-23T20:40:00Z","value":0,"field":"x","robot_id":1,"run_uuid":7.58229308099147e+18,"sensor_type":"encoder"}\n{"time":"2022-11-23T20:40:01Z","value":2524.4129544236894,"field":"y","robot_id":2,"run_uuid":7.58229308099147e+18,"sensor_type":"encoder"}' ] && pass cat_json || fail cat_json "output: $out"; }
  run parquet cat --format json --columns f32,f64,ts_ns,date --limit 3 "$ALL"
  expect_rc cat_json_special 0 && { [ "$(printf '%s\n' "$out" | sed -n 3p)" = '{"f32":"-Infinity","f64":"-Infinity","ts_ns":"2022-11-23T20:40:00.444001998","date":"0001-01-01"}' ] && pass cat_json_special || fail cat_json_special "output: $out"; }

  # ---- cat: --out (csv atomically), parquet round trip through kinetl's writer and reader
  run parquet cat --format json "$SPEC"
  cp "$tmp/out" "$tmp/spec.jsonl"
  run parquet cat --format csv --out "$tmp/o.csv" "$SPEC"
  if expect_rc cat_out_csv 0; then
    if [ -n "$out" ]; then fail cat_out_csv "stdout not empty"
    elif [ "$(head -n 1 "$tmp/o.csv")" != "time,value,field,robot_id,run_uuid,sensor_type" ]; then fail cat_out_csv "file header"
    elif ls "$tmp" | grep -q 'o.csv.tmp'; then fail cat_out_csv "temporary file left behind"
    else pass cat_out_csv; fi
  fi
  rm -f "$tmp/rt.parquet"
  run parquet cat --format parquet --compression snappy --out "$tmp/rt.parquet" "$SPEC"
  if expect_rc cat_parquet_roundtrip 0; then
    run parquet cat --format json "$tmp/rt.parquet"
    if cmp -s "$tmp/out" "$tmp/spec.jsonl"; then pass cat_parquet_roundtrip
    else fail cat_parquet_roundtrip "re-encoded file reads differently: $(diff "$tmp/out" "$tmp/spec.jsonl" | head -n 3)"; fi
    run parquet meta "$tmp/rt.parquet"
    grep -q 'codec SNAPPY' "$tmp/out" && pass cat_parquet_codec || fail cat_parquet_codec "not SNAPPY: $(grep column "$tmp/out" | head -n 1)"
  fi

  # ---- streaming: --limit reads only the row groups it needs. The last row
  # group's pages are zeroed: a full cat must fail on it, --limit 600 must not.
  run parquet meta --json "$GROUPS4"
  last_start=$(json_eval "$tmp/out" "Math.min(...d.row_groups[d.row_groups.length - 1].columns.map(c => c.dictionary_page_offset ?? c.data_page_offset))")
  gsize=$(wc -c <"$GROUPS4")
  gfooter=$(tail -c 8 "$GROUPS4" | head -c 4 | od -An -tu4 | tr -d ' ')
  cp "$GROUPS4" "$tmp/last_group_zeroed.parquet"
  dd if=/dev/zero of="$tmp/last_group_zeroed.parquet" bs=1 seek="$last_start" count=$((gsize - 8 - gfooter - last_start)) \
     conv=notrunc status=none
  run parquet cat --limit 600 --format json "$tmp/last_group_zeroed.parquet"
  expect_rc cat_limit_stops_early 0 && { [ "$(printf '%s\n' "$out" | grep -c '')" -eq 600 ] && pass cat_limit_stops_early || fail cat_limit_stops_early "$(printf '%s\n' "$out" | grep -c '') rows"; }
  run parquet cat --format json "$tmp/last_group_zeroed.parquet"
  expect_rc cat_reads_every_group 1 && one_line_err cat_reads_every_group "row group 3" && pass cat_reads_every_group

  # ---- usage errors: exit 2, one line
  run parquet; expect_rc usage_no_command 2 && pass usage_no_command
  run parquet frobnicate "$SPEC"; expect_rc usage_unknown_command 2 && one_line_err usage_unknown_command frobnicate && pass usage_unknown_command
  run parquet cat; expect_rc usage_missing_file 2 && one_line_err usage_missing_file FILE && pass usage_missing_file
  run parquet cat --bogus "$SPEC"; expect_rc usage_unknown_option 2 && one_line_err usage_unknown_option "--bogus" && pass usage_unknown_option
  run parquet cat --limit -1 "$SPEC"; expect_rc usage_negative_limit 2 && one_line_err usage_negative_limit "--limit" && pass usage_negative_limit
  run parquet cat --limit 12x "$SPEC"; expect_rc usage_bad_limit 2 && one_line_err usage_bad_limit "12x" && pass usage_bad_limit
  run parquet cat --limit "$SPEC"; expect_rc usage_limit_without_value 2 && pass usage_limit_without_value
  run parquet cat --format xml "$SPEC"; expect_rc usage_bad_format 2 && one_line_err usage_bad_format "xml" && pass usage_bad_format
  run parquet cat --columns time,nosuch "$SPEC"; expect_rc usage_unknown_column 2 && one_line_err usage_unknown_column "nosuch" && pass usage_unknown_column
  run parquet cat --columns time,TIME "$SPEC"; expect_rc usage_duplicate_column 2 && one_line_err usage_duplicate_column "twice" && pass usage_duplicate_column
  run parquet cat --format parquet "$SPEC"; expect_rc usage_parquet_needs_out 2 && one_line_err usage_parquet_needs_out "--out" && pass usage_parquet_needs_out
  run parquet cat --compression zstd "$SPEC"; expect_rc usage_compression_needs_parquet 2 && pass usage_compression_needs_parquet
  run parquet schema "$SPEC" "$SPEC"; expect_rc usage_two_files 2 && pass usage_two_files
  run parquet meta --json=yes "$SPEC"; expect_rc usage_flag_with_value 2 && pass usage_flag_with_value

  # ---- data errors: exit 1, one line naming the file
  printf 'time,value\n2022-11-23T20:40:00Z,1\n' >"$tmp/not.parquet"
  : >"$tmp/empty.parquet"
  head -c 3000 "$SPEC" >"$tmp/truncated.parquet"
  size=$(wc -c <"$SPEC")
  head -c $((size - 9)) "$SPEC" >"$tmp/no_tail.parquet"; printf 'PAR1' >>"$tmp/no_tail.parquet"
  { head -c $((size - 8)) "$SPEC"; printf '\377\377\377\177PAR1'; } >"$tmp/huge_footer.parquet"
  for f in missing not empty truncated no_tail huge_footer; do
    for sub in schema meta cat; do
      run parquet "$sub" "$tmp/$f.parquet"
      expect_rc "data_error_${f}_$sub" 1 && one_line_err "data_error_${f}_$sub" "$tmp/$f.parquet" &&
        { grep -q '^kinetl parquet: ' "$tmp/err" && pass "data_error_${f}_$sub" || fail "data_error_${f}_$sub" "no 'kinetl parquet:' prefix: $err"; }
    done
  done
  # data pages zeroed, footer intact: the footer parses, decoding the pages must fail cleanly
  footer_len=$(tail -c 8 "$SPEC" | head -c 4 | od -An -tu4 | tr -d ' ')
  cp "$SPEC" "$tmp/zeroed_pages.parquet"
  dd if=/dev/zero of="$tmp/zeroed_pages.parquet" bs=1 seek=4 count=$((size - 12 - footer_len)) conv=notrunc status=none
  run parquet cat --format json "$tmp/zeroed_pages.parquet"
  expect_rc data_error_zeroed_pages 1 && one_line_err data_error_zeroed_pages "$tmp/zeroed_pages.parquet" && pass data_error_zeroed_pages
  run parquet cat --out "$tmp/no/such/dir/x.csv" "$SPEC"
  expect_rc data_error_unwritable_out 1 && one_line_err data_error_unwritable_out "$tmp/no/such/dir/x.csv" && pass data_error_unwritable_out
}

label=release
K=${KINETL:-build/kinetl}
if [ ! -x "$K" ]; then echo "FAIL cli/parquet/setup: no kinetl binary at $K"; exit 1; fi
suite
if [ -n "${KINETL_ASAN:-}" ] && [ -x "$KINETL_ASAN" ]; then
  label=asan
  K=$KINETL_ASAN
  suite
fi
[ "$failures" -eq 0 ]
