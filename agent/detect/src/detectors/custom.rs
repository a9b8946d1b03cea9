//! Custom detectors are data, so a policy bundle can carry them: a dictionary of terms (project
//! code names), a regex with an optional named validator, or an exact-data-match (EDM) set of keyed
//! hashes of normalised values (customer e-mails, account ids) — the raw values never ship.
//!
//! EDM hashing: `hex(HMAC-SHA256(key, message = normalise(value)))`; see [`edm_hash`]. The key
//! is the tenant's secret, which devices receive at enrollment and keep in protected storage, so
//! a bundle alone does not let anyone test guesses against the hashes. A spec may still carry its
//! own `salt` (then that is the key), at the cost of that protection (`policy lint` says so). Findings of custom detectors have type `CUSTOM` and carry the rule's id.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use hmac::{Hmac, Mac};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashSet;

use super::Detector;
use crate::document::Document;
use crate::entity::EntityType;
use crate::error::{ConfigError, ConfigErrors};
use crate::finding::Finding;

/// A custom detector as written in a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CustomSpec {
    /// Any of `terms`, matched as whole words (unless `whole_word` is false).
    Dictionary {
        id: String,
        terms: Vec<String>,
        #[serde(default)]
        case_sensitive: bool,
        #[serde(default = "yes")]
        whole_word: bool,
        #[serde(default)]
        score: Option<f32>,
    },
    /// A regex (Rust `regex` syntax; group 1 is the value if present) with an optional validator.
    Regex {
        id: String,
        pattern: String,
        #[serde(default)]
        validator: Option<Validator>,
        #[serde(default)]
        score: Option<f32>,
    },
    /// Exact data match: values whose normalised keyed hash is in `hashes`.
    ExactMatch {
        id: String,
        /// Hex-encoded salt, used as the HMAC key instead of the tenant key. Discouraged: a salt
        /// that rides in the bundle lets whoever reads the bundle test guesses offline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        salt: Option<String>,
        normalize: Normalize,
        /// Hex-encoded HMAC-SHA256 digests.
        hashes: Vec<String>,
        #[serde(default)]
        score: Option<f32>,
    },
}

fn yes() -> bool {
    true
}

/// Named validators a custom regex may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    Luhn,
    Iban,
    AbaRouting,
    UsSsn,
    Verhoeff,
    Mod97,
}

impl Validator {
    fn check(self, v: &str) -> bool {
        use crate::validate::{financial, luhn, national_id};
        match self {
            Validator::Luhn => luhn(v),
            Validator::Iban => financial::iban(v),
            Validator::AbaRouting => financial::aba_routing(v),
            Validator::UsSsn => national_id::us_ssn(v),
            Validator::Verhoeff => national_id::verhoeff(v),
            Validator::Mod97 => {
                let d = crate::validate::digits(v);
                d.len() > 2 && d.iter().fold(0u64, |a, &x| (a * 10 + x as u64) % 97) == 1
            }
        }
    }
}

/// How values are normalised before hashing, and which candidates the text is searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalize {
    /// Lower-cased e-mail addresses.
    Email,
    /// Digits only (phone numbers, account ids written with separators).
    Digits,
    /// Lower-cased alphanumeric tokens of 4+ characters (`[A-Za-z0-9_-]`).
    Token,
}

impl Normalize {
    pub fn apply(self, value: &str) -> String {
        match self {
            Normalize::Email => value.trim().to_lowercase(),
            Normalize::Digits => value.chars().filter(char::is_ascii_digit).collect(),
            Normalize::Token => value.trim().to_lowercase(),
        }
    }

    fn candidate_pattern(self) -> &'static str {
        match self {
            Normalize::Email => r"[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.[A-Za-z]{2,24}",
            Normalize::Digits => r"\+?[0-9][0-9 ().\-]{4,30}[0-9]",
            Normalize::Token => r"[A-Za-z0-9][A-Za-z0-9_\-]{3,127}",
        }
    }
}

/// The keyed hash an EDM set stores for `value`: lower-case hex HMAC-SHA256 with `salt` as key.
pub fn edm_hash(salt: &[u8], normalize: Normalize, value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(salt).expect("HMAC accepts keys of any length");
    mac.update(normalize.apply(value).as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

impl CustomSpec {
    pub fn id(&self) -> &str {
        match self {
            CustomSpec::Dictionary { id, .. } | CustomSpec::Regex { id, .. } | CustomSpec::ExactMatch { id, .. } => id,
        }
    }

    /// Validates and compiles the spec, collecting every problem instead of stopping at the first.
    /// An exact-match set without its own salt is compiled with a placeholder key (it validates,
    /// and matches nothing); devices use [`CustomSpec::compile_keyed`] with the tenant key.
    pub fn compile(&self) -> Result<Box<dyn Detector>, ConfigErrors> {
        self.compile_keyed(None)
    }

    /// Whether this is an exact-match set keyed by the tenant key (no salt of its own).
    pub fn needs_tenant_key(&self) -> bool {
        matches!(self, CustomSpec::ExactMatch { salt: None, .. })
    }

    /// As [`CustomSpec::compile`], with the tenant key for exact-match sets that carry no salt.
    pub fn compile_keyed(&self, tenant_key: Option<&[u8]>) -> Result<Box<dyn Detector>, ConfigErrors> {
        let mut errs = ConfigErrors::default();
        let id = self.id().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            errs.push(ConfigError::new(&id, "id", "must be non-empty and use only letters, digits, '-', '_', '.'"));
        }
        let score = match self {
            CustomSpec::Dictionary { score, .. } | CustomSpec::Regex { score, .. } | CustomSpec::ExactMatch { score, .. } => *score,
        };
        if let Some(s) = score {
            if !(0.0..=1.0).contains(&s) {
                errs.push(ConfigError::new(&id, "score", "must be within [0, 1]"));
            }
        }
        let score = score.unwrap_or(0.9);
        let detector: Option<Box<dyn Detector>> = match self {
            CustomSpec::Dictionary { terms, case_sensitive, whole_word, .. } => {
                let terms: Vec<&str> = terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
                if terms.is_empty() {
                    errs.push(ConfigError::new(&id, "terms", "needs at least one non-empty term"));
                    None
                } else {
                    match AhoCorasickBuilder::new()
                        .ascii_case_insensitive(!case_sensitive)
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&terms)
                    {
                        Ok(matcher) => Some(Box::new(DictionaryDetector { id: id.clone(), matcher, whole_word: *whole_word, score })),
                        Err(e) => {
                            errs.push(ConfigError::new(&id, "terms", &e.to_string()));
                            None
                        }
                    }
                }
            }
            CustomSpec::Regex { pattern, validator, .. } => {
                match regex::RegexBuilder::new(pattern).size_limit(1 << 22).dfa_size_limit(1 << 23).build() {
                    Ok(regex) if regex.is_match("") => {
                        errs.push(ConfigError::new(&id, "pattern", "matches the empty string"));
                        None
                    }
                    Ok(regex) => Some(Box::new(CustomRegexDetector { id: id.clone(), regex, validator: *validator, score })),
                    Err(e) => {
                        errs.push(ConfigError::new(&id, "pattern", &e.to_string()));
                        None
                    }
                }
            }
            CustomSpec::ExactMatch { salt, normalize, hashes, .. } => {
                let salt_bytes = match salt {
                    Some(salt) => decode_hex(salt),
                    None => Some(tenant_key.map_or_else(|| vec![0u8; 32], <[u8]>::to_vec)),
                };
                if salt_bytes.as_ref().is_none_or(|s| s.len() < 16) {
                    errs.push(ConfigError::new(&id, "salt", "must be hex, at least 16 bytes"));
                }
                let mut set = HashSet::with_capacity(hashes.len());
                for (i, h) in hashes.iter().enumerate() {
                    let h = h.to_ascii_lowercase();
                    if h.len() != 64 || decode_hex(&h).is_none() {
                        errs.push(ConfigError::new(&id, &format!("hashes[{i}]"), "must be 64 hex characters"));
                    } else {
                        set.insert(h);
                    }
                }
                match (salt_bytes, errs.is_empty()) {
                    (Some(salt), true) => Some(Box::new(ExactMatchDetector {
                        id: id.clone(),
                        salt,
                        normalize: *normalize,
                        candidates: Regex::new(normalize.candidate_pattern())
                            .map_err(|e| ConfigErrors(vec![ConfigError::new(&id, "normalize", &e.to_string())]))?,
                        hashes: set,
                        score,
                    })),
                    _ => None,
                }
            }
        };
        match detector {
            Some(d) if errs.is_empty() => Ok(d),
            _ => Err(errs),
        }
    }
}

fn custom(id: &str, start: usize, end: usize, score: f32) -> Finding {
    let mut f = Finding::new(EntityType::Custom, start, end, score, "custom");
    f.rule_id = Some(id.to_string());
    f
}

struct DictionaryDetector {
    id: String,
    matcher: AhoCorasick,
    whole_word: bool,
    score: f32,
}

impl Detector for DictionaryDetector {
    fn id(&self) -> &str {
        &self.id
    }
    fn anchors(&self) -> &[&str] {
        &[]
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for m in self.matcher.find_iter(doc.text) {
            if !self.whole_word || doc.word_bounded(m.start(), m.end()) {
                out.push(custom(&self.id, m.start(), m.end(), self.score));
            }
        }
    }
}

struct CustomRegexDetector {
    id: String,
    regex: Regex,
    validator: Option<Validator>,
    score: f32,
}

impl Detector for CustomRegexDetector {
    fn id(&self) -> &str {
        &self.id
    }
    fn anchors(&self) -> &[&str] {
        &[]
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for caps in self.regex.captures_iter(doc.text) {
            let Some(m) = caps.get(1).or_else(|| caps.get(0)) else { continue };
            if m.is_empty() || self.validator.is_some_and(|v| !v.check(m.as_str())) {
                continue;
            }
            out.push(custom(&self.id, m.start(), m.end(), self.score));
        }
    }
}

struct ExactMatchDetector {
    id: String,
    salt: Vec<u8>,
    normalize: Normalize,
    candidates: Regex,
    hashes: HashSet<String>,
    score: f32,
}

impl Detector for ExactMatchDetector {
    fn id(&self) -> &str {
        &self.id
    }
    fn anchors(&self) -> &[&str] {
        &[]
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for m in self.candidates.find_iter(doc.text) {
            if self.hashes.contains(&edm_hash(&self.salt, self.normalize, m.as_str())) {
                out.push(custom(&self.id, m.start(), m.end(), self.score));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(spec: &CustomSpec, text: &str) -> Vec<Finding> {
        let d = spec.compile().expect("valid spec");
        let mut out = Vec::new();
        d.detect(&Document::bare(text), &mut out);
        out
    }

    #[test]
    fn dictionary_whole_words() {
        let spec = CustomSpec::Dictionary {
            id: "codenames".into(),
            terms: vec!["Project Falcon".into(), "NIGHTJAR".into()],
            case_sensitive: false,
            whole_word: true,
            score: None,
        };
        let f = run(&spec, "status of project falcon and nightjars");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id.as_deref(), Some("codenames"));
    }

    #[test]
    fn regex_with_validator() {
        let spec =
            CustomSpec::Regex { id: "acct".into(), pattern: r"ACCT-(\d{16})".into(), validator: Some(Validator::Luhn), score: Some(0.8) };
        assert_eq!(run(&spec, "ACCT-4539148803436467 ACCT-4539148803436468").len(), 1);
    }

    #[test]
    fn exact_match_finds_only_listed_values() {
        let salt = "00112233445566778899aabbccddeeff";
        let salt_b = decode_hex(salt).unwrap();
        let spec = CustomSpec::ExactMatch {
            id: "customers".into(),
            salt: Some(salt.into()),
            normalize: Normalize::Email,
            hashes: vec![edm_hash(&salt_b, Normalize::Email, "Jane.Doe@Northwind.io")],
            score: None,
        };
        let f = run(&spec, "cc jane.doe@northwind.io and bob@northwind.io");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].start, 3);
    }

    #[test]
    fn exact_match_without_salt_uses_the_tenant_key() {
        let key = [7u8; 32];
        let spec = CustomSpec::ExactMatch {
            id: "customers".into(),
            salt: None,
            normalize: Normalize::Email,
            hashes: vec![edm_hash(&key, Normalize::Email, "jane.doe@northwind.io")],
            score: None,
        };
        assert!(spec.needs_tenant_key());
        let text = "cc jane.doe@northwind.io";
        let mut out = Vec::new();
        spec.compile_keyed(Some(&key)).unwrap().detect(&Document::bare(text), &mut out);
        assert_eq!(out.len(), 1, "the tenant key matches");
        assert!(run(&spec, text).is_empty(), "without the tenant key nothing matches");
    }

    #[test]
    fn invalid_specs_report_every_error() {
        let spec = CustomSpec::ExactMatch {
            id: "bad id!".into(),
            salt: Some("zz".into()),
            normalize: Normalize::Digits,
            hashes: vec!["abc".into()],
            score: Some(2.0),
        };
        let errs = spec.compile().err().expect("invalid");
        assert_eq!(errs.0.len(), 4, "{errs}");
        let re = CustomSpec::Regex { id: "r".into(), pattern: "(".into(), validator: None, score: None };
        assert!(re.compile().is_err());
        let empty = CustomSpec::Regex { id: "r".into(), pattern: "a*".into(), validator: None, score: None };
        assert!(empty.compile().is_err());
    }
}
