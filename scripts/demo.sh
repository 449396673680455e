#!/usr/bin/env bash
# Demo: build, start the simulators with generated positions, run a full sync
# on the embedded default (SQLite in a temporary data dir), change some
# positions, run a delta sync, and print both summaries.
#   POSITIONS=10000 CHANGED=250 LATENCY_MS=0 ./scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POSITIONS=${POSITIONS:-10000}
CHANGED=${CHANGED:-250}
LATENCY_MS=${LATENCY_MS:-0}

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target fluent-ct fluent-ct-sim

work=$(mktemp -d /tmp/fluent-ct-demo.XXXXXX)
build/fluent-ct-sim --port 0 --port-file "$work/port" --positions "$POSITIONS" --latency-ms "$LATENCY_MS" \
  >"$work/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "simulator did not start:"; cat "$work/sim.log"; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"

# The simulators' default credentials (docs/SIMULATOR.md).
export FLUENT_BASE_URL="$base/fluent" FLUENT_ACCOUNT=ACME FLUENT_RETAILER_ID=1
export FLUENT_CLIENT_ID=sim-client FLUENT_CLIENT_SECRET=sim-secret FLUENT_USERNAME=sim-user FLUENT_PASSWORD=sim-password
export CTP_PROJECT_KEY=sim-project CTP_CLIENT_ID=sim-ct-client CTP_CLIENT_SECRET=sim-ct-secret
export CTP_AUTH_URL="$base/ct-auth" CTP_API_URL="$base/ct" CTP_SCOPES="manage_project:sim-project"
export FLUENT_CT_DATA_DIR="$work/data"

echo "== full sync of $POSITIONS positions"
build/fluent-ct run batch-inventory-sync
echo
echo "== $CHANGED positions change in Fluent"
curl -sf -X POST "$base/_sim/positions/touch" -H 'Content-Type: application/json' \
  -d "{\"count\": $CHANGED, \"seed\": 7}" >/dev/null
echo
echo "== delta sync"
build/fluent-ct run batch-inventory-sync
