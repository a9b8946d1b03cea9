//! Messages. Every message is a JSON object with the envelope fields `v` (protocol version), `id`
//! (chosen by the requester, echoed in the reply) and `type`. Unknown fields are ignored so that
//! newer extensions can talk to older agents; unknown `type`s get an `unknown_type` error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol version this agent speaks. The extension switches features on by it.
/// 2: `uninspectable` requests; `hello_ok` carries `max_request_bytes` and `uninspectable`; every
/// error echoes the request id, an oversized frame's included.
/// 3: `report_false_alarm` requests ("Not sensitive?"), answered by `false_alarm_ok`.
pub const PROTOCOL_VERSION: u32 = 3;

/// Error codes: append-only; a number is never reused or renumbered (pinned by a test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadFrame = 1,
    FrameTooLarge = 2,
    BadJson = 3,
    UnsupportedVersion = 4,
    UnknownType = 5,
    InvalidRequest = 6,
    Internal = 7,
    AgentUnavailable = 8,
    ResultTooLarge = 9,
}

impl ErrorCode {
    pub fn number(self) -> u32 {
        self as u32
    }
}

/// What made the extension ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Paste,
    Drop,
    Submit,
    File,
}

/// Why content could not be inspected (an `uninspectable` request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UninspectableReason {
    /// Text larger than the host takes in one request.
    TooLarge,
    /// A file whose bytes are not text the agent can read (PDF, office document, image, archive).
    BinaryFile,
    /// The extension could not read it (a file that failed to load, a clipboard item it cannot get).
    Unreadable,
}

impl UninspectableReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UninspectableReason::TooLarge => "too_large",
            UninspectableReason::BinaryFile => "binary_file",
            UninspectableReason::Unreadable => "unreadable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Cancel,
    Proceed,
    ProceedWithJustification,
}

/// A request body (the `type` field selects the variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    Hello {
        #[serde(default)]
        client: String,
        #[serde(default)]
        client_version: String,
    },
    Inspect {
        text: String,
        /// The page URL; only its host is used.
        url: String,
        trigger: Trigger,
        #[serde(default)]
        conversation_id: Option<String>,
    },
    UserDecision {
        event_id: String,
        choice: Choice,
        #[serde(default)]
        justification: Option<String>,
    },
    Status {},
    /// A file whose bytes the extension could not read as text (an office document, a PDF, an
    /// unknown binary): the agent reads what text it can (office documents) and decides on it;
    /// what it cannot read goes to the policy's `uninspectable` action. Files are never redacted
    /// in place: a `redact` decision on a file blocks it.
    InspectFile {
        url: String,
        trigger: Trigger,
        /// The file's bytes, base64 (standard alphabet, padded).
        data: String,
        /// The file's name, for the verdict's reason only; never recorded.
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// Content the extension cannot send for inspection (too large, a binary file): the policy's
    /// `uninspectable` action decides, and the decision is recorded like any other.
    Uninspectable {
        url: String,
        trigger: Trigger,
        reason: UninspectableReason,
        /// Size in bytes (UTF-8 for text).
        #[serde(default)]
        size: u64,
        /// A file's name, when there is one; used for the verdict's reason only, never recorded.
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// (v3) The employee says a warn or redact decision was a false alarm. The agent still holds
    /// that decision's findings and records a report event (types, detectors, keyed hashes of the
    /// values, the reason); the policy says whether the paste may then go through.
    ReportFalseAlarm {
        /// The verdict's `event_id`.
        event_id: String,
        /// Optional, at most 500 characters are kept.
        #[serde(default)]
        reason: Option<String>,
    },
}

/// A finding as the page needs it: byte offsets for the agent, UTF-16 offsets for JavaScript.
/// Never the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireFinding {
    #[serde(rename = "type")]
    pub type_name: String,
    pub start: usize,
    pub end: usize,
    pub start_utf16: usize,
    pub end_utf16: usize,
    /// Confidence in [0, 1], rounded to three decimals.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub action: crate::event::Action,
    pub findings: Vec<WireFinding>,
    /// The text with redactions applied (only for `redact`); `null` when sent in parts.
    pub redacted_text: Option<String>,
    /// When the redacted text was too large for one message: how many `verdict_part` messages
    /// with the same `id` came before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted_text_parts: Option<usize>,
    pub message: String,
    pub link: Option<String>,
    pub reasons: Vec<String>,
    pub categories: Vec<String>,
    pub override_allowed: bool,
    pub justification_required: bool,
    pub event_id: Option<String>,
    pub policy_name: String,
    pub policy_version: u64,
    /// Who decided: `daemon` or `host` (the host alone, from its cached policy).
    pub decided_by: String,
    /// For a `redact` with `pseudonym`-style values (policy `redaction`): which placeholder in
    /// `redacted_text` stands for which value of the inspected text, so the extension can put the
    /// values back in the display of the AI's answer. Absent otherwise. The values are the ones
    /// the extension sent; they are never recorded or logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonyms: Option<Vec<Pseudonym>>,
    /// (v3) The employee may report this decision as a false alarm (`report_false_alarm` with
    /// its `event_id`): a warn or redact under a policy with `false_alarm_reports.enabled`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reportable: bool,
}

/// One placeholder of a pseudonym redaction and the value it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pseudonym {
    /// As it appears in `redacted_text`, e.g. `[PERSON_1]`.
    pub placeholder: String,
    pub value: String,
}

/// How the extension reads and re-inserts text in a site's composer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditorKind {
    Textarea,
    Prosemirror,
    Quill,
    Lexical,
    Contenteditable,
}

/// A site adapter (the shape of the extension's built-in `sites.json`), as the signed policy's
/// `sites.adapters` lists it and `hello_ok` carries it to the extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteAdapter {
    pub id: String,
    pub name: String,
    /// Exact host names; a leading `*.` matches subdomains.
    pub hosts: Vec<String>,
    /// Per host, path prefixes the adapter is limited to.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub paths: std::collections::BTreeMap<String, Vec<String>>,
    pub editor: EditorKind,
    /// CSS selectors of the prompt editor, most specific first.
    pub composer: Vec<String>,
    /// CSS selectors of the send control.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub send: Vec<String>,
    /// CSS selectors of the area holding the AI's answers (where pseudonyms are restored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<String>,
}

/// A response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    HelloOk {
        protocol: u32,
        agent_version: String,
        capabilities: Vec<String>,
        policy_name: String,
        policy_version: u64,
        fail_mode: String,
        /// AI sites the policy adds to the built-in list (`host` or `*.domain`), so the extension
        /// can guard them too (where it holds the host permission).
        ai_sites: Vec<String>,
        /// The largest request this host takes, in UTF-8 JSON bytes.
        max_request_bytes: u64,
        /// What the policy does with content that cannot be inspected: `warn` or `block`.
        uninspectable: String,
        /// Site adapters from the signed policy (`sites.adapters`); absent when there are none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        site_adapters: Vec<SiteAdapter>,
    },
    Verdict(Verdict),
    VerdictPart {
        seq: usize,
        total: usize,
        data: String,
    },
    Ack {},
    /// (v3) The answer to `report_false_alarm`: the report was recorded; `let_through` says
    /// whether the policy lets the reported paste go through now (a warning only; never a block).
    FalseAlarmOk {
        let_through: bool,
    },
    Status {
        agent_version: String,
        policy_name: String,
        policy_version: u64,
        daemon: String,
        models: String,
        /// Whether decisions are being recorded: `recording`, or why not (`NOT RECORDING since
        /// <unix ms>: the disk is full`).
        #[serde(default)]
        events: String,
    },
    Error {
        code: ErrorCode,
        code_number: u32,
        message: String,
    },
}

/// A request with its envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub v: u32,
    pub id: Value,
    pub request: Request,
}

/// Parses a request. On failure returns the id (if one could be read) and the error to answer.
pub fn parse_request(json: &str) -> Result<Envelope, (Value, ErrorCode, String)> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| (Value::Null, ErrorCode::BadJson, format!("not valid JSON at line {} column {}", e.line(), e.column())))?;
    let id = value.get("id").filter(|v| v.is_string() || v.is_number()).cloned().unwrap_or(Value::Null);
    let v = value
        .get("v")
        .and_then(Value::as_u64)
        .ok_or_else(|| (id.clone(), ErrorCode::InvalidRequest, "missing protocol version `v`".to_string()))?;
    if v == 0 || v > u64::from(PROTOCOL_VERSION) {
        return Err((
            id,
            ErrorCode::UnsupportedVersion,
            format!("protocol version {v} is not supported; this agent speaks 1..={PROTOCOL_VERSION}"),
        ));
    }
    let known = ["hello", "inspect", "user_decision", "status", "uninspectable", "inspect_file", "report_false_alarm"];
    match value.get("type").and_then(Value::as_str) {
        Some(t) if known.contains(&t) => {}
        Some(_) => return Err((id, ErrorCode::UnknownType, "unknown message type".to_string())),
        None => return Err((id, ErrorCode::InvalidRequest, "missing `type`".to_string())),
    }
    // serde's messages name fields and expected types, never the text being inspected.
    let request: Request = serde_json::from_value(value).map_err(|e| (id.clone(), ErrorCode::InvalidRequest, e.to_string()))?;
    Ok(Envelope { v: v as u32, id, request })
}

/// The request id of a message the host could not take whole (an oversized frame), read from the
/// first bytes kept of it: its top-level members are walked in order until `"id"` (a string or a
/// number) is found. Browsers may reorder members (Chromium writes them sorted, so `id` follows
/// `conversation_id` but comes before `text`); a member value that runs past the kept bytes ends
/// the search. `null` when no id can be read.
pub fn request_id_from_head(head: &[u8]) -> Value {
    fn skip_ws(b: &[u8]) -> &[u8] {
        let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
        &b[n..]
    }
    /// One JSON value at the start of `b`, and the bytes after it.
    fn value<T: serde::de::DeserializeOwned>(b: &[u8]) -> Option<(T, &[u8])> {
        let mut it = serde_json::Deserializer::from_slice(b).into_iter::<T>();
        let v = it.next()?.ok()?;
        let used = it.byte_offset();
        Some((v, &b[used..]))
    }
    let Some(mut rest) = skip_ws(head).strip_prefix(b"{") else { return Value::Null };
    for _ in 0..64 {
        let Some((key, after)) = value::<String>(skip_ws(rest)) else { return Value::Null };
        let Some(after) = skip_ws(after).strip_prefix(b":") else { return Value::Null };
        let Some((v, after)) = value::<Value>(skip_ws(after)) else { return Value::Null };
        if key == "id" {
            let ok = v.as_str().is_some_and(|s| s.len() <= 256) || v.is_number();
            return if ok { v } else { Value::Null };
        }
        let Some(after) = skip_ws(after).strip_prefix(b",") else { return Value::Null };
        rest = after;
    }
    Value::Null
}

/// Serializes a response with its envelope.
pub fn response_json(id: &Value, response: &Response) -> String {
    let mut v = serde_json::to_value(response).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("v".into(), Value::from(PROTOCOL_VERSION));
        map.insert("id".into(), id.clone());
    }
    v.to_string()
}

/// An error response.
pub fn error(code: ErrorCode, message: impl Into<String>) -> Response {
    Response::Error { code, code_number: code.number(), message: message.into() }
}

/// UTF-16 offsets for byte offsets into `text` (offsets must be char boundaries, sorted or not).
pub fn utf16_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut sorted: Vec<(usize, usize)> = byte_offsets.iter().copied().enumerate().map(|(i, b)| (b, i)).collect();
    sorted.sort_unstable();
    let mut out = vec![0; byte_offsets.len()];
    let mut units = 0usize;
    let mut chars = text.char_indices().peekable();
    for (target, idx) in sorted {
        while let Some(&(b, c)) = chars.peek() {
            if b >= target {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        out[idx] = units;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_pinned() {
        use ErrorCode::*;
        let pinned = [
            (BadFrame, 1),
            (FrameTooLarge, 2),
            (BadJson, 3),
            (UnsupportedVersion, 4),
            (UnknownType, 5),
            (InvalidRequest, 6),
            (Internal, 7),
            (AgentUnavailable, 8),
            (ResultTooLarge, 9),
        ];
        for (code, n) in pinned {
            assert_eq!(code.number(), n, "{code:?} was renumbered: error codes are append-only");
        }
    }

    #[test]
    fn parsing() {
        let ok = parse_request(
            r#"{"v":1,"id":"r1","type":"inspect","text":"hi","url":"https://chatgpt.com/c/1","trigger":"paste","future_field":1}"#,
        )
        .unwrap();
        assert_eq!(ok.id, "r1");
        assert!(matches!(ok.request, Request::Inspect { trigger: Trigger::Paste, .. }));
        let e = |s: &str| parse_request(s).unwrap_err().1;
        assert_eq!(e("{"), ErrorCode::BadJson);
        assert_eq!(e(r#"{"id":1,"type":"status"}"#), ErrorCode::InvalidRequest);
        assert_eq!(e(r#"{"v":4,"id":1,"type":"status"}"#), ErrorCode::UnsupportedVersion);
        let r = parse_request(r#"{"v":3,"id":"f1","type":"report_false_alarm","event_id":"e9","reason":"test data"}"#).unwrap();
        assert!(matches!(r.request, Request::ReportFalseAlarm { ref event_id, .. } if event_id == "e9"));
        assert_eq!(e(r#"{"v":3,"id":1,"type":"report_false_alarm"}"#), ErrorCode::InvalidRequest);
        let u = parse_request(r#"{"id":"u1","v":2,"type":"uninspectable","url":"https://claude.ai/","trigger":"file","reason":"binary_file","size":123,"name":"a.pdf"}"#).unwrap();
        assert!(matches!(u.request, Request::Uninspectable { reason: UninspectableReason::BinaryFile, size: 123, .. }));
        assert_eq!(e(r#"{"v":1,"id":1,"type":"launch_missiles"}"#), ErrorCode::UnknownType);
        assert_eq!(e(r#"{"v":1,"id":1,"type":"inspect","text":5}"#), ErrorCode::InvalidRequest);
        let secret =
            parse_request(r#"{"v":1,"id":1,"type":"inspect","text":"AKIAT4SYWB5WKH7DNSIP","url":"x","trigger":"nope"}"#).unwrap_err();
        assert!(!secret.2.contains("AKIA"), "error messages never quote the text: {}", secret.2);
    }

    #[test]
    fn ids_from_the_head_of_an_oversized_frame() {
        assert_eq!(request_id_from_head(br#"{"id":"r-9","v":2,"type":"inspect","text":"aaaa"#), Value::from("r-9"));
        assert_eq!(request_id_from_head(br#" { "id" : 42 , "v":2"#), Value::from(42));
        assert_eq!(request_id_from_head(br#"{"v":2,"id":"late"}"#), Value::from("late"), "members before the id are walked");
        // Chromium sorts members: `conversation_id` comes before `id`, the long `text` after it.
        assert_eq!(request_id_from_head(br#"{"conversation_id":"c/1","id":"r-3","text":"aaaaaaaaaaaa"#), Value::from("r-3"));
        assert_eq!(
            request_id_from_head(br#"{"text":"a very long text that was cut off here"#),
            Value::Null,
            "a value past the kept bytes ends the search"
        );
        assert_eq!(request_id_from_head(br#"{"id":"unterminated"#), Value::Null);
        assert_eq!(request_id_from_head(br#"{"id":{"x":1}}"#), Value::Null);
        assert_eq!(request_id_from_head(b"\xff\xfe"), Value::Null);
    }

    #[test]
    fn utf16() {
        let t = "a😀é b";
        // bytes: a=0, 😀=1..5, é=5..7, ' '=7, b=8
        assert_eq!(utf16_offsets(t, &[8, 0, 5, 1]), vec![5, 0, 3, 1]);
    }
}
