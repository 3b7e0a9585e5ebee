#!/usr/bin/env bash
# Builds (Release, -O3) and runs bench_cspf: 10,000 bandwidth-constrained LSPs placed on
# a synthetic 1,000-node / 4,000-link TED, and a single CSPF against igraph's Dijkstra
# on the same graph in the same run. Prints markdown for docs/benchmarks.md.
# Usage: bench/run-cspf.sh [--nodes N] [--links L] [--lsps R]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target bench_cspf >/dev/null
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), igraph $(pkg-config --modversion igraph), $(date -u +%F)"
echo
./build-bench/bench/bench_cspf "$@"
