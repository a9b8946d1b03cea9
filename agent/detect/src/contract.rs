//! The scan contract of `docs/taxonomy.md`: one JSON line in (`{"id", "text"}`), one JSON line
//! out (`{"id", "findings", "categories"}` or `{"id", "error"}`). Pure functions, so the CLI, the
//! fuzzer and tests share one implementation.

use serde_json::{json, Value};

use crate::{Engine, Finding};

/// One finding in the contract's shape, plus the allowed extras (family, detector, rule id).
pub fn finding_json(f: &Finding) -> Value {
    let mut v = json!({
        "type": f.entity.as_str(),
        "start": f.start,
        "end": f.end,
        "score": (f64::from(f.score) * 1000.0).round() / 1000.0,
        "family": f.family().as_str(),
        "detector": f.detector,
    });
    if let Some(id) = &f.rule_id {
        v["rule_id"] = json!(id);
    }
    v
}

/// Answers one input line (without its line break). Never panics on any bytes: invalid JSON, a
/// missing or non-string `text`, or a line over `max_bytes` yield `{"id": …, "error": "…"}`.
/// Error messages never quote the input.
pub fn answer_line(engine: &Engine, line: &[u8], max_bytes: u64) -> Value {
    if line.len() as u64 > max_bytes {
        return json!({ "id": Value::Null, "error": format!("line is over the limit of {max_bytes} bytes") });
    }
    let parsed: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return json!({ "id": Value::Null, "error": format!("not valid JSON ({:?} at line {} column {})", e.classify(), e.line(), e.column()) })
        }
    };
    let id = match parsed.get("id") {
        Some(v @ (Value::String(_) | Value::Number(_))) => v.clone(),
        _ => Value::Null,
    };
    let Some(text) = parsed.get("text").and_then(Value::as_str) else {
        return json!({ "id": id, "error": "missing string field `text`" });
    };
    // A bug in a detector must cost one line, not the batch.
    let Ok(r) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.scan(text))) else {
        return json!({ "id": id, "error": "internal error while scanning this line" });
    };
    json!({
        "id": id,
        "findings": r.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "categories": r.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_shapes() {
        let engine = Engine::new().unwrap();
        let ok = answer_line(&engine, br#"{"id": "a1", "text": "mail jane.doe@acme-corp.com"}"#, 1 << 20);
        assert_eq!(ok["id"], "a1");
        assert_eq!(ok["findings"][0]["type"], "EMAIL");
        assert_eq!(ok["findings"][0]["start"], 5);
        assert_eq!(ok["findings"][0]["end"], 27);
        assert!(ok["categories"].is_array());
        let keys: Vec<&String> = ok.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "findings", "categories"]);
        let bad = answer_line(&engine, b"{not json", 1 << 20);
        assert!(bad["id"].is_null() && bad["error"].is_string());
        let no_text = answer_line(&engine, br#"{"id": 7, "text": 3}"#, 1 << 20);
        assert_eq!(no_text["id"], 7);
        assert!(no_text["error"].is_string());
        let big = answer_line(&engine, br#"{"id": 1, "text": "xxxxxxxx"}"#, 4);
        assert!(big["error"].is_string());
        let invalid_utf8 = answer_line(&engine, b"{\"id\": 1, \"text\": \"\xff\"}", 1 << 20);
        assert!(invalid_utf8["error"].is_string());
    }

    #[test]
    fn errors_never_quote_the_input() {
        let engine = Engine::new().unwrap();
        let secret = "jane.doe@acme-corp.com 4539148803436467";
        let r = answer_line(&engine, format!("{{\"id\": 1, \"text\": \"{secret}").as_bytes(), 1 << 20);
        assert!(!r["error"].as_str().unwrap().contains("jane"));
    }
}
