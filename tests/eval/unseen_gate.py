#!/usr/bin/env python3
"""Generalisation gate: score `promptwall scan --jsonl` (models on) on a generator that no model
was trained or tuned on, tests/corpus/independent author A, and fail when a figure of the model
issue drops below its floor.

    python3 tests/eval/unseen_gate.py --bin target/debug/promptwall --corpus target/corpus/independent-a.jsonl

Floors sit a little under today's figures (models/README.md has those), at or above the issue's
aims: PERSON F1 >= 0.95, ADDRESS F1 >= 0.90, >= 97 % of clean documents without a finding,
category exact match >= 0.85 with every category's recall >= 0.80. Skipped (exit 0, says so) when
the models are not installed, unless PROMPTWALL_REQUIRE_MODELS=1.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

FLOORS = {
    "PERSON F1": 0.95,
    "ADDRESS F1": 0.93,
    "clean documents without a finding": 0.97,
    "category exact match": 0.88,
    "lowest category recall": 0.85,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    verbose = subprocess.run([a.bin, "scan", "--verbose"], input=b"", capture_output=True).stderr.decode()
    if "models: pii-tagger" not in verbose:
        if os.environ.get("PROMPTWALL_REQUIRE_MODELS") == "1":
            print("unseen gate: FAIL models not loaded (PROMPTWALL_REQUIRE_MODELS=1)")
            return 1
        print("unseen gate: skipped, the models are not installed (models/fetch.py --tagger-only)")
        return 0
    scorer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "score.py")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        cmd = [sys.executable, scorer, "--cmd", f"{a.bin} scan --jsonl", "--corpus", a.corpus, "--json-out", out]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        r = json.load(open(out))
    doc = r["doc"]
    clean = doc["tn"] / max(1, doc["tn"] + doc["fp"])
    cats = r["categories"]
    figures = {
        "PERSON F1": r["per_type"]["PERSON"]["f1"],
        "ADDRESS F1": r["per_type"]["ADDRESS"]["f1"],
        "clean documents without a finding": clean,
        "category exact match": cats["exact_match_accuracy"],
        "lowest category recall": min(c["recall"] for c in cats["per_category"].values() if c["support"]),
    }
    failed = 0
    for name, floor in FLOORS.items():
        ok = figures[name] >= floor
        failed += not ok
        print(f"unseen gate: {'ok  ' if ok else 'FAIL'} {name} {figures[name]:.3f} >= {floor}")
    print(f"{len(FLOORS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
