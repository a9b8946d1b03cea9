//! PII family (structured part): e-mail addresses, phone numbers, US SSNs, national IDs with
//! checksums, IP addresses, and the keyed detectors for birth dates, passports and driving licences.
//! Names and addresses live in [`super::person`] and [`super::address`].

use super::keyed::KeyedSpec;
use super::numbers::{looks_like_date, number_bounded};
use super::{damp_negative, Candidate, Detector, RuleSpec};
use crate::context::Ctx;
use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;
use crate::validate::national_id as nid;
use crate::validate::{all_same_digit, digits, is_sequential, valid_date};

const ROLE_MAILBOXES: &[&str] = &[
    "support",
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "billing",
    "security",
    "info",
    "privacy",
    "admin",
    "administrator",
    "sales",
    "contact",
    "help",
    "helpdesk",
    "hello",
    "team",
    "hr",
    "jobs",
    "careers",
    "abuse",
    "postmaster",
    "webmaster",
    "hostmaster",
    "marketing",
    "press",
    "media",
    "legal",
    "compliance",
    "accounts",
    "accounting",
    "finance",
    "payroll",
    "it",
    "ops",
    "devops",
    "notifications",
    "notification",
    "alerts",
    "alert",
    "mailer-daemon",
    "service",
    "services",
    "office",
    "feedback",
    "newsletter",
    "news",
    "dev",
    "root",
    "git",
    "enquiries",
    "inquiries",
    "orders",
    "shop",
    "store",
    "reception",
    "recruiting",
    "talent",
    "partners",
    "customerservice",
    "customer.service",
    "customercare",
    "service-desk",
    "servicedesk",
    "dpo",
    "gdpr",
    "ceo",
    "bounce",
    "bounces",
    "reply",
    "updates",
    "team-lead",
    "all",
    "everyone",
    "staff",
    "procurement",
    "invoices",
    "invoice",
    "ap",
    "ar",
    "receivables",
    "payables",
    "treasury",
    "audit",
    "risk",
    "data",
    "analytics",
    "reports",
    "accounts-payable",
    "accounts-receivable",
    "accountspayable",
    "payments",
    "payment",
    "refunds",
    "returns",
    "shipping",
    "logistics",
    "purchasing",
    "facilities",
    "events",
    "social",
    "community",
    "investors",
    "ir",
    "system",
    "daemon",
    "nobody",
    "test",
    "user",
    "username",
    "email",
    "name",
    "firstname.lastname",
    "first.last",
    "you",
    "someone",
    "me",
    "example",
    "sample",
    "demo",
];

const RESERVED_DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example.edu",
    "localhost",
    "yourcompany.com",
    "yourdomain.com",
    "company.com",
    "domain.com",
    "email.com",
    "test.com",
    "mycompany.com",
    "acme.example",
    "invalid",
    "test",
    "example",
    "local",
    "localdomain",
    "users.noreply.github.com",
    "noreply.github.com",
];

/// E-mail addresses, found from each `@` outwards: linear in the text, unlike a regex that would
/// restart at every letter.
pub struct EmailDetector;

fn local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '\'' | '-')
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

impl EmailDetector {
    /// The address around the `@` at `at`, if the text there has the shape of one.
    fn around(text: &str, at: usize) -> Option<(usize, usize)> {
        let mut start = at;
        for (n, (i, c)) in text[..at].char_indices().rev().enumerate() {
            if !local_char(c) || n >= 64 {
                break;
            }
            start = i;
        }
        // The local part starts with a letter or digit.
        while start < at {
            let c = text[start..].chars().next()?;
            if c.is_alphanumeric() {
                break;
            }
            start += c.len_utf8();
        }
        let mut end = at + 1;
        for (i, c) in text[at + 1..].char_indices() {
            if !domain_char(c) || i >= 253 {
                break;
            }
            end = at + 1 + i + c.len_utf8();
        }
        while end > at + 1 && matches!(text.as_bytes()[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let local = &text[start..at];
        let domain = &text[at + 1..end];
        let tld = domain.rsplit('.').next()?;
        let ok = !local.is_empty()
            && !local.ends_with('.')
            && domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.contains("..")
            && (2..=24).contains(&tld.len())
            // Letters, or an internationalised TLD in its punycode form (`xn--p1ai`).
            && (tld.bytes().all(|b| b.is_ascii_alphabetic())
                || tld.len() > 5 && tld.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")) && tld.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        ok.then_some((start, end))
    }
}

impl Detector for EmailDetector {
    fn id(&self) -> &str {
        "pii.email"
    }

    fn anchors(&self) -> &[&str] {
        &["@"]
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let mut last_end = 0;
        for at in memchr::memchr_iter(b'@', doc.text.as_bytes()) {
            if at < last_end {
                continue;
            }
            let Some((s, e)) = Self::around(doc.text, at) else { continue };
            last_end = e;
            let mut c = Candidate { start: s, end: e, retype: None };
            if let Some(score) = check_email(doc, &mut c) {
                out.push(Finding::new(EntityType::Email, c.start, c.end, score, "pii.email"));
            }
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        [
            "mail jane.doe@acme-corp.com",
            "maria.rossi@libero.it",
            "contact: j.smith+crm@northwind.co.uk",
            "<josé.garcía@correo.es>",
            "ivan.petrov@xn--80ak6aa92e.xn--p1ai",
            "jose@xn--bcher-kva.de",
        ]
        .into_iter()
        .map(|t| (EntityType::Email, t))
        .collect()
    }

    fn false_positives(&self) -> &[&str] {
        &[
            "support@acme-corp.com",
            "noreply@github.com",
            "To: all-staff@northwind.io",
            "it-helpdesk@contoso.de",
            "billing.emea@fabrikam.co.uk",
            "john@example.com",
            "you@yourcompany.com",
            "admin@localhost",
            "logo@2x.png",
            "@here please review",
            "user@host",
            "HostKeyAlgorithms ssh-ed25519-cert-v01@openssh.com,ssh-ed25519",
        ]
    }
}

/// Words that only qualify a role mailbox (`all-staff`, `it-helpdesk`, `support.emea`,
/// `hr-team-de`): a region, a group, a desk.
const ROLE_QUALIFIERS: &[&str] = &[
    "staff",
    "team",
    "teams",
    "desk",
    "group",
    "dept",
    "department",
    "global",
    "intl",
    "local",
    "central",
    "eu",
    "us",
    "uk",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "emea",
    "apac",
    "amer",
    "latam",
    "na",
    "hq",
    "internal",
    "external",
    "general",
    "main",
    "mail",
    "ops",
];

/// A shared mailbox no one person owns (the taxonomy leaves those out): a role word, or role words
/// and qualifiers joined by `-`, `.`, `_` (`all-staff`, `it-helpdesk`, `billing.emea`).
fn role_mailbox(local: &str) -> bool {
    if ROLE_MAILBOXES.contains(&local) || local.starts_with("noreply") || local.starts_with("no-reply") {
        return true;
    }
    let parts: Vec<&str> = local.split(['-', '.', '_']).collect();
    parts.len() > 1
        && parts.iter().any(|p| ROLE_MAILBOXES.contains(p))
        && parts.iter().all(|p| ROLE_MAILBOXES.contains(p) || ROLE_QUALIFIERS.contains(p))
}

fn check_email(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let (local, domain) = v.rsplit_once('@')?;
    let local_l = local.to_ascii_lowercase();
    let domain_l = domain.to_ascii_lowercase();
    if role_mailbox(&local_l) {
        return None;
    }
    // Message-IDs and generated addresses (`<uuid@mail.host>`, `bounce+8f3a…@`): no person behind them.
    let hexish = local_l.bytes().filter(|b| b.is_ascii_hexdigit() || *b == b'-').count();
    if local_l.len() >= 16 && hexish == local_l.len() {
        return None;
    }
    if RESERVED_DOMAINS.iter().any(|d| domain_l == *d || domain_l.ends_with(&format!(".{d}"))) {
        return None;
    }
    // `user@host` inside a URL's authority or an scp path is not a mailbox.
    let before = &doc.text[doc.line_start(c.start)..c.start];
    if before.ends_with("://") || doc.byte_at(c.end) == Some(b':') && doc.byte_at(c.end + 1) == Some(b'/') {
        return None;
    }
    // The password of `scheme://user:pw@host`: the `@` ends a URL's userinfo.
    let word = before.rsplit(|ch: char| ch.is_whitespace() || matches!(ch, '"' | '\'' | '<' | '(')).next().unwrap_or("");
    if let Some(i) = word.find("://") {
        if !word[i + 3..].contains(['/', '?', '#']) && word[i + 3..].contains(':') {
            return None;
        }
    }
    // SSH protocol extension names (`ssh-ed25519-cert-v01@openssh.com`, `hmac-sha2-256-etm@…`).
    if [
        "-cert-v0",
        "ed25519",
        "hmac-",
        "sha2-",
        "chacha20",
        "curve25519",
        "sntrup",
        "mlkem",
        "aes128-",
        "aes256-",
        "umac-",
        "ecdsa-",
        "sk-ssh",
        "-etm",
        "kex-strict",
        "ext-info",
    ]
    .iter()
    .any(|w| local_l.contains(w))
    {
        return None;
    }
    // Image/asset names like `logo@2x.png` and package specs like `pkg@1.2.3`.
    let tld = domain_l.rsplit('.').next().unwrap_or("");
    if matches!(tld, "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "js" | "ts" | "css" | "json" | "map") {
        return None;
    }
    Some(0.96)
}

/// Country calling codes (ITU E.164 assignments, 1–3 digits).
fn country_code_len(d: &[u8]) -> Option<usize> {
    let n = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + x as u32);
    let one = [1, 7];
    let two = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66,
        81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ];
    if d.is_empty() {
        return None;
    }
    if one.contains(&n(1)) {
        return Some(1);
    }
    if d.len() >= 2 && two.contains(&n(2)) {
        return Some(2);
    }
    let three = n(3);
    if d.len() >= 3 && (200..=999).contains(&three) && d[0] != 0 {
        return Some(3);
    }
    None
}

fn check_phone(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    // Split off an extension.
    let lower = v.to_ascii_lowercase();
    let main_end = ["ext", "x", "#"].iter().filter_map(|m| lower.find(m)).min().unwrap_or(v.len());
    let main = &v[..main_end];
    let d = digits(main);
    if !(7..=15).contains(&d.len()) || all_same_digit(main) || is_sequential(main) {
        return None;
    }
    if !number_bounded(doc, c.start, c.end) || looks_like_date(main.trim()) {
        return None;
    }
    // Dotted quads are IPs or versions (French numbers have five pairs: `04.53.60.34.92`);
    // `18755.39` is an amount.
    let dotted: Vec<&str> = main.split('.').collect();
    if dotted.len() == 4 && dotted.iter().all(|g| g.len() <= 3)
        || dotted.len() == 2 && dotted[1].len() == 2
        || main.contains('.') && doc.byte_before(c.start) == Some(b'v')
    {
        return None;
    }
    // AWS account ids inside ARNs (`arn:aws:kms:eu-central-1:450790117426:key/…`).
    if doc.byte_at(c.end) == Some(b':') || doc.byte_before(c.start) == Some(b':') && doc.line_at(c.start).contains("arn:") {
        return None;
    }
    let before = doc.byte_before(c.start);
    if matches!(before, Some(b'#' | b'$' | b'=' | b'/' | b'\\' | b'v' | b'V' | b'@')) {
        return None;
    }
    // Identifier suffixes (`ORD-2024-8519644`), postcodes (`〒160-0023`), timestamps
    // (`2025-06-20 20:03`) and HTTP status + size in access logs (`" 200 28592`).
    let line_before = &doc.text[doc.line_start(c.start)..c.start];
    if before == Some(b'-') && line_before.trim_end_matches('-').ends_with(|ch: char| ch.is_ascii_alphabetic())
        || line_before.ends_with('〒')
        || line_before.ends_with("\" ")
        || main.get(..10).is_some_and(looks_like_date)
    {
        return None;
    }
    // A decimal fraction (`0.00979833`).
    if main.starts_with("0.") && main[2..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A date inside (`0.22 2015-12-10`: a version and its release date) or a counting/doubling
    // sequence (`01 02 03 04 05 06`, `16 64 256 1024`): not a number anyone dials.
    if (0..main.len().saturating_sub(9)).any(|i| main.get(i..i + 10).is_some_and(|w| w.contains('-') && looks_like_date(w))) {
        return None;
    }
    let groups: Vec<u64> =
        main.split(|ch: char| !ch.is_ascii_digit()).filter(|g| !g.is_empty() && g.len() <= 6).filter_map(|g| g.parse().ok()).collect();
    if groups.len() >= 4 {
        let step = groups[1] as i64 - groups[0] as i64;
        let arithmetic = step != 0 && groups.windows(2).all(|w| w[1] as i64 - w[0] as i64 == step);
        let geometric = groups[0] > 0
            && groups[1] % groups[0] == 0
            && groups[1] / groups[0] >= 2
            && groups.windows(2).all(|w| w[0] > 0 && w[1] == w[0] * (groups[1] / groups[0]));
        if arithmetic || geometric {
            return None;
        }
    }
    let has_sep = main.bytes().any(|b| matches!(b, b' ' | b'-' | b'.' | b'(' | b')'));
    let phone_ctx = doc.near(c.start, c.end, Ctx::Phone);
    // The nearest label wins: `Order: #031…⏎Phone: 01632 978748` is a phone number.
    let nearest = doc.nearest_before(c.start, 32, &[Ctx::Phone, Ctx::Reference]);
    let reference = nearest == Some(Ctx::Reference) || doc.column_is(c.start, Ctx::Reference);
    let mut score: f32 = if main.starts_with('+') || main.starts_with("00") {
        let intl = if main.starts_with('+') { &d[..] } else { &d[2..] };
        match country_code_len(intl) {
            Some(_) if intl.len() >= 8 => 0.9,
            _ => return None,
        }
    } else if d[0] == 0 && has_sep {
        0.75
    } else if d.len() == 10 && has_sep && (2..=9).contains(&d[0]) && (2..=9).contains(&d[3]) {
        // NANP: area code and exchange start with 2–9.
        0.8
    } else if d.len() == 11 && d[0] == 1 && has_sep {
        0.8
    } else if main.starts_with('(') && main[1..].find(')').is_some_and(|i| (2..=5).contains(&i)) && d.len() >= 8 {
        // A bracketed area code: `(21) 3095-5306`, `(02) 9374 4000`.
        0.75
    } else if phone_ctx {
        0.6
    } else {
        return None;
    };
    if phone_ctx {
        score += 0.1;
    }
    if reference {
        score -= 0.45;
    }
    // Mostly-unseparated long runs without context are more often IDs than phone numbers.
    if !has_sep && !main.starts_with('+') && !phone_ctx {
        score -= 0.3;
    }
    // Something else claims it: a labelled ID or account right before.
    if [Ctx::Ssn, Ctx::NationalId, Ctx::BankAccount, Ctx::Card, Ctx::Passport, Ctx::Mrn, Ctx::Routing, Ctx::DriverLicense]
        .iter()
        .any(|&x| doc.before(c.start, x, 24))
        && !phone_ctx
    {
        score -= 0.4;
    }
    Some(score.min(0.97))
}

fn check_ssn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if !number_bounded(doc, c.start, c.end) || !nid::us_ssn(v) || is_sequential(v) {
        return None;
    }
    // The nearest label names the number: `Driver's license: 065920059` under an `SSN:` line.
    let labels = [Ctx::Ssn, Ctx::DriverLicense, Ctx::Passport, Ctx::NationalId, Ctx::BankAccount, Ctx::Routing, Ctx::Mrn];
    let nearest = doc.nearest_before(c.start, 48, &labels);
    if nearest.is_some_and(|n| n != Ctx::Ssn && n != Ctx::NationalId) {
        return None;
    }
    let ctx = nearest == Some(Ctx::Ssn) || doc.column_is(c.start, Ctx::Ssn);
    let dashed = v.contains('-');
    // A bare 9-digit number that passes the Dutch BSN 11-proof under a generic tax-id label is a BSN
    // far more often than chance (1 in 11) would make it.
    if !dashed && nid::nl_bsn(v) {
        let label = doc.column_header(c.start).unwrap_or_else(|| doc.line_at(c.start)).to_ascii_lowercase();
        if !label.contains("ssn") && !label.contains("social") {
            return None;
        }
    }
    let score = match (dashed, ctx) {
        (_, true) => 0.99,
        (true, false) => {
            if doc.before(c.start, Ctx::Reference, 32) || doc.before(c.start, Ctx::Phone, 24) {
                return None;
            }
            0.8
        }
        (false, false) => return None,
    };
    Some(damp_negative(doc, c.start, score))
}

/// A national ID check with its context words: validated IDs of a distinctive shape score high on
/// their own; bare digit runs that only a checksum distinguishes need a context word.
fn national(doc: &Document<'_>, c: &Candidate, valid: bool, distinctive: bool) -> Option<f32> {
    if !valid || !number_bounded(doc, c.start, c.end) || crate::validate::code::in_number_list(doc.text, c.start, c.end) {
        return None;
    }
    let v = c.value(doc);
    let nd = digits(v).len();
    let labels = [Ctx::NationalId, Ctx::DriverLicense, Ctx::Passport, Ctx::Ssn, Ctx::BankAccount, Ctx::Mrn, Ctx::TaxId];
    let nearest = doc.nearest_before(c.start, 48, &labels);
    if nearest.is_some_and(|n| matches!(n, Ctx::DriverLicense | Ctx::Passport | Ctx::BankAccount | Ctx::Mrn)) {
        return None;
    }
    let ctx = matches!(nearest, Some(Ctx::NationalId | Ctx::TaxId | Ctx::Ssn)) || doc.column_is(c.start, Ctx::NationalId);
    // Repeated or counting digits are templates, unless a label says the value is an ID (`DNI:
    // 55555555-K`, `NINO: AB 12 34 56 C`): its check digit still has to hold.
    if (all_same_digit(v) && nd > 3 && nd * 2 > v.len() || is_sequential(v)) && !ctx {
        return None;
    }
    let score = match (distinctive, ctx) {
        (_, true) => 0.97,
        (true, false) => 0.85,
        (false, false) => return None,
    };
    Some(damp_negative(doc, c.start, score))
}

fn check_nino(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    // HMRC's prefix rules hold for issued numbers; after an explicit NINO label, any two-letter
    // prefix is taken (`QQ 12 34 56 C` is how forms and letters write the format).
    let strict = nid::uk_nino(v);
    let label = doc.text[doc.line_start(c.start)..c.start].to_ascii_lowercase();
    let labelled = ["nino", "national insurance", "ni number", "ni no", "ni:", "n.i."].iter().any(|w| label.contains(w));
    national(doc, c, strict || labelled, strict)
}
fn check_steuer_id(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    national(doc, c, nid::de_steuer_id(v), v.contains(' '))
}
fn check_nir(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::fr_nir(c.value(doc)), true)
}
fn check_dni(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    // Upper-case and unspaced is the ID's own shape; `48291736 q` needs a label.
    let distinctive = !v.contains(' ') && !v.bytes().any(|b| b.is_ascii_lowercase());
    national(doc, c, nid::es_dni_nie(v), distinctive)
}
fn check_codice_fiscale(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::it_codice_fiscale(c.value(doc)), true)
}
fn check_bsn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::nl_bsn(c.value(doc)), false)
}
fn check_aadhaar(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    national(doc, c, nid::in_aadhaar(v), v.contains(' ') || v.contains('-'))
}
fn check_pan(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::in_pan(c.value(doc)), true)
}
fn check_cpf(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    national(doc, c, nid::br_cpf(v), v.contains('.'))
}
fn check_cn_id(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::cn_resident_id(c.value(doc)), true)
}
fn check_my_number(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    national(doc, c, nid::jp_my_number(c.value(doc)), false)
}
fn check_rrn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    // Numbers issued since October 2020 end in random digits, with no check digit: a birth date and
    // a sex/century digit then need a label; a dashed number whose check digit holds does not.
    let checksum = nid::kr_rrn(v);
    national(doc, c, checksum || nid::kr_rrn_shape(v), checksum && v.contains('-'))
}

fn check_ipv4(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let octets: Vec<u32> = v.split('.').filter_map(|o| o.parse().ok()).collect();
    if octets.len() != 4 || octets.iter().any(|&o| o > 255) {
        return None;
    }
    let t = doc.text.as_bytes();
    // Part of a longer dotted number (a version such as 10.0.22631.2861.5) or a word.
    let glued_left = doc.byte_before(c.start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        || (doc.byte_before(c.start) == Some(b'/') && c.start >= 2 && t[c.start - 2].is_ascii_alphabetic());
    let glued_right = doc.byte_at(c.end).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        || (doc.byte_at(c.end) == Some(b'.') && t.get(c.end + 1).is_some_and(u8::is_ascii_digit));
    if glued_left || glued_right {
        return None;
    }
    let a = octets[0];
    let mask_octet = |o: u32| matches!(o, 0 | 128 | 192 | 224 | 240 | 248 | 252 | 254 | 255);
    if a == 127 || a == 0 || a >= 224 || (a == 255 && octets.iter().all(|&o| mask_octet(o))) {
        return None;
    }
    // Version strings: preceded by "version", "v", "build" on the line; clause and section numbers
    // (`section 5.1.3.1`), OIDs (`ObjectIdentifier::new("1.3.101.112")`).
    let line_before = &doc.text[doc.line_start(c.start)..c.start].to_ascii_lowercase();
    let tail: String = line_before.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    let near: String = tail.chars().rev().take(16).collect::<Vec<_>>().into_iter().rev().collect();
    if near.contains("version")
        || near.contains("ver ")
        || near.contains("build")
        || near.trim_end().ends_with('v')
        || ["section", "clause", "§", "chapter", "rfc", "oid", "objectidentifier", "specifier", "release"].iter().any(|w| tail.contains(w))
    {
        return None;
    }
    // `linux-2.6.8.1`, `foo-1.2.3.4`: a version glued to a name.
    if doc.byte_before(c.start) == Some(b'-') && c.start >= 2 && t[c.start - 2].is_ascii_alphanumeric() {
        return None;
    }
    // A network, not a host: `.0` addresses and CIDR ranges (`192.168.10.0/24`).
    if doc_or_public_ip(&octets) || octets[3] == 0 {
        return None;
    }
    // A clause number heading a line (`/// 21.1.3.2  char_traits specializations`).
    let lead = line_before.trim_start_matches(|ch: char| ch.is_whitespace() || matches!(ch, '/' | '*' | '#' | '-'));
    if lead.is_empty() && octets.iter().all(|&o| o <= 30) && doc.byte_at(c.end).is_some_and(|b| b == b' ' || b == b'\t') {
        return None;
    }
    // Four small numbers (`2.6.35.4`, `5.2.1.1`) are versions and clause numbers unless a label says IP.
    if octets.iter().all(|&o| o < 10) && !doc.before(c.start, Ctx::Ip, 32) {
        return None;
    }
    Some(0.93)
}

fn check_ipv4_mapped(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v4 = c.value(doc).rfind(':')? + 1;
    let mut inner = Candidate { start: c.start + v4, end: c.end, retype: None };
    if doc.byte_before(c.start).is_some_and(|b| b.is_ascii_hexdigit() || b == b':') {
        return None;
    }
    check_ipv4(doc, &mut inner)
}

/// Addresses that name no one: the documentation ranges (RFC 5737), the placeholder shapes
/// (`1.2.3.4`, `101.102.103.104`, `4.4.4.4`), public DNS resolvers and example.com.
fn doc_or_public_ip(o: &[u32]) -> bool {
    let doc_range = matches!((o[0], o[1], o[2]), (192, 0, 2) | (198, 51, 100) | (203, 0, 113));
    let counting = o.windows(2).all(|w| w[1] == w[0] + 1);
    let same = o.iter().all(|&x| x == o[0]);
    let known = matches!(
        (o[0], o[1], o[2], o[3]),
        (8, 8, 4, 4)
            | (1, 0, 0, 1)
            | (208, 67, 222, 222)
            | (208, 67, 220, 220)
            | (9, 9, 9, 9)
            | (149, 112, 112, 112)
            | (93, 184, 216, 34)
            | (93, 184, 215, 14)
    );
    doc_range || counting || same || known
}

fn check_ipv6(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let addr = v.split('%').next().unwrap_or(v);
    let parsed: std::net::Ipv6Addr = addr.parse().ok()?;
    if parsed.is_loopback() || parsed.is_unspecified() {
        return None;
    }
    let glued = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_hexdigit() || b == b':' || b == b'_');
    if glued(doc.byte_before(c.start)) || glued(doc.byte_at(c.end)) {
        return None;
    }
    // Needs at least three groups, or two around a `::`, to tell it from times, MACs and ARNs;
    // colon-separated bytes (`93:56:01:75:…`) are certificate serials and fingerprints.
    let groups: Vec<&str> = addr.split(':').filter(|g| !g.is_empty()).collect();
    if groups.len() < 2 || groups.len() < 3 && !addr.contains("::") || groups.iter().all(|g| g.len() == 2) {
        return None;
    }
    if doc.byte_at(c.end).is_some_and(|b| b.is_ascii_alphanumeric()) || doc.byte_before(c.start).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    // Short compressed forms are slices and paths (`np.s_[2::2]`, `a::b`, `dfa::DFA`) unless they
    // start with a full group (`fe80::1`) or a label says IP; mixed-case hex is an identifier.
    let ip_ctx = doc.before(c.start, Ctx::Ip, 32);
    if groups.len() < 3 && groups[0].len() < 4 && !ip_ctx {
        return None;
    }
    if addr.bytes().any(|b| b.is_ascii_uppercase()) && addr.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // A range, not a host: `2600:2d00:0:3:0:0:0:0/64`, `fdff:1::/64`.
    if doc.byte_at(c.end) == Some(b'/') && (addr.ends_with("::") || addr.ends_with(":0")) {
        return None;
    }
    // The documentation prefix (RFC 3849), counting placeholders (`1001:1002:…:1008`), public DNS
    // resolvers and example.com.
    let seg = parsed.segments();
    let counting = seg.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    let known = [
        [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888],
        [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844],
        [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111],
        [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001],
        [0x2606, 0x2800, 0x220, 1, 0x248, 0x1893, 0x25c8, 0x1946],
    ];
    if seg[0] == 0x2001 && seg[1] == 0xdb8 || counting || known.contains(&seg) {
        return None;
    }
    Some(0.9)
}

fn check_uk_licence(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    if !doc.word_bounded(c.start, c.end) {
        return None;
    }
    let v = c.value(doc).as_bytes();
    // Month digit 0/1/5/6 (5/6 for women), day 01–31.
    let month = (v[6] - b'0') * 10 + (v[7] - b'0');
    let month = if month > 50 { month - 50 } else { month };
    let day = (v[8] - b'0') * 10 + (v[9] - b'0');
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(if doc.context(c.start, Ctx::DriverLicense) { 0.97 } else { 0.8 })
}

pub static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "pii.phone",
        entity: EntityType::Phone,
        pattern: r"(?:\+|\b00)[1-9][0-9]{0,2}(?:[ .\-]?\(?0?\)?)?(?:[ .\-]?\(?[0-9]{1,5}\)?)(?:[ .\-]?[0-9]{1,5}){1,5}(?:[ \t]*(?:x|ext\.?|extension|#)[ \t]*[0-9]{1,6})?|(?:\([0-9]{1,5}\)[ .\-/]?[0-9]{1,8}|\b[0-9]{1,6}[ .\-/][0-9]{2,8}|\b[0-9]{7,15}\b)(?:[ .\-][0-9]{2,5}){0,4}(?:[ \t]*(?:x|ext\.?|extension)[ \t]*[0-9]{1,6})?",
        anchors: &[],
        check: check_phone,
        tp: &[
            "call me at +1-636-208-3778x35337",
            "Tel: (0114) 4960907",
            "+49(0)7483378876",
            "mobile 080-1706-6907",
            "(415) 555-0132",
            "+44 20 7946 0958",
            "Tél. : 01 42 68 53 00",
        ],
        fp: &[
            "order 4539 1488 0343",
            "on 12.03.2024",
            "version 10.0.22631.2861",
            "Chrome/124.0.6367.91",
            "build 2024-05-01",
            "ticket 1234567890",
            "1234567",
            "0.22 2015-12-10",
            "&[0.008194133, 0.00398172]",
            "01 02 03 04 05 06 07 08 09 10",
            "default=\"16 64 256 1024\"",
        ],
    },
    RuleSpec {
        id: "pii.us_ssn",
        entity: EntityType::UsSsn,
        pattern: r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b|\b[0-9]{3} [0-9]{2} [0-9]{4}\b|\b[0-9]{9}\b",
        anchors: &[],
        check: check_ssn,
        tp: &["SSN: 536-90-4399", "social security number 536904399", "536-90-4399"],
        fp: &["666-12-3456", "***-**-4399", "EIN 12-3456789", "order 536-90-4399", "536904399"],
    },
    RuleSpec {
        id: "pii.uk_nino",
        entity: EntityType::NationalId,
        pattern: r"\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b",
        anchors: &[],
        check: check_nino,
        tp: &["NI number: AB 38 29 47 C", "JK 61 80 24 D", "NINO: QQ 12 34 56 C", "National Insurance number: AB 12 34 56 C"],
        fp: &["GB123456C", "AB123456E", "QQ 12 34 56 C", "AB 12 34 56 C"],
    },
    RuleSpec {
        id: "pii.de_steuer_id",
        entity: EntityType::NationalId,
        pattern: r"\b[1-9][0-9] ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}\b",
        anchors: &[],
        check: check_steuer_id,
        tp: &["Steuer-ID: 86095742719", "Steuerliche IdNr. 86 095 742 719"],
        fp: &["86095742719", "Steuer-ID: 86095742718"],
    },
    RuleSpec {
        id: "pii.fr_nir",
        entity: EntityType::NationalId,
        pattern: r"\b[1-478] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}\b",
        anchors: &[],
        check: check_nir,
        tp: &["NIR : 1 85 05 78 006 084 91"],
        fp: &["1 85 05 78 006 084 92"],
    },
    RuleSpec {
        id: "pii.es_dni_nie",
        entity: EntityType::NationalId,
        pattern: r"\b(?:[0-9]{8}[- ]?[A-Za-z]|[XYZxyz][- ]?[0-9]{7}[- ]?[A-Za-z])\b",
        anchors: &[],
        check: check_dni,
        tp: &["DNI: 48291736Q", "NIE Y7305128C", "DNI: 55555555-K", "DNI 12345678Z", "NIE: X-1234567-L", "dni 48291736-q"],
        fp: &["12345678A", "55555555-K", "12345678Z", "order 48291736 Q"],
    },
    RuleSpec {
        id: "pii.it_codice_fiscale",
        entity: EntityType::NationalId,
        pattern: r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
        anchors: &[],
        check: check_codice_fiscale,
        tp: &["Codice fiscale: RSSMRA85T10A562S"],
        fp: &["RSSMRA85T10A562T"],
    },
    RuleSpec {
        id: "pii.nl_bsn",
        entity: EntityType::NationalId,
        pattern: r"\b[0-9]{4}\.?[0-9]{2}\.?[0-9]{3}\b|\b[0-9]{9}\b",
        anchors: &[],
        check: check_bsn,
        tp: &["BSN: 123456782", "burgerservicenummer 111222333"],
        fp: &["123456782", "BSN: 123456789"],
    },
    RuleSpec {
        id: "pii.in_aadhaar",
        entity: EntityType::NationalId,
        pattern: r"\b[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}\b",
        anchors: &[],
        check: check_aadhaar,
        tp: &["Aadhaar: 2345 6789 0124"],
        fp: &["1234 5678 9012"],
    },
    RuleSpec {
        id: "pii.in_pan",
        entity: EntityType::NationalId,
        pattern: r"\b[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]\b",
        anchors: &[],
        check: check_pan,
        tp: &["PAN: ABCPE1234F"],
        fp: &["ABCXE1234F"],
    },
    RuleSpec {
        id: "pii.br_cpf",
        entity: EntityType::NationalId,
        pattern: r"\b[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}\b|\b[0-9]{11}\b",
        anchors: &[],
        check: check_cpf,
        tp: &["CPF: 529.982.247-25", "cpf 52998224725"],
        fp: &["111.111.111-11", "529.982.247-26", "52998224725"],
    },
    RuleSpec {
        id: "pii.cn_resident_id",
        entity: EntityType::NationalId,
        pattern: r"\b[1-9][0-9]{16}[0-9Xx]\b",
        anchors: &[],
        check: check_cn_id,
        tp: &["身份证号 11010519491231002X"],
        fp: &["110105194912310021"],
    },
    RuleSpec {
        id: "pii.jp_my_number",
        entity: EntityType::NationalId,
        pattern: r"\b[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}\b",
        anchors: &[],
        check: check_my_number,
        tp: &["マイナンバー: 1234 5678 9018"],
        fp: &["123456789018"],
    },
    RuleSpec {
        id: "pii.kr_rrn",
        entity: EntityType::NationalId,
        pattern: r"\b[0-9]{6}[- ]?[0-9]{7}\b",
        anchors: &[],
        check: check_rrn,
        tp: &[
            "주민등록번호: 800101-1234568",
            "RRN 900101-2345670",
            "resident registration number: 9501152123456",
            "주민번호 031224-4123457",
        ],
        fp: &["901301-1234568", "800101-1234568", "ref 9001012345670"],
    },
    RuleSpec {
        id: "pii.ipv4",
        entity: EntityType::IpAddress,
        pattern: r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
        anchors: &["."],
        check: check_ipv4,
        tp: &["client 81.2.69.160 connected", "host: 10.12.4.7", "192.168.1.20", "ip: 1.2.3.5"],
        fp: &[
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.0",
            "version 10.0.22631.2861",
            "Chrome/124.0.6367.91",
            "1.2.3.4.5",
            "client 203.0.113.45 connected",
            "From linux-2.6.8.1/include/asm-ppc/ipc.h",
            "section 5.1.3.1 allows",
            "ObjectIdentifier::new_unwrap(\"1.3.101.112\")",
            "Specifier(\"== 1.2.3.0\")",
            "\"101.102.103.104\".len()",
            "resolver.setServers(['4.4.4.4'])",
            "--advertisement-ranges=192.168.10.0/24",
            "/// 21.1.3.2  char_traits specializations",
        ],
    },
    RuleSpec {
        // IPv4-mapped IPv6 (`::ffff:192.0.2.128`): one address, one span.
        id: "pii.ipv4_mapped",
        entity: EntityType::IpAddress,
        pattern: r"(?i)(?:0{1,4}:){0,5}:ffff:(?:0{1,4}:)?(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
        anchors: &[":ffff:"],
        check: check_ipv4_mapped,
        tp: &["client ip ::ffff:192.168.10.20", "remote_addr=::FFFF:81.2.69.160"],
        fp: &["::ffff:127.0.0.1", "::ffff:203.0.113.7"],
    },
    RuleSpec {
        id: "pii.ipv6",
        entity: EntityType::IpAddress,
        pattern: r"(?i)(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}(?::[0-9a-f]{1,4}){1,7}|(?:[0-9a-f]{1,4}:){2,7}:|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}",
        anchors: &[":"],
        check: check_ipv6,
        tp: &["from 2a02:8108:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a", "fe80::1"],
        fp: &[
            "::1",
            "12:30:45",
            "00:1a:2b:3c:4d:5e",
            "from 2001:db8:85a3::8a2e:370:7334",
            ">>> np.s_[2::2]",
            "a::b </> c::d::e",
            "a [`dfa::DFA`] in 1.88s",
            "\"1001:1002:1003:1004:1005:1006:1007:1008\".len()",
            "'2001:4860:4860::8888'",
            "in the range 2600:2d00:0:2:0:0:0:0/64 or",
            "a ULA in fdff:1::/64.",
        ],
    },
    RuleSpec {
        id: "pii.uk_driving_licence",
        entity: EntityType::DriverLicense,
        pattern: r"\b[A-Z9]{5}[0-9][0-9]{5}[A-Z9]{2}[0-9][A-Z]{2}\b",
        anchors: &[],
        check: check_uk_licence,
        tp: &["Driving licence: MORGA753116SM9IJ"],
        fp: &["MORGA759916SM9IJ"],
    },
];

/// Dates in the formats people write them: numeric with `.`/`-`/`/`, ISO, month names in several
/// languages, `12MAR84` (APIS), and CJK `1984年3月12日`.
macro_rules! date_pattern {
    () => {
        r"(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:[0-9]{4}|[0-9]{2})|[0-9]{1,2}\.?\s?(?:de\s)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|maerz|mai|juni|juli|august|september|oktober|november|dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|augustus|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro)[a-z]*\.?,?\s?(?:de\s)?[0-9]{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s[0-9]{1,2}(?:st|nd|rd|th)?,?\s[0-9]{4}|[0-9]{2}[A-Z]{3}[0-9]{2}|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|[0-9]{8})"
    };
}

pub const DATE: &str = concat!("(?i)", date_pattern!());

fn check_dob(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (v[..4].parse().ok()?, v[4..6].parse().ok()?, v[6..].parse().ok()?);
        if !valid_date(y, m, d) || !(1900..=2030).contains(&y) {
            return None;
        }
    }
    let trailing_digit = doc.byte_at(c.end).is_some_and(|b| b.is_ascii_digit());
    (!trailing_digit).then_some(0.95)
}

fn check_passport(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let nd = v.bytes().filter(u8::is_ascii_digit).count();
    // Letters-and-digits numbers (DE `C01X00T47`) need two digits; digit-only ones six.
    let enough = if nd == v.len() { nd >= 6 } else { nd >= 2 };
    if !enough || !doc.word_bounded(c.start, c.end) || all_same_digit(v) && nd == v.len() || looks_like_date(v) {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.93))
}

fn check_driver_license(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    // Spaces may group a number (`M6045 66908 85205`) but a following word is not part of it.
    let v = c.value(doc);
    if let Some(i) = v.find("  ") {
        c.end = c.start + i;
    }
    let v = c.value(doc);
    let nd = v.bytes().filter(u8::is_ascii_digit).count();
    if nd < 4 || !doc.word_bounded(c.start, c.end) || looks_like_date(v) {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

pub static KEYED: &[KeyedSpec] = &[
    KeyedSpec {
        id: "pii.date_of_birth",
        entity: EntityType::DateOfBirth,
        ctx: Ctx::Dob,
        window: 40,
        value: DOB_VALUE,
        cell: Some(r"^(.{6,24})$"),
        check: check_dob_cell_or_value,
        tp: &["DOB: 03/12/1984", "Date of birth: March 12, 1984", "Geburtsdatum: 12.03.1984", "né le 12 mars 1984"],
        fp: &["Invoice date: 03/12/2024", "DOB: unknown"],
    },
    KeyedSpec {
        id: "pii.passport",
        entity: EntityType::Passport,
        ctx: Ctx::Passport,
        window: 40,
        value: r"^[^\n\r]{0,40}?\b([A-Z0-9]{6,10})\b",
        cell: Some(r"^([A-Z0-9]{6,10})$"),
        check: check_passport,
        tp: &["Passport No.: 533380006", "passport number C01X00T47", "Reisepass: C4J7R2N91"],
        fp: &["passport photo attached", "Passport: expires 2031"],
    },
    KeyedSpec {
        id: "pii.driver_license",
        entity: EntityType::DriverLicense,
        ctx: Ctx::DriverLicense,
        window: 40,
        value: r"^[^\n\r0-9]{0,32}?\b([A-Z0-9][A-Z0-9\- ]{4,22}[A-Z0-9])\b",
        cell: Some(r"^([A-Z0-9\-]{5,20})$"),
        check: check_driver_license,
        tp: &["Driver's license: D1234567", "DL# S530-4412-8821", "Führerschein-Nr. B072RRE2I55"],
        fp: &["driver license expires 2027-01-01"],
    },
];

/// The birth-date value after a label: skip the rest of the label (`:`, `(DD/MM/YYYY)`, `is`),
/// then a [`DATE`].
const DOB_VALUE: &str = concat!(r"(?i)^[^\n\r0-9]{0,24}?(", date_pattern!(), ")");

fn check_dob_cell_or_value(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    // A table cell must itself be a date.
    let v = c.value(doc);
    let re = date_regex();
    let m = re.find(v)?;
    if m.start() != 0 || m.end() != v.len() {
        return None;
    }
    check_dob(doc, c)
}

fn date_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(DATE).expect("DATE pattern is valid"))
}

/// Airline passenger data (APIS) in IATA PNR form: the `SSR DOCS` element carries passport number,
/// birth date and names (`SSR DOCS LA HK1 P/GBR/652008611/GBR/11OCT56/F/27FEB34/OKAFOR/POPPY`), and
/// name elements carry `SURNAME/GIVEN` (`1.1OKAFOR/POPPY MS`).
pub struct ApisDetector {
    docs: regex::Regex,
    name: regex::Regex,
}

impl ApisDetector {
    pub fn new() -> Result<Self, regex::Error> {
        Ok(ApisDetector {
            docs: regex::Regex::new(
                r"DOCS\s+(?:[A-Z0-9]{2}\s+)?(?:HK|KK|NN)[0-9]\s+P/(?:[A-Z]{3})?/([A-Z0-9]{5,15})/(?:[A-Z]{3})?/([0-9]{2}[A-Z]{3}[0-9]{2})/[MFXU]I?/(?:[0-9]{2}[A-Z]{3}[0-9]{2})?/([A-Z][A-Z' -]*)/([A-Z][A-Z' -]*[A-Z])",
            )?,
            name: regex::Regex::new(
                r"(?m)^\s*[0-9]{1,2}\.[0-9]{1,2}([A-Z][A-Z' -]*/[A-Z][A-Z' -]*?)(?:\s+(?:MR|MRS|MS|MSTR|MISS|DR|CHD|INF))?\s*$",
            )?,
        })
    }
}

impl Detector for ApisDetector {
    fn id(&self) -> &str {
        "pii.apis"
    }

    fn anchors(&self) -> &[&str] {
        &["docs", "apis", "manifest", "pnr"]
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for caps in self.docs.captures_iter(doc.text) {
            let kinds = [EntityType::Passport, EntityType::DateOfBirth, EntityType::Person, EntityType::Person];
            for (k, ty) in kinds.into_iter().enumerate() {
                if let Some(m) = caps.get(k + 1) {
                    out.push(Finding::new(ty, m.start(), m.end(), 0.95, "pii.apis"));
                }
            }
        }
        for caps in self.name.captures_iter(doc.text) {
            if let Some(m) = caps.get(1) {
                out.push(Finding::new(EntityType::Person, m.start(), m.end(), 0.9, "pii.apis"));
            }
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        let t = "1.1OKAFOR/POPPY MS\n   SSR DOCS LA HK1 P/GBR/652008611/GBR/11OCT56/F/27FEB34/OKAFOR/POPPY";
        vec![(EntityType::Passport, t), (EntityType::DateOfBirth, t), (EntityType::Person, t)]
    }

    fn false_positives(&self) -> &[&str] {
        &["See the docs for the PNR format."]
    }
}
