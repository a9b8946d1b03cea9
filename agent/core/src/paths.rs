//! Where the agent keeps its local state (data folder, daemon socket), the device identity, and
//! small helpers for files and time that every part of the agent shares.
//!
//! Data directory: `$PROMPTWALL_DATA_DIR` (development builds only, see [`dev_env`]), else
//! `$XDG_DATA_HOME/promptwall`, else `~/.local/share/promptwall` (created 0700). It holds
//! `events.db` (the event buffer) and `device-id` (a random id made on first use).

use anyhow::{Context, Result};
use std::path::PathBuf;

/// Whether this build takes `PROMPTWALL_*` locations and policy from its environment: debug
/// builds and the `dev-env` feature do; release packages do not, so whoever can set the browser's
/// environment cannot point the host at another policy, configuration or daemon.
pub const DEV_ENV: bool = cfg!(any(debug_assertions, feature = "dev-env"));

/// A `PROMPTWALL_*` development override from the environment: `None` in release builds (where a
/// set variable is noted once in the log and otherwise ignored).
pub fn dev_env(name: &str) -> Option<std::ffi::OsString> {
    let v = std::env::var_os(name)?;
    if DEV_ENV {
        Some(v)
    } else {
        static NOTED: std::sync::Once = std::sync::Once::new();
        NOTED.call_once(|| tracing::warn!(variable = name, "PROMPTWALL_* overrides from the environment are ignored by release builds"));
        None
    }
}

pub fn data_dir() -> Result<PathBuf> {
    let dir = if let Some(d) = dev_env("PROMPTWALL_DATA_DIR") {
        PathBuf::from(d)
    } else if let Some(x) = std::env::var_os("XDG_DATA_HOME") {
        PathBuf::from(x).join("promptwall")
    } else {
        let home = std::env::var_os("HOME").context("neither PROMPTWALL_DATA_DIR, XDG_DATA_HOME nor HOME is set")?;
        PathBuf::from(home).join(".local/share/promptwall")
    };
    private_dir(dir)
}

/// Creates `dir` if needed and makes it private to this user (0700 on Unix).
pub fn private_dir(dir: PathBuf) -> Result<PathBuf> {
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create directory", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("{}: cannot make the directory private", dir.display()))?;
    }
    Ok(dir)
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        for (i, x) in b.iter_mut().enumerate() {
            *x = (t >> ((i % 16) * 8)) as u8 ^ (std::process::id() as u8);
        }
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The device id, created on first use.
pub fn device_id() -> Result<String> {
    let path = data_dir()?.join("device-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim().to_string();
        if !id.is_empty() {
            return Ok(id);
        }
    }
    let id = random_hex(16);
    std::fs::write(&path, format!("{id}\n")).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(id)
}

/// The OS account this process runs as: from the password database on Unix (not `$USER`, which
/// whoever starts the process can set), else `USERNAME` (Windows).
pub fn user() -> String {
    #[cfg(unix)]
    {
        // SAFETY: getpwuid_r writes into `pwd` and `buf` (whose length it is given) and sets
        // `result` to `&pwd` or null; `pw_name` points into `buf`, read before `buf` is dropped.
        unsafe {
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 4096];
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            if libc::getpwuid_r(libc::getuid(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) == 0
                && !result.is_null()
                && !pwd.pw_name.is_null()
            {
                return std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
            }
        }
    }
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory (created with
/// `mode` on Unix), fsync, rename over `path`, fsync of the directory. A crash leaves either the
/// old file or the new one, never a torn one.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().context("path has no parent directory")?;
    let tmp =
        dir.join(format!(".{}.tmp-{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), random_hex(4)));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| -> Result<()> {
        let mut f = opts.open(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot replace", path.display()))?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Exponential backoff with full jitter: a random wait in [base·2^(attempt-1) / 2, base·2^(attempt-1)],
/// capped at `max`.
pub fn backoff(attempt: u32, base: std::time::Duration, max: std::time::Duration) -> std::time::Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20)).min(max);
    let mut b = [0u8; 4];
    let r = if getrandom::fill(&mut b).is_ok() { u32::from_le_bytes(b) } else { std::process::id() };
    let frac = 0.5 + 0.5 * (f64::from(r) / f64::from(u32::MAX));
    exp.mul_f64(frac)
}

/// This machine's host name (reported at enrollment and in heartbeats).
pub fn hostname() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    std::env::var("COMPUTERNAME").or_else(|_| std::env::var("HOSTNAME")).unwrap_or_default()
}

/// The daemon's Unix socket (its 0700 folder is created): `$PROMPTWALL_RUNTIME_DIR/agent.sock` in
/// development builds, else `$XDG_RUNTIME_DIR/promptwall/agent.sock`, else in the data folder.
pub fn socket_path() -> Result<PathBuf> {
    let dir = if let Some(d) = crate::paths::dev_env("PROMPTWALL_RUNTIME_DIR") {
        PathBuf::from(d)
    } else if let Some(x) = std::env::var_os("XDG_RUNTIME_DIR") {
        PathBuf::from(x).join("promptwall")
    } else {
        crate::paths::data_dir()?
    };
    Ok(crate::paths::private_dir(dir)?.join("agent.sock"))
}
