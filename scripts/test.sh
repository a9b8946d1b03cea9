#!/usr/bin/env bash
# The project's full test command (named in README.md and run by .ci/run):
#   1. scripts/test-fast.sh: fmt, clippy with warnings as errors, then every unit and integration
#      test of the workspace (engine, detector examples, policy, agent core, CLI, server);
#   2. the quality gate: the held-out corpus is regenerated from its fixed seed and scored with
#      our scorer, tests/eval/score.py, with the models on; SECRET, FINANCIAL, structured-PII, PII
#      and family figures must stay above their floors.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1-2. the everyday tier: standalone check, fmt, clippy, every unit and integration test, the
#      scorer's tests and the quality gate on the full held-out corpus.
PROMPTWALL_GATE_COUNT=1500 bash scripts/test-fast.sh
export PROMPTWALL_REQUIRE_MODELS=1 PROMPTWALL_LINTED=1

# 3. the browser extension, end to end in Chromium with the real native host and daemon
bash scripts/test-browser.sh

# 4. the installer: its sources validated, the .deb built, installed, checked and removed for real
bash scripts/test-installer.sh

# 5. Windows from Linux: clippy and build for x86_64-pc-windows-gnu, the agent under Wine, the MSI
#    built with wixl, inspected, installed and removed under Wine; macOS: clippy for both Mac
#    targets (cargo-zigbuild), the LaunchAgent and profile through libplist, shellcheck
bash scripts/test-windows.sh
bash scripts/test-macos.sh

# 6. the central server: SQLite and PostgreSQL (started by the script), load test, console in Chromium
bash scripts/test-server.sh
