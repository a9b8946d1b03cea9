//! The device credential (the bearer token the server issued at enrollment) and the enrollment
//! record beside it.
//!
//! The token lives in the OS credential store: macOS Keychain and Windows Credential Manager
//! through the `keyring` crate, and on Linux the kernel key-management facility (keyutils, the
//! user keyring, called directly: see `os_keyring`), which needs no desktop session. Where that store cannot be used (a kernel or container that refuses
//! `add_key`), or where configuration says `credential_store: "file"`, the token goes to
//! `$DATA_DIR/device-credential`, created with mode 0600 in the 0700 data directory. Linux keyutils
//! keys live in kernel memory: they are gone after a reboot (see docs/agent.md).
//!
//! `$DATA_DIR/enrollment.json` holds what is not secret: server URL, device id, group, which store
//! holds the token, when. Nothing here ever logs the token.
//!
//! The tenant's redaction key (issued with the credential at enrollment; it keys `hash`
//! redactions and exact-data-match sets) is kept the same way, in its own entry
//! (`promptwall:redaction-key:<device id>`, or the 0600 file `redaction-key`). A device that is
//! not enrolled keys its hashes with a random key of its own (`local-redaction-key`, 0600).

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::config::CredentialStoreKind;

const FILE_NAME: &str = "device-credential";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Enrollment {
    pub server_url: String,
    pub device_id: String,
    pub group: Option<String>,
    /// `keyring` or `file`.
    pub credential_store: String,
    pub enrolled_at_ms: i64,
}

fn enrollment_path() -> Result<PathBuf> {
    Ok(crate::paths::data_dir()?.join("enrollment.json"))
}

fn file_path() -> Result<PathBuf> {
    Ok(crate::paths::data_dir()?.join(FILE_NAME))
}

pub fn load_enrollment() -> Result<Option<Enrollment>> {
    let path = enrollment_path()?;
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(serde_json::from_str(&t).with_context(|| format!("{}: unreadable enrollment record", path.display()))?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("{}: cannot read", path.display())),
    }
}

pub fn save_enrollment(e: &Enrollment) -> Result<()> {
    let path = enrollment_path()?;
    crate::paths::write_atomic(&path, serde_json::to_string_pretty(e)?.as_bytes(), 0o600)
}

fn keyring_store(name: &str, secret: &str) -> Result<()> {
    os_keyring::store(name, secret).context("writing to the OS keyring")?;
    // Read it back: some stores accept a write they cannot serve later.
    let back = os_keyring::load(name).context("reading back from the OS keyring")?;
    anyhow::ensure!(back == secret, "the OS keyring returned a different value");
    Ok(())
}

const KEY_FILE_NAME: &str = "redaction-key";
const LOCAL_KEY_FILE_NAME: &str = "local-redaction-key";

fn key_entry_name(device_id: &str) -> String {
    format!("promptwall:redaction-key:{device_id}")
}

/// Keeps the tenant's redaction key (64 hex characters) in the store that holds the credential.
pub fn store_redaction_key(key_hex: &str, store_kind: &str, device_id: &str) -> Result<()> {
    anyhow::ensure!(decode_key(key_hex).is_some(), "the server sent a malformed redaction key");
    match store_kind {
        "keyring" => keyring_store(&key_entry_name(device_id), key_hex),
        _ => crate::paths::write_atomic(&crate::paths::data_dir()?.join(KEY_FILE_NAME), key_hex.as_bytes(), 0o600),
    }
}

/// A tenant key from its 64 hex characters (surrounding whitespace ignored); `None` otherwise.
pub fn decode_key(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    (0..64).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

/// The key for `hash` redactions and exact-data-match sets: the tenant's when this device is
/// enrolled and holds it; else this device's own (made on first use, 0600); else, when nothing
/// can be stored, a key for this process only. Never logged.
pub fn redaction_key() -> Vec<u8> {
    if let Some(k) = tenant_redaction_key() {
        return k;
    }
    local_redaction_key().unwrap_or_else(|e| {
        tracing::warn!(error = %format!("{e:#}"), "no device redaction key can be stored; hashes are keyed for this process only");
        decode_key(&crate::paths::random_hex(32)).unwrap_or_default()
    })
}

/// The tenant's key, when this device was enrolled with one.
pub fn tenant_redaction_key() -> Option<Vec<u8>> {
    let e = load_enrollment().ok()??;
    let hex = match e.credential_store.as_str() {
        "keyring" => os_keyring::load(&key_entry_name(&e.device_id)).ok()?,
        _ => {
            let p = crate::paths::data_dir().ok()?.join(KEY_FILE_NAME);
            check_file_mode(&p).ok()?;
            std::fs::read_to_string(p).ok()?
        }
    };
    decode_key(&hex)
}

fn local_redaction_key() -> Result<Vec<u8>> {
    let p = crate::paths::data_dir()?.join(LOCAL_KEY_FILE_NAME);
    if let Ok(hex) = std::fs::read_to_string(&p) {
        check_file_mode(&p)?;
        if let Some(k) = decode_key(&hex) {
            return Ok(k);
        }
    }
    let hex = crate::paths::random_hex(32);
    crate::paths::write_atomic(&p, hex.as_bytes(), 0o600)?;
    decode_key(&hex).context("a fresh key did not decode")
}

/// One entry per device id: two data directories of one user (tests, a re-enrollment) never
/// read each other's credential.
fn entry_name(device_id: &str) -> String {
    format!("promptwall:device-credential:{device_id}")
}

/// Linux: the kernel key-management facility, called directly. The `keyring` crate's keyutils
/// store addresses the session keyring by its numeric id, which a process without a login session
/// keyring (a systemd service, a container, CI) does not possess, so every write fails with
/// EACCES. Here keys go to the user keyring by its special id (`@u`, shared by all processes of
/// the user) and are also linked into the user's persistent keyring when the kernel has one, so
/// they outlive a logout for `/proc/sys/kernel/keys/persistent_keyring_expiry` (3 days by
/// default). Kernel keys never survive a reboot.
#[cfg(target_os = "linux")]
mod os_keyring {
    use std::ffi::CString;
    use std::io;

    const KEY_SPEC_USER_KEYRING: libc::c_long = -4;
    const KEYCTL_LINK: libc::c_long = 8;
    const KEYCTL_SEARCH: libc::c_long = 10;
    const KEYCTL_READ: libc::c_long = 11;
    const KEYCTL_GET_PERSISTENT: libc::c_long = 22;

    fn cstr(s: &str) -> io::Result<CString> {
        CString::new(s).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a key name"))
    }

    /// The user's persistent keyring, linked into `@u` (so searches of `@u` find its keys).
    fn persistent() -> Option<libc::c_long> {
        // SAFETY: KEYCTL_GET_PERSISTENT takes two integers; -1 is "this user".
        let id = unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_GET_PERSISTENT, -1 as libc::c_long, KEY_SPEC_USER_KEYRING) };
        (id >= 0).then_some(id)
    }

    pub fn store(name: &str, secret: &str) -> io::Result<()> {
        let (ty, desc) = (cstr("user")?, cstr(name)?);
        // SAFETY: NUL-terminated strings and a payload pointer/length that outlive the call.
        let key =
            unsafe { libc::syscall(libc::SYS_add_key, ty.as_ptr(), desc.as_ptr(), secret.as_ptr(), secret.len(), KEY_SPEC_USER_KEYRING) };
        if key < 0 {
            return Err(io::Error::last_os_error());
        }
        if let Some(p) = persistent() {
            // Best effort: without it the key lives as long as the user has processes.
            // SAFETY: two key serial numbers.
            unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_LINK, key, p) };
        }
        Ok(())
    }

    pub fn load(name: &str) -> io::Result<String> {
        let (ty, desc) = (cstr("user")?, cstr(name)?);
        let _ = persistent(); // re-links the persistent keyring after a logout
                              // SAFETY: NUL-terminated strings; 0 = do not link the result anywhere.
        let key =
            unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, ty.as_ptr(), desc.as_ptr(), 0 as libc::c_long) };
        if key < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = vec![0u8; 4096];
        loop {
            // SAFETY: `buf` has `buf.len()` writable bytes; the kernel writes at most that many.
            let n = unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_READ, key, buf.as_mut_ptr(), buf.len()) };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            let n = n as usize;
            if n <= buf.len() {
                buf.truncate(n);
                return String::from_utf8(buf).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "credential is not UTF-8"));
            }
            buf.resize(n, 0);
        }
    }
}

/// macOS Keychain and Windows Credential Manager, through the `keyring` crate.
#[cfg(any(target_os = "macos", windows))]
mod os_keyring {
    pub fn store(name: &str, secret: &str) -> keyring::Result<()> {
        keyring::Entry::new("promptwall", name)?.set_password(secret)
    }

    pub fn load(name: &str) -> keyring::Result<String> {
        keyring::Entry::new("promptwall", name)?.get_password()
    }
}

/// Elsewhere (BSDs): no OS keyring; `auto` uses the file.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod os_keyring {
    fn none() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::Unsupported, "no OS keyring on this platform")
    }

    pub fn store(_: &str, _: &str) -> std::io::Result<()> {
        Err(none())
    }

    pub fn load(_: &str) -> std::io::Result<String> {
        Err(none())
    }
}

fn file_store(token: &str) -> Result<()> {
    crate::paths::write_atomic(&file_path()?, token.as_bytes(), 0o600)
}

/// Stores the token; returns which store took it (`keyring` or `file`).
pub fn store(token: &str, kind: CredentialStoreKind, device_id: &str) -> Result<&'static str> {
    match kind {
        CredentialStoreKind::Keyring => keyring_store(&entry_name(device_id), token).map(|()| "keyring"),
        CredentialStoreKind::File => file_store(token).map(|()| "file"),
        CredentialStoreKind::Auto => match keyring_store(&entry_name(device_id), token) {
            Ok(()) => {
                // A token left in a file by an earlier enrollment must not linger.
                if let Ok(p) = file_path() {
                    let _ = std::fs::remove_file(p);
                }
                Ok("keyring")
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "no usable OS keyring; keeping the device credential in a 0600 file");
                file_store(token).map(|()| "file")
            }
        },
    }
}

/// Loads the token from the store the enrollment record names.
pub fn load(e: &Enrollment) -> Result<String> {
    match e.credential_store.as_str() {
        "keyring" => os_keyring::load(&entry_name(&e.device_id))
            .context("device credential not in the OS keyring (after a reboot, Linux keyutils keys are gone: enroll again)"),
        "file" => {
            let p = file_path()?;
            check_file_mode(&p)?;
            Ok(std::fs::read_to_string(&p)
                .with_context(|| format!("{}: cannot read the device credential", p.display()))?
                .trim()
                .to_string())
        }
        other => anyhow::bail!("unknown credential store `{other}`"),
    }
}

#[cfg(unix)]
fn check_file_mode(p: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).with_context(|| format!("{}: no device credential", p.display()))?.permissions().mode() & 0o777;
    anyhow::ensure!(
        mode & 0o077 == 0,
        "{}: mode {mode:o} lets other users read the device credential; refusing it (chmod 600)",
        p.display()
    );
    Ok(())
}

#[cfg(not(unix))]
fn check_file_mode(_: &std::path::Path) -> Result<()> {
    Ok(())
}

/// One line for `promptwall status`: where the credential is and whether it can be read.
pub fn describe() -> String {
    match load_enrollment() {
        Ok(None) => "not enrolled".into(),
        Ok(Some(e)) => {
            let where_ = match e.credential_store.as_str() {
                "keyring" if cfg!(target_os = "linux") => "OS keyring (Linux kernel keyutils)".to_string(),
                "keyring" => "OS keyring".to_string(),
                "file" => "file fallback (0600) in the data directory".to_string(),
                o => o.to_string(),
            };
            match load(&e) {
                Ok(_) => format!("{where_}: present"),
                Err(err) => format!("{where_}: MISSING ({err:#})"),
            }
        }
        Err(e) => format!("unreadable enrollment record: {e:#}"),
    }
}
