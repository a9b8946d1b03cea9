//! Forwarder (webhook + syslog over UDP and TCP) and TLS, against real sockets.

mod common;

use common::{event, Backend, TestServer};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A webhook receiver that refuses its first request (to exercise the retry) and records the rest.
async fn webhook_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (g, c) = (got.clone(), calls.clone());
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: axum::body::Bytes| {
            let (g, c) = (g.clone(), c.clone());
            async move {
                if c.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                let v: Vec<Value> = serde_json::from_slice(&body).unwrap();
                g.lock().unwrap().extend(v);
                axum::http::StatusCode::OK
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

async fn forwarder_delivers_every_event(b: Backend) {
    let (hook, got) = webhook_receiver().await;
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let udp_addr = udp.local_addr().unwrap();
    let s = TestServer::start_with(b, |c| {
        c.forward.webhook = Some(hook);
        c.forward.syslog = Some(promptwall_server::forward::SyslogTarget::Udp(udp_addr.to_string()));
        c.forward.batch = 3;
    })
    .await;
    let dev = s.enroll("eng", "fw-dev").await;
    let evs: Vec<Value> = (0..7)
        .map(|i| event(&format!("f{i}"), 1_764_000_000_000 + i, if i % 2 == 0 { "block" } else { "warn" }, "chatgpt.com", &[("EMAIL", 1)]))
        .collect();
    let r = s.post("/api/v1/events", Some(&dev), &json!({"events": evs})).await;
    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 7);
    // Syslog lines.
    let mut lines = Vec::new();
    let mut buf = vec![0u8; 65_536];
    while lines.len() < 7 {
        let n = tokio::time::timeout(Duration::from_secs(20), udp.recv(&mut buf)).await.expect("syslog datagram").unwrap();
        lines.push(String::from_utf8(buf[..n].to_vec()).unwrap());
    }
    assert!(lines[0].starts_with("<132>1 2025-11-24T"), "{}", lines[0]);
    let json_part = &lines[0][lines[0].find('{').unwrap()..];
    let rec: Value = serde_json::from_str(json_part).unwrap();
    assert_eq!(rec["class_uid"], 2006);
    assert_eq!(rec["device"]["uid"], "fw-dev");
    // Webhook: first POST refused, then everything arrives exactly once, in order.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while got.lock().unwrap().len() < 7 {
        assert!(tokio::time::Instant::now() < deadline, "webhook got {} of 7", got.lock().unwrap().len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ids: Vec<String> = got.lock().unwrap().iter().map(|r| r["metadata"]["uid"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, (0..7).map(|i| format!("f{i}")).collect::<Vec<_>>());
    let first = got.lock().unwrap()[0].clone();
    assert_eq!(first["action"], "Denied");
    assert_eq!(first["dst_endpoint"]["hostname"], "chatgpt.com");
    s.stop().await;
}
both_backends!(forwarder_delivers_every_event);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syslog_over_tcp_uses_octet_counting() {
    use tokio::io::AsyncReadExt;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.forward.syslog = Some(promptwall_server::forward::SyslogTarget::Tcp(addr.to_string()))
    })
    .await;
    let dev = s.enroll("eng", "tcp-dev").await;
    s.post("/api/v1/events", Some(&dev), &json!({"events": [event("t1", 1_764_000_000_000, "redact", "claude.ai", &[])]})).await;
    let (mut sock, _) = tokio::time::timeout(Duration::from_secs(20), l.accept()).await.unwrap().unwrap();
    let mut data = String::new();
    sock.read_to_string(&mut data).await.unwrap();
    let (len, msg) = data.split_once(' ').unwrap();
    assert_eq!(len.parse::<usize>().unwrap(), msg.len());
    assert!(msg.starts_with("<133>1 "), "{msg}");
    assert!(msg.contains("\"disposition\":\"redact\""));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_rustls() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = common::TempDir::new("tls");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert_pem, key_pem) = (cert.cert.pem(), cert.key_pair.serialize_pem());
    std::fs::write(dir.0.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.0.join("key.pem"), &key_pem).unwrap();
    let s = TestServer::start_with(Backend::Sqlite, |c| c.tls = Some((dir.0.join("cert.pem"), dir.0.join("key.pem")))).await;
    let addr = s.server.as_ref().unwrap().addr;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = conn.connect(rustls::pki_types::ServerName::try_from("localhost").unwrap(), tcp).await.expect("TLS handshake");
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut out = String::new();
    tls.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("\"status\":\"ok\""));
    s.stop().await;
}
