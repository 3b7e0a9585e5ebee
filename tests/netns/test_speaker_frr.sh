#!/usr/bin/env bash
# test_speaker_frr — kvte-speaker against FRR's isisd (a real IS-IS nobody here wrote),
# in two network namespaces:   kvte (r1, 192.168.50.1) --- et1/eth-kvte --- frr (10.255.0.2)
#
# Checks: the three-way adjacency comes up on both sides; FRR's LSDB holds our LSP with
# our hostname and TE attributes; FRR installs a kernel route to our loopback; our
# etcd holds FRR's LSP (decoded, hostname "frr"), FRR's TE link attributes and r1's
# route to FRR's loopback, and FRR's SPF agrees with ours; when FRR stops, our
# adjacency goes down by hold-timer expiry and the route is withdrawn.
# Facts about running FRR in namespaces: shared/notes/frr-in-namespaces.md.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
[ -x /usr/lib/frr/isisd ] && [ -x /usr/lib/frr/zebra ] || skip "FRR not installed (Debian package frr)"
id frr >/dev/null 2>&1 || skip "FRR's user frr does not exist"
SPK="$BUILD/speaker/kvte-speaker"
[ -x "$SPK" ] || skip "$SPK not built"

netns kvte; netns frr
link kvte et1 frr eth-kvte 10.0.12.0/31 10.0.12.1/31
ip -n "$(ns frr)" addr add 10.255.0.2/32 dev lo
etcd_start

chmod 711 "$T"   # FRR drops privileges to frr: it must reach its directory
R="$T/frr"; mkdir -p "$R"; chown frr:frr "$R"
cat > "$R/zebra.conf" <<EOC
hostname frr
log file $R/zebra.log informational
EOC
cat > "$R/isisd.conf" <<EOC
hostname frr
log file $R/isisd.log informational
interface lo
 ip router isis CORE
 isis passive
interface eth-kvte
 ip router isis CORE
 isis circuit-type level-2-only
 isis network point-to-point
 isis metric 10
 isis hello-interval 1
 isis hello-multiplier 3
router isis CORE
 net 49.0002.0000.0000.0002.00
 lsp-gen-interval 1
 is-type level-2-only
 metric-style wide
 log-adjacency-changes
 mpls-te on
 mpls-te router-address 10.255.0.2
EOC
chown frr:frr "$R"/*.conf
ip netns exec "$(ns frr)" /usr/lib/frr/zebra -d -u frr -g frr -P 0 --vty_socket "$R" \
  -z "$R/zserv.api" -f "$R/zebra.conf" -i "$R/zebra.pid" -s 90000000 --log-level info
wait_for 10 "zebra socket" test -S "$R/zserv.api"
ip netns exec "$(ns frr)" /usr/lib/frr/isisd -d -u frr -g frr -P 0 --vty_socket "$R" \
  -z "$R/zserv.api" -f "$R/isisd.conf" -i "$R/isisd.pid" --log-level info
wait_for 10 "isisd pid" test -s "$R/isisd.pid"
track "$(cat "$R/zebra.pid")"; track "$(cat "$R/isisd.pid")"
vty() { vtysh --vty_socket "$R" -c "$1"; }

cat > "$T/r1.json" <<EOC
{"hostname":"r1","router_id":"192.168.50.1","area":"49.0002","hello_interval":1,
 "srv6":{"locator":"fc00:0:1::/48"},"loopbacks":["192.168.50.1/32"],
 "interfaces":[{"name":"et1","metric":10,
   "te":{"te_metric":51,"max_bandwidth":"10G","reservable_bandwidth":"8G","delay_us":2000}}]}
EOC
"$SPK" --netns "$(ns kvte)" -c "$T/r1.json" -e "$EP" --lease-ttl 4 >"$T/r1.log" 2>&1 &
SPK_PID=$!; track $SPK_PID

frr_nbr_up() { vty "show isis neighbor" | grep -q "eth-kvte.*Up"; }
wait_for 20 "FRR sees the adjacency Up" frr_nbr_up && ok "FRR: adjacency with kvte Up" \
  || fail "FRR adjacency: $(vty 'show isis neighbor')"
wait_for 10 "kvte adjacency up" jq_is /kvte/speakers/r1 '.adjacencies[0].state == "up" and .adjacencies[0].neighbor == "frr"' \
  && ok "kvte: adjacency with frr up (speakers/r1 names it by FRR's hostname)" || fail "kvte adjacency: $(eget /kvte/speakers/r1)"
frr_has_lsp() { vty "show isis database detail r1.00-00" | grep -q "Hostname: r1"; }
wait_for 10 "our LSP in FRR's LSDB" frr_has_lsp && ok "FRR's LSDB holds r1.00-00 with hostname r1" \
  || fail "FRR LSDB: $(vty 'show isis database')"
vty "show isis database detail r1.00-00" > "$T/frr-r1-lsp.txt"
grep -q "Traffic Engineering Metric: 51" "$T/frr-r1-lsp.txt" && grep -q "Maximum Bandwidth: 1.25e+09" "$T/frr-r1-lsp.txt" \
  && ok "FRR decodes our TE sub-TLVs (TE metric 51, max bandwidth 1.25e9 bytes/s)" || fail "TE in FRR: $(cat "$T/frr-r1-lsp.txt")"
wait_for 10 "FRR kernel route to our loopback" bash -c "ip -n $(ns frr) route show 192.168.50.1 | grep -q 'via 10.0.12.0'" \
  && ok "FRR installed 192.168.50.1 via 10.0.12.0 in its kernel" || fail "FRR route: $(ip -n "$(ns frr)" route)"
# FRR's TE link attributes (pushed after its circuit is up, then the adjacency reset:
# pitfall P1 of the notes) must appear in kvte's TED
cat > "$R/link-params.vtysh" <<EOC
interface eth-kvte
 link-params
  enable
  metric 20
  max-bw 1.25e+09
  max-rsv-bw 1e+09
  admin-grp 0x1
  delay 1000 min 900 max 1100
 exit-link-params
exit
EOC
vtysh --vty_socket "$R" -f "$R/link-params.vtysh" >/dev/null
vty "clear isis neighbor" >/dev/null
FRR_LSP=/kvte/ted/lsp/0000.0000.0002.00-00
wait_for 20 "FRR's TE attributes in etcd" jq_is $FRR_LSP '[.is_reach[] | select(.neighbor == "1921.6805.0001.00")][0] |
    .te_metric == 20 and .admin_group == 1 and .max_bandwidth == 10000000000 and .delay_us == 1000 and
    .min_delay_us == 900 and .max_delay_us == 1100 and .remote_address == "10.0.12.0"' \
  && ok "kvte's TED has FRR's TE link attributes (TE metric 20, admin group 0x1, 10 Gb/s, delay 1000/900/1100 us)" \
  || fail "FRR TE in etcd: $(eget $FRR_LSP | jq -c '.is_reach')"
wait_for 20 "adjacency back after clear" frr_nbr_up || true
wait_for 10 "FRR's LSP in etcd" jq_is $FRR_LSP '.hostname == "frr" and (.ip_reach | map(.prefix) | index("10.255.0.2/32") != null)' \
  && ok "etcd: FRR's LSP decoded (hostname frr, 10.255.0.2/32)" || fail "FRR LSP in etcd: $(eget $FRR_LSP)"
eget $FRR_LSP > "$T/frr-lsp.json"
validate ted-lsp "$T/frr-lsp.json" >/dev/null && ok "FRR's LSP as kvte publishes it validates against ted-lsp" \
  || fail "$(validate ted-lsp "$T/frr-lsp.json")"
R2=/kvte/rib/r1/isis/10.255.0.2_32
wait_for 10 "r1 route to FRR" jq_is $R2 '.metric == 20 and .next_hops[0].address == "10.0.12.1" and .next_hops[0].neighbor == "frr"' \
  && ok "kvte SPF: 10.255.0.2/32 via 10.0.12.1 (frr), metric 20" || fail "route: $(eget $R2)"

# routes agree: FRR reaches our loopback over the same link at the metric we advertise
# (FRR runs its own SPF after the adjacency came back from the clear: wait for it)
frr_route() { vty "show isis route" > "$T/frr-routes.txt" && grep -q "192.168.50.1/32 *10 *eth-kvte *10.0.12.0" "$T/frr-routes.txt"; }
wait_for 10 "FRR's SPF route to our loopback" frr_route \
  && ok "FRR's SPF: 192.168.50.1/32 metric 10 via eth-kvte 10.0.12.0 (our loopback at metric 0 + link 10)" \
  || fail "FRR routes: $(cat "$T/frr-routes.txt")"

kill "$(cat "$R/isisd.pid")"
# isisd says goodbye with a hello in three-way state Down (→ Initializing), then falls
# silent (→ Down when the hold time runs out)
wait_for 10 "hold time expiry" grep -q "et1: .* -> Down (event hold_expired" "$T/r1.log" \
  && ok "FRR stopped: kvte's adjacency left Up ($(grep -m1 -o 'et1: Up -> [A-Za-z]* (event [a-z_]*' "$T/r1.log")) and expired on its hold timer" \
  || fail "no hold expiry: $(grep 'adj:' "$T/r1.log" | tail -3)"
wait_for 10 "route withdrawn" bash -c "! etcdctl --endpoints=$EP get $R2 --keys-only | grep -q ." \
  && ok "route to FRR's loopback withdrawn from etcd" || fail "route still there"
finish
