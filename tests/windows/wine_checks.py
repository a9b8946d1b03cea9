#!/usr/bin/env python3
"""The Windows agent (promptwall.exe, x86_64-pc-windows-gnu, a debug build so it takes the
PROMPTWALL_* locations as the Linux tests give them) run under Wine: scan, policy
init/lint/keygen/sign/verify (a tampered bundle refused), the native host answering hello and
inspect over stdin on its own, the daemon on its named pipe with a host relaying to it, recording
events in its SQLite store, and the same host falling back to deciding in-process when the daemon
is killed. The daemon's connection limits on its pipe: a flood of idle connections cannot keep a
host from it (at most 128 served, the stalest closed), and connections idle past the limit are
closed while a host reconnects on its next request. The managed configuration from the registry
policy (HKLM\SOFTWARE\Policies\Promptwall, written with `wine reg add`): laid over agent.json,
wins over it, its trusted keys accepting a signed bundle, a wrong value refused.
Called by scripts/test-windows.sh with WINEPREFIX set up.
  wine_checks.py PROMPTWALL_EXE WORKDIR [PIPE_CLIENTS_EXE]
Prints one `ok:` line per check; exits non-zero at the first failure."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time

EXE, WORK = sys.argv[1], sys.argv[2]
CLIENTS = sys.argv[3] if len(sys.argv) > 3 else None
WINE = os.environ.get("WINE", "wine")
ORIGIN = "chrome-extension://aeallnljkglkjjonfebpgdfgcknmegcc/"
CARD = "4539 1488 0343 6467"


def win(path):
    """A Unix path as the Windows process sees it (Wine maps / to Z:)."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def fail(msg):
    print(f"wine_checks.py: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


T0 = time.time()


def ok(msg):
    print(f"test-windows.sh: ok (Wine, {time.time() - T0:.0f} s): {msg}", flush=True)


os.makedirs(WORK, exist_ok=True)
data, run = os.path.join(WORK, "data"), os.path.join(WORK, "run")
os.makedirs(data, exist_ok=True)
os.makedirs(run, exist_ok=True)
ENV = dict(os.environ, PROMPTWALL_DATA_DIR=win(data), PROMPTWALL_RUNTIME_DIR=win(run),
           PROMPTWALL_CONFIG=win(os.path.join(WORK, "agent-config.json")), PROMPTWALL_LOG=os.environ.get("PROMPTWALL_LOG", "warn"))
ENV.pop("PROMPTWALL_POLICY", None)


def pw(*args, stdin=None, check=True, timeout=120):
    p = subprocess.run([WINE, EXE, *args], input=stdin, capture_output=True, env=ENV, timeout=timeout)
    if check and p.returncode != 0:
        fail(f"promptwall.exe {' '.join(args)} exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    return p


def frame(msg):
    b = json.dumps(msg).encode()
    return struct.pack("<I", len(b)) + b


def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack("<I", head)
    return json.loads(stream.read(n))


# --- the binary and the detection engine
out = pw("--version").stdout.decode()
if "promptwall" not in out:
    fail(f"--version said {out!r}")
ok(f"promptwall.exe --version: {out.strip()}")

p = pw("scan", "--json", stdin=f"card {CARD} for jane.roe@northwind.io\n".encode())
found = {f["type"] for f in json.loads(p.stdout)["findings"]}
if "CREDIT_CARD" not in found:
    fail(f"scan found {found}")
ok(f"scan on standard input: {sorted(found)}")
p = pw("scan", "--redact", stdin=f"card {CARD} please\n".encode())
if CARD in p.stdout.decode() or "card " not in p.stdout.decode():
    fail(f"scan --redact printed {p.stdout!r}")
ok("scan --redact replaces the card number")

# --- policy: init, lint, keygen, sign, verify, tampering refused
pol, keys, bundle = os.path.join(WORK, "policy.json"), os.path.join(WORK, "keys"), os.path.join(WORK, "bundle.json")
os.makedirs(keys, exist_ok=True)
pw("policy", "init", win(pol))
pw("policy", "lint", win(pol))
pw("policy", "keygen", "ci-1", "--dir", win(keys))
pw("policy", "sign", win(pol), "--key", win(os.path.join(keys, "ci-1.key")), "--key-id", "ci-1", "--version", "7",
   "--all-groups", "--out", win(bundle))
pw("policy", "verify", win(bundle), "--trust", "ci-1=" + win(os.path.join(keys, "ci-1.pub")))
b = json.load(open(bundle, encoding="utf-8"))
b["policy"]["name"] = "allow everything"  # any change to the signed policy
tampered = os.path.join(WORK, "tampered.json")
json.dump(b, open(tampered, "w", encoding="utf-8"))
if pw("policy", "verify", win(tampered), "--trust", "ci-1=" + win(os.path.join(keys, "ci-1.pub")), check=False).returncode == 0:
    fail("a tampered bundle verified")
if pw("policy", "verify", win(bundle), "--trust", "ci-1=" + win(os.path.join(keys, "ci-1.pub")), "--current-version", "8",
      check=False).returncode == 0:
    fail("an older bundle than the version in force verified")
ok("policy init, lint, keygen, sign, verify; a tampered bundle and a rollback are refused")

# The AI sites of the tests below: the default policy plus nothing (claude.ai is one of its sites).
URL = "https://claude.ai/chat/1"


def host_session(requests, timeout=60):
    """One native host as the browser starts it; returns its answers (hello_ok first)."""
    frames = frame({"v": 1, "id": "h", "type": "hello", "client": "test-windows"})
    frames += b"".join(frame(r) for r in requests)
    try:
        p = subprocess.run([WINE, EXE, "native-host", ORIGIN], input=frames, capture_output=True, env=ENV, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        fail(f"the host did not finish in {timeout} s; its stderr: {(e.stderr or b'').decode(errors='replace')[-3000:]}")
    out, msgs = p.stdout, []
    while len(out) >= 4:
        (n,) = struct.unpack("<I", out[:4])
        msgs.append(json.loads(out[4:4 + n]))
        out = out[4 + n:]
    if not msgs or msgs[0].get("type") != "hello_ok":
        fail(f"the host did not answer hello (exit {p.returncode}): {msgs} {p.stderr.decode(errors='replace')[-1500:]}")
    return msgs


def inspect(i, text):
    return {"v": 1, "id": f"r{i}", "type": "inspect", "text": text, "url": URL, "trigger": "paste"}


msgs = host_session([inspect(1, f"card {CARD}"), inspect(2, "what is a good name for a sourdough starter")])
v1, v2 = msgs[1], msgs[2]
if v1.get("action") != "redact" or v1["findings"][0]["type"] != "CREDIT_CARD" or v2.get("action") != "allow":
    fail(f"host verdicts: {msgs}")
if v1.get("decided_by") != "host":
    fail(f"no daemon runs, yet decided_by={v1.get('decided_by')}")
ok("native host over stdin (framed, little-endian): hello_ok, redact a card, allow clean text, decided in-process")

# --- the daemon on its named pipe, a host relaying to it
# The daemon logs at info so the test can wait for its "serving" line: hosts start once the pipe
# is there. (A host started while the daemon was still starting once hung under Wine, 1 run in 4,
# after deciding its first request alone: not understood yet; see docs/deploy.md.)
daemon_log = os.path.join(WORK, "daemon.log")
daemon = subprocess.Popen([WINE, EXE, "daemon"], env=dict(ENV, PROMPTWALL_LOG="info"), stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=open(daemon_log, "wb"))
try:
    deadline = time.time() + 60
    while "serving" not in open(daemon_log, errors="replace").read():
        if daemon.poll() is not None or time.time() > deadline:
            fail(f"the daemon did not serve (exit {daemon.poll()}): {open(daemon_log, errors='replace').read()[-2000:]}")
        time.sleep(0.2)
    by = host_session([inspect(3, f"card {CARD}")])[1].get("decided_by")
    if by != "daemon":
        fail(f"a host started while the daemon serves decided alone (decided_by={by}); daemon log: "
             + open(daemon_log, errors="replace").read()[-2000:])
    ok("daemon serves \\\\.\\pipe\\promptwall-agent-<user>; a host relays to it (decided_by=daemon)")

    events = [json.loads(line) for line in pw("events", "--json", "--limit", "100").stdout.decode().splitlines() if line.strip()]
    if not any(e.get("action") == "redact" and e.get("site") == "claude.ai" for e in events):
        fail(f"the daemon's event store has no redact event: {events}")
    ok(f"events recorded in the SQLite store and read back by `promptwall events` ({len(events)} events)")

    if CLIENTS:
        # 300 connections that never send anything: the daemon serves at most 128 and closes the
        # stalest to admit each new one, so a host still reaches it.
        log = re.sub(r"\x1b\[[0-9;]*m", "", open(daemon_log, errors="replace").read())
        m = re.search(r"pipe=(\S+)", log)
        if not m or "max_connections=128" not in log:
            fail(f"the daemon's serving line names no pipe or limit: {log[-1500:]}")
        flood = subprocess.Popen([WINE, CLIENTS, m.group(1), "300"], env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        opened = flood.stdout.readline().strip()
        if opened != "opened 300":
            fail(f"the flood client: {opened!r} {flood.stderr.read() if flood.poll() is not None else ''}")
        by = host_session([inspect(30, f"card {CARD}")])[1].get("decided_by")
        flood.stdin.write("check\n")
        flood.stdin.flush()
        closed = int(flood.stdout.readline().split()[1])
        flood.stdin.close()
        flood.wait(timeout=60)
        if by != "daemon" or closed < 300 - 128:
            fail(f"after a flood of 300 idle connections: decided_by={by}, {closed} of them closed by the daemon")
        ok(f"a flood of 300 idle pipe connections: the daemon closed {closed} (serves at most 128, the stalest go first) "
           "and a host started after it still relays (decided_by=daemon)")

    # One host, one session: relayed while the daemon runs; after it is killed, decided in-process.
    host = subprocess.Popen([WINE, EXE, "native-host", ORIGIN], env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    host.stdin.write(frame({"v": 1, "id": "h", "type": "hello", "client": "test-windows"}) + frame(inspect(4, f"card {CARD}")))
    host.stdin.flush()
    hello, before = read_frame(host.stdout), read_frame(host.stdout)
    if not hello or not before or before.get("decided_by") != "daemon":
        fail(f"relay before the daemon stops: {hello} {before}")
    daemon.kill()
    daemon.wait(timeout=30)
    host.stdin.write(frame(inspect(5, f"card {CARD} again")))
    host.stdin.flush()
    after = read_frame(host.stdout)
    host.stdin.close()
    host.wait(timeout=30)
    if not after or after.get("action") != "redact" or after.get("decided_by") != "host":
        fail(f"after the daemon was killed the host answered {after}")
    ok("the daemon killed mid-session: the same host decides in-process (decided_by=host), no verdict lost")
finally:
    if daemon.poll() is None:
        daemon.kill()


def start_daemon(env, log):
    d = subprocess.Popen([WINE, EXE, "daemon"], env=dict(env, PROMPTWALL_LOG="info"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    deadline = time.time() + 60
    while "serving" not in open(log, errors="replace").read():
        if d.poll() is not None or time.time() > deadline:
            d.kill()
            fail(f"the daemon did not serve (exit {d.poll()}): {open(log, errors='replace').read()[-2000:]}")
        time.sleep(0.2)
    return d


# --- idle connections closed (a 2 s limit instead of 60 s: PROMPTWALL_DAEMON_IDLE_MS, development
# builds only), and a host whose connection was closed reconnects on its next request.
if CLIENTS:
    IDLE_PIPE = r"\\.\pipe\promptwall-wine-idle-test"
    idle_env = dict(ENV, PROMPTWALL_PIPE=IDLE_PIPE, PROMPTWALL_DAEMON_IDLE_MS="2000")
    daemon = start_daemon(idle_env, os.path.join(WORK, "daemon-idle.log"))
    try:
        clients = subprocess.Popen([WINE, CLIENTS, IDLE_PIPE, "3"], env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True)
        if clients.stdout.readline().strip() != "opened 3":
            fail("the idle client could not connect")

        def closed_now():
            clients.stdin.write("check\n")
            clients.stdin.flush()
            return int(clients.stdout.readline().split()[1])

        before = closed_now()
        host = subprocess.Popen([WINE, EXE, "native-host", ORIGIN], env=idle_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        host.stdin.write(frame({"v": 1, "id": "h", "type": "hello", "client": "test-windows"}) + frame(inspect(40, f"card {CARD}")))
        host.stdin.flush()
        read_frame(host.stdout)
        first = read_frame(host.stdout)
        time.sleep(4.5)
        after = closed_now()
        host.stdin.write(frame(inspect(41, f"card {CARD} again")))
        host.stdin.flush()
        second = read_frame(host.stdout)
        host.stdin.close()
        host.wait(timeout=30)
        clients.stdin.close()
        clients.wait(timeout=30)
        if before != 0 or after != 3:
            fail(f"idle connections closed: {before} of 3 at once, {after} of 3 after 4.5 s (limit 2 s)")
        if (first or {}).get("decided_by") != "daemon" or (second or {}).get("decided_by") != "daemon":
            fail(f"a host idle past the limit: {first} then {second}")
        ok("idle pipe connections closed after the limit (none at once, 3 of 3 after 4.5 s with a 2 s limit); "
           "a host idle past it reconnects on its next request (decided_by=daemon both times)")
    finally:
        daemon.kill()
        daemon.wait(timeout=30)

# --- the managed configuration from the registry policy (Group Policy / Intune ADMX), which a
# release build reads where there is no PROMPTWALL_CONFIG. The prefix's C:\ProgramData\Promptwall
# \agent.json is the file below it.
KEY = r"HKLM\SOFTWARE\Policies\Promptwall"
REG_ENV = {k: v for k, v in ENV.items() if k != "PROMPTWALL_CONFIG"}
prefix = os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine"))
managed = os.path.join(prefix, "drive_c", "ProgramData", "Promptwall", "agent.json")
if os.path.exists(managed):
    fail(f"{managed} exists before the test: the registry check needs a clean prefix")
made_dir = not os.path.isdir(os.path.dirname(managed))


def reg(*args):
    p = subprocess.run([WINE, "reg", *args, "/reg:64"], capture_output=True, env=ENV, timeout=60)
    if p.returncode != 0:
        fail(f"wine reg {' '.join(args)}: {p.stdout.decode(errors='replace')} {p.stderr.decode(errors='replace')}")


def status():
    p = subprocess.run([WINE, EXE, "status"], capture_output=True, env=REG_ENV, timeout=120)
    out = p.stdout.decode(errors="replace").replace("\r", "")
    lines = {ln.split(":", 1)[0].strip(): ln.split(":", 1)[1].strip() for ln in out.splitlines() if ":" in ln}
    return lines.get("configuration", ""), lines.get("policy", ""), out


def named_policy(name):
    path = os.path.join(WORK, f"{name}.json")
    pw("policy", "init", win(path))
    doc = json.load(open(path, encoding="utf-8"))
    doc["name"] = name
    json.dump(doc, open(path, "w", encoding="utf-8"))
    return path


try:
    cfg, pol, out = status()
    if "no registry policy" not in cfg or "built-in" not in pol and "default" not in pol:
        fail(f"status without a registry policy:\n{out}")
    # The file names one local policy, the registry policy another: the registry wins; removing
    # its value gives the file's back.
    file_policy, reg_policy = named_policy("from-agent-json"), named_policy("from-registry-policy")
    os.makedirs(os.path.dirname(managed), exist_ok=True)
    json.dump({"policy_override": win(file_policy), "sync_interval_s": 60}, open(managed, "w", encoding="utf-8"))
    cfg, pol, out = status()
    if "from-agent-json" not in pol:
        fail(f"status with C:\\ProgramData\\Promptwall\\agent.json alone:\n{out}")
    # A daemon running meanwhile reloads when the registry policy changes (read every 5 s).
    reg_log = os.path.join(WORK, "daemon-registry.log")
    daemon = start_daemon(REG_ENV, reg_log)
    try:
        reg("add", KEY, "/v", "policy_override", "/t", "REG_SZ", "/d", win(reg_policy), "/f")
        reg("add", KEY, "/v", "upload_batch_size", "/t", "REG_DWORD", "/d", "50", "/f")
        cfg, pol, out = status()
        if "from-registry-policy" not in pol or "registry policy" not in cfg or "policy_override" not in cfg:
            fail(f"status with the registry policy over agent.json:\n{out}")
        ok(f"registry policy laid over agent.json, the registry winning: `status` says {cfg!r}; policy {pol.split(' (')[0]!r}")
        deadline = time.time() + 30
        while True:
            log = open(reg_log, errors="replace").read()
            if "registry policy changed" in log and re.search(r"policy override reloaded.*from-registry-policy", log):
                break
            if time.time() > deadline or daemon.poll() is not None:
                fail(f"the running daemon did not reload on the registry change: {log[-2000:]}")
            time.sleep(0.5)
        ok("the running daemon noticed the registry change and reloaded (its override is now the registry's)")
    finally:
        daemon.kill()
        daemon.wait(timeout=30)
    reg("delete", KEY, "/v", "policy_override", "/f")
    cfg, pol, out = status()
    if "from-agent-json" not in pol:
        fail(f"status once the registry value is deleted:\n{out}")
    os.remove(managed)
    # Trusted keys from the registry: the signed bundle of the policy checks above (key ci-1) is
    # accepted as the policy in force only while the registry policy trusts ci-1.
    bundle_dest = os.path.join(data, "policy", "bundle.json")
    os.makedirs(os.path.dirname(bundle_dest), exist_ok=True)
    shutil.copy(bundle, bundle_dest)
    cfg, pol, out = status()
    if "bundle" in pol:
        fail(f"a bundle nobody trusts is in force:\n{out}")
    pub = open(os.path.join(keys, "ci-1.pub"), encoding="utf-8").read().strip()
    reg("add", KEY + r"\trusted_keys", "/v", "ci-1", "/t", "REG_SZ", "/d", pub, "/f")
    cfg, pol, out = status()
    if "version 7, bundle" not in pol or "trusted_keys" not in cfg:
        fail(f"status with ci-1 trusted by the registry policy:\n{out}")
    ok(f"trusted_keys from the registry policy: the bundle signed by ci-1 is in force ({pol})")
    os.remove(bundle_dest)
    # A wrong value makes the configuration invalid, as a typo in agent.json does (each kind of
    # wrong value is a unit test in agent/core/src/config.rs; here the Windows reader's path).
    reg("add", KEY, "/v", "sync_intervall_s", "/t", "REG_DWORD", "/d", "5", "/f")
    cfg, pol, out = status()
    if not cfg.startswith("INVALID") or "SOFTWARE\\Policies\\Promptwall" not in cfg or "unknown field" not in cfg:
        fail(f"status with a misspelt registry value:\n{out}")
    ok("a misspelt registry value name makes `status` report the configuration INVALID, naming the key")
finally:
    subprocess.run([WINE, "reg", "delete", KEY, "/f", "/reg:64"], capture_output=True, env=ENV, timeout=60)
    if os.path.exists(managed):
        os.remove(managed)
    if made_dir and os.path.isdir(os.path.dirname(managed)):
        os.rmdir(os.path.dirname(managed))  # the MSI's uninstall check compares the folders
