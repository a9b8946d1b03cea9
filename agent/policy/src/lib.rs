//! # promptwall-policy
//!
//! What happens when Promptwall finds something. A pure library:
//! - [`schema`]: the policy document (schema version 1, JSON Schema in `docs/schemas/policy.schema.json`),
//!   [`Policy::validate`] into a [`CompiledPolicy`] collecting every problem with its JSON path;
//! - [`eval`]: [`evaluate`] turns findings + site + user into a [`Decision`] (most restrictive
//!   matching rule wins; precedence in the module doc);
//! - [`bundle`]: canonical JSON + Ed25519 signatures with key ids, rollback / validity-window checks;
//! - [`exceptions`]: finding exceptions from approved false-alarm reports, and their keyed value hash;
//! - [`redaction`]: applies a redact decision, with optional per-conversation pseudonyms;
//! - [`default_policy_json`]: the built-in policy a company could ship unchanged.

pub mod bundle;
pub mod eval;
pub mod exceptions;
pub mod redaction;
pub mod schema;

pub use bundle::{canonical_json, generate_key, public_key_of, sign, verify, BundleError, TrustedKey, VerifiedBundle};
pub use eval::{evaluate, Context, Decision, RedactSpan};
pub use exceptions::{apply_exceptions, detector_id, false_alarm_hash, merge_exceptions_file, ExceptionsFile};
pub use redaction::{apply as apply_redactions, apply_with_pseudonyms, Pseudonyms, Redacted};
pub use schema::{
    host_matches, parse_policy, Action, CompiledPolicy, FailMode, FalseAlarmReports, FindingException, Policy, Problem, RedactionStyle,
    UninspectableAction,
};

/// The built-in default policy (JSON): block private keys and live cloud credentials, redact card
/// numbers, IBANs and national ids, warn on customer data, health data and source code.
pub fn default_policy_json() -> &'static str {
    include_str!("../data/default-policy.json")
}

/// The built-in default policy, validated.
pub fn default_policy() -> CompiledPolicy {
    parse_policy(default_policy_json()).unwrap_or_else(|p| panic!("built-in default policy is invalid: {p:?}"))
}
