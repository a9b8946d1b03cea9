//! Rate limits shared by every replica (issue 19), behind `--shared-rate-limits`.
//!
//! By default each replica keeps its token buckets in memory ([`crate::auth::RateLimiter`]), so N
//! replicas behind a load balancer allow N times the configured rate. With shared limits the
//! per-credential buckets (device token, admin token) and the enrollment bucket (per client
//! address) live in the database, one row per bucket, refilled and taken from in one atomic
//! upsert (`rate_buckets`): every replica draws from the same bucket. Each checked request costs
//! one small write (PostgreSQL: a single-row upsert, contended only by requests with the same
//! credential; SQLite: one more job in the writer's group commit). If the database errs, the
//! replica falls back to its in-memory bucket for that request rather than refuse service.
//! The per-address limit of the routes without a credential stays in memory: it guards the
//! server itself, and a database write per anonymous request would be a lever for a flood.

use crate::auth::RateLimiter;
use crate::store::Store;
use crate::RateLimit;
use std::sync::Arc;

/// The SQLite upsert: refill by elapsed time (never above `burst`), take one if there is one.
/// Every expression on the right reads the row as it was.
pub const TAKE_SQLITE: &str = "INSERT INTO rate_buckets (name, tokens, updated_ms, last_ok) VALUES (?1, ?3 - 1, ?4, 1)
     ON CONFLICT (name) DO UPDATE SET
       tokens = min(?3, tokens + max(0, ?4 - updated_ms) * ?2) - (min(?3, tokens + max(0, ?4 - updated_ms) * ?2) >= 1),
       last_ok = (min(?3, tokens + max(0, ?4 - updated_ms) * ?2) >= 1),
       updated_ms = max(updated_ms, ?4)
     RETURNING tokens, last_ok";

/// The same for PostgreSQL (row lock held to commit, so concurrent takes queue on it).
pub const TAKE_PG: &str = "INSERT INTO rate_buckets AS b (name, tokens, updated_ms, last_ok)
       VALUES ($1::text, $3::float8 - 1, $4::bigint, TRUE)
     ON CONFLICT (name) DO UPDATE SET
       tokens = LEAST($3::float8, b.tokens + GREATEST(0, $4::bigint - b.updated_ms) * $2::float8)
                - CASE WHEN LEAST($3::float8, b.tokens + GREATEST(0, $4::bigint - b.updated_ms) * $2::float8) >= 1 THEN 1 ELSE 0 END,
       last_ok = LEAST($3::float8, b.tokens + GREATEST(0, $4::bigint - b.updated_ms) * $2::float8) >= 1,
       updated_ms = GREATEST(b.updated_ms, $4::bigint)
     RETURNING tokens, last_ok";

/// What a take returns: `(tokens left, allowed)` → go ahead, or seconds to wait for one token.
pub fn verdict(tokens: f64, ok: bool, per_s: f64) -> Result<(), u64> {
    if ok {
        Ok(())
    } else {
        let wait = (1.0 - tokens) / per_s.max(1e-9);
        Err(wait.ceil().max(1.0) as u64)
    }
}

/// A rate limiter that is either this replica's alone or shared through the database.
pub struct Limiter {
    limit: RateLimit,
    local: RateLimiter,
    /// The store and this limiter's bucket-name prefix, when shared.
    shared: Option<(Arc<dyn Store>, &'static str)>,
}

impl Limiter {
    pub fn local(limit: RateLimit) -> Limiter {
        Limiter { limit, local: RateLimiter::new(limit), shared: None }
    }

    /// Buckets named `prefix:key` in the database.
    pub fn shared(limit: RateLimit, store: Arc<dyn Store>, prefix: &'static str) -> Limiter {
        Limiter { limit, local: RateLimiter::new(limit), shared: Some((store, prefix)) }
    }

    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// `Ok` to go ahead, or `Err(seconds to wait)`. `key` is a token hash or a client address.
    pub async fn check(&self, key: &str) -> Result<(), u64> {
        let Some((store, prefix)) = &self.shared else {
            return self.local.check(key);
        };
        // A token hash is 64 hex digits; half of it names the bucket well enough.
        let short: String = key.chars().take(32).collect();
        let burst = self.limit.burst.max(1.0);
        match store.rate_take(&format!("{prefix}:{short}"), self.limit.per_s, burst, crate::now_ms()).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, limiter = prefix, "shared rate limit unavailable; using this replica's bucket");
                self.local.check(key)
            }
        }
    }
}

/// Forgets shared buckets that have been full for a while (a missing bucket is a full one), every
/// minute. `refill_ms` is the longest time any bucket takes to refill from empty.
pub fn spawn_prune(store: Arc<dyn Store>, refill_ms: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            let before = crate::now_ms() - refill_ms - 60_000;
            match store.rate_prune(before).await {
                Ok(n) if n > 0 => tracing::debug!(pruned = n, "shared rate limits: idle buckets forgotten"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "shared rate limits: pruning idle buckets failed"),
            }
        }
    })
}

/// Milliseconds a bucket of `limit` takes to refill from empty.
pub fn refill_ms(limit: &RateLimit) -> i64 {
    ((limit.burst.max(1.0) / limit.per_s.max(1e-9)) * 1000.0).ceil().min(86_400_000.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_take_says_how_long_to_wait() {
        assert_eq!(verdict(0.5, true, 1.0), Ok(()));
        assert_eq!(verdict(0.5, false, 1.0), Err(1));
        assert_eq!(verdict(0.0, false, 0.1), Err(10));
        assert_eq!(refill_ms(&RateLimit { per_s: 5.0, burst: 60.0 }), 12_000);
    }
}
