#!/usr/bin/env bash
# macOS, from Linux (issue 17), called by scripts/test.sh. What can be proven without a Mac:
#   1. clippy with warnings as errors for aarch64-apple-darwin and x86_64-apple-darwin (the agent
#      crates with macOS-only code: Keychain credential store, LaunchAgent layout), through
#      cargo-zigbuild (zig compiles the C parts, SQLite and ring, for macOS without an SDK);
#   2. the LaunchAgent that `promptwall install --os macos --system` writes and
#      installer/macos/Promptwall.mobileconfig parsed by libplist (plistutil, the parser behind
#      plutil-compatible tools) and by Python's plistlib, XML -> binary -> XML with no change, and
#      the LaunchAgent's keys checked (installer/validate.py checks the profile's payloads);
#   3. shellcheck on the pkg's scripts (preinstall, postinstall, uninstall.sh, build-pkg.sh).
# What needs a Mac is printed as `NOT RUN (needs macOS)`.
# Needs: rustup targets aarch64-apple-darwin x86_64-apple-darwin, PyPI cargo-zigbuild + ziglang
# (pip install cargo-zigbuild ziglang), plistutil (libplist-utils), shellcheck. Under CI (CI set)
# or PROMPTWALL_WINDOWS_STRICT=1 all are required; elsewhere a missing one skips its part.
set -euo pipefail
cd "$(dirname "$0")/.."
strict=0
if [ -n "${CI:-}" ] || [ "${PROMPTWALL_WINDOWS_STRICT:-0}" = 1 ]; then strict=1; fi
t0=$SECONDS
say() { echo "test-macos.sh: $*"; }
fail() { echo "test-macos.sh: FAIL: $*" >&2; exit 1; }
missing() {
  [ "$strict" = 0 ] || fail "$1 is missing (required under CI): $2"
  echo "test-macos.sh: NOTE: $1 is missing ($2): that part is NOT RUN" >&2
}
needs_mac() { echo "test-macos.sh: NOT RUN (needs macOS): $*"; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. lint for both Mac architectures
if command -v cargo-zigbuild >/dev/null && python3 -c 'import ziglang' 2>/dev/null; then
  for t in aarch64-apple-darwin x86_64-apple-darwin; do
    rustup target list --installed 2>/dev/null | grep -qx "$t" || fail "rustup target add $t"
    cargo-zigbuild clippy --locked --target "$t" -p promptwall -p promptwall-agent -p promptwall-store -p promptwall-install \
      --all-targets -- -D warnings
    say "clippy -D warnings for $t (zig as the C compiler): clean"
  done
else
  missing cargo-zigbuild/ziglang "pip install cargo-zigbuild ziglang"
fi

# 2. plists
cargo build --locked -q -p promptwall
"${CARGO_TARGET_DIR:-target}"/debug/promptwall install --os macos --system --root "$tmp/payload" --no-copy --dev-extension >/dev/null
agent="$tmp/payload/Library/LaunchAgents/com.promptwall.daemon.plist"
if command -v plistutil >/dev/null; then
  for f in "$agent" installer/macos/Promptwall.mobileconfig; do
    b="$tmp/$(basename "$f").bin"
    # plistutil exits 0 even when it cannot parse: the converted files must exist and agree.
    plistutil -i "$f" -f bin -o "$b" 2>&1 | grep . && fail "plistutil could not parse $f"
    [ -s "$b" ] || fail "plistutil could not parse $f"
    plistutil -i "$b" -f xml -o "$b.xml"
    python3 - "$f" "$b" "$b.xml" <<'PY' || fail "$f changed through libplist (above)"
import plistlib, sys
orig, binary, xml = (plistlib.load(open(p, "rb")) for p in sys.argv[1:])
assert orig == binary == xml, (orig, binary, xml)
PY
  done
  say "plistutil (libplist): the LaunchAgent and Promptwall.mobileconfig parse; XML -> binary -> XML unchanged"
else
  missing plistutil "apt-get install libplist-utils"
fi
python3 - "$agent" <<'PY' || fail "the LaunchAgent (above)"
import plistlib, sys
d = plistlib.load(open(sys.argv[1], "rb"))
assert d["Label"] == "com.promptwall.daemon", d
assert d["ProgramArguments"] == ["/Library/Promptwall/bin/promptwall", "daemon"], d
assert d["RunAtLoad"] is True and d["KeepAlive"] == {"SuccessfulExit": False}, d
assert d.get("LimitLoadToSessionType") == "Aqua", "the daemon is per user: GUI sessions only"
PY
say "LaunchAgent: label, absolute program path, RunAtLoad, restart on failure, Aqua sessions"

# 3. the pkg's shell scripts
if command -v shellcheck >/dev/null; then
  shellcheck -S style installer/macos/scripts/preinstall installer/macos/scripts/postinstall installer/macos/uninstall.sh \
    installer/macos/build-pkg.sh || fail "shellcheck (above)"
  say "shellcheck: preinstall, postinstall, uninstall.sh, build-pkg.sh clean"
else
  missing shellcheck "apt-get install shellcheck"
fi

needs_mac "linking and running promptwall for macOS (zig has no macOS SDK frameworks here: Security.framework for the Keychain), the Keychain store, launchd loading the LaunchAgent, pkgbuild/productbuild/productsign, the profile installed by an MDM, notarization"
say "done in $((SECONDS - t0)) s"
