#!/usr/bin/env python3
"""Real public documents for the category classifier, pinned by content hash.

    python3 models/categories/realdocs.py --write      # (re)build realdocs.json from this machine
    python3 models/categories/realdocs.py --check      # every pinned file present and unchanged?

Sources, all already on a machine that builds Promptwall, none downloaded by this script:

| label | where | licence of the text |
|---|---|---|
| legal | licence texts: `/usr/share/common-licenses/*` (Debian base-files), `LICENSE*`/`COPYING*` of the crates in Cargo.lock (`~/.cargo/registry/src/*/<crate>-<version>/`) | the licences themselves (verbatim copying permitted) |
| none | English manual pages, `/usr/share/man/man{1,5,7,8}/*.gz`, reduced to plain text (troff requests and escapes dropped) | each page's own licence (GPL/BSD/MIT/man-pages licence), used for training only, not redistributed |
| source_code | `.rs` files of the crates in Cargo.lock | MIT/Apache-2.0 and the like, used for training only, not redistributed |

Only the training reads these files; the repository stores their paths and SHA-256 (realdocs.json),
never their text, and the trained model keeps only hashed feature weights. Selection is by hash
(files whose SHA-256 falls in a fixed bucket), so it does not depend on directory order. A file
that is missing or changed makes `--check` and training fail with its path: run
`cargo fetch --locked` for crate files; the manual pages and licences come with the base system
(Debian 13).
"""

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "realdocs.json"
CARGO_SRC = Path.home() / ".cargo" / "registry" / "src"
SYSTEM = Path("/usr/share")
# How many of each kind to keep (by hash bucket, then the smallest hashes).
QUOTA = {"legal": 400, "none": 500, "source_code": 500}
PER_GROUP = 6


def group(entry):
    """The crate of a crate file; the command family of a manual page (`gcloud_alpha_...` -> `gcloud`)."""
    if entry["source"] == "crates":
        return "crate:" + entry["path"].split("/")[0].rsplit("-", 1)[0] + ":" + entry["label"]
    if entry["source"] == "man":
        return "man:" + re.split(r"[._-]", entry["path"].split("/")[1])[0]
    return entry["source"] + ":" + entry["path"]


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def locked_crates():
    """`<name>-<version>` of the registry crates in the workspace's Cargo.lock."""
    lock = (HERE.parent.parent / "Cargo.lock").read_text()
    out = set()
    for block in lock.split("[[package]]")[1:]:
        name = re.search(r'^name = "([^"]+)"', block, re.M)
        version = re.search(r'^version = "([^"]+)"', block, re.M)
        if name and version and "registry+" in block:
            out.add(f"{name.group(1)}-{version.group(1)}")
    return out


def crate_roots():
    """`<crate>-<version>` folders of the registry, any index (the index folder name differs by cargo version)."""
    roots = {}
    if CARGO_SRC.is_dir():
        for index in sorted(CARGO_SRC.iterdir()):
            if index.is_dir():
                for crate in sorted(index.iterdir()):
                    roots.setdefault(crate.name, crate)
    return roots


def candidates():
    """(label, source, relative path, absolute path) of every file that could be used."""
    out = []
    lic = SYSTEM / "common-licenses"
    if lic.is_dir():
        for f in sorted(lic.iterdir()):
            if f.is_file():
                out.append(("legal", "common-licenses", f.name, f))
    locked = locked_crates()
    for name, root in sorted(crate_roots().items()):
        if name not in locked:
            continue
        for f in sorted(root.iterdir()):
            if f.is_file() and re.match(r"(?i)^(licen[cs]e|copying|unlicense|notice)", f.name):
                out.append(("legal", "crates", f"{name}/{f.name}", f))
        for f in sorted(root.rglob("*.rs")):
            out.append(("source_code", "crates", f"{name}/{f.relative_to(root)}", f))
    for sec in ("man1", "man5", "man7", "man8"):
        d = SYSTEM / "man" / sec
        if d.is_dir():
            for f in sorted(d.glob("*.gz")):
                if f.is_file() and not f.is_symlink():
                    out.append(("none", "man", f"{sec}/{f.name}", f))
    return out


TROFF_ESC = re.compile(r"\\f[BIRPC1-9]|\\f\(..|\\\(..|\\\*\(..|\\\*.|\\[&e|^~0 -]|\\s[-+]?\d")


def man_text(raw):
    """Plain text of a manual page: requests dropped, their arguments kept for headings, escapes removed."""
    text = gzip.decompress(raw).decode("utf-8", errors="replace")
    lines = []
    for line in text.splitlines():
        if line.startswith(('.\\"', "'\\\"", '.TH', '.so', '.de', '..', '.ds', '.nr', '.if', '.ie', '.el', '.ig')):
            continue
        if line.startswith("."):
            parts = line.split(None, 1)
            line = parts[1].replace('"', "") if len(parts) > 1 else ""
            if not line:
                lines.append("")
                continue
        lines.append(TROFF_ESC.sub("", line).replace("\\-", "-").replace("\\\\", "\\"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def text_of(label, source, raw):
    if source == "man":
        return man_text(raw)
    return raw.decode("utf-8", errors="replace")


def write():
    picked = {k: [] for k in QUOTA}
    seen = set()
    for label, source, rel, path in candidates():
        raw = path.read_bytes()
        if not raw.strip() or len(raw) > 400_000:
            continue
        h = sha256(raw)
        text = text_of(label, source, raw)
        key = sha256(re.sub(r"\s+", " ", text).encode())
        if key in seen or len(text) < 200:
            continue
        seen.add(key)
        picked[label].append({"label": label, "source": source, "path": rel, "sha256": h})
    out = []
    for label, items in picked.items():
        items.sort(key=lambda e: e["sha256"])
        # common-licenses first (they are few and the most canonical), then by hash, at most
        # PER_GROUP from one crate or one family of manual pages (gcloud alone has thousands).
        items.sort(key=lambda e: e["source"] != "common-licenses")
        per_group = {}
        for e in items:
            g = group(e)
            if per_group.get(g, 0) >= PER_GROUP or sum(x["label"] == label for x in out) >= QUOTA[label]:
                continue
            per_group[g] = per_group.get(g, 0) + 1
            out.append(e)
    out.sort(key=lambda e: (e["label"], e["source"], e["path"]))
    lines = ",\n".join(json.dumps(e) for e in out)
    MANIFEST.write_text('{"format": 1, "docs": [\n' + lines + "\n]}\n")
    counts = {k: sum(e["label"] == k for e in out) for k in QUOTA}
    print(f"{len(out)} documents pinned in {MANIFEST.name}: {counts}")


def resolve(entry, roots):
    if entry["source"] == "common-licenses":
        return SYSTEM / "common-licenses" / entry["path"]
    if entry["source"] == "man":
        return SYSTEM / "man" / entry["path"]
    crate, _, rel = entry["path"].partition("/")
    root = roots.get(crate)
    return root / rel if root else None


class Missing(Exception):
    pass


def load():
    """[(label, text)] of every pinned document; raises Missing with the paths that are absent or changed."""
    entries = json.loads(MANIFEST.read_text())["docs"]
    roots = crate_roots()
    docs, bad = [], []
    for e in entries:
        path = resolve(e, roots)
        if path is None or not path.is_file():
            bad.append(f"missing: {e['source']}:{e['path']}")
            continue
        raw = path.read_bytes()
        if sha256(raw) != e["sha256"]:
            bad.append(f"changed: {e['source']}:{e['path']}")
            continue
        docs.append((e["label"], e["source"], text_of(e["label"], e["source"], raw)))
    if bad:
        raise Missing(f"{len(bad)} of {len(entries)} pinned documents unusable (run `cargo fetch --locked`?):\n  "
                      + "\n  ".join(bad[:20]))
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.write:
        write()
    if args.check or not args.write:
        try:
            docs = load()
        except Missing as e:
            print(e, file=sys.stderr)
            return 1
        print(f"all {len(docs)} pinned documents present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
