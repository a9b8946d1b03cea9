//! Shared by the model tests: where the fetched models are, and what to do when they are not.
use std::path::PathBuf;

/// The fetched model directory, or `None` (with a loud note) when `models/fetch.py` has not run.
/// With `PROMPTWALL_REQUIRE_MODELS=1` (CI) a missing directory fails the test instead.
pub fn models_or_skip(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PROMPTWALL_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/dist"));
    if dir.join("runtime/manifest.json").is_file() {
        return Some(dir);
    }
    if std::env::var("PROMPTWALL_REQUIRE_MODELS").as_deref() == Ok("1") {
        panic!("{test}: models missing in {} and PROMPTWALL_REQUIRE_MODELS=1 (run python3 models/fetch.py)", dir.display());
    }
    eprintln!("SKIPPED {test}: no models in {} (run python3 models/fetch.py)", dir.display());
    None
}

/// Copies a model directory so a test can damage its copy.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
