#!/usr/bin/env bash
# The README's first command: set up (Debian packages), build kvte, and run the seed
# walkthrough (deploy/lab/walkthrough): it brings up the lab on this machine — a local
# etcd member on loopback and the seed topology's routers in network namespaces running
# kvte-speaker, kvte-agent and kvte-controller (docs/lab.md) — walks the notebook's
# steps with their evidence, and leaves the lab running to play with. Build tree:
# build/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "lab: must run as root (packages, namespaces); try: sudo $0" >&2; exit 1; }
bash scripts/setup-debian.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
exec deploy/lab/walkthrough
