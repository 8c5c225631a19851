#!/usr/bin/env bash
# Runs every test Signpost has: formatting, lints, unit and integration tests.
# Installs what the tests need when it is missing, so it works on a clean machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi

# The print and browser tests drive Debian's Chromium and read PDFs with poppler-utils.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y "${missing[@]}"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test --all-targets
echo "== browser tests: carers' tools (shortlist with JavaScript on and off)"
(
  cd tests/browser-carers
  [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
  node --test
)
