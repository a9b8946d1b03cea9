#!/usr/bin/env python3
"""Labelled test-corpus generator for Promptwall (see tests/corpus/README.md).

    python3 tests/corpus/generate.py --seed 1 --count 1500 --out tests/corpus/dev.jsonl

Every output line is one synthetic "paste" (email, ticket, CSV export, config file, log, clinical
note, ...) with gold spans following docs/taxonomy.md (types, span rules, categories):

    {"id": "...", "text": "...", "spans": [{"type": "EMAIL", "start": 5, "end": 27}],
     "categories": ["customer_data"], "sensitive": true}

start/end are UTF-8 byte offsets, end exclusive.

How it works
------------
* `Gen` owns one `random.Random(seed)` and has one method per value generator (names, phones,
  addresses, national IDs with their check digits, cards, IBANs, secrets, ...) plus hard-negative
  generators (UUIDs, digests, masked cards, placeholders, ...).
* `Doc` builds a text by appending pieces. Literal text goes in with `Doc.t`, labelled values with
  `Doc.e` (or as `E(type, value)` items inside `Doc.f` templates whose `⟦name⟧` placeholders are
  filled in order). Offsets are recorded while appending, never by searching the text afterwards.
* One `doc_*` function per document family; `TEMPLATES` weights them. About a third of the documents
  are non-sensitive (no spans) but full of hard negatives.
* `self_check` re-validates every generated document (offsets, overlaps, whitespace, taxonomy types,
  category rules, and the checksum of every checksum-bearing value re-read from the text slice) and
  aborts loudly on any violation.

Only the Python 3.11 standard library is used; output depends on the seed alone.
"""
from __future__ import annotations

import argparse
import base64
import collections
import json
import re
import string
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from random import Random
from typing import NamedTuple

# --------------------------------------------------------------------------------------------
# Taxonomy
# --------------------------------------------------------------------------------------------

FAMILIES = {
    "PII": ["PERSON", "EMAIL", "PHONE", "ADDRESS", "DATE_OF_BIRTH", "US_SSN", "PASSPORT", "DRIVER_LICENSE",
            "NATIONAL_ID", "IP_ADDRESS"],
    "FINANCIAL": ["CREDIT_CARD", "IBAN", "BANK_ACCOUNT", "US_ROUTING_NUMBER", "SWIFT_BIC"],
    "SECRET": ["AWS_ACCESS_KEY", "AWS_SECRET_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN", "SLACK_TOKEN", "SLACK_WEBHOOK",
               "STRIPE_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "AZURE_KEY", "PRIVATE_KEY", "JWT",
               "PASSWORD", "CONNECTION_STRING", "GENERIC_SECRET"],
    "HEALTH": ["MEDICAL_RECORD_NUMBER", "HEALTH_CONDITION"],
}
FAMILY_OF = {t: fam for fam, ts in FAMILIES.items() for t in ts}
ALL_TYPES = [t for ts in FAMILIES.values() for t in ts]
CATEGORIES = ["source_code", "credentials", "customer_data", "health", "financial", "hr", "legal", "none"]
SENSITIVE_CATEGORIES = {"credentials", "customer_data", "health", "financial", "hr", "legal"}


def blen(s: str) -> int:
    """Length of s in UTF-8 bytes (offsets in the corpus are byte offsets)."""
    return len(s.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Document builder
# --------------------------------------------------------------------------------------------

class E(NamedTuple):
    """A labelled value: appended to a Doc it becomes one gold span."""
    type: str
    value: str


PLACEHOLDER = re.compile(r"⟦(\w+)⟧")


def esc(x, fn):
    """Apply an escaping function to literal strings and labelled values inside a template item."""
    if x is None:
        return None
    if isinstance(x, E):
        return E(x.type, fn(x.value))
    if isinstance(x, str):
        return fn(x)
    if isinstance(x, (list, tuple)):
        return [esc(y, fn) for y in x]
    return x


def jesc(s: str) -> str:
    """JSON string-body escaping (what sits between the quotes)."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


def J(x):
    return esc(x, jesc)


def SQ(x):
    """SQL single-quoted literal escaping: O'Brien -> O''Brien."""
    return esc(x, lambda s: s.replace("'", "''"))


def plain(x) -> str:
    """The text of a template item, labels dropped."""
    if x is None:
        return ""
    if isinstance(x, E):
        return x.value
    if isinstance(x, str):
        return x
    return "".join(plain(y) for y in x)


class Doc:
    """Append-only text builder that records byte offsets of labelled values."""

    def __init__(self, kind: str, cats=(), code: bool = False):
        self.kind = kind
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[str, int, int]] = []
        self.cats = set(cats)
        if code:
            self.cats.add("source_code")

    # -- primitive appends -------------------------------------------------------------------
    def t(self, *texts: str) -> "Doc":
        for s in texts:
            self.parts.append(s)
            self.pos += blen(s)
        return self

    def e(self, typ: str, value: str) -> "Doc":
        assert typ in FAMILY_OF, typ
        assert value and value == value.strip(), (typ, value)
        start = self.pos
        self.t(value)
        self.spans.append((typ, start, self.pos))
        return self

    def put(self, x) -> "Doc":
        if x is None:
            return self
        if isinstance(x, E):
            return self.e(x.type, x.value)
        if isinstance(x, str):
            return self.t(x)
        if isinstance(x, (list, tuple)):
            for y in x:
                self.put(y)
            return self
        if isinstance(x, (int, float)):
            return self.t(str(x))
        raise TypeError(type(x))

    def f(self, template: str, **kw) -> "Doc":
        """Append a template; each ⟦name⟧ is replaced by kw[name] (str, E, list or None)."""
        pos = 0
        for m in PLACEHOLDER.finditer(template):
            self.t(template[pos:m.start()])
            self.put(kw[m.group(1)])
            pos = m.end()
        self.t(template[pos:])
        return self

    # -- structured writers --------------------------------------------------------------------
    def json(self, obj, indent: int | None = 2, level: int = 0) -> "Doc":
        """Write obj as JSON; E leaves become spans over their escaped string bodies."""
        nl = "\n" + " " * (indent * (level + 1)) if indent else ""
        end = "\n" + " " * (indent * level) if indent else ""
        sep = "," if indent else ", "
        if isinstance(obj, dict):
            if not obj:
                return self.t("{}")
            self.t("{")
            for i, (k, v) in enumerate(obj.items()):
                self.t((sep if i else "") + nl + json.dumps(k, ensure_ascii=False) + ": ")
                self.json(v, indent, level + 1)
            return self.t(end + "}")
        if isinstance(obj, list):
            if not obj:
                return self.t("[]")
            self.t("[")
            for i, v in enumerate(obj):
                self.t((sep if i else "") + nl)
                self.json(v, indent, level + 1)
            return self.t(end + "]")
        if isinstance(obj, E):
            self.t('"')
            self.e(obj.type, jesc(obj.value))
            return self.t('"')
        if isinstance(obj, Raw):
            return self.t(obj.s)
        if isinstance(obj, Cat):
            self.t('"')
            self.put(J(obj.parts))
            return self.t('"')
        return self.t(json.dumps(obj, ensure_ascii=False))

    def csv_row(self, cells, sep: str = ",", quote_all: bool = False) -> "Doc":
        for i, c in enumerate(cells):
            if i:
                self.t(sep)
            v = plain(c)
            if quote_all or any(ch in v for ch in (sep, '"', "\n")):
                self.t('"')
                self.put(esc(c, lambda s: s.replace('"', '""')))
                self.t('"')
            else:
                self.put(c)
        return self.t("\n")

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Raw(NamedTuple):
    """Verbatim JSON fragment for Doc.json (e.g. a number written as-is)."""
    s: str


class Cat(NamedTuple):
    """A JSON string value made of several template items (text with a labelled part inside)."""
    parts: list


# --------------------------------------------------------------------------------------------
# Checksum schemes (used by the generators and again by the self-check)
# --------------------------------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:          # every second digit from the right is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    for c in "0123456789":
        if luhn_ok(partial + c):
            return c
    raise AssertionError


IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20, "CH": 21,
                "IE": 22, "PT": 25, "PL": 28, "SE": 24, "DK": 18, "NO": 15, "FI": 18, "LU": 20, "BR": 29}


def iban_mod97(iban: str) -> int:
    # ISO 13616: move the first four characters to the end, letters -> 10..35, the number mod 97.
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97


def iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    return (len(s) >= 15 and s[:2] in IBAN_LENGTHS and len(s) == IBAN_LENGTHS[s[:2]]
            and s[2:4].isdigit() and s.isalnum() and iban_mod97(s) == 1)


ABA_PREFIXES = list(range(0, 13)) + list(range(21, 33)) + list(range(61, 73)) + [80]


def aba_ok(s: str) -> bool:
    if not re.fullmatch(r"\d{9}", s) or int(s[:2]) not in ABA_PREFIXES:
        return False
    d = [int(c) for c in s]
    # weights 3-7-1 repeated over the nine digits
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


# Verhoeff (Aadhaar): dihedral group D5 multiplication table, permutation table and inverses.
_VH_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VH_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
         [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
_VH_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_ok(num: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = _VH_D[c][_VH_P[i % 8][int(ch)]]
    return c == 0


def verhoeff_check_digit(num: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = _VH_D[c][_VH_P[(i + 1) % 8][int(ch)]]   # positions shift by one: the check digit is position 0
    return str(_VH_INV[c])


def steuer_id_check_digit(first10: str) -> str:
    # ISO 7064 MOD 11,10 (hybrid system) as used for the German Steuerliche Identifikationsnummer.
    product = 10
    for ch in first10:
        s = (int(ch) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    check = 11 - product
    return "0" if check == 10 else str(check)


def steuer_id_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if not re.fullmatch(r"[1-9]\d{10}", s):
        return False
    counts = collections.Counter(s[:10])
    # digit-repetition rule: exactly one digit occurs twice or three times, all others at most once
    # (so at least one digit 0-9 is missing); a triple must not be three adjacent equal digits.
    multi = [d for d, n in counts.items() if n > 1]
    if len(multi) != 1 or counts[multi[0]] > 3:
        return False
    if counts[multi[0]] == 3 and multi[0] * 3 in s[:10]:
        return False
    return steuer_id_check_digit(s[:10]) == s[10]


def nir_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if not re.fullmatch(r"[12]\d{2}(0[1-9]|1[0-2])(\d{2}|2A|2B)\d{8}", s):
        return False
    body = s[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(s[13:])


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_ok(s: str) -> bool:
    s = s.replace("-", "").replace(" ", "").upper()
    m = re.fullmatch(r"([XYZ]?)(\d{7,8})([A-Z])", s)
    if not m:
        return False
    if m.group(1):
        if len(m.group(2)) != 7:
            return False
        n = int(str("XYZ".index(m.group(1))) + m.group(2))   # NIE: X/Y/Z stand for 0/1/2
    else:
        if len(m.group(2)) != 8:
            return False
        n = int(m.group(2))
    return DNI_LETTERS[n % 23] == m.group(3)


# Codice fiscale check character: characters in odd (1-based) positions map through a fixed table,
# even positions map to their plain value (digit or letter index); the sum mod 26 is the letter.
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6,
                    8, 12, 14, 16, 10, 22, 25, 24, 23]))
_CF_EVEN = {**{str(i): i for i in range(10)}, **{c: i for i, c in enumerate(string.ascii_uppercase)}}


def cf_check_char(first15: str) -> str:
    total = sum(_CF_ODD[c] if i % 2 == 0 else _CF_EVEN[c] for i, c in enumerate(first15))
    return chr(65 + total % 26)


def cf_ok(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]", s)) and cf_check_char(s[:15]) == s[15]


def bsn_ok(s: str) -> bool:
    s = s.replace(".", "").replace(" ", "")
    if not re.fullmatch(r"\d{9}", s) or s == "000000000":
        return False
    # "11-proef": 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11
    total = sum(int(c) * w for c, w in zip(s, [9, 8, 7, 6, 5, 4, 3, 2, -1]))
    return total % 11 == 0


def cpf_digits(nine: str) -> str:
    d = [int(c) for c in nine]
    d1 = (sum(v * w for v, w in zip(d, range(10, 1, -1))) * 10) % 11 % 10
    d.append(d1)
    d2 = (sum(v * w for v, w in zip(d, range(11, 1, -1))) * 10) % 11 % 10
    return f"{d1}{d2}"


def cpf_ok(s: str) -> bool:
    s = re.sub(r"[.\-\s]", "", s)
    return bool(re.fullmatch(r"\d{11}", s)) and len(set(s)) > 1 and cpf_digits(s[:9]) == s[9:]


def aadhaar_ok(s: str) -> bool:
    s = s.replace(" ", "").replace("-", "")
    return bool(re.fullmatch(r"[2-9]\d{11}", s)) and verhoeff_ok(s)


def pan_ok(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]", s))


_CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id_check(first17: str) -> str:
    # ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, remainder -> "10X98765432"
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _CN_W)) % 11]


def cn_id_ok(s: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX]", s)) and cn_id_check(s[:17]) == s[17]


def mynumber_check(first11: str) -> str:
    # Japanese Individual Number: P_n = n-th digit counted from the right of the 11 base digits,
    # Q_n = n+1 for n <= 6, n-5 for n >= 7; check = 0 if sum mod 11 <= 1 else 11 - remainder.
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


def mynumber_ok(s: str) -> bool:
    s = s.replace(" ", "").replace("-", "")
    return bool(re.fullmatch(r"\d{12}", s)) and mynumber_check(s[:11]) == s[11]


def rrn_check(first12: str) -> str:
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return str((11 - sum(int(c) * x for c, x in zip(first12, w)) % 11) % 10)


def rrn_ok(s: str) -> bool:
    s = s.replace("-", "")
    return bool(re.fullmatch(r"\d{6}[1-4]\d{6}", s)) and rrn_check(s[:12]) == s[12]


NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_ok(s: str) -> bool:
    s = s.replace(" ", "")
    m = re.fullmatch(r"([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])\d{6}[A-D]", s)
    return bool(m) and s[:2] not in NINO_BAD_PREFIX


def ssn_ok(s: str) -> bool:
    m = re.fullmatch(r"(\d{3})-?(\d{2})-?(\d{4})", s) or re.fullmatch(r"(\d{3}) (\d{2}) (\d{4})", s)
    if not m:
        return False
    a, g, n = m.groups()
    return a != "000" and a != "666" and int(a) < 900 and g != "00" and n != "0000"


NATIONAL_ID_VALIDATORS = [nino_ok, steuer_id_ok, nir_ok, dni_ok, cf_ok, bsn_ok, cpf_ok, aadhaar_ok, pan_ok,
                          cn_id_ok, mynumber_ok, rrn_ok]

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def github_ok(s: str) -> bool:
    m = re.fullmatch(r"gh[pousr]_([A-Za-z0-9]{30})([A-Za-z0-9]{6})", s)
    if m:
        return base62(zlib.crc32(m.group(1).encode()), 6) == m.group(2)
    return bool(re.fullmatch(r"github_pat_11[A-Z0-9]{20}_[A-Za-z0-9]{59}", s))


def npi_ok(s: str) -> bool:
    # NPI: Luhn over the 10 digits prefixed with 80840
    return bool(re.fullmatch(r"[12]\d{9}", s)) and luhn_ok("80840" + s)


# --------------------------------------------------------------------------------------------
# DER / PEM helpers for PRIVATE_KEY bodies (well-formed structures holding random numbers)
# --------------------------------------------------------------------------------------------

def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return b"\x81" + bytes([n])
    return b"\x82" + n.to_bytes(2, "big")


def der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_len(len(content)) + content


def der_int_bytes(b: bytes) -> bytes:
    b = b.lstrip(b"\x00") or b"\x00"
    if b[0] & 0x80:
        b = b"\x00" + b     # keep INTEGER positive
    return der(0x02, b)


def der_outer_ok(blob: bytes) -> bool:
    """True when blob is one DER SEQUENCE whose declared length matches the data."""
    if len(blob) < 2 or blob[0] != 0x30:
        return False
    n = blob[1]
    if n < 0x80:
        return len(blob) == 2 + n
    k = n & 0x7F
    return len(blob) == 2 + k + int.from_bytes(blob[2:2 + k], "big")


def pem_wrap(b64: str, width: int = 64) -> list[str]:
    return [b64[i:i + width] for i in range(0, len(b64), width)]


# --------------------------------------------------------------------------------------------
# Locale data
# --------------------------------------------------------------------------------------------

LOCALES = ["US", "UK", "DE", "FR", "ES", "IT", "NL", "IN", "BR", "JP", "CN", "KR"]
LOCALE_WEIGHTS = [18, 12, 11, 8, 7, 7, 6, 8, 6, 6, 6, 2]

FIRST = {
    "US": (["James", "Michael", "Robert", "David", "William", "Christopher", "Daniel", "Matthew", "Anthony",
            "Joshua", "Tyler", "Brandon", "Kevin", "Marcus", "Ethan", "DeShawn", "Luis"],
           ["Jennifer", "Jessica", "Ashley", "Emily", "Sarah", "Amanda", "Megan", "Lauren", "Rachel", "Stephanie",
            "Brittany", "Olivia", "Madison", "Keisha", "Maria", "Chloe", "Hannah"]),
    "UK": (["Oliver", "Harry", "George", "Jack", "Charlie", "Thomas", "Oscar", "William", "Alfie", "Callum",
            "Rhys", "Hamish", "Imran", "Declan"],
           ["Amelia", "Olivia", "Isla", "Emily", "Poppy", "Ava", "Isabella", "Sophie", "Charlotte", "Eleanor",
            "Niamh", "Siobhan", "Aisha", "Freya"]),
    "DE": (["Lukas", "Leon", "Finn", "Jonas", "Maximilian", "Felix", "Paul", "Jürgen", "Klaus", "Stefan",
            "Andreas", "Hans-Peter", "Matthias", "Björn", "Uwe", "Tobias"],
           ["Anna", "Lena", "Mia", "Hannah", "Sophie", "Laura", "Katharina", "Sabine", "Ursula", "Jana", "Julia",
            "Annika", "Birgit", "Claudia", "Jördis", "Anke"]),
    "FR": (["Jean", "Pierre", "Louis", "Lucas", "Hugo", "Théo", "Mathieu", "Nicolas", "François", "Jean-Luc",
            "Étienne", "Antoine", "Sébastien", "Yannick"],
           ["Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Sophie", "Élodie", "Amélie", "Anne-Marie",
            "Céline", "Margaux", "Océane", "Hélène"]),
    "ES": (["José", "Antonio", "Manuel", "Francisco", "David", "Javier", "Daniel", "Carlos", "Jesús", "Alejandro",
            "Sergio", "Álvaro", "Íñigo", "Jordi"],
           ["María", "Carmen", "Ana", "Isabel", "Laura", "Lucía", "Cristina", "Marta", "Paula", "Elena", "Raquel",
            "Nuria", "Begoña", "Montserrat"]),
    "IT": (["Marco", "Giuseppe", "Giovanni", "Luca", "Alessandro", "Andrea", "Francesco", "Matteo", "Lorenzo",
            "Davide", "Stefano", "Niccolò"],
           ["Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Federica", "Elisa",
            "Silvia", "Beatrice", "Ilaria"]),
    "NL": (["Daan", "Sem", "Lucas", "Jan", "Pieter", "Bram", "Thijs", "Joost", "Sander", "Ruud", "Wouter",
            "Hendrik"],
           ["Emma", "Julia", "Sophie", "Anouk", "Lotte", "Sanne", "Femke", "Eva", "Marieke", "Ingrid", "Fleur",
            "Noor"]),
    "IN": (["Rahul", "Amit", "Vikram", "Arjun", "Rohan", "Sanjay", "Rajesh", "Suresh", "Karthik", "Aditya",
            "Nikhil", "Pranav", "Harpreet"],
           ["Priya", "Ananya", "Sneha", "Pooja", "Kavya", "Divya", "Meera", "Lakshmi", "Aishwarya", "Neha",
            "Shreya", "Deepika", "Gurpreet"]),
    "BR": (["João", "Pedro", "Lucas", "Gabriel", "Rafael", "Mateus", "Gustavo", "Felipe", "Thiago", "Bruno",
            "Leonardo", "Vinícius"],
           ["Ana", "Maria", "Júlia", "Beatriz", "Larissa", "Camila", "Fernanda", "Letícia", "Mariana", "Gabriela",
            "Aline", "Luana"]),
}
LAST = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
           "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Thompson", "White",
           "Harris", "Clark", "Lewis", "Robinson", "Walker", "Nguyen", "Patel", "Kowalski", "O'Brien", "Washington"],
    "UK": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Robinson", "Wright", "Thompson",
           "Evans", "Walker", "Roberts", "Green", "Hall", "Wood", "Hughes", "Clarke", "O'Connor", "MacDonald",
           "Fitzgerald", "Ahmed", "Khan", "Okafor", "Pritchard"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Zimmermann", "Braun",
           "Krüger", "Hartmann", "Lange", "Weiß", "Köhler", "Yılmaz", "Kowalczyk"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
           "Simon", "Laurent", "Lefèvre", "Michel", "Bertrand", "Roux", "Fournier", "Morel", "Girard", "Mercier",
           "Faure", "Rousseau", "Benali", "N'Diaye"],
    "ES": ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro",
           "Torres", "Domínguez", "Vázquez", "Ibáñez"],
    "IT": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
           "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini", "Rizzo", "Lombardi", "Moretti",
           "D'Angelo", "Fontana"],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
           "Brouwer"],
    "IN": ["Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Reddy", "Iyer", "Nair", "Menon", "Chatterjee",
           "Banerjee", "Das", "Mehta", "Joshi", "Rao", "Pillai", "Desai", "Kulkarni", "D'Souza", "Agarwal"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
           "Costa", "Ribeiro", "Martins", "Carvalho", "Araújo", "Melo", "Barbosa", "Rocha", "Dias", "Nascimento",
           "Conceição"],
}
# CJK names: (native, romanised)
CJK_LAST = {
    "JP": [("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"), ("伊藤", "Ito"),
           ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"), ("加藤", "Kato"),
           ("吉田", "Yoshida"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"), ("井上", "Inoue"), ("木村", "Kimura"),
           ("林", "Hayashi"), ("清水", "Shimizu"), ("森", "Mori"), ("池田", "Ikeda"), ("橋本", "Hashimoto")],
    "CN": [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
           ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"),
           ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("高", "Gao"), ("罗", "Luo")],
    "KR": [("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
           ("조", "Cho"), ("윤", "Yoon")],
}
CJK_FIRST = {
    "JP": ([("翔太", "Shota"), ("大輔", "Daisuke"), ("健太", "Kenta"), ("拓也", "Takuya"), ("蓮", "Ren"),
            ("悠真", "Yuma"), ("直樹", "Naoki"), ("誠", "Makoto"), ("浩", "Hiroshi"), ("隆", "Takashi")],
           [("花子", "Hanako"), ("陽菜", "Hina"), ("結衣", "Yui"), ("さくら", "Sakura"), ("美咲", "Misaki"),
            ("葵", "Aoi"), ("優子", "Yuko"), ("恵", "Megumi"), ("真由美", "Mayumi"), ("彩", "Aya")]),
    "CN": ([("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"),
            ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("晓明", "Xiaoming"), ("浩然", "Haoran")],
           [("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
            ("艳", "Yan"), ("娟", "Juan"), ("秀兰", "Xiulan"), ("霞", "Xia"), ("子涵", "Zihan"), ("欣怡", "Xinyi")]),
    "KR": ([("민준", "Min-jun"), ("지훈", "Ji-hoon"), ("도윤", "Do-yoon"), ("현우", "Hyun-woo")],
           [("서연", "Seo-yeon"), ("하은", "Ha-eun"), ("지민", "Ji-min"), ("수빈", "Su-bin")]),
}

PERSONAL_DOMAINS = {
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "hotmail.com", "comcast.net"],
    "UK": ["gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "sky.com"],
    "DE": ["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de"],
    "FR": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"],
    "ES": ["gmail.com", "hotmail.es", "telefonica.net", "yahoo.es", "outlook.es"],
    "IT": ["libero.it", "virgilio.it", "tiscali.it", "gmail.com", "alice.it"],
    "NL": ["ziggo.nl", "kpnmail.nl", "xs4all.nl", "gmail.com", "hotmail.nl"],
    "IN": ["gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"],
    "BR": ["uol.com.br", "bol.com.br", "terra.com.br", "gmail.com", "hotmail.com"],
    "JP": ["docomo.ne.jp", "yahoo.co.jp", "gmail.com", "ezweb.ne.jp"],
    "CN": ["163.com", "126.com", "sina.com", "gmail.com", "foxmail.com"],
    "KR": ["naver.com", "daum.net", "gmail.com", "kakao.com"],
}
# invented employers (used for work mailboxes, vendors, parties to contracts)
COMPANIES = [
    ("Brightwave Analytics Inc.", "brightwave.io", "US"), ("Helio Logistics LLC", "helio-logistics.com", "US"),
    ("Northwind Traders", "northwind-traders.com", "US"), ("Quillfeather Software", "quillfeather.dev", "US"),
    ("Pemberton & Hale Ltd", "pembertonhale.co.uk", "UK"), ("Ashdown Retail plc", "ashdownretail.co.uk", "UK"),
    ("Kessler Bau GmbH", "kessler-bau.de", "DE"), ("Lindqvist Medizintechnik GmbH", "lindqvist-med.de", "DE"),
    ("Atelier Moreau SARL", "atelier-moreau.fr", "FR"), ("Transports Girard SAS", "girard-transports.fr", "FR"),
    ("Construcciones Ebro S.L.", "ebro-construcciones.es", "ES"), ("Mercatalia S.p.A.", "mercatalia.it", "IT"),
    ("Van Dijk Installatietechniek B.V.", "vandijk-installatie.nl", "NL"), ("Sahyadri Infotech Pvt Ltd", "sahyadri-infotech.in", "IN"),
    ("Cerrado Agro Ltda.", "cerradoagro.com.br", "BR"), ("Kitano Seimitsu K.K.", "kitano-seimitsu.co.jp", "JP"),
    ("Hangzhou Yunfan Technology Co., Ltd.", "yunfan-tech.cn", "CN"), ("Acme Corp", "acme-corp.com", "US"),
    ("Globex Systems", "globex.io", "US"), ("Fjordline Shipping AS", "fjordline-shipping.no", "NO"),
]
# real organisations whose names contain surnames (hard negatives; never labelled)
ORG_NEGATIVES = ["Johnson Controls", "Morgan Stanley", "Goldman Sachs", "Procter & Gamble", "Ernst & Young",
                 "McKinsey & Company", "Johnson & Johnson", "Boehringer Ingelheim", "Ferrero", "Philips",
                 "Tata Consultancy Services", "Mitsubishi Electric", "Deloitte", "Siemens Healthineers",
                 "Thomson Reuters", "Wells Fargo", "Charles Schwab", "Hewlett Packard Enterprise", "Dell Technologies",
                 "Porsche", "Peugeot", "Santander", "Banco Bradesco", "Alibaba Cloud", "Ford Motor Company",
                 "Marks & Spencer", "Sainsbury's", "Lidl", "Walt Disney"]
CITY_NEGATIVES = ["Berlin", "Munich", "London", "Manchester", "Paris", "Lyon", "Madrid", "Barcelona", "Milan",
                  "Rome", "Amsterdam", "Rotterdam", "Bengaluru", "Mumbai", "São Paulo", "Tokyo", "Osaka",
                  "Shanghai", "Shenzhen", "Seattle", "Austin", "Chicago", "Dublin", "Lisbon", "Singapore"]

US_STREETS = ["Maple Avenue", "Oak Street", "Washington Blvd", "Lakeview Drive", "Pine Ridge Road", "Elm Court",
              "Sunset Boulevard", "Main Street", "Cedar Lane", "Highland Ave", "Willow Creek Dr", "Park Place",
              "W 34th St", "Magnolia Way", "Riverside Drive"]
US_CITIES = [("Springfield", "IL", "62704"), ("Austin", "TX", "78704"), ("Portland", "OR", "97205"),
             ("Denver", "CO", "80203"), ("Columbus", "OH", "43215"), ("Raleigh", "NC", "27601"),
             ("San Jose", "CA", "95112"), ("Brooklyn", "NY", "11215"), ("Seattle", "WA", "98109"),
             ("Tampa", "FL", "33602"), ("Phoenix", "AZ", "85004"), ("Boston", "MA", "02116"),
             ("Atlanta", "GA", "30309"), ("Minneapolis", "MN", "55403"), ("Nashville", "TN", "37203")]
UK_STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Kingsway",
              "Mill Lane", "Queen's Road", "Albert Street", "Meadow Close", "The Crescent", "Manor Way"]
UK_TOWNS = [("London", "N1 9GU"), ("Manchester", "M4 1HQ"), ("Leeds", "LS1 4DY"), ("Bristol", "BS1 5TR"),
            ("Sheffield", "S10 2TN"), ("Edinburgh", "EH3 9DR"), ("Cardiff", "CF10 1EP"), ("Birmingham", "B15 2TT"),
            ("Glasgow", "G2 4JR"), ("Oxford", "OX4 1AW"), ("Cambridge", "CB2 1TN"), ("Brighton", "BN1 3XE"),
            ("York", "YO1 7HH"), ("Reading", "RG1 3EU")]
DE_STREETS = ["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße", "Lindenallee", "Am Markt",
              "Kirchweg", "Friedrichstraße", "Berliner Straße", "Mozartstraße", "Gartenstraße", "Sonnenweg"]
DE_CITIES = [("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("20095", "Hamburg"),
             ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("04109", "Leipzig"), ("40213", "Düsseldorf"),
             ("28195", "Bremen"), ("01067", "Dresden"), ("90402", "Nürnberg"), ("69117", "Heidelberg")]
FR_STREETS = ["rue de la République", "avenue Victor Hugo", "boulevard Haussmann", "rue des Lilas",
              "place Bellecour", "rue du Faubourg Saint-Antoine", "allée des Tilleuls", "chemin des Vignes",
              "rue Sainte-Catherine", "quai de la Loire"]
FR_CITIES = [("75011", "Paris"), ("69002", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"),
             ("33000", "Bordeaux"), ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"),
             ("06000", "Nice"), ("35000", "Rennes")]
ES_STREETS = ["Calle Mayor", "Avenida de la Constitución", "Calle de Alcalá", "Paseo de Gracia", "Calle Sierpes",
              "Gran Vía", "Calle Larios", "Avenida Diagonal", "Calle de Serrano", "Plaza del Pilar"]
ES_CITIES = [("28013", "Madrid"), ("08007", "Barcelona"), ("41004", "Sevilla"), ("46002", "Valencia"),
             ("29005", "Málaga"), ("48001", "Bilbao"), ("50001", "Zaragoza")]
IT_STREETS = ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele II", "Via Dante", "Piazza del Duomo",
              "Via Mazzini", "Viale Monza", "Via dei Mille", "Via Toledo", "Borgo San Frediano"]
IT_CITIES = [("00184", "Roma", "RM", "H501"), ("20121", "Milano", "MI", "F205"), ("80132", "Napoli", "NA", "F839"),
             ("10123", "Torino", "TO", "L219"), ("50122", "Firenze", "FI", "D612"), ("40126", "Bologna", "BO", "A944"),
             ("30121", "Venezia", "VE", "L736"), ("90133", "Palermo", "PA", "G273")]
NL_STREETS = ["Keizersgracht", "Prinsengracht", "Damrak", "Kalverstraat", "Oudegracht", "Coolsingel",
              "Stationsplein", "Lange Voorhout", "Vismarkt", "Herengracht", "Dorpsstraat"]
NL_CITIES = [("1015 CJ", "Amsterdam"), ("3511 AB", "Utrecht"), ("3011 AD", "Rotterdam"), ("2514 EA", "Den Haag"),
             ("9711 LM", "Groningen"), ("5611 AZ", "Eindhoven"), ("2311 EZ", "Leiden")]
IN_LINES = ["Sai Residency, 12th Main Road, Indiranagar", "Lotus Apartments, Linking Road, Bandra West",
            "Green Park Extension", "Prestige Shantiniketan, Whitefield", "Shanti Nagar, Banjara Hills",
            "Koregaon Park, Lane 5", "Salt Lake Sector V", "Anna Nagar West, 3rd Avenue"]
IN_CITIES = [("Bengaluru", "Karnataka", "560038"), ("Mumbai", "Maharashtra", "400050"),
             ("New Delhi", "Delhi", "110016"), ("Chennai", "Tamil Nadu", "600040"),
             ("Hyderabad", "Telangana", "500034"), ("Pune", "Maharashtra", "411001"),
             ("Kolkata", "West Bengal", "700091")]
BR_STREETS = ["Rua das Flores", "Avenida Paulista", "Rua Augusta", "Avenida Atlântica", "Rua XV de Novembro",
              "Rua da Consolação", "Avenida Brasil", "Rua Oscar Freire"]
BR_CITIES = [("São Paulo", "SP", "01310-100", "Bela Vista"), ("Rio de Janeiro", "RJ", "22021-001", "Copacabana"),
             ("Belo Horizonte", "MG", "30130-010", "Centro"), ("Curitiba", "PR", "80020-310", "Centro"),
             ("Porto Alegre", "RS", "90010-150", "Centro Histórico"), ("Salvador", "BA", "40020-000", "Comércio"),
             ("Recife", "PE", "50030-230", "Boa Vista")]
JP_PLACES = [("東京都", "渋谷区", "渋谷", "150-0002", "Shibuya", "Shibuya-ku", "Tokyo"),
             ("東京都", "新宿区", "西新宿", "160-0023", "Nishi-Shinjuku", "Shinjuku-ku", "Tokyo"),
             ("大阪府", "大阪市北区", "梅田", "530-0001", "Umeda", "Kita-ku", "Osaka"),
             ("京都府", "京都市中京区", "河原町", "604-8005", "Kawaramachi", "Nakagyo-ku", "Kyoto"),
             ("神奈川県", "横浜市西区", "みなとみらい", "220-0012", "Minatomirai", "Nishi-ku", "Yokohama"),
             ("愛知県", "名古屋市中村区", "名駅", "450-0002", "Meieki", "Nakamura-ku", "Nagoya"),
             ("福岡県", "福岡市博多区", "博多駅前", "812-0011", "Hakataekimae", "Hakata-ku", "Fukuoka")]
CN_PLACES = [("北京市", "朝阳区", "建国路", "100022", "Jianguo Road", "Chaoyang District", "Beijing", "110105"),
             ("上海市", "浦东新区", "世纪大道", "200120", "Century Avenue", "Pudong New Area", "Shanghai", "310115"),
             ("广东省深圳市", "南山区", "科技园路", "518057", "Kejiyuan Road", "Nanshan District", "Shenzhen", "440305"),
             ("广东省广州市", "天河区", "天河路", "510620", "Tianhe Road", "Tianhe District", "Guangzhou", "440106"),
             ("浙江省杭州市", "西湖区", "文三路", "310012", "Wensan Road", "Xihu District", "Hangzhou", "330106"),
             ("四川省成都市", "武侯区", "人民南路", "610041", "Renmin South Road", "Wuhou District", "Chengdu", "510107")]
KR_PLACES = [("서울특별시", "강남구", "테헤란로", "06236", "Teheran-ro", "Gangnam-gu", "Seoul"),
             ("서울특별시", "마포구", "월드컵북로", "03925", "World Cup buk-ro", "Mapo-gu", "Seoul"),
             ("부산광역시", "해운대구", "해운대해변로", "48099", "Haeundaehaebyeon-ro", "Haeundae-gu", "Busan")]

MONTHS = {
    "EN": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "DE": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "FR": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "ES": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "IT": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"],
    "NL": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "PT": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"],
}

CONDITIONS = [
    "type 2 diabetes mellitus", "type 1 diabetes", "essential hypertension", "hypertension",
    "chronic kidney disease stage 3", "major depressive disorder", "generalized anxiety disorder", "asthma",
    "COPD", "atrial fibrillation", "rheumatoid arthritis", "multiple sclerosis", "epilepsy", "HIV",
    "chronic hepatitis C", "stage II breast cancer", "migraine with aura", "Crohn's disease", "bipolar I disorder",
    "PTSD", "hypothyroidism", "community-acquired pneumonia", "obstructive sleep apnea", "ADHD",
    "congestive heart failure", "osteoarthritis of the left knee", "celiac disease", "iron-deficiency anemia",
    "gout", "psoriasis", "endometriosis", "long COVID", "lumbar disc herniation", "ulcerative colitis",
    "alcohol use disorder", "non-Hodgkin lymphoma", "Parkinson's disease", "early-onset Alzheimer's disease",
    "gestational diabetes", "postpartum depression", "sickle cell disease", "cystic fibrosis",
]
CONDITIONS_LOCAL = {
    "DE": ["Diabetes mellitus Typ 2", "arterielle Hypertonie", "Asthma bronchiale", "Depression", "Bandscheibenvorfall L4/L5"],
    "FR": ["diabète de type 2", "hypertension artérielle", "asthme", "insuffisance cardiaque", "dépression sévère"],
    "ES": ["diabetes tipo 2", "hipertensión arterial", "asma", "trastorno de ansiedad generalizada"],
    "IT": ["diabete mellito di tipo 2", "ipertensione arteriosa", "asma bronchiale", "fibrillazione atriale"],
}
MEDICATIONS = ["metformin 500 mg BID", "lisinopril 10 mg daily", "atorvastatin 20 mg", "sertraline 50 mg",
               "albuterol inhaler PRN", "levothyroxine 75 mcg", "apixaban 5 mg BID", "omeprazole 20 mg",
               "amoxicillin 875 mg BID x 7 days", "insulin glargine 18 units qHS", "ibuprofen 400 mg PRN"]
ICD10 = ["E11.9", "I10", "J45.909", "F32.1", "N18.3", "M54.5", "K50.90", "F41.1", "I48.91", "M17.12", "J18.9",
         "G43.109", "E03.9", "Z00.00", "R51.9"]
BANKS_BIC = {
    "DE": ["DEUTDEFF", "COBADEFFXXX", "INGDDEFFXXX", "BYLADEMM", "GENODEF1S04"],
    "UK": ["BARCGB22", "HBUKGB4B", "NWBKGB2L", "LOYDGB2LXXX", "MIDLGB22"],
    "FR": ["BNPAFRPP", "SOGEFRPP", "CRLYFRPP", "AGRIFRPPXXX"],
    "ES": ["BSCHESMM", "CAIXESBBXXX", "BBVAESMM"],
    "IT": ["UNCRITMM", "BCITITMM", "BPMOIT22XXX"],
    "NL": ["INGBNL2A", "ABNANL2A", "RABONL2U", "TRIONL2U"],
    "US": ["CHASUS33", "BOFAUS3N", "CITIUS33", "WFBIUS6S"],
    "IN": ["SBININBB", "HDFCINBB", "ICICINBBCTS"],
    "BR": ["ITAUBRSP", "BRASBRRJ", "BRADBRSP"],
    "JP": ["BOTKJPJT", "MHCBJPJT", "SMBCJPJT"],
    "CN": ["BKCHCNBJ", "ICBKCNBJ", "PCBCCNBJ"],
    "CH": ["UBSWCHZH80A", "CRESCHZZ80A"], "BE": ["GEBABEBB", "KREDBEBB"], "AT": ["BKAUATWW", "RZBAATWW"],
    "IE": ["AIBKIE2D", "BOFIIE2D"], "PT": ["CGDIPTPL", "BCOMPTPL"], "PL": ["PKOPPLPW", "BPKOPLPW"],
    "SE": ["ESSESESS", "HANDSESS"], "DK": ["DABADKKK", "NDEADKKK"], "NO": ["DNBANOKK", "NDEANOKK"],
    "FI": ["NDEAFIHH", "OKOYFIHH"], "LU": ["BCEELULL", "BGLLLULL"],
}
IBAN_COUNTRY_OF = {"DE": "DE", "UK": "GB", "FR": "FR", "ES": "ES", "IT": "IT", "NL": "NL", "BR": "BR"}


def ascii_fold(s: str) -> str:
    """Jürgen -> Jurgen, Weiß -> Weiss, N'Diaye -> NDiaye (for mailbox local parts and ID codes)."""
    s = s.replace("ß", "ss").replace("ø", "o").replace("ı", "i").replace("ł", "l")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and (c.isalnum() or c in " -"))


@dataclass
class Person:
    loc: str
    gender: str            # "M" / "F"
    first: str             # as displayed (native script for CJK when native=True)
    last: str
    first_ascii: str
    last_ascii: str
    native: bool
    dob: tuple             # (y, m, d)
    cjk_sep: str = ""

    @property
    def full(self) -> str:
        if self.native:
            return self.last + self.cjk_sep + self.first      # family name first, e.g. 佐藤 花子 / 王伟
        return f"{self.first} {self.last}"

    @property
    def upper_full(self) -> str:
        return f"{self.last_ascii.upper()} {self.first_ascii.upper()}" if self.native else self.full.upper()


CJK = ("JP", "CN", "KR")


class Gen:
    """All value generators; every bit of randomness comes from self.r."""

    def __init__(self, seed: int):
        self.r = Random(seed)
        self.secret_deck: list[str] = []

    # ---- random primitives -------------------------------------------------------------------
    def ch(self, seq):
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def rs(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def digits(self, n: int) -> str:
        return self.rs(string.digits, n)

    def pat(self, pattern: str) -> str:
        """# -> digit, N -> digit 2-9, A -> upper letter, a -> lower letter, X -> upper alnum; rest literal."""
        out = []
        for c in pattern:
            out.append({"#": lambda: self.ch(string.digits), "N": lambda: self.ch("23456789"),
                        "A": lambda: self.ch(string.ascii_uppercase), "a": lambda: self.ch(string.ascii_lowercase),
                        "X": lambda: self.ch(string.ascii_uppercase + string.digits)}.get(c, lambda c=c: c)())
        return "".join(out)

    def hexs(self, n: int) -> str:
        return self.rs("0123456789abcdef", n)

    def b62(self, n: int) -> str:
        return self.rs(B62, n)

    def b64url(self, n: int) -> str:
        return self.rs(string.ascii_letters + string.digits + "-_", n)

    def rbytes(self, n: int) -> bytes:
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def loc(self) -> str:
        return self.r.choices(LOCALES, weights=LOCALE_WEIGHTS)[0]

    def date(self, y0=2019, y1=2025):
        return (self.r.randint(y0, y1), self.r.randint(1, 12), self.r.randint(1, 28))

    # ---- people ------------------------------------------------------------------------------
    def person(self, loc: str | None = None, gender: str | None = None, native: bool | None = None) -> Person:
        loc = loc or self.loc()
        gender = gender or self.ch("MF")
        dob = (self.r.randint(1948, 2004), self.r.randint(1, 12), self.r.randint(1, 28))
        gi = 0 if gender == "M" else 1
        if loc in CJK:
            fn, fa = self.ch(CJK_FIRST[loc][gi])
            ln, la = self.ch(CJK_LAST[loc])
            nat = self.chance(0.6) if native is None else native
            if nat:
                return Person(loc, gender, fn, ln, fa, la, True, dob, cjk_sep=" " if loc == "JP" and self.chance(0.6) else "")
            return Person(loc, gender, fa, la, fa, la, False, dob)
        fn = self.ch(FIRST[loc][gi])
        ln = self.ch(LAST[loc])
        if loc == "ES" and self.chance(0.5):
            ln = ln + " " + self.ch([x for x in LAST["ES"] if x != ln])     # two surnames
        return Person(loc, gender, fn, ln, ascii_fold(fn), ascii_fold(ln), False, dob)

    def email(self, p: Person, domain: str | None = None) -> str:
        f = ascii_fold(p.first_ascii).lower().replace(" ", "")
        l = ascii_fold(p.last_ascii).lower().replace(" ", "").replace("'", "")
        if domain is None and p.loc == "CN" and self.chance(0.3):
            return f"{self.r.randint(10000000, 3999999999)}@qq.com"
        dom = domain or self.ch(PERSONAL_DOMAINS[p.loc])
        yy = str(p.dob[0])[2:]
        local = self.ch([f"{f}.{l}", f"{f[0]}.{l}", f"{f}{l}", f"{f}_{l}", f"{f}.{l}{self.r.randint(1, 99)}",
                         f"{f[0]}{l}", f"{l}.{f}", f"{f}{yy}", f"{f}.{l}{yy}"] if domain is None else
                        [f"{f}.{l}", f"{f[0]}.{l}", f"{f[0]}{l}", f"{f}", f"{f}.{l}"])
        return f"{local}@{dom}"

    def work_email(self, p: Person, company=None) -> str:
        company = company or self.ch(COMPANIES)
        return self.email(p, company[1])

    # ---- phones ------------------------------------------------------------------------------
    PHONE_PATTERNS = {
        "US": ["(@) N##-####", "@-N##-####", "@.N##.####", "+1 @-N##-####", "+1 (@) N##-####", "+1-@-N##-####x#####",
               "(@) N##-#### ext. ###", "1-@-N##-####", "+1@N######", "@ N## ####"],
        "UK": ["020 7### ####", "+44 20 7### ####", "07### ######", "+44 7### ######", "(0114) 4######",
               "0161 ### ####", "+44 (0)161 ### ####", "01632 ######", "+447#########", "0131 ### #### ext 2##"],
        "DE": ["030 ########", "+49 30 ########", "+49 (0)89 #######", "+49(0)7483######", "0151 ########",
               "+49 151 #### ####", "089/#######", "0221 ####-2##", "+49 40 ### ###-##", "0176-########"],
        "FR": ["01 ## ## ## ##", "+33 1 ## ## ## ##", "06 ## ## ## ##", "+33 6 ## ## ## ##", "04.##.##.##.##",
               "+33 (0)4 ## ## ## ##", "07 ## ## ## ##", "+337########"],
        "ES": ["91# ### ###", "+34 91# ### ###", "6## ## ## ##", "+34 6########", "93 ### ## ##", "+34 954 ## ## ##"],
        "IT": ["06 #### ####", "+39 02 #### ####", "3## ### ####", "+39 3## #######", "055 ######",
               "+39 011 ### ####"],
        "NL": ["020-#######", "+31 20 ### ####", "06-########", "+31 6 ########", "+31 (0)10 ### ####",
               "030 ### ####", "+316########"],
        "IN": ["+91 9#### #####", "09#### #####", "+91-80-####-####", "9#########", "+91 22 #### ####",
               "+91 7#########", "080-2### ####"],
        "BR": ["(11) 9####-####", "+55 11 9####-####", "+55 (21) 3###-####", "(21) 3###-####", "+5511 9########",
               "(31) 9 ####-####"],
        "JP": ["03-####-####", "+81 3-####-####", "090-####-####", "080-####-####", "+81 90-####-####",
               "06-####-####", "+81-80-####-####", "0120-###-###"],
        "CN": ["13# #### ####", "+86 13# #### ####", "010-#### ####", "+86 10 #### ####", "18#########",
               "021-########", "+86 186 #### ####", "(0755) ########"],
        "KR": ["010-####-####", "+82 10-####-####", "02-###-####", "+82 2-####-####"],
    }
    US_AREAS = ["212", "312", "415", "503", "512", "617", "646", "702", "713", "720", "206", "305", "404", "615",
                "919", "636", "773", "818", "470", "929"]

    def phone(self, loc: str | None = None, pattern: str | None = None) -> str:
        loc = loc or self.loc()
        p = pattern or self.ch(self.PHONE_PATTERNS[loc])
        p = p.replace("@", self.ch(self.US_AREAS))
        s = self.pat(p)
        if loc == "US" and "555" in s[:9]:
            return self.phone(loc, pattern)
        return s

    # ---- addresses ---------------------------------------------------------------------------
    def address(self, loc: str | None = None, oneline: bool | None = None) -> str:
        """A postal address (street line through city and postcode); multi-line unless oneline."""
        loc = loc or self.loc()
        r = self.r
        if loc == "US":
            city, st, z = self.ch(US_CITIES)
            unit = self.ch(["", "", f", Apt {r.randint(1, 30)}{self.ch('ABCD')}", f" Suite {r.randint(100, 900)}",
                            f" #{r.randint(2, 40)}", f", Unit {r.randint(1, 99)}"])
            lines = [f"{r.randint(1, 9999)} {self.ch(US_STREETS)}{unit}", f"{city}, {st} {z}"]
        elif loc == "UK":
            town, pc = self.ch(UK_TOWNS)
            first = self.ch(["", "", f"Flat {r.randint(1, 24)}, ", "The Old Rectory, "])
            lines = [f"{first}{r.randint(1, 220)} {self.ch(UK_STREETS)}", town, pc]
            if self.chance(0.4):
                lines = [lines[0], f"{town} {pc}"]
        elif loc == "DE":
            plz, city = self.ch(DE_CITIES)
            lines = [f"{self.ch(DE_STREETS)} {r.randint(1, 180)}{self.ch(['', '', 'a', 'b'])}", f"{plz} {city}"]
            if self.chance(0.15):
                lines.insert(0, self.ch(["Hinterhaus, 3. OG", "Wohnung 12", "2. Etage links"]))
        elif loc == "FR":
            cp, city = self.ch(FR_CITIES)
            lines = [f"{r.randint(1, 140)}{self.ch(['', '', ' bis', ' ter'])} {self.ch(FR_STREETS)}", f"{cp} {city}"]
            if self.chance(0.25):
                lines.insert(0, f"Appartement {r.randint(1, 60)}, Bâtiment {self.ch('ABCD')}")
        elif loc == "ES":
            cp, city = self.ch(ES_CITIES)
            street = self.ch(ES_STREETS)
            lines = [self.ch([f"{street}, {r.randint(1, 200)}, {r.randint(1, 9)}º {self.ch('ABCD')}",
                              f"{street.replace('Calle de ', 'C/ ').replace('Calle ', 'C/ ')} {r.randint(1, 200)}, {r.randint(1, 9)}º izq.",
                              f"{street} {r.randint(1, 200)}"]), f"{cp} {city}"]
        elif loc == "IT":
            cap, city, prov, _ = self.ch(IT_CITIES)
            lines = [f"{self.ch(IT_STREETS)} {r.randint(1, 150)}", self.ch([f"{cap} {city} ({prov})", f"{cap} {city} {prov}"])]
            if self.chance(0.3):
                lines = [f"{self.ch(IT_STREETS)}, {r.randint(1, 150)} - {cap} {city} {prov}"]
        elif loc == "NL":
            pc, city = self.ch(NL_CITIES)
            lines = [f"{self.ch(NL_STREETS)} {r.randint(1, 400)}{self.ch(['', '', '-II', 'A', ' hs'])}", f"{pc} {city}"]
        elif loc == "IN":
            city, state, pin = self.ch(IN_CITIES)
            line = self.ch(IN_LINES)
            lines = self.ch([[f"Flat {r.randint(101, 1204)}, {line}", f"{city}, {state} {pin}"],
                             [f"{r.randint(1, 300)}, {line}", f"{city} - {pin}"],
                             [f"House No. {r.randint(1, 90)}/{r.randint(1, 9)}, {line}", city, f"{state} - {pin}"]])
        elif loc == "BR":
            city, uf, cep, bairro = self.ch(BR_CITIES)
            street = self.ch(BR_STREETS)
            lines = self.ch([[f"{street}, {r.randint(10, 3000)}, Apto {r.randint(11, 180)} - {bairro}", f"{city} - {uf}, {cep}"],
                             [f"{street}, {r.randint(10, 3000)}", f"{bairro}, {city}/{uf}", cep],
                             [f"{street.replace('Avenida', 'Av.')}, {r.randint(10, 3000)} - {bairro}, {city} - {uf}, {cep}"]])
        elif loc == "JP":
            pref, ward, town, pc, t_r, w_r, c_r = self.ch(JP_PLACES)
            a, b, c = r.randint(1, 9), r.randint(1, 30), r.randint(1, 20)
            if self.chance(0.6):
                bld = self.ch(["", f" {self.ch(['グランドメゾン', 'パークハイツ', 'サンシャイン'])}{r.randint(101, 1208)}号室"])
                lines = self.ch([[f"〒{pc}", f"{pref}{ward}{town}{a}-{b}-{c}{bld}"], [f"〒{pc} {pref}{ward}{town}{a}丁目{b}-{c}{bld}"]])
            else:
                lines = [f"{a}-{b}-{c} {t_r}, {w_r}", f"{c_r} {pc}"]
        elif loc == "CN":
            prov, dist, road, pc, road_r, dist_r, city_r, _ = self.ch(CN_PLACES)
            n, bd, rm = r.randint(1, 999), r.randint(1, 12), r.randint(101, 2808)
            if self.chance(0.6):
                lines = [f"{prov}{dist}{road}{n}号{bd}号楼{rm}室" + self.ch(["", f" {pc}"])]
            else:
                lines = [f"Room {rm}, Building {bd}, No. {n} {road_r}", f"{dist_r}, {city_r} {pc}"]
        else:  # KR
            city, gu, road, pc, road_r, gu_r, city_r = self.ch(KR_PLACES)
            n = r.randint(1, 500)
            lines = self.ch([[f"{pc} {city} {gu} {road} {n}"], [f"{n} {road_r}, {gu_r}", f"{city_r} {pc}"]])
        if oneline is None:
            oneline = self.chance(0.4)
        if oneline:
            return (" " if lines[0].startswith("〒") else ", ").join(lines)
        return "\n".join(lines)

    def street_parts(self, loc: str) -> tuple[str, str, str]:
        """(street line, city, postcode) for structured records; only the street line is labelled."""
        r = self.r
        if loc == "US":
            city, st, z = self.ch(US_CITIES)
            return f"{r.randint(1, 9999)} {self.ch(US_STREETS)}", f"{city}, {st}", z
        if loc == "UK":
            town, pc = self.ch(UK_TOWNS)
            return f"{r.randint(1, 220)} {self.ch(UK_STREETS)}", town, pc
        if loc == "DE":
            plz, city = self.ch(DE_CITIES)
            return f"{self.ch(DE_STREETS)} {r.randint(1, 180)}", city, plz
        if loc == "FR":
            cp, city = self.ch(FR_CITIES)
            return f"{r.randint(1, 140)} {self.ch(FR_STREETS)}", city, cp
        if loc == "ES":
            cp, city = self.ch(ES_CITIES)
            return f"{self.ch(ES_STREETS)}, {r.randint(1, 200)}", city, cp
        if loc == "IT":
            cap, city, _, _ = self.ch(IT_CITIES)
            return f"{self.ch(IT_STREETS)} {r.randint(1, 150)}", city, cap
        if loc == "NL":
            pc, city = self.ch(NL_CITIES)
            return f"{self.ch(NL_STREETS)} {r.randint(1, 400)}", city, pc
        if loc == "IN":
            city, _, pin = self.ch(IN_CITIES)
            return f"Flat {r.randint(101, 1204)}, {self.ch(IN_LINES)}", city, pin
        if loc == "BR":
            city, _, cep, _ = self.ch(BR_CITIES)
            return f"{self.ch(BR_STREETS)}, {r.randint(10, 3000)}", city, cep
        if loc == "JP":
            _, _, _, pc, t_r, w_r, c_r = self.ch(JP_PLACES)
            return f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 20)} {t_r}, {w_r}", c_r, pc
        if loc == "CN":
            _, _, _, pc, road_r, dist_r, city_r, _ = self.ch(CN_PLACES)
            return f"No. {r.randint(1, 999)} {road_r}, {dist_r}", city_r, pc
        _, _, _, pc, road_r, gu_r, city_r = self.ch(KR_PLACES)
        return f"{r.randint(1, 500)} {road_r}, {gu_r}", city_r, pc

    # ---- dates -------------------------------------------------------------------------------
    def fmt_date(self, d: tuple, loc: str = "US", style: str | None = None) -> str:
        y, m, dd = d
        opts = {
            "US": [f"{m:02d}/{dd:02d}/{y}", f"{MONTHS['EN'][m - 1]} {dd}, {y}", f"{y}-{m:02d}-{dd:02d}", f"{m}/{dd}/{y}"],
            "UK": [f"{dd:02d}/{m:02d}/{y}", f"{dd} {MONTHS['EN'][m - 1]} {y}", f"{dd} {MONTHS['EN'][m - 1][:3]} {y}"],
            "DE": [f"{dd:02d}.{m:02d}.{y}", f"{dd}. {MONTHS['DE'][m - 1]} {y}", f"{dd}.{m}.{y}"],
            "FR": [f"{dd:02d}/{m:02d}/{y}", f"{dd} {MONTHS['FR'][m - 1]} {y}"],
            "ES": [f"{dd:02d}/{m:02d}/{y}", f"{dd} de {MONTHS['ES'][m - 1]} de {y}"],
            "IT": [f"{dd:02d}/{m:02d}/{y}", f"{dd} {MONTHS['IT'][m - 1]} {y}"],
            "NL": [f"{dd:02d}-{m:02d}-{y}", f"{dd} {MONTHS['NL'][m - 1]} {y}"],
            "IN": [f"{dd:02d}/{m:02d}/{y}", f"{dd:02d}-{m:02d}-{y}", f"{dd} {MONTHS['EN'][m - 1][:3]} {y}"],
            "BR": [f"{dd:02d}/{m:02d}/{y}", f"{dd} de {MONTHS['PT'][m - 1]} de {y}"],
            "JP": [f"{y}年{m}月{dd}日", f"{y}/{m:02d}/{dd:02d}"],
            "CN": [f"{y}年{m}月{dd}日", f"{y}-{m:02d}-{dd:02d}"],
            "KR": [f"{y}.{m:02d}.{dd:02d}", f"{y}년 {m}월 {dd}일"],
        }
        if style == "iso":
            return f"{y}-{m:02d}-{dd:02d}"
        if style == "apis":      # DDMMMYY as on airline manifests
            return f"{dd:02d}{MONTHS['EN'][m - 1][:3].upper()}{str(y)[2:]}"
        return self.ch(opts.get(loc, opts["US"]))

    # ---- government identifiers ----------------------------------------------------------------
    def ssn(self, dashed: bool | None = None) -> str:
        area = self.r.choice([a for a in range(1, 900) if a != 666])
        s = (f"{area:03d}", f"{self.r.randint(1, 99):02d}", f"{self.r.randint(1, 9999):04d}")
        if dashed is None:
            dashed = self.chance(0.8)
        return "-".join(s) if dashed else "".join(s)

    def nino(self) -> str:
        while True:
            pre = self.ch("ABCEGHJKLMNOPRSTWXYZ") + self.ch("ABCEGHJKLMNPRSTWXYZ")
            if pre not in NINO_BAD_PREFIX:
                break
        d = self.digits(6)
        suf = self.ch("ABCD")
        return self.ch([f"{pre}{d}{suf}", f"{pre} {d[:2]} {d[2:4]} {d[4:]} {suf}"])

    def steuer_id(self) -> str:
        while True:
            ds = list("0123456789")
            self.r.shuffle(ds)
            used = ds[:9]                       # one digit is missing ...
            body = used + [self.ch(used)]       # ... and one appears twice
            self.r.shuffle(body)
            s = "".join(body)
            if s[0] == "0":
                continue
            s += steuer_id_check_digit(s)
            if steuer_id_ok(s):
                return self.ch([s, f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"])

    def nir(self, p: Person) -> str:
        y, m, _ = p.dob
        dept = self.ch([f"{x:02d}" for x in range(1, 96) if x != 20])
        body = f"{1 if p.gender == 'M' else 2}{str(y)[2:]}{m:02d}{dept}{self.r.randint(1, 990):03d}{self.r.randint(1, 999):03d}"
        key = 97 - int(body) % 97
        s = f"{body}{key:02d}"
        return self.ch([s, f"{s[0]} {s[1:3]} {s[3:5]} {s[5:7]} {s[7:10]} {s[10:13]} {s[13:]}"])

    def dni(self) -> str:
        if self.chance(0.25):
            pre = self.ch("XYZ")
            n = self.digits(7)
            return f"{pre}{n}{DNI_LETTERS[int(str('XYZ'.index(pre)) + n) % 23]}"
        n = f"{self.r.randint(1000000, 99999999):08d}"
        return self.ch([f"{n}{DNI_LETTERS[int(n) % 23]}", f"{n}-{DNI_LETTERS[int(n) % 23]}"])

    def codice_fiscale(self, p: Person) -> str:
        def code(name: str, is_first: bool) -> str:
            s = ascii_fold(name).upper().replace(" ", "").replace("-", "").replace("'", "")
            cons = [c for c in s if c not in "AEIOU"]
            vows = [c for c in s if c in "AEIOU"]
            if is_first and len(cons) >= 4:
                cons = [cons[0], cons[2], cons[3]]     # first names with 4+ consonants skip the second one
            return ("".join(cons + vows) + "XXX")[:3]
        y, m, d = p.dob
        day = d + (40 if p.gender == "F" else 0)
        comune = self.ch(IT_CITIES)[3]
        s = f"{code(p.last_ascii, False)}{code(p.first_ascii, True)}{str(y)[2:]}{'ABCDEHLMPRST'[m - 1]}{day:02d}{comune}"
        return s + cf_check_char(s)

    def bsn(self) -> str:
        while True:
            d = self.digits(8)
            if d[0] == "0":
                continue
            total = sum(int(c) * w for c, w in zip(d, [9, 8, 7, 6, 5, 4, 3, 2]))
            last = total % 11               # 11-proof: the weighted sum minus the last digit must be 0 mod 11
            if last < 10:
                s = d + str(last)
                return self.ch([s, s, f"{s[:4]}.{s[4:6]}.{s[6:]}"])

    def cpf(self) -> str:
        while True:
            n = self.digits(9)
            if len(set(n)) > 1:
                break
        s = n + cpf_digits(n)
        return self.ch([f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}", f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}", s])

    def aadhaar(self) -> str:
        n = self.ch("23456789") + self.digits(10)
        s = n + verhoeff_check_digit(n)
        return self.ch([f"{s[:4]} {s[4:8]} {s[8:]}", s, f"{s[:4]}-{s[4:8]}-{s[8:]}"])

    def pan(self, p: Person | None = None) -> str:
        init = ascii_fold(p.last_ascii)[0].upper() if p else self.ch(string.ascii_uppercase)
        kind = "P" if p else self.ch("PCHFATBLJG")
        return f"{self.rs(string.ascii_uppercase, 3)}{kind}{init}{self.digits(4)}{self.ch(string.ascii_uppercase)}"

    def cn_id(self, p: Person) -> str:
        region = self.ch(CN_PLACES)[7]
        y, m, d = p.dob
        seq = self.r.randint(0, 99) * 10 + self.ch([1, 3, 5, 7, 9] if p.gender == "M" else [0, 2, 4, 6, 8])
        s = f"{region}{y}{m:02d}{d:02d}{seq:03d}"
        return s + cn_id_check(s)

    def my_number(self) -> str:
        n = self.digits(11)
        s = n + mynumber_check(n)
        return self.ch([s, f"{s[:4]} {s[4:8]} {s[8:]}"])

    def rrn(self, p: Person) -> str:
        y, m, d = p.dob
        g = (1 if p.gender == "M" else 2) + (2 if y >= 2000 else 0)
        s = f"{str(y)[2:]}{m:02d}{d:02d}{g}{self.digits(5)}"
        s += rrn_check(s)
        return f"{s[:6]}-{s[6:]}"

    def national_id(self, p: Person) -> tuple[str, str] | None:
        """(label, value) for the person's country; None for the US (SSN is its own type)."""
        loc = p.loc
        if loc == "UK":
            return self.ch(["National Insurance No.", "NI number", "NINO"]), self.nino()
        if loc == "DE":
            return self.ch(["Steuer-ID", "Steuerliche Identifikationsnummer", "Tax ID (Steuer-IdNr.)"]), self.steuer_id()
        if loc == "FR":
            return self.ch(["N° de sécurité sociale", "NIR", "Numéro de sécurité sociale"]), self.nir(p)
        if loc == "ES":
            v = self.dni()
            return ("NIE" if v[0] in "XYZ" else self.ch(["DNI", "DNI/NIF"])), v
        if loc == "IT":
            return self.ch(["Codice fiscale", "C.F.", "Codice Fiscale"]), self.codice_fiscale(p)
        if loc == "NL":
            return self.ch(["BSN", "Burgerservicenummer"]), self.bsn()
        if loc == "BR":
            return "CPF", self.cpf()
        if loc == "IN":
            return self.ch([("Aadhaar", self.aadhaar()), ("Aadhaar No.", self.aadhaar()), ("PAN", self.pan(p))])
        if loc == "CN":
            return self.ch(["身份证号", "Resident ID", "ID card no."]), self.cn_id(p)
        if loc == "JP":
            return self.ch(["マイナンバー", "My Number", "Individual Number"]), self.my_number()
        if loc == "KR":
            return self.ch(["주민등록번호", "RRN"]), self.rrn(p)
        return None

    def passport(self, loc: str) -> str:
        return {
            "US": lambda: self.ch([self.pat("#########"), self.pat("A########")]),
            "UK": lambda: self.pat("#########"),
            "DE": lambda: "C" + self.rs("CFGHJKLMNPRTVWXYZ0123456789", 8),
            "FR": lambda: self.pat("##AA#####"),
            "ES": lambda: self.pat("AAA######"),
            "IT": lambda: self.pat("AA#######"),
            "NL": lambda: self.pat("AA") + self.rs("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 6) + self.pat("#"),
            "IN": lambda: self.ch("JKLMNPRSTUVZ") + self.pat("#######"),
            "BR": lambda: self.pat("AA######"),
            "JP": lambda: self.ch(["TK", "TR", "TZ", "MU", "TH"]) + self.pat("#######"),
            "CN": lambda: self.ch(["E" + self.pat("########"), "EA" + self.pat("#######"), "EH" + self.pat("#######")]),
            "KR": lambda: "M" + self.pat("########"),
        }[loc]()

    def driver_license(self, p: Person) -> tuple[str, str]:
        """(issuer label, licence number) in the person's country format."""
        loc = p.loc
        if loc == "US":
            st, pattern = self.ch([("CA", "A#######"), ("NY", "### ### ###"), ("FL", "A###-###-##-###-#"),
                                   ("TX", "########"), ("IL", "A###-####-####"), ("WA", "WDL#XXXXX##X"),
                                   ("PA", "## ### ###"), ("NJ", "A#### ##### #####"), ("GA", "0########")])
            return st, self.pat(pattern)
        if loc == "UK":
            # DVLA: 5 surname letters (9-padded), decade, month (+50 for women), day, year digit, initials, 9, 2 check chars
            y, m, d = p.dob
            sur = (ascii_fold(p.last_ascii).upper().replace(" ", "").replace("'", "") + "99999")[:5]
            mm = m + (50 if p.gender == "F" else 0)
            ini = (ascii_fold(p.first_ascii)[0].upper() + "9")
            return "DVLA", f"{sur}{str(y)[2]}{mm:02d}{d:02d}{str(y)[3]}{ini}9{self.pat('XX')}"
        pats = {"DE": "A###AA#A##X", "FR": "############", "IT": "AA#######A", "NL": "##########",
                "IN": None, "ES": None, "BR": "###########", "JP": "############", "CN": "##################",
                "KR": "##-##-######-##"}
        if loc == "IN":
            return "RTO", self.ch([f"{self.ch(['MH', 'KA', 'DL', 'TN', 'TS'])}{self.pat('##')} {self.r.randint(2005, 2023)}{self.pat('#######')}",
                                   f"{self.ch(['MH', 'KA', 'DL'])}-{self.pat('##')}{self.r.randint(2005, 2023)}{self.pat('#######')}"])
        if loc == "ES":
            n = f"{self.r.randint(1000000, 99999999):08d}"
            return "DGT", f"{n}{DNI_LETTERS[int(n) % 23]}"
        if loc == "CN":
            return "CN", self.cn_id(p)
        return loc, self.pat(pats[loc])

    # ---- network -----------------------------------------------------------------------------
    PUBLIC_FIRST_OCTETS = [3, 13, 18, 23, 31, 34, 35, 37, 44, 46, 49, 52, 54, 59, 62, 66, 68, 71, 73, 76, 78, 81,
                           85, 88, 91, 94, 96, 98, 101, 103, 104, 106, 109, 110, 113, 117, 121, 124, 142, 151, 176,
                           177, 179, 185, 186, 187, 188, 189, 193, 195, 200, 201, 212, 213, 217]

    def ip_public(self) -> str:
        r = self.r
        return f"{self.ch(self.PUBLIC_FIRST_OCTETS)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def ip_private(self) -> str:
        r = self.r
        return self.ch([f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(2, 254)}",
                        f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(2, 254)}",
                        f"192.168.{r.randint(0, 30)}.{r.randint(2, 254)}"])

    def ipv6(self) -> str:
        pre = self.ch(["2a02:8108", "2a01:4f8", "2600:1f18", "2001:4860", "2a00:1450", "2604:a880", "2406:da18",
                       "2804:14c", "240e:3b7", "2a0c:5a80"])
        groups = [format(self.r.randint(0, 0xFFFF), "x") for _ in range(self.ch([2, 6]))]
        if len(groups) == 2:
            return f"{pre}:{groups[0]}::{groups[1]}"
        return f"{pre}:" + ":".join(groups)

    def ip(self) -> str:
        x = self.r.random()
        return self.ip_public() if x < 0.6 else self.ip_private() if x < 0.88 else self.ipv6()

    def hostname(self) -> str:
        return self.ch(["db-prod-01.internal", "pg-main.c9xk2ab1cd.eu-west-1.rds.amazonaws.com", "mysql.prod.svc.cluster.local",
                        "redis-master.cache.svc", "cluster0.x7hq2.mongodb.net", "sql-prod-weu.database.windows.net",
                        "rabbitmq.internal.brightwave.io", "orders-db.acme-corp.com", "analytics-replica-2.internal",
                        self.ip_private()])

    # ---- payment data --------------------------------------------------------------------------
    def card(self, brand: str | None = None, fmt: str | None = None) -> str:
        r = self.r
        brand = brand or r.choices(["visa", "mc", "amex", "discover", "jcb", "diners", "unionpay"],
                                   weights=[34, 26, 12, 8, 7, 5, 8])[0]
        if brand == "visa":
            pre, n = "4", 16
        elif brand == "mc":
            pre, n = (str(r.randint(51, 55)) if self.chance(0.7) else str(r.randint(2221, 2720))), 16
        elif brand == "amex":
            pre, n = self.ch(["34", "37"]), 15
        elif brand == "discover":
            pre, n = self.ch(["6011", "65", str(r.randint(644, 649))]), 16
        elif brand == "jcb":
            pre, n = str(r.randint(3528, 3589)), 16
        elif brand == "diners":
            pre, n = self.ch(["36", "38", str(r.randint(300, 305))]), 14
        else:
            pre, n = "62" + self.ch(["", "2", "4", "8"]), self.ch([16, 16, 19])
        body = pre + self.digits(n - len(pre) - 1)
        num = body + luhn_check_digit(body)
        fmt = fmt or self.ch(["space", "space", "dash", "plain", "plain"])
        groups = {15: [4, 6, 5], 14: [4, 6, 4], 16: [4, 4, 4, 4], 19: [4, 4, 4, 4, 3]}[n]
        if fmt == "plain":
            return num
        out, i = [], 0
        for g in groups:
            out.append(num[i:i + g])
            i += g
        return (" " if fmt == "space" else "-").join(out)

    def card_expiry(self) -> str:
        return f"{self.r.randint(1, 12):02d}/{self.r.randint(25, 31)}"

    IBAN_BBAN = {   # n = digit, a = upper letter, c = alnum (mostly digits in practice)
        "DE": "8n10n", "GB": "4a6n8n", "FR": "5n5n11n2n", "ES": "4n4n2n10n", "IT": "1a5n5n12n", "NL": "4a10n",
        "BE": "3n7n2n", "AT": "5n11n", "CH": "5n12n", "IE": "4a6n8n", "PT": "4n4n11n2n", "PL": "8n16n",
        "SE": "3n16n1n", "DK": "4n9n1n", "NO": "4n6n1n", "FI": "6n7n1n", "LU": "3n13n", "BR": "8n5n10n1a1c",
    }
    IBAN_BANKS = {"GB": ["NWBK", "BARC", "HBUK", "LOYD", "MIDL", "MONZ"], "NL": ["INGB", "ABNA", "RABO", "TRIO", "KNAB", "BUNQ"],
                  "IE": ["AIBK", "BOFI", "IPBS"]}

    def iban(self, cc: str | None = None, grouped: bool | None = None) -> str:
        cc = cc or self.r.choices(list(IBAN_LENGTHS), weights=[14, 10, 8, 7, 7, 8, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 3])[0]
        bban = ""
        for cnt, kind in re.findall(r"(\d+)([nac])", self.IBAN_BBAN[cc]):
            cnt = int(cnt)
            if kind == "a":
                bban += self.ch(self.IBAN_BANKS[cc]) if cc in self.IBAN_BANKS and cnt == 4 else self.rs(string.ascii_uppercase, cnt)
            elif kind == "c":
                bban += self.rs(string.ascii_uppercase + string.digits, cnt)
            else:
                bban += self.digits(cnt)
        if cc == "BE":   # Belgian national check: last two digits = first ten mod 97 (97 when 0)
            k = int(bban[:10]) % 97 or 97
            bban = bban[:10] + f"{k:02d}"
        check = 98 - iban_mod97(cc + "00" + bban)
        s = f"{cc}{check:02d}{bban}"
        assert len(s) == IBAN_LENGTHS[cc] and iban_ok(s)
        if grouped is None:
            grouped = self.chance(0.6)
        return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if grouped else s

    def routing(self) -> str:
        pre = self.r.choices(ABA_PREFIXES, weights=[1] + [6] * 12 + [5] * 12 + [1] * 12 + [1])[0]
        s = f"{pre:02d}" + self.digits(6)
        d = [int(c) for c in s]
        partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
        s += str((10 - partial % 10) % 10)
        assert aba_ok(s)
        return s

    def bank_account(self, loc: str) -> str:
        return {
            "US": lambda: self.ch([self.pat("##########"), self.pat("#########"), self.pat("############"), self.pat("00########")]),
            "UK": lambda: self.pat("########"),
            "IN": lambda: self.ch([self.pat("501002########"), self.pat("3#########"), self.pat("0#########"), self.pat("9180########")]),
            "DE": lambda: self.pat("##########"),
            "FR": lambda: self.pat("000########"),
            "ES": lambda: self.pat("##########"),
            "IT": lambda: self.pat("0000########"),
            "NL": lambda: self.pat("##########"),
            "BR": lambda: self.pat("#####-#"),
            "JP": lambda: self.pat("#######"),
            "CN": lambda: self.pat("1100 #### #### ####"),
            "KR": lambda: self.pat("###-######-##-###"),
        }[loc]()

    def bic(self, loc: str) -> str:
        return self.ch(BANKS_BIC.get(loc, BANKS_BIC["DE"]))

    # ---- health --------------------------------------------------------------------------------
    def mrn(self) -> str:
        return self.ch([self.pat("00######"), self.pat("#######"), self.pat("H-#######"), self.pat("MR-#######"),
                        self.pat("E########"), self.pat("10########"), self.pat("A00######"), self.pat("####-####-##")])

    def condition(self, loc: str = "US") -> str:
        if loc in CONDITIONS_LOCAL and self.chance(0.35):
            return self.ch(CONDITIONS_LOCAL[loc])
        return self.ch(CONDITIONS)

    def conditions(self, k: int, loc: str = "US") -> list[str]:
        out: list[str] = []
        while len(out) < k:
            c = self.condition(loc)
            if c not in out:
                out.append(c)
        return out

    # ---- secrets -------------------------------------------------------------------------------
    def aws_access_key(self) -> str:
        return self.ch(["AKIA", "AKIA", "AKIA", "ASIA"]) + self.rs("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)

    def aws_secret_key(self) -> str:
        return self.rs(string.ascii_letters + string.digits + "+/", 40)

    def github_token(self) -> str:
        if self.chance(0.25):
            return "github_pat_11" + self.rs(string.ascii_uppercase + string.digits, 20) + "_" + self.b62(59)
        body = self.b62(30)
        # classic tokens end in the base62 (0-9A-Za-z) encoding of CRC32(body), left-padded with '0' to 6 chars
        return self.ch(["ghp_", "ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + body + base62(zlib.crc32(body.encode()), 6)

    def gitlab_token(self) -> str:
        k = self.ch(["glpat", "glpat", "glpat", "gldt", "glrt", "glptt", "gloas"])
        if k == "glptt":
            return "glptt-" + self.hexs(40)
        if k == "gloas":
            return "gloas-" + self.hexs(64)
        return f"{k}-" + self.rs(string.ascii_letters + string.digits + "_-", 19) + self.b62(1)

    def slack_token(self) -> str:
        k = self.ch(["xoxb", "xoxb", "xoxp", "xapp", "xoxe"])
        if k == "xoxb":
            return f"xoxb-{self.r.randint(10**10, 10**13 - 1)}-{self.r.randint(10**10, 10**13 - 1)}-{self.b62(24)}"
        if k == "xoxp":
            return (f"xoxp-{self.r.randint(10**10, 10**13 - 1)}-{self.r.randint(10**10, 10**13 - 1)}-"
                    f"{self.r.randint(10**10, 10**13 - 1)}-{self.hexs(32)}")
        if k == "xapp":
            return f"xapp-1-A{self.rs(string.ascii_uppercase + string.digits, 10)}-{self.r.randint(10**12, 10**13 - 1)}-{self.hexs(64)}"
        return "xoxe.xoxp-1-Mi0y" + self.b62(self.r.randint(140, 160))

    def slack_webhook(self) -> str:
        up = string.ascii_uppercase + string.digits
        return f"https://hooks.slack.com/services/T{self.rs(up, self.ch([8, 10]))}/B{self.rs(up, self.ch([8, 10]))}/{self.b62(24)}"

    def stripe_key(self) -> str:
        pre = self.r.choices(["sk_live_", "rk_live_", "sk_test_"], weights=[5, 2, 3])[0]
        return pre + (self.b62(24) if self.chance(0.4) else "51" + self.b62(97))

    def openai_key(self) -> str:
        k = self.r.choices(["sk-proj-", "sk-svcacct-", "sk-admin-", "legacy"], weights=[6, 2, 1, 2])[0]
        if k == "legacy":
            return "sk-" + self.b62(20) + "T3BlbkFJ" + self.b62(20)
        n = self.ch([58, 74])
        return k + self.b64url(n) + "T3BlbkFJ" + self.b64url(n)

    def anthropic_key(self) -> str:
        pre = "sk-ant-admin01-" if self.chance(0.15) else "sk-ant-api03-"
        return pre + self.b64url(92) + self.b62(1) + "AA"

    def google_key(self) -> str:
        return "AIzaSy" + self.b64url(32) + self.b62(1)

    def azure_storage_key(self) -> str:
        return base64.b64encode(self.rbytes(64)).decode()    # 64 bytes -> 88 chars ending "=="

    def azure_cog_key(self) -> str:
        return self.hexs(32)

    def azure_entra_secret(self) -> str:
        return (self.rs(string.ascii_letters + string.digits + "_~.", 2) + self.b62(1) + "8Q~"
                + self.rs(string.ascii_letters + string.digits + "_~.-", self.ch([30, 30, 33])) + self.b62(1))

    def b64u_json(self, obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    def jwt(self, p: Person | None = None) -> str:
        alg = self.ch(["HS256", "RS256", "ES256"])
        header = self.ch([{"alg": alg, "typ": "JWT"}, {"typ": "JWT", "alg": alg},
                          {"alg": alg, "typ": "JWT", "kid": self.hexs(16)}])
        iat = self.r.randint(1_700_000_000, 1_760_000_000)
        payload = {"sub": self.ch([str(self.r.randint(10000, 9999999)), self.uuid(), "auth0|" + self.hexs(24)])}
        if p is not None or self.chance(0.5):
            p = p or self.person()
            payload["name"] = p.full
            payload["email"] = self.email(p)
        payload.update(self.ch([{"iat": iat, "exp": iat + 3600}, {"iat": iat}, {"role": "admin", "iat": iat, "exp": iat + 86400},
                                {"iss": "https://auth.brightwave.io/", "aud": "api", "iat": iat, "exp": iat + 900}]))
        sig_len = {"HS256": 32, "RS256": 256, "ES256": 64}[alg]
        sig = base64.urlsafe_b64encode(self.rbytes(sig_len)).decode().rstrip("=")
        return f"{self.b64u_json(header)}.{self.b64u_json(payload)}.{sig}"

    def private_key(self, kind: str | None = None) -> str:
        """A PEM block with a well-formed DER (or openssh-key-v1) body full of random numbers."""
        kind = kind or self.r.choices(["rsa", "pkcs8", "ec", "openssh"], weights=[4, 3, 2, 3])[0]
        if kind in ("rsa", "pkcs8"):
            bits = self.ch([2048, 2048, 1024])
            nb = bits // 8

            def big(n):
                b = bytearray(self.rbytes(n))
                b[0] |= 0x80
                return der_int_bytes(bytes(b))
            rsa = der(0x30, der_int_bytes(b"\x00") + big(nb) + der_int_bytes((65537).to_bytes(3, "big")) + big(nb)
                      + big(nb // 2) + big(nb // 2) + big(nb // 2) + big(nb // 2) + big(nb // 2))
            if kind == "rsa":
                label, blob = "RSA PRIVATE KEY", rsa
            else:
                alg = der(0x30, bytes.fromhex("06092a864886f70d010101") + b"\x05\x00")   # rsaEncryption, NULL
                label, blob = "PRIVATE KEY", der(0x30, der_int_bytes(b"\x00") + alg + der(0x04, rsa))
            width = 64
        elif kind == "ec":
            oid = bytes.fromhex("06082a8648ce3d030107")                                  # prime256v1
            blob = der(0x30, der_int_bytes(b"\x01") + der(0x04, self.rbytes(32)) + der(0xA0, oid)
                       + der(0xA1, der(0x03, b"\x00\x04" + self.rbytes(64))))
            label, width = "EC PRIVATE KEY", 64
        else:
            def sstr(b: bytes) -> bytes:
                return len(b).to_bytes(4, "big") + b
            pub = self.rbytes(32)
            pubblob = sstr(b"ssh-ed25519") + sstr(pub)
            check = self.rbytes(4)
            comment = f"{self.ch(['deploy', 'ci', 'admin', 'jenkins', 'ubuntu'])}@{self.ch(['build-01', 'bastion', 'laptop', 'prod-web-3'])}".encode()
            priv = check + check + sstr(b"ssh-ed25519") + sstr(pub) + sstr(self.rbytes(32) + pub) + sstr(comment)
            priv += bytes(range(1, 1 + (-len(priv)) % 8))
            blob = (b"openssh-key-v1\x00" + sstr(b"none") + sstr(b"none") + sstr(b"") + (1).to_bytes(4, "big")
                    + sstr(pubblob) + sstr(priv))
            label, width = "OPENSSH PRIVATE KEY", 70
        lines = pem_wrap(base64.b64encode(blob).decode(), width)
        return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])

    PW_WORDS = ["Summer", "Winter", "Welcome", "Bayern", "Dragon", "Sunshine", "Monkey", "Rainbow", "Falcon",
                "Tiger", "Autumn", "Spring", "Football", "Galaxy", "Phoenix", "Coffee", "Berlin", "Chelsea",
                "Madrid", "Juventus", "Sakura", "Azerty", "Qwerty"]

    def password(self) -> str:
        style = self.r.choices(["word", "random", "phrase", "leet"], weights=[3, 4, 2, 1])[0]
        if style == "word":
            s = f"{self.ch(self.PW_WORDS)}{self.ch(['', '', '_', '.', '@'])}{self.r.randint(1, 2025)}{self.ch(['!', '?', '*', '', '!!'])}"
        elif style == "random":
            s = self.ch(string.ascii_letters) + self.rs(string.ascii_letters + string.digits + "!%^*-_.+=~@", self.r.randint(10, 22)) + self.ch(string.ascii_letters + string.digits)
        elif style == "phrase":
            words = ["tulip", "granite", "voyage", "orbit", "maple", "cactus", "ember", "harbor", "quartz", "lemon",
                     "pixel", "willow", "copper", "meadow", "rocket", "saffron"]
            s = "-".join(self.ch(words) for _ in range(3)) + f"-{self.r.randint(10, 99)}"
        else:
            s = self.ch(["P@ssw0rd", "S3cur3P@ss", "Adm1n!str8r", "L3tM3In", "Pa55w0rd", "W3lc0me"]) + str(self.r.randint(1, 2025)) + self.ch(["!", "*", ""])
        return s

    def url_password(self) -> str:
        """Password safe inside a URI userinfo (no @ : / ? #)."""
        return self.rs(string.ascii_letters + string.digits, self.r.randint(12, 24)) + self.ch(["", "!", "_x", "-9"]) + self.b62(1)

    def db_user(self) -> str:
        return self.ch(["app", "app_user", "svc_orders", "admin", "postgres", "root", "etl_reader", "webapp", "analytics",
                        "django", "api_rw", "sa", "billing_svc"])

    def connection_string(self, kind: str | None = None) -> str:
        kind = kind or self.ch(["postgres", "postgres", "mysql", "mongo", "redis", "amqp", "jdbc", "adonet", "odbc", "mssql_uri"])
        u, pw, host, db = self.db_user(), self.url_password(), self.hostname(), self.ch(["orders", "app_prod", "crm", "billing", "analytics", "users", "inventory"])
        if kind == "postgres":
            return f"{self.ch(['postgres', 'postgresql', 'postgresql+psycopg2'])}://{u}:{pw}@{host}:5432/{db}" + self.ch(["", "?sslmode=require", "?sslmode=verify-full&connect_timeout=10"])
        if kind == "mysql":
            return f"{self.ch(['mysql', 'mysql+pymysql', 'mariadb'])}://{u}:{pw}@{host}:3306/{db}" + self.ch(["", "?charset=utf8mb4"])
        if kind == "mongo":
            return self.ch([f"mongodb+srv://{u}:{pw}@cluster0.{self.rs(string.ascii_lowercase + string.digits, 5)}.mongodb.net/{db}?retryWrites=true&w=majority",
                            f"mongodb://{u}:{pw}@{self.ip_private()}:27017,{self.ip_private()}:27017/{db}?replicaSet=rs0&authSource=admin"])
        if kind == "redis":
            return self.ch([f"redis://:{pw}@{host}:6379/0", f"rediss://default:{pw}@{host}:6380", f"redis://{u}:{pw}@{host}:6379/2"])
        if kind == "amqp":
            return f"{self.ch(['amqp', 'amqps'])}://{u}:{pw}@{host}:{self.ch(['5672', '5671'])}/{self.ch(['', '%2F', 'prod'])}".rstrip("/")
        if kind == "jdbc":
            return self.ch([f"jdbc:postgresql://{host}:5432/{db}?user={u}&password={pw}&ssl=true",
                            f"jdbc:mysql://{host}:3306/{db}?user={u}&password={pw}&useSSL=true",
                            f"jdbc:sqlserver://{host}:1433;databaseName={db};user={u};password={pw};encrypt=true"])
        if kind == "adonet":
            return self.ch([f"Server=tcp:{host},1433;Initial Catalog={db};Persist Security Info=False;User ID={u};Password={pw};MultipleActiveResultSets=False;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;",
                            f"Data Source={host};Initial Catalog={db};User Id={u};Password={pw};",
                            f"Host={host};Port=5432;Database={db};Username={u};Password={pw};SSL Mode=Require"])
        if kind == "odbc":
            return f"Driver={{ODBC Driver 18 for SQL Server}};Server={host};Database={db};Uid={u};Pwd={pw};Encrypt=yes;"
        return f"mssql://{u}:{pw}@{host}:1433/{db}"

    # (subkind, canonical key name, generator) for GENERIC_SECRET
    def generic_secret(self) -> tuple[str, str]:
        """(key name, value) for a credential with no dedicated type."""
        k = self.ch(["sendgrid", "twilio", "mailgun", "npm", "pypi", "vault", "datadog", "shopify", "docker", "sentry",
                     "telegram", "discord", "whsec", "heroku", "django", "hmac_hex", "hmac_b64"])
        if k == "sendgrid":
            return "SENDGRID_API_KEY", f"SG.{self.b64url(22)}.{self.b64url(42)}{self.b62(1)}"
        if k == "twilio":
            return self.ch(["TWILIO_API_KEY", "TWILIO_API_KEY_SID"]), "SK" + self.hexs(32)
        if k == "mailgun":
            return "MAILGUN_API_KEY", "key-" + self.hexs(32)
        if k == "npm":
            return self.ch(["NPM_TOKEN", "NODE_AUTH_TOKEN"]), "npm_" + self.b62(36)
        if k == "pypi":
            return self.ch(["PYPI_API_TOKEN", "TWINE_PASSWORD"]), "pypi-AgEIcHlwaS5vcmc" + self.b64url(self.r.randint(120, 160)) + self.b62(1)
        if k == "vault":
            return "VAULT_TOKEN", self.ch(["hvs." + self.b62(24), "hvs.CAESI" + self.b64url(80) + self.b62(1)])
        if k == "datadog":
            return self.ch(["DD_API_KEY", "DATADOG_API_KEY"]), self.hexs(32)
        if k == "shopify":
            return "SHOPIFY_ACCESS_TOKEN", "shpat_" + self.hexs(32)
        if k == "docker":
            return self.ch(["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"]), "dckr_pat_" + self.b64url(26) + self.b62(1)
        if k == "sentry":
            meta = {"iat": self.r.randint(1_690_000_000, 1_750_000_000), "url": "https://sentry.io",
                    "region_url": "https://de.sentry.io", "org": self.ch(["brightwave", "acme-corp", "helio"])}
            return "SENTRY_AUTH_TOKEN", "sntrys_" + base64.b64encode(json.dumps(meta, separators=(",", ":")).encode()).decode().rstrip("=") + "_" + self.b62(43)
        if k == "telegram":
            return "TELEGRAM_BOT_TOKEN", f"{self.r.randint(10**8, 8 * 10**9)}:AA{self.b64url(32)}{self.b62(1)}"
        if k == "discord":
            uid = str(self.r.randint(10**17, 10**18 - 1))
            return "DISCORD_BOT_TOKEN", f"{base64.b64encode(uid.encode()).decode().rstrip('=')}.{self.b64url(6)}.{self.b64url(37)}{self.b62(1)}"
        if k == "whsec":
            return "STRIPE_WEBHOOK_SECRET", "whsec_" + self.b62(32)
        if k == "heroku":
            return "HEROKU_API_KEY", self.uuid()
        if k == "django":
            chars = "abcdefghijklmnopqrstuvwxyz0123456789!@%^&*(-_=+)"
            return "SECRET_KEY", self.ch(["django-insecure-", ""]) + self.rs(chars, 49) + self.b62(1)
        if k == "hmac_hex":
            return self.ch(["JWT_SECRET", "WEBHOOK_SIGNING_SECRET", "HMAC_KEY", "SESSION_SECRET"]), self.hexs(64)
        return self.ch(["ENCRYPTION_KEY", "APP_ENCRYPTION_KEY", "COOKIE_SECRET"]), base64.b64encode(self.rbytes(32)).decode()

    # ---- hard negatives (never labelled) ---------------------------------------------------------
    def uuid(self) -> str:
        h = self.hexs(32)
        h = h[:12] + "4" + h[13:16] + self.ch("89ab") + h[17:]
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def ulid(self) -> str:
        return "01" + self.ch("HJK") + self.rs("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23)

    def traceparent(self) -> str:
        return f"00-{self.hexs(32)}-{self.hexs(16)}-01"

    def sha1(self) -> str:
        return self.hexs(40)

    def sha256(self) -> str:
        return self.hexs(64)

    def md5(self) -> str:
        return self.hexs(32)

    def image_digest(self) -> str:
        return "sha256:" + self.hexs(64)

    def sri(self) -> str:
        return "sha512-" + base64.b64encode(self.rbytes(64)).decode()

    def luhn_fail(self, n: int = 16) -> str:
        s = self.ch("3456") + self.digits(n - 1)
        if luhn_ok(s):
            s = s[:-1] + str((int(s[-1]) + 1) % 10)
        return s

    def order_no(self) -> str:
        y = self.r.randint(2021, 2025)
        return self.ch([f"ORD-{y}-{self.digits(7)}", f"#{self.digits(3)}-{self.digits(7)}-{self.digits(7)}",
                        f"PO-{self.digits(5)}", f"INV-{y}-{self.digits(5)}", f"#{self.r.randint(10000, 999999)}",
                        f"RMA-{self.digits(5)}", f"SO{self.digits(8)}", f"CASE-{self.digits(6)}"])

    def tracking(self) -> str:
        return self.ch([f"1Z{self.rs(string.ascii_uppercase + string.digits, 6)}{self.digits(10)}",
                        f"JD{self.digits(16)}", f"9400 1{self.digits(3)} {self.digits(4)} {self.digits(4)} {self.digits(4)} {self.digits(2)}",
                        f"00{self.digits(18)}", f"LX{self.digits(9)}DE", f"TBA{self.digits(12)}"])

    def masked_card(self) -> str:
        last = self.digits(4)
        return self.ch([f"**** **** **** {last}", f"XXXX-XXXX-XXXX-{last}", f"•••• {last}", f"ending in {last}",
                        f"{self.ch(['4', '5'])}{self.digits(5)}******{last}", f"************{last}", f"xxxx{last}"])

    def masked_iban(self) -> str:
        cc = self.ch(["DE", "GB", "FR", "NL", "ES", "IT"])
        return self.ch([f"{cc}** **** **** **** **{self.digits(2)} {self.digits(2)}", f"{cc}{self.digits(2)} **** **** **** {self.digits(4)}",
                        f"{cc}**{'*' * 10}{self.digits(4)}"])

    def ein(self) -> str:
        return f"{self.r.randint(10, 98)}-{self.digits(7)}"

    def masked_ssn(self) -> str:
        return self.ch([f"***-**-{self.digits(4)}", f"XXX-XX-{self.digits(4)}", f"xxx-xx-{self.digits(4)}"])

    def bad_ssn(self) -> str:
        return self.ch([f"000-{self.digits(2)}-{self.digits(4)}", f"666-{self.pat('N#')}-{self.digits(4)}",
                        f"9{self.digits(2)}-{self.pat('N#')}-{self.digits(4)}", f"{self.pat('N##')}-00-{self.digits(4)}"])

    def version(self) -> str:
        r = self.r
        return self.ch([f"10.0.{r.randint(19041, 26100)}.{r.randint(100, 4000)}", f"Chrome/{r.randint(110, 131)}.0.{r.randint(5000, 6800)}.{r.randint(10, 200)}",
                        f"v{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}", f"{r.randint(1, 3)}.{r.randint(0, 40)}.{r.randint(0, 12)}",
                        f"Python 3.{r.randint(8, 13)}.{r.randint(0, 12)}", f"node v{r.randint(16, 22)}.{r.randint(0, 20)}.{r.randint(0, 9)}",
                        f"OpenSSL 3.0.{r.randint(2, 15)}", f"build {r.randint(20, 25)}.{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(1000, 9999)}",
                        f"Safari/605.1.{r.randint(10, 15)}", f"1.{r.randint(20, 31)}.{r.randint(0, 9)}-eks-{self.hexs(7)}"])

    def semver(self) -> str:
        return f"{self.ch(['v', ''])}{self.r.randint(0, 6)}.{self.r.randint(0, 30)}.{self.r.randint(0, 20)}" + self.ch(["", "", "", "-rc.1", "-beta.2"])

    def nonhost_ip(self) -> str:
        return self.ch(["127.0.0.1", "0.0.0.0", "255.255.255.0", "::1", "0.0.0.0/0", "127.0.0.53", "255.255.255.255",
                        "localhost", "255.255.240.0"])

    def role_email(self, domain: str | None = None) -> str:
        domain = domain or self.ch(COMPANIES)[1]
        return f"{self.ch(['support', 'noreply', 'no-reply', 'billing', 'security', 'info', 'privacy', 'sales', 'hr', 'careers', 'abuse', 'postmaster', 'dpo', 'accounts-payable', 'help', 'team'])}@{domain}"

    def example_email(self) -> str:
        return self.ch(["user@example.com", "jane.doe@example.com", "test@example.org", "you@yourcompany.com", "admin@localhost",
                        "someone@example.net", "alice@example.com", "bob@example.org", "name@example.com", "root@localhost"])

    def placeholder_secret(self) -> tuple[str, str]:
        return self.ch([("OPENAI_API_KEY", "sk-...your-key-here"), ("OPENAI_API_KEY", "sk-xxxxxxxxxxxxxxxxxxxxxxxx"),
                        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                        ("GITHUB_TOKEN", "ghp_" + "X" * 36), ("API_KEY", "<YOUR_API_KEY>"), ("DB_PASSWORD", "changeme"),
                        ("STRIPE_SECRET_KEY", "sk_live_REPLACE_ME"), ("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/XXX/YYY/ZZZ"),
                        ("SECRET_KEY", "[REDACTED]"), ("ADMIN_PASSWORD", "********"), ("ANTHROPIC_API_KEY", "sk-ant-xxxxxxxx"),
                        ("GOOGLE_API_KEY", "YOUR_GOOGLE_API_KEY"), ("SENDGRID_API_KEY", "SG.xxxxx"), ("JWT_SECRET", "<generate-a-long-random-string>"),
                        ("AZURE_CLIENT_SECRET", "<client-secret>"), ("PASSWORD", "your_password_here"), ("TOKEN", "TODO"),
                        ("SLACK_BOT_TOKEN", "xoxb-your-bot-token"), ("STRIPE_SECRET_KEY", "sk_test_..."), ("NPM_TOKEN", "${NPM_TOKEN}")])

    def placeholder_conn(self) -> str:
        return self.ch(["postgres://USER:PASSWORD@HOST:5432/DBNAME", "mysql://root@127.0.0.1/test", "redis://localhost:6379/0",
                        "mongodb://localhost:27017/test", "postgresql://postgres@localhost/app_dev",
                        "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app", "amqp://guest@localhost:5672//",
                        "Server=(localdb)\\MSSQLLocalDB;Database=AppDb;Trusted_Connection=True;",
                        "mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/", "jdbc:postgresql://localhost:5432/test"])

    def stripe_public(self) -> str:
        return self.ch(["pk_live_", "pk_test_"]) + (self.b62(24) if self.chance(0.4) else "51" + self.b62(97))

    def stripe_object(self) -> str:
        return self.ch(["cus_", "pi_", "ch_", "evt_", "sub_", "in_", "price_", "prod_", "pm_", "re_"]) + self.b62(self.ch([14, 24]))

    def arn(self) -> str:
        acct = self.digits(12)
        return self.ch([f"arn:aws:iam::{acct}:role/{self.ch(['deploy', 'github-actions-oidc', 'lambda-exec', 'ReadOnly'])}",
                        f"arn:aws:lambda:eu-west-1:{acct}:function:{self.ch(['resize-images', 'billing-sync'])}",
                        f"arn:aws:sns:us-east-1:{acct}:alerts", f"arn:aws:kms:eu-central-1:{acct}:key/{self.uuid()}"])

    def sort_code(self) -> str:
        return f"{self.digits(2)}-{self.digits(2)}-{self.digits(2)}"

    def ifsc(self) -> str:
        return self.ch(["HDFC0", "SBIN0", "ICIC0", "UTIB0", "KKBK0"]) + self.digits(6)

    def upper_word(self) -> str:
        return self.ch(["FEEDBACK", "REQUIRED", "COMPLETE", "DISABLED", "ABSOLUTE", "HOSPITAL", "BUSINESS", "STANDARD",
                        "CRITICAL", "APPROVED", "REJECTED", "OVERRIDE", "CHECKOUT", "PLATFORM", "DOWNTIME", "DEADLINE"])

    def otp(self) -> str:
        return self.ch([self.digits(6), f"{self.digits(3)} {self.digits(3)}", f"{self.digits(3)}-{self.digits(3)}"])

    def vat(self) -> str:
        return self.ch([f"DE{self.digits(9)}", f"FR{self.digits(11)}", f"GB{self.digits(9)}", f"IT{self.digits(11)}",
                        f"ESB{self.digits(8)}", f"NL{self.digits(9)}B01", f"ATU{self.digits(8)}"])

    def npi(self) -> str:
        while True:
            s = self.ch("12") + self.digits(9)
            if npi_ok(s):
                return s

    def member_id(self) -> str:
        return self.ch([self.pat("XEH#########"), self.pat("W#########"), self.pat("MBR-#####-##"), self.pat("AAA#########"),
                        self.pat("U########01")])

    PLATES = {"UK": "AA## AAA", "DE": "M-AA ###", "FR": "AA-###-AA", "IT": "AA ###AA", "NL": "AA-###-A", "US": "#AAA###",
              "ES": "#### BCD", "IN": "KA ## AA ####", "BR": "AAA#A##", "JP": "品川 300 あ ##-##", "CN": "京A·#####",
              "KR": "##가 ####"}

    def plate(self, loc: str | None = None) -> str:
        """Vehicle registration plate (never labelled)."""
        return self.pat(self.PLATES.get(loc or self.loc(), "AA## AAA"))

    def icd(self) -> str:
        return self.ch(ICD10)

    def env_ref(self, key: str, lang: str) -> str:
        return {"python": self.ch([f'os.environ["{key}"]', f'os.getenv("{key}")', f"os.environ.get('{key}')"]),
                "js": f"process.env.{key}", "go": f'os.Getenv("{key}")', "java": f'System.getenv("{key}")',
                "shell": self.ch([f"${key}", f"${{{key}}}"]), "yaml": f"${{{key}}}", "tf": f"var.{key.lower()}",
                "gha": f"${{{{ secrets.{key} }}}}"}[lang]


# --------------------------------------------------------------------------------------------
# Secrets as key/value items, and how each config/code language writes them
# --------------------------------------------------------------------------------------------

class Sec(NamedTuple):
    key: str           # canonical UPPER_SNAKE key name
    item: object       # template item: E(...) for a labelled secret, plain str for a placeholder/env ref
    ml: bool = False   # multi-line value (PEM block)


# PASSWORD, CONNECTION_STRING and JWT also come from dedicated template slots, so they are drawn less often here
SECRET_TYPE_WEIGHTS = {
    "AWS": 1.4, "GITHUB_TOKEN": 1.1, "GITLAB_TOKEN": 1.2, "SLACK_TOKEN": 1.2, "SLACK_WEBHOOK": 1.6, "STRIPE_KEY": 1.4,
    "OPENAI_API_KEY": 1.4, "ANTHROPIC_API_KEY": 1.5, "GOOGLE_API_KEY": 1.3, "AZURE_KEY": 1.3, "PRIVATE_KEY": 0.8,
    "JWT": 0.5, "PASSWORD": 0.5, "CONNECTION_STRING": 0.4, "GENERIC_SECRET": 1.7,
}


def make_secret(g: Gen, typ: str | None = None, allow_ml: bool = True) -> list[Sec]:
    """One credential (AWS gives an access-key / secret-key pair most of the time)."""
    if typ is None:
        # draw from a shuffled "deck" holding each type in proportion to its weight, so that per-type
        # counts stay balanced across a corpus instead of drifting with independent draws
        while True:
            if not g.secret_deck:
                g.secret_deck = [k for k, w in SECRET_TYPE_WEIGHTS.items() for _ in range(round(w * 10))]
                g.r.shuffle(g.secret_deck)
            typ = g.secret_deck.pop()
            if allow_ml or typ != "PRIVATE_KEY":
                break
    if typ == "AWS":
        out = [Sec("AWS_ACCESS_KEY_ID", E("AWS_ACCESS_KEY", g.aws_access_key()))]
        if g.chance(0.85):
            out.append(Sec("AWS_SECRET_ACCESS_KEY", E("AWS_SECRET_KEY", g.aws_secret_key())))
        return out
    if typ == "GITHUB_TOKEN":
        return [Sec(g.ch(["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT", "GH_DEPLOY_TOKEN"]), E(typ, g.github_token()))]
    if typ == "GITLAB_TOKEN":
        return [Sec(g.ch(["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_DEPLOY_TOKEN", "GL_TOKEN"]), E(typ, g.gitlab_token()))]
    if typ == "SLACK_TOKEN":
        return [Sec(g.ch(["SLACK_BOT_TOKEN", "SLACK_TOKEN", "SLACK_APP_TOKEN", "SLACK_USER_TOKEN"]), E(typ, g.slack_token()))]
    if typ == "SLACK_WEBHOOK":
        return [Sec(g.ch(["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK", "ALERTS_WEBHOOK_URL"]), E(typ, g.slack_webhook()))]
    if typ == "STRIPE_KEY":
        return [Sec(g.ch(["STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_KEY"]), E(typ, g.stripe_key()))]
    if typ == "OPENAI_API_KEY":
        return [Sec(g.ch(["OPENAI_API_KEY", "OPENAI_KEY", "LLM_API_KEY"]), E(typ, g.openai_key()))]
    if typ == "ANTHROPIC_API_KEY":
        return [Sec(g.ch(["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"]), E(typ, g.anthropic_key()))]
    if typ == "GOOGLE_API_KEY":
        return [Sec(g.ch(["GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY", "FIREBASE_API_KEY", "GEMINI_API_KEY", "YOUTUBE_API_KEY"]), E(typ, g.google_key()))]
    if typ == "AZURE_KEY":
        k = g.ch(["storage", "storage_cs", "cog", "entra"])
        if k == "storage":
            return [Sec(g.ch(["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "STORAGE_ACCOUNT_KEY"]), E(typ, g.azure_storage_key()))]
        if k == "storage_cs":
            acct = g.ch(["stbwprod", "acmeassets", "helioexports", "stcrmbackup01"])
            return [Sec(g.ch(["AZURE_STORAGE_CONNECTION_STRING", "AzureWebJobsStorage", "BLOB_CONNECTION_STRING"]),
                        [f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey=", E(typ, g.azure_storage_key()),
                         ";EndpointSuffix=core.windows.net"])]
        if k == "cog":
            return [Sec(g.ch(["AZURE_OPENAI_API_KEY", "AZURE_SPEECH_KEY", "COGNITIVE_SERVICES_KEY", "AZURE_TRANSLATOR_KEY"]), E(typ, g.azure_cog_key()))]
        return [Sec(g.ch(["AZURE_CLIENT_SECRET", "CLIENT_SECRET", "AAD_CLIENT_SECRET"]), E(typ, g.azure_entra_secret()))]
    if typ == "PRIVATE_KEY":
        return [Sec(g.ch(["PRIVATE_KEY", "SSH_PRIVATE_KEY", "JWT_PRIVATE_KEY", "TLS_KEY", "GITHUB_APP_PRIVATE_KEY"]), E(typ, g.private_key()), True)]
    if typ == "JWT":
        return [Sec(g.ch(["ACCESS_TOKEN", "AUTH_TOKEN", "API_BEARER_TOKEN", "SERVICE_JWT"]), E(typ, g.jwt()))]
    if typ == "PASSWORD":
        return [Sec(g.ch(["DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "SMTP_PASSWORD", "REDIS_PASSWORD", "ADMIN_PASSWORD",
                          "LDAP_BIND_PASSWORD", "RABBITMQ_DEFAULT_PASS", "KEYSTORE_PASSWORD", "MAIL_PASSWORD"]), E(typ, g.password()))]
    if typ == "CONNECTION_STRING":
        kind = g.ch(["postgres", "postgres", "mysql", "mongo", "redis", "amqp", "jdbc", "adonet", "odbc"])
        key = {"postgres": ["DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "PG_DSN"], "mysql": ["DATABASE_URL", "MYSQL_URL"],
               "mongo": ["MONGO_URI", "MONGODB_URI"], "redis": ["REDIS_URL", "CACHE_URL"], "amqp": ["CELERY_BROKER_URL", "AMQP_URL"],
               "jdbc": ["SPRING_DATASOURCE_URL", "JDBC_URL"], "adonet": ["DB_CONNECTION_STRING", "SQLAZURECONNSTR_MAIN"],
               "odbc": ["ODBC_CONNECTION_STRING", "DB_CONNECTION_STRING"]}[kind]
        return [Sec(g.ch(key), E(typ, g.connection_string(kind)))]
    key, val = g.generic_secret()
    return [Sec(key, E("GENERIC_SECRET", val))]


def make_secrets(g: Gen, n: int, allow_ml: bool = True) -> list[Sec]:
    out: list[Sec] = []
    while len(out) < n:
        out.extend(make_secret(g, allow_ml=allow_ml and not any(s.ml for s in out)))
    return out


NEUTRAL_CONFIG = [("PORT", "8080"), ("LOG_LEVEL", "info"), ("NODE_ENV", "production"), ("AWS_REGION", "eu-central-1"),
                  ("S3_BUCKET", "bw-prod-assets"), ("APP_URL", "https://app.brightwave.io"), ("REDIS_HOST", "127.0.0.1"),
                  ("BIND_ADDR", "0.0.0.0:8080"), ("FEATURE_NEW_CHECKOUT", "true"), ("TRACE_SAMPLE_RATE", "0.1"),
                  ("OPENAI_MODEL", "gpt-4o-mini"), ("TZ", "Europe/Berlin"), ("DB_HOST", "localhost"), ("DB_PORT", "5432"),
                  ("DB_NAME", "orders"), ("DB_USER", "app"), ("SMTP_HOST", "smtp.sendgrid.net"), ("SMTP_PORT", "587"),
                  ("MAX_UPLOAD_MB", "25"), ("CORS_ORIGINS", "https://app.brightwave.io,https://admin.brightwave.io"),
                  ("WORKERS", "4"), ("CACHE_TTL_SECONDS", "300"), ("ENVIRONMENT", "staging"), ("DEBUG", "false")]


def neutral_kv(g: Gen) -> Sec:
    """Non-secret configuration or a hard negative (placeholder, env ref, digest, ARN, public key)."""
    x = g.r.random()
    if x < 0.45:
        k, v = g.ch(NEUTRAL_CONFIG)
        return Sec(k, v)
    if x < 0.7:
        k, v = g.placeholder_secret()
        return Sec(k, v)
    return g.ch([Sec("STRIPE_PUBLISHABLE_KEY", g.stripe_public()), Sec("BUILD_SHA", g.sha1()), Sec("AWS_ROLE_ARN", g.arn()),
                 Sec("IMAGE_DIGEST", g.image_digest()), Sec("INSTANCE_ID", g.uuid()), Sec("SUPPORT_EMAIL", g.role_email()),
                 Sec("DATABASE_URL", g.placeholder_conn()), Sec("DEFAULT_FROM_EMAIL", g.role_email()),
                 Sec("OTEL_TRACE_ID", g.hexs(32)), Sec("RELEASE", g.version()), Sec("TEST_USER_EMAIL", g.example_email())])


def kname(key: str, style: str) -> str:
    if style == "upper":
        return key
    parts = key.lower().split("_")
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == "dotted":
        return ".".join(parts)
    if style == "kebab":
        return "-".join(parts)
    return key.lower()


def escape_newlines(item):
    return esc(item, lambda s: s.replace("\n", "\\n"))


def emit_kv(d: Doc, g: Gen, lang: str, sec: Sec, style: str | None = None, ind: str = "") -> None:
    """Write one key/value line of a config file or code in `lang`; the value's label survives any escaping."""
    key, item, ml = sec
    val = plain(item)
    needs_q = any(c in val for c in " ;#&*!%{}[]|>'\"") or val[:1] in "@%`"
    if lang == "env":
        k = kname(key, style or "upper")
        if ml:
            d.f(f'{ind}{k}="⟦v⟧"\n', v=escape_newlines(item))
        else:
            q = "'" if any(c in val for c in "$#\"!& ;") else g.ch(["", "", '"'])
            d.f(f"{ind}{k}={q}⟦v⟧{q}\n", v=item)
    elif lang == "shell":
        k = kname(key, "upper")
        d.f(f"{ind}export {k}='⟦v⟧'\n", v=escape_newlines(item) if ml else item)
    elif lang == "docker":
        d.f(f'{ind}ENV {kname(key, "upper")}="⟦v⟧"\n', v=escape_newlines(item) if ml else item)
    elif lang == "yaml":
        k = kname(key, style or g.ch(["lower", "upper"]))
        if ml:
            d.f(f"{ind}{k}: |\n{ind}  ⟦v⟧\n", v=esc(item, lambda s: s.replace("\n", "\n" + ind + "  ")))
        else:
            q = "'" if needs_q else g.ch(["", "", '"'])
            d.f(f"{ind}{k}: {q}⟦v⟧{q}\n", v=item)
    elif lang == "python":
        k = kname(key, style or "upper")
        if ml:
            d.f(f'{ind}{k} = """⟦v⟧\n"""\n', v=item)
        else:
            q = g.ch(['"', "'"])
            d.f(f"{ind}{k} = {q}⟦v⟧{q}\n", v=item)
    elif lang == "js":
        k = kname(key, style or "camel")
        if ml:
            d.f(f"{ind}const {k} = `⟦v⟧`;\n", v=item)
        else:
            q = g.ch(['"', "'"])
            d.f(f"{ind}{g.ch(['const', 'const', 'let'])} {k} = {q}⟦v⟧{q};\n", v=item)
    elif lang == "ts":
        k = kname(key, style or "camel")
        d.f(f"{ind}{k}: " + ("`⟦v⟧`,\n" if ml else "'⟦v⟧',\n"), v=item)
    elif lang == "go":
        k = kname(key, style or "camel")
        d.f(f"{ind}{k} = " + ("`⟦v⟧`\n" if ml else '"⟦v⟧"\n'), v=item)
    elif lang == "java":
        k = kname(key, "upper")
        d.f(f'{ind}private static final String {k} = "⟦v⟧";\n', v=escape_newlines(item) if ml else item)
    elif lang == "csharp":
        k = kname(key, "camel")
        d.f(f'{ind}private const string {k[0].upper() + k[1:]} = "⟦v⟧";\n', v=escape_newlines(item) if ml else item)
    elif lang == "properties":
        d.f(f"{ind}{kname(key, style or 'dotted')}=⟦v⟧\n", v=escape_newlines(item) if ml else item)
    elif lang == "toml":
        k = kname(key, "lower")
        d.f(f'{ind}{k} = """\n⟦v⟧\n"""\n' if ml else f'{ind}{k} = "⟦v⟧"\n', v=item)
    elif lang == "ini":
        d.f(f"{ind}{kname(key, 'lower')} = ⟦v⟧\n", v=escape_newlines(item) if ml else item)
    elif lang == "tf":
        k = kname(key, "lower")
        d.f(f'{ind}{k} = <<-EOT\n⟦v⟧\nEOT\n' if ml else f'{ind}{k} = "⟦v⟧"\n', v=item)
    elif lang == "xml":
        import html
        d.f(f'{ind}<add key="{kname(key, "camel")}" value="⟦v⟧" />\n', v=esc(escape_newlines(item) if ml else item, lambda s: html.escape(s, quote=True)))
    elif lang == "ps":
        d.f(f'{ind}$env:{kname(key, "upper")} = "⟦v⟧"\n', v=escape_newlines(item) if ml else item)
    else:
        raise ValueError(lang)


# --------------------------------------------------------------------------------------------
# Shared template pieces
# --------------------------------------------------------------------------------------------

def P(v: str) -> E:
    return E("PERSON", v)


def when(g: Gen) -> str:
    y, m, d = g.date(2024, 2025)
    return f"{y}-{m:02d}-{d:02d}T{g.r.randint(0, 23):02d}:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d}Z"


def signature(g: Gen, p: Person, company=None, contact: bool = True) -> list:
    company = company or g.ch(COMPANIES)
    out = [g.ch(["Best regards,", "Kind regards,", "Thanks,", "Cheers,", "Regards,", "Best,"]), "\n", P(p.full), "\n"]
    if g.chance(0.6):
        out += [g.ch(["Account Manager", "Head of Finance", "Customer Success Lead", "Senior Engineer", "Office Manager",
                      "Procurement", "HR Business Partner", "Operations Coordinator"]), " | ", company[0], "\n"]
    if contact:
        if g.chance(0.8):
            out += [g.ch(["T: ", "Tel. ", "Phone: ", "M: ", "Mobile: ", "Direct: "]), E("PHONE", g.phone(p.loc)), "\n"]
        if g.chance(0.6):
            out += [E("EMAIL", g.work_email(p, company)), "\n"]
    return out


def neg_sentence(g: Gen) -> str:
    """A sentence full of hard negatives, for mixing into any prose."""
    return g.ch([
        f"Your order {g.order_no()} was shipped with tracking number {g.tracking()}.",
        f"The charge on the card {g.masked_card()} was reversed on {g.fmt_date(g.date(), g.loc())}.",
        f"Reference: {g.uuid()} (trace {g.hexs(32)}).",
        f"Build {g.sha1()[:10]} deployed to production, image {g.image_digest()[:19]}…",
        f"Please do not reply to this message; write to {g.role_email()} instead.",
        f"We tested on {g.version()} and {g.version()} without issues.",
        f"The meeting with {g.ch(ORG_NEGATIVES)} in {g.ch(CITY_NEGATIVES)} moved to {g.fmt_date(g.date(), 'UK')}.",
        f"Your one-time code is {g.otp()}; it expires in 10 minutes.",
        f"Our VAT ID is {g.vat()} and our EIN is {g.ein()}.",
        f"The checksum (SHA-256) of the installer is {g.sha256()}.",
        f"Refunds are credited to the original payment method ({g.masked_card()}).",
        f"Case {g.order_no()} was escalated to the {g.ch(['billing', 'logistics', 'platform'])} team.",
        f"Invoice amount: EUR {g.r.randint(20, 9000)},{g.r.randint(0, 99):02d}, due {g.fmt_date(g.date(), 'DE')}.",
        f"Ticket {g.ulid()} was merged into {g.ulid()}.",
        f"Health checks hit {g.ch(['127.0.0.1', 'localhost', '0.0.0.0'])}:{g.ch(['8080', '9090', '3000'])}/healthz every 10s.",
    ])


def finalize(d: Doc, default_cat: str = "customer_data") -> tuple[list[str], bool]:
    """Derive the document categories from the spans and the template's declared categories."""
    fams = {FAMILY_OF[t] for t, _, _ in d.spans}
    cats = set(d.cats) - {"none"}
    if not d.spans:
        return (["source_code"] if "source_code" in cats else ["none"]), False
    cats.discard("credentials")
    if "SECRET" in fams:
        cats.add("credentials")
    if "FINANCIAL" in fams:
        cats.add("financial")
    if "HEALTH" in fams:
        cats.add("health")
    if not cats & SENSITIVE_CATEGORIES:
        cats.add(default_cat)
    return [c for c in CATEGORIES if c in cats], True


# --------------------------------------------------------------------------------------------
# Document families: customer-facing PII
# --------------------------------------------------------------------------------------------

def doc_customer_email(g: Gen) -> Doc:
    d = Doc("customer_email", ["customer_data"])
    p = g.person()
    lang = {"DE": "DE", "FR": "FR", "ES": "ES", "IT": "IT", "NL": "NL", "BR": "PT", "JP": "JA"}.get(p.loc, "EN")
    if lang != "EN" and g.chance(0.35):
        lang = "EN"
    order = g.order_no()
    addr = E("ADDRESS", g.address(p.loc))
    phone = E("PHONE", g.phone(p.loc))
    email = E("EMAIL", g.email(p))
    if lang == "DE":
        d.f("Betreff: Reklamation zu Bestellung ⟦o⟧\n\nSehr geehrte Damen und Herren,\n\nleider ist meine Bestellung ⟦o⟧ vom ⟦dt⟧ "
            "immer noch nicht angekommen (Sendungsnummer ⟦tr⟧). Bitte liefern Sie an folgende Adresse:\n\n⟦a⟧\n\n"
            "Sie erreichen mich unter ⟦ph⟧ oder per Mail an ⟦em⟧.\n", o=order, dt=g.fmt_date(g.date(), "DE"),
            tr=g.tracking(), a=addr, ph=phone, em=email)
        if g.chance(0.5):
            d.f("Falls eine Erstattung nötig ist, bitte auf mein Konto: IBAN ⟦ib⟧, BIC ⟦bic⟧.\n", ib=E("IBAN", g.iban("DE")), bic=E("SWIFT_BIC", g.bic("DE")))
        d.f("\nMit freundlichen Grüßen\n⟦n⟧\n", n=P(p.full))
    elif lang == "FR":
        d.f("Objet : Commande ⟦o⟧ non reçue\n\nBonjour,\n\nJe m'appelle ⟦n⟧ et je n'ai toujours pas reçu ma commande ⟦o⟧. "
            "Mon adresse de livraison est :\n⟦a⟧\n\nVous pouvez me joindre au ⟦ph⟧ (de 9h à 18h) ou à ⟦em⟧.\n",
            o=order, n=P(p.full), a=addr, ph=phone, em=email)
        if g.chance(0.4):
            d.f("Pour le remboursement : IBAN ⟦ib⟧.\n", ib=E("IBAN", g.iban("FR")))
        d.f("\nCordialement,\n⟦n⟧\n", n=P(p.first))
    elif lang == "ES":
        d.f("Asunto: Pedido ⟦o⟧ incorrecto\n\nHola,\n\nsoy ⟦n⟧. El pedido ⟦o⟧ llegó con un artículo equivocado. "
            "Mi dirección es ⟦a⟧ y mi teléfono ⟦ph⟧.\n", o=order, n=P(p.full), a=E("ADDRESS", g.address(p.loc, oneline=True)), ph=phone)
        if g.chance(0.5):
            lbl, v = g.national_id(p)
            d.f("Para la factura necesitan mi ⟦l⟧: ⟦v⟧.\n", l=lbl, v=E("NATIONAL_ID", v))
        d.f("\nUn saludo,\n⟦n⟧\n⟦em⟧\n", n=P(p.full), em=email)
    elif lang == "IT":
        d.f("Oggetto: Rimborso ordine ⟦o⟧\n\nBuongiorno,\n\nvi scrivo per l'ordine ⟦o⟧: il pacco è arrivato danneggiato. "
            "Chiedo il rimborso sulla carta ⟦mc⟧. Recapito: ⟦ph⟧.\nIndirizzo di spedizione:\n⟦a⟧\n", o=order, mc=g.masked_card(), ph=phone, a=addr)
        if g.chance(0.5):
            d.f("Codice fiscale per la fattura: ⟦cf⟧\n", cf=E("NATIONAL_ID", g.codice_fiscale(p)))
        d.f("\nCordiali saluti,\n⟦n⟧\n", n=P(p.full))
    elif lang == "NL":
        d.f("Onderwerp: Bestelling ⟦o⟧\n\nBeste klantenservice,\n\nMijn bestelling ⟦o⟧ is nog steeds niet bezorgd. Mijn adres is ⟦a⟧. "
            "Bel me gerust op ⟦ph⟧.\n", o=order, a=E("ADDRESS", g.address(p.loc, oneline=True)), ph=phone)
        if g.chance(0.5):
            d.f("Het bedrag mag teruggestort worden op ⟦ib⟧ t.n.v. ⟦n⟧.\n", ib=E("IBAN", g.iban("NL")), n=P(p.full))
        d.f("\nMet vriendelijke groet,\n⟦n⟧\n", n=P(p.full))
    elif lang == "PT":
        d.f("Assunto: Pedido ⟦o⟧ não entregue\n\nOlá,\n\nMeu nome é ⟦n⟧, CPF ⟦cpf⟧. O pedido ⟦o⟧ não foi entregue no endereço:\n⟦a⟧\n\n"
            "Telefone/WhatsApp: ⟦ph⟧\n\nObrigado,\n⟦f⟧\n", n=P(p.full), cpf=E("NATIONAL_ID", g.cpf()), o=order, a=addr, ph=phone, f=P(p.first))
    elif lang == "JA":
        d.f("件名：注文番号 ⟦o⟧ について\n\nお世話になっております。⟦n⟧です。\n注文した商品がまだ届いていません。配送先は以下の通りです。\n⟦a⟧\n"
            "電話番号：⟦ph⟧\nメール：⟦em⟧\n\nよろしくお願いいたします。\n", o=order, n=P(p.full), a=addr, ph=phone, em=email)
    else:
        subj = g.ch([f"Order {order} never arrived", f"Refund request - {order}", "Can't log in to my account",
                     "Wrong item delivered", "Please update my billing details", "Charged twice this month"])
        d.f("Subject: ⟦s⟧\nFrom: ⟦fn⟧ <⟦em⟧>\nTo: ⟦sup⟧\n\n", s=subj, fn=P(p.full), em=email, sup=g.role_email())
        d.f(g.ch(["Hi there,\n\n", "Hello support team,\n\n", "To whom it may concern,\n\n", "Hi,\n\n"]))
        body = g.ch([
            "I ordered a standing desk on ⟦dt⟧ (order ⟦o⟧) and it still hasn't shown up. The tracking page for ⟦tr⟧ has said "
            "\"label created\" for a week.",
            "I was charged twice for my subscription this month - both charges are on the card ⟦mc⟧. Please refund one of them.",
            "I can't log in since your last app update (⟦v⟧). I reset my password twice and the reset mail never arrives.",
            "The box for order ⟦o⟧ arrived but it contained someone else's item.",
        ])
        d.f(body, dt=g.fmt_date(g.date(), "US"), o=order, tr=g.tracking(), mc=g.masked_card(), v=g.version())
        d.f(" My account email is ⟦em⟧ and my phone number is ⟦ph⟧.", em=E("EMAIL", g.email(p)), ph=phone)
        if g.chance(0.7):
            d.f(g.ch([" Please send the replacement to:\n\n⟦a⟧\n\n", " My address is ⟦a1⟧.\n\n"]), a=addr,
                a1=E("ADDRESS", g.address(p.loc, oneline=True)))
        else:
            d.t("\n\n")
        x = g.r.random()
        if x < 0.25:
            d.f("If it helps, the card I used is ⟦cc⟧ (exp ⟦ex⟧). Just refund it there.\n\n", cc=E("CREDIT_CARD", g.card()), ex=g.card_expiry())
        elif x < 0.4:
            d.f("For verification: date of birth ⟦dob⟧.\n\n", dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)))
        elif x < 0.5 and p.loc == "US":
            d.f("Your agent asked for my SSN last time: ⟦ssn⟧. Is that really needed?\n\n", ssn=E("US_SSN", g.ssn()))
        if g.chance(0.4):
            d.t(neg_sentence(g) + "\n\n")
        d.f(g.ch(["Thanks,\n⟦n⟧\n", "Regards,\n⟦n⟧\n", "Best,\n⟦n⟧\n\nSent from my iPhone\n"]), n=P(g.ch([p.first, p.full])))
    if g.chance(0.35):     # quoted agent reply with honorific
        agent = g.person("US" if lang == "EN" else p.loc)
        d.f("\n> On ⟦dt⟧, ⟦ag⟧ wrote:\n> Dear ⟦hon⟧⟦ln⟧, thank you for contacting us about ⟦o⟧. A ticket has been opened.\n",
            dt=g.fmt_date(g.date(), "UK"), ag=P(agent.full), hon=("Mr. " if p.gender == "M" else "Ms. ") if not p.native else "",
            ln=P(p.last), o=order)
    return d


def doc_support_ticket(g: Gen) -> Doc:
    d = Doc("support_ticket", ["customer_data"])
    p = g.person()
    agent = g.person(g.ch(["US", "UK", "IN", "DE"]))
    tno = g.r.randint(10000, 999999)
    sys_ = g.ch(["zendesk", "jira", "freshdesk"])
    if sys_ == "jira":
        d.f("[SUP-⟦t⟧] ⟦title⟧\nReporter: ⟦rep⟧   Assignee: ⟦ag⟧   Priority: ⟦pr⟧\nLabels: customer, ⟦lab⟧\n\n",
            t=tno % 10000, title=g.ch(["Customer cannot reset password", "Refund not received", "Address change request",
                                       "Duplicate account merge", "Account locked after failed logins"]),
            rep=P(agent.full), ag=P(g.person(agent.loc).full), pr=g.ch(["P2", "High", "Medium"]), lab=g.upper_word().lower())
    else:
        d.f("Ticket #⟦t⟧ | Priority: ⟦pr⟧ | Channel: ⟦chn⟧ | Status: Open\n", t=tno, pr=g.ch(["High", "Normal", "Urgent", "Low"]),
            chn=g.ch(["Web form", "Email", "Chat", "Phone"]))
    fields = [("Requester", [P(p.full), " <", E("EMAIL", g.email(p)), ">"]), ("Phone", E("PHONE", g.phone(p.loc))),
              ("Customer ID", g.ch([g.uuid(), f"CUST-{g.digits(6)}", g.stripe_object()])),
              ("Last login IP", E("IP_ADDRESS", g.ip_public() if g.chance(0.7) else g.ipv6())),
              ("Browser", ua(g)),
              ("Created", when(g)), ("Order", g.order_no())]
    if g.chance(0.5):
        fields.append(("Shipping address", E("ADDRESS", g.address(p.loc, oneline=True))))
    if g.chance(0.25):
        fields.append(("DOB (verified)", E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc))))
    g.r.shuffle(fields)
    for k, v in fields:
        d.f("⟦k⟧: ⟦v⟧\n", k=k, v=v)
    d.t("\n--- Customer message ---\n")
    d.f(g.ch(["Hi, I'm locked out of my account after too many attempts. Please unlock it, my username is the email above.",
              "I moved house. New address: ⟦a⟧. Please update it before the next delivery.",
              "You charged my card ⟦mc⟧ twice. I want one charge refunded.",
              "Hello, my husband ⟦sp⟧ also needs access to our shared account, his email is ⟦spem⟧.",
              "Please delete all my data under GDPR Art. 17. Reference: ⟦u⟧."]),
        a=E("ADDRESS", g.address(p.loc, oneline=True)), mc=g.masked_card(), sp=P(g.person(p.loc, "M").full),
        spem=E("EMAIL", g.email(g.person(p.loc, "M"))), u=g.uuid())
    d.f("\n\n--- Internal note (⟦ag⟧) ---\n", ag=P(agent.first))
    d.f(g.ch(["Verified identity via last 4 of card (⟦mc⟧) and postcode. Escalating to ⟦team⟧.",
              "Customer called from ⟦ph⟧, identity confirmed. Reset link sent; see also ⟦o⟧.",
              "Checked logs: requests came from ⟦ip⟧ and ⟦lo⟧. Looks legit, unlocking.",
              "Duplicate of ticket #⟦t2⟧. Macro 'refund-policy' applied."]),
        mc=g.masked_card(), team=g.ch(["Tier 2", "billing", "trust & safety"]), ph=E("PHONE", g.phone(p.loc)),
        o=g.order_no(), ip=E("IP_ADDRESS", g.ip()), lo="127.0.0.1", t2=g.r.randint(10000, 999999))
    d.t("\n")
    return d


CRM_COLUMNS = ["id", "first_name", "last_name", "email", "phone", "company", "city", "country", "dob", "address",
               "signup_date", "ltv_eur", "status", "last_ip", "national_id", "notes"]


def doc_crm_csv(g: Gen) -> Doc:
    d = Doc("crm_csv", ["customer_data"])
    sep = g.ch([",", ",", ",", ";", "\t"])
    cols = ["id", "first_name", "last_name", "email"]
    cols += g.r.sample(["phone", "company", "city", "country", "dob", "address", "signup_date", "ltv_eur", "status",
                        "last_ip", "national_id", "notes"], g.r.randint(3, 6))
    style = g.ch(["snake", "title", "de"])
    names = {c: c for c in CRM_COLUMNS}
    names.update({"last_ip": "last_login_ip", "national_id": "tax_id", "dob": g.ch(["dob", "date_of_birth"])})
    if style == "title":
        names = {"id": "Contact ID", "first_name": "First Name", "last_name": "Last Name", "email": "Email", "phone": "Phone",
                 "company": "Company", "city": "City", "country": "Country", "dob": "Birthdate", "address": "Mailing Address",
                 "signup_date": "Created Date", "ltv_eur": "Lifetime Value (EUR)", "status": "Lead Status", "last_ip": "Last Login IP",
                 "national_id": "Tax ID", "notes": "Notes"}
    elif style == "de":
        names = {"id": "Kundennr", "first_name": "Vorname", "last_name": "Nachname", "email": "E-Mail", "phone": "Telefon",
                 "company": "Firma", "city": "Ort", "country": "Land", "dob": "Geburtsdatum", "address": "Anschrift",
                 "signup_date": "Angelegt am", "ltv_eur": "Umsatz EUR", "status": "Status", "last_ip": "Letzte IP",
                 "national_id": "Steuer-ID", "notes": "Notiz"}
    if g.chance(0.3):
        d.t(g.ch(["# export from HubSpot ", "-- Salesforce report ", "Exported "]) + when(g) + "\n")
    d.csv_row([names[c] for c in cols], sep)
    country_loc = g.ch([None, "US", "DE", "UK", "FR", "IN", "BR", "NL"])
    for i in range(g.r.randint(3, 10)):
        p = g.person(country_loc or g.loc())
        row = []
        for c in cols:
            if c == "id":
                row.append(g.ch([str(10000 + i * 7 + g.r.randint(0, 6)), f"C-{g.digits(6)}", g.uuid()[:8]]))
            elif c == "first_name":
                row.append(P(p.first))
            elif c == "last_name":
                row.append(P(p.last))
            elif c == "email":
                row.append(E("EMAIL", g.email(p)) if g.chance(0.93) else g.ch(["", g.role_email()]))
            elif c == "phone":
                row.append(E("PHONE", g.phone(p.loc)) if g.chance(0.9) else "")
            elif c == "company":
                row.append(g.ch([g.ch(COMPANIES)[0], g.ch(ORG_NEGATIVES), ""]))
            elif c == "city":
                row.append(g.ch(CITY_NEGATIVES))
            elif c == "country":
                row.append(p.loc if p.loc != "UK" else "GB")
            elif c == "dob":
                row.append(E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc, g.ch(["iso", None]))))
            elif c == "address":
                row.append(E("ADDRESS", g.address(p.loc, oneline=True)))
            elif c == "signup_date":
                row.append(g.fmt_date(g.date(), "US", "iso"))
            elif c == "ltv_eur":
                row.append(f"{g.r.randint(0, 20000)}.{g.r.randint(0, 99):02d}")
            elif c == "status":
                row.append(g.ch(["active", "churned", "trial", "lead", "VIP"]))
            elif c == "last_ip":
                row.append(E("IP_ADDRESS", g.ip()))
            elif c == "national_id":
                if p.loc == "US":
                    row.append(E("US_SSN", g.ssn()) if g.chance(0.7) else g.masked_ssn())
                else:
                    nid = g.national_id(p)
                    row.append(E("NATIONAL_ID", nid[1]) if nid else "")
            else:
                row.append(g.ch(["", "", "prefers email", "called re: invoice " + g.order_no(), "VIP - do not upsell",
                                 "asked about " + g.ch(ORG_NEGATIVES) + " partnership"]))
        d.csv_row(row, sep)
    return d


def doc_json_api(g: Gen) -> Doc:
    d = Doc("json_api", ["customer_data"], code=True)
    p = g.person()
    v = g.ch(["request", "webhook", "profile", "checkout"])
    if v == "request":
        d.f("POST /v2/customers HTTP/1.1\nHost: api.⟦dom⟧\nContent-Type: application/json\nX-Request-Id: ⟦rid⟧\n\n",
            dom=g.ch(COMPANIES)[1], rid=g.uuid())
        line1, city, pc = g.street_parts(p.loc)
        obj = {"first_name": E("PERSON", p.first), "last_name": E("PERSON", p.last), "email": E("EMAIL", g.email(p)),
               "phone": E("PHONE", g.phone(p.loc)),
               "address": {"line1": E("ADDRESS", line1), "city": city, "postal_code": pc, "country": p.loc if p.loc != "UK" else "GB"},
               "marketing_opt_in": g.chance(0.5), "locale": g.ch(["en-US", "de-DE", "fr-FR", "pt-BR", "ja-JP"])}
        if g.chance(0.4):
            obj["date_of_birth"] = E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc, "iso"))
        d.json(obj)
    elif v == "webhook":
        obj = {"id": "evt_" + g.b62(24), "type": g.ch(["customer.updated", "charge.succeeded", "invoice.paid"]), "created": g.r.randint(1_700_000_000, 1_760_000_000),
               "data": {"object": {"id": g.stripe_object(), "customer": "cus_" + g.b62(14), "billing_details": {
                   "name": E("PERSON", p.full), "email": E("EMAIL", g.email(p)), "phone": E("PHONE", g.phone(p.loc)),
                   "address": E("ADDRESS", g.address(p.loc, oneline=True))},
                   "payment_method_details": {"card": {"brand": "visa", "last4": g.digits(4), "exp_month": g.r.randint(1, 12), "exp_year": g.r.randint(2025, 2031)}},
                   "receipt_email": E("EMAIL", g.email(p)) if g.chance(0.3) else g.example_email()}},
               "request": {"id": "req_" + g.b62(14), "idempotency_key": g.uuid()}}
        d.json(obj)
    elif v == "profile":
        d.t(g.ch(["Here's the response from GET /api/users/me, why is `roles` empty?\n\n", "Response body:\n", ""]))
        obj = {"id": g.uuid(), "username": g.ch(["mkoch", "jdoe_88", "sunny.dev", "k.nakamura"]), "displayName": E("PERSON", p.full),
               "emails": [{"value": E("EMAIL", g.email(p)), "primary": True}, {"value": g.example_email(), "primary": False}],
               "phoneNumbers": [E("PHONE", g.phone(p.loc))], "roles": [], "lastLogin": {"at": when(g), "ip": E("IP_ADDRESS", g.ip())},
               "etag": f'W/"{g.md5()}"'}
        if g.chance(0.4):
            obj["session"] = {"token": E("JWT", g.jwt(p)), "expires_in": 3600}
        d.json(obj, indent=g.ch([2, 4]))
    else:
        obj = {"orderId": g.order_no(), "customer": {"fullName": E("PERSON", p.full), "email": E("EMAIL", g.email(p)), "phone": E("PHONE", g.phone(p.loc))},
               "shipping": {"address": E("ADDRESS", g.address(p.loc, oneline=True)), "method": g.ch(["DHL Express", "UPS Ground", "standard"])},
               "payment": {"cardNumber": E("CREDIT_CARD", g.card(fmt="plain")), "expiry": g.card_expiry(), "cvv": g.digits(3), "holder": E("PERSON", p.upper_full)},
               "items": [{"sku": f"SKU-{g.digits(5)}", "qty": g.r.randint(1, 3), "price": round(g.r.uniform(5, 300), 2)}],
               "traceId": g.hexs(32)}
        d.t(g.ch(["Checkout payload that failed validation (400):\n", "debug dump:\n", ""]))
        d.json(obj, indent=g.ch([2, None]))
    d.t("\n")
    return d


# --------------------------------------------------------------------------------------------
# Document families: logs and technical pastes
# --------------------------------------------------------------------------------------------

MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.{b}.{p} Safari/537.36",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
       "curl/8.5.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0", "kube-probe/1.29"]


def ua(g: Gen) -> str:
    return g.ch(UAS).format(c=g.r.randint(118, 131), b=g.r.randint(5000, 6800), p=g.r.randint(10, 200))


def clf_time(g: Gen) -> str:
    y, m, d = g.date(2024, 2025)
    return f"{d:02d}/{MONTH_ABBR[m - 1]}/{y}:{g.r.randint(0, 23):02d}:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d} +0000"


def doc_access_log(g: Gen) -> Doc:
    d = Doc("access_log", ["customer_data"], code=True)
    kind = g.ch(["nginx", "nginx", "auth", "alb"])
    users = [g.person() for _ in range(3)]
    for _ in range(g.r.randint(5, 12)):
        if kind == "auth":
            y, m, dd = g.date(2025, 2025)
            ts = f"{MONTH_ABBR[m - 1]} {dd:2d} {g.r.randint(0, 23):02d}:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d}"
            d.f("⟦ts⟧ bastion-01 sshd[⟦pid⟧]: ", ts=ts, pid=g.r.randint(1000, 65000))
            d.f(g.ch(["Failed password for ⟦u⟧ from ⟦ip⟧ port ⟦port⟧ ssh2\n", "Accepted publickey for ⟦u⟧ from ⟦ip⟧ port ⟦port⟧ ssh2: ED25519 SHA256:⟦fp⟧\n",
                      "Invalid user ⟦u⟧ from ⟦ip⟧ port ⟦port⟧\n", "Connection closed by ⟦lo⟧ port ⟦port⟧ [preauth]\n"]),
                u=g.ch(["root", "deploy", "ubuntu", "admin", "git"]), ip=E("IP_ADDRESS", g.ip()), port=g.r.randint(30000, 65000),
                fp=base64.b64encode(g.rbytes(32)).decode().rstrip("="), lo="127.0.0.1")
            continue
        client = E("IP_ADDRESS", g.ip()) if g.chance(0.85) else g.ch(["127.0.0.1", "::1"])
        u = g.ch(users)
        path = g.ch(["/api/v1/orders?page=2", "/login", "/static/app.3f9c2b.js", "/healthz", "/api/v1/users/⟦uid⟧",
                     "/api/v1/users?email=⟦em⟧", "/reset-password?email=⟦em⟧&token=⟦tok⟧", "/checkout/confirm",
                     "/track?order=⟦o⟧"])
        path_item = [path]
        if "⟦" in path:
            tmp = Doc("x")
            tmp.f(path, uid=g.uuid(), em=E("EMAIL", g.email(u)), tok=g.hexs(32), o=g.order_no())
            # rebuild as template items so the email keeps its label
            parts, pos, bt = [], 0, tmp.text.encode()
            for t, s, e in tmp.spans:
                parts.append(bt[pos:s].decode())
                parts.append(E(t, bt[s:e].decode()))
                pos = e
            parts.append(bt[pos:].decode())
            path_item = parts
        status = g.ch([200, 200, 200, 201, 302, 304, 401, 403, 404, 500])
        if kind == "nginx":
            d.f('⟦ip⟧ - - [⟦ts⟧] "⟦m⟧ ⟦p⟧ HTTP/1.1" ⟦st⟧ ⟦sz⟧ "-" "⟦ua⟧"\n', ip=client, ts=clf_time(g), m=g.ch(["GET", "GET", "POST"]),
                p=path_item, st=status, sz=g.r.randint(0, 50000), ua=ua(g))
        else:
            d.f('https ⟦t⟧ app/prod-alb/⟦h⟧ ⟦ip⟧:⟦port⟧ ⟦tgt⟧:8080 0.001 0.0⟦ms⟧ 0.000 ⟦st⟧ ⟦st⟧ 512 ⟦sz⟧ "⟦m⟧ https://api.brightwave.io:443⟦p⟧ HTTP/2.0" "⟦ua⟧" - - ⟦arn⟧ "Root=1-⟦x⟧-⟦y⟧"\n',
                t=when(g), h=g.hexs(16), ip=client, port=g.r.randint(30000, 65000), tgt=E("IP_ADDRESS", g.ip_private()), ms=g.r.randint(10, 99),
                st=status, sz=g.r.randint(100, 9000), m=g.ch(["GET", "POST"]), p=path_item, ua=ua(g),
                arn=g.arn().replace("iam::", "elasticloadbalancing:eu-west-1:").split(":role")[0] + ":targetgroup/api/" + g.hexs(16),
                x=g.hexs(8), y=g.hexs(24))
    return d


def doc_app_log(g: Gen) -> Doc:
    d = Doc("app_log", ["customer_data"], code=True)
    fmt = g.ch(["json", "text", "java"])
    svc = g.ch(["checkout-api", "auth-service", "billing-worker", "notifications", "crm-sync"])
    for _ in range(g.r.randint(4, 9)):
        p = g.person()
        ev = g.ch(["login_ok", "login_failed", "password_reset", "email_sent", "db_retry", "payment_declined", "debug_dump"])
        lvl = {"login_failed": "WARN", "db_retry": "ERROR", "payment_declined": "WARN", "debug_dump": "DEBUG"}.get(ev, "INFO")
        if fmt == "json":
            obj = {"ts": when(g), "level": lvl.lower(), "service": svc, "event": ev, "trace_id": g.hexs(32), "span_id": g.hexs(16)}
            if ev in ("login_ok", "login_failed", "password_reset"):
                obj.update({"user": E("EMAIL", g.email(p)), "ip": E("IP_ADDRESS", g.ip()), "ua": ua(g)})
            elif ev == "email_sent":
                obj.update({"to": E("EMAIL", g.email(p)), "from": g.role_email(), "template": "order_shipped", "msg_id": f"<{g.uuid()}@mail.brightwave.io>"})
            elif ev == "db_retry":
                obj.update({"error": Cat(["could not connect to ", E("CONNECTION_STRING", g.connection_string("postgres")), ": timeout"]), "attempt": g.r.randint(1, 5)})
            elif ev == "payment_declined":
                obj.update({"customer": "cus_" + g.b62(14), "card": g.masked_card(), "amount": g.r.randint(100, 90000), "decline_code": "insufficient_funds"})
            else:
                obj.update({"headers": {"authorization": Cat(["Bearer ", E("JWT", g.jwt(p))]), "x-forwarded-for": E("IP_ADDRESS", g.ip_public()), "host": "api.brightwave.io"}})
            d.json(obj, indent=None)
            d.t("\n")
        elif fmt == "text":
            d.f("⟦ts⟧ ⟦lvl⟧ [⟦svc⟧] ⟦tid⟧ ", ts=when(g).replace("T", " ").replace("Z", ""), lvl=lvl.ljust(5), svc=svc, tid=g.hexs(16))
            if ev in ("login_ok", "login_failed", "password_reset"):
                d.f("⟦e⟧ user=⟦em⟧ ip=⟦ip⟧ name=\"⟦n⟧\"\n", e=ev, em=E("EMAIL", g.email(p)), ip=E("IP_ADDRESS", g.ip()), n=P(p.full))
            elif ev == "db_retry":
                d.f("retrying connection to ⟦c⟧ (attempt ⟦a⟧/5)\n", c=E("CONNECTION_STRING", g.connection_string()), a=g.r.randint(1, 5))
            elif ev == "email_sent":
                d.f("sent template=welcome to=⟦em⟧ via ⟦h⟧\n", em=E("EMAIL", g.email(p)), h="smtp.sendgrid.net:587")
            else:
                d.f("⟦e⟧ order=⟦o⟧ card=⟦mc⟧ uuid=⟦u⟧\n", e=ev, o=g.order_no(), mc=g.masked_card(), u=g.uuid())
        else:
            d.f("⟦ts⟧ ⟦lvl⟧ 1 --- [nio-8080-exec-⟦n⟧] c.b.⟦svc⟧.UserController : ", ts=when(g).replace("Z", "+00:00"), lvl=lvl,
                n=g.r.randint(1, 10), svc=svc.split("-")[0])
            if ev in ("login_ok", "login_failed", "password_reset", "email_sent"):
                d.f("Processing ⟦e⟧ for User{id=⟦id⟧, name='⟦n⟧', email='⟦em⟧', phone='⟦ph⟧'} from ⟦ip⟧\n", e=ev, id=g.r.randint(1000, 99999),
                    n=P(p.full), em=E("EMAIL", g.email(p)), ph=E("PHONE", g.phone(p.loc)), ip=E("IP_ADDRESS", g.ip()))
            else:
                d.f("HikariPool-1 - Exception during pool initialization for url=⟦c⟧\n", c=E("CONNECTION_STRING", g.connection_string("jdbc")))
    return d


def lang_comment(lang: str) -> str:
    return "#" if lang in ("python", "yaml", "env", "shell", "toml", "ini", "tf", "docker", "properties") else "//"


def doc_code_secret(g: Gen) -> Doc:
    d = Doc("code_secret", [], code=True)
    lang = g.ch(["python", "python", "js", "ts", "go", "java", "csharp", "php"])
    secs = make_secrets(g, g.ch([1, 2, 3, 3, 4]))
    if lang == "python":
        d.t(g.ch(["import os\nimport requests\n", "import os\nimport boto3\nfrom openai import OpenAI\n", "import logging\nimport psycopg2\n"]) + "\n")
        d.t(g.ch(["# TODO: move to vault before release\n", "# config (temporary)\n", ""]))
        for s in secs:
            emit_kv(d, g, "python", s)
        d.f('REGION = os.getenv("AWS_REGION", "eu-west-1")\nSUPPORT = "⟦sup⟧"\n\n', sup=g.role_email())
        d.t(g.ch(['def fetch_orders(session_id: str):\n    """Pull the last 50 orders for the dashboard."""\n'
                  '    resp = requests.get(\n        "https://api.brightwave.io/v1/orders",\n        headers={"Authorization": f"Bearer {API_TOKEN}"},\n'
                  '        params={"limit": 50, "session": session_id},\n        timeout=10,\n    )\n    resp.raise_for_status()\n    return resp.json()["data"]\n',
                  'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n\n\ndef summarise(text):\n    return client.chat.completions.create(\n'
                  '        model="gpt-4o-mini", messages=[{"role": "user", "content": text}]\n    ).choices[0].message.content\n',
                  'def get_conn():\n    return psycopg2.connect(DATABASE_URL, connect_timeout=5)\n']))
    elif lang in ("js", "ts"):
        d.t(g.ch(["const express = require('express');\nconst axios = require('axios');\n\n", "import Stripe from 'stripe';\nimport { WebClient } from '@slack/web-api';\n\n"]))
        if lang == "ts" or g.chance(0.4):
            d.t("export const config = {\n")
            for s in secs:
                emit_kv(d, g, "ts", s, ind="  ")
            d.t("  region: process.env.AWS_REGION ?? 'us-east-1',\n  sentryRelease: '" + g.sha1()[:12] + "',\n};\n\n")
        else:
            for s in secs:
                emit_kv(d, g, "js", s)
            d.t("\n")
        d.t(g.ch(["app.post('/webhook', async (req, res) => {\n  const sig = req.headers['stripe-signature'];\n  // TODO verify sig\n  res.sendStatus(200);\n});\n",
                  "async function notify(text) {\n  await axios.post(process.env.SLACK_WEBHOOK_URL, { text });\n}\n",
                  "export default async function handler(req, res) {\n  const r = await fetch(`https://maps.googleapis.com/maps/api/geocode/json?address=${encodeURIComponent(req.query.q)}`);\n  res.json(await r.json());\n}\n"]))
    elif lang == "go":
        d.t("package main\n\nimport (\n\t\"database/sql\"\n\t\"log\"\n\t\"os\"\n\n\t_ \"github.com/lib/pq\"\n)\n\nvar (\n")
        for s in secs:
            emit_kv(d, g, "go", s, ind="\t")
        d.t('\tregion = os.Getenv("AWS_REGION")\n)\n\nfunc main() {\n\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tdefer db.Close()\n\tlog.Printf("connected, build=%s", "' + g.sha1()[:7] + '")\n}\n')
    elif lang == "java":
        d.t("package com.brightwave.billing;\n\nimport java.net.http.HttpClient;\n\npublic class " + g.ch(["PaymentGateway", "MailConfig", "StorageClient", "ApiKeys"]) + " {\n")
        for s in secs:
            emit_kv(d, g, "java", s, ind="    ")
        d.t('    private static final String REGION = System.getenv("AWS_REGION");\n    private static final String TRACE = "' + g.uuid() + '";\n\n'
            '    public HttpClient client() {\n        return HttpClient.newBuilder().build();\n    }\n}\n')
    elif lang == "csharp":
        d.t("namespace Brightwave.Integrations\n{\n    public static class Secrets\n    {\n")
        for s in secs:
            emit_kv(d, g, "csharp", s, ind="        ")
        d.t('        public static string Region => Environment.GetEnvironmentVariable("AZURE_REGION") ?? "westeurope";\n    }\n}\n')
    else:
        d.t("<?php\n// wp-config.php excerpt\n")
        for s in secs:
            k = kname(s.key, "upper")
            d.f("define( '⟦k⟧', '⟦v⟧' );\n", k=k, v=escape_newlines(s.item) if s.ml else s.item)
        d.t("define( 'WP_DEBUG', false );\n$table_prefix = 'wp_';\n")
    if g.chance(0.3):
        d.f("\n⟦c⟧ example: ⟦k⟧=⟦v⟧\n", c=lang_comment(lang), k=g.placeholder_secret()[0], v=g.placeholder_secret()[1])
    return d


def doc_env_file(g: Gen) -> Doc:
    d = Doc("env_file", [], code=True)
    if g.chance(0.2):      # ~/.aws/credentials (INI)
        d.t(g.ch(["cat ~/.aws/credentials\n", "# ~/.aws/credentials\n", ""]))
        for prof in g.r.sample(["default", "prod", "staging", "billing-ro"], g.r.randint(1, 2)):
            d.f("[⟦p⟧]\naws_access_key_id = ⟦a⟧\naws_secret_access_key = ⟦s⟧\n", p=prof, a=E("AWS_ACCESS_KEY", g.aws_access_key()),
                s=E("AWS_SECRET_KEY", g.aws_secret_key()))
            if g.chance(0.3):
                d.t(f"region = eu-west-1\nrole_arn = {g.arn()}\n")
            d.t("\n")
        return d
    d.t(g.ch(["# .env\n", "# .env.production\n", "", "# copied from the staging box, do not commit\n", "Here is my .env, why does the app not pick up the DB?\n\n"]))
    lines = [neutral_kv(g) for _ in range(g.r.randint(3, 8))] + make_secrets(g, g.r.randint(3, 6))
    g.r.shuffle(lines)
    for s in lines:
        if g.chance(0.12):
            d.t(g.ch(["\n# --- database ---\n", "\n# Third-party APIs\n", "# TODO rotate\n"]))
        emit_kv(d, g, "env", s)
    return d


def doc_yaml_config(g: Gen) -> Doc:
    d = Doc("yaml_config", [], code=True)
    v = g.ch(["k8s", "compose", "gha", "gitlab", "spring", "helm"])
    secs = make_secrets(g, g.r.randint(2, 4))
    if v == "k8s":
        d.f("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ⟦n⟧\n  namespace: ⟦ns⟧\ntype: Opaque\nstringData:\n", n=g.ch(["api-secrets", "db-credentials", "app-env"]), ns=g.ch(["prod", "default", "payments"]))
        for s in secs:
            emit_kv(d, g, "yaml", s, style="upper", ind="  ")
        d.t("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n"
            f"          image: ghcr.io/brightwave/api@{g.image_digest()}\n          env:\n            - name: LOG_LEVEL\n              value: info\n"
            "            - name: REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: redis\n                  key: password\n")
    elif v == "compose":
        d.t("services:\n  db:\n    image: postgres:16.2\n    environment:\n")
        pw = E("PASSWORD", g.password()) if g.chance(0.7) else "${POSTGRES_PASSWORD}"
        d.f("      POSTGRES_USER: ⟦u⟧\n      POSTGRES_PASSWORD: '⟦p⟧'\n    ports:\n      - \"127.0.0.1:5432:5432\"\n  api:\n    build: .\n    environment:\n",
            u=g.db_user(), p=pw)
        for s in secs:
            emit_kv(d, g, "yaml", s, style="upper", ind="      ")
        d.t("      LOG_LEVEL: debug\n    depends_on: [db]\n")
    elif v == "gha":
        d.t("name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-22.04\n    env:\n")
        for s in secs:
            emit_kv(d, g, "yaml", s, style="upper", ind="      ")
        d.t("      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n    steps:\n      - uses: actions/checkout@" + g.sha1() + "\n      - run: ./scripts/deploy.sh\n")
    elif v == "gitlab":
        d.t("variables:\n")
        for s in secs:
            emit_kv(d, g, "yaml", s, style="upper", ind="  ")
        d.t('  DOCKER_DRIVER: overlay2\n\ndeploy:\n  stage: deploy\n  image: alpine:3.19\n  script:\n    - apk add --no-cache curl\n    - curl -X POST "$DEPLOY_HOOK"\n  only: [main]\n')
    elif v == "spring":
        d.t("spring:\n  datasource:\n")
        d.f("    url: ⟦u⟧\n    username: ⟦usr⟧\n    password: ⟦pw⟧\n", u=g.ch([E("CONNECTION_STRING", g.connection_string("jdbc")), "jdbc:postgresql://localhost:5432/app"]),
            usr=g.db_user(), pw=g.ch([E("PASSWORD", g.password()), "${DB_PASSWORD}"]))
        d.t("  mail:\n    host: smtp.office365.com\n    port: 587\napp:\n")
        for s in secs:
            emit_kv(d, g, "yaml", s, style="kebab", ind="  ")
    else:
        d.t("# values-prod.yaml\nreplicaCount: 3\nimage:\n  repository: brightwave/api\n  tag: \"" + g.version().lstrip("v") + "\"\nsecrets:\n")
        for s in secs:
            emit_kv(d, g, "yaml", s, style="camel", ind="  ")
        d.t("ingress:\n  hosts:\n    - api.brightwave.io\n")
    return d


def doc_terraform(g: Gen) -> Doc:
    d = Doc("terraform", [], code=True)
    v = g.ch(["aws", "azure", "db", "vars"])
    if v == "aws":
        acc = E("AWS_ACCESS_KEY", g.aws_access_key())
        sec = E("AWS_SECRET_KEY", g.aws_secret_key())
        d.f('provider "aws" {\n  region     = "eu-west-1"\n  access_key = "⟦a⟧"\n  secret_key = "⟦s⟧"\n}\n\n', a=acc, s=sec)
        d.f('resource "aws_s3_bucket" "exports" {\n  bucket = "crm-exports-⟦n⟧"\n}\n\nresource "aws_iam_role_policy_attachment" "ro" {\n  role       = "⟦arn⟧"\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n',
            n=g.digits(4), arn=g.arn())
    elif v == "azure":
        d.f('resource "azurerm_key_vault_secret" "sp" {\n  name         = "sp-client-secret"\n  value        = "⟦s⟧"\n  key_vault_id = azurerm_key_vault.main.id\n}\n\n',
            s=E("AZURE_KEY", g.azure_entra_secret()))
        d.f('provider "azurerm" {\n  features {}\n  subscription_id = "⟦u1⟧"\n  tenant_id       = "⟦u2⟧"\n  client_id       = "⟦u3⟧"\n  client_secret   = var.client_secret\n}\n',
            u1=g.uuid(), u2=g.uuid(), u3=g.uuid())
        if g.chance(0.5):
            d.f('\nlocals {\n  storage_key = "⟦k⟧"\n}\n', k=E("AZURE_KEY", g.azure_storage_key()))
    elif v == "db":
        d.f('resource "aws_db_instance" "main" {\n  identifier        = "orders-prod"\n  engine            = "postgres"\n  engine_version    = "15.5"\n  instance_class    = "db.t3.medium"\n'
            '  username          = "⟦u⟧"\n  password          = "⟦p⟧"\n  allocated_storage = 100\n  vpc_security_group_ids = [aws_security_group.db.id]\n}\n\n'
            'resource "aws_security_group_rule" "egress" {\n  type        = "egress"\n  cidr_blocks = ["0.0.0.0/0"]\n  from_port   = 0\n  to_port     = 0\n  protocol    = "-1"\n}\n',
            u=g.db_user(), p=E("PASSWORD", g.password()))
    else:
        for s in make_secrets(g, g.r.randint(2, 3)):
            d.f('variable "⟦k⟧" {\n  type      = string\n  sensitive = true\n  default   = ', k=kname(s.key, "lower"))
            if s.ml:
                d.f("<<-EOT\n⟦v⟧\nEOT\n}\n\n", v=s.item)
            else:
                d.f('"⟦v⟧"\n}\n\n', v=s.item)
        d.t('variable "region" {\n  default = "us-east-1"\n}\n')
    return d


def doc_sql_insert(g: Gen) -> Doc:
    d = Doc("sql_insert", ["customer_data"], code=True)
    tbl = g.ch(["customers", "users", "patients_import", "contacts", "crm.leads"])
    cols = ["id", "first_name", "last_name", "email", "phone"] + g.r.sample(["birth_date", "address", "ssn", "created_at", "card_number", "iban", "signup_ip"], 2)
    d.t(g.ch(["-- seed data for staging (copied from prod dump)\n", "-- why does this insert fail with duplicate key?\n", ""]))
    d.t(f"INSERT INTO {tbl} ({', '.join(cols)}) VALUES\n")
    n = g.r.randint(2, 6)
    for i in range(n):
        p = g.person(g.ch(["US", "UK", "DE", "FR", "IT", "IN", None]) or g.loc())
        vals: list = []
        for c in cols:
            if c == "id":
                vals.append(str(g.r.randint(1000, 99999)))
                continue
            item = {"first_name": P(p.first), "last_name": P(p.last), "email": E("EMAIL", g.email(p)), "phone": E("PHONE", g.phone(p.loc)),
                    "birth_date": E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc, "iso")), "address": E("ADDRESS", g.address(p.loc, oneline=True)),
                    "ssn": E("US_SSN", g.ssn()) if p.loc == "US" else "NULL", "created_at": when(g).replace("T", " ").rstrip("Z"),
                    "card_number": E("CREDIT_CARD", g.card(fmt="plain")), "iban": E("IBAN", g.iban(grouped=False)),
                    "signup_ip": E("IP_ADDRESS", g.ip())}[c]
            vals.append(item if item == "NULL" else ["'", SQ(item), "'"])
        d.t("  (")
        for j, v in enumerate(vals):
            if j:
                d.t(", ")
            d.put(v)
        d.t(")" + (",\n" if i < n - 1 else ";\n"))
    if g.chance(0.4):
        d.f("\nUPDATE users SET email = '⟦e⟧' WHERE id = ⟦i⟧;\n", e=g.example_email(), i=g.r.randint(1, 999))
    return d


def doc_stack_trace(g: Gen) -> Doc:
    d = Doc("stack_trace", [], code=True)
    v = g.ch(["python", "java", "node"])
    d.t(g.ch(["Getting this error in prod, any idea?\n\n", "", "Stack trace:\n"]))
    if v == "python":
        conn = g.connection_string(g.ch(["postgres", "mysql"]))
        d.t('Traceback (most recent call last):\n  File "/srv/app/.venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 145, in __init__\n'
            '    self._dbapi_connection = engine.raw_connection()\n  File "/srv/app/worker.py", line 88, in sync_customers\n    engine = create_engine(')
        d.f('"⟦c⟧")\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "⟦ip⟧", port 5432 failed: FATAL:  password authentication failed for user "app"\n',
            c=E("CONNECTION_STRING", conn), ip=E("IP_ADDRESS", g.ip_private()))
        d.t(f"(Background on this error at: https://sqlalche.me/e/20/e3q8)\n")
        if g.chance(0.5):
            p = g.person()
            d.f("\nDuring handling of the above exception, the task payload was: {'customer': '⟦n⟧', 'email': '⟦e⟧', 'request_id': '⟦u⟧'}\n",
                n=P(p.full), e=E("EMAIL", g.email(p)), u=g.uuid())
    elif v == "java":
        p = g.person()
        d.f('org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [uk_users_email]\n'
            '  Detail: Key (email)=(⟦e⟧) already exists.\n\tat org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:97)\n'
            '\tat com.brightwave.users.UserService.register(UserService.java:142)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)\n', e=E("EMAIL", g.email(p)))
        if g.chance(0.6):
            d.f("Caused by: java.sql.SQLException: Access denied; url=⟦c⟧\n", c=E("CONNECTION_STRING", g.connection_string("jdbc")))
    else:
        s = make_secret(g, g.ch(["STRIPE_KEY", "OPENAI_API_KEY", "JWT", "ANTHROPIC_API_KEY", "GITHUB_TOKEN"]))[0]
        d.t("AxiosError: Request failed with status code 401\n    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)\n"
            "    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:589:11) {\n  code: 'ERR_BAD_REQUEST',\n  config: {\n    headers: {\n"
            "      Accept: 'application/json',\n")
        d.f("      Authorization: 'Bearer ⟦t⟧',\n      'User-Agent': 'axios/1.6.8'\n    },\n    url: 'https://api.example.com/v1/charges',\n    method: 'post'\n  },\n"
            "  request_id: '⟦rid⟧'\n}\n", t=s.item, rid="req_" + g.b62(14))
    return d


def doc_shell_history(g: Gen) -> Doc:
    d = Doc("shell_history", [], code=True)
    n0 = g.r.randint(100, 2000)
    cmds = []
    for _ in range(g.r.randint(5, 11)):
        c = g.ch(["ls", "git", "ssh", "export", "curl", "psql", "mysql", "docker", "aws", "kubectl", "gh", "scp"])
        cmds.append(c)
    numbered = g.chance(0.6)
    d.t(g.ch(["$ history | tail -n 20\n", "", "~/.bash_history:\n", "Here's what I ran before it broke:\n"]))
    for i, c in enumerate(cmds):
        d.t(f"{n0 + i:5d}  " if numbered else "")
        if c == "ls":
            d.t(g.ch(["ls -la", "cd ~/projects/api && git status", "vim .env", "cat /etc/hosts", "df -h"]) + "\n")
        elif c == "git":
            d.t(g.ch([f"git checkout {g.sha1()[:8]}", "git pull --rebase origin main", f"git cherry-pick {g.sha1()}", "git log --oneline -5"]) + "\n")
        elif c == "ssh":
            d.f("ssh -i ~/.ssh/id_ed25519 ⟦u⟧@⟦ip⟧\n", u=g.ch(["ubuntu", "deploy", "ec2-user", "root"]), ip=E("IP_ADDRESS", g.ip()))
        elif c == "export":
            s = make_secret(g, allow_ml=False)[0]
            emit_kv(d, g, "shell", s)
        elif c == "curl":
            s = make_secret(g, g.ch(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "STRIPE_KEY", "GITHUB_TOKEN", "JWT", "SLACK_TOKEN", "GITLAB_TOKEN"]))[0]
            hdr = {"ANTHROPIC_API_KEY": "x-api-key: ", "GITLAB_TOKEN": "PRIVATE-TOKEN: "}.get(s.item.type, "Authorization: Bearer ")
            url = {"OPENAI_API_KEY": "https://api.openai.com/v1/models", "ANTHROPIC_API_KEY": "https://api.anthropic.com/v1/messages",
                   "STRIPE_KEY": "https://api.stripe.com/v1/charges?limit=3", "GITHUB_TOKEN": "https://api.github.com/user/repos",
                   "SLACK_TOKEN": "https://slack.com/api/auth.test", "GITLAB_TOKEN": "https://gitlab.com/api/v4/projects"}.get(s.item.type, "https://api.brightwave.io/v1/me")
            if s.item.type == "STRIPE_KEY" and g.chance(0.5):
                d.f("curl ⟦u⟧ -u ⟦k⟧:\n", u=url, k=s.item)
            else:
                d.f('curl -s ⟦u⟧ -H "⟦h⟧⟦k⟧"\n', u=url, h=hdr, k=s.item)
        elif c == "psql":
            d.f('psql "⟦c⟧" -c "select count(*) from orders"\n', c=E("CONNECTION_STRING", g.connection_string("postgres")) if g.chance(0.8) else g.placeholder_conn())
        elif c == "mysql":
            d.f("mysql -h ⟦h⟧ -u ⟦u⟧ -p'⟦p⟧' ⟦db⟧\n", h=E("IP_ADDRESS", g.ip_private()), u=g.db_user(), p=E("PASSWORD", g.password()), db="crm")
        elif c == "docker":
            d.f(g.ch(["docker login -u ⟦u⟧ -p ⟦p⟧\n", "docker pull brightwave/api@⟦dg⟧\n", "docker run -e POSTGRES_PASSWORD=⟦pw⟧ -p 127.0.0.1:5432:5432 postgres:16\n"]),
                u=g.ch(["bwdeploy", "ci-bot"]), p=E("GENERIC_SECRET", "dckr_pat_" + g.b64url(26) + g.b62(1)), dg=g.image_digest(), pw=E("PASSWORD", g.password()))
        elif c == "aws":
            d.t(g.ch(["aws sts get-caller-identity", f"aws s3 ls s3://crm-exports-{g.digits(4)}/", f"aws iam list-attached-role-policies --role-name deploy", "aws configure list"]) + "\n")
        elif c == "kubectl":
            d.t(g.ch(["kubectl get pods -n prod", "kubectl -n prod logs deploy/api --since=1h | grep ERROR",
                      "kubectl create secret generic db --from-literal=password=$DB_PASSWORD"]) + "\n")
        elif c == "gh":
            s = make_secret(g, "GITHUB_TOKEN")[0]
            d.f("echo ⟦t⟧ | gh auth login --with-token\n", t=s.item)
        else:
            d.f("scp backup.sql.gz ⟦u⟧@⟦ip⟧:/tmp/\n", u="deploy", ip=E("IP_ADDRESS", g.ip()))
    return d


def doc_chat(g: Gen) -> Doc:
    d = Doc("chat", [])
    a, b = g.person(g.ch(["US", "UK", "DE", "IN", "NL", "FR"])), g.person(g.ch(["US", "UK", "DE", "IN", "ES", "BR"]))
    v = g.ch(["creds", "creds", "customer", "hr", "health"])
    hh = g.r.randint(8, 17)

    def line(who: Person, tmpl: str, **kw):
        nonlocal hh
        hh_s = f"[{hh:02d}:{g.r.randint(0, 59):02d}] " if g.chance(0.7) else ""
        d.f("⟦ts⟧⟦n⟧: ", ts=hh_s, n=P(g.ch([who.first, who.full])))
        d.f(tmpl + "\n", **kw)
    if v == "creds":
        d.cats.add("credentials")
        s = make_secret(g, allow_ml=False)[0]
        line(a, g.ch(["hey ⟦b⟧, do you have the ⟦k⟧ for staging? CI is red", "⟦b⟧ can you send me the prod ⟦k⟧? the vault is down again",
                      "@⟦b⟧ which ⟦k⟧ does the nightly job use?"]), b=P(b.first), k=kname(s.key, "lower").replace("_", " "))
        line(b, g.ch(["here: ⟦v⟧", "sure, it's ⟦v⟧ - please don't paste it anywhere", "`⟦v⟧`", "use this one ⟦v⟧\n(rotating it on friday)"]), v=s.item)
        if g.chance(0.5):
            pw = E("PASSWORD", g.password())
            line(a, g.ch(["thx! and the admin login for the grafana box?", "also the VPN pw?"]))
            line(b, g.ch(["user admin, password `⟦p⟧`", "temporary password is ⟦p⟧\nchange it after first login", "⟦p⟧ (same as last quarter)"]), p=pw)
        line(a, g.ch(["👍", "thanks!! works", "got it", f"ok. fyi build {g.sha1()[:7]} is green now"]))
    elif v == "customer":
        d.cats.add("customer_data")
        c = g.person()
        line(a, "customer ⟦n⟧ (⟦e⟧) says she never got the refund for ⟦o⟧, can you check?", n=P(c.full), e=E("EMAIL", g.email(c)), o=g.order_no())
        line(b, g.ch(["refund went out on ⟦dt⟧ to the card ⟦mc⟧", "I see two accounts, the other one has phone ⟦ph⟧ - same person?"]),
             dt=g.fmt_date(g.date(), "UK"), mc=g.masked_card(), ph=E("PHONE", g.phone(c.loc)))
        line(a, g.ch(["yes same person, merge them", "ok I'll tell her. her address is ⟦ad⟧ btw, for the return label"]),
             ad=E("ADDRESS", g.address(c.loc, oneline=True)))
    elif v == "hr":
        d.cats.add("hr")
        e = g.person(a.loc, "F")
        line(a, "FYI ⟦n⟧ handed in notice today, last day ⟦dt⟧. Please don't share yet.", n=P(e.full), dt=g.fmt_date(g.date(), a.loc))
        line(b, "ok. should payroll still pay to ⟦ib⟧ or did she send new details?", ib=E("IBAN", g.iban(IBAN_COUNTRY_OF.get(e.loc, "DE"))))
        line(a, "same account. her personal email for the leaver pack is ⟦em⟧", em=E("EMAIL", g.email(e)))
    else:
        d.cats.update(["hr", "health"])
        e = g.person(a.loc, "F")
        line(a, "heads up: ⟦n⟧ will be out for 3 weeks, she was diagnosed with ⟦c⟧. she asked us to keep it confidential",
             n=P(e.first), c=E("HEALTH_CONDITION", g.condition()))
        line(b, "oh no. ok, I'll move her sprint tickets. ⟦x⟧", x=g.ch(["🙏", "hope she's ok", "thanks for telling me"]))
    return d


def doc_http_request(g: Gen) -> Doc:
    d = Doc("http_request", [], code=True)
    p = g.person()
    tok = E("JWT", g.jwt(p))
    d.t(g.ch(["Copied as cURL from devtools:\n", "Request from the HAR file:\n", ""]))
    if g.chance(0.5):
        d.f("curl 'https://app.⟦dom⟧/api/graphql' \\\n  -H 'accept: */*' \\\n  -H 'authorization: Bearer ⟦t⟧' \\\n  -H 'cookie: _ga=GA1.1.⟦ga⟧; session=⟦sess⟧' \\\n"
            "  -H 'x-forwarded-for: ⟦ip⟧' \\\n  -H 'user-agent: ⟦ua⟧' \\\n  --data-raw '{\"query\":\"mutation{updateProfile(phone:\\\"⟦ph⟧\\\")}\"}'\n",
            dom=g.ch(COMPANIES)[1], t=tok, ga=g.digits(10) + "." + g.digits(10), sess=g.hexs(40), ip=E("IP_ADDRESS", g.ip_public()), ua=ua(g),
            ph=E("PHONE", g.phone(p.loc)))
    else:
        d.f("POST /oauth/token HTTP/1.1\nHost: auth.⟦dom⟧\nContent-Type: application/x-www-form-urlencoded\nX-Real-IP: ⟦ip⟧\ntraceparent: ⟦tp⟧\n\n"
            "grant_type=password&username=⟦em⟧&password=⟦pw⟧&client_id=⟦cid⟧\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n",
            dom=g.ch(COMPANIES)[1], ip=E("IP_ADDRESS", g.ip()), tp=g.traceparent(), em=E("EMAIL", g.email(p)), pw=E("PASSWORD", g.password()), cid=g.uuid())
        d.json({"access_token": tok, "token_type": "Bearer", "expires_in": 3600, "refresh_token": "def50200" + g.hexs(40)})
        d.t("\n")
    return d


def doc_key_paste(g: Gen) -> Doc:
    d = Doc("key_paste", [], code=True)
    v = g.ch(["raw", "raw", "gcp_json", "json_escaped", "ansible"])
    if v == "raw":
        d.t(g.ch(["cat ~/.ssh/id_rsa\n", "This key doesn't work with ssh, says invalid format:\n\n", "deploy key for the bastion:\n", ""]))
        d.e("PRIVATE_KEY", g.private_key())
        d.t("\n")
        if g.chance(0.4):
            d.f("\nssh -i key.pem ubuntu@⟦ip⟧ -> Permission denied (publickey)\n", ip=E("IP_ADDRESS", g.ip_public()))
    elif v == "gcp_json":
        proj = g.ch(["crm-prod-4471", "analytics-sandbox", "bw-data-platform"])
        d.json({"type": "service_account", "project_id": proj, "private_key_id": g.hexs(40),
                "private_key": E("PRIVATE_KEY", g.private_key("pkcs8")), "client_id": g.digits(21),
                "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
                "universe_domain": "googleapis.com"})
        d.t("\n")
    elif v == "json_escaped":
        d.t("Vault response:\n")
        d.json({"request_id": g.uuid(), "lease_id": "", "data": {"data": {"tls_key": E("PRIVATE_KEY", g.private_key(g.ch(["ec", "rsa"]))),
                                                                       "tls_cert_serial": ":".join(g.hexs(2) for _ in range(8))},
                                                              "metadata": {"version": g.r.randint(1, 9), "created_time": when(g)}}})
        d.t("\n")
    else:
        d.t("- name: install deploy key\n  copy:\n    dest: /home/deploy/.ssh/id_ed25519\n    mode: '0600'\n    content: |\n      ")
        d.e("PRIVATE_KEY", g.private_key("openssh").replace("\n", "\n      "))
        d.t("\n")
    return d


# --------------------------------------------------------------------------------------------
# Document families: identity, finance, HR
# --------------------------------------------------------------------------------------------

def doc_kyc(g: Gen) -> Doc:
    d = Doc("kyc", ["customer_data"])
    p = g.person()
    up = g.chance(0.3) and not p.native
    nat = {"UK": "GB", "US": "US"}.get(p.loc, p.loc)
    d.t(g.ch(["KYC verification record\n", "Customer onboarding – identity check\n", "=== ID scan OCR result ===\n", "Account opening form (retail)\n"]))
    d.t("-" * g.r.randint(20, 40) + "\n")
    rows = [("Surname", P(p.last.upper() if up else p.last)), ("Given names", P(p.first.upper() if up else p.first)),
            ("Date of birth", E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc))), ("Nationality", nat),
            ("Residential address", E("ADDRESS", g.address(p.loc)))]
    if g.chance(0.75):
        rows.append(("Passport No.", E("PASSPORT", g.passport(p.loc))))
        rows.append(("Passport expiry", g.fmt_date(g.date(2026, 2034), p.loc)))
    if g.chance(0.65):
        issuer, dl = g.driver_license(p)
        rows.append((g.ch([f"Driving licence ({issuer})", "Driver's license no.", "Führerschein-Nr." if p.loc == "DE" else "DL number"]), E("DRIVER_LICENSE", dl)))
    nid = g.national_id(p)
    if nid:
        rows.append((nid[0], E("NATIONAL_ID", nid[1])))
    elif p.loc == "US":
        rows.append(("SSN", E("US_SSN", g.ssn())))
    rows += [("Mobile", E("PHONE", g.phone(p.loc))), ("Email", E("EMAIL", g.email(p))),
             ("Source of funds", g.ch(["Salary", "Sale of property", "Inheritance", "Business income"])),
             ("PEP", "No"), ("Risk score", str(g.r.randint(5, 80))), ("Application ID", g.ulid()), ("Checked by", g.ch(["auto", "analyst-07", "ops-queue"]))]
    if g.chance(0.3):
        rows.append(("Vehicle registration", g.plate(p.loc)))
    keys_width = max(len(k) for k, _ in rows) + 2
    for k, v in rows:
        if isinstance(v, E) and "\n" in v.value:
            d.f("⟦k⟧\n⟦v⟧\n", k=(k + ":"), v=v)
        else:
            d.f("⟦k⟧⟦v⟧\n", k=(k + ":").ljust(keys_width), v=v)
    if g.chance(0.4):
        d.t(f"\nDocument check: MRZ OK, hologram OK, liveness score 0.{g.r.randint(80, 99)}. Session {g.uuid()}\n")
    return d


def bank_block(g: Gen, loc: str, holder) -> list:
    """Bank details in the customs of a country (IBAN/BIC in Europe, routing/account in the US, ...)."""
    if loc == "US":
        return ["Bank: ", g.ch(["Chase", "Bank of America", "Wells Fargo", "Citibank"]), "\nAccount name: ", holder, "\nRouting (ABA): ",
                E("US_ROUTING_NUMBER", g.routing()), "\nAccount #: ", E("BANK_ACCOUNT", g.bank_account("US")), "\nSWIFT: ", E("SWIFT_BIC", g.bic("US")), "\n"]
    if loc == "UK":
        return ["Bank: ", g.ch(["Barclays", "HSBC UK", "NatWest", "Lloyds"]), "\nAccount name: ", holder, "\nSort code: ", g.sort_code(),
                "\nAccount number: ", E("BANK_ACCOUNT", g.bank_account("UK")), "\nIBAN: ", E("IBAN", g.iban("GB")), "\nBIC: ", E("SWIFT_BIC", g.bic("UK")), "\n"]
    if loc == "IN":
        return ["Bank: ", g.ch(["HDFC Bank", "State Bank of India", "ICICI Bank"]), "\nA/c holder: ", holder, "\nA/c no.: ",
                E("BANK_ACCOUNT", g.bank_account("IN")), "\nIFSC: ", g.ifsc(), "\nSWIFT: ", E("SWIFT_BIC", g.bic("IN")), "\n"]
    if loc == "JP":
        return ["銀行: ", g.ch(["三菱UFJ銀行", "みずほ銀行", "三井住友銀行"]), " ", g.ch(["渋谷支店", "本店営業部"]), "\n口座種別: 普通\n口座番号: ",
                E("BANK_ACCOUNT", g.bank_account("JP")), "\n口座名義: ", holder, "\nSWIFT: ", E("SWIFT_BIC", g.bic("JP")), "\n"]
    if loc == "BR" and g.chance(0.6):
        return ["Banco: ", g.ch(["Itaú Unibanco", "Banco do Brasil", "Bradesco"]), "\nAgência: ", g.pat("####"), "\nConta corrente: ",
                E("BANK_ACCOUNT", g.bank_account("BR")), "\nFavorecido: ", holder, "\n"]
    cc = IBAN_COUNTRY_OF.get(loc) or g.ch(["BE", "AT", "CH", "IE", "PT", "PL", "SE", "DK", "NO", "FI", "LU"])
    bic_loc = {"GB": "UK"}.get(cc, cc)
    return [g.ch(["Account holder: ", "Beneficiary: ", "Kontoinhaber: "]), holder, "\nIBAN: ", E("IBAN", g.iban(cc)), "\nBIC: ", E("SWIFT_BIC", g.bic(bic_loc)), "\n"]


def doc_invoice(g: Gen) -> Doc:
    d = Doc("invoice", ["financial"])
    vendor = g.ch(COMPANIES)
    vloc = {"NO": "NL"}.get(vendor[2], vendor[2])
    client = g.ch([c for c in COMPANIES if c != vendor])
    contact = g.person(vloc if vloc in FIRST or vloc in CJK else "US")
    bill_to = g.person(client[2] if client[2] in FIRST or client[2] in CJK else "US")
    d.f("⟦v⟧\n⟦va⟧\nVAT ID: ⟦vat⟧\n\nINVOICE ⟦no⟧\nDate: ⟦dt⟧    Due: ⟦due⟧\n\nBill to:\n⟦cn⟧\nAttn: ⟦bt⟧\n⟦ca⟧\n\n",
        v=vendor[0], va=E("ADDRESS", g.address(vloc if vloc in LOCALES else "US")), vat=g.vat(), no=g.order_no().replace("#", "INV-"),
        dt=g.fmt_date(g.date(), vloc if vloc in LOCALES else "US"), due=g.fmt_date(g.date(), "UK"), cn=client[0], bt=P(bill_to.full),
        ca=E("ADDRESS", g.address(client[2] if client[2] in LOCALES else "US")))
    total = 0
    d.t("Description                          Qty    Unit     Amount\n")
    for _ in range(g.r.randint(1, 4)):
        q, u = g.r.randint(1, 40), g.r.randint(50, 1500)
        total += q * u
        d.t(f"{g.ch(['Consulting (hours)', 'License - annual', 'Freight DE->NL', 'Support retainer', 'Cloud hosting', 'Hardware: sensors']):<37}{q:<7}{u:<9}{q * u:.2f}\n")
    d.f("\nTotal due: EUR ⟦t⟧\nPayment reference: ⟦ref⟧\n\nPlease pay by bank transfer to:\n", t=f"{total:,.2f}", ref=g.order_no())
    d.put(bank_block(g, vloc if vloc in LOCALES else "DE", vendor[0]))
    if g.chance(0.3):
        d.f("\nAlternatively pay by card — we never store full card numbers; your card on file is ⟦mc⟧.\n", mc=g.masked_card())
    d.f("\nQuestions? ⟦c⟧, ⟦ph⟧, or ⟦re⟧\n", c=P(contact.full), ph=E("PHONE", g.phone(contact.loc)), re=g.role_email(vendor[1]))
    return d


def doc_wire(g: Gen) -> Doc:
    d = Doc("wire", ["financial"])
    p = g.person()
    sender = g.person()
    v = g.ch(["email", "form", "change"])
    if v == "change":
        d.f("Subject: URGENT - updated bank details\n\nHi ⟦f⟧,\n\nPlease note our bank details have changed effective immediately. Kindly update your records and "
            "send today's payment (⟦ref⟧) to the new account below:\n\n", f=P(sender.first), ref=g.order_no())
        d.put(bank_block(g, p.loc, P(p.full)))
        d.f("\nThanks,\n⟦n⟧\n", n=P(p.full))
        d.cats.add("customer_data")
        return d
    if v == "form":
        d.t("OUTGOING WIRE TRANSFER REQUEST\n\n")
        d.f("Originator: ⟦o⟧\nOriginator account: ⟦oa⟧\nAmount: USD ⟦amt⟧\nValue date: ⟦vd⟧\n\nBeneficiary name: ⟦b⟧\nBeneficiary address:\n⟦ba⟧\n",
            o=g.ch(COMPANIES)[0], oa=E("BANK_ACCOUNT", g.bank_account("US")), amt=f"{g.r.randint(1000, 900000):,}.00", vd=g.fmt_date(g.date(), "US"),
            b=P(p.full), ba=E("ADDRESS", g.address(p.loc)))
        d.put(bank_block(g, p.loc, P(p.full)))
        if g.chance(0.5):
            d.f("Intermediary bank SWIFT: ⟦ib⟧\n", ib=E("SWIFT_BIC", g.bic("US")))
        d.f("Purpose: ⟦pu⟧\nApproved by: ⟦ap⟧\n", pu=g.ch(["Invoice settlement", "Salary advance", "Property deposit"]), ap=P(g.person("US").full))
        return d
    d.f("Hi ⟦f⟧,\n\nAs discussed, here are the details for the transfer of the deposit:\n\n", f=P(sender.first))
    d.put(bank_block(g, p.loc, P(p.full)))
    d.f("\nReference: ⟦ref⟧ (please include it, otherwise the payment can't be matched)\n\nThanks!\n⟦n⟧\n", ref=g.order_no(), n=P(p.first))
    return d


def doc_hr_onboarding(g: Gen) -> Doc:
    d = Doc("hr_onboarding", ["hr"])
    p = g.person(g.ch(["US", "US", "US", "UK", "DE", "FR", "IN", "NL", "IT", "ES", "BR", "JP"]))
    comp = g.ch(COMPANIES)
    d.f("⟦c⟧ — New hire onboarding form\nEmployee ID: E⟦eid⟧   Start date: ⟦sd⟧   Department: ⟦dep⟧\n\n", c=comp[0], eid=g.digits(5),
        sd=g.fmt_date(g.date(2025, 2025), p.loc), dep=g.ch(["Engineering", "Finance", "Sales", "Operations"]))
    d.f("Legal name: ⟦n⟧\nPreferred name: ⟦pn⟧\nDate of birth: ⟦dob⟧\nHome address:\n⟦a⟧\nPersonal email: ⟦e⟧\nMobile: ⟦ph⟧\n",
        n=P(p.full), pn=P(p.first), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)), a=E("ADDRESS", g.address(p.loc)), e=E("EMAIL", g.email(p)),
        ph=E("PHONE", g.phone(p.loc)))
    if p.loc == "US":
        d.f("SSN: ⟦s⟧\nW-4 filing status: ⟦fs⟧\n", s=E("US_SSN", g.ssn()), fs=g.ch(["Single", "Married filing jointly"]))
    else:
        lbl, val = g.national_id(p)
        d.f("⟦l⟧: ⟦v⟧\n", l=lbl, v=E("NATIONAL_ID", val))
    if g.chance(0.4):
        d.f("Passport number (right-to-work check): ⟦pp⟧\n", pp=E("PASSPORT", g.passport(p.loc)))
    if g.chance(0.4):
        iss, dl = g.driver_license(p)
        d.f("Driver's license (company car): ⟦dl⟧ (⟦iss⟧)\n", dl=E("DRIVER_LICENSE", dl), iss=iss)
    d.t("\nDirect deposit\n")
    d.put(bank_block(g, p.loc, P(p.full)))
    ec = g.person(p.loc)
    d.f("\nEmergency contact: ⟦n⟧ (⟦rel⟧), ⟦ph⟧\n", n=P(ec.full), rel=g.ch(["spouse", "mother", "partner", "brother"]), ph=E("PHONE", g.phone(ec.loc)))
    if g.chance(0.3):
        d.f("Disclosed conditions for workplace adjustments: ⟦c⟧\n", c=E("HEALTH_CONDITION", g.condition(p.loc)))
    d.f("\nLaptop asset tag: ⟦tag⟧ | Badge: ⟦b⟧ | Manager: ⟦m⟧\n", tag=f"LT-{g.digits(5)}", b=g.digits(8), m=P(g.person(p.loc).full))
    return d


def doc_payroll(g: Gen) -> Doc:
    d = Doc("payroll", ["hr", "financial"])
    loc = g.ch(["DE", "UK", "NL", "FR", "ES", "IT", "US", "IN"])
    sep = g.ch([",", ";"])
    y, m, _ = g.date(2024, 2025)
    d.t(g.ch([f"Payroll run {y}-{m:02d} – please double-check the totals\n", f"payroll_{y}_{m:02d}.csv\n", ""]))
    if loc == "US":
        d.csv_row(["emp_id", "first", "last", "ssn", "routing", "account", "gross", "net"], sep)
    else:
        d.csv_row(["emp_id", "first", "last", "tax_id", "iban", "gross", "net"], sep)
    for _ in range(g.r.randint(3, 9)):
        p = g.person(loc)
        gross = g.r.randint(2500, 12000)
        if loc == "US":
            d.csv_row([f"E{g.digits(5)}", P(p.first), P(p.last), E("US_SSN", g.ssn()) if g.chance(0.8) else g.masked_ssn(),
                       E("US_ROUTING_NUMBER", g.routing()), E("BANK_ACCOUNT", g.bank_account("US")), f"{gross}.00", f"{int(gross * 0.71)}.{g.digits(2)}"], sep)
        else:
            nid = g.national_id(p)
            d.csv_row([f"E{g.digits(5)}", P(p.first), P(p.last), E("NATIONAL_ID", nid[1]),
                       E("IBAN", g.iban(IBAN_COUNTRY_OF.get(loc, "DE"), grouped=False)) if loc != "IN" else E("BANK_ACCOUNT", g.bank_account("IN")),
                       f"{gross}.00", f"{int(gross * 0.62)}.{g.digits(2)}"], sep)
    return d


def doc_hr_review(g: Gen) -> Doc:
    d = Doc("hr_review", ["hr"])
    p = g.person(g.ch(["US", "UK", "DE", "IN", "NL", "FR"]))
    mgr = g.person(p.loc)
    d.f("Performance review — ⟦y⟧ H⟦h⟧\nEmployee: ⟦n⟧ (E⟦eid⟧)\nManager: ⟦m⟧\nRating: ⟦r⟧\n\n", y=g.r.randint(2023, 2025), h=g.ch("12"),
        n=P(p.full), eid=g.digits(5), m=P(mgr.full), r=g.ch(["Meets expectations", "Exceeds", "Below expectations - PIP"]))
    d.f(g.ch(["⟦f⟧ delivered the billing migration on time and mentored two juniors. ", "⟦f⟧ struggled with ownership this half; deadlines slipped on the ⟦o⟧ rollout. ",
              "Strong half for ⟦f⟧: led the incident review for the ⟦dt⟧ outage. "]), f=P(p.first), o=g.ch(ORG_NEGATIVES), dt=g.fmt_date(g.date(), "UK"))
    if g.chance(0.5):
        d.f("Context: ⟦pr⟧ was on medical leave for ⟦w⟧ weeks (⟦c⟧), which we took into account. ", pr=g.ch(["she" if p.gender == "F" else "he", P(p.first)]),
            w=g.r.randint(2, 12), c=E("HEALTH_CONDITION", g.condition(p.loc)))
    d.f("Salary proposal: ⟦cur⟧ ⟦s⟧ (+⟦pc⟧%).\nNext steps: 1:1 with ⟦m⟧ on ⟦dt⟧.\n", cur=g.ch(["USD", "EUR", "GBP", "INR"]), s=f"{g.r.randint(45, 180)},000",
        pc=g.r.randint(0, 12), m=P(mgr.first), dt=g.fmt_date(g.date(), p.loc))
    return d


# --------------------------------------------------------------------------------------------
# Document families: health, legal, travel
# --------------------------------------------------------------------------------------------

def doc_patient_note(g: Gen) -> Doc:
    d = Doc("patient_note", ["health"])
    p = g.person(g.ch(["US", "US", "UK", "DE", "FR", "IN", "IT", "ES", "NL"]))
    doc = g.person(p.loc)
    conds = g.conditions(g.r.randint(1, 3), p.loc)
    if p.loc == "DE" and g.chance(0.5):
        d.f("Arztbrief\nPatient: ⟦n⟧, geb. ⟦dob⟧\nPatienten-Nr.: ⟦mrn⟧\n\nDiagnosen:\n", n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, "DE")), mrn=E("MEDICAL_RECORD_NUMBER", g.mrn()))
        for c in conds:
            d.f("- ⟦c⟧ (ICD-10 ⟦icd⟧)\n", c=E("HEALTH_CONDITION", c), icd=g.icd())
        d.f("\nMedikation: ⟦m⟧\nKontrolle in 4 Wochen. Rückfragen unter ⟦ph⟧.\n\nMit kollegialen Grüßen\nDr. med. ⟦dn⟧\n",
            m=g.ch(MEDICATIONS), ph=E("PHONE", g.phone("DE")), dn=P(doc.full))
        return d
    d.f("⟦hdr⟧\nPatient: ⟦n⟧    DOB: ⟦dob⟧    MRN: ⟦mrn⟧\nVisit date: ⟦vd⟧    Provider: Dr. ⟦dr⟧ (NPI ⟦npi⟧)\n\n",
        hdr=g.ch(["PROGRESS NOTE", "Clinic visit – SOAP note", "Telehealth follow-up"]), n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)),
        mrn=E("MEDICAL_RECORD_NUMBER", g.mrn()), vd=g.fmt_date(g.date(), p.loc), dr=P(doc.last), npi=g.npi())
    d.f("S: ⟦age⟧-year-old ⟦sex⟧ with a history of ⟦c0⟧ presents with ⟦sym⟧. ", age=2025 - p.dob[0], sex="male" if p.gender == "M" else "female",
        c0=E("HEALTH_CONDITION", conds[0]), sym=g.ch(["worsening fatigue", "chest tightness on exertion", "poorly controlled sugars", "persistent cough for 3 weeks"]))
    d.f("Reports adherence to ⟦med⟧.\nO: BP ⟦bp⟧, HR ⟦hr⟧, SpO2 ⟦o2⟧%, A1c ⟦a1c⟧%.\n", med=g.ch(MEDICATIONS), bp=f"{g.r.randint(110, 165)}/{g.r.randint(65, 100)}",
        hr=g.r.randint(55, 110), o2=g.r.randint(91, 99), a1c=f"{g.r.randint(5, 10)}.{g.r.randint(0, 9)}")
    d.t("A/P:\n")
    for c in conds:
        d.f("- ⟦c⟧ (⟦icd⟧): ⟦plan⟧\n", c=E("HEALTH_CONDITION", c), icd=g.icd(), plan=g.ch(["continue current regimen", "titrate dose, recheck in 6 weeks",
                                                                                          "refer to specialist", "order labs"]))
    if g.chance(0.4):
        d.f("Contact: ⟦ph⟧ / ⟦a⟧\n", ph=E("PHONE", g.phone(p.loc)), a=E("ADDRESS", g.address(p.loc, oneline=True)))
    d.f("Insurance member ID: ⟦mid⟧ (not verified)\n", mid=g.member_id())
    return d


def doc_discharge(g: Gen) -> Doc:
    d = Doc("discharge", ["health"])
    p = g.person(g.ch(["US", "UK", "IN", "FR", "IT", "ES", "JP", "CN"]))
    conds = g.conditions(g.r.randint(1, 3), p.loc)
    adm, dis = g.date(2024, 2025), g.date(2025, 2025)
    d.f("DISCHARGE SUMMARY\n\nName: ⟦n⟧\nDate of Birth: ⟦dob⟧\nHospital No: ⟦mrn⟧\nAdmitted: ⟦ad⟧   Discharged: ⟦dd⟧\nWard: ⟦w⟧\n\n",
        n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)), mrn=E("MEDICAL_RECORD_NUMBER", g.mrn()), ad=g.fmt_date(adm, p.loc),
        dd=g.fmt_date(dis, p.loc), w=g.ch(["Cardiology 4B", "General Medicine", "Respiratory", "Ward 12"]))
    d.f("Principal diagnosis: ⟦c⟧\n", c=E("HEALTH_CONDITION", conds[0]))
    if len(conds) > 1:
        d.t("Comorbidities: ")
        for i, c in enumerate(conds[1:]):
            d.f("⟦s⟧⟦c⟧", s=", " if i else "", c=E("HEALTH_CONDITION", c))
        d.t("\n")
    d.f("\nHospital course: Patient was admitted via ED with ⟦sym⟧. Treated with ⟦med⟧ and improved. Imaging ref ⟦ref⟧.\n\n"
        "Discharge medications: ⟦m2⟧\nFollow-up: GP in 2 weeks; outpatient clinic letter to follow.\nNext of kin: ⟦nok⟧, ⟦ph⟧\n",
        sym=g.ch(["shortness of breath", "fever and productive cough", "acute confusion", "chest pain"]), med=g.ch(MEDICATIONS), ref=g.uuid()[:13],
        m2=g.ch(MEDICATIONS), nok=P(g.person(p.loc).full), ph=E("PHONE", g.phone(p.loc)))
    return d


def doc_insurance_claim(g: Gen) -> Doc:
    d = Doc("insurance_claim", ["health", "customer_data"])
    p = g.person(g.ch(["US", "US", "UK", "DE", "IN"]))
    d.f("CLAIM FORM — ⟦ins⟧\nClaim no.: ⟦cl⟧\nMember ID: ⟦mid⟧   Group: ⟦grp⟧\n\nPatient name: ⟦n⟧\nDate of birth: ⟦dob⟧\nAddress: ⟦a⟧\nPhone: ⟦ph⟧\n",
        ins=g.ch(["Aetna Choice POS II", "BlueCross PPO", "AXA Health", "Techniker Krankenkasse", "Star Health"]), cl=f"CLM-{g.digits(9)}",
        mid=g.member_id(), grp=g.digits(6), n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)), a=E("ADDRESS", g.address(p.loc, oneline=True)),
        ph=E("PHONE", g.phone(p.loc)))
    if p.loc == "US" and g.chance(0.5):
        d.f("Subscriber SSN: ⟦s⟧\n", s=E("US_SSN", g.ssn()))
    d.f("\nProvider: ⟦prov⟧ (NPI ⟦npi⟧)\nPatient account / MRN: ⟦mrn⟧\nDiagnosis: ⟦c⟧ — ICD-10 ⟦icd⟧\nCPT: ⟦cpt⟧   Billed: $⟦amt⟧\n",
        prov=g.ch(["Riverside Medical Group", "St. Mary's Hospital", "Northside Orthopedics"]), npi=g.npi(), mrn=E("MEDICAL_RECORD_NUMBER", g.mrn()),
        c=E("HEALTH_CONDITION", g.condition()), icd=g.icd(), cpt=g.ch(["99214", "99285", "71046", "93000"]), amt=f"{g.r.randint(80, 9000)}.00")
    if g.chance(0.3):
        d.f("Reimburse to card ⟦cc⟧\n", cc=E("CREDIT_CARD", g.card()))
    return d


def doc_legal(g: Gen) -> Doc:
    d = Doc("legal", ["legal"])
    a, b = g.r.sample(COMPANIES, 2)
    sa, sb = g.person(a[2] if a[2] in LOCALES else "US"), g.person(b[2] if b[2] in LOCALES else "UK")
    v = g.ch(["nda", "notice", "litigation"])
    if v == "nda":
        d.f("MUTUAL NON-DISCLOSURE AGREEMENT\n\nThis Agreement is made on ⟦dt⟧ between ⟦a⟧, with its registered office at ⟦aa⟧ (\"Company\"), and ⟦b⟧, "
            "with offices at ⟦ba⟧ (\"Recipient\").\n\n1. Confidential Information means any information disclosed by either party...\n"
            "2. Term. This Agreement remains in force for three (3) years.\n\n12. Notices. Notices shall be sent to ⟦sa⟧ (⟦ea⟧) and ⟦sb⟧ (⟦eb⟧).\n\n"
            "Signed for ⟦a⟧: ______________  Name: ⟦sa⟧  Title: ⟦ta⟧\nSigned for ⟦b⟧: ______________  Name: ⟦sb⟧  Title: ⟦tb⟧\n",
            dt=g.fmt_date(g.date(), "US"), a=a[0], aa=E("ADDRESS", g.address(a[2] if a[2] in LOCALES else "US", oneline=True)), b=b[0],
            ba=E("ADDRESS", g.address(b[2] if b[2] in LOCALES else "UK", oneline=True)), sa=P(sa.full), ea=E("EMAIL", g.work_email(sa, a)),
            sb=P(sb.full), eb=E("EMAIL", g.work_email(sb, b)), ta=g.ch(["CEO", "General Counsel", "Managing Director"]), tb=g.ch(["CFO", "Director", "COO"]))
    elif v == "notice":
        d.f("PRIVILEGED & CONFIDENTIAL — ATTORNEY-CLIENT COMMUNICATION\n\nDear ⟦hon⟧⟦ln⟧,\n\nWe act for ⟦b⟧ in relation to the supply agreement dated ⟦dt⟧. "
            "Our client's position is that your client is in material breach of clause 9.2. Unless payment of EUR ⟦amt⟧ is received within 14 days, "
            "we are instructed to issue proceedings without further notice.\n\nYours sincerely,\n⟦sb⟧\nPartner, ⟦firm⟧\n⟦ph⟧\n",
            hon=g.ch(["Mr. ", "Ms. ", "Dr. ", ""]), ln=P(sa.last), b=b[0], dt=g.fmt_date(g.date(), "UK"), amt=f"{g.r.randint(10, 900)},000",
            sb=P(sb.full), firm=g.ch(["Hale & Pemberton LLP", "Kessler Rechtsanwälte", "Studio Legale Conti"]), ph=E("PHONE", g.phone(sb.loc)))
    else:
        w = g.person()
        d.f("Litigation hold — matter ⟦m⟧ (⟦a⟧ v. ⟦b⟧)\nCustodians: ⟦c1⟧, ⟦c2⟧\nKey witness: ⟦w⟧, ⟦wa⟧, tel. ⟦wp⟧\n"
            "Notes: witness statement taken ⟦dt⟧; opposing counsel ⟦oc⟧ requested the call recordings. Do not delete mailboxes.\n",
            m=f"{g.r.randint(2023, 2025)}-LIT-{g.digits(4)}", a=a[0], b=b[0], c1=P(sa.full), c2=P(sb.full), w=P(w.full),
            wa=E("ADDRESS", g.address(w.loc, oneline=True)), wp=E("PHONE", g.phone(w.loc)), dt=g.fmt_date(g.date(), "US"), oc=P(g.person("US").full))
    return d


def doc_apis(g: Gen) -> Doc:
    d = Doc("apis", ["customer_data"])
    flt = f"{g.ch(['LH', 'BA', 'AF', 'IB', 'AZ', 'KL', 'AI', 'LA', 'JL', 'CA', 'UA'])}{g.r.randint(100, 9999)}"
    dep = g.date(2025, 2025)
    d.f("APIS MANIFEST  FLT ⟦f⟧  DEP ⟦dd⟧  ⟦r⟧\n", f=flt, dd=g.fmt_date(dep, "US", "apis"), r=g.ch(["FRA-JFK", "LHR-BOM", "CDG-GRU", "MAD-NRT", "AMS-PVG"]))
    cols = g.ch(["table", "pnr"])
    if cols == "table":
        d.t("SEQ SURNAME          GIVEN NAMES      DOB      SEX NAT PASSPORT     EXP      SEAT\n")
    for i in range(g.r.randint(3, 8)):
        p = g.person(native=False)
        sur, giv = ascii_fold(p.last_ascii).upper(), ascii_fold(p.first_ascii).upper()
        nat = {"UK": "GBR", "US": "USA", "DE": "DEU", "FR": "FRA", "ES": "ESP", "IT": "ITA", "NL": "NLD", "IN": "IND", "BR": "BRA", "JP": "JPN", "CN": "CHN", "KR": "KOR"}[p.loc]
        if cols == "table":
            d.f("⟦i⟧ ⟦s⟧⟦sp1⟧⟦gv⟧⟦sp2⟧⟦dob⟧  ⟦sx⟧   ⟦n⟧ ⟦pp⟧⟦sp3⟧⟦ex⟧  ⟦seat⟧\n", i=f"{i + 1:03d}", s=P(sur), sp1=" " * max(1, 17 - len(sur)), gv=P(giv),
                sp2=" " * max(1, 17 - len(giv)), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, "US", "apis")), sx=p.gender, n=nat,
                pp=E("PASSPORT", g.passport(p.loc)), sp3=" ", ex=g.fmt_date(g.date(2027, 2034), "US", "apis"), seat=f"{g.r.randint(1, 45)}{g.ch('ABCDEF')}")
        else:
            d.f("⟦i⟧.1⟦nm⟧ ⟦t⟧\n   SSR DOCS ⟦air⟧ HK1 P/⟦n⟧/⟦pp⟧/⟦n⟧/⟦dob⟧/⟦sx⟧/⟦ex⟧/⟦s⟧/⟦gv⟧\n", i=i + 1, nm=P(f"{sur}/{giv}"),
                t="MR" if p.gender == "M" else "MS", air=flt[:2], n=nat, pp=E("PASSPORT", g.passport(p.loc)),
                dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, "US", "apis")), sx=p.gender, ex=g.fmt_date(g.date(2027, 2034), "US", "apis"), s=P(sur), gv=P(giv))
    d.f("END OF MANIFEST  PNR-REF ⟦p⟧\n", p=g.rs(string.ascii_uppercase + string.digits, 6))
    return d


def doc_booking(g: Gen) -> Doc:
    d = Doc("booking", ["customer_data"])
    p = g.person()
    v = g.ch(["car", "car", "hotel"])
    if v == "car":
        iss, dl = g.driver_license(p)
        d.f("Rental agreement RA-⟦ra⟧\nDriver: ⟦n⟧\nDOB: ⟦dob⟧\nLicence no.: ⟦dl⟧ (⟦iss⟧), valid until ⟦exp⟧\nVehicle: ⟦veh⟧, plate ⟦pl⟧\n"
            "Pick-up: ⟦city⟧ airport, ⟦pu⟧\nCard on file: ⟦cc⟧\nContact: ⟦ph⟧\n",
            ra=g.digits(8), n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, p.loc)), dl=E("DRIVER_LICENSE", dl), iss=iss,
            exp=g.fmt_date(g.date(2026, 2034), p.loc), veh=g.ch(["VW Golf", "Toyota Corolla", "BMW 3 Series", "Fiat 500"]), pl=g.plate(p.loc),
            city=g.ch(CITY_NEGATIVES), pu=g.fmt_date(g.date(), p.loc), cc=g.ch([g.masked_card(), E("CREDIT_CARD", g.card())]), ph=E("PHONE", g.phone(p.loc)))
    else:
        d.f("Reservation ⟦conf⟧ — ⟦nights⟧ nights\nGuest: ⟦hon⟧⟦n⟧\nEmail: ⟦em⟧\nPassport: ⟦pp⟧ (⟦nat⟧)\nArrival: ⟦arr⟧\nGuaranteed by ⟦cc⟧, exp ⟦ex⟧\n"
            "Special requests: ⟦sr⟧\n", conf=g.rs(string.ascii_uppercase + string.digits, 8), nights=g.r.randint(1, 9),
            hon=g.ch(["", "Mr ", "Mrs ", "Dr "]), n=P(p.full), em=E("EMAIL", g.email(p)), pp=E("PASSPORT", g.passport(p.loc)), nat=p.loc,
            arr=g.fmt_date(g.date(), "UK"), cc=E("CREDIT_CARD", g.card()), ex=g.card_expiry(),
            sr=g.ch(["late check-in", "quiet room", "airport transfer", "twin beds"]))
    return d


def doc_us_forms(g: Gen) -> Doc:
    """US paperwork: W-9, I-9, direct-deposit authorisation, rental application (SSN, routing, licence, EIN negatives)."""
    p = g.person("US")
    v = g.ch(["w9", "i9", "ach", "ach", "rental"])
    if v == "w9":
        d = Doc("us_forms", ["financial"])
        # a business name is an organisation even when it contains the owner's surname: never labelled
        biz = g.ch([f"{p.last} Consulting LLC", f"{p.last} & Sons Plumbing", "n/a", "n/a"])
        d.f("Form W-9 (Rev. March 2024) — Request for Taxpayer Identification Number\n1 Name: ⟦n⟧\n2 Business name: ⟦b⟧\n3 Federal tax classification: ⟦cl⟧\n"
            "5 Address: ⟦a⟧\nPart I TIN — ", n=P(p.full), b=biz, cl=g.ch(["Individual/sole proprietor", "Single-member LLC"]),
            a=E("ADDRESS", g.address("US", oneline=True)))
        if g.chance(0.7):
            d.f("Social security number: ⟦s⟧\n", s=E("US_SSN", g.ssn()))
        else:
            d.f("Employer identification number: ⟦e⟧ (SSN on file: ⟦ms⟧)\n", e=g.ein(), ms=g.masked_ssn())
        d.f("Signature: ⟦n⟧   Date: ⟦dt⟧\n", n=P(p.full), dt=g.fmt_date(g.date(), "US"))
        d.cats.add("hr" if g.chance(0.3) else "customer_data")
        return d
    if v == "i9":
        d = Doc("us_forms", ["hr"])
        d.f("Form I-9 — Section 1 (Employee)\nLast name: ⟦l⟧   First name: ⟦f⟧   MI: ⟦mi⟧\nAddress: ⟦a⟧\nDate of Birth (mm/dd/yyyy): ⟦dob⟧\n"
            "U.S. Social Security Number: ⟦s⟧\nEmail: ⟦e⟧   Telephone: ⟦ph⟧\n\nSection 2 — documents examined\n",
            l=P(p.last), f=P(p.first), mi=g.ch(string.ascii_uppercase), a=E("ADDRESS", g.address("US", oneline=True)),
            dob=E("DATE_OF_BIRTH", f"{p.dob[1]:02d}/{p.dob[2]:02d}/{p.dob[0]}"), s=E("US_SSN", g.ssn()), e=E("EMAIL", g.email(p)), ph=E("PHONE", g.phone("US")))
        if g.chance(0.5):
            d.f("List A: U.S. Passport, document number ⟦pp⟧, expires ⟦ex⟧\n", pp=E("PASSPORT", g.passport("US")), ex=g.fmt_date(g.date(2027, 2034), "US"))
        else:
            st, dl = g.driver_license(p)
            d.f("List B: Driver's license (⟦st⟧) no. ⟦dl⟧, expires ⟦ex⟧\nList C: Social Security card (seen)\n", st=st, dl=E("DRIVER_LICENSE", dl),
                ex=g.fmt_date(g.date(2026, 2031), "US"))
        d.f("Employer: ⟦c⟧, EIN ⟦ein⟧\n", c=g.ch(COMPANIES)[0], ein=g.ein())
        return d
    if v == "ach":
        d = Doc("us_forms", ["hr", "financial"])
        d.f("DIRECT DEPOSIT AUTHORIZATION\nEmployee: ⟦n⟧    Employee ID: ⟦eid⟧    SSN (last 4): ⟦l4⟧\n\nAccount 1 (⟦pct⟧% of net pay)\nBank name: ⟦b⟧\n"
            "Routing number: ⟦rt⟧\nAccount number: ⟦ac⟧   Type: ⟦ty⟧\n", n=P(p.full), eid=f"E{g.digits(5)}", l4=g.digits(4), pct=g.ch([100, 80, 50]),
            b=g.ch(["Chase", "Wells Fargo", "Navy Federal CU", "Ally Bank", "US Bank"]), rt=E("US_ROUTING_NUMBER", g.routing()),
            ac=E("BANK_ACCOUNT", g.bank_account("US")), ty=g.ch(["Checking", "Savings"]))
        if g.chance(0.4):
            d.f("\nAccount 2 (remainder)\nRouting number: ⟦rt⟧\nAccount number: ⟦ac⟧\n", rt=E("US_ROUTING_NUMBER", g.routing()), ac=E("BANK_ACCOUNT", g.bank_account("US")))
        d.f("\nI authorize ⟦c⟧ to deposit my pay. Voided check attached (check no. ⟦chk⟧).\nSignature: ⟦n⟧   Date: ⟦dt⟧\n", c=g.ch(COMPANIES)[0],
            chk=g.r.randint(1001, 4999), n=P(p.full), dt=g.fmt_date(g.date(), "US"))
        return d
    d = Doc("us_forms", ["customer_data"])
    co = g.person("US")
    d.f("RENTAL APPLICATION — Unit ⟦u⟧\nApplicant: ⟦n⟧   DOB: ⟦dob⟧   SSN: ⟦s⟧\nDriver's license: ⟦dl⟧ (⟦st⟧)\nCurrent address: ⟦a⟧ (since ⟦y⟧)\n"
        "Phone: ⟦ph⟧   Email: ⟦e⟧\nEmployer: ⟦emp⟧, monthly income $⟦inc⟧\nCo-applicant: ⟦co⟧\nVehicle plate: ⟦pl⟧\nApplication fee paid with card ⟦mc⟧\n",
        u=f"{g.r.randint(1, 30)}{g.ch('ABCD')}", n=P(p.full), dob=E("DATE_OF_BIRTH", g.fmt_date(p.dob, "US")), s=E("US_SSN", g.ssn()),
        dl=E("DRIVER_LICENSE", g.driver_license(p)[1]), st="state issued", a=E("ADDRESS", g.address("US", oneline=True)), y=g.r.randint(2015, 2023),
        ph=E("PHONE", g.phone("US")), e=E("EMAIL", g.email(p)), emp=g.ch(ORG_NEGATIVES), inc=f"{g.r.randint(3, 15)},{g.digits(3)}", co=P(co.full),
        pl=g.plate("US"), mc=g.masked_card())
    return d


# --------------------------------------------------------------------------------------------
# Non-sensitive document families (no gold spans; dense with hard negatives)
# --------------------------------------------------------------------------------------------

def doc_prose(g: Gen) -> Doc:
    d = Doc("prose", [])
    topic = g.ch(["launch", "blog", "travel", "market"])
    if topic == "launch":
        d.f("We're excited to announce ⟦prod⟧ ⟦v⟧! This release brings faster sync, a redesigned dashboard and support for ⟦os⟧. "
            "Teams at companies like ⟦o1⟧ and ⟦o2⟧ have been testing it since ⟦m⟧. ", prod=g.ch(["Helio Sync", "Brightwave Insights", "Quill Notes"]),
            v=g.version(), os=g.ch(["Windows 11 (10.0.22631.2861)", "macOS 14.4", "Android 14"]), o1=g.ch(ORG_NEGATIVES), o2=g.ch(ORG_NEGATIVES),
            m=g.ch(MONTHS["EN"]))
    elif topic == "blog":
        d.f("Last week our ⟦city⟧ office hosted a meetup on observability. The main takeaway: propagate trace context (e.g. `traceparent: ⟦tp⟧`) "
            "through every queue, and never log request bodies. We also compared ⟦o1⟧'s and ⟦o2⟧'s approaches to incident reviews. ",
            city=g.ch(CITY_NEGATIVES), tp=g.traceparent(), o1=g.ch(ORG_NEGATIVES), o2=g.ch(ORG_NEGATIVES))
    elif topic == "travel":
        d.f("Three days in ⟦c1⟧ and ⟦c2⟧: take the early train (it leaves at 07:42), buy the 72-hour pass, and book restaurants two weeks ahead. "
            "Our flight confirmation code was ⟦pnr⟧ and the whole trip cost about EUR ⟦amt⟧ per person. ", c1=g.ch(CITY_NEGATIVES), c2=g.ch(CITY_NEGATIVES),
            pnr=g.rs(string.ascii_uppercase, 6), amt=g.r.randint(300, 2000))
    else:
        d.f("Shares of ⟦o1⟧ rose 3.2% on ⟦dt⟧ after analysts at ⟦o2⟧ upgraded the stock. Revenue guidance of $⟦rev⟧bn was reaffirmed; "
            "the company's EIN-registered US subsidiary (⟦ein⟧) will be merged into the parent. ", o1=g.ch(ORG_NEGATIVES), o2=g.ch(ORG_NEGATIVES),
            dt=g.fmt_date(g.date(), "US"), rev=g.r.randint(2, 90), ein=g.ein())
    for _ in range(g.r.randint(1, 4)):
        d.t(neg_sentence(g) + " ")
    d.t("\n")
    return d


def doc_clean_code(g: Gen) -> Doc:
    d = Doc("clean_code", [], code=True)
    v = g.ch(["python", "js", "go", "java", "sql_py", "test"])
    if v == "python":
        d.f('import os\nimport uuid\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\nDATABASE_URL = os.getenv("DATABASE_URL", "⟦pc⟧")\n'
            'DEFAULT_TENANT = uuid.UUID("⟦u⟧")\nBIND = ("⟦lo⟧", 8000)\nSUPPORT_EMAIL = "⟦re⟧"\n\n\ndef checksum_ok(blob: bytes, expected: str = "⟦sha⟧") -> bool:\n'
            '    import hashlib\n    return hashlib.sha256(blob).hexdigest() == expected\n', pc=g.placeholder_conn(), u=g.uuid(), lo=g.ch(["127.0.0.1", "0.0.0.0"]),
            re=g.role_email(), sha=g.sha256())
    elif v == "js":
        d.f("const stripe = Stripe('⟦pk⟧'); // publishable key, safe in the browser\nconst apiKey = process.env.OPENAI_API_KEY; // never hard-code: sk-...your-key-here\n\n"
            "async function pay(customerId = '⟦cus⟧') {\n  const { error } = await stripe.confirmCardPayment('⟦pi⟧_secret_' + token);\n  if (error) console.error(error.message, '⟦tid⟧');\n}\n",
            pk=g.stripe_public(), cus="cus_" + g.b62(14), pi="pi_" + g.b62(24), tid=g.hexs(32))
    elif v == "go":
        d.f('package config\n\nimport "os"\n\n// Load reads configuration from the environment.\nfunc Load() Config {\n\treturn Config{\n\t\tDSN:       os.Getenv("DATABASE_URL"),\n'
            '\t\tSlackHook: os.Getenv("SLACK_WEBHOOK_URL"),\n\t\tListen:    "⟦lo⟧:8080",\n\t\tRoleARN:   "⟦arn⟧",\n\t\tBuild:     "⟦sha⟧",\n\t}\n}\n',
            lo=g.ch(["0.0.0.0", "127.0.0.1"]), arn=g.arn(), sha=g.sha1())
    elif v == "java":
        d.f('@Value("${spring.datasource.password}")\nprivate String dbPassword;\n\n@Test\nvoid rejectsInvalidCard() {\n    assertFalse(Luhn.isValid("⟦lf⟧"));\n'
            '    assertEquals("⟦mc⟧", Masking.mask("⟦lf2⟧"));\n}\n', lf=g.luhn_fail(), mc="************" + g.digits(4), lf2=g.luhn_fail())
    elif v == "sql_py":
        d.f('cur.execute(\n    "SELECT id, email FROM users WHERE created_at > %s AND tenant_id = %s",\n    (since, "⟦u⟧"),\n)\n'
            '# test fixtures use ⟦ex⟧ and ⟦ex2⟧ only\n', u=g.uuid(), ex=g.example_email(), ex2=g.example_email())
    else:
        d.f('def test_redacts_secrets():\n    assert redact("token=⟦ph⟧") == "token=[REDACTED]"\n    assert redact("AKIAIOSFODNN7EXAMPLE") == "[REDACTED]"\n'
            '    assert not looks_like_card("⟦lf⟧")\n    assert is_uuid("⟦u⟧")\n    assert parse_version("⟦v⟧")\n', ph=g.placeholder_secret()[1],
            lf=g.luhn_fail(), u=g.uuid(), v=g.version())
    return d


def doc_clean_config(g: Gen) -> Doc:
    d = Doc("clean_config", [], code=True)
    v = g.ch(["envexample", "compose", "k8s", "lock", "gha"])
    if v == "envexample":
        d.t("# .env.example — copy to .env and fill in\n")
        for _ in range(g.r.randint(4, 9)):
            s = neutral_kv(g)
            d.t(f"{s.key}={s.item}\n")
    elif v == "compose":
        d.t("services:\n  api:\n    image: ghcr.io/brightwave/api@" + g.image_digest() + "\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n"
            "      OPENAI_API_KEY: ${OPENAI_API_KEY:?set it}\n      REDIS_URL: redis://redis:6379/0\n    ports:\n      - \"127.0.0.1:8080:8080\"\n"
            "  redis:\n    image: redis:7.2.4\n")
    elif v == "k8s":
        d.t("env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n  - name: POD_IP\n"
            "    valueFrom:\n      fieldRef:\n        fieldPath: status.podIP\n  - name: OTEL_EXPORTER_OTLP_ENDPOINT\n    value: http://127.0.0.1:4317\n")
    elif v == "lock":
        d.t('{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n')
        for i in range(g.r.randint(2, 4)):
            pkg = g.ch(["react", "lodash", "axios", "zod", "express", "uuid", "date-fns"])
            d.t(f'    "node_modules/{pkg}": {{\n      "version": "{g.semver().lstrip("v")}",\n      "resolved": "https://registry.npmjs.org/{pkg}/-/{pkg}.tgz",\n'
                f'      "integrity": "{g.sri()}"\n    }}{"," if i < 1 else ","}\n')
        d.t('    "": {}\n  }\n}\n')
    else:
        d.t("jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@" + g.sha1() + "\n      - run: npm ci\n        env:\n"
            "          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - run: aws sts get-caller-identity\n        env:\n          AWS_ROLE_ARN: " + g.arn() + "\n")
    return d


def doc_meeting_notes(g: Gen) -> Doc:
    d = Doc("meeting_notes", [])
    d.f("Weekly sync — ⟦team⟧ — ⟦dt⟧\n\nAttendees: platform, data, support leads\n\nDecisions\n- Move the ⟦city⟧ launch to ⟦m⟧.\n"
        "- Rotate all CI tokens (owner: platform team). Do NOT paste keys in tickets; use the vault path secret/ci/*.\n"
        "- Incident ⟦inc⟧ postmortem: root cause was a bad config push (commit ⟦sha⟧).\n\nAction items\n- [ ] Data: re-run the ⟦o⟧ export with masked cards only (e.g. ⟦mc⟧).\n"
        "- [ ] Support: update macros; customers should write to ⟦re⟧.\n- [ ] Finance: confirm the VAT number ⟦vat⟧ on the ⟦o2⟧ invoice.\n",
        team=g.ch(["Platform", "Growth", "Payments", "Support Ops"]), dt=g.fmt_date(g.date(), "UK"), city=g.ch(CITY_NEGATIVES), m=g.ch(MONTHS["EN"]),
        inc=f"INC-{g.digits(4)}", sha=g.sha1()[:8], o=g.ch(ORG_NEGATIVES), mc=g.masked_card(), re=g.role_email(), vat=g.vat(), o2=g.ch(ORG_NEGATIVES))
    return d


def doc_recipe(g: Gen) -> Doc:
    d = Doc("recipe", [])
    dish = g.ch(["Lasagne al forno", "Chicken katsu curry", "Shakshuka", "Pão de queijo", "Dal tadka", "Apfelstrudel", "Tarte Tatin"])
    d.f("⟦dish⟧ (serves ⟦n⟧)\n\nIngredients\n", dish=dish, n=g.r.randint(2, 8))
    for ing in g.r.sample(["250 g flour", "100 g butter", "1 large onion, diced", "400 g chopped tomatoes", "3 eggs", "200 ml milk",
                           "2 tbsp sugar", "150 g red lentils", "120 g grated cheese", "2 cloves garlic", "300 g basmati rice",
                           "1 tsp cumin seeds", "4 apples, sliced", "1 tbsp olive oil", "a pinch of salt"], g.r.randint(4, 8)):
        d.t(f"- {ing}\n")
    d.f("\nMethod\n1. Preheat the oven to ⟦t⟧°C (gas mark ⟦gm⟧).\n2. Mix, rest for ⟦min⟧ minutes, then bake for ⟦b⟧ minutes.\n3. Serve warm. Keeps for ⟦k⟧ days in the fridge.\n\n"
        "Nutrition per serving: ⟦kcal⟧ kcal, ⟦fat⟧ g fat. Recipe ID ⟦id⟧.\n", t=g.ch([160, 180, 200, 220]), gm=g.r.randint(3, 7), min=g.r.randint(10, 60),
        b=g.r.randint(15, 70), k=g.r.randint(2, 5), kcal=g.r.randint(200, 900), fat=g.r.randint(5, 40), id=g.uuid()[:8])
    return d


def doc_benefits_faq(g: Gen) -> Doc:
    d = Doc("benefits_faq", [])
    cs = g.r.sample(CONDITIONS, 3)
    d.f("Benefits FAQ (⟦y⟧ plan year)\n\nQ: Is ⟦c1⟧ care covered?\nA: Yes. Members managing ⟦c1⟧ or ⟦c2⟧ can enrol in the chronic-care programme at no extra cost. "
        "Claims are processed under your member ID (format ⟦mid⟧).\n\nQ: Where do I send questions?\nA: Email ⟦re⟧ or call the benefits line. "
        "Never send medical records by email.\n\nQ: Does the plan cover screening for ⟦c3⟧?\nA: Preventive screening (ICD-10 ⟦icd⟧) is covered once per year. "
        "Providers need a valid NPI such as ⟦npi⟧.\n", y=g.r.randint(2024, 2026), c1=cs[0], c2=cs[1], c3=cs[2], mid=g.member_id()[:3] + "XXXXXXXXX",
        re=g.role_email(), icd=g.icd(), npi=g.npi())
    return d


def doc_changelog(g: Gen) -> Doc:
    d = Doc("changelog", [], code=g.chance(0.5))
    for _ in range(g.r.randint(2, 4)):
        d.f("## ⟦v⟧ — ⟦dt⟧\n- Fix crash on ⟦os⟧ (#⟦n⟧, ⟦sha⟧)\n- Bump OpenSSL to ⟦ossl⟧\n- Redact `Authorization` headers in debug logs\n- Docs: use `⟦ph⟧` in examples\n\n",
            v=g.semver(), dt=g.fmt_date(g.date(), "US", "iso"), os=g.ch(["Chrome/124.0.6367.91", "Android 14", "Windows 10.0.19045.4291"]),
            n=g.r.randint(100, 9999), sha=g.sha1()[:7], ossl=f"3.0.{g.r.randint(10, 15)}", ph=g.placeholder_secret()[1])
    return d


def doc_clean_logs(g: Gen) -> Doc:
    d = Doc("clean_logs", [], code=True)
    for _ in range(g.r.randint(5, 10)):
        d.f(g.ch(['⟦ts⟧ INFO  server listening on ⟦lo⟧:8080 (pid ⟦pid⟧)\n', '⟦ts⟧ DEBUG trace_id=⟦tid⟧ span_id=⟦sid⟧ GET /healthz 200 1ms\n',
                  '⟦ts⟧ WARN  retrying job ⟦u⟧ (attempt 2/5)\n', '⟦ts⟧ INFO  pulled image ⟦dg⟧\n', '127.0.0.1 - - [⟦clf⟧] "GET /metrics HTTP/1.1" 200 1532 "-" "Prometheus/2.51.0"\n',
                  '⟦ts⟧ INFO  netmask ⟦nm⟧ gateway 0.0.0.0 (no default route)\n', '⟦ts⟧ ERROR job ⟦ul⟧ failed: timeout after 30s\n',
                  '⟦ts⟧ INFO  user agent ⟦ua⟧\n']),
            ts=when(g), lo=g.ch(["0.0.0.0", "127.0.0.1", "[::1]"]), pid=g.r.randint(100, 60000), tid=g.hexs(32), sid=g.hexs(16), u=g.uuid(),
            dg=g.image_digest(), clf=clf_time(g), nm=g.ch(["255.255.255.0", "255.255.240.0"]), ul=g.ulid(), ua=ua(g))
    return d


def doc_payments_doc(g: Gen) -> Doc:
    d = Doc("payments_doc", [])
    d.f("Integration notes — payments\n\n1. The frontend uses the publishable key (⟦pk⟧). Secret keys (sk_live_…) live only in the vault.\n"
        "2. Customer objects look like ⟦cus⟧; payment intents like ⟦pi⟧; events like ⟦evt⟧.\n3. Receipts show the masked card, e.g. \"Visa ⟦mc⟧\".\n"
        "4. Our validator rejects numbers that fail the Luhn check such as ⟦lf⟧ and ⟦lf2⟧.\n5. Bank payouts show a masked IBAN: ⟦mi⟧. UK payouts need a sort code (format ⟦sc⟧) "
        "and Indian payouts an IFSC like ⟦ifsc⟧.\n6. Support mailbox: ⟦re⟧.\n",
        pk=g.stripe_public(), cus="cus_" + g.b62(14), pi="pi_" + g.b62(24), evt="evt_" + g.b62(24), mc=g.masked_card(), lf=g.luhn_fail(),
        lf2=g.luhn_fail(16), mi=g.masked_iban(), sc=g.sort_code(), ifsc=g.ifsc(), re=g.role_email())
    return d


def doc_math(g: Gen) -> Doc:
    d = Doc("math", [])
    a, b = g.r.randint(10**7, 10**8), g.r.randint(10**7, 10**8)
    d.f("Homework check: ⟦a⟧ × ⟦b⟧ = ⟦c⟧. The 16-digit result ⟦lf⟧ is not a card number (fails Luhn). "
        "Dates for the schedule: ⟦d1⟧, ⟦d2⟧ and ⟦d3⟧. Phone-like pattern ⟦d4⟧ is just ISO week data. Your 2FA code ⟦otp⟧ is valid for 30 seconds.\n",
        a=a, b=b, c=a * b, lf=g.luhn_fail(), d1=g.fmt_date(g.date(), "US"), d2=g.fmt_date(g.date(), "DE"), d3=g.fmt_date(g.date(), "JP"),
        d4=f"{g.r.randint(2020, 2025)}-W{g.r.randint(10, 52)}-{g.r.randint(1, 7)}", otp=g.otp())
    return d


def doc_sql_schema(g: Gen) -> Doc:
    d = Doc("sql_schema", [], code=True)
    d.t("CREATE TABLE customers (\n  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n  first_name  text NOT NULL,\n  last_name   text NOT NULL,\n"
        "  email       citext UNIQUE NOT NULL,\n  phone       text,\n  birth_date  date,\n  ssn_last4   char(4),\n  created_at  timestamptz DEFAULT now()\n);\n\n"
        f"-- migration {g.ulid()} (checksum {g.md5()})\nCREATE INDEX customers_email_idx ON customers (email);\n"
        f"INSERT INTO feature_flags (key, enabled) VALUES ('{g.upper_word().lower()}', true);\n")
    return d


def doc_support_macro(g: Gen) -> Doc:
    d = Doc("support_macro", [])
    d.f("Macro: refund-approved\n\nHi {{first_name}},\n\nGood news — your refund for order {{order_id}} has been approved. It will appear on the card ending in "
        "{{last4}} within 5-10 business days. For example: \"Hi ⟦ph⟧, your refund for ⟦o⟧ ...\".\n\nIf you have questions, reply to this email or contact ⟦re⟧.\n\n"
        "Best,\n{{agent_name}}\nCustomer Care\n", ph=g.ch(["Jane Doe", "John Doe", "Max Mustermann", "Erika Mustermann", "Jan Jansen", "山田太郎"]), o=g.order_no(),
        re=g.role_email())
    return d


def doc_security_advisory(g: Gen) -> Doc:
    d = Doc("security_advisory", [])
    d.f("Security reminder: never paste real credentials into tickets or AI chats. Recognise them by shape — AWS keys start with AKIA (the documented example "
        "is AKIAIOSFODNN7EXAMPLE), GitHub tokens with ghp_, Slack bot tokens with xoxb-, Stripe secret keys with sk_live_. Use placeholders such as "
        "⟦p1⟧ or ⟦p2⟧ in documentation, and reference secrets as ⟦r1⟧ or ⟦r2⟧. Connection strings in docs should look like ⟦pc⟧. "
        "Report incidents to ⟦re⟧ (PGP fingerprint ⟦fp⟧).\n", p1=g.placeholder_secret()[1], p2=g.placeholder_secret()[1],
        r1=g.env_ref(g.ch(["OPENAI_API_KEY", "DB_PASSWORD", "STRIPE_SECRET_KEY"]), g.ch(["python", "js", "shell", "yaml", "gha"])),
        r2=g.env_ref("AWS_SECRET_ACCESS_KEY", g.ch(["go", "java", "tf"])), pc=g.placeholder_conn(), re=g.role_email(),
        fp=" ".join(g.hexs(4).upper() for _ in range(10)))
    return d


def doc_hr_policy(g: Gen) -> Doc:
    d = Doc("hr_policy", [])
    d.f("Travel & expenses policy (v⟦v⟧)\n\nEmployees travelling to ⟦c1⟧ or ⟦c2⟧ must book through the portal. Per-diem: EUR ⟦pd⟧. Company cards are issued by ⟦o⟧; "
        "receipts must show only the masked card (⟦mc⟧). Sick leave: notify your manager on the first day; you don't need to tell us your diagnosis. "
        "Questions: ⟦re⟧.\n", v=g.r.randint(2, 9), c1=g.ch(CITY_NEGATIVES), c2=g.ch(CITY_NEGATIVES), pd=g.r.randint(24, 80), o=g.ch(ORG_NEGATIVES),
        mc=g.masked_card(), re=g.role_email())
    return d


# --------------------------------------------------------------------------------------------
# Mixture
# --------------------------------------------------------------------------------------------

SENSITIVE_TEMPLATES = [
    (doc_customer_email, 7), (doc_support_ticket, 5), (doc_crm_csv, 5), (doc_json_api, 5), (doc_access_log, 3),
    (doc_app_log, 3), (doc_code_secret, 10), (doc_env_file, 7), (doc_yaml_config, 6), (doc_terraform, 3), (doc_sql_insert, 3),
    (doc_stack_trace, 3), (doc_shell_history, 5), (doc_chat, 5), (doc_http_request, 2), (doc_key_paste, 4), (doc_kyc, 4),
    (doc_invoice, 4), (doc_wire, 3), (doc_hr_onboarding, 3), (doc_payroll, 2), (doc_hr_review, 2), (doc_patient_note, 4),
    (doc_discharge, 2), (doc_insurance_claim, 3), (doc_legal, 3), (doc_apis, 2), (doc_booking, 3), (doc_us_forms, 4),
]
NONSENSITIVE_TEMPLATES = [
    (doc_prose, 5), (doc_clean_code, 6), (doc_clean_config, 5), (doc_meeting_notes, 3), (doc_recipe, 2), (doc_benefits_faq, 3),
    (doc_changelog, 3), (doc_clean_logs, 4), (doc_payments_doc, 3), (doc_math, 2), (doc_sql_schema, 2), (doc_support_macro, 3),
    (doc_security_advisory, 3), (doc_hr_policy, 2),
]
NONSENSITIVE_SHARE = 0.35


def generate(seed: int, count: int) -> list[dict]:
    g = Gen(seed)
    out = []
    for i in range(count):
        pool = NONSENSITIVE_TEMPLATES if g.chance(NONSENSITIVE_SHARE) else SENSITIVE_TEMPLATES
        fn = g.r.choices([f for f, _ in pool], weights=[w for _, w in pool])[0]
        d = fn(g)
        cats, sensitive = finalize(d)
        out.append({"id": f"s{seed}-{i:05d}", "text": d.text,
                    "spans": [{"type": t, "start": s, "end": e} for t, s, e in sorted(d.spans, key=lambda x: x[1])],
                    "categories": cats, "sensitive": sensitive, "_kind": d.kind})
    return out


# --------------------------------------------------------------------------------------------
# Self-check: structural rules, category rules, and checksum re-validation from the text slices
# --------------------------------------------------------------------------------------------

ROLE_LOCALS = {"support", "noreply", "no-reply", "billing", "security", "info", "privacy", "sales", "hr", "careers", "abuse",
               "postmaster", "dpo", "accounts-payable", "help", "team", "admin", "root"}
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "yourcompany.com", "localhost")


def pem_ok(s: str) -> bool:
    s = s.replace("\\n", "\n")
    m = re.fullmatch(r"-----BEGIN ((?:RSA |EC |OPENSSH )?PRIVATE KEY)-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END \1-----", s)
    if not m:
        return False
    blob = base64.b64decode("".join(m.group(2).split()))
    if m.group(1) == "OPENSSH PRIVATE KEY":
        return blob.startswith(b"openssh-key-v1\x00")
    return der_outer_ok(blob)


def jwt_ok(s: str) -> bool:
    parts = s.split(".")
    if len(parts) != 3:
        return False
    try:
        hdr = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return False
    return hdr.get("alg") in ("HS256", "RS256", "ES256") and hdr.get("typ") == "JWT"


def ip_ok(s: str) -> bool:
    import ipaddress
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or str(ip).startswith("255."))


VALUE_CHECKS = {
    "CREDIT_CARD": lambda s: bool(re.fullmatch(r"\d[\d -]{11,22}\d", s)) and 13 <= len(re.sub(r"\D", "", s)) <= 19 and luhn_ok(re.sub(r"\D", "", s)),
    "IBAN": iban_ok,
    "US_ROUTING_NUMBER": aba_ok,
    "US_SSN": ssn_ok,
    "NATIONAL_ID": lambda s: any(f(s) for f in NATIONAL_ID_VALIDATORS),
    "GITHUB_TOKEN": github_ok,
    "AWS_ACCESS_KEY": lambda s: bool(re.fullmatch(r"(AKIA|ASIA)[A-Z2-7]{16}", s)) and s != "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_KEY": lambda s: bool(re.fullmatch(r"[A-Za-z0-9+/]{40}", s)) and "EXAMPLE" not in s,
    "GITLAB_TOKEN": lambda s: bool(re.fullmatch(r"(glpat|gldt|glrt)-[A-Za-z0-9_-]{20}|glptt-[0-9a-f]{40}|gloas-[0-9a-f]{64}", s)),
    "SLACK_TOKEN": lambda s: bool(re.fullmatch(r"xox[bp]-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}|xoxp-\d+-\d+-\d+-[0-9a-f]{32}|xapp-1-A[A-Z0-9]{10}-\d{13}-[0-9a-f]{64}|xoxe\.xoxp-1-[A-Za-z0-9]{140,170}", s)),
    "SLACK_WEBHOOK": lambda s: bool(re.fullmatch(r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}", s)),
    "STRIPE_KEY": lambda s: bool(re.fullmatch(r"(sk_live|rk_live|sk_test)_([A-Za-z0-9]{24}|51[A-Za-z0-9]{97})", s)),
    "OPENAI_API_KEY": lambda s: bool(re.fullmatch(r"sk-(proj|svcacct|admin)-([A-Za-z0-9_-]{58}T3BlbkFJ[A-Za-z0-9_-]{58}|[A-Za-z0-9_-]{74}T3BlbkFJ[A-Za-z0-9_-]{74})|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", s)),
    "ANTHROPIC_API_KEY": lambda s: bool(re.fullmatch(r"sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA", s)),
    "GOOGLE_API_KEY": lambda s: bool(re.fullmatch(r"AIza[A-Za-z0-9_-]{35}", s)),
    "AZURE_KEY": lambda s: (len(s) == 88 and s.endswith("==") and len(base64.b64decode(s)) == 64) or bool(re.fullmatch(r"[0-9a-f]{32}", s))
    or bool(re.fullmatch(r"[A-Za-z0-9_~.]{3}8Q~[A-Za-z0-9_~.-]{31,34}", s)),
    "PRIVATE_KEY": pem_ok,
    "JWT": jwt_ok,
    "CONNECTION_STRING": lambda s: bool(re.search(r"://[^/\s:@]*:[^@\s]+@|(?i:password|pwd)=[^;&\s]+", s)) and "PASSWORD@" not in s and "<password>" not in s,
    "EMAIL": lambda s: bool(re.fullmatch(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", s)) and s.split("@")[0].lower() not in ROLE_LOCALS
    and not s.lower().endswith(PLACEHOLDER_DOMAINS),
    "IP_ADDRESS": ip_ok,
    "SWIFT_BIC": lambda s: bool(re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", s)),
    "PHONE": lambda s: 7 <= len(re.sub(r"\D", "", s)) <= 17,
    "BANK_ACCOUNT": lambda s: bool(re.fullmatch(r"[\d -]{5,24}", s)),
    "GENERIC_SECRET": lambda s: len(s) >= 20,
    "PASSWORD": lambda s: len(s) >= 8 and s.lower() not in ("changeme", "password", "********", "[redacted]"),
}
# values whose every other occurrence in the same document must be labelled too
DUP_CHECK_TYPES = set(ALL_TYPES) - {"PERSON", "DATE_OF_BIRTH", "HEALTH_CONDITION", "BANK_ACCOUNT", "PASSWORD", "SWIFT_BIC"}


def self_check(records: list[dict]) -> list[str]:
    errors = []
    ids = set()
    for r in records:
        rid, text = r["id"], r["text"]
        if rid in ids:
            errors.append(f"{rid}: duplicate id")
        ids.add(rid)
        b = text.encode("utf-8")
        prev_end = -1
        fams = set()
        for sp in r["spans"]:
            t, s, e = sp["type"], sp["start"], sp["end"]
            if t not in FAMILY_OF:
                errors.append(f"{rid}: unknown type {t}")
                continue
            fams.add(FAMILY_OF[t])
            if not (0 <= s < e <= len(b)):
                errors.append(f"{rid}: span out of range {sp}")
                continue
            if s < prev_end:
                errors.append(f"{rid}: overlapping spans at {s}")
            prev_end = max(prev_end, e)
            try:
                val = b[s:e].decode("utf-8")
            except UnicodeDecodeError:
                errors.append(f"{rid}: span {sp} cuts a UTF-8 character")
                continue
            if val != val.strip():
                errors.append(f"{rid}: span {t} has surrounding whitespace: {val!r}")
            if val[-1] in ".,;:" and t not in ("GENERIC_SECRET", "PASSWORD", "CONNECTION_STRING", "AZURE_KEY"):
                errors.append(f"{rid}: span {t} ends with punctuation: {val!r}")
            chk = VALUE_CHECKS.get(t)
            if chk and not chk(val):
                errors.append(f"{rid}: {t} value fails validation: {val[:80]!r}")
            if t in DUP_CHECK_TYPES and len(val) >= 6:
                for m in re.finditer(re.escape(val), text):
                    bs = len(text[:m.start()].encode("utf-8"))
                    be = bs + len(val.encode("utf-8"))
                    before = text[m.start() - 1] if m.start() else " "
                    after = text[m.end()] if m.end() < len(text) else " "
                    if before.isalnum() or after.isalnum():
                        continue
                    if not any(x["start"] <= bs and be <= x["end"] for x in r["spans"]):
                        errors.append(f"{rid}: unlabelled repeat of {t} value {val[:40]!r}")
        cats = set(r["categories"])
        if r["sensitive"] != bool(r["spans"]):
            errors.append(f"{rid}: sensitive flag inconsistent")
        if not cats or not cats <= set(CATEGORIES):
            errors.append(f"{rid}: bad categories {cats}")
        if "SECRET" in fams and "credentials" not in cats:
            errors.append(f"{rid}: SECRET span without credentials")
        if "credentials" in cats and "SECRET" not in fams:
            errors.append(f"{rid}: credentials without SECRET span")
        if "FINANCIAL" in fams and "financial" not in cats:
            errors.append(f"{rid}: FINANCIAL span without financial")
        if "HEALTH" in fams and "health" not in cats:
            errors.append(f"{rid}: HEALTH span without health")
        if not r["spans"] and not cats <= {"none", "source_code"}:
            errors.append(f"{rid}: non-sensitive doc with categories {cats}")
        if r["spans"] and not cats & SENSITIVE_CATEGORIES:
            errors.append(f"{rid}: sensitive doc without a sensitive category")
        if "none" in cats and len(cats) > 1:
            errors.append(f"{rid}: 'none' combined with other categories")
    return errors


def count_table(records: list[dict], title: str) -> str:
    by_type = collections.Counter(sp["type"] for r in records for sp in r["spans"])
    docs_by_type = collections.Counter(t for r in records for t in {sp["type"] for sp in r["spans"]})
    lines = [f"== {title}: {len(records)} docs, {sum(r['sensitive'] for r in records)} sensitive "
             f"({100 * sum(not r['sensitive'] for r in records) / max(1, len(records)):.1f}% non-sensitive), "
             f"{sum(by_type.values())} spans, {sum(blen(r['text']) for r in records) / 1024:.0f} KiB",
             f"{'type':<22}{'family':<10}{'spans':>7}{'docs':>7}"]
    for t in ALL_TYPES:
        flag = "  <-- below 40" if by_type[t] < 40 else ""
        lines.append(f"{t:<22}{FAMILY_OF[t]:<10}{by_type[t]:>7}{docs_by_type[t]:>7}{flag}")
    cats = collections.Counter(c for r in records for c in r["categories"])
    lines.append("categories: " + ", ".join(f"{c}={cats[c]}" for c in CATEGORIES))
    kinds = collections.Counter(r["_kind"] for r in records)
    lines.append("document kinds: " + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a labelled Promptwall test corpus (JSONL).")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    records = generate(args.seed, args.count)
    errors = self_check(records)
    if errors:
        for e in errors[:50]:
            print("SELF-CHECK FAILED:", e, file=sys.stderr)
        print(f"{len(errors)} self-check errors; nothing written", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps({k: v for k, v in r.items() if not k.startswith("_")}, ensure_ascii=False) + "\n")
    print(count_table(records, f"{args.out} (seed {args.seed})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
