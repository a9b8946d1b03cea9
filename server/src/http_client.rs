//! A small HTTP/1.1 client (hyper) for the webhook forwarder, the load test and the tests.
//! `http://` and `https://` (rustls; the roots and checks of [`crate::tls_client`], host name
//! verified, HTTP/1.1 offered in ALPN).

use crate::tls_client::{self, Check, Trust};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("bad request: {0}")]
    Build(String),
    #[error("request failed: {0}")]
    Send(String),
    #[error("timed out")]
    Timeout,
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Clone)]
pub struct HttpClient {
    inner: Client<Connector, Full<Bytes>>,
    timeout: Duration,
}

/// Plain TCP for `http://`, TLS over it for `https://` (refused when the client has no TLS
/// configuration).
#[derive(Clone)]
pub struct Connector {
    http: HttpConnector,
    tls: Option<tokio_rustls::TlsConnector>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connection made by [`Connector`].
pub enum MaybeTls {
    Plain(TokioIo<tokio::net::TcpStream>),
    Tls(Box<TokioIo<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>>),
}

impl tower_service::Service<Uri> for Connector {
    type Response = MaybeTls;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<MaybeTls, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let https = uri.scheme_str() == Some("https");
        let tls = self.tls.clone();
        let host = uri.host().unwrap_or_default().to_string();
        let connecting = self.http.call(uri);
        Box::pin(async move {
            let tcp = connecting.await?;
            if !https {
                return Ok(MaybeTls::Plain(tcp));
            }
            let tls = tls.ok_or("https:// needs a client with TLS (HttpClient::with_tls)")?;
            let name = tls_client::server_name(&host)?;
            let stream = tls.connect(name, tcp.into_inner()).await?;
            Ok(MaybeTls::Tls(Box::new(TokioIo::new(stream))))
        })
    }
}

impl Connection for MaybeTls {
    fn connected(&self) -> Connected {
        match self {
            MaybeTls::Plain(s) => s.connected(),
            MaybeTls::Tls(s) => s.inner().get_ref().0.connected(),
        }
    }
}

impl hyper::rt::Read for MaybeTls {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: hyper::rt::ReadBufCursor<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MaybeTls::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl hyper::rt::Write for MaybeTls {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MaybeTls::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_flush(cx),
            MaybeTls::Tls(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MaybeTls::Tls(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new(Duration::from_secs(30))
    }
}

impl HttpClient {
    /// Plain `http://` only.
    pub fn new(timeout: Duration) -> HttpClient {
        Self::build(timeout, None, Duration::from_secs(30))
    }

    /// `http://` and `https://`: the server's certificate must chain to `trust` and name the
    /// URL's host.
    pub fn with_tls(timeout: Duration, trust: &Trust) -> Result<HttpClient, tls_client::TlsConfigError> {
        let cfg = tls_client::client_config(trust, Check::Full, &[b"http/1.1"])?;
        Ok(Self::build(timeout, Some(cfg), Duration::from_secs(30)))
    }

    /// Plain `http://`, idle connections kept for `idle` (the load generator keeps each
    /// simulated device's connection between its requests).
    pub fn with_idle_timeout(timeout: Duration, idle: Duration) -> HttpClient {
        Self::build(timeout, None, idle)
    }

    fn build(timeout: Duration, tls: Option<Arc<rustls::ClientConfig>>, idle: Duration) -> HttpClient {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        http.enforce_http(false);
        let conn = Connector { http, tls: tls.map(tokio_rustls::TlsConnector::from) };
        let inner = Client::builder(TokioExecutor::new()).pool_idle_timeout(idle).build(conn);
        HttpClient { inner, timeout }
    }

    pub async fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Result<HttpResponse, HttpError> {
        let mut b = hyper::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Full::new(body.into())).map_err(|e| HttpError::Build(e.to_string()))?;
        let fut = async {
            // The whole chain: a refused certificate shows as "…: invalid peer certificate: UnknownIssuer".
            let resp = self.inner.request(req).await.map_err(|e| HttpError::Send(tls_client::error_chain(&e)))?;
            let (parts, body) = resp.into_parts();
            let body = body.collect().await.map_err(|e| HttpError::Send(e.to_string()))?.to_bytes();
            Ok(HttpResponse { status: parts.status.as_u16(), headers: parts.headers, body })
        };
        tokio::time::timeout(self.timeout, fut).await.map_err(|_| HttpError::Timeout)?
    }

    pub async fn get(&self, url: &str, bearer: Option<&str>) -> Result<HttpResponse, HttpError> {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        let mut h: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            h.push(("authorization", a));
        }
        self.request("GET", url, &h, Bytes::new()).await
    }

    pub async fn post_json(&self, url: &str, bearer: Option<&str>, body: &serde_json::Value) -> Result<HttpResponse, HttpError> {
        self.post_bytes(url, bearer, body.to_string().into_bytes()).await
    }

    pub async fn post_bytes(&self, url: &str, bearer: Option<&str>, body: Vec<u8>) -> Result<HttpResponse, HttpError> {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        let mut h: Vec<(&str, &str)> = vec![("content-type", "application/json")];
        if let Some(a) = &auth {
            h.push(("authorization", a));
        }
        self.request("POST", url, &h, body).await
    }
}
