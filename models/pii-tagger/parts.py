"""Building blocks of the pii-tagger generators: names, addresses, organisations, as (text, spans).

A piece is a `Piece`: text plus spans (start, end, type) in characters. Pieces concatenate with `+`
and plain strings; `to_record` turns the result into a JSONL record with UTF-8 byte offsets.
"""
import json
import random

import vocab as V

LOCALES = ["us", "uk", "de", "fr", "es", "it", "nl", "pt", "in", "pl", "tr", "se", "cn", "jp", "kr"]


class Piece:
    def __init__(self, text="", spans=None):
        self.text = text
        self.spans = list(spans or [])

    def __add__(self, other):
        if isinstance(other, str):
            other = Piece(other)
        n = len(self.text)
        return Piece(self.text + other.text, self.spans + [(s + n, e + n, t) for s, e, t in other.spans])

    def __radd__(self, other):
        return Piece(other) + self


def P(text, kind=None):
    return Piece(text, [(0, len(text), kind)] if kind else [])


def join(parts, sep=""):
    out = Piece()
    for i, p in enumerate(parts):
        if i:
            out = out + sep
        out = out + p
    return out


def to_record(doc_id, piece):
    text = piece.text
    spans = []
    for s, e, t in sorted(piece.spans):
        # Strip whitespace at the edges; byte offsets.
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append({"type": t, "start": len(text[:s].encode()), "end": len(text[:e].encode())})
    return json.dumps({"id": doc_id, "text": text, "spans": spans}, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# People

def person(r: random.Random, loc=None, style=None):
    """A name as (given, family, full Piece labelled PERSON)."""
    loc = loc or r.choice(LOCALES)
    if loc in ("cn", "jp", "kr"):
        if r.random() < 0.55:
            fam, giv = r.choice(V.CJK_FAMILY[loc]), r.choice(V.CJK_GIVEN[loc])
            sep = "" if loc in ("cn", "kr") and r.random() < 0.7 else (" " if r.random() < 0.8 else "\u3000")
            return giv, fam, P(fam + sep + giv, "PERSON")
        fams, givs = V.ROMAN[loc]
        fam, giv = r.choice(fams), r.choice(givs)
        if r.random() < 0.3:
            return giv, fam, P(fam.upper() + " " + giv, "PERSON")
        return giv, fam, P(giv + " " + fam, "PERSON")
    giv, fam = r.choice(V.GIVEN[loc]), r.choice(V.SURNAME[loc])
    if loc == "es" and r.random() < 0.5:
        fam = fam + " " + r.choice(V.SURNAME["es"])
    if r.random() < 0.08:
        giv = giv + "-" + r.choice(V.GIVEN[loc])
    if r.random() < 0.06:
        fam = "O'" + fam if loc in ("us", "uk") else fam
    style = style or r.choices(["full", "full", "full", "initial", "upper", "last_first", "middle"], k=1)[0]
    if style == "initial":
        full = f"{giv[0]}. {fam}"
    elif style == "upper":
        full = f"{giv.upper()} {fam.upper()}"
    elif style == "last_first":
        # Two names, two spans (as a table with separate cells would have them).
        return giv, fam, P(fam, "PERSON") + ", " + P(giv, "PERSON")
    elif style == "middle":
        full = f"{giv} {r.choice('ABCDEFGHJKLMNPRSTW')}. {fam}"
    else:
        full = f"{giv} {fam}"
    return giv, fam, P(full, "PERSON")


def org(r: random.Random):
    kind = r.random()
    if kind < 0.35:
        name = f"{r.choice(V.ORG_WORDS)} {r.choice(V.ORG_SUFFIX)}"
    elif kind < 0.6:
        # Organisations named after people: a negative for PERSON.
        name = f"{r.choice(V.SURNAME[r.choice(['us', 'uk', 'de', 'fr', 'it', 'nl'])])} {r.choice(V.ORG_SUFFIX)}"
    elif kind < 0.75:
        a, b = r.sample(V.SURNAME[r.choice(["us", "uk", "de"])], 2)
        name = f"{a} & {b}" + (f" {r.choice(['LLP', 'GmbH', 'Partners', 'Associates'])}" if r.random() < 0.6 else "")
    else:
        name = r.choice(V.BRANDS)
    return P(name, "ORGANIZATION")


# ---------------------------------------------------------------------------------------------
# Addresses

def _num(r, lo=1, hi=999):
    return str(r.randint(lo, hi))


def address(r: random.Random, loc=None, multiline=None):
    """A street address as one Piece labelled ADDRESS (street line through postcode and city)."""
    loc = loc or r.choice(LOCALES)
    ml = r.random() < 0.3 if multiline is None else multiline
    br = "\n" if ml else ", "
    if loc == "us":
        city, st, z = r.choice(V.CITIES["us"])
        street = f"{_num(r, 10, 9999)} {r.choice(['N ', 'S ', 'E ', 'W ', '', '', ''])}{r.choice(V.STREET_BASE['us'])} " \
                 f"{r.choice(['St', 'Street', 'Ave', 'Avenue', 'Rd', 'Blvd', 'Dr', 'Ln', 'Ct', 'Way', 'Pkwy', 'Terrace'])}"
        if r.random() < 0.35:
            street += f"{r.choice([', Apt ', ', Suite ', ' #', ', Unit '])}{_num(r, 1, 1200)}"
        text = f"{street}{br}{city}, {st} {z}{r.randint(10, 99)}"
    elif loc == "uk":
        city, pc = r.choice(V.CITIES["uk"])
        street = f"{_num(r, 1, 240)} {r.choice(V.STREET_BASE['uk'])} {r.choice(['Road', 'Close', 'Gardens', 'Lane', 'Avenue', 'Crescent', 'Mews', 'Street'])}"
        if r.random() < 0.25:
            street = f"Flat {_num(r, 1, 40)}, " + street
        text = f"{street}{br}{city} {pc}{r.randint(1, 28)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    elif loc == "de":
        street = f"{r.choice(V.STREET_BASE['de'])}{r.choice(['straße', 'weg', 'allee', 'gasse', 'ring', 'platz', 'str.'])} {_num(r, 1, 180)}{r.choice(['', '', '', 'a', 'b'])}"
        text = f"{street}{br}{r.randint(10000, 99999)} {r.choice(V.CITIES['de'])}"
    elif loc == "fr":
        street = f"{_num(r, 1, 150)}{r.choice(['', '', ' bis', ' ter'])} {r.choice(['rue', 'avenue', 'boulevard', 'place', 'allée', 'chemin', 'impasse', 'quai'])} {r.choice(V.STREET_BASE['fr'])}"
        text = f"{street}{br}{r.randint(10, 95)}{r.randint(0, 999):03d} {r.choice(V.CITIES['fr'])}"
        if r.random() < 0.15:
            text += " Cedex"
    elif loc == "es":
        street = f"{r.choice(['Calle', 'C/', 'Avenida', 'Avda.', 'Paseo', 'Plaza'])} {r.choice(V.STREET_BASE['es'])}, {_num(r, 1, 200)}"
        if r.random() < 0.4:
            street += f", {r.randint(1, 9)}º {r.choice(['A', 'B', 'C', 'izq.', 'dcha.', 'izda.'])}"
        text = f"{street}{br}{r.randint(1, 52):02d}{r.randint(0, 999):03d} {r.choice(V.CITIES['es'])}"
    elif loc == "it":
        city, pr = r.choice(V.CITIES["it"])
        street = f"{r.choice(['Via', 'Viale', 'Piazza', 'Corso', 'Largo'])} {r.choice(V.STREET_BASE['it'])}{r.choice([' ', ', '])}{_num(r, 1, 250)}"
        text = f"{street}{br}{r.randint(10, 98)}{r.randint(0, 999):03d} {city} {'(' + pr + ')' if r.random() < 0.5 else pr}"
    elif loc == "nl":
        street = f"{r.choice(V.STREET_BASE['nl'])}{r.choice(['straat', 'laan', 'weg', 'plein', 'gracht', 'kade'])} {_num(r, 1, 300)}{r.choice(['', '', '-2', 'A', ' bis'])}"
        text = f"{street}{br}{r.randint(1000, 9999)} {r.choice('ABCDEGHJKLMNPRSTVWXZ')}{r.choice('ABCDEGHJKLMNPRSTVWXZ')} {r.choice(V.CITIES['nl'])}"
    elif loc == "pt":
        city, uf = r.choice(V.CITIES["pt"])
        street = f"{r.choice(['Rua', 'Av.', 'Avenida', 'Travessa', 'Alameda'])} {r.choice(V.STREET_BASE['pt'])}, {_num(r, 1, 3000)}"
        if r.random() < 0.4:
            street += f", {r.choice(['apto', 'Apto', 'sala', 'bloco B, apto'])} {_num(r, 1, 1500)}"
        if r.random() < 0.4:
            street += f" - {r.choice(V.NEIGHBOURHOODS[:6])}"
        text = f"{street}{br}{city} - {uf}, {r.randint(10000, 99999)}-{r.randint(0, 999):03d}"
    elif loc == "in" and r.random() < 0.5:
        text = f"{_num(r, 1, 900)}, {r.choice(V.NEIGHBOURHOODS[6:13])} {r.choice(['Extension', 'Sector ' + str(r.randint(1, 60)), 'Phase 2', 'Main Road'])}" \
               f"{br}{r.choice(V.CITIES['in'])}{r.choice([', Maharashtra', ', Karnataka', ''])} {r.choice(['- ', ''])}{r.randint(110000, 860000)}"
    elif loc == "in":
        text = f"{r.choice(['Flat', 'House No.', 'Plot'])} {_num(r, 1, 900)}, {r.choice(V.STREET_BASE['in'])} {r.choice(['Nagar', 'Colony', 'Layout'])}, " \
               f"{r.choice(V.STREET_BASE['in'])} {r.choice(['Road', 'Marg'])}{br}{r.choice(V.CITIES['in'])} - {r.randint(110000, 860000)}"
    elif loc == "pl":
        text = f"ul. {r.choice(V.STREET_BASE['pl'])} {_num(r, 1, 120)}{'/' + _num(r, 1, 60) if r.random() < 0.5 else ''}{br}{r.randint(10, 99)}-{r.randint(100, 999)} {r.choice(V.CITIES['pl'])}"
    elif loc == "se":
        text = f"{r.choice(V.STREET_BASE['se'])}{r.choice(['gatan', 'vägen', 'stigen'])} {_num(r, 1, 90)}{br}{r.randint(100, 989)} {r.randint(10, 99)} {r.choice(V.CITIES['se'])}"
    elif loc == "tr":
        text = f"{r.choice(['Atatürk', 'Cumhuriyet', 'İnönü'])} {r.choice(['Caddesi', 'Cad.', 'Sokak'])} No:{_num(r, 1, 150)}{br}{r.randint(10000, 81999)} {r.choice(['Kadıköy', 'Çankaya', 'Konak'])}/{r.choice(['İstanbul', 'Ankara', 'İzmir'])}"
    elif loc == "cn":
        if r.random() < 0.7:
            prov, city, dist = r.choice(V.CN_PLACES)
            text = f"{prov}{city}{dist}{r.choice(V.CN_ROADS)}{_num(r, 1, 999)}号"
            if r.random() < 0.6:
                text += f"{r.randint(1, 30)}{r.choice(['栋', '号楼', '幢'])}{r.randint(101, 2999)}室"
        else:
            text = f"No. {_num(r, 1, 999)} {r.choice(['Zhongshan', 'Renmin', 'Jiefang', 'Wensan', 'Changjiang'])} {r.choice(['Road', 'Street', 'Avenue'])}, " \
                   f"{r.choice(['Xihu', 'Nanshan', 'Gulou', 'Jinjiang'])} District, {r.choice(['Hangzhou', 'Shenzhen', 'Nanjing', 'Chengdu'])}"
    elif loc == "jp":
        if r.random() < 0.65:
            pref, city, ward, town = r.choice(V.JP_PLACES)
            text = f"〒{r.randint(100, 999)}-{r.randint(0, 9999):04d}{r.choice(['', ' ', chr(10)])}{pref}{city}{ward}{town}{r.randint(1, 9)}丁目{r.randint(1, 30)}-{r.randint(1, 20)}"
            if r.random() < 0.3:
                text += f" {r.choice(['メゾン', 'ハイツ', 'コーポ'])}{r.choice(['桜', '緑', '青葉'])}{r.randint(101, 905)}号室"
        else:
            area, ward, city = r.choice(V.JP_ROMAN)
            text = f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 20)} {area}, {ward}, {city} {r.randint(100, 999)}-{r.randint(0, 9999):04d}"
    elif loc == "kr" and r.random() < 0.35:
        text = f"{_num(r, 1, 300)} {r.choice(['Eulji-ro', 'Sejong-daero', 'Olympic-ro', 'Hangang-daero', 'Dosan-daero'])}, {r.choice(['Seocho-gu', 'Jung-gu', 'Songpa-gu', 'Mapo-gu', 'Yongsan-gu'])}{br}{r.choice(['Seoul', 'Busan', 'Incheon'])} {r.randint(10000, 63999)}"
    else:  # kr
        city, gu, ro = r.choice(V.KR_PLACES)
        text = f"{city} {gu} {ro} {_num(r, 1, 400)}{', ' + str(r.randint(101, 2505)) + '호' if r.random() < 0.5 else ''}"
    return P(text, "ADDRESS")


def phone(r):
    return r.choice([f"+49 {r.randint(150, 179)} {r.randint(1000000, 9999999)}", f"({r.randint(200, 989)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}",
                     f"+44 7{r.randint(100, 999)} {r.randint(100000, 999999)}", f"0{r.randint(1, 9)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"])


def email_of(r, giv, fam):
    def ascii_(s):
        import unicodedata
        return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalnum()).lower() or "user"
    return f"{ascii_(giv)}.{ascii_(fam)}@{r.choice(['example.com', 'example.org', 'mail.example.net', 'corp.example'])}"


def noise(r: random.Random):
    """A value that is neither a name nor an address: dates, amounts, ids, codes, fingerprints."""
    k = r.randrange(12)
    if k == 0:
        return f"{r.choice(['January', 'March', 'May', 'July', 'Aug', 'Oct', 'Dec'])} {r.randint(1, 28)}, {r.randint(1950, 2026)}"
    if k == 1:
        return f"{r.randint(1, 28)} {r.choice(['Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Sep', 'Nov', 'März', 'juin', 'agosto'])} {r.randint(1950, 2026)}"
    if k == 2:
        return " ".join(f"{r.getrandbits(16):04X}" for _ in range(r.choice([5, 10])))
    if k == 3:
        return f"{r.choice(['INV', 'PO', 'RMA', 'ORD', 'TKT', 'REF'])}-{r.randint(2019, 2026)}-{r.randint(1000, 99999)}"
    if k == 4:
        return f"{r.choice(['EUR', 'USD', '$', '€', '£'])} {r.randint(1, 99999)}.{r.randint(0, 99):02d}"
    if k == 5:
        return f"{r.randint(100, 999)}-{r.randint(100, 999)}"
    if k == 6:
        return f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}"
    if k == 7:
        return f"{r.randint(1, 31):02d}.{r.randint(1, 12):02d}.{r.randint(1950, 2026)}"
    if k == 8:
        return f"{r.randint(1, 23):02d}:{r.randint(0, 59):02d} {r.choice(['UTC', 'CET', 'PST', 'Uhr', ''])}".strip()
    if k == 9:
        return f"{r.randint(1, 99)}{r.choice(['A', 'B', 'C', 'D', 'F'])}"
    if k == 10:
        return f"{r.randint(1, 12):02d}{r.choice(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'])}{r.randint(24, 99)}"
    return f"{r.choice(['Week', 'Q', 'Sprint', 'Build', 'Room', 'Gate', 'Seat', 'Floor'])} {r.randint(1, 60)}"


def single_mention(r: random.Random, loc=None):
    """One word of a name on its own: a given name, or a surname after an honorific."""
    giv, fam, _ = person(r, loc, "full")
    k = r.random()
    if k < 0.5:
        return P(giv, "PERSON")
    if k < 0.75:
        return Piece(r.choice(["Dr. ", "Mr. ", "Ms. ", "Mrs. ", "Frau ", "Herr ", "M. ", "Mme ", "Sr. ", "Sra. ", "Prof. "])) + P(fam, "PERSON")
    return P(fam, "PERSON")


def generate_main(kinds, prefix):
    """The command line both generators share: --seed, --count, --out; one JSON line per document,
    its kind drawn by weight from `kinds` ([(function, weight)])."""
    import argparse
    import random

    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    fns, weights = zip(*kinds)
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.count):
            fn = r.choices(fns, weights)[0]
            f.write(to_record(f"{prefix}{a.seed}-{i:05d}", fn(r)) + "\n")
