//! The agent against the real `promptwall-server` binary (SQLite backend): enroll with an
//! admin-issued token, a bundle published by the admin reaches verdicts, events arrive once each,
//! also across a `kill -9` of the daemon; a revoked device keeps its events until it is enrolled
//! again; HTTPS with a company CA.
//!
//! The server is another package: this test uses the binary the workspace built
//! (`target/<profile>/promptwall-server`, or `PROMPTWALL_SERVER_BIN`). Without it the test says so
//! and passes, unless `PROMPTWALL_REQUIRE_REAL_SERVER=1` (then it fails): build it first with
//! `cargo build -p promptwall-server`.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

fn server_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROMPTWALL_SERVER_BIN") {
        return Some(PathBuf::from(p));
    }
    // target/<profile>/deps/real_server-… → target/<profile>/promptwall-server
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let p = profile_dir.join("promptwall-server");
    p.exists().then_some(p)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http() -> ureq::Agent {
    http_with_ca(None)
}

/// A test client; with `ca`, it trusts that PEM CA instead of the public roots.
fn http_with_ca(ca: Option<&Path>) -> ureq::Agent {
    let mut c = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(10)));
    if let Some(ca) = ca {
        let pem = std::fs::read(ca).unwrap();
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
            .filter_map(|i| match i {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        c = c.tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs))).build());
    }
    c.build().into()
}

fn admin_post(url: &str, admin: &str, body: String) -> (u16, Value) {
    admin_post_with(&http(), url, admin, body)
}

fn admin_post_with(agent: &ureq::Agent, url: &str, admin: &str, body: String) -> (u16, Value) {
    let mut r =
        agent.post(url).header("Authorization", &format!("Bearer {admin}")).header("Content-Type", "application/json").send(body).unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Every event id the server holds (all pages).
fn server_event_ids(base: &str, admin: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/admin/events?limit=1000");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let mut r = http().get(&url).header("Authorization", &format!("Bearer {admin}")).call().unwrap();
        let v: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        for e in v["events"].as_array().cloned().unwrap_or_default() {
            ids.push(e["event_id"].as_str().unwrap_or_default().to_string());
        }
        match v["next_cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = Some(c.to_string()),
            _ => return ids,
        }
    }
}

fn start_server(bin: &Path, d: &Path, pubkey: &Path) -> (Server, String, String) {
    start_server_tls(bin, d, pubkey, None)
}

/// With `tls` = (certificate chain, key, CA): HTTPS, checked against that CA.
fn start_server_tls(bin: &Path, d: &Path, pubkey: &Path, tls: Option<(&Path, &Path, &Path)>) -> (Server, String, String) {
    let data = d.join("server");
    std::fs::create_dir_all(&data).unwrap();
    let out = Command::new(bin).args(["admin-token", "create", "--data-dir"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let admin = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::File::create(d.join("server.log")).unwrap();
    let mut c = Command::new(bin);
    c.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&data)
        .arg("--trusted-key")
        .arg(format!("k1={}", pubkey.display()))
        .args(["--device-rate", "200"])
        .stdout(Stdio::null())
        .stderr(log);
    if let Some((cert, key, _)) = tls {
        c.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
    }
    let server = Server(c.spawn().unwrap());
    let base = format!("{}://127.0.0.1:{port}", if tls.is_some() { "https" } else { "http" });
    let client = http_with_ca(tls.map(|t| t.2));
    let t = Instant::now();
    while client.get(&format!("{base}/healthz")).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "server did not start: {}",
            std::fs::read_to_string(d.join("server.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, base, admin)
}

#[test]
fn agent_against_the_real_server() {
    let Some(bin) = server_bin() else {
        assert!(
            std::env::var("PROMPTWALL_REQUIRE_REAL_SERVER").is_err(),
            "promptwall-server binary not found; build it with `cargo build -p promptwall-server`"
        );
        eprintln!("skipped: promptwall-server binary not built (cargo build -p promptwall-server)");
        return;
    };
    let d = dir("real", "server");
    let (k1, pk1) = keygen(&d, "k1");
    let (_server, base, admin) = start_server(&bin, &d, &d.join("keys/k1.pub"));
    write_config(
        &d,
        json!({"server_url": base, "trusted_keys": [{"key_id": "k1", "public_key": pk1}], "sync_interval_s": 1, "upload_interval_s": 1, "backoff_max_s": 2, "credential_store": "file"}),
    );

    // Enroll with an admin-issued one-time token; a second use is refused.
    let (st, tok) = admin_post(&format!("{base}/api/v1/admin/enrollment-tokens"), &admin, json!({"group": "eng"}).to_string());
    assert_eq!(st, 201, "{tok}");
    let token = tok["token"].as_str().unwrap();
    let out = cmd(&d).args(["enroll", "--server", &base, "--token", token]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = cmd(&d).args(["enroll", "--server", &base, "--token", token]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));

    // The admin publishes a signed bundle; the daemon's verdicts use it.
    let bundle = sign(&d, &policy_named("Real server policy"), &k1, "k1", 3);
    let (st, v) = admin_post(&format!("{base}/api/v1/admin/policies/eng"), &admin, String::from_utf8(bundle).unwrap());
    assert_eq!(st, 201, "{v}");
    let mut daemon = Daemon::start(&d, &[]);
    let verdict = |id: usize| {
        let mut h = HostProc::start(&d);
        let v = h.inspect(id, "key AKIAT4SYWB5WKH7DNSIP");
        h.finish();
        v
    };
    wait_for(20, "published bundle in force", || verdict(0)["policy_version"] == 3);

    // Events from several hosts; the daemon is killed mid-stream and restarted; every event
    // reaches the server exactly once.
    let mut ids = Vec::new();
    let mut h = HostProc::start(&d);
    for i in 0..40 {
        if i == 20 {
            daemon.kill9();
        }
        ids.push(h.inspect(i, "key AKIAT4SYWB5WKH7DNSIP")["event_id"].as_str().unwrap().to_string());
    }
    h.finish();
    let _daemon = Daemon::start(&d, &[]);
    wait_for(30, "queue drained into the real server", || queued(&d) == 0);
    let on_server = server_event_ids(&base, &admin);
    let distinct: std::collections::HashSet<&String> = on_server.iter().collect();
    assert_eq!(distinct.len(), on_server.len(), "an event stored twice");
    for id in &ids {
        assert!(distinct.contains(id), "event {id} lost");
    }
    let st = String::from_utf8_lossy(&cmd(&d).arg("status").output().unwrap().stdout).into_owned();
    assert!(st.contains("version 3") && st.contains("group eng"), "{st}");

    // The admin revokes the device: events stay queued, status says why; enrolling again with a
    // new token resumes uploads without restarting the daemon.
    let record: Value = serde_json::from_str(&std::fs::read_to_string(d.join("data/enrollment.json")).unwrap()).unwrap();
    let device = record["device_id"].as_str().unwrap();
    let (st, v) = admin_post(&format!("{base}/api/v1/admin/devices/{device}/revoke"), &admin, String::new());
    assert!((200..300).contains(&st), "{st} {v}");
    let late = verdict(100)["event_id"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(queued(&d), 1, "events wait while the device is revoked");
    let st = String::from_utf8_lossy(&cmd(&d).arg("status").output().unwrap().stdout).into_owned();
    assert!(st.contains("401"), "{st}");
    let (_, tok) = admin_post(&format!("{base}/api/v1/admin/enrollment-tokens"), &admin, json!({"group": "eng"}).to_string());
    let out = cmd(&d).args(["enroll", "--token", tok["token"].as_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for(30, "queue drained after re-enrollment", || queued(&d) == 0);
    assert!(server_event_ids(&base, &admin).contains(&late));
}

fn openssl(d: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(d).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn enroll_and_sync_over_https_with_a_company_ca() {
    let Some(bin) = server_bin() else {
        assert!(std::env::var("PROMPTWALL_REQUIRE_REAL_SERVER").is_err(), "promptwall-server binary not found");
        eprintln!("skipped: promptwall-server binary not built (cargo build -p promptwall-server)");
        return;
    };
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("skipped: no openssl to make a test CA");
        return;
    }
    let d = dir("real", "tls");
    // A company CA and a server certificate for 127.0.0.1 signed by it.
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Promptwall Test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(&d, &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1"]);
    std::fs::write(d.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let (ca, cert, key) = (d.join("ca.pem"), d.join("srv.pem"), d.join("srv.key"));
    let (k1, pk1) = keygen(&d, "k1");
    let (_server, base, admin) = start_server_tls(&bin, &d, &d.join("keys/k1.pub"), Some((&cert, &key, &ca)));
    assert!(base.starts_with("https://"));
    let https = http_with_ca(Some(&ca));
    let new_token = || {
        let (st, tok) =
            admin_post_with(&https, &format!("{base}/api/v1/admin/enrollment-tokens"), &admin, json!({"group": "eng"}).to_string());
        assert_eq!(st, 201, "{tok}");
        tok["token"].as_str().unwrap().to_string()
    };
    let config = |ca_file: Option<&Path>| {
        write_config(
            &d,
            json!({"server_url": base, "server_ca_file": ca_file, "trusted_keys": [{"key_id": "k1", "public_key": pk1}], "sync_interval_s": 1, "upload_interval_s": 1, "backoff_max_s": 2, "credential_store": "file"}),
        )
    };

    // Without the company CA the server's certificate is not trusted: nothing is sent.
    config(None);
    let token = new_token();
    let out = cmd(&d).args(["enroll", "--token", &token]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("enrollment failed: server not reachable") && !err.contains(&token), "{err}");

    // With it: enrollment, then the daemon syncs the published bundle over HTTPS.
    config(Some(&ca));
    let out = cmd(&d).args(["enroll", "--token", &token]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bundle = sign(&d, &policy_named("Over TLS"), &k1, "k1", 7);
    let (st, v) = admin_post_with(&https, &format!("{base}/api/v1/admin/policies/eng"), &admin, String::from_utf8(bundle).unwrap());
    assert_eq!(st, 201, "{v}");
    let _daemon = Daemon::start(&d, &[]);
    wait_for(20, "bundle fetched over HTTPS", || {
        let mut h = HostProc::start(&d);
        let v = h.inspect(1, "key AKIAT4SYWB5WKH7DNSIP");
        h.finish();
        v["policy_version"] == 7
    });
}
