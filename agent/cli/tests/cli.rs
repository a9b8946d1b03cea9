//! The `promptwall` binary end to end: real process, real files, real pipes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_promptwall"))
}

fn run_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const PASTE: &str = "Customer jane.doe@northwind.io paid with 4539 1488 0343 6467.\n";

#[test]
fn table_from_stdin_masks_values() {
    let (code, out, _) = run_stdin(&["scan", "--color", "never"], PASTE.as_bytes());
    assert_eq!(code, 0);
    assert!(out.contains("EMAIL") && out.contains("CREDIT_CARD"), "{out}");
    assert!(out.contains("1:10"), "line:col shown: {out}");
    assert!(!out.contains("4539 1488 0343 6467") && !out.contains("jane.doe@"), "raw values must not be printed: {out}");
}

#[test]
fn json_document_and_exit_code() {
    let d = tmp("json");
    let f = d.join("paste.txt");
    std::fs::write(&f, PASTE).unwrap();
    let out = bin().args(["scan", "--json", "--exit-code"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "--exit-code reports findings");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2);
    assert_eq!(v["findings"][0]["type"], "EMAIL");
    assert!(v["categories"].as_array().unwrap().iter().any(|c| c == "financial"));
}

#[test]
fn jsonl_contract_one_line_per_line_in_order() {
    let input = concat!(
        "{\"id\": \"a1\", \"text\": \"mail jane.doe@acme-corp.com\"}\n",
        "not json at all\n",
        "{\"id\": 2, \"text\": 42}\n",
        "{\"id\": \"a3\", \"text\": \"nothing here\"}\n",
    );
    let (code, out, _) = run_stdin(&["scan", "--jsonl"], input.as_bytes());
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "a1");
    assert_eq!(
        lines[0]["findings"][0],
        serde_json::json!({"type": "EMAIL", "start": 5, "end": 27, "score": 0.96, "family": "PII", "detector": "pii.email"})
    );
    assert!(lines[1]["id"].is_null() && lines[1]["error"].is_string());
    assert_eq!(lines[2]["id"], 2);
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(lines[3]["categories"], serde_json::json!(["none"]));
}

#[test]
fn jsonl_answers_keep_input_order_when_scanned_in_parallel() {
    // Long and short documents mixed, so that workers finish out of order.
    let mut input = String::new();
    for i in 0..300 {
        let text = if i % 7 == 0 {
            "filler words and more filler ".repeat(2000) + "jane.doe@northwind.io"
        } else {
            format!("mail u{i}@northwind.io")
        };
        input.push_str(&serde_json::json!({"id": i, "text": text}).to_string());
        input.push('\n');
    }
    let (code, out, _) = run_stdin(&["scan", "--jsonl"], input.as_bytes());
    assert_eq!(code, 0);
    let ids: Vec<i64> = out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, (0..300).collect::<Vec<i64>>());
}

#[test]
fn redact_styles() {
    let (_, tag, _) = run_stdin(&["scan", "--redact"], PASTE.as_bytes());
    assert_eq!(tag, "Customer [EMAIL] paid with [CREDIT_CARD].\n");
    let (_, mask, _) = run_stdin(&["scan", "--redact", "--style", "mask"], PASTE.as_bytes());
    assert!(mask.contains("**** **** **** 6467"), "{mask}");
    let (code, _, err) = run_stdin(&["scan", "--redact", "--style", "hash", "--hash-key-env", "PW_TEST_NO_SUCH_VAR"], PASTE.as_bytes());
    assert_eq!(code, 2);
    assert!(err.contains("needs a key"), "{err}");
    let out = bin()
        .args(["scan", "--redact", "--style", "hash"])
        .env("PROMPTWALL_REDACT_KEY", "k1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(PASTE.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("[EMAIL:") && !s.contains("jane"), "{s}");
}

#[test]
fn bad_inputs_get_clear_answers() {
    let d = tmp("bad");
    // Invalid UTF-8: a warning, and the valid parts are still scanned.
    let bad = d.join("bad.txt");
    std::fs::write(&bad, b"bad \xff\xfe bytes jane.doe@northwind.io\n").unwrap();
    let out = bin().args(["scan", "--color", "never"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("EMAIL"));
    // NUL bytes in a named file are scanned.
    let nul = d.join("nul.txt");
    std::fs::write(&nul, b"a\0b jane.doe@northwind.io").unwrap();
    let out = bin().args(["scan", "--color", "never"]).arg(&nul).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("EMAIL"));
    // Empty file.
    let empty = d.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let out = bin().args(["scan", "--color", "never"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no sensitive data found"));
    // Missing path.
    let out = bin().args(["scan"]).arg(d.join("missing.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
    // Over the size limit: refused, not truncated.
    let out = bin().args(["scan", "--max-bytes", "10"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-bytes"));
    // Bad flag value.
    let out = bin().args(["scan", "--min-score", "3"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn folders_are_walked_and_binary_files_skipped() {
    let d = tmp("dir");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.txt"), PASTE).unwrap();
    std::fs::write(d.join("sub/b.env"), "AWS_ACCESS_KEY_ID=AKIAT4SYWB5WKH7DNSIP\n").unwrap();
    std::fs::write(d.join("blob.bin"), b"\x00\x01\xff\xfe\x00jane.doe@northwind.io").unwrap();
    let out = bin().args(["scan", "--json"]).arg(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v.as_array().unwrap();
    assert_eq!(docs.len(), 2, "two text files, the binary one skipped");
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary file skipped"));
}

#[test]
fn a_huge_single_line_is_scanned() {
    // 100 MB on one line, with a value at the very end.
    let mut text = "lorem ipsum dolor sit amet ".repeat(100 * 1024 * 1024 / 27);
    text.push_str("jane.doe@northwind.io\n");
    let (code, out, err) = run_stdin(&["scan", "--json"], text.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn broken_pipe_exits_quietly() {
    let mut input = String::new();
    for i in 0..20_000 {
        input.push_str(&format!("{{\"id\": {i}, \"text\": \"jane.doe@northwind.io\"}}\n"));
    }
    let mut child = bin().args(["scan", "--jsonl"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // the reader goes away, like `| head`
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn demo_runs() {
    let out = bin().arg("demo").env("NO_COLOR", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("PRIVATE") || s.contains("AWS_ACCESS_KEY"));
    assert!(s.contains("[CREDIT_CARD]"));
}
