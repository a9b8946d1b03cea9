//! Keyed detectors: values with no shape of their own, found right after a context word
//! (`password: …`, `Passport No. …`, `MRN …`) or in a table column whose header names them.

use regex::Regex;

use super::{CheckFn, Detector};
use crate::context::{Ctx, CONTEXT_WORDS};
use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;

/// A keyed rule: which context group introduces the value, how far after the word the value may
/// start, the value's pattern (anchored at the text after the word; group 1 is the value), and
/// the check that scores it.
pub struct KeyedSpec {
    pub id: &'static str,
    pub entity: EntityType,
    pub ctx: Ctx,
    pub window: usize,
    pub value: &'static str,
    /// Pattern a whole table cell must match when the column header names `ctx`; `None` means the
    /// rule does not read tables.
    pub cell: Option<&'static str>,
    pub check: CheckFn,
    pub tp: &'static [&'static str],
    pub fp: &'static [&'static str],
}

/// Whether the word that a context hit ends inside goes on (`tokenizer`, `secretary`,
/// `passwordless`): a camel hump (`tokenType`), an underscore or a plural `s` end the key word.
fn word_continues(doc: &Document<'_>, end: usize) -> bool {
    let (Some(last), Some(next)) = (doc.byte_before(end), doc.byte_at(end)) else { return false };
    if !last.is_ascii_alphabetic() || !next.is_ascii_alphabetic() {
        return false;
    }
    let hump = last.is_ascii_lowercase() && next.is_ascii_uppercase();
    if hump {
        return false;
    }
    // A plural: `tokens =`, `SECRETS:`, `credentials.` — but not `credentialsId`.
    if next.eq_ignore_ascii_case(&b's') && !doc.byte_at(end + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    true
}

/// A secret whose key ends its line and whose value is alone on the next one:
///
/// * an XML element written over three lines: `<apiToken>⏎    value⏎</apiToken>`;
/// * a Kubernetes / Compose `env:` entry: `- name: API_TOKEN⏎  value: "…"` (also JSON's
///   `"name": "API_TOKEN",⏎"value": "…"`).
fn value_on_next_line(doc: &Document<'_>, hit_end: usize) -> Option<(usize, usize)> {
    let text = doc.text;
    let ls = doc.line_start(hit_end);
    let le = doc.line_end(hit_end);
    let before = text[ls..hit_end].trim_start();
    let rest = &text[hit_end..le];
    let key_tail = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let next_start = le + 1;
    if next_start >= text.len() {
        return None;
    }
    let next_end = doc.line_end(next_start);
    let next = &text[next_start..next_end];
    let lead = next.len() - next.trim_start().len();
    let xml = before.starts_with('<') && !before.contains(['>', ' ']) && key_tail.trim_end() == ">";
    if xml {
        let value = next.trim();
        let after = text.get(next_end + 1..).map(|t| t.trim_start()).unwrap_or("");
        if value.is_empty() || value.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"')) || !after.starts_with("</") {
            return None;
        }
        return Some((next_start + lead, next_start + lead + value.len()));
    }
    let head = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let head = head.trim_end_matches(['"', '\'']).trim_end();
    let named = head.ends_with("name:") || head.ends_with("\"name\":") || head.ends_with("'name':");
    let tail = key_tail.trim_end().trim_end_matches(',').trim_end_matches(['"', '\'']);
    if !named || !tail.is_empty() {
        return None;
    }
    let body = next.trim_start();
    let body = body.strip_prefix("value:").or_else(|| body.strip_prefix("\"value\":"))?;
    let vs = next_start + (next.len() - body.len());
    let value = body.trim_start();
    let vs = vs + (body.len() - value.len());
    let (vs, value) = match value.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => {
            let inner = &value[1..];
            (vs + 1, &inner[..inner.find(*q as char)?])
        }
        _ => (vs, value.trim_end().trim_end_matches(',')),
    };
    if value.is_empty() || value.contains(char::is_whitespace) {
        return None;
    }
    Some((vs, vs + value.len()))
}

pub struct KeyedRule {
    spec: &'static KeyedSpec,
    value: Regex,
    cell: Option<Regex>,
    anchors: Vec<&'static str>,
}

impl KeyedRule {
    pub fn new(spec: &'static KeyedSpec) -> Result<Self, regex::Error> {
        let anchors = CONTEXT_WORDS
            .iter()
            .filter(|(c, _)| *c == spec.ctx)
            .flat_map(|(_, words)| words.iter().map(|w| w.trim_end_matches('$')))
            .collect();
        Ok(KeyedRule { spec, value: Regex::new(spec.value)?, cell: spec.cell.map(Regex::new).transpose()?, anchors })
    }

    fn emit(&self, doc: &Document<'_>, start: usize, end: usize, out: &mut Vec<Finding>) {
        super::emit_checked(doc, self.spec.entity, self.spec.id, self.spec.check, start, end, out);
    }
}

impl Detector for KeyedRule {
    fn id(&self) -> &str {
        self.spec.id
    }

    fn anchors(&self) -> &[&str] {
        &self.anchors
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let mut last_end = 0;
        let secret = self.spec.entity.family() == crate::entity::Family::Secret;
        for hit in doc.hits_of(self.spec.ctx) {
            if hit.end < last_end || secret && word_continues(doc, hit.end) {
                continue;
            }
            // A context word that takes its operator with it (`key=`, `key:`) leaves it to the value
            // pattern, which expects one.
            let from = if matches!(doc.byte_before(hit.end), Some(b'=' | b':')) { hit.end - 1 } else { hit.end };
            let found = super::values_after(doc, from, self.spec.window, &self.value).or_else(|| {
                if secret {
                    value_on_next_line(doc, hit.end)
                } else {
                    None
                }
            });
            if let Some((s, e)) = found {
                last_end = e;
                self.emit(doc, s, e, out);
            }
        }
        if let Some(cell) = &self.cell {
            for (s, e) in doc.column_cells(self.spec.ctx) {
                if let Some(caps) = cell.captures(&doc.text[s..e]) {
                    if let Some(m) = caps.get(1).or_else(|| caps.get(0)) {
                        self.emit(doc, s + m.start(), s + m.end(), out);
                    }
                }
            }
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        self.spec.tp.iter().map(|t| (self.spec.entity, *t)).collect()
    }

    fn false_positives(&self) -> &[&str] {
        self.spec.fp
    }
}
