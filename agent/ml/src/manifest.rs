//! Model manifests (`models/<name>/manifest.json`, copied beside the fetched files): where a model
//! came from, its exact version, the sha256 of every file, its license, its labels and how they
//! map to the taxonomy. The agent checks each file's hash before loading it, so a corrupt or
//! swapped file is refused with a clear message. Schema: `docs/schemas/model-manifest.schema.json`.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::MlError;

/// The manifest format this agent reads.
pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub name: String,
    pub version: String,
    pub kind: String,
    pub license: String,
    #[serde(default)]
    pub attribution: Option<String>,
    pub files: BTreeMap<String, FileEntry>,
    /// Output labels, in the model's order.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Label (without BIO prefix) -> taxonomy type, or null when the label is not used.
    #[serde(default)]
    pub taxonomy: BTreeMap<String, Option<String>>,
    /// Free-form settings of the model (window sizes, thresholds, feature sizes).
    #[serde(default)]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

impl Manifest {
    /// Reads `dir/manifest.json` and checks its format.
    pub fn load(dir: &Path) -> Result<Manifest, MlError> {
        let path = dir.join("manifest.json");
        if !path.is_file() {
            return Err(MlError::Missing { path, what: "model manifest" });
        }
        let text = std::fs::read_to_string(&path).map_err(|source| MlError::Read { path: path.clone(), source })?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| MlError::Manifest { path: path.clone(), reason: e.to_string() })?;
        if m.format > MANIFEST_FORMAT {
            return Err(MlError::ManifestVersion { path, found: m.format, supported: MANIFEST_FORMAT });
        }
        Ok(m)
    }

    /// The path of file `key` inside `dir`, after checking that it exists and its sha256 matches.
    pub fn verified_file(&self, dir: &Path, key: &str) -> Result<PathBuf, MlError> {
        let entry = self
            .files
            .get(key)
            .ok_or_else(|| MlError::Manifest { path: dir.join("manifest.json"), reason: format!("no `{key}` entry under `files`") })?;
        let path = dir.join(&entry.path);
        if !path.is_file() {
            return Err(MlError::Missing { path, what: "model file" });
        }
        let found = sha256_file(&path)?;
        if !found.eq_ignore_ascii_case(&entry.sha256) {
            return Err(MlError::Checksum { path, expected: entry.sha256.clone(), found });
        }
        Ok(path)
    }

    pub fn setting_usize(&self, key: &str, default: usize) -> usize {
        self.settings.get(key).and_then(|v| v.as_u64()).map_or(default, |v| v as usize)
    }

    pub fn setting_f32(&self, key: &str, default: f32) -> f32 {
        self.settings.get(key).and_then(|v| v.as_f64()).map_or(default, |v| v as f32)
    }
}

/// Hex sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String, MlError> {
    let mut f = std::fs::File::open(path).map_err(|source| MlError::Read { path: path.to_path_buf(), source })?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|source| MlError::Read { path: path.to_path_buf(), source })?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
