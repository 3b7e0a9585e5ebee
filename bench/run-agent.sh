#!/usr/bin/env bash
# Builds (Release) and runs the agent's FIB benchmark: bench_fib programs N IPv4 routes
# through kvte's netlink layer and through `ip -batch` in one private namespace, and
# prints markdown for docs/benchmarks.md. Needs root. Timings are never pass/fail.
# Usage: bench/run-agent.sh [build dir, default build-bench] [routes, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-bench}"
n="${2:-100000}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j"$(nproc)" --target bench_fib >/dev/null
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo
echo "### FIB programming (bench_fib)"
echo
echo "4 KiB pages (plain malloc):"
echo
KVTE_NO_HUGETLB=1 "./$dir/bench/bench_fib" "$n" 3
echo
echo "transparent huge pages for malloc (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, what kvte-agent sets itself):"
echo
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "./$dir/bench/bench_fib" "$n" 3
