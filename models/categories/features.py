"""Hashed features of the category classifier: the exact mirror of agent/ml/src/features.rs.

Kept in lockstep by feature_vectors.json (written by train.py, checked by a Rust unit test).
"""

import json
import math
import string
from pathlib import Path

FEATURE_TEXT_BYTES = 16 * 1024
PUNCT = set(string.punctuation)
# Entity type -> family, for the `f:` features (docs/taxonomy.md).
FAMILY = {}
for fam, types in {
    "PII": "PERSON EMAIL PHONE ADDRESS DATE_OF_BIRTH US_SSN PASSPORT DRIVER_LICENSE NATIONAL_ID IP_ADDRESS",
    "FINANCIAL": "CREDIT_CARD IBAN BANK_ACCOUNT US_ROUTING_NUMBER SWIFT_BIC",
    "SECRET": "AWS_ACCESS_KEY AWS_SECRET_KEY GITHUB_TOKEN GITLAB_TOKEN SLACK_TOKEN SLACK_WEBHOOK STRIPE_KEY "
              "OPENAI_API_KEY ANTHROPIC_API_KEY GOOGLE_API_KEY AZURE_KEY PRIVATE_KEY JWT PASSWORD "
              "CONNECTION_STRING GENERIC_SECRET",
    "HEALTH": "MEDICAL_RECORD_NUMBER HEALTH_CONDITION",
    "CUSTOM": "CUSTOM",
}.items():
    for t in types.split():
        FAMILY[t] = fam


def fnv1a(s: str) -> int:
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def _load_lexicon():
    raw = json.loads((Path(__file__).resolve().parent / "lexicon.json").read_text(encoding="utf-8"))
    exact, prefix = {}, {}
    for cat, entries in sorted(raw.items()):
        if cat.startswith("_"):
            continue
        for e in entries:
            table, key = (prefix, e[:-1]) if e.endswith("*") else (exact, e)
            table.setdefault(key, set()).add(cat)
    return exact, prefix


LEX_EXACT, LEX_PREFIX = _load_lexicon()


def lexicon_categories(word: str):
    """Categories whose topic words match `word` (as features.rs::lexicon_categories)."""
    cats = set(LEX_EXACT.get(word, ()))
    for k in range(3, len(word) + 1):
        cats |= LEX_PREFIX.get(word[:k], set())
    return cats


def _cjk(ch: str) -> bool:
    """Kana, CJK ideographs (and extension A), Hangul syllables (as features.rs::is_cjk)."""
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF


def _rust_trim(s: str) -> str:
    return s.strip()


def feature_strings(text: str, finding_types):
    text = text.encode("utf-8")[:FEATURE_TEXT_BYTES].decode("utf-8", errors="ignore")
    out = []
    lower = text.lower()
    words = []
    cur = []
    for ch in lower:
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    out.extend("w:" + w for w in words)
    out.extend(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    # Chinese and Japanese are written without spaces, so a "word" is a whole clause: character
    # pairs carry their vocabulary (Korean too, where words are long compounds).
    for w in words:
        pairs = [a + b for a, b in zip(w, w[1:]) if _cjk(a) and _cjk(b)]
        out.extend("c:" + p for p in pairs)
        cats = lexicon_categories(w)
        for p in pairs:
            cats |= LEX_EXACT.get(p, set())
        out.extend("k:" + c for c in sorted(cats))
    out.extend("p:" + c for c in text if c in PUNCT)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if line.endswith("\r"):
            line = line[:-1]
        t = _rust_trim(line)
        if not t:
            continue
        if line.startswith((" ", "\t")):
            out.append("l:indent")
        for end, name in ((";", "l:end;"), ("{", "l:end{"), ("}", "l:end}"), (":", "l:end:"), (",", "l:end,")):
            if t.endswith(end):
                out.append(name)
        for start, name in (("#", "l:start#"), ("//", "l:start//"), ("-", "l:start-")):
            if t.startswith(start):
                out.append(name)
        if t[0].isascii() and t[0].isdigit():
            out.append("l:startdigit")
    for t in finding_types:
        if t in ("PERSON", "ADDRESS"):
            continue
        out.append("e:" + t)
        out.append("f:" + FAMILY.get(t, "CUSTOM"))
    return out


def vectorize_sparse(text: str, finding_types, dim: int):
    """{index: value}, log-scaled counts, L2-normalised (as features.rs::vectorize)."""
    counts = {}
    mask = dim - 1
    for f in feature_strings(text, finding_types):
        i = fnv1a(f) & mask
        counts[i] = counts.get(i, 0.0) + 1.0
    vals = {i: math.log1p(c) for i, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vals.values()))
    if norm > 0:
        vals = {i: v / norm for i, v in vals.items()}
    return vals
