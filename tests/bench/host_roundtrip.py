#!/usr/bin/env python3
"""Native-host latency, measured the way the extension sees it: framed inspect requests over the
host's stdin/stdout pipes, p50/p99 over many requests, plus cold start to first verdict.

    cargo build --release -p promptwall && python3 tests/bench/host_roundtrip.py [target/release/promptwall]
"""
import json, random, struct, subprocess, sys, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/promptwall"
rng = random.Random(7)
WORDS = ("please summarise the quarterly plan and list owners for each action item we agreed "
         "on in the meeting yesterday including the billing migration and onboarding").split()


def paste(size):
    words = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(WORDS))
    text = " ".join(words)
    return text[: size - 60] + " contact jane.doe@northwind.io card 4539 1488 0343 6467"


def frame(obj):
    b = json.dumps(obj).encode()
    return struct.pack("=I", len(b)) + b


def read(p):
    n = struct.unpack("=I", p.stdout.read(4))[0]
    return json.loads(p.stdout.read(n))


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * (len(xs) - 1)))]


def main():
    p = subprocess.Popen([BIN, "native-host"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for size, n in [(1024, 500), (10 * 1024, 300)]:
        texts = [paste(size) for _ in range(20)]
        ts = []
        for i in range(n):
            msg = frame({"v": 1, "id": i, "type": "inspect", "text": texts[i % 20], "url": "https://chatgpt.com/", "trigger": "paste"})
            t = time.perf_counter()
            p.stdin.write(msg)
            p.stdin.flush()
            r = read(p)
            ts.append((time.perf_counter() - t) * 1000)
            assert r["type"] == "verdict", r
        print(f"inspect {size // 1024} KB round trip: p50 {pct(ts, .5):.2f} ms  p99 {pct(ts, .99):.2f} ms  (n={n})")
    p.stdin.close()
    p.wait()
    cold = []
    for _ in range(20):
        t = time.perf_counter()
        q = subprocess.Popen([BIN, "native-host"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        q.stdin.write(frame({"v": 1, "id": 1, "type": "inspect", "text": paste(1024), "url": "https://chatgpt.com/", "trigger": "paste"}))
        q.stdin.flush()
        read(q)
        cold.append((time.perf_counter() - t) * 1000)
        q.stdin.close()
        q.wait()
    print(f"cold start to first verdict: p50 {pct(cold, .5):.1f} ms  p95 {pct(cold, .95):.1f} ms")


main()
