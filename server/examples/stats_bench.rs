//! Statistics benchmark (issue 19): fills a database with N events (default 10 million) spread
//! over D days, with their tags and rollups, then times `GET /api/v1/admin/stats` through a real
//! server over HTTP: the console's default (48 h by hour), 30 days by day, and all time by day.
//!
//! The fill takes the fast path (no HTTP): SQLite rows inserted in one transaction by this
//! program, the rollups summed in memory and written with the server's own `stats::sqlite_apply`;
//! PostgreSQL rows made server-side by `generate_series` and the rollups by the migration's
//! backfill. A direct COUNT over the events checks the statistics' total. The data is synthetic
//! and deterministic (fixed seed).
//!
//!   cargo run --release -p promptwall-server --example stats_bench -- --events 10000000 [--database-url postgres://…] [--compare]

use anyhow::{Context, Result};
use clap::Parser;
use promptwall_server::http_client::HttpClient;
use promptwall_server::{now_ms, ServerConfig};
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000_000)]
    events: u64,
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// postgres://… server to fill instead of SQLite (a fresh database is created there and
    /// dropped afterwards).
    #[arg(long)]
    database_url: Option<String>,
    /// Also time the query the stats route ran before rollups (GROUP BY over the events, 48 h).
    #[arg(long)]
    compare: bool,
    /// Calls per window.
    #[arg(long, default_value_t = 20)]
    calls: usize,
}

const ACTIONS: [&str; 4] = ["block", "warn", "redact", "allow"];
const SITES: [&str; 12] = [
    "chatgpt.com",
    "claude.ai",
    "gemini.google.com",
    "copilot.microsoft.com",
    "chat.mistral.ai",
    "perplexity.ai",
    "chat.deepseek.com",
    "poe.com",
    "huggingface.co",
    "you.com",
    "grok.com",
    "meta.ai",
];
const ENTITIES: [(&str, &str); 16] = [
    ("EMAIL", "PII"),
    ("PHONE", "PII"),
    ("PERSON_NAME", "PII"),
    ("STREET_ADDRESS", "PII"),
    ("US_SSN", "PII"),
    ("IBAN", "FINANCIAL"),
    ("CREDIT_CARD", "FINANCIAL"),
    ("ABA_ROUTING", "FINANCIAL"),
    ("AWS_ACCESS_KEY", "SECRET"),
    ("GITHUB_TOKEN", "SECRET"),
    ("PRIVATE_KEY", "SECRET"),
    ("JWT", "SECRET"),
    ("PASSWORD", "SECRET"),
    ("ICD10_CODE", "HEALTH"),
    ("MRN", "HEALTH"),
    ("customer-ids", "CUSTOM"),
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fill_sqlite(path: &std::path::Path, n: u64, t0: i64, span: i64) -> Result<()> {
    // Schema by the server's own migrations, then closed again.
    drop(promptwall_server::store::sqlite::SqliteStore::open(path)?);
    let mut c = rusqlite::Connection::open(path)?;
    c.pragma_update(None, "synchronous", "OFF")?;
    c.pragma_update(None, "cache_size", -262_144)?;
    let tx = c.transaction()?;
    let mut deltas = promptwall_server::stats::Deltas::new();
    {
        let mut ins = tx.prepare(
            "INSERT INTO events (seq, device_id, event_id, group_name, time_ms, received_ms, user_name, site, trigger_kind, action,
               policy_version, body) VALUES (?1, ?2, ?3, 'eng', ?4, ?4, 'user', ?5, 'paste', ?6, 7, ?7)",
        )?;
        let mut tag = tx.prepare("INSERT INTO event_tags (seq, kind, value, time_ms) VALUES (?1, ?2, ?3, ?4)")?;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let started = Instant::now();
        for seq in 1..=n as i64 {
            let r = rng.next();
            // Time grows with seq (as uploads arrive), with jitter.
            let t = t0 + (seq as i128 * span as i128 / n as i128) as i64 - (r % 60_000) as i64;
            let (action, site) = (ACTIONS[(r >> 8) as usize % 4], SITES[(r >> 12) as usize % SITES.len()]);
            let device = format!("dev-{:05}", (r >> 20) % 10_000);
            let ents: Vec<(&str, &str)> = (0..1 + (r >> 36) % 3).map(|k| ENTITIES[((r >> (40 + k * 4)) % 16) as usize]).collect();
            let body = format!(
                r#"{{"format":1,"event_id":"e{seq}","time_ms":{t},"device_id":"{device}","user":"user","site":"{site}","trigger":"paste","action":"{action}","rule_ids":["rule-{}"],"entity_counts":{{"{}":1}},"policy_version":7}}"#,
                (r >> 52) % 8,
                ents[0].0
            );
            ins.execute(rusqlite::params![seq, device, format!("e{seq}"), t, site, action, body])?;
            let ev = promptwall_server::store::IngestEvent {
                event_id: String::new(),
                time_ms: t,
                user: String::new(),
                site: site.to_string(),
                trigger: String::new(),
                action: action.to_string(),
                policy_version: 7,
                body: String::new(),
                tags: {
                    let mut tags: Vec<(&'static str, String)> = vec![("rule", format!("rule-{}", (r >> 52) % 8))];
                    let mut cats = std::collections::BTreeSet::new();
                    let mut seen = std::collections::BTreeSet::new();
                    for (e, cat) in &ents {
                        if seen.insert(*e) {
                            tags.push(("entity", e.to_string()));
                        }
                        cats.insert(*cat);
                    }
                    tags.extend(cats.into_iter().map(|c| ("category", c.to_string())));
                    tags
                },
            };
            for (kind, value) in &ev.tags {
                tag.execute(rusqlite::params![seq, kind, value, t])?;
            }
            promptwall_server::stats::add_event(&mut deltas, &ev);
            if seq % 1_000_000 == 0 {
                eprintln!("  {seq} events in {:.0} s", started.elapsed().as_secs_f64());
            }
        }
    }
    promptwall_server::stats::sqlite_apply(&tx, &deltas)?;
    tx.commit()?;
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")?;
    Ok(())
}

async fn fill_pg(url: &str, n: u64, t0: i64, span: i64) -> Result<()> {
    drop(promptwall_server::store::postgres::PgStore::connect(url, 2).await?);
    let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    let sites: Vec<&str> = SITES.to_vec();
    let ents: Vec<&str> = ENTITIES.iter().map(|e| e.0).collect();
    let cats: Vec<&str> = ENTITIES.iter().map(|e| e.1).collect();
    let n = n as i64;
    c.execute(
        "INSERT INTO events (seq, device_id, event_id, group_name, time_ms, received_ms, user_name, site, trigger_kind, action,
           policy_version, body)
         SELECT i, 'dev-' || (i % 10000), 'e' || i, 'eng', $2 + (i * $3 / $1) - (i * 7919 % 60000), $2 + (i * $3 / $1), 'user',
                ($4::text[])[1 + (i * 31 % 12)], 'paste', (ARRAY['block','warn','redact','allow'])[1 + (i * 17 % 4)], 7,
                '{\"format\":1,\"event_id\":\"e' || i || '\",\"user\":\"user\",\"trigger\":\"paste\",\"rule_ids\":[\"rule-' || (i % 8) || '\"],\"policy_version\":7}'
         FROM generate_series(1::bigint, $1) AS i",
        &[&n, &t0, &span, &sites],
    )
    .await?;
    eprintln!("  events in");
    c.execute(
        "INSERT INTO event_tags (seq, kind, value, time_ms)
         SELECT seq, 'rule', 'rule-' || (seq % 8), time_ms FROM events
         UNION ALL SELECT seq, 'entity', ($1::text[])[1 + (seq * 13 % 16)], time_ms FROM events
         UNION ALL SELECT seq, 'category', ($2::text[])[1 + (seq * 13 % 16)], time_ms FROM events",
        &[&ents, &cats],
    )
    .await?;
    eprintln!("  tags in");
    c.batch_execute(&format!("TRUNCATE event_rollups; TRUNCATE event_rollup_log; {} ANALYZE;", promptwall_server::stats::BACKFILL)).await?;
    Ok(())
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = Args::parse();
    let dir = std::env::temp_dir().join(format!("pw-stats-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let now = now_ms();
    let span = a.days * 86_400_000;
    let t0 = now - span;
    let mut pg_db = None;
    let started = Instant::now();
    let url = match &a.database_url {
        Some(base) => {
            let db = format!("pw_stats_bench_{}", std::process::id());
            let (c, conn) = tokio_postgres::connect(base, tokio_postgres::NoTls).await.context("connecting to PostgreSQL")?;
            tokio::spawn(conn);
            c.batch_execute(&format!("CREATE DATABASE {db}")).await?;
            let i = base.rfind('/').context("URL without a database part")?;
            let url = format!("{}/{db}", &base[..i]);
            eprintln!("filling PostgreSQL with {} events over {} days …", a.events, a.days);
            fill_pg(&url, a.events, t0, span).await?;
            pg_db = Some((base.clone(), db));
            Some(url)
        }
        None => {
            eprintln!("filling SQLite with {} events over {} days …", a.events, a.days);
            fill_sqlite(&dir.join("promptwall.db"), a.events, t0, span)?;
            None
        }
    };
    let fill_s = started.elapsed().as_secs_f64();
    let mut cfg = ServerConfig::new("127.0.0.1:0".parse()?, dir.clone());
    cfg.database_url = url.clone();
    cfg.admin_rate = promptwall_server::RateLimit { per_s: 10_000.0, burst: 10_000.0 };
    let server = promptwall_server::start(cfg).await?;
    let admin = server.initial_admin_token.clone().context("admin token")?;
    let base = server.base_url();
    let store = server.store.clone();
    let count = store.count_events().await?;
    let rollup_rows = match &url {
        None => {
            let c = rusqlite::Connection::open(dir.join("promptwall.db"))?;
            c.query_row("SELECT count(*) FROM event_rollups", [], |r| r.get::<_, i64>(0))?
        }
        Some(u) => {
            let (c, conn) = tokio_postgres::connect(u, tokio_postgres::NoTls).await?;
            tokio::spawn(conn);
            c.query_one("SELECT count(*) FROM event_rollups", &[]).await?.get(0)
        }
    };
    println!("backend {}, {} events stored (fill {:.0} s), {} rollup rows", store.backend(), count, fill_s, rollup_rows);
    let http = HttpClient::default();
    let windows = [
        ("48 h by hour (console default)", "bucket=hour".to_string()),
        ("30 days by day", format!("bucket=day&since={}", now - 30 * 86_400_000)),
        ("all time by day", "bucket=day&since=0".to_string()),
    ];
    for (i, (name, q)) in windows.iter().enumerate() {
        let mut ms = Vec::new();
        let mut total = 0;
        for _ in 0..a.calls {
            let t = Instant::now();
            let r = http.get(&format!("{base}/api/v1/admin/stats?{q}"), Some(&admin)).await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(r.status == 200, "stats: {}", r.text());
            total = r.json()["total"].as_i64().unwrap_or(-1);
        }
        let first = ms[0];
        println!(
            "stats {name}: first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} calls), total {total}",
            first,
            pct(&mut ms, 0.5),
            pct(&mut ms, 0.99),
            pct(&mut ms, 1.0),
            a.calls
        );
        if i == 2 {
            anyhow::ensure!(total == count, "all-time total {total} != COUNT(*) over events {count}");
        }
    }
    if a.compare {
        // What the route did before: GROUP BY over the events of the last 48 h.
        let since = now - 48 * 3_600_000;
        let t = Instant::now();
        let sql = format!(
            "SELECT (time_ms / 3600000) * 3600000 AS t, value, count(*) FROM event_tags WHERE kind = 'category' AND time_ms >= {since} GROUP BY 1, 2"
        );
        match &url {
            None => {
                let c = rusqlite::Connection::open(dir.join("promptwall.db"))?;
                let mut st = c.prepare(&sql)?;
                let _n = st.query_map([], |_| Ok(()))?.count();
            }
            Some(u) => {
                let (c, conn) = tokio_postgres::connect(u, tokio_postgres::NoTls).await?;
                tokio::spawn(conn);
                c.query(&sql, &[]).await?;
            }
        }
        println!(
            "before rollups, one of the six 48 h queries (categories by hour over event_tags): {:.0} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    server.shutdown().await?;
    if let Some((base, db)) = pg_db {
        let (c, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await?;
    }
    let size = std::fs::metadata(dir.join("promptwall.db")).map(|m| m.len()).unwrap_or(0);
    if size > 0 {
        println!("SQLite file {:.0} MiB", size as f64 / 1_048_576.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
