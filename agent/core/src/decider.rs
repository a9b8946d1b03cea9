//! The decider: one type, [`Decider`], that answers the extension's requests — `inspect` (scan →
//! evaluate → redact → record the event → split a large result into parts), `user_decision`,
//! `uninspectable`, `hello`, `status` — from the policy in force. Its two transports are thin: the
//! daemon serves one `Decider` per socket connection, the native host one for its browser when
//! the daemon is not there. What the deciders of one process share (policy cell, event store,
//! recent decisions, the device's identity, group and redaction key) is [`Shared`].
//!
//! Every bad frame or request is answered with an error code (and the request id, where it can be
//! read) and the session keeps reading; nothing written to logs contains pasted text.

use anyhow::{Context, Result};
use promptwall_policy::{self as pol, apply_with_pseudonyms, evaluate, Action, Pseudonyms, RedactionStyle};
use promptwall_protocol::framing::{read_frame, write_frame, FrameError, MAX_OUTBOUND};
use promptwall_protocol::messages::{
    error, parse_request, request_id_from_head, response_json, utf16_offsets, ErrorCode, Pseudonym, Request, Response, UninspectableReason,
    Verdict, WireFinding,
};
use promptwall_protocol::{EventTrigger, FalseAlarm, ReportedFinding, PROTOCOL_VERSION};
use promptwall_store::{Event, EventStore, StoreConfig};
use serde_json::Value;
use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use crate::config::AgentConfig;
use crate::paths::now_ms;
use crate::policy_cell::{Loaded, PolicyCell};

/// What every decider in a process shares: the policy in force (swappable, with its engine), the
/// event store, and recent decisions (so a user decision on any connection finds its verdict).
pub struct Shared {
    pub cell: Arc<PolicyCell>,
    pub store: Option<Arc<Mutex<EventStore>>>,
    recent: Arc<Mutex<HashMap<String, Event>>>,
    /// Recent warn/redact decisions that may still be reported as false alarms, with their findings.
    reportable: Arc<Mutex<HashMap<String, Reportable>>>,
    device: String,
    user: String,
    /// The device's group from enrollment: group-scoped rules apply with it.
    groups: Arc<Vec<String>>,
    /// Keys `hash` redactions: the tenant's key when enrolled, else the device's own.
    redaction_key: Arc<Vec<u8>>,
    /// Why events are not being recorded (the first failure's time and reason), if they are not.
    recording: Arc<Mutex<Option<(i64, String)>>>,
}

impl Shared {
    /// Loads the policy (override file, last good bundle, or built-in; see `sync`), builds the
    /// engine, opens the event store.
    pub fn load(cfg: &AgentConfig, override_file: Option<&Path>, who: &str) -> Result<Shared> {
        let cell = Arc::new(PolicyCell::load(cfg, override_file)?);
        let store = crate::paths::data_dir()
            .and_then(|dir| EventStore::open(&dir.join("events.db"), StoreConfig::default()).map_err(anyhow::Error::from))
            .map_err(|e| tracing::warn!(who, error = %format!("{e:#}"), "events will not be recorded"))
            .ok()
            .map(|s| Arc::new(Mutex::new(s)));
        let device = crate::paths::device_id().unwrap_or_else(|_| "unknown-device".into());
        let groups = crate::credential::load_enrollment().ok().flatten().and_then(|e| e.group).into_iter().collect();
        Ok(Shared {
            cell,
            store,
            recent: Arc::new(Mutex::new(HashMap::new())),
            reportable: Arc::new(Mutex::new(HashMap::new())),
            device,
            user: crate::paths::user(),
            groups: Arc::new(groups),
            redaction_key: Arc::new(crate::credential::redaction_key()),
            recording: Arc::new(Mutex::new(None)),
        })
    }

    /// Shared state from parts, without touching the machine's folders (tests, embedding).
    pub fn from_parts(
        cell: PolicyCell,
        store: Option<EventStore>,
        device: &str,
        user: &str,
        groups: Vec<String>,
        redaction_key: Vec<u8>,
    ) -> Shared {
        Shared {
            cell: Arc::new(cell),
            store: store.map(|s| Arc::new(Mutex::new(s))),
            recent: Arc::new(Mutex::new(HashMap::new())),
            reportable: Arc::new(Mutex::new(HashMap::new())),
            device: device.to_string(),
            user: user.to_string(),
            groups: Arc::new(groups),
            redaction_key: Arc::new(redaction_key),
            recording: Arc::new(Mutex::new(None)),
        }
    }
}

/// Decides requests for one client connection (a host's own browser, or one host at the daemon).
pub struct Decider {
    cell: Arc<PolicyCell>,
    pseudonyms: HashMap<String, Pseudonyms>,
    /// The event buffer; `None` when it could not be opened (verdicts never wait on it).
    store: Option<Arc<Mutex<EventStore>>>,
    device: String,
    user: String,
    /// Recent non-allow decisions by event id (shared by the process's connections), so a user
    /// decision can be recorded with them.
    recent: Arc<Mutex<HashMap<String, Event>>>,
    reportable: Arc<Mutex<HashMap<String, Reportable>>>,
    groups: Arc<Vec<String>>,
    redaction_key: Arc<Vec<u8>>,
    recording: Arc<Mutex<Option<(i64, String)>>>,
    decided_by: &'static str,
    /// The largest request taken (announced in `hello_ok`).
    pub max_inbound: usize,
}

impl Decider {
    pub fn new(shared: &Shared, decided_by: &'static str) -> Decider {
        Decider {
            cell: shared.cell.clone(),
            pseudonyms: HashMap::new(),
            store: shared.store.clone(),
            device: shared.device.clone(),
            user: shared.user.clone(),
            recent: shared.recent.clone(),
            reportable: shared.reportable.clone(),
            groups: shared.groups.clone(),
            redaction_key: shared.redaction_key.clone(),
            recording: shared.recording.clone(),
            decided_by,
            max_inbound: promptwall_protocol::DEFAULT_MAX_INBOUND,
        }
    }

    /// The warning a user decision answers, taken so it cannot be answered twice: a recent one
    /// of this process, else one still queued in the store (decided by another host process, or
    /// before a daemon restart). Only `warn` decisions take a user decision: a block, redact or
    /// allow is final.
    fn take_warning(&self, event_id: &str) -> Result<Event, &'static str> {
        let answered = |store: &EventStore| store.state(&decided_key(event_id)).ok().flatten().is_some();
        let e = match self.recent.lock().unwrap_or_else(|p| p.into_inner()).remove(event_id) {
            Some(e) => e,
            None => {
                let store = self.store.as_ref().ok_or("unknown event_id (not a recent decision, nor one still queued)")?;
                let guard = store.lock().unwrap_or_else(|p| p.into_inner());
                let e = guard.get(event_id).ok().flatten().ok_or("unknown event_id (not a recent decision, nor one still queued)")?;
                if answered(&guard) {
                    return Err("this decision was already answered");
                }
                e
            }
        };
        if e.trigger == EventTrigger::UserDecision || e.action != Action::Warn {
            return Err("only a warning takes a user decision");
        }
        if let Some(store) = &self.store {
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            if answered(&guard) {
                return Err("this decision was already answered");
            }
            let _ = guard.set_state(&decided_key(event_id), "1");
        }
        Ok(e)
    }
}

/// A decision the employee may still report as a false alarm: its event and what it found (types,
/// detectors, keyed value hashes; never values). Kept in memory only, like `recent`: a decision
/// made before a restart of the deciding process can no longer be reported.
#[derive(Debug, Clone)]
struct Reportable {
    event: Event,
    findings: Vec<ReportedFinding>,
}

/// The employee's reason as recorded: control characters removed, at most
/// [`promptwall_protocol::event::MAX_REPORT_REASON`] characters, and anything in it the structured
/// detectors find replaced by its type tag (someone may well type the value they report).
fn clean_reason(reason: Option<String>, engine: &promptwall_detect::Engine) -> Option<String> {
    let r: String =
        reason?.chars().map(|c| if c.is_control() { ' ' } else { c }).take(promptwall_protocol::event::MAX_REPORT_REASON).collect();
    let r = r.trim();
    if r.is_empty() {
        return None;
    }
    let scan = engine.scan_structured(r);
    Some(promptwall_detect::redact::redact(r, &scan.findings, promptwall_detect::RedactStyle::Tag, &[]))
}

/// The store's record that a warning was answered (a decision per warning, whichever process).
fn decided_key(event_id: &str) -> String {
    format!("decided:{event_id}")
}

/// How many recent decisions a process remembers for user decisions.
const RECENT: usize = 10_000;

fn event_id() -> String {
    crate::paths::random_hex(16)
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.to_ascii_lowercase()
}

impl Decider {
    pub fn handle(&mut self, request: Request) -> Vec<Response> {
        let current = self.cell.current();
        match request {
            Request::Hello { .. } => vec![Response::HelloOk {
                protocol: PROTOCOL_VERSION,
                agent_version: env!("CARGO_PKG_VERSION").to_string(),
                capabilities: [
                    "inspect",
                    "user_decision",
                    "status",
                    "chunked_results",
                    "uninspectable",
                    "inspect_file",
                    "report_false_alarm",
                ]
                .map(String::from)
                .to_vec(),
                policy_name: current.policy.policy.name.clone(),
                policy_version: current.version,
                fail_mode: format!("{:?}", current.policy.policy.fail_mode).to_lowercase(),
                ai_sites: current.policy.policy.sites.ai.clone(),
                site_adapters: current.policy.policy.sites.adapters.clone(),
                max_request_bytes: self.max_inbound as u64,
                uninspectable: current.policy.policy.uninspectable.action().as_str().to_string(),
            }],
            Request::Status {} => vec![Response::Status {
                agent_version: env!("CARGO_PKG_VERSION").to_string(),
                policy_name: current.policy.policy.name.clone(),
                policy_version: current.version,
                daemon: if self.decided_by == "daemon" { "serving".into() } else { "not reachable: this host decides in-process".into() },
                models: crate::models::summary(),
                events: self.recording_line(),
            }],
            Request::UserDecision { event_id, choice, justification } => match self.take_warning(&event_id) {
                Ok(decided) => {
                    let mut e = decided;
                    e.event_id = self::event_id();
                    e.time_ms = now_ms();
                    e.trigger = EventTrigger::UserDecision;
                    e.choice = Some(choice);
                    e.justification = justification.map(|j| j.chars().filter(|c| !c.is_control()).take(1000).collect());
                    self.record(&e);
                    vec![Response::Ack {}]
                }
                Err(why) => vec![error(ErrorCode::InvalidRequest, why)],
            },
            Request::ReportFalseAlarm { event_id, reason } => self.report_false_alarm(&current, &event_id, reason),
            Request::Uninspectable { url, trigger, reason, size, name: _, conversation_id: _ } => {
                self.uninspectable(&current, &url, trigger.into(), reason, size)
            }
            Request::Inspect { text, url, conversation_id, trigger } => {
                self.inspect(&current, &text, &url, conversation_id, trigger.into())
            }
            Request::InspectFile { url, trigger, data, name: _, conversation_id: _ } => {
                self.inspect_file(&current, &url, trigger.into(), &data)
            }
        }
    }

    /// Appends an event; a failing store is reported (log, and `status`) without content and
    /// never delays or changes the verdict. Recording resumes by itself when the store works again
    /// (space freed, a deleted file recreated).
    fn record(&mut self, e: &Event) {
        let Some(store) = &self.store else {
            self.note_recording(Err("the event store could not be opened".into()));
            return;
        };
        let result = store.lock().unwrap_or_else(|p| p.into_inner()).append(e);
        match result {
            Ok(_) => self.note_recording(Ok(())),
            Err(err) => {
                tracing::error!(event_id = %e.event_id, error = %err, "event not stored");
                self.note_recording(Err(err.to_string()));
            }
        }
    }

    fn note_recording(&self, r: Result<(), String>) {
        let mut state = self.recording.lock().unwrap_or_else(|p| p.into_inner());
        match r {
            Ok(()) => {
                if state.take().is_some() {
                    tracing::info!("event recording resumed");
                }
            }
            Err(why) => match state.as_mut() {
                Some((_, last)) => *last = why,
                None => *state = Some((now_ms(), why)),
            },
        }
    }

    fn recording_line(&self) -> String {
        match &*self.recording.lock().unwrap_or_else(|p| p.into_inner()) {
            None if self.store.is_some() => "recording".into(),
            None => "NOT RECORDING: the event store could not be opened".into(),
            Some((since, why)) => format!("NOT RECORDING since {since} (unix ms): {why}"),
        }
    }

    /// Records a non-allow decision and remembers it for the user's answer.
    #[allow(clippy::too_many_arguments)]
    fn record_decision(
        &mut self,
        current: &Loaded,
        id: &str,
        host: &str,
        trigger: EventTrigger,
        action: Action,
        rule_ids: Vec<String>,
        counts: std::collections::BTreeMap<String, u32>,
        exceptions_applied: Vec<String>,
    ) -> Event {
        let e = Event {
            format: promptwall_store::EVENT_FORMAT,
            event_id: id.to_string(),
            time_ms: now_ms(),
            device_id: self.device.clone(),
            user: self.user.clone(),
            site: host.to_string(),
            trigger,
            action,
            rule_ids,
            entity_counts: counts,
            policy_version: current.version,
            choice: None,
            justification: None,
            fingerprints: Vec::new(),
            false_alarm: None,
            exceptions_applied,
        };
        self.record(&e);
        if action != Action::Allow {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if recent.len() >= RECENT {
                // Older decisions are still found in the store while they wait for upload.
                recent.clear();
            }
            recent.insert(id.to_string(), e.clone());
        }
        e
    }

    /// "Not sensitive?": records a report event for a recent warn/redact decision of this process
    /// (its findings' types, detectors and keyed value hashes, and the cleaned reason), once per
    /// decision. Under `false_alarm_reports.let_through` a reported warning is let through (and
    /// counts as its user decision); otherwise the verdict stands.
    fn report_false_alarm(&mut self, current: &Loaded, event_id: &str, reason: Option<String>) -> Vec<Response> {
        let settings = current.policy.policy.false_alarm_reports;
        if !settings.enabled {
            return vec![error(ErrorCode::InvalidRequest, "the policy does not take false-alarm reports")];
        }
        let Some(r) = self.reportable.lock().unwrap_or_else(|p| p.into_inner()).remove(event_id) else {
            return vec![error(ErrorCode::InvalidRequest, "unknown event_id (not a recent warn or redact decision, or already reported)")];
        };
        let let_through = settings.let_through && r.event.action == Action::Warn && self.take_warning(event_id).is_ok();
        let mut e = r.event;
        e.event_id = self::event_id();
        e.time_ms = now_ms();
        e.trigger = EventTrigger::FalseAlarmReport;
        e.choice = let_through.then_some(promptwall_protocol::messages::Choice::Proceed);
        e.justification = None;
        e.exceptions_applied = Vec::new();
        e.false_alarm = Some(FalseAlarm {
            reported_event_id: event_id.to_string(),
            findings: r.findings,
            reason: clean_reason(reason, &current.engine),
            let_through,
        });
        self.record(&e);
        tracing::info!(event_id = %e.event_id, reported = %event_id, let_through, "false-alarm report recorded");
        vec![Response::FalseAlarmOk { let_through }]
    }

    /// Content the extension could not send for inspection: the policy's `uninspectable` action
    /// (warn or block) on AI sites, recorded like any decision. Exceptions and non-AI sites
    /// decide as they would for text.
    fn uninspectable(
        &mut self,
        current: &Loaded,
        url: &str,
        trigger: EventTrigger,
        reason: UninspectableReason,
        size: u64,
    ) -> Vec<Response> {
        let host = host_of(url);
        let p = &current.policy.policy;
        let excepted = p.exceptions.sites.iter().any(|s| pol::host_matches(s, &host)) || p.exceptions.users.contains(&self.user);
        let action = if excepted {
            Action::Allow
        } else if !current.policy.is_ai_site(&host) {
            p.sites.unknown_site_action
        } else {
            p.uninspectable.action()
        };
        let action = if action == Action::Redact { Action::Block } else { action };
        let what = match reason {
            UninspectableReason::TooLarge => format!("This content ({size} bytes) is larger than Promptwall can inspect at once."),
            UninspectableReason::BinaryFile => "Promptwall cannot read the text of this file.".to_string(),
            UninspectableReason::Unreadable => "Promptwall could not read this content.".to_string(),
        };
        let rule = format!("uninspectable:{}", reason.as_str());
        let event_id = (action != Action::Allow).then(event_id);
        if let Some(id) = &event_id {
            self.record_decision(current, id, &host, trigger, action, vec![rule.clone()], Default::default(), Vec::new());
        }
        vec![Response::Verdict(Verdict {
            action,
            findings: Vec::new(),
            redacted_text: None,
            redacted_text_parts: None,
            message: match action {
                Action::Block => format!("{what} Company policy blocks content that cannot be inspected."),
                Action::Warn => format!("{what} Check that it holds nothing sensitive before you send it."),
                _ => String::new(),
            },
            link: None,
            reasons: vec![rule],
            categories: Vec::new(),
            override_allowed: action == Action::Warn,
            justification_required: false,
            event_id,
            policy_name: p.name.clone(),
            policy_version: current.version,
            decided_by: self.decided_by.into(),
            pseudonyms: None,
            reportable: false,
        })]
    }

    /// A file's bytes: its text (a text file, an office document) is decided like pasted text, but
    /// never rewritten: `redact` blocks it, with the findings; what cannot be read is
    /// `uninspectable`.
    fn inspect_file(&mut self, current: &Loaded, url: &str, trigger: EventTrigger, data: &str) -> Vec<Response> {
        use base64::Engine as _;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data.trim()) else {
            return vec![error(ErrorCode::InvalidRequest, "`data` is not base64")];
        };
        let text = match crate::extract::file_text(&bytes) {
            crate::extract::FileText::Text(t) => t,
            crate::extract::FileText::Document { text, .. } => text,
            crate::extract::FileText::NotExtractable(_) => {
                return self.uninspectable(current, url, trigger, UninspectableReason::BinaryFile, bytes.len() as u64);
            }
        };
        self.decide_text(current, &text, url, None, trigger, true)
    }

    fn inspect(&mut self, current: &Loaded, text: &str, url: &str, conversation: Option<String>, trigger: EventTrigger) -> Vec<Response> {
        self.decide_text(current, text, url, conversation, trigger, false)
    }

    /// Scan → evaluate → redact → record → verdict. For a file (`file`), `redact` becomes `block`
    /// (a file cannot be rewritten in place), recorded as such.
    fn decide_text(
        &mut self,
        current: &Loaded,
        text: &str,
        url: &str,
        conversation: Option<String>,
        trigger: EventTrigger,
        file: bool,
    ) -> Vec<Response> {
        let host = host_of(url);
        let ctx = pol::Context { host: &host, user: &self.user, groups: &self.groups };
        // Findings covered by an approved false-alarm exception of the signed policy are dropped
        // before the policy sees them; the event names the exceptions that did so.
        let now_s = now_ms() / 1000;
        let key = self.redaction_key.clone();
        let except = |scan: promptwall_detect::ScanResult| {
            if current.policy.finding_exceptions.is_empty() {
                (scan, Vec::new())
            } else {
                pol::apply_exceptions(&current.policy, text, &scan, &key, &ctx, now_s)
            }
        };
        // Before this process has loaded its models (a native host deciding alone), a paste that
        // the structured detectors already block is decided without them: no model load for it.
        let (scan, excepted) = if crate::models::ready() {
            except(current.engine.scan(text))
        } else {
            let first = except(current.engine.scan_structured(text));
            if evaluate(&current.policy, text, &first.0, &ctx).action == Action::Block {
                first
            } else {
                except(current.engine.scan(text))
            }
        };
        let mut d = evaluate(&current.policy, text, &scan, &ctx);
        for id in &excepted {
            d.reasons.push(format!("exception_applied: {id}"));
        }
        if file && d.action == Action::Redact {
            d.action = Action::Block;
            d.override_allowed = false;
            d.justification_required = false;
            d.reasons.push("files cannot be redacted in place: remove the values and attach the file again".into());
        }
        let mut offsets = Vec::with_capacity(scan.findings.len() * 2);
        for f in &scan.findings {
            offsets.push(f.start);
            offsets.push(f.end);
        }
        let u16s = utf16_offsets(text, &offsets);
        let findings = scan
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| WireFinding {
                type_name: f.rule_id.clone().unwrap_or_else(|| f.entity.as_str().to_string()),
                start: f.start,
                end: f.end,
                start_utf16: u16s[2 * i],
                end_utf16: u16s[2 * i + 1],
                score: (f64::from(f.score) * 1000.0).round() / 1000.0,
            })
            .collect();
        // Pseudonym-style spans get placeholders stable within the conversation (one `Pseudonyms`
        // per conversation id, in memory only); without a conversation id they become type tags.
        let redacted = (d.action == Action::Redact).then(|| {
            let key = self.redaction_key.as_slice();
            let wants = d.redactions.iter().any(|s| s.style == RedactionStyle::Pseudonym);
            let pseudo = match (wants, conversation) {
                (true, Some(c)) => Some(self.pseudonyms.entry(c).or_default()),
                _ => None,
            };
            apply_with_pseudonyms(text, &d.redactions, key, pseudo)
        });
        let (redacted, pseudonyms) = match redacted {
            Some(r) => {
                let map = (!r.pseudonyms.is_empty())
                    .then(|| r.pseudonyms.into_iter().map(|(placeholder, value)| Pseudonym { placeholder, value }).collect());
                (Some(r.text), map)
            }
            None => (None, None),
        };
        let mut verdict = Verdict {
            action: d.action,
            findings,
            redacted_text: redacted,
            redacted_text_parts: None,
            message: d.message.clone(),
            link: d.link.clone(),
            reasons: d.reasons.clone(),
            categories: scan.categories.iter().map(|c| c.as_str().to_string()).collect(),
            override_allowed: d.override_allowed,
            justification_required: d.justification_required,
            event_id: (d.action != Action::Allow).then(event_id),
            policy_name: current.policy.policy.name.clone(),
            policy_version: current.version,
            decided_by: self.decided_by.into(),
            pseudonyms,
            reportable: false,
        };
        // An allow that an exception made is recorded too, so the console can see why it passed.
        let record_id = verdict.event_id.clone().or_else(|| (!excepted.is_empty()).then(event_id));
        if let Some(id) = &record_id {
            let mut counts = std::collections::BTreeMap::new();
            for f in &scan.findings {
                *counts.entry(f.rule_id.clone().unwrap_or_else(|| f.entity.as_str().to_string())).or_insert(0u32) += 1;
            }
            let e = self.record_decision(current, id, &host, trigger, verdict.action, d.rule_ids.clone(), counts, excepted);
            if matches!(verdict.action, Action::Warn | Action::Redact) && current.policy.policy.false_alarm_reports.enabled {
                // A redaction reports the values it replaced; a warning every finding.
                let redacted = |f: &promptwall_detect::Finding| {
                    verdict.action == Action::Warn || d.redactions.iter().any(|r| r.start == f.start && r.end == f.end)
                };
                let findings = scan
                    .findings
                    .iter()
                    .filter(|f| redacted(f))
                    .take(promptwall_protocol::event::MAX_REPORTED_FINDINGS)
                    .map(|f| ReportedFinding {
                        type_name: f.entity.as_str().to_string(),
                        detector: pol::detector_id(f).to_string(),
                        value_hash: pol::false_alarm_hash(&self.redaction_key, text.get(f.start..f.end).unwrap_or("")),
                    })
                    .collect();
                let mut map = self.reportable.lock().unwrap_or_else(|p| p.into_inner());
                if map.len() >= RECENT {
                    map.clear();
                }
                map.insert(id.clone(), Reportable { event: e, findings });
                verdict.reportable = true;
            }
        }
        // Over the browser's limit: send the redacted text in parts first, never truncated.
        let size = serde_json::to_string(&verdict).map(|s| s.len()).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        if size > MAX_OUTBOUND - 1024 {
            if let Some(t) = verdict.redacted_text.take() {
                let parts = split_utf8(&t, MAX_OUTBOUND / 2);
                let total = parts.len();
                for (seq, data) in parts.into_iter().enumerate() {
                    out.push(Response::VerdictPart { seq, total, data: data.to_string() });
                }
                verdict.redacted_text_parts = Some(total);
            }
            if serde_json::to_string(&verdict).map(|s| s.len()).unwrap_or(usize::MAX) > MAX_OUTBOUND - 1024 {
                // Too many findings to list: keep the decision, summarise the findings.
                verdict.findings.truncate(1000);
                verdict.reasons.push(format!("findings list shortened to the first 1000 of {}", scan.findings.len()));
            }
        }
        out.push(Response::Verdict(verdict));
        out
    }
}

/// Splits at character boundaries into pieces of at most `max` bytes (JSON escaping can at most
/// double a piece; `max` leaves room for that).
fn split_utf8(s: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < s.len() {
        let mut end = (start + max).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&s[start..end]);
        start = end;
    }
    out
}

/// Serves framed requests from `input` until end of input (used by the daemon per connection);
/// `touch` is called after each answered request. A read that times out (an idle or stalled
/// connection) ends the connection.
pub fn serve(
    host: &mut Decider,
    input: &mut impl io::Read,
    output: &mut impl io::Write,
    max_inbound: usize,
    touch: &dyn Fn(),
) -> Result<ExitCode> {
    loop {
        let frame = read_frame(input, max_inbound);
        if let Err(FrameError::Io(e)) = &frame {
            if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
                return Ok(ExitCode::SUCCESS);
            }
        }
        if let Some(code) = answer(host, frame, output)? {
            return Ok(code);
        }
        touch();
    }
}

/// Answers one frame read result. `Some(code)` means: stop with this exit code.
pub fn answer(host: &mut Decider, frame: Result<String, FrameError>, output: &mut impl io::Write) -> Result<Option<ExitCode>> {
    let (id, responses) = match frame {
        Ok(json) => match parse_request(&json) {
            Ok(env) => {
                let id = env.id.clone();
                let responses = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| host.handle(env.request)))
                    .unwrap_or_else(|_| vec![error(ErrorCode::Internal, "internal error while handling the request")]);
                (id, responses)
            }
            Err((id, code, message)) => (id, vec![error(code, message)]),
        },
        Err(FrameError::Eof) => return Ok(Some(ExitCode::SUCCESS)),
        Err(FrameError::Oversized { len, max, head }) => (
            request_id_from_head(&head),
            vec![error(ErrorCode::FrameTooLarge, format!("message of {len} bytes is over the {max}-byte limit"))],
        ),
        Err(FrameError::TooLarge(n, max)) => {
            (Value::Null, vec![error(ErrorCode::FrameTooLarge, format!("message of {n} bytes is over the {max}-byte limit"))])
        }
        Err(FrameError::NotUtf8) => (Value::Null, vec![error(ErrorCode::BadFrame, "message is not valid UTF-8")]),
        Err(e @ (FrameError::TruncatedHeader(_) | FrameError::TruncatedBody { .. })) => {
            // The stream is broken: say why and stop (the browser restarts the host).
            let _ = write_frame(output, &response_json(&Value::Null, &error(ErrorCode::BadFrame, e.to_string())));
            tracing::warn!(error = %e, "broken frame; closing the connection");
            return Ok(Some(ExitCode::from(1)));
        }
        Err(FrameError::Io(e)) => return Err(e).context("reading a request"),
    };
    for r in responses {
        match write_frame(output, &response_json(&id, &r)) {
            Ok(()) => {}
            Err(FrameError::TooLarge(..)) => {
                write_frame(output, &response_json(&id, &error(ErrorCode::ResultTooLarge, "result too large for one message")))
                    .map_err(|e| anyhow::anyhow!("writing a reply: {e}"))?;
            }
            Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Some(ExitCode::SUCCESS)),
            Err(e) => return Err(anyhow::anyhow!("writing a reply: {e}")),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use promptwall_protocol::messages::{Choice, Trigger};

    const EMAILS: &str = "Escalate to alice.lindgren@northwind.io and bruno.keller@northwind.io today";

    /// A decider over `policy` (the default policy with `edit` applied), as `user` in `groups`,
    /// with an event store in a temporary file.
    fn decider(name: &str, edit: impl FnOnce(&mut Value), user: &str, groups: &[&str]) -> Decider {
        let mut p: Value = serde_json::from_str(pol::default_policy_json()).unwrap();
        edit(&mut p);
        let policy = pol::parse_policy(&p.to_string()).unwrap();
        let dir = std::env::temp_dir().join(format!("promptwall-decider-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = EventStore::open(&dir.join("events.db"), StoreConfig::default()).unwrap();
        let cell = PolicyCell::with_policy(policy).unwrap();
        let shared = Shared::from_parts(cell, Some(store), "dev-1", user, groups.iter().map(|g| g.to_string()).collect(), vec![9; 32]);
        Decider::new(&shared, "test")
    }

    fn inspect(d: &mut Decider, text: &str) -> Verdict {
        let r = d.handle(Request::Inspect {
            text: text.into(),
            url: "https://chatgpt.com/c/1".into(),
            trigger: Trigger::Paste,
            conversation_id: None,
        });
        match r.into_iter().last() {
            Some(Response::Verdict(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    fn inspect_in(d: &mut Decider, text: &str, conversation: Option<&str>) -> Verdict {
        let r = d.handle(Request::Inspect {
            text: text.into(),
            url: "https://chatgpt.com/c/1".into(),
            trigger: Trigger::Paste,
            conversation_id: conversation.map(str::to_string),
        });
        match r.into_iter().last() {
            Some(Response::Verdict(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pseudonyms_per_conversation_and_their_mapping_in_the_verdict() {
        let pseudo = |p: &mut Value| {
            let rule = serde_json::json!({"id": "redact-email", "match": {"types": ["EMAIL"]}, "action": "redact", "message": "Addresses are replaced."});
            p["rules"].as_array_mut().unwrap().insert(0, rule);
            p["redaction"]["per_type"]["EMAIL"] = "pseudonym".into();
        };
        let mut d = decider("pseudo", pseudo, "alice", &[]);
        let v = inspect_in(&mut d, EMAILS, Some("/c/1"));
        assert_eq!(v.action, Action::Redact);
        assert_eq!(v.redacted_text.as_deref(), Some("Escalate to [EMAIL_1] and [EMAIL_2] today"));
        let map = v.pseudonyms.expect("a mapping for pseudonym redactions");
        assert_eq!(map[1], Pseudonym { placeholder: "[EMAIL_2]".into(), value: "bruno.keller@northwind.io".into() });
        // The same value in the same conversation keeps its placeholder; another conversation starts over.
        let again = inspect_in(&mut d, "cc bruno.keller@northwind.io", Some("/c/1"));
        assert_eq!(again.redacted_text.as_deref(), Some("cc [EMAIL_2]"));
        let other = inspect_in(&mut d, "cc bruno.keller@northwind.io", Some("/c/2"));
        assert_eq!(other.redacted_text.as_deref(), Some("cc [EMAIL_1]"));
        // No conversation: a type tag, and no mapping on the wire.
        let none = inspect_in(&mut d, "cc bruno.keller@northwind.io", None);
        assert_eq!(none.redacted_text.as_deref(), Some("cc [EMAIL]"));
        assert!(none.pseudonyms.is_none());
        assert!(!response_json(&Value::Null, &Response::Verdict(none)).contains("pseudonyms"), "absent, not null");
        // Tag-style redactions carry no mapping.
        let tag = |p: &mut Value| {
            pseudo(p);
            p["redaction"]["per_type"]["EMAIL"] = "tag".into();
        };
        let v = inspect_in(&mut decider("pseudo-tag", tag, "alice", &[]), EMAILS, Some("/c/1"));
        assert_eq!(v.redacted_text.as_deref(), Some("Escalate to [EMAIL] and [EMAIL] today"));
        assert!(v.pseudonyms.is_none());
    }

    fn group_rule(p: &mut Value) {
        let rule = serde_json::json!({"id": "eng-no-email", "match": {"types": ["EMAIL"]}, "groups": ["engineering"], "action": "block", "message": "No addresses."});
        p["rules"].as_array_mut().unwrap().insert(0, rule);
    }

    #[test]
    fn group_rules_apply_to_the_devices_group_only() {
        assert_eq!(
            inspect(&mut decider("eng", group_rule, "alice", &["engineering"]), "mail bob.keller@northwind.io").action,
            Action::Block
        );
        assert_eq!(inspect(&mut decider("sales", group_rule, "alice", &["sales"]), "mail bob.keller@northwind.io").action, Action::Allow);
    }

    #[test]
    fn user_exceptions_apply_to_the_os_user() {
        let except = |p: &mut Value| p["exceptions"] = serde_json::json!({"users": ["svc-build"]});
        assert_eq!(inspect(&mut decider("exc", except, "svc-build", &[]), "key AKIAT4SYWB5WKH7DNSIP").action, Action::Allow);
        assert_eq!(inspect(&mut decider("noexc", except, "alice", &[]), "key AKIAT4SYWB5WKH7DNSIP").action, Action::Block);
    }

    #[test]
    fn one_decision_per_warning_and_none_for_a_block() {
        let mut d = decider("decide", |_| {}, "alice", &[]);
        let warn = inspect(&mut d, EMAILS);
        assert_eq!(warn.action, Action::Warn);
        let block = inspect(&mut d, "key AKIAT4SYWB5WKH7DNSIP");
        let decide = |d: &mut Decider, id: &str| {
            d.handle(Request::UserDecision { event_id: id.into(), choice: Choice::Proceed, justification: None })
        };
        assert!(matches!(decide(&mut d, warn.event_id.as_deref().unwrap())[0], Response::Ack {}));
        assert!(matches!(decide(&mut d, warn.event_id.as_deref().unwrap())[0], Response::Error { code: ErrorCode::InvalidRequest, .. }));
        assert!(matches!(decide(&mut d, block.event_id.as_deref().unwrap())[0], Response::Error { code: ErrorCode::InvalidRequest, .. }));
    }

    #[test]
    fn uninspectable_content_follows_the_policy_never_allowed_silently() {
        let ask = |d: &mut Decider| match d
            .handle(Request::Uninspectable {
                url: "https://claude.ai/".into(),
                trigger: Trigger::File,
                reason: UninspectableReason::BinaryFile,
                size: 10,
                name: None,
                conversation_id: None,
            })
            .remove(0)
        {
            Response::Verdict(v) => v,
            other => panic!("{other:?}"),
        };
        let v = ask(&mut decider("uw", |_| {}, "alice", &[]));
        assert_eq!((v.action, v.override_allowed, v.event_id.is_some()), (Action::Warn, true, true));
        let v = ask(&mut decider("ub", |p| p["uninspectable"] = serde_json::json!("block"), "alice", &[]));
        assert_eq!((v.action, v.override_allowed), (Action::Block, false));
    }

    #[test]
    fn files_are_judged_by_their_bytes_and_never_redacted_in_place() {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut d = decider("files", |_| {}, "alice", &[]);
        let mut ask = |bytes: &[u8]| match d
            .handle(Request::InspectFile {
                url: "https://claude.ai/".into(),
                trigger: Trigger::File,
                data: b64(bytes),
                name: Some("notes".into()),
                conversation_id: None,
            })
            .pop()
        {
            Some(Response::Verdict(v)) => v,
            other => panic!("{other:?}"),
        };
        // A text file (of any name): a card would be redacted in a paste; a file is blocked.
        let v = ask(b"card 4539 1488 0343 6467\n");
        assert_eq!((v.action, v.redacted_text.is_none(), v.override_allowed), (Action::Block, true, false));
        assert!(v.findings.iter().any(|f| f.type_name == "CREDIT_CARD"));
        // A key in a file: blocked; a clean file: allowed; an unreadable binary: the policy's warn.
        assert_eq!(ask(b"aws_access_key_id = AKIAT4SYWB5WKH7DNSIP").action, Action::Block);
        assert_eq!(ask(b"just some notes").action, Action::Allow);
        let v = ask(b"%PDF-1.7\n\x00\x01binary");
        assert_eq!((v.action, v.reasons.clone()), (Action::Warn, vec!["uninspectable:binary_file".to_string()]));
        assert!(matches!(
            d.handle(Request::InspectFile {
                url: "https://claude.ai/".into(),
                trigger: Trigger::File,
                data: "%%%".into(),
                name: None,
                conversation_id: None
            })[0],
            Response::Error { .. }
        ));
    }

    #[test]
    fn hash_tags_use_the_shared_key_not_the_policy_name() {
        let hash = |p: &mut Value| p["redaction"] = serde_json::json!({"default_style": "hash"});
        let v = inspect(&mut decider("hash", hash, "alice", &[]), "card 4539 1488 0343 6467");
        let expected =
            promptwall_detect::redact::replacement("4539 1488 0343 6467", "CREDIT_CARD", promptwall_detect::RedactStyle::Hash, &[9; 32]);
        assert_eq!(v.redacted_text.as_deref(), Some(format!("card {expected}").as_str()));
    }

    fn queued(d: &Decider) -> Vec<Event> {
        d.store.as_ref().unwrap().lock().unwrap().pending(100).unwrap()
    }

    #[test]
    fn a_false_alarm_report_carries_keyed_hashes_and_a_scrubbed_reason_never_values() {
        let mut d = decider("report", |_| {}, "alice", &[]);
        let warn = inspect(&mut d, EMAILS);
        assert!(warn.reportable && warn.action == Action::Warn);
        let id = warn.event_id.clone().unwrap();
        let report = |d: &mut Decider, reason: &str| {
            d.handle(Request::ReportFalseAlarm { event_id: id.clone(), reason: Some(reason.into()) }).remove(0)
        };
        let r = report(&mut d, "test data\u{0} from alice.lindgren@northwind.io's sandbox");
        assert_eq!(r, Response::FalseAlarmOk { let_through: false });
        assert!(matches!(report(&mut d, "again"), Response::Error { code: ErrorCode::InvalidRequest, .. }), "once per decision");
        let events = queued(&d);
        let e = events.iter().find(|e| e.trigger == EventTrigger::FalseAlarmReport).expect("a report event");
        let fa = e.false_alarm.as_ref().unwrap();
        assert_eq!(fa.reported_event_id, id);
        assert_eq!(fa.findings.len(), 2);
        assert_eq!(fa.findings[0].type_name, "EMAIL");
        assert_eq!(fa.findings[0].value_hash, pol::false_alarm_hash(&[9; 32], "alice.lindgren@northwind.io"));
        assert_eq!(fa.reason.as_deref(), Some("test data  from [EMAIL]'s sandbox"));
        let json = serde_json::to_string(&events).unwrap();
        assert!(!json.contains("northwind.io"), "no value in any event: {json}");
        // The verdict stands: the warning still takes its user decision.
        let ok = d.handle(Request::UserDecision { event_id: id, choice: Choice::Cancel, justification: None });
        assert!(matches!(ok[0], Response::Ack {}));
        // A block is not reportable; neither is anything when the policy turns reports off.
        assert!(!inspect(&mut d, "key AKIAT4SYWB5WKH7DNSIP").reportable);
        let mut off = decider("report-off", |p| p["false_alarm_reports"] = serde_json::json!({"enabled": false}), "alice", &[]);
        let v = inspect(&mut off, EMAILS);
        assert!(!v.reportable);
        let r = off.handle(Request::ReportFalseAlarm { event_id: v.event_id.unwrap(), reason: None });
        assert!(matches!(r[0], Response::Error { .. }));
    }

    #[test]
    fn let_through_answers_the_warning() {
        let mut d = decider("let-through", |p| p["false_alarm_reports"] = serde_json::json!({"let_through": true}), "alice", &[]);
        let id = inspect(&mut d, EMAILS).event_id.unwrap();
        let r = d.handle(Request::ReportFalseAlarm { event_id: id.clone(), reason: None });
        assert_eq!(r[0], Response::FalseAlarmOk { let_through: true });
        let again = d.handle(Request::UserDecision { event_id: id, choice: Choice::Proceed, justification: None });
        assert!(matches!(again[0], Response::Error { .. }), "the report was the warning's decision");
        let e = queued(&d).into_iter().find(|e| e.trigger == EventTrigger::FalseAlarmReport).unwrap();
        assert_eq!(e.choice, Some(Choice::Proceed));
    }

    #[test]
    fn exceptions_drop_their_findings_and_the_event_says_which() {
        let hash = pol::false_alarm_hash(&[9; 32], "alice.lindgren@northwind.io");
        let other = pol::false_alarm_hash(&[9; 32], "bruno.keller@northwind.io");
        let both = move |p: &mut Value| {
            p["rules"][2]["match"]["min_count"] = 1.into();
            p["exceptions"] = serde_json::json!({"findings": [
                {"id": "fa-1", "detector": "pii.email", "value_hash": hash},
                {"id": "fa-2", "detector": "pii.email", "value_hash": other, "groups": ["support"]},
            ]})
        };
        // Only one of the two addresses is excepted for a device outside `support`: still a warning.
        let mut d = decider("exc-one", both.clone(), "alice", &["eng"]);
        let v = inspect(&mut d, EMAILS);
        assert_eq!(v.action, Action::Warn);
        assert_eq!(v.findings.len(), 1);
        assert!(v.reasons.contains(&"exception_applied: fa-1".to_string()));
        // In `support` both are: the paste passes, and an event records why.
        let mut d = decider("exc-both", both, "alice", &["support"]);
        let v = inspect(&mut d, EMAILS);
        assert_eq!((v.action, v.event_id.is_none()), (Action::Allow, true));
        let e = queued(&d).pop().expect("an event for the excepted allow");
        assert_eq!((e.action, e.exceptions_applied.clone()), (Action::Allow, vec!["fa-1".to_string(), "fa-2".to_string()]));
        // Expired: flagged again.
        let expired = |p: &mut Value| p["exceptions"] = serde_json::json!({"findings": [{"id": "fa-old", "detector": "pii.email", "pattern": ".*@northwind\\.io", "expires": 1_000_000_000}]});
        assert_eq!(inspect(&mut decider("exc-exp", expired, "alice", &[]), EMAILS).action, Action::Warn);
    }

    #[test]
    fn hosts_from_urls() {
        assert_eq!(host_of("https://ChatGPT.com/c/123?x=1"), "chatgpt.com");
        assert_eq!(host_of("https://user:pw@claude.ai:443/chat"), "claude.ai");
        assert_eq!(host_of("gemini.google.com"), "gemini.google.com");
    }

    #[test]
    fn split_keeps_characters_whole() {
        let s = "é".repeat(10);
        let parts = split_utf8(&s, 3);
        assert!(parts.iter().all(|p| p.len() <= 3));
        assert_eq!(parts.concat(), s);
    }
}
