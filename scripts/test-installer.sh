#!/usr/bin/env bash
# Installer tests (issue 8), beyond `cargo test -p promptwall --test install` (which scripts/test.sh
# already runs: install/uninstall/doctor in a temporary HOME and under --root, golden files):
#   1. installer/validate.py: the macOS, Windows, Firefox and Chrome sources parse and agree with
#      the agent-config and managed-storage schemas (XML, plist, JSON, .reg);
#   2. the .deb for real: build it (release binary), dpkg -i, check the files, `promptwall doctor
#      --system`, start the host through an installed manifest as a browser would, verify the
#      systemd unit, reinstall (upgrade path), dpkg -r (only the conffile stays), dpkg --purge
#      (nothing stays), comparing file lists of every folder the package touches.
# Needs root and dpkg (Debian/Ubuntu); fails, never skips, without them.
#   PROMPTWALL_BIN=path         package this binary instead of building a release one
#   PROMPTWALL_INSTALLER_E2E=1  require the Chromium end-to-end case against the installed host
#                               (installer/e2e; otherwise it runs when its set-up is there)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test-installer.sh: FAIL: $*" >&2; exit 1; }
python3 installer/validate.py

for tool in dpkg dpkg-deb python3; do
  command -v "$tool" >/dev/null || { echo "test-installer.sh: $tool is missing" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "test-installer.sh: the .deb test installs the package: run as root" >&2; exit 1; }

# A test package: it trusts the development extension, which the browser test below loads.
deb="$(PROMPTWALL_DEV_EXTENSION=1 bash installer/linux/build-deb.sh target/deb | tail -n1)"
echo "test-installer.sh: built $deb ($(du -h "$deb" | cut -f1))"
if command -v lintian >/dev/null; then
  # Errors fail; warnings are shown (reviewed overrides: installer/linux/lintian-overrides).
  lint="$(lintian --allow-root "$deb" 2>&1 || true)"
  [ -z "$lint" ] || echo "$lint"
  if grep -q '^E:' <<<"$lint"; then fail "lintian errors (above)"; fi
  echo "test-installer.sh: lintian: no errors"
else
  echo "test-installer.sh: NOTE: lintian not installed; package not linted" >&2
fi

watched=(/usr/bin/promptwall /usr/lib/promptwall /usr/lib/systemd/user /usr/lib/mozilla /etc/opt /etc/chromium
         /etc/promptwall /etc/systemd/user /usr/share/promptwall /usr/share/doc/promptwall)
# Files and links exactly; folders: none may be left that was not there before (dpkg may remove
# an empty folder it shared, like /etc/opt, which is fine).
snapshot() { { find "${watched[@]}" ! -type d 2>/dev/null || true; } | sort; }
folders() { { find "${watched[@]}" -type d 2>/dev/null || true; } | sort; }
no_new_folders() { comm -13 "$tmp/folders-before" <(folders) | grep . && fail "$1 left folders behind (above)" || true; }

if dpkg -s promptwall >/dev/null 2>&1; then
  echo "test-installer.sh: a promptwall package is installed already; purging it first"
  dpkg --purge promptwall >/dev/null
fi
tmp="$(mktemp -d)"
cleanup() { dpkg --purge promptwall >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
snapshot > "$tmp/before"
folders > "$tmp/folders-before"

dpkg -i "$deb" >/dev/null
snapshot > "$tmp/installed"
for f in /usr/bin/promptwall /usr/lib/promptwall/promptwall-native-host /usr/lib/systemd/user/promptwall-daemon.service \
         /etc/promptwall/agent.json /etc/opt/chrome/native-messaging-hosts/com.promptwall.agent.json \
         /etc/chromium/native-messaging-hosts/com.promptwall.agent.json /etc/opt/edge/native-messaging-hosts/com.promptwall.agent.json \
         /etc/opt/brave/native-messaging-hosts/com.promptwall.agent.json /usr/lib/mozilla/native-messaging-hosts/com.promptwall.agent.json; do
  [ -e "$f" ] || fail "$f is not installed"
done
dpkg-query -W -f='${Conffiles}\n' promptwall | grep -q /etc/promptwall/agent.json || fail "agent.json is not a conffile"
if command -v systemctl >/dev/null; then
  [ -L /etc/systemd/user/default.target.wants/promptwall-daemon.service ] || fail "the daemon is not enabled for user sessions"
fi
home="$tmp/home"; mkdir -p "$home"
HOME="$home" promptwall doctor --system || fail "promptwall doctor --system"

if [ -f /usr/lib/promptwall/models/runtime/manifest.json ]; then
  said="$(promptwall scan --verbose </dev/null 2>&1)"
  grep -q "structured detectors + models" <<<"$said" || fail "the packaged models do not load: $said"
  echo "test-installer.sh: packaged ML models load"
else
  echo "test-installer.sh: NOTE: package built without ML models (python3 models/fetch.py first)" >&2
fi

# The host as Chromium starts it: the manifest's path with the extension origin as argument.
# (Release builds take no PROMPTWALL_* locations from the environment: an empty XDG runtime
# folder means no daemon, so the host decides alone.)
mkdir -m700 -p "$tmp/run"
# The attack of a local user on the browser-launched host: an environment that points it at a
# policy that allows everything (and another configuration and data folder). A release build
# ignores all of it: the card below is still redacted by the built-in policy.
promptwall policy init "$tmp/allow-all.json" >/dev/null
python3 - "$tmp/allow-all.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["rules"]:
    r["action"] = "allow"
p["name"] = "allow everything"
json.dump(p, open(sys.argv[1], "w"))
PY
echo '{"policy_override": "'"$tmp"'/allow-all.json"}' > "$tmp/evil-agent.json"
HOME="$home" XDG_RUNTIME_DIR="$tmp/run" PROMPTWALL_POLICY="$tmp/allow-all.json" PROMPTWALL_CONFIG="$tmp/evil-agent.json" \
  PROMPTWALL_DATA_DIR="$tmp/evil-data" PROMPTWALL_RUNTIME_DIR="$tmp/evil-run" python3 - <<'PY' || fail "the installed host did not answer"
import json, struct, subprocess
m = json.load(open("/etc/chromium/native-messaging-hosts/com.promptwall.agent.json"))
assert m["path"].startswith("/"), m
frames = b"".join(struct.pack("=I", len(b)) + b for b in (json.dumps(x).encode() for x in [
    {"v": 1, "id": "h", "type": "hello", "client": "test-installer"},
    {"v": 1, "id": "r1", "type": "inspect", "text": "card 4539 1488 0343 6467", "url": "https://claude.ai/chat/2", "trigger": "paste"}]))
out = subprocess.run([m["path"], m["allowed_origins"][0]], input=frames, capture_output=True, timeout=30).stdout
msgs = []
while len(out) >= 4:
    (n,) = struct.unpack("=I", out[:4]); msgs.append(json.loads(out[4:4 + n])); out = out[4 + n:]
assert msgs[1]["type"] == "verdict" and msgs[1]["findings"][0]["type"] == "CREDIT_CARD", msgs
assert msgs[1]["action"] == "redact" and msgs[1]["policy_name"] != "allow everything", ("PROMPTWALL_* environment honoured by a release build", msgs[1])
print("test-installer.sh: installed host answered:", msgs[1]["action"], "(PROMPTWALL_* environment ignored)")
PY

if command -v systemd-analyze >/dev/null; then
  mkdir -m700 "$tmp/xdg"
  out="$(XDG_RUNTIME_DIR="$tmp/xdg" systemd-analyze --user verify /usr/lib/systemd/user/promptwall-daemon.service 2>&1)" \
    || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "test-installer.sh: systemd-analyze --user verify: clean"
else
  echo "test-installer.sh: NOTE: systemd-analyze not installed; unit not verified" >&2
fi

# Chromium end to end through the installed manifest, wrapper and binary (installer/e2e). Needs
# what scripts/test-browser.sh sets up (it runs before this in scripts/test.sh).
if [ -f extension/dist/chromium-dev/manifest.json ] && [ -d tests/e2e/node_modules ] && command -v node >/dev/null \
   && { [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ]; }; then
  PROMPTWALL_BIN=/usr/bin/promptwall node --test --test-reporter=spec installer/e2e/system-host.test.mjs \
    || fail "Chromium end to end against the installed host"
elif [ "${PROMPTWALL_INSTALLER_E2E:-0}" = 1 ]; then
  fail "PROMPTWALL_INSTALLER_E2E=1 but Chromium, the built extension or tests/e2e/node_modules is missing (run scripts/test-browser.sh first)"
else
  echo "test-installer.sh: NOTE: Chromium end-to-end against the installed host NOT RUN (needs Chromium, extension/dist, tests/e2e/node_modules: run scripts/test-browser.sh first)" >&2
fi

# Reinstalling the same version runs the upgrade path of every maintainer script.
dpkg -i "$deb" >/dev/null
snapshot | diff -u "$tmp/installed" - || fail "reinstalling changed the installed files"

dpkg -r promptwall >/dev/null
snapshot > "$tmp/removed"
diff <(cat "$tmp/before" <(echo /etc/promptwall/agent.json) | sort) "$tmp/removed" \
  || fail "dpkg -r left more than the conffile (diff: expected vs found)"
dpkg --purge promptwall >/dev/null
snapshot | diff -u "$tmp/before" - || fail "dpkg --purge left files behind"
no_new_folders "dpkg --purge"
echo "test-installer.sh: .deb install, doctor, host, reinstall, remove and purge: ok"
