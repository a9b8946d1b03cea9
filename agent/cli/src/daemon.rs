//! `promptwall daemon`: loads the policy, engine and event store once and serves many native
//! hosts over a Unix socket that only the same user can open: the socket lives in a 0700
//! directory, is itself 0600, and each connection's peer uid is checked (Linux `SO_PEERCRED`).
//! tokio accepts connections and serves each on its blocking pool (the work per request is
//! CPU-bound scanning plus a synchronous SQLite commit). Policy sync, event upload and the
//! configuration watch run on their own threads. SIGTERM/SIGINT: stop accepting, give requests in
//! flight a moment, remove the socket, exit 0. Every event was committed when it was appended, so
//! there is nothing else to flush.
//!
//! Connections are bounded: each is closed after [`IDLE`] without a complete request (hosts
//! reconnect at once on their next request), and at most [`MAX_CONNECTIONS`] are served; when
//! that many are open, the one whose last request is oldest is closed to make room, so a flood of
//! idle or slow connections cannot keep a host from being served.
//!
//! Socket: `$PROMPTWALL_RUNTIME_DIR/agent.sock` (development builds), else `$XDG_RUNTIME_DIR/promptwall/agent.sock`,
//! else `agent.sock` in the data directory. Windows: the named pipe in `pipe_windows.rs`
//! (owner-only DACL; the host checks the pipe's owner before sending anything), with the same
//! idle limit and connection cap.

#[cfg(unix)]
use anyhow::Context;
use anyhow::Result;
use clap::Args;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
#[cfg(unix)]
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{AgentConfig, LogFormat};
use promptwall_agent::decider::{serve, Decider, Shared};
use std::sync::RwLock;

#[derive(Args)]
pub struct DaemonArgs {
    /// Local policy file that overrides the synced bundle (default: the configuration's
    /// `policy_override`, else the last good synced bundle, else the built-in policy).
    /// `PROMPTWALL_POLICY` is read in development builds only.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Log format on stderr (default: the configuration's `log_format`, else text).
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

#[cfg(unix)]
pub use crate::local::socket_path;

#[cfg(unix)]
pub struct Conn {
    pub reader: BufReader<std::os::unix::net::UnixStream>,
    pub writer: std::os::unix::net::UnixStream,
}

#[cfg(windows)]
#[path = "pipe_windows.rs"]
mod pipe;

#[cfg(windows)]
pub struct Conn {
    pub reader: BufReader<std::fs::File>,
    pub writer: std::fs::File,
}

#[cfg(not(any(unix, windows)))]
pub struct Conn {
    pub reader: BufReader<std::io::Empty>,
    pub writer: std::io::Sink,
}

/// Connects to a running daemon, or `None` (quickly) when there is none.
#[cfg(unix)]
pub fn connect() -> Option<Conn> {
    let path = socket_path().ok()?;
    let stream = std::os::unix::net::UnixStream::connect(path).ok()?;
    // A daemon that stops answering must not hold a verdict for long.
    stream.set_read_timeout(Some(ANSWER_BASE)).ok()?;
    stream.set_write_timeout(Some(ANSWER_BASE)).ok()?;
    Some(Conn { reader: BufReader::new(stream.try_clone().ok()?), writer: stream })
}

/// How long a host waits for the daemon's answer before deciding itself: 2 s, plus 2 s per MiB
/// of request (a multi-megabyte paste takes the daemon a while to scan, and deciding it twice
/// would cost more), at most 30 s.
#[cfg(unix)]
const ANSWER_BASE: Duration = Duration::from_secs(2);

#[cfg(unix)]
pub fn answer_timeout(request_bytes: usize) -> Duration {
    let per_mib = Duration::from_secs(2).mul_f64(request_bytes as f64 / (1024.0 * 1024.0));
    (ANSWER_BASE + per_mib).min(Duration::from_secs(30))
}

impl Conn {
    /// Sets how long the next answer may take, from the size of the request it answers.
    #[cfg(unix)]
    pub fn expect_answer_to(&self, request_bytes: usize) {
        let _ = self.writer.set_read_timeout(Some(answer_timeout(request_bytes)));
    }

    /// The pipe has no read timeout; the daemon's watchdog bounds a stuck instance.
    #[cfg(not(unix))]
    pub fn expect_answer_to(&self, _request_bytes: usize) {}
}

/// Connects to a running daemon's pipe, or `None` when there is none (or it is not ours).
#[cfg(windows)]
pub fn connect() -> Option<Conn> {
    let file = pipe::connect()?;
    Some(Conn { reader: BufReader::new(file.try_clone().ok()?), writer: file })
}

#[cfg(not(any(unix, windows)))]
pub fn connect() -> Option<Conn> {
    None
}

/// The connecting process runs as our user (Linux); elsewhere the 0700/0600 permissions decide.
#[cfg(target_os = "linux")]
fn same_user(stream: &std::os::unix::net::UnixStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut cred = libc::ucred { pid: 0, uid: u32::MAX, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, a properly sized ucred.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, (&mut cred as *mut libc::ucred).cast(), &mut len)
    };
    // SAFETY: getuid has no preconditions.
    rc == 0 && cred.uid == unsafe { libc::getuid() }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn same_user(_: &std::os::unix::net::UnixStream) -> bool {
    true
}

/// What `run` sets up for any transport: configuration, logging, the shared decider state and
/// the background loops (policy sync, event upload, configuration watch).
pub(crate) struct Running {
    pub shared: Arc<Shared>,
    pub stop: Arc<AtomicBool>,
    loops: Vec<std::thread::JoinHandle<()>>,
}

pub(crate) fn start(args: &DaemonArgs) -> Result<Running> {
    let config_path = crate::config::config_path();
    let cfg = AgentConfig::load_from(&config_path)?;
    crate::logging::init(args.log_format.unwrap_or(cfg.log_format), cfg.log_filter.as_deref(), "info");
    let cli_policy = args.policy.clone().or_else(|| crate::local::dev_env("PROMPTWALL_POLICY").map(PathBuf::from));
    let over = cfg.override_policy(cli_policy.as_ref());
    let shared = Arc::new(Shared::load(&cfg, over.as_deref(), "daemon")?);
    // The models load once, now, so that no verdict waits for them.
    crate::models::preload();
    let current = shared.cell.current();
    tracing::info!(policy_version = current.version, source = %current.source, config = %config_path.display(), "daemon starting");
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    let config = Arc::new(RwLock::new(cfg));
    let mut loops = Vec::new();
    {
        let (cell, config, store, stop) = (shared.cell.clone(), config.clone(), shared.store.clone(), stop.clone());
        loops.push(
            std::thread::Builder::new().name("policy-sync".into()).spawn(move || crate::sync::policy_loop(cell, config, store, stop))?,
        );
    }
    {
        let (cell, config, stop) = (shared.cell.clone(), config.clone(), stop.clone());
        loops.push(std::thread::Builder::new().name("upload".into()).spawn(move || crate::upload::upload_loop(cell, config, stop))?);
    }
    {
        let r = crate::watch::Reloader {
            config_path,
            cli_override: args.policy.clone().or_else(|| crate::local::dev_env("PROMPTWALL_POLICY").map(PathBuf::from)),
            config: config.clone(),
            cell: shared.cell.clone(),
            loaded: std::sync::Mutex::new(None),
        };
        let stop = stop.clone();
        loops.push(std::thread::Builder::new().name("watch".into()).spawn(move || crate::watch::watch_loop(r, stop))?);
    }
    #[cfg(windows)]
    {
        // The registry policy (Group Policy, Intune) is no file to watch: it is read again every
        // few seconds, and a change reloads the configuration as a change of agent.json does.
        let r = crate::watch::Reloader {
            config_path: crate::config::config_path(),
            cli_override: args.policy.clone().or_else(|| crate::local::dev_env("PROMPTWALL_POLICY").map(PathBuf::from)),
            config: config.clone(),
            cell: shared.cell.clone(),
            loaded: std::sync::Mutex::new(None),
        };
        let stop = stop.clone();
        loops.push(std::thread::Builder::new().name("registry-watch".into()).spawn(move || registry_watch(r, stop))?);
    }
    Ok(Running { shared, stop, loops })
}

/// How often the daemon reads the registry policy again (Windows).
#[cfg(windows)]
const REGISTRY_POLL: Duration = Duration::from_secs(5);

/// Reloads the configuration when the registry policy changes, until `stop`.
#[cfg(windows)]
fn registry_watch(r: crate::watch::Reloader, stop: Arc<AtomicBool>) {
    use std::sync::atomic::Ordering;
    let read = || promptwall_agent::config::managed_registry_policy().map_err(|e| format!("{e:#}"));
    let mut last = read();
    let mut waited = Duration::ZERO;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
        if waited < REGISTRY_POLL {
            continue;
        }
        waited = Duration::ZERO;
        let now = read();
        if now != last {
            tracing::info!("registry policy changed");
            last = now;
            r.reload();
        }
    }
}

impl Running {
    /// Waits briefly for the loops to notice `stop`. An upload cut short is harmless: its events
    /// are still queued and the server dedupes the retry.
    pub(crate) fn finish(self) {
        let t = std::time::Instant::now();
        while t.elapsed() < Duration::from_secs(3) && self.loops.iter().any(|l| !l.is_finished()) {
            std::thread::sleep(Duration::from_millis(20));
        }
        tracing::info!("daemon stopped");
    }
}

/// Serves one connection until its host closes it; `touch` after each answered request.
#[cfg_attr(unix, allow(dead_code))]
pub(crate) fn serve_connection(shared: &Shared, mut reader: impl std::io::Read, mut writer: impl std::io::Write, touch: &dyn Fn()) {
    let mut host = Decider::new(shared, "daemon");
    if let Err(e) = serve(&mut host, &mut reader, &mut writer, promptwall_protocol::DEFAULT_MAX_INBOUND, touch) {
        tracing::debug!(error = %format!("{e:#}"), "connection ended");
    }
}

/// A connection without a complete request for this long is closed. (Unix: the socket's read
/// and write timeouts; Windows: a watchdog disconnects a pipe instance whose read or write has
/// been pending this long, see `pipe_windows.rs`.)
#[cfg(any(unix, windows))]
pub const IDLE: Duration = Duration::from_secs(60);
/// At most this many connections are served at once, on Unix and Windows alike (Windows: well
/// under the pipe's 255 instances, so a new instance can always be created).
#[cfg(any(unix, windows))]
pub const MAX_CONNECTIONS: usize = 128;

/// The open connections, each with the time of its last complete request (ms since start), so
/// that the stalest can be closed when the table is full.
#[cfg(unix)]
#[derive(Default)]
struct Connections {
    next: std::sync::atomic::AtomicU64,
    open: std::sync::Mutex<std::collections::HashMap<u64, (std::os::unix::net::UnixStream, Arc<std::sync::atomic::AtomicU64>)>>,
}

#[cfg(unix)]
impl Connections {
    /// Registers a connection (closing the stalest one first when full); returns its key and
    /// its activity clock.
    fn admit(&self, stream: &std::os::unix::net::UnixStream, now_ms: u64) -> Option<(u64, Arc<std::sync::atomic::AtomicU64>)> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.len() >= MAX_CONNECTIONS {
            let stalest = open.iter().min_by_key(|(_, (_, t))| t.load(Ordering::Relaxed)).map(|(k, _)| *k);
            if let Some((s, _)) = stalest.and_then(|k| open.remove(&k)) {
                let _ = s.shutdown(std::net::Shutdown::Both);
                tracing::warn!(open = MAX_CONNECTIONS, "connection table full: closed the stalest connection");
            }
        }
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let clock = Arc::new(std::sync::atomic::AtomicU64::new(now_ms));
        open.insert(key, (stream.try_clone().ok()?, clock.clone()));
        Some((key, clock))
    }

    fn remove(&self, key: u64) {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
    }
}

#[cfg(unix)]
pub fn run(args: DaemonArgs) -> Result<ExitCode> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    let path = socket_path()?;
    if UnixStream::connect(&path).is_ok() {
        anyhow::bail!("a daemon is already serving {}", path.display());
    }
    let _ = std::fs::remove_file(&path); // stale socket of a daemon that was killed
    let running = start(&args)?;
    let listener = UnixListener::bind(&path).with_context(|| format!("{}: cannot listen", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    listener.set_nonblocking(true)?;
    // tokio accepts (no polling delay before a new host is served) and runs each connection on
    // its blocking pool: a connection's work is CPU-bound scanning and a synchronous SQLite
    // commit, which belong on threads, not on the async workers.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(512)
        .thread_name("promptwall-conn")
        .enable_io()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    tracing::info!(socket = %path.display(), "serving");
    let conns = Arc::new(Connections::default());
    let started = std::time::Instant::now();
    rt.block_on(async {
        let listener = tokio::net::UnixListener::from_std(listener)?;
        while !running.stop.load(Ordering::Relaxed) {
            // Wake up now and then to notice SIGTERM/SIGINT (signal-hook sets `stop`).
            let Ok(accepted) = tokio::time::timeout(Duration::from_millis(100), listener.accept()).await else { continue };
            let stream = match accepted.and_then(|(s, _)| s.into_std()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            if !same_user(&stream) {
                tracing::warn!("refused a connection from another user");
                continue;
            }
            let _ = stream.set_nonblocking(false);
            // An idle connection, or one that stops mid-frame, ends after IDLE.
            let _ = stream.set_read_timeout(Some(IDLE));
            let _ = stream.set_write_timeout(Some(IDLE));
            let Some((key, clock)) = conns.admit(&stream, started.elapsed().as_millis() as u64) else { continue };
            let (shared, conns) = (running.shared.clone(), conns.clone());
            tokio::task::spawn_blocking(move || {
                if let Ok(read_half) = stream.try_clone() {
                    let mut host = Decider::new(&shared, "daemon");
                    let touch = || clock.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
                    let mut writer = &stream;
                    if let Err(e) =
                        serve(&mut host, &mut BufReader::new(read_half), &mut writer, promptwall_protocol::DEFAULT_MAX_INBOUND, &touch)
                    {
                        tracing::debug!(error = %format!("{e:#}"), "connection ended");
                    }
                }
                conns.remove(key);
            });
        }
        anyhow::Ok(())
    })?;
    tracing::info!("stopping");
    let _ = std::fs::remove_file(&path);
    // Requests in flight get a moment to finish; idle connections end with the process (their
    // hosts then decide in-process). Every event was committed before its verdict was sent.
    rt.shutdown_timeout(Duration::from_millis(500));
    running.finish();
    Ok(ExitCode::SUCCESS)
}

#[cfg(windows)]
pub fn run(args: DaemonArgs) -> Result<ExitCode> {
    let running = start(&args)?;
    let served = pipe::serve(&running);
    running.finish();
    served?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(any(unix, windows)))]
pub fn run(_: DaemonArgs) -> Result<ExitCode> {
    anyhow::bail!("the daemon has no transport on this platform")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_answer_may_take_longer_for_a_larger_request_but_not_forever() {
        assert_eq!(answer_timeout(100), Duration::from_secs(2) + Duration::from_secs(2).mul_f64(100.0 / 1048576.0));
        assert_eq!(answer_timeout(1024 * 1024), Duration::from_secs(4));
        assert_eq!(answer_timeout(8 * 1024 * 1024), Duration::from_secs(18));
        assert_eq!(answer_timeout(usize::MAX), Duration::from_secs(30));
    }
}
