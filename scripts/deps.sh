#!/usr/bin/env bash
# Installs everything kinetl needs to build and test on Debian 12:
# the C libraries (apt) and the npm packages used only as test oracles.
# As root it installs; otherwise it prints the commands to run.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="build-essential clang libclang-rt-14-dev pkg-config \
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev \
  libjansson-dev libsqlite3-dev libxxhash-dev nodejs npm"

missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
# Node and npm may come from outside apt (a newer install): accept those.
if command -v node >/dev/null 2>&1; then missing=$(echo "$missing" | sed 's/\bnodejs\b//'); fi
if command -v npm  >/dev/null 2>&1; then missing=$(echo "$missing" | sed 's/\bnpm\b//'); fi
missing=$(echo "$missing" | xargs || true)

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
  else
    echo "deps: missing Debian packages; run as root:"
    echo "  apt-get update && apt-get install -y $missing"
    exit 1
  fi
fi

# Test oracles: pinned in tests/oracle/package.json, installed from its lock file.
if [ ! -d tests/oracle/node_modules/@duckdb/node-api ] || \
   [ ! -d tests/oracle/node_modules/nodejs-polars ] || \
   [ ! -d tests/oracle/node_modules/parquet-wasm ]; then
  echo "deps: installing npm test oracles"
  # npm ci refuses a lock file that lacks other platforms' optional
  # binaries (npm 10 records them unevenly); npm install then resolves the
  # same versions from package.json's exact pins.
  (cd tests/oracle && { { [ -f package-lock.json ] && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null; } ||
    { echo "deps: npm ci refused the lock file; using npm install"; npm install --no-audit --no-fund --loglevel=error; }; })
fi
# nodejs-polars ships its engine as an optional per-platform package whose
# manifest asks for Node >= 22, so npm skips it on Node 20 although it works
# there. Install it explicitly when nodejs-polars cannot load.
if ! (cd tests/oracle && node -e "require('nodejs-polars')" >/dev/null 2>&1); then
  case "$(uname -m)" in x86_64) polars_arch=x64 ;; aarch64) polars_arch=arm64 ;; *) polars_arch="" ;; esac
  polars_version=$(cd tests/oracle && node -p "require('nodejs-polars/package.json').version")
  if [ -n "$polars_arch" ]; then
    echo "deps: installing nodejs-polars-linux-$polars_arch-gnu@$polars_version (the binding npm skipped)"
    (cd tests/oracle && npm install --no-save --force --no-audit --no-fund --loglevel=error \
        "nodejs-polars-linux-$polars_arch-gnu@$polars_version")
  fi
fi
echo "deps: ok"
