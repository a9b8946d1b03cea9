//! promptwall-server's event validation (`api::validate_event_at`), what every uploaded event goes
//! through. Input: JSON (one event, or an array of events); anything else is skipped. For each
//! accepted event the stored record must hold only allow-listed fields, the credential's device
//! id, a time in the accepted window and no control characters anywhere; it must validate again
//! to the same record; and its CSV row must start no cell with a formula lead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promptwall_server::api::{event_json, validate_event_at};
use promptwall_server::event::{is_control_like, EVENT_FIELDS, MAX_FUTURE_MS, MIN_TIME_MS};
use promptwall_server::export::csv_row;
use promptwall_server::store::StoredEvent;
use serde_json::Value;

const NOW: i64 = 1_764_000_000_000;
const DEVICE: &str = "fuzz-device";

fn no_controls(v: &Value) {
    match v {
        Value::String(s) => assert!(!s.chars().any(is_control_like), "control character stored: {s:?}"),
        Value::Array(a) => a.iter().for_each(no_controls),
        Value::Object(o) => {
            for (k, x) in o {
                assert!(!k.chars().any(is_control_like), "control character in a key: {k:?}");
                no_controls(x);
            }
        }
        _ => {}
    }
}

/// The cells of one CSV line (RFC 4180 quoting), without the CRLF.
fn cells(line: &str) -> Vec<String> {
    let line = line.strip_suffix("\r\n").expect("CSV row ends with CRLF");
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if at_start && c == '"' {
            quoted = true;
            at_start = false;
            continue;
        }
        at_start = false;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn check(item: Value) {
    let Ok(e) = validate_event_at(item, DEVICE, NOW) else { return };
    let body: Value = serde_json::from_str(&e.body).expect("stored body is JSON");
    let obj = body.as_object().expect("stored body is an object");
    for k in obj.keys() {
        assert!(EVENT_FIELDS.contains(&k.as_str()), "field {k:?} stored");
    }
    assert_eq!(obj.get("device_id").and_then(Value::as_str), Some(DEVICE));
    assert!((MIN_TIME_MS..=NOW + MAX_FUTURE_MS).contains(&e.time_ms), "time_ms {}", e.time_ms);
    assert!(e.policy_version >= 0);
    no_controls(&body);
    let again = validate_event_at(body, DEVICE, NOW).expect("the stored record validates again");
    assert_eq!(again.body, e.body, "validation is not idempotent");
    let shown = event_json(&StoredEvent { seq: 1, received_ms: NOW, group: "g".into(), body: e.body.clone() });
    let row = csv_row(&shown);
    let cells = cells(&row);
    assert_eq!(cells.len(), 15, "{row:?}");
    for c in &cells {
        let first = c.chars().next();
        assert!(
            !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')),
            "unguarded CSV cell {c:?} in {row:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(data) else { return };
    match v {
        Value::Array(items) => items.into_iter().take(64).for_each(check),
        other => check(other),
    }
});
