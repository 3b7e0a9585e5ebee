#!/usr/bin/env bash
# test_speaker — four kvte-speakers in network namespaces on a ring with a chord, a real
# etcd, real veths:
#
#        r1 ---10--- r2
#        |  \         |
#       10   30      10
#        |      \     |
#        r4 ---10--- r3
#
# Checks: adjacencies come up (speakers/<node>, leased); every LSDB is identical (SIGUSR1
# dumps) and etcd holds one copy of each LSP at its newest seq, valid against the
# schema; r1's route to r3's loopback is ECMP via r2 and r4 (metric 20) and End.X SIDs
# are published; carrier loss on r1-r2 re-originates LSPs and moves the route to r4
# only, at once; a malformed IS-IS frame is rejected with a specific reason and changes
# nothing; etcd down → IS-IS keeps running and the keys catch up when etcd returns;
# kill -9 of r4 → speakers/r4 vanishes (lease) and its neighbors drop the adjacency
# (hold time); every PDU captured on r2's et1 dissects clean in tshark.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd etcdctl "Debian package etcd-client"
need_cmd jq "Debian package jq"
SPK="$BUILD/speaker/kvte-speaker"
[ -x "$SPK" ] || skip "$SPK not built"

for n in r1 r2 r3 r4; do netns $n; done
link r1 et2 r2 et1 100.65.0.0/31 100.65.0.1/31
link r2 et3 r3 et2 100.65.0.2/31 100.65.0.3/31
link r3 et4 r4 et3 100.65.0.4/31 100.65.0.5/31
link r4 et1 r1 et4 100.65.0.6/31 100.65.0.7/31
link r1 et3 r3 et1 100.65.0.8/31 100.65.0.9/31
etcd_start

CAP=""
if command -v tshark >/dev/null; then
  ip netns exec "$(ns r2)" tshark -q -i et1 -w "$T/r2-et1.pcap" -f "ether dst 09:00:2b:00:00:05" \
    >"$T/tshark.log" 2>&1 &
  CAP=$!; track $CAP
  wait_for 10 "capture running" grep -q "Capturing on" "$T/tshark.log" || true
fi

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
cfg r1 1 et2:10 et4:10 et3:30
cfg r2 2 et1:10 et3:10
cfg r3 3 et2:10 et4:10 et1:30
cfg r4 4 et3:10 et1:10
echo '{"groups":{"red":0,"blue":1}}' > "$T/groups.json"
start_speaker() {
  "$SPK" --netns "$(ns "$1")" -c "$T/$1.json" -g "$T/groups.json" -e "$EP" --lease-ttl 3 \
    --csnp-interval 2000 --lsdb-file "$T/$1.lsdb" >>"$T/$1.log" 2>&1 &
  eval "PID_$1=$!"; track $!
}
for n in r1 r2 r3 r4; do start_speaker $n; done

adjs_up() { jq_is "/kvte/speakers/$1" "[.adjacencies[] | select(.state == \"up\")] | length == $2"; }
all_up() { adjs_up r1 3 && adjs_up r2 2 && adjs_up r3 3 && adjs_up r4 2; }
wait_for 30 "all adjacencies up" all_up && ok "adjacencies up on r1..r4 (speakers/<node>)" || fail "adjacencies"

lsps() { [ "$(ectl get --prefix /kvte/ted/lsp/ --keys-only | grep -c .)" -eq "$1" ]; }
wait_for 10 "4 LSPs in etcd" lsps 4 && ok "ted/lsp holds the 4 LSPs" || fail "ted/lsp count"

# every LSDB identical, and etcd holds each LSP at the newest seq
# lsdb_summary NODE PID: a fresh SIGUSR1 dump (the speaker writes it to a temporary
# file and renames it: once the file is back it is complete)
lsdb_summary() {
  rm -f "$T/$1.lsdb"; kill -USR1 "$2"
  wait_for 10 "$1's LSDB dump" test -s "$T/$1.lsdb" || return 1
  grep -v '^ ' "$T/$1.lsdb" | awk '{print $1, $3, $5}'
}
same_lsdbs() {
  lsdb_summary r1 $PID_r1 > "$T/s1"; lsdb_summary r2 $PID_r2 > "$T/s2"
  lsdb_summary r3 $PID_r3 > "$T/s3"; lsdb_summary r4 $PID_r4 > "$T/s4"
  [ "$(wc -l < "$T/s1")" -eq 4 ] && cmp -s "$T/s1" "$T/s2" && cmp -s "$T/s1" "$T/s3" && cmp -s "$T/s1" "$T/s4"
}
wait_for 15 "identical LSDBs" same_lsdbs && ok "the four LSDBs are identical (IDs, seqs, checksums)" \
  || fail "LSDBs differ: $(paste "$T/s1" "$T/s2" "$T/s3" "$T/s4")"
etcd_matches() {
  while read -r id seq ck; do
    jq_is "/kvte/ted/lsp/$id" ".seq == $((seq)) and .checksum == \"$ck\"" || return 1
  done < "$T/s1"
}
wait_for 10 "etcd at the newest seqs" etcd_matches && ok "etcd holds each LSP at the LSDB's seq and checksum" || fail "etcd vs LSDB"
for id in $(awk '{print $1}' "$T/s1"); do eget /kvte/ted/lsp/$id > "$T/lsp-$id.json"; done
eget /kvte/speakers/r1 > "$T/speaker-r1.json"
if validate ted-lsp "$T"/lsp-*.json >/dev/null && validate speaker "$T/speaker-r1.json" >/dev/null; then
  ok "ted-lsp and speaker values validate against their schemas"
else fail "schema validation: $(validate ted-lsp "$T"/lsp-*.json 2>&1 | grep FAIL)"; fi
jq -e '.hostname == "r1" and (.is_reach | length == 3) and
       ([.is_reach[] | select(.neighbor == "1921.6805.0002.00")][0] |
        .te_metric == 10 and .admin_group == 1 and .srlgs == [101] and
        .local_address == "100.65.0.0" and .remote_address == "100.65.0.1" and
        .end_x_sids[0].sid == "fc00:0:1:e001::")' "$T/lsp-1921.6805.0001.00-00.json" >/dev/null \
  && ok "r1's LSP carries TE attributes, SRLG and End.X SID" || fail "r1 LSP content: $(cat "$T/lsp-1921.6805.0001.00-00.json")"

R13=/kvte/rib/r1/isis/192.168.50.3_32
ECMP='[{"interface":"et2","address":"100.65.0.1","neighbor":"r2"},{"interface":"et4","address":"100.65.0.6","neighbor":"r4"}]'
wait_for 10 "r1 ECMP route to r3" jq_is $R13 ".metric == 20 and .next_hops == $ECMP" \
  && ok "r1 -> 192.168.50.3/32 ECMP via r2 (et2) and r4 (et4), metric 20" || fail "r1 route: $(eget $R13)"
wait_for 5 "r1 End.X SIDs" jq_is /kvte/rib/r1/sid/fc00:0:1:e003:: '.behavior == "End.X" and .interface == "et3" and .neighbor == "r3" and (.nh6 | startswith("fe80:"))' \
  && ok "r1's End.X SID toward r3 in rib/r1/sid/" || fail "End.X SID: $(ectl get --prefix /kvte/rib/r1/sid/)"

# carrier loss: LSPs re-originated, the route drops r2
seq1=$(jq .seq <<<"$(eget /kvte/ted/lsp/1921.6805.0001.00-00)")
t0=$(date +%s%N)
ip -n "$(ns r1)" link set et2 down
if wait_for 5 "route via r4 only" jq_is $R13 '.metric == 20 and .next_hops == [{"interface":"et4","address":"100.65.0.6","neighbor":"r4"}]'; then
  ok "r1-r2 down: r1 -> r3 via r4 only ($(( ($(date +%s%N) - t0) / 1000000 )) ms from carrier loss to etcd)"
else fail "reroute: $(eget $R13)"; fi
wait_for 5 "r1 re-originated" jq_is /kvte/ted/lsp/1921.6805.0001.00-00 ".seq > $seq1 and (.is_reach | length == 2)" \
  && ok "r1's LSP re-originated without the r2 adjacency" || fail "r1 LSP after link down"
grep -q "et2: Up -> Down (event carrier_down" "$T/r1.log" && ok "adjacency down logged with its reason" || fail "no carrier_down line"
ip -n "$(ns r1)" link set et2 up
wait_for 10 "ECMP back" jq_is $R13 ".next_hops == $ECMP" && ok "r1-r2 back: ECMP again" || fail "route back: $(eget $R13)"

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
kill -0 $PID_r1 && wait_for 5 "r1 adjacencies" adjs_up r1 3 && ok "r1 still running with its three adjacencies up" || fail "r1 after bad PDU"

# etcd down: IS-IS keeps going; keys catch up when etcd returns
etcd_stop
ip -n "$(ns r1)" link set et3 down
wait_for 5 "et3 down while etcd is down" grep -q "et3: Up -> Down" "$T/r1.log" \
  && ok "etcd down: r1 still runs IS-IS (et3 adjacency went down)" || fail "IS-IS without etcd"
etcd_restart
wait_for 15 "r1 state caught up" adjs_up r1 2 \
  && ok "etcd back: speakers/r1 shows the change made while it was down" || fail "catch-up: $(eget /kvte/speakers/r1)"
wait_for 10 "r3 LSP without r1" jq_is /kvte/ted/lsp/1921.6805.0003.00-00 '[.is_reach[] | select(.neighbor == "1921.6805.0001.00")] | length == 0' \
  && ok "etcd back: r3's newer LSP (no r1 chord) replaced the old one" || fail "ted/lsp catch-up"
ip -n "$(ns r1)" link set et3 up

# kill -9: the lease lapses, the neighbors' hold timers expire
kill -9 $PID_r4
wait_for 8 "speakers/r4 gone" bash -c "! etcdctl --endpoints=$EP get /kvte/speakers/r4 --keys-only | grep -q ." \
  && ok "r4 killed -9: speakers/r4 removed when its lease ran out" || fail "speakers/r4 still there"
wait_for 8 "hold expiry on r1 and r3" bash -c "grep -q 'et4: Up -> Down (event hold_expired' '$T/r1.log' && grep -q 'et4: Up -> Down (event hold_expired' '$T/r3.log'" \
  && ok "r1 and r3 dropped their adjacency to r4 on hold-time expiry" || fail "no hold expiry"

if [ -n "$CAP" ]; then
  kill -INT $CAP; wait $CAP 2>/dev/null || true
  # the test's own malformed frame (source 02:00:00:00:00:01) is left out
  F="isis and not eth.src == 02:00:00:00:00:01"
  tshark -r "$T/r2-et1.pcap" -Y "$F" -V > "$T/dissect.txt" 2>&1 || true
  npdu=$(tshark -r "$T/r2-et1.pcap" -Y "$F" 2>/dev/null | grep -c . || true)
  if [ "$npdu" -gt 20 ] && ! grep -q "Malformed\|Expert Info (Error\|incorrect" "$T/dissect.txt"; then
    ok "tshark: $npdu IS-IS PDUs captured on r2's et1, none malformed, no expert errors, checksums good"
  else fail "tshark: $npdu PDUs; $(grep -m3 'Malformed\|Expert Info (Error\|incorrect' "$T/dissect.txt")"; fi
  grep -q "Checksum Status: Good" "$T/dissect.txt" && ok "tshark verified LSP checksums" || fail "no verified LSP checksum"
else
  echo "# tshark not installed: capture check skipped" >&2
fi
grep -q "ERROR\|AddressSanitizer\|runtime error" "$T"/r[123].log && fail "errors in logs: $(grep -h 'ERROR\|Sanitizer\|runtime error' "$T"/r[123].log | head -3)" || ok "no errors or sanitizer reports in the speakers' logs"
finish
