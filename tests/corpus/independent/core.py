"""Shared plumbing of the independent generators: a text builder that records gold spans in UTF-8
byte offsets, check-digit helpers, the corpus self-check and the JSONL writer.

Only mechanics live here. Each author module (author_a.py, author_b.py) brings its own
vocabulary, records, layouts and wording, and none of it comes from tests/corpus/generate.py.
"""

import base64
import json
import string
import zlib

TYPES = {
    "PII": "PERSON EMAIL PHONE ADDRESS DATE_OF_BIRTH US_SSN PASSPORT DRIVER_LICENSE NATIONAL_ID IP_ADDRESS",
    "FINANCIAL": "CREDIT_CARD IBAN BANK_ACCOUNT US_ROUTING_NUMBER SWIFT_BIC",
    "SECRET": "AWS_ACCESS_KEY AWS_SECRET_KEY GITHUB_TOKEN GITLAB_TOKEN SLACK_TOKEN SLACK_WEBHOOK STRIPE_KEY "
              "OPENAI_API_KEY ANTHROPIC_API_KEY GOOGLE_API_KEY AZURE_KEY PRIVATE_KEY JWT PASSWORD "
              "CONNECTION_STRING GENERIC_SECRET",
    "HEALTH": "MEDICAL_RECORD_NUMBER HEALTH_CONDITION",
}
FAMILY = {t: fam for fam, ts in TYPES.items() for t in ts.split()}
TOPICAL = {"credentials", "customer_data", "health", "financial", "hr", "legal"}
ALL_CATEGORIES = TOPICAL | {"source_code", "none"}


class Text:
    """Append-only text with labelled pieces. `add(value, TYPE)` records a span over `value`."""

    def __init__(self):
        self.parts = []
        self.spans = []
        self.size = 0

    def add(self, s, kind=None):
        s = str(s)
        if kind and s:
            lead = len(s) - len(s.lstrip())
            core = s.strip()
            start = self.size + len(s[:lead].encode())
            self.spans.append({"type": kind, "start": start, "end": start + len(core.encode())})
        self.parts.append(s)
        self.size += len(s.encode())
        return self

    def __iadd__(self, s):
        return self.add(s)

    def line(self, *pieces):
        """Pieces are strings or (value, TYPE) pairs; ends the line."""
        for p in pieces:
            if isinstance(p, tuple):
                self.add(*p)
            else:
                self.add(p)
        self.add("\n")
        return self

    def text(self):
        return "".join(self.parts)


# ---- check digits -------------------------------------------------------------------------------

def luhn_complete(prefix_and_body):
    digits = [int(c) for c in prefix_and_body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix_and_body + str((10 - total % 10) % 10)


def luhn_ok(number):
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _mod97(s):
    rem = 0
    for c in s:
        v = str(int(c, 36))
        for ch in v:
            rem = (rem * 10 + int(ch)) % 97
    return rem


def iban_make(country, bban):
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def iban_ok(s):
    c = s.replace(" ", "")
    return _mod97(c[4:] + c[:4]) == 1


IBAN_LEN = {"DE": 22, "GB": 22, "FR": 27, "AT": 20, "CH": 21, "IE": 22, "NL": 18, "PL": 28, "SE": 24, "FI": 18}


def aba_make(rng):
    first = rng.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
                        "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32"])
    while True:
        body = first + "".join(rng.choice(string.digits) for _ in range(6))
        w = [3, 7, 1, 3, 7, 1, 3, 7]
        s = sum(int(d) * k for d, k in zip(body, w))
        for last in range(10):
            if (s + last) % 10 == 0:
                return body + str(last)


def aba_ok(s):
    if len(s) != 9 or not s.isdigit():
        return False
    w = [3, 7, 1, 3, 7, 1, 3, 7, 1]
    return sum(int(d) * k for d, k in zip(s, w)) % 10 == 0


_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def github_token(rng, prefix="ghp_"):
    body = "".join(rng.choice(_B62) for _ in range(30))
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    tail = ""
    for _ in range(6):
        tail = _B62[n % 62] + tail
        n //= 62
    return prefix + body + tail


def b64url(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(rng, payload):
    head = b64url({"alg": rng.choice(["HS256", "HS512"]), "typ": "JWT"})
    sig = base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(32))).decode().rstrip("=")
    return f"{head}.{b64url(payload)}.{sig}"


def rand_chars(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def ssn_make(rng):
    while True:
        area = rng.randrange(1, 900)
        if area != 666:
            break
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


# ---- self-check ---------------------------------------------------------------------------------

class CorpusError(Exception):
    pass


def check_doc(doc):
    text = doc["text"]
    raw = text.encode()
    prev_end = -1
    for s in doc["spans"]:
        if s["type"] not in FAMILY:
            raise CorpusError(f"{doc['id']}: unknown type {s['type']}")
        if not (0 <= s["start"] < s["end"] <= len(raw)) or s["start"] < prev_end:
            raise CorpusError(f"{doc['id']}: bad or overlapping span {s}")
        try:
            val = raw[s["start"]:s["end"]].decode()
        except UnicodeDecodeError as e:
            raise CorpusError(f"{doc['id']}: span {s} not on a character boundary") from e
        if val != val.strip():
            raise CorpusError(f"{doc['id']}: span {s} has outer whitespace: {val!r}")
        if FAMILY[s["type"]] != "SECRET" and val[-1] in ".,;:":
            raise CorpusError(f"{doc['id']}: span {s} ends with punctuation: {val!r}")
        if s["type"] == "CREDIT_CARD" and not luhn_ok(val):
            raise CorpusError(f"{doc['id']}: card fails Luhn: {val!r}")
        if s["type"] == "IBAN" and not iban_ok(val):
            raise CorpusError(f"{doc['id']}: IBAN fails mod-97: {val!r}")
        if s["type"] == "US_ROUTING_NUMBER" and not aba_ok(val):
            raise CorpusError(f"{doc['id']}: routing number fails 3-7-1: {val!r}")
        prev_end = s["end"]
    cats = set(doc["categories"])
    if not cats or not cats <= ALL_CATEGORIES:
        raise CorpusError(f"{doc['id']}: categories {cats}")
    fams = {FAMILY[s["type"]] for s in doc["spans"]}
    if doc["sensitive"] != bool(doc["spans"]):
        raise CorpusError(f"{doc['id']}: sensitive flag")
    if doc["spans"]:
        if not cats & TOPICAL or "none" in cats:
            raise CorpusError(f"{doc['id']}: sensitive doc without a topical category: {cats}")
        for fam, cat in (("SECRET", "credentials"), ("FINANCIAL", "financial"), ("HEALTH", "health")):
            if fam in fams and cat not in cats:
                raise CorpusError(f"{doc['id']}: {fam} span without {cat}")
    elif not cats <= {"none", "source_code"} or cats == {"none", "source_code"}:
        raise CorpusError(f"{doc['id']}: clean doc with categories {cats}")


def finish(doc_id, t, categories):
    """Builds the JSONL object; a clean document keeps only `none`/`source_code`."""
    spans = sorted(t.spans, key=lambda s: s["start"])
    cats = set(categories)
    if spans:
        fams = {FAMILY[s["type"]] for s in spans}
        cats.discard("none")
        for fam, cat in (("SECRET", "credentials"), ("FINANCIAL", "financial"), ("HEALTH", "health")):
            if fam in fams:
                cats.add(cat)
        if not cats & TOPICAL:
            cats.add("customer_data")
    else:
        cats = {"source_code"} if "source_code" in cats else {"none"}
    doc = {"id": doc_id, "text": t.text(), "spans": spans, "categories": sorted(cats), "sensitive": bool(spans)}
    check_doc(doc)
    return doc
