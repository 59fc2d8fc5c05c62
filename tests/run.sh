#!/usr/bin/env bash
# modstream's whole test suite: the README's test command, and what CI runs.
#
# It installs what the tests need on a fresh machine (cached after the first
# run), then checks formatting and lints and runs every test in the
# workspace: unit tests, the bus contract on the embedded log and on a real
# Kafka-protocol broker (Tansu), the end-to-end tests in tests/, and the
# dashboard in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"

# librdkafka is built with the system's OpenSSL (for Kafka SSL and SASL):
# it needs OpenSSL's headers and pkg-config to find them.
if ! pkg-config --exists openssl 2>/dev/null; then
  echo "== installing libssl-dev and pkg-config (first run only)"
  apt-get update -q
  apt-get install -y -q libssl-dev pkg-config
fi

# Tansu: an Apache Kafka-compatible broker from crates.io. The Kafka tests
# start one per test on a loopback port. First install takes ~15 minutes.
TANSU_VERSION=0.6.0
if ! tansu --version 2>/dev/null | grep -q "$TANSU_VERSION"; then
  echo "== installing the Tansu broker $TANSU_VERSION (first run only)"
  cargo install tansu --version "$TANSU_VERSION" --features dynostore --locked
fi
export TANSU_BIN="$(command -v tansu)"

# Debian's Chromium and playwright-core drive the dashboard's browser test
# (tests/dashboard.rs). No test tool downloads a browser of its own.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium (first run only)"
  apt-get update -q
  apt-get install -y -q chromium
fi
export CHROMIUM_BIN="$(command -v chromium)"
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "== installing playwright-core for the browser test (first run only)"
  npm ci --prefix tests/browser --no-audit --no-fund
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

# cargo prints one "test result" line per test binary, the last ones for
# doc tests (often 0); close with the total over all of them.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
