#!/usr/bin/env bash
# Starts a fresh rexd (release build, empty journal under a temporary folder), runs rex-load
# against it, stops rexd with SIGTERM.
# Usage: bench/load_generator/run.sh [--no-sync] [--report] [rex-load options]
#   bench/load_generator/run.sh --connections 32 --rate 100000 --seconds 10
#   bench/load_generator/run.sh --no-sync --connections 32 --rate 100000 --seconds 10
# --report: afterwards, the CPU time of each rexd thread and of rex-load, and the mean, p50 and p99 of rexd's
# own latency histograms (where an acknowledgement's time went; bench/RESULTS.md).
# REXD_ARGS adds rexd options: REXD_ARGS="--io-cpus 0" bench/load_generator/run.sh --cpus 1 ...
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${REX_BUILD:-build/release}
sync=--sync
report=false
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sync) sync=--no-sync; shift ;;
    --report) report=true; shift ;;
    *) break ;;
  esac
done
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
"$build/bench/rex-load" --port "$(cat "$work/port")" "$@" &
load=$!
wait "$load"
if $report; then
  tck=$(getconf CLK_TCK)
  echo "CPU seconds (user+system) since rexd started:"
  for t in /proc/"$rexd"/task/*; do
    awk -v name="$(cat "$t/comm")" -v tck="$tck" '{ printf "  %-14s %6.2f\n", name, ($14 + $15) / tck }' "$t/stat"
  done
  # rex-load has exited: its time is in the shell's children.
  times >"$work/times"  # not in a pipe: a subshell would report its own (empty) children
  awk 'NR == 2 { printf "  %-14s %s user, %s system\n", "rex-load", $1, $2 }' "$work/times"
  exec 3<>"/dev/tcp/127.0.0.1/$(cat "$work/port")"
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  echo "rexd's histograms over the run: mean, and the bucket bounds under which 50 % and 99 % fall (us):"
  awk '
    /^rex_[a-z_]*_seconds_sum / { name = $1; sub(/_sum$/, "", name); sum[name] = $2 }
    /^rex_[a-z_]*_seconds_count / { name = $1; sub(/_count$/, "", name); count[name] = $2 }
    /^rex_[a-z_]*_seconds_bucket\{le="[0-9.e+-]+"\} / {
      name = $1; sub(/_bucket.*/, "", name)
      le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
      n[name]++; bound[name, n[name]] = le * 1e6; cum[name, n[name]] = $2
    }
    END {
      for (h in sum) {
        if (count[h] == 0) continue
        p50 = "-"; p99 = "-"
        for (i = 1; i <= n[h]; i++) {
          if (p50 == "-" && cum[h, i] >= 0.50 * count[h]) p50 = bound[h, i]
          if (p99 == "-" && cum[h, i] >= 0.99 * count[h]) p99 = bound[h, i]
        }
        printf "  %-40s mean %9.1f  p50 <= %-7s p99 <= %-7s (n=%d)\n", h, sum[h] / count[h] * 1e6, p50, p99, count[h]
      }
    }
  ' <&3 | sort
  exec 3<&-
fi
kill -TERM "$rexd"
wait "$rexd"
