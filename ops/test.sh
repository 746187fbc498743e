#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: release first, then again under AddressSanitizer
# and UndefinedBehaviorSanitizer (the debug preset). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/setup.sh

jobs=$(nproc)
for preset in release debug; do
  echo "== $preset: build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
done
