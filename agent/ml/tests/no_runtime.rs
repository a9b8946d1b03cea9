//! Without the ONNX Runtime library (or without any model directory) the models report why and
//! the engine runs with the structured detectors alone. Its own test binary: the runtime library
//! is loaded once per process, so these cases must not share a process with a working load.
mod support;

use promptwall_detect::Engine;
use promptwall_ml::{load, load_with, LoadOptions, ModelState, PiiModel};

#[test]
fn missing_directory_broken_runtime_and_wrong_version_are_reported() {
    // Switched off: nothing is loaded, and the status says so. (In this one test: the variable
    // is process-wide, and tests run in parallel.)
    std::env::set_var(promptwall_ml::MODELS_ENV, "off");
    let off = load(None);
    std::env::remove_var(promptwall_ml::MODELS_ENV);
    assert!(off.status.iter().all(|s| matches!(s.state, ModelState::Disabled(_))));

    let missing = load(Some(std::path::Path::new("/nonexistent/promptwall-models")));
    assert!(missing.ner.is_none() && missing.categories.is_none());
    assert!(missing.tagger.is_none());
    for s in &missing.status {
        // Rampart is not even tried in the default (tagger) mode.
        let skipped = s.name == "pii-ner" && matches!(s.state, ModelState::Disabled(_));
        assert!(skipped || matches!(&s.state, ModelState::Unavailable(why) if why.contains("missing")), "{}", s.line());
    }

    let Some(dir) = support::models_or_skip("missing_directory_broken_runtime_and_wrong_version_are_reported") else { return };
    let tmp = std::env::temp_dir().join(format!("pw-ml-noruntime-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    support::copy_dir(&dir, &tmp);
    // A runtime library that is not a shared object, with a manifest that vouches for it: the
    // loader's own error comes back, no crash.
    let lib = tmp.join("runtime/libonnxruntime.so.1.31.1");
    std::fs::write(&lib, b"not a library").expect("write");
    let sha = promptwall_ml::manifest::sha256_file(&lib).expect("sha");
    let manifest = std::fs::read_to_string(tmp.join("runtime/manifest.json")).expect("manifest");
    let mut v: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    v["files"]["library"]["sha256"] = serde_json::Value::String(sha);
    std::fs::write(tmp.join("runtime/manifest.json"), v.to_string()).expect("write");
    let rampart = load_with(Some(&tmp), &LoadOptions { pii_model: Some(PiiModel::Rampart), ..LoadOptions::default() });
    for s in &rampart.status {
        match s.name {
            "pii-ner" => assert!(matches!(&s.state, ModelState::Unavailable(why) if why.contains("ONNX Runtime library")), "{}", s.line()),
            "pii-tagger" => assert!(matches!(s.state, ModelState::Disabled(_)), "{}", s.line()),
            // The category classifier is pure Rust: a broken runtime does not touch it.
            _ => assert!(matches!(s.state, ModelState::Loaded { .. }), "{}", s.line()),
        }
    }
    // Our own tagger and category classifier need no ONNX Runtime: they load, find names and
    // name categories.
    let models = load_with(Some(&tmp), &LoadOptions { pii_model: Some(PiiModel::Tagger), ..LoadOptions::default() });
    for s in &models.status {
        match s.name {
            "pii-ner" => assert!(matches!(s.state, ModelState::Disabled(_)), "{}", s.line()),
            _ => assert!(matches!(s.state, ModelState::Loaded { .. }), "{}", s.line()),
        }
    }
    assert!(models.categories.is_some());
    let (builder, _) = models.attach(Engine::builder());
    let engine = builder.build().expect("engine");
    assert!(!engine.findings("mail jane.doe@acme-corp.com").is_empty());
    let text = "Please ship it to Brandon Whitaker, 412 Juniper Ave, Boise, ID 83702.";
    let kinds: Vec<_> = engine.findings(text).iter().map(|f| f.entity).collect();
    assert!(kinds.contains(&promptwall_detect::EntityType::Person), "{kinds:?}");
    let code = "def handler(event, context):\n    items = event.get('items', [])\n    for item in items:\n        process(item)\n    return {'statusCode': 200}\n";
    assert_eq!(engine.scan(code).categories, vec![promptwall_detect::Category::SourceCode]);
    let _ = std::fs::remove_dir_all(&tmp);
}

/// With no runtime folder at all (the default install needs none), both of our own models load.
#[test]
fn the_default_models_need_no_runtime_folder() {
    let Some(dir) = support::models_or_skip("the_default_models_need_no_runtime_folder") else { return };
    let tmp = std::env::temp_dir().join(format!("pw-ml-nort-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    for m in ["pii-tagger", "categories"] {
        support::copy_dir(&dir.join(m), &tmp.join(m));
    }
    let models = load_with(Some(&tmp), &LoadOptions { pii_model: Some(PiiModel::Tagger), ..LoadOptions::default() });
    assert!(models.tagger.is_some() && models.categories.is_some(), "{:?}", models.status);
    let _ = std::fs::remove_dir_all(&tmp);
}
