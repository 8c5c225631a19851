#!/usr/bin/env bash
# Runs every test Signpost has: formatting, lints, unit and integration tests (including
# printing with Chromium and the search page script under Node), then the browser suites
# (axe, Nu HTML Checker, reflow, keyboard, no-JavaScript, Lighthouse, screenshots; and the
# carers' shortlist with JavaScript on and off) against the sample site in Debian's chromium,
# and axe, the Nu checker and reflow on a generated directory's week split by day.
# Installs what the tests need when it is missing, so it works on a clean machine:
# rustfmt and clippy (rustup); chromium, poppler-utils, a Java runtime and Node.js (apt);
# the browser suites' npm packages (npm ci from their lock files). It never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || apt_packages+=(poppler-utils)
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "== apt-get install ${apt_packages[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${apt_packages[@]}"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test --all-targets

browser_dir=tests/browser
if ! (cd "$browser_dir" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "== npm ci (tests/browser)"
  # --ignore-scripts: vnu-jar's install script would download a Java; we use the system's.
  (cd "$browser_dir" && npm ci --ignore-scripts --no-audit --no-fund)
fi
if ! (cd tests/browser-carers && npm ls --depth=0 >/dev/null 2>&1); then
  echo "== npm ci (tests/browser-carers)"
  (cd tests/browser-carers && npm ci --ignore-scripts --no-audit --no-fund)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/signpost-browser.XXXXXX")
echo "== build the sample site into $work/site"
cargo run -q -- build --today 2026-11-27 --output "$work/site"

echo "== browser tests: carers' tools (shortlist with JavaScript on and off)"
(cd tests/browser-carers && node --test)

echo "== browser suite (screenshots go to $work/screenshots)"
started=$(date +%s)
(
  cd "$browser_dir"
  SIGNPOST_SITE="$work/site" SCREENSHOTS="$work/screenshots" CHROME_PATH=/usr/bin/chromium \
    node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
)
echo "== browser suite passed in $(($(date +%s) - started)) s; screenshots: $work/screenshots"
rm -rf "$work/site"

# A week too long for one page gets a page for each day; the sample's weeks fit on one, so
# those pages are checked on a generated directory. Only they (and the home page) are kept:
# every other kind of page is the sample's, checked above.
echo "== browser checks of a week split by day (a generated directory of 300 activities)"
cargo run -q -- synthetic 300 --seed 7 --output "$work/big-content"
cargo run -q -- build --today 2026-11-27 --content "$work/big-content" --output "$work/big" 2>/dev/null
find "$work/big" -name '*.html' ! -path "$work/big/this-week/*" ! -path "$work/big/next-week/*" \
  ! -path "$work/big/index.html" -delete
(
  cd "$browser_dir"
  SIGNPOST_SITE="$work/big" CHROME_PATH=/usr/bin/chromium node --test --test-concurrency=1 \
    --test-name-pattern='axe|Nu HTML|reflows|200%' axe.test.mjs pages.test.mjs
)
rm -rf "$work/big" "$work/big-content"
