#!/usr/bin/env bash
# test_bgp — kvte-bgp under a real ExaBGP, peering over a veth with a second ExaBGP:
#
#   netns r4 (border, AS 65002)                     netns ex2 (external, AS 65003)
#   etcd on r4's 127.0.0.1                           ExaBGP + tests' peer process
#   ExaBGP -> kvte-bgp   et4 100.65.0.16/31 <--> et1 100.65.0.17/31
#                            fc00:ff::16/127          fc00:ff::17/127
#
# etcd runs INSIDE r4's namespace (ip netns exec), on that namespace's loopback, and
# etcdctl runs there too: kvte-bgp is ExaBGP's child in r4 and reaches it on
# 127.0.0.1, and no traffic leaves the namespaces the test created. (In the lab,
# `kvte-bgp --etcd-netns /proc/1/ns/net` reaches the host's etcd instead.)
# The peer's process (a small Python helper written below) sends the commands the test
# appends to a file and records every message its ExaBGP receives.
# Checks: generated config validates; session up; the peer's IPv4/IPv6 routes with
# attributes become bgp/routes/<prefix>/r4 (schema-valid); a withdrawal deletes; a
# bgp/announce/r4/... key reaches the peer with its attributes, its deletion
# withdraws; malformed announce keys and a command ExaBGP rejects are logged with the
# key, nothing else lost; etcd down -> sessions stay up, the queue overflows with a
# clear log line, and when etcd returns the routes learned meanwhile are written and
# the withdrawn ones removed; peer killed -> every route from it gone, originated ones
# stay; peer back -> announcements re-sent.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd etcdctl "Debian package etcd-client"
need_cmd jq "Debian package jq"
need_cmd exabgp "Debian package exabgp"
KB="$BUILD/bgp/kvte-bgp"
[ -x "$KB" ] || skip "$KB not built"

netns r4; netns ex2
link r4 et4 ex2 et1 100.65.0.16/31 100.65.0.17/31
ip -n "$(ns r4)" addr add fc00:ff::16/127 dev et4 nodad
ip -n "$(ns ex2)" addr add fc00:ff::17/127 dev et1 nodad
R4="ip netns exec $(ns r4)"
EX="ip netns exec $(ns ex2)"

# ---- etcd inside r4 ---------------------------------------------------------------
P=$(( (RANDOM % 20000) + 30000 ))
EP="http://127.0.0.1:$P"
etcd_up() {
  $R4 etcd --name "$TAG" --data-dir "$T/etcd.data" --listen-client-urls "$EP" \
    --advertise-client-urls "$EP" --listen-peer-urls "http://127.0.0.1:$((P + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((P + 1))" \
    --initial-cluster "$TAG=http://127.0.0.1:$((P + 1))" >>"$T/etcd.log" 2>&1 &
  ETCD_PID=$!; track $ETCD_PID
  wait_for 10 "etcd healthy" $R4 etcdctl --endpoints="$EP" --dial-timeout=1s endpoint health
}
ectl() { $R4 etcdctl --endpoints="$EP" "$@"; }
etcd_up || { fail "etcd did not start"; exit 1; }

# ---- configs ----------------------------------------------------------------------
cat > "$T/topo.json" <<EOF
{"domains":{"AS2":{"asn":65002},"AS3":{"asn":65003}},
 "nodes":{"r4":{"domain":"AS2","loopback":"192.168.50.4/32","loopback6":"fc00:0:4::1/128",
                "bgp":{"peers":[{"node":"ex2","peer_as":65003}]}},
          "ex2":{"domain":"AS3","loopback":"192.168.50.7/32",
                 "bgp":{"peers":[{"node":"r4","peer_as":65002}]}}},
 "links":[{"a":"r4:et4","b":"ex2:et1","a_addr":"100.65.0.16/31","b_addr":"100.65.0.17/31"}]}
EOF
"$KB" gen-config --node r4 --topology "$T/topo.json" --etcd "$EP" \
  --extra "--log-file $T/kvte-bgp.log --stale-grace 8 --queue-max 20" "$T/r4" >/dev/null \
  && ok "gen-config wrote r4's exabgp.conf/exabgp.env" || fail "gen-config"
if $R4 env "exabgp.tcp.bind=" exabgp --env "$T/r4/exabgp.env" --validate "$T/r4/exabgp.conf" >"$T/validate.out" 2>&1; then
  ok "exabgp --validate accepts the generated configuration"
else fail "exabgp --validate: $(tail -5 "$T/validate.out")"; fi

# the external peer: its own ExaBGP with a helper process (commands from a file,
# received messages to a file)
cat > "$T/peer.py" <<'EOF'
import os, sys, threading, time
cmds, recv = sys.argv[1], sys.argv[2]
def reader():
    with open(recv, "a") as out:
        for line in sys.stdin:
            out.write(line); out.flush()
    os._exit(0)
threading.Thread(target=reader, daemon=True).start()
pos = 0
while True:
    try:
        with open(cmds) as f:
            f.seek(pos); data = f.read(); pos = f.tell()
    except FileNotFoundError:
        data = ""
    for line in data.splitlines(True):
        if line.endswith("\n"):
            sys.stdout.write(line); sys.stdout.flush()
    time.sleep(0.05)
EOF
: > "$T/peer-cmds"
cat > "$T/ex2.conf" <<EOF
process peer {
    run /usr/bin/python3 $T/peer.py $T/peer-cmds $T/peer-recv.jsonl;
    encoder json;
}
neighbor 100.65.0.16 {
    router-id 192.168.50.7;
    local-address 100.65.0.17;
    local-as 65003;
    peer-as 65002;
    hold-time 9;
    family { ipv4 unicast; ipv6 unicast; }
    capability { route-refresh; }
    api peer {
        processes [ peer ];
        neighbor-changes;
        receive { parsed; update; }
    }
}
EOF
sed -e "s|pipename = .*|pipename = 'peer-$TAG'|" -e "s|^bind = .*|bind = '100.65.0.17'|" \
    -e "s|^destination = .*|destination = '$T/ex2-exabgp.log'|" "$T/r4/exabgp.env" > "$T/ex2.env"

start_peer() {
  $EX exabgp --env "$T/ex2.env" "$T/ex2.conf" >>"$T/ex2-stdout.log" 2>&1 &
  PEER_PID=$!; track $PEER_PID
}
peer_cmd() { echo "$*" >> "$T/peer-cmds"; }

$R4 exabgp --env "$T/r4/exabgp.env" "$T/r4/exabgp.conf" >"$T/r4-stdout.log" 2>&1 &
EXA_PID=$!; track $EXA_PID
start_peer

wait_for 20 "kvte-bgp started by ExaBGP" pgrep -P $EXA_PID -f kvte-bgp || fail "kvte-bgp not running under ExaBGP"
KB_PID=$(pgrep -P $EXA_PID -f kvte-bgp | head -1 || true)
[ -n "$KB_PID" ] && track "$KB_PID"
up_lines() { grep -c "peer 100.65.0.17 (AS 65003): down -> up" "$T/kvte-bgp.log" || true; }
wait_for 30 "session up" grep -q "peer 100.65.0.17 (AS 65003): down -> up" "$T/kvte-bgp.log" \
  && ok "BGP session r4 <-> ex2 up (kvte-bgp saw the state change)" || fail "session never came up"

# ---- received routes -> etcd --------------------------------------------------------
K=/kvte/bgp/routes
peer_cmd "announce route 10.42.2.0/24 next-hop self origin igp as-path [ 65003 64512 ] med 50 community [ 65003:100 no-export ] large-community [ 65003:1:2 ]"
peer_cmd "announce route 10.42.3.0/24 next-hop self origin incomplete"
peer_cmd "announce route 2001:db8:42::/48 next-hop fc00:ff::17 origin egp med 7"
has() { [ -n "$(ectl get "$1" --print-value-only)" ]; }
gone() { [ -z "$(ectl get "$1" --print-value-only)" ]; }
jq_is() { local v; v=$(ectl get "$1" --print-value-only) && [ -n "$v" ] && echo "$v" | jq -e "$2" >/dev/null; }
if wait_for 15 "10.42.2.0/24 in etcd" has $K/10.42.2.0_24/r4; then
  ectl get $K/10.42.2.0_24/r4 --print-value-only > "$T/route1.json"
  say "route: $(cat "$T/route1.json")"
  jq -e '.prefix == "10.42.2.0/24" and .node == "r4" and .peer == {"address":"100.65.0.17","asn":65003}
         and .external_next_hop == "100.65.0.17" and .protocol_next_hop == "192.168.50.4"
         and .origin == "igp" and (.as_path | .[-2:] == [65003,64512]) and .med == 50
         and .local_pref == 100 and .communities == ["65003:100","no-export"]
         and .large_communities == ["65003:1:2"]' "$T/route1.json" >/dev/null \
    && ok "bgp/routes/10.42.2.0_24/r4 carries the peer, next hops and every attribute" \
    || fail "route attributes: $(cat "$T/route1.json")"
else fail "10.42.2.0/24 never reached etcd"; fi
wait_for 10 "IPv6 route" jq_is $K/2001:db8:42::_48/r4 '.external_next_hop == "fc00:ff::17" and .protocol_next_hop == "fc00:0:4::1" and .origin == "egp" and .med == 7' \
  && ok "IPv6 route 2001:db8:42::/48: external next hop fc00:ff::17, protocol next hop r4's loopback6" \
  || fail "IPv6 route: $(ectl get $K/2001:db8:42::_48/r4 --print-value-only)"
wait_for 10 "10.42.3.0/24" jq_is $K/10.42.3.0_24/r4 '.origin == "incomplete"' || fail "10.42.3.0/24 missing"
ectl get $K/10.42.3.0_24/r4 --print-value-only > "$T/route2.json"
ectl get $K/2001:db8:42::_48/r4 --print-value-only > "$T/route3.json"
if validate bgp-route "$T/route1.json" "$T/route2.json" "$T/route3.json" >/dev/null; then
  ok "the three values validate against schemas/bgp-route.schema.json"
else fail "schema: $(validate bgp-route "$T"/route?.json 2>&1 | grep FAIL)"; fi

peer_cmd "withdraw route 10.42.3.0/24"
wait_for 10 "withdrawn" gone $K/10.42.3.0_24/r4 && has $K/10.42.2.0_24/r4 \
  && ok "peer's withdrawal deleted bgp/routes/10.42.3.0_24/r4 (and only it)" || fail "withdraw"

# ---- announcements -> the peer ------------------------------------------------------
A=/kvte/bgp/announce/r4
received() {  # received PREFIX JQ-FILTER-ON-UPDATE: the peer got an announce of PREFIX
  [ -f "$T/peer-recv.jsonl" ] && grep '"type": "update"' "$T/peer-recv.jsonl" | jq -e -s --arg p "$1" \
    "[.[] | .neighbor.message.update | select(.announce != null) |
      select([.announce[][][]? | .nlri] | index(\$p)) | .attribute | $2] | any" >/dev/null 2>&1
}
withdrawn() {
  [ -f "$T/peer-recv.jsonl" ] && grep '"type": "update"' "$T/peer-recv.jsonl" | jq -e -s --arg p "$1" \
    '[.[] | .neighbor.message.update.withdraw // empty | .[][] | .nlri] | index($p) != null' >/dev/null 2>&1
}
ectl put $A/192.168.50.0_24 '{"prefix":"192.168.50.0/24","next_hop":"self","med":7,"as_path":[65002],"communities":["65002:100"],"large_communities":["65002:0:1"]}' >/dev/null
wait_for 15 "peer received 192.168.50.0/24" received 192.168.50.0/24 \
  '.med == 7 and (.community == [[65002,100]]) and (.["large-community"] == [[65002,0,1]]) and ((.["as-path"] // []) | index(65002) != null)' \
  && ok "bgp/announce/r4/192.168.50.0_24 reached the peer with MED, AS path, communities" \
  || fail "peer did not receive the announcement: $(tail -3 "$T/peer-recv.jsonl" 2>/dev/null)"

# malformed keys: specific errors, nothing else lost
ectl put $A/10.1.0.0_24 '{"prefix":"10.1.0.0/24","next_hop":"self","bandwith":1}' >/dev/null
ectl put $A/10.1.1.0_24 '{"prefix":"10.1.9.0/24","next_hop":"self"}' >/dev/null
ectl put $A/10.1.2.0_24 'not json' >/dev/null
ectl put $A/10.1.3.0_24 '{"prefix":"10.1.3.0/24","next_hop":"self","peers":["10.9.9.9"]}' >/dev/null
ectl put $A/10.1.4.0_24 '{"prefix":"10.1.4.0/24","next_hop":"self","med":44}' >/dev/null
wait_for 10 "unknown field logged" grep -q "$A/10.1.0.0_24: (root): unknown field \"bandwith\"" "$T/kvte-bgp.log" \
  && ok "unknown field rejected: $(grep -o "$A/10.1.0.0_24: (root): unknown field [^ ]*" "$T/kvte-bgp.log" | head -1)" \
  || fail "no specific error for the unknown field: $(grep 10.1.0.0_24 "$T/kvte-bgp.log" | head -2)"
# each key is its own watch event: the first one's line says nothing about the others
wait_for 10 "mismatch logged" grep -q "$A/10.1.1.0_24: prefix: 10.1.9.0/24 differs from the key's 10.1.1.0/24" "$T/kvte-bgp.log" \
  && ok "prefix/key mismatch rejected with both prefixes named" || fail "no mismatch error"
wait_for 10 "JSON error logged" grep -q "$A/10.1.2.0_24:1:[0-9]*: .* expected near 'not'" "$T/kvte-bgp.log" && ok "non-JSON value rejected with its position" \
  || fail "no JSON error: $(grep 10.1.2.0_24 "$T/kvte-bgp.log" | head -2)"
wait_for 10 "rejected command logged" grep -q "ExaBGP rejected the command for $A/10.1.3.0_24: neighbor 10.9.9.9 announce route 10.1.3.0/24" "$T/kvte-bgp.log" \
  && ok "a command ExaBGP answers 'error' to is logged with its key" \
  || fail "no ack error line: $(grep -i reject "$T/kvte-bgp.log" | head -3)"
wait_for 10 "valid key after the bad ones" received 10.1.4.0/24 '.med == 44' \
  && ok "the valid announcement next to the bad ones still reached the peer" || fail "10.1.4.0/24 lost"
received 10.1.0.0/24 'true' || received 10.1.9.0/24 'true' || received 10.1.1.0/24 'true' \
  && fail "a malformed announcement was sent" || ok "no malformed announcement was sent"
ectl del $A/10.1.4.0_24 >/dev/null
wait_for 10 "withdraw reached the peer" withdrawn 10.1.4.0/24 \
  && ok "deleting bgp/announce/r4/10.1.4.0_24 withdrew it at the peer" || fail "no withdraw at the peer"

# ---- originate --------------------------------------------------------------------
ectl put /kvte/bgp/originate/r4/100.65.0.16_31 '{"prefix":"100.65.0.16/31"}' >/dev/null
wait_for 10 "originated" jq_is $K/100.65.0.16_31/r4 '.peer == {"address":"192.168.50.4","asn":65002} and .protocol_next_hop == "192.168.50.4"' \
  && ok "bgp/originate/r4/100.65.0.16_31 published as bgp/routes/100.65.0.16_31/r4 (own AS, loopback)" \
  || fail "originate: $(ectl get $K/100.65.0.16_31/r4 --print-value-only)"

# ---- etcd down: sessions stay, reconcile when it returns ----------------------------
kill "$ETCD_PID"; wait "$ETCD_PID" 2>/dev/null || true
peer_cmd "withdraw route 10.42.2.0/24"
peer_cmd "announce route 10.42.4.0/24 next-hop self med 4"
for i in $(seq 0 29); do peer_cmd "announce route 10.43.$i.0/24 next-hop self"; done
wait_for 15 "queue overflow logged" grep -q "queue full: " "$T/kvte-bgp.log" \
  && ok "etcd down: $(grep -o 'queue full: [^;]*' "$T/kvte-bgp.log" | head -1)" || fail "no queue-full line"
sleep 2
[ "$(grep -c "down -> up\|up -> down" "$T/kvte-bgp.log")" -eq 1 ] && kill -0 "$EXA_PID" \
  && ok "etcd down: the BGP session stayed up" || fail "session flapped while etcd was down"
etcd_up
wait_for 20 "reconciled" bash -c "[ -n \"\$($R4 etcdctl --endpoints=$EP get $K/10.42.4.0_24/r4 --print-value-only)\" ] && [ -z \"\$($R4 etcdctl --endpoints=$EP get $K/10.42.2.0_24/r4 --print-value-only)\" ]" \
  && ok "etcd back: the route learned meanwhile is written, the one withdrawn meanwhile removed" \
  || fail "reconcile: $(ectl get --prefix $K/ --keys-only | grep -c .) keys"
count_r4() { ectl get --prefix $K/ --keys-only | grep -c '/r4$' || true; }
# 2001:db8:42::/48, 10.42.4.0/24, 30 x 10.43.x.0/24, the originated /31
wait_for 10 "all 33 keys" bash -c "[ \$($R4 etcdctl --endpoints=$EP get --prefix $K/ --keys-only | grep -c '/r4\$') -eq 33 ]" \
  && ok "etcd back: all 33 of r4's keys present after the queue overflow" || fail "keys after reconcile: $(count_r4)"

# ---- peer killed: every route from it removed; back: announcements re-sent -----------
kill "$PEER_PID"; wait "$PEER_PID" 2>/dev/null || true
wait_for 15 "peer's routes gone" bash -c "[ \$($R4 etcdctl --endpoints=$EP get --prefix $K/ --keys-only | grep -c '/r4\$') -eq 1 ]" \
  && has $K/100.65.0.16_31/r4 \
  && ok "peer killed: all 32 of its routes removed, the originated one kept" \
  || fail "after the peer died: $(ectl get --prefix $K/ --keys-only | grep /r4 | head -5)"
grep -q "routes removed" "$T/kvte-bgp.log" && ok "$(grep -o 'peer 100.65.0.17 (AS 65003): [0-9]* routes removed' "$T/kvte-bgp.log" | tail -1)" || fail "no removal line"
mv "$T/peer-recv.jsonl" "$T/peer-recv-1.jsonl"
: > "$T/peer-cmds"
start_peer
wait_for 30 "session back" bash -c "[ \$(grep -c 'peer 100.65.0.17 (AS 65003): down -> up' $T/kvte-bgp.log) -ge 2 ]" \
  && wait_for 10 "re-sent" received 192.168.50.0/24 '.med == 7' \
  && grep -q "peer 100.65.0.17 up: [0-9]* announcements sent again" "$T/kvte-bgp.log" \
  && ok "session back: announcements sent again and received by the peer" || fail "re-announce after reconnect"

grep -q "ERROR.*sanitizer\|runtime error" "$T/kvte-bgp.log" && fail "sanitizer report in kvte-bgp's log" || true
kill "$EXA_PID"; wait "$EXA_PID" 2>/dev/null || true
if [ -n "$KB_PID" ]; then
  wait_for 10 "kvte-bgp exits with ExaBGP" bash -c "! kill -0 $KB_PID 2>/dev/null" \
    && ok "kvte-bgp exited when ExaBGP stopped" || fail "kvte-bgp still running"
fi
finish
