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

pub fn status() -> Result<ExitCode> {
    let dir = crate::local::data_dir()?;
    let policy = promptwall_policy::default_policy();
    println!("agent version:   {}", env!("CARGO_PKG_VERSION"));
    println!("policy:          {} (built-in, version 0; no server sync configured)", policy.policy.name);
    println!("detection:       structured detectors only (no ML model configured)");
    println!("data directory:  {}", dir.display());
    match open_store().and_then(|s| s.stats().map_err(anyhow::Error::from)) {
        Ok(st) => println!("event queue:     {} waiting for upload, {} dropped (store full)", st.queued, st.dropped_total),
        Err(e) => println!("event queue:     unavailable: {e:#}"),
    }
    println!("daemon:          not running (the native host decides in-process)");
    println!("server:          not enrolled");
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
                None => e.trigger.clone(),
            };
            println!("{:<34} {:<14} {:<8} {:<22} {}", e.event_id, trig, e.action, e.site, counts.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
