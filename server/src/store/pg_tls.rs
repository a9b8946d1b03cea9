//! PostgreSQL over TLS (rustls), with libpq's `sslmode` semantics read from the connection URL.
//!
//! tokio-postgres itself knows only `disable`, `prefer` and `require` and no `sslrootcert`, so
//! [`config`] takes `sslmode` and `sslrootcert` out of the URL's query, hands the rest to
//! tokio-postgres and returns a [`MakeRustls`] that does what libpq does:
//!
//! | `sslmode` | TLS | certificate check |
//! | --- | --- | --- |
//! | `disable` | never | — |
//! | `allow`, `prefer` (default) | if the server offers it | none (encrypted, not authenticated) |
//! | `require` | required | none; with an `sslrootcert`, as `verify-ca` |
//! | `verify-ca` | required | chain to `sslrootcert` |
//! | `verify-full` | required | chain to `sslrootcert` and the host name |
//!
//! `sslrootcert=FILE` trusts only that PEM file's certificates; `sslrootcert=system` (and, unlike
//! libpq, a verify mode without any `sslrootcert`) trusts the compiled-in Mozilla roots. The name
//! checked is `host` (the certificate needs it as a subjectAltName); `hostaddr` may give the
//! address to connect to. Client certificates (`sslcert`, `sslkey`) are refused as unsupported.

use super::StoreError;
use crate::tls_client::{self, Check, Trust};
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use tokio_postgres::Socket;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, StoreError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(StoreError::Config(format!(
                    "bad database URL: sslmode `{other}` (disable, allow, prefer, require, verify-ca or verify-full)"
                )))
            }
        })
    }
}

/// The TLS side of a connection URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// `sslrootcert`: a file, or `None` for the compiled-in roots (`system` or absent).
    pub root_cert: Option<PathBuf>,
}

/// Splits a `postgres://` URL into tokio-postgres's configuration and the TLS connector its
/// `sslmode`/`sslrootcert` ask for. A bad CA file is an error here, before any connection.
pub fn config(url: &str) -> Result<(tokio_postgres::Config, MakeRustls, TlsSettings), StoreError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = SslMode::Prefer;
    let mut root: Option<String> = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => mode = SslMode::parse(&percent_decode(v)?)?,
            "sslrootcert" => root = Some(percent_decode(v)?),
            "sslcert" | "sslkey" | "sslpassword" | "sslcrl" | "sslcrldir" => {
                return Err(StoreError::Config(format!("bad database URL: `{k}` is not supported (no client certificates)")));
            }
            _ => rest.push(pair),
        }
    }
    let stripped = if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) };
    let mut cfg: tokio_postgres::Config =
        stripped.parse().map_err(|e: tokio_postgres::Error| StoreError::Config(format!("bad database URL: {e}")))?;
    let root_cert = root.filter(|r| r != "system").map(PathBuf::from);
    let settings = TlsSettings { mode, root_cert };
    let check = match mode {
        SslMode::Disable => None,
        SslMode::Allow | SslMode::Prefer => Some(Check::None),
        SslMode::Require if settings.root_cert.is_some() => Some(Check::ChainOnly),
        SslMode::Require => Some(Check::None),
        SslMode::VerifyCa => Some(Check::ChainOnly),
        SslMode::VerifyFull => Some(Check::Full),
    };
    cfg.ssl_mode(match mode {
        SslMode::Disable => tokio_postgres::config::SslMode::Disable,
        SslMode::Allow | SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        _ => tokio_postgres::config::SslMode::Require,
    });
    let trust = match &settings.root_cert {
        Some(f) => Trust::Only(f.clone()),
        None => Trust::System { extra_ca: None },
    };
    let tls = match check {
        None => MakeRustls { config: None, check: Check::None },
        Some(check) => {
            let c = tls_client::client_config(&trust, check, &[]).map_err(|e| StoreError::Config(format!("database TLS: {e}")))?;
            MakeRustls { config: Some(c), check }
        }
    };
    Ok((cfg, tls, settings))
}

/// One connection (not pooled) with the URL's TLS settings; the connection task is spawned.
pub async fn connect_one(url: &str) -> Result<tokio_postgres::Client, StoreError> {
    let (cfg, tls, _) = config(url)?;
    let (client, conn) =
        cfg.connect(tls).await.map_err(|e| StoreError::Config(format!("connecting to PostgreSQL: {}", tls_client::error_chain(&e))))?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "database connection closed");
        }
    });
    Ok(client)
}

fn percent_decode(s: &str) -> Result<String, StoreError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| StoreError::Config("bad database URL: broken %-escape".into()))?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| StoreError::Config("bad database URL: %-escape is not UTF-8".into()))
}

/// tokio-postgres's TLS hook over tokio-rustls; `config: None` for `sslmode=disable`.
#[derive(Clone)]
pub struct MakeRustls {
    config: Option<Arc<rustls::ClientConfig>>,
    check: Check,
}

impl MakeTlsConnect<Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        // tokio-postgres asks for a connector even under sslmode=disable (and then never uses it).
        let Some(config) = self.config.clone() else { return Ok(RustlsConnect { connector: None, name: localhost() }) };
        let name = match tls_client::server_name(domain) {
            Ok(n) => n,
            // Without a name (hostaddr only) nothing can be checked against one.
            Err(_) if self.check != Check::Full => localhost(),
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("sslmode=verify-full needs a host name: {e}"))),
        };
        Ok(RustlsConnect { connector: Some(tokio_rustls::TlsConnector::from(config)), name })
    }
}

fn localhost() -> rustls::pki_types::ServerName<'static> {
    rustls::pki_types::ServerName::IpAddress(std::net::IpAddr::from([127, 0, 0, 1]).into())
}

pub struct RustlsConnect {
    connector: Option<tokio_rustls::TlsConnector>,
    name: rustls::pki_types::ServerName<'static>,
}

impl TlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            let connector = self.connector.ok_or_else(|| io::Error::other("TLS is disabled (sslmode=disable)"))?;
            Ok(RustlsStream(connector.connect(self.name, stream).await?))
        })
    }
}

/// An encrypted connection to PostgreSQL.
pub struct RustlsStream(tokio_rustls::client::TlsStream<Socket>);

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM channel binding is optional (channel_binding=prefer, tokio-postgres's default).
        ChannelBinding::none()
    }
}

impl AsyncRead for RustlsStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_rootcert_are_taken_out_of_the_url() {
        let (cfg, _, s) = config("postgres://u@db.internal:5433/pw?sslmode=disable&application_name=x").unwrap();
        assert_eq!(s, TlsSettings { mode: SslMode::Disable, root_cert: None });
        assert_eq!(cfg.get_application_name(), Some("x"));
        assert_eq!(cfg.get_ssl_mode(), tokio_postgres::config::SslMode::Disable);
        let (cfg, _, s) = config("postgres://u@db/pw").unwrap();
        assert_eq!(s.mode, SslMode::Prefer);
        assert_eq!(cfg.get_ssl_mode(), tokio_postgres::config::SslMode::Prefer);
        let (cfg, _, s) = config("postgresql://u@db/pw?sslmode=verify-full&sslrootcert=system").unwrap();
        assert_eq!(s, TlsSettings { mode: SslMode::VerifyFull, root_cert: None });
        assert_eq!(cfg.get_ssl_mode(), tokio_postgres::config::SslMode::Require);
        // A CA file that is not there is an error before connecting, naming the file.
        let e = config("postgres://u@db/pw?sslmode=verify-ca&sslrootcert=%2Fnonexistent%2Fca.pem").err().unwrap().to_string();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
        for bad in ["postgres://u@db/pw?sslmode=verify", "postgres://u@db/pw?sslcert=c.pem", "postgres://u@db/pw?sslrootcert=%zz"] {
            assert!(matches!(config(bad), Err(StoreError::Config(_))), "{bad}");
        }
    }
}
