//! The learned models, for every command that builds an engine: loaded once per process from the
//! model directory (`PROMPTWALL_MODEL_DIR`, the install's `share/promptwall/models`, or the
//! checkout's `models/dist`), shared by every engine the process builds (one per policy in
//! force), reported line by line, and simply left out when absent or broken.

use std::sync::{Arc, OnceLock};

use promptwall_detect::{Category, CategoryModel, ContextModel, Engine, EngineBuilder, Finding};
use promptwall_ml::{CategoryClassifier, ModelState, ModelStatus, Models, NerModel, PiiModel, PiiTagger};

struct Loaded {
    tagger: Option<Arc<PiiTagger>>,
    ner: Option<Arc<NerModel>>,
    categories: Option<Arc<CategoryClassifier>>,
    status: Vec<ModelStatus>,
}

static MODELS: OnceLock<Loaded> = OnceLock::new();
static INTERACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Time budget of the Rampart model (`PROMPTWALL_PII_MODEL=rampart`) per verdict in the daemon and
/// the native host: a paste is never held up by it for longer (the structured detectors cover the
/// rest of the text). `PROMPTWALL_MODEL_BUDGET_MS` overrides it. The default tagger runs on the
/// whole of every paste with no budget: it costs microseconds per token.
pub const INTERACTIVE_BUDGET_MS: u64 = 200;

/// Marks this process as one that answers a waiting user (daemon, native host): the Rampart model,
/// when chosen, gets a time budget per text. Call before the first engine is built.
pub fn set_interactive() {
    INTERACTIVE.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn loaded() -> &'static Loaded {
    MODELS.get_or_init(|| {
        let interactive = INTERACTIVE.load(std::sync::atomic::Ordering::Relaxed);
        let options = promptwall_ml::LoadOptions { budget_ms: interactive.then_some(INTERACTIVE_BUDGET_MS), pii_model: None };
        let m = promptwall_ml::load_with(None, &options);
        for s in &m.status {
            match &s.state {
                ModelState::Loaded { version, load_ms } => tracing::info!(model = s.name, version = %version, load_ms, "model loaded"),
                ModelState::Disabled(why) => tracing::info!(model = s.name, reason = %why, "model off"),
                ModelState::Unavailable(why) => {
                    tracing::warn!(model = s.name, reason = %why, "model unavailable; structured detectors cover its types")
                }
            }
        }
        Loaded { tagger: m.tagger.map(Arc::new), ner: m.ner.map(Arc::new), categories: m.categories.map(Arc::new), status: m.status }
    })
}

/// Adds the process's models to `builder`. They are loaded when a scan first asks them (a
/// process whose verdicts never need them never pays for loading them), or by [`preload`].
pub fn attach(builder: EngineBuilder) -> EngineBuilder {
    builder.context_model(Box::new(LazyNer)).category_model(Box::new(LazyCategories))
}

/// Whether this process has loaded (or tried to load) its models.
pub fn ready() -> bool {
    MODELS.get().is_some()
}

/// Loads the models now: the daemon does at start, so no verdict waits for them.
pub fn preload() {
    let _ = loaded();
}

/// The names-and-addresses model (the tagger, or Rampart when chosen), loaded on first use;
/// absent or broken, it finds nothing.
struct LazyNer;

impl ContextModel for LazyNer {
    fn id(&self) -> &str {
        PiiModel::from_env().detector_id()
    }
    fn detect(&self, text: &str, structured: &[Finding]) -> Vec<Finding> {
        let l = loaded();
        if let Some(m) = &l.tagger {
            return m.detect(text, structured);
        }
        l.ner.as_ref().map(|m| m.detect(text, structured)).unwrap_or_default()
    }
}

/// The category classifier, loaded on first use; absent or broken, the keyword rules decide.
struct LazyCategories;

impl CategoryModel for LazyCategories {
    fn id(&self) -> &str {
        promptwall_ml::categories::CATEGORIES_ID
    }
    fn categorize(&self, text: &str, findings: &[Finding]) -> Option<Vec<Category>> {
        loaded().categories.as_ref().and_then(|m| m.categorize(text, findings))
    }
}

/// One line per model: on (version, load time), off, or unavailable and why.
pub fn status() -> Vec<ModelStatus> {
    loaded().status.clone()
}

/// A short summary for status replies and `promptwall status`.
pub fn summary() -> String {
    Models::summary(&loaded().status)
}

/// An engine builder with whatever models load (none when `enabled` is false), and their status.
pub fn engine_builder(enabled: bool) -> (EngineBuilder, Vec<ModelStatus>) {
    if !enabled {
        let off = |name| ModelStatus { name, state: ModelState::Disabled("--no-models".into()) };
        return (Engine::builder(), vec![off("pii-tagger"), off("pii-ner"), off("categories")]);
    }
    (attach(Engine::builder()), status())
}
