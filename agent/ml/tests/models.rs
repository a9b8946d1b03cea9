//! The real models through the real ONNX Runtime: what they find, how they combine with the
//! structured detectors, and how every broken installation is reported instead of crashing.
mod support;

use ort::value::Tensor;
use promptwall_detect::{Category, Engine, EntityType, Finding};
use promptwall_ml::{load, load_with, LoadOptions, ModelState, PiiModel};

fn engine_with(dir: &std::path::Path, pii: PiiModel) -> Engine {
    let models = load_with(Some(dir), &LoadOptions { pii_model: Some(pii), ..LoadOptions::default() });
    let wanted = match pii {
        PiiModel::Tagger => ["pii-tagger", "categories"],
        PiiModel::Rampart => ["pii-ner", "categories"],
    };
    for s in &models.status {
        if wanted.contains(&s.name) {
            assert!(matches!(s.state, ModelState::Loaded { .. }), "{}", s.line());
        } else {
            assert!(matches!(s.state, ModelState::Disabled(_)), "{}", s.line());
        }
    }
    models.attach(Engine::builder()).0.build().expect("engine")
}

fn engine(dir: &std::path::Path) -> Engine {
    engine_with(dir, PiiModel::Tagger)
}

#[test]
fn the_model_finds_names_and_addresses_that_rules_miss() {
    let Some(dir) = support::models_or_skip("the_model_finds_names_and_addresses_that_rules_miss") else { return };
    for pii in [PiiModel::Tagger, PiiModel::Rampart] {
        finds_names_and_addresses(&engine_with(&dir, pii));
    }
}

#[test]
fn the_tagger_is_the_default_and_rampart_a_switch() {
    let Some(dir) = support::models_or_skip("the_tagger_is_the_default_and_rampart_a_switch") else { return };
    let tagger = engine_with(&dir, PiiModel::Tagger);
    assert_eq!(tagger.model_ids()[0], promptwall_ml::tagger::TAGGER_ID);
    let rampart = engine_with(&dir, PiiModel::Rampart);
    assert_eq!(rampart.model_ids()[0], promptwall_ml::ner::NER_ID);
}

#[test]
fn type_names_in_code_are_not_people() {
    let Some(dir) = support::models_or_skip("type_names_in_code_are_not_people") else { return };
    let engine = engine(&dir);
    for text in [
        "use std::sync::Arc;\nuse std::marker::PhantomData;\npub struct Grid<T> { dims: Dim, cells: Arc<Vec<T>>, _p: PhantomData<T> }\n",
        "impl Display for Matrix {\n    fn fmt(&self, f: &mut Formatter<'_>) -> Result { write!(f, \"{}\", self.Rows) }\n}\n",
        "class UserService(BaseService):\n    def get_account(self, AccountId: int) -> Account:\n        return Account.objects.get(pk=AccountId)\n",
    ] {
        let found = engine.findings(text);
        assert!(found.iter().all(|f| f.entity != EntityType::Person), "{text:?}: {found:?}");
    }
}

fn finds_names_and_addresses(engine: &Engine) {
    let text = "Quick one: can you draft a reply to Anneliese Vanderberg about the delivery to 221B Baker Street, London NW1 6XE? Her email is anneliese.v@gmail.com.";
    let found = engine.scan(text).findings;
    let kinds: Vec<(EntityType, &str)> = found.iter().map(|f| (f.entity, &text[f.start..f.end])).collect();
    assert!(kinds.iter().any(|(t, v)| *t == EntityType::Person && v.contains("Vanderberg")), "{kinds:?}");
    assert!(kinds.iter().any(|(t, v)| *t == EntityType::Address && v.contains("Baker Street") && v.contains("6XE")), "{kinds:?}");
    // The structured detector keeps the e-mail; nothing is reported twice.
    assert!(kinds.iter().any(|(t, v)| *t == EntityType::Email && *v == "anneliese.v@gmail.com"), "{kinds:?}");
    for (i, a) in found.iter().enumerate() {
        for b in &found[i + 1..] {
            assert!(!a.overlaps(b), "overlapping findings {a:?} {b:?}");
        }
    }
}

#[test]
fn no_names_in_code_or_organisations() {
    let Some(dir) = support::models_or_skip("no_names_in_code_or_organisations") else { return };
    let engine = engine(&dir);
    for text in [
        "fn main() {\n    let token_type = \"Bearer\";\n    println!(\"{}\", token_type);\n}\n",
        "The contract between Kessler Bau GmbH and McKinsey & Company was signed in Milan.",
        "Shares of Walt Disney rose 3.2% on Friday.",
    ] {
        let found = engine.findings(text);
        assert!(found.iter().all(|f| f.entity != EntityType::Person), "{text:?}: {found:?}");
    }
}

#[test]
fn categories_come_from_the_classifier() {
    let Some(dir) = support::models_or_skip("categories_come_from_the_classifier") else { return };
    let engine = engine(&dir);
    let code = "def handler(event, context):\n    items = event.get('items', [])\n    for item in items:\n        process(item)\n    return {'statusCode': 200}\n";
    assert_eq!(engine.scan(code).categories, vec![Category::SourceCode]);
    let nothing = "Lunch is at noon on Friday, see you all there.";
    assert_eq!(engine.scan(nothing).categories, vec![Category::None]);
}

#[test]
fn huge_and_odd_inputs_stay_safe() {
    let Some(dir) = support::models_or_skip("huge_and_odd_inputs_stay_safe") else { return };
    let engine = engine(&dir);
    let big = "Maria Rossi lives at Via Roma 12, 00100 Roma.\n".repeat(5000);
    let found = engine.findings(&big);
    assert!(!found.is_empty());
    for text in ["", "\u{0}\u{1}\u{2}", "🙂🙂🙂 Ünïcödé", &"x".repeat(100_000), "佐藤 花子 様\n東京都千代田区1-1"] {
        let _ = engine.scan(text);
    }
}

#[test]
fn a_corrupt_or_swapped_model_file_is_refused_by_hash() {
    let Some(dir) = support::models_or_skip("a_corrupt_or_swapped_model_file_is_refused_by_hash") else { return };
    let tmp = std::env::temp_dir().join(format!("pw-ml-corrupt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    support::copy_dir(&dir, &tmp);
    for model in [tmp.join("pii-ner/model.int8.onnx"), tmp.join("pii-tagger/tagger.bin")] {
        let mut bytes = std::fs::read(&model).expect("read");
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        std::fs::write(&model, bytes).expect("write");
    }
    std::fs::write(tmp.join("categories/manifest.json"), r#"{"format": 99}"#).expect("write");
    let rampart = load_with(Some(&tmp), &LoadOptions { pii_model: Some(PiiModel::Rampart), ..LoadOptions::default() });
    let line = |name: &str| rampart.status.iter().find(|s| s.name == name).map(|s| s.line()).unwrap_or_default();
    assert!(rampart.ner.is_none());
    assert!(line("pii-ner").contains("does not match the manifest"), "{}", line("pii-ner"));
    let models = load_with(Some(&tmp), &LoadOptions { pii_model: Some(PiiModel::Tagger), ..LoadOptions::default() });
    let line = |name: &str| models.status.iter().find(|s| s.name == name).map(|s| s.line()).unwrap_or_default();
    assert!(models.tagger.is_none() && models.categories.is_none());
    assert!(line("pii-tagger").contains("does not match the manifest"), "{}", line("pii-tagger"));
    assert!(line("categories").contains("invalid manifest") || line("categories").contains("newer"), "{}", line("categories"));
    // The engine still works, with the structured detectors alone.
    let (builder, _) = models.attach(Engine::builder());
    let engine = builder.build().expect("engine");
    assert!(engine.model_ids().is_empty());
    assert!(!engine.findings("card 4539 1488 0343 6467").is_empty());
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_weight_file_that_is_garbage_but_matches_its_manifest_is_a_clear_error() {
    let Some(dir) = support::models_or_skip("a_weight_file_that_is_garbage_but_matches_its_manifest_is_a_clear_error") else { return };
    let tmp = std::env::temp_dir().join(format!("pw-ml-garbage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    support::copy_dir(&dir, &tmp);
    let good = std::fs::read(tmp.join("categories/weights.bin")).expect("read");
    for (garbage, why) in [
        (b"this is not a weight file".to_vec(), "bad magic"),
        (good[..good.len() - 3].to_vec(), "the header implies"),
        (good[..40].to_vec(), "file ends inside"),
    ] {
        std::fs::write(tmp.join("categories/weights.bin"), &garbage).expect("write");
        let sha = promptwall_ml::manifest::sha256_file(&tmp.join("categories/weights.bin")).expect("sha");
        let manifest = std::fs::read_to_string(tmp.join("categories/manifest.json")).expect("manifest");
        let mut v: serde_json::Value = serde_json::from_str(&manifest).expect("json");
        v["files"]["weights"]["sha256"] = serde_json::Value::String(sha);
        std::fs::write(tmp.join("categories/manifest.json"), v.to_string()).expect("write");
        let models = load(Some(&tmp));
        let status = models.status.iter().find(|s| s.name == "categories").expect("status");
        assert!(
            matches!(&status.state, ModelState::Unavailable(reason) if reason.contains("not a valid weight file") && reason.contains(why)),
            "{}",
            status.line()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The pure-Rust scorer against the reference ONNX graph of the same weights
/// (`models/categories/model.onnx`, run by the real ONNX Runtime): the same probabilities to 1e-5
/// on the feature-parity samples and on paste-sized pieces of the repository's own documents.
#[test]
fn the_rust_category_scorer_agrees_with_the_onnx_graph() {
    let Some(dir) = support::models_or_skip("the_rust_category_scorer_agrees_with_the_onnx_graph") else { return };
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let committed = repo.join("models/categories");
    let manifest = promptwall_ml::manifest::Manifest::load(&committed).expect("manifest");
    let onnx = manifest.verified_file(&committed, "onnx").expect("model.onnx matches its manifest");
    let env = promptwall_ml::runtime::environment(&promptwall_ml::runtime_library(&dir).expect("runtime")).expect("ONNX Runtime");
    let mut session = promptwall_ml::runtime::session(env, &onnx, 1).expect("session");
    let rust = promptwall_ml::CategoryClassifier::load(&committed).expect("weights.bin loads");

    let mut texts: Vec<(String, Vec<Finding>)> = Vec::new();
    let samples: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(committed.join("feature_vectors.json")).expect("read")).expect("json");
    for s in samples["samples"].as_array().expect("samples") {
        let findings = s["types"]
            .as_array()
            .expect("types")
            .iter()
            .filter_map(|t| EntityType::from_name(t.as_str()?))
            .map(|t| Finding::new(t, 0, 1, 0.9, "x"))
            .collect();
        texts.push((s["text"].as_str().expect("text").to_string(), findings));
    }
    let finding_sets = [vec![], vec![EntityType::Email, EntityType::Phone], vec![EntityType::AwsAccessKey], vec![EntityType::Iban]];
    for doc in ["README.md", "docs/architecture.md", "docs/taxonomy.md", "models/README.md", "agent/ml/src/categories.rs"] {
        let text = std::fs::read_to_string(repo.join(doc)).expect("read doc");
        let chars: Vec<char> = text.chars().collect();
        for (k, piece) in chars.chunks(700).take(20).enumerate() {
            let findings = finding_sets[k % finding_sets.len()].iter().map(|t| Finding::new(*t, 0, 1, 0.9, "x")).collect();
            texts.push((piece.iter().collect(), findings));
        }
    }
    texts.push((String::new(), vec![]));
    assert!(texts.len() > 50);

    let dim = manifest.setting_usize("dim", 0);
    let mut worst = 0f32;
    for (text, findings) in &texts {
        let mut x = promptwall_ml::features::vectorize_sparse(text, findings, dim);
        if x.is_empty() {
            x.push((0, 0.0));
        }
        let n = x.len() as i64;
        let indices = Tensor::from_array((vec![n], x.iter().map(|(i, _)| *i as i64).collect::<Vec<i64>>())).expect("tensor");
        let values = Tensor::from_array((vec![n], x.iter().map(|(_, v)| *v).collect::<Vec<f32>>())).expect("tensor");
        let out = session.run(ort::inputs!["indices" => indices, "values" => values]).expect("run");
        let (_, want) = out[0].try_extract_tensor::<f32>().expect("probabilities");
        let got = rust.probabilities(text, findings).expect("rust");
        assert_eq!(got.len(), want.len());
        for ((_, g), w) in got.iter().zip(want) {
            worst = worst.max((g - w).abs());
        }
    }
    assert!(worst <= 1e-5, "largest difference {worst} over {} texts", texts.len());
    eprintln!("categories: Rust and ONNX agree on {} texts (largest difference {worst:e})", texts.len());
}

#[test]
fn names_in_markup_and_chat_but_not_type_parameters() {
    let Some(dir) = support::models_or_skip("names_in_markup_and_chat_but_not_type_parameters") else { return };
    let engine = engine(&dir);
    let person = |text: &str| -> Vec<String> {
        engine.findings(text).iter().filter(|f| f.entity == EntityType::Person).map(|f| text[f.start..f.end].to_string()).collect()
    };
    // An element's text is a value, even though `<` follows it.
    assert_eq!(person("<contact>\n  <fullName>Ignacio Peñalver</fullName>\n</contact>"), ["Ignacio Peñalver"]);
    // A chat line with `new` in it is prose, not code.
    assert_eq!(person("17:52 Rupert: prod is down, who has the new key?"), ["Rupert"]);
    // A type parameter list is code.
    assert!(person("let cache: Arc<Mutex<Vec<Entry>>> = Arc::new(Mutex::new(Vec::new()));").is_empty());
}

#[test]
fn post_filter_keeps_real_name_forms_and_drops_lookalikes() {
    let Some(dir) = support::models_or_skip("post_filter_keeps_real_name_forms_and_drops_lookalikes") else { return };
    let engine = engine(&dir);
    let person = |text: &str| -> Vec<String> {
        engine.findings(text).iter().filter(|f| f.entity == EntityType::Person).map(|f| text[f.start..f.end].to_string()).collect()
    };
    // A romanised Korean given name (the post-filter's rules have unit tests of their own).
    assert!(person("I spoke with Yoo Ha-yun yesterday and she confirmed the order.").iter().any(|p| p.contains("Ha-yun")));
    // Eponyms, months, sentence-initial determiners and companies named after people are not people.
    for text in [
        "We tried Huffman coding first, then switched to a Kalman filter.",
        "Dates for the schedule: 14. Januar 2019 and 2022/09/01.",
        "Unser Leitfaden zur Arbeitszeiterfassung gilt ab Montag.",
        "Company cards are issued by Wells Fargo; receipts must show the amount.",
    ] {
        assert!(person(text).is_empty(), "{text:?}: {:?}", person(text));
    }
}
