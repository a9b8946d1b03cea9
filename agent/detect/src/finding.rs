//! Findings and the deterministic resolution of overlapping findings.

use serde::Serialize;
use std::borrow::Cow;

use crate::entity::{EntityType, Family};

/// One sensitive value found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The taxonomy type (`CUSTOM` for a policy's own detectors).
    #[serde(rename = "type")]
    pub entity: EntityType,
    /// UTF-8 byte offset of the first byte of the value.
    pub start: usize,
    /// UTF-8 byte offset one past the last byte of the value.
    pub end: usize,
    /// Confidence in `[0, 1]`.
    pub score: f32,
    /// The detector that produced this finding, e.g. `secret.github_token`.
    pub detector: Cow<'static, str>,
    /// For custom detectors: the policy rule's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

impl Finding {
    pub fn new(entity: EntityType, start: usize, end: usize, score: f32, detector: impl Into<Cow<'static, str>>) -> Self {
        Finding { entity, start, end, score: score.clamp(0.0, 1.0), detector: detector.into(), rule_id: None }
    }

    pub fn family(&self) -> Family {
        self.entity.family()
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn overlaps(&self, other: &Finding) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The value in `text` (empty if the span does not fit the text).
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// How strongly a type claims a span when findings overlap. Whole structures that contain other
/// values (a PEM block, a connection string, a JWT, a webhook URL) come first, so the outer value is
/// kept, as the taxonomy labels it; then types with validated formats; then contextual guesses.
pub fn priority(t: EntityType) -> u8 {
    use EntityType::*;
    match t {
        PrivateKey => 100,
        ConnectionString | SlackWebhook => 95,
        Jwt => 90,
        AwsAccessKey | GithubToken | GitlabToken | SlackToken | StripeKey | OpenaiApiKey | AnthropicApiKey | GoogleApiKey => 85,
        AzureKey => 82,
        Iban | CreditCard => 80,
        Address => 75,
        NationalId | UsSsn => 70,
        Email => 68,
        AwsSecretKey => 66,
        GenericSecret => 64,
        Password => 62,
        UsRoutingNumber | SwiftBic => 60,
        Passport | DriverLicense | MedicalRecordNumber | DateOfBirth => 55,
        BankAccount => 50,
        IpAddress => 45,
        Phone => 40,
        Custom => 35,
        HealthCondition => 30,
        Person => 25,
    }
}

/// Answers "does this span overlap any of these findings?" in O(log n) (the findings may overlap
/// one another).
pub struct SpanIndex {
    /// Starts, ascending, and the largest end among the findings up to each.
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl SpanIndex {
    pub fn new(findings: &[Finding]) -> SpanIndex {
        let mut spans: Vec<(usize, usize)> = findings.iter().filter(|f| !f.is_empty()).map(|f| (f.start, f.end)).collect();
        spans.sort_unstable();
        let mut max = 0;
        let max_end = spans
            .iter()
            .map(|&(_, e)| {
                max = max.max(e);
                max
            })
            .collect();
        SpanIndex { starts: spans.into_iter().map(|(s, _)| s).collect(), max_end }
    }

    /// Whether `[start, end)` overlaps one of the findings.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        let before_end = self.starts.partition_point(|&s| s < end);
        before_end > 0 && self.max_end[before_end - 1] > start
    }
}

/// The order in which findings claim their span: higher-priority type, then longer, then higher
/// score; start and detector make it total.
fn claim_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    priority(b.entity)
        .cmp(&priority(a.entity))
        .then(b.len().cmp(&a.len()))
        .then(b.score.total_cmp(&a.score))
        .then(a.start.cmp(&b.start))
        .then(a.detector.cmp(&b.detector))
}

/// Resolves overlapping findings deterministically: when two findings overlap, the one that
/// contains the other wins if its type claims whole structures, otherwise the higher priority,
/// then the longer span, then the higher score, then the earlier start, then the detector id.
/// Custom findings never suppress built-in ones and vice versa: a policy can match a value that a
/// built-in type also matches, and both are reported.
pub fn resolve_overlaps(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.retain(|f| !f.is_empty());
    findings.sort_by(claim_order);
    // Kept spans of one group (built-in types; each custom rule) never overlap one another, so
    // per group they sit in a map by start and one look at the nearest span before `f.end` tells
    // whether `f` clashes: n log n, where comparing against every kept finding was quadratic (a
    // multi-megabyte paste has tens of thousands of findings).
    let mut groups: std::collections::HashMap<Option<Option<&str>>, std::collections::BTreeMap<usize, usize>> = Default::default();
    let mut keep = vec![false; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let group = (f.entity == EntityType::Custom).then_some(f.rule_id.as_deref());
        let spans = groups.entry(group).or_default();
        let clash = spans.range(..f.end).next_back().is_some_and(|(_, &end)| end > f.start);
        if !clash {
            spans.insert(f.start, f.end);
            keep[i] = true;
        }
    }
    let mut kept: Vec<Finding> = findings.into_iter().zip(keep).filter_map(|(f, k)| k.then_some(f)).collect();
    kept.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.entity.cmp(&b.entity)));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_structure_wins() {
        let cs = Finding::new(EntityType::ConnectionString, 0, 40, 0.9, "a");
        let pw = Finding::new(EntityType::Password, 20, 28, 0.99, "b");
        let ip = Finding::new(EntityType::IpAddress, 29, 38, 0.9, "c");
        let out = resolve_overlaps(vec![pw, ip, cs.clone()]);
        assert_eq!(out, vec![cs]);
    }

    #[test]
    fn span_index_finds_overlaps_among_overlapping_findings() {
        let fs = vec![
            Finding::new(EntityType::Email, 10, 50, 0.9, "a"),
            Finding::new(EntityType::Phone, 12, 14, 0.9, "b"),
            Finding::new(EntityType::IpAddress, 60, 70, 0.9, "c"),
        ];
        let ix = SpanIndex::new(&fs);
        for (s, e) in [(0, 10), (50, 60), (70, 80), (0, 5)] {
            assert!(!ix.overlaps(s, e), "{s}..{e}");
        }
        for (s, e) in [(0, 11), (49, 55), (20, 21), (55, 61), (69, 90), (0, 100)] {
            assert!(ix.overlaps(s, e), "{s}..{e}");
        }
        assert!(!SpanIndex::new(&[]).overlaps(0, 10));
    }

    #[test]
    fn same_result_as_comparing_every_pair() {
        // The quadratic rule this replaced, on many random findings of built-in and custom types.
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as usize
        };
        let types = [EntityType::Email, EntityType::Phone, EntityType::Person, EntityType::Custom, EntityType::AwsAccessKey];
        for _ in 0..50 {
            let fs: Vec<Finding> = (0..200)
                .map(|i| {
                    let s = next(2000);
                    let mut f = Finding::new(types[next(5)], s, s + next(40), 0.5 + next(50) as f32 / 100.0, "d");
                    if f.entity == EntityType::Custom && i % 4 != 0 {
                        f.rule_id = Some(format!("r{}", i % 3));
                    }
                    f
                })
                .collect();
            let mut sorted = fs.clone();
            sorted.retain(|f| !f.is_empty());
            sorted.sort_by(claim_order);
            let mut naive: Vec<Finding> = Vec::new();
            for f in sorted {
                let custom = f.entity == EntityType::Custom;
                if !naive
                    .iter()
                    .any(|k| (k.entity == EntityType::Custom) == custom && k.overlaps(&f) && !(custom && k.rule_id != f.rule_id))
                {
                    naive.push(f);
                }
            }
            naive.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.entity.cmp(&b.entity)));
            assert_eq!(resolve_overlaps(fs), naive);
        }
    }

    #[test]
    fn deterministic_regardless_of_input_order() {
        let a = Finding::new(EntityType::Phone, 0, 12, 0.8, "p");
        let b = Finding::new(EntityType::CreditCard, 0, 16, 0.9, "c");
        let c = Finding::new(EntityType::Email, 20, 30, 0.9, "e");
        let one = resolve_overlaps(vec![a.clone(), b.clone(), c.clone()]);
        let two = resolve_overlaps(vec![c, b, a]);
        assert_eq!(one, two);
        assert_eq!(one.len(), 2);
    }
}
