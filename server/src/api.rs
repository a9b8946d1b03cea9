//! HTTP API (`/api/v1`, see docs/api/openapi.yaml), health check and console routes.

use crate::auth::{self, bearer, hash_token, RateLimiter};
use crate::event::UploadedEvent;
use crate::store::{self, DeviceAuth, EventFilter, Heartbeat, IngestEvent, NewDevice, PolicyRecord, Publish, Store, StoreError};
use crate::{export, now_ms, ServerConfig};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use promptwall_policy::TrustedKey;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

/// Most events in one upload.
pub const MAX_BATCH: usize = 500;
/// Body limits.
pub const SMALL_BODY: usize = 64 * 1024;
pub const EVENTS_BODY: usize = 2 * 1024 * 1024;
pub const POLICY_BODY: usize = promptwall_policy::bundle::MAX_BUNDLE_BYTES + 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub trusted: Arc<Vec<TrustedKey>>,
    // issue 19: in memory, or shared through the database (--shared-rate-limits).
    device_rl: Arc<crate::ratelimit::Limiter>,
    admin_rl: Arc<crate::ratelimit::Limiter>,
    enroll_rl: Arc<crate::ratelimit::Limiter>,
    /// Per client address: routes without a credential.
    public_rl: Arc<RateLimiter>,
    body_timeout: std::time::Duration,
    /// The tenant redaction key (64 lowercase hex), handed to devices at enrollment.
    redaction_key: Arc<String>,
    notify: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, cfg: &ServerConfig, notify: Arc<tokio::sync::Notify>) -> AppState {
        use crate::ratelimit::Limiter;
        let limiter = |limit, prefix| {
            Arc::new(if cfg.shared_rate_limits { Limiter::shared(limit, store.clone(), prefix) } else { Limiter::local(limit) })
        };
        AppState {
            device_rl: limiter(cfg.device_rate, "d"),
            admin_rl: limiter(cfg.admin_rate, "a"),
            enroll_rl: limiter(cfg.enroll_rate, "e"),
            store,
            trusted: Arc::new(cfg.trusted_keys.clone()),
            public_rl: Arc::new(RateLimiter::new(cfg.public_rate)),
            body_timeout: cfg.body_timeout,
            redaction_key: Arc::new(String::new()),
            notify,
        }
    }

    pub fn with_redaction_key(mut self, key: String) -> AppState {
        self.redaction_key = Arc::new(key);
        self
    }
}

/// A request body that must arrive before a deadline; past it, it fails and `fired` is set so
/// [`guard`] answers 408 and closes the connection.
struct TimedBody {
    inner: Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    fired: Arc<std::sync::atomic::AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
#[error("request body not received in time")]
struct BodyTimeout;

impl axum::body::HttpBody for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        use std::future::Future as _;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            std::task::Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.fired.store(true, std::sync::atomic::Ordering::SeqCst);
                    return std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimeout))));
                }
                std::task::Poll::Pending
            }
            ready => ready,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Runs before every route: the per-address limit for routes without a credential (enrollment
/// has its own; the other API routes are limited per credential), and the body deadline.
async fn guard(State(st): State<AppState>, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::body::HttpBody as _;
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    let path = req.uri().path();
    if let Some(ip) = &ip {
        if !path.starts_with("/api/v1/") {
            if let Err(s) = st.public_rl.check(ip) {
                return ApiError::rate_limited(s).into_response();
            }
        }
    }
    let fired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = if body.is_end_stream() {
        body
    } else {
        Body::new(TimedBody { inner: body, deadline: Box::pin(tokio::time::sleep(st.body_timeout)), fired: fired.clone() })
    };
    let resp = next.run(axum::extract::Request::from_parts(parts, body)).await;
    if fired.load(std::sync::atomic::Ordering::SeqCst) {
        let mut r = ApiError::new(StatusCode::REQUEST_TIMEOUT, "timeout", "request body not received in time").into_response();
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    resp
}

/// An error answer: `{"error": code, "message": …}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
    }
    pub(crate) fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    fn rate_limited(secs: u64) -> ApiError {
        ApiError {
            retry_after: Some(secs),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests; retry later")
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!(error = %e, "storage error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "storage error; see the server log")
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> ApiError {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "request body over the size limit")
        } else {
            ApiError::bad(format!("cannot read the request body: {r}"))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(json!({"error": self.code, "message": self.message}))).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/enroll", post(enroll))
        .route("/policy", get(get_policy))
        .route("/events", post(post_events).layer(DefaultBodyLimit::max(EVENTS_BODY)))
        .route("/heartbeat", post(heartbeat))
        .route("/admin/enrollment-tokens", post(create_enrollment_token))
        .route("/admin/policies", get(list_groups))
        .route("/admin/policies/{group}", get(policy_history).post(publish_policy).layer(DefaultBodyLimit::max(POLICY_BODY)))
        .route("/admin/tokens", get(list_admin_tokens).post(create_admin_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_admin_token))
        .route("/admin/devices", get(list_devices))
        .route("/admin/devices/{id}/revoke", post(revoke_device))
        .route("/admin/devices/{id}/allow-reenroll", post(allow_reenroll))
        .route("/admin/events", get(query_events))
        .route("/admin/events.csv", get(events_csv))
        .route("/admin/stats", get(stats))
        // issue 19: trusted signing keys managed through the API.
        .route("/admin/keys", get(crate::keys::list_keys).post(crate::keys::add_key))
        .route("/admin/keys/{id}/retire", post(crate::keys::retire_key))
        // issue 18: the false-alarm review queue and its exceptions.
        .merge(crate::reports::routes());
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api)
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .with_state(state.clone())
        .merge(crate::console::router())
        .layer(axum::middleware::from_fn_with_state(state, guard))
}

pub(crate) fn parse_json(body: &[u8]) -> ApiResult<Value> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("body is not valid JSON: {e}")))
}

fn token_of(headers: &HeaderMap) -> ApiResult<String> {
    let v = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    bearer(v).map(hash_token).ok_or_else(|| ApiError::unauthorized("missing `Authorization: Bearer <token>`"))
}

async fn device(state: &AppState, headers: &HeaderMap) -> ApiResult<DeviceAuth> {
    let h = token_of(headers)?;
    state.device_rl.check(&h).await.map_err(ApiError::rate_limited)?;
    state.store.device_auth(&h).await?.ok_or_else(|| ApiError::unauthorized("unknown or revoked device token"))
}

/// Checks the admin token; returns its id (the first 16 hex digits of its hash), which names the
/// admin in what it changes.
pub(crate) async fn admin(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let h = token_of(headers)?;
    state.admin_rl.check(&h).await.map_err(ApiError::rate_limited)?;
    if state.store.is_admin_token(&h).await? {
        Ok(h[..store::ADMIN_TOKEN_ID_LEN].to_string())
    } else {
        Err(ApiError::unauthorized("unknown admin token"))
    }
}

pub(crate) fn str_field<'a>(obj: &'a Map<String, Value>, key: &str, max: usize, required: bool) -> ApiResult<Option<&'a str>> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max && !s.chars().any(char::is_control) => Ok(Some(s)),
        Some(Value::String(_)) => Err(ApiError::bad(format!("`{key}` is too long or has control characters (at most {max})"))),
        _ => Err(ApiError::bad(format!("`{key}` must be a string"))),
    }
}

fn int_field(obj: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if n >= 0 => Ok(Some(n)),
            _ => Err(ApiError::bad(format!("`{key}` must be a non-negative integer"))),
        },
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => axum::Json(json!({"status": "ok", "backend": st.store.backend()})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database did not answer");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "database did not answer").into_response()
        }
    }
}

async fn enroll(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    st.enroll_rl.check(&peer.ip().to_string()).await.map_err(ApiError::rate_limited)?;
    let v = parse_json(&body?)?;
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let token = str_field(obj, "token", 256, true)?.unwrap_or_default();
    let device_id = str_field(obj, "device_id", 128, true)?.unwrap_or_default().trim().to_string();
    if !valid_name(&device_id) {
        return Err(ApiError::bad("`device_id` must be 1 to 128 characters of A-Z a-z 0-9 . _ -"));
    }
    let hostname = str_field(obj, "hostname", 255, false)?.unwrap_or_default().to_string();
    let agent_version = str_field(obj, "agent_version", 64, false)?.unwrap_or_default().to_string();
    let device_token =
        auth::new_token(auth::DEVICE_PREFIX).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let nd = NewDevice { device_id: device_id.clone(), hostname, agent_version, token_hash: hash_token(&device_token) };
    match st.store.enroll(&hash_token(token), nd, now_ms()).await? {
        Some(store::Enrolled { device_id: issued, group }) => {
            if issued == device_id {
                tracing::info!(device_id = %issued, group = %group, "device enrolled");
            } else {
                // Device identity is the server's: a taken id is never handed to a new credential.
                tracing::warn!(proposed = %device_id, device_id = %issued, group = %group, "device enrolled under a fresh id: the proposed one is taken");
            }
            let reply =
                json!({"device_id": issued, "device_token": device_token, "group": group, "redaction_key": st.redaction_key.as_str()});
            Ok((StatusCode::CREATED, axum::Json(reply)).into_response())
        }
        None => Err(ApiError::unauthorized("enrollment token unknown, used up or expired")),
    }
}

fn etag_of(sha: &str) -> String {
    format!("\"{sha}\"")
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|t| {
        let t = t.trim();
        t == "*" || t.trim_start_matches("W/") == etag
    })
}

async fn get_policy(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let dev = device(&st, &headers).await?;
    let Some(p) = st.store.active_policy(&dev.group).await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no_policy", format!("group `{}` has no policy yet", dev.group)));
    };
    let etag = etag_of(&p.sha256);
    let etag_h = HeaderValue::from_str(&etag).map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "bad etag"))?;
    if etag_matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_h)]).into_response());
    }
    let mut resp = Response::new(Body::from(p.body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(header::ETAG, etag_h);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-policy-version", HeaderValue::from(p.version));
    Ok(resp)
}

/// Checks one uploaded event and turns it into what the store keeps. `Err` is (event id or "",
/// reject reason). Typed (see [`crate::event`]): unknown fields are refused, so the stored record
/// only ever holds allow-listed fields.
pub fn validate_event(v: Value, device_id: &str) -> Result<IngestEvent, (String, String)> {
    validate_event_at(v, device_id, now_ms())
}

/// [`validate_event`] against a given server clock (Unix milliseconds); what the fuzz target calls.
pub fn validate_event_at(v: Value, device_id: &str, now_ms: i64) -> Result<IngestEvent, (String, String)> {
    let mut e = UploadedEvent::parse(v).map_err(|r| (r.event_id, r.reason))?;
    e.validate(now_ms).map_err(|r| (r.event_id, r.reason))?;
    e.device_id = device_id.to_string();
    let mut tags: Vec<(&'static str, String)> = Vec::new();
    let rules: BTreeSet<&str> = e.rule_ids.iter().map(String::as_str).collect();
    tags.extend(rules.into_iter().map(|r| (store::TAG_RULE, r.to_string())));
    let mut cats: BTreeSet<String> = BTreeSet::new();
    for k in e.entity_counts.keys() {
        tags.push((store::TAG_ENTITY, k.clone()));
        let family = promptwall_detect::entity::EntityType::from_name(k).map(|t| t.family().as_str()).unwrap_or("CUSTOM");
        cats.insert(family.to_string());
    }
    if let Some(c) = &e.categories {
        // Explicit categories replace the ones derived from entity families.
        cats = c.iter().cloned().collect();
    }
    tags.extend(cats.into_iter().map(|c| (store::TAG_CATEGORY, c)));
    let body = serde_json::to_string(&e).map_err(|err| (e.event_id.clone(), format!("cannot serialise the event: {err}")))?;
    let policy_version =
        i64::try_from(e.policy_version).map_err(|_| (e.event_id.clone(), "`policy_version` is out of range".to_string()))?;
    Ok(IngestEvent {
        event_id: e.event_id,
        time_ms: e.time_ms,
        user: e.user,
        site: e.site,
        trigger: e.trigger.as_str().to_string(),
        action: e.action.as_str().to_string(),
        policy_version,
        body,
        tags,
    })
}

async fn post_events(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Response> {
    let dev = device(&st, &headers).await?;
    let v = parse_json(&body?)?;
    let Some(Value::Array(items)) = v.as_object().and_then(|o| o.get("events")).cloned() else {
        return Err(ApiError::bad("body must be {\"events\": [...]}"));
    };
    if items.len() > MAX_BATCH {
        return Err(ApiError::bad(format!("{} events in one batch; at most {MAX_BATCH}", items.len())));
    }
    let mut rejected = Vec::new();
    let mut in_batch_dups = Vec::new();
    let mut seen = HashSet::new();
    let mut good = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match validate_event(item, &dev.device_id) {
            Ok(e) => {
                if seen.insert(e.event_id.clone()) {
                    good.push(e);
                } else {
                    in_batch_dups.push(e.event_id);
                }
            }
            Err((id, reason)) => rejected.push(json!({"event_id": if id.is_empty() { format!("#{i}") } else { id }, "reason": reason})),
        }
    }
    let mut res = if good.is_empty() { store::IngestResult::default() } else { st.store.ingest(&dev, good, now_ms()).await? };
    res.duplicates.extend(in_batch_dups);
    tracing::debug!(device_id = %dev.device_id, accepted = res.accepted.len(), duplicates = res.duplicates.len(), rejected = rejected.len(), "events");
    if !res.accepted.is_empty() {
        st.notify.notify_one();
    }
    Ok(axum::Json(json!({"accepted": res.accepted, "duplicates": res.duplicates, "rejected": rejected})).into_response())
}

async fn heartbeat(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Response> {
    let dev = device(&st, &headers).await?;
    let body = body?;
    let v = if body.is_empty() { json!({}) } else { parse_json(&body)? };
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let hb = Heartbeat {
        agent_version: str_field(obj, "agent_version", 64, false)?.map(String::from),
        hostname: str_field(obj, "hostname", 255, false)?.map(String::from),
        policy_version: int_field(obj, "policy_version")?,
        queue_depth: int_field(obj, "queue_depth")?,
        dropped_total: int_field(obj, "dropped_total")?,
    };
    st.store.heartbeat(&dev.device_id, &hb, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn create_enrollment_token(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let v = parse_json(&body?)?;
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let group = str_field(obj, "group", 128, true)?.unwrap_or_default().to_string();
    if !valid_name(&group) {
        return Err(ApiError::bad("`group` must be 1 to 128 characters of A-Z a-z 0-9 . _ -"));
    }
    let uses = int_field(obj, "uses")?.unwrap_or(1);
    if !(1..=1_000_000).contains(&uses) {
        return Err(ApiError::bad("`uses` must be between 1 and 1000000"));
    }
    let ttl = int_field(obj, "expires_in_s")?.unwrap_or(86_400);
    if !(1..=366 * 86_400).contains(&ttl) {
        return Err(ApiError::bad("`expires_in_s` must be between 1 and 31622400"));
    }
    let token =
        auth::new_token(auth::ENROLL_PREFIX).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let now = now_ms();
    let expires_ms = now + ttl * 1000;
    st.store.add_enrollment_token(&hash_token(&token), &group, uses, expires_ms, now).await?;
    tracing::info!(group = %group, uses, "enrollment token created");
    Ok((StatusCode::CREATED, axum::Json(json!({"token": token, "group": group, "uses": uses, "expires_ms": expires_ms}))).into_response())
}

async fn publish_policy(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(group): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let admin_id = admin(&st, &headers).await?;
    if !valid_name(&group) {
        return Err(ApiError::bad("group must be 1 to 128 characters of A-Z a-z 0-9 . _ -"));
    }
    let body = body?;
    if body.len() > promptwall_policy::bundle::MAX_BUNDLE_BYTES {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "bundle over the 4 MiB limit"));
    }
    // issue 19: the --trusted-key flags plus the API's current keys, read on every upload so a
    // rotation on any replica counts at once.
    let trusted = crate::keys::effective(&st.trusted, &st.store.signing_keys().await?, now_ms());
    if trusted.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_bundle",
            "the server has no trusted keys (start it with --trusted-key or add one with POST /api/v1/admin/keys)",
        ));
    }
    let now_s = (now_ms() / 1000) as u64;
    let vb = promptwall_policy::verify(&body, &trusted, None, now_s)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_bundle", e.to_string()))?;
    // The audience is signed by the admin: a bundle for group A is never published to group B.
    vb.check_audience(Some(&group)).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bundle_audience", e.to_string()))?;
    let version =
        i64::try_from(vb.version).map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_bundle", "version out of range"))?;
    let rec = PolicyRecord {
        group: group.clone(),
        version,
        sha256: auth::sha256_hex(&body),
        key_id: vb.key_id.clone(),
        not_before: vb.not_before as i64,
        expires: vb.expires as i64,
        policy_name: vb.policy.policy.name.clone(),
        uploaded_ms: now_ms(),
        size: body.len() as i64,
        uploaded_by: Some(admin_id),
        audience: vb.audience.clone(),
        body: body.to_vec(),
    };
    match st.store.publish_policy(rec.clone()).await? {
        Publish::Published => {
            tracing::info!(group = %group, version, key_id = %rec.key_id, "policy published");
            Ok((StatusCode::CREATED, axum::Json(rec)).into_response())
        }
        Publish::Rollback { current } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "rollback",
            format!("bundle version {version} is not above the active version {current} of group `{group}`"),
        )),
    }
}

async fn policy_history(State(st): State<AppState>, headers: HeaderMap, Path(group): Path<String>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let history = st.store.policy_history(&group).await?;
    let active_bundle = match st.store.active_policy(&group).await? {
        Some(p) => serde_json::from_slice::<Value>(&p.body).ok(),
        None => None,
    };
    Ok(axum::Json(json!({"group": group, "active": history.first(), "active_bundle": active_bundle, "history": history})).into_response())
}

async fn list_groups(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    Ok(axum::Json(json!({"groups": st.store.groups().await?})).into_response())
}

async fn list_admin_tokens(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    Ok(axum::Json(json!({"tokens": st.store.admin_tokens().await?})).into_response())
}

/// A new admin token, shown once in the answer (only its hash is stored).
async fn create_admin_token(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let body = body?;
    let v = if body.is_empty() { json!({}) } else { parse_json(&body)? };
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let name = str_field(obj, "name", 128, false)?.unwrap_or("admin").to_string();
    let token =
        auth::new_token(auth::ADMIN_PREFIX).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let hash = hash_token(&token);
    st.store.add_admin_token(&hash, &name, now_ms()).await?;
    let id = hash[..store::ADMIN_TOKEN_ID_LEN].to_string();
    tracing::info!(token_id = %id, name = %name, "admin token created");
    Ok((StatusCode::CREATED, axum::Json(json!({"token": token, "id": id, "name": name}))).into_response())
}

/// Deletes an admin token at once (every replica checks the database on each request); the last
/// one cannot be revoked.
async fn revoke_admin_token(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    match st.store.revoke_admin_token(&id).await? {
        store::RevokeAdmin::Revoked => {
            tracing::info!(token_id = %id, "admin token revoked");
            Ok(axum::Json(json!({"id": id, "revoked": true})).into_response())
        }
        store::RevokeAdmin::NotFound => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such admin token")),
        store::RevokeAdmin::Last => {
            Err(ApiError::new(StatusCode::CONFLICT, "last_admin_token", "the last admin token cannot be revoked; create another first"))
        }
    }
}

async fn list_devices(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    Ok(axum::Json(json!({"devices": st.store.devices().await?})).into_response())
}

/// Lets the next enrollment that proposes this device id (within `expires_in_s`, default a day)
/// take it over: new credential, the token's group, revocation cleared. Without this, enrolling
/// with a taken id gets a fresh id and the existing device is left as it is.
async fn allow_reenroll(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let body = body?;
    let v = if body.is_empty() { json!({}) } else { parse_json(&body)? };
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let ttl = int_field(obj, "expires_in_s")?.unwrap_or(86_400);
    if !(1..=30 * 86_400).contains(&ttl) {
        return Err(ApiError::bad("`expires_in_s` must be between 1 and 2592000"));
    }
    let until = now_ms() + ttl * 1000;
    if st.store.allow_reenroll(&id, until).await? {
        tracing::info!(device_id = %id, until_ms = until, "re-enrollment of the device id allowed");
        Ok((StatusCode::OK, axum::Json(json!({"device_id": id, "until_ms": until}))).into_response())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such device"))
    }
}

async fn revoke_device(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    if st.store.revoke_device(&id).await? {
        tracing::info!(device_id = %id, "device revoked");
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such device"))
    }
}

fn parse_i64(q: &HashMap<String, String>, key: &str) -> ApiResult<Option<i64>> {
    match q.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| ApiError::bad(format!("`{key}` must be an integer"))),
    }
}

fn filter_of(q: &HashMap<String, String>) -> ApiResult<EventFilter> {
    let s = |k: &str| q.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let limit = parse_i64(q, "limit")?.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad("`limit` must be between 1 and 1000"));
    }
    Ok(EventFilter {
        since: parse_i64(q, "since")?,
        until: parse_i64(q, "until")?,
        action: s("action"),
        site: s("site"),
        device: s("device"),
        entity_type: s("type"),
        before_seq: parse_i64(q, "cursor")?,
        limit,
    })
}

/// A stored event as the admin API shows it: the uploaded record plus `received_ms` and `group`.
/// Only allow-listed fields are shown, whatever an older row holds.
pub fn event_json(e: &store::StoredEvent) -> Value {
    let obj = match serde_json::from_str::<Value>(&e.body) {
        Ok(Value::Object(o)) => crate::event::allow_listed(o),
        _ => Map::new(),
    };
    let mut v = Value::Object(obj);
    if let Some(o) = v.as_object_mut() {
        o.insert("received_ms".into(), json!(e.received_ms));
        o.insert("group".into(), json!(e.group));
    }
    v
}

async fn query_events(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let f = filter_of(&q)?;
    let rows = st.store.query_events(&f).await?;
    let next = if rows.len() as i64 == f.limit { rows.last().map(|r| r.seq.to_string()) } else { None };
    let events: Vec<Value> = rows.iter().map(event_json).collect();
    Ok(axum::Json(json!({"events": events, "next_cursor": next})).into_response())
}

async fn events_csv(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let mut f = filter_of(&q)?;
    f.limit = 1000;
    let store = st.store.clone();
    // Pages of 1000 rows, newest first, each written as it comes: memory stays flat.
    let stream = futures_util::stream::unfold(Some((f, true)), move |state| {
        let store = store.clone();
        async move {
            let (mut f, first) = state?;
            let rows = match store.query_events(&f).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "CSV export: storage error; output truncated");
                    return Some((Err(std::io::Error::other("storage error")), None));
                }
            };
            let mut chunk = String::new();
            if first {
                chunk.push_str(export::CSV_HEADER);
            }
            for r in &rows {
                chunk.push_str(&export::csv_row(&event_json(r)));
            }
            let next = if rows.len() as i64 == f.limit {
                f.before_seq = rows.last().map(|r| r.seq);
                Some((f, false))
            } else {
                None
            };
            if chunk.is_empty() && next.is_none() {
                return None;
            }
            Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), next))
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"promptwall-events.csv\""));
    Ok(resp)
}

async fn stats(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let (bucket, bucket_ms, span) = match q.get("bucket").map(String::as_str).unwrap_or("hour") {
        "hour" => ("hour", 3_600_000i64, 48 * 3_600_000i64),
        "day" => ("day", 86_400_000, 30 * 86_400_000),
        _ => return Err(ApiError::bad("`bucket` must be hour or day")),
    };
    let now = now_ms();
    let until = parse_i64(&q, "until")?.unwrap_or(now + 3_600_000);
    let since = parse_i64(&q, "since")?.unwrap_or(now - span);
    if since >= until {
        return Err(ApiError::bad("`since` must be before `until`"));
    }
    // issue 19: counted from hourly rollups, so over whole hours; the answer names the window.
    let (since, until) = crate::stats::snap_window(since, until);
    let s = st.store.stats(since, until, bucket_ms).await?;
    let mut v = serde_json::to_value(&s).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("bucket".into(), json!(bucket));
        o.insert("bucket_ms".into(), json!(bucket_ms));
        o.insert("since".into(), json!(since));
        o.insert("until".into(), json!(until));
    }
    Ok(axum::Json(v).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(extra: Value) -> Value {
        let mut v = json!({"format": 1, "event_id": "e1", "time_ms": 1_700_000_000_000i64, "device_id": "spoofed", "user": "u",
            "site": "chatgpt.com", "trigger": "paste", "action": "block", "rule_ids": ["r1", "r1"],
            "entity_counts": {"EMAIL": 2, "AWS_ACCESS_KEY": 1, "my-dict": 1}, "policy_version": 3});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    }

    #[test]
    fn event_is_bound_to_the_credential_and_tagged() {
        let e = validate_event(ev(json!({})), "dev-1").unwrap();
        let body: Value = serde_json::from_str(&e.body).unwrap();
        assert_eq!(body["device_id"], "dev-1");
        let mut tags = e.tags.clone();
        tags.sort();
        let want: Vec<(&str, String)> = vec![
            ("category", "CUSTOM".into()),
            ("category", "PII".into()),
            ("category", "SECRET".into()),
            ("entity", "AWS_ACCESS_KEY".into()),
            ("entity", "EMAIL".into()),
            ("entity", "my-dict".into()),
            ("rule", "r1".into()),
        ];
        assert_eq!(tags, want);
    }

    #[test]
    fn unknown_fields_are_rejected_not_stored() {
        let (id, reason) = validate_event(ev(json!({"raw_text": "SSN 123-45-6789"})), "dev-1").unwrap_err();
        assert_eq!(id, "e1");
        assert!(reason.contains("raw_text"), "{reason}");
    }

    #[test]
    fn explicit_categories_replace_families() {
        let e = validate_event(ev(json!({"categories": ["credentials"]})), "d").unwrap();
        let cats: Vec<_> = e.tags.iter().filter(|t| t.0 == "category").map(|t| t.1.as_str()).collect();
        assert_eq!(cats, vec!["credentials"]);
    }

    #[test]
    fn bad_events_are_rejected_with_reasons() {
        assert!(validate_event(json!(5), "d").is_err());
        assert_eq!(validate_event(ev(json!({"event_id": ""})), "d").unwrap_err().0, "");
        let (id, reason) = validate_event(ev(json!({"action": "explode"})), "d").unwrap_err();
        assert_eq!(id, "e1");
        assert!(reason.contains("explode") || reason.contains("action"), "{reason}");
        assert!(validate_event(ev(json!({"time_ms": "soon"})), "d").is_err());
        assert!(validate_event(ev(json!({"time_ms": 9_000_000_000_000_000_000i64})), "d").is_err());
        assert!(validate_event(ev(json!({"entity_counts": {"EMAIL": -1}})), "d").is_err());
        assert!(validate_event(ev(json!({"justification": "x".repeat(1001)})), "d").is_err());
        assert!(validate_event(ev(json!({"policy_version": -2})), "d").is_err());
        assert!(validate_event(ev(json!({"user": "a\u{1b}[31mb"})), "d").is_err());
    }

    #[test]
    fn old_rows_show_only_allow_listed_fields() {
        let row =
            store::StoredEvent { seq: 1, received_ms: 2, group: "g".into(), body: r#"{"event_id":"e","raw_text":"123-45-6789"}"#.into() };
        let v = event_json(&row);
        assert!(v.get("raw_text").is_none());
        assert_eq!(v["group"], "g");
    }

    #[test]
    fn etag_matching() {
        let mut h = HeaderMap::new();
        assert!(!etag_matches(&h, "\"abc\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\", W/\"abc\""));
        assert!(etag_matches(&h, "\"abc\""));
        assert!(!etag_matches(&h, "\"abd\""));
    }
}
