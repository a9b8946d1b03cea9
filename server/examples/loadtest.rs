//! Load test: N simulated devices enroll, then all upload batches of events at once (some batches
//! deliberately sent twice, as an agent does after a lost response), against an in-process server
//! on 127.0.0.1 over real HTTP, on SQLite (default) or PostgreSQL (`--database-url`, a fresh
//! database is created in that server and dropped afterwards). Reports events/s and latency
//! percentiles, and checks that the stored count equals exactly what was sent.
//!
//!   cargo run --release -p promptwall-server --example loadtest -- --devices 500 --batches 10 --batch-size 100

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use promptwall_server::http_client::HttpClient;
use promptwall_server::{RateLimit, ServerConfig};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 500)]
    devices: usize,
    #[arg(long, default_value_t = 10)]
    batches: usize,
    #[arg(long, default_value_t = 100)]
    batch_size: usize,
    /// Send every K-th batch twice (0: never).
    #[arg(long, default_value_t = 4)]
    resend_every: usize,
    /// Each device waits this long between its batches (0: back to back), starting at a random
    /// offset within the interval: a fleet uploading on a timer instead of all at once.
    #[arg(long, default_value_t = 0)]
    pace_ms: u64,
    /// postgres://… server to test against (a fresh database is created there).
    #[arg(long)]
    database_url: Option<String>,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn fresh_pg(base: &str) -> Result<(String, String)> {
    let db = format!("pw_load_{}", std::process::id());
    let (c, conn) = tokio_postgres::connect(base, tokio_postgres::NoTls).await.context("connecting to PostgreSQL")?;
    tokio::spawn(conn);
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).await?;
    c.batch_execute(&format!("CREATE DATABASE {db}")).await?;
    let i = base.rfind('/').context("URL without a database part")?;
    let query = base[i..].find('?').map(|q| &base[i + q..]).unwrap_or("");
    Ok((format!("{}/{db}{query}", &base[..i]), db))
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = Args::parse();
    let dir = std::env::temp_dir().join(format!("pw-loadtest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cfg = ServerConfig::new("127.0.0.1:0".parse()?, dir.clone());
    let mut pg_db = None;
    if let Some(url) = &a.database_url {
        let (u, db) = fresh_pg(url).await?;
        cfg.database_url = Some(u);
        cfg.pg_pool = 32;
        pg_db = Some(db);
    }
    // Generous limits: this measures throughput, not the limiter.
    cfg.device_rate = RateLimit { per_s: 1000.0, burst: 1000.0 };
    cfg.enroll_rate = RateLimit { per_s: 100_000.0, burst: 100_000.0 };
    cfg.admin_rate = RateLimit { per_s: 1000.0, burst: 1000.0 };
    let server = promptwall_server::start(cfg).await?;
    let backend = server.store.backend();
    let base = server.base_url();
    let admin = server.initial_admin_token.clone().context("admin token")?;
    let http = HttpClient::new(Duration::from_secs(120));

    // Enrollment (64 at a time).
    let t = http
        .post_json(&format!("{base}/api/v1/admin/enrollment-tokens"), Some(&admin), &json!({"group": "load", "uses": a.devices}))
        .await?;
    let etoken = t.json()["token"].as_str().context("enrollment token")?.to_string();
    let sem = Arc::new(tokio::sync::Semaphore::new(64));
    let mut enrolls = Vec::new();
    for i in 0..a.devices {
        let (http, base, etoken, sem) = (http.clone(), base.clone(), etoken.clone(), sem.clone());
        enrolls.push(tokio::spawn(async move {
            let _p = sem.acquire().await;
            let r = http
                .post_json(&format!("{base}/api/v1/enroll"), None, &json!({"token": etoken, "device_id": format!("load-{i:05}")}))
                .await?;
            ensure!(r.status == 201, "enroll {i}: HTTP {} {}", r.status, r.text());
            Ok::<String, anyhow::Error>(r.json()["device_token"].as_str().unwrap_or_default().to_string())
        }));
    }
    let mut tokens = Vec::new();
    for e in enrolls {
        tokens.push(e.await??);
    }

    // Upload: every device at once.
    let start = Instant::now();
    let mut tasks = Vec::new();
    let t0 = promptwall_server::now_ms() - 3_600_000;
    let (batches, size, resend, pace) = (a.batches, a.batch_size, a.resend_every, a.pace_ms);
    for (i, tok) in tokens.into_iter().enumerate() {
        let (http, url) = (http.clone(), format!("{base}/api/v1/events"));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let (mut accepted, mut dups, mut retries) = (0usize, 0usize, 0usize);
            if pace > 0 {
                tokio::time::sleep(Duration::from_millis((i as u64 * 7919) % pace)).await;
            }
            let mut next = tokio::time::Instant::now();
            for b in 0..batches {
                if pace > 0 {
                    tokio::time::sleep_until(next).await;
                    next += Duration::from_millis(pace);
                }
                let evs: Vec<Value> = (0..size)
                    .map(|k| {
                        const SITES: [&str; 3] = ["chatgpt.com", "claude.ai", "gemini.google.com"];
                        const ACTIONS: [&str; 4] = ["warn", "redact", "block", "allow"];
                        let (site, action) = (SITES[k % 3], ACTIONS[(i + k) % 4]);
                        json!({"format": 1, "event_id": format!("{i}-{b}-{k}"), "time_ms": t0 + ((i * 7 + b * 13 + k) % 3600) as i64 * 1000,
                               "device_id": "", "user": format!("user{}", i % 50), "site": site,
                               "trigger": "paste", "action": action, "rule_ids": ["secrets"],
                               "entity_counts": {"EMAIL": 1 + (k % 3) as u32}, "policy_version": 1})
                    })
                    .collect();
                let body = json!({"events": evs}).to_string().into_bytes();
                let sends = if resend > 0 && b % resend == 0 { 2 } else { 1 };
                for s in 0..sends {
                    loop {
                        let t = Instant::now();
                        let r = http.post_bytes(&url, Some(&tok), body.clone()).await?;
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        if r.status == 429 || r.status >= 500 {
                            retries += 1;
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            continue;
                        }
                        ensure!(r.status == 200, "device {i} batch {b}: HTTP {} {}", r.status, r.text());
                        let v = r.json();
                        let n_acc = v["accepted"].as_array().map_or(0, Vec::len);
                        let n_dup = v["duplicates"].as_array().map_or(0, Vec::len);
                        ensure!(v["rejected"].as_array().map_or(0, Vec::len) == 0, "rejections: {v}");
                        ensure!(n_acc + n_dup == size, "device {i} batch {b}: {n_acc} + {n_dup} != {size}");
                        if s == 1 {
                            ensure!(n_acc == 0, "device {i} batch {b}: a re-sent batch stored {n_acc} events again");
                        }
                        accepted += n_acc;
                        dups += n_dup;
                        break;
                    }
                }
            }
            Ok::<_, anyhow::Error>((lat, accepted, dups, retries))
        }));
    }
    let mut lat = Vec::new();
    let (mut accepted, mut dups, mut retries) = (0, 0, 0);
    for t in tasks {
        let (l, acc, d, r) = t.await??;
        lat.extend(l);
        accepted += acc;
        dups += d;
        retries += r;
    }
    let wall = start.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.total_cmp(b));
    let sent = a.devices * a.batches * a.batch_size;
    let resent_batches = if resend > 0 { a.devices * a.batches.div_ceil(resend) } else { 0 };
    let stored = server.store.count_events().await? as usize;
    println!(
        "loadtest backend={backend} devices={} pace_ms={} batches/device={} batch_size={} unique_events={sent} requests={} resent_batches={resent_batches} retries={retries}",
        a.devices,
        a.pace_ms,
        a.batches,
        a.batch_size,
        lat.len()
    );
    println!(
        "loadtest backend={backend} wall={wall:.2}s events/s={:.0} (unique stored) requests/s={:.0} latency_ms p50={:.1} p90={:.1} p99={:.1} max={:.1}",
        sent as f64 / wall,
        lat.len() as f64 / wall,
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    println!("loadtest backend={backend} accepted={accepted} duplicates_reported={dups} stored={stored} expected={sent}");
    server.shutdown().await?;
    let _ = std::fs::remove_dir_all(&dir);
    if let (Some(url), Some(db)) = (&a.database_url, pg_db) {
        if let Ok((c, conn)) = tokio_postgres::connect(url, tokio_postgres::NoTls).await {
            tokio::spawn(conn);
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).await;
        }
    }
    if stored != sent || accepted != sent || dups != resent_batches * a.batch_size {
        bail!(
            "MISMATCH: stored {stored}, accepted {accepted}, expected {sent}; duplicates {dups}, expected {}",
            resent_batches * a.batch_size
        );
    }
    println!("loadtest backend={backend} OK: every event stored exactly once");
    Ok(())
}
