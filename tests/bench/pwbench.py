"""Shared pieces of the benchmarks: realistic pastes, an isolated agent home, the native-host
framing, a daemon, percentiles and memory figures.

A release build reads its folders from the standard XDG variables only (it ignores the
`PROMPTWALL_*` development variables), so every benchmark gets a fresh XDG_DATA_HOME and
XDG_RUNTIME_DIR in a temporary folder: nothing of the user's own agent is read or touched.
"""

import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Pastes come from the independent generator's author A with a seed that no model trains or is
# tuned on (the category classifier trains on generate.py and author B; its validation is A seed 1).
PASTE_AUTHOR, PASTE_SEED = "a", 907
# KEY=VALUE settings for every promptwall process (the scripts' --env).
EXTRA_ENV = []
BUCKETS = [("0.2-1 KB", 200, 1024), ("1-4 KB", 1024, 4096), ("4-16 KB", 4096, 16384)]


def corpus_docs(count=1500, seed=PASTE_SEED, author=PASTE_AUTHOR):
    out = Path(tempfile.gettempdir()) / f"pw-bench-{author}-{seed}-{count}.jsonl"
    if not out.exists():
        tmp = out.with_suffix(".tmp")
        subprocess.run([sys.executable, str(ROOT / "tests/corpus/independent"), "--author", author, "--seed", str(seed),
                        "--count", str(count), "--out", str(tmp)], check=True, stdout=subprocess.DEVNULL)
        tmp.rename(out)
    return [json.loads(line) for line in out.open(encoding="utf-8")]


def pastes(per_bucket, seed=1):
    """{bucket: [text]}: consecutive generated documents joined until a size drawn in the bucket
    (a paste of several records, a thread, a file), cut at a line end, never mid-character."""
    docs = corpus_docs()
    rng = random.Random(seed)
    out = {}
    for name, lo, hi in BUCKETS:
        texts = []
        while len(texts) < per_bucket:
            want = rng.randrange(lo, hi)
            i = rng.randrange(len(docs))
            parts, size = [], 0
            while size < want:
                t = docs[i % len(docs)]["text"]
                parts.append(t)
                size += len(t.encode()) + 1
                i += 1
            text = "\n".join(parts).encode()[:want].decode("utf-8", errors="ignore")
            if "\n" in text[len(text) // 2:]:
                text = text[: text.rindex("\n")]
            if lo <= len(text.encode()) < hi:
                texts.append(text)
        out[name] = texts
    return out


class Home:
    """An isolated agent home (XDG folders in a temporary directory) and the processes run in it."""

    def __init__(self, binary, models=True):
        self.bin = str(Path(binary).resolve())
        self.tmp = tempfile.mkdtemp(prefix="pw-bench-")
        os.makedirs(self.tmp + "/run", mode=0o700)
        self.env = {**os.environ, "XDG_DATA_HOME": self.tmp + "/data", "XDG_RUNTIME_DIR": self.tmp + "/run"}
        for k in ("PROMPTWALL_POLICY", "PROMPTWALL_DATA_DIR", "PROMPTWALL_RUNTIME_DIR", "PROMPTWALL_CONFIG",
                  "PROMPTWALL_MODEL_BUDGET_MS", "PROMPTWALL_MODEL_THREADS"):
            self.env.pop(k, None)
        if not models:
            self.env["PROMPTWALL_MODELS"] = "off"  # read by every build (agent/ml), release included
        else:
            self.env.pop("PROMPTWALL_MODELS", None)
        self.env.update(dict(kv.split("=", 1) for kv in EXTRA_ENV))
        self.daemon = None

    def start_daemon(self):
        self.daemon = subprocess.Popen([self.bin, "daemon"], env=self.env, stderr=subprocess.DEVNULL)
        sock = Path(self.tmp) / "run/promptwall/agent.sock"
        t0 = time.time()
        while not sock.exists():
            if time.time() - t0 > 60 or self.daemon.poll() is not None:
                raise SystemExit("the daemon did not start")
            time.sleep(0.02)
        return self.daemon

    def host(self):
        return Host(self)

    def close(self):
        if self.daemon:
            self.daemon.terminate()
            self.daemon.wait()


class Host:
    """One `promptwall native-host` process, spoken to as the browser does."""

    def __init__(self, home):
        self.p = subprocess.Popen([home.bin, "native-host", "chrome-extension://bench/"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, env=home.env)
        self.n = 0

    def ask(self, obj):
        b = json.dumps(obj).encode()
        self.p.stdin.write(struct.pack("=I", len(b)) + b)
        self.p.stdin.flush()
        while True:
            head = self.p.stdout.read(4)
            if len(head) < 4:
                raise SystemExit("the native host closed its output")
            r = json.loads(self.p.stdout.read(struct.unpack("=I", head)[0]))
            if r.get("type") != "verdict_part":
                return r

    def inspect(self, text):
        self.n += 1
        return self.ask({"v": 2, "id": self.n, "type": "inspect", "text": text, "url": "https://chatgpt.com/",
                         "trigger": "paste"})

    def status(self):
        self.n += 1
        return self.ask({"v": 2, "id": self.n, "type": "status"})

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def timed(fn, *a):
    t = time.perf_counter()
    r = fn(*a)
    return (time.perf_counter() - t) * 1000, r


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def memory(pid):
    """(current RSS, peak RSS) in MiB from /proc (Linux)."""
    vals = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                vals[k] = int(v.split()[0]) / 1024
    except OSError:
        return None, None
    return vals.get("VmRSS"), vals.get("VmHWM")
