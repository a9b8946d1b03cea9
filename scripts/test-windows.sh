#!/usr/bin/env bash
# Windows, from Linux (issue 17), called by scripts/test.sh:
#   1. clippy with warnings as errors for x86_64-pc-windows-gnu (all targets of the agent crates
#      that have Windows-only code: the CLI with the named-pipe daemon, core with the Credential
#      Manager store, the event store, the installer library);
#   2. promptwall.exe built (debug: it takes PROMPTWALL_* locations, as every test here does);
#   0. the ADMX/ADML templates (tests/windows/check_admx.py) and the Intune detection script
#      (tests/windows/check_detect_ps1.sh);
#   3. under Wine (tests/windows/wine_checks.py): scan, policy init/lint/keygen/sign/verify, the
#      native host over stdin, the daemon on its named pipe with a host relaying to it, events in
#      the SQLite store, the pipe's connection cap and idle limit, the host falling back when the
#      daemon is killed, the managed configuration from the registry policy (wine reg add);
#   4. the MSI built from installer/windows/*.wxs with wixl (installer/windows/build-msi.sh),
#      inspected table by table (msiinfo, msiextract), installed under Wine (msiexec /i /qn):
#      files, 64-bit registry keys for the five browsers, the daemon's Run key, the installed
#      .cmd host wrapper answering as a browser would start it; uninstalled (msiexec /x): no file
#      and no registry value left.
# What Wine cannot show is printed as `NOT RUN (needs Windows): what, why`.
# Needs: rustup target x86_64-pc-windows-gnu, gcc-mingw-w64-x86-64 (always); wine, wixl, msitools
# (apt-get install wine wine64 wixl msitools). Under CI (CI set) or PROMPTWALL_WINDOWS_STRICT=1
# every tool is required; elsewhere a missing Wine or wixl skips its part with a NOTE.
set -euo pipefail
cd "$(dirname "$0")/.."
T=x86_64-pc-windows-gnu
tgt="${CARGO_TARGET_DIR:-target}"
strict=0
if [ -n "${CI:-}" ] || [ "${PROMPTWALL_WINDOWS_STRICT:-0}" = 1 ]; then strict=1; fi
t0=$SECONDS
say() { echo "test-windows.sh: $*"; }
fail() { echo "test-windows.sh: FAIL: $*" >&2; exit 1; }
missing() {
  [ "$strict" = 0 ] || fail "$1 is missing (required under CI): $2"
  echo "test-windows.sh: NOTE: $1 is missing ($2): that part is NOT RUN" >&2
}
needs_windows() { echo "test-windows.sh: NOT RUN (needs Windows): $*"; }

# 0. Intune/GPO material, no Wine needed: the ADMX/ADML templates against the PolicyDefinitions
#    schema's rules and the agent's configuration schema (and the checker against broken copies);
#    the Intune detection script parsed by a PowerShell grammar and its logic run.
python3 tests/windows/check_admx.py --self-test
# No PowerShell runs here: the detection script is parsed by the tree-sitter PowerShell grammar
# (PyPI), installed here under CI when missing (pinned; small wheels).
if ! python3 -c 'import tree_sitter, tree_sitter_powershell' 2>/dev/null && [ "$strict" = 1 ]; then
  python3 -m pip install --quiet --break-system-packages tree-sitter==0.26.1 tree-sitter-powershell==0.26.4
fi
rc=0; python3 tests/windows/check_detect_ps1.py || rc=$?
if [ "$rc" = 3 ]; then missing tree-sitter-powershell "pip install tree-sitter==0.26.1 tree-sitter-powershell==0.26.4"
elif [ "$rc" != 0 ]; then fail "installer/windows/intune/detect.ps1 (above)"; fi

rustup target list --installed 2>/dev/null | grep -qx "$T" || fail "rustup target add $T"
command -v x86_64-w64-mingw32-gcc >/dev/null || fail "apt-get install gcc-mingw-w64-x86-64 (the linker for $T)"

# 1. lint
cargo clippy --locked --target "$T" -p promptwall -p promptwall-agent -p promptwall-store -p promptwall-install \
  --all-targets -- -D warnings
say "clippy -D warnings for $T: clean"

# 2. build
cargo build --locked --target "$T" -p promptwall
exe="$tgt/$T/debug/promptwall.exe"
[ -f "$exe" ] || fail "$exe was not built"
say "built $exe ($(du -h "$exe" | cut -f1))"

have_wine=0
if command -v wine >/dev/null; then have_wine=1; else missing wine "apt-get install wine wine64"; fi
have_msi=0
if command -v wixl >/dev/null && command -v msiinfo >/dev/null && command -v msiextract >/dev/null; then have_msi=1
else missing wixl/msitools "apt-get install wixl msitools"; fi

work="$(mktemp -d)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko installers (nothing here needs .NET or a web view): wineboot stays quick.
export WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
  if [ "$have_wine" = 1 ] && [ -d "$WINEPREFIX" ]; then wineserver -k >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 3. under Wine
if [ "$have_wine" = 1 ]; then
  wineboot -i >/dev/null 2>&1 || fail "wineboot could not create a prefix"
  wineserver -w
  shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  if [ ! -e "$shim" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" tests/windows/bcryptprimitives.c -ladvapi32
    echo "test-windows.sh: NOTE: $(wine --version) has no bcryptprimitives.dll (ProcessPrng: Rust's std needs it since 1.78; Windows 10+ ships it); a test-only stand-in, tests/windows/bcryptprimitives.c, is in the prefix's system32 (never in the MSI)"
  fi
  say "Wine $(wine --version 2>/dev/null) prefix ready ($((SECONDS - t0)) s so far)"
  # A test-only client that holds pipe connections open (the connection-limit checks).
  x86_64-w64-mingw32-gcc -O2 -o "$work/pipe_clients.exe" tests/windows/pipe_clients.c
  python3 tests/windows/wine_checks.py "$exe" "$work/agent" "$work/pipe_clients.exe"
  needs_windows "the Credential Manager store (keyring's Windows backend): only enrollment writes the credential, and that needs a server; the store has no Windows unit test yet"
  needs_windows "a second Windows user refused by the pipe's DACL O:<user>D:P(A;;GA;;;OW)(A;;GA;;;SY): a Wine prefix has one user (the Unix user), so there is no other account to connect as"
  needs_windows "the host's pipe-owner check against a pipe squatted by another user: same reason (one user per prefix)"
  needs_windows "a host whose daemon accepts and then hangs: the host's pipe handle (std::fs) has no read timeout (documented limit in agent/cli/src/pipe_windows.rs), on Windows and Wine alike"
  needs_windows "Group Policy or Intune writing HKLM\SOFTWARE\Policies\Promptwall from the ADMX: Wine has no Group Policy client; the same values are written with wine reg add"
fi

# 4. the MSI
if [ "$have_msi" = 1 ]; then
  msi="$(PROMPTWALL_EXE="$exe" bash installer/windows/build-msi.sh "$work/msi" | tail -n1)"
  say "built $msi ($(du -h "$msi" | cut -f1)) with wixl $(wixl --version)"
  mkdir -p "$work/extract"
  msiextract -C "$work/extract" "$msi" >/dev/null
  python3 - "$msi" "$exe" "$work/extract" <<'PY' || fail "MSI inspection (above)"
import os, re, subprocess, sys
msi, exe, extracted = sys.argv[1:]
def table(name):
    out = subprocess.run(["msiinfo", "export", msi, name], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()[3:] if line]
def fail(msg):
    sys.exit(f"MSI: {msg}")
version = re.search(r'^version = "(.*)"', open("Cargo.toml").read(), re.M).group(1)
props = {r[0]: r[1] for r in table("Property")}
if props.get("ProductVersion") != version or props.get("ALLUSERS") != "1" \
   or props.get("UpgradeCode") != "{5B0B7C2E-6E1D-4F0B-9C55-3E0D5B1C8A11}":
    fail(f"properties {props}")
info = subprocess.run(["msiinfo", "suminfo", msi], capture_output=True, text=True, check=True).stdout
if "Template: x64;1033" not in info:
    fail(f"not an x64 package: {info}")
dirs = {r[0]: (r[1], r[2]) for r in table("Directory")}
if dirs.get("INSTALLFOLDER") != ("ProgramFiles64Folder", "Promptwall") or dirs.get("CONFIGFOLDER") != ("CommonAppDataFolder", "Promptwall"):
    fail(f"directories {dirs}")
comps = {r[0]: (r[2], int(r[3])) for r in table("Component")}
files = {r[2]: comps[r[1]][0] for r in table("File")}
want_files = {"promptwall.exe": "INSTALLFOLDER", "promptwall-native-host.cmd": "INSTALLFOLDER",
              "com.promptwall.agent.chromium.json": "INSTALLFOLDER", "com.promptwall.agent.firefox.json": "INSTALLFOLDER",
              "agent.json": "CONFIGFOLDER"}
if files != want_files:
    fail(f"files {files}")
for c, (_, attrs) in comps.items():
    if not attrs & 256:
        fail(f"component {c} is not 64-bit (its registry keys would land in WOW6432Node)")
if not comps["AgentConfig"][1] & 128:
    fail("agent.json is not NeverOverwrite: a configuration pushed by Intune would be replaced on upgrade")
reg = {(r[1], r[2], r[3]): r[4] for r in table("Registry")}
host = "com.promptwall.agent"
want_reg = {("2", rf"Software\{k}\NativeMessagingHosts\{host}", ""): f"[INSTALLFOLDER]{host}.{m}.json" for k, m in [
    ("Google\\Chrome", "chromium"), ("Chromium", "chromium"), ("Microsoft\\Edge", "chromium"),
    ("BraveSoftware\\Brave-Browser", "chromium"), ("Mozilla", "firefox")]}
want_reg[("2", r"Software\Microsoft\Windows\CurrentVersion\Run", "PromptwallDaemon")] = \
    'conhost.exe --headless "[INSTALLFOLDER]promptwall.exe" daemon'
if reg != want_reg:
    fail(f"registry rows differ:\n got  {sorted(reg.items())}\n want {sorted(want_reg.items())}")
if table("ServiceInstall"):
    fail("a service is installed; the daemon is per user (Run key) by design")
if not any(r[0] == "{5B0B7C2E-6E1D-4F0B-9C55-3E0D5B1C8A11}" for r in table("Upgrade")):
    fail("no MajorUpgrade rows")
if "RemoveExistingProducts" not in {r[0] for r in table("InstallExecuteSequence")}:
    fail("no RemoveExistingProducts: upgrades would leave the old version")
# The cabinet holds exactly what was built and generated.
base = os.path.join(extracted, "Promptwall")  # msiextract drops the standard folders
if open(os.path.join(base, "promptwall.exe"), "rb").read() != open(exe, "rb").read():
    fail("the packaged promptwall.exe is not the one built")
for f in ["promptwall-native-host.cmd", "com.promptwall.agent.chromium.json", "com.promptwall.agent.firefox.json"]:
    if open(os.path.join(base, f), "rb").read() != open(os.path.join("installer/windows/payload", f), "rb").read():
        fail(f"the packaged {f} differs from installer/windows/payload")
print(f"test-windows.sh: ok: MSI inspected: version {version}, x64, 5 files in their folders, 64-bit components, "
      "agent.json NeverOverwrite, HKLM host keys for Chrome, Chromium, Edge, Brave and Firefox, the daemon's Run key, "
      "no service, MajorUpgrade, cabinet contents identical to the build")
PY

  if [ "$have_wine" = 1 ]; then
    pf="$WINEPREFIX/drive_c/Program Files/Promptwall"
    pd="$WINEPREFIX/drive_c/ProgramData/Promptwall"
    snap() { (cd "$WINEPREFIX/drive_c" && find "Program Files" ProgramData | sort); }
    regsnap() { wine reg export 'HKLM\Software' "$(winepath -w "$1")" /y >/dev/null 2>&1; iconv -f UTF-16LE -t UTF-8 "$1" | tr -d '\r' > "$1.txt"; }
    snap > "$work/files-before"; regsnap "$work/reg-before.reg"
    wine msiexec /i "$(winepath -w "$msi")" /qn /l*v "$(winepath -w "$work/install.log")" || fail "msiexec /i failed (log: install.log)"
    wineserver -w
    for f in promptwall.exe promptwall-native-host.cmd com.promptwall.agent.chromium.json com.promptwall.agent.firefox.json; do
      [ -f "$pf/$f" ] || fail "msiexec did not install Program Files\\Promptwall\\$f"
    done
    [ -f "$pd/agent.json" ] || fail "msiexec did not install ProgramData\\Promptwall\\agent.json"
    for k in 'Google\Chrome' Chromium 'Microsoft\Edge' 'BraveSoftware\Brave-Browser' Mozilla; do
      m=chromium; [ "$k" = Mozilla ] && m=firefox
      got="$(wine reg query "HKLM\\Software\\$k\\NativeMessagingHosts\\com.promptwall.agent" /ve /reg:64 2>/dev/null | tr -d '\r')"
      grep -qF "C:\\Program Files\\Promptwall\\com.promptwall.agent.$m.json" <<<"$got" || fail "HKLM\\Software\\$k host key: $got"
      if wine reg query "HKLM\\Software\\$k\\NativeMessagingHosts\\com.promptwall.agent" /ve /reg:32 >/dev/null 2>&1; then
        fail "HKLM\\Software\\$k host key is in the 32-bit view (WOW6432Node)"
      fi
    done
    wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run' /v PromptwallDaemon 2>/dev/null | tr -d '\r' \
      | grep -qF 'conhost.exe --headless "C:\Program Files\Promptwall\promptwall.exe" daemon' || fail "the daemon's Run key"
    say "ok (Wine): msiexec /i /qn: files in Program Files and ProgramData, host keys for five browsers in the 64-bit view only, Run key"
    # What installer/windows/intune/detect.ps1 looks for: the uninstall entry, 64-bit view.
    version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
    python3 - "$version" <<'PY' || fail "the MSI's uninstall entry is not what detect.ps1 looks for"
import os, subprocess, sys
out = subprocess.run(["wine", "reg", "query", r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall", "/s", "/reg:64"],
                     capture_output=True, env=os.environ).stdout.decode("utf-8", "replace").replace("\r", "")
entries, cur = [], None
for line in out.splitlines():
    if line.startswith("HKEY_"):
        cur = {}
        entries.append(cur)
    elif cur is not None and line.strip():
        parts = line.split(None, 2)
        if len(parts) == 3:
            cur[parts[0]] = parts[2]
ours = [e for e in entries if e.get("DisplayName") == "Promptwall"]
assert len(ours) == 1 and ours[0].get("Publisher") == "Promptwall" and ours[0].get("DisplayVersion") == sys.argv[1], ours
print(f"test-windows.sh: ok (Wine): uninstall entry DisplayName=Promptwall Publisher=Promptwall DisplayVersion={sys.argv[1]} "
      "in the 64-bit view, as installer/windows/intune/detect.ps1 looks for it")
PY
    needs_windows "installer/windows/intune/detect.ps1 run by PowerShell (none runs here or under Wine 8); its grammar, contract and the keys it reads are checked above"
    # The installed host as Chrome starts it on Windows: cmd.exe runs the manifest's .cmd wrapper
    # with the extension origin; the wrapper starts promptwall.exe beside it.
    python3 - "$pf" <<'PY' || fail "the installed host wrapper did not answer"
import json, os, struct, subprocess, sys
pf = sys.argv[1]
m = json.load(open(os.path.join(pf, "com.promptwall.agent.chromium.json")))
wrapper = "C:\\Program Files\\Promptwall\\" + m["path"]
env = {k: v for k, v in os.environ.items() if not k.startswith("PROMPTWALL_")}
frames = b"".join(struct.pack("<I", len(b)) + b for b in (json.dumps(x).encode() for x in [
    {"v": 1, "id": "h", "type": "hello", "client": "test-windows"},
    {"v": 1, "id": "r1", "type": "inspect", "text": "card 4539 1488 0343 6467", "url": "https://claude.ai/chat/2", "trigger": "paste"}]))
out = subprocess.run(["wine", "cmd", "/c", wrapper, m["allowed_origins"][0]], input=frames, capture_output=True, env=env, timeout=120).stdout
msgs = []
while len(out) >= 4:
    (n,) = struct.unpack("<I", out[:4]); msgs.append(json.loads(out[4:4 + n])); out = out[4 + n:]
assert len(msgs) == 2 and msgs[1]["type"] == "verdict" and msgs[1]["action"] == "redact", msgs
print("test-windows.sh: ok (Wine): the installed promptwall-native-host.cmd, run by cmd.exe as Chrome runs it, answered: redact")
PY
    needs_windows "the Run key starting the daemon at logon (conhost.exe --headless): Wine runs no logon session"
    needs_windows "promptwall doctor on Windows: it does not read the registry yet (it says so and exits non-zero)"
    needs_windows "Chrome, Edge and Firefox for Windows finding the host through these keys: no Windows browser runs in CI"
    wine msiexec /x "$(winepath -w "$msi")" /qn || fail "msiexec /x failed"
    wineserver -w
    snap | diff -u "$work/files-before" - || fail "msiexec /x left files behind (diff above)"
    regsnap "$work/reg-after.reg"
    # Anything added under HKLM\Software fails, but Windows Installer's own (empty) bookkeeping
    # keys, which Wine's msiexec creates for the first package and keeps.
    left="$(diff "$work/reg-before.reg.txt" "$work/reg-after.reg.txt" | sed -n 's/^> //p' | grep -v '^$' \
      | grep -Ev '^\[HKEY_LOCAL_MACHINE\\Software\\(Classes\\Installer|Microsoft\\Windows\\CurrentVersion\\Installer)(\\|\])' || true)"
    [ -z "$left" ] || fail "msiexec /x left registry keys or values behind: $left"
    say "ok (Wine): msiexec /x /qn: no file, registry key or value left (HKLM\\Software compared before and after)"
  fi
fi
say "done in $((SECONDS - t0)) s"
