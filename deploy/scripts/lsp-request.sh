#!/usr/bin/env bash
# lsp-request.sh — request (or change) an LSP by putting config/lsps/NAME, then wait
# for the controller's answer at te/paths/NAME and print it (docs/keys.md), with
# etcdctl and jq only.
#
#   deploy/scripts/lsp-request.sh [-e ENDPOINTS] [-r ROOT] [-t SECONDS] [-x JSON]
#                                 NAME FROM TO [BANDWIDTH] [PROTECTION]
#
#   NAME, FROM, TO  the LSP's name and its head and tail routers (1..63 of A-Z a-z 0-9
#                   . _ -; FROM and TO differ)
#   BANDWIDTH       to reserve: bits/s, or "200M"-style (k, M, G, T; up to 3 decimals);
#                   "" or 0 for none
#   PROTECTION      none, link or node
#   -x JSON         more fields of the request (schemas/lsp-request.schema.json), merged
#                   in: -x '{"exclude":["red"],"setup_priority":4,"hold_priority":4}'
#   -e ENDPOINTS    etcd endpoints (default $ETCDCTL_ENDPOINTS, else http://127.0.0.1:2379)
#   -r ROOT         key root (default /kvte/)
#   -t SECONDS      how long to wait for an answer (default 10)
#   -h              this help
#
# Example, in the seed lab:
#
#   $ deploy/scripts/lsp-request.sh r1-to-r4 r1 r4 200M link
#   lsp-request: put /kvte/config/lsps/r1-to-r4 {"from":"r1","to":"r4","bandwidth":"200M","protection":"link"}
#   lsp-request: r1-to-r4 up after 240 ms: path r1-r2-r4, metric 128, bandwidth 200000000, 2 bypasses
#   { "lsp": "r1-to-r4", "state": "up", ... }          (the te/paths value, pretty)
#
# Putting the same NAME again replaces the request (that is how an LSP is modified);
# `etcdctl del ROOT/config/lsps/NAME` (or kvtectl lsp del NAME) removes it. Only an
# answer written after this put counts (an identical request already answered is
# answered by the value there). Exit status: 0 up; 1 answered down or invalid (the
# reason is printed), or etcd unreachable; 2 usage or a request that breaks a rule
# here (nothing is written); 3 no final answer within -t seconds.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "lsp-request: $1" >&2; exit "${2:-1}"; }
E=${ETCDCTL_ENDPOINTS:-http://127.0.0.1:2379}
ROOT=/kvte/ WAIT=10 EXTRA='{}'
while getopts "e:r:t:x:h" o; do
  case $o in
    e) E=$OPTARG ;;
    r) ROOT=$OPTARG ;;
    t) WAIT=$OPTARG ;;
    x) EXTRA=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] && [ $# -le 5 ] || { usage >&2; exit 2; }
NAME=$1 FROM=$2 TO=$3 BW=${4:-} PROT=${5:-}
command -v etcdctl >/dev/null || die "etcdctl not installed (Debian package etcd-client)"
command -v jq >/dev/null || die "jq not installed (Debian package jq)"
re='^[A-Za-z0-9._-]{1,63}$'
for v in "NAME=$NAME" "FROM=$FROM" "TO=$TO"; do
  [[ ${v#*=} =~ $re ]] || die "${v%%=*} ${v#*=}: expected 1..63 of A-Z a-z 0-9 . _ -" 2
done
[ "$FROM" != "$TO" ] || die "FROM and TO are both $FROM" 2
[ -z "$BW" ] || [[ $BW =~ ^[0-9]+(\.[0-9]{1,3})?[kMGT]?$ ]] || die "BANDWIDTH $BW: expected bits/s or a string like 200M" 2
[ -z "$PROT" ] || [[ $PROT =~ ^(none|link|node)$ ]] || die "PROTECTION $PROT: expected none, link or node" 2
[[ $WAIT =~ ^[0-9]+$ ]] || die "-t $WAIT: expected whole seconds" 2
[[ $ROOT == /*/ ]] || die "-r $ROOT: a root starts and ends with /" 2
jq -e 'type == "object"' <<<"$EXTRA" >/dev/null 2>&1 || die "-x $EXTRA: expected a JSON object" 2

VALUE=$(jq -nc --arg f "$FROM" --arg t "$TO" --arg bw "$BW" --arg p "$PROT" --argjson x "$EXTRA" '
  {from: $f, to: $t}
  + (if $bw == "" or $bw == "0" then {} elif ($bw | test("^[0-9]+$")) then {bandwidth: ($bw | tonumber)} else {bandwidth: $bw} end)
  + (if $p == "" then {} else {protection: $p} end) + $x')
export ETCDCTL_API=3
unset ETCDCTL_ENDPOINTS  # etcdctl refuses the variable and --endpoints together
ectl() { etcdctl --endpoints="$E" --dial-timeout=3s --command-timeout=5s "$@"; }
REQ="${ROOT}config/lsps/$NAME" ANS="${ROOT}te/paths/$NAME"

old=$(ectl get "$REQ" --print-value-only) || die "cannot reach etcd at $E"
same=0
[ -n "$old" ] && [ "$(jq -cS . <<<"$old" 2>/dev/null)" = "$(jq -cS . <<<"$VALUE")" ] && same=1
rev=$(ectl put "$REQ" "$VALUE" -w json | jq -r '.header.revision') || die "put $REQ failed"
echo "lsp-request: put $REQ $VALUE"
start=$(date +%s%N)
deadline=$((start + WAIT * 1000000000))
last=
while :; do
  got=$(ectl get "$ANS" -w json 2>/dev/null || true)
  mod=$(jq -r '.kvs[0].mod_revision // 0' <<<"$got" 2>/dev/null || echo 0)
  val=$(jq -r '.kvs[0].value // "" | @base64d' <<<"$got" 2>/dev/null || true)
  if [ -n "$val" ] && { [ "$mod" -gt "$rev" ] || [ $same -eq 1 ]; }; then
    last=$val
    state=$(jq -r '.state // "?"' <<<"$val" 2>/dev/null || echo unreadable)
    [ "$state" != pending ] && break
  fi
  [ "$(date +%s%N)" -lt $deadline ] || break
  sleep 0.1
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ -z "$last" ]; then
  die "no answer at $ANS within ${WAIT} s (is kvte-controller running? etcdctl get ${ROOT}te/leader)" 3
fi
summary=$(jq -r '
  if .state == "up" then
    "path \([.path[]?.node] | join("-")), metric \(.metric // "?"), bandwidth \(.bandwidth // 0)"
    + (if (.bypasses // []) | length > 0 then ", \(.bypasses | length) bypasses" else "" end)
  else "reason: \(.reason // "none given")" end' <<<"$last" 2>/dev/null || echo "unreadable value")
echo "lsp-request: $NAME $state after $ms ms: $summary"
jq . <<<"$last" 2>/dev/null || echo "$last"
case $state in
  up) exit 0 ;;
  pending) echo "lsp-request: still pending after ${WAIT} s" >&2; exit 3 ;;
  *) exit 1 ;;
esac
