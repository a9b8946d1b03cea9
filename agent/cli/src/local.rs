//! Where the agent keeps its local state, and the device identity.
//!
//! Data directory: `$PROMPTWALL_DATA_DIR`, else `$XDG_DATA_HOME/promptwall`, else
//! `~/.local/share/promptwall` (created 0700). It holds `events.db` (the event buffer) and
//! `device-id` (a random id made on first use).

use anyhow::{Context, Result};
use std::path::PathBuf;

pub fn data_dir() -> Result<PathBuf> {
    let dir = if let Some(d) = std::env::var_os("PROMPTWALL_DATA_DIR") {
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

pub fn user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default()
}
