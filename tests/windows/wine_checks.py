#!/usr/bin/env python3
"""The Windows agent (promptwall.exe, x86_64-pc-windows-gnu, a debug build so it takes the
PROMPTWALL_* locations as the Linux tests give them) run under Wine: scan, policy
init/lint/keygen/sign/verify (a tampered bundle refused), the native host answering hello and
inspect over stdin on its own, the daemon on its named pipe with a host relaying to it, recording
events in its SQLite store, and the same host falling back to deciding in-process when the daemon
is killed. Called by scripts/test-windows.sh with WINEPREFIX set up.
  wine_checks.py PROMPTWALL_EXE WORKDIR
Prints one `ok:` line per check; exits non-zero at the first failure."""
import json
import os
import struct
import subprocess
import sys
import time

EXE, WORK = sys.argv[1], sys.argv[2]
WINE = os.environ.get("WINE", "wine")
ORIGIN = "chrome-extension://aeallnljkglkjjonfebpgdfgcknmegcc/"
CARD = "4539 1488 0343 6467"


def win(path):
    """A Unix path as the Windows process sees it (Wine maps / to Z:)."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def fail(msg):
    print(f"wine_checks.py: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print(f"test-windows.sh: ok (Wine): {msg}", flush=True)


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
