#!/usr/bin/env python3
"""pii-tagger negatives from real public prose in the taxonomy's languages: the translated messages
of the programs installed on this machine (gettext catalogs, /usr/share/locale/*/LC_MESSAGES/*.mo),
cut into paste-sized documents, every span outside. Only running sentences are kept, not Title Case
labels (`Move To Trash`), which would teach the model that two capitalised words are never a name.

    python3 models/pii-tagger/gen_realprose.py --seed 164 --mb 2 --out target/pii-tagger/realprose.jsonl

Why: German capitalises every noun, and sentences in every language start with a capital
(`Unser Leitfaden …`, `Die Kantine …`, `Le fichier …`); generated text alone does not show the
model enough capitalised words that are not names. Messages that may name real people (credits,
authors, translators, e-mail addresses, copyright) are dropped, so no real name is labelled as
"not a name". Which catalogs exist depends on what the machine has installed; the order is a keyed
hash of each message, so the same machine gives the same output.
"""
import argparse
import hashlib
import json
import re
import struct
from pathlib import Path

LANGS = ["de", "fr", "es", "it", "nl", "pt", "pt_BR", "pl", "sv", "tr", "ja", "zh_CN", "ko"]
PERSONAL = re.compile(r"copyright|\(c\)|©|author|maintain|thank|contribut|written by|translat|credit|"
                      r"@|https?://|www\.|<[^>]*>|%[sdu]|\{[^}]*\}", re.I)


def sentence(text):
    """Running text, not a Title Case label (`Move To Trash`): at most half of its words (of five
    or more) are capitalised. Text without spaces between words (CJK) always passes."""
    words = [w for w in text.split() if w[:1].isalpha()]
    if not words:
        return False
    if any("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in text):
        return True
    return len(words) >= 5 and sum(w[0].isupper() for w in words) * 2 <= len(words)


def messages(path):
    """The translated strings of one .mo file (GNU gettext's binary format, either byte order)."""
    data = path.read_bytes()
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else None
    if order is None:
        return []
    _, count, ids_at, strs_at = struct.unpack(order + "4I", data[4:20])
    out = []
    for i in range(count):
        id_len, id_off = struct.unpack(order + "2I", data[ids_at + 8 * i: ids_at + 8 * i + 8])
        s_len, s_off = struct.unpack(order + "2I", data[strs_at + 8 * i: strs_at + 8 * i + 8])
        if id_len == 0:  # the catalog header
            continue
        msgid = data[id_off: id_off + id_len].decode("utf-8", "replace")
        for s in data[s_off: s_off + s_len].split(b"\0"):
            text = s.decode("utf-8", "replace").replace("_", "").replace("&", "").strip()
            if len(text) >= 25 and " " in text and not PERSONAL.search(text) and not PERSONAL.search(msgid) and sentence(text):
                out.append(" ".join(text.split()))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    budget = int(a.mb * 1_000_000 / len(LANGS))
    n = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for lang in LANGS:
            seen = set()
            pool = []
            for mo in sorted(Path("/usr/share/locale", lang, "LC_MESSAGES").glob("*.mo")):
                for m in messages(mo):
                    if m not in seen:
                        seen.add(m)
                        pool.append(m)
            pool.sort(key=lambda m: hashlib.sha256(f"{a.seed}:{lang}:{m}".encode()).hexdigest())
            used = 0
            for k in range(0, len(pool), 8):
                if used >= budget:
                    break
                # A paste: some messages as lines, some run together as a paragraph.
                group = pool[k: k + 8]
                sep = "\n" if int(hashlib.sha256(f"{a.seed}:{lang}:{k}".encode()).hexdigest(), 16) % 2 else " "
                text = sep.join(group)
                f.write(json.dumps({"id": f"P{a.seed}-{n:05d}", "source": lang, "text": text, "spans": []}, ensure_ascii=False) + "\n")
                n += 1
                used += len(text.encode())
    print(f"{n} documents -> {a.out}")


if __name__ == "__main__":
    main()
