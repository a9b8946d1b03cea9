#!/usr/bin/env python3
"""pii-tagger training generator 2 of 2: machine-shaped text — CSV/TSV exports, JSON and YAML
payloads, logs, SQL, XML, Markdown tables, HTTP query strings and source code in several
languages — with people and addresses in fields and strings, and hard negatives: type, class and
function names, keywords, placeholders, organisations (ORGANIZATION) and brands.

    python3 models/pii-tagger/gen_records.py --seed 162 --count 6000 --out target/pii-tagger/records.jsonl

Shares no template or word list with tests/corpus/generate.py or gen_letters.py (names and
addresses come from parts.py/vocab.py, the pieces both generators of this model use).
"""

import vocab as V
from parts import LOCALES, P, Piece, address, email_of, join, noise, org, person, phone, single_mention, generate_main

HEAD_FIRST = ["first_name", "FirstName", "given_name", "Vorname", "Prénom", "Nombre", "firstName", "fname", "名"]
HEAD_LAST = ["last_name", "LastName", "surname", "Nachname", "Nom", "Apellidos", "lastName", "lname", "姓"]
HEAD_FULL = ["name", "Name", "full_name", "customer", "Kunde", "contact_name", "holder", "displayName", "recipient", "Owner"]
HEAD_ADDR = ["address", "Address", "street_address", "Anschrift", "adresse", "shipping_address", "billing_addr", "Dirección", "住所"]
HEAD_OTHER = ["id", "status", "plan", "country", "company", "created_at", "city", "tier", "amount", "sku", "team"]


def other_value(r, head):
    if head == "company":
        return org(r)
    if head == "city":
        return P(r.choice(V.PLACES_NOT_ADDRESS))
    if head in ("status", "plan", "tier", "team"):
        return P(r.choice(["Active", "Pending", "Gold", "Basic", "Enterprise", "Closed", "Trial", "Platform", "Growth"]))
    if head == "country":
        return P(r.choice(["DE", "FR", "US", "Germany", "Japan", "Brazil", "India", "España"]))
    if head == "created_at":
        return P(f"20{r.randint(19, 26)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}")
    return P(str(r.randint(1000, 999999)))


def columns(r):
    cols = []
    if r.random() < 0.5:
        cols += [("first", r.choice(HEAD_FIRST)), ("last", r.choice(HEAD_LAST))]
    else:
        cols.append(("full", r.choice(HEAD_FULL)))
    if r.random() < 0.6:
        cols.append(("addr", r.choice(HEAD_ADDR)))
    for h in r.sample(HEAD_OTHER, r.randint(1, 3)):
        cols.append(("other", h))
    r.shuffle(cols)
    return cols


def cell(r, kind, head, loc, who):
    giv, fam, full = who
    if kind == "first":
        return P(giv, "PERSON")
    if kind == "last":
        return P(fam, "PERSON")
    if kind == "full":
        return full
    if kind == "addr":
        return address(r, loc, multiline=False)
    return other_value(r, head)


def doc_table(r):
    cols = columns(r)
    sep = r.choice([",", "\t", ";", "|"])
    quote = sep == "," and r.random() < 0.6
    q = (lambda p: '"' + p + '"') if quote else (lambda p: p)
    lines = [Piece(sep.join(h for _, h in cols))]
    if r.random() < 0.25:
        # A line of context above the export.
        lines.insert(0, Piece(r.choice(["Here is the export you asked for:", "Rows from the CRM (do not share):", "# exported " + noise(r),
                                        "Can you dedupe these?", "Ausschnitt aus der Kundenliste:"]) + "\n"))
    for _ in range(r.randint(2, 9)):
        loc = r.choice(LOCALES)
        who = person(r, loc, r.choice(["full", "full", "upper"]))
        cells = []
        for kind, head in cols:
            c = cell(r, kind, head, loc, who)
            if sep in c.text and not quote:
                c = Piece('"') + c + '"'
            cells.append(q(c) if quote else c)
        lines.append(join(cells, sep))
    return join(lines, "\n")


def doc_markdown_table(r):
    cols = columns(r)
    lines = [Piece("| " + " | ".join(h for _, h in cols) + " |"), Piece("|" + "---|" * len(cols))]
    for _ in range(r.randint(2, 6)):
        loc = r.choice(LOCALES)
        who = person(r, loc)
        lines.append("| " + join([cell(r, k, h, loc, who) for k, h in cols], " | ") + " |")
    return join(lines, "\n")


def doc_json(r):
    loc = r.choice(LOCALES)
    giv, fam, full = person(r, loc, "full")
    ind = r.choice(["  ", "    ", ""])
    nl = "\n" if ind else " "
    fields = []
    if r.random() < 0.5:
        fields.append(Piece(f'"{r.choice(HEAD_FIRST)}": "') + P(giv, "PERSON") + '"')
        fields.append(Piece(f'"{r.choice(HEAD_LAST)}": "') + P(fam, "PERSON") + '"')
    else:
        fields.append(Piece(f'"{r.choice(HEAD_FULL)}": "') + full + '"')
    fields.append(Piece(f'"email": "{email_of(r, giv, fam)}"'))
    if r.random() < 0.6:
        a = address(r, loc, multiline=False)
        fields.append(Piece(f'"{r.choice(HEAD_ADDR)}": "') + a + '"')
    fields.append(Piece(f'"type": "{r.choice(V.CODE_TYPES)}"'))
    fields.append(Piece('"vendor": "') + org(r) + '"')
    fields.append(Piece(f'"status": "{r.choice(["ACTIVE", "Pending", "Shipped"])}"'))
    r.shuffle(fields)
    return "{" + nl + join([ind + f for f in fields], "," + nl) + nl + "}"


def doc_yaml(r):
    loc = r.choice(LOCALES)
    giv, fam, full = person(r, loc, "full")
    rows = [Piece(f"{r.choice(['customer', 'contact', 'owner', 'assignee'])}:"),
            "  name: " + full,
            Piece(f"  kind: {r.choice(V.CODE_TYPES)}"),
            "  employer: " + org(r)]
    if r.random() < 0.6:
        rows.append("  address: " + address(r, loc, multiline=False))
    rows.append(Piece(f"  region: {r.choice(V.PLACES_NOT_ADDRESS)}"))
    return join(rows, "\n")


def doc_log(r):
    lines = []
    for _ in range(r.randint(3, 10)):
        ts = f"20{r.randint(20, 26)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
        lvl = r.choice(["INFO", "WARN", "ERROR", "DEBUG"])
        comp = r.choice(V.CODE_TYPES) + r.choice(["Service", "Handler", "Worker", "Controller", ""])
        loc = r.choice(LOCALES)
        msg = r.choice([
            lambda: "user profile updated name=" + person(r, loc)[2] + f" id={r.randint(100, 99999)}",
            lambda: Piece("shipment created to=\"") + address(r, loc, False) + "\"",
            lambda: Piece(f"{comp} started in {r.randint(2, 900)}ms"),
            lambda: Piece(f"retrying {r.choice(V.BRANDS)} webhook (attempt {r.randint(1, 5)})"),
            lambda: Piece(f"cache miss key={r.choice(V.CODE_TYPES).lower()}:{r.randint(1, 999)}"),
            lambda: Piece("login ok for ") + person(r, loc)[2] + f" from 10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            lambda: Piece(f"panicked at 'called `Option::unwrap()` on a `None` value', src/{r.choice(V.CODE_TYPES).lower()}.rs:{r.randint(1, 900)}"),
            lambda: Piece("invoice issued customer=\"") + org(r) + f"\" amount={r.randint(10, 9000)}.00",
        ])()
        lines.append(Piece(f"{ts} {lvl} [{comp}] ") + msg)
    return join(lines, "\n")


def doc_sql(r):
    rows = []
    for _ in range(r.randint(1, 5)):
        loc = r.choice(LOCALES)
        giv, fam, full = person(r, loc, "full")
        esc = lambda p: Piece(p.text.replace("'", "''"), p.spans)  # noqa: E731
        rows.append(Piece(f"({r.randint(1, 9999)}, '") + esc(P(giv, "PERSON")) + "', '" + esc(P(fam, "PERSON")) + "', '"
                    + esc(address(r, loc, False)) + "')")
    head = Piece(f"INSERT INTO {r.choice(['customers', 'contacts', 'people', 'Kunden'])} (id, first_name, last_name, address) VALUES\n")
    ddl = "" if r.random() < 0.5 else f"CREATE TABLE {r.choice(V.CODE_TYPES)}Record (Id INT PRIMARY KEY, Name VARCHAR(80), Address TEXT);\n"
    return ddl + head + join(rows, ",\n") + ";"


def doc_code(r):
    """Source code: mostly negatives (types, functions, keywords), some names in strings."""
    lang = r.choice(["rust", "python", "ts", "java", "go", "c"])
    T = lambda: r.choice(V.CODE_TYPES)  # noqa: E731
    lines = []
    for _ in range(r.randint(4, 14)):
        a, b = T(), T()
        if lang == "rust":
            opts = [f"use std::sync::{{{a}, {b}}};", f"pub struct {a}{b} {{ inner: {a}<{b}>, _m: PhantomData<{b}> }}",
                    f"impl {a} for {b}{T()} {{", f"    fn {r.choice(V.CODE_FUNCS).lower()}(&self) -> Result<{a}, {b}Error> {{",
                    f"        let x: {a}<{b}> = {a}::new({b}::default());", "    }", "}", f"#[derive({a}, Clone, Debug)]",
                    f"/// Returns the {a} of this {b}, or `None` when the {T()} is closed."]
        elif lang == "python":
            opts = [f"from {a.lower()} import {a}, {b}", f"class {a}{b}({T()}):", f"    def {r.choice(V.CODE_FUNCS)}(self, {b.lower()}: {a}) -> {b}:",
                    f"        return {a}({b.lower()}=None)", f'    """Return the {a} for a {b}. Raises {T()}Error."""', "    pass",
                    f"        logger.info(\"{a} ready\")"]
        elif lang in ("ts", "java"):
            opts = [f"import {{ {a}, {b} }} from './{a.lower()}';", f"export class {a}{b} implements {T()} {{", f"  private readonly {b.lower()}: {a}<{b}>;",
                    f"  public {r.choice(V.CODE_FUNCS)}(): {a} {{ return new {b}(); }}", "}", f"@Component({{ selector: '{a.lower()}-{b.lower()}' }})",
                    f"  // TODO: move {a} into {b}Module"]
        elif lang == "go":
            opts = [f"type {a}{b} struct {{", f"\t{b} *{a}", "}", f"func (s *{a}) {r.choice(V.CODE_FUNCS).capitalize()}() ({b}, error) {{",
                    f"\treturn {b}{{}}, nil", f"var Default{a} = New{b}()"]
        else:
            opts = [f"typedef struct {a}{b} {{", f"    struct {a} *{b.lower()};", f"}} {a}{b};", f"static int {a.lower()}_{b.lower()}(struct {a} *p);",
                    f"#define {a.upper()}_{b.upper()} {r.randint(1, 99)}"]
        lines.append(Piece(r.choice(opts)))
    if r.random() < 0.45:
        loc = r.choice(LOCALES)
        giv, fam, full = person(r, loc, "full")
        kind = r.random()
        if kind < 0.35:
            pos = Piece(f'{r.choice(["const", "let", "var", ""])} {r.choice(["author", "owner", "customerName", "contact"])} = "') + full + '";'
        elif kind < 0.6:
            pos = Piece(f"# Maintainer: ") + full + f" <{email_of(r, giv, fam)}>"
        elif kind < 0.8:
            pos = Piece('    ship_to = "') + address(r, loc, False) + '"'
        else:
            pos = Piece("// reviewed by ") + full
        lines.insert(r.randint(0, len(lines)), pos)
    return join(lines, "\n")


def doc_xml(r):
    loc = r.choice(LOCALES)
    giv, fam, full = person(r, loc, "full")
    parts = [Piece("<contact>"), "  <name>" + full + "</name>", Piece(f"  <type>{r.choice(V.CODE_TYPES)}</type>"),
             "  <org>" + org(r) + "</org>"]
    if r.random() < 0.6:
        parts.append("  <address>" + address(r, loc, False) + "</address>")
    parts.append(Piece("</contact>"))
    return join(parts, "\n")


def doc_query(r):
    loc = r.choice(["us", "uk", "de", "fr", "nl"])
    giv, fam, _ = person(r, loc, "full")
    return Piece(f"GET /api/v2/{r.choice(['users', 'orders'])}?") + "first=" + P(giv, "PERSON") + "&last=" + P(fam, "PERSON") \
        + f"&plan={r.choice(['Gold', 'Basic'])}&ref={r.choice(V.BRANDS)} HTTP/1.1\nHost: api.example.com\nUser-Agent: {r.choice(V.BRANDS)}/1.{r.randint(0, 9)}"


def doc_title_table(r):
    """Exports with Title Case headers, cities, dates and amounts beside the names."""
    sep = r.choice([",", "\t", ";"])
    heads = r.sample(["First Name", "Last Name", "Full Name", "City", "Company", "Created", "Birthdate", "Tax ID", "Customer ID",
                      "Notes", "Segment", "Street", "Country", "Status", "Umsatz EUR", "Ort", "Vorname", "Nachname"], k=r.randint(4, 7))
    lines = [Piece(sep.join(heads))]
    for _ in range(r.randint(2, 8)):
        loc = r.choice(LOCALES)
        giv, fam, full = person(r, loc, "full")
        cells = []
        for h in heads:
            if h in ("First Name", "Vorname"):
                c = P(giv, "PERSON")
            elif h in ("Last Name", "Nachname"):
                c = P(fam, "PERSON")
            elif h == "Full Name":
                c = full
            elif h == "Street":
                c = address(r, loc, False)
            elif h in ("City", "Ort", "Country"):
                c = P(r.choice(V.WORLD_CITIES))
            elif h == "Company":
                c = org(r)
            elif h in ("Notes", "Segment", "Status"):
                c = P(r.choice(["", "churned", "prefers email", "VIP", "called re: invoice " + noise(r), r.choice(V.NOT_NAME_CAPS)]))
            else:
                c = P(noise(r))
            if sep in c.text:
                c = Piece('"') + c + '"'
            cells.append(c)
        lines.append(join(cells, sep))
    return join(lines, "\n")


def doc_manifest(r):
    """Upper-case fixed-width and slash-separated passenger/guest lists."""
    lines = [Piece(r.choice(["NO  SURNAME          GIVEN NAME       DOB      SEX NAT", "SEQ NAME                      DOC        CLASS"]))]
    for i in range(r.randint(2, 6)):
        loc = r.choice(LOCALES)
        giv, fam, _ = person(r, loc, "full")
        if any(ord(c) > 0x2fff for c in giv + fam):
            giv, fam = r.choice(V.ROMAN["cn"][1]), r.choice(V.ROMAN["cn"][0])
        G, F = giv.upper(), fam.upper()
        if r.random() < 0.5:
            lines.append(Piece(f"{i + 1:03d} ") + P(F, "PERSON") + " " * max(1, 17 - len(F)) + P(G, "PERSON") + " " * max(1, 17 - len(G))
                         + f"{noise(r)} {r.choice('MF')}   {r.choice(['GBR', 'USA', 'DEU', 'ITA', 'IND', 'CHN', 'BRA'])}")
        else:
            lines.append(Piece(f"{i + 1}.1") + P(F, "PERSON") + "/" + P(G, "PERSON") + f" {r.choice(['MR', 'MS', 'MRS'])}")
            if r.random() < 0.5:
                lines.append(Piece(f"   SSR {r.choice(['FOID', 'DOCS'])} {r.choice(['XY', 'QZ'])} HK1 /{noise(r)}/{r.choice('MF')}/") + P(F, "PERSON") + "/" + P(G, "PERSON"))
    lines.append(Piece(f"END {r.choice(['LIST', 'OF FILE'])} {r.choice(['REF', 'PNR'])} {noise(r)}"))
    return join(lines, "\n")


def doc_json_split(r):
    """An address split over fields: the street line is the address, city and postcode alone are not."""
    loc = r.choice(LOCALES)
    giv, fam, full = person(r, loc, "full")
    a = address(r, loc, multiline=True).text.split("\n")
    line1 = P(a[0], "ADDRESS")
    ind = "  "
    rows = [Piece(f'{ind}"{r.choice(["customer", "name", "recipient"])}": "') + full + '"',
            Piece(f'{ind}"{r.choice(["line1", "street", "address_line_1"])}": "') + line1 + '"',
            Piece(f'{ind}"city": "{r.choice(V.WORLD_CITIES)}"'), Piece(f'{ind}"postal_code": "{r.randint(10000, 99999)}"'),
            Piece(f'{ind}"created": "{noise(r)}"')]
    return "{\n" + join(rows, ",\n") + "\n}"


KINDS = [(doc_title_table, 12), (doc_manifest, 5), (doc_json_split, 5), (doc_table, 22), (doc_markdown_table, 6), (doc_json, 14), (doc_yaml, 7), (doc_log, 12), (doc_sql, 7),
         (doc_code, 22), (doc_xml, 5), (doc_query, 5)]


def main():
    generate_main(KINDS, "R")


if __name__ == "__main__":
    main()
