//! FINANCIAL family: payment cards (Luhn + network prefix), IBANs (mod-97 and per-country length),
//! ABA routing numbers and SWIFT/BIC codes in payment context, and bank account numbers after an
//! account label.

use super::keyed::KeyedSpec;
use super::numbers::number_bounded;
use super::{damp_negative, Candidate, RuleSpec};
use crate::context::Ctx;
use crate::document::Document;
use crate::entity::EntityType;
use crate::validate::financial::{aba_routing, credit_card, iban, iban_expected_length, swift_bic};
use crate::validate::{all_same_digit, digits, is_sequential};

/// Card numbers published as test or documentation numbers by the networks and processors.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4000056655665556",
    "5555555555554444",
    "5200828282828210",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "3056930009020004",
    "36227206271667",
    "3566002020360505",
    "6200000000000005",
    "4012888888881881",
    "4222222222222",
    "5454545454545454",
    "2223003122003222",
];

fn check_card(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if !number_bounded(doc, c.start, c.end) || !credit_card(v) || crate::validate::code::in_number_list(doc.text, c.start, c.end) {
        return None;
    }
    let d: String = v.chars().filter(char::is_ascii_digit).collect();
    if TEST_CARDS.contains(&d.as_str()) || is_sequential(&d) {
        return None;
    }
    // Mixed separators (`4111 1111-1111 1111`) are not how anyone writes a card number.
    let seps: Vec<char> = v.chars().filter(|ch| !ch.is_ascii_digit()).collect();
    if seps.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let mut score: f32 = 0.9;
    if doc.near(c.start, c.end, Ctx::Card) {
        score = 0.99;
    } else if doc.before(c.start, Ctx::Reference, 32) {
        score = 0.55;
    }
    Some(damp_negative(doc, c.start, score))
}

fn check_iban(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    // The pattern may run into the next word: cut the span at the country's IBAN length.
    let v = c.value(doc);
    let expected = iban_expected_length(v)?;
    let mut seen = 0;
    let mut cut = v.len();
    for (i, ch) in v.char_indices() {
        if ch.is_ascii_alphanumeric() {
            seen += 1;
            if seen == expected {
                cut = i + 1;
                break;
            }
        }
    }
    if seen < expected {
        return None;
    }
    c.end = c.start + cut;
    let v = c.value(doc);
    if !iban(v) || doc.byte_at(c.end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let left_ok = doc.byte_before(c.start).is_none_or(|b| !b.is_ascii_alphanumeric());
    left_ok.then(|| damp_negative(doc, c.start, 0.98))
}

fn check_routing(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if !number_bounded(doc, c.start, c.end) || !aba_routing(v) {
        return None;
    }
    if doc.context(c.start, Ctx::Routing) || doc.before(c.start, Ctx::Routing, 80) {
        return Some(0.95);
    }
    None
}

fn check_swift(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if !doc.word_bounded(c.start, c.end) || !swift_bic(v) {
        return None;
    }
    if doc.context(c.start, Ctx::Swift) {
        return Some(0.95);
    }
    // Eleven letters and no digit near a payment word is far more often a word or a type name
    // (`created_at TIMESTAMPTZ` in a payments table) than a branch BIC, unless the branch is the
    // primary office's `XXX`.
    if v.len() == 11 && !v.bytes().any(|b| b.is_ascii_digit()) && !v.ends_with("XXX") {
        return None;
    }
    if doc.before(c.start, Ctx::Payment, 80) || doc.before(c.start, Ctx::Iban, 120) || doc.after(c.end, Ctx::Iban, 60) {
        return Some(0.75);
    }
    None
}

fn check_bank_account(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let d = digits(v);
    if !(6..=18).contains(&d.len())
        || super::numbers::looks_like_date(v)
        || all_same_digit(v)
        || is_sequential(v)
        || !number_bounded(doc, c.start, c.end)
    {
        return None;
    }
    // Sort codes (12-34-56) are bank-branch identifiers, not accounts.
    let b = v.as_bytes();
    if b.len() == 8 && b[2] == b'-' && b[5] == b'-' {
        return None;
    }
    if doc.before(c.start, Ctx::Reference, 24) || doc.before(c.start, Ctx::Routing, 16) || doc.byte_at(c.end) == Some(b'@') {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.85))
}

pub static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "financial.credit_card",
        entity: EntityType::CreditCard,
        pattern: r"\b(?:\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}(?:[ -]?\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{13,19})\b",
        anchors: &[],
        check: check_card,
        tp: &["card: 4539 1488 0343 6467", "Amex 3792 451959 26484 on file", "pan=5425233430109903"],
        fp: &["4111 1111 1111 1111", "order 4539 1488 0343 6468", "**** **** **** 4242", "1234567812345678"],
    },
    RuleSpec {
        id: "financial.iban",
        entity: EntityType::Iban,
        pattern: r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?",
        anchors: &[],
        check: check_iban,
        tp: &["IBAN: DE89 3704 0044 0532 0130 00", "pay to GB82WEST12345698765432.", "NL91ABNA0417164300"],
        fp: &["DE89 3704 0044 0532 0130 01", "DE** **** **** **** 3000"],
    },
    RuleSpec {
        id: "financial.us_routing_number",
        entity: EntityType::UsRoutingNumber,
        pattern: r"\b\d{9}\b",
        anchors: &[],
        check: check_routing,
        tp: &["Routing number: 021000021", "ABA 011401533"],
        fp: &["order 021000021", "Routing number: 021000022"],
    },
    RuleSpec {
        id: "financial.swift_bic",
        entity: EntityType::SwiftBic,
        pattern: r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b",
        anchors: &[
            "swift",
            "bic",
            "wire",
            "transfer",
            "bank",
            "iban",
            "beneficiary",
            "payment",
            "remit",
            "payee",
            "überweisung",
            "virement",
            "transferencia",
            "bonifico",
            "banque",
            "banco",
            "bankverbindung",
        ],
        check: check_swift,
        tp: &["SWIFT/BIC: DEUTDEFF", "BIC NWBKGB2L", "Wire to Barclays, SWIFT code BARCGB22XXX", "payment to BNP Paribas BNPAFRPPXXX"],
        fp: &["FEEDBACK on the bank transfer", "SWIFT: PASSWORD", "CREATE TABLE payments (id BIGINT, created_at TIMESTAMPTZ NOT NULL)"],
    },
];

pub static KEYED: &[KeyedSpec] = &[
    KeyedSpec {
        id: "financial.bank_account",
        entity: EntityType::BankAccount,
        ctx: Ctx::BankAccount,
        window: 48,
        value: r"^[^\n\r0-9]{0,32}?(\d[\d -]{4,22}\d)\b",
        cell: Some(r"^(\d[\d -]{4,22}\d)$"),
        check: check_bank_account,
        tp: &["Account #: 000123456789", "Bank A/C 40817263", "Kontonummer 0532013000", "Account number (checking): 4402193317"],
        fp: &["Account created 2024-05-01", "account 1111111111", "order account ref 12345678"],
    },
    KeyedSpec {
        // A plain domestic number in a column headed IBAN is still an account number.
        id: "financial.bank_account_in_iban_column",
        entity: EntityType::BankAccount,
        ctx: Ctx::Iban,
        window: 0,
        value: r"^\b$",
        cell: Some(r"^([0-9]{6,18})$"),
        check: check_bank_account,
        tp: &["name;iban;gross\nPriya;50100254966255;6612.00"],
        fp: &["name;iban\nPriya;DE89370400440532013000"],
    },
];
