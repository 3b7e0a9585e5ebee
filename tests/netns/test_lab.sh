#!/usr/bin/env bash
# test_lab — the lab (deploy/lab/lab) brings the seed topology up and down: seven
# namespaces, nine veth links, five kvte-speakers, seven kvte-agents and a
# kvte-controller on a private etcd; r1's route to r4's loopback is the seed's r1-r2-r4
# (metric 128 = TE metrics 51 + 77), in etcd and in r1's kernel, and r1 pings r4; the
# LSP r1-to-r4 comes up on r1-r2-r4 with its bypass r1-r3-r2; `lab link r1
# r2 down` moves the route to r1-r3-r5-r4 (155 + 55 + 35 = 245) and the LSP off r1-r2;
# `lab down` leaves no namespace, no process and no run directory behind.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
[ -x "$BUILD/speaker/kvte-speaker" ] || skip "kvte-speaker not built"
LAB="$SRC/deploy/lab/lab"
export KVTE_LAB_DIR="$T/lab" KVTE_ETCD_PORT=$(free_port) KVTE_LAB_NS_PREFIX="$TAG-" KVTE_BUILD_DIR="$BUILD"
EP="http://127.0.0.1:$KVTE_ETCD_PORT"
lab_down() { "$LAB" down >"$T/down.log" 2>&1; }
# keep the exit status: a set -e abort must not end as a pass
trap 'rc=$?; set +e; lab_down; (exit $rc); cleanup' EXIT

"$LAB" up >"$T/up.log" 2>&1 || { cat "$T/up.log" >&2; fail "lab up"; finish; }
grep -q "all 5 speakers are up" "$T/up.log" && ok "lab up: 5 speakers registered" || fail "speakers: $(tail -5 "$T/up.log")"
[ "$(ip netns list | grep -c "^$TAG-\(r[1-5]\|ex[12]\)\b")" -eq 7 ] && ok "7 router namespaces" || fail "namespaces: $(ip netns list)"
grep -q "7 FIB agents" "$T/up.log" && ok "7 FIB agents started" || fail "agents: $(grep topology "$T/up.log")"
R=/kvte/rib/r1/isis/192.168.50.4_32
wait_for 15 "seed route" jq_is $R '.metric == 128 and .next_hops[0].neighbor == "r2"' \
  && ok "r1 -> r4 via r2, metric 128 (as in the seed)" || fail "route: $(eget $R)"
# speakers -> etcd -> agents -> kernels: r1 forwards to r4's loopback over r2
wait_for 10 "r1 kernel route" bash -c "ip -n $TAG-r1 route show 192.168.50.4 proto 222 | grep -q 'via 100.65.0.3 dev et2'" \
  && ok "r1's kernel: 192.168.50.4 via 100.65.0.3 dev et2 proto kvte" || fail "r1 kernel: $(ip -n "$TAG-r1" route)"
wait_for 10 "ping r1 -> r4" ip netns exec "$TAG-r1" ping -c1 -W1 -I 192.168.50.1 192.168.50.4 \
  && ok "ping r1 (192.168.50.1) -> r4 (192.168.50.4)" || fail "ping r1 -> r4"
# the agent writes its state after it changed the kernel, with a put of its own
wait_for 10 "state/r1/agent counts" jq_is /kvte/state/r1/agent '.connected and .counts.isis > 0 and .counts.installed > 0' \
  && ok "state/r1/agent: $(jq -c .counts <<<"$(eget /kvte/state/r1/agent)")" || fail "agent state: $(eget /kvte/state/r1/agent)"

# BGP: ex2 announces 10.42.2.0/24 to r4's ExaBGP, kvte-bgp publishes it, every agent
# resolves it over r4's loopback; r1 originates the customer link; ex1 reaches ex2
if command -v exabgp >/dev/null && [ -x "$BUILD/bgp/kvte-bgp" ]; then
  wait_for 30 "BGP route at r1" bash -c "ip -n $TAG-r1 route show 10.42.2.0/24 proto 222 | grep -q via" \
    && jq_is /kvte/bgp/routes/10.42.2.0_24/r4 '.protocol_next_hop == "192.168.50.4" and .as_path == [65003]' \
    && ok "BGP: 10.42.2.0/24 learned at r4 from ex2 (AS 65003), in r1's kernel" || fail "BGP: $(eget /kvte/bgp/routes/10.42.2.0_24/r4)"
  wait_for 10 "ping ex1 -> ex2" ip netns exec "$TAG-ex1" ping -c1 -W1 10.42.2.10 \
    && ok "ex1 pings 10.42.2.10 across AS2" || fail "ping ex1 -> 10.42.2.10"
else
  echo "# exabgp or kvte-bgp missing: BGP not checked" >&2
fi

# speakers -> TED -> controller: the seed's first LSP request
ectl put /kvte/config/lsps/r1-to-r4 '{"from":"r1","to":"r4","protection":"link"}' >/dev/null
P=/kvte/te/paths/r1-to-r4
wait_for 10 "LSP up" jq_is $P '.state == "up" and ([.path[].node] == ["r1","r2","r4"]) and .metric == 128 and
    .segments == ["fc00:0:2:e002::","fc00:0:4:d4::"]' \
  && ok "controller: r1-to-r4 up on r1-r2-r4 (TE metric 128), SRv6 segments from the speakers' SIDs" || fail "LSP: $(eget $P)"
jq_is /kvte/rib/r1/protect/r1:et2 '[.path[]] == ["r1","r3","r2"]' \
  && ok "bypass for r1:et2 goes r1-r3-r2" || fail "bypass: $(eget /kvte/rib/r1/protect/r1:et2)"
"$LAB" link r1 r2 down >/dev/null
wait_for 10 "reroute" jq_is $R '.metric == 245 and .next_hops[0].neighbor == "r3"' \
  && ok "lab link r1 r2 down: r1 -> r4 via r3, metric 245" || fail "reroute: $(eget $R)"
wait_for 10 "LSP rerouted" jq_is $P '.state == "up" and ([.path[].node] | index("r2") == null)' \
  && ok "controller: r1-to-r4 re-routed off r1-r2 ($(jq -r '[.path[].node] | join("-")' <<<"$(eget $P)"))" || fail "LSP reroute: $(eget $P)"
wait_for 10 "r1 kernel reroute" bash -c "ip -n $TAG-r1 route show 192.168.50.4 proto 222 | grep -q 'dev et3'" \
  && ip netns exec "$TAG-r1" ping -c1 -W1 -I 192.168.50.1 192.168.50.4 >/dev/null \
  && ok "r1's kernel follows: 192.168.50.4 via et3, ping still answers" || fail "r1 kernel after link down: $(ip -n "$TAG-r1" route show 192.168.50.4)"
"$LAB" link r1 r2 up >/dev/null
"$LAB" exec r1 ip -br addr show et2 | grep -q "100.65.0.2/31" && ok "lab exec r1 sees its address" || fail "lab exec"
pids=$(cat "$KVTE_LAB_DIR"/*.pid)
lab_down && ok "lab down" || fail "lab down: $(cat "$T/down.log")"
[ "$(ip netns list | grep -c "^$TAG-" || true)" -eq 0 ] && ok "no namespace left" || fail "namespaces left: $(ip netns list)"
left=0; for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
[ $left -eq 0 ] && ok "no process left" || fail "processes left"
[ ! -e "$KVTE_LAB_DIR" ] && ok "run directory removed" || fail "run directory left"
finish
