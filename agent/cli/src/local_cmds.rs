//! `promptwall status` and `promptwall events`: what this machine's agent holds, metadata only.

use anyhow::{Context, Result};
use clap::Args;
use promptwall_store::{EventStore, StoreConfig};
use std::process::ExitCode;

#[derive(Args)]
pub struct EventsArgs {
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
    /// At most this many events, oldest first.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

fn open_store() -> Result<EventStore> {
    let dir = crate::local::data_dir()?;
    EventStore::open(&dir.join("events.db"), StoreConfig::default()).context("opening the event store")
}

fn ago(ms: Option<i64>) -> String {
    match ms {
        Some(t) if t > 0 => {
            let s = (crate::local::now_ms() - t).max(0) / 1000;
            match s {
                0..=119 => format!("{s} s ago"),
                120..=7199 => format!("{} min ago", s / 60),
                _ => format!("{} h ago", s / 3600),
            }
        }
        _ => "never".into(),
    }
}

/// The running daemon's own status reply, if one answers.
fn daemon_status() -> Option<serde_json::Value> {
    use promptwall_protocol::framing::{read_frame, write_frame};
    let mut conn = crate::daemon::connect()?;
    write_frame(&mut conn.writer, r#"{"id":"status","v":2,"type":"status"}"#).ok()?;
    let reply = read_frame(&mut conn.reader, promptwall_protocol::MAX_OUTBOUND).ok()?;
    serde_json::from_str(&reply).ok()
}

pub fn status() -> Result<ExitCode> {
    let dir = crate::local::data_dir()?;
    let cfg = crate::config::AgentConfig::load();
    let cfg_line = match &cfg {
        Ok(_) => crate::config::describe_sources(),
        Err(e) => format!("INVALID: {e:#}"),
    };
    let cfg = cfg.unwrap_or_default();
    println!("agent version:   {}", env!("CARGO_PKG_VERSION"));
    println!("configuration:   {cfg_line}");
    let store = open_store().ok();
    let state = |k: &str| store.as_ref().and_then(|s| s.state(k).ok().flatten()).filter(|v| !v.is_empty());
    let state_ms = |k: &str| state(k).and_then(|v| v.parse::<i64>().ok());
    match promptwall_agent::policy_cell::PolicyCell::load(
        &cfg,
        cfg.override_policy(crate::local::dev_env("PROMPTWALL_POLICY").map(std::path::PathBuf::from).as_ref()).as_deref(),
    ) {
        Ok(cell) => {
            let p = cell.current();
            let age = match std::fs::metadata(promptwall_agent::policy_cell::bundle_path()?).and_then(|m| m.modified()) {
                Ok(t) if p.source == "bundle" => {
                    format!(", received {}", ago(t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_millis() as i64)))
                }
                _ => String::new(),
            };
            let expires =
                p.expires.map(|e| format!(", expires in {} days", (e as i64 - crate::local::now_ms() / 1000) / 86_400)).unwrap_or_default();
            println!("policy:          {} (version {}, {}{age}{expires})", p.policy.policy.name, p.version, p.source);
        }
        Err(e) => println!("policy:          unusable: {e:#}"),
    }
    println!(
        "last policy sync: {}{}",
        ago(state_ms("policy_last_sync_ms")),
        state("policy_last_error").map(|e| format!("; last bundle refused: {e}")).unwrap_or_default()
    );
    println!("detection:       {}", crate::models::summary());
    for m in crate::models::status() {
        println!("  model          {}", m.line());
    }
    println!("data directory:  {}", dir.display());
    // The daemon knows what a fresh process cannot: whether its event writes are failing.
    match daemon_status() {
        Some(v) => println!("daemon:          serving; events {}", v["events"].as_str().unwrap_or("unknown")),
        None => println!("daemon:          not running (native hosts decide alone)"),
    }
    match store.as_ref().map(|s| (s.stats(), s.rejected_total())) {
        Some((Ok(st), rej)) => println!(
            "event queue:     {} waiting for upload, {} dropped (store full), {} rejected by the server; last upload {}",
            st.queued,
            st.dropped_total,
            rej.unwrap_or(0),
            ago(state_ms("upload_last_ok_ms"))
        ),
        _ => println!("event queue:     unavailable"),
    }
    let daemon = if crate::daemon::connect().is_some() { "running" } else { "not running (the native host decides in-process)" };
    println!("daemon:          {daemon}");
    match crate::credential::load_enrollment() {
        Ok(Some(e)) => {
            let reach = match state("server_last_error") {
                Some(err) => format!("last contact failed: {err}"),
                None if state_ms("policy_last_sync_ms").is_some() => "reachable at the last sync".into(),
                None => "not contacted yet".into(),
            };
            println!(
                "server:          {} (device {}{}); {reach}",
                e.server_url,
                e.device_id,
                e.group.map(|g| format!(", group {g}")).unwrap_or_default()
            );
        }
        Ok(None) => println!("server:          not enrolled"),
        Err(err) => println!("server:          enrollment record unreadable: {err:#}"),
    }
    println!("credential:      {}", crate::credential::describe());
    Ok(ExitCode::SUCCESS)
}

pub fn events(a: EventsArgs) -> Result<ExitCode> {
    let store = open_store()?;
    let events = store.pending(a.limit)?;
    if a.json {
        for e in &events {
            println!("{}", serde_json::to_string(e)?);
        }
    } else if events.is_empty() {
        println!("no events waiting for upload");
    } else {
        println!("{:<34} {:<14} {:<8} {:<22} FINDINGS", "EVENT", "TRIGGER", "ACTION", "SITE");
        for e in &events {
            let counts: Vec<String> = e.entity_counts.iter().map(|(t, n)| format!("{n}×{t}")).collect();
            let trig = match &e.choice {
                Some(c) => format!("{}:{c}", e.trigger),
                None => e.trigger.to_string(),
            };
            println!("{:<34} {:<14} {:<8} {:<22} {}", e.event_id, trig, e.action, e.site, counts.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
