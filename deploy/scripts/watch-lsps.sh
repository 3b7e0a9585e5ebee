#!/usr/bin/env bash
# watch-lsps.sh — follow the controller's LSP answers (te/paths/, docs/keys.md) and
# print one line per LSP state change, with etcdctl watch and jq only.
#
#   deploy/scripts/watch-lsps.sh [-e ENDPOINTS] [-r ROOT] [-n] [-a] [-c COUNT]
#
# First one line per existing LSP (its current state), then, as changes happen, one
# line each time an LSP's state or path changes (a re-route is a change) or its answer
# is deleted:
#
#   22:01:07.412 r1-to-r4 up r1-r2-r4 -
#   22:01:09.730 r1-to-r4 up r1-r3-r5-r4 -
#   22:01:12.002 r1-to-r9 down - no path from r1 to r9: unknown node r9
#   22:01:15.118 r1-to-r4 deleted - -
#
# Fields: local time, LSP name, state (up, down, invalid, pending; "deleted" when
# te/paths/NAME goes away), path (the nodes joined by "-", "-" when there is none),
# reason ("-" when there is none). Rewrites that change neither state nor path (a
# bypass, "since", the bandwidth) print nothing unless -a.
#
#   -e ENDPOINTS  etcd endpoints (default $ETCDCTL_ENDPOINTS, else http://127.0.0.1:2379)
#   -r ROOT       key root (default /kvte/)
#   -n            do not print the current states first, only changes
#   -a            print every write of te/paths/, not only state and path changes
#   -c COUNT      exit after COUNT change lines (the first listing does not count)
#   -h            this help
#
# Stops on Ctrl-C (or SIGTERM). Needs etcdctl (v3 API) and jq >= 1.6.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
E=${ETCDCTL_ENDPOINTS:-http://127.0.0.1:2379}
ROOT=/kvte/ LIST=1 ALL=0 COUNT=0
while getopts "e:r:nac:h" o; do
  case $o in
    e) E=$OPTARG ;;
    r) ROOT=$OPTARG ;;
    n) LIST=0 ;;
    a) ALL=1 ;;
    c) COUNT=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }
[[ $ROOT == /*/ ]] || { echo "watch-lsps: -r $ROOT: a root starts and ends with /" >&2; exit 2; }
[[ $COUNT =~ ^[0-9]+$ ]] || { echo "watch-lsps: -c $COUNT: expected a number" >&2; exit 2; }
command -v etcdctl >/dev/null || { echo "watch-lsps: etcdctl not installed (Debian package etcd-client)" >&2; exit 1; }
command -v jq >/dev/null || { echo "watch-lsps: jq not installed (Debian package jq)" >&2; exit 1; }
export ETCDCTL_API=3
unset ETCDCTL_ENDPOINTS  # etcdctl refuses the variable and --endpoints together
ectl() { etcdctl --endpoints="$E" "$@"; }
P="${ROOT}te/paths/"

# One event -> "NAME<TAB>STATE<TAB>PATH<TAB>REASON" (no empty field: read would merge them)
FMT='def row: (.value | fromjson? // {state: "unreadable"}) as $v
  | [.name, ($v.state // "?"),
     ([$v.path[]?.node] | join("-") | if . == "" then "-" else . end),
     ($v.reason // "-" | gsub("[\t\n]"; " "))];
  def gone: [.name, "deleted", "-", "-"];'

snap=$(ectl --dial-timeout=3s --command-timeout=5s get --prefix "$P" -w json) \
  || { echo "watch-lsps: cannot read $P from etcd at $E" >&2; exit 1; }
rev=$(jq -r '.header.revision' <<<"$snap")

declare -A LAST
now() { date +%H:%M:%S.%3N; }
while IFS=$'\t' read -r name state path reason; do
  LAST[$name]="$state $path"
  [ $LIST -eq 1 ] && printf '%s %s %s %s %s\n' "$(now)" "$name" "$state" "$path" "$reason"
done < <(jq -r --arg p "$P" "$FMT"'
  .kvs[]? | {name: (.key | @base64d | ltrimstr($p)), value: (.value // "" | @base64d)} | row | @tsv' <<<"$snap")

dir=$(mktemp -d "${TMPDIR:-/tmp}/watch-lsps.XXXXXX")
mkfifo "$dir/events"
wpid=
# stop: the etcdctl watch goes with us (and with it the jq reading its output)
stop() {
  if [ -n "$wpid" ]; then kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 0' INT TERM
etcdctl --endpoints="$E" watch --prefix "$P" --rev $((rev + 1)) -w json >"$dir/events" &  # not ectl: $! must be etcdctl
wpid=$!

n=0
while IFS=$'\t' read -r name state path reason; do
  if [ $ALL -eq 0 ] && [ "${LAST[$name]-}" = "$state $path" ]; then continue; fi
  if [ "$state" = deleted ]; then unset "LAST[$name]"; else LAST[$name]="$state $path"; fi
  printf '%s %s %s %s %s\n' "$(now)" "$name" "$state" "$path" "$reason"
  n=$((n + 1))
  [ "$COUNT" -gt 0 ] && [ $n -ge "$COUNT" ] && exit 0
done < <(jq --unbuffered -r --arg p "$P" "$FMT"'
  .Events[]? | {name: (.kv.key | @base64d | ltrimstr($p)), value: (.kv.value // "" | @base64d),
                del: (.type == 1 or .type == "DELETE")}
  | if .del then gone else row end | @tsv' <"$dir/events")
echo "watch-lsps: the watch ended (etcdctl exited)" >&2
exit 1
