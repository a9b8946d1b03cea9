//! The daemon's policy sync loop: conditional GET `/api/v1/policy` with the stored ETag; a 200
//! bundle is offered to the [`PolicyCell`] (which verifies, saves and swaps it, see
//! `promptwall_agent::policy_cell`). Failures with no answer, 5xx, 408 and 429 are retried with
//! exponential backoff and jitter (at least `Retry-After`); other 4xx wait for the next regular
//! interval.

use anyhow::{Context, Result};
use promptwall_agent::policy_cell::{Offered, PolicyCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::client::{ApiError, Client, PolicyReply};
use crate::config::AgentConfig;

/// What one sync attempt did.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Unchanged,
    Updated(u64),
    NoPolicy,
    /// The bundle was refused (reason); the old one stays in force.
    Refused(String),
}

/// One conditional GET and, for a new bundle, verify + write + swap.
pub fn sync_once(client: &Client, cfg: &AgentConfig, cell: &PolicyCell, etag: Option<&str>) -> Result<(Outcome, Option<String>), ApiError> {
    match client.policy(etag)? {
        PolicyReply::NotModified => Ok((Outcome::Unchanged, etag.map(String::from))),
        PolicyReply::NoPolicy => Ok((Outcome::NoPolicy, None)),
        PolicyReply::Bundle { bytes, etag: new_tag } => {
            let outcome = match cell.offer(&bytes, cfg) {
                Offered::Same => Outcome::Unchanged,
                Offered::Taken(version) => Outcome::Updated(version),
                Offered::Refused(reason) => Outcome::Refused(reason),
            };
            // Keep the ETag only for what we hold; a refused bundle is fetched (and refused) again
            // at the next interval, which keeps it visible in the logs until the server is fixed.
            let tag = match outcome {
                Outcome::Refused(_) => etag.map(String::from),
                _ => new_tag,
            };
            Ok((outcome, tag))
        }
    }
}

/// Sleeps up to `d`, waking early when `stop` is set. Returns false when stopping.
pub fn sleep_unless(stop: &AtomicBool, d: Duration) -> bool {
    let end = std::time::Instant::now() + d;
    while std::time::Instant::now() < end {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50).min(end.saturating_duration_since(std::time::Instant::now())));
    }
    !stop.load(Ordering::Relaxed)
}

/// The enrolled server and a client with the device credential, or why there is none.
pub fn enrolled_client(cfg: &AgentConfig) -> Result<(Client, crate::credential::Enrollment)> {
    let e = crate::credential::load_enrollment()?.context("not enrolled (run `promptwall enroll`)")?;
    let token = crate::credential::load(&e)?;
    let client = Client::new(&e.server_url, Some(token), cfg.server_ca_file.as_deref())?;
    Ok((client, e))
}

/// The daemon's sync loop: runs until `stop`.
pub fn policy_loop(
    cell: Arc<PolicyCell>,
    config: Arc<RwLock<AgentConfig>>,
    store: Option<Arc<std::sync::Mutex<promptwall_store::EventStore>>>,
    stop: Arc<AtomicBool>,
) {
    let mut attempt = 0u32;
    let state = |key: &str| {
        store.as_ref().and_then(|s| s.lock().unwrap_or_else(|p| p.into_inner()).state(key).ok().flatten()).filter(|v| !v.is_empty())
    };
    let set_state = |key: &str, value: &str| {
        if let Some(s) = &store {
            let _ = s.lock().unwrap_or_else(|p| p.into_inner()).set_state(key, value);
        }
    };
    let mut etag = if cell.bundle().is_some() { state("policy_etag") } else { None };
    loop {
        let cfg = config.read().unwrap_or_else(|p| p.into_inner()).clone();
        let interval = Duration::from_secs(cfg.sync_interval_s);
        let wait = match enrolled_client(&cfg) {
            Err(e) => {
                tracing::debug!(reason = %format!("{e:#}"), "policy sync idle");
                interval
            }
            Ok((client, _)) => {
                set_state("policy_last_attempt_ms", &crate::local::now_ms().to_string());
                match sync_once(&client, &cfg, &cell, etag.as_deref()) {
                    Ok((outcome, tag)) => {
                        attempt = 0;
                        set_state("policy_last_sync_ms", &crate::local::now_ms().to_string());
                        set_state("server_last_error", "");
                        match &outcome {
                            Outcome::Updated(v) => {
                                tracing::info!(version = v, "policy bundle updated");
                                set_state("policy_last_error", "");
                            }
                            Outcome::Refused(reason) => {
                                tracing::warn!(reason = %reason, in_force = cell.current().version, "policy bundle refused; the old one stays in force");
                                set_state("policy_last_error", reason);
                            }
                            Outcome::Unchanged => tracing::debug!("policy unchanged"),
                            Outcome::NoPolicy => tracing::debug!("server has no policy for this device"),
                        }
                        if tag != etag {
                            etag = tag;
                            set_state("policy_etag", etag.as_deref().unwrap_or(""));
                        }
                        interval
                    }
                    Err(e) => {
                        set_state("server_last_error", &e.to_string());
                        if e.retryable() {
                            attempt += 1;
                            let w = crate::local::backoff(attempt, Duration::from_secs(1), Duration::from_secs(cfg.backoff_max_s))
                                .max(e.retry_after().unwrap_or_default());
                            tracing::warn!(error = %e, attempt, retry_in_ms = w.as_millis() as u64, "policy sync failed");
                            w
                        } else {
                            attempt = 0;
                            tracing::warn!(error = %e, "policy sync refused by the server; next try at the regular interval");
                            interval
                        }
                    }
                }
            }
        };
        if !sleep_unless(&stop, wait) {
            return;
        }
    }
}
