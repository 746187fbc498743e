#!/usr/bin/env bash
# Compares two rexd binaries under the same load, alternating them run by run (this machine's speed
# drifts by the hour, so only alternated runs compare; bench/RESULTS.md). Both run against the
# rex-load of this checkout's release build.
# Usage: bench/load_generator/ab.sh REXD_A REXD_B ROUNDS [run.sh options]
#   git worktree add /tmp/base <commit> && (cd /tmp/base && cmake --preset release && cmake --build --preset release --target rexd)
#   bench/load_generator/ab.sh /tmp/base/build/release/gateway/rexd build/release/gateway/rexd 3 --report --connections 32 --rate 100000 --seconds 8
# Prints one line per run: A or B, rex-load's latency line, and with --report the CPU seconds of
# rexd's network, sequencer and journal threads.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { sed -n 2,9p "$0"; exit 2; }
a=$(realpath "$1") b=$(realpath "$2") rounds=$3
shift 3
load=$(realpath build/release/bench/rex-load)
[ -x "$a" ] && [ -x "$b" ] && [ -x "$load" ] || { echo "ab.sh: need both rexd binaries and $load" >&2; exit 2; }
dirs=$(mktemp -d /tmp/rex-ab.XXXXXX)
trap 'rm -rf "$dirs"' EXIT
for v in A B; do mkdir -p "$dirs/$v/gateway" "$dirs/$v/bench"; ln -s "$load" "$dirs/$v/bench/rex-load"; done
ln -s "$a" "$dirs/A/gateway/rexd"
ln -s "$b" "$dirs/B/gateway/rexd"
for _ in $(seq "$rounds"); do
  for v in A B; do
    out=$(REX_BUILD="$dirs/$v" bench/load_generator/run.sh "$@" 2>&1)
    latency=$(echo "$out" | grep 'order-to-ack latency' | sed 's/order-to-ack latency (us): //')
    threads=$(echo "$out" | awk '/^  rex-(io|sequencer|journal) / { printf " %s %s", $1, $2 }')
    echo "$v $latency${threads:+ |$threads}"
  done
done
