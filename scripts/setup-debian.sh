#!/usr/bin/env bash
# Installs every Debian 12 package kvte needs (DESIGN §4) on a fresh machine, as root.
# Idempotent: packages already installed are skipped, so a second run does nothing and
# needs no network. Called by scripts/lab.sh, scripts/test.sh and .ci/run.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # libraries kvte links
  libuv1-dev libjansson-dev libcurl4-openssl-dev libmnl-dev libssl-dev check
  # the bus
  etcd-server etcd-client
  # external BGP, interop peers
  exabgp frr
  # tests: schema conformance, PDU dissection, crafted PDUs
  python3 python3-jsonschema tshark python3-scapy
  # lab, pictures, TLS material for tests
  iproute2 jq iputils-ping graphviz openssl procps psmisc
  # benchmarks (reference graph library)
  libigraph-dev
  # deploy validation: `docker-compose config` of deploy/compose (tests/deploy)
  docker-compose
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-debian.sh: must run as root (it installs Debian packages); try: sudo $0" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

# kvte's route protocol number (fib-agent/nl_route.h KVTE_RTPROT), named for iproute2 so
# `ip route` shows "proto kvte" (after the packages: iproute2 creates /etc/iproute2)
name_rtproto() {
  if [ -d /etc/iproute2 ] && [ ! -e /etc/iproute2/rt_protos.d/kvte.conf ]; then
    mkdir -p /etc/iproute2/rt_protos.d
    printf '# kvte-agent routes (fib-agent/nl_route.h KVTE_RTPROT)\n222\tkvte\n' > /etc/iproute2/rt_protos.d/kvte.conf
    echo "setup: named route protocol 222 \"kvte\" in /etc/iproute2/rt_protos.d/kvte.conf"
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  name_rtproto
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Daemons from packages (etcd, frr) must not be started by their maintainer scripts:
# kvte starts its own instances on chosen ports.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1
fi
trap '[ $made_policy -eq 1 ] && rm -f "$policy"' EXIT
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
name_rtproto
echo "setup: done"
