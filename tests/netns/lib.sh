# tests/netns/lib.sh — shared helpers for the netns end-to-end tests (sourced).
#
# Each test gets a unique tag (kt<pid>) for its namespaces and a temporary directory;
# `cleanup` (installed as the EXIT trap) stops every process the test started, by the
# PIDs recorded with `track`, deletes the test's namespaces and its directory. Exit 77
# means skipped (ctest's SKIP_RETURN_CODE), with the reason on stderr.
set -euo pipefail

TAG="kt$$"
T=$(mktemp -d "/tmp/kvte-netns-XXXXXX")
PIDS=()
NSES=()
FAILS=0
BUILD=${KVTE_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build-test}
SRC=${KVTE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export ETCDCTL_API=3

skip() { echo "SKIP: $*" >&2; exit 77; }
say() { echo "# $*"; }
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*" >&2; FAILS=$((FAILS + 1)); }
track() { PIDS+=("$1"); }

cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -30 "$f"; }; done >&2
  fi
  [ -n "${KVTE_KEEP_TMP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
  exit $rc
}
trap cleanup EXIT

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, AF_PACKET)"; }
need_cmd() { command -v "$1" >/dev/null || skip "$1 not installed ($2)"; }

# netns NAME: create a namespace $TAG-NAME with lo up
netns() { local n="$TAG-$1"; ip netns add "$n"; NSES+=("$n"); ip -n "$n" link set lo up; }
ns() { echo "$TAG-$1"; }

# link A IFA B IFB ADDR_A/LEN ADDR_B/LEN: a veth between two namespaces
link() {
  ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")"
  ip -n "$(ns "$1")" addr add "$5" dev "$2"; ip -n "$(ns "$3")" addr add "$6" dev "$4"
  ip -n "$(ns "$1")" link set "$2" up; ip -n "$(ns "$3")" link set "$4" up
}

# free_port: a port P such that P and P + 1 are free. Picked below the kernel's
# ephemeral range (ip_local_port_range), so no outgoing connection takes it between
# the pick and the bind, and checked against sockets in every state: a client's
# TIME-WAIT on a port (every etcdctl call leaves one) makes a listener's bind fail
# with "address already in use" just like another listener does.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while :; do
    if [ "$low" -gt 12000 ]; then p=$(( low - 2 - RANDOM % 10000 )); else p=$(( (RANDOM % 20000) + 30000 )); fi
    ss -Htan "sport = :$p or sport = :$((p + 1))" | grep -q . || { echo "$p"; return; }
  done
}

# etcd_start: a single member on free loopback ports; sets EP. A port taken between
# the pick and etcd's bind (another test's pick, say) makes etcd exit: then again on
# fresh ports, up to three times.
etcd_start() {
  local p try
  for try in 1 2 3; do
    p=$(free_port)
    EP="http://127.0.0.1:$p"
    rm -rf "$T/etcd.data"
    etcd --name "$TAG" --data-dir "$T/etcd.data" --listen-client-urls "$EP" \
      --advertise-client-urls "$EP" --listen-peer-urls "http://127.0.0.1:$((p + 1))" \
      --initial-advertise-peer-urls "http://127.0.0.1:$((p + 1))" \
      --initial-cluster "$TAG=http://127.0.0.1:$((p + 1))" >"$T/etcd.log" 2>&1 &
    ETCD_PID=$!; track $ETCD_PID
    # healthy, and the answer is from our etcd (not from whoever won the port)
    wait_for 20 "etcd healthy" etcd_settled && kill -0 "$ETCD_PID" 2>/dev/null && return 0
    kill -0 "$ETCD_PID" 2>/dev/null && return 1  # running but never healthy
    grep -q "address already in use" "$T/etcd.log" || { echo "etcd exited: $(tail -3 "$T/etcd.log")" >&2; return 1; }
    say "etcd lost port $p or $((p + 1)) to another process; again on fresh ports"
  done
  return 1
}
# etcd_settled: our etcd answers, or it has exited (etcd_start tells them apart)
etcd_settled() {
  ! kill -0 "$ETCD_PID" 2>/dev/null || etcdctl --endpoints="$EP" --dial-timeout=1s endpoint health
}
etcd_stop() { kill "$ETCD_PID"; wait "$ETCD_PID" 2>/dev/null || true; }
etcd_restart() {  # same data dir and ports
  etcd --name "$TAG" --data-dir "$T/etcd.data" --listen-client-urls "$EP" \
    --advertise-client-urls "$EP" --listen-peer-urls "http://127.0.0.1:$((${EP##*:} + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((${EP##*:} + 1))" \
    --initial-cluster "$TAG=http://127.0.0.1:$((${EP##*:} + 1))" >>"$T/etcd.log" 2>&1 &
  ETCD_PID=$!; track $ETCD_PID
  wait_for 20 "etcd healthy again" etcdctl --endpoints="$EP" --dial-timeout=1s endpoint health
}
ectl() { etcdctl --endpoints="$EP" "$@"; }
eget() { ectl get "$1" --print-value-only; }

# wait_for SECONDS WHAT CMD...: poll CMD every 0.1 s; fail the test if it never holds
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
  while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "timed out after ${secs}s waiting for: $what" >&2
  return 1
}

# jq_is KEY FILTER: etcd value at KEY satisfies the jq filter (exit status)
jq_is() { local v; v=$(eget "$1") && [ -n "$v" ] && echo "$v" | jq -e "$2" >/dev/null; }

# validate FAMILY FILE...: JSON Schema check (schemas/<family>.schema.json)
validate() { /usr/bin/python3 "$SRC/tests/schemas/validate.py" "$SRC/schemas" "$@"; }

finish() {
  if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
