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
pub mod console;
pub mod export;
pub mod forward;
pub mod http_client;
pub mod store;

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
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(store::postgres::PgStore::connect(url, pg_pool).await.context("connecting to PostgreSQL")?))
        }
        Some(url) if url.starts_with("sqlite://") => {
            let path = PathBuf::from(&url["sqlite://".len()..]);
            Ok(Arc::new(store::sqlite::SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?))
        }
        Some(other) => anyhow::bail!("unsupported --database-url `{}` (postgres://… or sqlite://PATH)", other.split(':').next().unwrap_or("")),
        None => {
            std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
            let path = data_dir.join("promptwall.db");
            Ok(Arc::new(store::sqlite::SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?))
        }
    }
}

/// A server started by [`start`].
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    /// Printed once when the database had no admin token: the first admin token.
    pub initial_admin_token: Option<String>,
    pub tls: bool,
    handle: axum_server::Handle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    forwarder: Option<tokio::task::JoinHandle<()>>,
}

impl RunningServer {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and waits.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        if let Some(f) = self.forwarder {
            f.abort();
        }
        self.task.await??;
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
    let store = open_store(cfg.database_url.as_deref(), &cfg.data_dir, cfg.pg_pool).await?;
    start_with_store(cfg, store).await
}

pub async fn start_with_store(cfg: ServerConfig, store: Arc<dyn Store>) -> anyhow::Result<RunningServer> {
    let initial_admin_token = if store.admin_token_count().await? == 0 {
        let token = auth::new_token(auth::ADMIN_PREFIX)?;
        store.add_admin_token(&auth::hash_token(&token), "initial", now_ms()).await?;
        Some(token)
    } else {
        None
    };
    let notify = Arc::new(tokio::sync::Notify::new());
    let state = api::AppState::new(store.clone(), &cfg, notify.clone());
    let app = api::router(state);
    let listener = std::net::TcpListener::bind(cfg.listen).with_context(|| format!("binding {}", cfg.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let handle = axum_server::Handle::new();
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    let task = match &cfg.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| format!("loading TLS certificate {} and key {}", cert.display(), key.display()))?;
            let server = axum_server::from_tcp_rustls(listener, tls).handle(handle.clone());
            tokio::spawn(async move { server.serve(make).await })
        }
        None => {
            let server = axum_server::from_tcp(listener).handle(handle.clone());
            tokio::spawn(async move { server.serve(make).await })
        }
    };
    let forwarder = forward::spawn(cfg.forward.clone(), store.clone(), notify);
    tracing::info!(%addr, backend = store.backend(), tls = cfg.tls.is_some(), "promptwall-server listening");
    Ok(RunningServer { addr, store, initial_admin_token, tls: cfg.tls.is_some(), handle, task, forwarder })
}
