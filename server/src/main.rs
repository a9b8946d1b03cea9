//! `promptwall-server serve …`, `promptwall-server admin-token create …` and
//! `promptwall-server redaction-key show …`.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use promptwall_server::{auth, forward, load_trusted_key, now_ms, open_store, RateLimit, ServerConfig};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "promptwall-server",
    version,
    about = "Promptwall central server: enrollment, policy publishing, event ingestion, admin console"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// Directory for the SQLite database (promptwall.db) when no --database-url is given.
    #[arg(long, default_value = "promptwall-data")]
    data_dir: PathBuf,
    /// postgres://USER@HOST/DB (several replicas may share it) or sqlite://PATH.
    #[arg(long, env = "PROMPTWALL_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Admin tokens.
    AdminToken {
        #[command(subcommand)]
        cmd: AdminTokenCmd,
    },
    /// The tenant redaction key devices key their redaction hashes and fingerprints with.
    RedactionKey {
        #[command(subcommand)]
        cmd: RedactionKeyCmd,
    },
    /// Approved false-alarm exceptions (the console's False alarms page).
    Exceptions {
        #[command(subcommand)]
        cmd: ExceptionsCmd,
    },
}

#[derive(Subcommand)]
enum ExceptionsCmd {
    /// Print the approved, unexpired exceptions (those scoped to other groups left out) as an
    /// exceptions file for `promptwall policy sign --exceptions FILE`, as
    /// `GET /api/v1/admin/exceptions?group=G` does. Only a bundle the admin signs reaches devices.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        group: Option<String>,
    },
}

#[derive(Subcommand)]
enum RedactionKeyCmd {
    /// Print the key (64 lowercase hex; made now if the server never started), e.g. to compute
    /// exact-data-match hashes offline. Keep it as secret as an admin token.
    Show {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AdminTokenCmd {
    /// Create an admin token and print it once (only its hash is stored).
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// A label for the token.
        #[arg(long, default_value = "admin")]
        name: String,
    },
    /// List admin tokens: id (first 16 hex digits of the stored hash), creation time, name.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke an admin token by its id (from `list`); refused for the last one.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        id: String,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// PEM certificate chain; with --tls-key, serves HTTPS (rustls).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Public key bundles must be signed with: KEY_ID=FILE or FILE (key id = file stem). Repeat for rotation.
    #[arg(long = "trusted-key")]
    trusted_keys: Vec<String>,
    /// Requests per second allowed per device token (burst: 12x).
    #[arg(long, default_value_t = 5.0)]
    device_rate: f64,
    /// Requests per second allowed per admin token (burst: 10x).
    #[arg(long, default_value_t = 20.0)]
    admin_rate: f64,
    /// Enrollments per second allowed per client address (burst: 15x).
    #[arg(long, default_value_t = 2.0)]
    enroll_rate: f64,
    /// Forward every event as an OCSF-style record: POST JSON arrays to this http:// or https:// URL.
    #[arg(long)]
    forward_webhook: Option<String>,
    /// Forward every event to syslog (RFC 5424): udp://HOST:PORT, tcp://HOST:PORT or
    /// syslog+tls://HOST:PORT (RFC 5425).
    #[arg(long)]
    forward_syslog: Option<String>,
    /// A CA certificate file (PEM) trusted for the HTTPS webhook and syslog over TLS, besides the
    /// compiled-in Mozilla roots.
    #[arg(long)]
    forward_ca: Option<PathBuf>,
    /// PostgreSQL connection pool size.
    #[arg(long, default_value_t = 16)]
    pg_pool: usize,
    /// Seconds a connection has to send a request's headers (and a TLS client its handshake).
    #[arg(long, default_value_t = 10)]
    header_timeout_s: u64,
    /// Seconds a request's body has to arrive (then 408).
    #[arg(long, default_value_t = 30)]
    body_timeout_s: u64,
    /// Most open connections (lowered to fit the open-file limit); over it the least recently
    /// active connection is closed.
    #[arg(long, default_value_t = 8192)]
    max_connections: usize,
    /// Most open connections from one client address (raise it behind a proxy or NAT).
    #[arg(long, default_value_t = 512)]
    max_connections_per_ip: usize,
    /// Requests per second per client address to routes without a credential (health check,
    /// console; burst: 10x).
    #[arg(long, default_value_t = 10.0)]
    public_rate: f64,
    /// SQLite: when the write-ahead log grows past this many MiB, the writer folds it into the
    /// database and resets it (truncating checkpoint).
    #[arg(long, default_value_t = 64)]
    sqlite_wal_limit_mb: u64,
    /// Delete events older than this many days (by their time), in small batches every minute.
    /// Default: keep everything.
    #[arg(long)]
    retention_days: Option<f64>,
    /// Keep the device, admin and enrollment rate-limit buckets in the database, so replicas
    /// behind a load balancer share them (one small write per limited request).
    #[arg(long)]
    shared_rate_limits: bool,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("PROMPTWALL_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::AdminToken { cmd: AdminTokenCmd::Create { db, name } } => {
            let store = open_store(db.database_url.as_deref(), &db.data_dir, 2).await?;
            let token = auth::new_token(auth::ADMIN_PREFIX)?;
            store.add_admin_token(&auth::hash_token(&token), &name, now_ms()).await?;
            println!("{token}");
            eprintln!("admin token `{name}` created; it is shown only now");
            Ok(())
        }
        Cmd::AdminToken { cmd: AdminTokenCmd::List { db } } => {
            let store = open_store(db.database_url.as_deref(), &db.data_dir, 2).await?;
            for t in store.admin_tokens().await? {
                println!("{}\t{}\t{}", t.id, promptwall_server::export::rfc3339_ms(t.created_ms), t.name);
            }
            Ok(())
        }
        Cmd::AdminToken { cmd: AdminTokenCmd::Revoke { db, id } } => {
            let store = open_store(db.database_url.as_deref(), &db.data_dir, 2).await?;
            match store.revoke_admin_token(&id).await? {
                promptwall_server::store::RevokeAdmin::Revoked => {
                    eprintln!("admin token {id} revoked");
                    Ok(())
                }
                promptwall_server::store::RevokeAdmin::NotFound => anyhow::bail!("no admin token with id {id}"),
                promptwall_server::store::RevokeAdmin::Last => {
                    anyhow::bail!("{id} is the last admin token; create another first (admin-token create)")
                }
            }
        }
        Cmd::Exceptions { cmd: ExceptionsCmd::Export { db, group } } => {
            let store = open_store(db.database_url.as_deref(), &db.data_dir, 2).await?;
            let file = promptwall_server::reports::export(&store.reviews().await?, group.as_deref(), now_ms());
            println!("{}", serde_json::to_string_pretty(&file)?);
            Ok(())
        }
        Cmd::RedactionKey { cmd: RedactionKeyCmd::Show { db } } => {
            let store = open_store(db.database_url.as_deref(), &db.data_dir, 2).await?;
            println!("{}", promptwall_server::redaction_key(store.as_ref()).await?);
            Ok(())
        }
        Cmd::Serve(a) => {
            let a = *a;
            let mut cfg = ServerConfig::new(a.listen, a.db.data_dir);
            cfg.database_url = a.db.database_url;
            cfg.tls = a.tls_cert.zip(a.tls_key);
            cfg.trusted_keys = a.trusted_keys.iter().map(|s| load_trusted_key(s)).collect::<Result<_>>()?;
            cfg.device_rate = RateLimit::with_burst_factor("--device-rate", a.device_rate, 12.0)?;
            cfg.admin_rate = RateLimit::with_burst_factor("--admin-rate", a.admin_rate, 10.0)?;
            cfg.enroll_rate = RateLimit::with_burst_factor("--enroll-rate", a.enroll_rate, 15.0)?;
            cfg.pg_pool = a.pg_pool;
            anyhow::ensure!(a.header_timeout_s > 0 && a.body_timeout_s > 0, "--header-timeout-s and --body-timeout-s must be above 0");
            cfg.header_timeout = std::time::Duration::from_secs(a.header_timeout_s);
            cfg.body_timeout = std::time::Duration::from_secs(a.body_timeout_s);
            cfg.max_connections = a.max_connections;
            cfg.max_connections_per_ip = a.max_connections_per_ip;
            cfg.public_rate = RateLimit::with_burst_factor("--public-rate", a.public_rate, 10.0)?;
            anyhow::ensure!(a.sqlite_wal_limit_mb > 0, "--sqlite-wal-limit-mb must be above 0");
            cfg.sqlite.wal_limit = a.sqlite_wal_limit_mb * 1024 * 1024;
            if let Some(d) = a.retention_days {
                anyhow::ensure!(d.is_finite() && d > 0.0, "--retention-days must be above 0");
                cfg.retention = Some(std::time::Duration::from_secs_f64(d * 86_400.0));
            }
            cfg.shared_rate_limits = a.shared_rate_limits;
            cfg.forward.webhook = a.forward_webhook;
            cfg.forward.ca_file = a.forward_ca;
            cfg.forward.syslog = a.forward_syslog.as_deref().map(forward::SyslogTarget::parse).transpose().map_err(anyhow::Error::msg)?;
            if cfg.trusted_keys.is_empty() {
                tracing::warn!("no --trusted-key: policy uploads will be refused");
            }
            let server = promptwall_server::start(cfg).await.context("starting the server")?;
            if let Some(f) = &server.initial_admin_token_file {
                // Only where it is: stdout ends up in logs and journals.
                println!(
                    "No admin token existed; created one in {} (readable by this user only). Read it, keep it safe, then delete the file.",
                    f.display()
                );
            }
            let scheme = if server_is_tls(&server) { "https" } else { "http" };
            println!("promptwall-server listening on {scheme}://{} (console: /console/)", server.addr);
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            server
                .run_until(async move {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                })
                .await
        }
    }
}

fn server_is_tls(s: &promptwall_server::RunningServer) -> bool {
    s.tls
}
