//! # promptwall-agent
//!
//! The agent's core, shared by its two transports — the daemon (`promptwall daemon`, one local
//! socket for every browser of the user) and the native host (`promptwall native-host`, the
//! browser's stdio, relaying to the daemon or deciding alone) — and by the one-shot commands:
//!
//! - [`decider`]: [`decider::Decider`] answers the extension's requests (inspect → scan → evaluate
//!   → redact → event), unit-testable without processes; [`decider::Shared`] is what the deciders
//!   of a process share.
//! - [`policy_cell`]: the policy in force (override, last good signed bundle, built-in), the rules
//!   for taking a new bundle, the rollback floor.
//! - [`config`]: the managed configuration file; [`paths`]: the data folder, the daemon socket,
//!   the device id, atomic writes; [`credential`]: the enrollment record, device credential and
//!   tenant redaction key; [`client`]: the server API; [`models`]: the learned models, loaded once
//!   per process; [`extract`]: the text of files (office documents included) from their bytes.
//!
//! Layers: this crate uses `promptwall-detect`, `-policy`, `-protocol`, `-store` and `-ml`; the
//! `promptwall` binary uses it. Nothing here parses command lines or runs loops.

pub mod client;
pub mod config;
pub mod credential;
pub mod decider;
pub mod extract;
pub mod models;
pub mod paths;
pub mod policy_cell;
