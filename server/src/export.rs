//! Export formats: CSV rows for the download, and the OCSF-style JSON record sent by the
//! forwarder (schema: docs/schemas/export-record.schema.json).

use serde_json::{json, Value};

pub const CSV_HEADER: &str =
    "event_id,time,time_ms,received_ms,device_id,user,site,trigger,action,rule_ids,entity_counts,categories,policy_version,choice,justification\r\n";

/// OCSF schema version the records follow in spirit (class Data Security Finding).
pub const OCSF_VERSION: &str = "1.3.0";

/// RFC 3339 UTC with milliseconds, from Unix milliseconds.
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z", sod / 3600, (sod / 60) % 60, sod % 60)
}

fn csv_field(s: &str, out: &mut String) {
    // Cells starting with = + - @ TAB CR (OWASP's list), LF, or the full-width = + - @ some
    // spreadsheets also read as formulas are prefixed with ' so they are never run as formulas.
    let guarded =
        matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'));
    if guarded || s.contains([',', '"', '\n', '\r', '\t']) {
        out.push('"');
        if guarded {
            out.push('\'');
        }
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn list(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(";")).unwrap_or_default()
}

/// One CSV line (with CRLF) for an event as [`crate::api::event_json`] returns it.
pub fn csv_row(v: &Value) -> String {
    let time_ms = v.get("time_ms").and_then(Value::as_i64).unwrap_or(0);
    let counts = v
        .get("entity_counts")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, n)| format!("{k}={n}")).collect::<Vec<_>>().join(";"))
        .unwrap_or_default();
    let cells = [
        text(v, "event_id"),
        rfc3339_ms(time_ms),
        time_ms.to_string(),
        text(v, "received_ms"),
        text(v, "device_id"),
        text(v, "user"),
        text(v, "site"),
        text(v, "trigger"),
        text(v, "action"),
        list(v, "rule_ids"),
        counts,
        list(v, "categories"),
        text(v, "policy_version"),
        text(v, "choice"),
        text(v, "justification"),
    ];
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(c, &mut out);
    }
    out.push_str("\r\n");
    out
}

/// OCSF severity for a Promptwall action: (severity_id, severity, action_id, action).
fn action_mapping(action: &str) -> (u8, &'static str, u8, &'static str) {
    match action {
        "block" => (4, "High", 2, "Denied"),
        "redact" => (3, "Medium", 4, "Modified"),
        "warn" => (2, "Low", 3, "Observed"),
        "allow" => (1, "Informational", 1, "Allowed"),
        _ => (0, "Unknown", 0, "Unknown"),
    }
}

/// The forwarded record of one stored event (`v` as [`crate::api::event_json`] returns it).
pub fn ocsf_record(v: &Value) -> Value {
    let action = v.get("action").and_then(Value::as_str).unwrap_or("");
    let (severity_id, severity, action_id, action_name) = action_mapping(action);
    let site = text(v, "site");
    let entity_types: Vec<String> =
        v.get("entity_counts").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut unmapped = json!({
        "trigger": text(v, "trigger"),
        "rule_ids": v.get("rule_ids").cloned().unwrap_or(json!([])),
        "entity_counts": v.get("entity_counts").cloned().unwrap_or(json!({})),
    });
    for key in ["categories", "choice", "justification", "fingerprints"] {
        if let Some(x) = v.get(key).filter(|x| !x.is_null()) {
            unmapped[key] = x.clone();
        }
    }
    json!({
        "class_uid": 2006,
        "class_name": "Data Security Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200601,
        "time": v.get("time_ms").and_then(Value::as_i64).unwrap_or(0),
        "severity_id": severity_id,
        "severity": severity,
        "action_id": action_id,
        "action": action_name,
        "disposition": action,
        "message": format!("Promptwall {action} on {site}"),
        "metadata": {
            "version": OCSF_VERSION,
            "uid": text(v, "event_id"),
            "logged_time": v.get("received_ms").and_then(Value::as_i64).unwrap_or(0),
            "product": {"name": "Promptwall", "vendor_name": "Promptwall", "version": env!("CARGO_PKG_VERSION")},
        },
        "device": {"uid": text(v, "device_id"), "groups": [{"name": text(v, "group")}]},
        "actor": {"user": {"name": text(v, "user")}},
        "dst_endpoint": {"hostname": site},
        "policy": {"version": text(v, "policy_version"), "uid": v.get("rule_ids").and_then(|r| r.get(0)).and_then(Value::as_str).unwrap_or("")},
        "finding_info": {"uid": text(v, "event_id"), "title": format!("Sensitive data in a prompt to {site}"), "types": entity_types},
        "unmapped": unmapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let v = json!({"event_id": "a,b", "time_ms": 0, "user": "=cmd()", "justification": "said \"ok\"\nthen", "rule_ids": ["r1", "r2"],
            "entity_counts": {"EMAIL": 2}, "action": "warn", "received_ms": 5, "policy_version": 3});
        let row = csv_row(&v);
        assert!(
            row.starts_with("\"a,b\",1970-01-01T00:00:00.000Z,0,5,,\"'=cmd()\",,,warn,r1;r2,EMAIL=2,,3,,\"said \"\"ok\"\"\nthen\"\r\n"),
            "{row}"
        );
        assert_eq!(CSV_HEADER.trim_end().split(',').count(), 15);
        for lead in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "\u{FF1D}1+1"] {
            let mut out = String::new();
            csv_field(lead, &mut out);
            assert!(out.starts_with("\"'"), "{lead:?} -> {out:?}");
        }
        assert_eq!(row.matches(',').count(), 14 + 1);
    }

    #[test]
    fn ocsf_mapping() {
        let v = json!({"event_id": "e", "time_ms": 10, "received_ms": 11, "device_id": "d", "group": "g", "user": "u", "site": "chatgpt.com",
            "trigger": "paste", "action": "block", "rule_ids": ["r"], "entity_counts": {"EMAIL": 1}, "policy_version": 2});
        let r = ocsf_record(&v);
        assert_eq!(r["class_uid"], 2006);
        assert_eq!(r["severity_id"], 4);
        assert_eq!(r["action"], "Denied");
        assert_eq!(r["device"]["uid"], "d");
        assert_eq!(r["dst_endpoint"]["hostname"], "chatgpt.com");
        assert_eq!(r["finding_info"]["types"], json!(["EMAIL"]));
        assert_eq!(r["unmapped"]["trigger"], "paste");
        assert!(r["unmapped"].get("justification").is_none());
    }
}
