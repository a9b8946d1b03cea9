#!/usr/bin/env python3
"""pii-tagger negatives from real public text on this machine: source code (Rust crates in the
Cargo registry, C headers in /usr/include, Python packages in models/.cache/venv, JavaScript and
TypeScript in the extension's node_modules) cut into paste-sized chunks, every span outside.

    python3 models/pii-tagger/gen_realtext.py --seed 163 --mb 2 --out target/pii-tagger/realtext.jsonl

Lines that may name real people (copyright, author, maintainer, thanks, e-mail addresses) are
dropped, so no real name is labelled as "not a name". Files that tests/eval/realtext.py samples
(its default seed 12) are left out, so the false-alarm figure stays measured on unseen text.
Which files exist depends on the machine (what was built and installed); the order is a keyed hash
of each file's machine-independent name, so the same machine gives the same output.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("realtext", os.path.join(ROOT, "tests/eval/realtext.py"))
RT = importlib.util.module_from_spec(spec)
spec.loader.exec_module(RT)

PERSONAL = re.compile(r"copyright|\(c\)|©|author|maintain|thank|contribut|written by|signed-off|co-authored|credit|"
                      r"@[a-z0-9-]+\.[a-z]|<[^>]*@|github\.com/|twitter|orcid|license|licence", re.I)
SOURCES = [
    ("rust", lambda: RT.cargo_registry((".rs",))),
    ("c", lambda: RT.walk("/usr/include", (".h",))),
    ("python", RT.site_packages),
    ("js", lambda: RT.node_modules((".js", ".ts", ".mjs"))),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    held_out = {d["id"].split(":", 1)[1] for d in RT.assemble(12, 1.0)}
    budget = int(a.mb * 1_000_000 / len(SOURCES))
    n = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for name, lister in SOURCES:
            files = sorted(set(lister()), key=lambda p: (hashlib.sha256(f"{a.seed}:{RT.rel(p)}".encode()).hexdigest(), p))
            used = 0
            for p in files:
                if used >= budget:
                    break
                if RT.rel(p) in held_out:
                    continue
                text = RT.read_text(p)
                if not text:
                    continue
                lines = [l for l in text.splitlines() if not PERSONAL.search(l)]
                # Paste-sized chunks from the middle of the file (not the licence header).
                for k in range(min(len(lines) // 40, 3)):
                    chunk = "\n".join(lines[20 + k * 40: 60 + k * 40]).strip("\n")
                    if len(chunk) < 200:
                        continue
                    f.write(json.dumps({"id": f"T{a.seed}-{n:05d}", "source": name, "text": chunk, "spans": []}, ensure_ascii=False) + "\n")
                    n += 1
                    used += len(chunk.encode())


if __name__ == "__main__":
    main()
