//! Applying a `redact` decision to the text, with optional consistent pseudonyms: within one
//! conversation the same value always becomes the same placeholder (`[EMAIL_1]`), so the AI's
//! answer still distinguishes "the first customer" from "the second" without seeing either.

use std::collections::HashMap;

use promptwall_detect::redact::{replace_spans, replacement};

use crate::eval::RedactSpan;
use crate::schema::RedactionStyle;

/// Placeholders handed out in one conversation. Keep one per conversation id; it holds the
/// values it has seen, so it lives only in the agent's memory and is never persisted or logged.
#[derive(Debug, Default)]
pub struct Pseudonyms {
    by_value: HashMap<(String, String), String>,
    counters: HashMap<String, usize>,
}

impl Pseudonyms {
    fn get(&mut self, type_name: &str, value: &str) -> String {
        let key = (type_name.to_string(), value.to_string());
        if let Some(p) = self.by_value.get(&key) {
            return p.clone();
        }
        let n = self.counters.entry(type_name.to_string()).or_insert(0);
        *n += 1;
        let p = format!("[{type_name}_{n}]");
        self.by_value.insert(key, p.clone());
        p
    }
}

/// A redacted text and, for its `pseudonym` spans, which placeholder stands for which value (each
/// placeholder once, in order of first use). The pairs go back to the extension that sent the text
/// (it holds them in memory to restore the AI's answer in the page's display); never log them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redacted {
    pub text: String,
    pub pseudonyms: Vec<(String, String)>,
}

/// `text` with `spans` replaced (spans must not overlap; bad spans are skipped). `pseudonym`
/// spans become conversation-stable placeholders from `pseudonyms`; without one (no conversation)
/// they become type tags.
pub fn apply(text: &str, spans: &[RedactSpan], key: &[u8], pseudonyms: Option<&mut Pseudonyms>) -> String {
    apply_with_pseudonyms(text, spans, key, pseudonyms).text
}

/// [`apply`], also returning the placeholders used and their values.
pub fn apply_with_pseudonyms(text: &str, spans: &[RedactSpan], key: &[u8], mut pseudonyms: Option<&mut Pseudonyms>) -> Redacted {
    let ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
    let mut used: Vec<(String, String)> = Vec::new();
    let text = replace_spans(text, &ranges, |i, value| {
        let s = &spans[i];
        match (s.style, pseudonyms.as_deref_mut()) {
            (RedactionStyle::Pseudonym, Some(p)) => {
                let placeholder = p.get(&s.type_name, value);
                if !used.iter().any(|(ph, _)| *ph == placeholder) {
                    used.push((placeholder.clone(), value.to_string()));
                }
                placeholder
            }
            (style, _) => replacement(value, &s.type_name, style.detect_style(), key),
        }
    });
    Redacted { text, pseudonyms: used }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styled(text: &str, value: &str, from: usize, t: &str, style: RedactionStyle) -> RedactSpan {
        let start = text[from..].find(value).unwrap() + from;
        RedactSpan { start, end: start + value.len(), type_name: t.into(), style }
    }

    fn span(text: &str, value: &str, from: usize, t: &str) -> RedactSpan {
        styled(text, value, from, t, RedactionStyle::Pseudonym)
    }

    #[test]
    fn pseudonyms_are_stable_within_a_conversation() {
        let mut p = Pseudonyms::default();
        let t1 = "a@x.io wrote to b@x.io";
        let s1 = [span(t1, "a@x.io", 0, "EMAIL"), span(t1, "b@x.io", 0, "EMAIL")];
        assert_eq!(apply(t1, &s1, b"", Some(&mut p)), "[EMAIL_1] wrote to [EMAIL_2]");
        let t2 = "reply to b@x.io";
        assert_eq!(apply(t2, &[span(t2, "b@x.io", 0, "EMAIL")], b"", Some(&mut p)), "reply to [EMAIL_2]");
        assert_eq!(apply(t2, &[span(t2, "b@x.io", 0, "EMAIL")], b"", None), "reply to [EMAIL]");
    }

    #[test]
    fn styles_mix_and_the_mapping_lists_pseudonyms_only() {
        let mut p = Pseudonyms::default();
        let t = "Maria Rossi paid with 4111 1111 1111 1111, Maria Rossi again";
        let spans = [
            styled(t, "Maria Rossi", 0, "PERSON", RedactionStyle::Pseudonym),
            styled(t, "4111 1111 1111 1111", 0, "CREDIT_CARD", RedactionStyle::Mask),
            styled(t, "Maria Rossi", 5, "PERSON", RedactionStyle::Pseudonym),
        ];
        let r = apply_with_pseudonyms(t, &spans, b"", Some(&mut p));
        assert_eq!(r.text, "[PERSON_1] paid with **** **** **** 1111, [PERSON_1] again");
        assert_eq!(r.pseudonyms, vec![("[PERSON_1]".to_string(), "Maria Rossi".to_string())]);
        // Without a conversation a pseudonym span is a type tag, and nothing maps back.
        let r = apply_with_pseudonyms(t, &spans, b"", None);
        assert_eq!(r.text, "[PERSON] paid with **** **** **** 1111, [PERSON] again");
        assert!(r.pseudonyms.is_empty());
    }
}
