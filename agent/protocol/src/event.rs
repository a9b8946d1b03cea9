//! The typed contracts shared by the agent and the server: the decision [`Action`], what made an
//! event ([`EventTrigger`]), and the [`Event`] record itself (schema:
//! `docs/schemas/event.schema.json`). One definition of the values: the extension-facing
//! messages, the agent's event store and the server's ingestion (whose `UploadedEvent` adds its
//! allow-list checks and is tested to take every agent `Event` unchanged) all use these types,
//! so none of them hand-parses what another defines.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::messages::{Choice, Trigger};

/// What happens to a paste. Ordered from least to most restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Allow,
    Warn,
    Redact,
    Block,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Redact => "redact",
            Action::Block => "block",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What an event records: a request's trigger, or the user's answer to a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventTrigger {
    Paste,
    Drop,
    Submit,
    File,
    UserDecision,
    /// The employee said a warning or redaction was a false alarm ("Not sensitive?").
    FalseAlarmReport,
}

impl EventTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            EventTrigger::Paste => "paste",
            EventTrigger::Drop => "drop",
            EventTrigger::Submit => "submit",
            EventTrigger::File => "file",
            EventTrigger::UserDecision => "user_decision",
            EventTrigger::FalseAlarmReport => "false_alarm_report",
        }
    }
}

impl std::fmt::Display for EventTrigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<Trigger> for EventTrigger {
    fn from(t: Trigger) -> Self {
        match t {
            Trigger::Paste => EventTrigger::Paste,
            Trigger::Drop => EventTrigger::Drop,
            Trigger::Submit => EventTrigger::Submit,
            Trigger::File => EventTrigger::File,
        }
    }
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Cancel => "cancel",
            Choice::Proceed => "proceed",
            Choice::ProceedWithJustification => "proceed_with_justification",
        }
    }
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Event record version written into every event.
pub const EVENT_FORMAT: u32 = 1;

/// One decision or user choice. Schema: `docs/schemas/event.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub format: u32,
    pub event_id: String,
    /// Unix milliseconds.
    pub time_ms: i64,
    pub device_id: String,
    pub user: String,
    /// Host only (`chatgpt.com`), never a full URL.
    pub site: String,
    /// What made the extension ask, or `user_decision`.
    pub trigger: EventTrigger,
    /// The decision; for a user decision, the decision it answers.
    pub action: Action,
    pub rule_ids: Vec<String>,
    /// Entity type (or custom rule id) → count.
    pub entity_counts: BTreeMap<String, u32>,
    pub policy_version: u64,
    /// For user decisions: the employee's choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    /// For user decisions: the employee's justification (at most 1000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Keyed fingerprints of matched values, only when the policy asks for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<String>,
    /// For a `false_alarm_report`: what the employee reported (never a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_alarm: Option<FalseAlarm>,
    /// Ids of the signed policy's finding exceptions (`exceptions.findings`) that dropped findings
    /// of this decision: why a paste that was flagged before now passes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions_applied: Vec<String>,
}

/// Most findings one false-alarm report carries, and the longest reason (characters).
pub const MAX_REPORTED_FINDINGS: usize = 64;
pub const MAX_REPORT_REASON: usize = 500;

/// A false-alarm report: the decision it is about, the findings that decision had (type,
/// detector, keyed hash of the value) and the employee's optional reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FalseAlarm {
    /// The `event_id` of the reported warn/redact decision.
    pub reported_event_id: String,
    pub findings: Vec<ReportedFinding>,
    /// The employee's words, at most [`MAX_REPORT_REASON`] characters, control characters removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the policy let the paste through on this report (`false_alarm_reports.let_through`).
    #[serde(default)]
    pub let_through: bool,
}

/// One finding of a reported decision. `value_hash` is HMAC-SHA256 under the tenant's redaction
/// key (64 lowercase hex, see `promptwall_policy::false_alarm_hash`): the same value gives the
/// same hash on every enrolled device, and nobody without the key can test guesses against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedFinding {
    /// Entity type (`EMAIL`), or `CUSTOM`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The detector (`pii.email`) or, for a policy's custom detector, its id.
    pub detector: String,
    pub value_hash: String,
}
