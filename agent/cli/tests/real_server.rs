//! The agent against the real `promptwall-server` binary (SQLite backend): enroll with an
//! admin-issued token, a bundle published by the admin reaches verdicts, events arrive once each,
//! also across a `kill -9` of the daemon.
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
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(10))).build().into()
}

fn admin_post(url: &str, admin: &str, body: String) -> (u16, Value) {
    let mut r = http().post(url).header("Authorization", &format!("Bearer {admin}")).header("Content-Type", "application/json").send(body).unwrap();
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
    let data = d.join("server");
    std::fs::create_dir_all(&data).unwrap();
    let out = Command::new(bin).args(["admin-token", "create", "--data-dir"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let admin = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::File::create(d.join("server.log")).unwrap();
    let child = Command::new(bin)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&data)
        .arg("--trusted-key")
        .arg(format!("k1={}", pubkey.display()))
        .args(["--device-rate", "200"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let t = Instant::now();
    while http().get(&format!("{base}/healthz")).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(t.elapsed() < Duration::from_secs(20), "server did not start: {}", std::fs::read_to_string(d.join("server.log")).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, base, admin)
}

#[test]
fn agent_against_the_real_server() {
    let Some(bin) = server_bin() else {
        assert!(std::env::var("PROMPTWALL_REQUIRE_REAL_SERVER").is_err(), "promptwall-server binary not found; build it with `cargo build -p promptwall-server`");
        eprintln!("skipped: promptwall-server binary not built (cargo build -p promptwall-server)");
        return;
    };
    let d = dir("real", "server");
    let (k1, pk1) = keygen(&d, "k1");
    let (_server, base, admin) = start_server(&bin, &d, &d.join("keys/k1.pub"));
    write_config(&d, json!({"server_url": base, "trusted_keys": [{"key_id": "k1", "public_key": pk1}], "sync_interval_s": 1, "upload_interval_s": 1, "backoff_max_s": 2, "credential_store": "file"}));

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
}
