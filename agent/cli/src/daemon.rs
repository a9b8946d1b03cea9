//! `promptwall daemon`: loads the policy, engine and event store once and serves many native
//! hosts over a Unix socket that only the same user can open: the socket lives in a 0700
//! directory, is itself 0600, and each connection's peer uid is checked (Linux `SO_PEERCRED`).
//! One thread per connection (a handful of browsers per user). SIGTERM/SIGINT: stop accepting,
//! finish the requests in flight, remove the socket, exit 0. Every event was committed when it
//! was appended, so there is nothing else to flush.
//!
//! Socket: `$PROMPTWALL_RUNTIME_DIR/agent.sock`, else `$XDG_RUNTIME_DIR/promptwall/agent.sock`,
//! else `agent.sock` in the data directory. (Windows: a named pipe, not written yet.)

use anyhow::{Context, Result};
use clap::Args;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::native_host::{serve, Host, Shared};

#[derive(Args)]
pub struct DaemonArgs {
    /// Policy file (default: the built-in policy).
    #[arg(long, env = "PROMPTWALL_POLICY")]
    pub policy: Option<PathBuf>,
}

pub fn socket_path() -> Result<PathBuf> {
    let dir = if let Some(d) = std::env::var_os("PROMPTWALL_RUNTIME_DIR") {
        PathBuf::from(d)
    } else if let Some(x) = std::env::var_os("XDG_RUNTIME_DIR") {
        PathBuf::from(x).join("promptwall")
    } else {
        crate::local::data_dir()?
    };
    Ok(crate::local::private_dir(dir)?.join("agent.sock"))
}

#[cfg(unix)]
pub struct Conn {
    pub reader: BufReader<std::os::unix::net::UnixStream>,
    pub writer: std::os::unix::net::UnixStream,
}

#[cfg(not(unix))]
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
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream.set_write_timeout(Some(Duration::from_secs(2))).ok()?;
    Some(Conn { reader: BufReader::new(stream.try_clone().ok()?), writer: stream })
}

#[cfg(not(unix))]
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

#[cfg(unix)]
pub fn run(args: DaemonArgs) -> Result<ExitCode> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    let path = socket_path()?;
    if UnixStream::connect(&path).is_ok() {
        anyhow::bail!("a daemon is already serving {}", path.display());
    }
    let _ = std::fs::remove_file(&path); // stale socket of a daemon that was killed
    let shared = Arc::new(Shared::load(args.policy.as_ref(), "daemon")?);
    let listener = UnixListener::bind(&path).with_context(|| format!("{}: cannot listen", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    listener.set_nonblocking(true)?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    eprintln!("promptwall daemon: serving {}", path.display());
    let mut workers = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                if !same_user(&stream) {
                    eprintln!("promptwall daemon: refused a connection from another user");
                    continue;
                }
                let _ = stream.set_nonblocking(false);
                let shared = shared.clone();
                workers.push(std::thread::spawn(move || {
                    let Ok(read_half) = stream.try_clone() else { return };
                    let mut host = Host::new(&shared, "daemon");
                    let mut writer = stream;
                    if let Err(e) = serve(&mut host, &mut BufReader::new(read_half), &mut writer, promptwall_protocol::DEFAULT_MAX_INBOUND) {
                        eprintln!("promptwall daemon: connection ended: {e:#}");
                    }
                }));
                workers.retain(|w| !w.is_finished());
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => eprintln!("promptwall daemon: accept failed: {e}"),
        }
    }
    eprintln!("promptwall daemon: stopping");
    drop(listener);
    let _ = std::fs::remove_file(&path);
    // Connections in flight finish their current request; idle ones end when their host closes.
    for w in workers {
        if w.is_finished() {
            let _ = w.join();
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(unix))]
pub fn run(_: DaemonArgs) -> Result<ExitCode> {
    anyhow::bail!("the daemon's Windows named-pipe transport is not written yet")
}
