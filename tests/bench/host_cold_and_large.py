#!/usr/bin/env python3
"""Two figures of the interactive path, measured through `promptwall native-host` over its pipes
(release build, models on, no daemon unless --daemon):

1. Cold start to first verdict, for a paste the structured detectors block (a key: no model load)
   and for a paste that needs the models (names in prose), each in a fresh host process.
2. Large pastes: verdict time for 0.25, 1, 2, 4 and 7 MiB of realistic text (a key at the end),
   so the linear term per MiB can be read off (relayed to a daemon with --daemon).

    cargo build --release -p promptwall && python3 tests/bench/host_cold_and_large.py [--daemon] [BIN]
"""
import json, os, random, struct, subprocess, sys, tempfile, time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
DAEMON = "--daemon" in sys.argv
BIN = os.path.abspath(args[0] if args else "target/release/promptwall")
rng = random.Random(11)
NAMES = ["Maria Rossi", "Jonas Lindqvist", "Aisha Khan", "Tomasz Nowak", "Chen Wei", "Lucía Fernández"]
WORDS = ("the customer called about the refund for the order placed last week and asked to speak with "
         "a manager about the delivery address and the invoice").split()


def prose(size):
    out, n = [], 0
    while n < size:
        w = rng.choice(NAMES) if rng.random() < 0.03 else rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)[:size]


def frame(obj):
    b = json.dumps(obj).encode()
    return struct.pack("=I", len(b)) + b


def read(p):
    n = struct.unpack("=I", p.stdout.read(4))[0]
    return json.loads(p.stdout.read(n))


def ask(p, i, text):
    p.stdin.write(frame({"id": i, "v": 2, "type": "inspect", "text": text, "url": "https://chatgpt.com/", "trigger": "paste"}))
    p.stdin.flush()
    while True:
        r = read(p)
        if r.get("type") != "verdict_part":
            return r


def main():
    tmp = tempfile.mkdtemp(prefix="pw-bench-")
    # A release build takes its folders from the standard XDG variables only (no PROMPTWALL_*).
    os.makedirs(tmp + "/run", mode=0o700)
    env = {**os.environ, "XDG_DATA_HOME": tmp + "/data", "XDG_RUNTIME_DIR": tmp + "/run"}
    for k in ("PROMPTWALL_POLICY", "PROMPTWALL_DATA_DIR", "PROMPTWALL_RUNTIME_DIR", "PROMPTWALL_CONFIG"):
        env.pop(k, None)
    daemon = None
    if DAEMON:
        daemon = subprocess.Popen([BIN, "daemon"], env=env, stderr=subprocess.DEVNULL)
        t0 = time.time()
        while not os.path.exists(tmp + "/run/promptwall/agent.sock"):
            if time.time() - t0 > 30:
                raise SystemExit("the daemon did not start")
            time.sleep(0.02)
        time.sleep(1.0)  # the daemon preloads its models
    cold = {"blocked key": "deploy with aws_access_key_id = AKIAT4SYWB5WKH7DNSIP please", "names in prose": prose(800)}
    for what, text in cold.items():
        times = []
        for i in range(5):
            t0 = time.perf_counter()
            p = subprocess.Popen([BIN, "native-host", "chrome-extension://bench/"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
            v = ask(p, i, text)
            times.append((time.perf_counter() - t0) * 1000)
            p.stdin.close(); p.wait()
        times.sort()
        print(f"cold start to first verdict, {what}: median {times[2]:.0f} ms (min {times[0]:.0f}, max {times[-1]:.0f}), {v['action']} by {v['decided_by']}")
    p = subprocess.Popen([BIN, "native-host", "chrome-extension://bench/"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    ask(p, 0, "warm up " + prose(500))
    rows = []
    for mib in (0.25, 1, 2, 4, 7):
        text = prose(int(mib * 1024 * 1024) - 80) + " key AKIAT4SYWB5WKH7DNSIP"
        ts = []
        for i in range(3):
            t0 = time.perf_counter()
            v = ask(p, i, text)
            ts.append((time.perf_counter() - t0) * 1000)
        ts.sort()
        rows.append((mib, ts[1]))
        print(f"large paste {mib:>5} MiB: median {ts[1]:.0f} ms ({v['action']} by {v['decided_by']})")
    (x0, y0), (x1, y1) = rows[1], rows[-1]
    print(f"linear term: about {(y1 - y0) / (x1 - x0):.0f} ms per MiB")
    p.stdin.close(); p.wait()
    if daemon:
        daemon.terminate(); daemon.wait()


if __name__ == "__main__":
    main()
