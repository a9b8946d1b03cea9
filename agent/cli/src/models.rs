//! The learned models, for every command that builds an engine: loaded once per process from the
//! model directory (`PROMPTWALL_MODEL_DIR`, the install's `share/promptwall/models`, or the
//! checkout's `models/dist`), reported line by line, and simply left out when absent or broken.

use promptwall_detect::{Engine, EngineBuilder};
use promptwall_ml::ModelStatus;

/// An engine builder with whatever models load (none when `enabled` is false), and their status.
pub fn engine_builder(enabled: bool) -> (EngineBuilder, Vec<ModelStatus>) {
    if !enabled {
        let off = |name| ModelStatus { name, state: promptwall_ml::ModelState::Disabled("--no-models".into()) };
        return (Engine::builder(), vec![off("pii-ner"), off("categories")]);
    }
    promptwall_ml::load(None).attach(Engine::builder())
}
