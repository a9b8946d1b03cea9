"""Independent generator B: one function per real-world document kind, each written out by hand.

Where author A renders records through generic layouts, author B imitates concrete artefacts:
HL7 v2 and FHIR messages, SWIFT MT103 and bank statements, payslips, leases, court captions,
data-subject requests, courier manifests in fixed-width columns, CI logs, Postman collections,
`.npmrc`, Ansible vars, recipes, match reports. Its people, streets, companies and wording are
its own (not shared with author A or tests/corpus/generate.py).
"""

import json
import string

from core import IBAN_LEN, Text, aba_make, finish, iban_make, jwt, luhn_complete, rand_chars, ssn_make

PEOPLE = {
    "en": (["Winifred", "Jasper", "Clementine", "Barnabas", "Octavia", "Leopold", "Henrietta", "Ambrose", "Sybil",
            "Aldous", "Marigold", "Lysander", "Dorothea", "Percival", "Cordelia", "Horatio"],
           ["Quigley", "Fairweather", "Thistlewood", "Ravensworth", "Bramble", "Cogsworth", "Hawthorne-Vane",
            "Pettigrew", "Underhill", "Wolcott", "Marchbanks", "Ellery"]),
    "de": (["Hannelore", "Eberhard", "Waltraud", "Gebhard", "Irmgard", "Reinhold", "Edeltraud", "Wendelin"],
           ["Schwarzenbeck", "Mittermaier", "Kolbeck", "Birkenstock-Lang", "Tiefenthaler", "Rübsam", "Vogelsang"]),
    "fr": (["Gervaise", "Anatole", "Bérénice", "Léopoldine", "Évariste", "Philomène", "Hippolyte"],
           ["Courtois", "Desjardins", "Boissonnade", "Labrousse", "Fontvieille", "Mercadier"]),
    "es": (["Casimiro", "Felicitas", "Abelardo", "Consuelo", "Evaristo", "Macarena"],
           ["Altamirano", "Sepúlveda", "Urquijo", "Valdivieso", "Larrañaga", "Ocampo"]),
    "pt": (["Joaquim", "Filomena", "Arlindo", "Ermelinda", "Gumercindo", "Rosário"],
           ["Vasconcelos", "Junqueira", "Brandão", "Seixas", "Meireles"]),
    "sv": (["Gunnel", "Torbjörn", "Ingegerd", "Sixten", "Ylva", "Algot"],
           ["Fagerström", "Hedenius", "Ekwall", "Lindblad", "Sjöberg-Nyman"]),
    "ja": (["一郎", "芳江", "聡", "恵美", "隆", "陽子", "誠", "智子"], ["佐々木", "菅原", "石川", "森", "大槻", "柿沼", "阿部"]),
    "zh": (["雨桐", "俊熙", "婉清", "宇轩", "梓萱", "明轩"], ["孙", "马", "朱", "胡", "郭", "何", "林"]),
    "ko": (["예준", "시우", "서윤", "지우", "하준"], ["장", "임", "한", "오", "서"]),
    "hi": (["Aarav", "Ishita", "Devendra", "Pallavi", "Pranav", "Tanvi"], ["Raghunathan", "Saxena", "Nambiar", "Dasgupta", "Mehrotra"]),
}
ROMAN = {"佐々木": "sasaki", "菅原": "sugawara", "石川": "ishikawa", "森": "mori", "大槻": "otsuki", "柿沼": "kakinuma",
         "阿部": "abe", "孙": "sun", "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "何": "he", "林": "lin", "장": "jang",
         "임": "lim", "한": "han", "오": "oh", "서": "seo"}
PLACES = {
    "en": [("{n} Wexford Avenue", "Albany, NY 12207"), ("{n} Bluebonnet Trail", "Austin, TX 78701"),
           ("{n} Kittiwake Road", "Whitby YO21 3DH"), ("{n} Mariner's Walk", "Falmouth TR11 3QA"),
           ("Flat {m}, {n} Lammas Street", "Carmarthen SA31 3AN"), ("{n} Foxglove Boulevard", "Madison, WI 53703")],
    "de": [("Birkenweg {n}", "88045 Friedrichshafen"), ("Hohe Straße {n}", "01069 Dresden"),
           ("Am Lindenhof {n}a", "24103 Kiel")],
    "fr": [("{n}, allée des Peupliers", "17000 La Rochelle"), ("{n} chemin des Vignes", "84000 Avignon")],
    "es": [("C/ de la Sierra, {n}, {m}º B", "18009 Granada"), ("Avda. del Puerto {n}", "46023 Valencia")],
    "pt": [("Rua Augusta, {n}, {m}º Esq.", "1100-053 Lisboa"), ("Travessa da Fábrica {n}", "4050-253 Porto")],
    "sv": [("Storgatan {n}", "411 38 Göteborg"), ("Vasavägen {n}", "903 29 Umeå")],
    "ja": [("〒060-0042 北海道札幌市中央区大通西{m}丁目{n}番地", "")], "zh": [("江苏省苏州市姑苏区观前街{n}号", "")],
    "ko": [("대전광역시 유성구 대학로 {n}", "")], "hi": [("{n}, Civil Lines", "Jaipur 302006"), ("Plot {n}, Sector {m}", "Chandigarh 160017")],
}
FIRMS = ["Wrenfield Couriers", "Oxbow Mutual Bank", "Saltmarsh Clinic", "Brightcliff Estates", "Tallow & Reed Solicitors",
         "Ninebark Software", "Corvid Insurance", "Gannet Air Cargo", "Hollin Dental Group", "Lodestar Payroll Services"]
MAILHOSTS = ["hushmail.com", "web.de", "orange.fr", "telefonica.net", "sapo.pt", "telia.se", "docomo.ne.jp", "163.com",
             "daum.net", "yahoo.in", "zoho.com", "mailbox.org"]


def fold(s):
    return "".join(c for c in s.lower() if c.isascii() and c.isalpha())


class P:
    def __init__(self, rng, lang=None):
        self.lang = lang or rng.choice(list(PEOPLE))
        firsts, lasts = PEOPLE[self.lang]
        self.first, self.last = rng.choice(firsts), rng.choice(lasts)
        cjk = self.lang in ("ja", "zh", "ko")
        self.name = self.last + self.first if cjk else f"{self.first} {self.last}"
        handle = (ROMAN[self.last] + rand_chars(rng, string.digits, 3)) if cjk else \
            rng.choice([fold(self.first) + "_" + fold(self.last), fold(self.last) + fold(self.first)[:2],
                        fold(self.first) + str(rng.randrange(70, 99))])
        self.mail = f"{handle}@{rng.choice(MAILHOSTS)}"
        self.n, self.m = rng.randrange(1, 180), rng.randrange(1, 9)
        line1, line2 = rng.choice(PLACES[self.lang])
        self.addr1, self.addr2 = line1.format(n=self.n, m=self.m), line2
        self.tel = tel(rng, self.lang)
        self.y, self.mo, self.d = rng.randrange(1940, 2006), rng.randrange(1, 13), rng.randrange(1, 29)

    def addr(self, sep=", "):
        return self.addr1 + (sep + self.addr2 if self.addr2 else "")


def tel(rng, lang):
    g = lambda k: rand_chars(rng, string.digits, k)  # noqa: E731
    return {"en": rng.choice([f"+1-{rng.randrange(212, 989)}-{rng.randrange(201, 989)}-{g(4)}", f"01947 {g(6)}"]),
            "de": f"+49 7541 {g(5)}", "fr": f"05 46 {g(2)} {g(2)} {g(2)}", "es": f"958 {g(2)} {g(2)} {g(2)}",
            "pt": f"+351 21 {g(3)} {g(4)}", "sv": f"031-{g(3)} {g(2)} {g(2)}", "ja": f"011-{g(3)}-{g(4)}",
            "zh": f"0512-{g(8)}", "ko": f"042-{g(3)}-{g(4)}", "hi": f"+91-141-{g(7)}"}[lang]


def iban(rng, cc=None):
    cc = cc or rng.choice(["DE", "FR", "GB", "AT", "CH", "SE", "FI", "PL", "IE"])
    n = IBAN_LEN[cc] - 4
    bban = (rand_chars(rng, string.ascii_uppercase, 4) + rand_chars(rng, string.digits, n - 4)) if cc in ("GB", "IE") \
        else rand_chars(rng, string.digits, n)
    return iban_make(cc, bban)


def visa(rng):
    return luhn_complete("4" + rand_chars(rng, string.digits, 14))


def stamp(rng):
    return f"{rng.randrange(2024, 2027)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"


# ---- customer data -------------------------------------------------------------------------------

def dsar(rng, t):
    p = P(rng, rng.choice(["en", "de", "fr", "sv"]))
    t.add("Subject: Data subject access request (Art. 15 GDPR)\n\nTo whom it may concern,\n\nI, ").add(p.name, "PERSON")
    t.add(", request a copy of all personal data you hold about me, including call recordings and marketing segments. "
          "My account is registered under ").add(p.mail, "EMAIL").add(" and my postal address is ").add(p.addr(), "ADDRESS")
    t.add(".\nPlease reply within one month.\n\nYours faithfully,\n").add(p.name, "PERSON").add("\n")
    return {"customer_data"}


def courier_manifest(rng, t):
    t.add(f"{rng.choice(FIRMS[:1] + ['Gannet Air Cargo'])} ROUTE SHEET  depot {rng.choice(['LBA', 'MAN', 'DRS', 'GOT'])}  "
          f"run {rng.randrange(10, 99)}\n")
    t.add(f"{'STOP':<5}{'CONSIGNEE':<26}{'ADDRESS':<48}{'PCS':>4}\n")
    for i in range(rng.randrange(3, 8)):
        p = P(rng, rng.choice(["en", "de", "sv", "fr"]))
        t.add(f"{i + 1:<5}").add(p.name, "PERSON").add(" " * max(1, 26 - len(p.name)))
        a = p.addr()
        t.add(a, "ADDRESS").add(" " * max(1, 48 - len(a))).add(f"{rng.randrange(1, 6):>4}\n")
    t.add("Driver signature: __________\n")
    return {"customer_data"}


def call_transcript(rng, t):
    c = P(rng, "en")
    agent = rng.choice(PEOPLE["en"][0])
    t.add(f"Call ID {rand_chars(rng, string.digits, 9)} — auto-transcribed\n\n")
    t.add("AGENT: Thanks for calling, you're speaking with ").add(agent, "PERSON").add(". Who do I have on the line?\n")
    t.add("CALLER: Hi yes, it's ").add(c.name, "PERSON").add(".\nAGENT: And can you confirm the best number to reach you?\n")
    t.add("CALLER: ").add(c.tel, "PHONE").add(".\nAGENT: Great. What's the problem today?\n")
    t.add(f"CALLER: {rng.choice(['The router keeps dropping every evening.', 'I was billed for a plan I cancelled.', 'The engineer never showed up.'])}\n")
    t.add("AGENT: I've logged that. The confirmation goes to ").add(c.mail, "EMAIL").add(", is that right?\nCALLER: Yes.\n")
    return {"customer_data"}


def fixed_width_loyalty(rng, t):
    t.add("MEMBER# LASTNAME            FIRSTNAME      TIER   POINTS  EMAIL\n")
    for _ in range(rng.randrange(3, 9)):
        p = P(rng, rng.choice(["en", "de", "es", "pt", "sv", "fr"]))
        t.add(f"{rng.randrange(10**6, 10**7)} ")
        t.add(p.last.upper(), "PERSON").add(" " * max(1, 20 - len(p.last))).add(p.first.upper(), "PERSON")
        t.add(" " * max(1, 15 - len(p.first))).add(f"{rng.choice(['GOLD  ', 'SILVER', 'BASIC '])} {rng.randrange(0, 99999):>6}  ")
        t.add(p.mail, "EMAIL").add("\n")
    return {"customer_data"}


def web_form_mail(rng, t):
    p = P(rng, rng.choice(list(PEOPLE)))
    t.add(f"New submission from \"Request a quote\" ({rng.choice(['brightcliff', 'wrenfield', 'ninebark'])}.site)\n\n")
    t.add("Your name\n").add(p.name, "PERSON").add("\n\nEmail address\n").add(p.mail, "EMAIL").add("\n\nPhone\n").add(p.tel, "PHONE")
    t.add("\n\nMessage\n" + rng.choice(["Need 40 pallets moved before the 12th, please call.", "私たちのオフィス移転の見積もりをお願いします。",
                                           "Bitte um Rückruf wegen der Lagerfläche.", "请尽快联系我。"]) + "\n")
    if rng.random() < 0.4:
        t.add(f"\n--\nSent from IP ").add(f"{rng.choice([91, 188, 203, 84])}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}", "IP_ADDRESS")
        t.add("\n")
    return {"customer_data"}


# ---- health ----------------------------------------------------------------------------------------

def hl7(rng, t):
    p = P(rng, rng.choice(["en", "de", "sv", "hi"]))
    mrn = rand_chars(rng, string.digits, 8)
    dx = rng.choice([("I48.91", "Atrial flutter"), ("F41.1", "Panic disorder with agoraphobia"), ("K50.90", "Crohn disease"),
                     ("C50.911", "Malignant neoplasm of breast"), ("G40.909", "Epilepsy, unspecified")])
    when = stamp(rng)
    street, city = p.addr1, p.addr2
    t.add(f"MSH|^~\\&|ADT1|{rng.choice(['SALTMARSH', 'HOLLIN'])}|LABADT|MCM|{when}0815||ADT^A01|MSG{rand_chars(rng, string.digits, 5)}|P|2.5\n")
    t.add("PID|1||").add(mrn, "MEDICAL_RECORD_NUMBER").add("^^^MRN||")
    t.add(f"{p.last}^{p.first}", "PERSON").add("||").add(f"{p.y}{p.mo:02d}{p.d:02d}", "DATE_OF_BIRTH")
    t.add(f"|{rng.choice('MF')}|||").add(f"{street}^^{city}", "ADDRESS").add("||").add(p.tel, "PHONE").add("\n")
    t.add(f"PV1|1|I|W{rng.randrange(1, 9)}^{rng.randrange(100, 400)}^1\n")
    t.add(f"DG1|1||{dx[0]}^").add(dx[1], "HEALTH_CONDITION").add("^I10\n")
    return {"health"}


def fhir(rng, t):
    p = P(rng, rng.choice(["en", "fr", "es", "pt"]))
    cond = rng.choice(["Hypothyroidism", "Major depressive disorder, recurrent", "Chronic hepatitis B", "Type 1 diabetes mellitus",
                       "Ulcerative colitis"])
    mrn = f"{rng.randrange(100, 999)}{rand_chars(rng, string.digits, 6)}"
    t.add('{\n  "resourceType": "Bundle",\n  "type": "collection",\n  "entry": [\n    {"resource": {\n      "resourceType": "Patient",\n')
    t.add('      "identifier": [{"system": "urn:mrn", "value": "').add(mrn, "MEDICAL_RECORD_NUMBER").add('"}],\n')
    t.add(f'      "name": [{{"family": "').add(p.last, "PERSON").add('", "given": ["').add(p.first, "PERSON").add('"]}],\n')
    t.add('      "birthDate": "').add(f"{p.y}-{p.mo:02d}-{p.d:02d}", "DATE_OF_BIRTH").add('"\n    }},\n')
    t.add('    {"resource": {\n      "resourceType": "Condition",\n      "code": {"text": "').add(cond, "HEALTH_CONDITION")
    t.add('"},\n      "clinicalStatus": {"coding": [{"code": "active"}]}\n    }}\n  ]\n}\n')
    return {"health", "source_code"}


def therapy_note(rng, t):
    p = P(rng, rng.choice(["en", "de", "ja"]))
    if p.lang == "ja":
        t.add("カウンセリング記録\nクライアント：").add(p.name, "PERSON").add("\n主訴：").add(rng.choice(["パニック障害", "適応障害", "不眠症"]), "HEALTH_CONDITION")
        t.add(f"\n第{rng.randrange(2, 12)}回面接。睡眠は改善傾向。次回は二週間後。\n")
    elif p.lang == "de":
        t.add("Verlaufsnotiz Psychotherapie\nKlient: ").add(p.name, "PERSON").add("\nDiagnose: ")
        t.add(rng.choice(["posttraumatische Belastungsstörung", "Zwangsstörung", "Essstörung (Bulimie)"]), "HEALTH_CONDITION")
        t.add(f"\nSitzung {rng.randrange(2, 30)}: Expositionsübung besprochen, Hausaufgabe Tagebuch.\n")
    else:
        t.add("Session note\nClient: ").add(p.name, "PERSON").add(f" — session {rng.randrange(2, 30)}\n")
        t.add("Working diagnosis: ").add(rng.choice(["post-traumatic stress disorder", "obsessive-compulsive disorder", "alcohol use disorder"]), "HEALTH_CONDITION")
        t.add("\nPlan: continue CBT, review sleep diary next time.\n")
    return {"health"}


def pharmacy_refill(rng, t):
    p = P(rng, "en")
    t.add(f"Refill request #{rng.randrange(10**5, 10**6)}\nPatient: ").add(p.name, "PERSON").add("  DOB ").add(f"{p.mo}/{p.d}/{p.y}", "DATE_OF_BIRTH")
    t.add("\nMedication: levetiracetam 500 mg BID\nIndication: ").add(rng.choice(["focal seizures", "juvenile myoclonic epilepsy"]), "HEALTH_CONDITION")
    t.add("\nDeliver to: ").add(p.addr(), "ADDRESS").add("\n")
    return {"health"}


# ---- HR --------------------------------------------------------------------------------------------

def payslip(rng, t):
    p = P(rng, rng.choice(["de", "fr", "en", "sv"]))
    gross = rng.randrange(2800, 9800)
    if p.lang == "de":
        t.add(f"Entgeltabrechnung {rng.choice(['Januar', 'Mai', 'Oktober'])} {rng.randrange(2024, 2027)}\nPersonalnummer {rng.randrange(1000, 9999)}\n\n")
        t.add(p.name, "PERSON").add("\n").add(p.addr("\n"), "ADDRESS")
        t.add(f"\n\nSteuerklasse {rng.randrange(1, 6)}   Kinderfreibetrag 0,5\nBrutto {gross},00 EUR\nLohnsteuer {gross // 6},12 EUR\n"
              f"Auszahlung auf ").add(iban(rng, "DE"), "IBAN").add("\n")
    elif p.lang == "fr":
        t.add(f"BULLETIN DE PAIE — période du 01/0{rng.randrange(1, 9)} au 30/0{rng.randrange(1, 9)}\nSalarié : ").add(p.name, "PERSON")
        t.add(f"\nEmploi : {rng.choice(['technicienne de laboratoire', 'chef de rayon', 'comptable'])}\nSalaire de base {gross},00 €\n"
              "Virement : ").add(iban(rng, "FR") if "FR" in IBAN_LEN else iban(rng), "IBAN").add("\n")
    else:
        t.add(f"PAYSLIP   {rng.choice(FIRMS)}\nEmployee: ").add(p.name, "PERSON").add(f"   No. {rng.randrange(10000, 99999)}\n")
        t.add(f"Basic pay {gross}.00\nOvertime {rng.randrange(0, 900)}.00\nPension (5%) {gross // 20}.00\nNet pay {int(gross * .7)}.40\n")
        t.add("Paid to sort code 20-45-77 account ").add(rand_chars(rng, string.digits, 8), "BANK_ACCOUNT").add("\n")
    return {"hr", "financial"}


def cover_letter(rng, t):
    p = P(rng, rng.choice(["en", "hi", "es", "pt"]))
    t.add(p.name, "PERSON").add("\n").add(p.mail, "EMAIL").add(" | ").add(p.tel, "PHONE").add("\n\n")
    t.add(f"Dear Hiring Committee,\n\nI am applying for the {rng.choice(['Graduate Actuary', 'Site Reliability Engineer', 'Bid Manager'])} vacancy. "
          "In my current role I cut month-end close from nine days to four, and I would welcome an interview. "
          "My notice period is one month and my salary expectation is in line with the advertised band.\n\nSincerely,\n")
    t.add(p.name, "PERSON").add("\n")
    return {"hr"}


def leave_request(rng, t):
    p, boss = P(rng, "en"), P(rng, "en")
    t.add("LEAVE REQUEST FORM\n\nEmployee name: ").add(p.name, "PERSON").add(f"\nTeam: {rng.choice(['Claims', 'Treasury', 'Fleet'])}\n")
    t.add(f"Type: {rng.choice(['Parental', 'Unpaid', 'Compassionate', 'Annual'])}\nFrom: {rng.randrange(1, 28)}/0{rng.randrange(1, 9)}  "
          f"To: {rng.randrange(1, 28)}/0{rng.randrange(1, 9)}\nApproved by: ").add(boss.name, "PERSON").add("\n")
    return {"hr"}


def background_check(rng, t):
    p = P(rng, "en")
    t.add("PRE-EMPLOYMENT SCREENING REPORT (CONFIDENTIAL)\nCandidate: ").add(p.name, "PERSON").add("\nSSN: ").add(ssn_make(rng), "US_SSN")
    t.add("\nDOB: ").add(f"{p.mo:02d}-{p.d:02d}-{p.y}", "DATE_OF_BIRTH").add("\nCurrent address: ").add(p.addr(), "ADDRESS")
    t.add("\n\nEmployment verification: confirmed (2 of 2)\nCriminal records: none found\nEducation: degree verified\n")
    return {"hr"}


def reorg_mail(rng, t):
    a, b, c = P(rng, "sv"), P(rng, "en"), P(rng, "de")
    t.add("Hej alla,\n\nFrån den 1 mars tar ").add(a.name, "PERSON").add(" över som chef för lagerteamet. ")
    t.add(b.first, "PERSON").add(" flyttar till inköp och ").add(c.name, "PERSON")
    t.add(" avslutar sin anställning efter uppsägningstiden. Lönerevisionen skjuts till maj.\n\nHR\n")
    return {"hr"}


# ---- financial -------------------------------------------------------------------------------------

def mt103(rng, t):
    p, q = P(rng, rng.choice(["de", "fr", "en"])), P(rng, rng.choice(["sv", "pt", "es"]))
    t.add("{1:F01OXBWGB2LAXXX0000000000}{2:I103COBADEFFXXXXN}{4:\n")
    t.add(f":20:REF{rand_chars(rng, string.digits, 8)}\n:23B:CRED\n:32A:{stamp(rng)[2:]}EUR{rng.randrange(1000, 90000)},00\n")
    t.add(":50K:/").add(iban(rng), "IBAN").add("\n").add(p.name.upper(), "PERSON").add("\n").add(p.addr1.upper(), "ADDRESS").add("\n")
    t.add(":57A:").add(rand_chars(rng, string.ascii_uppercase, 4) + "SE" + rand_chars(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ", 2), "SWIFT_BIC").add("\n")
    t.add(":59:/").add(iban(rng), "IBAN").add("\n").add(q.name.upper(), "PERSON").add("\n")
    t.add(":70:INVOICE 2291 AND 2294\n:71A:SHA\n-}\n")
    return {"financial"}


def statement(rng, t):
    p = P(rng, "en")
    t.add(f"{rng.choice(['Oxbow Mutual Bank', 'Corvid Savings'])} — Statement of account\n").add(p.name, "PERSON").add("\n")
    t.add("Account ").add(rand_chars(rng, string.digits, 10), "BANK_ACCOUNT").add("   Routing ").add(aba_make(rng), "US_ROUTING_NUMBER").add("\n\n")
    bal = rng.randrange(500, 9000)
    for _ in range(rng.randrange(4, 9)):
        amt = rng.randrange(-900, 400)
        bal += amt
        t.add(f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}  {rng.choice(['POS GROCERY 0412', 'ACH PAYROLL', 'ATM WDL', 'CHECK 1043', 'UTILITY AUTOPAY']):<20}{amt:>9}.00{bal:>10}.00\n")
    return {"financial"}


def expense_claim(rng, t):
    p = P(rng, rng.choice(["en", "de", "hi"]))
    t.add("Expense claim — conference travel\nClaimant: ").add(p.name, "PERSON").add("\n")
    t.add(f"Hotel 3 nights {rng.randrange(300, 900)}.00\nTrain {rng.randrange(40, 200)}.50\nPaid with corporate card ").add(visa(rng), "CREDIT_CARD")
    t.add("\nReimburse the private part to ").add(iban(rng), "IBAN").add("\n")
    return {"financial", "hr"}


def loan_app(rng, t):
    p = P(rng, "en")
    t.add("Personal loan application\nApplicant: ").add(p.name, "PERSON").add("\nSSN ").add(ssn_make(rng), "US_SSN")
    t.add(f"\nAnnual income: ${rng.randrange(30, 200)},000\nEmployer: {rng.choice(FIRMS)}\nRequested: ${rng.randrange(5, 60)},000 over 60 months\n")
    t.add("Disbursement account: ").add(rand_chars(rng, string.digits, 11), "BANK_ACCOUNT").add(" / routing ").add(aba_make(rng), "US_ROUTING_NUMBER").add("\n")
    return {"financial", "customer_data"}


# ---- legal -----------------------------------------------------------------------------------------

def lease(rng, t):
    l, tn = P(rng, "en"), P(rng, "en")
    t.add("ASSURED SHORTHOLD TENANCY AGREEMENT\n\nThe Landlord: ").add(l.name, "PERSON").add("\nThe Tenant: ").add(tn.name, "PERSON")
    t.add("\nThe Property: ").add(tn.addr(), "ADDRESS")
    t.add(f"\n\n1. The Term is twelve months from the commencement date.\n2. The Rent is £{rng.randrange(700, 2500)} per calendar month, payable in advance.\n"
          "3. The Deposit shall be protected in a government-approved scheme within 30 days.\n4. The Tenant shall not sublet without written consent.\n")
    return {"legal"}


def court_caption(rng, t):
    a, b = P(rng, "en"), P(rng, "en")
    t.add(f"IN THE SUPERIOR COURT OF THE STATE OF {rng.choice(['CALIFORNIA', 'ARIZONA', 'WASHINGTON'])}\nCOUNTY OF {rng.choice(['ALAMEDA', 'MARICOPA', 'KING'])}\n\n")
    t.add(a.name.upper(), "PERSON").add(",\n        Plaintiff,\n    v.\n").add(rng.choice(FIRMS).upper() + ", et al.,\n        Defendants.\n\n")
    t.add(f"Case No. {rng.randrange(20, 27)}-CV-{rng.randrange(10000, 99999)}\n\nDECLARATION OF ").add(b.name.upper(), "PERSON")
    t.add(" IN SUPPORT OF MOTION TO COMPEL\n\nI, ").add(b.name, "PERSON").add(", declare under penalty of perjury that the foregoing is true and correct.\n")
    return {"legal"}


def cease_desist(rng, t):
    p, lawyer = P(rng, rng.choice(["en", "de", "fr"])), P(rng, "en")
    t.add(f"{rng.choice(['Tallow & Reed Solicitors', 'Corvid Legal LLP'])}\nWITHOUT PREJUDICE SAVE AS TO COSTS\n\n")
    t.add("Dear ").add(p.name, "PERSON").add(",\n\nWe act for Ninebark Software Ltd. Your website reproduces substantial parts of our client's "
                                             "documentation without licence. We require you to remove the material within 14 days, failing which "
                                             "our client will issue proceedings without further notice.\n\nYours sincerely,\n")
    t.add(lawyer.name, "PERSON").add("\n")
    return {"legal"}


def will(rng, t):
    p, e = P(rng, rng.choice(["en", "pt", "es"])), P(rng, "en")
    t.add("LAST WILL AND TESTAMENT\n\nThis is the last will of me, ").add(p.name, "PERSON").add(", of ").add(p.addr(), "ADDRESS")
    t.add(".\n1. I revoke all former wills.\n2. I appoint ").add(e.name, "PERSON").add(" to be the executor of this will.\n"
                                                                                       "3. I give my residuary estate to my children in equal shares.\n")
    return {"legal"}


def shareholder_mins(rng, t):
    a, b = P(rng, rng.choice(["de", "sv", "ja", "zh"])), P(rng, "en")
    if a.lang in ("ja", "zh"):
        t.add("株主間契約（抜粋）\n第5条（譲渡制限）株主は、他の株主の書面による同意なく株式を譲渡してはならない。\n署名：").add(a.name, "PERSON")
        t.add("、").add(b.name, "PERSON").add("\n")
    else:
        t.add("Shareholders' agreement — clause 7 (drag-along)\nIf holders of 75% of the shares accept a bona fide offer, the remaining "
              "shareholders shall transfer their shares on the same terms.\nExecuted by ").add(a.name, "PERSON").add(" and ").add(b.name, "PERSON").add("\n")
    return {"legal"}


# ---- credentials -----------------------------------------------------------------------------------

def ci_log(rng, t):
    tok = "glpat-" + rand_chars(rng, string.ascii_letters + string.digits + "_-", 20)
    t.add(f"Running with gitlab-runner 17.{rng.randrange(0, 9)}.0\n$ echo \"machine gitlab.corp login ci password $CI_JOB_TOKEN\" > ~/.netrc\n")
    t.add("$ git clone https://oauth2:").add(tok, "GITLAB_TOKEN").add("@gitlab.corp/platform/api.git\nCloning into 'api'...\n")
    t.add(f"$ make test\nok  \tplatform/api\t{rng.randrange(2, 30)}.{rng.randrange(100, 999)}s\nJob succeeded\n")
    return {"credentials", "source_code"}


def npmrc(rng, t):
    t.add("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=").add("npm_" + rand_chars(rng, string.ascii_letters + string.digits, 36), "GENERIC_SECRET")
    t.add("\nsave-exact=true\n")
    return {"credentials", "source_code"}


def postman(rng, t):
    key = "sk_live_" + rand_chars(rng, string.ascii_letters + string.digits, 24)
    t.add('{\n  "info": {"name": "Billing API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},\n')
    t.add('  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "').add(key, "STRIPE_KEY").add('", "type": "string"}]},\n')
    t.add('  "item": [{"name": "List charges", "request": {"method": "GET", "url": "https://api.stripe.com/v1/charges?limit=3"}}]\n}\n')
    return {"credentials", "source_code"}


def ansible(rng, t):
    pw = rand_chars(rng, string.ascii_letters + string.digits, 10) + rng.choice("@$%") + rand_chars(rng, string.digits, 2)
    t.add("# group_vars/db.yml\npostgres_version: 16\npostgres_listen: 0.0.0.0\npostgres_admin_user: dba\npostgres_admin_password: ")
    t.add(pw, "PASSWORD").add("\nbackup_bucket: s3://corp-db-backups\n")
    return {"credentials", "source_code"}


def docker_run(rng, t):
    tokn = jwt(rng, {"iss": "auth.internal", "sub": "svc-" + rand_chars(rng, string.ascii_lowercase, 5), "exp": 1900000000})
    t.add("How do I pass this into compose instead?\n\n```sh\ndocker run -d --name relay \\\n  -e UPSTREAM=https://relay.internal \\\n  -e AUTH_TOKEN=")
    t.add(tokn, "JWT").add(" \\\n  ghcr.io/corp/relay:2.4\n```\n")
    return {"credentials", "source_code"}


def rust_const(rng, t):
    key = "AKIA" + rand_chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    sec = rand_chars(rng, string.ascii_letters + string.digits + "+/", 40)
    t.add("// TODO move to vault before release\nconst ACCESS_KEY: &str = \"").add(key, "AWS_ACCESS_KEY").add("\";\nconst SECRET: &str = \"")
    t.add(sec, "AWS_SECRET_KEY").add("\";\n\nfn client() -> S3Client {\n    S3Client::new(Credentials::new(ACCESS_KEY, SECRET, None))\n}\n")
    return {"credentials", "source_code"}


# ---- clean: code and everyday text -----------------------------------------------------------------

CLEAN_CODE = [
    "CC ?= gcc\nCFLAGS := -O2 -Wall -Wextra\n\nall: bin/tool\n\nbin/tool: src/main.o src/util.o\n\t$(CC) $(CFLAGS) -o $@ $^\n\nclean:\n\trm -rf bin src/*.o\n",
    "module Queue where\n\ndata Queue a = Queue [a] [a]\n\npush :: a -> Queue a -> Queue a\npush x (Queue f b) = Queue f (x:b)\n\npop :: Queue a -> Maybe (a, Queue a)\npop (Queue [] []) = Nothing\npop (Queue [] b) = pop (Queue (reverse b) [])\npop (Queue (x:f) b) = Just (x, Queue f b)\n",
    "data class Person(val firstName: String, val lastName: String, val email: String)\n\nfun main() {\n    val p = Person(\"Jane\", \"Doe\", \"jane.doe@example.com\")\n    println(p.copy(lastName = \"Roe\"))\n}\n",
    "#!/usr/bin/env bash\nset -euo pipefail\nfor f in \"$@\"; do\n  sha256sum \"$f\" >> checksums.txt\ndone\necho \"token: ${API_TOKEN:?set API_TOKEN}\"\n",
    "static int parse_port(const char *s) {\n    char *end;\n    long v = strtol(s, &end, 10);\n    if (*end || v < 1 || v > 65535) return -1;\n    return (int)v;\n}\n",
    "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"corp-access-logs\"\n}\n\nvariable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n",
    "SELECT c.region, count(*) AS n, avg(o.total) AS avg_total\nFROM orders o JOIN customers c ON c.id = o.customer_id\nWHERE o.created_at >= now() - interval '30 days'\nGROUP BY 1 ORDER BY 2 DESC;\n",
    "@Test\nvoid rejectsExpiredCard() {\n    var card = new Card(\"4111111111111112\", YearMonth.of(2020, 1));\n    assertThrows(ExpiredCardException.class, () -> gateway.charge(card, 100));\n}\n",
]
CLEAN_TEXT = [
    "Slow-cooker chilli (serves 6)\n- 2 onions, diced\n- 800 g kidney beans\n- 1 tbsp smoked paprika\nBrown the onions, add everything else, cook 8 hours on low. Freezes well.",
    "Match report: the visitors scored twice before half-time and held on despite a late penalty. The coach praised the back four and said the squad would rotate for the cup tie on Wednesday.",
    "Assembly: attach panel B to panel C with four M6 bolts (bag 2). Do not fully tighten until the shelf is level. Keep children away from small parts.",
    "FAQ — Can I bring my dog to the office? Yes, on Fridays, in the ground-floor zone only. Book a dog-friendly desk in the app the day before.",
    "Itinerary: Day 1 arrive Porto, walk along the Ribeira. Day 2 train up the Douro valley, wine tasting in Pinhão. Day 3 fly home from OPO at 18:40.",
    "今日は雨のため、屋外のイベントは中止になりました。代わりに体育館でワークショップを行います。",
    "本季度销售额同比增长百分之十二，主要来自华东地区的新客户。",
    "Die neue Kaffeemaschine im dritten Stock braucht entkalktes Wasser. Bitte den Filter jeden Montag wechseln.",
    "Homework: solve x² − 5x + 6 = 0 and explain why both roots are positive. Then sketch y = x² − 5x + 6.",
    "Our retro: deploys on Fridays caused two incidents this quarter; we will freeze merges after 15:00 and add a canary stage.",
    "Le club de lecture se réunit jeudi à 18 h. Au programme : un roman policier scandinave, et des crêpes.",
    "Benefits reminder: the plan covers physiotherapy, mental-health counselling and diabetes supplies. Claims go through the insurer's portal.",
]


def clean_code(rng, t):
    t.add(rng.choice(CLEAN_CODE))
    return {"source_code"}


def clean_text(rng, t):
    picks = rng.sample(CLEAN_TEXT, rng.randrange(1, 3))
    t.add("\n\n".join(picks) + "\n")
    return {"none"}


KINDS = [
    (dsar, 3), (courier_manifest, 3), (call_transcript, 3), (fixed_width_loyalty, 3), (web_form_mail, 3),
    (hl7, 3), (fhir, 2), (therapy_note, 2), (pharmacy_refill, 2),
    (payslip, 3), (cover_letter, 2), (leave_request, 2), (background_check, 2), (reorg_mail, 2),
    (mt103, 2), (statement, 2), (expense_claim, 2), (loan_app, 2),
    (lease, 2), (court_caption, 2), (cease_desist, 2), (will, 1), (shareholder_mins, 2),
    (ci_log, 2), (npmrc, 1), (postman, 2), (ansible, 2), (docker_run, 2), (rust_const, 2),
    (clean_code, 8), (clean_text, 12),
]


def document(rng, doc_id):
    total = sum(w for _, w in KINDS)
    r = rng.random() * total
    for fn, w in KINDS:
        r -= w
        if r < 0:
            break
    t = Text()
    cats = fn(rng, t)
    return finish(doc_id, t, cats)
