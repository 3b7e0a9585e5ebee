#!/usr/bin/env bash
# The README's first command: set up (Debian packages), build kvte, and bring up the
# lab on this machine (deploy/lab/lab up): a local etcd member on loopback and the seed
# topology's routers in network namespaces running kvte-speaker (docs/lab.md); the
# agents, controller, ExaBGP and the walkthrough join it as their components land
# (docs/roadmap.md). Build tree: build/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "lab: must run as root (packages, namespaces); try: sudo $0" >&2; exit 1; }
bash scripts/setup-debian.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
exec deploy/lab/lab up
