#!/usr/bin/env bash
# drain-link.sh — drain a link: raise the IGP metric of one router's interface in its
# kvte-speaker configuration and make the speaker re-read it (SIGHUP: it re-originates
# its LSP with the new metric, every SPF moves traffic off the link, no adjacency goes
# down); undrain puts the original metric back.
#
#   deploy/scripts/drain-link.sh [-c CONFIG] [-p PIDFILE | -P PID] [-T] NODE IFACE [METRIC]
#   deploy/scripts/drain-link.sh undrain [-c CONFIG] [-p PIDFILE | -P PID] NODE IFACE
#
#   NODE IFACE   the router and its interface (as in its configuration, e.g. r1 et2)
#   METRIC       the new IGP metric, 1..16777215 (default 16777214: the highest a wide
#                metric can be while the link stays usable as a last resort)
#   undrain      restore the interface's metric (and TE metric) from the backup
#   -c CONFIG    the speaker's configuration (default, the lab's:
#                $KVTE_LAB_DIR/conf/NODE.speaker.json, KVTE_LAB_DIR=/var/tmp/kvte-lab)
#   -p PIDFILE   its pid file (default $KVTE_LAB_DIR/NODE.speaker.pid)
#   -P PID       its pid, e.g. -P "$(systemctl show -p MainPID --value kvte-speaker@r1)"
#   -T           also set the interface's TE metric (te.te_metric) to METRIC, so that
#                the controller's CSPF (which uses TE metrics) avoids the link too;
#                without -T only the IGP moves and LSPs stay where they are
#   -h           this help
#
# The first drain of a node keeps the configuration as it was in CONFIG.pre-drain
# (next to it); undrain takes the interface's values from there and removes the backup
# once nothing differs from it any more. The file is replaced atomically (a temporary
# file and a rename). Before signalling, the script checks that the running binary
# handles SIGHUP (its --help says so): an old speaker would stop on SIGHUP. Then it
# waits up to 5 s for the speaker's "reload:" lines (in the lab's log,
# $KVTE_LAB_DIR/NODE.speaker.log, when there is one) and prints them.
#
# Example, in the seed lab (r1's route to r4 moves from et2 to et3):
#
#   $ deploy/scripts/drain-link.sh r1 et2
#   drain-link: r1 et2: metric 51 -> 16777214 in /var/tmp/kvte-lab/conf/r1.speaker.json (backup: ....pre-drain)
#   drain-link: sent SIGHUP to kvte-speaker r1 (pid 4242)
#   drain-link: r1: ... reload: et2 metric 51 -> 16777214
#   $ etcdctl get /kvte/rib/r1/isis/192.168.50.4_32 --print-value-only
#   $ deploy/scripts/drain-link.sh undrain r1 et2
#
# Exit status: 0 done; 1 an error (no such interface, speaker not running or without
# SIGHUP support, no reload seen in its log); 2 usage.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "drain-link: $1" >&2; exit "${2:-1}"; }
MODE=drain
if [ "${1:-}" = undrain ]; then MODE=undrain; shift; fi
LAB_DIR=${KVTE_LAB_DIR:-/var/tmp/kvte-lab}
CONF='' PIDFILE='' PID='' TE=0
while getopts "c:p:P:Th" o; do
  case $o in
    c) CONF=$OPTARG ;;
    p) PIDFILE=$OPTARG ;;
    P) PID=$OPTARG ;;
    T) TE=1 ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $MODE = drain ]; then
  [ $# -ge 2 ] && [ $# -le 3 ] || { usage >&2; exit 2; }
else
  [ $# -eq 2 ] || { usage >&2; exit 2; }
fi
NODE=$1 IFACE=$2 METRIC=${3:-16777214}
[[ $METRIC =~ ^[0-9]+$ ]] && [ "$METRIC" -ge 1 ] && [ "$METRIC" -le 16777215 ] \
  || die "METRIC $METRIC: expected 1..16777215" 2
command -v jq >/dev/null || die "jq not installed (Debian package jq)"
CONF=${CONF:-$LAB_DIR/conf/$NODE.speaker.json}
LOG=$LAB_DIR/$NODE.speaker.log
BACKUP=$CONF.pre-drain
[ -f "$CONF" ] || die "no configuration $CONF (is the lab up? set KVTE_LAB_DIR, or -c)"
jq -e --arg i "$IFACE" 'any(.interfaces[]?; .name == $i)' "$CONF" >/dev/null \
  || die "$NODE has no interface $IFACE in $CONF (it has: $(jq -r '[.interfaces[]?.name] | join(" ")' "$CONF"))"

if [ -z "$PID" ]; then
  PIDFILE=${PIDFILE:-$LAB_DIR/$NODE.speaker.pid}
  [ -f "$PIDFILE" ] || die "no pid file $PIDFILE (use -p or -P)"
  PID=$(cat "$PIDFILE")
fi
[[ $PID =~ ^[0-9]+$ ]] && kill -0 "$PID" 2>/dev/null || die "kvte-speaker $NODE (pid $PID) is not running"
exe=$(readlink "/proc/$PID/exe" 2>/dev/null || true)
if [ -n "$exe" ] && [ -x "$exe" ]; then
  "$exe" --help 2>&1 | grep -q SIGHUP \
    || die "$exe (pid $PID) does not handle SIGHUP (it would stop); nothing changed. Restart it with the new configuration instead"
fi

# replace CONF atomically with the result of a jq filter
edit() {
  local tmp; tmp=$(mktemp "$CONF.XXXXXX")
  jq "$@" "$CONF" >"$tmp" && chmod --reference="$CONF" "$tmp" && mv "$tmp" "$CONF" || { rm -f "$tmp"; die "cannot rewrite $CONF"; }
}
cur=$(jq --arg i "$IFACE" '.interfaces[] | select(.name == $i) | .metric // 10' "$CONF")
if [ $MODE = drain ]; then
  [ -f "$BACKUP" ] || cp -p "$CONF" "$BACKUP"
  edit --arg i "$IFACE" --argjson m "$METRIC" --argjson te $TE '
    .interfaces |= map(if .name == $i then .metric = $m | (if $te == 1 then .te.te_metric = $m else . end) else . end)'
  echo "drain-link: $NODE $IFACE: metric $cur -> $METRIC$([ $TE = 1 ] && echo ", TE metric too") in $CONF (backup: $BACKUP)"
else
  [ -f "$BACKUP" ] || die "no backup $BACKUP: $NODE has nothing drained (metric of $IFACE is $cur)"
  orig=$(jq -c --arg i "$IFACE" '.interfaces[] | select(.name == $i)' "$BACKUP")
  [ -n "$orig" ] || die "$IFACE is not in the backup $BACKUP"
  edit --arg i "$IFACE" --argjson o "$orig" '
    .interfaces |= map(if .name == $i then (.metric = $o.metric | if $o.metric == null then del(.metric) else . end
                                            | .te.te_metric = $o.te.te_metric | if $o.te.te_metric == null then del(.te.te_metric) else . end
                                            | if .te == {} and ($o | has("te") | not) then del(.te) else . end) else . end)'
  echo "drain-link: $NODE $IFACE: metric $cur -> $(jq '.metric // 10' <<<"$orig") (from $BACKUP)"
  if [ "$(jq -cS . "$CONF")" = "$(jq -cS . "$BACKUP")" ]; then
    rm -f "$BACKUP"; echo "drain-link: $NODE: nothing drained any more, backup removed"
  fi
fi

lines=0
[ -f "$LOG" ] && lines=$(wc -l <"$LOG")
kill -HUP "$PID"
echo "drain-link: sent SIGHUP to kvte-speaker $NODE (pid $PID)"
[ -f "$LOG" ] || { echo "drain-link: no log at $LOG to confirm the reload; check the speaker's log (journalctl -u kvte-speaker@$NODE)"; exit 0; }
for _ in $(seq 1 50); do
  new=$(tail -n +"$((lines + 1))" "$LOG" | grep -E 'reload(: | failed)' || true)
  if grep -q 'reload failed' <<<"$new"; then die "$NODE: $(grep 'reload failed' <<<"$new" | tail -1)"; fi
  if grep -qE 'reload: .*(changes? applied|no changes)' <<<"$new"; then
    sed "s/^/drain-link: $NODE: /" <<<"$new"; exit 0
  fi
  sleep 0.1
done
[ -n "$new" ] && { sed "s/^/drain-link: $NODE: /" <<<"$new"; exit 0; }
die "no reload line in $LOG within 5 s after SIGHUP: does this kvte-speaker reload its configuration?"
