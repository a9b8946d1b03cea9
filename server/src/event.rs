//! The uploaded event, typed: what a device may send (docs/schemas/event.schema.json, the agent's
//! `promptwall_store::Event`) and nothing else. Unknown fields make serde refuse the event
//! (`deny_unknown_fields`), so no free-form field (a `raw_text`, say) can ever be stored; then
//! [`UploadedEvent::validate`] checks sizes, ranges and characters. The stored record is this
//! struct serialised again, never the uploaded bytes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// 2000-01-01T00:00:00Z in Unix milliseconds: no event is older.
pub const MIN_TIME_MS: i64 = 946_684_800_000;
/// How far ahead of the server's clock an event may be dated (device clocks drift).
pub const MAX_FUTURE_MS: i64 = 86_400_000;
/// Most entries in `rule_ids`, `entity_counts`, `fingerprints`.
pub const MAX_LIST: usize = 256;
/// Most entries in `categories`.
pub const MAX_CATEGORIES: usize = 32;
/// Longest `justification`, in characters.
pub const MAX_JUSTIFICATION: usize = 1000;

/// Every field a stored event may carry (the uploaded ones; `received_ms` and `group` are added
/// when the admin API shows an event).
pub const EVENT_FIELDS: &[&str] = &[
    "format",
    "event_id",
    "time_ms",
    "device_id",
    "user",
    "site",
    "trigger",
    "action",
    "rule_ids",
    "entity_counts",
    "policy_version",
    "choice",
    "justification",
    "fingerprints",
    "categories",
    "false_alarm",
    "exceptions_applied",
];

/// The enumerations are the agent's own (`promptwall-protocol`), so the two cannot drift apart.
pub use promptwall_protocol::event::{Action, EventTrigger as Trigger};
pub use promptwall_protocol::messages::Choice;
pub use promptwall_protocol::{FalseAlarm, ReportedFinding};

/// One event as a device uploads it (format 1). Field for field the agent's
/// `promptwall_protocol::Event` (a test checks that every such event passes through unchanged),
/// plus the optional `categories` the statistics use. The server keeps its own struct for that
/// extra field and because `device_id` is ignored (so optional) here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadedEvent {
    pub format: u32,
    pub event_id: String,
    pub time_ms: i64,
    /// Ignored on upload: the server writes the device of the credential here.
    #[serde(default)]
    pub device_id: String,
    pub user: String,
    pub site: String,
    pub trigger: Trigger,
    pub action: Action,
    pub rule_ids: Vec<String>,
    pub entity_counts: BTreeMap<String, u32>,
    pub policy_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// A false-alarm report (trigger `false_alarm_report`): types, detectors, keyed value hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_alarm: Option<FalseAlarm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions_applied: Vec<String>,
}

/// Why an event was refused. `event_id` is empty when the event had no usable id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct EventRejected {
    pub event_id: String,
    pub reason: String,
}

/// Control characters in the wide sense: C0, DEL, C1, and the invisible Unicode format characters
/// that reorder or hide text in a console or a spreadsheet (bidi overrides and isolates, zero-width
/// characters, line and paragraph separators, BOM).
pub fn is_control_like(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

fn safe_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':')
}

fn check_text(field: &str, s: &str, min: usize, max: usize) -> Result<(), String> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(format!("`{field}` must be {min} to {max} characters"));
    }
    if s.chars().any(is_control_like) {
        return Err(format!("`{field}` must not contain control characters"));
    }
    Ok(())
}

fn check_list<'a>(field: &str, items: impl ExactSizeIterator<Item = &'a String>, max_items: usize, max_len: usize) -> Result<(), String> {
    if items.len() > max_items {
        return Err(format!("`{field}` has more than {max_items} entries"));
    }
    for s in items {
        check_text(field, s, 1, max_len)?;
    }
    Ok(())
}

/// The justification with control characters taken out: line breaks and tabs become spaces (an
/// employee may type several lines), everything else control-like is dropped.
pub fn strip_controls(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if is_control_like(c) => None,
            c => Some(c),
        })
        .collect()
}

impl UploadedEvent {
    /// Parses one uploaded event. Unknown fields, wrong types and missing required fields are
    /// refused with serde's message.
    pub fn parse(v: Value) -> Result<UploadedEvent, EventRejected> {
        let id = match v.get("event_id") {
            Some(Value::String(s)) if s.chars().count() <= 128 && s.chars().all(safe_id_char) => s.clone(),
            _ => String::new(),
        };
        if !v.is_object() {
            return Err(EventRejected { event_id: id, reason: "event is not a JSON object".into() });
        }
        serde_json::from_value(v).map_err(|e| {
            let mut reason = e.to_string();
            if reason.len() > 300 {
                let mut cut = 300;
                while !reason.is_char_boundary(cut) {
                    cut -= 1;
                }
                reason.truncate(cut);
            }
            EventRejected { event_id: id, reason }
        })
    }

    /// Checks sizes, ranges and characters against the server clock `now_ms`, and normalises what
    /// may be normalised (the justification's control characters). The caller then overwrites
    /// `device_id`.
    pub fn validate(&mut self, now_ms: i64) -> Result<(), EventRejected> {
        self.check(now_ms).map_err(|reason| {
            let id = if self.event_id.chars().all(safe_id_char) && self.event_id.chars().count() <= 128 {
                self.event_id.clone()
            } else {
                String::new()
            };
            EventRejected { event_id: id, reason }
        })
    }

    fn check(&mut self, now_ms: i64) -> Result<(), String> {
        if self.event_id.is_empty() || self.event_id.chars().count() > 128 || !self.event_id.chars().all(safe_id_char) {
            return Err("`event_id` must be 1 to 128 characters of A-Z a-z 0-9 . _ - :".into());
        }
        if self.format != 1 {
            return Err(format!("`format` {} is not supported (1 is)", self.format));
        }
        let max_time = now_ms.saturating_add(MAX_FUTURE_MS);
        if self.time_ms < MIN_TIME_MS || self.time_ms > max_time {
            return Err(format!(
                "`time_ms` must be Unix milliseconds between {MIN_TIME_MS} (2000-01-01) and one day after the server's clock"
            ));
        }
        if self.device_id.chars().count() > 128 || self.device_id.chars().any(is_control_like) {
            return Err("`device_id` must be at most 128 characters without control characters".into());
        }
        check_text("user", &self.user, 0, 255)?;
        check_text("site", &self.site, 0, 255)?;
        if !self.site.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']')) {
            return Err("`site` must be a host name (letters, digits, . - _ : [ ]), never a URL".into());
        }
        check_list("rule_ids", self.rule_ids.iter(), MAX_LIST, 128)?;
        check_list("entity_counts", self.entity_counts.keys(), MAX_LIST, 128)?;
        check_list("fingerprints", self.fingerprints.iter(), MAX_LIST, 128)?;
        if let Some(c) = &self.categories {
            check_list("categories", c.iter(), MAX_CATEGORIES, 64)?;
        }
        check_list("exceptions_applied", self.exceptions_applied.iter(), MAX_LIST, 64)?;
        crate::reports::check_false_alarm(self.trigger, self.false_alarm.as_mut())?;
        if i64::try_from(self.policy_version).is_err() {
            return Err("`policy_version` is out of range".into());
        }
        if let Some(j) = &mut self.justification {
            if j.chars().count() > MAX_JUSTIFICATION {
                return Err(format!("`justification` must be at most {MAX_JUSTIFICATION} characters"));
            }
            if j.chars().any(is_control_like) {
                *j = strip_controls(j);
            }
        }
        Ok(())
    }
}

/// A stored record projected onto [`EVENT_FIELDS`]: whatever else a row holds (rows written before
/// validation was typed) is never returned.
pub fn allow_listed(mut obj: serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    obj.retain(|k, _| EVENT_FIELDS.contains(&k.as_str()));
    obj
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_764_000_000_000;

    fn good() -> Value {
        json!({"format": 1, "event_id": "e1", "time_ms": NOW - 1000, "device_id": "x", "user": "alice", "site": "chatgpt.com",
            "trigger": "paste", "action": "block", "rule_ids": ["r1"], "entity_counts": {"US_SSN": 1}, "policy_version": 3})
    }

    fn with(k: &str, v: Value) -> Value {
        let mut e = good();
        e[k] = v;
        e
    }

    fn check(v: Value) -> Result<UploadedEvent, EventRejected> {
        let mut e = UploadedEvent::parse(v)?;
        e.validate(NOW)?;
        Ok(e)
    }

    #[test]
    fn a_good_event_round_trips() {
        let e = check(good()).unwrap();
        assert_eq!(e.action, Action::Block);
        let back: Value = serde_json::to_value(&e).unwrap();
        assert_eq!(back["entity_counts"]["US_SSN"], 1);
        assert!(back.get("choice").is_none());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r = check(with("raw_text", json!("123-45-6789"))).unwrap_err();
        assert_eq!(r.event_id, "e1");
        assert!(r.reason.contains("raw_text"), "{}", r.reason);
    }

    #[test]
    fn ranges_and_characters() {
        for bad in [
            with("time_ms", json!(9_000_000_000_000_000_000i64)),
            with("time_ms", json!(0)),
            with("time_ms", json!(NOW + MAX_FUTURE_MS + 1)),
            with("time_ms", json!(1.5e12)),
            with("format", json!(2)),
            with("user", json!("al\u{7}ice")),
            with("user", json!("a\u{202E}b")),
            with("site", json!("https://chatgpt.com/c/1")),
            with("site", json!("chat gpt")),
            with("event_id", json!("e\n1")),
            with("event_id", json!("")),
            with("trigger", json!("keylogger")),
            with("action", json!("explode")),
            with("rule_ids", json!(["ok", "bad\r"])),
            with("entity_counts", json!({"EMAIL": -1})),
            with("entity_counts", json!({"EMAIL\u{0}": 1})),
            with("policy_version", json!(u64::MAX)),
            with("justification", json!("x".repeat(1001))),
            with("rule_ids", json!((0..257).map(|i| format!("r{i}")).collect::<Vec<_>>())),
            with("choice", json!("maybe")),
            json!(5),
            json!([]),
        ] {
            assert!(check(bad.clone()).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn justification_controls_are_stripped() {
        let e = check(with("justification", json!("line one\nline two\u{0}\u{202E}"))).unwrap();
        assert_eq!(e.justification.as_deref(), Some("line one line two"));
    }

    /// The agent's event, every field set, is accepted and stored exactly as the agent wrote it
    /// (device id aside): the server's struct and the agent's cannot drift apart unnoticed.
    #[test]
    fn the_agents_event_passes_unchanged() {
        let agent = promptwall_protocol::Event {
            format: promptwall_protocol::EVENT_FORMAT,
            event_id: "0f3a9c2e11d04b7e".into(),
            time_ms: NOW - 5000,
            device_id: "dev-1".into(),
            user: "alice".into(),
            site: "chatgpt.com".into(),
            trigger: Trigger::FalseAlarmReport,
            action: Action::Warn,
            rule_ids: vec!["warn-pii".into()],
            entity_counts: [("EMAIL".to_string(), 2u32)].into_iter().collect(),
            policy_version: 7,
            choice: Some(Choice::ProceedWithJustification),
            justification: Some("ticket 42".into()),
            fingerprints: vec!["a1b2c3".into()],
            false_alarm: Some(FalseAlarm {
                reported_event_id: "9e1d".into(),
                findings: vec![ReportedFinding { type_name: "EMAIL".into(), detector: "pii.email".into(), value_hash: "ab".repeat(32) }],
                reason: Some("test data".into()),
                let_through: false,
            }),
            exceptions_applied: vec!["fa-1".into()],
        };
        let sent = serde_json::to_value(&agent).unwrap();
        let mut e = check(sent.clone()).unwrap();
        e.device_id = "dev-1".into();
        assert_eq!(serde_json::to_value(&e).unwrap(), sent);
        for k in sent.as_object().unwrap().keys() {
            assert!(EVENT_FIELDS.contains(&k.as_str()), "{k} not allow-listed");
        }
    }

    #[test]
    fn projection_drops_unknown_keys() {
        let m = json!({"event_id": "e", "raw_text": "secret", "action": "warn"}).as_object().unwrap().clone();
        let p = allow_listed(m);
        assert!(p.get("raw_text").is_none() && p.get("event_id").is_some());
    }
}
