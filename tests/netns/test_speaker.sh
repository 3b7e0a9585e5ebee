#!/usr/bin/env bash
# test_speaker — three kvte-speakers in network namespaces, a real etcd, real veths.
#
#        r1 ---10--- r2
#          \         /
#           30     10
#             \   /
#              r3
#
# Checks: adjacencies come up (speakers/<node>, leased); every LSP lands in ted/lsp/ and
# validates against its schema; r1's IGP route to r3's loopback goes via r2 (metric 20)
# and its End.X SIDs are published; carrier loss on r1-r2 moves the route to the direct
# link at once; a malformed IS-IS frame is rejected with a specific reason and changes
# nothing; etcd down → IS-IS keeps running, and the keys catch up when etcd returns;
# a stopped speaker's speakers/<node> key vanishes.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd etcdctl "Debian package etcd-client"
need_cmd jq "Debian package jq"
SPK="$BUILD/speaker/kvte-speaker"
[ -x "$SPK" ] || skip "$SPK not built"

for n in r1 r2 r3; do netns $n; done
link r1 et2 r2 et1 100.65.0.0/31 100.65.0.1/31
link r2 et3 r3 et2 100.65.0.2/31 100.65.0.3/31
link r1 et3 r3 et1 100.65.0.4/31 100.65.0.5/31
etcd_start

cfg() {  # cfg NODE N IFACE:METRIC...
  local node=$1 n=$2; shift 2
  local ifs="" sep=""
  for i in "$@"; do
    ifs="$ifs$sep{\"name\":\"${i%%:*}\",\"metric\":${i##*:},\"te\":{\"te_metric\":${i##*:},\"max_bandwidth\":\"1G\",\"delay_us\":1000,\"admin_groups\":[\"red\"],\"srlgs\":[10$n]}}"
    sep=","
  done
  cat > "$T/$node.json" <<EOC
{"hostname":"$node","router_id":"192.168.50.$n","area":"49.0002","hello_interval":1,
 "srv6":{"locator":"fc00:0:$n::/48"},"loopbacks":["192.168.50.$n/32","fc00:0:$n::1/128"],
 "interfaces":[$ifs]}
EOC
}
cfg r1 1 et2:10 et3:30
cfg r2 2 et1:10 et3:10
cfg r3 3 et2:10 et1:30
echo '{"groups":{"red":0,"blue":1}}' > "$T/groups.json"
start_speaker() {
  "$SPK" --netns "$(ns "$1")" -c "$T/$1.json" -g "$T/groups.json" -e "$EP" --lease-ttl 4 \
    --csnp-interval 2000 >>"$T/$1.log" 2>&1 &
  eval "PID_$1=$!"; track $!
}
for n in r1 r2 r3; do start_speaker $n; done

adjs_up() { jq_is "/kvte/speakers/$1" "[.adjacencies[] | select(.state == \"up\")] | length == $2"; }
if wait_for 15 "all adjacencies up" bash -c "$(declare -f jq_is eget ectl adjs_up); EP=$EP; adjs_up r1 2 && adjs_up r2 2 && adjs_up r3 2"; then
  ok "adjacencies up on r1, r2, r3 (speakers/<node>)"
else fail "adjacencies"; fi

lsps() { [ "$(ectl get --prefix /kvte/ted/lsp/ --keys-only | grep -c .)" -eq "$1" ]; }
wait_for 10 "3 LSPs in etcd" lsps 3 && ok "ted/lsp holds the 3 LSPs" || fail "ted/lsp count"
for id in 1921.6805.0001.00-00 1921.6805.0002.00-00 1921.6805.0003.00-00; do
  eget /kvte/ted/lsp/$id > "$T/lsp-$id.json"
done
eget /kvte/speakers/r1 > "$T/speaker-r1.json"
if validate ted-lsp "$T"/lsp-*.json >/dev/null && validate speaker "$T/speaker-r1.json" >/dev/null; then
  ok "ted-lsp and speaker values validate against their schemas"
else fail "schema validation: $(validate ted-lsp "$T"/lsp-*.json 2>&1 | grep FAIL)"; fi
jq -e '.hostname == "r1" and (.is_reach | length == 2) and
       ([.is_reach[] | select(.neighbor == "1921.6805.0002.00")][0] |
        .te_metric == 10 and .admin_group == 1 and .srlgs == [101] and
        .local_address == "100.65.0.0" and .remote_address == "100.65.0.1" and
        .end_x_sids[0].sid == "fc00:0:1:e001::")' "$T/lsp-1921.6805.0001.00-00.json" >/dev/null \
  && ok "r1's LSP carries TE attributes, SRLG and End.X SID" || fail "r1 LSP content: $(cat "$T/lsp-1921.6805.0001.00-00.json")"

R13=/kvte/rib/r1/isis/192.168.50.3_32
wait_for 10 "r1 route to r3 via r2" jq_is $R13 '.metric == 20 and .next_hops == [{"interface":"et2","address":"100.65.0.1","neighbor":"r2"}]' \
  && ok "r1 -> 192.168.50.3/32 via r2 (et2), metric 20" || fail "r1 route: $(eget $R13)"
wait_for 5 "r1 End.X SIDs" jq_is /kvte/rib/r1/sid/fc00:0:1:e002:: '.behavior == "End.X" and .interface == "et3" and .neighbor == "r3" and (.nh6 | startswith("fe80:"))' \
  && ok "r1's End.X SID toward r3 in rib/r1/sid/" || fail "End.X SID: $(ectl get --prefix /kvte/rib/r1/sid/)"

# carrier loss: the route moves to the direct link
t0=$(date +%s%N)
ip -n "$(ns r1)" link set et2 down
if wait_for 5 "route via et3" jq_is $R13 '.metric == 30 and .next_hops[0].interface == "et3"'; then
  ok "r1-r2 down: r1 -> r3 now direct, metric 30 ($(( ($(date +%s%N) - t0) / 1000000 )) ms to etcd)"
else fail "reroute: $(eget $R13)"; fi
grep -q "et2: Up -> Down (event carrier_down" "$T/r1.log" && ok "adjacency down logged with its reason" || fail "no carrier_down line"
ip -n "$(ns r1)" link set et2 up
wait_for 10 "route back via r2" jq_is $R13 '.metric == 20' && ok "r1-r2 back: route via r2 again" || fail "route back: $(eget $R13)"

# a malformed frame: 802.3 + LLC + a truncated LSP header, sent from r2 into r1's et2
/usr/bin/python3 - "$(ns r2)" <<'EOPY'
import socket, struct, sys, os, ctypes
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(f"/run/netns/{sys.argv[1]}", os.O_RDONLY)
assert libc.setns(fd, 0x40000000) == 0
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("et1", 0))
src = bytes.fromhex("020000000001")   # any unicast source: IS-IS does not check it
pdu = bytes([0x83, 27, 1, 0, 20, 1, 0, 0]) + b"\x00\x40"   # L2 LSP claiming 64 bytes, 10 given
llc = b"\xfe\xfe\x03"
frame = bytes.fromhex("09002b000005") + src + struct.pack("!H", len(llc + pdu)) + llc + pdu
s.send(frame)
EOPY
wait_for 5 "rejection logged" grep -q "PDU rejected" "$T/r1.log" \
  && ok "malformed PDU rejected: $(grep -m1 -o 'PDU rejected.*' "$T/r1.log")" || fail "no rejection line"
kill -0 $PID_r1 && adjs_up r1 2 && ok "r1 still running with both adjacencies up" || fail "r1 after bad PDU"

# etcd down: IS-IS keeps going; keys catch up when etcd returns
etcd_stop
ip -n "$(ns r1)" link set et3 down
sleep 1
grep -q "et3: Up -> Down" "$T/r1.log" && ok "etcd down: r1 still runs IS-IS (et3 adjacency went down)" || fail "IS-IS without etcd"
etcd_restart
wait_for 15 "r1 state caught up" jq_is /kvte/speakers/r1 '[.adjacencies[] | select(.state == "up")] | length == 1' \
  && ok "etcd back: speakers/r1 shows the change made while it was down" || fail "catch-up: $(eget /kvte/speakers/r1)"
wait_for 10 "r3 LSP without r1" jq_is /kvte/ted/lsp/1921.6805.0003.00-00 '[.is_reach[] | select(.neighbor == "1921.6805.0001.00")] | length == 0' \
  && ok "etcd back: r3's newer LSP (no r1 link) replaced the old one" || fail "ted/lsp catch-up"
ip -n "$(ns r1)" link set et3 up

# a stopped speaker's liveness key vanishes (lease revoked on exit)
kill $PID_r3
wait_for 5 "speakers/r3 gone" bash -c "! etcdctl --endpoints=$EP get /kvte/speakers/r3 --keys-only | grep -q ." \
  && ok "r3 stopped: speakers/r3 removed" || fail "speakers/r3 still there"
grep -q "ERROR\|AddressSanitizer\|runtime error" "$T"/r1.log "$T"/r2.log "$T"/r3.log && fail "errors in logs: $(grep -h 'ERROR\|Sanitizer\|runtime error' "$T"/r*.log | head -3)" || ok "no errors or sanitizer reports in the speakers' logs"
finish
