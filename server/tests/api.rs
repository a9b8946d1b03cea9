//! End-to-end API tests over real HTTP, each run against a real SQLite file and a real PostgreSQL.

mod common;

use common::{event, Backend, TestServer};
use promptwall_server::now_ms;
use serde_json::{json, Value};

async fn enrollment_and_policy(b: Backend) {
    let s = TestServer::start(b).await;
    // Health.
    let r = s.get("/healthz", None).await;
    assert_eq!(r.status, 200);
    // One-time enrollment token.
    let t = s.enrollment_token("eng", 1).await;
    let body = json!({"token": t, "device_id": "dev-1", "hostname": "h1", "agent_version": "0.1.0"});
    let r = s.post("/api/v1/enroll", None, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let dev = r.json()["device_token"].as_str().unwrap().to_string();
    assert!(dev.starts_with("pwd_"));
    let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "dev-2"})).await;
    assert_eq!(r.status, 401, "a used token is refused");
    assert_eq!(r.json()["error"], "unauthorized");
    let r = s.post("/api/v1/enroll", None, &json!({"token": "pwe_nope", "device_id": "dev-2"})).await;
    assert_eq!(r.status, 401);
    // No policy yet.
    let r = s.get("/api/v1/policy", Some(&dev)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "no_policy");
    // Publish v1, download it byte for byte with an ETag.
    let v1 = s.signer.bundle(1);
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), v1.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["version"], 1);
    let r = s.get("/api/v1/policy", Some(&dev)).await;
    assert_eq!(r.status, 200);
    assert_eq!(&r.body[..], &v1[..], "served exactly as uploaded");
    let etag = r.headers.get("etag").unwrap().to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", promptwall_server::auth::sha256_hex(&v1)));
    assert_eq!(r.headers.get("x-policy-version").unwrap(), "1");
    // The agent can verify what it got.
    promptwall_policy::verify(&r.body, &[s.signer.trusted()], None, now_ms() as u64 / 1000).expect("bundle verifies on the device side");
    let auth = format!("Bearer {dev}");
    let r = s.http.request("GET", &s.u("/api/v1/policy"), &[("authorization", &auth), ("if-none-match", &etag)], vec![]).await.unwrap();
    assert_eq!(r.status, 304);
    // Rollbacks and replays are refused.
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), v1.clone()).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["error"], "rollback");
    // Tampered bundle, unknown key, garbage.
    let mut tampered: Value = serde_json::from_slice(&s.signer.bundle(5)).unwrap();
    tampered["policy"]["name"] = json!("evil");
    let r = s.post("/api/v1/admin/policies/eng", Some(&s.admin), &tampered).await;
    assert_eq!(r.status, 422);
    assert!(r.json()["message"].as_str().unwrap().contains("signature"), "{}", r.text());
    let other = common::Signer::new("other-key");
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), other.bundle(6)).await;
    assert_eq!(r.status, 422);
    assert!(r.json()["message"].as_str().unwrap().contains("not a trusted key"));
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), b"{nope".to_vec()).await;
    assert_eq!(r.status, 422);
    // A bundle signed for another group is not published to this one (its audience is signed).
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), s.signer.bundle_for(8, "sales")).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "bundle_audience", "{}", r.text());
    // Device tokens cannot publish.
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&dev), s.signer.bundle(7)).await;
    assert_eq!(r.status, 401);
    // v2 replaces v1; the old ETag now gets the new body.
    let v2 = s.signer.bundle(2);
    assert_eq!(s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), v2.clone()).await.status, 201);
    let r = s.http.request("GET", &s.u("/api/v1/policy"), &[("authorization", &auth), ("if-none-match", &etag)], vec![]).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(&r.body[..], &v2[..]);
    // History.
    let r = s.get("/api/v1/admin/policies/eng", Some(&s.admin)).await;
    let h = r.json();
    assert_eq!(h["active"]["version"], 2);
    assert_eq!(h["history"].as_array().unwrap().len(), 2);
    assert_eq!(h["active_bundle"]["version"], 2);
    let r = s.get("/api/v1/admin/policies", Some(&s.admin)).await;
    assert_eq!(r.json()["groups"], json!([{"group": "eng", "active_version": 2, "devices": 1}]));
    s.stop().await;
}
both_backends!(enrollment_and_policy);

async fn tokens_and_revocation(b: Backend) {
    let s = TestServer::start(b).await;
    // Multi-use token.
    let t = s.enrollment_token("sales", 2).await;
    for (i, want) in [(1, 201), (2, 201), (3, 401)] {
        let r = s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": format!("d{i}")})).await;
        assert_eq!(r.status, want, "use {i}");
    }
    // Expired token.
    let r = s.post("/api/v1/admin/enrollment-tokens", Some(&s.admin), &json!({"group": "sales", "expires_in_s": 1})).await;
    let t = r.json()["token"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(s.post("/api/v1/enroll", None, &json!({"token": t, "device_id": "late"})).await.status, 401);
    // Bad admin requests.
    assert_eq!(s.post("/api/v1/admin/enrollment-tokens", None, &json!({"group": "x"})).await.status, 401);
    assert_eq!(s.post("/api/v1/admin/enrollment-tokens", Some("pwa_wrong"), &json!({"group": "x"})).await.status, 401);
    let r = s.post("/api/v1/admin/enrollment-tokens", Some(&s.admin), &json!({"group": "bad group!"})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "bad_request");
    // Revocation takes effect at once; re-enrolling the same device id (allowed by an admin) gives
    // a new credential.
    let dev = s.enroll("sales", "laptop-9").await;
    assert_eq!(s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await.status, 204);
    assert_eq!(s.post("/api/v1/admin/devices/laptop-9/revoke", Some(&s.admin), &json!({})).await.status, 204);
    assert_eq!(s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await.status, 401);
    assert_eq!(s.get("/api/v1/policy", Some(&dev)).await.status, 401);
    assert_eq!(s.post("/api/v1/admin/devices/nope/revoke", Some(&s.admin), &json!({})).await.status, 404);
    let devs = s.get("/api/v1/admin/devices", Some(&s.admin)).await.json();
    let row = devs["devices"].as_array().unwrap().iter().find(|d| d["device_id"] == "laptop-9").unwrap().clone();
    assert_eq!(row["revoked"], true);
    assert_eq!(s.post("/api/v1/admin/devices/laptop-9/allow-reenroll", Some(&s.admin), &json!({})).await.status, 200);
    let dev2 = s.enroll("eng", "laptop-9").await;
    assert_eq!(s.post("/api/v1/heartbeat", Some(&dev2), &json!({})).await.status, 204);
    assert_eq!(s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await.status, 401, "old credential stays dead");
    s.stop().await;
}
both_backends!(tokens_and_revocation);

async fn heartbeat_feeds_inventory(b: Backend) {
    let s = TestServer::start(b).await;
    let dev = s.enroll("eng", "dev-hb").await;
    let r = s
        .post(
            "/api/v1/heartbeat",
            Some(&dev),
            &json!({"agent_version": "0.2.0", "policy_version": 7, "queue_depth": 12, "dropped_total": 3}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = s.post("/api/v1/heartbeat", Some(&dev), &json!({"queue_depth": -1})).await;
    assert_eq!(r.status, 400);
    let v = s.get("/api/v1/admin/devices", Some(&s.admin)).await.json();
    let d = &v["devices"][0];
    assert_eq!(d["device_id"], "dev-hb");
    assert_eq!(d["hostname"], "dev-hb.example");
    assert_eq!(d["group"], "eng");
    assert_eq!(d["agent_version"], "0.2.0");
    assert_eq!(d["policy_version"], 7);
    assert_eq!(d["queue_depth"], 12);
    assert_eq!(d["dropped_total"], 3);
    assert_eq!(d["revoked"], false);
    assert!(d["last_seen_ms"].as_i64().unwrap() > now_ms() - 60_000);
    s.stop().await;
}
both_backends!(heartbeat_feeds_inventory);

async fn events_are_idempotent_and_queryable(b: Backend) {
    let s = TestServer::start(b).await;
    let dev = s.enroll("eng", "dev-ev").await;
    let other = s.enroll("eng", "dev-other").await;
    let t0 = 1_764_000_000_000i64; // a fixed hour boundary region
    let batch = json!({"events": [
        event("e1", t0, "block", "chatgpt.com", &[("AWS_ACCESS_KEY", 1)]),
        event("e2", t0 + 1000, "warn", "claude.ai", &[("EMAIL", 2)]),
        event("e3", t0 + 3_600_000, "redact", "chatgpt.com", &[("EMAIL", 1), ("PHONE", 1)]),
        event("e2", t0 + 1000, "warn", "claude.ai", &[("EMAIL", 2)]),
        {"event_id": "bad", "time_ms": t0, "action": "explode"},
        {"no_id": true},
    ]});
    let r = s.post("/api/v1/events", Some(&dev), &batch).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["accepted"], json!(["e1", "e2", "e3"]));
    assert_eq!(v["duplicates"], json!(["e2"]));
    assert_eq!(v["rejected"].as_array().unwrap().len(), 2);
    assert_eq!(v["rejected"][0]["event_id"], "bad");
    assert_eq!(v["rejected"][1]["event_id"], "#5");
    // Re-sent batch: nothing stored twice.
    let v = s.post("/api/v1/events", Some(&dev), &batch).await.json();
    assert_eq!(v["accepted"], json!([]));
    assert_eq!(v["duplicates"], json!(["e1", "e2", "e3", "e2"]));
    // Same event id from another device is that device's own event.
    let v = s.post("/api/v1/events", Some(&other), &json!({"events": [event("e1", t0, "allow", "gemini.google.com", &[])]})).await.json();
    assert_eq!(v["accepted"], json!(["e1"]));
    // Limits.
    let many: Vec<Value> = (0..501).map(|i| event(&format!("m{i}"), t0, "warn", "x", &[])).collect();
    assert_eq!(s.post("/api/v1/events", Some(&dev), &json!({"events": many})).await.status, 400);
    // The server answers 413 without reading the rest of the body and closes the connection, so
    // the client may see a reset while still sending: retry until a response is read.
    let mut over = None;
    for _ in 0..10 {
        if let Ok(r) = s.http.post_bytes(&s.u("/api/v1/events"), Some(&dev), vec![b' '; 2 * 1024 * 1024 + 4096]).await {
            over = Some(r);
            break;
        }
    }
    let r = over.expect("a 413 answer within 10 tries");
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"], "too_large");
    assert_eq!(s.post("/api/v1/events", Some(&dev), &json!({"nope": 1})).await.status, 400);
    assert_eq!(s.post("/api/v1/events", None, &batch).await.status, 401);

    // Queries.
    let q = |p: &str| format!("/api/v1/admin/events{p}");
    let v = s.get(&q(""), Some(&s.admin)).await.json();
    assert_eq!(v["events"].as_array().unwrap().len(), 4);
    let e1 = v["events"].as_array().unwrap().iter().find(|e| e["event_id"] == "e1" && e["action"] == "block").unwrap();
    assert_eq!(e1["device_id"], "dev-ev", "device id comes from the credential");
    assert_eq!(e1["group"], "eng");
    assert!(e1["received_ms"].as_i64().is_some());
    let ids = |v: &Value| -> Vec<String> {
        v["events"].as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&s.get(&q("?action=block"), Some(&s.admin)).await.json()), vec!["e1"]);
    assert_eq!(ids(&s.get(&q("?site=chatgpt.com"), Some(&s.admin)).await.json()), vec!["e3", "e1"]);
    assert_eq!(ids(&s.get(&q("?type=EMAIL"), Some(&s.admin)).await.json()), vec!["e3", "e2"]);
    assert_eq!(ids(&s.get(&q("?type=SECRET"), Some(&s.admin)).await.json()), vec!["e1"]);
    assert_eq!(ids(&s.get(&q("?device=dev-other"), Some(&s.admin)).await.json()), vec!["e1"]);
    assert_eq!(ids(&s.get(&q(&format!("?since={}&until={}", t0 + 1, t0 + 7_200_000)), Some(&s.admin)).await.json()), vec!["e3", "e2"]);
    assert_eq!(s.get(&q("?limit=0"), Some(&s.admin)).await.status, 400);
    assert_eq!(s.get(&q("?since=abc"), Some(&s.admin)).await.status, 400);
    // Cursor pagination walks every event once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = match &cursor {
            Some(c) => q(&format!("?limit=1&cursor={c}")),
            None => q("?limit=1"),
        };
        let v = s.get(&p, Some(&s.admin)).await.json();
        seen.extend(ids(&v));
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    // CSV.
    let r = s.get("/api/v1/admin/events.csv?site=chatgpt.com", Some(&s.admin)).await;
    assert_eq!(r.status, 200);
    assert!(r.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    let text = r.text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("event_id,time,"));
    assert!(lines[1].starts_with("e3,2025-11-24T"), "{}", lines[1]);
    // Stats.
    let v =
        s.get(&format!("/api/v1/admin/stats?bucket=hour&since={}&until={}", t0 - 3_600_000, t0 + 7_200_000), Some(&s.admin)).await.json();
    assert_eq!(v["total"], 4);
    let bucket0 = (t0 / 3_600_000) * 3_600_000;
    assert!(v["by_action"].as_array().unwrap().contains(&json!({"t": bucket0, "key": "block", "count": 1})), "{v}");
    assert!(v["by_category"].as_array().unwrap().contains(&json!({"t": bucket0, "key": "SECRET", "count": 1})), "{v}");
    assert_eq!(v["top_sites"][0], json!({"key": "chatgpt.com", "count": 2}));
    assert_eq!(v["top_detectors"][0], json!({"key": "EMAIL", "count": 2}));
    assert_eq!(v["top_rules"][0], json!({"key": "rule-secrets", "count": 4}));
    let v = s.get("/api/v1/admin/stats?bucket=day", Some(&s.admin)).await.json();
    assert_eq!(v["bucket_ms"], 86_400_000);
    assert_eq!(s.get("/api/v1/admin/stats?bucket=week", Some(&s.admin)).await.status, 400);
    s.stop().await;
}
both_backends!(events_are_idempotent_and_queryable);

/// Many devices upload concurrently, with retries of whole batches: every event is stored once.
async fn concurrent_uploads_lose_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let devices = 40;
    let batches = 5;
    let per_batch = 50;
    let mut tokens = Vec::new();
    for i in 0..devices {
        tokens.push(s.enroll("fleet", &format!("dev-{i}")).await);
    }
    let mut tasks = Vec::new();
    for (i, tok) in tokens.into_iter().enumerate() {
        let http = s.http.clone();
        let url = s.u("/api/v1/events");
        tasks.push(tokio::spawn(async move {
            let mut accepted = 0usize;
            for bi in 0..batches {
                let evs: Vec<Value> = (0..per_batch)
                    .map(|k| event(&format!("{i}-{bi}-{k}"), 1_764_000_000_000 + k as i64, "warn", "chatgpt.com", &[("EMAIL", 1)]))
                    .collect();
                let body = json!({"events": evs});
                let v = http.post_json(&url, Some(&tok), &body).await.unwrap().json();
                accepted += v["accepted"].as_array().unwrap().len();
                if bi % 2 == 0 {
                    // A retry after a lost response.
                    let v = http.post_json(&url, Some(&tok), &body).await.unwrap().json();
                    assert_eq!(v["accepted"].as_array().unwrap().len(), 0);
                    assert_eq!(v["duplicates"].as_array().unwrap().len(), per_batch);
                }
            }
            accepted
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, devices * batches * per_batch);
    assert_eq!(s.server.as_ref().unwrap().store.count_events().await.unwrap(), (devices * batches * per_batch) as i64);
    s.stop().await;
}
both_backends!(concurrent_uploads_lose_nothing);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.device_rate = promptwall_server::RateLimit { per_s: 0.05, burst: 3.0 };
        c.enroll_rate = promptwall_server::RateLimit { per_s: 0.05, burst: 4.0 };
    })
    .await;
    let dev = s.enroll("eng", "d").await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(s.post("/api/v1/heartbeat", Some(&dev), &json!({})).await);
    }
    assert_eq!(codes.iter().map(|r| r.status).collect::<Vec<_>>(), vec![204, 204, 204, 429]);
    assert_eq!(codes[3].json()["error"], "rate_limited");
    assert!(codes[3].headers.get("retry-after").is_some());
    // Enrollment is limited per client address (one was used above).
    let mut last = 0;
    for i in 0..4 {
        last = s.post("/api/v1/enroll", None, &json!({"token": "pwe_x", "device_id": format!("x{i}")})).await.status;
    }
    assert_eq!(last, 429);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_and_unknown_paths() {
    let s = TestServer::start(Backend::Sqlite).await;
    let r = s.get("/console/", None).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<title>Promptwall"));
    assert_eq!(s.get("/console/app.js", None).await.status, 200);
    assert_eq!(s.get("/", None).await.status, 307);
    let r = s.get("/api/v1/nope", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "not_found");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_state_and_no_new_admin_token() {
    let dir = common::TempDir::new("restart");
    let signer = common::Signer::new("test-key");
    let cfg = common::config(&Backend::Sqlite, &dir, &signer);
    let a = promptwall_server::start(cfg.clone()).await.unwrap();
    let admin = a.initial_admin_token.clone().unwrap();
    a.shutdown().await.unwrap();
    let b = promptwall_server::start(cfg).await.unwrap();
    assert!(b.initial_admin_token.is_none());
    let http = promptwall_server::http_client::HttpClient::default();
    let r = http.get(&format!("{}/api/v1/admin/devices", b.base_url()), Some(&admin)).await.unwrap();
    assert_eq!(r.status, 200);
    b.shutdown().await.unwrap();
    assert!(dir.0.join("promptwall.db").exists());
    assert!(!dir.0.join(promptwall_server::INITIAL_ADMIN_TOKEN_FILE).exists() || a_token_file_was_first(&dir.0, &admin));
}

/// The token file the first start wrote holds that start's token.
fn a_token_file_was_first(dir: &std::path::Path, admin: &str) -> bool {
    std::fs::read_to_string(dir.join(promptwall_server::INITIAL_ADMIN_TOKEN_FILE)).map(|t| t.trim() == admin).unwrap_or(false)
}

/// Every route the server answers is documented in the OpenAPI document, and vice versa.
#[test]
fn openapi_documents_every_route() {
    let doc = include_str!("../../docs/api/openapi.yaml");
    let documented: Vec<&str> =
        doc.lines().filter(|l| l.starts_with("  /") && l.trim_end().ends_with(':')).map(|l| l.trim().trim_end_matches(':')).collect();
    let served = [
        "/healthz",
        "/api/v1/enroll",
        "/api/v1/policy",
        "/api/v1/events",
        "/api/v1/heartbeat",
        "/api/v1/admin/enrollment-tokens",
        "/api/v1/admin/policies",
        "/api/v1/admin/policies/{group}",
        "/api/v1/admin/tokens",
        "/api/v1/admin/tokens/{id}/revoke",
        "/api/v1/admin/devices",
        "/api/v1/admin/devices/{id}/revoke",
        "/api/v1/admin/devices/{id}/allow-reenroll",
        "/api/v1/admin/events",
        "/api/v1/admin/events.csv",
        "/api/v1/admin/stats",
        "/api/v1/admin/keys",
        "/api/v1/admin/keys/{id}/retire",
        "/api/v1/admin/false-alarms",
        "/api/v1/admin/false-alarms/approve",
        "/api/v1/admin/false-alarms/dismiss",
        "/api/v1/admin/false-alarms/{id}/withdraw",
        "/api/v1/admin/exceptions",
    ];
    let mut a: Vec<&str> = documented.clone();
    a.sort();
    let mut b: Vec<&str> = served.to_vec();
    b.sort();
    assert_eq!(a, b);
}

/// `promptwall-server admin-token create` makes a token the server accepts; it is printed once
/// and only its hash is in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_token_cli() {
    let dir = common::TempDir::new("cli");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"))
        .args(["admin-token", "create", "--name", "ops", "--data-dir"])
        .arg(&dir.0)
        .env_remove("PROMPTWALL_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("pwa_"), "{token}");
    let db = std::fs::read(dir.0.join("promptwall.db")).unwrap();
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()), "token stored in clear");
    let signer = common::Signer::new("k");
    let s = promptwall_server::start(common::config(&Backend::Sqlite, &dir, &signer)).await.unwrap();
    assert!(s.initial_admin_token.is_none(), "an admin token exists already");
    let http = promptwall_server::http_client::HttpClient::default();
    assert_eq!(http.get(&format!("{}/api/v1/admin/devices", s.base_url()), Some(&token)).await.unwrap().status, 200);
    s.shutdown().await.unwrap();
}

/// Two replicas on one PostgreSQL behave as one server: enrollment on one, uploads spread over
/// both with retries crossing replicas, revocation on one seen at once by the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_one_postgres() {
    let Some(b) = Backend::postgres("replicas_share_one_postgres").await else { return };
    let a = TestServer::start(b.clone()).await;
    let dir = common::TempDir::new("replica");
    let mut cfg = common::config(&b, &dir, &a.signer);
    cfg.trusted_keys = vec![a.signer.trusted()];
    let r2 = promptwall_server::start(cfg).await.unwrap();
    assert!(r2.initial_admin_token.is_none(), "the second replica sees the first one's admin token");
    let url2 = r2.base_url();
    let dev = a.enroll("eng", "rep-dev").await;
    // Publish on replica 1, download from replica 2.
    let v1 = a.signer.bundle(1);
    assert_eq!(a.post_raw("/api/v1/admin/policies/eng", Some(&a.admin), v1.clone()).await.status, 201);
    let r = a.http.get(&format!("{url2}/api/v1/policy"), Some(&dev)).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(&r.body[..], &v1[..]);
    // The same batch sent to both replicas is stored once.
    let batch = json!({"events": [event("r1", 1_764_000_000_000, "block", "chatgpt.com", &[]), event("r2", 1_764_000_000_001, "warn", "claude.ai", &[])]});
    let v = a.post("/api/v1/events", Some(&dev), &batch).await.json();
    assert_eq!(v["accepted"], json!(["r1", "r2"]));
    let v = a.http.post_json(&format!("{url2}/api/v1/events"), Some(&dev), &batch).await.unwrap().json();
    assert_eq!(v["duplicates"], json!(["r1", "r2"]));
    // Revoke on replica 1; replica 2 refuses the device at once.
    assert_eq!(a.post("/api/v1/admin/devices/rep-dev/revoke", Some(&a.admin), &json!({})).await.status, 204);
    assert_eq!(a.http.post_json(&format!("{url2}/api/v1/heartbeat"), Some(&dev), &json!({})).await.unwrap().status, 401);
    r2.shutdown().await.unwrap();
    a.stop().await;
}
