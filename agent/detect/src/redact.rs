//! Redaction: the text with findings replaced, in one of three styles.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::finding::Finding;

/// How a value is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RedactStyle {
    /// `[EMAIL]`
    #[default]
    Tag,
    /// Every character but the last four alphanumerics masked: `************1111`.
    Mask,
    /// `[EMAIL:3f9a1c2b]`: a keyed hash, the same for the same value and key, so a reader can
    /// tell two mentions of one value apart from two values without learning either.
    Hash,
}

/// Replacement text for one value.
/// Bytes of the keyed hash a `hash` redaction keeps (96 bits).
pub const HASH_TAG_BYTES: usize = 12;

pub fn replacement(value: &str, type_name: &str, style: RedactStyle, key: &[u8]) -> String {
    match style {
        RedactStyle::Tag => format!("[{type_name}]"),
        RedactStyle::Mask => {
            let keep: usize = 4;
            let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
            let mut seen = 0;
            value
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() {
                        seen += 1;
                        if seen + keep > alnum && alnum > keep * 2 {
                            c
                        } else {
                            '*'
                        }
                    } else {
                        c
                    }
                })
                .collect()
        }
        RedactStyle::Hash => {
            // Keyed by the tenant's secret (never by anything the page or an event shows), with
            // the type name as domain separation, and 96 bits kept: too many to guess offline.
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
            mac.update(type_name.as_bytes());
            mac.update(&[0]);
            mac.update(value.as_bytes());
            let digest = mac.finalize().into_bytes();
            let hex: String = digest.iter().take(HASH_TAG_BYTES).map(|b| format!("{b:02x}")).collect();
            format!("[{type_name}:{hex}]")
        }
    }
}

/// Returns `text` with each finding replaced. Findings must not overlap (as returned by the
/// engine); any that do, or that fall outside the text or off a character boundary, are skipped.
pub fn redact(text: &str, findings: &[Finding], style: RedactStyle, key: &[u8]) -> String {
    let spans: Vec<(usize, usize)> = findings.iter().map(|f| (f.start, f.end)).collect();
    replace_spans(text, &spans, |i, value| {
        let f = &findings[i];
        let name = f.rule_id.as_deref().unwrap_or(f.entity.as_str());
        replacement(value, name, style, key)
    })
}

/// `text` with each span `(start, end)` replaced by `replace(index of the span, value)`. Spans are
/// applied in text order; spans that overlap an earlier one, fall outside the text or off a
/// character boundary are skipped (their text is kept).
pub fn replace_spans(text: &str, spans: &[(usize, usize)], mut replace: impl FnMut(usize, &str) -> String) -> String {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i]);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for i in order {
        let (start, end) = spans[i];
        if start < pos || end > text.len() || start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&replace(i, &text[start..end]));
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// A display-safe masked form of a value for reports: never more than the last four characters.
pub fn mask_for_display(value: &str) -> String {
    let single_line: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let n = single_line.chars().count();
    if n <= 6 {
        return "*".repeat(n.max(1));
    }
    let tail: String = single_line.chars().skip(n - 4).collect();
    format!("{}{}", "*".repeat((n - 4).min(12)), tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::EntityType;

    #[test]
    fn styles() {
        let text = "card 4539 1488 0343 6467 ok";
        let f = vec![Finding::new(EntityType::CreditCard, 5, 24, 0.9, "t")];
        assert_eq!(redact(text, &f, RedactStyle::Tag, b""), "card [CREDIT_CARD] ok");
        assert_eq!(redact(text, &f, RedactStyle::Mask, b""), "card **** **** **** 6467 ok");
        let h1 = redact(text, &f, RedactStyle::Hash, b"k");
        assert!(h1.starts_with("card [CREDIT_CARD:") && h1.ends_with("] ok"));
        assert_eq!(h1, redact(text, &f, RedactStyle::Hash, b"k"));
        assert_ne!(h1, redact(text, &f, RedactStyle::Hash, b"other key"));
    }

    #[test]
    fn skips_bad_spans() {
        let f = vec![Finding::new(EntityType::Email, 2, 100, 0.9, "t")];
        assert_eq!(redact("héllo", &f, RedactStyle::Tag, b""), "héllo");
    }

    #[test]
    fn display_mask() {
        assert_eq!(mask_for_display("4539148803436467"), "************6467");
        assert_eq!(mask_for_display(&"x".repeat(40)), format!("{}xxxx", "*".repeat(12)));
        assert_eq!(mask_for_display("abc"), "***");
    }
}
