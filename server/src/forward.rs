//! Streaming forwarder: sends every stored event, as an OCSF-style record
//! (docs/schemas/export-record.schema.json), to a webhook (JSON array per POST, `http://` or
//! `https://`) and/or syslog (RFC 5424 over UDP, TCP with octet-counting framing (RFC 6587), or
//! TLS with the same framing (RFC 5425)). TLS links trust the compiled-in Mozilla roots plus an
//! optional CA file and always verify the host name ([`crate::tls_client`]).
//!
//! Delivery is at-least-once and survives restarts: each sink keeps a cursor in the database (the
//! last delivered event's position in commit order, [`crate::store::ForwardPosition`]) and only
//! advances it after the sink took the batch; a failing sink is retried with exponential backoff
//! (1 s doubling to 60 s) and nothing is skipped, even when transactions commit out of sequence
//! order on PostgreSQL. Every replica may run the forwarder: a cursor is leased to one of them at
//! a time (renewed every round; another replica takes over once the lease lapses), and a cursor
//! only moves forward, and only for its lease holder.

use crate::export::{ocsf_record, rfc3339_ms};
use crate::http_client::HttpClient;
use crate::store::Store;
use crate::tls_client::{self, Check, Trust};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyslogTarget {
    Udp(String),
    Tcp(String),
    /// RFC 5425: TLS, octet-counted frames (`LEN SP MSG`); the certificate must name HOST.
    Tls(String),
}

impl SyslogTarget {
    /// `udp://HOST:PORT`, `tcp://HOST:PORT` or `syslog+tls://HOST:PORT` (also `tls://`; RFC 5425's
    /// port is 6514).
    pub fn parse(s: &str) -> Result<SyslogTarget, String> {
        let (kind, addr): (fn(String) -> SyslogTarget, &str) = if let Some(a) = s.strip_prefix("udp://") {
            (SyslogTarget::Udp, a)
        } else if let Some(a) = s.strip_prefix("tcp://") {
            (SyslogTarget::Tcp, a)
        } else if let Some(a) = s.strip_prefix("syslog+tls://").or_else(|| s.strip_prefix("tls://")) {
            (SyslogTarget::Tls, a)
        } else {
            return Err(format!("syslog target `{s}` must be udp://HOST:PORT, tcp://HOST:PORT or syslog+tls://HOST:PORT"));
        };
        match host_port(addr) {
            Some(_) => Ok(kind(addr.to_string())),
            None => Err(format!("syslog target `{s}`: expected HOST:PORT after the scheme")),
        }
    }
}

/// `host:port` or `[v6]:port` → host (without brackets) and port.
fn host_port(addr: &str) -> Option<(&str, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    let port = port.parse().ok()?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    (!host.is_empty() && !host.contains('/')).then_some((host, port))
}

#[derive(Debug, Clone, Default)]
pub struct ForwardConfig {
    /// `http://…` or `https://…` URL receiving POSTs of JSON arrays of records.
    pub webhook: Option<String>,
    pub syslog: Option<SyslogTarget>,
    /// A CA (PEM) trusted for the HTTPS webhook and syslog over TLS, besides the compiled-in
    /// Mozilla roots (for a SIEM with a private CA).
    pub ca_file: Option<PathBuf>,
    /// Records per webhook POST (default 200).
    pub batch: usize,
    /// How long a replica holds a sink's cursor without renewing it (default 30 s): after a
    /// replica dies, another one takes over within this long.
    pub lease: Option<Duration>,
    /// Who this forwarder is in the lease (default: host name, listen address and process id).
    pub owner: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("webhook: {0}")]
    Webhook(String),
    #[error("syslog: {0}")]
    Syslog(#[from] std::io::Error),
    #[error("forwarder configuration: {0}")]
    Config(String),
}

/// A configured destination ([`sinks`]).
pub enum Sink {
    Webhook { url: String, client: Box<HttpClient> },
    Syslog { target: SyslogTarget, tls: Option<tokio_rustls::TlsConnector> },
}

/// The sinks of a configuration, checked: the webhook must be `http://` or `https://` with a host,
/// the CA file readable and holding certificates. Empty when nothing is configured.
pub fn sinks(cfg: &ForwardConfig) -> Result<Vec<Sink>, ForwardError> {
    let trust = Trust::System { extra_ca: cfg.ca_file.clone() };
    let mut out = Vec::new();
    if let Some(url) = &cfg.webhook {
        let uri: hyper::Uri = url.parse().map_err(|e| ForwardError::Config(format!("webhook URL `{url}`: {e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none_or(str::is_empty) {
            return Err(ForwardError::Config(format!("webhook URL `{url}` must be http://HOST… or https://HOST…")));
        }
        let client = HttpClient::with_tls(Duration::from_secs(15), &trust).map_err(|e| ForwardError::Config(e.to_string()))?;
        out.push(Sink::Webhook { url: url.clone(), client: Box::new(client) });
    }
    if let Some(t) = &cfg.syslog {
        let tls = match t {
            SyslogTarget::Tls(_) => Some(tokio_rustls::TlsConnector::from(
                tls_client::client_config(&trust, Check::Full, &[]).map_err(|e| ForwardError::Config(e.to_string()))?,
            )),
            _ => None,
        };
        out.push(Sink::Syslog { target: t.clone(), tls });
    }
    Ok(out)
}

async fn tcp_connect(addr: &str) -> std::io::Result<tokio::net::TcpStream> {
    let s = tokio::time::timeout(Duration::from_secs(10), tokio::net::TcpStream::connect(addr))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))??;
    s.set_nodelay(true)?;
    Ok(s)
}

/// RFC 6587 / RFC 5425 octet counting: `LEN SP MSG` per message, LEN the MSG's length in bytes.
pub fn octet_counted(lines: &[String]) -> Vec<u8> {
    let mut buf = Vec::new();
    for l in lines {
        buf.extend_from_slice(format!("{} {l}", l.len()).as_bytes());
    }
    buf
}

impl Sink {
    fn cursor_name(&self) -> &'static str {
        match self {
            Sink::Webhook { .. } => "webhook",
            Sink::Syslog { .. } => "syslog",
        }
    }

    /// Delivers one batch; `Ok` only once the destination took all of it (webhook: a 2xx answer;
    /// TCP/TLS syslog: written and the connection closed cleanly).
    pub async fn send(&self, records: &[Value]) -> Result<(), ForwardError> {
        match self {
            Sink::Webhook { url, client } => {
                let body = serde_json::to_vec(records).map_err(|e| ForwardError::Webhook(e.to_string()))?;
                let n = records.len().to_string();
                let resp = client
                    .request("POST", url, &[("content-type", "application/json"), ("x-promptwall-records", &n)], body)
                    .await
                    .map_err(|e| ForwardError::Webhook(e.to_string()))?;
                if (200..300).contains(&resp.status) {
                    Ok(())
                } else {
                    Err(ForwardError::Webhook(format!("HTTP {}", resp.status)))
                }
            }
            Sink::Syslog { target, tls } => {
                let host = hostname();
                let lines: Vec<String> = records.iter().map(|r| syslog_line(r, &host)).collect();
                match target {
                    SyslogTarget::Udp(addr) => {
                        let sock = tokio::net::UdpSocket::bind(if addr.starts_with('[') { "[::]:0" } else { "0.0.0.0:0" }).await?;
                        sock.connect(addr).await?;
                        for l in &lines {
                            sock.send(l.as_bytes()).await?;
                        }
                    }
                    SyslogTarget::Tcp(addr) => {
                        let mut s = tcp_connect(addr).await?;
                        s.write_all(&octet_counted(&lines)).await?;
                        s.flush().await?;
                        s.shutdown().await?;
                    }
                    SyslogTarget::Tls(addr) => {
                        let tls = tls.as_ref().ok_or_else(|| ForwardError::Config("syslog over TLS without a TLS configuration".into()))?;
                        let (h, _) = host_port(addr).ok_or_else(|| ForwardError::Config(format!("syslog target `{addr}`")))?;
                        let name = tls_client::server_name(h).map_err(|e| ForwardError::Config(e.to_string()))?;
                        let tcp = tcp_connect(addr).await?;
                        // A refused certificate is an io::Error wrapping rustls's reason
                        // ("invalid peer certificate: UnknownIssuer"), kept in the message.
                        let mut s = tokio::time::timeout(Duration::from_secs(10), tls.connect(name, tcp))
                            .await
                            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "TLS handshake timed out"))?
                            .map_err(|e| std::io::Error::new(e.kind(), format!("TLS handshake with {addr}: {e}")))?;
                        s.write_all(&octet_counted(&lines)).await?;
                        s.flush().await?;
                        // close_notify, then the TCP close (RFC 5425 §4.4).
                        s.shutdown().await?;
                    }
                }
                Ok(())
            }
        }
    }
}

pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !s.contains(' '))
        .unwrap_or_else(|| "-".into())
}

/// One RFC 5424 message: facility local0 (16), severity from the record; MSG is the JSON record.
pub fn syslog_line(record: &Value, host: &str) -> String {
    let sev = match record.get("severity_id").and_then(Value::as_u64).unwrap_or(0) {
        4 => 4,     // warning
        3 | 2 => 5, // notice
        _ => 6,     // informational
    };
    let pri = 16 * 8 + sev;
    let ts = rfc3339_ms(record.get("time").and_then(Value::as_i64).unwrap_or(0));
    format!("<{pri}>1 {ts} {host} promptwall - event - {record}")
}

/// Starts the forwarder task over `sinks` (from [`sinks`]) when there is one.
pub fn spawn(
    sinks: Vec<Sink>,
    cfg: ForwardConfig,
    store: Arc<dyn Store>,
    notify: Arc<tokio::sync::Notify>,
) -> Option<tokio::task::JoinHandle<()>> {
    if sinks.is_empty() {
        return None;
    }
    let batch = if cfg.batch == 0 { 200 } else { cfg.batch } as i64;
    let lease_ms = cfg.lease.unwrap_or(Duration::from_secs(30)).as_millis().max(1) as i64;
    let owner = cfg.owner.clone().unwrap_or_else(|| format!("{}/{}", hostname(), std::process::id()));
    Some(tokio::spawn(async move {
        let mut backoff = vec![Duration::ZERO; sinks.len()];
        loop {
            let mut busy = false;
            let mut failing = false;
            for (i, sink) in sinks.iter().enumerate() {
                match forward_once(&*store, sink, batch, &owner, lease_ms).await {
                    Ok(n) => {
                        backoff[i] = Duration::ZERO;
                        busy |= n as i64 == batch;
                    }
                    Err(e) => {
                        failing = true;
                        backoff[i] = (backoff[i] * 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
                        tracing::warn!(sink = sink.cursor_name(), error = %e, retry_in_s = backoff[i].as_secs(), "forwarding failed; will retry");
                    }
                }
            }
            if busy && !failing {
                continue;
            }
            let wait = if failing {
                backoff.iter().copied().filter(|d| !d.is_zero()).min().unwrap_or(Duration::from_secs(1))
            } else {
                // Also how often a replica without the lease looks whether it lapsed.
                Duration::from_secs(2).min(Duration::from_millis(lease_ms as u64 / 2).max(Duration::from_millis(100)))
            };
            tokio::select! {
                _ = notify.notified(), if !failing => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }))
}

async fn forward_once(store: &dyn Store, sink: &Sink, batch: i64, owner: &str, lease_ms: i64) -> Result<usize, String> {
    let name = sink.cursor_name();
    let Some(cursor) = store.claim_cursor(name, owner, crate::now_ms(), lease_ms).await.map_err(|e| e.to_string())? else {
        return Ok(0); // another replica holds this sink
    };
    let rows = store.events_after(cursor, batch).await.map_err(|e| e.to_string())?;
    let Some(last) = rows.last().map(|r| r.0) else { return Ok(0) };
    let records: Vec<Value> = rows.iter().map(|(_, r)| ocsf_record(&crate::api::event_json(r))).collect();
    sink.send(&records).await.map_err(|e| e.to_string())?;
    if !store.advance_cursor(name, owner, last).await.map_err(|e| e.to_string())? {
        // The lease lapsed while sending: the new holder sends this batch again.
        tracing::warn!(sink = name, "forwarder lease lost during a send; the batch will be delivered again");
        return Ok(0);
    }
    tracing::debug!(sink = name, records = records.len(), "forwarded");
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syslog_format() {
        let r = serde_json::json!({"time": 0, "severity_id": 4, "class_uid": 2006});
        assert_eq!(
            syslog_line(&r, "h"),
            "<132>1 1970-01-01T00:00:00.000Z h promptwall - event - {\"time\":0,\"severity_id\":4,\"class_uid\":2006}"
        );
        assert_eq!(SyslogTarget::parse("udp://127.0.0.1:514"), Ok(SyslogTarget::Udp("127.0.0.1:514".into())));
        assert!(SyslogTarget::parse("127.0.0.1:514").is_err());
        assert_eq!(SyslogTarget::parse("syslog+tls://siem.example:6514"), Ok(SyslogTarget::Tls("siem.example:6514".into())));
        assert_eq!(SyslogTarget::parse("tls://[::1]:6514"), Ok(SyslogTarget::Tls("[::1]:6514".into())));
        assert!(SyslogTarget::parse("syslog+tls://siem.example").is_err());
        assert!(SyslogTarget::parse("tcp://:514").is_err());
        assert_eq!(octet_counted(&["ab".into(), "é".into()]), b"2 ab2 \xc3\xa9".to_vec());
    }

    #[test]
    fn webhook_urls_are_checked() {
        let cfg = |u: &str| ForwardConfig { webhook: Some(u.into()), ..Default::default() };
        assert!(sinks(&cfg("https://siem.example/hook")).is_ok());
        assert!(sinks(&cfg("http://127.0.0.1:9/hook")).is_ok());
        for bad in ["ftp://siem.example/", "siem.example/hook", "https:///x"] {
            assert!(matches!(sinks(&cfg(bad)), Err(ForwardError::Config(_))), "{bad}");
        }
        let missing = ForwardConfig { ca_file: Some("/nonexistent/ca.pem".into()), ..cfg("https://siem.example/") };
        let e = sinks(&missing).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
