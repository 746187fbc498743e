#!/usr/bin/env bash
# Starts a fresh rexd (release build, empty journal under a temporary folder), runs rex-load
# against it, stops rexd with SIGTERM. Usage: bench/load_generator/run.sh [--no-sync] [rex-load options]
#   bench/load_generator/run.sh --connections 32 --rate 100000 --seconds 10
#   bench/load_generator/run.sh --no-sync --connections 32 --rate 100000 --seconds 10
# REXD_ARGS adds rexd options: REXD_ARGS="--timer-slack-ns 0" bench/load_generator/run.sh ...
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${REX_BUILD:-build/release}
sync=--sync
if [ "${1:-}" = "--no-sync" ]; then sync=--no-sync; shift; fi
[ -x "$build/gateway/rexd" ] && [ -x "$build/bench/rex-load" ] || {
  cmake --preset release >/dev/null
  cmake --build --preset release -j 2 --target rexd rex-load
}
work=$(mktemp -d /tmp/rex-load.XXXXXX)
trap 'kill "$rexd" 2>/dev/null || true; wait "$rexd" 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/gateway/rexd" --port 0 --port-file "$work/port" --data-dir "$work/journal" --no-seed \
  --rate-limit 0 $sync --log-level warn ${REXD_ARGS:-} 2>"$work/rexd.log" &
rexd=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { cat "$work/rexd.log"; exit 1; }
"$build/bench/rex-load" --port "$(cat "$work/port")" "$@"
kill -TERM "$rexd"
wait "$rexd"
