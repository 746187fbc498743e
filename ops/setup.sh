#!/usr/bin/env bash
# Installs the Debian 12 packages rex needs to build, test and run. Idempotent: it installs only
# what is missing, so it is cheap to call before every run. Needs root (or sudo) when anything is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libsimdjson-dev      # reference-data loader
  libssl-dev           # SHA-256 of the reference data
  catch2               # tests
  libbenchmark-dev     # bench/
  liblmdb-dev          # persistence/: the journal
  lmdb-utils           # mdb_dump/mdb_stat: an auditor reads the journal without rex (docs/journal-format.md)
  libboost-dev         # gateway/: Boost.Asio and Beast 1.74 (header-only), rexd's WebSocket and HTTP
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
