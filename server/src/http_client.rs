//! A small HTTP/1.1 client (hyper) for the webhook forwarder, the load test and the tests.
//! Plain HTTP only.

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
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
    inner: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new(Duration::from_secs(30))
    }
}

impl HttpClient {
    pub fn new(timeout: Duration) -> HttpClient {
        let mut conn = HttpConnector::new();
        conn.set_nodelay(true);
        conn.set_connect_timeout(Some(Duration::from_secs(10)));
        let inner = Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(conn);
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
            let resp = self.inner.request(req).await.map_err(|e| HttpError::Send(format!("{e:?}")))?;
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
