#!/usr/bin/env bash
# The README's first command: set up (Debian packages), build kvte, and bring up the
# lab on this machine (deploy/lab/lab up). Today the lab is a local etcd member on
# loopback; the IS-IS routers in network namespaces and the seed walkthrough join it
# as their components land (see docs/roadmap.md). Build tree: build/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "lab: must run as root (packages, namespaces); try: sudo $0" >&2; exit 1; }
bash scripts/setup-debian.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
exec deploy/lab/lab up
