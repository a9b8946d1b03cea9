"""Independent corpus generators: `python3 tests/corpus/independent --author a --seed 1 --count 1000 --out x.jsonl`.

Same JSONL format as tests/corpus/generate.py (tests/corpus/README.md), written by different
authors: no template, vocabulary or layout is shared with generate.py or between the authors.
Output is byte-identical for a given author, seed and count (standard library only, string seeds,
no hash-order dependence).
"""

import argparse
import collections
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import core  # noqa: E402

AUTHORS = {"a": "author_a", "b": "author_b", "c": "author_c"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--author", choices=sorted(AUTHORS), default="a")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    mod = __import__(AUTHORS[args.author])
    docs = []
    try:
        for i in range(args.count):
            rng = random.Random(f"independent-{args.author}-{args.seed}-{i}")
            docs.append(mod.document(rng, f"{args.author}{args.seed}-{i:05d}"))
    except core.CorpusError as e:
        print(f"self-check failed, nothing written: {e}", file=sys.stderr)
        return 1
    with args.out.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    types = collections.Counter(s["type"] for d in docs for s in d["spans"])
    cats = collections.Counter(c for d in docs for c in d["categories"])
    clean = sum(not d["sensitive"] for d in docs)
    print(f"{len(docs)} docs ({clean} clean) -> {args.out}")
    print("spans: " + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))
    print("categories: " + ", ".join(f"{k} {v}" for k, v in sorted(cats.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
