//! Storage of the false-alarm loop (issue 18): the reports themselves are ordinary events (trigger
//! `false_alarm_report`, already validated and stored by ingestion); this adds what an admin decides
//! about them (`false_alarm_reviews`) and the two reads the review queue needs. Implemented by both
//! backends (`sqlite/reports.rs`, `postgres/reports.rs`); grouping is done in `crate::reports`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{KeyCount, Result, StoredEvent};

/// An admin's decision on one group of reports (a detector and value hash), or an exception made
/// without reports (a pattern, a detector on a site).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    /// `fa-<16 hex>`: the exception id devices name in `exceptions_applied`.
    pub id: String,
    pub detector: String,
    /// The reported value hash this review is about (empty for a pattern or site exception).
    pub value_hash: String,
    /// `approved` or `dismissed`.
    pub status: String,
    /// For `approved`: the exception as it goes into `exceptions.findings` (JSON); `{}` otherwise.
    pub exception: String,
    pub created_ms: i64,
    /// Unix milliseconds after which the exception is no longer exported (and devices drop it).
    pub expires_ms: Option<i64>,
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The most recent `limit` false-alarm report events, newest first.
    async fn false_alarm_events(&self, limit: i64) -> Result<Vec<StoredEvent>>;
    /// Per entity type (or custom detector id): how many stored decisions (paste, drop, submit,
    /// file; not user decisions or reports, which repeat their decision's counts) found it.
    async fn entity_event_counts(&self) -> Result<Vec<KeyCount>>;
    /// Records a decision; an id already there is replaced (an admin changes their mind).
    async fn put_review(&self, row: ReviewRow) -> Result<()>;
    async fn reviews(&self) -> Result<Vec<ReviewRow>>;
    /// Withdraws a decision (an approved exception leaves the next export). `false` if unknown.
    async fn delete_review(&self, id: &str) -> Result<bool>;
}

/// Migration step (appended to each backend's ladder): admins' decisions on reports, and an index
/// for reading the reports among the events.
pub const SQLITE_MIGRATION: &str = "CREATE TABLE false_alarm_reviews (id TEXT PRIMARY KEY, detector TEXT NOT NULL,
     value_hash TEXT NOT NULL, status TEXT NOT NULL, exception TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER);
 CREATE INDEX events_false_alarm ON events (seq) WHERE trigger_kind = 'false_alarm_report';";
pub const PG_MIGRATION: &str = "CREATE TABLE false_alarm_reviews (id TEXT PRIMARY KEY, detector TEXT NOT NULL,
     value_hash TEXT NOT NULL, status TEXT NOT NULL, exception TEXT NOT NULL, created_ms BIGINT NOT NULL, expires_ms BIGINT);
 CREATE INDEX events_false_alarm ON events (seq) WHERE trigger_kind = 'false_alarm_report';";
