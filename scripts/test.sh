#!/usr/bin/env bash
# Builds everything and runs all tests (unit and integration) through ctest.
#   FCT_SANITIZE=1 ./scripts/test.sh   # the same under ASan/UBSan, in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ "${FCT_SANITIZE:-0}" = 1 ]; then
  dir=build-asan
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DFCT_SANITIZE=ON >/dev/null
else
  dir=build
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$dir" -j"$(nproc)"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 300
