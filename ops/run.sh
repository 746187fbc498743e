#!/usr/bin/env bash
# Sets up, builds and runs the exchange on its built-in defaults. Until the server exists this
# replays the bundled sample trading day through the engine and prints the trades and final books.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target rex-replay
exec ./build/release/tools/rex-replay --catalogue reference-data/catalogue/rex-catalogue.json ops/sample-day/sample-day.workload "$@"
