//! The policy in force, and the daemon's policy sync.
//!
//! Precedence: a local override file (`--policy`, `PROMPTWALL_POLICY`, or the configuration's
//! `policy_override`) > the last good signed bundle (`$DATA_DIR/policy/bundle.json`) > the
//! built-in default. Verdicts read the [`PolicyCell`] per request, so a swap applies to the next
//! verdict of every connection.
//!
//! Sync (daemon only): conditional GET `/api/v1/policy` with the stored ETag; a 200 bundle is
//! verified (trusted keys from configuration, signature, validity window, no rollback: a lower
//! version, or the same version with other content, is refused), written atomically (temp file,
//! fsync, rename, directory fsync), then swapped in memory. A refused bundle changes nothing: the
//! old one stays in force. Failures with no answer, 5xx, 408 and 429 are retried with exponential
//! backoff and jitter (at least `Retry-After`); other 4xx wait for the next regular interval.

use anyhow::{Context, Result};
use promptwall_detect::Engine;
use promptwall_policy::{self as pol, CompiledPolicy};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::client::{ApiError, Client, PolicyReply};
use crate::config::AgentConfig;

/// One usable policy with its engine (custom detectors are part of the engine).
pub struct Loaded {
    pub policy: Arc<CompiledPolicy>,
    pub engine: Arc<Engine>,
    pub version: u64,
    /// `built-in`, `override FILE` or `bundle`.
    pub source: String,
    /// For bundles: the canonical JSON of the signed content (same-version comparison).
    pub canonical: Option<String>,
    /// For bundles: expiry (Unix seconds).
    pub expires: Option<u64>,
}

impl Loaded {
    fn build(policy: CompiledPolicy, version: u64, source: String, canonical: Option<String>, expires: Option<u64>) -> Result<Loaded> {
        let builder = crate::models::attach(Engine::builder()).custom(policy.policy.custom_detectors.clone());
        let engine = builder.build().context("building the engine")?;
        Ok(Loaded { policy: Arc::new(policy), engine: Arc::new(engine), version, source, canonical, expires })
    }
}

struct Slots {
    overridden: Option<Arc<Loaded>>,
    bundle: Option<Arc<Loaded>>,
    /// Built only when needed (no override and no bundle): a process that decides with a synced
    /// bundle never pays for a second engine.
    default: Option<Arc<Loaded>>,
}

fn build_default() -> Result<Arc<Loaded>> {
    Ok(Arc::new(Loaded::build(pol::default_policy(), 0, "built-in".into(), None, None)?))
}

/// The policy in force, swappable while verdicts are being made.
pub struct PolicyCell {
    slots: RwLock<Slots>,
}

impl PolicyCell {
    pub fn current(&self) -> Arc<Loaded> {
        {
            let s = self.slots.read().unwrap_or_else(|p| p.into_inner());
            if let Some(l) = s.overridden.clone().or_else(|| s.bundle.clone()).or_else(|| s.default.clone()) {
                return l;
            }
        }
        // An override was removed and there is no bundle: build the built-in policy now.
        let mut s = self.slots.write().unwrap_or_else(|p| p.into_inner());
        if s.default.is_none() {
            match build_default() {
                Ok(d) => s.default = Some(d),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "cannot build the built-in policy"),
            }
        }
        s.overridden.clone().or_else(|| s.bundle.clone()).or_else(|| s.default.clone()).unwrap_or_else(|| {
            // Only reachable if the built-in policy's engine fails to build, which tests rule out.
            panic!("no policy can be built")
        })
    }

    /// The last good signed bundle, whether or not an override hides it.
    pub fn bundle(&self) -> Option<Arc<Loaded>> {
        self.slots.read().unwrap_or_else(|p| p.into_inner()).bundle.clone()
    }

    fn set_bundle(&self, b: Arc<Loaded>) {
        self.slots.write().unwrap_or_else(|p| p.into_inner()).bundle = Some(b);
    }

    pub fn set_override(&self, o: Option<Arc<Loaded>>) {
        self.slots.write().unwrap_or_else(|p| p.into_inner()).overridden = o;
    }

    /// Builds the cell: override file (skipped with an error log if it does not load), last good
    /// bundle (skipped with a warning if it no longer verifies), built-in default.
    pub fn load(cfg: &AgentConfig, override_file: Option<&Path>) -> Result<PolicyCell> {
        // A broken override must not cost verdicts: it is logged and the next source is used.
        let overridden = override_file.and_then(|f| {
            load_override(f).map_err(|e| tracing::error!(error = %format!("{e:#}"), "policy override not used")).ok().map(Arc::new)
        });
        let bundle = match load_last_good(cfg) {
            Ok(b) => b.map(Arc::new),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "last good policy bundle not used");
                None
            }
        };
        let default = if overridden.is_none() && bundle.is_none() { Some(build_default()?) } else { None };
        Ok(PolicyCell { slots: RwLock::new(Slots { overridden, bundle, default }) })
    }
}

pub fn load_override(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read policy", path.display()))?;
    let policy = pol::parse_policy(&text).map_err(|problems| anyhow::anyhow!("{}: invalid policy ({} problems)", path.display(), problems.len()))?;
    Loaded::build(policy, 1, format!("override {}", path.display()), None, None)
}

pub fn bundle_path() -> Result<PathBuf> {
    Ok(crate::local::private_dir(crate::local::data_dir()?.join("policy"))?.join("bundle.json"))
}

fn now_s() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn canonical_of(bytes: &[u8]) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.as_object_mut()?.remove("signature");
    Some(pol::canonical_json(&v))
}

fn load_last_good(cfg: &AgentConfig) -> Result<Option<Loaded>> {
    let path = bundle_path()?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    let v = pol::verify(&bytes, &cfg.trusted_keys, None, now_s()).with_context(|| format!("{}: refused", path.display()))?;
    Ok(Some(Loaded::build(v.policy, v.version, "bundle".into(), canonical_of(&bytes), Some(v.expires))?))
}

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
            let current = cell.bundle();
            let outcome = match accept(&bytes, cfg, current.as_deref()) {
                Ok(None) => Outcome::Unchanged,
                Ok(Some(loaded)) => {
                    let version = loaded.version;
                    match bundle_path().and_then(|p| crate::local::write_atomic(&p, &bytes, 0o600)) {
                        Ok(()) => {
                            cell.set_bundle(Arc::new(loaded));
                            Outcome::Updated(version)
                        }
                        // Not swapped: host processes started later would load the old bundle
                        // from disk, and the two must agree.
                        Err(e) => Outcome::Refused(format!("could not save the bundle: {e:#}")),
                    }
                }
                Err(reason) => Outcome::Refused(reason),
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

/// Verifies a downloaded bundle against configuration and the bundle in force. `Ok(None)`: it
/// is the bundle already in force.
fn accept(bytes: &[u8], cfg: &AgentConfig, current: Option<&Loaded>) -> Result<Option<Loaded>, String> {
    let v = pol::verify(bytes, &cfg.trusted_keys, current.map(|c| c.version), now_s()).map_err(|e| e.to_string())?;
    let canonical = canonical_of(bytes);
    if let Some(c) = current {
        if v.version == c.version {
            if c.canonical == canonical {
                return Ok(None);
            }
            return Err(format!("bundle version {} has other content than the version in force: refusing it", v.version));
        }
    }
    Loaded::build(v.policy, v.version, "bundle".into(), canonical, Some(v.expires)).map(Some).map_err(|e| format!("{e:#}"))
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
pub fn policy_loop(cell: Arc<PolicyCell>, config: Arc<RwLock<AgentConfig>>, store: Option<Arc<std::sync::Mutex<promptwall_store::EventStore>>>, stop: Arc<AtomicBool>) {
    let mut attempt = 0u32;
    let state = |key: &str| store.as_ref().and_then(|s| s.lock().unwrap_or_else(|p| p.into_inner()).state(key).ok().flatten()).filter(|v| !v.is_empty());
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
                            let w = crate::local::backoff(attempt, Duration::from_secs(1), Duration::from_secs(cfg.backoff_max_s)).max(e.retry_after().unwrap_or_default());
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
