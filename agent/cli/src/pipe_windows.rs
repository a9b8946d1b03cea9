//! Windows transport between native hosts and the daemon: a named pipe
//! `\\.\pipe\promptwall-agent-<USERNAME>`, byte mode, local clients only.
//!
//! Who can talk to whom:
//! - The daemon creates every pipe instance with an explicit owner and DACL
//!   `O:<user SID>D:P(A;;GA;;;OW)(A;;GA;;;SY)`: owned by the user the daemon runs as (also when
//!   elevated), full access for that owner and SYSTEM, nobody else, no inheritance.
//!   `PIPE_REJECT_REMOTE_CLIENTS` refuses SMB clients. The first instance is created with
//!   `FILE_FLAG_FIRST_PIPE_INSTANCE`, so a daemon never joins a pipe another process made.
//! - Pipe names are global: another user could create ours first while our daemon is not
//!   running. The host therefore checks, before sending anything, that the pipe's owner SID is
//!   its own user's SID; otherwise it decides in-process, as when no daemon runs.
//!
//! One thread per connection, as on Unix. Stopping: the accept loop blocks in `ConnectNamedPipe`,
//! so on stop a helper connects to the pipe once to wake it.
//!
//! Bounded as on Unix (`daemon::IDLE`, `daemon::MAX_CONNECTIONS`): synchronous pipe handles have
//! no timeouts, so each connection notes when its pending read or write began, and a watchdog
//! thread disconnects (`DisconnectNamedPipe`, then `CancelIoEx`) an instance whose read or write
//! has been pending for `IDLE` — what `SO_RCVTIMEO`/`SO_SNDTIMEO` do on Unix. At most
//! `MAX_CONNECTIONS` are served; a new one first closes the connection whose last request is
//! oldest. Disconnecting works on a duplicate of the instance's handle held in the table, so it
//! never touches a handle the serving thread has already closed. An instance that cannot be
//! created (all 255 busy) is retried instead of ending the daemon.
//!
//! Known limit: the host's pipe handle (`std::fs`) has no read timeout, so a daemon that accepts
//! and then hangs would hold the host's verdict (Unix: 2 s). Overlapped I/O would lift this.
//!
//! Raw Win32 declarations are kept here (a dozen functions) instead of a bindings crate. This
//! file compiles only for Windows: CI lints it for x86_64-pc-windows-gnu and runs the daemon and
//! a relaying host under Wine (scripts/test-windows.sh); a second user needs real Windows.

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, RawHandle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::daemon::{IDLE, MAX_CONNECTIONS};

type Handle = *mut c_void;
const INVALID_HANDLE_VALUE: Handle = -1isize as Handle;
const PIPE_ACCESS_DUPLEX: u32 = 0x0000_0003;
const FILE_FLAG_FIRST_PIPE_INSTANCE: u32 = 0x0008_0000;
const PIPE_TYPE_BYTE: u32 = 0x0000_0000;
const PIPE_READMODE_BYTE: u32 = 0x0000_0000;
const PIPE_WAIT: u32 = 0x0000_0000;
const PIPE_REJECT_REMOTE_CLIENTS: u32 = 0x0000_0008;
const PIPE_UNLIMITED_INSTANCES: u32 = 255;
const ERROR_PIPE_CONNECTED: i32 = 535;
const SDDL_REVISION_1: u32 = 1;
const TOKEN_QUERY: u32 = 0x0008;
const TOKEN_USER_CLASS: i32 = 1; // TokenUser
const SE_KERNEL_OBJECT: i32 = 6;
const OWNER_SECURITY_INFORMATION: u32 = 0x0000_0001;
const BUFFER: u32 = 64 * 1024;

#[repr(C)]
struct SecurityAttributes {
    n_length: u32,
    lp_security_descriptor: *mut c_void,
    b_inherit_handle: i32,
}

/// `TOKEN_USER`: a `SID_AND_ATTRIBUTES` whose first field is the SID pointer.
#[repr(C)]
struct TokenUser {
    sid: *mut c_void,
    attributes: u32,
}

#[link(name = "kernel32")]
extern "system" {
    fn CreateNamedPipeW(
        name: *const u16,
        open_mode: u32,
        pipe_mode: u32,
        max_instances: u32,
        out_buffer: u32,
        in_buffer: u32,
        default_timeout_ms: u32,
        sa: *const SecurityAttributes,
    ) -> Handle;
    fn ConnectNamedPipe(pipe: Handle, overlapped: *mut c_void) -> i32;
    fn DisconnectNamedPipe(pipe: Handle) -> i32;
    fn CancelIoEx(handle: Handle, overlapped: *mut c_void) -> i32;
    fn CloseHandle(handle: Handle) -> i32;
    fn LocalFree(mem: *mut c_void) -> *mut c_void;
    fn GetCurrentProcess() -> Handle;
}

#[link(name = "advapi32")]
extern "system" {
    fn ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl: *const u16, revision: u32, sd: *mut *mut c_void, size: *mut u32) -> i32;
    fn OpenProcessToken(process: Handle, access: u32, token: *mut Handle) -> i32;
    fn GetTokenInformation(token: Handle, class: i32, info: *mut c_void, len: u32, ret_len: *mut u32) -> i32;
    fn GetSecurityInfo(
        handle: Handle,
        object_type: i32,
        info: u32,
        owner: *mut *mut c_void,
        group: *mut *mut c_void,
        dacl: *mut *mut c_void,
        sacl: *mut *mut c_void,
        sd: *mut *mut c_void,
    ) -> u32;
    fn EqualSid(a: *mut c_void, b: *mut c_void) -> i32;
    fn ConvertSidToStringSidW(sid: *mut c_void, string_sid: *mut *mut u16) -> i32;
}

fn wide(s: &str) -> Vec<u16> {
    std::ffi::OsStr::new(s).encode_wide().chain(std::iter::once(0)).collect()
}

/// `\\.\pipe\promptwall-agent-<user>` (`PROMPTWALL_PIPE` overrides it, for tests).
pub fn pipe_name() -> String {
    if let Ok(p) = std::env::var("PROMPTWALL_PIPE") {
        return p;
    }
    let user: String = crate::local::user().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    format!(r"\\.\pipe\promptwall-agent-{user}")
}

/// Owner-and-SYSTEM-only security descriptor, freed on drop.
struct Descriptor(*mut c_void);

impl Descriptor {
    fn new() -> io::Result<Descriptor> {
        // The owner is named (our user's SID), not left to the token's default owner: an
        // elevated token's default owner is BUILTIN\Administrators (under Wine it is not the user
        // either), and the hosts, which accept only a pipe owned by their own user, would never
        // relay to such a daemon (seen under Wine: scripts/test-windows.sh).
        let user = own_user_sid_string()?;
        let sddl = wide(&format!("O:{user}D:P(A;;GA;;;OW)(A;;GA;;;SY)"));
        let mut sd: *mut c_void = std::ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; on success `sd` receives a LocalAlloc'd descriptor.
        if unsafe { ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.as_ptr(), SDDL_REVISION_1, &mut sd, std::ptr::null_mut()) }
            == 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(Descriptor(sd))
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW.
        unsafe { LocalFree(self.0) };
    }
}

fn create_instance(name: &[u16], sd: &Descriptor, first: bool) -> io::Result<Handle> {
    let sa = SecurityAttributes {
        n_length: std::mem::size_of::<SecurityAttributes>() as u32,
        lp_security_descriptor: sd.0,
        b_inherit_handle: 0,
    };
    let open_mode = PIPE_ACCESS_DUPLEX | if first { FILE_FLAG_FIRST_PIPE_INSTANCE } else { 0 };
    let pipe_mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS;
    // SAFETY: `name` is NUL-terminated; `sa` lives across the call.
    let h = unsafe { CreateNamedPipeW(name.as_ptr(), open_mode, pipe_mode, PIPE_UNLIMITED_INSTANCES, BUFFER, BUFFER, 0, &sa) };
    if h == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    Ok(h)
}

/// Milliseconds since `t0`, never 0 (0 means "no I/O pending").
fn ms_since(t0: Instant) -> u64 {
    t0.elapsed().as_millis() as u64 + 1
}

/// One served connection as the table sees it.
struct Open {
    /// A duplicate of the instance's handle, to disconnect it from another thread.
    handle: File,
    /// When the last request was answered (or the connection admitted): the stalest goes first.
    last_request: Arc<AtomicU64>,
    /// When the read or write now pending began; 0 when none is.
    io_since: Arc<AtomicU64>,
}

/// Disconnects a pipe instance: the serving thread's pending read or write fails at once, the
/// client sees the pipe closed.
fn disconnect(handle: &File) {
    let h = handle.as_raw_handle() as Handle;
    // SAFETY: `h` is a valid handle owned by `handle` for the duration of both calls.
    unsafe {
        DisconnectNamedPipe(h);
        CancelIoEx(h, std::ptr::null_mut());
    }
}

/// The open connections (see the module's doc).
struct Connections {
    t0: Instant,
    idle: Duration,
    next: AtomicU64,
    open: Mutex<std::collections::HashMap<u64, Open>>,
}

impl Connections {
    fn new(idle: Duration) -> Connections {
        Connections { t0: Instant::now(), idle, next: AtomicU64::new(0), open: Mutex::new(std::collections::HashMap::new()) }
    }

    /// Registers a connection, closing the stalest first when the table is full.
    fn admit(&self, file: &File) -> Option<(u64, Arc<AtomicU64>, Arc<AtomicU64>)> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.len() >= MAX_CONNECTIONS {
            let stalest = open.iter().min_by_key(|(_, o)| o.last_request.load(Ordering::Relaxed)).map(|(k, _)| *k);
            if let Some(o) = stalest.and_then(|k| open.remove(&k)) {
                disconnect(&o.handle);
                tracing::warn!(open = MAX_CONNECTIONS, "connection table full: closed the stalest connection");
            }
        }
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let last_request = Arc::new(AtomicU64::new(ms_since(self.t0)));
        let io_since = Arc::new(AtomicU64::new(0));
        let handle = file.try_clone().ok()?;
        open.insert(key, Open { handle, last_request: last_request.clone(), io_since: io_since.clone() });
        Some((key, last_request, io_since))
    }

    fn remove(&self, key: u64) {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
    }

    /// Disconnects every connection whose read or write has been pending longer than the limit.
    fn close_idle(&self) {
        let now = ms_since(self.t0);
        let limit = self.idle.as_millis() as u64;
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let idle: Vec<u64> = open
            .iter()
            .filter(|(_, o)| {
                let since = o.io_since.load(Ordering::Relaxed);
                since != 0 && now.saturating_sub(since) > limit
            })
            .map(|(k, _)| *k)
            .collect();
        for k in idle {
            if let Some(o) = open.remove(&k) {
                disconnect(&o.handle);
                tracing::debug!("closed an idle connection");
            }
        }
    }
}

/// A pipe handle whose pending reads and writes are timed for the watchdog.
struct Timed {
    file: File,
    io_since: Arc<AtomicU64>,
    t0: Instant,
}

impl Timed {
    fn timed<R>(&mut self, f: impl FnOnce(&mut File) -> R) -> R {
        self.io_since.store(ms_since(self.t0), Ordering::Relaxed);
        let r = f(&mut self.file);
        self.io_since.store(0, Ordering::Relaxed);
        r
    }
}

impl io::Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.timed(|f| f.read(buf))
    }
}

impl io::Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.timed(|f| f.write(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.timed(|f| f.flush())
    }
}

/// The idle limit: `daemon::IDLE`; development builds take `PROMPTWALL_DAEMON_IDLE_MS` (the Wine
/// test uses a few seconds instead of a minute).
fn idle_limit() -> Duration {
    crate::local::dev_env("PROMPTWALL_DAEMON_IDLE_MS")
        .and_then(|v| v.to_str().and_then(|v| v.parse::<u64>().ok()))
        .map(Duration::from_millis)
        .unwrap_or(IDLE)
}

/// The daemon's accept loop on Windows: one instance waits for a client at any time.
pub fn serve(running: &crate::daemon::Running) -> anyhow::Result<()> {
    let name = pipe_name();
    let wname = wide(&name);
    let sd = Descriptor::new()?;
    let mut pipe = create_instance(&wname, &sd, true)
        .map_err(|e| anyhow::anyhow!("{name}: cannot create the pipe (is a daemon already serving?): {e}"))?;
    let conns = Arc::new(Connections::new(idle_limit()));
    tracing::info!(pipe = %name, idle_s = conns.idle.as_secs_f64(), max_connections = MAX_CONNECTIONS, "serving");
    {
        // Wakes the blocking ConnectNamedPipe below once stop is set.
        let (stop, name) = (running.stop.clone(), name.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = std::fs::OpenOptions::new().read(true).write(true).open(&name);
        });
    }
    {
        // The watchdog: closes connections idle (or stalled mid-frame) for longer than the limit.
        let (stop, conns) = (running.stop.clone(), conns.clone());
        let tick = (conns.idle / 10).clamp(Duration::from_millis(50), Duration::from_secs(1));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(tick);
                conns.close_idle();
            }
        });
    }
    loop {
        // SAFETY: `pipe` is a valid pipe handle we own.
        let ok = unsafe { ConnectNamedPipe(pipe, std::ptr::null_mut()) } != 0
            || io::Error::last_os_error().raw_os_error() == Some(ERROR_PIPE_CONNECTED);
        if running.stop.load(Ordering::Relaxed) {
            // SAFETY: as above; not used after this.
            unsafe {
                DisconnectNamedPipe(pipe);
                CloseHandle(pipe);
            }
            return Ok(());
        }
        // The next instance exists before this one is handed off, so clients never find no pipe.
        let mut next = create_instance(&wname, &sd, false);
        if ok {
            // SAFETY: `pipe` is a connected handle we own; File takes ownership and closes it.
            let file = unsafe { File::from_raw_handle(pipe as RawHandle) };
            match (conns.admit(&file), file.try_clone()) {
                (Some((key, last_request, io_since)), Ok(reader)) => {
                    let (shared, conns) = (running.shared.clone(), conns.clone());
                    std::thread::spawn(move || {
                        let t0 = conns.t0;
                        let reader = Timed { file: reader, io_since: io_since.clone(), t0 };
                        let writer = Timed { file, io_since, t0 };
                        let touch = || last_request.store(ms_since(t0), Ordering::Relaxed);
                        crate::daemon::serve_connection(&shared, io::BufReader::new(reader), writer, &touch);
                        conns.remove(key);
                    });
                }
                (admitted, _) => {
                    tracing::warn!("cannot duplicate the pipe handle; connection closed");
                    if let Some((key, ..)) = admitted {
                        conns.remove(key);
                    }
                }
            }
        } else {
            tracing::warn!(error = %io::Error::last_os_error(), "pipe connect failed");
            // SAFETY: a handle we own, not used after this.
            unsafe { CloseHandle(pipe) };
        }
        // Every instance busy (or another transient failure): wait and retry rather than stop
        // serving every host.
        while let Err(e) = &next {
            if running.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            tracing::warn!(error = %e, "cannot create the next pipe instance; retrying");
            std::thread::sleep(Duration::from_millis(200));
            next = create_instance(&wname, &sd, false);
        }
        pipe = next?;
    }
}

/// Calls `f` with the user SID of this process's token (valid during the call only).
fn with_own_user_sid<R>(f: impl FnOnce(*mut c_void) -> R) -> Option<R> {
    let mut token: Handle = std::ptr::null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle; `token` receives a handle we close.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return None;
    }
    // u64s: the TOKEN_USER written at the start needs pointer alignment.
    let mut buf = vec![0u64; 64];
    let mut len = 0u32;
    // SAFETY: `buf` has 512 writable bytes; the result is a TOKEN_USER at its start.
    let ok = unsafe { GetTokenInformation(token, TOKEN_USER_CLASS, buf.as_mut_ptr().cast(), (buf.len() * 8) as u32, &mut len) } != 0;
    // SAFETY: `token` is the handle OpenProcessToken gave us.
    unsafe { CloseHandle(token) };
    if !ok {
        return None;
    }
    // SAFETY: on success `buf` starts with a TOKEN_USER whose SID points into `buf`, alive here.
    let user = unsafe { &*(buf.as_ptr() as *const TokenUser) };
    Some(f(user.sid))
}

/// Whether `owner` is the user SID of this process's token.
fn own_user_sid_matches(owner: *mut c_void) -> bool {
    // SAFETY: both are valid SIDs for the duration of the call.
    with_own_user_sid(|user| unsafe { EqualSid(user, owner) != 0 }).unwrap_or(false)
}

/// This process's user SID as a string (`S-1-5-21-…`), for an SDDL owner.
fn own_user_sid_string() -> io::Result<String> {
    with_own_user_sid(|user| {
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: `user` is a valid SID; on success `text` is a LocalAlloc'd NUL-terminated string.
        if unsafe { ConvertSidToStringSidW(user, &mut text) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut n = 0;
        // SAFETY: `text` is NUL-terminated, read up to the NUL, then freed once.
        let sid = unsafe {
            while *text.add(n) != 0 {
                n += 1;
            }
            let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, n));
            LocalFree(text.cast());
            sid
        };
        Ok(sid)
    })
    .unwrap_or_else(|| Err(io::Error::last_os_error()))
}

/// The host side: opens the daemon's pipe if it exists and is owned by this user.
pub fn connect() -> Option<File> {
    let file = std::fs::OpenOptions::new().read(true).write(true).open(pipe_name()).ok()?;
    let mut owner: *mut c_void = std::ptr::null_mut();
    let mut sd: *mut c_void = std::ptr::null_mut();
    // SAFETY: a valid handle; `owner` points into `sd`, which we free after the comparison.
    let rc = unsafe {
        GetSecurityInfo(
            file.as_raw_handle() as Handle,
            SE_KERNEL_OBJECT,
            OWNER_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    let same = rc == 0 && !owner.is_null() && own_user_sid_matches(owner);
    if !sd.is_null() {
        // SAFETY: allocated by GetSecurityInfo.
        unsafe { LocalFree(sd) };
    }
    if !same {
        tracing::warn!("the agent pipe is not owned by this user; deciding in-process");
        return None;
    }
    Some(file)
}
