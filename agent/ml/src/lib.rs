//! # promptwall-ml
//!
//! Promptwall's local models, behind the detection engine's traits ([`promptwall_detect::ContextModel`], [`promptwall_detect::CategoryModel`]):
//! - [`tagger::PiiTagger`]: our own names-and-addresses tagger (a linear-chain model in pure Rust,
//!   no ONNX Runtime needed), the default, used where the structured detectors found nothing;
//! - [`ner::NerModel`]: the Rampart PII token classifier, an optional mode
//!   (`PROMPTWALL_PII_MODEL=rampart`), the only model run with ONNX Runtime (through the `ort`
//!   crate); the runtime library is loaded only in that mode;
//! - [`categories::CategoryClassifier`]: the document-category classifier of our own, a linear
//!   layer scored in pure Rust.
//!
//! Everything is optional at run time. [`load`] looks for a model directory (see [`model_dir`]),
//! loads what it finds and reports, per model, whether it is in use and if not why (missing,
//! corrupt, wrong version, runtime library absent in Rampart mode). The engine then runs with whatever loaded:
//! with no models at all it is the structured detectors alone, and it says so.
//!
//! Layout of a model directory (made by `models/fetch.py`):
//! ```text
//! runtime/manifest.json, runtime/libonnxruntime.so.1.31.1
//! pii-tagger/manifest.json, pii-tagger/tagger.bin
//! pii-ner/manifest.json, pii-ner/model.int8.onnx, pii-ner/tokenizer.json, pii-ner/LICENSE
//! categories/manifest.json, categories/weights.bin
//! ```

pub mod categories;
pub mod error;
pub mod features;
pub mod manifest;
pub mod ner;
pub mod runtime;
pub mod spans;
pub mod tagger;

use std::path::{Path, PathBuf};
use std::time::Instant;

use promptwall_detect::EngineBuilder;

pub use categories::CategoryClassifier;
pub use error::MlError;
pub use ner::NerModel;
pub use tagger::PiiTagger;

/// Environment variable naming the model directory.
pub const MODEL_DIR_ENV: &str = "PROMPTWALL_MODEL_DIR";
/// Set to `0`/`off` to run without models even when they are installed.
pub const MODELS_ENV: &str = "PROMPTWALL_MODELS";
/// ONNX Runtime threads per inference (default: the manifest's, 2 on this model).
pub const THREADS_ENV: &str = "PROMPTWALL_MODEL_THREADS";
/// Time budget of the PII model per interactive verdict, in milliseconds (see [`LoadOptions`]).
pub const BUDGET_ENV: &str = "PROMPTWALL_MODEL_BUDGET_MS";

/// Which model finds names and addresses: `tagger` (default) or `rampart`.
pub const PII_MODEL_ENV: &str = "PROMPTWALL_PII_MODEL";

/// The model that finds names and addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PiiModel {
    /// `pii-tagger`, ours: microseconds per token, no time budget needed.
    #[default]
    Tagger,
    /// `pii-ner`, Rampart through ONNX Runtime (slower; a time budget applies in interactive use).
    Rampart,
}

impl PiiModel {
    /// From `PROMPTWALL_PII_MODEL` (`tagger`, `rampart`); anything else is the default.
    pub fn from_env() -> PiiModel {
        match std::env::var(PII_MODEL_ENV).map(|v| v.to_ascii_lowercase()) {
            Ok(v) if v == "rampart" || v == "pii-ner" => PiiModel::Rampart,
            _ => PiiModel::Tagger,
        }
    }

    /// The detector id its findings carry.
    pub fn detector_id(self) -> &'static str {
        match self {
            PiiModel::Tagger => tagger::TAGGER_ID,
            PiiModel::Rampart => ner::NER_ID,
        }
    }
}

/// How the models are run in this process.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Rampart only: stop starting new model batches on a text after this long (interactive
    /// verdicts); `None` for batch scans, whose results must not depend on timing. The tagger
    /// needs no budget.
    pub budget_ms: Option<u64>,
    /// Which names-and-addresses model to load (`None`: [`PiiModel::from_env`]).
    pub pii_model: Option<PiiModel>,
}

/// Where the models are: `$PROMPTWALL_MODEL_DIR`, else `share/promptwall/models` beside the
/// installed binary (`/usr/bin/../share/...`), else `models/dist` of the source checkout the
/// binary was built in (`target/{debug,release}/../../models/dist`), else `/usr/lib/promptwall/models`.
pub fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok().and_then(|p| p.canonicalize().ok());
    let mut candidates = Vec::new();
    if let Some(bin) = exe.as_deref().and_then(Path::parent) {
        candidates.push(bin.join("../share/promptwall/models"));
        candidates.push(bin.join("../../models/dist"));
        candidates.push(bin.join("../../../models/dist"));
    }
    candidates.push(PathBuf::from("/usr/lib/promptwall/models"));
    candidates
        .into_iter()
        .find(|c| c.join("runtime/manifest.json").is_file() || c.join("pii-tagger/manifest.json").is_file())
        .and_then(|c| c.canonicalize().ok())
}

/// What happened to one model at load.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelState {
    Loaded { version: String, load_ms: u64 },
    Disabled(String),
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelStatus {
    pub name: &'static str,
    pub state: ModelState,
}

impl ModelStatus {
    pub fn line(&self) -> String {
        match &self.state {
            ModelState::Loaded { version, load_ms } => format!("{}: on ({version}, loaded in {load_ms} ms)", self.name),
            ModelState::Disabled(why) => format!("{}: off ({why})", self.name),
            ModelState::Unavailable(why) => format!("{}: unavailable: {why}", self.name),
        }
    }
}

/// The models that loaded, and a status line for each.
#[derive(Default)]
pub struct Models {
    pub tagger: Option<PiiTagger>,
    pub ner: Option<NerModel>,
    pub categories: Option<CategoryClassifier>,
    pub status: Vec<ModelStatus>,
}

impl Models {
    /// Hands the loaded models to an engine builder.
    pub fn attach(self, mut builder: EngineBuilder) -> (EngineBuilder, Vec<ModelStatus>) {
        if let Some(m) = self.tagger {
            builder = builder.context_model(Box::new(m));
        } else if let Some(m) = self.ner {
            builder = builder.context_model(Box::new(m));
        }
        if let Some(m) = self.categories {
            builder = builder.category_model(Box::new(m));
        }
        (builder, self.status)
    }

    /// One line for humans: which models are in use.
    pub fn summary(status: &[ModelStatus]) -> String {
        let on: Vec<&str> = status.iter().filter(|s| matches!(s.state, ModelState::Loaded { .. })).map(|s| s.name).collect();
        if on.is_empty() {
            "structured detectors only (no model loaded)".to_string()
        } else {
            format!("structured detectors + models: {}", on.join(", "))
        }
    }
}

/// Loads every model found in `dir` (or [`model_dir`]). Never fails: what cannot load is reported
/// in [`Models::status`] and left out.
pub fn load(dir: Option<&Path>) -> Models {
    load_with(dir, &LoadOptions::default())
}

/// [`load`] with options.
pub fn load_with(dir: Option<&Path>, options: &LoadOptions) -> Models {
    let names = ["pii-tagger", "pii-ner", "categories"];
    let all = |state: ModelState| Models {
        status: names.iter().map(|n| ModelStatus { name: n, state: state.clone() }).collect(),
        ..Models::default()
    };
    if std::env::var(MODELS_ENV).is_ok_and(|v| matches!(v.as_str(), "0" | "off" | "false" | "no")) {
        return all(ModelState::Disabled(format!("{MODELS_ENV}=off")));
    }
    let dir = match dir.map(Path::to_path_buf).or_else(model_dir) {
        Some(d) => d,
        None => return all(ModelState::Unavailable(MlError::NoModelDir.to_string())),
    };
    let pii = options.pii_model.unwrap_or_else(PiiModel::from_env);
    let mut models = Models::default();
    // The tagger needs no ONNX Runtime.
    if pii == PiiModel::Tagger {
        let t = Instant::now();
        match PiiTagger::load(&dir.join("pii-tagger")) {
            Ok(m) => {
                let state = ModelState::Loaded { version: m.version().to_string(), load_ms: t.elapsed().as_millis() as u64 };
                models.status.push(ModelStatus { name: "pii-tagger", state });
                models.tagger = Some(m);
            }
            Err(e) => models.status.push(ModelStatus { name: "pii-tagger", state: ModelState::Unavailable(e.to_string()) }),
        }
    } else {
        models.status.push(ModelStatus { name: "pii-tagger", state: ModelState::Disabled(format!("{PII_MODEL_ENV}=rampart")) });
    }
    // ONNX Runtime is loaded (and its library hashed) only when Rampart is chosen: the tagger and
    // the category classifier are pure Rust.
    if pii == PiiModel::Rampart {
        let env = runtime_library(&dir).and_then(|lib| runtime::environment(&lib));
        let threads = std::env::var(THREADS_ENV).ok().and_then(|t| t.parse().ok());
        let t = Instant::now();
        let budget = std::env::var(BUDGET_ENV).ok().and_then(|b| b.parse().ok()).or(options.budget_ms);
        match env.and_then(|env| NerModel::load(env, &dir.join("pii-ner"), threads, budget)) {
            Ok(m) => {
                let state = ModelState::Loaded { version: m.version().to_string(), load_ms: t.elapsed().as_millis() as u64 };
                models.status.push(ModelStatus { name: "pii-ner", state });
                models.ner = Some(m);
            }
            Err(e) => models.status.push(ModelStatus { name: "pii-ner", state: ModelState::Unavailable(e.to_string()) }),
        }
    } else {
        models.status.push(ModelStatus { name: "pii-ner", state: ModelState::Disabled(format!("{PII_MODEL_ENV}=tagger")) });
    }
    let t = Instant::now();
    match CategoryClassifier::load(&dir.join("categories")) {
        Ok(m) => {
            let state = ModelState::Loaded { version: m.version().to_string(), load_ms: t.elapsed().as_millis() as u64 };
            models.status.push(ModelStatus { name: "categories", state });
            models.categories = Some(m);
        }
        Err(e) => models.status.push(ModelStatus { name: "categories", state: ModelState::Unavailable(e.to_string()) }),
    }
    models
}

/// The runtime library named by `dir/runtime/manifest.json`, hash-checked.
pub fn runtime_library(dir: &Path) -> Result<PathBuf, MlError> {
    let rt = dir.join("runtime");
    manifest::Manifest::load(&rt)?.verified_file(&rt, "library")
}
