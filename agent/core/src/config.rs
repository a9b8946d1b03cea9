//! The agent's configuration: one small JSON file, normally written by the installer or device
//! management at `/etc/promptwall/agent.json` (Windows: `%ProgramData%\Promptwall\agent.json`),
//! overridable with `PROMPTWALL_CONFIG` in development builds only (`local::dev_env`). A missing file means defaults (no server, built-in
//! policy). Schema: `docs/schemas/agent-config.schema.json`; fields: `docs/agent.md`.

use anyhow::{Context, Result};
use promptwall_policy::TrustedKey;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Server base URL (`https://promptwall.example.com`); `promptwall enroll --server` may also
    /// give it. `None`: no sync, no upload.
    pub server_url: Option<String>,
    /// PEM file of the CA certificate(s) to trust for the server instead of the public web roots
    /// (a company PKI).
    pub server_ca_file: Option<PathBuf>,
    /// Public keys that may sign policy bundles (several at once for rotation).
    pub trusted_keys: Vec<TrustedKey>,
    /// Seconds between policy checks (and heartbeats).
    pub sync_interval_s: u64,
    /// Seconds between event uploads while the queue has nothing to send.
    pub upload_interval_s: u64,
    /// Events per upload request (the server takes at most 500).
    pub upload_batch_size: usize,
    /// Longest wait between retries after failures (exponential backoff with jitter up to this).
    pub backoff_max_s: u64,
    /// `text` or `json` (stderr).
    pub log_format: LogFormat,
    /// Log filter in `RUST_LOG` syntax (`info`, `promptwall=debug`); `PROMPTWALL_LOG` wins.
    pub log_filter: Option<String>,
    /// A local policy file that overrides the synced bundle (testing, air-gapped machines);
    /// `--policy` / `PROMPTWALL_POLICY` win over it.
    pub policy_override: Option<PathBuf>,
    /// Where the device credential lives: `auto` (OS keyring, else a 0600 file), `keyring`, `file`.
    pub credential_store: CredentialStoreKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CredentialStoreKind {
    #[default]
    Auto,
    Keyring,
    File,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            server_url: None,
            server_ca_file: None,
            trusted_keys: Vec::new(),
            sync_interval_s: 300,
            upload_interval_s: 30,
            upload_batch_size: 200,
            backoff_max_s: 600,
            log_format: LogFormat::Text,
            log_filter: None,
            policy_override: None,
            credential_store: CredentialStoreKind::Auto,
        }
    }
}

/// The configuration file in effect: `$PROMPTWALL_CONFIG`, else the managed location.
pub fn config_path() -> PathBuf {
    if let Some(p) = crate::paths::dev_env("PROMPTWALL_CONFIG") {
        return PathBuf::from(p);
    }
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        base.join("Promptwall").join("agent.json")
    } else {
        PathBuf::from("/etc/promptwall/agent.json")
    }
}

impl AgentConfig {
    /// Loads the file in effect; a missing file gives the defaults, a broken one is an error.
    pub fn load() -> Result<AgentConfig> {
        Self::load_from(&config_path())
    }

    pub fn load_from(path: &Path) -> Result<AgentConfig> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AgentConfig::default()),
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read the agent configuration", path.display())),
        };
        let c: AgentConfig = serde_json::from_str(&text).with_context(|| format!("{}: invalid agent configuration", path.display()))?;
        c.validate().with_context(|| format!("{}: invalid agent configuration", path.display()))?;
        Ok(c)
    }

    fn validate(&self) -> Result<()> {
        if let Some(u) = &self.server_url {
            anyhow::ensure!(
                u.starts_with("https://") || u.starts_with("http://"),
                "server_url must start with https:// (or http:// for tests)"
            );
        }
        anyhow::ensure!(self.sync_interval_s >= 1, "sync_interval_s must be at least 1");
        anyhow::ensure!(self.upload_interval_s >= 1, "upload_interval_s must be at least 1");
        anyhow::ensure!((1..=500).contains(&self.upload_batch_size), "upload_batch_size must be 1-500");
        anyhow::ensure!(self.backoff_max_s >= 1, "backoff_max_s must be at least 1");
        for k in &self.trusted_keys {
            anyhow::ensure!(!k.key_id.is_empty(), "a trusted key has an empty key_id");
        }
        Ok(())
    }

    /// The local policy file that overrides the synced bundle: `--policy`/`PROMPTWALL_POLICY`
    /// (passed in), else the configured one.
    pub fn override_policy(&self, cli: Option<&PathBuf>) -> Option<PathBuf> {
        cli.cloned().or_else(|| self.policy_override.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_strictness() {
        let c: AgentConfig = serde_json::from_str(r#"{"server_url": "https://x", "sync_interval_s": 5}"#).unwrap();
        assert_eq!(c.sync_interval_s, 5);
        assert_eq!(c.upload_batch_size, 200);
        assert!(serde_json::from_str::<AgentConfig>(r#"{"sync_intervall_s": 5}"#).is_err(), "typos are caught");
        let bad = AgentConfig { upload_batch_size: 501, ..AgentConfig::default() };
        assert!(bad.validate().is_err());
    }
}
