//! The false-alarm loop over real HTTP, against a real SQLite file and a real PostgreSQL (issue 18):
//! devices upload reports (events), the admin sees them grouped by detector and value hash with
//! fleet counts and a per-detector rate, approves or dismisses, and exports the approved
//! exceptions of a group, which sign into a bundle the server publishes. Values never reach it.

mod common;

use common::{event, Backend, TestServer};
use promptwall_server::now_ms;
use serde_json::{json, Value};

const VALUE: &str = "qa-fixture@northwind-labs.io";

fn report(id: &str, t: i64, hash: &str, reason: Option<&str>) -> Value {
    let mut e = event(id, t, "warn", "chatgpt.com", &[("EMAIL", 2)]);
    e["trigger"] = json!("false_alarm_report");
    e["false_alarm"] = json!({"reported_event_id": format!("w-{id}"), "findings": [{"type": "EMAIL", "detector": "pii.email", "value_hash": hash}], "reason": reason});
    e
}

async fn review_queue_approval_and_export(b: Backend) {
    let s = TestServer::start(b).await;
    let key = [5u8; 32];
    let hash = promptwall_policy::false_alarm_hash(&key, VALUE);
    let other = promptwall_policy::false_alarm_hash(&key, "someone@example.test");
    let d1 = s.enroll("eng", "fa-dev-1").await;
    let d2 = s.enroll("eng", "fa-dev-2").await;
    let now = now_ms();
    // Two devices report the same value; one reports another; plenty of ordinary warnings too.
    let mut batch1 = vec![report("r1", now - 3000, &hash, Some("test fixture in our QA docs")), report("r2", now - 2000, &other, None)];
    for i in 0..6 {
        batch1.push(event(&format!("w{i}"), now - 5000, "warn", "chatgpt.com", &[("EMAIL", 1)]));
    }
    let r = s.post("/api/v1/events", Some(&d1), &json!({"events": batch1})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 8, "{}", r.text());
    let r = s
        .post("/api/v1/events", Some(&d2), &json!({"events": [report("r3", now - 1000, &hash, Some("test fixture in our QA docs"))]}))
        .await;
    assert_eq!(r.json()["accepted"].as_array().unwrap().len(), 1, "{}", r.text());
    // A report carrying a value instead of a hash, or a report field on another trigger: refused.
    let mut raw = report("r4", now, &hash, None);
    raw["false_alarm"]["findings"][0]["value_hash"] = json!(VALUE);
    let mut stray = event("r5", now, "warn", "chatgpt.com", &[("EMAIL", 1)]);
    stray["false_alarm"] = report("x", now, &hash, None)["false_alarm"].clone();
    let r = s.post("/api/v1/events", Some(&d1), &json!({"events": [raw, stray]})).await;
    assert_eq!(r.json()["rejected"].as_array().unwrap().len(), 2, "{}", r.text());

    // The queue: grouped by detector and hash, most reported first, with fleet counts.
    let r = s.get("/api/v1/admin/false-alarms", Some(&s.admin)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let q = r.json();
    let g = &q["groups"][0];
    assert_eq!(
        (g["detector"].as_str(), g["value_hash"].as_str(), g["reports"].as_i64(), g["devices"].as_i64()),
        (Some("pii.email"), Some(hash.as_str()), Some(2), Some(2))
    );
    assert_eq!(g["status"], "open");
    assert_eq!(g["sample_reasons"], json!(["test fixture in our QA docs"]));
    assert_eq!(g["sites"], json!(["chatgpt.com"]));
    assert_eq!(q["groups"].as_array().unwrap().len(), 2);
    // Rate: 3 reported findings over the 6 decisions that found EMAIL (reports repeat their
    // decision's counts and are not counted again).
    let d = &q["detectors"][0];
    assert_eq!((d["detector"].as_str(), d["reports"].as_i64(), d["findings"].as_i64()), (Some("pii.email"), Some(3), Some(6)), "{d}");
    assert_eq!(d["rate"].as_f64(), Some(0.5));
    // Devices cannot read it.
    assert_eq!(s.get("/api/v1/admin/false-alarms", Some(&d1)).await.status, 401);

    // Approve the value for 30 days; dismiss the other; a bad approval is refused with reasons.
    let r = s
        .post(
            "/api/v1/admin/false-alarms/approve",
            Some(&s.admin),
            &json!({"detector": "pii.email", "value_hash": hash, "expires_in_days": 30, "note": "QA fixture"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = s.post("/api/v1/admin/false-alarms/dismiss", Some(&s.admin), &json!({"detector": "pii.email", "value_hash": other})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post("/api/v1/admin/false-alarms/approve", Some(&s.admin), &json!({"detector": "pii.email"})).await;
    assert_eq!(r.status, 400, "a detector is never switched off everywhere: {}", r.text());
    let r = s
        .post(
            "/api/v1/admin/false-alarms/approve",
            Some(&s.admin),
            &json!({"detector": "pii.email", "pattern": "[a-z]+@example\\.test", "groups": ["sales"], "sites": ["claude.ai"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let sales_only = r.json()["id"].as_str().unwrap().to_string();
    let q = s.get("/api/v1/admin/false-alarms", Some(&s.admin)).await.json();
    let statuses: Vec<&str> = q["groups"].as_array().unwrap().iter().map(|g| g["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["approved", "dismissed"]);

    // Export for `eng`: the value exception only (the pattern is scoped to `sales`), with expiry.
    let r = s.get("/api/v1/admin/exceptions?group=eng", Some(&s.admin)).await;
    let file = r.json();
    assert_eq!(file["format"], 1);
    let ids: Vec<&str> = file["findings"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.as_str()]);
    let expires = file["findings"][0]["expires"].as_i64().unwrap();
    assert!((expires - (now / 1000 + 30 * 86_400)).abs() < 120);
    let sales = s.get("/api/v1/admin/exceptions?group=sales", Some(&s.admin)).await.json();
    assert_eq!(sales["findings"].as_array().unwrap().len(), 2);
    // Signed into a bundle with the policy, published: the server verifies it like any bundle.
    let mut policy: Value = serde_json::from_str(promptwall_policy::default_policy_json()).unwrap();
    promptwall_policy::merge_exceptions_file(&mut policy, &r.text(), now / 1000).unwrap();
    promptwall_policy::parse_policy(&policy.to_string()).expect("the merged policy validates");
    let bundle = promptwall_policy::sign(
        &policy,
        3,
        (now / 1000) as u64 - 60,
        (now / 1000) as u64 + 86_400,
        &s.signer.key_id,
        &["eng".to_string()],
        &s.signer.private_key,
    )
    .unwrap();
    let r = s.post_raw("/api/v1/admin/policies/eng", Some(&s.admin), serde_json::to_vec(&bundle).unwrap()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    // The same export offline, from the database: `promptwall-server exceptions export`.
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_promptwall-server"));
    cli.args(["exceptions", "export", "--group", "eng"]).env_remove("PROMPTWALL_DATABASE_URL");
    match &s.backend {
        Backend::Sqlite => cli.arg("--data-dir").arg(s.db_path().parent().unwrap()),
        Backend::Postgres(url) => cli.args(["--database-url", url]),
    };
    let out = cli.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let offline: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(offline["findings"], file["findings"]);
    // Withdrawn: gone from the next export.
    assert_eq!(s.post(&format!("/api/v1/admin/false-alarms/{sales_only}/withdraw"), Some(&s.admin), &json!({})).await.status, 200);
    assert_eq!(s.get("/api/v1/admin/exceptions?group=sales", Some(&s.admin)).await.json()["findings"].as_array().unwrap().len(), 1);

    // Nothing the server holds contains the value (only keyed hashes reached it).
    if matches!(s.backend, Backend::Sqlite) {
        let needle = VALUE.as_bytes();
        for f in ["promptwall.db", "promptwall.db-wal"] {
            let bytes = std::fs::read(s.db_path().with_file_name(f)).unwrap_or_default();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "the raw value is in {f}");
        }
    }
    let all = s.get("/api/v1/admin/events?limit=100", Some(&s.admin)).await.text();
    assert!(!all.contains(VALUE) && all.contains("false_alarm_report"));
    s.stop().await;
}

both_backends!(review_queue_approval_and_export);
