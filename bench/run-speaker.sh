#!/usr/bin/env bash
# Builds (Release, -O3) and runs the speaker benchmarks: bench_spf (full SPF + IPv4/IPv6
# route computation on a synthetic 1,000-node / 4,000-link LSDB of real LSPs, and the
# memory of decoded LSPs) and bench_isis_decode (LSP decode + validate throughput).
# Prints markdown for docs/benchmarks.md. Timings are never pass/fail.
# Usage: bench/run-speaker.sh [build dir, default build-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-bench}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j"$(nproc)" --target bench_spf bench_isis_decode >/dev/null
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo
echo "### SPF (bench_spf)"
echo
"./$dir/bench/bench_spf"
echo
echo "### LSP decode + validate (bench_isis_decode)"
echo
"./$dir/bench/bench_isis_decode"
