//! Tokens and rate limits. Tokens are a prefix plus 256 random bits (base64url); only their
//! SHA-256 (hex) is stored, so a database leak gives no usable credential.

use crate::RateLimit;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub const ADMIN_PREFIX: &str = "pwa_";
pub const DEVICE_PREFIX: &str = "pwd_";
pub const ENROLL_PREFIX: &str = "pwe_";

#[derive(Debug, thiserror::Error)]
#[error("no OS randomness: {0}")]
pub struct RandomError(String);

/// A new secret token: `prefix` + base64url of 32 random bytes.
pub fn new_token(prefix: &str) -> Result<String, RandomError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| RandomError(e.to_string()))?;
    Ok(format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)))
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// The bearer token of an `Authorization` header value.
pub fn bearer(value: Option<&str>) -> Option<&str> {
    let v = value?.trim();
    let (scheme, token) = v.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
        Some(token.trim())
    } else {
        None
    }
}

/// Token-bucket limiter keyed by an opaque string (a token hash or a client address).
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<Buckets>,
}

struct Buckets {
    map: HashMap<String, (f64, Instant)>,
    last_prune: Option<Instant>,
}

impl RateLimiter {
    pub fn new(mut limit: RateLimit) -> RateLimiter {
        // A bucket that never holds a whole token refuses every request for good.
        limit.burst = limit.burst.max(1.0);
        RateLimiter { limit, buckets: Mutex::new(Buckets { map: HashMap::new(), last_prune: None }) }
    }

    /// `Ok` to go ahead, or `Err(seconds to wait)`.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.map.len() > 100_000 && b.last_prune.is_none_or(|t| now.duration_since(t).as_secs() >= 1) {
            // Forget buckets that have refilled (idle keys) so the map stays bounded; at most once
            // a second, so a flood of new keys cannot make every request pay for a sweep.
            let (rate, burst) = (self.limit.per_s, self.limit.burst);
            b.map.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
            b.last_prune = Some(now);
        }
        let entry = b.map.entry(key.to_string()).or_insert((self.limit.burst, now));
        let elapsed = now.duration_since(entry.1).as_secs_f64();
        entry.0 = (entry.0 + elapsed * self.limit.per_s).min(self.limit.burst);
        entry.1 = now;
        if entry.0 >= 1.0 {
            entry.0 -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - entry.0) / self.limit.per_s.max(1e-9);
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn tokens_are_random_prefixed_and_hash_to_hex() {
        let a = new_token(DEVICE_PREFIX).unwrap();
        let b = new_token(DEVICE_PREFIX).unwrap();
        assert!(a.starts_with("pwd_") && a.len() == 4 + 43);
        assert_ne!(a, b);
        let h = hash_token(&a);
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&a[4..]));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn a_slow_rate_never_locks_a_key_out() {
        // 0.05/s with burst 12x = 0.6 tokens: without the floor at 1 every request got 429.
        let l = RateLimiter::new(RateLimit { per_s: 0.05, burst: 0.6 });
        let t0 = Instant::now();
        assert!(l.check_at("k", t0).is_ok(), "first request passes");
        assert_eq!(l.check_at("k", t0), Err(20), "then one per 20 s");
        assert!(l.check_at("k", t0 + Duration::from_secs(19)).is_err());
        assert!(l.check_at("k", t0 + Duration::from_secs(40)).is_ok());
        let cfg = crate::RateLimit::with_burst_factor("--device-rate", 0.05, 12.0).unwrap();
        assert_eq!(cfg.burst, 1.0);
        assert_eq!(crate::RateLimit::with_burst_factor("--device-rate", 5.0, 12.0).unwrap().burst, 60.0);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(crate::RateLimit::with_burst_factor("--device-rate", bad, 12.0).is_err(), "{bad} refused");
        }
    }

    #[test]
    fn bucket_allows_burst_then_refills() {
        let l = RateLimiter::new(RateLimit { per_s: 2.0, burst: 3.0 });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at("k", t0).is_ok());
        }
        assert_eq!(l.check_at("k", t0), Err(1));
        assert!(l.check_at("other", t0).is_ok());
        assert!(l.check_at("k", t0 + Duration::from_millis(600)).is_ok());
        assert!(l.check_at("k", t0 + Duration::from_millis(600)).is_err());
    }
}
