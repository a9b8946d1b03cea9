//! Fleet-scale behaviour over real HTTP: the SQLite WAL stays bounded under sustained uploads and
//! is folded away at shutdown (also on SIGTERM of the real binary), a slow device rate never
//! locks devices out, the forwarder delivers every event with concurrent writers, out-of-order
//! commits and two replicas, admin tokens are listed and revoked, and retention keeps the
//! database bounded.

mod common;

use common::{event, Backend, TestServer};
use promptwall_server::now_ms;
use promptwall_server::store::sqlite::wal_size;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn batch(prefix: &str, n: usize, t: i64) -> Value {
    let evs: Vec<Value> = (0..n)
        .map(|i| {
            event(
                &format!("{prefix}-{i}"),
                t + i as i64,
                ["block", "warn", "redact", "allow"][i % 4],
                ["chatgpt.com", "claude.ai", "gemini.google.com"][i % 3],
                &[("EMAIL", 1 + (i % 3) as u32), ("AWS_ACCESS_KEY", 1)],
            )
        })
        .collect();
    json!({ "events": evs })
}

/// Seconds of sustained uploads in the WAL soak (PROMPTWALL_SOAK_S, default 20, at most 120).
fn soak_seconds() -> u64 {
    std::env::var("PROMPTWALL_SOAK_S").ok().and_then(|v| v.parse().ok()).unwrap_or(20).clamp(1, 120)
}

/// Sustained uploads from 8 devices at once: the WAL never grows far past its limit (the writer
/// truncates it), and a clean shutdown leaves it empty on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wal_stays_bounded_under_sustained_uploads() {
    const LIMIT: u64 = 4 * 1024 * 1024;
    let s = TestServer::start_with(Backend::Sqlite, |c| c.sqlite.wal_limit = LIMIT).await;
    let db = s.db_path();
    let mut devs = Vec::new();
    for i in 0..8 {
        devs.push(s.enroll("eng", &format!("soak-{i}")).await);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let max_wal = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, max_wal, db) = (stop.clone(), max_wal.clone(), db.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                max_wal.fetch_max(wal_size(&db), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let secs = soak_seconds();
    let end = Instant::now() + Duration::from_secs(secs);
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for (d, dev) in devs.into_iter().enumerate() {
        let (url, sent) = (s.u("/api/v1/events"), sent.clone());
        tasks.push(tokio::spawn(async move {
            let http = promptwall_server::http_client::HttpClient::default();
            let mut k = 0;
            while Instant::now() < end {
                let r = http.post_json(&url, Some(&dev), &batch(&format!("d{d}-b{k}"), 200, now_ms() - 60_000)).await.unwrap();
                assert_eq!(r.status, 200, "{}", r.text());
                assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 200);
                sent.fetch_add(200, Ordering::SeqCst);
                k += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let sent = sent.load(Ordering::SeqCst);
    let stored = s.server.as_ref().unwrap().store.count_events().await.unwrap();
    assert_eq!(stored as u64, sent, "every event stored once");
    let db_size = std::fs::metadata(&db).unwrap().len();
    let peak = max_wal.load(Ordering::SeqCst);
    eprintln!(
        "wal soak: {secs} s, {sent} events ({:.0}/s), WAL peak {:.1} MiB (limit {} MiB), database {:.1} MiB",
        sent as f64 / secs as f64,
        peak as f64 / 1048576.0,
        LIMIT / 1048576,
        db_size as f64 / 1048576.0
    );
    // One group commit can add at most a few MiB past the limit before the writer truncates.
    assert!(peak < LIMIT + 16 * 1024 * 1024, "WAL peaked at {peak} bytes with a {LIMIT}-byte limit");
    s.stop().await;
    assert_eq!(wal_size(&db), 0, "the clean close leaves an empty WAL");
}

/// SIGTERM to the real binary runs the truncating checkpoint before it exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_folds_the_wal_into_the_database() {
    use std::io::BufRead as _;
    let tmp = common::TempDir::new("sigterm");
    let dir = tmp.0.join("data");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--enroll-rate", "100", "--data-dir"])
        .arg(&dir)
        .env_remove("PROMPTWALL_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut url = None;
    let mut line = String::new();
    while url.is_none() && out.read_line(&mut line).unwrap() > 0 {
        if let Some(i) = line.find("listening on ") {
            url = Some(line[i + "listening on ".len()..].split_whitespace().next().unwrap().to_string());
        }
        line.clear();
    }
    let url = url.expect("server prints its address");
    let admin = std::fs::read_to_string(dir.join("initial-admin-token")).unwrap().trim().to_string();
    let http = promptwall_server::http_client::HttpClient::default();
    let r =
        http.post_json(&format!("{url}/api/v1/admin/enrollment-tokens"), Some(&admin), &json!({"group": "g", "uses": 1})).await.unwrap();
    let t = r.json()["token"].as_str().unwrap().to_string();
    let r = http.post_json(&format!("{url}/api/v1/enroll"), None, &json!({"token": t, "device_id": "d1"})).await.unwrap();
    let dev = r.json()["device_token"].as_str().unwrap().to_string();
    for k in 0..5 {
        let r = http.post_json(&format!("{url}/api/v1/events"), Some(&dev), &batch(&format!("b{k}"), 100, now_ms() - 1000)).await.unwrap();
        assert_eq!(r.status, 200);
    }
    let db = dir.join("promptwall.db");
    assert!(wal_size(&db) > 0, "writes sit in the WAL while the server runs");
    // SAFETY: kill(2) on the child we spawned, by its pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = child.wait().unwrap();
    assert!(status.success(), "exits cleanly on SIGTERM: {status}");
    assert_eq!(wal_size(&db), 0, "no WAL left to replay at the next start");
    let c = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(c.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap(), 500);
}

/// At 0.05 requests/s (burst 12 x 0.05 = 0.6 before the fix) a device still gets one request
/// through, then 429 with the wait until the next.
async fn a_slow_device_rate_does_not_lock_devices_out(b: Backend) {
    let s = TestServer::start_with(b, |c| c.device_rate = promptwall_server::RateLimit { per_s: 0.05, burst: 0.6 }).await;
    let dev = s.enroll("eng", "slow-1").await;
    let r = s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await;
    assert_eq!(r.status, 204, "the first request passes: {}", r.text());
    let r = s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers.get("retry-after").unwrap(), "20");
    s.stop().await;
}
both_backends!(a_slow_device_rate_does_not_lock_devices_out);

/// A webhook that accepts everything and records each record's event id.
async fn counting_webhook() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::routing::post;
    let got: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                let v: Vec<Value> = serde_json::from_slice(&body).unwrap();
                g.lock().unwrap().extend(v.iter().map(|r| r["metadata"]["uid"].as_str().unwrap().to_string()));
                axum::http::StatusCode::OK
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

/// Many concurrent writers spread over two replicas that both forward to one webhook; on
/// PostgreSQL one device's transaction is held open after its events got their sequence numbers
/// while later-numbered events commit and are forwarded (the case a seq cursor skipped); halfway
/// the first replica stops and the second takes the lease over. Every event arrives, none twice.
async fn forwarder_loses_nothing_with_two_replicas_and_out_of_order_commits(b: Backend) {
    let (hook, got) = counting_webhook().await;
    let lease = Duration::from_millis(1500);
    let a = TestServer::start_with(b.clone(), |c| {
        c.forward.webhook = Some(hook.clone());
        c.forward.batch = 50;
        c.forward.lease = Some(lease);
    })
    .await;
    // Replica B: the same database (PostgreSQL) or the same store (SQLite, one process).
    let dir_b = common::TempDir::new("replica-b");
    let mut cfg = common::config(&b, &dir_b, &a.signer);
    cfg.forward.webhook = Some(hook.clone());
    cfg.forward.batch = 50;
    cfg.forward.lease = Some(lease);
    let rb = match &b {
        Backend::Sqlite => promptwall_server::start_with_store(cfg, a.server.as_ref().unwrap().store.clone()).await.unwrap(),
        Backend::Postgres(_) => promptwall_server::start(cfg).await.unwrap(),
    };
    let url_b = rb.base_url();
    let replicas = [a.url.clone(), url_b.clone()];
    const DEVICES: usize = 16;
    let mut devs = Vec::new();
    for i in 0..DEVICES {
        devs.push(a.enroll("eng", &format!("w{i}")).await);
    }
    let slow = a.enroll("eng", "slow").await;
    let mut expected: Vec<String> = Vec::new();
    let upload_round = |round: usize, replicas: Vec<String>| {
        let devs = devs.clone();
        async move {
            let mut tasks = Vec::new();
            let mut ids = Vec::new();
            for (i, dev) in devs.into_iter().enumerate() {
                let url = format!("{}/api/v1/events", replicas[i % replicas.len()]);
                let prefix = format!("r{round}-w{i}");
                ids.extend((0..40).map(|k| format!("{prefix}-{k}")));
                tasks.push(tokio::spawn(async move {
                    let http = promptwall_server::http_client::HttpClient::default();
                    let r = http.post_json(&url, Some(&dev), &batch(&prefix, 40, now_ms() - 5000)).await.unwrap();
                    assert_eq!(r.status, 200, "{}", r.text());
                    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 40);
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
            ids
        }
    };
    // Round 0 on both replicas.
    expected.extend(upload_round(0, replicas.to_vec()).await);
    // Forced out-of-order commit (PostgreSQL): the slow device's row is locked, so its upload
    // inserts its events (taking sequence numbers) and then waits on the device row's update.
    let mut held = None;
    let slow_upload = if let Backend::Postgres(url) = &b {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client.batch_execute("BEGIN; SELECT 1 FROM devices WHERE device_id = 'slow' FOR UPDATE").await.unwrap();
        let u = format!("{url_b}/api/v1/events");
        let slow = slow.clone();
        let t = tokio::spawn(async move {
            let http = promptwall_server::http_client::HttpClient::default();
            let r = http.post_json(&u, Some(&slow), &batch("slow", 30, now_ms() - 5000)).await.unwrap();
            assert_eq!(r.status, 200, "{}", r.text());
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let n: i64 = client
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", &[])
                .await
                .unwrap()
                .get(0);
            if n >= 1 {
                break;
            }
            assert!(Instant::now() < deadline, "the slow upload never blocked");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        held = Some(client);
        Some(t)
    } else {
        let r = a.post("/api/v1/events", Some(&slow), &batch("slow", 30, now_ms() - 5000)).await;
        assert_eq!(r.status, 200);
        None
    };
    expected.extend((0..30).map(|k| format!("slow-{k}")));
    // Later-numbered events commit and the forwarders run while the slow transaction is open.
    for round in 1..3 {
        expected.extend(upload_round(round, replicas.to_vec()).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    if let Some(client) = held.take() {
        client.batch_execute("COMMIT").await.unwrap();
        slow_upload.unwrap().await.unwrap();
    }
    // Replica A goes away; B takes the lease over once it lapses.
    let mut a = a;
    let server_a = a.server.take().unwrap();
    server_a.shutdown().await.unwrap();
    for round in 3..5 {
        expected.extend(upload_round(round, vec![url_b.clone()]).await);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let have: std::collections::HashSet<String> = got.lock().unwrap().iter().cloned().collect();
        let missing: Vec<&String> = expected.iter().filter(|id| !have.contains(*id)).collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} events never forwarded, e.g. {:?}",
            missing.len(),
            expected.len(),
            &missing[..missing.len().min(5)]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = got.lock().unwrap().clone();
    let unique: std::collections::HashSet<&String> = all.iter().collect();
    eprintln!("forwarder ({:?}): {} events expected, {} records received, {} unique", b, expected.len(), all.len(), unique.len());
    assert_eq!(unique.len(), expected.len(), "nothing forwarded that was not stored");
    assert_eq!(all.len(), expected.len(), "one forwarder per sink at a time: no event sent twice");
    rb.shutdown().await.unwrap();
}
both_backends!(forwarder_loses_nothing_with_two_replicas_and_out_of_order_commits);

/// Admin tokens over the API: created (shown once), listed by id without any secret, revoked
/// (refused at once), the last one kept.
async fn admin_tokens_are_listed_and_revoked(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.post("/api/v1/admin/tokens", Some(&s.admin), &json!({"name": "ops"})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let ops = r.json()["token"].as_str().unwrap().to_string();
    let ops_id = r.json()["id"].as_str().unwrap().to_string();
    assert!(ops.starts_with("pwa_") && ops_id.len() == 16);
    assert_eq!(ops_id, promptwall_server::auth::hash_token(&ops)[..16]);
    let r = s.get("/api/v1/admin/tokens", Some(&ops)).await;
    assert_eq!(r.status, 200);
    let list = r.json()["tokens"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "initial");
    assert_eq!(list[1]["name"], "ops");
    assert!(!r.text().contains(&ops[4..]) && !r.text().contains(&promptwall_server::auth::hash_token(&ops)), "no secret listed");
    let initial_id = list[0]["id"].as_str().unwrap().to_string();
    // A device token cannot see or touch them.
    let dev = s.enroll("eng", "d1").await;
    assert_eq!(s.get("/api/v1/admin/tokens", Some(&dev)).await.status, 401);
    // ops revokes the initial token: it stops working at once.
    let r = s.post(&format!("/api/v1/admin/tokens/{initial_id}/revoke"), Some(&ops), &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.get("/api/v1/admin/devices", Some(&s.admin)).await.status, 401);
    assert_eq!(s.get("/api/v1/admin/devices", Some(&ops)).await.status, 200);
    let r = s.post(&format!("/api/v1/admin/tokens/{initial_id}/revoke"), Some(&ops), &json!({})).await;
    assert_eq!(r.status, 404);
    assert_eq!(s.post("/api/v1/admin/tokens/zz/revoke", Some(&ops), &json!({})).await.status, 404);
    // The last one stays.
    let r = s.post(&format!("/api/v1/admin/tokens/{ops_id}/revoke"), Some(&ops), &json!({})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["error"], "last_admin_token");
    assert_eq!(s.get("/api/v1/admin/tokens", Some(&ops)).await.json()["tokens"].as_array().unwrap().len(), 1);
    s.stop().await;
}
both_backends!(admin_tokens_are_listed_and_revoked);

/// `admin-token list` and `admin-token revoke` on the command line.
#[test]
fn admin_token_list_and_revoke_cli() {
    let dir = common::TempDir::new("cli-tokens");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"))
            .args(args)
            .arg("--data-dir")
            .arg(&dir.0)
            .env_remove("PROMPTWALL_DATABASE_URL")
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (ok, a, _) = run(&["admin-token", "create", "--name", "alpha"]);
    assert!(ok);
    let (ok, _, _) = run(&["admin-token", "create", "--name", "beta"]);
    assert!(ok);
    let (ok, list, _) = run(&["admin-token", "list"]);
    assert!(ok);
    let rows: Vec<Vec<&str>> = list.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(rows[0][2], "alpha");
    assert_eq!(rows[0][0], &promptwall_server::auth::hash_token(a.trim())[..16]);
    assert!(!list.contains(a.trim()));
    let (ok, _, err) = run(&["admin-token", "revoke", rows[0][0]]);
    assert!(ok, "{err}");
    let (_, list, _) = run(&["admin-token", "list"]);
    assert_eq!(list.lines().count(), 1);
    assert!(list.contains("beta"));
    let beta = list.split('\t').next().unwrap().to_string();
    let (ok, _, err) = run(&["admin-token", "revoke", &beta]);
    assert!(!ok && err.contains("last admin token"), "{err}");
    let (ok, _, err) = run(&["admin-token", "revoke", "0000000000000000"]);
    assert!(!ok && err.contains("no admin token"), "{err}");
}

/// Retention with sustained uploads of events already past the retention age: they are deleted
/// in batches while ingest goes on, recent events stay, and the stored count (and on SQLite the
/// database with its WAL) stays bounded instead of growing with every round.
async fn retention_keeps_the_database_bounded(b: Backend) {
    let sqlite = matches!(b, Backend::Sqlite);
    let s = TestServer::start_with(b, |c| {
        c.retention = Some(Duration::from_secs(3600));
        c.retention_interval = Duration::from_millis(200);
        c.sqlite.wal_limit = 4 * 1024 * 1024;
    })
    .await;
    let store = s.server.as_ref().unwrap().store.clone();
    let mut devs = Vec::new();
    for i in 0..8 {
        devs.push(s.enroll("eng", &format!("ret-{i}")).await);
    }
    let recent = s.post("/api/v1/events", Some(&devs[0]), &batch("recent", 200, now_ms() - 60_000)).await;
    assert_eq!(recent.status, 200);
    let disk = |s: &TestServer| {
        let db = s.db_path();
        std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) + wal_size(&db)
    };
    const ROUNDS: usize = 10;
    const PER_ROUND: i64 = 8 * 500;
    let (mut sizes, mut max_count, mut slowest) = (Vec::new(), 0i64, Duration::ZERO);
    for round in 0..ROUNDS {
        let mut tasks = Vec::new();
        for (d, dev) in devs.iter().enumerate() {
            let (url, dev) = (s.u("/api/v1/events"), dev.clone());
            tasks.push(tokio::spawn(async move {
                let http = promptwall_server::http_client::HttpClient::default();
                let t = Instant::now();
                let r = http.post_json(&url, Some(&dev), &batch(&format!("old-{round}-{d}"), 500, now_ms() - 2 * 3_600_000)).await.unwrap();
                assert_eq!(r.status, 200, "{}", r.text());
                t.elapsed()
            }));
        }
        for t in tasks {
            slowest = slowest.max(t.await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
        max_count = max_count.max(store.count_events().await.unwrap());
        sizes.push(disk(&s));
    }
    // Everything past the age goes; the recent events stay.
    let deadline = Instant::now() + Duration::from_secs(20);
    while store.count_events().await.unwrap() > 200 {
        assert!(Instant::now() < deadline, "old events not deleted: {}", store.count_events().await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left = s.get("/api/v1/admin/events?limit=500", Some(&s.admin)).await.json();
    let ids: Vec<&str> = left["events"].as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 200);
    assert!(ids.iter().all(|id| id.starts_with("recent-")));
    eprintln!(
        "retention: {} old events uploaded in {ROUNDS} rounds, most stored at once {max_count}, slowest upload {:?}, disk per round {:?} KiB",
        ROUNDS as i64 * PER_ROUND,
        slowest,
        sizes.iter().map(|s| s / 1024).collect::<Vec<_>>()
    );
    assert!(max_count <= 200 + 2 * PER_ROUND, "at most about one round waits for deletion: {max_count}");
    if sqlite {
        // Freed pages are reused: database + WAL stop growing after the first rounds (without
        // retention the second half of the run would double them).
        let early = *sizes[..ROUNDS / 2].iter().max().unwrap();
        // (+4 MiB: the WAL limit, since checkpoints decide where the same data sits; the 40,000
        // events without retention take about 40 MiB.)
        assert!(*sizes.last().unwrap() <= early * 5 / 4 + 4 * 1024 * 1024, "database grows with every round: {sizes:?}");
    }
    s.stop().await;
}
both_backends!(retention_keeps_the_database_bounded);
