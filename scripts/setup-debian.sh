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

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
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
echo "setup: done"
