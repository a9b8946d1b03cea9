//! SQLite backend: one file in WAL mode with `synchronous=FULL` (an acknowledged batch survives a
//! power cut). One writer connection behind a mutex (SQLite has one writer at a time anyway) and
//! a few reader connections; every call runs on tokio's blocking pool. Schema version lives in
//! `PRAGMA user_version`; `MIGRATIONS[i]` takes version `i` to `i + 1`.

use super::*;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

mod reports;

const MIGRATIONS: &[&str] = &[
    "CREATE TABLE admin_tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms INTEGER NOT NULL);
     CREATE TABLE enrollment_tokens (token_hash TEXT PRIMARY KEY, group_name TEXT NOT NULL, uses_left INTEGER NOT NULL,
         expires_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL);
     CREATE TABLE devices (device_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, group_name TEXT NOT NULL,
         hostname TEXT NOT NULL DEFAULT '', agent_version TEXT NOT NULL DEFAULT '', enrolled_ms INTEGER NOT NULL,
         last_seen_ms INTEGER, policy_version INTEGER, queue_depth INTEGER, dropped_total INTEGER,
         revoked INTEGER NOT NULL DEFAULT 0);
     CREATE TABLE policies (group_name TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, key_id TEXT NOT NULL,
         not_before INTEGER NOT NULL, expires INTEGER NOT NULL, policy_name TEXT NOT NULL, uploaded_ms INTEGER NOT NULL,
         body BLOB NOT NULL, PRIMARY KEY (group_name, version));
     CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, event_id TEXT NOT NULL,
         group_name TEXT NOT NULL, time_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL, user_name TEXT NOT NULL,
         site TEXT NOT NULL, trigger_kind TEXT NOT NULL, action TEXT NOT NULL, policy_version INTEGER NOT NULL,
         body TEXT NOT NULL, UNIQUE (device_id, event_id));
     CREATE INDEX events_time ON events (time_ms);
     CREATE TABLE event_tags (seq INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, time_ms INTEGER NOT NULL);
     CREATE INDEX event_tags_seq ON event_tags (seq);
     CREATE INDEX event_tags_kind ON event_tags (kind, time_ms);
     CREATE TABLE forward_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);",
    "ALTER TABLE devices ADD COLUMN reenroll_until_ms INTEGER;
     CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_ms INTEGER NOT NULL);",
    "ALTER TABLE forward_cursors ADD COLUMN xid INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE forward_cursors ADD COLUMN lease_owner TEXT;
     ALTER TABLE forward_cursors ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;",
    // issue 19: statistics rollups (backfilled), signing keys, uploaded_by, shared rate limits.
    crate::stats::SQLITE_MIGRATION,
    // issue 18: the false-alarm loop's review decisions.
    super::reports::SQLITE_MIGRATION,
    // issue 19: each bundle's signed audience, for the console's history.
    crate::keys::AUDIENCE_MIGRATION,
];

/// Makes the database file (created empty when missing) and its `-wal`, `-shm` and `-journal`
/// companions readable by the owner only (0600): they hold every event and token hash. SQLite
/// creates the companions with the database file's mode, so this holds for new ones too.
pub fn secure_db_files(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    if !path.exists() {
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = path.with_file_name(format!("{name}{suffix}"));
        match std::fs::metadata(&p) {
            Ok(m) if m.permissions().mode() & 0o777 != 0o600 => std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A write job: runs inside the writer's open transaction and returns how to report its result
/// once the transaction's fate (commit or not) is known.
type Job = Box<dyn FnOnce(&Connection) -> Box<dyn FnOnce(std::result::Result<(), String>) + Send> + Send>;

struct Inner {
    /// Dropped with the store: tells the checkpoint thread to finish.
    _alive: Arc<()>,
    writer: Mutex<std::sync::mpsc::Sender<Msg>>,
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

/// Most jobs committed together.
const GROUP_MAX: usize = 256;

/// WAL size past which the writer thread runs a truncating checkpoint itself (default 64 MiB).
pub const DEFAULT_WAL_LIMIT: u64 = 64 * 1024 * 1024;

/// Tuning of the SQLite backend.
#[derive(Debug, Clone, Copy)]
pub struct SqliteOptions {
    /// When the `-wal` file grows past this many bytes after a commit, the writer thread runs a
    /// `wal_checkpoint(TRUNCATE)` (no writer can append meanwhile, since it is the writer), which
    /// waits for readers, copies every frame into the database and resets the WAL to 0 bytes.
    /// Also the `journal_size_limit` of every connection. Passive checkpoints on their own
    /// thread keep the copying small in between.
    pub wal_limit: u64,
}

impl Default for SqliteOptions {
    fn default() -> SqliteOptions {
        SqliteOptions { wal_limit: DEFAULT_WAL_LIMIT }
    }
}

/// Size of the `-wal` file beside `db` (0 when there is none).
pub fn wal_size(db: &Path) -> u64 {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::metadata(db.with_file_name(format!("{name}-wal"))).map(|m| m.len()).unwrap_or(0)
}

/// The truncating checkpoint: every frame copied into the database, the WAL reset to 0 bytes.
/// `Ok(false)` when a reader kept it from finishing (SQLITE_BUSY after the busy timeout).
fn truncate_wal(conn: &Connection) -> rusqlite::Result<bool> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(busy == 0)
}

/// What the writer thread receives: a write to run, or the close at shutdown.
enum Msg {
    Job(Job),
    /// Truncating checkpoint, then answer: the clean close of `SqliteStore::close`.
    Close(tokio::sync::oneshot::Sender<std::result::Result<(), String>>),
}

/// The writer thread: group commit. It takes every job waiting (up to GROUP_MAX), runs each in its
/// own savepoint inside one transaction, commits once (one fsync for the group), and only then
/// answers each job. A failing job rolls back to its savepoint without disturbing the others.
fn writer_loop(conn: Connection, rx: std::sync::mpsc::Receiver<Msg>, db: std::path::PathBuf, opts: SqliteOptions) {
    let mut pending_close = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut jobs = Vec::new();
        match first {
            Msg::Job(j) => jobs.push(j),
            Msg::Close(done) => pending_close.push(done),
        }
        while jobs.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(Msg::Job(j)) => jobs.push(j),
                Ok(Msg::Close(done)) => pending_close.push(done),
                Err(_) => break,
            }
        }
        if jobs.is_empty() {
            let r = truncate_wal(&conn).map_err(|e| e.to_string()).and_then(|ok| {
                if ok {
                    Ok(())
                } else {
                    Err("a reader kept the closing checkpoint from finishing".to_string())
                }
            });
            for done in pending_close.drain(..) {
                let _ = done.send(r.clone());
            }
            continue;
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the jobs unrun makes each caller see an error.
            tracing::error!(error = %e, jobs = jobs.len(), "sqlite writer cannot begin a transaction");
            continue;
        }
        let mut done = Vec::with_capacity(jobs.len());
        for job in jobs {
            match conn.execute_batch("SAVEPOINT job") {
                Ok(()) => done.push(job(&conn)),
                Err(e) => tracing::error!(error = %e, "sqlite writer cannot open a savepoint; job dropped"),
            }
        }
        let outcome = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if outcome.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for d in done {
            d(outcome.clone());
        }
        // Bound the WAL: passive checkpoints cannot reset it while writes keep coming.
        if wal_size(&db) > opts.wal_limit {
            let t = std::time::Instant::now();
            match truncate_wal(&conn) {
                Ok(true) => tracing::debug!(ms = t.elapsed().as_millis() as u64, "sqlite WAL over its limit: truncated"),
                Ok(false) => tracing::warn!("sqlite WAL over its limit but a reader kept the checkpoint from finishing; will retry"),
                Err(e) => tracing::warn!(error = %e, "sqlite truncating checkpoint failed"),
            }
        }
        if !pending_close.is_empty() {
            let r = truncate_wal(&conn).map_err(|e| e.to_string()).map(|_| ());
            for done in pending_close.drain(..) {
                let _ = done.send(r.clone());
            }
        }
    }
    // Every sender gone (the store was dropped): fold the WAL back into the database.
    let _ = truncate_wal(&conn);
}

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

fn configure(conn: &Connection, opts: &SqliteOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A WAL that was reset is cut back to this size instead of keeping its high-water mark.
    conn.pragma_update(None, "journal_size_limit", opts.wal_limit as i64)?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew { found: version, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: r.get(0)?,
        hostname: r.get(1)?,
        group: r.get(2)?,
        enrolled_ms: r.get(3)?,
        last_seen_ms: r.get(4)?,
        agent_version: r.get(5)?,
        policy_version: r.get(6)?,
        queue_depth: r.get(7)?,
        dropped_total: r.get(8)?,
        revoked: r.get::<_, i64>(9)? != 0,
    })
}

const POLICY_COLS: &str =
    "group_name, version, sha256, key_id, not_before, expires, policy_name, uploaded_ms, length(body), uploaded_by, audience";

fn policy_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PolicyRecord> {
    Ok(PolicyRecord {
        group: r.get(0)?,
        version: r.get(1)?,
        sha256: r.get(2)?,
        key_id: r.get(3)?,
        not_before: r.get(4)?,
        expires: r.get(5)?,
        policy_name: r.get(6)?,
        uploaded_ms: r.get(7)?,
        size: r.get(8)?,
        uploaded_by: r.get(9)?,
        audience: crate::keys::audience_of(r.get(10)?),
        body: Vec::new(),
    })
}

fn stored_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent { seq: r.get(0)?, received_ms: r.get(1)?, group: r.get(2)?, body: r.get(3)? })
}

fn to_sql(p: &Param) -> rusqlite::types::Value {
    match p {
        Param::I64(v) => rusqlite::types::Value::Integer(*v),
        Param::Str(s) => rusqlite::types::Value::Text(s.clone()),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// [`SqliteStore::open`] with explicit options.
    pub fn open_with(path: &Path, opts: SqliteOptions) -> Result<SqliteStore> {
        secure_db_files(path)
            .map_err(|e| StoreError::Config(format!("{}: cannot make the database private (0600): {e}", path.display())))?;
        let mut writer = Connection::open(path)?;
        configure(&writer, &opts)?;
        migrate(&mut writer)?;
        // Checkpoints run on their own connection and thread, so the writer never stalls on one
        // (a PASSIVE checkpoint copies what it can without blocking readers or the writer).
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        let ckpt = Connection::open(path)?;
        configure(&ckpt, &opts)?;
        let alive = Arc::new(());
        let weak = Arc::downgrade(&alive);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while weak.upgrade().is_some() {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                    if let Err(e) = ckpt.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "sqlite checkpoint failed");
                    }
                }
            })
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let (tx, rx) = std::sync::mpsc::channel::<Msg>();
        let db = path.to_path_buf();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(writer, rx, db, opts))
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let mut readers = Vec::new();
        for _ in 0..4 {
            let c = Connection::open(path)?;
            configure(&c, &opts)?;
            readers.push(Mutex::new(c));
        }
        secure_db_files(path)
            .map_err(|e| StoreError::Config(format!("{}: cannot make the database private (0600): {e}", path.display())))?;
        Ok(SqliteStore { inner: Arc::new(Inner { _alive: alive, writer: Mutex::new(tx), readers, next: AtomicUsize::new(0) }) })
    }

    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn: &Connection| {
            let r = f(conn);
            // The savepoint was opened by the writer loop; keep or undo this job's changes.
            let _ = conn.execute_batch(if r.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" });
            Box::new(move |commit: std::result::Result<(), String>| {
                let _ = tx.send(match commit {
                    Ok(()) => r,
                    Err(e) => Err(StoreError::Task(format!("commit failed: {e}"))),
                });
            })
        });
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(Msg::Job(job))
            .map_err(|_| StoreError::Task("sqlite writer thread is gone".into()))?;
        rx.await.map_err(|_| StoreError::Task("sqlite writer dropped the job".into()))?
    }

    /// The clean close: a truncating checkpoint on the writer thread after every write queued
    /// before it, so the WAL is empty on disk when the process exits.
    async fn close_wal(&self) -> Result<()> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(Msg::Close(tx))
            .map_err(|_| StoreError::Task("sqlite writer thread is gone".into()))?;
        rx.await.map_err(|_| StoreError::Task("sqlite writer dropped the close".into()))?.map_err(StoreError::Task)
    }

    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let i = inner.next.fetch_add(1, Ordering::Relaxed) % inner.readers.len();
            let conn = inner.readers[i].lock().unwrap_or_else(|p| p.into_inner());
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        self.read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ())?)).await
    }

    async fn close(&self) -> Result<()> {
        self.close_wal().await
    }

    async fn admin_token_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM admin_tokens", [], |r| r.get(0))?)).await
    }

    async fn add_admin_token(&self, token_hash: &str, name: &str, now_ms: i64) -> Result<()> {
        let (h, n) = (token_hash.to_string(), name.to_string());
        self.write(move |c| {
            c.execute("INSERT INTO admin_tokens (token_hash, name, created_ms) VALUES (?1, ?2, ?3)", params![h, n, now_ms])?;
            Ok(())
        })
        .await
    }

    async fn is_admin_token(&self, token_hash: &str) -> Result<bool> {
        let h = token_hash.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT 1 FROM admin_tokens WHERE token_hash = ?1")?.query_row([h], |_| Ok(())).optional()?.is_some())
        })
        .await
    }

    async fn admin_tokens(&self) -> Result<Vec<AdminTokenRow>> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT substr(token_hash, 1, 16), name, created_ms FROM admin_tokens ORDER BY created_ms, token_hash")?;
            let rows = stmt
                .query_map([], |r| Ok(AdminTokenRow { id: r.get(0)?, name: r.get(1)?, created_ms: r.get(2)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn revoke_admin_token(&self, id: &str) -> Result<RevokeAdmin> {
        let id = id.to_string();
        self.write(move |c| {
            if id.len() != ADMIN_TOKEN_ID_LEN {
                return Ok(RevokeAdmin::NotFound);
            }
            let matching: i64 =
                c.query_row("SELECT count(*) FROM admin_tokens WHERE substr(token_hash, 1, 16) = ?1", [&id], |r| r.get(0))?;
            if matching != 1 {
                return Ok(RevokeAdmin::NotFound);
            }
            let total: i64 = c.query_row("SELECT count(*) FROM admin_tokens", [], |r| r.get(0))?;
            if total <= 1 {
                return Ok(RevokeAdmin::Last);
            }
            c.execute("DELETE FROM admin_tokens WHERE substr(token_hash, 1, 16) = ?1", [&id])?;
            Ok(RevokeAdmin::Revoked)
        })
        .await
    }

    async fn add_enrollment_token(&self, token_hash: &str, group: &str, uses: i64, expires_ms: i64, now_ms: i64) -> Result<()> {
        let (h, g) = (token_hash.to_string(), group.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO enrollment_tokens (token_hash, group_name, uses_left, expires_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![h, g, uses, expires_ms, now_ms],
            )?;
            Ok(())
        })
        .await
    }

    async fn enroll(&self, enrollment_hash: &str, d: NewDevice, now_ms: i64) -> Result<Option<Enrolled>> {
        let h = enrollment_hash.to_string();
        self.write(move |c| {
            let tx = c;
            let row: Option<(String, i64, i64)> = tx
                .query_row("SELECT group_name, uses_left, expires_ms FROM enrollment_tokens WHERE token_hash = ?1", [&h], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((group, uses_left, expires_ms)) = row else { return Ok(None) };
            if uses_left <= 0 || expires_ms <= now_ms {
                return Ok(None);
            }
            tx.execute("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE token_hash = ?1", [&h])?;
            let insert = |id: &str| -> rusqlite::Result<bool> {
                Ok(tx.execute(
                    "INSERT INTO devices (device_id, token_hash, group_name, hostname, agent_version, enrolled_ms, revoked)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0) ON CONFLICT (device_id) DO NOTHING",
                    params![id, d.token_hash, group, d.hostname, d.agent_version, now_ms],
                )? == 1)
            };
            if insert(&d.device_id)? {
                return Ok(Some(Enrolled { device_id: d.device_id, group }));
            }
            // The id is taken. Only an admin's allow-reenroll lets this enrollment take it over.
            let taken_over = tx.execute(
                "UPDATE devices SET token_hash = ?2, group_name = ?3, hostname = ?4, agent_version = ?5, enrolled_ms = ?6, revoked = 0,
                   reenroll_until_ms = NULL
                 WHERE device_id = ?1 AND reenroll_until_ms IS NOT NULL AND reenroll_until_ms > ?6",
                params![d.device_id, d.token_hash, group, d.hostname, d.agent_version, now_ms],
            )? == 1;
            if taken_over {
                return Ok(Some(Enrolled { device_id: d.device_id, group }));
            }
            for _ in 0..FRESH_ID_TRIES {
                let id = fresh_device_id(&d.device_id)?;
                if insert(&id)? {
                    return Ok(Some(Enrolled { device_id: id, group }));
                }
            }
            Err(StoreError::NoFreeId(FRESH_ID_TRIES))
        })
        .await
    }

    async fn allow_reenroll(&self, device_id: &str, until_ms: i64) -> Result<bool> {
        let id = device_id.to_string();
        self.write(move |c| Ok(c.execute("UPDATE devices SET reenroll_until_ms = ?2 WHERE device_id = ?1", params![id, until_ms])? == 1))
            .await
    }

    async fn secret(&self, name: &str, candidate: &str, now_ms: i64) -> Result<String> {
        let (n, v) = (name.to_string(), candidate.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO server_secrets (name, value, created_ms) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
                params![n, v, now_ms],
            )?;
            Ok(c.query_row("SELECT value FROM server_secrets WHERE name = ?1", [&n], |r| r.get(0))?)
        })
        .await
    }

    async fn device_auth(&self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        let h = token_hash.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT device_id, group_name FROM devices WHERE token_hash = ?1 AND revoked = 0")?
                .query_row([h], |r| Ok(DeviceAuth { device_id: r.get(0)?, group: r.get(1)? }))
                .optional()?)
        })
        .await
    }

    async fn heartbeat(&self, device_id: &str, hb: &Heartbeat, now_ms: i64) -> Result<()> {
        let (id, hb) = (device_id.to_string(), hb.clone());
        self.write(move |c| {
            c.execute(
                "UPDATE devices SET last_seen_ms = ?2, agent_version = COALESCE(?3, agent_version), hostname = COALESCE(?4, hostname),
                   policy_version = COALESCE(?5, policy_version), queue_depth = COALESCE(?6, queue_depth),
                   dropped_total = COALESCE(?7, dropped_total) WHERE device_id = ?1",
                params![id, now_ms, hb.agent_version, hb.hostname, hb.policy_version, hb.queue_depth, hb.dropped_total],
            )?;
            Ok(())
        })
        .await
    }

    async fn revoke_device(&self, device_id: &str) -> Result<bool> {
        let id = device_id.to_string();
        self.write(move |c| Ok(c.execute("UPDATE devices SET revoked = 1 WHERE device_id = ?1", [id])? == 1)).await
    }

    async fn devices(&self) -> Result<Vec<DeviceRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT device_id, hostname, group_name, enrolled_ms, last_seen_ms, agent_version, policy_version, queue_depth,
                        dropped_total, revoked FROM devices ORDER BY last_seen_ms IS NULL, last_seen_ms DESC, device_id",
            )?;
            let rows = stmt.query_map([], device_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn ingest(&self, device: &DeviceAuth, events: Vec<IngestEvent>, now_ms: i64) -> Result<IngestResult> {
        let device = device.clone();
        self.write(move |c| {
            let tx = c;
            let mut out = IngestResult::default();
            let mut rollup = crate::stats::Deltas::new();
            {
                let mut ins = tx.prepare_cached(
                    "INSERT OR IGNORE INTO events (device_id, event_id, group_name, time_ms, received_ms, user_name, site,
                       trigger_kind, action, policy_version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?;
                let mut tag = tx.prepare_cached("INSERT INTO event_tags (seq, kind, value, time_ms) VALUES (?1, ?2, ?3, ?4)")?;
                for e in events {
                    let n = ins.execute(params![
                        device.device_id,
                        e.event_id,
                        device.group,
                        e.time_ms,
                        now_ms,
                        e.user,
                        e.site,
                        e.trigger,
                        e.action,
                        e.policy_version,
                        e.body
                    ])?;
                    if n == 1 {
                        let seq = tx.last_insert_rowid();
                        for (kind, value) in &e.tags {
                            tag.execute(params![seq, kind, value, e.time_ms])?;
                        }
                        crate::stats::add_event(&mut rollup, &e);
                        out.accepted.push(e.event_id);
                    } else {
                        out.duplicates.push(e.event_id);
                    }
                }
            }
            // Same transaction as the events: the statistics never drift from them.
            crate::stats::sqlite_apply(tx, &rollup)?;
            tx.execute("UPDATE devices SET last_seen_ms = ?2 WHERE device_id = ?1", params![device.device_id, now_ms])?;
            Ok(out)
        })
        .await
    }

    async fn publish_policy(&self, rec: PolicyRecord) -> Result<Publish> {
        self.write(move |c| {
            let tx = c;
            let current: Option<i64> =
                tx.query_row("SELECT max(version) FROM policies WHERE group_name = ?1", [&rec.group], |r| r.get(0))?;
            if let Some(current) = current {
                if rec.version <= current {
                    return Ok(Publish::Rollback { current });
                }
            }
            tx.execute(
                "INSERT INTO policies (group_name, version, sha256, key_id, not_before, expires, policy_name, uploaded_ms, body,
                   uploaded_by, audience) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    rec.group,
                    rec.version,
                    rec.sha256,
                    rec.key_id,
                    rec.not_before,
                    rec.expires,
                    rec.policy_name,
                    rec.uploaded_ms,
                    rec.body,
                    rec.uploaded_by,
                    serde_json::to_string(&rec.audience).ok()
                ],
            )?;
            Ok(Publish::Published)
        })
        .await
    }

    async fn active_policy(&self, group: &str) -> Result<Option<PolicyRecord>> {
        let g = group.to_string();
        self.read(move |c| {
            let sql = format!("SELECT {POLICY_COLS}, body FROM policies WHERE group_name = ?1 ORDER BY version DESC LIMIT 1");
            Ok(c.prepare_cached(&sql)?
                .query_row([g], |r| {
                    let mut p = policy_row(r)?;
                    p.body = r.get(11)?;
                    Ok(p)
                })
                .optional()?)
        })
        .await
    }

    async fn policy_history(&self, group: &str) -> Result<Vec<PolicyRecord>> {
        let g = group.to_string();
        self.read(move |c| {
            let sql = format!("SELECT {POLICY_COLS} FROM policies WHERE group_name = ?1 ORDER BY version DESC");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([g], policy_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn groups(&self) -> Result<Vec<GroupRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT g, (SELECT max(version) FROM policies p WHERE p.group_name = g),
                        (SELECT count(*) FROM devices d WHERE d.group_name = g AND d.revoked = 0)
                 FROM (SELECT group_name AS g FROM policies UNION SELECT group_name FROM devices) ORDER BY g",
            )?;
            let rows = stmt
                .query_map([], |r| Ok(GroupRow { group: r.get(0)?, active_version: r.get(1)?, devices: r.get(2)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn delete_events_before(&self, cutoff_ms: i64, limit: i64) -> Result<u64> {
        // issue 19: the rollups lose what the deleted events counted, in the same transaction.
        self.write(move |c| Ok(crate::stats::sqlite_delete_events_before(c, cutoff_ms, limit)?)).await
    }

    async fn query_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>> {
        let f = filter.clone();
        self.read(move |c| {
            let (clause, params) = event_where(&f, &|n| format!("?{n}"));
            let sql = format!(
                "SELECT e.seq, e.received_ms, e.group_name, e.body FROM events e {clause} ORDER BY e.seq DESC LIMIT {}",
                f.limit.max(1)
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(params.iter().map(to_sql)), stored_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn count_events(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)).await
    }

    async fn stats(&self, since: i64, until: i64, bucket_ms: i64) -> Result<Stats> {
        // issue 19: from the hourly rollups, never the events table.
        self.read(move |c| Ok(crate::stats::sqlite_stats(c, since, until, bucket_ms)?)).await
    }

    async fn claim_cursor(&self, name: &str, owner: &str, now_ms: i64, lease_ms: i64) -> Result<Option<ForwardPosition>> {
        let (n, o) = (name.to_string(), owner.to_string());
        self.write(move |c| {
            c.execute("INSERT INTO forward_cursors (name, seq) VALUES (?1, 0) ON CONFLICT (name) DO NOTHING", [&n])?;
            Ok(c.query_row(
                "UPDATE forward_cursors SET lease_owner = ?2, lease_until_ms = ?3 + ?4
                 WHERE name = ?1 AND (lease_owner IS NULL OR lease_owner = ?2 OR lease_until_ms < ?3) RETURNING xid, seq",
                params![n, o, now_ms, lease_ms],
                |r| Ok(ForwardPosition { xid: r.get(0)?, seq: r.get(1)? }),
            )
            .optional()?)
        })
        .await
    }

    async fn events_after(&self, after: ForwardPosition, limit: i64) -> Result<Vec<(ForwardPosition, StoredEvent)>> {
        // One writer: seq order is commit order, and a reader sees whole transactions.
        self.read(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT seq, received_ms, group_name, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
            let rows = stmt
                .query_map(params![after.seq, limit], |r| {
                    let e = stored_event(r)?;
                    Ok((ForwardPosition { xid: 0, seq: e.seq }, e))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn advance_cursor(&self, name: &str, owner: &str, to: ForwardPosition) -> Result<bool> {
        let (n, o) = (name.to_string(), owner.to_string());
        self.write(move |c| {
            Ok(c.execute(
                "UPDATE forward_cursors SET xid = ?3, seq = ?4 WHERE name = ?1 AND lease_owner = ?2 AND (xid, seq) < (?3, ?4)",
                params![n, o, to.xid, to.seq],
            )? == 1)
        })
        .await
    }

    // ---- issue 19: signing keys (crate::keys) and shared rate limits (crate::ratelimit).
    async fn add_signing_key(&self, key: &SigningKeyRow) -> Result<bool> {
        let k = key.clone();
        self.write(move |c| {
            Ok(c.execute(
                "INSERT INTO signing_keys (key_id, public_key, not_before_ms, not_after_ms, added_ms, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key_id) DO NOTHING",
                params![k.key_id, k.public_key, k.not_before_ms, k.not_after_ms, k.added_ms, k.added_by],
            )? == 1)
        })
        .await
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT key_id, public_key, not_before_ms, not_after_ms, added_ms, added_by, retired_ms FROM signing_keys
                 ORDER BY added_ms, key_id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(SigningKeyRow {
                        key_id: r.get(0)?,
                        public_key: r.get(1)?,
                        not_before_ms: r.get(2)?,
                        not_after_ms: r.get(3)?,
                        added_ms: r.get(4)?,
                        added_by: r.get(5)?,
                        retired_ms: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn retire_signing_key(&self, key_id: &str, now_ms: i64) -> Result<bool> {
        let id = key_id.to_string();
        self.write(move |c| {
            Ok(c.execute("UPDATE signing_keys SET retired_ms = ?2 WHERE key_id = ?1 AND retired_ms IS NULL", params![id, now_ms])? == 1)
        })
        .await
    }

    async fn rate_take(&self, name: &str, per_s: f64, burst: f64, now_ms: i64) -> Result<std::result::Result<(), u64>> {
        let n = name.to_string();
        self.write(move |c| {
            let (tokens, ok): (f64, bool) = c
                .prepare_cached(crate::ratelimit::TAKE_SQLITE)?
                .query_row(params![n, per_s / 1000.0, burst, now_ms], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)))?;
            Ok(crate::ratelimit::verdict(tokens, ok, per_s))
        })
        .await
    }

    async fn rate_prune(&self, before_ms: i64) -> Result<u64> {
        self.write(move |c| Ok(c.execute("DELETE FROM rate_buckets WHERE updated_ms < ?1", [before_ms])? as u64)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn group_commit_isolates_a_failing_job() {
        let dir = std::env::temp_dir().join(format!("pw-sqlite-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let _ = std::fs::remove_file(&path);
        let store = SqliteStore::open(&path).unwrap();
        store.add_admin_token("dup", "first", 1).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                // Every 10th job violates the primary key and must fail alone.
                let hash = if i % 10 == 0 { "dup".to_string() } else { format!("h{i}") };
                s.add_admin_token(&hash, "n", 2).await.is_ok()
            }));
        }
        let mut ok = 0;
        for t in tasks {
            ok += usize::from(t.await.unwrap());
        }
        assert_eq!(ok, 36);
        assert_eq!(store.admin_token_count().await.unwrap(), 37);
        // Reopening sees the same (committed) state and schema version.
        drop(store);
        let again = SqliteStore::open(&path).unwrap();
        assert_eq!(again.admin_token_count().await.unwrap(), 37);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
