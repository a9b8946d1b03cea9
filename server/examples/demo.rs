//! A seeded demo server for the console (and its browser test): SQLite in a temp dir, two groups
//! with signed bundles and history, a dozen devices with heartbeats, and ~48 h of events — all
//! sent through the real HTTP API. Prints one JSON line `{"url": …, "admin_token": …}` and runs
//! until stdin closes or Ctrl-C.
//!
//!   cargo run -p promptwall-server --example demo -- --listen 127.0.0.1:8443

use anyhow::{ensure, Context, Result};
use clap::Parser;
use promptwall_server::http_client::HttpClient;
use promptwall_server::{now_ms, RateLimit, ServerConfig};
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = Args::parse();
    let dir = std::env::temp_dir().join(format!("pw-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (sk, pk) = promptwall_policy::generate_key().map_err(anyhow::Error::msg)?;
    let mut cfg = ServerConfig::new(a.listen, dir.clone());
    cfg.trusted_keys = vec![promptwall_policy::TrustedKey { key_id: "security-2026".into(), public_key: pk }];
    cfg.enroll_rate = RateLimit { per_s: 1000.0, burst: 1000.0 };
    let server = promptwall_server::start(cfg).await?;
    let base = server.base_url();
    let admin = server.initial_admin_token.clone().context("admin token")?;
    let http = HttpClient::default();
    let policy: Value = serde_json::from_str(promptwall_policy::default_policy_json())?;
    let now_s = now_ms() as u64 / 1000;
    for (group, versions) in [("engineering", 3u64), ("sales", 1)] {
        for v in 1..=versions {
            let mut p = policy.clone();
            p["name"] = json!(format!("{group} policy"));
            let b = promptwall_policy::sign(&p, v, now_s - 3600, now_s + 90 * 86_400, "security-2026", &["*".to_string()], &sk)
                .map_err(anyhow::Error::msg)?;
            let r = http.post_bytes(&format!("{base}/api/v1/admin/policies/{group}"), Some(&admin), serde_json::to_vec_pretty(&b)?).await?;
            ensure!(r.status == 201, "publish: {}", r.text());
        }
    }
    let mut rng = Lcg(7);
    let sites = ["chatgpt.com", "claude.ai", "gemini.google.com", "copilot.microsoft.com", "chat.mistral.ai"];
    let entities =
        ["EMAIL", "AWS_ACCESS_KEY", "CREDIT_CARD", "PERSON", "PHONE", "GITHUB_TOKEN", "US_SSN", "PRIVATE_KEY", "IBAN", "HEALTH_CONDITION"];
    let actions = ["warn", "warn", "redact", "redact", "block", "allow"];
    let now = now_ms();
    for d in 0..12 {
        let group = if d < 8 { "engineering" } else { "sales" };
        let id = format!("{}-{:02}", if d < 8 { "eng-laptop" } else { "sales-mac" }, d);
        let t = http.post_json(&format!("{base}/api/v1/admin/enrollment-tokens"), Some(&admin), &json!({"group": group})).await?.json();
        let r = http
            .post_json(
                &format!("{base}/api/v1/enroll"),
                None,
                &json!({"token": t["token"], "device_id": id, "hostname": format!("{id}.corp.example"), "agent_version": "0.1.0"}),
            )
            .await?;
        ensure!(r.status == 201, "enroll: {}", r.text());
        let tok = r.json()["device_token"].as_str().unwrap_or_default().to_string();
        if d == 11 {
            continue; // enrolled, never seen since
        }
        let pv = if group == "engineering" {
            if d % 4 == 0 {
                2
            } else {
                3
            }
        } else {
            1
        };
        let mut evs = Vec::new();
        for k in 0..60 {
            let e1 = entities[rng.next(entities.len())];
            let mut counts = serde_json::Map::new();
            counts.insert(e1.into(), json!(1 + rng.next(3)));
            if rng.next(3) == 0 {
                counts.insert(entities[rng.next(entities.len())].into(), json!(1));
            }
            let action = actions[rng.next(actions.len())];
            let trigger = ["paste", "submit", "file", "drop"][rng.next(4)];
            let mut e = json!({"format": 1, "event_id": format!("{id}-{k}"), "time_ms": now - (rng.next(47 * 60) as i64) * 60_000,
                "device_id": id, "user": format!("user{}@corp.example", d), "site": sites[rng.next(sites.len())],
                "trigger": trigger, "action": action,
                "rule_ids": [if e1.contains("KEY") || e1.contains("TOKEN") { "block-secrets" } else { "warn-pii" }],
                "entity_counts": counts, "policy_version": pv});
            if action == "warn" && rng.next(2) == 0 {
                e["trigger"] = json!("user_decision");
                e["choice"] = json!("proceed_with_justification");
                e["justification"] = json!("Test data, not real");
            }
            evs.push(e);
        }
        let r = http.post_json(&format!("{base}/api/v1/events"), Some(&tok), &json!({"events": evs})).await?;
        ensure!(r.status == 200, "events: {}", r.text());
        http.post_json(
            &format!("{base}/api/v1/heartbeat"),
            Some(&tok),
            &json!({"agent_version": "0.1.0", "policy_version": pv, "queue_depth": d % 3, "dropped_total": 0}),
        )
        .await?;
        if d == 10 {
            http.post_json(&format!("{base}/api/v1/admin/devices/{id}/revoke"), Some(&admin), &json!({})).await?;
        }
    }
    // A signed bundle not published yet, for the console's upload form (issue 19): version 4 for
    // engineering, signed with a key added through the API (a rotation in progress).
    let (sk2, pk2) = promptwall_policy::generate_key().map_err(anyhow::Error::msg)?;
    let r =
        http.post_json(&format!("{base}/api/v1/admin/keys"), Some(&admin), &json!({"key_id": "security-2027", "public_key": pk2})).await?;
    ensure!(r.status == 201, "add key: {}", r.text());
    let mut p = policy.clone();
    p["name"] = json!("engineering policy");
    let b = promptwall_policy::sign(&p, 4, now_s - 60, now_s + 90 * 86_400, "security-2027", &["engineering".to_string()], &sk2)
        .map_err(anyhow::Error::msg)?;
    let upload = dir.join("engineering-v4.bundle.json");
    std::fs::write(&upload, serde_json::to_vec_pretty(&b)?)?;
    println!("{}", json!({"url": base, "admin_token": admin, "upload_bundle": upload}));
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            line.clear();
        }
    });
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    server.shutdown().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
