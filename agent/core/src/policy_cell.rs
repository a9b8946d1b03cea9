//! The policy in force: a swappable cell holding the policy and its engine, loaded from an override
//! file, the last good signed bundle, or the built-in default, and the rules for taking a new
//! bundle (`PolicyCell::offer`). The daemon's sync loop fetches bundles; this module decides.
//!
//! Precedence: a local override file (`--policy`, `PROMPTWALL_POLICY` in development builds, or the
//! configuration's `policy_override`) > the last good signed bundle (`$DATA_DIR/policy/bundle.json`) >
//! the built-in default. Verdicts read the [`PolicyCell`] per request, so a swap applies to the next
//! verdict of every connection.
//!
//! A bundle offered is verified (trusted keys from configuration, signature, validity window,
//! audience: the device's group from enrollment, no rollback: a lower version, or the same version
//! with other content, is refused), written atomically (temp file, fsync, rename, directory
//! fsync), then swapped in memory. A refused bundle changes nothing: the old one stays in force.
//!
//! Rollback floor: `$DATA_DIR/policy/floor.json` (`{"version": N, "sha256": "<canonical>"}`)
//! records the highest bundle version ever accepted, written atomically before the bundle itself.
//! It outlives the bundle: after a restart with an expired bundle, or one whose key was retired,
//! no older bundle is accepted. A last-good bundle outside its validity window (it expired, or the
//! clock jumped) stays in force, with a warning, until a newer one arrives: the company's latest
//! policy is never replaced by the more lenient built-in one because a clock moved.

use anyhow::{Context, Result};
use promptwall_detect::Engine;
use promptwall_policy::{self as pol, CompiledPolicy};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

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
        let tenant_key = if policy.policy.custom_detectors.iter().any(|c| c.needs_tenant_key()) {
            let k = crate::credential::tenant_redaction_key();
            if k.is_none() {
                tracing::warn!("the policy has exact-data-match sets keyed by the tenant key, which this device lacks (not enrolled): they cannot match");
            }
            k
        } else {
            None
        };
        let builder = crate::models::attach(Engine::builder()).custom(policy.policy.custom_detectors.clone()).tenant_key(tenant_key);
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

    /// A cell holding one policy (as an override), for tests and embedding.
    pub fn with_policy(policy: CompiledPolicy) -> Result<PolicyCell> {
        let loaded = Loaded::build(policy, 1, "given".into(), None, None)?;
        Ok(PolicyCell { slots: RwLock::new(Slots { overridden: Some(Arc::new(loaded)), bundle: None, default: None }) })
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
    let policy =
        pol::parse_policy(&text).map_err(|problems| anyhow::anyhow!("{}: invalid policy ({} problems)", path.display(), problems.len()))?;
    Loaded::build(policy, 1, format!("override {}", path.display()), None, None)
}

pub fn bundle_path() -> Result<PathBuf> {
    Ok(crate::paths::private_dir(crate::paths::data_dir()?.join("policy"))?.join("bundle.json"))
}

fn now_s() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn canonical_of(bytes: &[u8]) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.as_object_mut()?.remove("signature");
    Some(pol::canonical_json(&v))
}

/// The highest bundle version this device ever accepted, and its content's hash.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Floor {
    pub version: u64,
    pub sha256: String,
}

fn floor_path() -> Result<PathBuf> {
    Ok(crate::paths::private_dir(crate::paths::data_dir()?.join("policy"))?.join("floor.json"))
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The rollback floor; a missing one is none, an unreadable one an error (refuse rather than
/// forget).
pub fn load_floor() -> Result<Option<Floor>> {
    let path = floor_path()?;
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(serde_json::from_str(&t).with_context(|| format!("{}: unreadable rollback floor", path.display()))?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("{}: cannot read", path.display())),
    }
}

fn raise_floor(version: u64, canonical: &str) -> Result<()> {
    if load_floor().ok().flatten().is_some_and(|f| f.version > version) {
        return Ok(());
    }
    let f = Floor { version, sha256: sha256_hex(canonical) };
    crate::paths::write_atomic(&floor_path()?, serde_json::to_string(&f)?.as_bytes(), 0o600)
}

/// The device's group from its enrollment (group-scoped bundles are checked against it).
fn device_group() -> Option<String> {
    crate::credential::load_enrollment().ok().flatten().and_then(|e| e.group)
}

/// Verifies a bundle that was accepted before (the last good one on disk): signature, trusted
/// key, audience and floor as always; outside its validity window it is still used (see the
/// module doc), with a warning.
fn verify_at_rest(bytes: &[u8], cfg: &AgentConfig, floor: Option<u64>) -> Result<pol::VerifiedBundle, pol::BundleError> {
    let now = now_s();
    let v = match pol::verify(bytes, &cfg.trusted_keys, floor, now) {
        Err(pol::BundleError::Expired(exp, _)) => {
            let v = pol::verify(bytes, &cfg.trusted_keys, floor, exp.saturating_sub(1))?;
            tracing::warn!(
                version = v.version,
                expired = exp,
                now,
                "the last good policy bundle expired; it stays in force until a newer one arrives"
            );
            v
        }
        Err(pol::BundleError::NotYetValid(nb, _)) => {
            let v = pol::verify(bytes, &cfg.trusted_keys, floor, nb)?;
            tracing::warn!(
                version = v.version,
                not_before = nb,
                now,
                "the clock is before the last good bundle's validity; it stays in force"
            );
            v
        }
        other => other?,
    };
    v.check_audience(device_group().as_deref())?;
    Ok(v)
}

fn load_last_good(cfg: &AgentConfig) -> Result<Option<Loaded>> {
    let path = bundle_path()?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    let floor = load_floor()?;
    let v = verify_at_rest(&bytes, cfg, floor.as_ref().map(|f| f.version)).with_context(|| format!("{}: refused", path.display()))?;
    let canonical = canonical_of(&bytes);
    if let (Some(f), Some(c)) = (&floor, &canonical) {
        anyhow::ensure!(
            f.version != v.version || f.sha256 == sha256_hex(c),
            "{}: version {} has other content than the one accepted before: refused",
            path.display(),
            v.version
        );
    }
    Ok(Some(Loaded::build(v.policy, v.version, "bundle".into(), canonical, Some(v.expires))?))
}

/// What offering a bundle to the cell did.
#[derive(Debug, PartialEq)]
pub enum Offered {
    /// It is the bundle already in force.
    Same,
    /// Verified, saved and swapped in: this version is now in force.
    Taken(u64),
    /// Refused, with the reason; the old bundle stays in force.
    Refused(String),
}

impl PolicyCell {
    /// Offers a downloaded bundle: verified against configuration, the bundle in force and the
    /// rollback floor; if good, the floor is raised and the bundle saved, then swapped in.
    pub fn offer(&self, bytes: &[u8], cfg: &AgentConfig) -> Offered {
        let current = self.bundle();
        match accept(bytes, cfg, current.as_deref()) {
            Ok(None) => Offered::Same,
            Ok(Some(loaded)) => {
                let version = loaded.version;
                // The floor first: a crash between the two leaves a floor at the new version
                // and the old bundle, which still loads (it is below the floor only if older).
                let saved = raise_floor(version, loaded.canonical.as_deref().unwrap_or_default())
                    .and_then(|()| bundle_path())
                    .and_then(|p| crate::paths::write_atomic(&p, bytes, 0o600));
                match saved {
                    Ok(()) => {
                        self.set_bundle(Arc::new(loaded));
                        Offered::Taken(version)
                    }
                    // Not swapped: host processes started later would load the old bundle from
                    // disk, and the two must agree.
                    Err(e) => Offered::Refused(format!("could not save the bundle: {e:#}")),
                }
            }
            Err(reason) => Offered::Refused(reason),
        }
    }
}

/// Verifies a downloaded bundle against configuration and the bundle in force. `Ok(None)`: it
/// is the bundle already in force.
fn accept(bytes: &[u8], cfg: &AgentConfig, current: Option<&Loaded>) -> Result<Option<Loaded>, String> {
    let floor = load_floor().map_err(|e| format!("{e:#}"))?;
    let at_least = current.map(|c| c.version).max(floor.as_ref().map(|f| f.version));
    let v = pol::verify(bytes, &cfg.trusted_keys, at_least, now_s()).map_err(|e| e.to_string())?;
    v.check_audience(device_group().as_deref()).map_err(|e| e.to_string())?;
    let canonical = canonical_of(bytes);
    if let (Some(f), Some(c)) = (&floor, &canonical) {
        if f.version == v.version && f.sha256 != sha256_hex(c) && current.is_none_or(|cur| cur.version != v.version) {
            return Err(format!("bundle version {} has other content than the version accepted before: refusing it", v.version));
        }
    }
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
