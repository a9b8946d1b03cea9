#!/usr/bin/env python3
"""Whole-corpus throughput: `promptwall scan --jsonl` over realistic generated documents
(tests/corpus/independent author A, a seed no model trains on), models on and off in the same
run, and gitleaks over the same texts when a `gitleaks` binary is on PATH (skipped otherwise).

    cargo build --release -p promptwall && python3 tests/bench/corpus_throughput.py [--bin BIN] [--docs 3000] [--runs 3]

MB/s counts the documents' text bytes (10^6 bytes per MB) over the wall time of the whole command,
process start and model load included; the best of --runs is reported. `promptwall scan` has no
time budget: the PII model sees every text in full.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pwbench  # noqa: E402
from pwbench import ROOT, Home, corpus_docs  # noqa: E402


def best_time(cmd, runs, **kw):
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, **kw)
        el = time.perf_counter() - t
        if r.returncode not in (0, 1):
            raise SystemExit(f"{cmd[0]} exited {r.returncode}: {r.stderr[-500:] if r.stderr else ''}")
        best = el if best is None else min(best, el)
    return best, r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/promptwall"))
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for every promptwall process (e.g. PROMPTWALL_PII_MODEL=rampart)")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    pwbench.EXTRA_ENV[:] = args.env
    docs = corpus_docs(count=args.docs)
    size = sum(len(d["text"].encode()) for d in docs)
    feed = "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs).encode()
    home = Home(args.bin)
    print(f"corpus: {len(docs)} documents, {size / 1e6:.2f} MB of text (independent author A, seed 907)")
    for label, extra in (("promptwall scan, models off", ["--no-models"]), ("promptwall scan, models on ", [])):
        t, r = best_time([home.bin, "scan", "--jsonl", *extra], args.runs, input=feed, capture_output=True, env=home.env)
        findings = sum(len(json.loads(line).get("findings", [])) for line in r.stdout.decode().splitlines())
        print(f"  {label}: {size / 1e6 / t:6.2f} MB/s ({t:.2f} s, {findings} findings)")
    gl = shutil.which("gitleaks")
    if not gl:
        print("  gitleaks: not installed, skipped (put a gitleaks binary on PATH to compare)")
        return
    with tempfile.TemporaryDirectory() as d:
        for i, doc in enumerate(docs):
            Path(d, f"{i:05d}.txt").write_text(doc["text"], encoding="utf-8")
        version = subprocess.run([gl, "version"], capture_output=True, text=True).stdout.strip()
        report = os.path.join(d, "..", "gitleaks-report.json")
        cmd = [gl, "dir", d, "--no-banner", "--exit-code", "0", "--report-path", report]
        probe = subprocess.run([gl, "dir", "--help"], capture_output=True)
        if probe.returncode != 0:  # gitleaks before 8.19 has no `dir`
            cmd = [gl, "detect", "--no-git", "--source", d, "--no-banner", "--exit-code", "0", "--report-path", report]
        t, _ = best_time(cmd, args.runs, capture_output=True)
        print(f"  gitleaks {version}: {size / 1e6 / t:6.2f} MB/s ({t:.2f} s)")


if __name__ == "__main__":
    main()
