//! The agent's configuration: one small JSON file, normally written by the installer or device
//! management at `/etc/promptwall/agent.json` (Windows: `%ProgramData%\Promptwall\agent.json`),
//! overridable with `PROMPTWALL_CONFIG` in development builds only (`local::dev_env`). A missing file means defaults (no server, built-in
//! policy). Schema: `docs/schemas/agent-config.schema.json`; fields: `docs/agent.md`.
//!
//! Windows adds Group Policy / Intune: values under `HKLM\SOFTWARE\Policies\Promptwall` (set by
//! the ADMX template in `installer/windows/admx/`, or by any tool that writes that key) are the
//! same managed configuration as the file, one registry value per field, named as the field in
//! the file (`server_url`, `sync_interval_s`, …), and the subkey `trusted_keys` with one value per
//! key (name = `key_id`, data = the base64 public key). Where both set a field, the registry
//! policy wins (as Group Policy wins over a local preference); a registry value of the wrong type
//! or an unknown name makes the configuration invalid, as a typo in the file does. Like the file,
//! the registry policy is not read when `PROMPTWALL_CONFIG` names another file (development builds).

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

/// The registry key of the managed policy on Windows (under `HKEY_LOCAL_MACHINE`, 64-bit view).
pub const POLICY_KEY: &str = r"SOFTWARE\Policies\Promptwall";
/// The subkey of [`POLICY_KEY`] holding the trusted policy keys (value name = key id).
pub const POLICY_TRUSTED_KEYS: &str = "trusted_keys";

/// Whether the Windows registry policy is part of the configuration in effect: on Windows, unless
/// `PROMPTWALL_CONFIG` (development builds) names the file to use instead.
fn registry_policy_applies() -> bool {
    cfg!(windows) && crate::paths::dev_env("PROMPTWALL_CONFIG").is_none()
}

/// The registry policy in effect (`None` outside Windows, where `PROMPTWALL_CONFIG` names the
/// file, or when the key does not exist): the daemon compares it now and then to reload on change.
pub fn managed_registry_policy() -> Result<Option<RegistryPolicy>> {
    if registry_policy_applies() {
        registry::read()
    } else {
        Ok(None)
    }
}

/// Where the configuration in effect comes from, for `promptwall status`: the file, and on
/// Windows the registry policy with the names of the values it sets.
pub fn describe_sources() -> String {
    let file = config_path().display().to_string();
    if !registry_policy_applies() {
        return file;
    }
    match registry::read() {
        Ok(Some(p)) if !p.is_empty() => format!("{file} + registry policy HKLM\\{POLICY_KEY} ({})", p.names().join(", ")),
        Ok(_) => format!("{file} (no registry policy under HKLM\\{POLICY_KEY})"),
        Err(e) => format!("{file} + registry policy HKLM\\{POLICY_KEY}: unreadable: {e:#}"),
    }
}

/// A value of the registry policy, as read (REG_EXPAND_SZ already expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    Str(String),
    Dword(u32),
    Qword(u64),
    /// Any other registry type (REG_MULTI_SZ, REG_BINARY, …): refused.
    Other(u32),
}

/// The registry policy as read: the values of [`POLICY_KEY`] and of its `trusted_keys` subkey.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryPolicy {
    pub values: Vec<(String, RegValue)>,
    /// `None`: no such subkey. An empty subkey counts as not set (a disabled list policy).
    pub trusted_keys: Option<Vec<(String, RegValue)>>,
}

impl RegistryPolicy {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(|(n, _)| n.is_empty()) && self.trusted_keys.as_ref().is_none_or(|k| k.is_empty())
    }

    /// The field names it sets.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.values.iter().filter(|(n, _)| !n.is_empty()).map(|(n, _)| n.to_ascii_lowercase()).collect();
        if self.trusted_keys.as_ref().is_some_and(|k| !k.is_empty()) {
            names.push(POLICY_TRUSTED_KEYS.to_string());
        }
        names
    }

    /// The fields it sets, as the file would write them: REG_SZ → string (empty: null, which
    /// clears an optional field), REG_DWORD/REG_QWORD → number; names compared without case
    /// (registry names are case-insensitive); the key's default value is ignored. Whether a name
    /// is a field and its type right is left to the configuration's own parsing.
    pub fn to_json(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        use serde_json::Value;
        fn json(name: &str, v: &RegValue) -> Result<Value> {
            Ok(match v {
                RegValue::Str(s) if s.is_empty() => Value::Null,
                RegValue::Str(s) => Value::String(s.clone()),
                RegValue::Dword(n) => Value::from(*n),
                RegValue::Qword(n) => Value::from(*n),
                RegValue::Other(t) => anyhow::bail!("{name}: registry type {t} is not supported (use REG_SZ or REG_DWORD)"),
            })
        }
        let mut out = serde_json::Map::new();
        for (name, v) in &self.values {
            if name.is_empty() {
                continue;
            }
            out.insert(name.to_ascii_lowercase(), json(name, v)?);
        }
        if let Some(keys) = self.trusted_keys.as_ref().filter(|k| !k.is_empty()) {
            anyhow::ensure!(!out.contains_key(POLICY_TRUSTED_KEYS), "trusted_keys is a subkey (one value per key), not a value");
            let mut list = Vec::new();
            for (key_id, v) in keys {
                match v {
                    RegValue::Str(k) => list.push(serde_json::json!({"key_id": key_id, "public_key": k.trim()})),
                    _ => anyhow::bail!("{POLICY_TRUSTED_KEYS}\\{key_id}: a trusted key must be REG_SZ (the base64 public key)"),
                }
            }
            out.insert(POLICY_TRUSTED_KEYS.to_string(), Value::Array(list));
        }
        Ok(out)
    }
}

#[cfg(windows)]
#[path = "config_registry_windows.rs"]
mod registry;

/// Not Windows: there is no registry policy.
#[cfg(not(windows))]
mod registry {
    pub fn read() -> anyhow::Result<Option<super::RegistryPolicy>> {
        Ok(None)
    }
}

impl AgentConfig {
    /// Loads the configuration in effect; a missing file gives the defaults, a broken one is an
    /// error. On Windows the registry policy is laid over the file (see the module's doc).
    pub fn load() -> Result<AgentConfig> {
        Self::load_from(&config_path())
    }

    pub fn load_from(path: &Path) -> Result<AgentConfig> {
        let policy = if registry_policy_applies() {
            registry::read().with_context(|| format!("HKLM\\{POLICY_KEY}: cannot read the registry policy"))?
        } else {
            None
        };
        Self::load_with_policy(path, policy.as_ref())
    }

    /// The file at `path` (missing: the defaults) with `policy` laid over it, field by field.
    pub fn load_with_policy(path: &Path, policy: Option<&RegistryPolicy>) -> Result<AgentConfig> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read the agent configuration", path.display())),
        };
        let file = match text {
            None => AgentConfig::default(),
            Some(text) => {
                let c: AgentConfig =
                    serde_json::from_str(&text).with_context(|| format!("{}: invalid agent configuration", path.display()))?;
                c.validate().with_context(|| format!("{}: invalid agent configuration", path.display()))?;
                c
            }
        };
        let Some(policy) = policy.filter(|p| !p.is_empty()) else { return Ok(file) };
        let ctx = || format!("HKLM\\{POLICY_KEY}: invalid agent configuration in the registry policy");
        let mut merged = serde_json::to_value(&file).context("serialising the configuration")?;
        if let Some(obj) = merged.as_object_mut() {
            obj.extend(policy.to_json().with_context(ctx)?);
        }
        let c: AgentConfig = serde_json::from_value(merged).with_context(ctx)?;
        c.validate().with_context(ctx)?;
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

    fn reg(values: &[(&str, RegValue)], keys: Option<&[(&str, &str)]>) -> RegistryPolicy {
        RegistryPolicy {
            values: values.iter().map(|(n, v)| (n.to_string(), v.clone())).collect(),
            trusted_keys: keys.map(|k| k.iter().map(|(id, pk)| (id.to_string(), RegValue::Str(pk.to_string()))).collect()),
        }
    }

    fn file(dir: &str, text: Option<&str>) -> PathBuf {
        let d = std::env::temp_dir().join(format!("promptwall-config-{dir}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let p = d.join("agent.json");
        let _ = std::fs::remove_file(&p);
        if let Some(t) = text {
            std::fs::write(&p, t).unwrap();
        }
        p
    }

    #[test]
    fn registry_policy_is_laid_over_the_file_field_by_field() {
        let p = file("overlay", Some(r#"{"server_url": "https://file.example", "sync_interval_s": 60, "log_filter": "debug"}"#));
        let policy = reg(
            &[
                ("server_url", RegValue::Str("https://gpo.example".into())),
                ("Upload_Batch_Size", RegValue::Dword(50)),
                ("log_filter", RegValue::Str(String::new())),
                ("", RegValue::Str("the key's default value".into())),
            ],
            Some(&[("prod-2026", " AAAA ")]),
        );
        let c = AgentConfig::load_with_policy(&p, Some(&policy)).unwrap();
        assert_eq!(c.server_url.as_deref(), Some("https://gpo.example"), "the registry wins");
        assert_eq!(c.sync_interval_s, 60, "the file's other fields stay");
        assert_eq!(c.upload_batch_size, 50, "names without case, REG_DWORD as a number");
        assert_eq!(c.log_filter, None, "an empty REG_SZ clears an optional field");
        assert_eq!((c.trusted_keys[0].key_id.as_str(), c.trusted_keys[0].public_key.as_str()), ("prod-2026", "AAAA"));
        assert_eq!(policy.names(), ["server_url", "upload_batch_size", "log_filter", "trusted_keys"]);
        // No file: the defaults under the policy.
        let none = file("overlay-nofile", None);
        assert_eq!(AgentConfig::load_with_policy(&none, Some(&policy)).unwrap().server_url.as_deref(), Some("https://gpo.example"));
        // An empty trusted_keys subkey (a disabled list policy) leaves the file's keys.
        let empty = reg(&[], Some(&[]));
        assert!(empty.is_empty());
        assert_eq!(AgentConfig::load_with_policy(&p, Some(&empty)).unwrap(), AgentConfig::load_with_policy(&p, None).unwrap());
    }

    #[test]
    fn a_wrong_registry_value_makes_the_configuration_invalid_and_says_where() {
        let p = file("bad", Some(r#"{"server_url": "https://file.example"}"#));
        for (policy, why) in [
            (reg(&[("sync_intervall_s", RegValue::Dword(5))], None), "unknown field"),
            (reg(&[("sync_interval_s", RegValue::Str("300".into()))], None), "invalid type"),
            (reg(&[("upload_batch_size", RegValue::Dword(9999))], None), "upload_batch_size must be 1-500"),
            (reg(&[("server_url", RegValue::Str("ftp://x".into()))], None), "server_url must start"),
            (reg(&[("log_format", RegValue::Other(7))], None), "registry type 7"),
            (reg(&[("trusted_keys", RegValue::Str("k".into()))], Some(&[("a", "b")])), "subkey"),
        ] {
            let e = format!("{:#}", AgentConfig::load_with_policy(&p, Some(&policy)).unwrap_err());
            assert!(e.contains(r"HKLM\SOFTWARE\Policies\Promptwall") && e.contains(why), "{why}: {e}");
        }
        // The file's own errors still name the file.
        let broken = file("bad-file", Some(r#"{"sync_intervall_s": 5}"#));
        let e = format!(
            "{:#}",
            AgentConfig::load_with_policy(&broken, Some(&reg(&[("sync_interval_s", RegValue::Dword(5))], None))).unwrap_err()
        );
        assert!(e.contains("agent.json") && !e.contains("Policies"), "{e}");
    }

    #[test]
    fn without_a_registry_policy_the_file_alone_decides() {
        let p = file("plain", Some(r#"{"server_url": "https://file.example"}"#));
        assert_eq!(
            AgentConfig::load_with_policy(&p, None).unwrap(),
            AgentConfig::load_with_policy(&p, Some(&RegistryPolicy::default())).unwrap()
        );
        #[cfg(not(windows))]
        assert_eq!(describe_sources(), config_path().display().to_string(), "no registry outside Windows");
    }
}
