//! Applying a `redact` decision to the text, with optional consistent pseudonyms: within one
//! conversation the same value always becomes the same placeholder (`[EMAIL_1]`), so the AI's
//! answer still distinguishes "the first customer" from "the second" without seeing either.

use std::collections::HashMap;

use promptwall_detect::redact::{replace_spans, replacement};

use crate::eval::RedactSpan;

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

/// `text` with `spans` replaced (spans must not overlap; bad spans are skipped). With
/// `pseudonyms`, every span becomes a conversation-stable placeholder instead of its style.
pub fn apply(text: &str, spans: &[RedactSpan], key: &[u8], mut pseudonyms: Option<&mut Pseudonyms>) -> String {
    let ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
    replace_spans(text, &ranges, |i, value| {
        let s = &spans[i];
        match pseudonyms.as_deref_mut() {
            Some(p) => p.get(&s.type_name, value),
            None => replacement(value, &s.type_name, s.style, key),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use promptwall_detect::RedactStyle;

    fn span(text: &str, value: &str, from: usize, t: &str) -> RedactSpan {
        let start = text[from..].find(value).unwrap() + from;
        RedactSpan { start, end: start + value.len(), type_name: t.into(), style: RedactStyle::Tag }
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
}
