#!/usr/bin/env bash
# The README's second command: set up (Debian packages), build with ASan+UBSan and
# warnings as errors, run every test (unit, real-etcd integration, schema examples).
# The output ends with ctest's summary line. Extra arguments go to ctest
# (e.g. `scripts/test.sh -L unit`). Build tree: build-test/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/setup-debian.sh
else
  echo "test: not root; skipping package set-up (run as root on a fresh machine)" >&2
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKVTE_SANITIZE=ON -DKVTE_WERROR=ON >/dev/null
cmake --build build-test -j"$jobs"
# Real etcd servers bind free loopback ports, so test programs can run side by side.
ctest --test-dir build-test --output-on-failure -j"$jobs" "$@"
