"""Independent generator A: records first, layouts second.

A document is a topic (who and what: a customer, an employee, a patient, a payment, a contract, a
deployment, or nothing sensitive) rendered through one of many layouts (prose in several
languages, e-mail, chat, CSV, TSV, JSON, YAML, XML, logs, code, forms, Markdown tables). Names,
streets, companies, wording and layouts were written for this file alone; it shares no template or
word list with tests/corpus/generate.py.
"""

import json
import string
import unicodedata

from core import (IBAN_LEN, Text, aba_make, finish, github_token, iban_make, jwt, luhn_complete, rand_chars,
                  ssn_make)

# ---- people and places, per locale ---------------------------------------------------------------
# given names, family names, streets, cities with postcodes, phone style, text language

LOCALES = {
    "us": dict(
        given="Braxton Delphine Orson Marisol Alaric Yolanda Cedric Rosalind Emmett Marguerite Lucius Nadia Quentin "
              "Harriet Dashiell Imogen Thaddeus Willa Ezekiel Lorraine Garrett Odessa Malcolm Bernadette".split(),
        family="Okonkwo Vandermeer Castellano Whitlock Pendergast Szymanski Abernathy Blomgarde Ferrand-Baines "
               "Haverford Kettering Delacroix Fairbanks Nakashima Ashworth Galloway Redfern Beaumont Tillman "
               "Carrington Oyelaran McAllister O'Halloran Quiñones".split(),
        streets=["Sycamore Ridge Road", "Old Mill Lane", "Cottonwood Court", "Harbor View Terrace",
                 "Juniper Hollow Drive", "Beacon Hill Parkway", "Tamarack Way", "Larkspur Circle"],
        cities=[("Tacoma", "WA", "98402"), ("Durham", "NC", "27701"), ("Boise", "ID", "83702"),
                ("Savannah", "GA", "31401"), ("Ann Arbor", "MI", "48104"), ("Tulsa", "OK", "74103"),
                ("Burlington", "VT", "05401"), ("Santa Fe", "NM", "87501")],
        lang="en"),
    "gb": dict(
        given="Rhiannon Alistair Fenella Ciaran Morwenna Crispin Philippa Peregrine Ottilie Rupert Ysolde Torquil "
              "Tamsin Lachlan Eilidh Barnaby".split(),
        family="Featherstone Cavendish Pryce-Adeyemi Blackwood Trelawney Ainsworth Grimshaw Hollingsworth "
               "Llewellyn MacCready Penhaligon Wetherby".split(),
        streets=["Ropewalk Mews", "Bishopsgate Row", "Kingfisher Close", "Tanner's Yard", "Wharfside Crescent",
                 "Orchard Brae"],
        cities=[("Shrewsbury", "", "SY1 1QH"), ("Lancaster", "", "LA1 1XN"), ("Norwich", "", "NR2 1TF"),
                ("Inverness", "", "IV2 3HQ"), ("Exeter", "", "EX4 3LS"), ("Swansea", "", "SA1 3SN")],
        lang="en"),
    "de": dict(
        given="Friedhelm Annegret Jochen Wiebke Rüdiger Henrike Detlef Ilse Volkmar Gudrun Ansgar Mareike "
              "Burkhard Roswitha Lothar Sieglinde".split(),
        family="Brockmöller Kaltenbach Wüstefeld Oberhuber Dräxler Lindemann-Fuchs Piepenbrink Grünewald "
               "Hasselbach Zöllner Rautenberg Eichhorst".split(),
        streets=["Kastanienweg", "Am Krähenberg", "Uferstraße", "Mühlenweg", "Schillerplatz", "Gartenfeldstraße",
                 "Im Wiesengrund"],
        cities=[("Bielefeld", "", "33602"), ("Freiburg im Breisgau", "", "79098"), ("Rostock", "", "18055"),
                ("Kassel", "", "34117"), ("Würzburg", "", "97070"), ("Oldenburg", "", "26122")],
        lang="de"),
    "fr": dict(
        given="Anaïs Gaspard Solène Thibault Maëlle Aurélien Ghislaine Baptiste Clémence Honoré Séverine "
              "Firmin".split(),
        family="Lefebvre-Marchal Dauphinot Rouquette Vasseur Chassagne Maréchal Giraudeau Lacombe Perrichon "
               "Thévenot".split(),
        streets=["rue des Tanneurs", "avenue Jean-Jaurès", "impasse du Moulin", "boulevard Carnot",
                 "quai des Chartrons", "rue de la Verrerie"],
        cities=[("Quimper", "", "29000"), ("Montpellier", "", "34000"), ("Dijon", "", "21000"),
                ("Grenoble", "", "38000"), ("Angers", "", "49100"), ("Nancy", "", "54000")],
        lang="fr"),
    "es": dict(
        given="Remedios Ignacio Inmaculada Gonzalo Eulalia Eusebio Araceli Fermín Rocío Leandro "
              "Visitación Baltasar".split(),
        family="Echeverría Villalobos Barrientos Cifuentes Olabarrieta Peñalver Zubizarreta Arrieta Benavides "
               "Quintanilla".split(),
        streets=["calle del Almendro", "avenida de la Constitución", "paseo de las Acacias", "plaza del Olivar",
                 "calle Mayor"],
        cities=[("Valladolid", "", "47001"), ("Logroño", "", "26001"), ("Cádiz", "", "11001"),
                ("Salamanca", "", "37002"), ("Oviedo", "", "33001")],
        lang="es"),
    "it": dict(
        given="Ottavio Ludovica Gianluigi Benedetta Corrado Ornella Ettore Graziella Tancredi Serafina".split(),
        family="Scarpellini Castiglioni Fumagalli Berlingieri Tagliaferri Montalbano Ruggieri Boccadoro".split(),
        streets=["via dei Serragli", "corso Cavour", "viale delle Rimembranze", "piazza San Domenico",
                 "vicolo del Pozzo"],
        cities=[("Bergamo", "BG", "24121"), ("Lecce", "LE", "73100"), ("Perugia", "PG", "06121"),
                ("Trieste", "TS", "34121"), ("Modena", "MO", "41121")],
        lang="it"),
    "nl": dict(
        given="Sietse Wilhelmien Sjoerd Jikke Reinout Aaltje Gerrit Annelies Tjeerd Hanneke".split(),
        family=["van der Wiel", "Stuivenberg", "Wijnaldum", "Verbeek", "ter Borg-Vlietstra", "Oosterhuis", "Kuipers",
                "Scholten"],
        streets=["Lange Smeestraat", "Twijnstraat", "Kastanjelaan", "Havenkade", "Korenmarkt"],
        cities=[("Zwolle", "", "8011 AB"), ("Leeuwarden", "", "8911 BK"), ("Haarlem", "", "2011 RD"),
                ("Deventer", "", "7411 JP")],
        lang="nl"),
    "br": dict(
        given="Valdemar Jandira Caetano Jussara Evandro Iracema Wellington Marisa Rodrigo Cleide".split(),
        family="Albuquerque Figueiredo Nogueira Bittencourt Cavalcanti Magalhães Sampaio Damasceno".split(),
        streets=["Rua das Laranjeiras", "Avenida Sete de Setembro", "Travessa do Comércio", "Rua Voluntários da Pátria"],
        cities=[("Londrina", "PR", "86010-000"), ("Maceió", "AL", "57020-050"), ("Pelotas", "RS", "96010-000"),
                ("Uberlândia", "MG", "38400-000")],
        lang="pt"),
    "pl": dict(
        given="Grzegorz Agnieszka Bartłomiej Małgorzata Zbigniew Katarzyna Wojciech Jadwiga".split(),
        family="Wiśniewski Grabowska Zieliński Jabłońska Kaczmarek Wróblewski Pawlak".split(),
        streets=["ul. Piotrkowska", "ul. Długa", "al. Jerozolimskie", "ul. Świętojańska"],
        cities=[("Łódź", "", "90-001"), ("Gdańsk", "", "80-831"), ("Poznań", "", "61-772"), ("Kraków", "", "31-042")],
        lang="en"),
    "in": dict(
        given="Raghav Revathi Siddharth Meenakshi Vikramaditya Lavanya Harsh Sunita Keshav Shobhana".split(),
        family="Chattopadhyay Venkataraman Deshpande Iyengar Malhotra Subramaniam Bhattacharya Gokhale".split(),
        streets=["MG Road", "Brigade Road", "Residency Road", "Park Street", "Anna Salai"],
        cities=[("Nagpur", "MH", "440001"), ("Bhopal", "MP", "462001"), ("Coimbatore", "TN", "641001"),
                ("Mysuru", "KA", "570001")],
        lang="en"),
    "ja": dict(
        given="翔太 美咲 健一 由美子 大輔 千尋 浩二 彩花 直樹 真理子".split(),
        family="高橋 渡辺 伊藤 中村 小林 加藤 吉田 山口 松本 井上".split(),
        streets=["中央区銀座4丁目", "北区梅田2丁目", "中区栄3丁目", "青葉区一番町1丁目", "博多区住吉5丁目"],
        cities=[("神奈川県横浜市", "", "231-0023"), ("大阪府大阪市", "", "530-0001"), ("愛知県名古屋市", "", "460-0008"),
                ("宮城県仙台市", "", "980-0811"), ("福岡県福岡市", "", "812-0018")],
        lang="ja"),
    "zh": dict(
        given="伟 秀英 建国 丽娟 志强 晓燕 国华 海燕 俊杰 雪梅".split(),
        family="王 李 张 刘 陈 杨 黄 赵 周 吴".split(),
        streets=["鼓楼区中山北路", "江汉区解放大道", "碑林区南大街", "市南区香港中路", "思明区鹭江道"],
        cities=[("南京市", "", "210008"), ("武汉市", "", "430010"), ("西安市", "", "710002"), ("青岛市", "", "266001"),
                ("厦门市", "", "361001")],
        lang="zh"),
    "ko": dict(
        given="민준 서연 지훈 하은 도윤 수빈 현우 지아".split(),
        family="김 이 박 최 정 강 조 윤".split(),
        streets=["서초구 반포대로", "종로구 세종대로", "수영구 광안해변로", "분당구 판교역로"],
        cities=[("인천광역시", "", "21554"), ("대구광역시", "", "41911"), ("경기도 성남시", "", "13529")],
        lang="ko"),
}

COMPANIES = ["Quillon Freight GmbH", "Tessaract Labs", "Borealis Seed Co.", "Marrow & Finch LLP", "Halvard Robotics",
             "Cinderford Mutual", "Pelagia Biotech", "Ostrander Logistics", "Kestrel Analytics", "Lumen Ferries",
             "Vireo Payments", "Sandpiper Health", "Gravitas Legal", "Orrery Systems", "Fjellvik Data AS"]
DOMAINS = ["quillon-freight.de", "tessaract.io", "borealisseed.com", "marrowfinch.co.uk", "halvard.ai",
           "cinderford-mutual.com", "pelagia-bio.com", "ostrander.nl", "kestrel-analytics.fr", "lumenferries.es",
           "vireopay.com", "sandpiper-health.org", "gravitaslegal.com", "orrery.dev", "fjellvik.no"]
FREEMAIL = ["posteo.de", "gmx.net", "laposte.net", "proton.me", "outlook.com", "libero.it", "uol.com.br",
            "wp.pl", "rediffmail.com", "naver.com", "qq.com", "yahoo.co.jp", "fastmail.fm", "icloud.com"]
ROMAJI = {"高橋": "takahashi", "渡辺": "watanabe", "伊藤": "ito", "中村": "nakamura", "小林": "kobayashi",
          "加藤": "kato", "吉田": "yoshida", "山口": "yamaguchi", "松本": "matsumoto", "井上": "inoue",
          "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang", "赵": "zhao",
          "周": "zhou", "吴": "wu", "김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang",
          "조": "cho", "윤": "yoon"}


def ascii_fold(s):
    out = unicodedata.normalize("NFKD", s.lower().replace("ł", "l").replace("ß", "ss"))
    return "".join(c for c in out if c.isascii() and c.isalnum())


class Person:
    def __init__(self, rng, loc=None):
        self.loc = loc or rng.choice(list(LOCALES))
        L = LOCALES[self.loc]
        self.given = rng.choice(L["given"])
        self.family = rng.choice(L["family"])
        cjk = self.loc in ("ja", "zh", "ko")
        self.full = (self.family + self.given) if self.loc in ("ja", "zh") else \
            (self.family + self.given if self.loc == "ko" else f"{self.given} {self.family}")
        if cjk:
            user = ROMAJI[self.family] + str(rng.randrange(10, 999))
        else:
            user = rng.choice([f"{ascii_fold(self.given)}.{ascii_fold(self.family)}",
                               f"{ascii_fold(self.given)[0]}{ascii_fold(self.family)}",
                               f"{ascii_fold(self.family)}{rng.randrange(1, 99)}"])
        self.user = user
        self.private_email = f"{user}@{rng.choice(FREEMAIL)}"
        self.company_i = rng.randrange(len(COMPANIES))
        self.work_email = f"{user}@{DOMAINS[self.company_i]}"
        self.email = rng.choice([self.private_email, self.work_email])
        self.phone = phone(rng, self.loc)
        self.street_no = rng.randrange(2, 240)
        self.street = rng.choice(L["streets"])
        self.city, self.region, self.postcode = rng.choice(L["cities"])
        self.year, self.month, self.day = rng.randrange(1948, 2004), rng.randrange(1, 13), rng.randrange(1, 29)
        self.lang = L["lang"]

    def address_one_line(self):
        loc, n, st, city, reg, pc = self.loc, self.street_no, self.street, self.city, self.region, self.postcode
        if loc == "us":
            return f"{n} {st}, {city}, {reg} {pc}"
        if loc == "gb":
            return f"{n} {st}, {city} {pc}"
        if loc in ("de", "nl", "pl"):
            return f"{st} {n}, {pc} {city}"
        if loc == "fr":
            return f"{n} {st}, {pc} {city}"
        if loc == "es":
            return f"{st.capitalize()}, {n}, {pc} {city}"
        if loc == "it":
            return f"{st.capitalize()} {n}, {pc} {city} ({reg})"
        if loc == "br":
            return f"{st}, {n} - {city}/{reg}, {pc}"
        if loc == "in":
            return f"{n}, {st}, {city} {pc}"
        if loc == "ja":
            return f"〒{pc} {city}{st}{n % 30 + 1}-{n % 9 + 1}"
        if loc == "zh":
            return f"{city}{st}{n}号{n % 20 + 1}楼{n % 9 + 1}0{n % 5 + 1}室"
        return f"{city} {st} {n}"

    def address_lines(self):
        one = self.address_one_line()
        if self.loc in ("ja", "zh", "ko"):
            return [one]
        head, _, tail = one.partition(", ")
        return [head, tail] if tail else [one]

    def dob(self, rng, style=None):
        y, m, d = self.year, self.month, self.day
        style = style or {"us": "us", "ja": "cjk", "zh": "cjk", "ko": "iso"}.get(self.loc, rng.choice(["eu", "iso"]))
        if style == "us":
            return f"{m:02d}/{d:02d}/{y}"
        if style == "cjk":
            return f"{y}年{m}月{d}日"
        if style == "iso":
            return f"{y}-{m:02d}-{d:02d}"
        return f"{d:02d}.{m:02d}.{y}" if self.loc in ("de", "pl") else f"{d:02d}/{m:02d}/{y}"


def phone(rng, loc):
    d = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    return {
        "us": lambda: rng.choice([f"({rng.randrange(201, 990)}) {rng.randrange(200, 990)}-{d(4)}",
                                  f"+1 {rng.randrange(201, 990)}.{rng.randrange(200, 990)}.{d(4)}"]),
        "gb": lambda: rng.choice([f"+44 7{d(3)} {d(6)}", f"0117 {d(3)} {d(4)}"]),
        "de": lambda: rng.choice([f"+49 521 {d(6)}", f"0761 {d(3)} {d(2)}-{d(2)}", f"+49 (0)151 {d(8)}"]),
        "fr": lambda: f"+33 {rng.randrange(1, 8)} {d(2)} {d(2)} {d(2)} {d(2)}",
        "es": lambda: f"+34 6{d(2)} {d(3)} {d(3)}",
        "it": lambda: f"+39 3{d(2)} {d(3)} {d(4)}",
        "nl": lambda: f"+31 6 {d(4)} {d(4)}",
        "br": lambda: f"+55 ({rng.randrange(11, 99)}) 9{d(4)}-{d(4)}",
        "pl": lambda: f"+48 {d(3)} {d(3)} {d(3)}",
        "in": lambda: f"+91 9{d(4)} {d(5)}",
        "ja": lambda: rng.choice([f"090-{d(4)}-{d(4)}", f"03-{d(4)}-{d(4)}"]),
        "zh": lambda: f"+86 13{d(1)} {d(4)} {d(4)}",
        "ko": lambda: f"010-{d(4)}-{d(4)}",
    }[loc]()


def public_ip(rng):
    while True:
        a = rng.choice([23, 31, 45, 62, 77, 81, 94, 109, 141, 151, 176, 185, 193, 212])
        return f"{a}.{rng.randrange(1, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 255)}"


def uuid(rng):
    h = rand_chars(rng, "0123456789abcdef", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# ---- field sets for each topic -------------------------------------------------------------------
# A field is (key, value, TYPE or None). Layouts render keys in their own way.

LABELS = {
    "name": {"en": "Name", "de": "Name", "fr": "Nom", "es": "Nombre", "it": "Nome", "nl": "Naam", "pt": "Nome",
             "ja": "氏名", "zh": "姓名", "ko": "성명"},
    "email": {"en": "E-mail", "de": "E-Mail", "fr": "Courriel", "es": "Correo", "it": "E-mail", "nl": "E-mail",
              "pt": "E-mail", "ja": "メール", "zh": "邮箱", "ko": "이메일"},
    "phone": {"en": "Phone", "de": "Telefon", "fr": "Téléphone", "es": "Teléfono", "it": "Telefono",
              "nl": "Telefoon", "pt": "Telefone", "ja": "電話番号", "zh": "电话", "ko": "전화번호"},
    "address": {"en": "Address", "de": "Anschrift", "fr": "Adresse", "es": "Dirección", "it": "Indirizzo",
                "nl": "Adres", "pt": "Endereço", "ja": "住所", "zh": "地址", "ko": "주소"},
    "dob": {"en": "Date of birth", "de": "Geburtsdatum", "fr": "Date de naissance", "es": "Fecha de nacimiento",
            "it": "Data di nascita", "nl": "Geboortedatum", "pt": "Data de nascimento", "ja": "生年月日",
            "zh": "出生日期", "ko": "생년월일"},
}


def lab(key, lang):
    return LABELS[key].get(lang, LABELS[key]["en"])


def f_contact(rng, p, dob=False):
    fields = [("name", p.full, "PERSON"), ("email", p.email, "EMAIL"), ("phone", p.phone, "PHONE"),
              ("address", p.address_one_line(), "ADDRESS")]
    if dob:
        fields.append(("dob", p.dob(rng), "DATE_OF_BIRTH"))
    rng.shuffle(fields[1:])
    keep = rng.randrange(2, len(fields) + 1)
    return fields[:keep]


# ---- layouts: each renders a list of records (list of fields) into the Text ---------------------------

def key_style(rng):
    return rng.choice(["snake", "camel", "title", "upper"])


def keyname(key, style, lang="en"):
    base = {"name": "full name", "email": "email", "phone": "phone number", "address": "postal address",
            "dob": "birth date"}.get(key, key.replace("_", " "))
    parts = base.split()
    if style == "snake":
        return "_".join(parts)
    if style == "camel":
        return parts[0] + "".join(w.capitalize() for w in parts[1:])
    if style == "upper":
        return "_".join(parts).upper()
    return lab(key, lang) if key in LABELS else base.title()


def render_csv(rng, t, records, sep=None):
    sep = sep or rng.choice([",", "\t", "|", ";"])
    style = key_style(rng)
    keys = [k for k, _, _ in records[0]]
    t.line(sep.join(keyname(k, style) for k in keys))
    for rec in records:
        vals = {k: (v, ty) for k, v, ty in rec}
        for i, k in enumerate(keys):
            if i:
                t.add(sep)
            v, ty = vals.get(k, ("", None))
            quote = sep in v or "," in v
            if quote:
                t.add('"')
            t.add(v, ty)
            if quote:
                t.add('"')
        t.add("\n")


def render_json(rng, t, records):
    style = key_style(rng)
    indent = rng.choice([2, 4])
    pad = " " * indent
    many = len(records) > 1
    t.add("[\n" if many else "")
    for ri, rec in enumerate(records):
        base = pad if many else ""
        t.add(base + "{\n")
        t.add(f'{base}{pad}"id": "{uuid(rng)}",\n')
        for i, (k, v, ty) in enumerate(rec):
            t.add(f'{base}{pad}"{keyname(k, style)}": "')
            t.add(json.dumps(v, ensure_ascii=False)[1:-1], ty)
            t.add('"' + ("," if i < len(rec) - 1 else "") + "\n")
        t.add(base + "}" + ("," if many and ri < len(records) - 1 else "") + "\n")
    t.add("]\n" if many else "")


def render_yaml(rng, t, records):
    t.line(rng.choice(["records:", "items:", "entries:"]))
    for rec in records:
        first = True
        for k, v, ty in rec:
            t.add("  - " if first else "    ")
            first = False
            t.add(f"{keyname(k, 'snake')}: ")
            quoted = ":" in v or "#" in v
            t.add('"' if quoted else "")
            t.add(v, ty)
            t.add('"' if quoted else "")
            t.add("\n")


def render_xml(rng, t, records):
    tag = rng.choice(["contact", "party", "person", "entry"])
    t.line('<?xml version="1.0" encoding="UTF-8"?>')
    t.line(f"<{tag}s>")
    for rec in records:
        t.add(f"  <{tag} ref=\"{rng.randrange(10000, 99999)}\">\n")
        for k, v, ty in rec:
            name = keyname(k, "camel")
            esc = v.replace("&", "&amp;").replace("'", "&apos;")
            t.add(f"    <{name}>").add(esc, ty).add(f"</{name}>\n")
        t.add(f"  </{tag}>\n")
    t.line(f"</{tag}s>")


def render_markdown(rng, t, records):
    keys = [k for k, _, _ in records[0]]
    lang = rng.choice(["en", "en", "de", "fr", "es"])
    t.line("| " + " | ".join(lab(k, lang) if k in LABELS else k.replace("_", " ") for k in keys) + " |")
    t.line("|" + "|".join("---" for _ in keys) + "|")
    for rec in records:
        vals = {k: (v, ty) for k, v, ty in rec}
        t.add("|")
        for k in keys:
            v, ty = vals.get(k, ("", None))
            t.add(" ").add(v, ty).add(" |")
        t.add("\n")


def render_form(rng, t, records, lang):
    sep = rng.choice([": ", " : ", ":\t", " - ", "： " if lang in ("ja", "zh") else ": "])
    for rec in records:
        for k, v, ty in rec:
            label = lab(k, lang) if k in LABELS else k.replace("_", " ").capitalize()
            t.add(label + sep).add(v, ty).add("\n")
        t.add("\n")


def render_log(rng, t, records, service):
    day = f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    sec = rng.randrange(0, 80000)
    fmt = rng.choice(["kv", "json", "bracket"])
    for rec in records:
        sec += rng.randrange(1, 400)
        ts = f"{day}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{rng.randrange(1000):03d}Z"
        lvl = rng.choice(["INFO", "WARN", "DEBUG", "ERROR"])
        event = rng.choice(["record.updated", "lookup", "sync.push", "validation.failed", "export.row"])
        if fmt == "json":
            t.add(f'{{"ts":"{ts}","level":"{lvl.lower()}","svc":"{service}","event":"{event}"')
            for k, v, ty in rec:
                t.add(f',"{keyname(k, "snake")}":"').add(json.dumps(v, ensure_ascii=False)[1:-1], ty).add('"')
            t.add(f',"trace":"{rand_chars(rng, "0123456789abcdef", 16)}"}}\n')
        elif fmt == "kv":
            t.add(f"{ts} {lvl:5} {service} {event}")
            for k, v, ty in rec:
                t.add(f" {keyname(k, 'snake')}=")
                q = " " in v
                t.add('"' if q else "").add(v, ty).add('"' if q else "")
            t.add("\n")
        else:
            t.add(f"[{ts}] [{lvl}] [{service}] {event}:")
            for k, v, ty in rec:
                t.add(f" {keyname(k, 'camel')}<").add(v, ty).add(">")
            t.add("\n")


def render_code(rng, t, records, var):
    lang = rng.choice(["py", "ts", "go", "sql", "rb"])
    if lang == "py":
        t.line("import dataclasses", "")
        t.line("")
        t.line(f"# fixture copied from the {var} export, do not commit")
        t.line(f"{var.upper()}_ROWS = [")
        for rec in records:
            t.add("    {")
            for i, (k, v, ty) in enumerate(rec):
                t.add(f"{', ' if i else ''}\"{keyname(k, 'snake')}\": \"").add(v.replace('"', '\\"'), ty).add('"')
            t.add("},\n")
        t.line("]")
    elif lang == "ts":
        t.line(f"export const {var}Fixture: Record<string, string>[] = [")
        for rec in records:
            t.add("  {")
            for i, (k, v, ty) in enumerate(rec):
                t.add(f"{', ' if i else ' '}{keyname(k, 'camel')}: '").add(v.replace("'", "\\'"), ty).add("'")
            t.add(" },\n")
        t.line("];")
    elif lang == "go":
        t.line(f"var {var}Seed = []map[string]string{{")
        for rec in records:
            t.add("\t{")
            for i, (k, v, ty) in enumerate(rec):
                t.add(f'{", " if i else ""}"{keyname(k, "camel")}": "').add(v.replace('"', '\\"'), ty).add('"')
            t.add("},\n")
        t.line("}")
    elif lang == "rb":
        t.line(f"{var.upper()} = [")
        for rec in records:
            t.add("  {")
            for i, (k, v, ty) in enumerate(rec):
                t.add(f"{', ' if i else ' '}{keyname(k, 'snake')}: \"").add(v.replace('"', '\\"'), ty).add('"')
            t.add(" },\n")
        t.line("].freeze")
    else:
        keys = [k for k, _, _ in records[0]]
        t.line(f"INSERT INTO {var}s ({', '.join(keyname(k, 'snake') for k in keys)}) VALUES")
        for ri, rec in enumerate(records):
            vals = {k: (v, ty) for k, v, ty in rec}
            t.add("  (")
            for i, k in enumerate(keys):
                v, ty = vals.get(k, ("", None))
                t.add(", " if i else "").add("'").add(v.replace("'", "''"), ty).add("'")
            t.add(")" + ("," if ri < len(records) - 1 else ";") + "\n")
    return True


STRUCTURED = ["csv", "json", "yaml", "xml", "markdown", "form", "log", "code"]


def render_structured(rng, t, records, lang, var, service):
    how = rng.choice(STRUCTURED)
    if how == "csv":
        render_csv(rng, t, records)
    elif how == "json":
        render_json(rng, t, records)
    elif how == "yaml":
        render_yaml(rng, t, records)
    elif how == "xml":
        render_xml(rng, t, records)
    elif how == "markdown":
        render_markdown(rng, t, records)
    elif how == "form":
        render_form(rng, t, records[:2], lang)
    elif how == "log":
        render_log(rng, t, records, service)
    else:
        render_code(rng, t, records, var)
    return how in ("json", "yaml", "xml", "log", "code")


# ---- prose pieces, in several languages -----------------------------------------------------------

GREET = {"en": ["Hi {n},", "Hello {n},", "Dear {n},", "{n} -"], "de": ["Hallo {n},", "Liebe/r {n},", "Guten Tag {n},"],
         "fr": ["Bonjour {n},", "Cher {n},"], "es": ["Hola {n},", "Estimado {n}:"], "it": ["Ciao {n},", "Gentile {n},"],
         "nl": ["Beste {n},", "Hoi {n},"], "pt": ["Olá {n},", "Prezado {n},"], "ja": ["{n}様", "{n}さん"],
         "zh": ["{n}您好，", "尊敬的{n}："], "ko": ["{n}님 안녕하세요,"]}
SIGN = {"en": ["Cheers,", "Best,", "Thanks,", "Kind regards,"], "de": ["Viele Grüße", "Beste Grüße,"],
        "fr": ["Cordialement,", "Bien à vous,"], "es": ["Saludos,", "Un abrazo,"], "it": ["Cordiali saluti,"],
        "nl": ["Groet,", "Met vriendelijke groet,"], "pt": ["Abraços,", "Atenciosamente,"], "ja": ["よろしくお願いします。"],
        "zh": ["谢谢！", "此致"], "ko": ["감사합니다."]}


def greet(rng, t, lang, person, use_given=True):
    tpl = rng.choice(GREET.get(lang, GREET["en"]))
    name = person.given if use_given and lang not in ("ja", "zh", "ko") else person.full
    pre, _, post = tpl.partition("{n}")
    t.add(pre).add(name, "PERSON").add(post + "\n\n")


def sign(rng, t, lang, person, title=None):
    t.add("\n" + rng.choice(SIGN.get(lang, SIGN["en"])) + "\n").add(person.full, "PERSON").add("\n")
    if title:
        t.add(title + "\n")


# ---- topics ----------------------------------------------------------------------------------------

def topic_customer(rng, t):
    """Customer records: support threads, CRM exports, order problems."""
    loc = rng.choice(list(LOCALES))
    p = Person(rng, loc)
    lang = p.lang
    kind = rng.random()
    cats = {"customer_data"}
    if kind < 0.35:
        body = {
            "en": ["my parcel never arrived and the tracking page has said 'in transit' for nine days.",
                   "I was charged twice for the annual plan. Could someone look into it?",
                   "please move my delivery to the new flat, details below."],
            "de": ["mein Paket ist nach neun Tagen immer noch nicht da.", "bitte ändern Sie meine Lieferadresse."],
            "fr": ["ma commande n'est jamais arrivée, pouvez-vous vérifier ?", "merci de mettre à jour mon adresse."],
            "es": ["mi pedido sigue sin llegar y nadie responde al teléfono.", "necesito cambiar la dirección de envío."],
            "it": ["il mio ordine non è ancora arrivato.", "vorrei aggiornare il mio indirizzo di consegna."],
            "nl": ["mijn bestelling is nog steeds niet bezorgd.", "graag mijn adres aanpassen."],
            "pt": ["meu pedido ainda não chegou.", "preciso atualizar meu endereço de entrega."],
            "ja": ["注文した商品がまだ届いていません。", "配送先住所の変更をお願いします。"],
            "zh": ["我的订单到现在还没有收到。", "请帮我修改收货地址。"], "ko": ["주문한 상품이 아직 도착하지 않았습니다.", "배송지 주소 변경 부탁드립니다."],
        }[lang]
        agent = Person(rng, rng.choice(["us", "gb", "de"]))
        t.add("From: ").add(p.full, "PERSON").add(" <").add(p.email, "EMAIL").add(">\n")
        t.add(f"To: help@{DOMAINS[rng.randrange(len(DOMAINS))]}\n")
        t.add(f"Subject: {rng.choice(['Order', 'Bestellung', 'Commande', 'Pedido', '注文', 'Re: case'])} #{rng.randrange(100000, 999999)}\n\n")
        t.add(rng.choice(GREET.get(lang, GREET['en'])).replace("{n}", "team").replace("様", "").replace("님", "") + "\n\n")
        t.add(rng.choice(body) + "\n")
        if rng.random() < 0.7:
            t.add(lab("address", lang) + ": ").add(p.address_one_line(), "ADDRESS").add("\n")
        if rng.random() < 0.6:
            t.add(lab("phone", lang) + ": ").add(p.phone, "PHONE").add("\n")
        sign(rng, t, lang, p)
        if rng.random() < 0.5:
            t.add("\n--- internal note ---\n")
            t.add("Escalated by ").add(agent.full, "PERSON").add(f"; customer since {rng.randrange(2012, 2025)}, "
                                                                  f"{rng.randrange(2, 40)} orders.\n")
    elif kind < 0.5:
        # chat transcript between customer and agent
        agent = Person(rng, rng.choice(["us", "gb", "in"]))
        t.add(f"Chat transcript {uuid(rng)}\n")
        t.add(f"[14:0{rng.randrange(10)}] Visitor: hi, I can't log in\n")
        t.add(f"[14:1{rng.randrange(10)}] ").add(agent.given, "PERSON").add(": Sorry to hear that! Can I have the name and e-mail on the account?\n")
        t.add(f"[14:1{rng.randrange(10)}] Visitor: ").add(p.full, "PERSON").add(", ").add(p.email, "EMAIL").add("\n")
        t.add(f"[14:2{rng.randrange(10)}] ").add(agent.given, "PERSON").add(": Thanks. And the postcode on file?\n")
        t.add(f"[14:2{rng.randrange(10)}] Visitor: it's ").add(p.address_one_line(), "ADDRESS").add("\n")
        t.add(f"[14:3{rng.randrange(10)}] ").add(agent.given, "PERSON").add(": Reset link sent. Anything else?\n")
    else:
        n = rng.randrange(2, 7)
        people = [Person(rng, rng.choice(list(LOCALES)) if rng.random() < 0.5 else loc) for _ in range(n)]
        dob = rng.random() < 0.3
        records = []
        for q in people:
            rec = [("name", q.full, "PERSON"), ("email", q.email, "EMAIL"), ("phone", q.phone, "PHONE")]
            if rng.random() < 0.6:
                rec.append(("address", q.address_one_line(), "ADDRESS"))
            else:
                rec = rec[:3]
            if dob:
                rec.append(("dob", q.dob(rng, "iso"), "DATE_OF_BIRTH"))
            if rng.random() < 0.3:
                rec.append(("last_ip", public_ip(rng), "IP_ADDRESS"))
            rec.append(("plan", rng.choice(["free", "team", "pro", "enterprise"]), None))
            records.append(rec)
        keys = [k for k, _, _ in records[0]]
        records = [[f for f in r if f[0] in keys] for r in records]
        keys_set = set(keys)
        records = [r for r in records if {k for k, _, _ in r} == keys_set] or records[:1]
        if rng.random() < 0.5:
            t.add(rng.choice(["Can you dedupe these?", "Why does the import reject these rows?",
                              "Format these as a table please:", "Zusammenführen bitte:", "この顧客リストを整理して"]) + "\n\n")
        if render_structured(rng, t, records, lang, "customer", "crm-sync"):
            cats.add("source_code")
    return cats


CONDITIONS = {
    "en": ["atrial fibrillation", "generalised anxiety disorder", "relapsing-remitting multiple sclerosis",
           "sickle cell trait", "gestational diabetes", "chronic obstructive pulmonary disease",
           "bipolar II disorder", "hepatitis C", "rheumatoid arthritis", "early-onset Parkinson's disease"],
    "de": ["Vorhofflimmern", "rheumatoide Arthritis", "chronische Niereninsuffizienz", "Depression, mittelgradig"],
    "fr": ["fibrillation auriculaire", "sclérose en plaques", "insuffisance cardiaque", "trouble bipolaire"],
    "es": ["fibrilación auricular", "esclerosis múltiple", "insuficiencia renal crónica"],
    "ja": ["心房細動", "関節リウマチ", "2型糖尿病"], "zh": ["房颤", "类风湿关节炎", "慢性肾病"],
}


def topic_health(rng, t):
    loc = rng.choice(["us", "gb", "de", "fr", "es", "ja", "zh", "in", "it", "nl"])
    p = Person(rng, loc)
    lang = p.lang if p.lang in CONDITIONS else "en"
    cond = rng.sample(CONDITIONS[lang], 2)
    mrn = rng.choice([f"{rng.randrange(10**7, 10**8)}", f"H{rng.randrange(10**6, 10**7)}",
                      f"{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}-{rng.randrange(10, 99)}"])
    doc = Person(rng, loc)
    style = rng.random()
    if style < 0.4:
        if lang == "de":
            t.add("Entlassungsbericht\n\nPatient: ").add(p.full, "PERSON").add(", geb. ").add(p.dob(rng), "DATE_OF_BIRTH")
            t.add("\nFallnummer/MRN: ").add(mrn, "MEDICAL_RECORD_NUMBER").add("\n\nDiagnosen:\n- ").add(cond[0], "HEALTH_CONDITION")
            t.add("\n- ").add(cond[1], "HEALTH_CONDITION").add("\n\nTherapie: Bisoprolol 2,5 mg 1-0-0. Kontrolle in 6 Wochen.\n")
            t.add("\nMit kollegialen Grüßen\nDr. ").add(doc.family, "PERSON").add("\n")
        elif lang == "ja":
            t.add("診療情報提供書\n患者氏名：").add(p.full, "PERSON").add("\n生年月日：").add(p.dob(rng), "DATE_OF_BIRTH")
            t.add("\n患者ID：").add(mrn, "MEDICAL_RECORD_NUMBER").add("\n傷病名：").add(cond[0], "HEALTH_CONDITION")
            t.add("、").add(cond[1], "HEALTH_CONDITION").add("\n上記につき御高診をお願い申し上げます。\n")
        else:
            t.add(rng.choice(["Clinic visit summary", "Consult note", "Telehealth follow-up"]) + "\n")
            t.add("Pt: ").add(p.full, "PERSON").add("   MRN ").add(mrn, "MEDICAL_RECORD_NUMBER")
            t.add("   DOB ").add(p.dob(rng), "DATE_OF_BIRTH").add("\n\n")
            t.add(f"{rng.randrange(24, 80)} y/o presenting for review of ").add(cond[0], "HEALTH_CONDITION")
            t.add(". History of ").add(cond[1], "HEALTH_CONDITION").add(f". BP {rng.randrange(105, 160)}/{rng.randrange(60, 95)}, "
                                                                       f"HR {rng.randrange(55, 110)}. Continue current meds; recheck labs in 3 months.\n")
            t.add("Signed: ").add(doc.full, "PERSON").add(", MD\n")
    elif style < 0.65:
        # patient writes to the clinic / chat with an assistant
        t.add(rng.choice(["Can you help me write a message to my GP?", "Rewrite this more politely:",
                          "Translate to English:"]) + "\n\n")
        t.add("Hi, this is ").add(p.full, "PERSON").add(f" (patient number ").add(mrn, "MEDICAL_RECORD_NUMBER").add(").")
        t.add(" Since my diagnosis of ").add(cond[0], "HEALTH_CONDITION")
        t.add(" last spring the new tablets make me dizzy in the mornings. Could Dr. ").add(doc.family, "PERSON")
        t.add(" call me back on ").add(p.phone, "PHONE").add("?\n")
    else:
        records = []
        for _ in range(rng.randrange(2, 6)):
            q = Person(rng, loc)
            records.append([("patient", q.full, "PERSON"), ("mrn", f"{rng.randrange(10**7, 10**8)}", "MEDICAL_RECORD_NUMBER"),
                            ("diagnosis", rng.choice(CONDITIONS[lang]), "HEALTH_CONDITION"),
                            ("ward", rng.choice(["3B", "ICU", "Cardio 2", "Onc-1"]), None)])
        t.add(rng.choice(["Bed board export", "Ward list for handover", "Readmissions last 30 days"]) + "\n")
        if render_structured(rng, t, records, lang, "patient", "ehr-bridge"):
            return {"health", "source_code"}
    return {"health"}


def topic_hr(rng, t):
    loc = rng.choice(list(LOCALES))
    p = Person(rng, loc)
    mgr = Person(rng, loc)
    style = rng.random()
    cats = {"hr"}
    salary = f"{rng.randrange(38, 190)},{rng.randrange(0, 10)}00"
    if style < 0.3:
        t.add(rng.choice(["Offer of employment", "Contract amendment — compensation", "Promotion letter"]) + "\n\n")
        greet(rng, t, "en", p)
        t.add(f"We are delighted to confirm your new role as {rng.choice(['Senior Data Engineer', 'Warehouse Lead', 'Account Executive', 'Staff Nurse', 'Product Designer'])} "
              f"starting {rng.randrange(1, 28)} {rng.choice(['March', 'July', 'September', 'January'])}, with an annual base salary of "
              f"{rng.choice(['$', '€', '£'])}{salary}. You will report to ")
        t.add(mgr.full, "PERSON").add(".\nPlease return the signed copy together with your home address ")
        t.add("(we have ").add(p.address_one_line(), "ADDRESS").add(" on file).\n")
        sign(rng, t, "en", Person(rng, "gb"), "People Operations")
    elif style < 0.5:
        t.add(f"Performance review {rng.randrange(2023, 2027)} — {rng.choice(['mid-year', 'annual', 'probation'])}\n")
        t.add("Employee: ").add(p.full, "PERSON").add(f"   ID: EMP-{rng.randrange(1000, 99999)}\n")
        t.add("Reviewer: ").add(mgr.full, "PERSON").add("\n\n")
        t.add(p.given if p.lang not in ("ja", "zh", "ko") else p.full, "PERSON")
        t.add(rng.choice([" consistently exceeded the sprint commitments but struggled with stakeholder updates.",
                          " needs a clearer plan for the on-call rota; attendance issues were discussed twice.",
                          " is ready for the next level; calibration rating 4/5."]) + "\n")
        if rng.random() < 0.3:
            t.add("Note: reduced hours agreed after treatment for ").add(rng.choice(CONDITIONS["en"]), "HEALTH_CONDITION").add(".\n")
            cats.add("health")
    elif style < 0.7:
        records = []
        with_ssn, with_iban = loc == "us" and rng.random() < 0.5, rng.random() < 0.4
        for _ in range(rng.randrange(2, 7)):
            q = Person(rng, loc if rng.random() < 0.6 else rng.choice(list(LOCALES)))
            rec = [("employee", q.full, "PERSON"), ("dept", rng.choice(["Finance", "Ops", "R&D", "Sales", "Legal"]), None),
                   ("salary", str(rng.randrange(41000, 180000)), None)]
            if with_ssn:
                rec.append(("ssn", ssn_make(rng), "US_SSN"))
            if with_iban:
                rec.append(("iban", make_iban(rng, rng.choice(["DE", "GB", "AT", "FR"])), "IBAN"))
            records.append(rec)
        t.add(rng.choice(["payroll_adjustments.tsv", "Q3 merit increases", "headcount plan (confidential)"]) + "\n")
        render_csv(rng, t, records, sep=rng.choice(["\t", ",", ";"]))
    elif style < 0.85:
        t.add(rng.choice(["Exit interview notes", "Grievance meeting — minutes", "Sick leave record"]) + "\n")
        t.add("Present: ").add(p.full, "PERSON").add(", ").add(mgr.full, "PERSON").add(", HR business partner\n\n")
        t.add(rng.choice(["The employee raised concerns about workload allocation since the reorg.",
                          "Disciplinary warning issued for repeated late arrival; right to appeal explained.",
                          "Return-to-work plan agreed; occupational health referral to follow."]) + "\n")
        t.add("Personal e-mail for follow-up: ").add(p.private_email, "EMAIL").add("\n")
    else:
        t.add(rng.choice(["Curriculum vitae", "Lebenslauf", "CV"]) + "\n\n")
        t.add(p.full.upper() if p.lang not in ("ja", "zh", "ko") else p.full, "PERSON").add("\n")
        t.add(p.address_one_line(), "ADDRESS").add(" · ").add(p.phone, "PHONE").add(" · ").add(p.email, "EMAIL").add("\n\n")
        t.add(f"EXPERIENCE\n{rng.randrange(2015, 2022)}–present  {COMPANIES[p.company_i]}, "
              f"{rng.choice(['logistics analyst', 'backend developer', 'charge nurse', 'controller'])}\n")
        t.add(f"{rng.randrange(2008, 2015)}–{rng.randrange(2015, 2020)}  {rng.choice(COMPANIES)}, intern\n\nEDUCATION\n")
        t.add(rng.choice(["MSc Operations Research", "BA Economics", "Diplom-Informatiker", "Licence de droit"]) + "\n")
    return cats


def make_iban(rng, cc):
    n = IBAN_LEN[cc] - 4
    if cc in ("GB", "IE"):
        bban = rand_chars(rng, string.ascii_uppercase, 4) + rand_chars(rng, string.digits, n - 4)
    elif cc == "NL":
        bban = rand_chars(rng, string.ascii_uppercase, 4) + rand_chars(rng, string.digits, n - 4)
    else:
        bban = rand_chars(rng, string.digits, n)
    iban = iban_make(cc, bban)
    if rng.random() < 0.6:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def card(rng):
    kind = rng.choice(["4", "5", "37", "6011"])
    length = 15 if kind == "37" else 16
    body = kind + rand_chars(rng, string.digits, length - len(kind) - 1)
    num = luhn_complete(body)
    if rng.random() < 0.5 and length == 16:
        return " ".join(num[i:i + 4] for i in range(0, 16, 4))
    return num


def topic_financial(rng, t):
    loc = rng.choice(["us", "gb", "de", "fr", "nl", "it", "es", "pl"])
    p = Person(rng, loc)
    style = rng.random()
    cats = {"financial"}
    if style < 0.35:
        vendor = rng.choice(COMPANIES)
        t.add(f"{vendor}\nRechnung / Invoice {rng.choice(['INV', 'RE', 'FA'])}-{rng.randrange(2025, 2027)}-{rng.randrange(1000, 9999)}\n\n")
        t.add("Billed to: ").add(p.full, "PERSON").add("\n").add(p.address_one_line(), "ADDRESS").add("\n\n")
        for _ in range(rng.randrange(1, 4)):
            t.add(f"{rng.choice(['Consulting hours', 'Freight LCL', 'Licence seats', 'Maintenance'])}  "
                  f"{rng.randrange(1, 40)} x {rng.randrange(20, 400)}.00\n")
        cc = rng.choice(["DE", "GB", "AT", "CH", "FR", "IE"])
        t.add("\nPlease transfer to IBAN ").add(make_iban(rng, cc), "IBAN")
        t.add(", BIC ").add(rand_chars(rng, string.ascii_uppercase, 4) + cc + rand_chars(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 2), "SWIFT_BIC")
        t.add(f"\nPayment terms: {rng.choice([14, 30, 45])} days net.\n")
    elif style < 0.55:
        t.add(rng.choice(["Can you check this refund request?", "Customer disputes this charge:", "Chargeback evidence"]) + "\n\n")
        t.add("Cardholder: ").add(p.full, "PERSON").add("\nCard: ").add(card(rng), "CREDIT_CARD")
        t.add(f"   exp {rng.randrange(1, 13):02d}/{rng.randrange(27, 32)}\nAmount: {rng.randrange(10, 900)}.{rng.randrange(10, 99)} "
              f"{rng.choice(['USD', 'EUR', 'GBP'])}\nBilling address: ").add(p.address_one_line(), "ADDRESS").add("\n")
        cats.add("customer_data")
    elif style < 0.75:
        t.add("Wire instructions (updated)\n\nBeneficiary: ").add(p.full, "PERSON").add("\n")
        t.add(f"Bank: {rng.choice(['First Prairie Bank', 'Harborline Credit Union', 'Summit National'])}\n")
        t.add("ABA: ").add(aba_make(rng), "US_ROUTING_NUMBER").add("\nAccount no.: ").add(rand_chars(rng, string.digits, rng.randrange(9, 13)), "BANK_ACCOUNT")
        t.add(f"\nReference: PO {rng.randrange(10000, 99999)}\n\nPlease confirm by phone before releasing — ").add(p.phone, "PHONE").add("\n")
    else:
        records = []
        for _ in range(rng.randrange(2, 6)):
            q = Person(rng, loc)
            records.append([("payer", q.full, "PERSON"), ("iban", make_iban(rng, rng.choice(["DE", "FR", "AT", "GB"])), "IBAN"),
                            ("amount", f"{rng.randrange(5, 5000)}.{rng.randrange(10, 99)}", None),
                            ("mandate", f"MNDT-{rng.randrange(10**5, 10**6)}", None)])
        t.add("SEPA direct debit batch " + str(rng.randrange(100, 999)) + "\n")
        if render_structured(rng, t, records, "en", "debit", "sepa-batch"):
            cats.add("source_code")
    return cats


def topic_legal(rng, t):
    loc = rng.choice(["us", "gb", "de", "fr", "es", "it", "nl", "ja"])
    a, b = Person(rng, loc), Person(rng, loc)
    style = rng.random()
    co1, co2 = rng.sample(COMPANIES, 2)
    if style < 0.3:
        t.add("MUTUAL CONFIDENTIALITY AGREEMENT\n\n")
        t.add(f"This Agreement is entered into as of {rng.randrange(1, 29)} {rng.choice(['April', 'June', 'October'])} {rng.randrange(2024, 2027)} "
              f"between {co1}, represented by ")
        t.add(a.full, "PERSON").add(f", and {co2}, with its registered office at ").add(b.address_one_line(), "ADDRESS").add(".\n\n")
        t.add("1. \"Confidential Information\" means any non-public information disclosed by either party.\n"
              "2. The Receiving Party shall not disclose Confidential Information for a period of three (3) years.\n"
              "3. This Agreement is governed by the laws of " + rng.choice(["England and Wales", "the State of Delaware", "Germany"]) + ".\n\n")
        t.add("Signed: ").add(a.full, "PERSON").add("            Signed: ").add(b.full, "PERSON").add("\n")
    elif style < 0.55:
        t.add("PRIVILEGED & CONFIDENTIAL — ATTORNEY-CLIENT COMMUNICATION\n\n")
        greet(rng, t, "en", a, use_given=False)
        t.add(f"Following our call, we believe {co2}'s termination of the supply contract was not valid under clause 14.2. "
              "Our client ").add(b.full, "PERSON").add(" has kept the delivery notes, which we will need before the limitation period runs out.\n")
        sign(rng, t, "en", Person(rng, "us"), f"Partner, {rng.choice(['Marrow & Finch LLP', 'Gravitas Legal'])}")
    elif style < 0.75:
        t.add(rng.choice(["Settlement term sheet", "Vergleichsvorschlag", "Protocole transactionnel"]) + "\n\n")
        t.add("Claimant: ").add(a.full, "PERSON").add("\nRespondent: " + co1 + "\nCase no. " +
                                                       f"{rng.randrange(1, 9)} O {rng.randrange(100, 999)}/{rng.randrange(20, 27)}\n\n")
        t.add(f"1. The Respondent pays EUR {rng.randrange(5, 90)},000 in full and final settlement.\n"
              "2. Each party bears its own costs.\n3. The parties agree to a mutual non-disparagement clause.\n")
        t.add("Counsel for the claimant: ").add(b.full, "PERSON").add(", ").add(b.work_email, "EMAIL").add("\n")
    elif style < 0.9:
        t.add("Litigation hold notice\n\nTo: ").add(a.full, "PERSON").add(", ").add(b.full, "PERSON").add("\n\n")
        t.add(f"Because of the pending matter {co1} v. {co2}, you must preserve all documents, chats and e-mails "
              "relating to the 2024 distribution agreement. Do not delete anything until Legal releases this hold.\n")
    else:
        t.add("Power of attorney\n\nI, ").add(a.full, "PERSON").add(", residing at ").add(a.address_one_line(), "ADDRESS")
        t.add(", appoint ").add(b.full, "PERSON").add(" as my attorney-in-fact to sign the lease termination on my behalf.\n")
    return {"legal"}


def aws_pair(rng):
    return ("AKIA" + rand_chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
            rand_chars(rng, string.ascii_letters + string.digits + "/+", 40))


def secret_value(rng):
    kind = rng.choice(["stripe", "github", "slack", "google", "jwt", "password", "conn", "generic", "aws"])
    if kind == "stripe":
        return "STRIPE_KEY", "sk_live_" + rand_chars(rng, string.ascii_letters + string.digits, 24), "STRIPE_SECRET"
    if kind == "github":
        return "GITHUB_TOKEN", github_token(rng), "GH_TOKEN"
    if kind == "slack":
        return ("SLACK_TOKEN", f"xoxb-{rand_chars(rng, string.digits, 12)}-{rand_chars(rng, string.digits, 13)}-"
                f"{rand_chars(rng, string.ascii_letters + string.digits, 24)}", "SLACK_BOT_TOKEN")
    if kind == "google":
        return "GOOGLE_API_KEY", "AIza" + rand_chars(rng, string.ascii_letters + string.digits + "_-", 35), "MAPS_API_KEY"
    if kind == "jwt":
        return "JWT", jwt(rng, {"sub": str(rng.randrange(10**6, 10**7)), "role": "service", "iat": 1760000000 + rng.randrange(10**6)}), "SERVICE_JWT"
    if kind == "password":
        pw = rand_chars(rng, string.ascii_letters, 5) + rng.choice("!#%&*") + rand_chars(rng, string.digits, 3) + rand_chars(rng, string.ascii_letters, 3)
        return "PASSWORD", pw, "DB_PASSWORD"
    if kind == "conn":
        pw = rand_chars(rng, string.ascii_letters + string.digits, 14)
        return ("CONNECTION_STRING", f"postgresql://app_rw:{pw}@db-{rng.randrange(1, 9)}.internal.{rng.choice(DOMAINS)}:5432/orders",
                "DATABASE_URL")
    if kind == "generic":
        return "GENERIC_SECRET", rand_chars(rng, "0123456789abcdef", 64), "WEBHOOK_SIGNING_SECRET"
    return "AWS_ACCESS_KEY", aws_pair(rng)[0], "AWS_ACCESS_KEY_ID"


def topic_credentials(rng, t):
    style = rng.random()
    cats = {"credentials", "source_code"}
    if style < 0.3:
        t.add(f"# {rng.choice(['staging', 'prod-eu', 'local override', 'ci'])} settings\n")
        plain = ["LOG_LEVEL=info\n", "PORT=8080\n", "FEATURE_FLAGS=beta,search\n", "TZ=UTC\n", "WORKERS=4\n"]
        rng.shuffle(plain)
        seen = set()
        for _ in range(rng.randrange(2, 6)):
            ty, val, var = secret_value(rng)
            if var in seen:
                continue
            seen.add(var)
            t.add(f"{var}=").add(val, ty).add("\n")
            t.add(plain.pop() if plain and rng.random() < 0.6 else "")
    elif style < 0.5:
        key, secret = aws_pair(rng)
        t.add(rng.choice(["Why does boto3 say InvalidClientTokenId with this?", "terraform plan fails:"]) + "\n\n")
        t.add("```\nprovider \"aws\" {\n  region     = \"eu-central-1\"\n  access_key = \"").add(key, "AWS_ACCESS_KEY")
        t.add("\"\n  secret_key = \"").add(secret, "AWS_SECRET_KEY").add("\"\n}\n```\n")
    elif style < 0.7:
        ty, val, var = secret_value(rng)
        lang = rng.choice(["py", "js", "go", "java"])
        if lang == "py":
            t.add("import requests\n\n\ndef fetch_orders(since):\n")
            t.add(f"    headers = {{\"Authorization\": \"Bearer ").add(val, ty).add("\"}\n")
            t.add("    r = requests.get(BASE + '/orders', params={'since': since}, headers=headers, timeout=10)\n"
                  "    r.raise_for_status()\n    return r.json()['data']\n")
        elif lang == "js":
            t.add("const client = new ApiClient({\n  baseUrl: process.env.API_URL,\n  token: '").add(val, ty).add("',\n  retries: 3,\n});\n")
        elif lang == "go":
            t.add("func newClient() *Client {\n\treturn &Client{\n\t\tBase:  os.Getenv(\"API_URL\"),\n\t\tToken: \"").add(val, ty)
            t.add("\",\n\t}\n}\n")
        else:
            t.add("public final class Config {\n    static final String TOKEN = \"").add(val, ty).add("\";\n"
                                                                                              "    static final int TIMEOUT_MS = 5000;\n}\n")
    elif style < 0.85:
        dev = Person(rng, rng.choice(["us", "de", "in", "gb", "nl"]))
        ty, val, var = secret_value(rng)
        t.add(f"#{rng.choice(['deploys', 'backend', 'oncall'])}\n")
        t.add(f"{rng.randrange(9, 18)}:{rng.randrange(10, 59)} ").add(dev.given, "PERSON").add(": prod is down, who has the new key?\n")
        t.add(f"{rng.randrange(9, 18)}:{rng.randrange(10, 59)} {rng.choice(['kai', 'ops-bot', 'mz'])}: use this for now `").add(val, ty).add("`\n")
        t.add(f"{rng.randrange(9, 18)}:{rng.randrange(10, 59)} ").add(dev.given, "PERSON").add(": thx, will rotate after\n")
        cats = {"credentials"}
    else:
        ty, val, var = secret_value(rng)
        t.add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker-config\ndata:\n")
        t.add(f"  {var.lower()}: \"").add(val, ty).add("\"\n  region: eu-west-1\n")
    return cats


# ---- clean documents (hard negatives) -------------------------------------------------------------

def topic_clean_code(rng, t):
    style = rng.random()
    if style < 0.25:
        t.add("use std::collections::BTreeMap;\nuse std::sync::Arc;\n\npub struct Registry<T> {\n    items: BTreeMap<String, Arc<T>>,\n}\n\n"
              "impl<T> Registry<T> {\n    pub fn get(&self, key: &str) -> Option<Arc<T>> {\n        self.items.get(key).cloned()\n    }\n}\n")
    elif style < 0.45:
        t.add("import os\n\nAPI_KEY = os.environ[\"PAYMENTS_API_KEY\"]\nDB_URL = os.getenv(\"DATABASE_URL\", \"postgresql://localhost/dev\")\n\n"
              "class Martin:  # named after the Martin-Löf test\n    def __init__(self, alpha=0.05):\n        self.alpha = alpha\n")
    elif style < 0.6:
        t.add(f"FROM python:3.12-slim@sha256:{rand_chars(rng, '0123456789abcdef', 64)}\nWORKDIR /srv\nCOPY requirements.txt .\n"
              "RUN pip install --no-cache-dir -r requirements.txt\nENV STRIPE_KEY=${STRIPE_KEY}\nCMD [\"gunicorn\", \"app:create()\"]\n")
    elif style < 0.75:
        t.add(f"commit {rand_chars(rng, '0123456789abcdef', 40)}\nAuthor: release-bot <noreply@github.com>\n\n"
              f"    bump version to {rng.randrange(1, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 9)}\n\n"
              "diff --git a/Cargo.toml b/Cargo.toml\n-version = \"0.9.3\"\n+version = \"0.10.0\"\n")
    elif style < 0.9:
        t.add("CREATE TABLE customers (\n  id UUID PRIMARY KEY,\n  full_name TEXT NOT NULL,\n  email TEXT UNIQUE,\n"
              "  iban TEXT,\n  created_at TIMESTAMPTZ DEFAULT now()\n);\nCREATE INDEX ON customers (email);\n")
    else:
        t.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: billing\nspec:\n  template:\n    spec:\n      containers:\n"
              "        - name: api\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n"
              "                  name: billing-db\n                  key: password\n")
    return {"source_code"}


CLEAN_PROSE = {
    "en": ["The quarterly all-hands moves to Thursday; the agenda covers the new expense tool and the office move to Harbour Street.",
           "Our benefits guide explains how diabetes and asthma care are covered under the standard plan; no personal details are needed to enrol.",
           "Reminder: contracts above EUR 50,000 need a second approver. Use the template in the legal wiki, not old Word files.",
           "The payroll calendar for next year is attached. Salaries are paid on the 25th, or the working day before.",
           "Example: Jane Doe is the placeholder customer in the demo tenant. Replace placeholders with the customer's details in the CRM, never in the ticket.",
           "The train from Lyon to Turin was cancelled again, so the workshop moves online. Slides are on the shared drive.",
           "Kestrel Analytics released version 4.2 with faster joins and a new dashboard for warehouse metrics."],
    "de": ["Die Kantine bleibt am Freitag geschlossen. Bitte nutzt die Essensgutscheine für das Bistro in der Hafenstraße.",
           "Unser Leitfaden zur Arbeitszeiterfassung gilt ab Januar für alle Standorte in Hamburg und München."],
    "fr": ["La réunion trimestrielle est reportée à jeudi. Merci de relire le compte rendu avant la séance.",
           "Le nouveau règlement intérieur entre en vigueur le premier mars pour tous les sites."],
    "es": ["La oficina de Madrid cierra el viernes por obras. El equipo trabajará en remoto esa semana."],
    "ja": ["来週の全体会議は木曜日に変更になりました。議題は経費精算システムの移行です。", "新しい就業規則は四月から全拠点で適用されます。"],
    "zh": ["下周的全员大会改到周四举行，主要讨论新的报销流程。", "请在月底前完成年度安全培训。"],
    "ko": ["다음 주 전체 회의는 목요일로 변경되었습니다.", "연말 정산 안내 자료를 확인해 주세요."],
}


def topic_clean_text(rng, t):
    lang = rng.choice(list(CLEAN_PROSE))
    picks = rng.sample(CLEAN_PROSE[lang], min(len(CLEAN_PROSE[lang]), rng.randrange(1, 4)))
    style = rng.random()
    if style < 0.3:
        t.add(f"Subject: {rng.choice(['Update', 'FYI', 'Reminder', 'お知らせ', 'Hinweis'])}\n\nHi all,\n\n")
        t.add("\n\n".join(picks) + "\n\nThanks,\nThe Ops team\n")
    elif style < 0.5:
        t.add(f"order_id,sku,qty,warehouse,trace\n")
        for _ in range(rng.randrange(3, 8)):
            t.add(f"ORD-{rng.randrange(10**6, 10**7)},{rand_chars(rng, string.ascii_uppercase, 3)}-{rng.randrange(100, 999)},"
                  f"{rng.randrange(1, 20)},{rng.choice(['Rotterdam', 'Leipzig', 'Memphis', 'Osaka'])},{uuid(rng)}\n")
    elif style < 0.7:
        for _ in range(rng.randrange(3, 8)):
            t.add(f"2026-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)} 0{rng.randrange(0, 9)}:{rng.randrange(10, 59)}:{rng.randrange(10, 59)} "
                  f"INFO scheduler job={rng.choice(['nightly-export', 'reindex', 'gc'])} took={rng.randrange(10, 9000)}ms "
                  f"version=3.{rng.randrange(0, 20)}.{rng.randrange(0, 9)} host=127.0.0.1\n")
        return {"source_code"}  # logs count as source_code (docs/taxonomy.md, as generate.py labels them)
    else:
        t.add("\n\n".join(picks) + "\n")
    return {"none"}


TOPICS = [(topic_customer, 0.22), (topic_health, 0.1), (topic_hr, 0.12), (topic_financial, 0.11),
          (topic_legal, 0.09), (topic_credentials, 0.12), (topic_clean_code, 0.1), (topic_clean_text, 0.14)]


def document(rng, doc_id):
    r = rng.random()
    acc = 0.0
    for fn, w in TOPICS:
        acc += w
        if r < acc:
            break
    t = Text()
    cats = fn(rng, t)
    return finish(doc_id, t, cats)
