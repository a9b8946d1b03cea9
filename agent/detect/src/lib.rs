//! # promptwall-detect
//!
//! Promptwall's detection engine: finds sensitive data in text. A pure library — no I/O, no
//! logging, no global state — so it can be fuzzed, benchmarked and embedded in the agent, the
//! native-messaging host and the CLI alike.
//!
//! The main types and how they fit:
//! - [`Engine`] holds every compiled [`Detector`] and one Aho-Corasick prefilter. [`Engine::scan`]
//!   returns a [`ScanResult`]: [`Finding`]s (type, byte span, score, detector id) with overlaps
//!   resolved, plus document [`Category`]s.
//! - A [`Detector`] sees a [`Document`]: the text plus the context words the prefilter found and
//!   the header rows of any tables in it. Built-in detectors are declarative rules
//!   ([`detectors::RuleSpec`], [`detectors::keyed::KeyedSpec`]) that carry their own true- and
//!   false-positive examples; [`validate`] holds the checksums they use.
//! - [`CustomSpec`] is the data form of a policy's own detectors (dictionary, regex + validator,
//!   exact-data-match hashes); [`EngineBuilder::custom`] compiles them, reporting every error.
//! - [`redact()`] rewrites text with findings replaced by tags, masks or keyed hashes.
//!
//! Entity and category names follow `docs/taxonomy.md` exactly ([`EntityType::as_str`]).

pub mod category;
pub mod context;
pub mod contract;
pub mod detectors;
pub mod document;
pub mod engine;
pub mod entity;
pub mod error;
pub mod finding;
pub mod redact;
pub mod sample;
pub mod validate;

pub use detectors::custom::{edm_hash, CustomSpec, Normalize, Validator};
pub use detectors::Detector;
pub use document::Document;
pub use engine::{CategoryModel, ContextModel, Engine, EngineBuilder, ScanResult};
pub use entity::{Category, EntityType, Family};
pub use error::{ConfigError, ConfigErrors, EngineError};
pub use finding::Finding;
pub use redact::{mask_for_display, redact, RedactStyle};
