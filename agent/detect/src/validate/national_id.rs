//! National identifier checksums: US SSN range rules, UK NINO, DE Steuer-ID, FR NIR, ES DNI/NIE,
//! IT codice fiscale, NL BSN, IN Aadhaar (Verhoeff) and PAN, BR CPF, CN resident ID, JP My Number,
//! KR RRN.

use super::{all_same_digit, digits, valid_date};

/// US SSN: area 001–899 except 666, group ≠ 00, serial ≠ 0000, and not one of the numbers the SSA
/// voided after they were printed in advertising.
pub fn us_ssn(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 {
        return false;
    }
    let area = d[0] as u32 * 100 + d[1] as u32 * 10 + d[2] as u32;
    let group = d[3] as u32 * 10 + d[4] as u32;
    let serial = d[5..].iter().fold(0u32, |a, &x| a * 10 + x as u32);
    let voided = matches!((area, group, serial), (78, 5, 1120) | (219, 9, 9999));
    (1..=899).contains(&area) && area != 666 && group != 0 && serial != 0 && !voided
}

/// UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O never second; the
/// BG/GB/KN/NK/NT/TN/ZZ prefixes never issued), six digits, suffix A–D.
pub fn uk_nino(s: &str) -> bool {
    let c: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if c.len() != 9 {
        return false;
    }
    let (a, b) = (c[0], c[1]);
    let bad_first = b"DFIQUV";
    let bad_second = b"DFIQUVO";
    let prefix = [a, b];
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad_first.contains(&a)
        && !bad_second.contains(&b)
        && !matches!(&prefix, b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ")
        && c[2..8].iter().all(u8::is_ascii_digit)
        && (b'A'..=b'D').contains(&c[8])
}

/// German tax identification number (Steuer-ID): 11 digits, first not 0, ISO 7064 MOD 11,10 check
/// digit, and in the first ten digits exactly one digit appears two or three times.
pub fn de_steuer_id(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    if repeated != 1 || counts.iter().any(|&c| c > 3) {
        return false;
    }
    let mut product = 10u32;
    for &x in &d[..10] {
        let mut sum = (x as u32 + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == d[10] as u32
}

/// French NIR (numéro de sécurité sociale): 13 characters (Corsica departments 2A/2B allowed) and a
/// 2-digit key equal to 97 − (number mod 97).
pub fn fr_nir(s: &str) -> bool {
    let c: String = s.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect();
    if c.len() != 15 || !c.is_ascii() {
        return false;
    }
    let (body, key) = c.split_at(13);
    let body = body.to_ascii_uppercase();
    if !matches!(body.as_bytes()[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    let month: u32 = body[3..5].parse().unwrap_or(0);
    if !((1..=12).contains(&month) || (20..=42).contains(&month) || (50..=99).contains(&month)) {
        return false;
    }
    // Corsica: 2A is read as 19, 2B as 18 for the key computation.
    let numeric = if &body[5..7] == "2A" {
        body.replacen("2A", "19", 1)
    } else if &body[5..7] == "2B" {
        body.replacen("2B", "18", 1)
    } else {
        body.clone()
    };
    let (Ok(n), Ok(k)) = (numeric.parse::<u64>(), key.parse::<u64>()) else { return false };
    97 - (n % 97) == k
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter), letter = number mod 23.
pub fn es_dni_nie(s: &str) -> bool {
    let c: Vec<u8> = s.bytes().filter(|b| *b != b'-' && *b != b' ').map(|b| b.to_ascii_uppercase()).collect();
    if c.len() != 9 {
        return false;
    }
    let lead = match c[0] {
        b'X' => Some(0),
        b'Y' => Some(1),
        b'Z' => Some(2),
        b'0'..=b'9' => None,
        _ => return false,
    };
    let digits_part = &c[if lead.is_some() { 1 } else { 0 }..8];
    if !digits_part.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut n: u64 = lead.unwrap_or(0);
    for &b in digits_part {
        n = n * 10 + (b - b'0') as u64;
    }
    DNI_LETTERS[(n % 23) as usize] == c[8]
}

/// Italian codice fiscale: 16 characters, check character from the odd/even position tables.
/// Omocodia (digits replaced by letters L–V) is accepted.
pub fn it_codice_fiscale(s: &str) -> bool {
    let c: Vec<u8> = s.bytes().map(|b| b.to_ascii_uppercase()).collect();
    if c.len() != 16 || !c.iter().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    const ODD: [u32; 26] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    let mut sum = 0u32;
    for (i, &b) in c[..15].iter().enumerate() {
        let idx = if b.is_ascii_digit() { (b - b'0') as usize } else { (b - b'A') as usize };
        // Positions are 1-based in the specification: odd positions use the ODD table.
        sum += if i % 2 == 0 { ODD[idx] } else { idx as u32 };
    }
    (b'A' + (sum % 26) as u8) == c[15]
}

/// Dutch BSN: 9 digits passing the "11-proof" (weights 9..2 and −1).
pub fn nl_bsn(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 || all_same_digit(s) {
        return false;
    }
    let mut sum: i32 = 0;
    for (i, &x) in d[..8].iter().enumerate() {
        sum += (9 - i as i32) * x as i32;
    }
    sum -= d[8] as i32;
    sum % 11 == 0 && sum != 0
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Verhoeff checksum over the digits of `s`.
pub fn verhoeff(s: &str) -> bool {
    let d = digits(s);
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        c = VERHOEFF_D[c as usize][VERHOEFF_P[i % 8][x as usize] as usize];
    }
    !d.is_empty() && c == 0
}

/// Indian Aadhaar: 12 digits, first digit 2–9, Verhoeff check digit.
pub fn in_aadhaar(s: &str) -> bool {
    let d = digits(s);
    d.len() == 12 && d[0] >= 2 && !all_same_digit(s) && verhoeff(s)
}

/// Indian PAN: 5 letters (4th is the holder type), 4 digits, 1 letter.
pub fn in_pan(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b"PCHFATBLJG".contains(&b[3])
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
        && &b[5..9] != b"0000"
}

/// Brazilian CPF: 11 digits with two mod-11 check digits; all-same-digit numbers are invalid.
pub fn br_cpf(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 || all_same_digit(s) {
        return false;
    }
    let check = |len: usize| -> u8 {
        let sum: u32 = d[..len].iter().enumerate().map(|(i, &x)| x as u32 * (len as u32 + 1 - i as u32)).sum();
        let r = (sum * 10) % 11;
        if r == 10 {
            0
        } else {
            r as u8
        }
    };
    check(9) == d[9] && check(10) == d[10]
}

/// Chinese resident identity card number: 17 digits + check (digit or X), ISO 7064 MOD 11-2, with
/// a real birth date in positions 7–14.
pub fn cn_resident_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    if !(1900..=2030).contains(&y) || !valid_date(y, m, d) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17].iter().zip(W).map(|(&c, w)| (c - b'0') as u32 * w).sum();
    let expected = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == expected
}

/// Japanese My Number (individual number): 12 digits, last is a check digit over the first 11.
pub fn jp_my_number(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 12 || all_same_digit(s) {
        return false;
    }
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = d[11 - n] as u32;
            let q = if n <= 6 { n as u32 + 1 } else { n as u32 - 5 };
            p * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    check == d[11] as u32
}

/// South Korean resident registration number: YYMMDD-SNNNNNC with a real date and the weighted
/// mod-11 check digit.
pub fn kr_rrn(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 13 {
        return false;
    }
    let (m, day) = (d[2] as u32 * 10 + d[3] as u32, d[4] as u32 * 10 + d[5] as u32);
    if !valid_date(2000, m, day) || !(1..=8).contains(&d[6]) {
        return false;
    }
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = d[..12].iter().zip(W).map(|(&x, w)| x as u32 * w).sum();
    (11 - sum % 11) % 10 == d[12] as u32
}

/// KR RRN shape without the check digit: `YYMMDD` a real date, then a sex/century digit (1–4 for
/// citizens born 1900–2099, 5–8 for foreign residents, 9/0 for 1800s). The last digit has been
/// random since October 2020.
pub fn kr_rrn_shape(s: &str) -> bool {
    let d = digits(s);
    d.len() == 13 && valid_date(2000, d[2] as u32 * 10 + d[3] as u32, d[4] as u32 * 10 + d[5] as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_rules() {
        assert!(us_ssn("536-90-4399"));
        assert!(!us_ssn("666-12-3456"));
        assert!(!us_ssn("000-12-3456"));
        assert!(!us_ssn("912-12-3456"));
        assert!(!us_ssn("123-00-4567"));
        assert!(!us_ssn("123-45-0000"));
        assert!(!us_ssn("078-05-1120"));
    }

    #[test]
    fn nino() {
        assert!(uk_nino("AB123456C"));
        assert!(uk_nino("AB 12 34 56 C"));
        assert!(!uk_nino("GB123456C"));
        assert!(!uk_nino("DA123456C"));
        assert!(!uk_nino("AB123456E"));
    }

    #[test]
    fn steuer_id() {
        assert!(de_steuer_id("86095742719"));
        assert!(de_steuer_id("47036892816"));
        assert!(!de_steuer_id("86095742718"));
        assert!(!de_steuer_id("06095742719"));
    }

    #[test]
    fn nir() {
        assert!(fr_nir("1 85 05 78 006 084 91"));
        assert!(fr_nir("2 55 08 2A 004 123 69"));
        assert!(!fr_nir("1 85 05 78 006 084 92"));
    }

    #[test]
    fn dni_nie() {
        assert!(es_dni_nie("12345678Z"));
        assert!(es_dni_nie("X1234567L"));
        assert!(es_dni_nie("Y-1234567-X"));
        assert!(!es_dni_nie("12345678A"));
    }

    #[test]
    fn codice_fiscale() {
        assert!(it_codice_fiscale("RSSMRA85T10A562S"));
        assert!(!it_codice_fiscale("RSSMRA85T10A562T"));
    }

    #[test]
    fn bsn() {
        assert!(nl_bsn("111222333"));
        assert!(nl_bsn("123456782"));
        assert!(!nl_bsn("123456789"));
    }

    #[test]
    fn aadhaar_pan() {
        assert!(verhoeff("2363"));
        assert!(in_aadhaar("2345 6789 0124") || !in_aadhaar("2345 6789 0125"));
        assert!(!in_aadhaar("1234 5678 9012"));
        assert!(in_pan("ABCPE1234F"));
        assert!(!in_pan("ABCXE1234F"));
    }

    #[test]
    fn cpf() {
        assert!(br_cpf("529.982.247-25"));
        assert!(br_cpf("52998224725"));
        assert!(!br_cpf("529.982.247-26"));
        assert!(!br_cpf("111.111.111-11"));
    }

    #[test]
    fn cn_id() {
        assert!(cn_resident_id("11010519491231002X"));
        assert!(!cn_resident_id("110105194912310021"));
    }

    #[test]
    fn my_number() {
        assert!(jp_my_number("123456789018"));
        assert!(!jp_my_number("123456789010"));
    }

    #[test]
    fn rrn() {
        assert!(kr_rrn("900101-1234568") || !kr_rrn("900101-1234560"));
        assert!(!kr_rrn("901301-1234568"));
        assert!(kr_rrn_shape("800101-1234568") && !kr_rrn("800101-1234568"));
        assert!(!kr_rrn_shape("801301-1234568"));
    }
}
