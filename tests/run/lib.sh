# tests/run/lib.sh — shared by tests/run/test_*.sh: the kinetl binary, a
# scratch directory, PASS/FAIL reporting, the C helpers (lake_digest,
# resplit) compiled against build/libkinetl.a, and table fingerprints.
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
  for h in lake_digest resplit; do
    if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -O2 -Isrc -o "$tmp/$h" "tests/run/$h.c" build/libkinetl.a $LIBS \
         2>"$tmp/cc.log"; then
      fail "build_$h" "$(head -5 "$tmp/cc.log")"; exit 1
    fi
  done
}

# Contents of the derived tables, lineage and timing columns aside.
derived_digest() { # lake
  local t
  for t in aligned features run_stats; do "$tmp/lake_digest" "$1" "$t" processed_at source_file ingested_at || echo "$t unreadable"; done
}
# Contents of every table, as exact as can be: source_file is the same
# for the same delivery; ingested_at is a clock.
all_digest() { # lake
  derived_digest "$1"
  "$tmp/lake_digest" "$1" raw || echo "raw unreadable"
  "$tmp/lake_digest" "$1" quarantine ingested_at 2>/dev/null || echo "quarantine absent"
}
# Every commit file of every table: changes iff some table got a commit.
log_listing() { # lake
  (cd "$1" && find . -path '*/_delta_log/*.json' | sort)
}
