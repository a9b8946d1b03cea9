//! # promptwall-store
//!
//! The agent's event buffer: every warn/redact/block decision and every user override becomes an
//! [`Event`] that waits here until the server acknowledges it.
//!
//! ## On disk
//! One SQLite file, WAL journal, `synchronous=FULL` (an event whose `append` returned is on disk
//! and survives a killed process or a power cut). Schema version in `PRAGMA user_version`, applied
//! by a migration ladder (`MIGRATIONS[i]` takes version `i` to `i + 1`). Table `events(seq INTEGER
//! PRIMARY KEY, event_id TEXT UNIQUE, time_ms INTEGER, body TEXT)`; `body` is the event's JSON.
//! Table `meta(key, value)` holds the dropped-events and rejected-events counters; table
//! `state(key, value)` small agent state (policy ETag, last sync and upload results).
//!
//! ## Concurrency
//! Several processes write the same file (the daemon, its uploader's own connection, native hosts
//! deciding alone). Every write transaction is `BEGIN IMMEDIATE`: it takes the write lock up front,
//! waiting (busy timeout 5 s) for another writer, instead of reading first and failing with
//! `SQLITE_BUSY` when it upgrades to a write after someone else committed (the busy handler is not
//! called in that case, so an event would be lost to a momentary collision).
//!
//! ## Invariants
//! - Idempotent by `event_id`: appending an id already queued does nothing.
//! - A row is deleted only by [`EventStore::ack`], i.e. after the server acknowledged it.
//! - Size cap: at most `max_events` rows. When full, [`WhenFull`] says whether the oldest queued
//!   event or the new one is dropped; either way `dropped_total` counts it.
//! - On open, `PRAGMA integrity_check`; a corrupt file is moved aside (`<name>.corrupt-<unix>`) and
//!   a fresh store is created, and [`EventStore::open`] reports that it did so.
//! - A file deleted or replaced under a running agent (Unix: another inode at the path) is noticed
//!   before the next append, which reopens the path (creating, or checking, the file there), so
//!   no event is written into an unlinked file.
//! - A full disk fails the append with [`StoreError::DiskFull`]; nothing committed before is
//!   touched, and appends succeed again once space returns.
//! - Events carry metadata only: types and counts, rule ids, never pasted text (the [`Event`]
//!   struct has no field for it).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

pub use promptwall_protocol::event::{Event, EVENT_FORMAT};

/// What to drop when the store is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    DropOldest,
    DropNewest,
}

#[derive(Debug, Clone, Copy)]
pub struct StoreConfig {
    pub max_events: u64,
    pub when_full: WhenFull,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { max_events: 100_000, when_full: WhenFull::DropOldest }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the disk is full; the event was not stored")]
    DiskFull,
    #[error("event store database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("event store at {path} was written by a newer agent (schema {found}, this agent knows {known})")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("invalid event: {0}")]
    InvalidEvent(String),
    #[error("i/o error moving a corrupt store aside: {0}")]
    Io(#[from] std::io::Error),
}

fn classify(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
        _ => StoreError::Sqlite(e),
    }
}

/// Migrations: index `i` takes the schema from version `i` to `i + 1`. Append only.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, time_ms INTEGER NOT NULL, body TEXT NOT NULL);
     CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
     INSERT INTO meta (key, value) VALUES ('dropped_total', 0);",
    // 1 -> 2: counter of events the server refused for good, and the uploader's and policy
    // sync's small state (ETag, last contact, last error) so `promptwall status` can show it.
    "INSERT INTO meta (key, value) VALUES ('rejected_total', 0);
     CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
];

/// What happened to an appended event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Stored,
    /// Already queued (same event id): nothing changed.
    Duplicate,
    /// The store was full and the policy was to drop the newest: counted, not stored.
    Dropped,
    /// Stored, and the oldest queued event was dropped to make room.
    StoredDroppingOldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub queued: u64,
    pub dropped_total: u64,
}

pub struct EventStore {
    conn: Connection,
    config: StoreConfig,
    path: PathBuf,
    /// (device, inode) of the file when it was opened (Unix).
    identity: Option<(u64, u64)>,
    /// Set when `open` found a corrupt file and moved it here.
    pub recovered_from: Option<PathBuf>,
}

impl EventStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path, config: StoreConfig) -> Result<EventStore, StoreError> {
        let mut recovered_from = None;
        let conn = match Self::open_checked(path) {
            Ok(c) => c,
            Err(StoreError::Sqlite(e)) if is_corruption(&e) => {
                let aside = corrupt_name(path);
                std::fs::rename(path, &aside)?;
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(path.with_file_name(format!("{}{suffix}", file_name(path))));
                }
                recovered_from = Some(aside);
                Self::open_checked(path)?
            }
            Err(e) => return Err(e),
        };
        let mut store = EventStore { conn, config, path: path.to_path_buf(), identity: identity(path), recovered_from };
        store.migrate(path)?;
        Ok(store)
    }

    /// Reopens the path when the file there is not the one this store has open (deleted,
    /// replaced). Returns whether it did.
    fn follow_path(&mut self) -> Result<bool, StoreError> {
        let now = identity(&self.path);
        if now.is_some() && now == self.identity {
            return Ok(false);
        }
        if self.identity.is_none() && now.is_none() {
            return Ok(false); // no identities on this platform
        }
        let reopened = EventStore::open(&self.path, self.config)?;
        *self = reopened;
        Ok(true)
    }

    fn open_checked(path: &Path) -> Result<Connection, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some("integrity_check failed".into()),
            )));
        }
        Ok(conn)
    }

    fn migrate(&mut self, path: &Path) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        // One step per write transaction, the version read inside it: two processes opening a
        // new file at once never apply the same step twice.
        loop {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version > known {
                return Err(StoreError::TooNew { path: path.to_path_buf(), found: version, known });
            }
            if version == known {
                return Ok(());
            }
            tx.execute_batch(MIGRATIONS[version as usize])?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
    }

    /// Appends an event durably (see the module invariants).
    pub fn append(&mut self, event: &Event) -> Result<Appended, StoreError> {
        if event.event_id.is_empty() || event.event_id.len() > 128 {
            return Err(StoreError::InvalidEvent("event_id must be 1–128 characters".into()));
        }
        if event.justification.as_ref().is_some_and(|j| j.chars().count() > 1000) {
            return Err(StoreError::InvalidEvent("justification is over 1000 characters".into()));
        }
        let body = serde_json::to_string(event).map_err(|e| StoreError::InvalidEvent(e.to_string()))?;
        self.follow_path().map_err(|e| match e {
            StoreError::Sqlite(e) => classify(e),
            other => other,
        })?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(classify)?;
        let exists: Option<i64> = tx.query_row("SELECT seq FROM events WHERE event_id = ?1", [&event.event_id], |r| r.get(0)).optional()?;
        if exists.is_some() {
            return Ok(Appended::Duplicate);
        }
        let queued: u64 = tx.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64;
        let mut outcome = Appended::Stored;
        if queued >= self.config.max_events {
            tx.execute("UPDATE meta SET value = value + 1 WHERE key = 'dropped_total'", [])?;
            match self.config.when_full {
                WhenFull::DropNewest => {
                    tx.commit().map_err(classify)?;
                    return Ok(Appended::Dropped);
                }
                WhenFull::DropOldest => {
                    tx.execute("DELETE FROM events WHERE seq = (SELECT MIN(seq) FROM events)", [])?;
                    outcome = Appended::StoredDroppingOldest;
                }
            }
        }
        tx.execute("INSERT INTO events (event_id, time_ms, body) VALUES (?1, ?2, ?3)", params![event.event_id, event.time_ms, body])
            .map_err(classify)?;
        tx.commit().map_err(classify)?;
        Ok(outcome)
    }

    /// Up to `limit` queued events, oldest first, for upload.
    pub fn pending(&self, limit: usize) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT body FROM events ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            // A row we cannot read back is skipped rather than blocking the queue forever.
            if let Ok(e) = serde_json::from_str::<Event>(&body?) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Deletes the events the server acknowledged. Unknown ids are ignored.
    pub fn ack(&mut self, event_ids: &[String]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        for id in event_ids {
            n += tx.execute("DELETE FROM events WHERE event_id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Deletes events the server refused for good (they would be refused again) and counts them
    /// in `rejected_total`. Returns how many were deleted.
    pub fn reject(&mut self, event_ids: &[String]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        for id in event_ids {
            n += tx.execute("DELETE FROM events WHERE event_id = ?1", [id])?;
        }
        tx.execute("UPDATE meta SET value = value + ?1 WHERE key = 'rejected_total'", [n as i64])?;
        tx.commit()?;
        Ok(n)
    }

    /// The queued event with this id, if it is still waiting for upload.
    pub fn get(&self, event_id: &str) -> Result<Option<Event>, StoreError> {
        let body: Option<String> =
            self.conn.query_row("SELECT body FROM events WHERE event_id = ?1", [event_id], |r| r.get(0)).optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Events the server refused for good, in total.
    pub fn rejected_total(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT value FROM meta WHERE key = 'rejected_total'", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Small named values kept for the agent (ETag, last sync time, last error).
    pub fn state(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM state WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_state(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn stats(&self) -> Result<Stats, StoreError> {
        let queued: i64 = self.conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
        let dropped: i64 = self.conn.query_row("SELECT value FROM meta WHERE key = 'dropped_total'", [], |r| r.get(0))?;
        Ok(Stats { queued: queued as u64, dropped_total: dropped as u64 })
    }
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn corrupt_name(path: &Path) -> PathBuf {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    path.with_file_name(format!("{}.corrupt-{secs}", file_name(path)))
}
