#!/usr/bin/env bash
# test_speaker_reload — SIGHUP reloads kvte-speaker's configuration file without a
# restart. Three speakers in network namespaces on a triangle, a real etcd:
#
#        r1 ---10(et2/et1)--- r2
#          \                 /
#        10 (et3/et1)   10 (et3/et2)
#             \           /
#                  r3
#
# Checks: r1 -> r3's loopback goes direct (metric 10); raising r1's et3 metric to 1000
# in the file + SIGHUP: r1's LSP in ted/lsp shows the new metric, the route in
# rib/r1/isis/ moves to r2 (metric 20), the adjacency never went down (no "Up -> Down"
# line anywhere, speakers/r1 up_since unchanged) and one "reload: et3 metric" line is
# logged; a hello interval raised beyond the old holding time keeps every adjacency
# up (r2 receives a hello with the new holding time at once, then one every 3..4 s,
# read from an AF_PACKET socket in its namespace); lsp_lifetime reaches the LSP's
# remaining lifetime; a bad edit (invalid JSON, a changed hostname) gives a specific
# "reload failed" line and changes nothing (same LSP seq, same route); removing et2
# from r1's file takes that adjacency down with its reason on r1 (and r2 drops it at
# once from our last hello) while et3 stays up, adding it back brings it up again;
# overload on r2: r2's LSP has the overload flag and r1's route to r3 avoids transiting
# r2 (back to the direct link at 1000), overload off: via r2 again; r3's et2 made
# passive and active again stops and restarts that circuit only.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd etcdctl "Debian package etcd-client"
need_cmd jq "Debian package jq"
SPK="$BUILD/speaker/kvte-speaker"
[ -x "$SPK" ] || skip "$SPK not built"

for n in r1 r2 r3; do netns $n; done
link r1 et2 r2 et1 100.66.0.0/31 100.66.0.1/31
link r2 et3 r3 et2 100.66.0.2/31 100.66.0.3/31
link r1 et3 r3 et1 100.66.0.4/31 100.66.0.5/31
etcd_start

# [HI=s] cfg NODE N [KEY=JSON...] -- IFACE:METRIC...: the node's file (hello interval
# HI, default 1 s), extra top-level fields KEY=JSON
cfg() {
  local node=$1 n=$2; shift 2
  local extra="" ifs="" sep=""
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do extra="$extra\"${1%%=*}\":${1#*=},"; shift; done
  shift
  for i in "$@"; do
    ifs="$ifs$sep{\"name\":\"${i%%:*}\",\"metric\":${i##*:},\"te\":{\"te_metric\":${i##*:},\"max_bandwidth\":\"1G\",\"srlgs\":[10$n]}}"
    sep=","
  done
  cat > "$T/$node.json.new" <<EOC
{"hostname":"$node","router_id":"192.168.50.$n","area":"49.0002","hello_interval":${HI:-1},$extra
 "srv6":{"locator":"fc00:0:$n::/48"},"loopbacks":["192.168.50.$n/32","fc00:0:$n::1/128"],
 "interfaces":[$ifs]}
EOC
  mv "$T/$node.json.new" "$T/$node.json"
}
cfg r1 1 -- et2:10 et3:10
cfg r2 2 -- et1:10 et3:10
cfg r3 3 -- et2:10 et1:10
for n in r1 r2 r3; do
  "$SPK" --netns "$(ns $n)" -c "$T/$n.json" -e "$EP" --lease-ttl 3 --csnp-interval 2000 \
    >>"$T/$n.log" 2>&1 &
  eval "PID_$n=$!"; track $!
done
hup() { local p; eval "p=\$PID_$1"; kill -HUP "$p"; }
# wait for the Nth "SIGHUP: reloading" of NODE to be answered (summary or failure)
answered() { [ "$(grep -c 'reload: .*: \(no changes\|[0-9]* changes\? applied\)\|reload failed' "$T/$1.log")" -ge "$2" ]; }
NHUP_r1=0; NHUP_r2=0
reload() {  # reload NODE: SIGHUP and wait for its answer
  local c; eval "c=\$((NHUP_$1 + 1))"; eval "NHUP_$1=$c"
  hup "$1"; wait_for 10 "$1 reload #$c answered" answered "$1" "$c"
}

adjs_up() { jq_is "/kvte/speakers/$1" "[.adjacencies[] | select(.state == \"up\")] | length == $2"; }
all_up() { adjs_up r1 2 && adjs_up r2 2 && adjs_up r3 2; }
wait_for 30 "all adjacencies up" all_up && ok "adjacencies up on r1..r3" || fail "adjacencies: $(eget /kvte/speakers/r1)"

L1=/kvte/ted/lsp/1921.6805.0001.00-00
L2=/kvte/ted/lsp/1921.6805.0002.00-00
R13=/kvte/rib/r1/isis/192.168.50.3_32
DIRECT='[{"interface":"et3","address":"100.66.0.5","neighbor":"r3"}]'
VIA_R2='[{"interface":"et2","address":"100.66.0.1","neighbor":"r2"}]'
N3='"1921.6805.0003.00"'
wait_for 10 "r1 -> r3 direct" jq_is $R13 ".metric == 10 and .next_hops == $DIRECT" \
  && ok "r1 -> 192.168.50.3/32 direct over et3, metric 10" || fail "r1 route: $(eget $R13)"
since() { eget /kvte/speakers/r1 | jq -r ".adjacencies[] | select(.interface == \"$1\") | .up_since"; }
since3=$(since et3); since2=$(since et2)
downs() { cat "$T"/r[123].log | grep -c "Up -> Down" || true; }

# 1. drain: r1's et3 metric 10 -> 1000
cfg r1 1 -- et2:10 et3:1000
reload r1
grep -q "reload: et3 metric 10 -> 1000" "$T/r1.log" && grep -q "reload: et3 te_metric 10 -> 1000" "$T/r1.log" \
  && ok "reload logged: $(grep -m1 -o 'reload: et3 metric.*' "$T/r1.log")" || fail "no metric change line"
wait_for 5 "r1's LSP with metric 1000" jq_is $L1 "[.is_reach[] | select(.neighbor == $N3)][0] | .metric == 1000 and .te_metric == 1000" \
  && ok "ted/lsp: r1's LSP carries metric 1000 toward r3" || fail "r1 LSP: $(eget $L1 | jq -c .is_reach)"
wait_for 5 "r1 -> r3 via r2" jq_is $R13 ".metric == 20 and .next_hops == $VIA_R2" \
  && ok "rib/r1/isis: r1 -> r3 moved to r2 (et2), metric 20" || fail "route after drain: $(eget $R13)"
[ "$(downs)" -eq 0 ] && [ "$(since et3)" = "$since3" ] && [ "$(since et2)" = "$since2" ] \
  && ok "no adjacency went down; speakers/r1 up_since unchanged ($since3)" || fail "adjacency reset: $(grep -h 'Up -> Down' "$T"/r*.log) $(since et3) vs $since3"

# 2. hello interval 1 -> 4 s (holding time 3 -> 12 s), lsp_lifetime 1200 -> 3600
# r1's hellos as r2 receives them on et1: "<unix time> <holding time>" per P2P IIH
/usr/bin/python3 - "$(ns r2)" 9 >"$T/iih.txt" 2>"$T/iih.err" <<'EOPY' &
import ctypes, os, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(f"/run/netns/{sys.argv[1]}", os.O_RDONLY)
assert libc.setns(fd, 0x40000000) == 0
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(("et1", 0))
s.settimeout(0.2)
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        f, a = s.recvfrom(9000)
    except socket.timeout:
        continue
    if a[2] == socket.PACKET_OUTGOING or f[14:17] != b"\xfe\xfe\x03" or f[17] != 0x83 or f[21] & 0x1f != 17:
        continue
    print(f"{time.time():.3f} {struct.unpack('!H', f[32:34])[0]}", flush=True)
EOPY
IIH=$!; track $IIH
wait_for 5 "capture ready" grep -q ready "$T/iih.txt" || fail "capture: $(cat "$T/iih.err")"
HI=4 cfg r1 1 lsp_lifetime=3600 -- et2:10 et3:1000
t_hup=$(date +%s.%N)
reload r1
grep -q "reload: hello_interval 1 -> 4 s" "$T/r1.log" && grep -q "reload: lsp_lifetime 1200 -> 3600 s" "$T/r1.log" \
  && ok "hello_interval and lsp_lifetime changes logged" || fail "no hello_interval/lsp_lifetime line"
wait_for 5 "r1's LSP lifetime above 1200" jq_is $L1 '.remaining_lifetime > 3000' \
  && ok "r1's LSP re-originated with the new lifetime ($(eget $L1 | jq .remaining_lifetime) s)" || fail "lifetime: $(eget $L1 | jq .remaining_lifetime)"
wait "$IIH" || true   # 9 s: more than twice the old holding time (3 s)
# after the reload: a hello with holding time 12 at once, then one every 3..4 s (jitter)
if awk -v t0="$t_hup" '$1 == "ready" { next }
    $1 < t0 { next }
    $2 != 12 { bad = bad " " $2; next }
    { if (n == 0) first = $1 - t0; else if ($1 - last < 2.9) short = short " " ($1 - last)
      last = $1; n++ }
    END { printf "%d hellos after the reload, first after %.3f s%s%s\n", n, first,
            bad ? ", other holding times:" bad : "", short ? ", gaps:" short : ""
          exit !(n >= 2 && first < 0.5 && !bad && !short) }' "$T/iih.txt" > "$T/iih.sum"; then
  ok "r2 on et1: $(cat "$T/iih.sum") (holding time 12, every 3..4 s)"
else fail "hellos after the reload: $(cat "$T/iih.sum"): $(tr '\n' ' ' < "$T/iih.txt")"; fi
[ "$(downs)" -eq 0 ] && adjs_up r1 2 && adjs_up r2 2 && adjs_up r3 2 \
  && ok "hellos every 4 s for 9 s: r2 and r3 kept the adjacency (new holding time)" \
  || fail "adjacency lost after the hello change: $(grep -h 'Up -> Down' "$T"/r*.log)"
cfg r1 1 -- et2:10 et3:1000
reload r1
grep -q "reload: hello_interval 4 -> 1 s" "$T/r1.log" && ok "hello_interval back to 1 s" || fail "hello back"
wait_for 5 "r1's LSP lifetime back to 1200" jq_is $L1 '.remaining_lifetime <= 1200' || fail "lifetime back"

# 3. bad edits change nothing
seq=$(eget $L1 | jq .seq)
echo '{"hostname":"r1", "router_id":' > "$T/r1.json"
reload r1
grep -q "reload failed: $T/r1.json:[0-9]*:[0-9]*: .*; keeping the running configuration" "$T/r1.log" \
  && ok "invalid JSON: $(grep -m1 -o 'reload failed.*' "$T/r1.log")" || fail "no specific failure for invalid JSON: $(grep 'reload' "$T/r1.log" | tail -2)"
cfg r1 1 -- et2:10 et3:1000
sed -i 's/"hostname":"r1"/"hostname":"r9"/; s/"et3","metric":1000/"et3","metric":5/' "$T/r1.json"
reload r1
grep -q "reload failed: $T/r1.json: hostname: \"r1\" -> \"r9\": changing the hostname needs a restart; keeping the running configuration" "$T/r1.log" \
  && ok "changed hostname refused: $(grep -o 'reload failed.*hostname.*' "$T/r1.log")" || fail "no hostname refusal: $(grep 'reload' "$T/r1.log" | tail -2)"
cfg r1 1 -- et2:10 et3:1000
sed -i 's/"area":"49.0002"/"area":"49.0003"/' "$T/r1.json"
reload r1
grep -q "reload failed: .*: area: 49.0002 -> 49.0003: changing the area needs a restart" "$T/r1.log" \
  && ok "changed area refused" || fail "no area refusal"
sleep 0.5
kill -0 $PID_r1 && jq_is $L1 ".seq == $seq" && jq_is $R13 ".metric == 20 and .next_hops == $VIA_R2" && [ "$(downs)" -eq 0 ] \
  && ok "after the bad edits: same LSP seq ($seq), same route, adjacencies up" || fail "a bad edit changed something: $(eget $L1 | jq .seq) vs $seq"

# 4. remove et2 from r1's file, then add it back
cfg r1 1 -- et3:1000
reload r1
grep -q "reload: et2 removed" "$T/r1.log" \
  && grep -q "r1/et2: Up -> Down (event config_changed, reason: interface removed from the configuration)" "$T/r1.log" \
  && ok "et2 removed: adjacency down with its reason on r1" || fail "no removal lines: $(grep et2 "$T/r1.log" | tail -3)"
wait_for 5 "speakers/r1 without et2" jq_is /kvte/speakers/r1 '[.adjacencies[].interface] == ["et3"] and .adjacencies[0].state == "up"' \
  && ok "speakers/r1: et2 gone, et3 still up" || fail "speakers/r1: $(eget /kvte/speakers/r1 | jq -c .adjacencies)"
[ "$(since et3)" = "$since3" ] && ok "et3's adjacency untouched (up_since $since3)" || fail "et3 reset"
# "at once" is the line itself: without our last hello r2 would go Up -> Down on hold
# expiry (3 s) and never log Up -> Initializing, so the wait may be long on a busy box
wait_for 10 "r2 dropped r1 at once" grep -q "r2/et1: Up -> Initializing" "$T/r2.log" \
  && ok "r2 dropped the adjacency at once on our last hello (three-way Down)" || fail "r2 still up: $(grep r2/et1 "$T/r2.log" | tail -2)"
wait_for 5 "r1 -> r3 direct again" jq_is $R13 ".metric == 1000 and .next_hops == $DIRECT" \
  && ok "r1 -> r3 over et3 (metric 1000) without et2" || fail "route without et2: $(eget $R13)"
cfg r1 1 -- et2:10 et3:1000
reload r1
grep -q "reload: et2 added" "$T/r1.log" && ok "et2 added back: logged" || fail "no 'et2 added' line"
wait_for 10 "et2 up again" adjs_up r1 2 && ok "speakers/r1: et2 adjacency up again" || fail "et2 not back: $(eget /kvte/speakers/r1 | jq -c .adjacencies)"
wait_for 5 "r1 -> r3 via r2 again" jq_is $R13 ".metric == 20 and .next_hops == $VIA_R2" \
  && ok "r1 -> r3 via r2 again" || fail "route with et2 back: $(eget $R13)"
wait_for 5 "End.X of et2 back" jq_is /kvte/rib/r1/sid/fc00:0:1:e001:: '.interface == "et2" and .neighbor == "r2"' \
  && ok "et2's End.X SID back at its position in the file (fc00:0:1:e001::)" || fail "End.X: $(ectl get --prefix /kvte/rib/r1/sid/ --keys-only)"

# 5. r3's et2 passive and back: the circuit stops (and starts) like a removal, the
# interface's prefix stays advertised
NHUP_r3=0
cfg r3 3 -- et2:10 et1:10
sed -i 's/"name":"et2",/"name":"et2","passive":true,/' "$T/r3.json"
reload r3
grep -q "reload: et2 passive on" "$T/r3.log" \
  && grep -q "r3/et2: Up -> Down (event config_changed, reason: interface made passive)" "$T/r3.log" \
  && ok "r3's et2 made passive: adjacency down with its reason" || fail "passive: $(grep et2 "$T/r3.log" | tail -3)"
wait_for 5 "r1 -> r3 direct (r2-r3 passive)" jq_is $R13 ".metric == 1000 and .next_hops == $DIRECT" \
  && ok "r1 -> r3 direct while r2-r3 has no adjacency" || fail "route with et2 passive: $(eget $R13)"
wait_for 5 "r3 still advertises 100.66.0.2/31" jq_is /kvte/ted/lsp/1921.6805.0003.00-00 '[.ip_reach[]? | select(.prefix == "100.66.0.2/31")] | length == 1' \
  && ok "r3's LSP still advertises the passive interface's prefix" || fail "passive prefix: $(eget /kvte/ted/lsp/1921.6805.0003.00-00 | jq -c .)"
cfg r3 3 -- et2:10 et1:10
reload r3
wait_for 10 "r3 et2 up again" adjs_up r3 2 && ok "r3's et2 active again: adjacency up" || fail "et2 not active again"
wait_for 5 "r1 -> r3 via r2 (r2-r3 back)" jq_is $R13 ".metric == 20 and .next_hops == $VIA_R2" \
  && ok "r1 -> r3 via r2 again" || fail "route after passive off: $(eget $R13)"

# 6. overload on r2: r1 must not transit r2 toward r3
NHUP_r2=0
cfg r2 2 overload=true -- et1:10 et3:10
reload r2
grep -q "reload: overload on" "$T/r2.log" && ok "r2: 'reload: overload on' logged" || fail "no overload line"
wait_for 5 "r2's LSP overloaded" jq_is $L2 '.flags.overload == true' \
  && ok "ted/lsp: r2's LSP has the overload flag" || fail "r2 LSP flags: $(eget $L2 | jq -c .flags)"
wait_for 5 "speakers/r2 overload" jq_is /kvte/speakers/r2 '.overload == true' && ok "speakers/r2 says overload" || fail "speakers/r2 overload"
wait_for 5 "r1 -> r3 avoids r2" jq_is $R13 ".metric == 1000 and .next_hops == $DIRECT" \
  && ok "r1 -> r3 avoids transiting overloaded r2 (direct, metric 1000)" || fail "route with r2 overloaded: $(eget $R13)"
jq_is /kvte/rib/r1/isis/192.168.50.2_32 '.metric == 10' && ok "r2's own loopback still reachable (metric 10)" || fail "r2 loopback"
cfg r2 2 -- et1:10 et3:10
reload r2
wait_for 5 "overload off" jq_is $R13 ".metric == 20 and .next_hops == $VIA_R2" \
  && ok "overload off: r1 -> r3 via r2 again" || fail "route after overload off: $(eget $R13)"

[ "$(grep -c 'Up -> Down' "$T/r1.log")" -eq 1 ] && ok "r1 logged exactly one Up -> Down (the removed et2)" || fail "r1 downs: $(grep 'Up -> Down' "$T/r1.log")"
grep -v "reload failed" "$T"/r[123].log | grep -q "ERROR\|AddressSanitizer\|runtime error\|LeakSanitizer" \
  && fail "errors in logs: $(grep -h 'ERROR\|Sanitizer\|runtime error' "$T"/r[123].log | grep -v 'reload failed' | head -3)" \
  || ok "no other errors or sanitizer reports in the speakers' logs"
for n in r1 r2 r3; do eval "kill -TERM \$PID_$n"; done
for n in r1 r2 r3; do rc=0; eval "wait \$PID_$n" || rc=$?; [ $rc -eq 0 ] && ok "$n exited 0 after SIGTERM" || fail "$n exit status $rc"; done
grep -h "Sanitizer\|runtime error" "$T"/r[123].log >/dev/null && fail "sanitizer report at exit" || true
finish
