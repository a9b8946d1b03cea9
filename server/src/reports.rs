//! The false-alarm loop on the server (issue 18): employees' "Not sensitive?" reports arrive as
//! ordinary events (trigger `false_alarm_report`, checked here by [`check_false_alarm`]); the admin
//! API groups them by detector and keyed value hash across the fleet, shows a per-detector
//! false-alarm rate, and records an admin's approval (an exception: that value, that detector on
//! some sites, or a pattern; scoped and optionally expiring) or dismissal.
//!
//! The server holds no signing key, so an approval does not reach devices by itself: the admin
//! exports the approved exceptions for a group (`GET /api/v1/admin/exceptions?group=G`), signs them
//! into the next bundle (`promptwall policy sign --exceptions FILE`) and publishes it as usual.
//! Devices honour only exceptions inside a bundle whose signature they verified (docs/security.md).
//! Nothing here ever sees a value: reports carry HMAC-SHA256 hashes under the tenant key.

use crate::api::{admin, ApiError, AppState};
use crate::event::{is_control_like, strip_controls, FalseAlarm, Trigger};
use crate::now_ms;
use crate::store::reports::ReviewRow;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use promptwall_policy::exceptions::{validate_one, ExceptionsFile};
use promptwall_policy::FindingException;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many report events the queue reads (newest first).
pub const QUEUE_WINDOW: i64 = 50_000;
/// Sample reasons shown per group.
pub const SAMPLE_REASONS: usize = 5;

/// Checks a report's fields (called from event validation): present exactly on
/// `false_alarm_report` events, bounded lists and strings, hashes that are hashes. The reason's
/// control characters are removed.
pub fn check_false_alarm(trigger: Trigger, fa: Option<&mut FalseAlarm>) -> Result<(), String> {
    let Some(fa) = fa else {
        return if trigger == Trigger::FalseAlarmReport { Err("a `false_alarm_report` event needs `false_alarm`".into()) } else { Ok(()) };
    };
    if trigger != Trigger::FalseAlarmReport {
        return Err("`false_alarm` belongs to `false_alarm_report` events only".into());
    }
    let id_ok =
        |s: &str| !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'));
    if !id_ok(&fa.reported_event_id) {
        return Err("`false_alarm.reported_event_id` must be an event id".into());
    }
    if fa.findings.len() > promptwall_protocol::event::MAX_REPORTED_FINDINGS {
        return Err("`false_alarm.findings` has too many entries".into());
    }
    for f in &fa.findings {
        let text_ok = |s: &str| !s.is_empty() && s.chars().count() <= 128 && !s.chars().any(is_control_like);
        if !text_ok(&f.type_name) || !text_ok(&f.detector) {
            return Err("`false_alarm.findings[].type` and `.detector` must be 1 to 128 characters".into());
        }
        if f.value_hash.len() != 64 || !f.value_hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err("`false_alarm.findings[].value_hash` must be 64 lowercase hex digits".into());
        }
    }
    if let Some(r) = &mut fa.reason {
        if r.chars().count() > promptwall_protocol::event::MAX_REPORT_REASON {
            return Err("`false_alarm.reason` must be at most 500 characters".into());
        }
        if r.chars().any(is_control_like) {
            *r = strip_controls(r);
        }
    }
    Ok(())
}

/// One row of the review queue: every report of one value (hash) flagged by one detector.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueueGroup {
    pub detector: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub value_hash: String,
    pub reports: i64,
    pub devices: i64,
    pub sites: Vec<String>,
    pub groups: Vec<String>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub sample_reasons: Vec<String>,
    /// `open`, `approved` or `dismissed`.
    pub status: String,
    /// The review (for `approved`, the exception id).
    pub review_id: Option<String>,
}

/// Reports and findings of one detector across the fleet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DetectorRate {
    pub detector: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// Reported findings of this detector (one report may report several).
    pub reports: i64,
    /// Stored events in which this detector's type was found.
    pub findings: i64,
    /// `reports / findings` (0 when there are none).
    pub rate: f64,
}

/// The review queue: open groups first (most reported first), then decided ones.
pub fn build_queue(
    events: &[crate::store::StoredEvent],
    reviews: &[ReviewRow],
    entity_counts: &HashMap<String, i64>,
) -> (Vec<QueueGroup>, Vec<DetectorRate>) {
    #[derive(Default)]
    struct Acc {
        type_name: String,
        reports: i64,
        devices: BTreeSet<String>,
        sites: BTreeSet<String>,
        groups: BTreeSet<String>,
        first: i64,
        last: i64,
        reasons: Vec<String>,
    }
    let mut acc: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut per_detector: BTreeMap<String, (String, i64)> = BTreeMap::new();
    // Newest first: the first reasons met are the most recent.
    for ev in events {
        let Ok(e) = serde_json::from_str::<crate::event::UploadedEvent>(&ev.body) else { continue };
        let Some(fa) = &e.false_alarm else { continue };
        for f in &fa.findings {
            let a = acc.entry((f.detector.clone(), f.value_hash.clone())).or_default();
            if a.reports == 0 {
                a.first = e.time_ms;
                a.last = e.time_ms;
            }
            a.type_name = f.type_name.clone();
            a.reports += 1;
            a.devices.insert(e.device_id.clone());
            a.sites.insert(e.site.clone());
            a.groups.insert(ev.group.clone());
            a.first = a.first.min(e.time_ms);
            a.last = a.last.max(e.time_ms);
            if let Some(r) = &fa.reason {
                if a.reasons.len() < SAMPLE_REASONS && !a.reasons.contains(r) {
                    a.reasons.push(r.clone());
                }
            }
            let d = per_detector.entry(f.detector.clone()).or_insert_with(|| (f.type_name.clone(), 0));
            d.1 += 1;
        }
    }
    let mut queue: Vec<QueueGroup> = acc
        .into_iter()
        .map(|((detector, value_hash), a)| {
            let review = reviews.iter().rev().find(|r| r.detector == detector && r.value_hash == value_hash);
            QueueGroup {
                status: review.map_or("open".to_string(), |r| r.status.clone()),
                review_id: review.map(|r| r.id.clone()),
                detector,
                type_name: a.type_name,
                value_hash,
                reports: a.reports,
                devices: a.devices.len() as i64,
                sites: a.sites.into_iter().collect(),
                groups: a.groups.into_iter().collect(),
                first_ms: a.first,
                last_ms: a.last,
                sample_reasons: a.reasons,
            }
        })
        .collect();
    queue.sort_by(|a, b| (a.status != "open").cmp(&(b.status != "open")).then(b.reports.cmp(&a.reports)).then(b.last_ms.cmp(&a.last_ms)));
    let rates = per_detector
        .into_iter()
        .map(|(detector, (type_name, reports))| {
            let findings = entity_counts.get(&type_name).copied().unwrap_or(0);
            let rate = if findings > 0 { reports as f64 / findings as f64 } else { 0.0 };
            DetectorRate { detector, type_name, reports, findings, rate: (rate * 10_000.0).round() / 10_000.0 }
        })
        .collect();
    (queue, rates)
}

/// The approved, unexpired exceptions that apply to `group` (those scoped to other groups left
/// out; `None`: all of them), as an exceptions file.
pub fn export(reviews: &[ReviewRow], group: Option<&str>, now_ms: i64) -> ExceptionsFile {
    let findings = reviews
        .iter()
        .filter(|r| r.status == "approved" && r.expires_ms.is_none_or(|t| t > now_ms))
        .filter_map(|r| serde_json::from_str::<FindingException>(&r.exception).ok())
        .filter(|e| match group {
            Some(g) => e.groups.is_empty() || e.groups.iter().any(|x| x == g),
            None => true,
        })
        .collect();
    ExceptionsFile { format: 1, group: group.map(str::to_string), generated_ms: now_ms, findings }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/false-alarms", get(queue))
        .route("/admin/false-alarms/approve", post(approve))
        .route("/admin/false-alarms/dismiss", post(dismiss))
        .route("/admin/false-alarms/{id}/withdraw", post(withdraw))
        .route("/admin/exceptions", get(export_exceptions))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
}

async fn queue(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    admin(&st, &headers).await?;
    let events = st.store.false_alarm_events(QUEUE_WINDOW).await?;
    let reviews = st.store.reviews().await?;
    let counts: HashMap<String, i64> = st.store.entity_event_counts().await?.into_iter().map(|k| (k.key, k.count)).collect();
    let (groups, detectors) = build_queue(&events, &reviews, &counts);
    let reviews: Vec<serde_json::Value> = reviews
        .iter()
        .map(|r| {
            serde_json::json!({"id": r.id, "detector": r.detector, "value_hash": r.value_hash, "status": r.status,
                "created_ms": r.created_ms, "expires_ms": r.expires_ms,
                "exception": serde_json::from_str::<serde_json::Value>(&r.exception).unwrap_or_default()})
        })
        .collect();
    Ok(axum::Json(serde_json::json!({"groups": groups, "detectors": detectors, "reviews": reviews})).into_response())
}

/// What an admin approves: the detector, and a value hash (from the queue), a pattern, or sites;
/// optionally scoped and expiring.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Approve {
    detector: String,
    #[serde(default)]
    value_hash: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    sites: Vec<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    users: Vec<String>,
    #[serde(default)]
    expires_in_days: Option<f64>,
    #[serde(default)]
    note: String,
}

fn parse<T: serde::de::DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = body.map_err(|e| bad(format!("cannot read the request body: {e}")))?;
    serde_json::from_slice(&body).map_err(|e| bad(format!("bad request body: {e}")))
}

fn new_id() -> Result<String, ApiError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no randomness"))?;
    Ok(format!("fa-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()))
}

async fn approve(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    admin(&st, &headers).await?;
    let a: Approve = parse(body)?;
    let now = now_ms();
    let expires = match a.expires_in_days {
        Some(d) if d.is_finite() && d > 0.0 && d <= 3650.0 => Some(now / 1000 + (d * 86_400.0) as i64),
        Some(_) => return Err(bad("`expires_in_days` must be more than 0 and at most 3650")),
        None => None,
    };
    let exception = FindingException {
        id: new_id()?,
        detector: a.detector,
        value_hash: a.value_hash,
        pattern: a.pattern,
        sites: a.sites,
        groups: a.groups,
        users: a.users,
        expires,
        note: a.note.chars().filter(|c| !is_control_like(*c)).collect(),
    };
    let problems = validate_one(&exception);
    if !problems.is_empty() {
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        return Err(bad(format!("not a valid exception: {}", text.join("; "))));
    }
    let row = ReviewRow {
        id: exception.id.clone(),
        detector: exception.detector.clone(),
        value_hash: exception.value_hash.clone().unwrap_or_default(),
        status: "approved".into(),
        exception: serde_json::to_string(&exception).map_err(|e| bad(e.to_string()))?,
        created_ms: now,
        expires_ms: expires.map(|s| s * 1000),
    };
    st.store.put_review(row).await?;
    tracing::info!(id = %exception.id, detector = %exception.detector, "false-alarm exception approved");
    Ok((StatusCode::CREATED, axum::Json(serde_json::json!({"id": exception.id, "exception": exception}))).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dismiss {
    detector: String,
    value_hash: String,
}

async fn dismiss(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    admin(&st, &headers).await?;
    let d: Dismiss = parse(body)?;
    if d.detector.is_empty() || d.detector.len() > 128 || d.value_hash.len() != 64 || !d.value_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("`detector` and a 64-hex `value_hash` are required"));
    }
    let id = new_id()?;
    let row = ReviewRow {
        id: id.clone(),
        detector: d.detector,
        value_hash: d.value_hash,
        status: "dismissed".into(),
        exception: "{}".into(),
        created_ms: now_ms(),
        expires_ms: None,
    };
    st.store.put_review(row).await?;
    Ok(axum::Json(serde_json::json!({"id": id, "status": "dismissed"})).into_response())
}

async fn withdraw(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, ApiError> {
    admin(&st, &headers).await?;
    if st.store.delete_review(&id).await? {
        Ok(axum::Json(serde_json::json!({"id": id, "withdrawn": true})).into_response())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such review"))
    }
}

async fn export_exceptions(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    admin(&st, &headers).await?;
    let reviews = st.store.reviews().await?;
    Ok(axum::Json(export(&reviews, q.get("group").map(String::as_str), now_ms())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoredEvent;
    use serde_json::json;

    const H1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const H2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

    fn report(device: &str, t: i64, hash: &str, reason: Option<&str>) -> StoredEvent {
        let body = json!({"format": 1, "event_id": format!("r{t}"), "time_ms": t, "device_id": device, "user": "u", "site": "chatgpt.com",
            "trigger": "false_alarm_report", "action": "warn", "rule_ids": ["w"], "entity_counts": {"EMAIL": 1}, "policy_version": 1,
            "false_alarm": {"reported_event_id": "e1", "findings": [{"type": "EMAIL", "detector": "pii.email", "value_hash": hash}], "reason": reason}});
        StoredEvent { seq: t, received_ms: t, group: "eng".into(), body: body.to_string() }
    }

    #[test]
    fn reports_group_by_detector_and_hash_with_fleet_counts_and_rates() {
        let events = vec![
            report("d2", 3000, H1, Some("test fixture")),
            report("d1", 2000, H1, Some("test fixture")),
            report("d1", 1000, H1, None),
            report("d3", 1500, H2, Some("demo")),
        ];
        let reviews = vec![ReviewRow {
            id: "fa-1".into(),
            detector: "pii.email".into(),
            value_hash: H2.into(),
            status: "dismissed".into(),
            exception: "{}".into(),
            created_ms: 1,
            expires_ms: None,
        }];
        let counts = HashMap::from([("EMAIL".to_string(), 40)]);
        let (q, rates) = build_queue(&events, &reviews, &counts);
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].value_hash.as_str(), q[0].reports, q[0].devices, q[0].status.as_str()), (H1, 3, 2, "open"));
        assert_eq!((q[0].first_ms, q[0].last_ms), (1000, 3000));
        assert_eq!(q[0].sample_reasons, vec!["test fixture".to_string()]);
        assert_eq!((q[1].status.as_str(), q[1].review_id.as_deref()), ("dismissed", Some("fa-1")));
        assert_eq!(
            rates,
            vec![DetectorRate { detector: "pii.email".into(), type_name: "EMAIL".into(), reports: 4, findings: 40, rate: 0.1 }]
        );
    }

    #[test]
    fn reports_are_checked_and_only_on_their_trigger() {
        let mut fa: FalseAlarm = serde_json::from_value(
            json!({"reported_event_id": "e1", "findings": [{"type": "EMAIL", "detector": "pii.email", "value_hash": H1}], "reason": "a\u{202E}b\nc"}),
        )
        .unwrap();
        assert!(check_false_alarm(Trigger::Paste, Some(&mut fa.clone())).is_err());
        assert!(check_false_alarm(Trigger::FalseAlarmReport, None).is_err());
        check_false_alarm(Trigger::FalseAlarmReport, Some(&mut fa)).unwrap();
        assert_eq!(fa.reason.as_deref(), Some("ab c"));
        let mut raw = fa.clone();
        raw.findings[0].value_hash = "alice@example.com".into();
        assert!(check_false_alarm(Trigger::FalseAlarmReport, Some(&mut raw)).is_err(), "a value in place of a hash is refused");
    }

    #[test]
    fn export_keeps_approved_unexpired_exceptions_of_the_group() {
        let ex = |id: &str, groups: &[&str]| {
            serde_json::to_string(&FindingException {
                id: id.into(),
                detector: "pii.email".into(),
                value_hash: Some(H1.into()),
                pattern: None,
                sites: vec![],
                groups: groups.iter().map(|g| g.to_string()).collect(),
                users: vec![],
                expires: None,
                note: String::new(),
            })
            .unwrap()
        };
        let row = |id: &str, status: &str, groups: &[&str], expires_ms: Option<i64>| ReviewRow {
            id: id.into(),
            detector: "pii.email".into(),
            value_hash: H1.into(),
            status: status.into(),
            exception: if status == "approved" { ex(id, groups) } else { "{}".into() },
            created_ms: 1,
            expires_ms,
        };
        let reviews = vec![
            row("a", "approved", &[], None),
            row("b", "approved", &["sales"], None),
            row("c", "approved", &[], Some(10)),
            row("d", "dismissed", &[], None),
        ];
        let ids = |f: ExceptionsFile| f.findings.into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(export(&reviews, Some("eng"), 100)), vec!["a"]);
        assert_eq!(ids(export(&reviews, Some("sales"), 100)), vec!["a", "b"]);
        assert_eq!(ids(export(&reviews, None, 5)), vec!["a", "b", "c"]);
    }
}
