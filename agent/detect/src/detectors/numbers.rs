//! Shapes of numbers that several detectors share: whether a span stands alone as a number (not
//! part of a longer one) and whether digits are a date. Kept apart so that no detector module
//! borrows helpers from another (financial and PII detectors both use these).

use crate::document::Document;
use crate::validate::valid_date;

/// A line with three or more commas is a CSV row: its commas separate cells, not thousands.
fn csv_line(doc: &Document<'_>, pos: usize) -> bool {
    doc.line_at(pos).bytes().filter(|&b| b == b',').count() >= 3
}

/// Digits glued to the span on either side (or `-`/`.` followed by a digit) mean it is part of a
/// longer number.
pub(crate) fn number_bounded(doc: &Document<'_>, start: usize, end: usize) -> bool {
    let t = doc.text.as_bytes();
    let digit_at = |i: usize| t.get(i).is_some_and(u8::is_ascii_digit);
    // A comma continues a number only as a thousands separator (`1,234`), not between CSV cells.
    let thousands_after = |i: usize| (0..3).all(|k| digit_at(i + k)) && !digit_at(i + 3);
    let left_ok = start == 0 || {
        let b = t[start - 1];
        !(b.is_ascii_alphanumeric() || b == b'_') && !((b == b'-' || b == b'.' || b == b'/') && start >= 2 && digit_at(start - 2))
    };
    let right_ok = end >= t.len() || {
        let b = t[end];
        !(b.is_ascii_alphanumeric() || b == b'_')
            && !((b == b'-' || b == b'.' || b == b'/') && digit_at(end + 1))
            && !(b == b',' && !csv_line(doc, end) && t[end - 1].is_ascii_digit() && thousands_after(end + 1))
    };
    left_ok && right_ok
}

/// `dd.mm.yyyy`, `yyyy-mm-dd`, `mm/dd/yy` and friends.
pub(crate) fn looks_like_date(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['.', '-', '/', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let num = |i: usize| parts[i].parse::<u32>().unwrap_or(0);
    match lens.as_slice() {
        [4, 1..=2, 1..=2] => valid_date(num(0), num(1), num(2)),
        [1..=2, 1..=2, 4] | [1..=2, 1..=2, 2] => valid_date(2000, num(1), num(0)) || valid_date(2000, num(0), num(1)),
        _ => false,
    }
}
