//! Signed policy bundles.
//!
//! A bundle is JSON: `{"bundle_format": 1, "version": N, "not_before": T, "expires": T,
//! "key_id": "...", "audience": {"groups": ["engineering"]}, "policy": {...},
//! "signature": "<base64 Ed25519>"}` with times in Unix seconds. The audience names the device
//! groups the bundle is for (`"*"`: every group); it is signed, so neither the server nor a
//! holder of an admin token can serve one group's bundle to another (the server checks it on
//! upload, devices on receipt: [`VerifiedBundle::admits`]).
//! The signature covers the canonical serialization (object keys sorted, no insignificant
//! whitespace) of the bundle without its `signature` field. Trusted public keys come from managed
//! configuration, several at once for rotation.
//!
//! Verification refuses, with a reason: oversized input, bad JSON, unknown format, unknown key id,
//! bad signature, a version older than (or equal to, with other content) the one in force
//! (rollback), not yet valid, expired, or a policy that does not validate.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::{parse_policy, CompiledPolicy, Problem};

pub const BUNDLE_FORMAT: u32 = 1;
/// Bundles larger than this are refused before parsing.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// A trusted verification key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    pub key_id: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
}

/// Why a bundle was refused. The old policy stays in force.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BundleError {
    #[error("bundle is {0} bytes, over the {MAX_BUNDLE_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("bundle is not valid JSON: {0}")]
    Json(String),
    #[error("bundle field `{0}` is missing or has the wrong type")]
    Field(&'static str),
    #[error("bundle format {0} is not supported (this agent reads format {BUNDLE_FORMAT})")]
    Format(u64),
    #[error("bundle is signed with key `{0}`, which is not a trusted key")]
    UnknownKey(String),
    #[error("trusted key `{0}` is not a valid Ed25519 public key")]
    BadTrustedKey(String),
    #[error("bundle signature does not verify")]
    BadSignature,
    #[error("bundle version {got} is older than the version in force ({current}): refusing a rollback")]
    Rollback { got: u64, current: u64 },
    #[error("bundle is not valid before {0} (now {1})")]
    NotYetValid(u64, u64),
    #[error("bundle expired at {0} (now {1})")]
    Expired(u64, u64),
    #[error("bundle is for the groups {audience:?}, not for this device's group `{group}`")]
    Audience { audience: Vec<String>, group: String },
    #[error("policy in the bundle is invalid:\n{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Policy(Vec<Problem>),
}

/// A verified bundle.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub version: u64,
    pub key_id: String,
    pub not_before: u64,
    pub expires: u64,
    /// The groups this bundle is for (`*`: every group).
    pub audience: Vec<String>,
    pub policy: CompiledPolicy,
}

impl VerifiedBundle {
    /// Whether a device of `group` may use this bundle (a device without a group only takes
    /// bundles for every group).
    pub fn admits(&self, group: Option<&str>) -> bool {
        self.audience.iter().any(|g| g == "*" || Some(g.as_str()) == group)
    }

    /// [`VerifiedBundle::admits`] as a result, for callers that refuse.
    pub fn check_audience(&self, group: Option<&str>) -> Result<(), BundleError> {
        if self.admits(group) {
            Ok(())
        } else {
            Err(BundleError::Audience { audience: self.audience.clone(), group: group.unwrap_or("(none)").to_string() })
        }
    }
}

/// Canonical JSON: object keys sorted, compact. Numbers and strings as serde_json writes them.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write_canonical(&map[*k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}

/// A new signing key: (private key base64, public key base64). Uses the OS random source.
pub fn generate_key() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no OS randomness: {e}"))?;
    let sk = SigningKey::from_bytes(&seed);
    Ok((STANDARD.encode(sk.to_bytes()), STANDARD.encode(sk.verifying_key().to_bytes())))
}

/// The public key (base64) of a private signing key (base64 of its 32-byte seed).
pub fn public_key_of(private_key_b64: &str) -> Result<String, String> {
    let seed: [u8; 32] = decode_key(private_key_b64).ok_or("private key must be base64 of 32 bytes")?;
    Ok(STANDARD.encode(SigningKey::from_bytes(&seed).verifying_key().to_bytes()))
}

fn decode_key<const N: usize>(b64: &str) -> Option<[u8; N]> {
    STANDARD.decode(b64.trim()).ok()?.try_into().ok()
}

/// Signs `policy` (JSON value) into a bundle for the device groups in `audience` (`*`: all).
pub fn sign(
    policy: &Value,
    version: u64,
    not_before: u64,
    expires: u64,
    key_id: &str,
    audience: &[String],
    private_key_b64: &str,
) -> Result<Value, String> {
    let seed: [u8; 32] = decode_key(private_key_b64).ok_or("private key must be base64 of 32 bytes")?;
    if audience.is_empty() || audience.iter().any(|g| g.trim().is_empty()) {
        return Err("a bundle needs an audience: one or more group names, or `*` for every group".into());
    }
    let sk = SigningKey::from_bytes(&seed);
    let mut bundle = serde_json::json!({
        "bundle_format": BUNDLE_FORMAT,
        "version": version,
        "not_before": not_before,
        "expires": expires,
        "key_id": key_id,
        "audience": { "groups": audience },
        "policy": policy,
    });
    let sig = sk.sign(canonical_json(&bundle).as_bytes());
    bundle["signature"] = Value::String(STANDARD.encode(sig.to_bytes()));
    Ok(bundle)
}

/// Verifies a bundle against trusted keys, the version in force (if any) and the time `now`.
pub fn verify(bytes: &[u8], trusted: &[TrustedKey], current_version: Option<u64>, now: u64) -> Result<VerifiedBundle, BundleError> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge(bytes.len()));
    }
    let mut v: Value = serde_json::from_slice(bytes).map_err(|e| BundleError::Json(e.to_string()))?;
    let obj = v.as_object_mut().ok_or(BundleError::Field("(top level)"))?;
    let sig_b64 = obj.remove("signature").and_then(|s| s.as_str().map(String::from)).ok_or(BundleError::Field("signature"))?;
    let format = obj.get("bundle_format").and_then(Value::as_u64).ok_or(BundleError::Field("bundle_format"))?;
    if format != u64::from(BUNDLE_FORMAT) {
        return Err(BundleError::Format(format));
    }
    let key_id = obj.get("key_id").and_then(Value::as_str).ok_or(BundleError::Field("key_id"))?.to_string();
    let version = obj.get("version").and_then(Value::as_u64).ok_or(BundleError::Field("version"))?;
    let not_before = obj.get("not_before").and_then(Value::as_u64).ok_or(BundleError::Field("not_before"))?;
    let expires = obj.get("expires").and_then(Value::as_u64).ok_or(BundleError::Field("expires"))?;
    let policy = obj.get("policy").cloned().ok_or(BundleError::Field("policy"))?;
    let audience: Vec<String> = obj
        .get("audience")
        .and_then(|a| a.get("groups"))
        .and_then(Value::as_array)
        .and_then(|gs| gs.iter().map(|g| g.as_str().filter(|s| !s.is_empty()).map(String::from)).collect::<Option<Vec<_>>>())
        .filter(|gs| !gs.is_empty())
        .ok_or(BundleError::Field("audience.groups"))?;
    let key = trusted.iter().find(|k| k.key_id == key_id).ok_or_else(|| BundleError::UnknownKey(key_id.clone()))?;
    let pk_bytes: [u8; 32] = decode_key(&key.public_key).ok_or_else(|| BundleError::BadTrustedKey(key.key_id.clone()))?;
    let pk = VerifyingKey::from_bytes(&pk_bytes).map_err(|_| BundleError::BadTrustedKey(key.key_id.clone()))?;
    let sig_bytes: [u8; 64] = decode_key(&sig_b64).ok_or(BundleError::BadSignature)?;
    pk.verify(canonical_json(&v).as_bytes(), &Signature::from_bytes(&sig_bytes)).map_err(|_| BundleError::BadSignature)?;
    if let Some(current) = current_version {
        if version < current {
            return Err(BundleError::Rollback { got: version, current });
        }
    }
    if now < not_before {
        return Err(BundleError::NotYetValid(not_before, now));
    }
    if now >= expires {
        return Err(BundleError::Expired(expires, now));
    }
    let policy = parse_policy(&policy.to_string()).map_err(BundleError::Policy)?;
    Ok(VerifiedBundle { version, key_id, not_before, expires, audience, policy })
}
