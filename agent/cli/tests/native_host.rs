//! The native-messaging host as the browser runs it: a real process, framed JSON over pipes.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

fn frame(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_ne_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

fn msg(v: Value) -> Vec<u8> {
    frame(v.to_string().as_bytes())
}

/// Runs the host on `input`, returns (exit code, replies, stderr).
fn data_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-host-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn host(args: &[&str], input: Vec<u8>) -> (i32, Vec<Value>, String) {
    host_in(&data_dir("default"), args, input)
}

fn host_in(dir: &std::path::Path, args: &[&str], input: Vec<u8>) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_promptwall"))
        .env("PROMPTWALL_DATA_DIR", dir)
        .env("PROMPTWALL_RUNTIME_DIR", dir.join("run"))
        .arg("native-host")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let mut replies = Vec::new();
    let mut r = out.stdout.as_slice();
    let mut len = [0u8; 4];
    while r.read_exact(&mut len).is_ok() {
        let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
        r.read_exact(&mut body).unwrap();
        replies.push(serde_json::from_slice(&body).unwrap());
    }
    (out.status.code().unwrap_or(-1), replies, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn inspect(id: &str, text: &str, url: &str) -> Vec<u8> {
    msg(json!({"v": 1, "id": id, "type": "inspect", "text": text, "url": url, "trigger": "paste"}))
}

#[test]
fn conversation_with_verdicts_and_errors() {
    let mut input = msg(json!({"v": 1, "id": "h", "type": "hello", "client": "test"}));
    input.extend(inspect("key", "aws_access_key_id = AKIAT4SYWB5WKH7DNSIP", "https://chatgpt.com/c/1"));
    input.extend(inspect("card", "😀 card 4539 1488 0343 6467", "https://claude.ai/chat/2"));
    input.extend(inspect("clean", "Rewrite this politely.", "https://chatgpt.com/"));
    input.extend(frame(b"{not json"));
    input.extend(msg(json!({"v": 1, "id": 7, "type": "teleport"})));
    input.extend(msg(json!({"v": 9, "id": 8, "type": "status"})));
    input.extend(frame(b"\xff\xfe"));
    let mut big = br#"{"id":"big","v":2,"type":"inspect","text":""#.to_vec();
    big.resize(5000, b'x');
    input.extend(frame(&big));
    input.extend(msg(json!({"v": 1, "id": "d", "type": "user_decision", "event_id": "e", "choice": "proceed_with_justification", "justification": "ticket 42"})));
    input.extend(msg(json!({"v": 1, "id": "s", "type": "status"})));
    input.extend(msg(json!({"id": "u", "v": 2, "type": "uninspectable", "url": "https://claude.ai/chat/2", "trigger": "file", "reason": "binary_file", "size": 52_000, "name": "q3.pdf"})));
    input.extend(msg(json!({"id": "u2", "v": 2, "type": "uninspectable", "url": "https://news.example/", "trigger": "paste", "reason": "too_large", "size": 9_000_000})));
    let dir = data_dir("conversation");
    let (code, r, err) = host_in(&dir, &["chrome-extension://abc/", "--max-inbound", "4096"], input);
    assert_eq!(code, 0, "exits cleanly at end of input: {err}");
    assert_eq!(r.len(), 13, "{r:#?}");
    assert_eq!(r[0]["type"], "hello_ok");
    assert_eq!(r[0]["protocol"], 3);
    assert_eq!(r[0]["max_request_bytes"], 4096, "the host announces its cap");
    assert_eq!(r[0]["uninspectable"], "warn");
    assert_eq!((r[1]["id"].clone(), r[1]["action"].clone()), (json!("key"), json!("block")));
    assert!(r[1]["event_id"].as_str().unwrap().len() == 32);
    assert_eq!(r[2]["action"], "redact");
    assert_eq!(r[2]["redacted_text"], "😀 card **** **** **** 6467");
    let f = &r[2]["findings"][0];
    assert_eq!((f["start"].clone(), f["start_utf16"].clone()), (json!(10), json!(8)), "UTF-16 offsets for the page");
    assert_eq!(r[3]["action"], "allow");
    assert!(r[3]["event_id"].is_null());
    let codes: Vec<&Value> = r[4..9].iter().map(|x| &x["code"]).collect();
    assert_eq!(
        codes,
        [&json!("bad_json"), &json!("unknown_type"), &json!("unsupported_version"), &json!("bad_frame"), &json!("frame_too_large")]
    );
    assert_eq!(r[5]["id"], 7, "errors echo the request id when it can be read");
    assert_eq!(r[8]["id"], "big", "an oversized request's error carries its id");
    assert_eq!(r[9]["code"], "invalid_request", "a decision on an unknown event id is refused");
    assert_eq!(r[10]["type"], "status");
    // Content that cannot be inspected is never a silent allow on an AI site: the policy warns.
    assert_eq!(
        (r[11]["type"].clone(), r[11]["action"].clone(), r[11]["override_allowed"].clone()),
        (json!("verdict"), json!("warn"), json!(true))
    );
    assert_eq!(r[11]["reasons"], json!(["uninspectable:binary_file"]));
    assert!(r[11]["event_id"].is_string());
    assert_eq!(r[12]["action"], "allow", "not an AI site: not inspected, as for text");
    let all = serde_json::to_string(&r).unwrap();
    assert!(!all.contains("AKIAT4SYWB5WKH7DNSIP") && !all.contains("4539 1488"), "verdicts never echo values");
    assert!(!err.contains("AKIA"), "stderr: {err}");

    // The block and the redaction were recorded, with metadata only.
    let out = Command::new(env!("CARGO_BIN_EXE_promptwall")).env("PROMPTWALL_DATA_DIR", &dir).args(["events", "--json"]).output().unwrap();
    let events: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events.len(), 3);
    assert_eq!((events[0]["action"].clone(), events[0]["site"].clone()), (json!("block"), json!("chatgpt.com")));
    assert_eq!(events[1]["entity_counts"], json!({"CREDIT_CARD": 1}));
    assert_eq!((events[2]["action"].clone(), events[2]["rule_ids"].clone()), (json!("warn"), json!(["uninspectable:binary_file"])));
    assert!(!serde_json::to_string(&events).unwrap().contains("q3.pdf"), "file names are not recorded");
    let db = std::fs::read(dir.join("events.db")).unwrap_or_default();
    let wal = std::fs::read(dir.join("events.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        let s = String::from_utf8_lossy(bytes);
        assert!(!s.contains("AKIAT4SYWB5WKH7DNSIP") && !s.contains("4539 1488"), "raw values must never reach the event store");
    }
}

#[test]
fn user_decisions_are_recorded_with_the_decision() {
    let dir = data_dir("decision");
    let input = inspect("w", "Customer Maria Rossi, maria.rossi@libero.it, +39 06 4991 2745, wants a refund.", "https://chatgpt.com/");
    let (_, r, _) = host_in(&dir, &[], input);
    assert_eq!(r[0]["action"], "warn");
    let ev = r[0]["event_id"].as_str().unwrap().to_string();
    // A new host process (the browser restarted it) finds the event in the store; the same one
    // remembers it.
    let mut input = inspect("w2", "Customer Maria Rossi, maria.rossi@libero.it, +39 06 4991 2745, wants a refund.", "https://chatgpt.com/");
    input.extend(msg(json!({"v": 1, "id": "d1", "type": "user_decision", "event_id": ev, "choice": "proceed"})));
    let (_, r2, _) = host_in(&dir, &[], input);
    assert_eq!(r2[1]["type"], "ack", "{:?}", r2[1]);
    let ev2 = r2[0]["event_id"].as_str().unwrap().to_string();
    // Within one host process the decision is recorded with the verdict it answers.
    let mut child = Command::new(env!("CARGO_BIN_EXE_promptwall"))
        .env("PROMPTWALL_DATA_DIR", &dir)
        .env("PROMPTWALL_RUNTIME_DIR", dir.join("run"))
        .arg("native-host")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    stdin
        .write_all(&inspect("w3", "Customer Maria Rossi, maria.rossi@libero.it, +39 06 4991 2745, wants a refund.", "https://chatgpt.com/"))
        .unwrap();
    let mut len = [0u8; 4];
    stdout.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
    stdout.read_exact(&mut body).unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    let ev3 = v["event_id"].as_str().unwrap().to_string();
    stdin.write_all(&msg(json!({"v": 1, "id": "d2", "type": "user_decision", "event_id": ev3, "choice": "proceed_with_justification", "justification": "approved by DPO"}))).unwrap();
    stdout.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
    stdout.read_exact(&mut body).unwrap();
    let ack: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(ack["type"], "ack");
    drop(stdin);
    child.wait().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_promptwall")).env("PROMPTWALL_DATA_DIR", &dir).args(["events", "--json"]).output().unwrap();
    let events: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = events.iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&ev.as_str()) && ids.contains(&ev2.as_str()) && ids.contains(&ev3.as_str()));
    assert_eq!(events.iter().filter(|e| e["trigger"] == "user_decision").count(), 2);
    let decision =
        events.iter().find(|e| e["trigger"] == "user_decision" && e["justification"].is_string()).expect("user decision recorded");
    assert_eq!(decision["choice"], "proceed_with_justification");
    assert_eq!(decision["justification"], "approved by DPO");
    assert_eq!(decision["action"], "warn");
}

#[test]
fn truncated_frame_is_reported_and_the_host_exits() {
    let mut input = msg(json!({"v": 1, "id": "s", "type": "status"}));
    let mut broken = frame(b"{\"v\":1}");
    broken.truncate(6);
    input.extend(broken);
    let (code, r, _) = host(&[], input);
    assert_eq!(code, 1);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1]["code"], "bad_frame");
}

#[test]
fn large_redactions_arrive_in_parts_never_truncated() {
    // ~1.5 MB with card numbers throughout: the redacted text exceeds the 1 MiB message limit.
    let text = "card 4539 1488 0343 6467 for the order, thanks. ".repeat(32_000);
    let (code, r, err) = host(&["--max-inbound", "8000000"], inspect("big", &text, "https://chatgpt.com/"));
    assert_eq!(code, 0, "{err}");
    let verdict = r.last().unwrap();
    assert_eq!(verdict["type"], "verdict");
    let parts = verdict["redacted_text_parts"].as_u64().unwrap() as usize;
    assert!(parts >= 2);
    let joined: String = r[..parts]
        .iter()
        .map(|p| {
            assert_eq!(p["type"], "verdict_part");
            p["data"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(joined.len(), text.len(), "the mask style keeps the length");
    assert!(!joined.contains("4539 1488"));
}
