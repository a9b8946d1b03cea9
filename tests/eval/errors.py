#!/usr/bin/env python3
"""Show type-level false positives and false negatives with context, for error analysis.

    python3 tests/eval/errors.py --corpus tests/corpus/dev.jsonl --pred preds.jsonl --type PHONE [--kind fp|fn] [-n 30]

`preds.jsonl` is the output of `promptwall scan --jsonl` on the corpus (tests/eval/score.py
--save-predictions). Matching mirrors score.py's per-type rule: same type and IoU >= 0.5.
"""
import argparse, json

def iou(a, b):
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter > 0 else 0.0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--pred", required=True)
    ap.add_argument("--type", required=True)
    ap.add_argument("--kind", choices=["fp", "fn", "both"], default="both")
    ap.add_argument("-n", type=int, default=30)
    a = ap.parse_args()
    gold = {}
    for line in open(a.corpus, encoding="utf-8"):
        d = json.loads(line)
        gold[str(d["id"])] = d
    shown = 0
    for line in open(a.pred, encoding="utf-8"):
        p = json.loads(line)
        d = gold.get(str(p.get("id")))
        if d is None:
            continue
        b = d["text"].encode("utf-8")
        gs = [(s["start"], s["end"]) for s in d["spans"] if s["type"] == a.type]
        ps = [(f["start"], f["end"], f.get("detector", "")) for f in p.get("findings", []) if f["type"] == a.type]
        ctx = lambda s, e: (b[max(0, s - 50):s].decode("utf-8", "replace") + "⟦" + b[s:e].decode("utf-8", "replace") + "⟧" + b[e:e + 40].decode("utf-8", "replace")).replace("\n", "⏎")
        if a.kind in ("fp", "both"):
            for s, e, det in ps:
                if not any(iou((s, e), g) >= 0.5 for g in gs):
                    other = [t["type"] for t in d["spans"] if iou((s, e), (t["start"], t["end"])) > 0]
                    print(f"FP {d['id']} {det} gold={other}: {ctx(s, e)}")
                    shown += 1
        if a.kind in ("fn", "both"):
            for s, e in gs:
                if not any(iou((s, e), (x, y)) >= 0.5 for x, y, _ in ps):
                    got = [(f["type"], f["start"], f["end"]) for f in p.get("findings", []) if f["start"] < e and s < f["end"]]
                    print(f"FN {d['id']} got={got}: {ctx(s, e)}")
                    shown += 1
        if shown >= a.n:
            break

main()
