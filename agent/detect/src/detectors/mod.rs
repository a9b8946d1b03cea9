//! Detectors: each finds one or a few entity types.
//!
//! A [`Detector`] declares *anchors* — literal strings (ASCII case-insensitive) at least one of
//! which must occur in the text for the detector to run — so the engine's single Aho-Corasick pass
//! decides which detectors are worth running at all. Most built-in detectors are [`RegexRule`]s:
//! a pattern compiled once, a `check` that validates each match and scores it from its context,
//! and the rule's own true- and false-positive examples, which a test runs.
//!
//! Modules: [`secret`], [`financial`], [`pii`], [`health`] hold the built-in rules; [`person`]
//! and [`address`] the non-ML name and street-address finders; [`custom`] the policy-defined
//! detectors (dictionaries, regexes, exact-data-match sets).

pub mod address;
pub mod custom;
pub mod financial;
pub mod health;
pub mod keyed;
mod numbers;
pub mod person;
pub mod pii;
pub mod secret;

use regex::Regex;

use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;

/// A detector finds values of one or a few entity types in a [`Document`].
pub trait Detector: Send + Sync {
    /// Stable id, e.g. `secret.github_token`; reported with every finding.
    fn id(&self) -> &str;
    /// Literal anchors (matched ASCII case-insensitively); empty means "always run".
    fn anchors(&self) -> &[&str];
    /// Appends findings to `out`. Must not panic on any text.
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>);
    /// Texts this detector must flag, each with the type it must flag it as.
    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        Vec::new()
    }
    /// Texts on which this detector must stay silent.
    fn false_positives(&self) -> &[&str] {
        &[]
    }
    /// The rule behind this detector when it is a plain regex rule, so the engine can gate it with
    /// its multi-pattern pass instead of running it over the whole text.
    fn as_regex_rule(&self) -> Option<&RegexRule> {
        None
    }
}

/// A candidate value under check: its span may be narrowed by the check.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    /// Set by a check that recognises the value as a more specific type than its rule's.
    pub retype: Option<EntityType>,
}

impl Candidate {
    pub fn value<'t>(&self, doc: &Document<'t>) -> &'t str {
        doc.text.get(self.start..self.end).unwrap_or("")
    }
}

/// Decides whether a match is a finding: returns its score (or `None` to reject); may narrow the
/// candidate's span.
pub type CheckFn = fn(&Document<'_>, &mut Candidate) -> Option<f32>;

/// A declarative rule: a pattern, a check, and its examples.
pub struct RuleSpec {
    pub id: &'static str,
    pub entity: EntityType,
    /// The value is capture group 1 when the pattern has one, otherwise the whole match.
    pub pattern: &'static str,
    pub anchors: &'static [&'static str],
    pub check: CheckFn,
    pub tp: &'static [&'static str],
    pub fp: &'static [&'static str],
}

/// A [`RuleSpec`] with its regex compiled once.
pub struct RegexRule {
    spec: &'static RuleSpec,
    regex: Regex,
}

impl RegexRule {
    pub fn new(spec: &'static RuleSpec) -> Result<Self, regex::Error> {
        Ok(RegexRule { spec, regex: Regex::new(&ascii_boundaries(spec.pattern))? })
    }

    /// The compiled pattern (word boundaries made ASCII-only, which keeps the DFA fast).
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    /// Runs the rule on matches that start in `from..to`, looking at most up to `ext_end`.
    /// Assertions such as `\b` see the text before `from`, so results equal a whole-text run for
    /// every match shorter than `ext_end - to`.
    pub fn detect_in(&self, doc: &Document<'_>, from: usize, to: usize, ext_end: usize, out: &mut Vec<Finding>) {
        let hay = &doc.text[..ext_end];
        let grouped = self.regex.captures_len() > 1;
        let mut pos = from;
        while pos < to {
            // Capture groups cost a slower engine: use them only for rules that have them.
            let (m, v) = if grouped {
                let Some(caps) = self.regex.captures_at(hay, pos) else { break };
                let Some(m) = caps.get(0) else { break };
                (m, caps.iter().skip(1).flatten().next().unwrap_or(m))
            } else {
                let Some(m) = self.regex.find_at(hay, pos) else { break };
                (m, m)
            };
            if m.start() >= to {
                break;
            }
            self.emit(doc, v.start(), v.end(), out);
            pos = if m.end() > m.start() { m.end() } else { crate::document::ceil_char_boundary(hay, m.end() + 1) };
        }
    }
}

/// `\b` in our patterns means an ASCII word boundary: values are ASCII, and a Unicode-aware
/// boundary would make the regex engine leave its fast DFA on non-ASCII text.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

impl Detector for RegexRule {
    fn id(&self) -> &str {
        self.spec.id
    }

    fn anchors(&self) -> &[&str] {
        self.spec.anchors
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let grouped = self.regex.captures_len() > 1;
        if grouped {
            for caps in self.regex.captures_iter(doc.text) {
                // The value is the first group that took part in the match.
                if let Some(m) = caps.iter().skip(1).flatten().next() {
                    self.emit(doc, m.start(), m.end(), out);
                }
            }
        } else {
            for m in self.regex.find_iter(doc.text) {
                self.emit(doc, m.start(), m.end(), out);
            }
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        self.spec.tp.iter().map(|t| (self.spec.entity, *t)).collect()
    }

    fn false_positives(&self) -> &[&str] {
        self.spec.fp
    }

    fn as_regex_rule(&self) -> Option<&RegexRule> {
        Some(self)
    }
}

impl RegexRule {
    fn emit(&self, doc: &Document<'_>, start: usize, end: usize, out: &mut Vec<Finding>) {
        emit_checked(doc, self.spec.entity, self.spec.id, self.spec.check, start, end, out);
    }
}

/// Runs `check` on the match `start..end` and, if it accepts, records the finding (with the span
/// and type the check may have adjusted). Shared by regex and keyed rules.
pub(crate) fn emit_checked(
    doc: &Document<'_>,
    entity: EntityType,
    id: &'static str,
    check: CheckFn,
    start: usize,
    end: usize,
    out: &mut Vec<Finding>,
) {
    let mut c = Candidate { start, end, retype: None };
    if let Some(score) = check(doc, &mut c) {
        if c.end > c.start && doc.text.is_char_boundary(c.start) && doc.text.is_char_boundary(c.end) {
            out.push(Finding::new(c.retype.unwrap_or(entity), c.start, c.end, score, id));
        }
    }
}

/// Finds a value right after a context word: used by detectors whose values have no shape of their
/// own (passwords, passport numbers, medical record numbers). `value` is matched against the text
/// that follows the word on the same line, anchored at its start.
pub fn values_after<'t>(doc: &Document<'t>, hit_end: usize, window: usize, value: &Regex) -> Option<(usize, usize)> {
    // The window bounds where the value may start; the value itself may run on (a long token after
    // its key is not cut at the window's edge).
    let end = doc.line_end(hit_end);
    let hi = crate::document::floor_char_boundary(doc.text, (hit_end + window + 512).min(end));
    let slice = doc.text.get(hit_end..hi)?;
    let caps = value.captures(slice)?;
    // The value is the first group that took part in the match (patterns may offer alternatives).
    let m = caps.iter().skip(1).flatten().next().or_else(|| caps.get(0))?;
    if m.start() > window {
        return None;
    }
    // Inside a JSON or C string an escaped newline ends the value (`"X_TOKEN=…\nNEXT=1"`).
    let v = m.as_str();
    let cut = ["\\n", "\\r", "\\t"].iter().filter_map(|e| v.find(e)).min().unwrap_or(v.len());
    if cut == 0 {
        return None;
    }
    Some((hit_end + m.start(), hit_end + m.start() + cut))
}

/// Lowers a score when test/example words sit right before the value on its line.
pub fn damp_negative(doc: &Document<'_>, start: usize, score: f32) -> f32 {
    if doc.before(start, crate::context::Ctx::Negative, 32) {
        score - 0.3
    } else {
        score
    }
}

/// All built-in rule-based detectors, compiled. Errors here are bugs in our own patterns, caught by
/// the test suite.
pub fn builtin() -> Result<Vec<Box<dyn Detector>>, regex::Error> {
    let mut out: Vec<Box<dyn Detector>> = Vec::new();
    for spec in secret::RULES.iter().chain(financial::RULES).chain(pii::RULES).chain(health::RULES) {
        out.push(Box::new(RegexRule::new(spec)?));
    }
    for spec in secret::KEYED.iter().chain(financial::KEYED).chain(pii::KEYED).chain(health::KEYED) {
        out.push(Box::new(keyed::KeyedRule::new(spec)?));
    }
    out.push(Box::new(pii::EmailDetector));
    out.push(Box::new(pii::ApisDetector::new()?));
    out.push(Box::new(person::PersonDetector::new()?));
    out.push(Box::new(address::AddressDetector::new()?));
    out.push(Box::new(health::ConditionDetector::new()?));
    Ok(out)
}
