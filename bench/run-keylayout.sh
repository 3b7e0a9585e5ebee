#!/usr/bin/env bash
# Builds (Release) and runs bench_keylayout: IGP routes as per-prefix keys
# (rib/<node>/isis/<prefix>, written as diffs) vs one value per node per table
# (rib/<node>/isis), at 1,000 routers / 4,000 links (DESIGN §5, docs/keys.md). The program
# starts its own private etcd per layout through tests/support/etcd_harness (free loopback
# ports, data under a temp dir; etcd dies with it by PDEATHSIG); this script points TMPDIR
# at a temp dir of its own, so a trap removes the ~2 GB of etcd data even when the run is
# interrupted, and stops the benchmark by its PID. Options are passed through, e.g.
# --etcd-routers 300 (load and round for 300 routers only: ~1.5 min instead of ~4),
# --failures N, --seed S, --check (verify the tables against a Bellman-Ford definition),
# --no-etcd (analysis only), --endpoints URL (use an existing etcd). KVTE_BUILD_DIR picks
# the build directory (default build-bench). Prints a report and a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${KVTE_BUILD_DIR:-build-bench}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvte-keylayout-XXXXXX")
pid=

cleanup() {
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_keylayout >/dev/null
echo "machine: $(nproc) cores, $(uname -r), etcd $(etcd --version | head -1 | awk '{print $3}')," \
	"$(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg)"
TMPDIR=$tmp "./$build/bench/bench_keylayout" "$@" 2>"$tmp/stderr.log" &
pid=$!
rc=0
wait "$pid" || rc=$?
pid=
if ((rc != 0)); then
	echo "bench_keylayout exited with $rc; its log (INFO lines left out):" >&2
	grep -v ' INFO ' "$tmp/stderr.log" | tail -40 >&2 || true
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
