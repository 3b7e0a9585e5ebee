#!/usr/bin/env bash
# test_walkthrough — the README's main job end to end: deploy/lab/walkthrough on the seed
# topology (private etcd port, run directory and namespace prefix) must hold every one
# of its checks (pings failing then succeeding, route tables, LSPs and bypasses, the
# loss measured on r1-r2 failures, re-optimisation, nothing stale), draw its picture,
# and `lab down` must then leave no namespace, process or directory behind.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
for b in speaker/kvte-speaker fib-agent/kvte-agent te-controller/kvte-controller cli/kvtectl; do
  [ -x "$BUILD/$b" ] || skip "$BUILD/$b not built"
done
export KVTE_LAB_DIR="$T/lab" KVTE_ETCD_PORT=$(free_port) KVTE_LAB_NS_PREFIX="$TAG-" KVTE_BUILD_DIR="$BUILD"
lab_down() { "$SRC/deploy/lab/lab" down >"$T/down.log" 2>&1; }
# keep the exit status: a set -e abort must not end as a pass
trap 'rc=$?; set +e; lab_down; (exit $rc); cleanup' EXIT

if "$SRC/deploy/lab/walkthrough" > "$T/walkthrough.log" 2>&1; then
  ok "walkthrough: $(grep -o 'Done: .*' "$T/walkthrough.log")"
else
  fail "walkthrough: $(grep -o 'Done: .*' "$T/walkthrough.log"); failed checks: $(grep '✘' "$T/walkthrough.log" | tr '\n' ';')"
  tail -60 "$T/walkthrough.log" >&2
fi
n=$(grep -c '✔' "$T/walkthrough.log" || true)
[ "$n" -ge 19 ] && ok "$n checks held" || fail "only $n checks held"
grep -o 'packet stream .*' "$T/walkthrough.log" | sed 's/^/# /'
if command -v dot >/dev/null; then
  [ -s "$KVTE_LAB_DIR/topology.svg" ] && grep -q "<svg" "$KVTE_LAB_DIR/topology.svg" \
    && ok "picture drawn: topology.svg" || fail "no topology.svg"
fi
pids=$(cat "$KVTE_LAB_DIR"/*.pid 2>/dev/null || true)
lab_down && ok "lab down" || fail "lab down: $(cat "$T/down.log")"
[ "$(ip netns list | grep -c "^$TAG-" || true)" -eq 0 ] && ok "no namespace left" || fail "namespaces left"
left=0; for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
[ $left -eq 0 ] && ok "no process left" || fail "processes left"
finish
