#!/usr/bin/env bash
# Installs the Debian packages fluent-ct needs to build, test and benchmark.
# Safe to run any number of times: it installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev      # HTTP client (libcurl multi: many requests in flight)
  nlohmann-json3-dev        # JSON documents: build, read config and settings, general replies
  libsimdjson-dev           # fast path for the three bulk replies only (src/api/reply_decoders.cc)
  libyaml-cpp-dev           # connector.yml (keeps line numbers for errors)
  libsqlite3-dev            # embedded store
  libspdlog-dev libfmt-dev  # logging and formatting
  libcli11-dev              # command line
  libcpp-httplib-dev        # HTTP server: simulators and `serve`
  libssl-dev                # TLS, webhook signatures
  libgtest-dev libgmock-dev # tests (through ctest)
  libbenchmark-dev          # micro-benchmarks in bench/
  time python3              # bench/run_bench.py: peak RSS and CPU via /usr/bin/time -v
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
