//! The attacks of the security review (issue 15), replayed against a real server over HTTP; each
//! must fail. Enrollment and event tests run on SQLite and PostgreSQL.

mod common;

use common::{event, Backend, TestServer};
use promptwall_server::now_ms;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn device<'a>(devs: &'a Value, id: &str) -> &'a Value {
    devs["devices"].as_array().unwrap().iter().find(|d| d["device_id"] == id).unwrap_or_else(|| panic!("no device {id} in {devs}"))
}

/// Finding 1: a holder of any valid enrollment token proposes an existing device id. The server
/// issues a fresh id instead; the existing device keeps its credential, group and revocation.
async fn enrollment_cannot_take_over_a_device(b: Backend) {
    let s = TestServer::start(b).await;
    let victim = s.enroll("eng", "victim").await;
    // The attacker has a token for another group and proposes the victim's id.
    let t = s.enrollment_token("sales", 1).await;
    let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "victim", "hostname": "evil"})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    let got = v["device_id"].as_str().unwrap().to_string();
    assert_ne!(got, "victim", "a taken id is never handed out again");
    assert!(got.starts_with("victim-") && got.len() == "victim-".len() + 8, "{got}");
    let attacker = v["device_token"].as_str().unwrap().to_string();
    // The victim's credential still works, and the victim stayed in its group.
    assert_eq!(s.post("/api/v1/heartbeat", Some(&victim), &json!({})).await.status, 204);
    let devs = s.get("/api/v1/admin/devices", Some(&s.admin)).await.json();
    assert_eq!(device(&devs, "victim")["group"], "eng");
    assert_eq!(device(&devs, "victim")["hostname"], "victim.example");
    assert_eq!(device(&devs, &got)["group"], "sales");
    // Events the attacker forges land under the attacker's own id.
    let r = s
        .post("/api/v1/events", Some(&attacker), &json!({"events": [event("forged", now_ms() - 1000, "allow", "chatgpt.com", &[])]}))
        .await;
    assert_eq!(r.json()["accepted"], json!(["forged"]));
    let q = s.get("/api/v1/admin/events?device=victim", Some(&s.admin)).await.json();
    assert_eq!(q["events"], json!([]), "nothing stored for the victim");

    // A revoked device stays revoked: enrolling its id again gives a fresh id.
    assert_eq!(s.post("/api/v1/admin/devices/victim/revoke", Some(&s.admin), &json!({})).await.status, 204);
    let t = s.enrollment_token("eng", 1).await;
    let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "victim"})).await;
    assert_eq!(r.status, 201);
    assert_ne!(r.json()["device_id"], "victim");
    let devs = s.get("/api/v1/admin/devices", Some(&s.admin)).await.json();
    assert_eq!(device(&devs, "victim")["revoked"], true);
    assert_eq!(s.post("/api/v1/heartbeat", Some(&victim), &json!({})).await.status, 401);

    // Only an admin's allow-reenroll lets the id be enrolled again, once.
    assert_eq!(s.post("/api/v1/admin/devices/victim/allow-reenroll", None, &json!({})).await.status, 401);
    assert_eq!(s.post("/api/v1/admin/devices/victim/allow-reenroll", Some(&victim), &json!({})).await.status, 401);
    assert_eq!(s.post("/api/v1/admin/devices/nope/allow-reenroll", Some(&s.admin), &json!({})).await.status, 404);
    let r = s.post("/api/v1/admin/devices/victim/allow-reenroll", Some(&s.admin), &json!({"expires_in_s": 600})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let new = s.enroll("sales", "victim").await;
    let devs = s.get("/api/v1/admin/devices", Some(&s.admin)).await.json();
    assert_eq!(device(&devs, "victim")["revoked"], false);
    assert_eq!(device(&devs, "victim")["group"], "sales");
    assert_eq!(s.post("/api/v1/heartbeat", Some(&new), &json!({})).await.status, 204);
    assert_eq!(s.post("/api/v1/heartbeat", Some(&victim), &json!({})).await.status, 401);
    let t = s.enrollment_token("eng", 1).await;
    let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "victim"})).await;
    assert_ne!(r.json()["device_id"], "victim", "the allowance is used up");
    assert_eq!(s.post("/api/v1/heartbeat", Some(&new), &json!({})).await.status, 204);

    // Proposed ids are names, not free text.
    let t = s.enrollment_token("eng", 5).await;
    for bad in ["", "a b", "x/../y", "=cmd()", "a\u{7}b"] {
        let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": bad})).await;
        assert_eq!(r.status, 400, "{bad:?}");
    }
    s.stop().await;
}
both_backends!(enrollment_cannot_take_over_a_device);

/// The enrollment reply carries the tenant redaction key: 64 lowercase hex, the same for every
/// device and across restarts.
async fn enrollment_hands_out_the_redaction_key(b: Backend) {
    let s = TestServer::start(b).await;
    let key_of = |v: &Value| v["redaction_key"].as_str().unwrap().to_string();
    let t = s.enrollment_token("eng", 2).await;
    let a = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "k1"})).await.json();
    let b2 = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "k2"})).await.json();
    let key = key_of(&a);
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)), "{key}");
    assert_eq!(key, key_of(&b2));
    let stored = promptwall_server::redaction_key(s.server.as_ref().unwrap().store.as_ref()).await.unwrap();
    assert_eq!(stored, key, "generated once, kept in the database");
    s.stop().await;
}
both_backends!(enrollment_hands_out_the_redaction_key);

/// Finding 10: devices can store only the event's own fields, in range, without control
/// characters; the CSV export guards every formula lead.
async fn events_are_allow_listed_and_checked(b: Backend) {
    let s = TestServer::start(b).await;
    let dev = s.enroll("eng", "ev-dev").await;
    let now = now_ms();
    let mut raw = event("raw", now - 1000, "block", "chatgpt.com", &[("US_SSN", 1)]);
    raw["raw_text"] = json!("SSN 123-45-6789");
    let mut far = event("far", now, "block", "chatgpt.com", &[]);
    far["time_ms"] = json!(9_000_000_000_000_000_000i64);
    let mut ctl = event("ctl", now, "warn", "chatgpt.com", &[]);
    ctl["user"] = json!("alice\u{1b}[2J\r\nforged log line");
    let mut url = event("url", now, "warn", "chatgpt.com", &[]);
    url["site"] = json!("https://chatgpt.com/c/secret-conversation");
    let mut just = event("just", now - 500, "warn", "chatgpt.com", &[]);
    just["trigger"] = json!("user_decision");
    just["choice"] = json!("proceed_with_justification");
    just["justification"] = json!("line one\r\nline two\u{202E}");
    let mut formula = event("formula", now - 400, "warn", "chatgpt.com", &[]);
    formula["user"] = json!("@SUM(1+1)*cmd|' /C calc'!A0");
    formula["rule_ids"] = json!(["=HYPERLINK(\"http://evil\")"]);
    let r = s.post("/api/v1/events", Some(&dev), &json!({"events": [raw, far, ctl, url, just, formula]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["accepted"], json!(["just", "formula"]), "{v}");
    let rejected: Vec<(String, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["event_id"].as_str().unwrap().to_string(), r["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(rejected.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), vec!["raw", "far", "ctl", "url"]);
    assert!(rejected[0].1.contains("raw_text"), "{}", rejected[0].1);
    assert!(rejected[1].1.contains("time_ms"), "{}", rejected[1].1);
    // Nothing of the raw text anywhere.
    let all = s.get("/api/v1/admin/events", Some(&s.admin)).await;
    assert!(!all.text().contains("123-45-6789") && !all.text().contains("raw_text"));
    let evs = all.json();
    let j = evs["events"].as_array().unwrap().iter().find(|e| e["event_id"] == "just").unwrap();
    assert_eq!(j["justification"], "line one  line two");
    // A row stored before validation was typed still never shows its extra fields.
    let st = s.server.as_ref().unwrap().store.clone();
    let legacy = promptwall_server::store::IngestEvent {
        event_id: "legacy".into(),
        time_ms: now,
        user: "u".into(),
        site: "chatgpt.com".into(),
        trigger: "paste".into(),
        action: "block".into(),
        policy_version: 1,
        body: json!({"event_id": "legacy", "time_ms": now, "action": "block", "raw_text": "SSN 123-45-6789"}).to_string(),
        tags: vec![],
    };
    let auth = promptwall_server::store::DeviceAuth { device_id: "ev-dev".into(), group: "eng".into() };
    st.ingest(&auth, vec![legacy], now).await.unwrap();
    let all = s.get("/api/v1/admin/events", Some(&s.admin)).await;
    assert!(all.text().contains("legacy") && !all.text().contains("123-45-6789"), "{}", all.text());
    let csv = s.get("/api/v1/admin/events.csv", Some(&s.admin)).await.text();
    assert!(!csv.contains("123-45-6789"));
    let line = csv.lines().find(|l| l.starts_with("formula,")).unwrap();
    assert!(line.contains(",\"'@SUM(1+1)*cmd|' /C calc'!A0\","), "{line}");
    assert!(line.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","), "{line}");
    s.stop().await;
}
both_backends!(events_are_allow_listed_and_checked);

async fn http_get_status(addr: std::net::SocketAddr, path: &str) -> std::io::Result<u16> {
    let mut c = tokio::net::TcpStream::connect(addr).await?;
    c.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await?;
    let mut buf = Vec::new();
    c.read_to_end(&mut buf).await?;
    let head = String::from_utf8_lossy(&buf);
    head.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| std::io::Error::other(format!("no status in {head:?}")))
}

/// Waits until the peer closes `c` (read gives 0 or an error); the time it took.
async fn closed_within(c: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    let t0 = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(t0.elapsed()), c.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(t0.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// Finding 9 (slowloris): more than a thousand idle sockets do not keep `/healthz` from answering;
/// a client trickling its headers, or its body, is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_clients_cannot_starve_the_server() {
    let soft = promptwall_server::conn::raise_nofile_limit().unwrap_or(1024);
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.header_timeout = Duration::from_secs(2);
        c.body_timeout = Duration::from_secs(2);
    })
    .await;
    let addr = s.server.as_ref().unwrap().addr;
    // Client and server sockets share this process's file limit.
    let n = 1100.min((soft as usize).saturating_sub(300) / 2);
    assert!(n > 1000 || soft < 2500, "only {n} sockets with a file limit of {soft}");
    let mut idle = Vec::with_capacity(n);
    for _ in 0..n {
        idle.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    let t0 = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(3), http_get_status(addr, "/healthz")).await;
    assert_eq!(status.expect("healthz answered within 3 s").expect("healthz"), 200);
    eprintln!("healthz with {n} idle sockets open: {:?}", t0.elapsed());
    assert!(s.server.as_ref().unwrap().connections.evictions() > 0, "the per-address cap closed idle sockets");
    drop(idle);

    // Headers trickled a line every 300 ms: dropped at the 2 s header timeout.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let trickle = async {
        for i in 0..40 {
            if slow.write_all(format!("X-Slow-{i}: y\r\n").as_bytes()).await.is_err() {
                return Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Instant::now()
    };
    let t0 = Instant::now();
    let ended = trickle.await;
    assert!(ended.duration_since(t0) < Duration::from_secs(6), "slow header sender kept for {:?}", ended.duration_since(t0));
    // An idle connection that never sends a byte is closed too.
    let mut quiet = tokio::net::TcpStream::connect(addr).await.unwrap();
    let took = closed_within(&mut quiet, Duration::from_secs(6)).await.expect("idle connection closed");
    assert!(took >= Duration::from_millis(1500), "closed too early: {took:?}");

    // HTTP/2 (where these timeouts would not apply) is not spoken: the preface is refused.
    let mut h2 = tokio::net::TcpStream::connect(addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(1), h2.read_to_end(&mut got)).await.expect("h2 preface refused at once");
    assert!(got.is_empty(), "answered h2: {got:?}");

    // A body promised but never sent: 408 at the 2 s body timeout, and the connection closes.
    let mut body = tokio::net::TcpStream::connect(addr).await.unwrap();
    body.write_all(b"POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"token\":")
        .await
        .unwrap();
    let mut got = Vec::new();
    let t0 = Instant::now();
    let _ =
        tokio::time::timeout(Duration::from_secs(6), body.read_to_end(&mut got)).await.expect("connection closed after the body timeout");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(t0.elapsed() >= Duration::from_millis(1500));
    // Still serving.
    assert_eq!(http_get_status(addr, "/healthz").await.unwrap(), 200);
    s.stop().await;
}

/// Per-address limit on routes without a credential.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_routes_are_rate_limited_per_address() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.public_rate = promptwall_server::RateLimit { per_s: 0.05, burst: 5.0 }).await;
    let mut codes = Vec::new();
    for _ in 0..6 {
        codes.push(s.get("/healthz", None).await.status);
    }
    assert_eq!(codes, vec![200, 200, 200, 200, 200, 429]);
    assert_eq!(s.get("/console/", None).await.status, 429);
    s.stop().await;
}

/// Finding 13: the data directory is 0700, the database and its WAL files 0600, and the first
/// admin token goes to a 0600 file; stdout only says where. The redaction-key CLI prints the key
/// devices get.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_files_are_private_and_the_token_is_not_printed() {
    use std::io::BufRead as _;
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = common::TempDir::new("perm");
    let dir = tmp.0.join("data");
    // As an earlier version left them: world-readable.
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.join("promptwall.db"), b"").unwrap();
    std::fs::set_permissions(dir.join("promptwall.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .env_remove("PROMPTWALL_DATABASE_URL")
        .env("PROMPTWALL_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut url = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(i) = line.find("listening on ") {
            url = Some(line[i + "listening on ".len()..].split_whitespace().next().unwrap().to_string());
            lines.push(line);
            break;
        }
        lines.push(line);
    }
    let url = url.expect("server started");
    let printed = lines.join("\n");
    assert!(!printed.contains("pwa_"), "admin token on stdout: {printed}");
    let token_file = dir.join(promptwall_server::INITIAL_ADMIN_TOKEN_FILE);
    assert!(printed.contains(&token_file.display().to_string()), "{printed}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&token_file), 0o600);
    let admin = std::fs::read_to_string(&token_file).unwrap().trim().to_string();
    assert!(admin.starts_with("pwa_"));
    let http = promptwall_server::http_client::HttpClient::default();
    // Writes happen, so the WAL and shared-memory files exist.
    let r = http.post_json(&format!("{url}/api/v1/admin/enrollment-tokens"), Some(&admin), &json!({"group": "eng"})).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    let et = r.json()["token"].as_str().unwrap().to_string();
    let r = http.post_json(&format!("{url}/api/v1/enroll"), None, &json!({"token": et, "device_id": "perm-dev"})).await.unwrap();
    assert_eq!(r.status, 201);
    let key = r.json()["redaction_key"].as_str().unwrap().to_string();
    for f in ["promptwall.db", "promptwall.db-wal", "promptwall.db-shm"] {
        let p = dir.join(f);
        assert!(p.exists(), "{f} missing");
        assert_eq!(mode(&p), 0o600, "{f}");
    }
    child.kill().unwrap();
    let _ = child.wait();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"))
        .args(["redaction-key", "show", "--data-dir"])
        .arg(&dir)
        .env_remove("PROMPTWALL_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), key);
}
