//! The daemon's event upload: batches from the local store to `POST /api/v1/events`, oldest
//! first.
//!
//! - A row is deleted only after the server acknowledged it: listed as `accepted` or as
//!   `duplicates` (it already had it: a retry after a lost reply, or after the daemon was killed
//!   between upload and delete). The server dedupes by event id, so a retry never stores twice.
//! - `rejected` events would be rejected again: they are deleted, counted in the store's
//!   `rejected_total` and logged (id and reason only), so one bad row cannot block the queue.
//! - 413 (batch over the server's body limit): the batch is halved until it fits; a single
//!   event that does not fit is dropped and counted as rejected.
//! - No answer, 5xx, 408, 429: retried with exponential backoff and jitter (at least
//!   `Retry-After`). Other 4xx (revoked credential, a batch the server cannot take): logged, the
//!   events stay, and the next try is at the regular interval.
//! - A heartbeat (versions, queue depth, dropped events) goes out every `sync_interval_s`.
//!
//! It uses its own connection to the store (SQLite WAL), so hosts keep appending meanwhile.

use promptwall_store::{EventStore, StoreConfig};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::config::AgentConfig;
use crate::sync::{enrolled_client, sleep_unless};
use promptwall_agent::policy_cell::PolicyCell;

pub fn upload_loop(cell: Arc<PolicyCell>, config: Arc<RwLock<AgentConfig>>, stop: Arc<AtomicBool>) {
    let mut store: Option<EventStore> = None;
    let mut attempt = 0u32;
    let mut last_heartbeat: Option<Instant> = None;
    // Halved after a 413 (batch over the server's body limit), back to the configured size after
    // a success. A single event still too large is dropped and counted as rejected.
    let mut shrink: u32 = 0;
    loop {
        let cfg = config.read().unwrap_or_else(|p| p.into_inner()).clone();
        let interval = Duration::from_secs(cfg.upload_interval_s);
        if store.is_none() {
            store = crate::local::data_dir()
                .and_then(|d| EventStore::open(&d.join("events.db"), StoreConfig::default()).map_err(anyhow::Error::from))
                .map_err(|e| tracing::warn!(error = %format!("{e:#}"), "event upload: store not available"))
                .ok();
        }
        let wait = match (store.as_mut(), enrolled_client(&cfg)) {
            (None, _) => interval,
            (Some(_), Err(e)) => {
                tracing::debug!(reason = %format!("{e:#}"), "event upload idle");
                interval
            }
            (Some(st), Ok((client, _))) => {
                let batch = (cfg.upload_batch_size >> shrink).max(1);
                let wait = match upload_batch(st, &client, batch) {
                    Ok(Sent { acknowledged, full }) => {
                        attempt = 0;
                        shrink = 0;
                        let _ = st.set_state("server_last_error", "");
                        if acknowledged > 0 {
                            let _ = st.set_state("upload_last_ok_ms", &crate::local::now_ms().to_string());
                        }
                        if full {
                            Duration::ZERO // more are waiting: send the next batch now
                        } else {
                            interval
                        }
                    }
                    Err(crate::client::ApiError::Status { status: 413, .. }) if batch > 1 => {
                        shrink += 1;
                        tracing::warn!(
                            batch = (cfg.upload_batch_size >> shrink).max(1),
                            "upload batch too large for the server; sending smaller batches"
                        );
                        Duration::ZERO
                    }
                    Err(crate::client::ApiError::Status { status: 413, .. }) => {
                        if let Ok(one) = st.pending(1) {
                            let ids: Vec<String> = one.into_iter().map(|e| e.event_id).collect();
                            tracing::warn!(event_id = ?ids, "event too large for the server; dropping it");
                            let _ = st.reject(&ids);
                        }
                        Duration::ZERO
                    }
                    Err(e) => {
                        let _ = st.set_state("server_last_error", &e.to_string());
                        if e.retryable() {
                            attempt += 1;
                            let w = crate::local::backoff(attempt, Duration::from_secs(1), Duration::from_secs(cfg.backoff_max_s))
                                .max(e.retry_after().unwrap_or_default());
                            tracing::warn!(error = %e, attempt, retry_in_ms = w.as_millis() as u64, "event upload failed; events stay queued");
                            w
                        } else {
                            attempt = 0;
                            tracing::warn!(error = %e, "event upload refused by the server; events stay queued until the next interval");
                            interval
                        }
                    }
                };
                if attempt == 0 && last_heartbeat.is_none_or(|t| t.elapsed() >= Duration::from_secs(cfg.sync_interval_s)) {
                    let stats = st.stats().unwrap_or(promptwall_store::Stats { queued: 0, dropped_total: 0 });
                    match client.heartbeat(cell.current().version, stats.queued, stats.dropped_total) {
                        Ok(()) => last_heartbeat = Some(Instant::now()),
                        Err(e) => tracing::debug!(error = %e, "heartbeat failed"),
                    }
                }
                wait
            }
        };
        if !sleep_unless(&stop, wait) {
            return;
        }
    }
}

struct Sent {
    acknowledged: usize,
    /// The batch was full: more may be waiting.
    full: bool,
}

fn upload_batch(store: &mut EventStore, client: &crate::client::Client, batch: usize) -> Result<Sent, crate::client::ApiError> {
    let events = store.pending(batch).map_err(|e| crate::client::ApiError::Protocol(format!("reading the queue: {e}")))?;
    if events.is_empty() {
        return Ok(Sent { acknowledged: 0, full: false });
    }
    let reply = client.upload(&events)?;
    // Only ids we sent count: a confused server must not make us delete other rows.
    let sent: std::collections::HashSet<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    let acked: Vec<String> = reply.accepted.iter().chain(&reply.duplicates).filter(|id| sent.contains(id.as_str())).cloned().collect();
    let rejected: Vec<String> = reply.rejected.iter().filter(|r| sent.contains(r.event_id.as_str())).map(|r| r.event_id.clone()).collect();
    for r in &reply.rejected {
        tracing::warn!(event_id = %r.event_id, reason = %r.reason.chars().take(200).collect::<String>(), "server rejected an event; dropping it");
    }
    let n = store.ack(&acked).map_err(|e| crate::client::ApiError::Protocol(format!("deleting acknowledged events: {e}")))?;
    let r = store.reject(&rejected).map_err(|e| crate::client::ApiError::Protocol(format!("dropping rejected events: {e}")))?;
    tracing::info!(sent = events.len(), acknowledged = n, duplicates = reply.duplicates.len(), rejected = r, "events uploaded");
    Ok(Sent { acknowledged: n, full: events.len() >= batch && n + r > 0 })
}
