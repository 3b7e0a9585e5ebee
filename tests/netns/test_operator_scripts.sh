#!/usr/bin/env bash
# test_operator_scripts — deploy/scripts/ work as their headers say, on the seed lab
# (deploy/lab/lab with a private etcd, run directory and namespace prefix):
#   lsp-request.sh r1-to-r4 r1 r4 200M link prints the controller's answer (state up on
#     r1-r2-r4, 200M) and exits 0, the value it put is valid under lsp-request's
#     schema; a request the controller refuses is answered invalid with its reason (exit
#     1); a bad argument writes nothing (exit 2);
#   watch-lsps.sh, running in the background from before the first request, prints a
#     line per state change: r1-to-r4 up on r1-r2-r4, then up off r1-r2 after `lab link
#     r1 r2 down`, the invalid request with its reason, its deletion; stopping it leaves
#     no etcdctl behind;
#   drain-link.sh r1 et2 raises et2's metric in r1's speaker configuration and sends
#     SIGHUP: r1's route to r4 (rib/r1/isis/192.168.50.4_32) moves off et2 with no
#     adjacency going down; undrain restores the file byte for byte and the route.
#     Skipped with a message when the speaker's log shows no reload after SIGHUP (a
#     speaker without SIGHUP support).
# Every script answers -h.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
[ -x "$BUILD/speaker/kvte-speaker" ] || skip "kvte-speaker not built"
[ -x "$BUILD/te-controller/kvte-controller" ] || skip "kvte-controller not built"
LAB="$SRC/deploy/lab/lab"
S="$SRC/deploy/scripts"
KVTE_ETCD_PORT=$(free_port)
export KVTE_LAB_DIR="$T/lab" KVTE_ETCD_PORT KVTE_LAB_NS_PREFIX="$TAG-" KVTE_BUILD_DIR="$BUILD"
export KVTE_TOPOLOGY="$SRC/deploy/lab/topologies/seed.json"
EP="http://127.0.0.1:$KVTE_ETCD_PORT"
lab_down() { "$LAB" down >"$T/down.log" 2>&1; }
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; set +e; lab_down; (exit $rc); cleanup' EXIT  # cleanup reads the exit status

for s in watch-lsps lsp-request drain-link; do
  "$S/$s.sh" -h >"$T/help.txt" 2>&1 && grep -q "^$s.sh — " "$T/help.txt" && grep -q "deploy/scripts/$s.sh" "$T/help.txt" \
    && ok "$s.sh -h prints its header" || fail "$s.sh -h: $(head -3 "$T/help.txt")"
done
rc=0; "$S/lsp-request.sh" -e "$EP" only-a-name >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] && ok "lsp-request.sh with too few arguments: exit 2" || fail "lsp-request.sh usage exit $rc"

"$LAB" up >"$T/up.log" 2>&1 || { cat "$T/up.log" >&2; fail "lab up"; finish; }
grep -q "all 5 speakers are up" "$T/up.log" && ok "seed lab up" || fail "speakers: $(tail -5 "$T/up.log")"
R=/kvte/rib/r1/isis/192.168.50.4_32
wait_for 20 "seed route" jq_is $R '.next_hops[0].interface == "et2" and .metric == 128' \
  && ok "r1 -> r4 via et2, metric 128" || fail "route: $(eget $R)"

# watch-lsps.sh in the background for the whole LSP part. It reads te/paths/, then
# starts `etcdctl watch` from the revision after what it read: once that etcdctl runs,
# no change can be missed.
watching() { pgrep -P "$1" -f "etcdctl .*watch --prefix" >/dev/null; }
"$S/watch-lsps.sh" -e "$EP" >"$T/watch.out" 2>"$T/watch.err" &
WPID=$!; track $WPID
wait_for 20 "watch-lsps.sh watching" watching $WPID && kill -0 $WPID 2>/dev/null \
  && ok "watch-lsps.sh is watching" || fail "watch-lsps.sh exited: $(cat "$T/watch.err")"

# lsp-request.sh: a protected 200M LSP
rc=0; "$S/lsp-request.sh" -e "$EP" r1-to-r4 r1 r4 200M link >"$T/req.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && grep -q "^lsp-request: r1-to-r4 up after [0-9]* ms: path r1-r2-r4, metric 128, bandwidth 200000000" "$T/req.out" \
  && jq -e '.state == "up" and .bandwidth == 200000000' < <(sed -n '/^{/,$p' "$T/req.out") >/dev/null \
  && ok "lsp-request.sh r1-to-r4 r1 r4 200M link: answered up on r1-r2-r4, the te/paths value printed" \
  || fail "lsp-request.sh (exit $rc): $(cat "$T/req.out")"
eget /kvte/config/lsps/r1-to-r4 >"$T/req.json"
validate lsp-request "$T/req.json" >/dev/null && ok "its request $(cat "$T/req.json") is a valid lsp-request" \
  || fail "request not valid: $(validate lsp-request "$T/req.json")"
"$S/lsp-request.sh" -e "$EP" r1-to-r4 r1 r4 200M link >"$T/req2.out" 2>&1 \
  && grep -q "r1-to-r4 up" "$T/req2.out" && ok "the same request again is answered at once (exit 0)" || fail "repeat: $(cat "$T/req2.out")"
rc=0; "$S/lsp-request.sh" -e "$EP" bad r1 r4 1G sideways >"$T/bad.out" 2>&1 || rc=$?
[ $rc -eq 2 ] && [ -z "$(eget /kvte/config/lsps/bad)" ] && ok "a bad PROTECTION is refused before writing (exit 2: $(head -1 "$T/bad.out"))" \
  || fail "bad protection: exit $rc, $(cat "$T/bad.out")"
rc=0; "$S/lsp-request.sh" -e "$EP" -x '{"setup_priority":3,"hold_priority":5}' prio r1 r4 >"$T/inv.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "^lsp-request: prio invalid after [0-9]* ms: reason: .*hold_priority" "$T/inv.out" \
  && ok "a request the controller refuses: $(grep '^lsp-request: prio' "$T/inv.out" | cut -c14-) (exit 1)" || fail "invalid request: exit $rc, $(cat "$T/inv.out")"

wait_for 5 "watch: r1-to-r4 up" grep -q "^[0-9:.]* r1-to-r4 up r1-r2-r4 -$" "$T/watch.out" \
  && ok "watch-lsps.sh: $(grep -m1 ' r1-to-r4 up ' "$T/watch.out")" || fail "watch output: $(cat "$T/watch.out")"
wait_for 5 "watch: prio invalid" grep -q "^[0-9:.]* prio invalid - .*hold_priority" "$T/watch.out" \
  && ok "watch-lsps.sh: the invalid one with its reason" || fail "watch output: $(cat "$T/watch.out")"
n_up=$(grep -c ' r1-to-r4 up r1-r2-r4 ' "$T/watch.out" || true)
[ "$n_up" -eq 1 ] && ok "one line for r1-to-r4 up on r1-r2-r4 (rewrites that change nothing print nothing)" \
  || fail "r1-to-r4 up printed $n_up times: $(cat "$T/watch.out")"

"$LAB" link r1 r2 down >/dev/null
rerouted() { grep -v ' r1-to-r4 up r1-r2-r4 ' "$T/watch.out" | grep -qE "^[0-9:.]+ r1-to-r4 up [a-z0-9-]+ "; }
wait_for 15 "watch: rerouted" rerouted \
  && ok "lab link r1 r2 down: watch-lsps.sh prints $(grep ' r1-to-r4 ' "$T/watch.out" | tail -1 | cut -d' ' -f2-)" \
  || fail "no re-route line: $(cat "$T/watch.out")"
new=$(grep ' r1-to-r4 ' "$T/watch.out" | tail -1 | cut -d' ' -f4)
[[ $new != *r1-r2* ]] && ok "the new path $new is off r1-r2" || fail "new path $new still uses r1-r2"
"$LAB" link r1 r2 up >/dev/null
ectl del /kvte/config/lsps/prio >/dev/null
wait_for 10 "watch: deleted" grep -q "^[0-9:.]* prio deleted - -$" "$T/watch.out" \
  && ok "watch-lsps.sh: the deleted request's answer goes away (prio deleted)" || fail "no deletion line: $(tail -3 "$T/watch.out")"
wchild=$(pgrep -P $WPID -d' ' || true)
kill $WPID; wait $WPID 2>/dev/null || true
gone() { for p in $wchild; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
wait_for 5 "watch-lsps.sh's children gone" gone \
  && ok "watch-lsps.sh stopped, its etcdctl watch with it" || fail "watch-lsps.sh left $wchild running"
"$S/watch-lsps.sh" -e "$EP" -n -c 1 >"$T/watch1.out" 2>&1 &
W1=$!; track $W1
# -n: only changes after its read of te/paths/; a request made before that read would
# already be in it and never print (the watch would wait for a second change)
wait_for 20 "watch-lsps.sh -n -c 1 watching" watching $W1 || fail "watch-lsps.sh -n -c 1 not watching: $(cat "$T/watch1.out")"
"$S/lsp-request.sh" -e "$EP" r4-to-r1 r4 r1 "" link >/dev/null 2>&1 || true
wait_for 10 "watch -c 1 exits" bash -c "! kill -0 $W1 2>/dev/null" \
  && grep -q " r4-to-r1 " "$T/watch1.out" && [ "$(wc -l <"$T/watch1.out")" -eq 1 ] \
  && ok "watch-lsps.sh -n -c 1: no listing, one change line, then exit: $(cat "$T/watch1.out")" || fail "watch -c 1: $(cat "$T/watch1.out")"

# drain-link.sh r1 et2: r1's route to r4 leaves et2
wait_for 20 "route back on et2" jq_is $R '.next_hops[0].interface == "et2" and .metric == 128' \
  || fail "r1 -> r4 not back on et2 after link up: $(eget $R)"
CONF="$KVTE_LAB_DIR/conf/r1.speaker.json"
cp "$CONF" "$T/r1.orig.json"
up_since=$(eget /kvte/speakers/r1 | jq -r '.adjacencies[] | select(.interface == "et2") | .up_since')
rc=0; "$S/drain-link.sh" r1 et2 >"$T/drain.out" 2>&1 || rc=$?
log="$KVTE_LAB_DIR/r1.speaker.log"
if ! grep -q "reload" "$log"; then
  echo "# SKIP drain-link part: r1's kvte-speaker logged no \"reload\" line after SIGHUP (no SIGHUP support in $BUILD/speaker/kvte-speaker): $(cat "$T/drain.out")" >&2
  cp "$T/r1.orig.json" "$CONF"
else
  [ $rc -eq 0 ] && jq -e '.interfaces[] | select(.name == "et2") | .metric == 16777214' "$CONF" >/dev/null \
    && [ -f "$CONF.pre-drain" ] && cmp -s "$CONF.pre-drain" "$T/r1.orig.json" \
    && ok "drain-link.sh r1 et2: metric 16777214 in r1.speaker.json, backup next to it: $(grep -m1 'reload: et2' "$T/drain.out" | sed 's/.*reload/reload/')" \
    || fail "drain-link.sh (exit $rc): $(cat "$T/drain.out")"
  wait_for 10 "route off et2" jq_is $R 'all(.next_hops[]; .interface != "et2")' \
    && ok "rib/r1/isis/192.168.50.4_32 moved off et2: $(eget $R | jq -c '{metric, via: [.next_hops[] | .interface + ">" + .neighbor]}')" \
    || fail "route still on et2: $(eget $R)"
  wait_for 10 "kernel off et2" bash -c "ip -n $TAG-r1 route show 192.168.50.4 proto 222 | grep -q 'dev et3'" \
    && ok "r1's kernel follows (192.168.50.4 dev et3)" || fail "r1 kernel: $(ip -n "$TAG-r1" route show 192.168.50.4)"
  [ "$(eget /kvte/speakers/r1 | jq -r '.adjacencies[] | select(.interface == "et2") | "\(.state) \(.up_since)"')" = "up $up_since" ] \
    && ok "r1's adjacency on et2 stayed up (up since $up_since)" || fail "adjacency et2: $(eget /kvte/speakers/r1)"
  rc=0; "$S/drain-link.sh" undrain r1 et2 >"$T/undrain.out" 2>&1 || rc=$?
  [ $rc -eq 0 ] && cmp -s "$CONF" "$T/r1.orig.json" && [ ! -e "$CONF.pre-drain" ] \
    && ok "drain-link.sh undrain r1 et2: configuration restored byte for byte, backup removed" \
    || fail "undrain (exit $rc): $(cat "$T/undrain.out"); $(diff "$T/r1.orig.json" "$CONF")"
  wait_for 10 "route back" jq_is $R '.next_hops[0].interface == "et2" and .metric == 128' \
    && ok "r1 -> r4 back on et2 at metric 128" || fail "after undrain: $(eget $R)"
fi
"$S/drain-link.sh" r1 et9 >"$T/drain9.out" 2>&1 && fail "drain of a missing interface succeeded" \
  || { grep -q "has no interface et9" "$T/drain9.out" && ok "drain-link.sh r1 et9: $(cat "$T/drain9.out")" || fail "et9: $(cat "$T/drain9.out")"; }

pids=$(cat "$KVTE_LAB_DIR"/*.pid)
lab_down && ok "lab down" || fail "lab down: $(cat "$T/down.log")"
[ "$(ip netns list | grep -c "^$TAG-" || true)" -eq 0 ] && ok "no namespace left" || fail "namespaces left"
left=0; for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
[ $left -eq 0 ] && ok "no process left" || fail "processes left"
finish
