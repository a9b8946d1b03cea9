//! TLS on the server's outgoing links, against real local TLS endpoints with test CAs made here
//! (rcgen): the HTTPS webhook, syslog over TLS (RFC 5425) and PostgreSQL with `sslmode`
//! (a real PostgreSQL started by scripts/test-server.sh with `ssl=on` and a test CA).

mod common;

use common::{event, Backend, TestServer};
use promptwall_server::forward::{self, ForwardConfig, SyslogTarget};
use promptwall_server::http_client::HttpClient;
use promptwall_server::store::pg_tls;
use promptwall_server::tls_client::Trust;
use rustls::pki_types::PrivateKeyDer;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A test CA and a way to issue server certificates from it.
struct Ca {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
    pem_file: PathBuf,
}

impl Ca {
    fn new(dir: &common::TempDir, name: &str) -> Ca {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.distinguished_name.push(rcgen::DnType::CommonName, format!("promptwall test CA {name}"));
        p.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = p.self_signed(&key).unwrap();
        let pem_file = dir.0.join(format!("{name}.pem"));
        std::fs::write(&pem_file, cert.pem()).unwrap();
        Ca { cert, key, pem_file }
    }

    /// A server certificate for `names` (chain: leaf, CA) and its key, as rustls serves it.
    fn issue(&self, names: &[&str]) -> Arc<CertifiedKey> {
        let p = rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let leaf = p.signed_by(&key, &self.cert, &self.key).unwrap();
        let der = PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let signer = rustls::crypto::ring::sign::any_supported_type(&der).unwrap();
        Arc::new(CertifiedKey::new(vec![leaf.der().clone(), self.cert.der().clone()], signer))
    }
}

/// Serves whichever certificate is current (so a test can fix a receiver's certificate while the
/// server keeps retrying) and counts handshakes.
#[derive(Debug)]
struct Switchable {
    current: Mutex<Arc<CertifiedKey>>,
    hellos: AtomicUsize,
}

impl ResolvesServerCert for Switchable {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.hellos.fetch_add(1, Ordering::SeqCst);
        Some(self.current.lock().unwrap().clone())
    }
}

fn server_tls(resolver: Arc<Switchable>, alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
    let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(cfg)
}

/// A real HTTPS webhook receiver on 127.0.0.1 (axum over rustls) recording every record.
async fn https_receiver(cert: Arc<CertifiedKey>) -> (u16, Arc<Switchable>, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                let v: Vec<Value> = serde_json::from_slice(&body).unwrap();
                g.lock().unwrap().extend(v);
                axum::http::StatusCode::OK
            }
        }),
    );
    let resolver = Arc::new(Switchable { current: Mutex::new(cert), hellos: AtomicUsize::new(0) });
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let port = l.local_addr().unwrap().port();
    let tls = axum_server::tls_rustls::RustlsConfig::from_config(server_tls(resolver.clone(), &[b"http/1.1"]));
    tokio::spawn(async move { axum_server::from_tcp_rustls(l, tls).serve(app.into_make_service()).await });
    (port, resolver, got)
}

async fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_client_verifies_chain_and_name() {
    let dir = common::TempDir::new("tls-client");
    let (ca, other) = (Ca::new(&dir, "ca"), Ca::new(&dir, "other"));
    let (port, _, got) = https_receiver(ca.issue(&["localhost"])).await;
    let body = json!([{"metadata": {"uid": "x"}}]);
    let trusted = HttpClient::with_tls(Duration::from_secs(10), &Trust::System { extra_ca: Some(ca.pem_file.clone()) }).unwrap();
    let r = trusted.post_json(&format!("https://localhost:{port}/hook"), None, &body).await.expect("trusted CA, right name");
    assert_eq!(r.status, 200);
    assert_eq!(got.lock().unwrap().len(), 1);

    // Only the compiled-in roots, or another private CA: refused, and the error says why.
    for trust in [Trust::System { extra_ca: None }, Trust::System { extra_ca: Some(other.pem_file.clone()) }] {
        let c = HttpClient::with_tls(Duration::from_secs(10), &trust).unwrap();
        let e = c.post_json(&format!("https://localhost:{port}/hook"), None, &body).await.unwrap_err().to_string();
        assert!(e.contains("invalid peer certificate") && e.contains("UnknownIssuer"), "{e}");
    }
    // The right CA but a name the certificate does not carry.
    let e = trusted.post_json(&format!("https://127.0.0.1:{port}/hook"), None, &body).await.unwrap_err().to_string();
    assert!(e.contains("not valid for name") && e.contains("127.0.0.1"), "{e}");
    // A plain client does not speak https.
    let e = HttpClient::default().post_json(&format!("https://localhost:{port}/hook"), None, &body).await.unwrap_err().to_string();
    assert!(e.contains("with_tls"), "{e}");
    assert_eq!(got.lock().unwrap().len(), 1, "nothing reached the receiver over a refused link");
}

/// The forwarder over HTTPS: while the receiver shows a certificate from a CA the server does not
/// trust, nothing is sent and the events wait; once it shows a good one, every event arrives
/// exactly once, in order.
async fn https_webhook_keeps_events_until_the_certificate_is_good(b: Backend) {
    let dir = common::TempDir::new("tls-hook");
    let (ca, other) = (Ca::new(&dir, "ca"), Ca::new(&dir, "other"));
    let (port, resolver, got) = https_receiver(other.issue(&["localhost"])).await;
    let s = TestServer::start_with(b, |c| {
        c.forward.webhook = Some(format!("https://localhost:{port}/hook"));
        c.forward.ca_file = Some(ca.pem_file.clone());
        c.forward.batch = 4;
    })
    .await;
    let dev = s.enroll("eng", "tls-dev").await;
    let ids: Vec<String> = (0..9).map(|i| format!("h{i}")).collect();
    let evs: Vec<Value> = ids.iter().enumerate().map(|(i, id)| event(id, 1_764_000_000_000 + i as i64, "warn", "claude.ai", &[])).collect();
    let r = s.post("/api/v1/events", Some(&dev), &json!({"events": evs})).await;
    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 9);
    // Two refused handshakes (the first try and a retry) and nothing delivered.
    wait_for("two refused handshakes", 20, || resolver.hellos.load(Ordering::SeqCst) >= 2).await;
    assert!(got.lock().unwrap().is_empty());
    *resolver.current.lock().unwrap() = ca.issue(&["localhost"]);
    wait_for("all 9 records", 30, || got.lock().unwrap().len() >= 9).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let uids: Vec<String> = got.lock().unwrap().iter().map(|r| r["metadata"]["uid"].as_str().unwrap().to_string()).collect();
    assert_eq!(uids, ids, "every event once, in order");
    s.stop().await;
}
both_backends!(https_webhook_keeps_events_until_the_certificate_is_good);

/// Reads RFC 5425 frames (`LEN SP MSG`, LEN the octets of MSG) strictly: anything else panics.
fn parse_octet_counted(mut data: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let sp = data.iter().position(|&c| c == b' ').expect("frame without a space");
        let len_txt = std::str::from_utf8(&data[..sp]).unwrap();
        assert!(!len_txt.is_empty() && len_txt.bytes().all(|c| c.is_ascii_digit()) && !len_txt.starts_with('0'), "bad length {len_txt:?}");
        let len: usize = len_txt.parse().unwrap();
        let msg = &data[sp + 1..sp + 1 + len];
        out.push(String::from_utf8(msg.to_vec()).unwrap());
        data = &data[sp + 1 + len..];
    }
    out
}

/// A TLS syslog receiver (RFC 5425) on 127.0.0.1: every connection read to its end, then parsed.
async fn tls_syslog_receiver(cert: Arc<CertifiedKey>) -> (u16, Arc<Switchable>, Arc<Mutex<Vec<String>>>) {
    use tokio::io::AsyncReadExt;
    let resolver = Arc::new(Switchable { current: Mutex::new(cert), hellos: AtomicUsize::new(0) });
    let acceptor = tokio_rustls::TlsAcceptor::from(server_tls(resolver.clone(), &[]));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let g = got.clone();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = l.accept().await.unwrap();
            let (acceptor, g) = (acceptor.clone(), g.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut data = Vec::new();
                // A clean end needs the sender's close_notify (RFC 5425 §4.4); anything else errs.
                tls.read_to_end(&mut data).await.expect("TLS stream ends with close_notify");
                g.lock().unwrap().extend(parse_octet_counted(&data));
            });
        }
    });
    (port, resolver, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syslog_over_tls_is_octet_counted_and_verified() {
    let dir = common::TempDir::new("tls-syslog");
    let (ca, other) = (Ca::new(&dir, "ca"), Ca::new(&dir, "other"));
    let (port, _, got) = tls_syslog_receiver(ca.issue(&["localhost"])).await;
    let target = SyslogTarget::parse(&format!("syslog+tls://localhost:{port}")).unwrap();
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.forward.syslog = Some(target.clone());
        c.forward.ca_file = Some(ca.pem_file.clone());
    })
    .await;
    let dev = s.enroll("eng", "syslog-dev").await;
    let evs: Vec<Value> = (0..7).map(|i| event(&format!("s{i}"), 1_764_000_000_000 + i, "block", "chatgpt.com", &[("EMAIL", 1)])).collect();
    s.post("/api/v1/events", Some(&dev), &json!({"events": evs})).await;
    wait_for("7 syslog messages", 20, || got.lock().unwrap().len() >= 7).await;
    let msgs = got.lock().unwrap().clone();
    assert_eq!(msgs.len(), 7);
    for (i, m) in msgs.iter().enumerate() {
        assert!(m.starts_with("<132>1 2025-11-24T"), "{m}");
        let rec: Value = serde_json::from_str(&m[m.find('{').unwrap()..]).unwrap();
        assert_eq!(rec["metadata"]["uid"], format!("s{i}"));
        assert_eq!(rec["device"]["uid"], "syslog-dev");
    }
    s.stop().await;

    // Refused with a reason: a name the certificate does not carry, an untrusted CA.
    let sink = |target: &str, ca: &Ca| {
        let cfg =
            ForwardConfig { syslog: Some(SyslogTarget::parse(target).unwrap()), ca_file: Some(ca.pem_file.clone()), ..Default::default() };
        forward::sinks(&cfg).unwrap().pop().unwrap()
    };
    let rec = [json!({"time": 0, "severity_id": 1})];
    let e = sink(&format!("syslog+tls://127.0.0.1:{port}"), &ca).send(&rec).await.unwrap_err().to_string();
    assert!(e.contains("not valid for name"), "{e}");
    let e = sink(&format!("syslog+tls://localhost:{port}"), &other).send(&rec).await.unwrap_err().to_string();
    assert!(e.contains("UnknownIssuer"), "{e}");
    assert_eq!(got.lock().unwrap().len(), 7, "nothing more was delivered");
}

/// The PostgreSQL that scripts/test-server.sh started with ssl=on: its port and the CA that
/// signed its certificate (for `localhost` only).
fn pg_tls_env(test: &str) -> Option<(u16, PathBuf)> {
    let (Ok(url), Ok(ca)) = (std::env::var(common::PG_ENV), std::env::var("PROMPTWALL_TEST_POSTGRES_TLS_CA")) else {
        if std::env::var("PROMPTWALL_REQUIRE_POSTGRES_TLS").as_deref() == Ok("1") {
            panic!("{test}: PROMPTWALL_TEST_POSTGRES_TLS_CA is not set but PROMPTWALL_REQUIRE_POSTGRES_TLS=1");
        }
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED (postgres tls) {test}: PROMPTWALL_TEST_POSTGRES_URL/PROMPTWALL_TEST_POSTGRES_TLS_CA not set; run scripts/test-server.sh"
        );
        return None;
    };
    let port = url.rsplit_once(':').and_then(|(_, rest)| rest.split('/').next()?.parse().ok()).expect("port in the test URL");
    Some((port, PathBuf::from(ca)))
}

async fn ssl_in_use(url: &str) -> Result<bool, String> {
    let c = pg_tls::connect_one(url).await.map_err(|e| e.to_string())?;
    let row = c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).await.map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sslmode_is_honoured() {
    let Some((port, ca)) = pg_tls_env("postgres_sslmode_is_honoured") else { return };
    let dir = common::TempDir::new("pg-tls");
    let other = Ca::new(&dir, "other");
    let ca_q = ca.display().to_string().replace('%', "%25").replace('&', "%26");
    // host=localhost (the certificate's name), the address given directly: no DNS involved.
    let by_name = |mode: &str, root: &str| format!("postgres://postgres@localhost:{port}/postgres?hostaddr=127.0.0.1&sslmode={mode}{root}");
    let by_ip = |mode: &str, root: &str| format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode={mode}{root}");
    let root = format!("&sslrootcert={ca_q}");

    assert_eq!(ssl_in_use(&by_name("verify-full", &root)).await, Ok(true), "verify-full, right CA and name");
    assert_eq!(ssl_in_use(&by_ip("verify-ca", &root)).await, Ok(true), "verify-ca does not check the name");
    assert_eq!(ssl_in_use(&by_ip("require", "")).await, Ok(true), "require: encrypted");
    assert_eq!(ssl_in_use(&by_ip("prefer", "")).await, Ok(true), "prefer: encrypted when offered");
    assert_eq!(ssl_in_use(&by_ip("disable", "")).await, Ok(false), "disable: plain");

    let e = ssl_in_use(&by_ip("verify-full", &root)).await.unwrap_err();
    assert!(e.contains("not valid for name") && e.contains("127.0.0.1"), "wrong name: {e}");
    let wrong_ca = format!("&sslrootcert={}", other.pem_file.display());
    for url in [by_name("verify-full", &wrong_ca), by_name("verify-ca", &wrong_ca), by_ip("require", &wrong_ca)] {
        let e = ssl_in_use(&url).await.unwrap_err();
        assert!(e.contains("UnknownIssuer"), "wrong CA ({url}): {e}");
    }
    // verify-full with the compiled-in roots only: a private CA is not among them.
    let e = ssl_in_use(&by_name("verify-full", "")).await.unwrap_err();
    assert!(e.contains("UnknownIssuer"), "{e}");

    // The server's own pool over verify-full: a fresh database, then the API on top of it.
    let Some(Backend::Postgres(plain)) = Backend::postgres("postgres_sslmode_is_honoured").await else { panic!("postgres backend") };
    let db = plain.rsplit_once('/').unwrap().1.split('?').next().unwrap().to_string();
    let tls_url = format!("postgres://postgres@localhost:{port}/{db}?hostaddr=127.0.0.1&sslmode=verify-full{root}");
    let s = TestServer::start(Backend::Postgres(tls_url.clone())).await;
    let dev = s.enroll("eng", "pg-tls-dev").await;
    let r = s.post("/api/v1/events", Some(&dev), &json!({"events": [event("p1", 1_764_000_000_000, "warn", "claude.ai", &[])]})).await;
    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 1);
    assert_eq!(s.server.as_ref().unwrap().store.count_events().await.unwrap(), 1);
    s.stop().await;
    // And the pool refuses to start against the wrong name.
    let bad = format!("postgres://postgres@127.0.0.1:{port}/{db}?sslmode=verify-full{root}");
    let e = promptwall_server::store::postgres::PgStore::connect(&bad, 2).await.err().expect("refused").to_string();
    assert!(e.contains("not valid for name"), "{e}");
}
