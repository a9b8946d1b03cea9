//! Structured logs on stderr with `tracing`: `text` (default) or `json` lines. Filter in
//! `RUST_LOG` syntax from `PROMPTWALL_LOG`, else `RUST_LOG`, else the configuration's
//! `log_filter`, else `default`. Log calls carry ids, counts, versions and error kinds, never
//! pasted text, findings' values, tokens or credentials (a test greps for that).

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

pub fn init(format: LogFormat, configured: Option<&str>, default: &str) {
    let spec = std::env::var("PROMPTWALL_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .or_else(|| configured.map(String::from))
        .unwrap_or_else(|| default.to_string());
    let filter = EnvFilter::try_new(&spec).unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    // A second init (tests, or a subcommand that already set one up) is not an error.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}
