//! `promptwall enroll --server URL --token TOKEN`: trades a one-time enrollment token for this
//! device's credential, stores it (OS keyring, else a 0600 file; see `credential`), and records
//! the enrollment. The token and the credential are never printed or logged.

use anyhow::{Context, Result};
use clap::Args;
use std::process::ExitCode;

use crate::client::{ApiError, Client};
use crate::config::AgentConfig;
use crate::credential::{self, Enrollment};

#[derive(Args)]
pub struct EnrollArgs {
    /// Server base URL (default: `server_url` from the agent configuration).
    #[arg(long)]
    pub server: Option<String>,
    /// One-time enrollment token from the admin console (or `PROMPTWALL_ENROLL_TOKEN`, which
    /// keeps it out of the process list).
    #[arg(long, env = "PROMPTWALL_ENROLL_TOKEN", hide_env_values = true)]
    pub token: String,
}

pub fn run(args: EnrollArgs) -> Result<ExitCode> {
    let cfg = AgentConfig::load()?;
    let server =
        args.server.or(cfg.server_url.clone()).context("no server: pass --server URL or set server_url in the agent configuration")?;
    anyhow::ensure!(server.starts_with("https://") || server.starts_with("http://"), "--server must be an https:// URL");
    if server.starts_with("http://") {
        eprintln!("promptwall: warning: {server} is not https; the device credential will travel in clear");
    }
    let device_id = crate::local::device_id()?;
    let reply = Client::new(&server, None, cfg.server_ca_file.as_deref())
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .enroll(args.token.trim(), &device_id, &crate::local::hostname())
        .map_err(|e| match &e {
            ApiError::Status { status: 401, .. } => {
                anyhow::anyhow!("the server refused the enrollment token (unknown, expired or already used): {e}")
            }
            _ => anyhow::anyhow!("enrollment failed: {e}"),
        })?;
    anyhow::ensure!(!reply.device_token.is_empty(), "the server sent an empty device credential");
    anyhow::ensure!(!reply.device_id.is_empty() && reply.device_id.len() <= 128, "the server sent an unusable device id");
    let store = credential::store(&reply.device_token, cfg.credential_store, &reply.device_id)?;
    if reply.device_id != device_id {
        // The server is the authority on ids; keep ours in line so events carry the same one.
        crate::local::write_atomic(&crate::local::data_dir()?.join("device-id"), format!("{}\n", reply.device_id).as_bytes(), 0o600)?;
    }
    match reply.redaction_key.as_deref() {
        Some(k) => credential::store_redaction_key(k, store, &reply.device_id).context("storing the tenant redaction key")?,
        None => tracing::warn!("the server issued no tenant redaction key; hash redactions stay keyed per device"),
    }
    credential::save_enrollment(&Enrollment {
        server_url: server.trim_end_matches('/').to_string(),
        device_id: reply.device_id.clone(),
        group: reply.group.clone(),
        credential_store: store.to_string(),
        enrolled_at_ms: crate::local::now_ms(),
    })?;
    tracing::info!(device_id = %reply.device_id, credential_store = store, "enrolled");
    println!(
        "enrolled device {} with {}{}; credential kept in the {}",
        reply.device_id,
        server,
        reply.group.as_deref().map(|g| format!(" (group {g})")).unwrap_or_default(),
        if store == "keyring" { "OS keyring" } else { "0600 file in the data directory (no usable OS keyring)" }
    );
    Ok(ExitCode::SUCCESS)
}
