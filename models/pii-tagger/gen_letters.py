#!/usr/bin/env python3
"""pii-tagger training generator 1 of 2: written text — e-mails, letters, chat, meeting notes,
support replies, paper forms, signatures — in English, German, French, Spanish, Italian, Dutch,
Portuguese, Polish, Turkish, Swedish, Chinese, Japanese and Korean, with hard negatives
(organisations labelled ORGANIZATION, brands, cities that are not addresses, Title Case words).

    python3 models/pii-tagger/gen_letters.py --seed 161 --count 6000 --out target/pii-tagger/letters.jsonl

Shares no template or word list with tests/corpus/generate.py. Output is byte-identical for a seed.
"""

import vocab as V
from parts import LOCALES, P, Piece, address, email_of, join, noise, org, person, phone, single_mention, generate_main

GREET = {"us": ["Hi {g},", "Hello {g},", "Dear {f},"], "uk": ["Dear {f},", "Hiya {g},", "Morning {g},"],
         "de": ["Hallo {g},", "Liebe/r {f},", "Sehr geehrte/r {f},", "Moin {g},"], "fr": ["Bonjour {g},", "Chère {f},", "Madame, Monsieur {f},"],
         "es": ["Hola {g},", "Estimado/a {f}:", "Buenos días {g},"], "it": ["Ciao {g},", "Gentile {f},", "Buongiorno {g},"],
         "nl": ["Hoi {g},", "Beste {f},", "Geachte {f},"], "pt": ["Olá {g},", "Prezado(a) {f},", "Bom dia {g},"],
         "in": ["Hi {g},", "Dear {f} ji,", "Hello {g},"], "pl": ["Cześć {g},", "Szanowna Pani {f},"], "tr": ["Merhaba {g},", "Sayın {f},"],
         "se": ["Hej {g},", "Hallå {g},"], "cn": ["{f}您好，", "尊敬的{f}：", "{f}，你好！"], "jp": ["{f}様", "{f}さん、お疲れ様です。"],
         "kr": ["{f}님 안녕하세요.", "{f} 고객님께"]}
BODY = {
    "us": ["Could you ship the replacement to {addr}? {org} confirmed the order yesterday.",
           "I spoke with {p2} from {org} about the renewal; she'll send the paperwork to {addr}.",
           "Quick heads-up: the {title} meeting moved to {day}. {p2} will run it from our {city} office.",
           "Please update my mailing address to {addr}. You can reach me at {phone}.",
           "Thanks for the call earlier. As discussed, {p2} will take over the {org} account starting {month}."],
    "uk": ["The courier couldn't deliver to {addr}, could you check with {p2}?", "{p2} from {org} rang about the invoice; I've told them we're based in {city}."],
    "de": ["Bitte senden Sie die Unterlagen an {addr}. Rückfragen gern an {p2}.", "Frau {fam2} von {org} hat den Termin auf {day} verschoben.",
           "Die neue Lieferadresse lautet:\n{addr}\nAnsprechpartner ist {p2}, Tel. {phone}."],
    "fr": ["Merci d'envoyer le colis à {addr}. {p2} s'occupe du suivi chez {org}.", "Je vous confirme notre rendez-vous à {city} avec {p2}."],
    "es": ["Le escribo para cambiar la dirección de envío a {addr}. Mi compañero {p2} lo confirmará.", "{p2} de {org} nos visitará en {city} el {day}."],
    "it": ["Vi prego di spedire il pacco a {addr}. Referente: {p2}.", "Ho parlato con {p2} di {org}: la fattura arriva a {month}."],
    "nl": ["Kunt u het pakket naar {addr} sturen? {p2} van {org} weet ervan.", "Het overleg met {p2} is verplaatst naar {day}."],
    "pt": ["Por favor, enviar a encomenda para {addr}. Falar com {p2} da {org}.", "A reunião com {p2} em {city} ficou para {day}."],
    "in": ["Kindly courier the documents to {addr}. {p2} will collect them.", "{p2} from {org} will visit our {city} branch on {day}."],
    "pl": ["Proszę wysłać paczkę na adres {addr}. Kontakt: {p2}.", "Spotkanie z {p2} z firmy {org} przeniesiono na {day}."],
    "tr": ["Lütfen kargoyu {addr} adresine gönderin. İlgili kişi: {p2}.", "{p2} ile {city} toplantısı {day} gününe alındı."],
    "se": ["Skicka gärna paketet till {addr}. Kontaktperson är {p2}.", "Mötet med {p2} från {org} flyttas till {day}."],
    "cn": ["请把合同寄到{addr}，联系人{p2}，电话{phone}。", "{p2}已经和{org}确认了报价，下周在{city}见面。"],
    "jp": ["資料は{addr}までお送りください。担当は{p2}です。", "{org}の{p2}様と{day}に打ち合わせを行いました。"],
    "kr": ["계약서는 {addr}로 보내 주세요. 담당자는 {p2}입니다.", "{org}의 {p2}님과 다음 주 회의가 잡혔습니다."],
}
SIGN = {"us": ["Best,", "Thanks,", "Cheers,", "Regards,"], "uk": ["Kind regards,", "Best wishes,"], "de": ["Viele Grüße", "Mit freundlichen Grüßen", "Beste Grüße"],
        "fr": ["Cordialement,", "Bien à vous,"], "es": ["Saludos,", "Un saludo,", "Atentamente,"], "it": ["Cordiali saluti,", "Grazie,"],
        "nl": ["Met vriendelijke groet,", "Groetjes,"], "pt": ["Atenciosamente,", "Abraços,"], "in": ["Regards,", "Thanks & Regards,"],
        "pl": ["Pozdrawiam,", "Z poważaniem,"], "tr": ["Saygılarımla,", "İyi çalışmalar,"], "se": ["Vänliga hälsningar,", "Mvh"],
        "cn": ["此致", "谢谢！"], "jp": ["よろしくお願いいたします。"], "kr": ["감사합니다."]}
FORM_KEYS = {"name": ["Name", "Full name", "Name des Kunden", "Nom", "Nombre", "Nome", "Naam", "Imię i nazwisko", "氏名", "姓名", "성명", "Customer", "Applicant", "Contact", "Patient", "Employee"],
             "addr": ["Address", "Mailing address", "Anschrift", "Adresse", "Dirección", "Indirizzo", "Adres", "Endereço", "住所", "地址", "주소", "Ship to", "Home address"],
             "other": ["Reference", "Date", "Department", "Ticket", "Plan", "Status", "Region", "Company", "Product", "Priority"]}


def filler(r, loc):
    """A value for a {placeholder} in a body template."""
    return {
        "org": org(r), "city": P(r.choice(V.PLACES_NOT_ADDRESS)), "title": P(" ".join(r.sample(V.TITLE_WORDS, 2))),
        "day": P(r.choice(V.TITLE_WORDS[49:54])), "month": P(r.choice(V.TITLE_WORDS[54:65])), "phone": P(phone(r)),
    }


def fill(r, template, loc, values):
    out = Piece()
    i = 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            out = out + template[i:]
            break
        k = template.index("}", j)
        out = out + template[i:j]
        key = template[j + 1:k]
        if key == "addr":
            out = out + address(r, loc if r.random() < 0.8 else None)
        elif key == "p2":
            out = out + person(r, loc if r.random() < 0.7 else None)[2]
        elif key == "fam2":
            out = out + P(person(r, loc)[1], "PERSON")
        elif key in values:
            out = out + values[key]
        else:
            out = out + filler(r, loc)[key]
        i = k + 1
    return out


def doc_email(r):
    loc = r.choice(LOCALES)
    giv, fam, who = person(r, loc, "full")
    sgiv, sfam, sender = person(r, loc, "full")
    g = r.choice(GREET[loc])
    greet = fill(r, g, loc, {"g": P(giv, "PERSON"), "f": P(fam, "PERSON") if "{f}" in g else P(fam)})
    body = join([fill(r, t, loc, {}) for t in r.sample(BODY[loc], k=min(len(BODY[loc]), r.randint(1, 2)))], r.choice([" ", "\n\n"]))
    head = Piece()
    if r.random() < 0.6:
        head = "From: " + sender + f" <{email_of(r, sgiv, sfam)}>\nTo: " + who + f" <{email_of(r, giv, fam)}>\nSubject: " \
            + " ".join(r.sample(V.TITLE_WORDS, 3)) + "\n\n"
    sign = "\n\n" + r.choice(SIGN[loc]) + "\n" + sender
    if r.random() < 0.4:
        sign = sign + "\n" + r.choice(["Account Manager", "Head of Operations", "Senior Engineer", "Customer Success"]) + " | " + org(r)
    if r.random() < 0.3:
        sign = sign + "\n" + address(r, loc, multiline=r.random() < 0.5)
    return head + greet + "\n\n" + body + sign


def doc_chat(r):
    loc = r.choice(["us", "uk", "in", "de", "nl", "se"])
    people = [person(r, loc if r.random() < 0.7 else None, "full") for _ in range(r.randint(2, 4))]
    lines = []
    for _ in range(r.randint(3, 8)):
        giv, fam, p = r.choice(people)
        stamp = f"[{r.randint(8, 18):02d}:{r.randint(0, 59):02d}] "
        speaker = P(giv, "PERSON") if r.random() < 0.5 else p
        msg = r.choice([
            lambda: Piece("can someone ping ") + P(r.choice(people)[0], "PERSON") + " about the " + r.choice(V.BRANDS) + " outage?",
            lambda: Piece("deployed to ") + r.choice(["staging", "prod", "eu-west"]) + ", " + r.choice(V.CODE_TYPES) + " refactor is in",
            lambda: Piece("new ship-to for the sample: ") + address(r, None, False),
            lambda: Piece("lunch in ") + r.choice(V.PLACES_NOT_ADDRESS) + " on " + r.choice(V.TITLE_WORDS[49:54]) + "?",
            lambda: Piece("OK, ") + P(r.choice(people)[0], "PERSON") + " owns the " + " ".join(r.sample(V.TITLE_WORDS, 2)) + " doc",
            lambda: Piece("FYI ") + org(r) + " signed. Contact is " + person(r)[2],
        ])()
        lines.append(Piece(stamp) + speaker + ": " + msg)
    return join(lines, "\n")


def doc_notes(r):
    head = Piece("# ") + " ".join(r.sample(V.TITLE_WORDS, 3)) + f" — {r.choice(V.TITLE_WORDS[54:65])} {r.randint(1, 28)}\n\n"
    att = join([person(r)[2] for _ in range(r.randint(2, 5))], ", ")
    items = []
    for _ in range(r.randint(2, 5)):
        items.append(r.choice([
            lambda: "- " + person(r)[2] + " to follow up with " + org(r) + " on " + " ".join(r.sample(V.TITLE_WORDS, 2)),
            lambda: Piece("- Decision: move the ") + r.choice(V.BRANDS) + " instance to " + r.choice(V.PLACES_NOT_ADDRESS),
            lambda: Piece("- ") + " ".join(r.sample(V.TITLE_WORDS, 4)),
            lambda: "- New office: " + address(r, None, False),
            lambda: Piece("- Action: ") + P(person(r)[0], "PERSON") + " drafts the " + r.choice(V.TITLE_WORDS) + " summary",
        ])())
    return head + "Attendees: " + att + "\n\n" + join(items, "\n")


def form_other(r):
    return r.choice([org(r), P(r.choice(V.NOT_NAME_CAPS)), P(noise(r)), P(r.choice(V.WORLD_CITIES)), P(r.choice(V.CJK_WORDS)),
                     P(" ".join(r.sample(V.TITLE_WORDS, 2)))])


def doc_form2(r):
    """A form with wider key vocabulary, aligned or not, addresses on their own lines."""
    loc = r.choice(LOCALES)
    width = r.choice([0, 16, 22])
    rows = []
    for key in r.sample(["p", "p", "a", "o", "o", "o", "s"], k=r.randint(3, 7)):
        k = (r.choice(V.KEYS_PERSON) if key in "ps" else r.choice(V.KEYS_ADDRESS) if key == "a" else r.choice(V.KEYS_OTHER)) + ":"
        k = k.ljust(width) if width else k + " "
        if key == "p":
            rows.append(k + person(r, loc)[2] + (Piece(f" ({noise(r)})") if r.random() < 0.2 else ""))
        elif key == "s":
            rows.append(k + single_mention(r, loc))
        elif key == "a":
            rows.append(Piece(k.rstrip() + "\n") + address(r, loc, multiline=True) if r.random() < 0.4 else k + address(r, loc))
        else:
            rows.append(k + form_other(r))
    return join(rows, "\n")


def doc_thread(r):
    """Short messages that mention people by one name, with codes, dates and amounts around."""
    loc = r.choice(["us", "uk", "de", "fr", "nl", "in", "es", "it", "se"])
    msgs = []
    for _ in range(r.randint(2, 6)):
        who = r.choice([lambda: person(r, loc, "full")[2], lambda: P(person(r, loc)[0], "PERSON")])()
        line = r.choice([
            lambda: who + ": heads up, " + single_mention(r, loc) + f" is out until {noise(r)}",
            lambda: who + ": " + f"{r.choice(V.NOT_NAME_CAPS)} {noise(r)} was applied to {noise(r)}.",
            lambda: Piece(f"Thanks ") + single_mention(r, loc) + f"! {r.choice(V.NOT_NAME_CAPS)} is fixed.",
            lambda: Piece(f"--- {r.choice(['Internal note', 'Note', 'Update'])} (") + single_mention(r, loc) + ") ---",
            lambda: Piece(f"Ticket {noise(r)}: ") + single_mention(r, loc) + f" asked for a {r.choice(V.NOT_NAME_CAPS).lower()} refund of {noise(r)}.",
            lambda: who + f": moved to {r.choice(V.WORLD_CITIES)} office, {r.choice(V.TITLE_WORDS)} {noise(r)}",
            lambda: Piece(f"{r.choice(V.NOT_NAME_CAPS)} {noise(r)} — {r.choice(V.WORLD_CITIES)} ({noise(r)})"),
        ])()
        msgs.append(line)
    return join(msgs, "\n")


GROUPS = ["Members", "Customers", "Patients", "Users", "Employees", "Teams", "Students", "Vendors", "Partners", "Admins",
          "Contractors", "Managers", "Applicants", "Subscribers", "Guests", "Visitors", "Drivers", "Tenants", "Everyone", "Nobody"]
GERUNDS = ["managing", "using", "switching", "reporting", "holding", "requesting", "sharing", "joining", "leaving", "renewing"]
VERBS = ["joined the team in", "took over the escalation in", "struggled with the handover in", "led the migration in",
         "was on parental leave until", "asked for a transfer in", "mentored two new hires in", "missed the deadline in"]


def doc_review(r):
    """HR and case notes: people named by given name as sentence subjects, honorifics, dates."""
    loc = r.choice(["us", "uk", "de", "nl", "fr", "in", "es", "it", "se", "pl"])
    giv, fam, full = person(r, loc, "full")
    mgr = person(r, loc, "full")[2]
    out = Piece(f"{r.choice(['Performance review', 'Case notes', 'Check-in summary', '1:1 notes'])} — {noise(r)}\n")
    out = out + r.choice(["Employee: ", "Staff member: ", "Subject: ", "Mitarbeiter: "]) + full + f" ({noise(r)})\n"
    out = out + r.choice(["Manager: ", "Reviewer: ", "Lead: "]) + mgr + "\n\n"
    sents = []
    for _ in range(r.randint(2, 5)):
        sents.append(r.choice([
            lambda: P(giv, "PERSON") + f" {r.choice(VERBS)} {r.choice(V.TITLE_WORDS[54:65])}.",
            lambda: Piece("Context: ") + P(giv, "PERSON") + f" {r.choice(VERBS)} {noise(r)}.",
            lambda: Piece(f"Next steps: 1:1 with ") + single_mention(r, loc) + f" on {noise(r)}.",
            lambda: Piece(f"{r.choice(['Overall', 'In short', 'Summary'])}, ") + P(giv, "PERSON") + f" {r.choice(['meets', 'exceeds', 'is below'])} expectations.",
            lambda: Piece(f"The {r.choice(V.BRANDS)} rollout in {r.choice(V.WORLD_CITIES)} slipped to {noise(r)}."),
            lambda: Piece("Feedback from ") + org(r) + " was positive; " + single_mention(r, loc) + " agrees.",
            lambda: Piece(r.choice(["Dear Dr. ", "Dear Ms. ", "Dear Mr. ", "Sehr geehrte Frau ", "Chère Madame "])) + P(person(r, loc)[1], "PERSON") + ",",
        ])())
    return out + join(sents, r.choice([" ", "\n"]))


def doc_form(r):
    loc = r.choice(LOCALES)
    sep = r.choice([": ", ":\t", " - ", ": "])
    rows = []
    for key in r.sample(["name", "addr", "other", "other", "name2"], k=r.randint(3, 5)):
        if key in ("name", "name2"):
            rows.append(r.choice(FORM_KEYS["name"]) + sep + person(r, loc)[2])
        elif key == "addr":
            rows.append(r.choice(FORM_KEYS["addr"]) + sep + address(r, loc, multiline=False))
        else:
            rows.append(Piece(r.choice(FORM_KEYS["other"]) + sep) + r.choice([org(r), P(r.choice(V.TITLE_WORDS)), P(str(r.randint(1000, 99999))), P(r.choice(V.PLACES_NOT_ADDRESS))]))
    return join(rows, "\n")


def doc_prose_negative(r):
    """Text without people or addresses: announcements, travel, product prose."""
    s = []
    for _ in range(r.randint(2, 6)):
        s.append(r.choice([
            lambda: Piece(f"{r.choice(V.BRANDS)} {r.choice(['now supports', 'dropped', 'announced'])} ") + org(r) + f" integration for {r.choice(V.PLACES_NOT_ADDRESS)} customers.",
            lambda: Piece(f"The {r.choice(V.TITLE_WORDS)} {r.choice(V.TITLE_WORDS)} is due on {r.choice(V.TITLE_WORDS[49:54])}."),
            lambda: Piece(f"We flew from {r.choice(V.PLACES_NOT_ADDRESS)} to {r.choice(V.PLACES_NOT_ADDRESS)} in {r.choice(V.TITLE_WORDS[54:65])}."),
            lambda: Piece(f"{r.choice(['Main', 'High', 'Church', 'Park', 'Market'])} Street in {r.choice(V.PLACES_NOT_ADDRESS)} is closed for the {r.choice(['Marathon', 'Festival', 'Parade'])}."),
            lambda: Piece(" ".join(w.capitalize() for w in r.sample(V.TITLE_WORDS, 5)) + "."),
            lambda: Piece(f"{r.choice(V.CODE_TYPES)} and {r.choice(V.CODE_TYPES)} are documented in the {r.choice(V.BRANDS)} wiki."),
            lambda: Piece(f"{r.choice(GROUPS)} {r.choice(GERUNDS)} {r.choice(['the new plan', 'two accounts', 'chronic conditions', 'their own devices', 'the old portal'])} {r.choice(['are covered', 'should call us', 'get a discount', 'need approval'])}."),
            lambda: Piece(f"{r.choice(GROUPS)} {r.choice(VERBS)} {r.choice(V.TITLE_WORDS[54:65])}."),
            lambda: Piece("本周") + org(r) + "发布了新版本，北京和上海的用户可以升级。",
            lambda: Piece("東京と大阪で") + r.choice(V.BRANDS) + "の説明会を開催します。",
        ])())
    return join(s, r.choice([" ", "\n", "\n\n"]))


def doc_letter(r):
    loc = r.choice([l for l in LOCALES if l not in ("cn", "jp", "kr")])
    giv, fam, p = person(r, loc, "full")
    sender = org(r)
    top = sender + "\n" + address(r, loc, multiline=True) + "\n\n" + p + "\n" + address(r, loc, multiline=True)
    body = f"\n\n{r.choice(V.PLACES_NOT_ADDRESS)}, {r.randint(1, 28)} {r.choice(V.TITLE_WORDS[54:65])} 20{r.randint(20, 27)}\n\n"
    body = body + fill(r, r.choice(GREET[loc]), loc, {"g": P(giv, "PERSON"), "f": P(fam, "PERSON")}) + "\n\n" + fill(r, r.choice(BODY[loc]), loc, {})
    return top + body + "\n\n" + r.choice(SIGN[loc]) + "\n" + person(r, loc)[2]


KINDS = [(doc_email, 24), (doc_chat, 10), (doc_notes, 10), (doc_form, 10), (doc_form2, 16), (doc_thread, 14), (doc_prose_negative, 16), (doc_letter, 10), (doc_review, 12)]


def main():
    generate_main(KINDS, "L")


if __name__ == "__main__":
    main()
