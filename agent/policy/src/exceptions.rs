//! Finding exceptions (`exceptions.findings`): approved false-alarm reports, signed into the bundle
//! with the rest of the policy. A finding is dropped before evaluation when an exception in scope
//! and not expired names its detector and either its value's keyed hash, a pattern its whole value
//! matches, or (with neither) the site. Pure: the caller gives the key, the context and the time.
//!
//! The keyed hash ([`false_alarm_hash`]) is what a report carries instead of the value: HMAC-SHA256
//! under the tenant's redaction key, so the server and the console group reports of one value
//! without ever holding it, and the bundle's exceptions let nobody without the key test guesses.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::eval::Context;
use crate::schema::{host_matches, valid_host_pattern, CompiledPolicy, FindingException};
use promptwall_detect::{Finding, ScanResult};

/// Domain separation: these hashes are not EDM hashes nor `hash` redaction tags of the same key.
const DOMAIN: &[u8] = b"promptwall.false-alarm.v1\0";
/// Longest `pattern`, in bytes, and the compiled automaton's size limit.
pub const MAX_PATTERN: usize = 512;
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The keyed hash of a finding's value in false-alarm reports and exceptions: lowercase hex of
/// HMAC-SHA256(key, "promptwall.false-alarm.v1\0" ‖ value with surrounding whitespace trimmed).
pub fn false_alarm_hash(key: &[u8], value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(DOMAIN);
    mac.update(value.trim().as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The detector a finding is reported and excepted under: a custom detector's id, else the
/// built-in detector's (`pii.email`).
pub fn detector_id(f: &Finding) -> &str {
    f.rule_id.as_deref().unwrap_or(&f.detector)
}

/// An exception ready to match.
#[derive(Debug, Clone)]
pub struct CompiledException {
    pub exception: FindingException,
    pattern: Option<regex::Regex>,
}

fn build_pattern(p: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{p})$")).size_limit(PATTERN_SIZE_LIMIT).build()
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

pub(crate) fn validate(list: &[FindingException], p: &mut impl FnMut(String, &str)) {
    let mut ids = std::collections::HashSet::new();
    for (i, e) in list.iter().enumerate() {
        let at = |f: &str| format!("exceptions.findings[{i}].{f}");
        if !valid_id(&e.id) || !ids.insert(e.id.as_str()) {
            p(at("id"), "must be unique, 1-64 of A-Z a-z 0-9 - _ . :");
        }
        if e.detector.trim().is_empty() || e.detector.len() > 128 {
            p(at("detector"), "must name a detector (1-128 characters)");
        }
        if let Some(h) = &e.value_hash {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                p(at("value_hash"), "must be 64 lowercase hex digits (the keyed hash a report carries)");
            }
        }
        if let Some(pat) = &e.pattern {
            if pat.is_empty() || pat.len() > MAX_PATTERN {
                p(at("pattern"), "must be 1-512 bytes");
            } else if build_pattern(pat).is_err() {
                p(at("pattern"), "is not a valid regular expression (or compiles too large)");
            }
        }
        if e.value_hash.is_some() && e.pattern.is_some() {
            p(at("pattern"), "an exception has a value_hash or a pattern, not both");
        }
        if e.value_hash.is_none() && e.pattern.is_none() && e.sites.is_empty() {
            p(at("sites"), "an exception without value_hash or pattern must name its sites (a detector is never switched off everywhere)");
        }
        for (j, s) in e.sites.iter().enumerate() {
            if !valid_host_pattern(s) || s == "*" {
                p(at(&format!("sites[{j}]")), "must be a host or `*.domain`");
            }
        }
        for (field, list) in [("groups", &e.groups), ("users", &e.users)] {
            for (j, s) in list.iter().enumerate() {
                if s.trim().is_empty() {
                    p(at(&format!("{field}[{j}]")), "must not be empty");
                }
            }
        }
        if matches!(e.expires, Some(t) if t <= 0) {
            p(at("expires"), "must be Unix seconds");
        }
        if e.note.chars().count() > 500 {
            p(at("note"), "at most 500 characters");
        }
    }
}

/// The problems of one exception on its own (paths relative to it), as the server checks an
/// admin's approval before it is ever exported.
pub fn validate_one(e: &FindingException) -> Vec<crate::Problem> {
    let mut out = Vec::new();
    validate(std::slice::from_ref(e), &mut |path: String, message: &str| {
        out.push(crate::Problem { path: path.trim_start_matches("exceptions.findings[0].").to_string(), message: message.to_string() })
    });
    out
}

/// An exceptions file (`docs/schemas/exceptions.schema.json`), as `promptwall-server` exports the
/// approved false alarms for a group.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionsFile {
    pub format: u32,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub generated_ms: i64,
    pub findings: Vec<FindingException>,
}

/// Merges an exceptions file into a policy document (JSON) before it is signed: its exceptions
/// replace the policy's of the same id and the others are appended; those already expired at
/// `now_s` are left out. Returns how many the policy then holds. The caller validates the result.
pub fn merge_exceptions_file(policy: &mut serde_json::Value, file_json: &str, now_s: i64) -> Result<usize, String> {
    let file: ExceptionsFile = serde_json::from_str(file_json).map_err(|e| format!("not an exceptions file: {e}"))?;
    if file.format != 1 {
        return Err(format!("exceptions file format {} is not supported (1 is)", file.format));
    }
    let obj = policy.as_object_mut().ok_or("the policy is not a JSON object")?;
    let exc = obj.entry("exceptions").or_insert_with(|| serde_json::json!({}));
    let exc = exc.as_object_mut().ok_or("`exceptions` is not an object")?;
    let list = exc.entry("findings").or_insert_with(|| serde_json::json!([]));
    let list = list.as_array_mut().ok_or("`exceptions.findings` is not an array")?;
    for e in file.findings.into_iter().filter(|e| e.expires.is_none_or(|t| t > now_s)) {
        let v = serde_json::to_value(&e).map_err(|e| e.to_string())?;
        match list.iter_mut().find(|x| x.get("id").and_then(|i| i.as_str()) == Some(e.id.as_str())) {
            Some(slot) => *slot = v,
            None => list.push(v),
        }
    }
    Ok(list.len())
}

/// A policy's finding exceptions, indexed: value-hash exceptions by (detector, hash), so a paste
/// costs one HMAC per finding of a detector that has any, and a lookup, however many a fleet
/// approved; pattern and site exceptions (few) are tried in order.
#[derive(Debug, Clone, Default)]
pub struct FindingExceptions {
    /// In policy order.
    pub list: Vec<CompiledException>,
    by_value: std::collections::HashMap<(String, String), Vec<usize>>,
    value_detectors: std::collections::HashSet<String>,
    /// Indices of the exceptions without a value hash.
    others: Vec<usize>,
}

impl FindingExceptions {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Compiles validated exceptions (an invalid pattern, which validation refuses, matches nothing).
pub(crate) fn compile(list: &[FindingException]) -> FindingExceptions {
    let mut out = FindingExceptions::default();
    for (i, e) in list.iter().enumerate() {
        out.list.push(CompiledException { exception: e.clone(), pattern: e.pattern.as_deref().and_then(|p| build_pattern(p).ok()) });
        match &e.value_hash {
            Some(h) => {
                out.by_value.entry((e.detector.clone(), h.clone())).or_default().push(i);
                out.value_detectors.insert(e.detector.clone());
            }
            None => out.others.push(i),
        }
    }
    out
}

impl CompiledException {
    /// Whether the exception applies in this context at `now_s` (Unix seconds).
    pub fn in_force(&self, ctx: &Context<'_>, now_s: i64) -> bool {
        let e = &self.exception;
        e.expires.is_none_or(|t| now_s < t)
            && (e.sites.is_empty() || e.sites.iter().any(|s| host_matches(s, ctx.host)))
            && (e.groups.is_empty() || e.groups.iter().any(|g| ctx.groups.contains(g)))
            && (e.users.is_empty() || e.users.iter().any(|u| u == ctx.user))
    }

    /// Whether it covers this finding (scope not checked; see [`CompiledException::in_force`]),
    /// given the value and, when known, its keyed hash ([`false_alarm_hash`]).
    pub fn covers(&self, f: &Finding, value: &str, hash: Option<&str>) -> bool {
        let e = &self.exception;
        if e.detector != detector_id(f) {
            return false;
        }
        match (&e.value_hash, &self.pattern) {
            (Some(h), _) => hash == Some(h.as_str()),
            (None, Some(re)) => re.is_match(value.trim()),
            // Neither: the whole detector within the exception's sites (never empty, see validate).
            (None, None) => e.pattern.is_none(),
        }
    }
}

/// The scan without the findings an exception covers, and the ids of the exceptions that dropped
/// something (each once, in policy order). Of several exceptions covering one finding, the first
/// in policy order is named.
pub fn apply_exceptions(
    policy: &CompiledPolicy,
    text: &str,
    scan: &ScanResult,
    key: &[u8],
    ctx: &Context<'_>,
    now_s: i64,
) -> (ScanResult, Vec<String>) {
    let ex = &policy.finding_exceptions;
    if ex.is_empty() {
        return (scan.clone(), Vec::new());
    }
    let live = |i: usize| ex.list[i].in_force(ctx, now_s);
    let mut applied: Vec<usize> = Vec::new();
    let mut findings = Vec::with_capacity(scan.findings.len());
    for f in &scan.findings {
        let value = text.get(f.start..f.end).unwrap_or("");
        let detector = detector_id(f);
        let hash = ex.value_detectors.contains(detector).then(|| false_alarm_hash(key, value));
        let by_value = hash
            .as_ref()
            .and_then(|h| ex.by_value.get(&(detector.to_string(), h.clone())))
            .and_then(|ids| ids.iter().copied().find(|&i| live(i)));
        let by_other = ex
            .others
            .iter()
            .copied()
            .take_while(|&i| by_value.is_none_or(|v| i < v))
            .find(|&i| live(i) && ex.list[i].covers(f, value, None));
        match by_other.or(by_value) {
            Some(i) => {
                if !applied.contains(&i) {
                    applied.push(i);
                }
            }
            None => findings.push(f.clone()),
        }
    }
    applied.sort_unstable();
    let ids = applied.into_iter().map(|i| ex.list[i].exception.id.clone()).collect();
    (ScanResult { findings, categories: scan.categories.clone() }, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_policy;
    use promptwall_detect::EntityType;
    use serde_json::{json, Value};

    const KEY: &[u8] = &[7; 32];
    const NOW: i64 = 1_780_000_000;

    fn policy_with(findings: Value) -> Result<CompiledPolicy, Vec<crate::Problem>> {
        let mut p: Value = serde_json::from_str(crate::default_policy_json()).unwrap();
        p["exceptions"] = json!({ "findings": findings });
        parse_policy(&p.to_string())
    }

    fn email_scan(text: &str, value: &str) -> ScanResult {
        let start = text.find(value).unwrap();
        ScanResult { findings: vec![Finding::new(EntityType::Email, start, start + value.len(), 0.99, "pii.email")], categories: vec![] }
    }

    fn ctx<'a>(host: &'a str, user: &'a str, groups: &'a [String]) -> Context<'a> {
        Context { host, user, groups }
    }

    #[test]
    fn the_hash_is_keyed_trimmed_and_separated_from_other_uses() {
        let h = false_alarm_hash(KEY, " qa@example.test ");
        assert_eq!(h, false_alarm_hash(KEY, "qa@example.test"));
        assert_eq!(h.len(), 64);
        assert_ne!(h, false_alarm_hash(&[8; 32], "qa@example.test"), "another key, another hash");
        assert_ne!(h, promptwall_detect::edm_hash(KEY, promptwall_detect::Normalize::Email, "qa@example.test"));
    }

    #[test]
    fn validation_names_every_problem() {
        let bad = policy_with(json!([
            {"id": "a b", "detector": "pii.email", "value_hash": "xyz"},
            {"id": "dup", "detector": "", "sites": ["*"]},
            {"id": "dup", "detector": "pii.email"},
            {"id": "p", "detector": "pii.email", "pattern": "(unclosed"},
            {"id": "both", "detector": "pii.email", "pattern": "a", "value_hash": "0".repeat(64), "expires": 0},
            {"id": "scope", "detector": "pii.email", "sites": ["chatgpt.com"], "groups": [""]},
        ]))
        .unwrap_err();
        let paths: Vec<&str> = bad.iter().map(|p| p.path.as_str()).collect();
        for want in [
            "exceptions.findings[0].id",
            "exceptions.findings[0].value_hash",
            "exceptions.findings[1].detector",
            "exceptions.findings[1].sites[0]",
            "exceptions.findings[2].id",
            "exceptions.findings[2].sites",
            "exceptions.findings[3].pattern",
            "exceptions.findings[4].pattern",
            "exceptions.findings[4].expires",
            "exceptions.findings[5].groups[0]",
        ] {
            assert!(paths.contains(&want), "{want} missing from {paths:?}");
        }
        let unknown = policy_with(json!([{"id": "x", "detector": "pii.email", "sites": ["a.com"], "value": "qa@example.test"}]));
        assert!(unknown.is_err(), "a raw `value` field is refused: exceptions carry hashes, never values");
    }

    #[test]
    fn value_pattern_and_site_exceptions_with_scope_and_expiry() {
        let text = "write to qa@example.test";
        let scan = email_scan(text, "qa@example.test");
        let hash = false_alarm_hash(KEY, "qa@example.test");
        let p = policy_with(json!([
            {"id": "fa-value", "detector": "pii.email", "value_hash": hash, "groups": ["eng"], "expires": NOW + 10},
        ]))
        .unwrap();
        let eng = ["eng".to_string()];
        let (kept, ids) = apply_exceptions(&p, text, &scan, KEY, &ctx("chatgpt.com", "u", &eng), NOW);
        assert!(kept.findings.is_empty());
        assert_eq!(ids, vec!["fa-value".to_string()]);
        // Out of scope (another group), expired, another key (another tenant), another detector: kept.
        assert_eq!(apply_exceptions(&p, text, &scan, KEY, &ctx("chatgpt.com", "u", &[]), NOW).0.findings.len(), 1);
        assert_eq!(apply_exceptions(&p, text, &scan, KEY, &ctx("chatgpt.com", "u", &eng), NOW + 10).0.findings.len(), 1);
        assert_eq!(apply_exceptions(&p, text, &scan, &[1; 32], &ctx("chatgpt.com", "u", &eng), NOW).0.findings.len(), 1);
        let other = "write to ops@example.test";
        assert_eq!(
            apply_exceptions(&p, other, &email_scan(other, "ops@example.test"), KEY, &ctx("chatgpt.com", "u", &eng), NOW).1.len(),
            0
        );

        let p = policy_with(json!([
            {"id": "fa-pattern", "detector": "pii.email", "pattern": "[a-z]+@example\\.test", "users": ["alice"]},
            {"id": "fa-site", "detector": "pii.email", "sites": ["*.internal.test"]},
        ]))
        .unwrap();
        let (kept, ids) = apply_exceptions(&p, text, &scan, KEY, &ctx("chatgpt.com", "alice", &[]), NOW);
        assert!(kept.findings.is_empty() && ids == vec!["fa-pattern".to_string()]);
        assert_eq!(apply_exceptions(&p, text, &scan, KEY, &ctx("chatgpt.com", "bob", &[]), NOW).0.findings.len(), 1);
        let (kept, ids) = apply_exceptions(&p, text, &scan, KEY, &ctx("ai.internal.test", "bob", &[]), NOW);
        assert!(kept.findings.is_empty() && ids == vec!["fa-site".to_string()]);
        // The pattern covers the whole value only.
        let long = "write to qa@example.test.evil.com";
        let s = email_scan(long, "qa@example.test.evil.com");
        assert_eq!(apply_exceptions(&p, long, &s, KEY, &ctx("chatgpt.com", "alice", &[]), NOW).0.findings.len(), 1);
    }
}
