#!/usr/bin/env bash
# Enforces the layering: core <- format <- lake <- pipeline <- orchestrate <- cli,
# and that no external symbol is defined twice in the library.
# A file may include headers only from its own layer or the layers below it.
set -u
cd "$(dirname "$0")/.."
rank() {
  case "$1" in
    core) echo 0 ;; format) echo 1 ;; lake) echo 2 ;; pipeline) echo 3 ;;
    orchestrate) echo 4 ;; cli) echo 5 ;; gen) echo 3 ;; *) echo -1 ;;
  esac
}
bad=0
for f in $(find src -name '*.[ch]'); do
  layer=$(echo "$f" | cut -d/ -f2)
  mine=$(rank "$layer")
  for inc in $(grep -oE '^#include "[a-z_]+/' "$f" | sed -E 's/#include "([a-z_]+)\//\1/'); do
    theirs=$(rank "$inc")
    if [ "$theirs" -gt "$mine" ]; then
      echo "layering: $f ($layer) includes $inc/ which is above it" >&2
      bad=1
    fi
  done
done
# Two objects defining the same external symbol link silently from a static
# archive (the first one wins): refuse that outright.
if [ -f build/libkinetl.a ]; then
  dups=$(nm -g --defined-only build/libkinetl.a 2>/dev/null | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort | uniq -d)
  if [ -n "$dups" ]; then
    echo "symbols defined twice in libkinetl.a: $dups" >&2
    bad=1
  fi
fi
exit $bad
