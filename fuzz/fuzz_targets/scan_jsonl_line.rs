//! Raw bytes as one line of the JSONL scan contract: `answer_line` must always answer with an
//! object holding `id` and either a `findings` array or an `error` string.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use promptwall_detect::{contract::answer_line, Engine};
use serde_json::Value;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new().expect("the built-in engine builds"))
}

fuzz_target!(|data: &[u8]| {
    // Note: libfuzzer-sys's panic hook aborts the process, so a panic inside `engine.scan` is
    // reported as a crash even though `answer_line` wraps the scan in `catch_unwind`.
    let v = answer_line(engine(), data, 1 << 20);
    let obj = v.as_object().expect("answer is a JSON object");
    let id = obj.get("id").expect("answer has an `id` key");
    assert!(matches!(id, Value::Null | Value::String(_) | Value::Number(_)), "unexpected id: {id:?}");
    match (obj.get("findings"), obj.get("error")) {
        (Some(Value::Array(findings)), None) => {
            assert!(obj.get("categories").is_some_and(Value::is_array), "findings answer without a categories array");
            for f in findings {
                let start = f["start"].as_u64().expect("finding has a numeric start");
                let end = f["end"].as_u64().expect("finding has a numeric end");
                assert!(start < end, "empty or inverted span: {f}");
                assert!(f["type"].is_string(), "finding without a type: {f}");
            }
        }
        (None, Some(Value::String(_))) => {}
        _ => panic!("answer has neither a findings array nor an error string (keys: {:?})", obj.keys().collect::<Vec<_>>()),
    }
});
