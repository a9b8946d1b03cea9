//! The policy document (schema version 1) as written by admins, and its validation into a
//! [`CompiledPolicy`]. Raw structs reject unknown fields; `validate` collects every error with the
//! JSON path it belongs to instead of stopping at the first.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use promptwall_detect::{Category, CustomSpec, EntityType, Family, RedactStyle};
pub use promptwall_protocol::messages::{EditorKind, SiteAdapter};

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// What happens to a paste (the wire contract's type). Ordered from least to most restrictive.
pub use promptwall_protocol::Action;

/// What an unreachable agent means for the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// Let the paste through and show a notice that it was not inspected.
    #[default]
    Open,
    /// Block the paste and explain that the agent is unavailable.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub schema_version: u32,
    /// Human name, shown in status and the console.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sites: Sites,
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub redaction: Redaction,
    #[serde(default)]
    pub custom_detectors: Vec<CustomSpec>,
    #[serde(default)]
    pub events: EventSettings,
    #[serde(default)]
    pub fail_mode: FailMode,
    /// What happens to content that cannot be inspected (larger than the agent takes in one
    /// request, or a binary file it cannot read): `warn` (default) or `block`, never a silent allow.
    #[serde(default)]
    pub uninspectable: UninspectableAction,
    #[serde(default)]
    pub exceptions: Exceptions,
    /// "Not sensitive?" reports from employees (docs/policy.md, "False alarms").
    #[serde(default)]
    pub false_alarm_reports: FalseAlarmReports,
}

/// Whether employees may report a warning or redaction as a false alarm, and whether a report lets
/// a warned paste through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FalseAlarmReports {
    /// The notices offer "Not sensitive?" (default on).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// A report on a warning lets the paste through (default off: reported, the verdict stands).
    /// Never for a block; a redaction stays a redaction.
    #[serde(default)]
    pub let_through: bool,
}

impl Default for FalseAlarmReports {
    fn default() -> Self {
        FalseAlarmReports { enabled: true, let_through: false }
    }
}

/// The policy's answer to content that cannot be inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UninspectableAction {
    #[default]
    Warn,
    Block,
}

impl UninspectableAction {
    pub fn action(self) -> Action {
        match self {
            UninspectableAction::Warn => Action::Warn,
            UninspectableAction::Block => Action::Block,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sites {
    /// Include the built-in list of well-known AI chat sites.
    #[serde(default = "yes")]
    pub builtin: bool,
    /// More AI sites: `host`, `*.domain` (any subdomain) or `*` (every site).
    #[serde(default)]
    pub ai: Vec<String>,
    /// What happens on a site that is not an AI site (default: allow, not inspected).
    #[serde(default = "allow")]
    pub unknown_site_action: Action,
    /// Site adapters (composer and send selectors, editor kind) the extension merges with its
    /// built-in ones, so a new or changed AI site needs no release. Their hosts are AI sites.
    #[serde(default)]
    pub adapters: Vec<SiteAdapter>,
}

impl Default for Sites {
    fn default() -> Self {
        Sites { builtin: true, ai: Vec::new(), unknown_site_action: Action::Allow, adapters: Vec::new() }
    }
}

fn yes() -> bool {
    true
}
fn allow() -> Action {
    Action::Allow
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, reported in decisions and events.
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "match")]
    pub matcher: Match,
    /// Host patterns this rule applies to (default: every AI site).
    #[serde(default)]
    pub sites: Vec<String>,
    /// User groups this rule applies to (default: everyone).
    #[serde(default)]
    pub groups: Vec<String>,
    pub action: Action,
    /// Shown to the employee. Plain text.
    #[serde(default)]
    pub message: String,
    /// Optional link to the company's policy page.
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default, rename = "override")]
    pub override_: Override,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub families: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    /// Custom detector ids.
    #[serde(default)]
    pub custom: Vec<String>,
    #[serde(default = "half")]
    pub min_score: f32,
    #[serde(default = "one")]
    pub min_count: usize,
}

fn half() -> f32 {
    0.5
}
fn one() -> usize {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// For `warn`: may the employee proceed?
    #[serde(default = "yes")]
    pub allowed: bool,
    /// Must they give a justification to proceed?
    #[serde(default)]
    pub justification_required: bool,
}

impl Default for Override {
    fn default() -> Self {
        Override { allowed: true, justification_required: false }
    }
}

/// How a redacted value is replaced: the detector's styles (`tag`, `mask`, `hash`), or a
/// `pseudonym` that is the same for the same value within one conversation (`[PERSON_1]`) and that
/// the extension may put back in the display of the AI's answer (docs/policy.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RedactionStyle {
    #[default]
    Tag,
    Mask,
    Hash,
    Pseudonym,
}

impl RedactionStyle {
    /// The detector style for a non-pseudonym style; `pseudonym` without a conversation falls
    /// back to a type tag.
    pub fn detect_style(self) -> RedactStyle {
        match self {
            RedactionStyle::Tag | RedactionStyle::Pseudonym => RedactStyle::Tag,
            RedactionStyle::Mask => RedactStyle::Mask,
            RedactionStyle::Hash => RedactStyle::Hash,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    #[serde(default)]
    pub default_style: RedactionStyle,
    /// Style per entity type name, e.g. `{"CREDIT_CARD": "mask", "PERSON": "pseudonym"}`.
    #[serde(default)]
    pub per_type: std::collections::BTreeMap<String, RedactionStyle>,
    /// Types without a `per_type` entry get `pseudonym` instead of `default_style`.
    #[serde(default)]
    pub consistent_pseudonyms: bool,
}

impl Redaction {
    /// The style for one entity type: its `per_type` entry, else `pseudonym` when
    /// `consistent_pseudonyms`, else `default_style`.
    pub fn style_for(&self, type_name: &str) -> RedactionStyle {
        match self.per_type.get(type_name) {
            Some(s) => *s,
            None if self.consistent_pseudonyms => RedactionStyle::Pseudonym,
            None => self.default_style,
        }
    }
}

impl Default for Redaction {
    fn default() -> Self {
        Redaction { default_style: RedactionStyle::Tag, per_type: Default::default(), consistent_pseudonyms: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EventSettings {
    /// Record keyed fingerprints of matched values (never the values).
    #[serde(default)]
    pub fingerprints: bool,
    /// Record the raw pasted text. Off unless an admin explicitly turns it on.
    #[serde(default)]
    pub raw_text: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Exceptions {
    /// Values never treated as findings (exact match after trimming).
    #[serde(default)]
    pub values: Vec<String>,
    /// Users whose pastes are allowed (still recorded as events when rules match).
    #[serde(default)]
    pub users: Vec<String>,
    /// Host patterns where everything is allowed.
    #[serde(default)]
    pub sites: Vec<String>,
    /// Findings not to flag: approved false-alarm reports (`promptwall policy sign --exceptions`).
    #[serde(default)]
    pub findings: Vec<FindingException>,
}

/// One approved false alarm: findings of `detector` are dropped when their value's keyed hash is
/// `value_hash`, or their value matches `pattern` (whole value), or — with neither — on the
/// exception's `sites`; only within its scope (`sites`, `groups`, `users`: empty means all) and
/// before `expires`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingException {
    /// Stable id, named in the events of the decisions it changes (`exceptions_applied`).
    pub id: String,
    /// The detector id (`pii.email`) or a custom detector's id.
    pub detector: String,
    /// HMAC-SHA256 of the value under the tenant key (64 lowercase hex; `false_alarm_hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_hash: Option<String>,
    /// A regular expression the whole value must match (Rust `regex` syntax, at most 512 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Unix seconds after which devices ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// Why it was approved (shown to admins; never a value).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One problem in a policy, with the JSON path it belongs to (`rules[2].match.types[0]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A rule with its matcher parsed into taxonomy types.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub rule: Rule,
    pub types: HashSet<EntityType>,
    pub families: HashSet<Family>,
    pub categories: HashSet<Category>,
    pub custom: HashSet<String>,
}

/// A validated policy, ready for [`crate::evaluate`].
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub policy: Policy,
    pub rules: Vec<CompiledRule>,
    pub ai_sites: Vec<String>,
    /// `exceptions.findings` with their patterns compiled, in policy order.
    pub finding_exceptions: crate::exceptions::FindingExceptions,
}

/// Well-known AI chat sites, on by default (`sites.builtin`).
pub const BUILTIN_AI_SITES: &[&str] = &[
    "chatgpt.com",
    "*.chatgpt.com",
    "chat.openai.com",
    "claude.ai",
    "gemini.google.com",
    "aistudio.google.com",
    "copilot.microsoft.com",
    "m365.cloud.microsoft",
    "www.perplexity.ai",
    "perplexity.ai",
    "chat.deepseek.com",
    "chat.mistral.ai",
    "poe.com",
    "grok.com",
    "x.com",
    "www.meta.ai",
    "huggingface.co",
    "chat.qwen.ai",
    "kimi.com",
];

fn family_from(name: &str) -> Option<Family> {
    Some(match name {
        "PII" => Family::Pii,
        "FINANCIAL" => Family::Financial,
        "SECRET" => Family::Secret,
        "HEALTH" => Family::Health,
        "CUSTOM" => Family::Custom,
        _ => return None,
    })
}

pub(crate) fn valid_host_pattern(p: &str) -> bool {
    p == "*" || {
        let host = p.strip_prefix("*.").unwrap_or(p);
        !host.is_empty() && host.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    }
}

/// Most selectors one adapter field may hold, and the longest selector.
const MAX_SELECTORS: usize = 32;
const MAX_SELECTOR_LEN: usize = 512;

fn valid_selector(s: &str) -> bool {
    let s = s.trim();
    // CSS is checked by the browser (a bad selector is skipped there); here only what can never be
    // one: empty, over-long, or a rule block / at-rule smuggled in.
    !s.is_empty() && s.len() <= MAX_SELECTOR_LEN && !s.contains(['{', '}', ';', '@', '\n', '\r'])
}

fn validate_adapters(adapters: &[SiteAdapter], p: &mut impl FnMut(String, &str)) {
    let mut ids = HashSet::new();
    for (i, a) in adapters.iter().enumerate() {
        let at = |f: &str| format!("sites.adapters[{i}].{f}");
        let id_ok = !a.id.is_empty() && a.id.len() <= 64 && a.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok || !ids.insert(a.id.as_str()) {
            p(at("id"), "must be unique, 1-64 of A-Z a-z 0-9 - _");
        }
        if a.name.trim().is_empty() {
            p(at("name"), "must not be empty");
        }
        if a.hosts.is_empty() {
            p(at("hosts"), "needs at least one host");
        }
        for (j, h) in a.hosts.iter().enumerate() {
            if h == "*" || !valid_host_pattern(h) {
                p(at(&format!("hosts[{j}]")), "must be a host or `*.domain`");
            }
        }
        for (host, prefixes) in &a.paths {
            if !a.hosts.contains(host) {
                p(at(&format!("paths.{host}")), "must be one of the adapter's hosts");
            }
            for (j, x) in prefixes.iter().enumerate() {
                if !x.starts_with('/') {
                    p(at(&format!("paths.{host}[{j}]")), "must start with /");
                }
            }
        }
        if a.composer.is_empty() {
            p(at("composer"), "needs at least one selector");
        }
        for (field, list) in [("composer", &a.composer), ("send", &a.send), ("response", &a.response)] {
            if list.len() > MAX_SELECTORS {
                p(at(field), "at most 32 selectors");
            }
            for (j, s) in list.iter().enumerate() {
                if !valid_selector(s) {
                    p(at(&format!("{field}[{j}]")), "must be a CSS selector (no braces, semicolons or at-rules; at most 512 characters)");
                }
            }
        }
    }
}

impl Policy {
    /// Validates the policy, collecting every problem.
    pub fn validate(self) -> Result<CompiledPolicy, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut p = |path: String, message: &str| problems.push(Problem { path, message: message.to_string() });
        if self.schema_version != SCHEMA_VERSION {
            p("schema_version".into(), &format!("must be {SCHEMA_VERSION} (this agent reads schema {SCHEMA_VERSION})"));
        }
        if self.name.trim().is_empty() {
            p("name".into(), "must not be empty");
        }
        for (i, s) in self.sites.ai.iter().enumerate() {
            if !valid_host_pattern(s) {
                p(format!("sites.ai[{i}]"), "must be a host, `*.domain` or `*`");
            }
        }
        validate_adapters(&self.sites.adapters, &mut p);
        for (i, s) in self.exceptions.sites.iter().enumerate() {
            if !valid_host_pattern(s) {
                p(format!("exceptions.sites[{i}]"), "must be a host, `*.domain` or `*`");
            }
        }
        crate::exceptions::validate(&self.exceptions.findings, &mut p);
        let custom_ids: HashSet<&str> = self.custom_detectors.iter().map(|c| c.id()).collect();
        for (i, c) in self.custom_detectors.iter().enumerate() {
            if let Err(errs) = c.compile() {
                for e in errs.0 {
                    p(format!("custom_detectors[{i}].{}", e.field), &e.message);
                }
            }
        }
        if custom_ids.len() != self.custom_detectors.len() {
            p("custom_detectors".into(), "detector ids must be unique");
        }
        for t in self.redaction.per_type.keys() {
            if EntityType::from_name(t).is_none() {
                p(format!("redaction.per_type.{t}"), "unknown entity type (see docs/taxonomy.md)");
            }
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            if r.id.trim().is_empty() || !seen.insert(r.id.clone()) {
                p(at("id"), "must be non-empty and unique");
            }
            let m = &r.matcher;
            if m.types.is_empty() && m.families.is_empty() && m.categories.is_empty() && m.custom.is_empty() {
                p(at("match"), "needs at least one of types, families, categories, custom");
            }
            if !(0.0..=1.0).contains(&m.min_score) {
                p(at("match.min_score"), "must be within [0, 1]");
            }
            if m.min_count == 0 {
                p(at("match.min_count"), "must be at least 1");
            }
            let mut cr = CompiledRule {
                rule: r.clone(),
                types: HashSet::new(),
                families: HashSet::new(),
                categories: HashSet::new(),
                custom: m.custom.iter().cloned().collect(),
            };
            for (j, t) in m.types.iter().enumerate() {
                match EntityType::from_name(t) {
                    Some(t) => {
                        cr.types.insert(t);
                    }
                    None => p(at(&format!("match.types[{j}]")), &format!("unknown entity type `{t}` (see docs/taxonomy.md)")),
                }
            }
            for (j, f) in m.families.iter().enumerate() {
                match family_from(f) {
                    Some(f) => {
                        cr.families.insert(f);
                    }
                    None => p(at(&format!("match.families[{j}]")), "must be PII, FINANCIAL, SECRET, HEALTH or CUSTOM"),
                }
            }
            for (j, c) in m.categories.iter().enumerate() {
                match Category::from_name(c) {
                    Some(c) => {
                        cr.categories.insert(c);
                    }
                    None => p(at(&format!("match.categories[{j}]")), &format!("unknown category `{c}`")),
                }
            }
            for (j, c) in m.custom.iter().enumerate() {
                if !custom_ids.contains(c.as_str()) {
                    p(at(&format!("match.custom[{j}]")), &format!("no custom detector has id `{c}`"));
                }
            }
            for (j, s) in r.sites.iter().enumerate() {
                if !valid_host_pattern(s) {
                    p(at(&format!("sites[{j}]")), "must be a host, `*.domain` or `*`");
                }
            }
            if r.action != Action::Allow && r.message.trim().is_empty() {
                p(at("message"), "warn, redact and block rules need a message for the employee");
            }
            if let Some(link) = &r.link {
                if !link.starts_with("https://") {
                    p(at("link"), "must be an https:// URL");
                }
            }
            rules.push(cr);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut ai_sites: Vec<String> =
            if self.sites.builtin { BUILTIN_AI_SITES.iter().map(|s| s.to_string()).collect() } else { Vec::new() };
        ai_sites.extend(self.sites.ai.iter().cloned());
        for a in &self.sites.adapters {
            ai_sites.extend(a.hosts.iter().filter(|h| !ai_sites.contains(h)).cloned().collect::<Vec<_>>());
        }
        let finding_exceptions = crate::exceptions::compile(&self.exceptions.findings);
        Ok(CompiledPolicy { policy: self, rules, ai_sites, finding_exceptions })
    }
}

/// Parses policy JSON and validates it; syntax errors come back as one problem with line and column.
pub fn parse_policy(json: &str) -> Result<CompiledPolicy, Vec<Problem>> {
    let policy: Policy = serde_json::from_str(json)
        .map_err(|e| vec![Problem { path: format!("line {} column {}", e.line(), e.column()), message: e.to_string() }])?;
    policy.validate()
}

/// Whether `host` matches a pattern (`example.com`, `*.example.com`, `*`), case-insensitively.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
        None => host == pattern,
    }
}
