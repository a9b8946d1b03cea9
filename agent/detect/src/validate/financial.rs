//! Financial validators: card networks, IBAN mod-97 with per-country lengths, ABA routing numbers,
//! SWIFT/BIC country codes.

use super::{all_same_digit, digits, luhn};

/// A card number is valid when it has a known network prefix, a length that network issues, and
/// passes Luhn.
pub fn credit_card(s: &str) -> bool {
    let d = digits(s);
    let n = d.len();
    if !(13..=19).contains(&n) || all_same_digit(s) || !luhn(s) {
        return false;
    }
    let prefix = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + x as u32);
    let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
    match p1 {
        4 => matches!(n, 13 | 16 | 19), // Visa
        5 => (51..=55).contains(&p2) && n == 16 || (p2 == 50 || (56..=58).contains(&p2)) && (12..=19).contains(&n), // Mastercard / Maestro
        2 => (2221..=2720).contains(&p4) && n == 16, // Mastercard 2-series
        3 => {
            (p2 == 34 || p2 == 37) && n == 15                           // Amex
                || (3528..=3589).contains(&p4) && (16..=19).contains(&n) // JCB
                || ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&n)
            // Diners
        }
        6 => {
            (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
                && (16..=19).contains(&n)                                // Discover
                || p2 == 62 && (16..=19).contains(&n)                    // UnionPay
                || (p2 == 63 || p2 == 67) && (12..=19).contains(&n) // Maestro
        }
        _ => false,
    }
}

/// IBAN lengths per country (ISO 13616 registry, the SEPA countries and common others).
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "AD" => 24,
        "AE" => 23,
        "AL" => 28,
        "AT" => 20,
        "AZ" => 28,
        "BA" => 20,
        "BE" => 16,
        "BG" => 22,
        "BH" => 22,
        "BR" => 29,
        "BY" => 28,
        "CH" => 21,
        "CR" => 22,
        "CY" => 28,
        "CZ" => 24,
        "DE" => 22,
        "DK" => 18,
        "DO" => 28,
        "EE" => 20,
        "EG" => 29,
        "ES" => 24,
        "FI" => 18,
        "FO" => 18,
        "FR" => 27,
        "GB" => 22,
        "GE" => 22,
        "GI" => 23,
        "GL" => 18,
        "GR" => 27,
        "GT" => 28,
        "HR" => 21,
        "HU" => 28,
        "IE" => 22,
        "IL" => 23,
        "IQ" => 23,
        "IS" => 26,
        "IT" => 27,
        "JO" => 30,
        "KW" => 30,
        "KZ" => 20,
        "LB" => 28,
        "LC" => 32,
        "LI" => 21,
        "LT" => 20,
        "LU" => 20,
        "LV" => 21,
        "MC" => 27,
        "MD" => 24,
        "ME" => 22,
        "MK" => 19,
        "MR" => 27,
        "MT" => 31,
        "MU" => 30,
        "NL" => 18,
        "NO" => 15,
        "PK" => 24,
        "PL" => 28,
        "PS" => 29,
        "PT" => 25,
        "QA" => 29,
        "RO" => 24,
        "RS" => 22,
        "SA" => 24,
        "SC" => 31,
        "SE" => 24,
        "SI" => 19,
        "SK" => 24,
        "SM" => 27,
        "ST" => 25,
        "SV" => 28,
        "TL" => 23,
        "TN" => 24,
        "TR" => 26,
        "UA" => 29,
        "VA" => 22,
        "VG" => 24,
        "XK" => 20,
        _ => return None,
    })
}

/// Expected length of an IBAN for its country code (the first two letters), if known.
pub fn iban_expected_length(compact: &str) -> Option<usize> {
    compact.get(0..2).and_then(iban_length)
}

/// Validates an IBAN given in compact or grouped form: known country, exact length, mod-97 == 1.
pub fn iban(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let Some(len) = iban_expected_length(&compact) else { return false };
    if compact.len() != len || !compact.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return false;
    }
    let b = compact.as_bytes();
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return false;
    }
    let rearranged = compact[4..].bytes().chain(compact[..4].bytes());
    let mut rem: u32 = 0;
    for c in rearranged {
        if c.is_ascii_digit() {
            rem = (rem * 10 + (c - b'0') as u32) % 97;
        } else {
            let v = (c - b'A' + 10) as u32;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

/// ABA routing number: 9 digits, a Federal Reserve prefix (00–12, 21–32, 61–72, 80) and the 3-7-1
/// checksum.
pub fn aba_routing(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 || all_same_digit(s) {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    let prefix_ok = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let w = [3u32, 7, 1];
    let sum: u32 = d.iter().enumerate().map(|(i, &x)| x as u32 * w[i % 3]).sum();
    prefix_ok && sum % 10 == 0 && prefix != 0
}

/// ISO 3166 alpha-2 country codes (the ones a BIC can carry).
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BR BS BT BW BY BZ \
CA CD CF CG CH CI CL CM CN CO CR CU CV CW CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FO FR GA GB GD GE GG GH GI GL GM GN GQ GR GT GW GY \
HK HN HR HT HU ID IE IL IM IN IQ IR IS IT JE JM JO JP KE KG KH KM KN KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MG MK ML MM MN MO MR MS MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NZ OM PA PE PG PH PK PL PS PT PY QA \
RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TG TH TJ TL TM TN TO TR TT TW TZ \
UA UG US UY UZ VA VC VE VG VN VU WS XK YE ZA ZM ZW";

pub fn is_country_code(cc: &str) -> bool {
    cc.len() == 2 && COUNTRIES.split(' ').any(|c| c == cc)
}

/// A BIC: 4-letter bank code, a real country code, 2-char location (not `00`-style test codes
/// ending in `0` are still valid), optional 3-char branch.
pub fn swift_bic(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && is_country_code(&s[4..6])
        && b[6..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        // Eight upper-case letters with no digit are far more often words (FEEDBACK, PASSWORD).
        && b.iter().any(u8::is_ascii_digit) | (b.len() == 11) | is_plausible_bic_letters(s)
}

/// An all-letter 8-char BIC (DEUTDEFF, BNPAFRPP) has a location code that words rarely have; we
/// accept it only when its location part is not a common English word ending.
fn is_plausible_bic_letters(s: &str) -> bool {
    let loc = &s[6..8];
    !matches!(loc, "ED" | "ER" | "ES" | "AL" | "ON" | "NG" | "LY" | "RS" | "TS" | "CK" | "RD" | "SE" | "LE" | "NT" | "RT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        assert!(credit_card("4111 1111 1111 1111"));
        assert!(credit_card("5555-5555-5555-4444"));
        assert!(credit_card("2223003122003222"));
        assert!(credit_card("378282246310005"));
        assert!(credit_card("6011111111111117"));
        assert!(credit_card("3530111333300000"));
        assert!(credit_card("30569309025904"));
        assert!(credit_card("6200000000000005"));
        assert!(!credit_card("4111 1111 1111 1112"));
        assert!(!credit_card("0000 0000 0000 0000"));
        assert!(!credit_card("9111111111111111"));
    }

    #[test]
    fn ibans() {
        assert!(iban("DE89 3704 0044 0532 0130 00"));
        assert!(iban("GB82WEST12345698765432"));
        assert!(iban("FR1420041010050500013M02606"));
        assert!(iban("NL91ABNA0417164300"));
        assert!(iban("NO9386011117947"));
        assert!(!iban("DE89 3704 0044 0532 0130 01"));
        assert!(!iban("DE89370400440532013000X"));
        assert!(!iban("XX89370400440532013000"));
    }

    #[test]
    fn routing() {
        assert!(aba_routing("021000021"));
        assert!(aba_routing("011401533"));
        assert!(!aba_routing("021000022"));
        assert!(!aba_routing("991000021"));
    }

    #[test]
    fn bics() {
        assert!(swift_bic("DEUTDEFF"));
        assert!(swift_bic("DEUTDEFF500"));
        assert!(swift_bic("NWBKGB2L"));
        assert!(!swift_bic("FEEDBACK"));
        assert!(!swift_bic("ABCDXX12"));
    }
}
