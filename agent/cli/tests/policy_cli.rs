//! `promptwall policy …` end to end: init, lint, keygen, sign, verify, test.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_promptwall"))
}

#[test]
fn admin_flow_and_refusals() {
    let d = std::env::temp_dir().join(format!("promptwall-policy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let run = |args: &[&str]| bin().current_dir(&d).args(args).output().unwrap();

    assert!(run(&["policy", "init", "p.json"]).status.success());
    assert_eq!(run(&["policy", "init", "p.json"]).status.code(), Some(2), "no overwrite");
    assert!(run(&["policy", "lint", "p.json"]).status.success());

    std::fs::write(
        d.join("bad.json"),
        r#"{"schema_version": 1, "name": "x", "rules": [{"id": "r", "match": {"types": ["NOPE"]}, "action": "block"}]}"#,
    )
    .unwrap();
    let out = run(&["policy", "lint", "bad.json"]);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("rules[0].match.types[0]") && s.contains("rules[0].message") && s.contains("2 problem(s)"), "{s}");

    // edm-hash refuses a key file that is not a tenant key, and an unknown normalisation.
    std::fs::write(d.join("short.key"), "abcd").unwrap();
    let out = run(&["policy", "edm-hash", "--key-file", "short.key", "--normalize", "email"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("64 hex characters"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(d.join("tenant.key"), "ab".repeat(32)).unwrap();
    let out = run(&["policy", "edm-hash", "--key-file", "tenant.key", "--normalize", "phonetic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("email, digits or token"));

    assert!(run(&["policy", "keygen", "k1"]).status.success());
    assert!(run(&["policy", "keygen", "k2"]).status.success());
    assert!(run(&["policy", "sign", "p.json", "--key", "k1.key", "--key-id", "k1", "--version", "5", "--all-groups", "-o", "b.json"])
        .status
        .success());
    assert!(
        run(&["policy", "sign", "bad.json", "--key", "k1.key", "--key-id", "k1", "--version", "5", "--all-groups", "-o", "x.json"])
            .status
            .code()
            == Some(2),
        "invalid policy is not signed"
    );
    assert!(run(&["policy", "verify", "b.json", "--trust", "k1=k1.pub", "--trust", "k2=k2.pub"]).status.success());

    let refused = |args: &[&str], why: &str| {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains(why), "{why} not in {s}");
    };
    refused(&["policy", "verify", "b.json", "--trust", "k2=k2.pub"], "not a trusted key");
    refused(&["policy", "verify", "b.json", "--trust", "k1=k2.pub"], "signature does not verify");
    refused(&["policy", "verify", "b.json", "--trust", "k1=k1.pub", "--current-version", "6"], "rollback");
    let tampered = std::fs::read_to_string(d.join("b.json")).unwrap().replace("\"block\"", "\"allow\"");
    std::fs::write(d.join("t.json"), tampered).unwrap();
    refused(&["policy", "verify", "t.json", "--trust", "k1=k1.pub"], "signature does not verify");
    std::fs::write(d.join("junk.json"), "{]").unwrap();
    refused(&["policy", "verify", "junk.json", "--trust", "k1=k1.pub"], "not valid JSON");

    std::fs::write(d.join("paste.txt"), "aws_access_key_id = AKIAT4SYWB5WKH7DNSIP").unwrap();
    let out = run(&["policy", "test", "paste.txt", "--site", "claude.ai"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("paste.txt: block"));
    std::fs::write(d.join("cases.json"), r#"[{"name": "wrong on purpose", "text": "hello", "expect": {"action": "block"}}]"#).unwrap();
    let out = run(&["policy", "test", "--cases", "cases.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 passed, 1 failed"));
}

/// Approved false alarms (issue 18): `sign --exceptions` merges the server's export into the
/// signed policy (expired ones left out, the result validated), and `policy test` applies them as
/// devices do (value hashes with the tenant key).
#[test]
fn sign_with_exceptions_and_test_them() {
    let d = std::env::temp_dir().join(format!("promptwall-policy-exc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let run = |args: &[&str]| bin().current_dir(&d).args(args).output().unwrap();
    assert!(run(&["policy", "init", "p.json"]).status.success());
    let mut p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("p.json")).unwrap()).unwrap();
    p["rules"]
        .as_array_mut()
        .unwrap()
        .insert(0, serde_json::json!({"id": "warn-email", "match": {"types": ["EMAIL"]}, "action": "warn", "message": "Check addresses."}));
    std::fs::write(d.join("p.json"), p.to_string()).unwrap();
    let key = [0xab_u8; 32];
    std::fs::write(d.join("tenant.key"), "ab".repeat(32)).unwrap();
    let hash = promptwall_policy::false_alarm_hash(&key, "qa@northwind-labs.io");
    let file = serde_json::json!({"format": 1, "group": "eng", "generated_ms": 1, "findings": [
        {"id": "fa-1", "detector": "pii.email", "value_hash": hash},
        {"id": "fa-old", "detector": "pii.email", "pattern": ".*", "sites": ["claude.ai"], "expires": 1000}
    ]});
    std::fs::write(d.join("exceptions.json"), file.to_string()).unwrap();
    assert!(run(&["policy", "keygen", "k1"]).status.success());
    let out = run(&[
        "policy",
        "sign",
        "p.json",
        "--exceptions",
        "exceptions.json",
        "--key",
        "k1.key",
        "--key-id",
        "k1",
        "--version",
        "2",
        "--group",
        "eng",
        "-o",
        "b.json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 finding exception(s)"));
    let b: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("b.json")).unwrap()).unwrap();
    assert_eq!(b["policy"]["exceptions"]["findings"][0]["id"], "fa-1", "signed with the policy");
    assert!(run(&["policy", "verify", "b.json", "--trust", "k1=k1.pub"]).status.success());
    // A bad exceptions file is refused before anything is signed.
    std::fs::write(d.join("bad.json"), r#"{"format": 1, "findings": [{"id": "x", "detector": "pii.email", "pattern": "(open"}]}"#).unwrap();
    let out = run(&[
        "policy",
        "sign",
        "p.json",
        "--exceptions",
        "bad.json",
        "--key",
        "k1.key",
        "--key-id",
        "k1",
        "--version",
        "3",
        "--group",
        "eng",
        "-o",
        "c.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exceptions.findings[0].pattern"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!d.join("c.json").exists());
    // `policy test` on the merged policy: the value passes with the tenant key, not without.
    std::fs::write(d.join("merged.json"), b["policy"].to_string()).unwrap();
    std::fs::write(d.join("paste.txt"), "write to qa@northwind-labs.io").unwrap();
    let out = run(&["policy", "test", "--policy", "merged.json", "--key-file", "tenant.key", "paste.txt"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("paste.txt: allow (exception_applied: fa-1)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&["policy", "test", "--policy", "merged.json", "paste.txt"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("paste.txt: warn"), "{}", String::from_utf8_lossy(&out.stdout));
}
