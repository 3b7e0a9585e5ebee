#!/usr/bin/env bash
# test_agent — kvte-agents in network namespaces against a real etcd, driven by the keys
# the test writes (no speakers, no controller):
#
#   a =et1====et1= b -et2----et1- c        a-b: two parallel links (ECMP)
#   lo 10.255.0.1     lo 10.255.0.2  lo 10.255.0.3
#
# Checks: IGP routes from rib/<node>/isis/ reach each kernel with kvte's protocol
# (222), ECMP as multipath, and a ping a -> c's loopback crosses b; a static route from
# config/static/; a BGP route resolves recursively over the IGP at a (via b) and over
# the external next hop at the border node c itself; the best of two border nodes by
# local preference; a bad value is ignored with a specific error in state/<node>/agent
# and nothing else changes; deleting a key removes its route; restarting the agent under
# a ping stream loses no packet and sends no change; etcd down → every route stays,
# and changes made meanwhile land when it returns; carrier loss on one ECMP link →
# local repair drops that next hop at once (last_repair in the state); a TE tunnel is
# installed with SRv6 encapsulation, or — on a kernel without seg6 lwtunnels — refused
# with that reason in the state; stale kvte routes in the kernel are removed at start.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
AGT="$BUILD/fib-agent/kvte-agent"
[ -x "$AGT" ] || skip "$AGT not built"

for n in a b c; do netns $n; done
link a et1 b et1 100.64.0.0/31 100.64.0.1/31
link a et2 b et3 100.64.0.2/31 100.64.0.3/31
link b et2 c et1 100.64.0.4/31 100.64.0.5/31
ip -n "$(ns a)" addr add 10.255.0.1/32 dev lo
ip -n "$(ns b)" addr add 10.255.0.2/32 dev lo
ip -n "$(ns c)" addr add 10.255.0.3/32 dev lo
etcd_start

# a stale kvte route at a, left by an earlier run: the agent removes it at start
ip -n "$(ns a)" route add 10.99.0.0/24 via 100.64.0.1 proto 222

start_agent() {
  "$AGT" --node "$1" --netns "$(ns "$1")" -e "$EP" --lease-ttl 3 >>"$T/$1.log" 2>&1 &
  eval "PID_$1=$!"; track $!
}
isis() {  # isis NODE PREFIX METRIC IF:ADDR...
  local node=$1 p=$2 m=$3; shift 3
  local nhs="" sep=""
  for x in "$@"; do nhs="$nhs$sep{\"interface\":\"${x%%:*}\",\"address\":\"${x#*:}\"}"; sep=","; done
  ectl put "/kvte/rib/$node/isis/${p/\//_}" "{\"prefix\":\"$p\",\"metric\":$m,\"level\":2,\"next_hops\":[$nhs]}" >/dev/null
}
isis a 10.255.0.2/32 10 et1:100.64.0.1 et2:100.64.0.3
isis a 10.255.0.3/32 20 et1:100.64.0.1 et2:100.64.0.3
isis a 100.64.0.4/31 20 et1:100.64.0.1 et2:100.64.0.3
isis b 10.255.0.1/32 10 et1:100.64.0.0 et3:100.64.0.2
isis b 10.255.0.3/32 10 et2:100.64.0.5
isis c 10.255.0.1/32 20 et1:100.64.0.4
isis c 10.255.0.2/32 10 et1:100.64.0.4
isis c 100.64.0.0/31 20 et1:100.64.0.4
for n in a b c; do start_agent $n; done

kroute() { ip -n "$(ns "$1")" route show "$2" proto 222; }
wait_for 30 "a's routes" bash -c "ip -n $(ns a) route show 10.255.0.3 proto 222 | grep -q nexthop" \
  && ok "a: 10.255.0.3/32 installed with kvte's protocol as ECMP over et1 and et2: $(kroute a 10.255.0.3 | tr -s '\n\t ' ' ')" \
  || fail "a's route: $(ip -n "$(ns a)" route)"
[ -z "$(kroute a 10.99.0.0/24)" ] && ok "a stale kvte route was removed at start" || fail "stale route kept"
wait_for 20 "ping a -> c" ip netns exec "$(ns a)" ping -c1 -W1 -I 10.255.0.1 10.255.0.3 \
  && ok "ping from a's loopback to c's crosses b" || fail "ping a -> c"

# static
ectl put /kvte/config/static/c/10.77.0.0_16 '{"prefix":"10.77.0.0/16","next_hops":[{"interface":"et1","address":"100.64.0.4"}]}' >/dev/null
wait_for 5 "static" bash -c "ip -n $(ns c) route show 10.77.0.0/16 proto 222 | grep -q 'via 100.64.0.4'" \
  && ok "c: static route from config/static/c/" || fail "static: $(kroute c 10.77.0.0/16)"

# BGP: c is the border node for 10.42.2.0/24 (external next hop 100.64.0.4 stands in
# for its peer); a resolves the protocol next hop 10.255.0.3 over the IGP
bgp() {  # bgp PREFIX NODE PNH ENH LOCALPREF
  ectl put "/kvte/bgp/routes/${1/\//_}/$2" "{\"prefix\":\"$1\",\"node\":\"$2\",\"peer\":{\"address\":\"$4\",\"asn\":65003},\"external_next_hop\":\"$4\",\"protocol_next_hop\":\"$3\",\"origin\":\"igp\",\"as_path\":[65003],\"local_pref\":$5,\"learned_at\":\"2026-12-06T12:00:00.000Z\"}" >/dev/null
}
bgp 10.42.2.0/24 c 10.255.0.3 100.64.0.4 100
wait_for 5 "bgp at a" bash -c "ip -n $(ns a) route show 10.42.2.0/24 proto 222 | grep -q nexthop" \
  && ok "a: BGP 10.42.2.0/24 resolved over the IGP route to 10.255.0.3 (ECMP via b)" || fail "bgp at a: $(kroute a 10.42.2.0/24)"
wait_for 5 "bgp at c" bash -c "ip -n $(ns c) route show 10.42.2.0/24 proto 222 | grep -q 'via 100.64.0.4'" \
  && ok "c (the border node): BGP route via its external next hop" || fail "bgp at c: $(kroute c 10.42.2.0/24)"
bgp 10.42.2.0/24 b 10.255.0.2 100.64.0.1 200
best_b() { [ "$(kroute c 10.42.2.0/24 | awk '{print $3}')" = "100.64.0.4" ] && ip -n "$(ns b)" route show 10.42.2.0/24 proto 222 | grep -q 'via 100.64.0.1'; }
wait_for 5 "b best" best_b && ok "two border nodes: local preference 200 (b) wins; b itself uses its external next hop" \
  || fail "best path: b: $(kroute b 10.42.2.0/24) c: $(kroute c 10.42.2.0/24)"
ectl del /kvte/bgp/routes/10.42.2.0_24/b >/dev/null

# a bad value: ignored with a specific error, nothing else changes
before=$(ip -n "$(ns a)" route show proto 222 | sort)
ectl put /kvte/rib/a/isis/10.255.0.9_32 '{"prefix":"10.255.0.9/32","metric":"ten","level":2,"next_hops":[]}' >/dev/null
wait_for 5 "error in state" jq_is /kvte/state/a/agent '.last_error.key == "/kvte/rib/a/isis/10.255.0.9_32" and (.last_error.message | test("metric"))' \
  && ok "bad value rejected: $(jq -r .last_error.message <<<"$(eget /kvte/state/a/agent)")" || fail "no error in state: $(eget /kvte/state/a/agent)"
[ "$(ip -n "$(ns a)" route show proto 222 | sort)" = "$before" ] && ok "no route changed" || fail "routes changed"

# delete a key: its route goes
ectl del /kvte/rib/a/isis/100.64.0.4_31 >/dev/null
wait_for 5 "route removed" bash -c "[ -z \"\$(ip -n $(ns a) route show 100.64.0.4/31 proto 222)\" ]" \
  && ok "deleting rib/a/isis/100.64.0.4_31 removed it from a's kernel" || fail "still there"

# restart under traffic: no packet lost, nothing re-sent
ip netns exec "$(ns a)" ping -q -i 0.01 -c 400 -I 10.255.0.1 10.255.0.3 > "$T/ping-restart.txt" 2>&1 &
PING=$!; track $PING
sleep 0.5
kill $PID_a; wait $PID_a 2>/dev/null || true
start_agent a
# the log is appended to: the restarted agent's line is the second one
wait_for 30 "a reconciled" bash -c "[ \$(grep -c 'every watch has its snapshot' '$T/a.log') -ge 2 ]"
wait $PING || true
loss=$(grep -o '[0-9.]*% packet loss' "$T/ping-restart.txt")
[ "$loss" = "0% packet loss" ] && ok "agent restarted under a 100 pps stream: $loss" || fail "restart: $(cat "$T/ping-restart.txt")"
sleep 0.5
[ "$(grep -c 'update: .* added' "$T/a.log")" -ge 1 ] && ! tail -5 "$T/a.log" | grep -q "update: [1-9][0-9]* added" \
  && ok "the restarted agent found the kernel as it should be (no route added)" || fail "restart re-sent routes: $(grep 'update:' "$T/a.log" | tail -2)"

# etcd down: routes stay; a change made meanwhile lands when it returns
etcd_stop
sleep 1
ip netns exec "$(ns a)" ping -c1 -W1 -I 10.255.0.1 10.255.0.3 >/dev/null && [ -n "$(kroute a 10.255.0.3)" ] \
  && ok "etcd down: a's routes stay, traffic flows" || fail "routes lost without etcd"
etcd_restart
isis a 10.255.0.8/32 30 et1:100.64.0.1
wait_for 15 "change after etcd came back" bash -c "ip -n $(ns a) route show 10.255.0.8 proto 222 | grep -q via" \
  && ok "etcd back: a new route is installed" || fail "after etcd: $(kroute a 10.255.0.8)"
wait_for 10 "state connected" jq_is /kvte/state/a/agent '.connected == true' && ok "state/a/agent connected again" || fail "state: $(eget /kvte/state/a/agent)"

# local repair: et2 loses carrier, the ECMP route drops that next hop at once
ip -n "$(ns b)" link set et3 down
wait_for 5 "repair" jq_is /kvte/state/a/agent '.last_repair.link == "a:et2" and .last_repair.entries >= 2' \
  && ok "local repair: $(jq -c .last_repair <<<"$(eget /kvte/state/a/agent)")" || fail "repair: $(eget /kvte/state/a/agent)"
kroute a 10.255.0.3 | grep -q "nexthop" && fail "10.255.0.3 still multipath: $(kroute a 10.255.0.3)" \
  || ok "a -> 10.255.0.3 now only via et1: $(kroute a 10.255.0.3)"
grep -m1 "local repair:" "$T/a.log" | sed 's/^.*INFO  /# /'
ip -n "$(ns b)" link set et3 up

# a TE tunnel: SRv6 head-end, or refused with the reason where the kernel lacks seg6
ectl put /kvte/rib/a/te/a-to-c '{"lsp":"a-to-c","to":"c","destinations":["10.255.0.3/32"],"dataplane":"srv6","segments":["fc00:0:2:e002::","fc00:0:3:d4::"],"first_hop":{"interface":"et1","address":"100.64.0.1","neighbor":"b"},"metric":20}' >/dev/null
if grep -q "seg6 refused\|SRv6 encapsulation not available" "$T/a.log"; then
  wait_for 5 "refusal in state" jq_is /kvte/state/a/agent '.last_error.message | test("not installed.*SRv6")' \
    && ok "TE tunnel refused on this kernel with the reason: $(jq -r .last_error.message <<<"$(eget /kvte/state/a/agent)")" || fail "no refusal: $(eget /kvte/state/a/agent)"
  kroute a 10.255.0.3 | grep -q "via 100.64.0.1" && kroute a 10.42.2.0/24 | grep -q "via 100.64.0.1" \
    && ok "the refused tunnel shadows nothing: 10.255.0.3 and the BGP route stay on the IGP path" \
    || fail "routes lost to a refused tunnel: $(ip -n "$(ns a)" route show proto 222)"
  echo "# SRv6 head-end not exercised: this kernel lacks CONFIG_IPV6_SEG6_LWTUNNEL" >&2
else
  wait_for 5 "seg6 route" bash -c "ip -n $(ns a) route show 10.255.0.3 proto 222 | grep -q 'encap seg6'" \
    && ok "TE tunnel: 10.255.0.3 via SRv6 H.Encaps: $(kroute a 10.255.0.3)" || fail "TE: $(kroute a 10.255.0.3)"
fi
grep -q "AddressSanitizer\|runtime error" "$T"/[abc].log && fail "sanitizer reports in the agents' logs" || ok "no sanitizer reports"
finish
