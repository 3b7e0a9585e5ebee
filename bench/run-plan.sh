#!/usr/bin/env bash
# Builds (Release, -O3) and runs bench_plan: the controller's whole planning step
# (te-controller/plan.c plan_compute) for 1,000 and 10,000 LSP requests on a synthetic,
# SRv6-encodable 1,000-node / 4,000-link TED — cold, steady state with the previous
# te/paths held (output must be byte-identical), and after the busiest link goes away.
# Prints markdown for docs/benchmarks.md; the machine line carries the load average,
# since a loaded machine shows in the wall times. Timings are never pass/fail.
# Usage: bench/run-plan.sh [build dir, default build-bench] [bench_plan options:
#        --nodes N --links L --lsps R[,R...] --protect PCT --runs K]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="build-bench"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
	dir="$1"
	shift
fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j"$(nproc)" --target bench_plan >/dev/null
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
echo
"./$dir/bench/bench_plan" "$@"
