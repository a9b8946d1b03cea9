//! Evaluation: findings + site + user → decision. A pure, deterministic function.
//!
//! Precedence (documented in docs/policy.md and pinned by tests):
//! 1. A site in `exceptions.sites`, or a user in `exceptions.users`: `allow`.
//! 2. A site that is not an AI site: `sites.unknown_site_action` (no rule is consulted).
//! 3. Findings whose value is in `exceptions.values` are dropped.
//! 4. Every rule whose scope (sites, groups) includes the context and whose match holds
//!    contributes; the most restrictive action wins (block > redact > warn > allow). Among rules with
//!    that action, the first in policy order gives the message and link.
//! 5. A `redact` decision lists the spans of every finding matched by a redact rule.
//! 6. A `warn` may be overridden only if every warning rule allows it; a justification is required
//!    if any of them requires one.

use serde::Serialize;

use crate::schema::{host_matches, Action, CompiledPolicy, CompiledRule, RedactionStyle};
use promptwall_detect::{Finding, ScanResult};

/// Who is pasting where.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// Host of the page (`chatgpt.com`), lower-case, without port.
    pub host: &'a str,
    pub user: &'a str,
    pub groups: &'a [String],
}

/// A span to replace, with the style to use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedactSpan {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub type_name: String,
    pub style: RedactionStyle,
}

/// The decision for one paste.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub action: Action,
    /// Ids of every rule that matched, in policy order.
    pub rule_ids: Vec<String>,
    /// One line per matched rule: what it saw (types and counts, never values).
    pub reasons: Vec<String>,
    pub message: String,
    pub link: Option<String>,
    pub redactions: Vec<RedactSpan>,
    pub override_allowed: bool,
    pub justification_required: bool,
}

impl Decision {
    fn allow() -> Decision {
        Decision {
            action: Action::Allow,
            rule_ids: Vec::new(),
            reasons: Vec::new(),
            message: String::new(),
            link: None,
            redactions: Vec::new(),
            override_allowed: true,
            justification_required: false,
        }
    }
}

impl CompiledPolicy {
    /// Whether `host` is an AI site under this policy.
    pub fn is_ai_site(&self, host: &str) -> bool {
        self.ai_sites.iter().any(|p| host_matches(p, host))
    }
}

fn rule_hits<'f>(rule: &CompiledRule, findings: &'f [&'f Finding]) -> Vec<&'f Finding> {
    findings
        .iter()
        .copied()
        .filter(|f| f.score >= rule.rule.matcher.min_score)
        .filter(|f| {
            rule.types.contains(&f.entity)
                || rule.families.contains(&f.family())
                || f.rule_id.as_ref().is_some_and(|id| rule.custom.contains(id))
        })
        .collect()
}

/// Decides what happens to a paste of `text` whose scan gave `scan`.
pub fn evaluate(policy: &CompiledPolicy, text: &str, scan: &ScanResult, ctx: &Context<'_>) -> Decision {
    let p = &policy.policy;
    if p.exceptions.sites.iter().any(|s| host_matches(s, ctx.host)) || p.exceptions.users.iter().any(|u| u == ctx.user) {
        return Decision::allow();
    }
    if !policy.is_ai_site(ctx.host) {
        let mut d = Decision::allow();
        d.action = p.sites.unknown_site_action;
        if d.action != Action::Allow {
            d.message = "This site is not an approved AI service.".into();
            d.rule_ids.push("unknown_site".into());
        }
        return d;
    }
    let findings: Vec<&Finding> =
        scan.findings.iter().filter(|f| !p.exceptions.values.iter().any(|v| v.trim() == f.value(text).trim())).collect();

    let mut matched: Vec<(&CompiledRule, Vec<&Finding>)> = Vec::new();
    for rule in &policy.rules {
        let r = &rule.rule;
        let site_ok = r.sites.is_empty() || r.sites.iter().any(|s| host_matches(s, ctx.host));
        let group_ok = r.groups.is_empty() || r.groups.iter().any(|g| ctx.groups.contains(g));
        if !site_ok || !group_ok {
            continue;
        }
        let hits = rule_hits(rule, &findings);
        let by_category = scan.categories.iter().any(|c| rule.categories.contains(c));
        // A rule matches when enough of its findings are present, or one of its categories applies.
        if hits.len() >= r.matcher.min_count || by_category {
            matched.push((rule, hits));
        }
    }
    let Some(action) = matched.iter().map(|(r, _)| r.rule.action).max() else { return Decision::allow() };
    let mut d = Decision::allow();
    d.action = action;
    for (rule, hits) in &matched {
        d.rule_ids.push(rule.rule.id.clone());
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in hits {
            *counts.entry(f.rule_id.as_deref().unwrap_or(f.entity.as_str())).or_default() += 1;
        }
        let what: Vec<String> = counts.iter().map(|(t, n)| format!("{n} × {t}")).collect();
        d.reasons.push(format!("{}: {}", rule.rule.id, if what.is_empty() { "document category".to_string() } else { what.join(", ") }));
    }
    let first = matched.iter().find(|(r, _)| r.rule.action == action).map(|(r, _)| &r.rule);
    if let Some(r) = first {
        d.message = r.message.clone();
        d.link = r.link.clone();
    }
    if action == Action::Redact {
        let mut spans: Vec<RedactSpan> = Vec::new();
        for (_, hits) in matched.iter().filter(|(r, _)| r.rule.action == Action::Redact) {
            for f in hits {
                if spans.iter().any(|s| s.start < f.end && f.start < s.end) {
                    continue;
                }
                let type_name = f.rule_id.clone().unwrap_or_else(|| f.entity.as_str().to_string());
                let style = p.redaction.style_for(f.entity.as_str());
                spans.push(RedactSpan { start: f.start, end: f.end, type_name, style });
            }
        }
        spans.sort_by_key(|s| (s.start, s.end));
        d.redactions = spans;
    }
    if action == Action::Warn {
        let warns = matched.iter().filter(|(r, _)| r.rule.action == Action::Warn);
        d.override_allowed = warns.clone().all(|(r, _)| r.rule.override_.allowed);
        d.justification_required = warns.clone().any(|(r, _)| r.rule.override_.justification_required);
    } else {
        d.override_allowed = action != Action::Block;
    }
    d
}
