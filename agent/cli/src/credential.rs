//! The device credential (the bearer token the server issued at enrollment) and the enrollment
//! record beside it.
//!
//! The token lives in the OS credential store through the `keyring` crate: macOS Keychain,
//! Windows Credential Manager, and on Linux the kernel key-management facility (keyutils), which
//! needs no desktop session. Where that store cannot be used (a kernel or container that refuses
//! `add_key`), or where configuration says `credential_store: "file"`, the token goes to
//! `$DATA_DIR/device-credential`, created with mode 0600 in the 0700 data directory. Linux keyutils
//! keys live in kernel memory: they are gone after a reboot (see docs/agent.md).
//!
//! `$DATA_DIR/enrollment.json` holds what is not secret: server URL, device id, group, which store
//! holds the token, when. Nothing here ever logs the token.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::config::CredentialStoreKind;

const SERVICE: &str = "promptwall";
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
    Ok(crate::local::data_dir()?.join("enrollment.json"))
}

fn file_path() -> Result<PathBuf> {
    Ok(crate::local::data_dir()?.join(FILE_NAME))
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
    crate::local::write_atomic(&path, serde_json::to_string_pretty(e)?.as_bytes(), 0o600)
}

/// One entry per device id: two data directories of one user (tests, a re-enrollment) never
/// read each other's credential.
fn keyring_entry(device_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &format!("device-credential:{device_id}")).context("opening the OS keyring")
}

fn keyring_store(token: &str, device_id: &str) -> Result<()> {
    let entry = keyring_entry(device_id)?;
    entry.set_password(token).context("writing to the OS keyring")?;
    // Read it back: some stores accept a write they cannot serve later.
    let back = entry.get_password().context("reading back from the OS keyring")?;
    anyhow::ensure!(back == token, "the OS keyring returned a different value");
    Ok(())
}

fn file_store(token: &str) -> Result<()> {
    crate::local::write_atomic(&file_path()?, token.as_bytes(), 0o600)
}

/// Stores the token; returns which store took it (`keyring` or `file`).
pub fn store(token: &str, kind: CredentialStoreKind, device_id: &str) -> Result<&'static str> {
    match kind {
        CredentialStoreKind::Keyring => keyring_store(token, device_id).map(|()| "keyring"),
        CredentialStoreKind::File => file_store(token).map(|()| "file"),
        CredentialStoreKind::Auto => match keyring_store(token, device_id) {
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
        "keyring" => keyring_entry(&e.device_id)?.get_password().context("device credential not in the OS keyring (after a reboot, Linux keyutils keys are gone: enroll again)"),
        "file" => {
            let p = file_path()?;
            check_file_mode(&p)?;
            Ok(std::fs::read_to_string(&p).with_context(|| format!("{}: cannot read the device credential", p.display()))?.trim().to_string())
        }
        other => anyhow::bail!("unknown credential store `{other}`"),
    }
}

#[cfg(unix)]
fn check_file_mode(p: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).with_context(|| format!("{}: no device credential", p.display()))?.permissions().mode() & 0o777;
    anyhow::ensure!(mode & 0o077 == 0, "{}: mode {mode:o} lets other users read the device credential; refusing it (chmod 600)", p.display());
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
