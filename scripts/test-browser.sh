#!/usr/bin/env bash
# Browser tests (issue 6): builds the extension and the agent, then runs the end-to-end suite in
# Debian's Chromium (tests/e2e, Playwright) and in firefox-esr (puppeteer-core, WebDriver BiDi)
# against the real `promptwall` native host and daemon.
# Fails, never skips, when Chromium is missing. Screenshots go to target/e2e-artifacts/.
#   PROMPTWALL_BIN=...   use another agent binary (default: target/debug/promptwall, built here)
#   CHROMIUM_PATH=...    use another Chromium
#   FIREFOX_PATH=...     use another Firefox; PROMPTWALL_E2E_FIREFOX=1 requires the Firefox suite
#   PROMPTWALL_E2E_BENCH=1  also run the paste-to-verdict latency benchmark
set -euo pipefail
cd "$(dirname "$0")/.."

chromium_bin="${CHROMIUM_PATH:-}"
if [ -z "$chromium_bin" ]; then
  for c in /usr/lib/chromium/chromium /usr/bin/chromium; do
    if [ -x "$c" ]; then chromium_bin="$c"; break; fi
  done
fi
if [ -z "$chromium_bin" ]; then
  echo "test-browser.sh: Chromium not found. Install it (apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests do not skip." >&2
  exit 1
fi
for tool in node npm cargo; do
  command -v "$tool" >/dev/null || { echo "test-browser.sh: $tool is missing" >&2; exit 1; }
done
export CHROMIUM_PATH="$chromium_bin"

(cd extension && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check && npm run --silent build)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
if [ -z "${PROMPTWALL_BIN:-}" ]; then
  cargo build -p promptwall --locked
  export PROMPTWALL_BIN="$PWD/target/debug/promptwall"
fi
# The false-alarm loop's end-to-end test (false_alarm.test.mjs) also runs the real server.
if [ -z "${PROMPTWALL_SERVER_BIN:-}" ]; then
  cargo build -p promptwall-server --locked
  export PROMPTWALL_SERVER_BIN="$PWD/target/debug/promptwall-server"
fi
# (The wire contract — the agent's real messages against the schema the extension's types are
# generated from — is checked by scripts/test-fast.sh: tests/protocol/check_native_messages.py.)
rm -rf target/e2e-artifacts
cd tests/e2e
node --test --test-concurrency=1 --test-reporter=spec chromium.test.mjs sites.test.mjs managed.test.mjs false_alarm.test.mjs
# Firefox (tests/e2e/firefox.test.mjs: redact, block, warn with a reason, typed Enter and the send
# button, fail-open and fail-closed) in firefox-esr over WebDriver BiDi. Required under CI (.ci/run
# installs firefox-esr and sets PROMPTWALL_E2E_FIREFOX=1) or with PROMPTWALL_E2E_FIREFOX=1;
# elsewhere it runs when Firefox is installed.
firefox_required=0
if [ -n "${CI:-}" ] || [ "${PROMPTWALL_E2E_FIREFOX:-0}" = 1 ]; then firefox_required=1; fi
if command -v firefox-esr >/dev/null || command -v firefox >/dev/null || [ -n "${FIREFOX_PATH:-}" ]; then
  node --test --test-concurrency=1 --test-reporter=spec firefox.test.mjs
elif [ "$firefox_required" = 1 ]; then
  echo "test-browser.sh: the Firefox suite is required here (CI or PROMPTWALL_E2E_FIREFOX=1) but Firefox is not installed (apt-get install -y firefox-esr)" >&2
  exit 1
else
  echo "test-browser.sh: NOTE: Firefox suite NOT RUN: firefox-esr is not installed (apt-get install -y firefox-esr)" >&2
fi
# Latency benchmark (about 30 s more): PROMPTWALL_E2E_BENCH=1. Figures in target/e2e-artifacts/latency.json.
if [ "${PROMPTWALL_E2E_BENCH:-0}" = 1 ]; then
  node bench/latency.mjs --n 200 --json ../../target/e2e-artifacts/latency.json
fi
echo "test-browser.sh: screenshots in target/e2e-artifacts/"
