//! Validators: checksums and structural checks that turn a pattern match into a confident finding.
//!
//! Every function here is pure and total: it takes the matched text (possibly with separators) and
//! answers `true` only when the value is well-formed. None of them panic on any input.

pub mod code;
pub mod financial;
pub mod national_id;
pub mod secret;

/// The ASCII digits of `s`, ignoring every other character (separators such as spaces, dashes, dots).
pub fn digits(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
}

/// Luhn (mod 10) check over the digits of `s`.
pub fn luhn(s: &str) -> bool {
    let d = digits(s);
    if d.len() < 2 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = x as u32;
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Number of character classes (lower, upper, digit, other) present in `s`.
pub fn char_classes(s: &str) -> u8 {
    let (mut l, mut u, mut d, mut o) = (false, false, false, false);
    for c in s.chars() {
        if c.is_lowercase() {
            l = true
        } else if c.is_uppercase() {
            u = true
        } else if c.is_ascii_digit() {
            d = true
        } else {
            o = true
        }
    }
    l as u8 + u as u8 + d as u8 + o as u8
}

/// True when every digit of `s` is the same (`0000 0000`, `1111111111`): never a real identifier.
pub fn all_same_digit(s: &str) -> bool {
    let d = digits(s);
    d.windows(2).all(|w| w[0] == w[1])
}

/// True for an ascending or descending run such as `123456789` or `987654`.
pub fn is_sequential(s: &str) -> bool {
    let d = digits(s);
    d.len() >= 6 && (d.windows(2).all(|w| w[1] == (w[0] + 1) % 10) || d.windows(2).all(|w| (w[0] + 10 - w[1]) % 10 == 1))
}

/// True when `year-month-day` is a real calendar date.
pub fn valid_date(year: u32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let dim = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= dim
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(luhn("378282246310005"));
        assert!(!luhn("4111 1111 1111 1112"));
        assert!(!luhn(""));
    }

    #[test]
    fn entropy_and_classes() {
        assert!(shannon_entropy("aaaaaaaa") < 0.01);
        assert!(shannon_entropy("aB3$xY9!") > 2.9);
        assert_eq!(char_classes("Summer2024!"), 4);
        assert!(all_same_digit("0000-0000"));
        assert!(is_sequential("123456789"));
        assert!(!is_sequential("123456780"));
        assert!(valid_date(2024, 2, 29));
        assert!(!valid_date(2023, 2, 29));
    }
}
