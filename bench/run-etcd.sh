#!/usr/bin/env bash
# Builds (Release) and runs bench_etcd: kvte's etcd client vs etcdctl on one private
# etcd server, 10,000 keys, plus watch latency. Prints markdown for docs/benchmarks.md.
# Usage: bench/run-etcd.sh [--keys N] [--watch-samples M]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target bench_etcd >/dev/null
echo "machine: $(nproc) cores, $(uname -r), etcd $(etcd --version | head -1 | awk '{print $3}'), $(date -u +%F)"
./build-bench/bench/bench_etcd "$@" 2>/dev/null
