//! `promptwall`: the command-line entry point. Thin: argument parsing and wiring only; the work
//! lives in the library crates.

mod daemon;
mod enroll;
mod local_cmds;
mod logging;
mod native_host;
mod policy;
mod scan;
mod sync;
mod upload;
mod watch;

// The agent's core (promptwall-agent), under the names the commands use.
use promptwall_agent::paths as local;
use promptwall_agent::{client, config, credential, models};
use promptwall_install as install;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "promptwall", version, about = "Data-loss prevention for AI chat: find sensitive data before it leaves the laptop.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files, folders or standard input for sensitive data.
    Scan(scan::ScanArgs),
    /// What this machine's agent holds: policy, detection, event queue.
    Status,
    /// Events waiting for upload (metadata only: types, counts, rules; never text).
    Events(local_cmds::EventsArgs),
    /// The per-user agent daemon: serves native hosts over a private local socket.
    Daemon(daemon::DaemonArgs),
    /// The native-messaging host the browser starts for the extension (framed JSON on stdin/stdout).
    NativeHost(native_host::HostArgs),
    /// Enroll this device with the Promptwall server (one-time token from the admin console).
    Enroll(enroll::EnrollArgs),
    /// Admin tools: write, lint, sign, verify and test policies.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Scan a built-in sample paste and show what Promptwall finds and how it would redact it.
    Demo,
    /// Register the native-messaging host with Chrome, Chromium, Edge, Brave and Firefox.
    Install(install::InstallArgs),
    /// Remove what `install` wrote.
    Uninstall(install::UninstallArgs),
    /// Say what is installed where, what is missing, and whether this machine is protected.
    Doctor(install::DoctorArgs),
}

fn main() -> ExitCode {
    // Panic messages can quote the text being scanned (a slice that failed, a value): print only
    // where it happened, never the payload, so no pasted content reaches logs or terminals.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("promptwall: internal error at {at} (details withheld: they may contain scanned text); please report it");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Demo => scan::demo(),
        Command::Policy(cmd) => policy::run(cmd),
        Command::NativeHost(args) => {
            models::set_interactive();
            native_host::run(args)
        }
        Command::Status => local_cmds::status(),
        Command::Daemon(a) => {
            models::set_interactive();
            daemon::run(a)
        }
        Command::Events(a) => local_cmds::events(a),
        Command::Enroll(a) => enroll::run(a),
        Command::Install(a) => install::install(a),
        Command::Uninstall(a) => install::uninstall(a),
        Command::Doctor(a) => install::doctor(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`promptwall scan … | head`) is not an error worth a message.
            if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)) {
                return ExitCode::SUCCESS;
            }
            eprintln!("promptwall: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
