#!/usr/bin/env bash
# run-bgp.sh — routes/s from ExaBGP JSON to etcd through kvte-bgp (docs/benchmarks.md).
#
# A generated ExaBGP 4.2 JSON stream (one "state up", then UPDATE lines of 2000 IPv4
# /24 prefixes each with origin, AS path, MED and communities, as FRR packs a full
# table) is written into kvte-bgp's stdin through a FIFO — no real BGP peer: this
# measures kvte-bgp + etcd, not ExaBGP's decoding. A private etcd member runs on free
# loopback ports with its data in a temporary directory; the clock starts when the
# first line is written and stops when etcd holds every bgp/routes/<prefix>/bench key
# (polled with a limit-1 range, whose answer carries the total count, every 50 ms). Prints a markdown table row.
# Usage: bench/run-bgp.sh [PREFIXES] (default 100000); KVTE_BUILD_DIR picks the build
# (default build/, use a build without sanitizers). Timings are not pass/fail.
set -euo pipefail
N=${1:-100000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${KVTE_BUILD_DIR:-$SRC/build}
KB=$BUILD/bgp/kvte-bgp
[ -x "$KB" ] || { echo "build $KB first" >&2; exit 1; }
T=$(mktemp -d /tmp/kvte-bench-bgp-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
P=$(( (RANDOM % 20000) + 30000 ))
EP=http://127.0.0.1:$P
etcd --name bench --data-dir "$T/etcd" --listen-client-urls "$EP" --advertise-client-urls "$EP" \
  --listen-peer-urls http://127.0.0.1:$((P + 1)) --initial-advertise-peer-urls http://127.0.0.1:$((P + 1)) \
  --initial-cluster bench=http://127.0.0.1:$((P + 1)) --quota-backend-bytes 8589934592 >"$T/etcd.log" 2>&1 &
PIDS+=($!)
export ETCDCTL_API=3
for _ in $(seq 1 100); do etcdctl --endpoints "$EP" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done

/usr/bin/python3 - "$N" > "$T/stream.jsonl" <<'EOPY'
import sys
n = int(sys.argv[1])
nb = ('"neighbor": { "address": { "local": "100.65.0.16", "peer": "100.65.0.17" }, '
      '"asn": { "local": 65002, "peer": 65003 }')
print('{ "exabgp": "4.0.1", "time": 1795322809.2, "host" : "vm", "pid" : 1, "ppid" : 1, '
      '"counter": 1, "type": "state", ' + nb + ' , "state": "up" } }')
i = 0
c = 2
while i < n:
    k = min(2000, n - i)
    nlri = ", ".join('{ "nlri": "%d.%d.%d.0/24" }' % (10 + (j >> 16), (j >> 8) & 255, j & 255)
                     for j in range(i, i + k))
    print('{ "exabgp": "4.0.1", "time": 1795322900.5, "host" : "vm", "pid" : 1, "ppid" : 1, '
          '"counter": %d, "type": "update", %s , "direction": "receive", "message": { "update": '
          '{ "attribute": { "origin": "igp", "as-path": [ 65003, 64512 ], "confederation-path": [], '
          '"med": 10, "community": [ [ 65003, 100 ] ] }, "announce": { "ipv4 unicast": '
          '{ "100.65.0.17": [ %s ] } } } } } }' % (c, nb, nlri))
    i += k
    c += 1
EOPY
mkfifo "$T/in"
"$KB" --node bench --loopback 192.168.50.4 --etcd "$EP" --stale-grace 0 <"$T/in" >/dev/null 2>"$T/kvte-bgp.log" &
PIDS+=($!)
exec 3>"$T/in"
count() { etcdctl --endpoints "$EP" get --prefix /kvte/bgp/routes/ --limit 1 -w json | jq ".count // 0"; }
t0=$(date +%s%N)
cat "$T/stream.jsonl" >&3
t_fed=$(date +%s%N)
while [ "$(count)" -lt "$N" ]; do
  sleep 0.05
  [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 300 ] || { echo "timed out at $(count) keys" >&2; exit 1; }
done
t1=$(date +%s%N)
exec 3>&-
ms=$(( (t1 - t0) / 1000000 ))
fed=$(( (t_fed - t0) / 1000000 ))
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "| prefixes | stream | read by kvte-bgp | last key in etcd | routes/s | machine |"
echo "| ---: | ---: | ---: | ---: | ---: | --- |"
echo "| $N | $(( $(stat -c %s "$T/stream.jsonl") / 1024 )) KiB, $(( (N + 1999) / 2000 )) UPDATE lines | ${fed} ms | ${ms} ms | $(( N * 1000 / (ms > 0 ? ms : 1) )) | $(nproc) × $cpu, $(free -g | awk '/Mem:/{print $2}') GB, etcd $(etcd --version | awk '/etcd Version/{print $3}') |"
