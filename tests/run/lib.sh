# tests/run/lib.sh — shared by tests/run/test_*.sh: the kinetl binary, a
# scratch directory, PASS/FAIL reporting, the resplit helper compiled
# against build/libkinetl.a, and table digests through `kinetl cat`.
# Sourced, not run (tests/run.sh picks up test_*.sh only).
KINETL=${KINETL:-build/kinetl}
export KINETL_UNSAFE_NO_FSYNC=1   # killed processes keep the page cache: fsync proves nothing here
tmp=$(mktemp -d)
bg_pids=""
cleanup() { for p in $bg_pids; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
pass() { echo "PASS $suite/$1"; }
fail() { echo "FAIL $suite/$1: $2"; }
check() { # name, condition-result (0 ok), message
  if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}

LIBS="-lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson -lsqlite3 -lxxhash -lm -pthread"
build_helpers() {
  if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -O2 -Isrc -o "$tmp/resplit" tests/run/resplit.c build/libkinetl.a $LIBS \
       2>"$tmp/cc.log"; then
    fail build_resplit "$(head -5 "$tmp/cc.log")"; exit 1
  fi
}

# One line per table: its row count and a digest of its rows as a multiset
# (`kinetl cat --format json`, one object per row with shortest round-trip
# numbers, sorted), without the columns named after the table.
table_digest() { # lake, table, excluded columns...
  local lake=$1 table=$2; shift 2
  local cols
  cols=$("$KINETL" --lake "$lake" cat "$table" --format csv --limit 0 2>/dev/null | head -1 | tr , '\n' |
         grep -vxF -e "${1:-/}" -e "${2:-/}" -e "${3:-/}" | paste -sd,)
  if [ -z "$cols" ]; then echo "$table absent"; return; fi
  "$KINETL" --lake "$lake" cat "$table" --format json --columns "$cols" | LC_ALL=C sort >"$tmp/rows.json"
  echo "$table rows=$(wc -l <"$tmp/rows.json") $(md5sum <"$tmp/rows.json" | cut -c1-32)"
}
# Contents of the derived tables, lineage and timing columns aside.
derived_digest() { # lake
  local t
  for t in aligned features run_stats; do table_digest "$1" "$t" processed_at source_file ingested_at; done
}
# Contents of every table, as exact as can be: source_file is the same
# for the same delivery; ingested_at is a clock.
all_digest() { # lake
  derived_digest "$1"
  table_digest "$1" raw
  table_digest "$1" quarantine ingested_at
}
# Every commit file of every table: changes iff some table got a commit.
log_listing() { # lake
  (cd "$1" && find . -path '*/_delta_log/*.json' | sort)
}
