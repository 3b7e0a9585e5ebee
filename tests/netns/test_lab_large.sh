#!/usr/bin/env bash
# test_lab_large — a larger generated topology in the lab (issue #7): the 5x5 grid of
# deploy/lab/topologies/grid5x5.json (25 routers, 40 links, made by gen.py, which must
# still reproduce it byte for byte) comes up through deploy/lab/lab on a private etcd
# and namespace prefix; every router's kernel gets a kvte route to every other router's
# loopback (polled from before `lab up` on; the time from `lab up` returning until then
# is printed as "# converged in N ms", 0 when it was complete before, with the times
# since the first speaker and the last agent started — a measurement, never a
# pass/fail; docs/benchmarks.md); some kernel holds an
# ECMP (multipath) route, r1_1 to r2_2's loopback over both of its links in
# particular; the top-left corner pings the bottom-right one; the topology's six LSP
# requests (kvtectl lsp add, after putting the topology's admin groups into
# config/admin-groups) come up with their bandwidth, reserved on every link of their
# path in te/links, the one excluding red on no red link, the diverse one sharing no
# link with its twin; `lab down` leaves no namespace, process or run directory.
#
# KVTE_GRID="ROWS COLS" runs another size through gen.py instead of the committed file.
source "$(dirname "$0")/lib.sh"
need_root
need_cmd etcd "Debian package etcd-server"
need_cmd jq "Debian package jq"
for b in speaker/kvte-speaker fib-agent/kvte-agent te-controller/kvte-controller cli/kvtectl; do
  [ -x "$BUILD/$b" ] || skip "$b not built in $BUILD"
done
LAB="$SRC/deploy/lab/lab"
GEN="$SRC/deploy/lab/topologies/gen.py"
KVTECTL="$BUILD/cli/kvtectl"
if [ -n "${KVTE_GRID:-}" ]; then
  TOPO="$T/grid.json"
  # shellcheck disable=SC2086
  /usr/bin/python3 "$GEN" grid $KVTE_GRID -o "$TOPO"
else
  TOPO="$SRC/deploy/lab/topologies/grid5x5.json"
  /usr/bin/python3 "$GEN" grid 5 5 | cmp -s - "$TOPO" \
    && ok "gen.py grid 5 5 reproduces grid5x5.json" || fail "grid5x5.json is not what gen.py grid 5 5 writes (regenerate it)"
fi
KVTE_ETCD_PORT=$(free_port)
export KVTE_LAB_DIR="$T/lab" KVTE_ETCD_PORT KVTE_LAB_NS_PREFIX="$TAG-" KVTE_BUILD_DIR="$BUILD" KVTE_TOPOLOGY="$TOPO"
EP="http://127.0.0.1:$KVTE_ETCD_PORT"  # not ETCDCTL_ENDPOINTS: the lab passes --endpoints
lab_down() { "$LAB" down >"$T/down.log" 2>&1; }
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; set +e; lab_down; (exit $rc); cleanup' EXIT  # cleanup reads the exit status
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

mapfile -t NODES < <(jq -r '.nodes | keys_unsorted[]' "$TOPO")
N=${#NODES[@]}
declare -A LO
for n in "${NODES[@]}"; do LO[$n]=$(jq -r --arg n "$n" '.nodes[$n].loopback | split("/")[0]' "$TOPO"); done
ROWS=$(jq -r '[.nodes | keys[] | capture("^r(?<r>[0-9]+)_").r | tonumber] | max' "$TOPO")
COLS=$(jq -r '[.nodes | keys[] | capture("_(?<c>[0-9]+)$").c | tonumber] | max' "$TOPO")
FIRST=r1_1 LAST="r${ROWS}_${COLS}"
say "topology $(basename "$TOPO"): $N routers, $(jq '.links | length' "$TOPO") links, $(jq '.lsps | length' "$TOPO") LSP requests"

# missing NODE: the other routers' loopbacks NODE's kernel has no kvte route to (one
# ip and one awk per node, so a poll of every kernel stays cheap)
printf '%s\n' "${LO[@]}" >"$T/loopbacks"
missing() {
  ip -n "$TAG-$1" route show proto 222 2>/dev/null | awk -v self="${LO[$1]}" -v lo="$T/loopbacks" '
    $1 != "nexthop" { have[$1] = 1 }
    END { while ((getline l < lo) > 0) if (l != self && !(l in have)) print l }'
}
converged() { local n; for n in "${NODES[@]}"; do [ -z "$(missing "$n")" ] || return 1; done; }
# convergence is polled from the start, while lab up runs (about every half second: a
# pass over 25 kernels takes ~0.4 s here), so the first moment every kernel is complete
# is seen even when that is before lab up returns
( while ! converged; do sleep 0.2; done; now_ms >"$T/converged_at" ) &
POLL=$!; track $POLL
t_up=$(now_ms)
"$LAB" up >"$T/up.log" 2>&1 || { tail -30 "$T/up.log" >&2; fail "lab up"; finish; }
t0=$(now_ms)
say "lab up took $((t0 - t_up)) ms"
grep -q "all $N speakers are up" "$T/up.log" && ok "lab up: $N speakers registered" || fail "speakers: $(grep -E 'speakers|warning' "$T/up.log" | tail -3)"
[ "$(ip netns list | grep -c "^$TAG-r")" -eq "$N" ] && ok "$N router namespaces" || fail "namespaces: $(ip netns list | grep -c "^$TAG-")"

t1=
for _ in $(seq 1 900); do [ -s "$T/converged_at" ] && { t1=$(cat "$T/converged_at"); break; }; sleep 0.1; done
kill $POLL 2>/dev/null || true
if [ -n "$t1" ]; then
  started=$(ectl get --prefix /kvte/speakers/ --print-value-only | jq -r .started | sort | head -1)
  first_ms=$(date -d "$started" +%s%3N)
  # the lab starts every speaker, then every agent, one by one: the last agent's start
  # is when the last daemon of the topology began
  last=$(ectl get --prefix /kvte/state/ --print-value-only | jq -r '.started // empty' | sort | tail -1)
  last_ms=$(date -d "${last:-@0}" +%s%3N)
  after=$((t1 - t0)); [ $after -lt 0 ] && after=0  # 0: complete before lab up returned
  echo "# converged in $after ms after lab up returned ($((t1 - t0)) ms; $((t1 - first_ms)) ms after the first" \
       "speaker started, $((t1 - last_ms)) ms after the last agent started, $((t1 - t_up)) ms after lab up was run)"
  ok "every router's kernel has a kvte route to the other $((N - 1)) loopbacks"
else
  for n in "${NODES[@]}"; do m=$(missing "$n" | tr '\n' ' '); [ -z "$m" ] || echo "# $n misses: $m" >&2; done
  fail "not converged 90 s after lab up"
fi

# ECMP: r1_1's four links to r2_2 are the cheapest (gen.py), so two next hops; and
# some multipath route in the kernels at all
R22=$(jq -r '.nodes.r2_2.loopback | split("/")[0]' "$TOPO")
wait_for 10 "ECMP r1_1 -> r2_2" bash -c "[ \$(ip -n $TAG-r1_1 route show $R22 proto 222 | grep -c nexthop) -eq 2 ]" \
  && ok "ECMP: r1_1's kernel reaches r2_2 ($R22) over et2 and et3: $(ip -n "$TAG-r1_1" route show "$R22" proto 222 | grep -o 'dev et[0-9]' | tr '\n' ' ')" \
  || fail "no ECMP route r1_1 -> r2_2: $(ip -n "$TAG-r1_1" route show "$R22")"
mp=0; for n in "${NODES[@]}"; do ip -n "$TAG-$n" route show proto 222 | grep -q nexthop && mp=$((mp + 1)); done
[ $mp -gt 0 ] && ok "$mp of $N kernels hold multipath kvte routes" || fail "no multipath route in any kernel"
jq_is "/kvte/rib/r1_1/isis/${R22}_32" '(.next_hops | length) == 2' \
  && ok "rib/r1_1/isis/${R22}_32 has two next hops" || fail "rib r1_1 -> r2_2: $(eget "/kvte/rib/r1_1/isis/${R22}_32")"

wait_for 10 "ping $FIRST -> $LAST" ip netns exec "$TAG-$FIRST" ping -c1 -W1 -I "${LO[$FIRST]}" "${LO[$LAST]}" \
  && ok "ping corner to corner: $FIRST (${LO[$FIRST]}) -> $LAST (${LO[$LAST]})" || fail "ping $FIRST -> $LAST"

# the LSP requests of the topology, as an operator would put them
ectl put /kvte/config/admin-groups "$(jq -c '{groups: .admin_groups}' "$TOPO")" >/dev/null
t_lsp=$(now_ms)
args=()
while read -r line; do
  eval "args=($line)"
  "$KVTECTL" --etcd "$EP" "${args[@]}" >>"$T/kvtectl.log" 2>&1 || fail "kvtectl ${args[*]}: $(tail -1 "$T/kvtectl.log")"
done < <(jq -r '.lsps[] | ["lsp","add",.name,"--from",.from,"--to",.to]
  + (if .bandwidth then ["--bandwidth",.bandwidth] else [] end)
  + (if .setup_priority then ["--setup",(.setup_priority|tostring)] else [] end)
  + (if .hold_priority then ["--hold",(.hold_priority|tostring)] else [] end)
  + (if .metric then ["--metric",.metric] else [] end)
  + (if .exclude then ["--exclude",(.exclude|join(","))] else [] end)
  + (if .protection then ["--protection",.protection] else [] end)
  + (if .diverse_from then ["--diverse-from",.diverse_from] else [] end)
  + (if .diversity then ["--diversity",.diversity] else [] end) | @sh' "$TOPO")
BPS='def bps: if type == "number" then . else (capture("^(?<n>[0-9.]+)(?<s>[kMGT]?)$") | (.n | tonumber) * ({"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}[.s])) end;'
mapfile -t LSPS < <(jq -r '.lsps[].name' "$TOPO")
all_up() { local l; for l in "${LSPS[@]}"; do jq_is "/kvte/te/paths/$l" '.state == "up"' || return 1; done; }
if wait_for 30 "every LSP up" all_up; then
  ok "${#LSPS[@]} LSPs up in te/paths, $(( $(now_ms) - t_lsp )) ms after the first lsp add"
else
  for l in "${LSPS[@]}"; do echo "# $l: $(eget "/kvte/te/paths/$l" | jq -c '{state, reason}')" >&2; done
  fail "not every LSP is up"
fi
for l in "${LSPS[@]}"; do
  want=$(jq -r --arg l "$l" "$BPS"' .lsps[] | select(.name == $l) | (.bandwidth // 0) | bps' "$TOPO")
  p=$(eget "/kvte/te/paths/$l")
  jq -e --argjson bw "$want" '.state == "up" and .bandwidth == $bw' <<<"$p" >/dev/null \
    || { fail "$l: $(jq -c '{state, bandwidth, reason}' <<<"$p")"; continue; }
  bad=
  for link in $(jq -r '.path[].link // empty' <<<"$p"); do
    v=$(eget "/kvte/te/links/$link")
    jq -e --arg l "$l" --argjson bw "$want" 'any(.lsps[]; .lsp == $l and .bandwidth == $bw)' <<<"$v" >/dev/null 2>&1 || bad="$bad $link"
  done
  [ -z "$bad" ] && ok "$l up on $(jq -r '[.path[].node] | join("-")' <<<"$p"), $want bit/s reserved on each of its $(jq '[.path[].link // empty] | length' <<<"$p") links" \
    || fail "$l: no reservation in te/links for:$bad"
done
# constraints held: exclude red, link-diverse twin
for l in $(jq -r '.lsps[] | select(.exclude) | .name' "$TOPO"); do
  red=$(jq -r '.links[] | select(.admin_groups // [] | index("red")) | .a, .b' "$TOPO")
  used=$(eget "/kvte/te/paths/$l" | jq -r '.path[].link // empty')
  hit=$(comm -12 <(sort <<<"$red") <(sort <<<"$used"))
  [ -z "$hit" ] && ok "$l avoids every red link" || fail "$l uses red links: $hit"
done
for l in $(jq -r '.lsps[] | select(.diverse_from) | .name' "$TOPO"); do
  twin=$(jq -r --arg l "$l" '.lsps[] | select(.name == $l) | .diverse_from' "$TOPO")
  # physical links (the topology's link index, from either end's name) on both paths
  links_of() {
    eget "/kvte/te/paths/$1" | jq -r --slurpfile t "$TOPO" \
      '($t[0].links | to_entries | map({(.value.a): .key, (.value.b): .key}) | add) as $m
       | .path[].link // empty | $m[.]' | sort -u
  }
  shared=$(comm -12 <(links_of "$l") <(links_of "$twin"))
  [ -z "$shared" ] && ok "$l shares no link with $twin" || fail "$l shares $shared with $twin"
done
"$KVTECTL" --etcd "$EP" show lsp >"$T/show-lsp.txt" 2>&1 && ok "kvtectl show lsp ($(grep -c ': up since' "$T/show-lsp.txt") up)" || fail "kvtectl show lsp"

# down: the lab stops its daemons one by one, each stop re-running SPF in every other
# router (about 2 s per process with ASan: 100 s for the grid); stop them all at once
# first (they are this test's lab's processes, from its pid files), then lab down
pids=$(cat "$KVTE_LAB_DIR"/*.pid)
daemons=$(cat "$KVTE_LAB_DIR"/*.speaker.pid "$KVTE_LAB_DIR"/*.agent.pid "$KVTE_LAB_DIR"/controller.pid 2>/dev/null)
t_down=$(now_ms)
# shellcheck disable=SC2086
kill -TERM $daemons 2>/dev/null || true
for p in $daemons; do for _ in $(seq 1 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done; done
lab_down && ok "lab down ($(( $(now_ms) - t_down )) ms)" || fail "lab down: $(cat "$T/down.log")"
[ "$(ip netns list | grep -c "^$TAG-" || true)" -eq 0 ] && ok "no namespace left" || fail "namespaces left: $(ip netns list | grep "^$TAG-")"
left=0; for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
[ $left -eq 0 ] && ok "no process left" || fail "processes left"
[ ! -e "$KVTE_LAB_DIR" ] && ok "run directory removed" || fail "run directory left"
finish
