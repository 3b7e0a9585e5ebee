#!/usr/bin/env bash
# test_deploy — deploy/compose and deploy/systemd, checked without a Docker engine or a
# running systemd (label "deploy"; docs/deploy.md):
#   - deploy/compose/seed is exactly what deploy/compose/gen.py generates from the seed
#     topology now, and its speaker configs are deploy/lab/topo.py's;
#   - `docker-compose config -q` (Debian's docker-compose 1.29) accepts the seed project,
#     with its ExaBGP services (whose start commands, run with this build's kvte-bgp,
#     write configurations `exabgp --validate` accepts), and a --link-pool variant;
#     gen.py refuses a link
#     network Docker would refuse, naming the field;
#   - the compose services' privileges (check_deploy.py compose);
#   - the Dockerfile, by a structural lint (check_deploy.py dockerfile; no Dockerfile
#     linter is packaged in Debian 12), which must also reject a bad Dockerfile;
#   - kvte-netns-holder on a fake "Docker" namespace (root only: unshare -n);
#   - every unit with `systemd-analyze verify` (ExecStart paths substituted) and
#     structurally, and the capabilities each unit grants are exactly the expected ones.
# Exit 77 (skipped) only when python3 is missing; missing optional tools skip their part.
set -euo pipefail

SRC=${KVTE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d /tmp/kvte-deploy-XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*" >&2; FAILS=$((FAILS + 1)); }
say() { echo "# $*"; }
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: /usr/bin/python3 missing" >&2; exit 77; }
SEED="$SRC/deploy/lab/topologies/seed.json"
GEN="$SRC/deploy/compose/gen.py"
COMMITTED="$SRC/deploy/compose/seed"

# ---- the committed seed project is up to date ----------------------------------------
"$PY" "$GEN" --context ../../.. "$SEED" "$T/seed" >/dev/null
if diff -r -x exabgp.conf -x exabgp.env "$COMMITTED" "$T/seed" >"$T/seed.diff"; then
  ok "deploy/compose/seed equals a fresh gen.py run ($(find "$T/seed" -type f | wc -l) files)"
else
  fail "deploy/compose/seed is stale: regenerate with /usr/bin/python3 deploy/compose/gen.py deploy/lab/topologies/seed.json deploy/compose/seed"
  head -40 "$T/seed.diff" >&2
fi
"$PY" "$SRC/deploy/lab/topo.py" "$SEED" "$T/lab" >"$T/lab.plan"
same=1
for f in "$T"/lab/*.speaker.json; do
  n=$(basename "$f" .speaker.json)
  cmp -s "$f" "$T/seed/$n/speaker.json" || same=0
done
cmp -s "$T/lab/admin-groups.json" "$T/seed/admin-groups.json" || same=0
[ $same -eq 1 ] && ok "compose speaker configs are the lab's (deploy/lab/topo.py, $(ls "$T"/lab/*.speaker.json | wc -l) routers)" \
  || fail "compose and lab speaker configs differ"

# gen.py refuses what Docker would refuse, naming the field
"$PY" - "$SEED" "$T/overlap.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
t["links"][1]["a_addr"], t["links"][1]["b_addr"] = "100.65.0.0/30", "100.65.0.1/30"
json.dump(t, open(sys.argv[2], "w"))
EOF
if out=$("$PY" "$GEN" "$T/overlap.json" "$T/overlap" 2>&1); then
  fail "gen.py accepted overlapping link subnets"
else
  grep -q "links\[1\]: subnet 100.65.0.0/30 overlaps l0-r1-ex1" <<<"$out" \
    && ok "gen.py refuses overlapping link networks: $out" || fail "overlap message: $out"
fi

# ---- docker-compose config ------------------------------------------------------------
if command -v docker-compose >/dev/null; then
  v=$(docker-compose version --short 2>/dev/null || true)
  if (cd "$COMMITTED" && docker-compose config -q) 2>"$T/dc.err"; then
    ok "docker-compose $v config -q accepts deploy/compose/seed/docker-compose.yml"
  else
    fail "docker-compose config: $(cat "$T/dc.err")"
  fi
  if (cd "$COMMITTED" && docker-compose config --services) >"$T/svcs" 2>"$T/dc.err"; then
    grep -qx r4-bgp "$T/svcs" && grep -qx ex2-bgp "$T/svcs" \
      && ok "ExaBGP services r4-bgp and ex2-bgp start with the rest" || fail "services: $(tr '\n' ' ' <"$T/svcs")"
  else
    fail "docker-compose config --services: $(cat "$T/dc.err")"
  fi
  # each ExaBGP service's start command, run here with this build's kvte-bgp: the
  # configuration it generates is one ExaBGP accepts
  BGPBIN=${KVTE_BUILD_DIR:-$SRC/build}/bgp/kvte-bgp
  if [ -x "$BGPBIN" ] && command -v exabgp >/dev/null; then
    for svc in r4-bgp ex2-bgp; do
      cmd=$(grep -A6 "^  $svc:" "$COMMITTED/docker-compose.yml" | sed -n 's/^    command: \[sh, "-c", "\(.*\)"\]$/\1/p')
      gen=${cmd%% >/dev/null && exec exabgp*}
      gen=${gen//\/etc\/kvte\/topology.json/$COMMITTED\/topology.json}
      gen=${gen//\/tmp\/kvte-bgp/$T\/$svc}
      gen=${gen/#kvte-bgp /$BGPBIN }
      if [ -n "$cmd" ] && [ "$gen" != "$cmd" ] && eval "$gen" >/dev/null 2>"$T/gen.err" \
         && env exabgp.tcp.bind= exabgp --env "$T/$svc/exabgp.env" --validate "$T/$svc/exabgp.conf" >/dev/null 2>&1; then
        ok "$svc's start command writes a configuration exabgp --validate accepts"
      else
        fail "$svc's start command (${cmd:-not found}): $(cat "$T/gen.err" 2>/dev/null)"
      fi
    done
  else
    say "skipped: the ExaBGP services' commands (no $BGPBIN or no exabgp)"
  fi
  "$PY" "$GEN" --link-pool 172.30.0.0/24 --context "$SRC" "$SEED" "$T/pool" >/dev/null
  if (cd "$T/pool" && docker-compose config -q) 2>"$T/dc.err" \
     && grep -q "^flush et2$" "$T/pool/r1/netns.plan" && grep -q '"172.30.0.8/29"' "$T/pool/docker-compose.yml"; then
    ok "--link-pool 172.30.0.0/24: a /29 per link for Docker, the holders swap in the topology's addresses; config -q accepts it"
  else
    fail "--link-pool variant: $(cat "$T/dc.err")"
  fi
  # the check is real: a broken file is refused
  mkdir -p "$T/broken"
  sed -e 's/^    cap_add: \[NET_RAW\]/    cap_addd: [NET_RAW]/' -e "s#context: \.\./\.\./\.\.#context: $SRC#" \
    "$COMMITTED/docker-compose.yml" >"$T/broken/docker-compose.yml"
  if (cd "$T/broken" && docker-compose config -q) >"$T/broken.out" 2>&1; then
    fail "docker-compose config accepted an unknown key"
  else
    grep -q "cap_addd" "$T/broken.out" && ok "docker-compose config -q refuses an unknown service key" \
      || fail "broken compose file refused for another reason: $(cat "$T/broken.out")"
  fi
else
  say "docker-compose not installed (Debian package docker-compose): compose schema check skipped"
fi

# ---- structural checks: compose privileges, Dockerfile ---------------------------------
"$PY" "$SRC/tests/deploy/check_deploy.py" compose "$COMMITTED/docker-compose.yml" "$SEED" || FAILS=$((FAILS + 1))
"$PY" "$SRC/tests/deploy/check_deploy.py" dockerfile "$SRC/deploy/compose/Dockerfile" || FAILS=$((FAILS + 1))
cat >"$T/Dockerfile.bad" <<'EOF'
FROM debian:latest AS runtime
RUN apt-get update
RUN apt-get install -y iproute2
USER root
EOF
if "$PY" "$SRC/tests/deploy/check_deploy.py" dockerfile "$T/Dockerfile.bad" >"$T/bad.out" 2>&1; then
  fail "the Dockerfile lint accepted a bad Dockerfile"
else
  ok "the Dockerfile lint rejects a bad one ($(grep -c FAIL "$T/bad.out") findings)"
fi

# ---- kvte-netns-holder on a fake Docker namespace --------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
   && unshare --net --mount true 2>/dev/null; then
  cat >"$T/holder.sh" <<'EOF'
set -e
mount -t tmpfs tmpfs /run
# what Docker gives ex2's holder: the management interface and the link, named ethN
ip link add eth0 type veth peer name p0; ip addr add 172.18.0.5/16 dev eth0
ip link add eth1 type veth peer name p1; ip addr add 100.65.0.17/31 dev eth1
"$1" "$2" >"$3" 2>&1 &
h=$!
for _ in $(seq 1 50); do [ -f /run/kvte/ready ] && break; sleep 0.1; done
ip -br addr show
kill -TERM $h; wait $h; echo "exit $?"
EOF
  if unshare --net --mount bash "$T/holder.sh" "$SRC/deploy/compose/kvte-netns-holder" \
       "$COMMITTED/ex2/netns.plan" "$T/holder.log" >"$T/holder.out" 2>&1 \
     && grep -q "^et1@p1 .* 100.65.0.17/31" "$T/holder.out" \
     && grep -q "^et2@et2-stub .* 10.42.2.10/24" "$T/holder.out" \
     && grep -q "^lo .* 192.168.50.7/32" "$T/holder.out" && grep -qx "exit 0" "$T/holder.out"; then
    ok "kvte-netns-holder: ex2's eth1 renamed et1 (100.65.0.17/31), stub et2 10.42.2.10/24, loopback; SIGTERM exits 0"
  else
    fail "kvte-netns-holder: $(cat "$T/holder.out" "$T/holder.log" 2>/dev/null)"
  fi
else
  say "not root (or no unshare): kvte-netns-holder check skipped"
fi

# ---- systemd units ----------------------------------------------------------------------
"$PY" "$SRC/tests/deploy/check_deploy.py" units "$SRC/deploy/systemd" || FAILS=$((FAILS + 1))
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$T/units/bin"
  for b in kvte-speaker kvte-agent kvte-controller exabgp; do
    printf '#!/bin/sh\nexit 0\n' >"$T/units/bin/$b"; chmod +x "$T/units/bin/$b"
  done
  for u in "$SRC"/deploy/systemd/*.service; do
    name=$(basename "$u")
    inst=${name/@./@r1.}
    sed -e "s#/usr/local/bin/#$T/units/bin/#g" -e "s#/usr/bin/exabgp#$T/units/bin/exabgp#g" "$u" >"$T/units/$inst"
    if systemd-analyze verify --man=no --generators=no "$T/units/$inst" >"$T/verify.out" 2>&1 \
       && ! grep -v "^Cannot stat .*generator" "$T/verify.out" | grep -q .; then
      ok "systemd-analyze verify $name (as $inst): clean"
    else
      fail "systemd-analyze verify $name: $(cat "$T/verify.out")"
    fi
    score=$(systemd-analyze security --offline=yes "$T/units/$inst" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: //p' || true)
    [ -n "$score" ] && say "$name: systemd-analyze security exposure $score"
  done
else
  say "systemd-analyze not installed: units checked structurally only"
fi

[ $FAILS -eq 0 ] && echo "# all deploy checks passed" || echo "# $FAILS failed" >&2
exit $((FAILS > 0))
