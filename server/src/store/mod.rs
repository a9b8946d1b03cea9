//! Storage: one trait, two backends (SQLite file in WAL mode, PostgreSQL), each with its own
//! migration ladder. Handlers only see [`Store`]; everything a replica needs lives in the
//! database, so several server replicas can share one PostgreSQL.

use async_trait::async_trait;
use serde::Serialize;

pub mod pg_tls;
pub mod postgres;
pub mod reports;
pub mod sqlite;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("postgres pool: {0}")]
    Pool(String),
    #[error("database task failed: {0}")]
    Task(String),
    #[error("database schema version {found} is newer than this server knows ({known})")]
    TooNew { found: i64, known: i64 },
    #[error("{0}")]
    Config(String),
    #[error("no OS randomness: {0}")]
    Random(String),
    #[error("no free device id after {0} tries")]
    NoFreeId(usize),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A device as enrollment creates it.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub device_id: String,
    pub hostname: String,
    pub agent_version: String,
    pub token_hash: String,
}

/// What an enrollment gave: the device id the server settled on (the proposed one when it was
/// free, else a fresh one) and the token's group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub device_id: String,
    pub group: String,
}

/// A device id for a proposal that is taken: the proposal (cut to fit 128 characters) plus 8
/// random hex digits.
pub fn fresh_device_id(proposed: &str) -> Result<String> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| StoreError::Random(e.to_string()))?;
    let base: String = proposed.chars().take(119).collect();
    Ok(format!("{base}-{:02x}{:02x}{:02x}{:02x}", b[0], b[1], b[2], b[3]))
}

/// How many fresh ids enrollment tries before giving up (each collides with probability ~2^-32).
pub const FRESH_ID_TRIES: usize = 8;

/// Name of the tenant redaction key in `server_secrets`.
pub const REDACTION_KEY: &str = "redaction_key";

/// Who a valid, unrevoked device token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: String,
    pub group: String,
}

#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    pub agent_version: Option<String>,
    pub hostname: Option<String>,
    pub policy_version: Option<i64>,
    pub queue_depth: Option<i64>,
    pub dropped_total: Option<i64>,
}

/// Tag kinds kept beside each event for filtering and statistics.
pub const TAG_ENTITY: &str = "entity";
pub const TAG_CATEGORY: &str = "category";
pub const TAG_RULE: &str = "rule";

/// One validated event ready to store. `body` is the JSON record as stored and returned.
#[derive(Debug, Clone)]
pub struct IngestEvent {
    pub event_id: String,
    pub time_ms: i64,
    pub user: String,
    pub site: String,
    pub trigger: String,
    pub action: String,
    pub policy_version: i64,
    pub body: String,
    /// (kind, value): entity types, categories, rule ids.
    pub tags: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestResult {
    pub accepted: Vec<String>,
    pub duplicates: Vec<String>,
}

/// A stored bundle's metadata (and, when asked for, its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRecord {
    pub group: String,
    pub version: i64,
    pub sha256: String,
    pub key_id: String,
    pub not_before: i64,
    pub expires: i64,
    pub policy_name: String,
    pub uploaded_ms: i64,
    pub size: i64,
    /// Id of the admin token that uploaded it (first 16 hex digits of its hash); `None` for
    /// bundles stored before this was kept.
    pub uploaded_by: Option<String>,
    /// The groups the bundle is signed for (`*`: every group); empty for bundles stored before
    /// this was kept.
    pub audience: Vec<String>,
    #[serde(skip)]
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    Published,
    /// The group already has this version or a newer one.
    Rollback {
        current: i64,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceRow {
    pub device_id: String,
    pub hostname: String,
    pub group: String,
    pub enrolled_ms: i64,
    pub last_seen_ms: Option<i64>,
    pub agent_version: String,
    pub policy_version: Option<i64>,
    pub queue_depth: Option<i64>,
    pub dropped_total: Option<i64>,
    pub revoked: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub group: String,
    pub active_version: Option<i64>,
    pub devices: i64,
}

/// Filters of the admin event query; `before_seq` is the cursor (newest first).
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub action: Option<String>,
    pub site: Option<String>,
    pub device: Option<String>,
    pub entity_type: Option<String>,
    pub before_seq: Option<i64>,
    pub limit: i64,
}

#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    pub received_ms: i64,
    pub group: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeriesPoint {
    pub t: i64,
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KeyCount {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    pub total: i64,
    pub by_action: Vec<SeriesPoint>,
    pub by_category: Vec<SeriesPoint>,
    pub by_site: Vec<SeriesPoint>,
    pub top_detectors: Vec<KeyCount>,
    pub top_rules: Vec<KeyCount>,
    pub top_sites: Vec<KeyCount>,
}

#[async_trait]
pub trait Store: reports::ReportStore + Send + Sync + 'static {
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;
    /// Called once at shutdown, after the last request: SQLite folds its WAL into the database
    /// (truncating checkpoint) so nothing is left to replay at the next start.
    async fn close(&self) -> Result<()> {
        Ok(())
    }

    async fn admin_token_count(&self) -> Result<i64>;
    async fn add_admin_token(&self, token_hash: &str, name: &str, now_ms: i64) -> Result<()>;
    async fn is_admin_token(&self, token_hash: &str) -> Result<bool>;
    /// Every admin token (never the hash itself: its first 16 hex digits as the id), oldest first.
    async fn admin_tokens(&self) -> Result<Vec<AdminTokenRow>>;
    /// Deletes the admin token whose id ([`AdminTokenRow::id`]) is `id`, unless it is the last
    /// one (an admin would be locked out; `admin-token create` on the server makes another).
    async fn revoke_admin_token(&self, id: &str) -> Result<RevokeAdmin>;

    async fn add_enrollment_token(&self, token_hash: &str, group: &str, uses: i64, expires_ms: i64, now_ms: i64) -> Result<()>;
    /// Consumes one use of the enrollment token and creates a device. The device id is the
    /// proposed one when no device has it; when one has, that device is left untouched (its
    /// credential, group and revocation stay) and a fresh id is issued, unless an admin allowed
    /// the id to be re-enrolled ([`Store::allow_reenroll`]; then the device is re-keyed, moved to
    /// the token's group and un-revoked, once). `None` when the token is unknown, used up or
    /// expired (nothing changes then).
    async fn enroll(&self, enrollment_hash: &str, device: NewDevice, now_ms: i64) -> Result<Option<Enrolled>>;
    /// Lets the next enrollment proposing `device_id` (before `until_ms`) take that id over.
    /// `false` when there is no such device.
    async fn allow_reenroll(&self, device_id: &str, until_ms: i64) -> Result<bool>;
    /// The secret named `name`; stored as `candidate` when there is none yet (first start). Every
    /// replica gets the same value.
    async fn secret(&self, name: &str, candidate: &str, now_ms: i64) -> Result<String>;
    /// `None` for an unknown or revoked device token.
    async fn device_auth(&self, token_hash: &str) -> Result<Option<DeviceAuth>>;
    async fn heartbeat(&self, device_id: &str, hb: &Heartbeat, now_ms: i64) -> Result<()>;
    async fn revoke_device(&self, device_id: &str) -> Result<bool>;
    async fn devices(&self) -> Result<Vec<DeviceRow>>;

    /// Stores the events not yet stored for this device (idempotent by (device, event_id)); the
    /// device's last-seen time is updated in the same transaction.
    async fn ingest(&self, device: &DeviceAuth, events: Vec<IngestEvent>, now_ms: i64) -> Result<IngestResult>;

    async fn publish_policy(&self, rec: PolicyRecord) -> Result<Publish>;
    /// The highest version of the group, with its bytes.
    async fn active_policy(&self, group: &str) -> Result<Option<PolicyRecord>>;
    /// Every version of the group, newest first, without bytes.
    async fn policy_history(&self, group: &str) -> Result<Vec<PolicyRecord>>;
    async fn groups(&self) -> Result<Vec<GroupRow>>;

    /// Retention: deletes at most `limit` events (with their tags) whose `time_ms` is before
    /// `cutoff_ms`, oldest first, in one short transaction; returns how many went. Called in a
    /// loop of small batches so ingest is never held up for long.
    async fn delete_events_before(&self, cutoff_ms: i64, limit: i64) -> Result<u64>;

    async fn query_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>>;
    async fn count_events(&self) -> Result<i64>;
    async fn stats(&self, since: i64, until: i64, bucket_ms: i64) -> Result<Stats>;

    /// Takes (or renews) the lease on the forwarder cursor `name` for `owner` until
    /// `now_ms + lease_ms`, and returns where it stands; `None` while another owner's lease runs.
    /// One forwarder per sink sends at a time, so every replica may run one.
    async fn claim_cursor(&self, name: &str, owner: &str, now_ms: i64, lease_ms: i64) -> Result<Option<ForwardPosition>>;
    /// Events past `after` in commit order, oldest first, that can no longer be preceded by an
    /// event not yet visible: on PostgreSQL only those of transactions older than every one
    /// still running (see [`ForwardPosition`]).
    async fn events_after(&self, after: ForwardPosition, limit: i64) -> Result<Vec<(ForwardPosition, StoredEvent)>>;
    /// Moves the cursor forward to `to` if `owner` still holds its lease (`false` otherwise, and
    /// then the batch is sent again by the new holder: at-least-once).
    async fn advance_cursor(&self, name: &str, owner: &str, to: ForwardPosition) -> Result<bool>;

    // ---- issue 19: statistics rollups (crate::stats), signing keys (crate::keys), shared rate
    // limits (crate::ratelimit).
    /// Folds up to `limit` rows of the rollup log into the rollups (PostgreSQL); how many it folded.
    async fn compact_rollups(&self, _limit: i64) -> Result<u64> {
        Ok(0)
    }
    /// Adds a trusted signing key; `false` when a key with that id exists (retired or not).
    async fn add_signing_key(&self, key: &SigningKeyRow) -> Result<bool>;
    /// Every signing key added through the API, retired ones included, oldest first.
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>>;
    /// Retires a key (uploads signed with it are refused from now on); `false` when there is no
    /// such key or it is retired already.
    async fn retire_signing_key(&self, key_id: &str, now_ms: i64) -> Result<bool>;
    /// Takes one token from the shared bucket `name` (refilled at `per_s`, at most `burst`):
    /// `Ok(())` to go ahead or `Err(seconds to wait)`, atomically for every replica.
    async fn rate_take(&self, name: &str, per_s: f64, burst: f64, now_ms: i64) -> Result<std::result::Result<(), u64>>;
    /// Forgets shared buckets untouched since `before_ms` (full again by then); how many went.
    async fn rate_prune(&self, before_ms: i64) -> Result<u64>;
}

/// A trusted signing key managed through the API (`signing_keys`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SigningKeyRow {
    pub key_id: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// Uploads signed with it are accepted from this time (Unix ms); `None`: at once.
    pub not_before_ms: Option<i64>,
    /// ... and until this time; `None`: until retired.
    pub not_after_ms: Option<i64>,
    pub added_ms: i64,
    /// Id of the admin token that added it.
    pub added_by: String,
    pub retired_ms: Option<i64>,
}

/// Where a forwarder cursor stands: the last delivered event's (transaction id, seq). On
/// PostgreSQL sequence numbers are handed out before commit, so a transaction can commit an event
/// numbered below one already forwarded; ordering by the inserting transaction's id instead, and
/// reading only transactions below the snapshot's `xmin` (all of them finished), means no event
/// can later appear behind the cursor. SQLite has one writer, commits in seq order, and keeps
/// `xid` at 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ForwardPosition {
    pub xid: i64,
    pub seq: i64,
}

/// An admin token as listed: `id` is the first 16 hex digits of the token's SHA-256 (the stored
/// hash), enough to name it and useless to authenticate with.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AdminTokenRow {
    pub id: String,
    pub name: String,
    pub created_ms: i64,
}

/// Length of an admin token id.
pub const ADMIN_TOKEN_ID_LEN: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeAdmin {
    Revoked,
    NotFound,
    /// Refused: it is the only admin token left.
    Last,
}

/// A bound SQL parameter, converted by each backend.
#[derive(Debug, Clone)]
pub enum Param {
    I64(i64),
    Str(String),
}

/// WHERE clause of an event query; `ph(n)` writes placeholder number `n` (1-based).
pub fn event_where(f: &EventFilter, ph: &dyn Fn(usize) -> String) -> (String, Vec<Param>) {
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let mut push = |cond: &str, p: Param, conds: &mut Vec<String>| {
        params.push(p);
        conds.push(cond.replace('?', &ph(params.len())));
    };
    if let Some(v) = f.since {
        push("e.time_ms >= ?", Param::I64(v), &mut conds);
    }
    if let Some(v) = f.until {
        push("e.time_ms < ?", Param::I64(v), &mut conds);
    }
    if let Some(v) = &f.action {
        push("e.action = ?", Param::Str(v.clone()), &mut conds);
    }
    if let Some(v) = &f.site {
        push("e.site = ?", Param::Str(v.clone()), &mut conds);
    }
    if let Some(v) = &f.device {
        push("e.device_id = ?", Param::Str(v.clone()), &mut conds);
    }
    if let Some(v) = &f.entity_type {
        push(
            "EXISTS (SELECT 1 FROM event_tags t WHERE t.seq = e.seq AND t.kind IN ('entity', 'category') AND t.value = ?)",
            Param::Str(v.clone()),
            &mut conds,
        );
    }
    if let Some(v) = f.before_seq {
        push("e.seq < ?", Param::I64(v), &mut conds);
    }
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    (clause, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_clause_numbers_placeholders_in_order() {
        let f = EventFilter { since: Some(1), action: Some("block".into()), entity_type: Some("EMAIL".into()), ..Default::default() };
        let (sql, params) = event_where(&f, &|n| format!("${n}"));
        assert_eq!(sql, "WHERE e.time_ms >= $1 AND e.action = $2 AND EXISTS (SELECT 1 FROM event_tags t WHERE t.seq = e.seq AND t.kind IN ('entity', 'category') AND t.value = $3)");
        assert_eq!(params.len(), 3);
        let (sql, params) = event_where(&EventFilter::default(), &|n| format!("?{n}"));
        assert!(sql.is_empty() && params.is_empty());
    }
}
