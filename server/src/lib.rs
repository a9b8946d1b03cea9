//! # promptwall-server
//!
//! The central server: device enrollment (one-time tokens → revocable device credentials), signed
//! policy publishing per device group (the server verifies bundles against trusted public keys and
//! never holds a signing key), idempotent event ingestion, device inventory, event queries and
//! statistics, CSV export, a forwarder (webhook, syslog) of OCSF-style records, and an admin
//! console embedded in the binary. API: `docs/api/openapi.yaml`.
//!
//! Storage is behind [`store::Store`] with two backends: an SQLite file (default) and PostgreSQL
//! (`--database-url postgres://…`) for several stateless replicas on one database.

pub mod api;
pub mod auth;
pub mod conn;
pub mod console;
pub mod event;
pub mod export;
pub mod forward;
pub mod http_client;
pub mod reports;
// issue 19: API-managed signing keys, shared rate limits, statistics rollups.
pub mod keys;
pub mod ratelimit;
pub mod stats;
pub mod store;
pub mod tls_client;

use anyhow::Context as _;
use promptwall_policy::TrustedKey;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::Store;

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Rate limit: a token bucket of `burst` requests refilled at `per_s` per second.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub per_s: f64,
    pub burst: f64,
}

impl RateLimit {
    /// `per_s` requests per second with a burst of `factor × per_s`, but never under one request:
    /// a bucket that holds less than one token would refuse every request forever (at 0.05/s
    /// with factor 12 the bucket would top out at 0.6). `per_s` must be a positive finite number;
    /// `option` names the setting in the error.
    pub fn with_burst_factor(option: &str, per_s: f64, factor: f64) -> anyhow::Result<RateLimit> {
        anyhow::ensure!(per_s.is_finite() && per_s > 0.0, "{option} must be a positive number of requests per second (got {per_s})");
        Ok(RateLimit { per_s, burst: (per_s * factor).max(1.0) })
    }
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub trusted_keys: Vec<TrustedKey>,
    /// Per device token.
    pub device_rate: RateLimit,
    /// Per admin token.
    pub admin_rate: RateLimit,
    /// Per client address, for enrollment (unauthenticated).
    pub enroll_rate: RateLimit,
    pub forward: forward::ForwardConfig,
    /// PostgreSQL pool size.
    pub pg_pool: usize,
    /// A connection must deliver a request's headers within this long (from its start, or from the
    /// previous response on a kept-alive connection), and a TLS client its handshake.
    pub header_timeout: std::time::Duration,
    /// A request's body must arrive within this long, else 408 and the connection is closed.
    pub body_timeout: std::time::Duration,
    /// Most open connections; over it the least recently active one is closed (see [`conn`]).
    /// Lowered to fit the open-file limit.
    pub max_connections: usize,
    /// Most open connections from one client address (same eviction).
    pub max_connections_per_ip: usize,
    /// Per client address, for the routes that need no credential (health check, console, unknown
    /// paths).
    pub public_rate: RateLimit,
    /// SQLite tuning (WAL bound).
    pub sqlite: store::sqlite::SqliteOptions,
    /// Events whose `time_ms` is older than this are deleted (none when `None`).
    pub retention: Option<std::time::Duration>,
    /// How often retention runs (default a minute).
    pub retention_interval: std::time::Duration,
    /// issue 19: device, admin and enrollment rate limits kept in the database, so every replica
    /// draws from the same buckets (see [`ratelimit`]).
    pub shared_rate_limits: bool,
}

/// Events deleted per retention transaction.
pub const RETENTION_BATCH: i64 = 5000;

/// Deletes events older than `age` every `every`, in batches of [`RETENTION_BATCH`], each its own
/// short transaction with a pause between them, so ingest keeps going meanwhile.
fn spawn_retention(store: Arc<dyn Store>, age: std::time::Duration, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let cutoff = now_ms() - age.as_millis() as i64;
            let mut deleted = 0u64;
            loop {
                match store.delete_events_before(cutoff, RETENTION_BATCH).await {
                    Ok(n) => {
                        deleted += n;
                        if (n as i64) < RETENTION_BATCH {
                            break;
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "retention: deleting old events failed; will retry");
                        break;
                    }
                }
            }
            if deleted > 0 {
                tracing::info!(deleted, cutoff_ms = cutoff, "retention: old events deleted");
            }
            tokio::time::sleep(every).await;
        }
    })
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> ServerConfig {
        ServerConfig {
            listen,
            data_dir,
            database_url: None,
            tls: None,
            trusted_keys: Vec::new(),
            device_rate: RateLimit { per_s: 5.0, burst: 60.0 },
            admin_rate: RateLimit { per_s: 20.0, burst: 200.0 },
            enroll_rate: RateLimit { per_s: 2.0, burst: 30.0 },
            forward: forward::ForwardConfig::default(),
            pg_pool: 16,
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            max_connections: 8192,
            max_connections_per_ip: 512,
            public_rate: RateLimit { per_s: 10.0, burst: 100.0 },
            sqlite: store::sqlite::SqliteOptions::default(),
            retention: None,
            retention_interval: std::time::Duration::from_secs(60),
            shared_rate_limits: false,
        }
    }
}

/// Reads a trusted public key: `KEY_ID=FILE` or `FILE` (key id = file stem, as
/// `promptwall policy keygen KEY_ID` writes `KEY_ID.pub`). The file holds base64 of 32 bytes.
pub fn load_trusted_key(spec: &str) -> anyhow::Result<TrustedKey> {
    let (id, file) = match spec.split_once('=') {
        Some((id, file)) => (id.to_string(), PathBuf::from(file)),
        None => {
            let p = PathBuf::from(spec);
            let id = p.file_stem().and_then(|s| s.to_str()).context("--trusted-key: cannot take a key id from the file name")?.to_string();
            (id, p)
        }
    };
    let pk = std::fs::read_to_string(&file).with_context(|| format!("{}: cannot read trusted key", file.display()))?;
    let key = TrustedKey { key_id: id, public_key: pk.trim().to_string() };
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(&key.public_key).ok().filter(|b| b.len() == 32);
    anyhow::ensure!(bytes.is_some(), "{}: not a base64 Ed25519 public key (32 bytes)", file.display());
    Ok(key)
}

/// Opens the configured backend: PostgreSQL when a URL is given, else `DATA_DIR/promptwall.db`.
pub async fn open_store(database_url: Option<&str>, data_dir: &Path, pg_pool: usize) -> anyhow::Result<Arc<dyn Store>> {
    open_store_with(database_url, data_dir, pg_pool, store::sqlite::SqliteOptions::default()).await
}

/// [`open_store`] with the SQLite backend's options.
pub async fn open_store_with(
    database_url: Option<&str>,
    data_dir: &Path,
    pg_pool: usize,
    sqlite: store::sqlite::SqliteOptions,
) -> anyhow::Result<Arc<dyn Store>> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(store::postgres::PgStore::connect(url, pg_pool).await.context("connecting to PostgreSQL")?))
        }
        Some(url) if url.starts_with("sqlite://") => {
            let path = PathBuf::from(&url["sqlite://".len()..]);
            Ok(Arc::new(store::sqlite::SqliteStore::open_with(&path, sqlite).with_context(|| format!("opening {}", path.display()))?))
        }
        Some(other) => {
            anyhow::bail!("unsupported --database-url `{}` (postgres://… or sqlite://PATH)", other.split(':').next().unwrap_or(""))
        }
        None => {
            private_dir(data_dir)?;
            let path = data_dir.join("promptwall.db");
            Ok(Arc::new(store::sqlite::SqliteStore::open_with(&path, sqlite).with_context(|| format!("opening {}", path.display()))?))
        }
    }
}

/// Creates `dir` (and parents) and makes it private to the server's user (0700): it holds the
/// database and the first admin token.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mode = std::fs::metadata(dir).with_context(|| format!("reading {}", dir.display()))?.permissions().mode() & 0o777;
    if mode != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} private (0700)", dir.display()))?;
    }
    Ok(())
}

/// Where the first start writes the first admin token (0600, in the data directory).
pub const INITIAL_ADMIN_TOKEN_FILE: &str = "initial-admin-token";

/// Writes the first admin token to `DATA_DIR/initial-admin-token`, readable by the owner only.
fn write_initial_token(data_dir: &Path, token: &str) -> anyhow::Result<PathBuf> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    private_dir(data_dir)?;
    let path = data_dir.join(INITIAL_ADMIN_TOKEN_FILE);
    // A stale file (from an earlier database) is replaced, never reused with looser permissions.
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing the stale {}", path.display())),
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("writing the first admin token to {}", path.display()))?;
    f.write_all(format!("{token}\n").as_bytes())?;
    f.sync_all()?;
    Ok(path)
}

/// The tenant redaction key: 32 random bytes (64 lowercase hex) made on first start and kept in
/// the database, the same for every replica. Devices receive it when they enroll and key their
/// redaction hashes and exact-data-match fingerprints with it.
pub async fn redaction_key(store: &dyn Store) -> anyhow::Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let fresh: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let key = store.secret(store::REDACTION_KEY, &fresh, now_ms()).await?;
    anyhow::ensure!(
        key.len() == 64 && key.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
        "the stored redaction key is not 64 lowercase hex digits"
    );
    Ok(key)
}

/// A server started by [`start`].
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    /// Made when the database had no admin token: the first admin token (for callers in this
    /// process; `serve` prints only where the file is).
    pub initial_admin_token: Option<String>,
    /// `DATA_DIR/initial-admin-token` (0600), written when the first admin token was made.
    pub initial_admin_token_file: Option<PathBuf>,
    /// Counts the open connections.
    pub connections: Arc<conn::ConnTracker>,
    pub tls: bool,
    handle: axum_server::Handle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The forwarder and other background tasks, stopped at shutdown.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningServer {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), waits, then closes the
    /// database cleanly (SQLite: truncating checkpoint, so the WAL is empty on disk).
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        for t in self.background {
            t.abort();
        }
        let served = self.task.await;
        let closed = self.store.close().await;
        served??;
        closed.context("closing the database")?;
        Ok(())
    }

    /// Serves until `signal` completes, then shuts down gracefully.
    pub async fn run_until(mut self, signal: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
        tokio::select! {
            r = &mut self.task => {
                r??;
                return Ok(());
            }
            _ = signal => {}
        }
        tracing::info!("shutting down: finishing requests in flight");
        self.shutdown().await
    }

    /// Waits until the server stops (it stops on its own only on an I/O error).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await??;
        Ok(())
    }
}

/// Opens storage, creates the first admin token if there is none, binds and serves.
pub async fn start(cfg: ServerConfig) -> anyhow::Result<RunningServer> {
    let store = open_store_with(cfg.database_url.as_deref(), &cfg.data_dir, cfg.pg_pool, cfg.sqlite).await?;
    start_with_store(cfg, store).await
}

pub async fn start_with_store(cfg: ServerConfig, store: Arc<dyn Store>) -> anyhow::Result<RunningServer> {
    // Checked before anything else starts: a bad webhook URL or CA file fails the start.
    let forward_sinks = forward::sinks(&cfg.forward).context("forwarder")?;
    let (initial_admin_token, initial_admin_token_file) = if store.admin_token_count().await? == 0 {
        let token = auth::new_token(auth::ADMIN_PREFIX)?;
        // The file first: a token only in the database would be lost.
        let file = write_initial_token(&cfg.data_dir, &token)?;
        store.add_admin_token(&auth::hash_token(&token), "initial", now_ms()).await?;
        (Some(token), Some(file))
    } else {
        (None, None)
    };
    let redaction_key = redaction_key(store.as_ref()).await?;
    let notify = Arc::new(tokio::sync::Notify::new());
    let state = api::AppState::new(store.clone(), &cfg, notify.clone()).with_redaction_key(redaction_key);
    let app = api::router(state);
    let listener = std::net::TcpListener::bind(cfg.listen).with_context(|| format!("binding {}", cfg.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let handle = axum_server::Handle::new();
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    // Keep the connection cap under the open-file limit, with room for the database and logs.
    let max_connections = match conn::raise_nofile_limit() {
        Some(soft) => cfg.max_connections.min((soft.saturating_sub(128) as usize).max(16)),
        None => cfg.max_connections,
    };
    let connections = conn::ConnTracker::new(max_connections, cfg.max_connections_per_ip);
    let limit = conn::LimitAcceptor::new(axum_server::accept::DefaultAcceptor::new(), connections.clone());
    let task = match &cfg.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| format!("loading TLS certificate {} and key {}", cert.display(), key.display()))?;
            // HTTP/1.1 only (see conn::Http1Stream): never offer h2 in ALPN.
            let mut rustls_cfg = (*tls.get_inner()).clone();
            rustls_cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
            let tls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(rustls_cfg));
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls).handshake_timeout(cfg.header_timeout).acceptor(limit);
            let acceptor = conn::Http1Acceptor::new(acceptor, cfg.header_timeout);
            let mut server = axum_server::from_tcp(listener).acceptor(acceptor).handle(handle.clone());
            http1_timeouts(server.http_builder(), cfg.header_timeout);
            tokio::spawn(async move { server.serve(make).await })
        }
        None => {
            let acceptor = conn::Http1Acceptor::new(limit, cfg.header_timeout);
            let mut server = axum_server::from_tcp(listener).acceptor(acceptor).handle(handle.clone());
            http1_timeouts(server.http_builder(), cfg.header_timeout);
            tokio::spawn(async move { server.serve(make).await })
        }
    };
    let mut background = Vec::new();
    let mut fwd = cfg.forward.clone();
    // Stable across restarts of this replica (so it takes its lease back at once) and distinct
    // between replicas (each has its own host or address).
    fwd.owner.get_or_insert_with(|| format!("{}/{addr}", forward::hostname()));
    background.extend(forward::spawn(forward_sinks, fwd, store.clone(), notify));
    if let Some(age) = cfg.retention {
        background.push(spawn_retention(store.clone(), age, cfg.retention_interval));
    }
    // issue 19: fold the statistics' rollup log (PostgreSQL; a no-op on SQLite), forget idle
    // shared rate-limit buckets.
    if store.backend() == "postgres" {
        background.push(stats::spawn_compaction(store.clone(), std::time::Duration::from_secs(2)));
    }
    if cfg.shared_rate_limits {
        let longest = [&cfg.device_rate, &cfg.admin_rate, &cfg.enroll_rate].into_iter().map(ratelimit::refill_ms).max().unwrap_or(0);
        background.push(ratelimit::spawn_prune(store.clone(), longest));
    }
    tracing::info!(%addr, backend = store.backend(), tls = cfg.tls.is_some(), max_connections, max_connections_per_ip = cfg.max_connections_per_ip, "promptwall-server listening");
    Ok(RunningServer {
        addr,
        store,
        initial_admin_token,
        initial_admin_token_file,
        connections,
        tls: cfg.tls.is_some(),
        handle,
        task,
        background,
    })
}

/// HTTP/1 only, with a header read timeout (hyper applies it only with a timer).
fn http1_timeouts(b: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>, header_timeout: std::time::Duration) {
    b.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout);
}
