#!/usr/bin/env bash
# Sets up, builds and runs the exchange server (rexd) on its built-in defaults: demo mode (printed
# demo API keys), the bundled catalogue, the sample day seeded into a fresh journal under
# var/rexd/journal, WebSocket and HTTP on 127.0.0.1:8080. Ctrl-C (or SIGTERM) stops it cleanly.
# Extra arguments go to rexd (docs/rexd-config.md), e.g. ./ops/run.sh --port 9000.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target rexd rex-ws rex-replay rex-audit
exec ./build/release/gateway/rexd "$@"
