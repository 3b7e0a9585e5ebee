#!/usr/bin/env bash
# Local repair loss window (issue #4's benchmark): a kvte-agent in namespace a holds an
# ECMP route to b's loopback over two parallel links a=b; a 1000 pps ping stream from a
# runs over the link its flow hashes to; that link loses carrier (b's end goes down, so
# a's end is not administratively down and the kernel keeps the dead next hop); the
# lost packets are counted. The same again with the route installed by hand and no
# agent, for comparison. Prints markdown for docs/benchmarks.md. Needs root, etcd, a
# built kvte-agent. Usage: bench/run-repair.sh [build dir, default build-bench] [rounds]
# Timings are never pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-bench}"
rounds="${2:-5}"
if [ ! -x "$dir/fib-agent/kvte-agent" ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target kvte-agent >/dev/null
fi
export KVTE_BUILD_DIR=$(cd "$dir" && pwd)
source tests/netns/lib.sh
need_root
need_cmd etcd "Debian package etcd-server"

netns a; netns b
link a et1 b et1 100.64.0.0/31 100.64.0.1/31
link a et2 b et2 100.64.0.2/31 100.64.0.3/31
ip -n "$(ns b)" addr add 10.255.0.2/32 dev lo
ip -n "$(ns a)" addr add 10.255.0.1/32 dev lo
# the way back, over both links (b's failed end is down: the kernel drops that next hop)
ip -n "$(ns b)" route add 10.255.0.1/32 nexthop via 100.64.0.0 dev et1 nexthop via 100.64.0.2 dev et2
etcd_start

measure() {  # measure LABEL: fail the link the flow uses, print the loss
  local dev peer
  dev=$(ip -n "$(ns a)" route get 10.255.0.2 from 10.255.0.1 | grep -o 'dev et[12]' | awk '{print $2}')
  peer=$dev   # b's end has the same name
  ip netns exec "$(ns a)" ping -q -i 0.001 -c 3000 -W 1 -I 10.255.0.1 10.255.0.2 > "$T/ping.txt" 2>&1 &
  local p=$!
  sleep 1
  ip -n "$(ns b)" link set "$peer" down
  wait $p || true
  ip -n "$(ns b)" link set "$peer" up
  local sent recv
  sent=$(grep -o '[0-9]* packets transmitted' "$T/ping.txt" | awk '{print $1}')
  recv=$(grep -o '[0-9]* received' "$T/ping.txt" | awk '{print $1}')
  echo "$((sent - recv))"
}

echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo
echo "| setup | failure | lost packets at 1000 pps, per round | loss window |"
echo "| --- | --- | --- | --- |"
# the kernel alone: an ECMP route with no one to repair it
ip -n "$(ns a)" route add 10.255.0.2/32 proto static nexthop via 100.64.0.1 dev et1 nexthop via 100.64.0.3 dev et2
losses=""
for _ in $(seq 1 "$rounds"); do losses="$losses $(measure)"; sleep 1; done
echo "| kernel only, ECMP route, no agent | carrier loss on the link in use | ${losses# } | the rest of the stream: the kernel keeps the dead next hop |"
ip -n "$(ns a)" route del 10.255.0.2/32
# kvte-agent: the same route from etcd
ectl put /kvte/rib/a/isis/10.255.0.2_32 '{"prefix":"10.255.0.2/32","metric":10,"level":2,"next_hops":[{"interface":"et1","address":"100.64.0.1"},{"interface":"et2","address":"100.64.0.3"}]}' >/dev/null
"$KVTE_BUILD_DIR/fib-agent/kvte-agent" --node a --netns "$(ns a)" -e "$EP" > "$T/agent.log" 2>&1 &
track $!
wait_for 10 "route" bash -c "ip -n $(ns a) route show 10.255.0.2 proto 222 | grep -q nexthop"
losses="" took=""
for _ in $(seq 1 "$rounds"); do
  losses="$losses $(measure)"
  sleep 1
  wait_for 5 "ECMP back" bash -c "ip -n $(ns a) route show 10.255.0.2 proto 222 | grep -q nexthop" || true
  took="$took $(grep -o 'in [0-9]* us' "$T/agent.log" | tail -1 | awk '{print $2}')"
done
echo "| kvte-agent, same ECMP route from etcd | carrier loss on the link in use | ${losses# } | local repair: dead next hop dropped in${took} us (agent's own timing, per round) |"
