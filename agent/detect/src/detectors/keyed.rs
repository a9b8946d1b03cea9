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
            if let Some((s, e)) = super::values_after(doc, hit.end, self.spec.window, &self.value) {
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
