//! The server API the agent calls (`docs/api/openapi.yaml`, `docs/agent.md`): enrollment, policy,
//! events, heartbeat. Blocking HTTP (ureq, rustls) from the daemon's background threads.
//! Nothing here logs a token, and request bodies carry metadata only.

use serde::Deserialize;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Largest response body read (a policy bundle is capped at 4 MiB by the policy crate).
const MAX_BODY: u64 = 8 * 1024 * 1024;

#[derive(Debug)]
pub enum ApiError {
    /// No answer: connection refused, DNS, TLS, timeout. Retried with backoff.
    Transport(String),
    /// The server answered with an error status.
    Status { status: u16, code: String, message: String, retry_after: Option<Duration> },
    /// The server answered 2xx with a body we cannot read. Retried with backoff.
    Protocol(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Transport(e) => write!(f, "server not reachable: {e}"),
            ApiError::Status { status, code, message, .. } => write!(f, "server answered {status} {code}: {message}"),
            ApiError::Protocol(e) => write!(f, "unexpected server reply: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// Worth retrying soon (with backoff): no answer, 5xx, 408, 429. Other 4xx wait for the
    /// next regular interval: repeating the same request would get the same answer.
    pub fn retryable(&self) -> bool {
        match self {
            ApiError::Transport(_) | ApiError::Protocol(_) => true,
            ApiError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Enrolled {
    pub device_id: String,
    pub device_token: String,
    #[serde(default)]
    pub group: Option<String>,
    /// The tenant's redaction key (64 hex characters), from servers that issue one.
    #[serde(default)]
    pub redaction_key: Option<String>,
}

pub enum PolicyReply {
    /// 200: the bundle's bytes and its ETag.
    Bundle { bytes: Vec<u8>, etag: Option<String> },
    /// 304: unchanged.
    NotModified,
    /// 404 `no_policy`: the server has none for this device yet.
    NoPolicy,
}

#[derive(Debug, Default, Deserialize)]
pub struct Rejected {
    pub event_id: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadReply {
    #[serde(default)]
    pub accepted: Vec<String>,
    #[serde(default)]
    pub duplicates: Vec<String>,
    #[serde(default)]
    pub rejected: Vec<Rejected>,
}

impl Client {
    /// A client for `base`. `ca_file`: PEM CA certificate(s) to trust instead of the public web
    /// roots (a company PKI); an unreadable or empty file is an error, never a silent fallback.
    pub fn new(base: &str, token: Option<String>, ca_file: Option<&Path>) -> Result<Client, ApiError> {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(30)))
            .user_agent(concat!("promptwall-agent/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_file {
            let pem =
                std::fs::read(path).map_err(|e| ApiError::Transport(format!("{}: cannot read the server CA file: {e}", path.display())))?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(ApiError::Transport(format!("{}: no certificate in the server CA file", path.display())));
            }
            config = config
                .tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs))).build());
        }
        Ok(Client { agent: config.build().into(), base: base.trim_end_matches('/').to_string(), token })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token.as_deref().unwrap_or(""))
    }

    fn post(&self, path: &str, body: &Value) -> Result<(u16, Vec<u8>), ApiError> {
        let resp = self
            .agent
            .post(&self.url(path))
            .header("Authorization", &self.auth())
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        read(resp)
    }

    pub fn enroll(&self, token: &str, device_id: &str, hostname: &str) -> Result<Enrolled, ApiError> {
        let body =
            serde_json::json!({"token": token, "device_id": device_id, "hostname": hostname, "agent_version": env!("CARGO_PKG_VERSION")});
        let resp = self
            .agent
            .post(&self.url("enroll"))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let (status, bytes) = read(resp)?;
        if status != 200 && status != 201 {
            return Err(status_error(status, &bytes, None));
        }
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol(format!("enrollment reply: {e}")))
    }

    pub fn policy(&self, etag: Option<&str>) -> Result<PolicyReply, ApiError> {
        let mut req = self.agent.get(&self.url("policy")).header("Authorization", &self.auth());
        if let Some(tag) = etag {
            req = req.header("If-None-Match", tag);
        }
        let resp = req.call().map_err(|e| ApiError::Transport(e.to_string()))?;
        let tag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(String::from);
        let retry_after = retry_after(&resp);
        let (status, bytes) = read(resp)?;
        match status {
            200 => Ok(PolicyReply::Bundle { bytes, etag: tag }),
            304 => Ok(PolicyReply::NotModified),
            404 => {
                let e = status_error(status, &bytes, retry_after);
                match &e {
                    ApiError::Status { code, .. } if code == "no_policy" => Ok(PolicyReply::NoPolicy),
                    _ => Err(e),
                }
            }
            s => Err(status_error(s, &bytes, retry_after)),
        }
    }

    pub fn upload(&self, events: &[promptwall_store::Event]) -> Result<UploadReply, ApiError> {
        let (status, bytes) = self.post("events", &serde_json::json!({ "events": events }))?;
        if status != 200 {
            return Err(status_error(status, &bytes, None));
        }
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol(format!("upload reply: {e}")))
    }

    pub fn heartbeat(&self, policy_version: u64, queue_depth: u64, dropped_total: u64) -> Result<(), ApiError> {
        let body = serde_json::json!({"agent_version": env!("CARGO_PKG_VERSION"), "policy_version": policy_version, "queue_depth": queue_depth, "dropped_total": dropped_total, "hostname": crate::paths::hostname()});
        let (status, bytes) = self.post("heartbeat", &body)?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(status_error(status, &bytes, None))
        }
    }
}

fn retry_after(resp: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let v = resp.headers().get("retry-after")?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(|s| Duration::from_secs(s.min(3600)))
}

fn read(mut resp: ureq::http::Response<ureq::Body>) -> Result<(u16, Vec<u8>), ApiError> {
    let status = resp.status().as_u16();
    let bytes =
        resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| ApiError::Transport(format!("reading the reply: {e}")))?;
    Ok((status, bytes))
}

fn status_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> ApiError {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    // The message is the server's; cap it so a misbehaving server cannot flood our logs.
    let message: String = v["message"].as_str().unwrap_or("").chars().take(200).collect();
    ApiError::Status { status, code: v["error"].as_str().unwrap_or("").chars().take(64).collect(), message, retry_after }
}
