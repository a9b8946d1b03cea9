//! `promptwall native-host`: what the browser starts for the extension (it passes the extension
//! origin as an argument). Reads framed requests on stdin and answers on stdout until end of
//! input. Relays to the daemon when one serves; otherwise (or as soon as it stops answering)
//! decides in-process with the same [`Decider`] and policy the daemon would use: an override file,
//! else the last good synced bundle, else the built-in default (`promptwall_agent::policy_cell`).
//!
//! Every bad frame or request is answered with an error code and the host keeps reading; nothing
//! it writes to stderr contains pasted text.

use anyhow::{Context, Result};
use clap::Args;
use promptwall_agent::decider::{answer, Decider, Shared};
use promptwall_protocol::framing::{read_frame, write_frame, write_frame_max, FrameError, MAX_OUTBOUND};
use std::io::{self, BufReader, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::AgentConfig;

#[derive(Args)]
pub struct HostArgs {
    /// The calling extension's origin (passed by the browser).
    pub origin: Option<String>,
    /// Policy file to decide with (default: the built-in policy). Release builds take no
    /// `PROMPTWALL_POLICY` from the environment (see `local::dev_env`).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Largest inbound message accepted, in bytes.
    #[arg(long, default_value_t = promptwall_protocol::DEFAULT_MAX_INBOUND)]
    pub max_inbound: usize,
    /// Browsers pass extra arguments (e.g. a parent window handle on Windows): ignore them.
    #[arg(trailing_var_arg = true, hide = true)]
    pub rest: Vec<String>,
}

/// How often a host deciding alone tries the daemon again.
const RECONNECT: std::time::Duration = std::time::Duration::from_secs(2);

pub fn run(args: HostArgs) -> Result<ExitCode> {
    let stdin = io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    // Relay to the daemon when it is there; decide alone (from the same policy) when it is not,
    // or as soon as it stops answering. A verdict never waits on a daemon that is gone.
    // A broken configuration must not cost a verdict: defaults, and a warning.
    let loaded = AgentConfig::load();
    let cfg = loaded.as_ref().cloned().unwrap_or_default();
    crate::logging::init(cfg.log_format, cfg.log_filter.as_deref(), "warn");
    if let Err(e) = &loaded {
        tracing::warn!(error = %format!("{e:#}"), "agent configuration not usable; using defaults");
    }
    let mut daemon = crate::daemon::connect();
    let mut fallback: Option<Decider> = None;
    let cli_policy = args.policy.clone().or_else(|| crate::local::dev_env("PROMPTWALL_POLICY").map(PathBuf::from));
    let load_fallback = |_: &HostArgs| -> Result<Decider> {
        let over = cfg.override_policy(cli_policy.as_ref());
        let mut host = Decider::new(&Shared::load(&cfg, over.as_deref(), "native-host")?, "host");
        host.max_inbound = args.max_inbound;
        Ok(host)
    };
    if daemon.is_none() {
        fallback = Some(load_fallback(&args)?);
    }
    // A host deciding alone looks for the daemon again now and then (a browser keeps its host for
    // days; the daemon may have been restarted or updated meanwhile).
    let mut last_try = std::time::Instant::now();
    // Doubles after each failure (up to a minute): a daemon that accepts and then hangs must not
    // cost a 2 s wait every few verdicts.
    let mut retry_after = RECONNECT;
    loop {
        let frame = read_frame(&mut input, args.max_inbound);
        if matches!(frame, Err(FrameError::Eof)) {
            // The browser closed the port: nothing to answer, so no policy to load.
            return Ok(ExitCode::SUCCESS);
        }
        if daemon.is_none() && last_try.elapsed() >= retry_after {
            last_try = std::time::Instant::now();
            daemon = crate::daemon::connect();
            if daemon.is_some() {
                tracing::info!("daemon reachable again; relaying to it");
            }
        }
        if let (Ok(json), Some(conn)) = (&frame, daemon.as_mut()) {
            let mut relayed = relay(conn, json, &mut output, args.max_inbound);
            if matches!(relayed, Err(RelayError::NotSent(_))) {
                // The daemon closed this connection (idle timeout, restart) before taking the
                // request: nothing was answered, so one fresh connection may take it.
                if let Some(mut fresh) = crate::daemon::connect() {
                    relayed = relay(&mut fresh, json, &mut output, args.max_inbound);
                    *conn = fresh;
                }
            }
            match relayed {
                Ok(()) => {
                    retry_after = RECONNECT;
                    continue;
                }
                Err(RelayError::NotSent(e) | RelayError::NoAnswer(e)) => {
                    tracing::warn!(error = %e, "daemon stopped answering; deciding in-process");
                    daemon = None;
                    last_try = std::time::Instant::now();
                    retry_after = (retry_after * 2).min(std::time::Duration::from_secs(60));
                    if fallback.is_none() {
                        fallback = Some(load_fallback(&args)?);
                    }
                }
            }
        }
        let host = match fallback.as_mut() {
            Some(h) => h,
            None => {
                fallback = Some(load_fallback(&args)?);
                fallback.as_mut().context("fallback host")?
            }
        };
        match answer(host, frame, &mut output)? {
            Some(code) => return Ok(code),
            None => continue,
        }
    }
}

/// Why a relay failed: before the daemon took the request (another connection may take it), or
/// after (the daemon may have decided; the host decides again itself).
enum RelayError {
    NotSent(FrameError),
    NoAnswer(FrameError),
}

/// Forwards one request to the daemon (under the inbound cap, not the browser-bound one) and its
/// replies (parts, then the final one) to the browser.
fn relay(conn: &mut crate::daemon::Conn, json: &str, output: &mut impl io::Write, max_inbound: usize) -> Result<(), RelayError> {
    conn.expect_answer_to(json.len());
    write_frame_max(&mut conn.writer, json, max_inbound).map_err(RelayError::NotSent)?;
    let mut first = true;
    loop {
        let reply = match read_frame(&mut conn.reader, MAX_OUTBOUND + 1024) {
            Ok(r) => r,
            // A connection the daemon had already closed shows as end of input at once.
            Err(e @ FrameError::Eof) if first => return Err(RelayError::NotSent(e)),
            Err(e) => return Err(RelayError::NoAnswer(e)),
        };
        first = false;
        let part = reply.starts_with("{\"type\":\"verdict_part\"");
        match write_frame(output, &reply) {
            Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.map_err(RelayError::NoAnswer)?,
        }
        if !part {
            return Ok(());
        }
    }
}
