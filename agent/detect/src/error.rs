//! Typed errors of the detection library.

use std::fmt;

/// One problem in user-supplied configuration (a custom detector), with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The detector id the problem belongs to.
    pub detector: String,
    /// The field, e.g. `pattern` or `hashes[3]`.
    pub field: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(detector: &str, field: &str, message: &str) -> Self {
        ConfigError { detector: detector.to_string(), field: field.to_string(), message: message.to_string() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "detector `{}`, field `{}`: {}", self.detector, self.field, self.message)
    }
}

/// Every problem found while validating configuration, not just the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub fn push(&mut self, e: ConfigError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Errors building an [`crate::Engine`].
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A built-in pattern failed to compile: a bug in Promptwall, caught by its tests.
    #[error("built-in detector pattern failed to compile: {0}")]
    Builtin(#[from] regex::Error),
    #[error("prefilter could not be built: {0}")]
    Prefilter(String),
    #[error("invalid custom detectors:\n{0}")]
    Custom(ConfigErrors),
    #[error("duplicate custom detector id `{0}`")]
    DuplicateId(String),
}
