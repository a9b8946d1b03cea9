//! Typed errors of model loading and inference. Messages name files and causes, never scanned text.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MlError {
    #[error("no model directory found (set PROMPTWALL_MODEL_DIR, or run `python3 models/fetch.py`)")]
    NoModelDir,
    #[error("{path}: missing ({what})")]
    Missing { path: PathBuf, what: &'static str },
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: invalid manifest: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error("{path}: manifest format {found} is newer than this agent understands ({supported})")]
    ManifestVersion { path: PathBuf, found: u32, supported: u32 },
    #[error("{path}: sha256 {found} does not match the manifest's {expected} (corrupt or replaced file)")]
    Checksum { path: PathBuf, expected: String, found: String },
    #[error("ONNX Runtime library {path} could not be loaded: {reason}")]
    Runtime { path: PathBuf, reason: String },
    #[error("{path}: the model could not be loaded by ONNX Runtime: {reason}")]
    Session { path: PathBuf, reason: String },
    #[error("{path}: tokenizer could not be loaded: {reason}")]
    Tokenizer { path: PathBuf, reason: String },
    #[error("{path}: not a valid weight file: {reason}")]
    WeightFile { path: PathBuf, reason: String },
    #[error("model {model} does not fit its manifest: {reason}")]
    Shape { model: String, reason: String },
    #[error("inference failed: {0}")]
    Inference(String),
}
