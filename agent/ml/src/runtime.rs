//! The ONNX Runtime library, loaded once per process from an absolute path.
//!
//! `ort` is built with `load-dynamic`: nothing is linked or downloaded at build time, and a
//! missing, foreign or too-old library is an error value (`ort::init_from` checks the version),
//! never a crash. The first successful load wins for the life of the process.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::error::MlError;

static ENVIRONMENT: OnceLock<Result<Environment, (PathBuf, String)>> = OnceLock::new();

/// The process-wide ONNX Runtime environment, loading `library` on first use.
pub fn environment(library: &Path) -> Result<&'static Environment, MlError> {
    let loaded = ENVIRONMENT.get_or_init(|| {
        let fail = |reason: String| (library.to_path_buf(), reason);
        if !library.is_file() {
            return Err(fail("file not found".into()));
        }
        let builder = ort::init_from(library).map_err(|e| fail(e.to_string()))?;
        builder.with_name("promptwall").with_telemetry(false).build().map_err(|e| fail(e.to_string()))
    });
    loaded.as_ref().map_err(|(path, reason)| MlError::Runtime { path: path.clone(), reason: reason.clone() })
}

/// An ONNX Runtime session for the model at `path`: full graph optimisation, `threads` intra-op
/// threads, one inter-op thread. Created once per model (and per concurrent caller) at load.
pub fn session(env: &Environment, path: &Path, threads: usize) -> Result<ort::session::Session, MlError> {
    use ort::session::builder::GraphOptimizationLevel;
    let err = |reason: String| MlError::Session { path: path.to_path_buf(), reason };
    ort::session::Session::builder(env)
        .map_err(|e| err(e.to_string()))?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| err(e.to_string()))?
        .with_intra_threads(threads)
        .map_err(|e| err(e.to_string()))?
        .with_inter_threads(1)
        .map_err(|e| err(e.to_string()))?
        .commit_from_file(path)
        .map_err(|e| err(e.to_string()))
}
