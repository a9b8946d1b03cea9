//! HEALTH family: medical record numbers after a clinical label, and health conditions from a
//! dictionary, reported only when the text is about an identifiable person (a patient note, a
//! claim, someone's own message) — not for generic health information.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::keyed::KeyedSpec;
use super::{damp_negative, Candidate, Detector, RuleSpec};
use crate::context::Ctx;
use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;

pub static RULES: &[RuleSpec] = &[];

fn check_mrn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let nd = v.bytes().filter(u8::is_ascii_digit).count();
    if nd < 5 || !doc.word_bounded(c.start, c.end) || super::numbers::looks_like_date(v) {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.92))
}

pub static KEYED: &[KeyedSpec] = &[KeyedSpec {
    id: "health.medical_record_number",
    entity: EntityType::MedicalRecordNumber,
    ctx: Ctx::Mrn,
    window: 40,
    value: r"^[^\n\r0-9]{0,20}?\b((?:[A-Z]{1,4}[-#]?)?[0-9][0-9\-]{4,14}[0-9A-Z]?)\b",
    cell: Some(r"^((?:[A-Z]{1,4}[-#]?)?[0-9][0-9\-]{4,14}[0-9A-Z]?)$"),
    check: check_mrn,
    tp: &["MRN: 00482913", "Patient account / MRN 7734-2291", "Medical record number: MR-5520193"],
    fp: &["MRN: pending", "patient id: n/a"],
}];

/// Condition phrases, lower-case; matched whole-word and case-insensitively, longest first.
const CONDITIONS: &str = include_str!("../../data/health_conditions.txt");

/// Words that mark generic health information (a newsletter, a benefits FAQ) rather than a person.
const GENERIC_MARKERS: &[&str] = &[
    "members managing",
    "newsletter",
    "faq",
    "benefits guide",
    "wellness program",
    "awareness month",
    "our members",
    "employees who",
    "people with",
    "patients with",
    "risk factors",
    "learn more",
    "webinar",
    "open enrollment",
    "plan covers",
    "coverage for",
    "screening program",
];

pub struct ConditionDetector {
    matcher: AhoCorasick,
    /// Qualifiers that belong to the condition phrase: `of the left knee`, `with aura`,
    /// `stage 3`, `L4/L5`, `(severe)`.
    qualifier: regex::Regex,
    phrases: Vec<&'static str>,
}

impl ConditionDetector {
    pub fn new() -> Result<Self, regex::Error> {
        let phrases: Vec<&'static str> = CONDITIONS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&phrases)
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        let qualifier = regex::Regex::new(
            r"^(?: (?:of the|of|with|without) (?:left |right |lower |upper |both )?[a-z]+| (?:stage|type|typ|grade|class|tipo) [0-9IVX]+[a-c]?| [A-Z][0-9]/[A-Z][0-9]| bronchiale| (?:sévère|severe|mild|moderate|chronic|chronique|grave|lieve)\b)+",
        )?;
        Ok(ConditionDetector { matcher, qualifier, phrases })
    }

    fn about_a_person(doc: &Document<'_>) -> bool {
        let personal = doc.has(Ctx::Patient) || doc.has(Ctx::Mrn);
        if !personal {
            return false;
        }
        let lower_head: String = doc.text.chars().take(4000).collect::<String>().to_lowercase();
        let generic = GENERIC_MARKERS.iter().filter(|m| lower_head.contains(*m)).count();
        generic == 0
    }
}

impl Detector for ConditionDetector {
    fn id(&self) -> &str {
        "health.condition"
    }

    fn anchors(&self) -> &[&str] {
        &[]
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        if !Self::about_a_person(doc) {
            return;
        }
        let mut found = Vec::new();
        for m in self.matcher.find_iter(doc.text) {
            if doc.word_bounded(m.start(), m.end()) {
                let end = self.qualifier.find(&doc.text[m.end()..]).map_or(m.end(), |q| m.end() + q.end());
                found.push((m.start(), end));
            }
        }
        if found.is_empty() {
            return;
        }
        for (s, e) in found {
            // Negated or family history mentions are still health data about someone; keep them.
            let score = if doc.before(s, Ctx::Patient, 80) { 0.85 } else { 0.7 };
            out.push(Finding::new(EntityType::HealthCondition, s, e, score, "health.condition"));
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        vec![
            (EntityType::HealthCondition, "Patient was diagnosed with type 2 diabetes mellitus last year."),
            (EntityType::HealthCondition, "MRN 00482913. Assessment: chronic kidney disease stage 3."),
        ]
    }

    fn false_positives(&self) -> &[&str] {
        &["Our newsletter: tips for members managing diabetes this winter."]
    }
}

#[allow(dead_code)]
fn _phrases(d: &ConditionDetector) -> usize {
    d.phrases.len()
}
