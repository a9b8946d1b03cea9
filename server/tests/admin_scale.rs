//! Issue 19, the admin side: statistics from rollups that never drift from the events (ingest and
//! retention mixed), trusted signing keys rotated through the API on two replicas, rate limits
//! shared by two replicas. Each on SQLite and PostgreSQL.

mod common;

use common::{event, Backend, Signer, TestServer};
use promptwall_server::{now_ms, RateLimit};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const HOUR: i64 = 3_600_000;

/// Direct counts over the events table, grouped as the statistics group them (the queries the
/// stats route ran before rollups), as the API's JSON.
async fn direct_stats(b: &Backend, db: &std::path::Path, since: i64, until: i64, bucket: i64) -> Value {
    let series = [
        ("by_action", "SELECT (time_ms / {b}) * {b} AS t, action, count(*) FROM events WHERE time_ms >= {s} AND time_ms < {u} GROUP BY 1, 2 ORDER BY 1, 2"),
        ("by_site", "SELECT (time_ms / {b}) * {b} AS t, site, count(*) FROM events WHERE time_ms >= {s} AND time_ms < {u} GROUP BY 1, 2 ORDER BY 1, 2"),
        ("by_category", "SELECT (time_ms / {b}) * {b} AS t, value, count(*) FROM event_tags WHERE kind = 'category' AND time_ms >= {s} AND time_ms < {u} GROUP BY 1, 2 ORDER BY 1, 2"),
    ];
    let tops = [
        ("top_detectors", "SELECT value, count(*) AS n FROM event_tags WHERE kind = 'entity' AND time_ms >= {s} AND time_ms < {u} GROUP BY value ORDER BY n DESC, value LIMIT 10"),
        ("top_rules", "SELECT value, count(*) AS n FROM event_tags WHERE kind = 'rule' AND time_ms >= {s} AND time_ms < {u} GROUP BY value ORDER BY n DESC, value LIMIT 10"),
        ("top_sites", "SELECT site, count(*) AS n FROM events WHERE time_ms >= {s} AND time_ms < {u} GROUP BY site ORDER BY n DESC, site LIMIT 10"),
    ];
    let total_sql = "SELECT count(*) FROM events WHERE time_ms >= {s} AND time_ms < {u}";
    let fill = |q: &str| q.replace("{b}", &bucket.to_string()).replace("{s}", &since.to_string()).replace("{u}", &until.to_string());
    let mut out = serde_json::Map::new();
    match b {
        Backend::Sqlite => {
            let c = rusqlite::Connection::open(db).unwrap();
            let total: i64 = c.query_row(&fill(total_sql), [], |r| r.get(0)).unwrap();
            out.insert("total".into(), json!(total));
            for (name, q) in series {
                let mut st = c.prepare(&fill(q)).unwrap();
                let rows: Vec<Value> = st
                    .query_map([], |r| Ok(json!({"t": r.get::<_, i64>(0)?, "key": r.get::<_, String>(1)?, "count": r.get::<_, i64>(2)?})))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                out.insert(name.into(), json!(rows));
            }
            for (name, q) in tops {
                let mut st = c.prepare(&fill(q)).unwrap();
                let rows: Vec<Value> = st
                    .query_map([], |r| Ok(json!({"key": r.get::<_, String>(0)?, "count": r.get::<_, i64>(1)?})))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                out.insert(name.into(), json!(rows));
            }
        }
        Backend::Postgres(url) => {
            let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            let total: i64 = c.query_one(&fill(total_sql), &[]).await.unwrap().get(0);
            out.insert("total".into(), json!(total));
            for (name, q) in series {
                let rows: Vec<Value> = c
                    .query(&fill(q), &[])
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| json!({"t": r.get::<_, i64>(0), "key": r.get::<_, String>(1), "count": r.get::<_, i64>(2)}))
                    .collect();
                out.insert(name.into(), json!(rows));
            }
            for (name, q) in tops {
                let rows: Vec<Value> = c
                    .query(&fill(q), &[])
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| json!({"key": r.get::<_, String>(0), "count": r.get::<_, i64>(1)}))
                    .collect();
                out.insert(name.into(), json!(rows));
            }
        }
    }
    Value::Object(out)
}

/// The maintained rollups (PostgreSQL: plus the log not yet folded) minus a recount from the
/// events by the migration's own backfill text: the rows where they differ (empty when exact).
async fn rollup_drift(b: &Backend, db: &std::path::Path) -> Vec<String> {
    let create = "CREATE TEMP TABLE rollups_expected (kind TEXT, hour_ms BIGINT, key TEXT, n BIGINT)";
    let diff = "SELECT coalesce(a.kind, e.kind), coalesce(a.hour_ms, e.hour_ms), coalesce(a.key, e.key), coalesce(a.n, 0), coalesce(e.n, 0)
        FROM (SELECT kind, hour_ms, key, sum(n) AS n FROM ({ACTUAL}) x GROUP BY 1, 2, 3 HAVING sum(n) <> 0) a
        FULL OUTER JOIN rollups_expected e ON a.kind = e.kind AND a.hour_ms = e.hour_ms AND a.key = e.key
        WHERE a.n IS NULL OR e.n IS NULL OR a.n <> e.n";
    match b {
        Backend::Sqlite => {
            let c = rusqlite::Connection::open(db).unwrap();
            c.execute_batch(create).unwrap();
            c.execute_batch(promptwall_server::stats::BACKFILL_EXPECTED).unwrap();
            // SQLite has no FULL OUTER JOIN before 3.39; the bundled one has it.
            let q = diff.replace("{ACTUAL}", "SELECT kind, hour_ms, key, n FROM event_rollups");
            let mut st = c.prepare(&q).unwrap();
            st.query_map([], |r| {
                Ok(format!(
                    "{} {} {}: rollup {} events {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }
        Backend::Postgres(url) => {
            let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            c.batch_execute(create).await.unwrap();
            c.batch_execute(promptwall_server::stats::BACKFILL_EXPECTED).await.unwrap();
            let q = diff.replace(
                "{ACTUAL}",
                "SELECT kind, hour_ms, key, n FROM event_rollups UNION ALL SELECT kind, hour_ms, key, n FROM event_rollup_log",
            );
            c.query(&q, &[])
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {}: rollup {} events {}",
                        r.get::<_, String>(0),
                        r.get::<_, i64>(1),
                        r.get::<_, String>(2),
                        r.get::<_, i64>(3),
                        r.get::<_, i64>(4)
                    )
                })
                .collect()
        }
    }
}

const ACTIONS: [&str; 4] = ["block", "warn", "redact", "allow"];
const SITES: [&str; 5] = ["chatgpt.com", "claude.ai", "gemini.google.com", "copilot.microsoft.com", "chat.mistral.ai"];
const ENTITIES: [&str; 6] = ["EMAIL", "AWS_ACCESS_KEY", "CREDIT_CARD", "US_SSN", "PERSON_NAME", "my-dict"];

/// A batch of `n` events of varied action, site, entities and rules, spread over `span_ms` from
/// `t0` (deterministic in `seed`).
fn mixed_batch(prefix: &str, n: usize, t0: i64, span_ms: i64, seed: u64) -> Value {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let evs: Vec<Value> = (0..n)
        .map(|i| {
            let r = next();
            let ents: Vec<(&str, u32)> =
                (0..(r % 3) as usize).map(|k| (ENTITIES[((r >> (8 + k * 4)) % 6) as usize], 1 + k as u32)).collect();
            let mut e = event(
                &format!("{prefix}-{i}"),
                t0 + (next() % span_ms.max(1) as u64) as i64,
                ACTIONS[(r >> 20) as usize % 4],
                SITES[(r >> 24) as usize % 5],
                &ents,
            );
            e["rule_ids"] = json!([format!("rule-{}", (r >> 30) % 4)]);
            e
        })
        .collect();
    json!({ "events": evs })
}

/// Rollups are maintained with the events and taken back by retention: after concurrent
/// uploads over 10 hours (re-sent batches among them) with retention deleting everything older
/// than 3 hours while uploads go on, every statistic equals a direct count over the events, and
/// the rollup table equals a recount from scratch.
async fn stats_rollups_match_the_events_after_ingest_and_retention(b: Backend) {
    let s = TestServer::start_with(b.clone(), |c| {
        c.retention = Some(Duration::from_secs(3 * 3600));
        c.retention_interval = Duration::from_millis(150);
    })
    .await;
    let store = s.server.as_ref().unwrap().store.clone();
    let mut devs = Vec::new();
    for i in 0..6 {
        devs.push(s.enroll("eng", &format!("st-{i}")).await);
    }
    let now = now_ms();
    let mut tasks = Vec::new();
    for (d, dev) in devs.iter().enumerate() {
        let (url, dev) = (s.u("/api/v1/events"), dev.clone());
        tasks.push(tokio::spawn(async move {
            let http = promptwall_server::http_client::HttpClient::default();
            for round in 0..8u64 {
                // Old (deleted by retention as it goes) and recent events in each batch's window.
                let t0 = now - 10 * HOUR + (round as i64) * HOUR;
                let body = mixed_batch(&format!("d{d}-r{round}"), 150, t0, 2 * HOUR, d as u64 * 100 + round);
                let r = http.post_json(&url, Some(&dev), &body).await.unwrap();
                assert_eq!(r.status, 200, "{}", r.text());
                if round % 3 == 0 {
                    // A re-sent batch: duplicates, except events retention deleted meanwhile
                    // (stored again, and counted again).
                    let again = http.post_json(&url, Some(&dev), &body).await.unwrap().json();
                    assert_eq!(again["accepted"].as_array().unwrap().len() + again["duplicates"].as_array().unwrap().len(), 150);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Wait for retention to finish its pass over the old events.
    let cutoff = now_ms() - 3 * 3600 * 1000;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let old = s.get(&format!("/api/v1/admin/events?until={cutoff}&limit=1"), Some(&s.admin)).await.json();
        if old["events"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "retention did not delete the old events");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stored = store.count_events().await.unwrap();
    assert!(stored > 0 && stored < 6 * 8 * 150, "retention deleted some, not all: {stored}");
    let db = s.db_path();
    let drift = rollup_drift(&b, &db).await;
    assert!(drift.is_empty(), "rollups drifted from the events: {drift:?}");
    for (bucket, bucket_ms) in [("hour", HOUR), ("day", 24 * HOUR)] {
        let (since, until) = (now - 30 * HOUR, now + 2 * HOUR);
        let v = s.get(&format!("/api/v1/admin/stats?bucket={bucket}&since={since}&until={until}"), Some(&s.admin)).await.json();
        let (since, until) = (v["since"].as_i64().unwrap(), v["until"].as_i64().unwrap());
        assert_eq!(since % HOUR, 0, "the window is whole hours");
        assert_eq!(until % HOUR, 0);
        let direct = direct_stats(&b, &db, since, until, bucket_ms).await;
        for k in ["total", "by_action", "by_site", "by_category", "top_detectors", "top_rules", "top_sites"] {
            assert_eq!(v[k], direct[k], "{bucket} {k}");
        }
        assert_eq!(v["total"], stored);
    }
    // PostgreSQL: fold the log into the rollups (the background task does it every 2 s); the
    // counts stay exact and the log is empty.
    if matches!(b, Backend::Postgres(_)) {
        while store.compact_rollups(100).await.unwrap() > 0 {}
        let drift = rollup_drift(&b, &db).await;
        assert!(drift.is_empty(), "folding changed the counts: {drift:?}");
        let v = s.get(&format!("/api/v1/admin/stats?since={}", now - 30 * HOUR), Some(&s.admin)).await.json();
        assert_eq!(v["total"], stored);
    }
    // A window over part of the data: whole hours counted exactly.
    let (since, until) = (now - 2 * HOUR - HOUR / 2, now - HOUR / 2);
    let v = s.get(&format!("/api/v1/admin/stats?since={since}&until={until}"), Some(&s.admin)).await.json();
    let direct = direct_stats(&b, &db, v["since"].as_i64().unwrap(), v["until"].as_i64().unwrap(), HOUR).await;
    assert_eq!(v["total"], direct["total"]);
    assert_eq!(v["by_category"], direct["by_category"]);
    s.stop().await;
}
both_backends!(stats_rollups_match_the_events_after_ingest_and_retention);

/// The migration's backfill (the same text the schema step runs) rebuilds the rollups of events
/// stored before rollups existed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_rebuilds_rollups_from_stored_events() {
    let s = TestServer::start(Backend::Sqlite).await;
    let dev = s.enroll("eng", "bf-1").await;
    let r = s.post("/api/v1/events", Some(&dev), &mixed_batch("bf", 400, now_ms() - 20 * HOUR, 20 * HOUR, 7)).await;
    assert_eq!(r.status, 200);
    let db = s.db_path();
    let before = s.get("/api/v1/admin/stats?bucket=day&since=0", Some(&s.admin)).await.json();
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.busy_timeout(Duration::from_secs(10)).unwrap();
        c.execute_batch(&format!("BEGIN IMMEDIATE; DELETE FROM event_rollups; {} COMMIT;", promptwall_server::stats::BACKFILL)).unwrap();
    }
    assert!(promptwall_server::stats::SQLITE_MIGRATION.contains(promptwall_server::stats::BACKFILL));
    assert!(promptwall_server::stats::PG_MIGRATION.contains(promptwall_server::stats::BACKFILL));
    let after = s.get("/api/v1/admin/stats?bucket=day&since=0", Some(&s.admin)).await.json();
    assert_eq!(after["total"], 400);
    for k in ["total", "by_action", "by_site", "by_category", "top_detectors", "top_rules", "top_sites"] {
        assert_eq!(before[k], after[k], "{k}");
    }
    assert!(rollup_drift(&Backend::Sqlite, &db).await.is_empty());
    s.stop().await;
}

/// A second replica on the first one's database.
async fn replica(
    s: &TestServer,
    tweak: impl FnOnce(&mut promptwall_server::ServerConfig),
) -> (promptwall_server::RunningServer, common::TempDir) {
    let dir = common::TempDir::new("replica");
    let mut cfg = common::config(&s.backend, &dir, &s.signer);
    if matches!(s.backend, Backend::Sqlite) {
        cfg.database_url = Some(format!("sqlite://{}", s.db_path().display()));
    }
    tweak(&mut cfg);
    let r = promptwall_server::start(cfg).await.expect("second replica starts");
    assert!(r.initial_admin_token.is_none());
    (r, dir)
}

fn pk_of(signer: &Signer) -> String {
    signer.public_key.clone()
}

/// Trusted keys added, overlapped and retired through the API on one replica count at once on
/// the other; bundle history names the signer key and the uploading admin token.
async fn signing_keys_rotate_without_restart(b: Backend) {
    let s = TestServer::start(b).await;
    let (r2, _dir) = replica(&s, |_| {}).await;
    let url2 = r2.base_url();
    let (old, new, later) = (Signer::new("fleet-2026"), Signer::new("fleet-2027"), Signer::new("fleet-2028"));
    let publish = |url: String, signer: &Signer, v: u64| {
        let body = signer.bundle_for(v, "eng");
        let (http, admin) = (s.http.clone(), s.admin.clone());
        async move { http.post_bytes(&format!("{url}/api/v1/admin/policies/eng"), Some(&admin), body).await.unwrap() }
    };
    // Unknown key: refused everywhere.
    assert_eq!(publish(s.url.clone(), &old, 1).await.status, 422);
    let add = |body: Value| {
        let (http, url, admin) = (s.http.clone(), s.u("/api/v1/admin/keys"), s.admin.clone());
        async move { http.post_json(&url, Some(&admin), &body).await.unwrap() }
    };
    let r = add(json!({"key_id": "fleet-2026", "public_key": pk_of(&old)})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["state"], "active");
    // Added on replica 1, accepted by replica 2 at once.
    let r = publish(url2.clone(), &old, 1).await;
    assert_eq!(r.status, 201, "{}", r.text());
    // A key not valid yet is listed as pending and refused.
    let soon = now_ms() + 3_600_000;
    assert_eq!(add(json!({"key_id": "fleet-2028", "public_key": pk_of(&later), "not_before_ms": soon})).await.status, 201);
    assert_eq!(publish(s.url.clone(), &later, 2).await.status, 422);
    // Overlap: the old and the new key both sign.
    assert_eq!(add(json!({"key_id": "fleet-2027", "public_key": pk_of(&new), "not_after_ms": now_ms() + 86_400_000})).await.status, 201);
    assert_eq!(publish(url2.clone(), &new, 2).await.status, 201);
    assert_eq!(publish(s.url.clone(), &old, 3).await.status, 201);
    let keys = s.get("/api/v1/admin/keys", Some(&s.admin)).await.json();
    assert_eq!(keys["current"], json!(["test-key", "fleet-2026", "fleet-2027"]), "{keys}");
    let state_of = |k: &Value, id: &str| k["keys"].as_array().unwrap().iter().find(|x| x["key_id"] == id).unwrap()["state"].clone();
    assert_eq!(state_of(&keys, "fleet-2028"), "pending");
    assert_eq!(state_of(&keys, "test-key"), "active");
    // Retire the old key on replica 2: refused on replica 1 from then on; the new key goes on.
    let r = s.http.post_json(&format!("{url2}/api/v1/admin/keys/fleet-2026/retire"), Some(&s.admin), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["bundles_in_force"], json!(["eng"]), "version 3, signed with the old key, is in force");
    let r = publish(s.url.clone(), &old, 4).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(publish(s.url.clone(), &new, 4).await.status, 201);
    let keys = s.get("/api/v1/admin/keys", Some(&s.admin)).await.json();
    assert_eq!(keys["current"], json!(["test-key", "fleet-2027"]));
    assert_eq!(state_of(&keys, "fleet-2026"), "retired");
    // Retiring twice, a retired id re-added, a flag key retired, bad input.
    assert_eq!(s.post("/api/v1/admin/keys/fleet-2026/retire", Some(&s.admin), &json!({})).await.status, 404);
    assert_eq!(add(json!({"key_id": "fleet-2026", "public_key": pk_of(&later)})).await.status, 409);
    assert_eq!(add(json!({"key_id": "test-key", "public_key": pk_of(&later)})).await.status, 409);
    assert_eq!(s.post("/api/v1/admin/keys/test-key/retire", Some(&s.admin), &json!({})).await.status, 409);
    assert_eq!(add(json!({"key_id": "x", "public_key": "not a key"})).await.status, 400);
    assert_eq!(add(json!({"key_id": "bad id", "public_key": pk_of(&later)})).await.status, 400);
    assert_eq!(add(json!({"key_id": "w", "public_key": pk_of(&later), "not_before_ms": 5, "not_after_ms": 5})).await.status, 400);
    // Admin only.
    let dev = s.enroll("eng", "keys-dev").await;
    assert_eq!(s.get("/api/v1/admin/keys", Some(&dev)).await.status, 401);
    assert_eq!(s.post("/api/v1/admin/keys", Some(&dev), &json!({"key_id": "evil", "public_key": pk_of(&later)})).await.status, 401);
    // History: signer key and uploading admin token per version.
    let admin_id = s.get("/api/v1/admin/tokens", Some(&s.admin)).await.json()["tokens"][0]["id"].clone();
    let h = s.get("/api/v1/admin/policies/eng", Some(&s.admin)).await.json();
    let hist: Vec<(i64, String)> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["uploaded_by"], admin_id);
            assert_eq!(p["audience"], json!(["eng"]), "the signed audience is kept");
            (p["version"].as_i64().unwrap(), p["key_id"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(hist, vec![(4, "fleet-2027".into()), (3, "fleet-2026".into()), (2, "fleet-2027".into()), (1, "fleet-2026".into())]);
    r2.shutdown().await.unwrap();
    s.stop().await;
}
both_backends!(signing_keys_rotate_without_restart);

/// Counts the 2xx and 429 answers of `n` heartbeats sent alternately to two replicas.
async fn alternate(http: &promptwall_server::http_client::HttpClient, urls: [&str; 2], dev: &str, n: usize) -> (usize, usize, bool) {
    let (mut ok, mut limited, mut retry_after) = (0, 0, true);
    for i in 0..n {
        let r = http.post_json(&format!("{}/api/v1/heartbeat", urls[i % 2]), Some(dev), &json!({})).await.unwrap();
        match r.status {
            204 => ok += 1,
            429 => {
                limited += 1;
                retry_after &= r.headers.get("retry-after").is_some();
            }
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    (ok, limited, retry_after)
}

/// With `--shared-rate-limits` two replicas draw from one bucket per device: a burst of 8 is 8
/// requests in all, however they are spread; each replica alone would have allowed 8 more.
async fn shared_rate_limits_hold_across_two_replicas(b: Backend) {
    // 0.02 requests/s: nothing refills meaningfully during the test.
    let limit = RateLimit { per_s: 0.02, burst: 8.0 };
    let s = TestServer::start_with(b.clone(), |c| {
        c.device_rate = limit;
        c.shared_rate_limits = true;
    })
    .await;
    let (r2, _dir) = replica(&s, |c| {
        c.device_rate = limit;
        c.shared_rate_limits = true;
    })
    .await;
    let url2 = r2.base_url();
    let dev = s.enroll("eng", "rl-shared").await;
    let (ok, limited, retry_after) = alternate(&s.http, [&s.url, &url2], &dev, 20).await;
    assert_eq!((ok, limited), (8, 12), "one bucket for both replicas");
    assert!(retry_after, "every 429 says when to retry");
    // Another device has its own bucket.
    let other = s.enroll("eng", "rl-other").await;
    assert_eq!(alternate(&s.http, [&url2, &s.url], &other, 3).await.0, 3);
    r2.shutdown().await.unwrap();
    s.stop().await;

    // The same without sharing: each replica has its own bucket, so the fleet gets twice the rate.
    let b = match b {
        Backend::Sqlite => Backend::Sqlite,
        Backend::Postgres(_) => Backend::postgres("shared_rate_limits_hold_across_two_replicas").await.expect("a second database"),
    };
    let s = TestServer::start_with(b, |c| c.device_rate = limit).await;
    let (r2, _dir) = replica(&s, |c| c.device_rate = limit).await;
    let url2 = r2.base_url();
    let dev = s.enroll("eng", "rl-local").await;
    let (ok, _, _) = alternate(&s.http, [&s.url, &url2], &dev, 20).await;
    assert_eq!(ok, 16, "per-replica buckets");
    r2.shutdown().await.unwrap();
    s.stop().await;
}
both_backends!(shared_rate_limits_hold_across_two_replicas);

/// PostgreSQL: replicas fold the rollup log at once (`SKIP LOCKED`), so a counter's negative
/// delta (retention) can be folded while its positive one is still held by another replica. The
/// counter goes negative for a moment and must not be dropped as empty: after both folds it is
/// exact, and only then, at 0, removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_folds_keep_counts_exact() {
    let Some(b) = Backend::postgres("concurrent_folds_keep_counts_exact").await else { return };
    let Backend::Postgres(url) = &b else { unreachable!() };
    let s = TestServer::start(b.clone()).await;
    let store = s.server.as_ref().unwrap().store.clone();
    let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let (mut other, conn2) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn2);
    while store.compact_rollups(1000).await.unwrap() > 0 {}
    let h = (now_ms() / HOUR) * HOUR;
    c.execute("INSERT INTO event_rollup_log (kind, hour_ms, key, n) VALUES ('action', $1, 'block', 3)", &[&h]).await.unwrap();
    c.execute("INSERT INTO event_rollup_log (kind, hour_ms, key, n) VALUES ('action', $1, 'block', -3)", &[&h]).await.unwrap();
    // "Another replica" holds the positive delta mid-fold.
    let tx = other.transaction().await.unwrap();
    tx.query("SELECT id FROM event_rollup_log WHERE n > 0 FOR UPDATE", &[]).await.unwrap();
    assert_eq!(store.compact_rollups(1000).await.unwrap(), 1, "only the unlocked (negative) delta is folded");
    let n: i64 =
        c.query_one("SELECT n FROM event_rollups WHERE kind = 'action' AND hour_ms = $1 AND key = 'block'", &[&h]).await.unwrap().get(0);
    assert_eq!(n, -3, "the negative counter is kept, not dropped as empty");
    let v = s.get(&format!("/api/v1/admin/stats?since={}", h - HOUR), Some(&s.admin)).await.json();
    assert_eq!(v["total"], 0, "rollups plus log still sum to nothing");
    tx.rollback().await.unwrap();
    assert_eq!(store.compact_rollups(1000).await.unwrap(), 1);
    let left: i64 = c.query_one("SELECT count(*) FROM event_rollups WHERE hour_ms = $1", &[&h]).await.unwrap().get(0);
    assert_eq!(left, 0, "the counter back at 0 is removed");
    s.stop().await;
}
